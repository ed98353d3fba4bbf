// SPDX-License-Identifier: GPL-2.0

//! Inodes and dentries of the union, and their operation tables.
//!
//! An aufs inode stands for the topmost lower inode of its object: it is found
//! with `iget5_locked` keyed by that lower inode (so every name of one lower
//! inode shares one aufs inode), and `i_private` holds a reference to it until
//! eviction. The inode is a [`UnionInode`], whose [`Anchor`] keeps the branch
//! object's mount and dentry, and counts the inode as a user of its branch:
//! an inode can outlive every dentry (an inotify watch holds it), and a
//! branch must not leave the mount, or be unmounted, while it does. The root
//! inode follows a remount to the new top branch ([`follow_root`]).
//! A dentry's `d_fsdata` holds its [`DentryInfo`] (all lower objects).
//!
//! Lock order: the VFS holds the aufs dir's `i_rwsem` when it calls `lookup`;
//! the lower dir's lock is taken inside the lower lookup (aufs before lower).

use super::{dir_file, file, mount_of, namei, union_of, xattr, OpsTable};
use crate::branch::{InodePin, Union};
use crate::lookup::UnionDentry;
use crate::lookup::{self, DentryInfo};
use crate::vfs::dentry::{attach_info, dentry_info, rcu_dir_info};
use crate::vfs::inode::{iget5_locked, Got, InodeRef};
use crate::vfs::{bindings as b, ptr_from_result, CredGuard, Path};
use crate::xino::ROOT_INO;
use core::sync::atomic::{AtomicPtr, AtomicU64, Ordering};
use kernel::{
    error::{code::*, from_result, to_result},
    ffi,
    prelude::*,
};

/// What keeps the branch object of a union inode alive: its path (the
/// branch mount and the dentry), and for every inode but the root a count on
/// its branch, so that `del` sees the inode as a user.
pub(crate) struct Anchor {
    path: Path,
    _pin: Option<InodePin>,
}

impl Anchor {
    /// The anchor of an inode for `path` on branch `branch` of `union`.
    pub(crate) fn new(union: &Union, branch: usize, path: &Path) -> Self {
        Anchor {
            path: path.clone_ref(),
            _pin: Some(union.branches[branch].pin_inode()),
        }
    }

    /// The anchor of the root inode: no count (a remount that deletes the
    /// top branch moves the root to the new top, see [`follow_root`]).
    fn root(path: &Path) -> Self {
        Anchor {
            path: path.clone_ref(),
            _pin: None,
        }
    }
}

/// An aufs inode: the VFS inode and its anchor.
///
/// # Invariants
///
/// `anchor` is set while the inode is new (I_NEW) or by [`follow_root`]
/// under `s_umount`, and taken in `evict_inode`; it is None when the memory
/// is freed.
#[repr(C)]
struct UnionInode {
    vfs: b::inode,
    anchor: Option<Anchor>,
    /// The epoch of the xino tables its number is recorded in (0: none).
    number_epoch: u64,
    /// For a merged dir: [`DentryInfo::open_below_top`] of the info it was
    /// last looked up, refreshed or checked with, and that info's union
    /// generation (see [`dir_hint`]); 0 until then. Lets a read or search
    /// permission check skip the dir's dentry and info (an inode lock and an
    /// info lock in RCU walk) when every dir below the top grants the access
    /// to all. Within a generation the bits change only with an info built
    /// again after a direct change on a branch (revalidation refreshes the
    /// hint; udba=reval's rule: such a change counts from the next lookup)
    /// or a copy-up of the dir (the old top, now below, has the mode that
    /// the union inode shows and the caller passed).
    dir_open_hint: AtomicU64,
}

/// The union inode around `inode`.
///
/// # Safety
///
/// `inode` must be an aufs inode (made by [`alloc_inode`]).
unsafe fn union_inode(inode: *mut b::inode) -> *mut UnionInode {
    // `vfs` is the first field of a repr(C) struct.
    inode.cast()
}

