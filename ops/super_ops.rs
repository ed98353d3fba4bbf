// SPDX-License-Identifier: GPL-2.0

//! The filesystem type, its registration, and the superblock operations.

use super::{fs_context, inode, xattr, OpsTable};
use crate::branch::Union;
use crate::lookup::UnionDentry;
use crate::mount::Mount;
use crate::remount::RemountTarget;
use crate::vfs::srcu_arc::SrcuRef;
use crate::vfs::{bindings as b, Path, Registration};
use core::sync::atomic::{AtomicU64, Ordering};
use kernel::types::ForeignOwnable;
use kernel::{error::from_result, ffi, prelude::*, seq_file::SeqFile, ThisModule};

use crate::statfs::AUFS_SUPER_MAGIC;

/// Random key that hides kernel addresses in mount ids; set before the type
/// is registered, so before any mount.
static MOUNT_ID_KEY: AtomicU64 = AtomicU64::new(0);

/// Counts the mounts made since the module was loaded.
static MOUNT_COUNT: AtomicU64 = AtomicU64::new(0);

/// A new mount id for `si=`/`si_ID`: a mount counter mixed with a random key
/// (aufs mixes an address), so it is unique and does not reveal much.
pub(super) fn mount_id() -> u64 {
    let count = MOUNT_COUNT.fetch_add(1, Ordering::Relaxed);
    (count << 4) ^ MOUNT_ID_KEY.load(Ordering::Relaxed)
}

/// Registers the `aufs` filesystem type owned by `module`, with its
/// context and teardown operations.
pub(crate) fn register(module: &'static ThisModule) -> Result<Registration> {
    // SAFETY: get_random_u64 has no preconditions.
    MOUNT_ID_KEY.store(unsafe { b::get_random_u64() }, Ordering::Relaxed);
    // SAFETY: these are the aufs implementations of the two operations.
    unsafe { Registration::new(module, fs_context::init_fs_context, kill_sb) }
}

static SUPER_OPS: OpsTable<b::super_operations> = OpsTable(b::super_operations {
    statfs: Some(statfs),
    show_options: Some(show_options),
    alloc_inode: Some(inode::alloc_inode),
    free_inode: Some(inode::free_inode),
    evict_inode: Some(inode::evict_inode),
    // An inode goes with its last dentry: it holds a branch inode, which must
    // not outlive the branch's removal by `del`.
    drop_inode: Some(b::inode_just_drop),
    sync_fs: Some(sync_fs),
    // SAFETY: all-zero is a valid super_operations (every op absent).
    ..unsafe { core::mem::zeroed() }
});

/// Sets up a new superblock's fields.
///
/// # Safety
///
/// `sb` must be a new superblock being filled, exclusively ours.
pub(super) unsafe fn init_super(sb: *mut b::super_block, stack_depth: i32, acl: bool) {
    // SAFETY: see the safety section.
    unsafe {
        (*sb).s_magic = AUFS_SUPER_MAGIC as usize;
        (*sb).s_op = &SUPER_OPS.0;
        (*sb).s_maxbytes = b::AUFS_MAX_LFS_FILESIZE;
        (*sb).s_time_gran = 1;
        (*sb).s_stack_depth = stack_depth;
        (*sb).s_xattr = xattr::XATTR_HANDLERS.0.as_ptr().cast();
        set_posix_acl(sb, acl);
        b::set_default_d_op(sb, &super::dentry::DENTRY_OPS.0);
    }
}

/// `acl`: POSIX ACLs take part in the union's own permission check (the
/// branch is accessed as the mounter, who may have more rights) and pass
/// through; `noacl`: the VFS ignores and refuses them (EOPNOTSUPP).
///
/// # Safety
///
/// `sb` must be a live aufs superblock being filled, or with s_umount held
/// for writing (remount).
unsafe fn set_posix_acl(sb: *mut b::super_block, acl: bool) {
    // SAFETY: as the caller guarantees, nobody else changes the flags.
    unsafe {
        if acl {
            (*sb).s_flags |= b::AUFS_SB_POSIXACL;
        } else {
            (*sb).s_flags &= !b::AUFS_SB_POSIXACL;
        }
    }
}

