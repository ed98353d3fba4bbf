// SPDX-License-Identifier: GPL-2.0

//! The filesystem type, its registration, and the superblock operations.

use super::{bindings as b, fs_context, inode, xattr, OpsTable};
use crate::branch::Union;
use core::sync::atomic::{AtomicU64, Ordering};
use kernel::{error::to_result, ffi, prelude::*, seq_file::SeqFile, types::Opaque, ThisModule};

/// The aufs magic `0x61756673` ("aufs"), as statfs reports it.
pub(crate) const AUFS_SUPER_MAGIC: u64 = 0x6175_6673;

/// The `aufs` filesystem type. It must be static: it embeds the lockdep class
/// keys of every aufs superblock, and lockdep only accepts static keys.
struct FsType(Opaque<b::file_system_type>);

// SAFETY: the VFS serialises every access to a registered file_system_type
// with its own locks; before registration only `Registration::new` writes it.
unsafe impl Sync for FsType {}

static FS_TYPE: FsType = FsType(Opaque::new(b::file_system_type {
    name: kernel::str::as_char_ptr_in_const_context(c"aufs"),
    init_fs_context: Some(fs_context::init_fs_context),
    kill_sb: Some(kill_sb),
    // SAFETY: all-zero is a valid file_system_type (no flags, no links).
    ..unsafe { core::mem::zeroed() }
}));

/// True when `sb` belongs to an aufs mount.
pub(super) fn is_aufs_sb(sb: *const b::super_block) -> bool {
    // SAFETY: callers pass a pinned superblock; s_type is constant.
    core::ptr::eq(unsafe { (*sb).s_type }, FS_TYPE.0.get())
}

/// Keeps the `aufs` filesystem type registered while it lives.
///
/// # Invariants
///
/// `FS_TYPE` is registered with the VFS while a `Registration` exists, and at
/// most one exists (the module holds it).
pub(crate) struct Registration(());

/// Random key that hides kernel addresses in mount ids; set before the type
/// is registered, so before any mount.
static MOUNT_ID_KEY: AtomicU64 = AtomicU64::new(0);

/// A mount id for `si=`/`si_ID`: the union's address mixed with a random key
/// (as aufs does), so it is unique among live mounts.
pub(super) fn mount_id(union: &Union) -> u64 {
    (core::ptr::from_ref(union) as u64) ^ MOUNT_ID_KEY.load(Ordering::Relaxed)
}

impl Registration {
    /// Registers the `aufs` filesystem type owned by `module`.
    pub(crate) fn new(module: &'static ThisModule) -> Result<Self> {
        // SAFETY: get_random_u64 has no preconditions.
        MOUNT_ID_KEY.store(unsafe { b::get_random_u64() }, Ordering::Relaxed);
        let raw = FS_TYPE.0.get();
        // SAFETY: the type is not registered yet (module init runs once), so
        // nothing else reads it while we set the owner.
        unsafe { (*raw).owner = module.as_ptr() };
        // SAFETY: the type is fully initialised and static.
        to_result(unsafe { b::register_filesystem(raw) })?;
        // INVARIANT: registered above.
        Ok(Registration(()))
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        // SAFETY: registered by `new` (invariant); module unload only happens
        // once no superblock of this type exists.
        unsafe { b::unregister_filesystem(FS_TYPE.0.get()) };
    }
}

static SUPER_OPS: OpsTable<b::super_operations> = OpsTable(b::super_operations {
    statfs: Some(statfs),
    show_options: Some(show_options),
    evict_inode: Some(inode::evict_inode),
    // SAFETY: all-zero is a valid super_operations (every op absent).
    ..unsafe { core::mem::zeroed() }
});