/// `super_operations.alloc_inode`.
///
/// # Safety
///
/// Called by the VFS for an aufs superblock.
pub(super) unsafe extern "C" fn alloc_inode(_sb: *mut b::super_block) -> *mut b::inode {
    let Ok(boxed) = KBox::<UnionInode>::new_uninit(GFP_KERNEL) else {
        return core::ptr::null_mut();
    };
    let raw = KBox::into_raw(boxed).cast::<UnionInode>();
    // SAFETY: `raw` is a new allocation of the right layout; inode_init_once
    // initialises the whole VFS inode (as a slab constructor would).
    unsafe {
        b::inode_init_once(&raw mut (*raw).vfs);
        (&raw mut (*raw).anchor).write(None);
        (&raw mut (*raw).number_epoch).write(0);
        (&raw mut (*raw).dir_open_hint).write(AtomicU64::new(0));
        &raw mut (*raw).vfs
    }
}

/// `super_operations.free_inode`, after an RCU grace period.
///
/// # Safety
///
/// Called by the VFS once for an inode from [`alloc_inode`], after
/// `evict_inode` (or a failed set-up) and an RCU grace period.
pub(super) unsafe extern "C" fn free_inode(inode: *mut b::inode) {
    // SAFETY: the memory came from the KBox of alloc_inode; its anchor is
    // None (invariant), so dropping it releases nothing that may sleep.
    drop(unsafe { KBox::from_raw(union_inode(inode)) });
}

/// `i_private`, read as READ_ONCE would: eviction and [`follow_root`] change
/// it while RCU walkers may read it.
///
/// # Safety
///
/// `inode` must point to an aufs inode's memory (valid under RCU).
unsafe fn private_slot<'a>(inode: *const b::inode) -> &'a AtomicPtr<ffi::c_void> {
    // SAFETY: i_private is an aligned pointer-sized field; all writers go
    // through this atomic view.
    unsafe { AtomicPtr::from_ptr((&raw const (*inode).i_private).cast_mut()) }
}

/// The lower inode an aufs inode stands for; null once it is evicted.
///
/// # Safety
///
/// `inode` must point to an aufs inode's memory (in RCU walk, an inode that
/// may be being evicted: the lower inode read is then valid until the walk
/// ends, since inode memory is freed after a grace period).
unsafe fn lower_inode(inode: *const b::inode) -> *mut b::inode {
    // SAFETY: `inode` points to an aufs inode's memory (the caller's
    // guarantee), which is all private_slot reads.
    unsafe { private_slot(inode) }
        .load(Ordering::Acquire)
        .cast()
}

/// `iget5_locked` test: is `inode` the aufs inode of lower inode `data`?
///
/// # Safety
///
/// Called by iget5_locked under RCU with an inode of the hash (possibly
/// being freed: only the pointer value is compared).
unsafe extern "C" fn inode_test(inode: *mut b::inode, data: *mut ffi::c_void) -> ffi::c_int {
    // SAFETY: `inode` is memory of an inode of the hash, valid under RCU; only
    // the slot's pointer value is compared.
    i32::from(unsafe { lower_inode(inode) }.cast() == data)
}

/// `iget5_locked` set: bind a new aufs inode to lower inode `data`.
///
/// # Safety
///
/// Called by iget5_locked with a new inode and the lower inode we passed,
/// which the caller keeps alive across the call.
unsafe extern "C" fn inode_set(inode: *mut b::inode, data: *mut ffi::c_void) -> ffi::c_int {
    // SAFETY: `data` is a live lower inode; the reference taken here is
    // released in evict_inode.
    unsafe {
        b::ihold(data.cast());
        private_slot(inode).store(data, Ordering::Release);
    }
    0
}

/// The inode number of a new aufs inode for `lower`, and the epoch of the
/// xino tables it is recorded in (see [`crate::xino`]).
///
/// # Safety
///
/// `sb` must be a live aufs superblock and `lower` a live branch inode.
unsafe fn new_inode_number(sb: *mut b::super_block, lower: *mut b::inode) -> Result<(u64, u64)> {
    // SAFETY: `sb` is a live aufs superblock and `lower` a live inode (the
    // caller's guarantee).
    let (union, fs, real_ino) = unsafe { (union_of(sb), (*lower).i_sb as usize, (*lower).i_ino) };
    union.new_inode_number(fs, real_ino)
}