/// Makes the superblock's mount state from `union`.
///
/// # Safety
///
/// `sb` must be a new superblock being filled, exclusively ours. From here on
/// `kill_sb` frees the state, even when a later step of the fill fails.
pub(super) unsafe fn install_mount(
    sb: *mut b::super_block,
    union: Union,
) -> Result<&'static Mount> {
    let mount = KBox::pin_init(Mount::new(union)?, GFP_KERNEL)?;
    let raw = mount.into_foreign();
    // SAFETY: `sb` is a new superblock being filled, exclusively ours (the
    // caller's guarantee).
    unsafe { (*sb).s_fs_info = raw };
    // SAFETY: `raw` came from into_foreign of a Pin<KBox<Mount>>, which
    // kill_sb takes back only after every user of the superblock is gone.
    Ok(unsafe { <Pin<KBox<Mount>>>::borrow(raw) }.get_ref())
}

/// The mount state of an aufs superblock.
///
/// # Safety
///
/// `sb` must be an aufs superblock after `fill_super` set `s_fs_info`, and
/// before `kill_sb` freed it.
pub(super) unsafe fn mount_of<'a>(sb: *const b::super_block) -> &'a Mount {
    // SAFETY: s_fs_info holds a Pin<KBox<Mount>> (into_foreign) from
    // fill_super until kill_sb (the caller's guarantee).
    unsafe { <Pin<KBox<Mount>>>::borrow((*sb).s_fs_info) }.get_ref()
}

/// The current generation of an aufs superblock's union.
///
/// # Safety
///
/// As for [`mount_of`].
pub(super) unsafe fn union_of<'a>(sb: *const b::super_block) -> SrcuRef<'a, Union> {
    // SAFETY: `sb` is an aufs superblock between fill_super and kill_sb, as
    // mount_of needs.
    unsafe { mount_of(sb) }.current()
}

/// A mounted aufs superblock being remounted.
///
/// # Invariants
///
/// `raw` is a mounted aufs superblock (filled, with its [`Mount`]) whose
/// `s_umount` is held for writing while the handle lives: remounts are
/// serialised by it, and the root and the mount stay.
pub(super) struct RemountingSuper<'a> {
    raw: *mut b::super_block,
    _life: core::marker::PhantomData<&'a ()>,
}

impl RemountingSuper<'_> {
    /// A handle on `raw`.
    ///
    /// # Safety
    ///
    /// `raw` must be a mounted aufs superblock whose `s_umount` the caller
    /// holds for writing while the handle lives.
    pub(super) unsafe fn new(raw: *mut b::super_block) -> Self {
        // INVARIANT: as the caller guarantees.
        RemountingSuper {
            raw,
            _life: core::marker::PhantomData,
        }
    }
}

impl RemountTarget for RemountingSuper<'_> {
    /// The mount state.
    fn mount(&self) -> &Mount {
        // SAFETY: a mounted aufs superblock has its Mount (invariant), which
        // lives until kill_sb, after the remount.
        unsafe { mount_of(self.raw) }
    }

    /// True when the superblock is mounted read-only now.
    fn is_read_only(&self) -> bool {
        // SAFETY: the superblock is live and s_umount (held, invariant)
        // serialises changes of its flags.
        unsafe { (*self.raw).s_flags & b::AUFS_SB_RDONLY != 0 }
    }

    /// The superblock's stacking depth (one more than its branches' at mount).
    fn stack_depth(&self) -> i32 {
        // SAFETY: the superblock is live; s_stack_depth is set at fill_super.
        unsafe { (*self.raw).s_stack_depth }
    }

    /// Drops the unused dentries of the union.
    fn shrink_unused_dentries(&self) {
        // SAFETY: the superblock is live and mounted (invariant).
        unsafe { b::shrink_dcache_sb(self.raw) };
    }

    /// The union root.
    fn root(&self) -> UnionDentry<'_> {
        // SAFETY: the root of a mounted aufs is a live aufs dentry with info,
        // pinned by the superblock while it is mounted (invariant).
        unsafe { UnionDentry::borrowed((*self.raw).s_root) }
    }

    /// Turns POSIX ACLs on or off (`acl` / `noacl`).
    fn set_posix_acl(&self, acl: bool) {
        // SAFETY: s_umount is held for writing (invariant).
        unsafe { set_posix_acl(self.raw, acl) };
    }

    /// Makes the root inode stand for `top`, the top branch root of the
    /// generation just installed.
    fn follow_root(&self, top: &Path) {
        // SAFETY: s_umount is held for writing (invariant); the caller passes
        // the new generation's top root.
        unsafe { inode::follow_root(self.raw, top) };
    }
}

