// SPDX-License-Identifier: GPL-2.0

//! The filesystem type, its registration, and the superblock operations.

use super::{bindings as b, fs_context, inode, xattr, OpsTable, SysfsDir, UnionDentry};
use crate::branch::Union;
use crate::opts::Udba;
use crate::xino::Xino;
use core::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use kernel::{
    cred::Credential,
    error::to_result,
    ffi, new_mutex, new_spinlock,
    prelude::*,
    seq_file::SeqFile,
    sync::{aref::ARef, Arc, Mutex, SpinLock},
    types::Opaque,
    ThisModule,
};

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

/// Counts the mounts made since the module was loaded.
static MOUNT_COUNT: AtomicU64 = AtomicU64::new(0);

/// A new mount id for `si=`/`si_ID`: a mount counter mixed with a random key
/// (aufs mixes an address), so it is unique and does not reveal much.
pub(super) fn mount_id() -> u64 {
    let count = MOUNT_COUNT.fetch_add(1, Ordering::Relaxed);
    (count << 4) ^ MOUNT_ID_KEY.load(Ordering::Relaxed)
}

/// What `s_fs_info` of an aufs superblock holds: the current generation of
/// the union, its sysfs dir, and copies of what must be read without taking
/// a lock (in RCU path walk and in inode eviction).
#[pin_data]
pub(crate) struct Mount {
    /// `/sys/fs/aufs/si_ID`; first, so that it goes before what it shows.
    #[pin]
    sysfs: Mutex<Option<SysfsDir>>,
    /// The current generation; replaced as a whole by a remount.
    #[pin]
    current: SpinLock<Arc<Union>>,
    /// `current.generation`.
    generation: AtomicU64,
    /// `current.udba == Udba::None`.
    udba_none: AtomicBool,
    /// `current` has a writable branch.
    writable: AtomicBool,
    /// The mounter's credentials (the same in every generation).
    cred: ARef<Credential>,
    /// The xino tables (the same in every generation).
    xino: Option<Arc<Xino>>,
}

impl Mount {
    fn new(union: Union) -> Result<impl PinInit<Self>> {
        let cred = union.cred.clone();
        let xino = union.xino.clone();
        let generation = AtomicU64::new(union.generation);
        let udba_none = AtomicBool::new(union.udba == Udba::None);
        let writable = AtomicBool::new(union.write_branch().is_ok());
        let union = Arc::new(union, GFP_KERNEL)?;
        Ok(pin_init!(Mount {
            sysfs <- new_mutex!(None),
            current <- new_spinlock!(union),
            generation,
            udba_none,
            writable,
            cred,
            xino,
        }))
    }

    /// The current generation of the union.
    pub(crate) fn current(&self) -> Arc<Union> {
        self.current.lock().clone()
    }

    /// Makes `union` the current generation.
    pub(crate) fn install(&self, union: Arc<Union>) {
        self.udba_none
            .store(union.udba == Udba::None, Ordering::Relaxed);
        self.writable
            .store(union.write_branch().is_ok(), Ordering::Relaxed);
        self.generation.store(union.generation, Ordering::Release);
        let old = core::mem::replace(&mut *self.current.lock(), union);
        // Dropped after the spinlock: the last reference to a deleted branch
        // releases its paths, which may sleep.
        drop(old);
    }

    /// The generation number, readable in RCU walk.
    pub(super) fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// True with `udba=none` (no checks against the branches).
    pub(super) fn trusts_branches(&self) -> bool {
        self.udba_none.load(Ordering::Relaxed)
    }

    /// True when the union has a writable branch.
    pub(super) fn is_writable(&self) -> bool {
        self.writable.load(Ordering::Relaxed)
    }

    /// The mounter's credentials.
    pub(super) fn cred(&self) -> &ARef<Credential> {
        &self.cred
    }

    /// The xino tables, if any.
    pub(super) fn xino(&self) -> Option<&Xino> {
        self.xino.as_deref()
    }

