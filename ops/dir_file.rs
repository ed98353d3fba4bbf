// SPDX-License-Identifier: GPL-2.0

//! Directory files: `getdents` over the merged [`Listing`].
//!
//! Positions: 0 is `.`, 1 is `..`, and `2 + i` is entry `i` of the listing.

use super::{file_dentry, mount_of, union_of, OpsTable};
use crate::lookup::UnionDentry;
use crate::readdir::Listing;
use crate::vfs::{bindings as b, LowerFile};
use kernel::types::ForeignOwnable;
use kernel::{
    error::{code::*, from_result},
    ffi, new_mutex,
    prelude::*,
    sync::{Arc, Mutex},
};

/// Per-open-dir state: the listing, taken on first read and on rewind (from
/// the mount's `rdcache=` listings, or built).
type DirState = Mutex<Option<Arc<Listing>>>;

pub(super) static DIR_FOPS: OpsTable<b::file_operations> = OpsTable(b::file_operations {
    open: Some(open),
    release: Some(release),
    iterate_shared: Some(iterate_shared),
    llseek: Some(b::generic_file_llseek),
    read: Some(b::generic_read_dir),
    fsync: Some(super::file::fsync),
    unlocked_ioctl: Some(super::ioctl::unlocked_ioctl),
    #[cfg(CONFIG_COMPAT)]
    compat_ioctl: Some(super::ioctl::compat_ioctl),
    // SAFETY: all-zero is a valid file_operations (every op absent).
    ..unsafe { core::mem::zeroed() }
});

/// `file_operations.open`.
///
/// # Safety
///
/// Called by the VFS with an aufs dir inode and a new file.
unsafe extern "C" fn open(inode: *mut b::inode, file: *mut b::file) -> ffi::c_int {
    from_result(|| {
        // SAFETY: `file` is being opened on `inode`, a live aufs dir, which
        // open is called without holding.
        unsafe { copy_on_open(inode, file) }?;
        let state = KBox::pin_init(new_mutex!(None::<Arc<Listing>>), GFP_KERNEL)?;
        // SAFETY: the file is not visible before open returns; `release`
        // takes the box back.
        unsafe { (*file).private_data = state.into_foreign() };
        Ok(0)
    })
}

/// `coo_all`: the dir is copied up first where its branch says so, under
/// its inode's lock (coo.rs); checked first without it, so that only a dir
/// to copy takes the lock.
///
/// # Safety
///
/// `file` must be being opened on `inode`, a live aufs dir whose lock the
/// caller does not hold.
unsafe fn copy_on_open(inode: *mut b::inode, file: *mut b::file) -> Result {
    // SAFETY: the file being opened pins its dentry and superblock.
    let (union, dentry) = unsafe { (union_of((*inode).i_sb), file_dentry(file)) };
    // SAFETY: as above.
    let union_dentry = unsafe { UnionDentry::borrowed(dentry) };
    if union.copy_on_open(&union_dentry, false, false)?.is_none() {
        return Ok(());
    }
    // SAFETY: the inode is pinned by the file; its lock is not held (the
    // caller's guarantee) and is released below; the inode is refreshed
    // under it, as after a chmod.
    unsafe {
        b::down_write(&mut (*inode).i_rwsem);
        let copied = crate::coo::copy_dir_on_open(&union, &union_dentry);
        if copied.is_ok() {
            super::inode::refresh_inode(inode, dentry);
        }
        b::up_write(&mut (*inode).i_rwsem);
        copied
    }
}

/// `file_operations.release`.
///
/// # Safety
///
/// Called by the VFS once, when the last reference to `file` goes.
unsafe extern "C" fn release(_inode: *mut b::inode, file: *mut b::file) -> ffi::c_int {
    // SAFETY: private_data is the Pin<KBox<DirState>> from `open`'s
    // into_foreign; nobody uses it any more.
    drop(unsafe { <Pin<KBox<DirState>>>::from_foreign((*file).private_data) });
    0
}

