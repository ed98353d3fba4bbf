// SPDX-License-Identifier: GPL-2.0

//! Trampolines of the write-side inode operations into `crate::namespace`.
//!
//! Each one wraps the VFS's dentries in [`UnionDentry`] handles, calls the
//! logic, and on success instantiates or refreshes the union objects.

use super::inode::{get_inode, refresh_inode, Anchor};
use super::union_of;
use crate::copyup::Undo;
use crate::lookup::DentryInfo;
use crate::lookup::UnionDentry;
use crate::namespace::{self, LinksLeft};
use crate::vfs::{bindings as b, ptr_from_result, AttrChange, NewObject};
use kernel::{
    error::{from_result, to_result},
    ffi,
    prelude::*,
};

/// The caller's fsuid/fsgid, with the setgid-dir rule for the group.
///
/// # Safety
///
/// `dir` must be a live inode.
unsafe fn new_owner(dir: *mut b::inode) -> (u32, u32) {
    // SAFETY: the current task's credentials are valid; `dir` is live.
    unsafe {
        let cred = b::aufs_current_cred();
        let gid = if u32::from((*dir).i_mode) & b::S_ISGID != 0 {
            (*dir).i_gid.val
        } else {
            (*cred).fsgid.val
        };
        ((*cred).fsuid.val, gid)
    }
}

/// Makes a new object for the negative `dentry` in `dir` and instantiates it.
///
/// # Safety
///
/// Called from an inode operation with `dir` locked and `dentry` a negative
/// aufs dentry in it.
unsafe fn make(dir: *mut b::inode, dentry: *mut b::dentry, what: NewObject<'_>) -> Result {
    // SAFETY: see above: both are live aufs objects, pinned by the VFS.
    let (union, parent, child) = unsafe {
        (
            union_of((*dir).i_sb),
            UnionDentry::borrowed((*dentry).d_parent),
            UnionDentry::borrowed(dentry),
        )
    };
    let name = child.name()?;
    // SAFETY: `dir` is live.
    let owner = unsafe { new_owner(dir) };
    let is_file = matches!(what, NewObject::File(_));
    // Until the dentry is instantiated, a failure removes what was made.
    let mut undo = Undo::new(&union);
    let (wbr, made) = namespace::create(&union, &parent, &name, what, owner, &mut undo)?;
    let anchor = Anchor::new(&union, wbr, &made);
    let info = UnionDentry::prepare_info(DentryInfo::single(&union, wbr, made)?)?;
    // SAFETY: the sb is ours.
    let inode = unsafe { get_inode((*dir).i_sb, anchor, None)? };
    child.set_prepared(info);
    if is_file {
        // The open that follows may still fail: it undoes these then.
        let parents = undo.keep_parents();
        if !parents.is_empty() {
            child.stash_created(parents);
        }
    } else {
        undo.keep();
    }
    // SAFETY: `inode` is a referenced aufs inode; d_instantiate consumes the
    // reference. `dir` changed: refresh its times from the branch.
    unsafe {
        b::d_instantiate(dentry, inode.into_raw());
        refresh_inode(dir, (*dentry).d_parent);
    }
    Ok(())
}

fn errno(res: Result) -> ffi::c_int {
    from_result(|| res.map(|()| 0))
}

/// `inode_operations.create`.
///
/// # Safety
///
/// Called by the VFS (see [`make`]).
pub(super) unsafe extern "C" fn create(
    _idmap: *mut b::mnt_idmap,
    dir: *mut b::inode,
    dentry: *mut b::dentry,
    mode: u16,
) -> ffi::c_int {
    // SAFETY: the VFS passes its locked dir inode and a negative dentry, as
    // make needs.
    errno(unsafe { make(dir, dentry, NewObject::File(mode & 0o7777)) })
}

/// `inode_operations.mkdir`.
///
/// # Safety
///
/// Called by the VFS (see [`make`]).
pub(super) unsafe extern "C" fn mkdir(
    _idmap: *mut b::mnt_idmap,
    dir: *mut b::inode,
    dentry: *mut b::dentry,
    mode: u16,
) -> *mut b::dentry {
    ptr_from_result(|| {
        // SAFETY: the VFS passes its locked dir inode and a negative dentry,
        // as make needs.
        unsafe { make(dir, dentry, NewObject::Dir(mode & 0o7777)) }?;
        Ok(core::ptr::null_mut())
    })
}

/// `inode_operations.mknod`.
///
/// # Safety
///
/// Called by the VFS (see [`make`]).
pub(super) unsafe extern "C" fn mknod(
    _idmap: *mut b::mnt_idmap,
    dir: *mut b::inode,
    dentry: *mut b::dentry,
    mode: u16,
    dev: u32,
) -> ffi::c_int {
    // SAFETY: the VFS passes its locked dir inode and a negative dentry, as
    // make needs.
    errno(unsafe { make(dir, dentry, NewObject::Node(mode, dev)) })
}