/// `file_system_type.kill_sb`: tear down the VFS objects first (they hold
/// branch references), then the union state.
///
/// # Safety
///
/// Called once by the VFS for an aufs superblock.
unsafe extern "C" fn kill_sb(sb: *mut b::super_block) {
    // SAFETY: `sb` is valid; s_fs_info is null or its Mount (see mount_of).
    if unsafe { !(*sb).s_fs_info.is_null() } {
        // The dirs still being emptied (`dirwh=`) hold branch references:
        // they are gone before the umount returns.
        // SAFETY: a non-null s_fs_info is the Mount, alive until below.
        unsafe { mount_of(sb) }.current_counted().removals.flush();
    }
    // SAFETY: `sb` is valid; after kill_anon_super no inode or dentry of this
    // superblock remains, so nothing borrows the union any more.
    unsafe {
        b::kill_anon_super(sb);
        // s_fs_info is null if fill_super failed before install_mount.
        drop(<Pin<KBox<Mount>>>::try_from_foreign((*sb).s_fs_info));
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

/// `super_operations.sync_fs` (syncfs(2), and sync(2) for every mount):
/// syncs the filesystem of every writable branch, where whatever is written
/// through the union lives; as overlayfs, only in the waiting pass, the one
/// that promises durability.
///
/// # Safety
///
/// Called by the VFS with an aufs superblock and its s_umount held.
unsafe extern "C" fn sync_fs(sb: *mut b::super_block, wait: ffi::c_int) -> ffi::c_int {
    // SAFETY: `sb` is valid; s_fs_info is null only before the mount state
    // is installed (a failed fill being shut down).
    if wait == 0 || unsafe { (*sb).s_fs_info.is_null() } {
        return 0;
    }
    // SAFETY: the state is installed and freed only after the shutdown.
    // Counted, not borrowed: a sync may take long, and a remount waits for
    // the borrowers of the generation.
    let union = unsafe { mount_of(sb) }.current_counted();
    let mut first_error = Ok(());
    for branch in union.branches.iter().filter(|br| br.perm.is_writable()) {
        let synced = branch.root.sync_filesystem();
        first_error = first_error.and(synced);
    }
    from_result(|| first_error.map(|()| 0))
}

/// `super_operations.statfs`: the numbers of the first writable branch (else
/// branch 0), or their sum (`sum`, `wsum`), with aufs's magic and name
/// length.
///
/// # Safety
///
/// Called by the VFS with a valid dentry of an aufs mount and an out buffer.
unsafe extern "C" fn statfs(
    dentry: *mut b::dentry,
    buf: *mut kernel::bindings::kstatfs,
) -> ffi::c_int {
    // SAFETY: the dentry pins its superblock, which is a filled aufs one.
    let union = unsafe { union_of((*dentry).d_sb) };
    from_result(|| {
        let numbers = union.statfs()?;
        // SAFETY: `buf` is valid for the call.
        unsafe { *buf.cast::<b::kstatfs>() = numbers };
        Ok(0)
    })
}