/// Finds or makes the aufs inode for the branch object of `anchor`; a new
/// one is numbered `ino`, or by xino when `ino` is None, and keeps the
/// anchor.
///
/// # Safety
///
/// `sb` must be a live aufs superblock.
pub(super) unsafe fn get_inode(
    sb: *mut b::super_block,
    anchor: Anchor,
    ino: Option<u64>,
) -> Result<InodeRef> {
    let lower = anchor.path.inode();
    // SAFETY: `sb` is live, `lower` is pinned by the anchor across the call;
    // the callbacks compare and bind lower inodes.
    let new = match unsafe { iget5_locked(sb, lower as u64, inode_test, inode_set, lower.cast()) }?
    {
        Got::Cached(inode) => return Ok(inode),
        Got::New(new) => new,
    };
    new.init(|inode| {
        // SAFETY: `inode` is new (I_NEW) and ours alone until init unlocks
        // it.
        // INVARIANT: the anchor is set while I_NEW; evict_inode takes it
        // (also when a failed init evicts the inode).
        unsafe { (*union_inode(inode)).anchor = Some(anchor) };
        let (number, epoch) = match ino {
            Some(ino) => (ino, 0),
            // SAFETY: `sb` is live and `lower` pinned (see above).
            None => unsafe { new_inode_number(sb, lower) }?,
        };
        // SAFETY: as above; `lower` is its lower inode.
        unsafe {
            (*inode).i_ino = number;
            (*union_inode(inode)).number_epoch = epoch;
            init_from_lower(inode, lower);
        }
        Ok(())
    })
}

/// Makes the root inode stand for `top` (the new top branch root) after a
/// remount, so that it holds nothing of a deleted branch.
///
/// # Safety
///
/// `sb` must be a mounted aufs superblock whose `s_umount` the caller holds
/// for writing (remounts are serialised by it), and `top` a branch root of
/// its current generation.
pub(super) unsafe fn follow_root(sb: *mut b::super_block, top: &Path) {
    // SAFETY: the root dentry of a mounted aufs pins its inode.
    let root = unsafe { (*(*sb).s_root).d_inode };
    let new = top.inode();
    // SAFETY: the root inode is a live aufs inode (pinned by the root dentry).
    let old = unsafe { lower_inode(root) };
    if old == new {
        return;
    }
    // SAFETY: `new` is pinned by `top`; the reference is dropped at
    // eviction. The hash bucket stays the old key's: no lookup ever asks for
    // a branch root, and inode_test compares with i_private only.
    unsafe {
        b::ihold(new);
        private_slot(root).store(new.cast(), Ordering::Release);
        b::fsstack_copy_attr_all(root, new);
    }
    // SAFETY: only remount (serialised by s_umount) and eviction (not while
    // the sb is mounted) touch the root's anchor.
    let old_anchor = unsafe { (*union_inode(root)).anchor.replace(Anchor::root(top)) };
    // An RCU walker may still be checking permission on the old inode.
    // SAFETY: no locks held; may sleep (remount context).
    unsafe { b::synchronize_rcu() };
    drop(old_anchor);
    if !old.is_null() {
        // SAFETY: the reference taken in inode_set or here before.
        unsafe { b::iput(old) };
    }
}

/// Copies attributes and picks operations by file type.
///
/// # Safety
///
/// `inode` must be a new (I_NEW) aufs inode and `lower` its lower inode.
unsafe fn init_from_lower(inode: *mut b::inode, lower: *mut b::inode) {
    // SAFETY: see above: `inode` is exclusively ours, `lower` is referenced.
    unsafe {
        b::fsstack_copy_attr_all(inode, lower);
        b::fsstack_copy_inode_size(inode, lower);
        let mode = u32::from((*inode).i_mode);
        match mode & b::S_IFMT {
            b::S_IFDIR => {
                (*inode).i_op = &DIR_IOPS.0;
                set_fops(inode, &dir_file::DIR_FOPS.0);
            }
            b::S_IFREG => {
                (*inode).i_op = &FILE_IOPS.0;
                set_fops(inode, &file::FILE_FOPS.0);
            }
            b::S_IFLNK => (*inode).i_op = &SYMLINK_IOPS.0,
            _ => {
                (*inode).i_op = &FILE_IOPS.0;
                b::init_special_inode(inode, (*inode).i_mode, (*lower).i_rdev);
            }
        }
    }
}