/// `inode_operations.symlink`.
///
/// # Safety
///
/// Called by the VFS (see [`make`]) with a NUL-terminated target.
pub(super) unsafe extern "C" fn symlink(
    _idmap: *mut b::mnt_idmap,
    dir: *mut b::inode,
    dentry: *mut b::dentry,
    target: *const ffi::c_char,
) -> ffi::c_int {
    // SAFETY: the VFS passes a NUL-terminated target.
    let target = unsafe { CStr::from_char_ptr(target) };
    // SAFETY: the VFS passes its locked dir inode and a negative dentry, as
    // make needs.
    errno(unsafe { make(dir, dentry, NewObject::Symlink(target)) })
}

/// `inode_operations.link`.
///
/// # Safety
///
/// Called by the VFS with the source, the locked dir and a negative dentry.
pub(super) unsafe extern "C" fn link(
    old: *mut b::dentry,
    dir: *mut b::inode,
    new: *mut b::dentry,
) -> ffi::c_int {
    from_result(|| {
        // SAFETY: the VFS passes live aufs objects, pinned, with `dir`
        // locked and `new` negative.
        let (union, source, parent, child) = unsafe {
            (
                union_of((*dir).i_sb),
                UnionDentry::borrowed(old),
                UnionDentry::borrowed((*new).d_parent),
                UnionDentry::borrowed(new),
            )
        };
        let name = child.name()?;
        let mut undo = Undo::new(&union);
        let (wbr, made) = namespace::link(&union, &source, &parent, &name, &mut undo)?;
        let info = DentryInfo::single(&union, wbr, made)?;
        child.set_prepared(UnionDentry::prepare_info(info)?);
        undo.keep();
        // SAFETY: the source inode is live; the new name shares it (ihold
        // gives d_instantiate its reference).
        unsafe {
            let inode = (*old).d_inode;
            b::ihold(inode);
            refresh_inode(inode, old);
            b::d_instantiate(new, inode);
            refresh_inode(dir, (*new).d_parent);
        }
        Ok(0)
    })
}

/// `inode_operations.unlink` and `rmdir`.
///
/// # Safety
///
/// Called by the VFS with the locked dir and a positive child.
unsafe fn remove(dir: *mut b::inode, dentry: *mut b::dentry, is_dir: bool) -> Result {
    // SAFETY: live aufs objects pinned by the VFS.
    let (union, parent, child) = unsafe {
        (
            union_of((*dir).i_sb),
            UnionDentry::borrowed((*dentry).d_parent),
            UnionDentry::borrowed(dentry),
        )
    };
    let left = if is_dir {
        namespace::rmdir(&union, &parent, &child).map(|()| LinksLeft::Gone)?
    } else {
        namespace::unlink(&union, &parent, &child)?
    };
    // SAFETY: `dir` and `dentry` are still pinned by the VFS, which holds
    // the child's inode lock (its link count may change). A removed file's
    // dentry keeps its object for the files open on it (fstat, ftruncate,
    // ...), so it is unhashed: a later lookup of the name makes a new one.
    unsafe {
        set_links_left((*dentry).d_inode, left);
        if !is_dir {
            b::d_drop(dentry);
        }
        refresh_inode(dir, (*dentry).d_parent);
    }
    Ok(())
}

/// Sets the link count of `inode`, whose object lost a name, to what
/// [`LinksLeft`] says.
///
/// # Safety
///
/// `inode` must be a live aufs inode whose lock the caller holds.
unsafe fn set_links_left(inode: *mut b::inode, left: LinksLeft) {
    // SAFETY: `inode` is live (the caller's guarantee). set_nlink, unlike
    // drop_nlink, takes a count already at zero (a writer's refresh from
    // the removed branch object may have copied it meanwhile).
    unsafe {
        let before = (*inode).__bindgen_anon_1.i_nlink;
        b::set_nlink(inode, left.after(before));
    }
}

/// `inode_operations.unlink`.
///
/// # Safety
///
/// See [`remove`].
pub(super) unsafe extern "C" fn unlink(dir: *mut b::inode, dentry: *mut b::dentry) -> ffi::c_int {
    // SAFETY: the VFS passes its locked dir inode and a positive child, as
    // remove needs.
    errno(unsafe { remove(dir, dentry, false) })
}

/// `inode_operations.rmdir`.
///
/// # Safety
///
/// See [`remove`].
pub(super) unsafe extern "C" fn rmdir(dir: *mut b::inode, dentry: *mut b::dentry) -> ffi::c_int {
    // SAFETY: the VFS passes its locked dir inode and a positive child, as
    // remove needs.
    errno(unsafe { remove(dir, dentry, true) })
}