    /// The sysfs dir, once the mount has one.
    pub(crate) fn sysfs(&self) -> kernel::sync::MutexGuard<'_, Option<SysfsDir>> {
        self.sysfs.lock()
    }
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
        // Inodes are freed by RCU callbacks that call free_inode, module
        // code: they must all have run before the module goes.
        // SAFETY: no locks held; module exit may sleep.
        unsafe { b::rcu_barrier() };
    }
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
pub(super) unsafe fn init_super(sb: *mut b::super_block, stack_depth: i32) {
    // SAFETY: see the safety section.
    unsafe {
        (*sb).s_magic = AUFS_SUPER_MAGIC as usize;
        (*sb).s_op = &SUPER_OPS.0;
        (*sb).s_maxbytes = b::AUFS_MAX_LFS_FILESIZE;
        (*sb).s_time_gran = 1;
        (*sb).s_stack_depth = stack_depth;
        (*sb).s_xattr = xattr::XATTR_HANDLERS.0.as_ptr().cast();
        // POSIX ACLs take part in the union's own permission check (the
        // branch is accessed as the mounter, who may have more rights).
        (*sb).s_flags |= b::AUFS_SB_POSIXACL;
        b::set_default_d_op(sb, &super::dentry::DENTRY_OPS.0);
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
    // SAFETY: the box is never moved out of (kill_sb rebuilds the pin).
    let raw = KBox::into_raw(unsafe { Pin::into_inner_unchecked(mount) });
    // SAFETY: see above.
    unsafe { (*sb).s_fs_info = raw.cast() };
    // SAFETY: the mount lives until kill_sb, after every user of the sb.
    Ok(unsafe { &*raw })
}

/// The mount state of an aufs superblock.
///
/// # Safety
///
/// `sb` must be an aufs superblock after `fill_super` set `s_fs_info`, and
/// before `kill_sb` freed it.
pub(super) unsafe fn mount_of<'a>(sb: *const b::super_block) -> &'a Mount {
    // SAFETY: s_fs_info holds a pinned KBox<Mount> for the superblock's life.
    unsafe { &*(*sb).s_fs_info.cast::<Mount>() }
}

/// The current generation of an aufs superblock's union.
///
/// # Safety
///
/// As for [`mount_of`].
pub(super) unsafe fn union_of(sb: *const b::super_block) -> Arc<Union> {
    // SAFETY: as above.
    unsafe { mount_of(sb) }.current()
}

/// A mounted aufs superblock being remounted.
///
/// # Invariants
///
/// `raw` is a mounted aufs superblock (filled, with its [`Mount`]) whose
/// `s_umount` is held for writing while the handle lives: remounts are
/// serialised by it, and the root and the mount stay.
pub(crate) struct RemountingSuper<'a> {
    raw: *mut b::super_block,
    _life: core::marker::PhantomData<&'a ()>,
}

impl RemountingSuper<'_> {
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

    /// The mount state.
    pub(crate) fn mount(&self) -> &Mount {
        // SAFETY: a mounted aufs superblock has its Mount (invariant), which
        // lives until kill_sb, after the remount.
        unsafe { mount_of(self.raw) }
    }

    /// True when the superblock is mounted read-only now.
    pub(crate) fn is_read_only(&self) -> bool {
        // SAFETY: the superblock is live and s_umount (held, invariant)
        // serialises changes of its flags.
        unsafe { (*self.raw).s_flags & b::AUFS_SB_RDONLY != 0 }
    }

    /// The superblock's stacking depth (one more than its branches' at mount).
    pub(crate) fn stack_depth(&self) -> i32 {
        // SAFETY: the superblock is live; s_stack_depth is set at fill_super.
        unsafe { (*self.raw).s_stack_depth }
    }

    /// Drops the unused dentries of the union.
    pub(crate) fn shrink_unused_dentries(&self) {
        // SAFETY: the superblock is live and mounted (invariant).
        unsafe { b::shrink_dcache_sb(self.raw) };
    }

    /// The union root.
    pub(crate) fn root(&self) -> UnionDentry<'_> {
        // SAFETY: the root of a mounted aufs is a live aufs dentry with info,
        // pinned by the superblock while it is mounted (invariant).
        unsafe { UnionDentry::borrowed((*self.raw).s_root) }
    }

    /// Makes the root inode stand for `top`, the top branch root of the
    /// generation just installed.
    pub(crate) fn follow_root(&self, top: &super::Path) {
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
    // SAFETY: `sb` is valid; after kill_anon_super no inode or dentry of this
    // superblock remains, so nothing borrows the union any more.
    unsafe {
        b::kill_anon_super(sb);
        let mount = (*sb).s_fs_info.cast::<Mount>();
        if !mount.is_null() {
            drop(KBox::from_raw(mount));
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
    let union = unsafe { union_of(sb) };
    let mut first_error = Ok(());
    for branch in union.branches.iter().filter(|br| br.perm.is_writable()) {
        let synced = branch.root.sync_filesystem();
        first_error = first_error.and(synced);
    }
    match first_error {
        Ok(()) => 0,
        Err(e) => e.to_errno(),
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