/// Copies the attributes of the dentry's top branch object into `inode`
/// (after a change made through the union).
///
/// # Safety
///
/// `inode` must be a live aufs inode and `dentry` a live aufs dentry.
pub(super) unsafe fn refresh_inode(inode: *mut b::inode, dentry: *mut b::dentry) {
    // SAFETY: `dentry` is a live aufs dentry with info (the caller's
    // guarantee).
    let info = unsafe { dentry_info::<DentryInfo>(dentry) };
    if let Some(info) = info.as_deref() {
        if let Some(top) = info.top() {
            let real = top.path.inode();
            // SAFETY: `real` is pinned by `info`; `inode` is live.
            unsafe {
                b::fsstack_copy_attr_all(inode, real);
                b::fsstack_copy_inode_size(inode, real);
            }
        }
        // SAFETY: `inode` is a live aufs inode.
        unsafe { note_dir_open(inode, info) };
    }
    // The cached ACLs go with the mode bits they belong to: the next
    // permission check reads them from the branch object again.
    // SAFETY: `inode` is live.
    unsafe { b::forget_all_cached_acls(inode) };
}

/// Sets `i_fop`, which bindgen places in an anonymous union.
///
/// # Safety
///
/// `inode` must be a new inode we are initialising.
unsafe fn set_fops(inode: *mut b::inode, fops: &'static b::file_operations) {
    // SAFETY: `inode` is new and ours alone (the caller's guarantee); i_fop is
    // in the active union member.
    unsafe { (*inode).__bindgen_anon_3.i_fop = fops };
}

/// Makes the root dentry of a new superblock from `info` (the branch roots).
///
/// # Safety
///
/// `sb` must be a new aufs superblock whose `s_fs_info` is set.
pub(super) unsafe fn make_root(sb: *mut b::super_block, info: DentryInfo) -> Result {
    let anchor = Anchor::root(&info.top().ok_or(EINVAL)?.path);
    // SAFETY: `sb` is valid.
    let inode = unsafe { get_inode(sb, anchor, Some(ROOT_INO))? };
    // SAFETY: d_make_root consumes the inode reference (and drops it on error).
    let root = unsafe { b::d_make_root(inode.into_raw()) };
    if root.is_null() {
        return Err(ENOMEM);
    }
    // SAFETY: the root is not visible to anyone before s_root is set.
    if let Err(e) = unsafe { attach_info(root, info) } {
        // SAFETY: `root` is ours; dropping it drops the inode too.
        unsafe { b::dput(root) };
        return Err(e);
    }
    // SAFETY: the superblock is being filled and ours alone; the root dentry
    // now has its info.
    unsafe { (*sb).s_root = root };
    Ok(())
}

/// `super_operations.evict_inode`: drop the page cache, the lower inode and
/// the anchor.
///
/// # Safety
///
/// Called by the VFS once for an aufs inode that is being evicted.
pub(super) unsafe extern "C" fn evict_inode(inode: *mut b::inode) {
    // SAFETY: `inode` is being evicted and ours alone; i_private holds the
    // reference taken in inode_set (or is null if set never ran). RCU
    // walkers that still see the inode find i_private null (permission
    // then answers ECHILD) or a lower inode whose memory outlives the walk.
    unsafe {
        b::truncate_inode_pages_final(&mut (*inode).i_data);
        b::clear_inode(inode);
        let lower = private_slot(inode).swap(core::ptr::null_mut(), Ordering::AcqRel);
        let lower = lower.cast::<b::inode>();
        if !lower.is_null() {
            release_inode_number(inode, lower);
            b::iput(lower);
        }
        // INVARIANT: taken here, so free_inode finds None.
        drop((*union_inode(inode)).anchor.take());
    }
}

/// Tells xino that the inode's number is free unless something keeps it
/// (see [`crate::xino::Xino::release`]); the root's is fixed.
///
/// # Safety
///
/// `inode` must be an aufs inode being evicted and `lower` its lower inode.
unsafe fn release_inode_number(inode: *mut b::inode, lower: *mut b::inode) {
    // SAFETY: see above; the fields are only read.
    unsafe {
        if (*inode).i_ino == ROOT_INO {
            return;
        }
        let gone = (*lower).__bindgen_anon_1.i_nlink == 0;
        let epoch = (*union_inode(inode)).number_epoch;
        mount_of((*inode).i_sb).xino().release(
            (*lower).i_sb as usize,
            (*lower).i_ino,
            (*inode).i_ino,
            epoch,
            gone,
        );
    }
}