/// `inode_operations.rename`.
///
/// # Safety
///
/// Called by the VFS with both parents locked (lock_rename) and the dentries.
pub(super) unsafe extern "C" fn rename(
    _idmap: *mut b::mnt_idmap,
    old_dir: *mut b::inode,
    old: *mut b::dentry,
    new_dir: *mut b::inode,
    new: *mut b::dentry,
    flags: u32,
) -> ffi::c_int {
    // SAFETY: live aufs objects pinned and locked by the VFS.
    let res = unsafe {
        let union = union_of((*old_dir).i_sb);
        namespace::rename(
            &union,
            &UnionDentry::borrowed((*old).d_parent),
            &UnionDentry::borrowed(old),
            &UnionDentry::borrowed((*new).d_parent),
            &UnionDentry::borrowed(new),
            flags,
        )
    };
    if let Ok(left) = res {
        // SAFETY: both dirs are live aufs inodes locked by the VFS for the
        // rename, which also holds a replaced target's inode lock; the
        // dentries' parents are pinned by them.
        unsafe {
            refresh_inode(old_dir, (*old).d_parent);
            refresh_inode(new_dir, (*new).d_parent);
            if !(*new).d_inode.is_null() {
                set_links_left((*new).d_inode, left);
            }
        }
    }
    errno(res.map(|_| ()))
}

/// `inode_operations.setattr`: chmod, chown, utimes, truncate.
///
/// # Safety
///
/// Called by the VFS (notify_change) with the inode locked.
pub(super) unsafe extern "C" fn setattr(
    idmap: *mut b::mnt_idmap,
    dentry: *mut b::dentry,
    attr: *mut b::iattr,
) -> ffi::c_int {
    from_result(|| {
        // SAFETY: the VFS passes valid objects; setattr_prepare checks the
        // caller may make this change.
        to_result(unsafe { b::setattr_prepare(idmap, dentry, attr) })?;
        // SAFETY: the VFS passes a positive dentry and a valid iattr.
        let change = unsafe { attr_change(dentry, attr) };
        // SAFETY: the dentry is a live aufs dentry.
        let (union, d) = unsafe { (union_of((*dentry).d_sb), UnionDentry::borrowed(dentry)) };
        namespace::set_attributes(&union, &d, &change)?;
        // SAFETY: the inode is locked by the VFS; refresh its copy of the
        // attributes.
        unsafe { refresh_inode((*dentry).d_inode, dentry) };
        Ok(0)
    })
}

/// The change `attr` asks of the object of `dentry` (what it leaves alone
/// is taken from the union inode).
///
/// # Safety
///
/// `dentry` must be a positive dentry and `attr` a valid iattr.
unsafe fn attr_change(dentry: *mut b::dentry, attr: *mut b::iattr) -> AttrChange {
    // SAFETY: the VFS passes a valid iattr, read only here.
    let a = unsafe { &*attr };
    let mut change = AttrChange::default();
    if a.ia_valid & b::ATTR_MODE != 0 {
        change.mode = Some(a.ia_mode);
    }
    if a.ia_valid & (b::ATTR_UID | b::ATTR_GID) != 0 {
        // SAFETY: the dentry is positive.
        let inode = unsafe { &*(*dentry).d_inode };
        // SAFETY: reading the plain uid/gid members of the unions.
        let (uid, gid) = unsafe { (a.__bindgen_anon_1.ia_uid.val, a.__bindgen_anon_2.ia_gid.val) };
        change.owner = Some((
            if a.ia_valid & b::ATTR_UID != 0 {
                uid
            } else {
                inode.i_uid.val
            },
            if a.ia_valid & b::ATTR_GID != 0 {
                gid
            } else {
                inode.i_gid.val
            },
        ));
    }
    if a.ia_valid & b::ATTR_SIZE != 0 {
        change.size = Some(a.ia_size);
    }
    if a.ia_valid & (b::ATTR_ATIME | b::ATTR_MTIME) != 0 {
        // SAFETY: the dentry is positive.
        let inode = unsafe { &*(*dentry).d_inode };
        let now = (a.ia_mtime.tv_sec, a.ia_mtime.tv_nsec as u32);
        let atime = if a.ia_valid & b::ATTR_ATIME != 0 {
            (a.ia_atime.tv_sec, a.ia_atime.tv_nsec as u32)
        } else {
            (inode.i_atime_sec, inode.i_atime_nsec)
        };
        let mtime = if a.ia_valid & b::ATTR_MTIME != 0 {
            now
        } else {
            (inode.i_mtime_sec, inode.i_mtime_nsec)
        };
        change.times = Some((atime, mtime));
    }
    change
}
