// SPDX-License-Identifier: GPL-2.0

//! Extended attributes: read through to the top lower object as the mounter.
//! Setting and removing them needs copy-up and is refused with EROFS for now.

use super::dentry::{dentry_info, UnionDentry};
use super::inode::refresh_inode;
use super::{bindings as b, super_ops::union_of, OpsTable};
use crate::dir;
use crate::lookup::DentryInfo;
use kernel::{error::code::*, ffi, prelude::*};

/// One handler for every name (empty prefix), as overlayfs does for the
/// names it does not treat specially.
static XATTR_HANDLER: OpsTable<b::xattr_handler> = OpsTable(b::xattr_handler {
    name: core::ptr::null(),
    prefix: kernel::str::as_char_ptr_in_const_context(c""),
    flags: 0,
    list: None,
    get: Some(xattr_get),
    set: Some(xattr_set),
});

/// The NULL-terminated handler list for `sb->s_xattr`.
pub(super) static XATTR_HANDLERS: OpsTable<[*const b::xattr_handler; 2]> =
    OpsTable([&XATTR_HANDLER.0, core::ptr::null()]);

/// `xattr_handler.get`.
///
/// # Safety
///
/// Called by the VFS with a live aufs dentry (or null) and a valid buffer.
unsafe extern "C" fn xattr_get(
    _handler: *const b::xattr_handler,
    dentry: *mut b::dentry,
    inode: *mut b::inode,
    name: *const ffi::c_char,
    buffer: *mut ffi::c_void,
    size: usize,
) -> ffi::c_int {
    if dentry.is_null() {
        return EOPNOTSUPP.to_errno();
    }
    // SAFETY: a live, positive aufs dentry has info.
    let info = unsafe { dentry_info(dentry) };
    let Some(top) = info.as_deref().and_then(DentryInfo::top) else {
        return ENOENT.to_errno();
    };
    // SAFETY: `inode` is live, so its superblock is a filled aufs one.
    let union = unsafe { union_of((*inode).i_sb) };
    let _mounter = union.as_mounter();
    // SAFETY: the lower dentry is pinned by the info; `name` and `buffer` come
    // from the VFS and are valid for the call.
    let ret = unsafe {
        b::vfs_getxattr(
            &raw mut b::nop_mnt_idmap,
            top.path.dentry(),
            name,
            buffer,
            size,
        )
    };
    ret as ffi::c_int
}

/// `xattr_handler.set` (a null buffer removes): copy up, then set on the
/// copy.
///
/// # Safety
///
/// Called by the VFS with a live aufs dentry (with the inode locked), a
/// NUL-terminated name and `size` readable bytes at `buffer` (or null).
unsafe extern "C" fn xattr_set(
    _handler: *const b::xattr_handler,
    _idmap: *mut b::mnt_idmap,
    dentry: *mut b::dentry,
    inode: *mut b::inode,
    name: *const ffi::c_char,
    buffer: *const ffi::c_void,
    size: usize,
    flags: ffi::c_int,
) -> ffi::c_int {
    if dentry.is_null() {
        return EOPNOTSUPP.to_errno();
    }
    // SAFETY: see above.
    let (union, d, name) = unsafe {
        (
            union_of((*inode).i_sb),
            UnionDentry::borrowed(dentry),
            CStr::from_char_ptr(name),
        )
    };
    let value = (!buffer.is_null())
        // SAFETY: `size` readable bytes at `buffer` (see above).
        .then(|| unsafe { core::slice::from_raw_parts(buffer.cast::<u8>(), size) });
    match dir::set_xattr(&union, &d, name, value, flags) {
        Ok(()) => {
            // SAFETY: the inode is locked by the VFS.
            unsafe { refresh_inode(inode, dentry) };
            0
        }
        Err(e) => e.to_errno(),
    }
}

/// `inode_operations.listxattr`: the top lower object's names.
///
/// # Safety
///
/// Called by the VFS with a live aufs dentry and a valid buffer.
pub(super) unsafe extern "C" fn listxattr(
    dentry: *mut b::dentry,
    list: *mut ffi::c_char,
    size: usize,
) -> isize {
    // SAFETY: a live, positive aufs dentry has info.
    let info = unsafe { dentry_info(dentry) };
    let Some(top) = info.as_deref().and_then(DentryInfo::top) else {
        return ENOENT.to_errno() as isize;
    };
    // SAFETY: the dentry pins its superblock, a filled aufs one.
    let union = unsafe { union_of((*dentry).d_sb) };
    let _mounter = union.as_mounter();
    // SAFETY: the lower dentry is pinned by the info; the buffer is the VFS's.
    unsafe { b::vfs_listxattr(top.path.dentry(), list, size) }
}

/// The xattr name of ACL type `kind` (ACL_TYPE_ACCESS or ACL_TYPE_DEFAULT).
fn acl_name(kind: ffi::c_int) -> &'static CStr {
    if kind as u32 == b::ACL_TYPE_DEFAULT {
        c"system.posix_acl_default"
    } else {
        c"system.posix_acl_access"
    }
}

/// `inode_operations.get_acl`: the top branch object's ACL, as the mounter.
///
/// # Safety
///
/// Called by the VFS with a live aufs dentry.
pub(super) unsafe extern "C" fn get_acl(
    _idmap: *mut b::mnt_idmap,
    dentry: *mut b::dentry,
    kind: ffi::c_int,
) -> *mut b::posix_acl {
    // SAFETY: a live aufs dentry has info.
    let info = unsafe { dentry_info(dentry) };
    let Some(top) = info.as_deref().and_then(DentryInfo::top) else {
        return ENOENT.to_ptr();
    };
    // SAFETY: the dentry pins its superblock, a filled aufs one.
    let union = unsafe { union_of((*dentry).d_sb) };
    let _mounter = union.as_mounter();
    // SAFETY: the branch object is pinned by `info`.
    unsafe {
        b::vfs_get_acl(
            &raw mut b::nop_mnt_idmap,
            top.path.dentry(),
            acl_name(kind).as_char_ptr(),
        )
    }
}

/// `inode_operations.set_acl`: copy up, then set the ACL on the copy.
///
/// # Safety
///
/// Called by the VFS with a live aufs dentry (inode locked) and an ACL.
pub(super) unsafe extern "C" fn set_acl(
    _idmap: *mut b::mnt_idmap,
    dentry: *mut b::dentry,
    acl: *mut b::posix_acl,
    kind: ffi::c_int,
) -> ffi::c_int {
    // SAFETY: see above.
    let (union, d) = unsafe { (union_of((*dentry).d_sb), UnionDentry::borrowed(dentry)) };
    let upper = match union
        .write_branch()
        .and_then(|wbr| crate::copyup::copy_up(&union, &d, wbr))
    {
        Ok(upper) => upper,
        Err(e) => return e.to_errno(),
    };
    let _mounter = union.as_mounter();
    // SAFETY: the copy is pinned; vfs_set_acl takes its own reference.
    let ret = unsafe {
        b::vfs_set_acl(
            &raw mut b::nop_mnt_idmap,
            upper.dentry(),
            acl_name(kind).as_char_ptr(),
            acl,
        )
    };
    if ret == 0 {
        // SAFETY: the inode is locked by the VFS.
        unsafe { refresh_inode((*dentry).d_inode, dentry) };
    }
    ret
}