static DIR_IOPS: OpsTable<b::inode_operations> = OpsTable(b::inode_operations {
    listxattr: Some(xattr::listxattr),
    get_inode_acl: Some(xattr::get_inode_acl),
    get_acl: Some(xattr::get_acl),
    set_acl: Some(xattr::set_acl),
    lookup: Some(lookup),
    create: Some(namei::create),
    mkdir: Some(namei::mkdir),
    mknod: Some(namei::mknod),
    symlink: Some(namei::symlink),
    link: Some(namei::link),
    unlink: Some(namei::unlink),
    rmdir: Some(namei::rmdir),
    rename: Some(namei::rename),
    permission: Some(permission),
    getattr: Some(getattr),
    setattr: Some(namei::setattr),
    // SAFETY: all-zero is a valid inode_operations (every op absent).
    ..unsafe { core::mem::zeroed() }
});

static FILE_IOPS: OpsTable<b::inode_operations> = OpsTable(b::inode_operations {
    listxattr: Some(xattr::listxattr),
    get_inode_acl: Some(xattr::get_inode_acl),
    get_acl: Some(xattr::get_acl),
    set_acl: Some(xattr::set_acl),
    permission: Some(permission),
    getattr: Some(getattr),
    setattr: Some(namei::setattr),
    // SAFETY: all-zero is a valid inode_operations (every op absent).
    ..unsafe { core::mem::zeroed() }
});

static SYMLINK_IOPS: OpsTable<b::inode_operations> = OpsTable(b::inode_operations {
    listxattr: Some(xattr::listxattr),
    get_link: Some(get_link),
    getattr: Some(getattr),
    setattr: Some(namei::setattr),
    // SAFETY: all-zero is a valid inode_operations (every op absent).
    ..unsafe { core::mem::zeroed() }
});

/// `inode_operations.lookup`.
///
/// # Safety
///
/// Called by the VFS with our dir inode (locked) and a new child dentry.
unsafe extern "C" fn lookup(
    dir: *mut b::inode,
    dentry: *mut b::dentry,
    _flags: u32,
) -> *mut b::dentry {
    ptr_from_result(|| {
        // SAFETY: `dir` is a live aufs inode, so its superblock is a filled
        // aufs one.
        let (sb, union) = unsafe { ((*dir).i_sb, union_of((*dir).i_sb)) };
        // SAFETY: the parent is an aufs dentry pinned by the child, stable
        // while `dir` is locked.
        let parent = unsafe { UnionDentry::borrowed((*dentry).d_parent) }.info(&union)?;
        // SAFETY: the name is stable while the parent dir is locked.
        let name = unsafe {
            let qstr = &(*dentry).__bindgen_anon_1.d_name;
            core::slice::from_raw_parts(
                qstr.name,
                qstr.__bindgen_anon_1.__bindgen_anon_1.len as usize,
            )
        };
        let info = lookup::lookup(&union, &parent, name)?;
        let inode = match info.top() {
            Some(top) => {
                let anchor = Anchor::new(&union, top.branch, &top.path);
                // SAFETY: `sb` is live.
                let inode = unsafe { get_inode(sb, anchor, None) }?;
                // SAFETY: we hold a reference to the aufs inode.
                unsafe { note_dir_open(inode.as_raw(), &info) };
                Some(inode)
            }
            None => None,
        };
        // SAFETY: the new dentry is not yet visible to other threads.
        unsafe { attach_info(dentry, info) }?;
        let inode = inode.map_or(core::ptr::null_mut(), InodeRef::into_raw);
        // SAFETY: d_splice_alias consumes the inode reference and may return
        // another alias to use instead.
        Ok(unsafe { b::d_splice_alias(inode, dentry) })
    })
}