/// Sets up a new superblock's fields.
///
/// # Safety
///
/// `sb` must be a new superblock being filled, exclusively ours.
pub(super) unsafe fn init_super(sb: *mut b::super_block, stack_depth: i32) {
    // SAFETY: see the safety section.
    unsafe {
        (*sb).s_magic = AUFS_SUPER_MAGIC as usize;
        (*sb).s_op = &SUPER_OPS.0;
        (*sb).s_maxbytes = b::AUFS_MAX_LFS_FILESIZE;
        (*sb).s_time_gran = 1;
        (*sb).s_stack_depth = stack_depth;
        (*sb).s_xattr = xattr::XATTR_HANDLERS.0.as_ptr().cast();
        b::set_default_d_op(sb, &super::dentry::DENTRY_OPS.0);
    }
}

/// The union state of an aufs superblock.
///
/// # Safety
///
/// `sb` must be an aufs superblock after `fill_super` set `s_fs_info`, and
/// before `kill_sb` freed it.
pub(super) unsafe fn union_of<'a>(sb: *const b::super_block) -> &'a Union {
    // SAFETY: s_fs_info holds a KBox<Union> for the superblock's life.
    unsafe { &*(*sb).s_fs_info.cast::<Union>() }
}

/// `file_system_type.kill_sb`: tear down the VFS objects first (they hold
/// branch references), then the union state.
///
/// # Safety
///
/// Called once by the VFS for an aufs superblock.
unsafe extern "C" fn kill_sb(sb: *mut b::super_block) {
    // SAFETY: `sb` is valid; after kill_anon_super no inode or dentry of this
    // superblock remains, so nothing borrows the union any more.
    unsafe {
        b::kill_anon_super(sb);
        let union = (*sb).s_fs_info.cast::<Union>();
        if !union.is_null() {
            drop(KBox::from_raw(union));
        }
    }
}

/// `super_operations.show_options`: `si=ID` and the options that differ from
/// their defaults, after the generic `rw,relatime`.
///
/// # Safety
///
/// Called by the VFS with a seq_file and the root of an aufs mount.
unsafe extern "C" fn show_options(seq: *mut b::seq_file, root: *mut b::dentry) -> ffi::c_int {
    // SAFETY: the root pins its superblock, a filled aufs one.
    let union = unsafe { union_of((*root).d_sb) };
    // SAFETY: `seq` is valid for the call.
    let seq = unsafe { SeqFile::from_raw(seq) };
    let mut text = MountOptions::default();
    if union.write_mount_options(&mut text).is_ok() {
        seq.call_printf(format_args!("{}", text.as_str()));
    }
    0
}

/// A buffer for the option text of /proc/mounts.
#[derive(Default)]
struct MountOptions {
    text: KVec<u8>,
}

impl MountOptions {
    fn as_str(&self) -> &str {
        core::str::from_utf8(&self.text).unwrap_or("")
    }
}

impl core::fmt::Write for MountOptions {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        self.text
            .extend_from_slice(s.as_bytes(), GFP_KERNEL)
            .map_err(|_| core::fmt::Error)
    }
}

/// `super_operations.statfs`: the numbers of the first writable branch (else
/// branch 0), with aufs's magic and name length.
///
/// # Safety
///
/// Called by the VFS with a valid dentry of an aufs mount and an out buffer.
unsafe extern "C" fn statfs(
    dentry: *mut b::dentry,
    buf: *mut kernel::bindings::kstatfs,
) -> ffi::c_int {
    let buf = buf.cast::<b::kstatfs>();
    // SAFETY: the dentry pins its superblock, which is a filled aufs one.
    let union = unsafe { union_of((*dentry).d_sb) };
    let branch = union.statfs_branch();
    let ret = {
        let _mounter = union.as_mounter();
        // SAFETY: the branch root is pinned by the union; `buf` is valid.
        unsafe { b::vfs_statfs(branch.root.as_raw(), buf) }
    };
    if ret == 0 {
        // SAFETY: `buf` is valid and was filled by vfs_statfs.
        unsafe {
            (*buf).f_type = AUFS_SUPER_MAGIC as isize;
            (*buf).f_namelen = Union::max_name_len() as isize;
        }
    }
    ret
}