/// `file_operations.iterate_shared`.
///
/// # Safety
///
/// Called by the VFS with an open aufs dir and a valid dir_context.
unsafe extern "C" fn iterate_shared(file: *mut b::file, ctx: *mut b::dir_context) -> ffi::c_int {
    // SAFETY: `file` is open: its dentry, inode and private state are live.
    let (dentry, inode, state) = unsafe {
        let dentry = file_dentry(file);
        (
            dentry,
            (*dentry).d_inode,
            <Pin<KBox<DirState>>>::borrow((*file).private_data).get_ref(),
        )
    };
    from_result(|| {
        let mut listing = state.lock();
        // SAFETY: `ctx` is valid for the call.
        if unsafe { (*ctx).pos } == 0 || listing.is_none() {
            // SAFETY: the dentry is a live aufs dir with info; its sb is
            // filled.
            let union = unsafe { union_of((*inode).i_sb) };
            // SAFETY: the open dir file pins `dentry`, a live aufs dir.
            let info = unsafe { UnionDentry::borrowed(dentry) }.info(&union)?;
            // SAFETY: `inode`'s superblock is a filled aufs one (see above).
            let mount = unsafe { mount_of((*inode).i_sb) };
            *listing = Some(mount.listings().listing(&union, &info)?);
        }
        let listing = listing.as_ref().ok_or(EINVAL)?;
        // SAFETY: `ctx` is valid; the parent dentry is pinned by ours.
        unsafe {
            while (*ctx).pos >= 0 {
                let pos = (*ctx).pos as usize;
                let emitted = match pos {
                    0 => emit(ctx, b".", (*inode).i_ino, b::DT_DIR as u8),
                    1 => emit(
                        ctx,
                        b"..",
                        (*(*(*dentry).d_parent).d_inode).i_ino,
                        b::DT_DIR as u8,
                    ),
                    _ => match listing.get(pos - 2) {
                        Some(entry) => emit(ctx, entry.name, entry.ino, entry.dtype),
                        None => break,
                    },
                };
                if !emitted {
                    break;
                }
                (*ctx).pos += 1;
            }
        }
        Ok(0)
    })
}

/// The fsync of a dir (see `file::fsync`): syncs the dir's object when it
/// is on a writable branch (what changes through the union is there), as
/// overlayfs syncs its upper dir. A dir only on read-only branches has
/// nothing to write back: success, as for any clean dir (dpkg and others
/// fsync dirs they read).
///
/// # Safety
///
/// `file` must be an open aufs dir.
pub(super) unsafe fn sync_dir(file: *mut b::file, datasync: bool) -> Result {
    // SAFETY: `file` is open: its dentry and superblock are live.
    let (union, dentry) = unsafe { (union_of((*(*file).f_inode).i_sb), file_dentry(file)) };
    // SAFETY: as above; the dentry is pinned by the file.
    let info = unsafe { UnionDentry::borrowed(dentry) }.info(&union)?;
    match info.top() {
        Some(top) if union.branches[top.branch].perm.is_writable() => {
            let _mounter = union.as_mounter();
            let flags = b::O_RDONLY | b::O_DIRECTORY | b::O_LARGEFILE;
            LowerFile::open(&top.path, flags)?.sync(datasync)
        }
        _ => Ok(()),
    }
}

/// Hands one entry to the reader (the VFS's `dir_emit`, a static inline).
///
/// # Safety
///
/// `ctx` must be the valid dir_context of the current iterate call.
unsafe fn emit(ctx: *mut b::dir_context, name: &[u8], ino: u64, dtype: u8) -> bool {
    // SAFETY: see above; the actor copies the name before returning.
    unsafe {
        match (*ctx).actor {
            Some(actor) => actor(
                ctx,
                name.as_ptr().cast(),
                name.len() as i32,
                (*ctx).pos,
                ino,
                u32::from(dtype),
            ),
            None => false,
        }
    }
}