/// `inode_operations.permission`: the union inode's own bits as the caller,
/// then, for reads, the lower inode as the mounter, and for a read or search
/// of a merged dir without `dirperm1` the dirs below the top as the caller
/// (aufs's `nodirperm1`). A write is checked on the union inode only: it
/// goes to the writable branch after copy-up (EROFS when the union has no
/// writable branch).
///
/// # Safety
///
/// Called by the VFS with a live aufs inode (possibly in RCU walk).
unsafe extern "C" fn permission(
    idmap: *mut b::mnt_idmap,
    inode: *mut b::inode,
    mask: ffi::c_int,
) -> ffi::c_int {
    // SAFETY: `inode` is a live aufs inode. Only the mount's lock-free
    // fields are used: this may run in RCU walk.
    let mount = unsafe { mount_of((*inode).i_sb) };
    from_result(|| {
        let writing = mask & b::MAY_WRITE as i32 != 0;
        if writing && !mount.is_writable() {
            return Err(EROFS);
        }
        // SAFETY: `idmap` and `inode` come from the VFS and are valid.
        let ret = unsafe { b::generic_permission(idmap, inode, mask) };
        if ret != 0 || writing {
            // A write goes to the writable branch (after copy-up), so the
            // branch object that may be read-only is not asked.
            return Ok(ret);
        }
        // In RCU walk the inode may be being evicted, which clears
        // i_private: then the walk retries in ref walk (as overlayfs does).
        // SAFETY: `inode` is valid memory (see above).
        let lower = unsafe { lower_inode(inode) };
        if lower.is_null() {
            let rcu = mask & b::MAY_NOT_BLOCK as i32 != 0;
            return Err(if rcu { ECHILD } else { ESTALE });
        }
        {
            let _mounter = CredGuard::new(mount.cred());
            // SAFETY: `lower` is referenced by `inode`, or in RCU walk its
            // memory is valid until the walk ends; the branch mounts are not
            // id-mapped, so the nop mapping applies.
            to_result(unsafe { b::inode_permission(&raw mut b::nop_mnt_idmap, lower, mask) })?;
        }
        // SAFETY: `inode` is valid memory (see above).
        let is_dir = u32::from(unsafe { (*inode).i_mode }) & b::S_IFMT == b::S_IFDIR;
        if !is_dir || mount.dirperm1() {
            return Ok(0);
        }
        // SAFETY: `inode` is valid memory (see above).
        if unsafe { dir_open_to_all(inode, mask, mount.generation()) } {
            return Ok(0);
        }
        if mask & b::MAY_NOT_BLOCK as i32 != 0 {
            // SAFETY: in RCU walk `inode` is valid memory until the walk ends.
            return unsafe { rcu_lower_dirs_permission(inode, mask) }.map(|()| 0);
        }
        // SAFETY: not in RCU walk, the VFS holds a reference to `inode`.
        unsafe { lower_dirs_permission(inode, mask) }?;
        Ok(0)
    })
}

/// Keeps what `info` says of the dirs below its top in the aufs inode `inode`
/// of its dentry, for [`dir_open_to_all`].
///
/// # Safety
///
/// `inode` must point to an aufs inode's memory (live, or in RCU walk).
unsafe fn note_dir_open(inode: *mut b::inode, info: &DentryInfo) {
    // SAFETY: as the caller guarantees; the hint is an atomic.
    let hint = unsafe { &(*union_inode(inode)).dir_open_hint };
    hint.store(
        dir_hint(info.generation, info.open_below_top()),
        Ordering::Relaxed,
    );
}

/// The value of [`UnionInode::dir_open_hint`] for bits `open` of
/// generation `generation`: never 0 (unknown), and one of another
/// generation never matches.
fn dir_hint(generation: u64, open: u8) -> u64 {
    (generation << 9) | 0x100 | u64::from(open)
}

/// True when the hint of [`note_dir_open`], of the union's current
/// `generation`, says that every dir below the top of merged dir `inode`
/// grants `mask` to all callers (nothing to ask them).
///
/// # Safety
///
/// `inode` must point to an aufs inode's memory (valid, or in RCU walk).
unsafe fn dir_open_to_all(inode: *mut b::inode, mask: ffi::c_int, generation: u64) -> bool {
    // SAFETY: as the caller guarantees; the hint is an atomic.
    let hint = unsafe { &(*union_inode(inode)).dir_open_hint }.load(Ordering::Relaxed);
    let open = hint as u8;
    hint == dir_hint(generation, open) && lookup::open_to_all(open, mask as u8)
}

/// [`lower_dirs_permission`] in RCU walk: the same check, without blocking
/// and without taking a reference; ECHILD (retry in ref walk) when the dir's
/// dentry or its info is not at hand.
///
/// # Safety
///
/// Called in RCU walk with a live aufs dir inode, valid until the walk ends.
unsafe fn rcu_lower_dirs_permission(inode: *mut b::inode, mask: ffi::c_int) -> Result {
    // SAFETY: in RCU walk (the caller's guarantee), so `inode`'s memory is
    // valid; the info read pins its lower paths while `read` runs, and
    // inode_permission with MAY_NOT_BLOCK does not sleep; the branch mounts
    // are not id-mapped.
    let ret = unsafe {
        rcu_dir_info(inode, |info: &DentryInfo| {
            note_dir_open(inode, info);
            info.dirs_to_ask(mask as u8)
                .map(|dir| b::inode_permission(&raw mut b::nop_mnt_idmap, dir.path.inode(), mask))
                .find(|&ret| ret != 0)
                .unwrap_or(0)
        })
    };
    to_result(ret.unwrap_or(ECHILD.to_errno()))
}

/// Read or search permission on the dirs below the top of merged dir
/// `inode`, as the caller (aufs's `nodirperm1`), in ref walk.
///
/// # Safety
///
/// `inode` must be a live aufs dir inode the caller holds.
unsafe fn lower_dirs_permission(inode: *mut b::inode, mask: ffi::c_int) -> Result {
    // SAFETY: `inode` is live; d_find_alias returns a counted dentry or null.
    let alias = unsafe { b::d_find_alias(inode) };
    if alias.is_null() {
        return Ok(());
    }
    // SAFETY: a positive aufs dentry has info; `alias` is pinned until dput.
    let info = unsafe { UnionDentry::borrowed(alias) }.stored();
    let ret = info.as_ref().map_err(|e| *e).map(|info| {
        // SAFETY: `inode` is a live aufs inode (the caller's guarantee).
        unsafe { note_dir_open(inode, info) };
        info.dirs_to_ask(mask as u8)
            // SAFETY: each lower inode is pinned by `info`; the branch
            // mounts are not id-mapped.
            .map(|dir| unsafe {
                b::inode_permission(&raw mut b::nop_mnt_idmap, dir.path.inode(), mask)
            })
            .find(|&ret| ret != 0)
            .unwrap_or(0)
    });
    drop(info);
    // SAFETY: the reference d_find_alias took.
    unsafe { b::dput(alias) };
    to_result(ret?)
}

/// `inode_operations.getattr`: the lower object's attributes, with the union's
/// device and inode number.
///
/// # Safety
///
/// Called by the VFS with a valid path on an aufs mount and an out buffer.
unsafe extern "C" fn getattr(
    _idmap: *mut b::mnt_idmap,
    path: *const b::path,
    stat: *mut b::kstat,
    request_mask: u32,
    flags: u32,
) -> ffi::c_int {
    // SAFETY: the path pins the dentry; a positive one has a live inode.
    let (dentry, inode) = unsafe { ((*path).dentry, (*(*path).dentry).d_inode) };
    // SAFETY: `inode` is a live aufs inode, so its superblock is a filled aufs
    // one.
    let union = unsafe { union_of((*inode).i_sb) };
    // SAFETY: a positive aufs dentry has info.
    let dentry = unsafe { UnionDentry::borrowed(dentry) };
    from_result(|| {
        // A name that stands for another object since a remount (ESTALE)
        // still shows what it was opened or looked up as.
        let info = match dentry.current_info(&union) {
            Err(e) if e == ESTALE => dentry.stored(),
            other => other,
        }?;
        let top = info.top().ok_or(ENOENT)?;
        let _mounter = union.as_mounter();
        // The security hooks ran on the union's path (vfs_getattr, our
        // caller): not again on the branch object, as overlayfs.
        // SAFETY: the lower path is pinned by `info`; `stat` is valid.
        let ret = unsafe { b::vfs_getattr_nosec(top.path.as_raw(), stat, request_mask, flags) };
        if ret == 0 {
            // SAFETY: `stat` was filled; `inode` is live.
            unsafe {
                (*stat).dev = (*(*inode).i_sb).s_dev;
                (*stat).ino = (*inode).i_ino;
            }
        }
        Ok(ret)
    })
}

/// `inode_operations.get_link`: the lower symlink's target.
///
/// # Safety
///
/// Called by the VFS with a live aufs symlink; `dentry` is null in RCU walk.
unsafe extern "C" fn get_link(
    dentry: *mut b::dentry,
    inode: *mut b::inode,
    done: *mut b::delayed_call,
) -> *const ffi::c_char {
    ptr_from_result(|| {
        if dentry.is_null() {
            return Err(ECHILD);
        }
        // SAFETY: a live, positive aufs dentry has info.
        let info = unsafe { dentry_info(dentry) };
        let top = info.as_deref().and_then(DentryInfo::top).ok_or(ENOENT)?;
        // SAFETY: `inode` is live.
        let _mounter = CredGuard::new(unsafe { mount_of((*inode).i_sb) }.cred());
        // SAFETY: the lower dentry is pinned by the info; `done` is valid.
        Ok(unsafe { b::vfs_get_link(top.path.dentry(), done) }.cast_mut())
    })
    .cast_const()
}
