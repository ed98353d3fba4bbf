// SPDX-License-Identifier: GPL-2.0

//! Extended attributes and POSIX ACLs: read through to the top lower object
//! as the mounter; setting or removing one copies the object up first and
//! changes the copy (`namespace::set_xattr`).

use super::inode::refresh_inode;
use super::{union_of, OpsTable};
use crate::lookup::DentryInfo;
use crate::lookup::UnionDentry;
use crate::namespace;
use crate::vfs::dentry::dentry_info;
use crate::vfs::{bindings as b, ptr_from_result};
use kernel::{
    error::{code::*, from_result, to_result},
    ffi,
    prelude::*,
};

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
    from_result(|| {
        if dentry.is_null() {
            return Err(EOPNOTSUPP);
        }
        // SAFETY: a live, positive aufs dentry has info.
        let info = unsafe { dentry_info(dentry) };
        let top = info.as_deref().and_then(DentryInfo::top).ok_or(ENOENT)?;
        // SAFETY: `inode` is live, so its superblock is a filled aufs one.
        let union = unsafe { union_of((*inode).i_sb) };
        let _mounter = union.as_mounter();
        // SAFETY: the lower dentry is pinned by the info; `name` and `buffer`
        // come from the VFS and are valid for the call.
        let ret = unsafe {
            b::vfs_getxattr(
                &raw mut b::nop_mnt_idmap,
                top.path.dentry(),
                name,
                buffer,
                size,
            )
        };
        Ok(ret as ffi::c_int)
    })
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
    from_result(|| {
        if dentry.is_null() {
            return Err(EOPNOTSUPP);
        }
        // SAFETY: the VFS passes a live aufs dentry and inode (locked) and a
        // NUL-terminated name.
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
        namespace::set_xattr(&union, &d, name, value, flags)?;
        // SAFETY: the inode is a live aufs inode, locked by the VFS, and
        // `dentry` a live aufs dentry of it.
        unsafe { refresh_inode(inode, dentry) };
        Ok(0)
    })
}

/// `inode_operations.listxattr`: the top lower object's names, read as the
/// mounter; `trusted.*` names only for callers with CAP_SYS_ADMIN (the
/// branch fs would hide them from the caller, as overlayfs does).
///
/// # Safety
///
/// Called by the VFS with a live aufs dentry and a buffer of `size` bytes
/// (or null with size 0).
pub(super) unsafe extern "C" fn listxattr(
    dentry: *mut b::dentry,
    list: *mut ffi::c_char,
    size: usize,
) -> isize {
    from_result(|| {
        // SAFETY: a live, positive aufs dentry has info.
        let info = unsafe { dentry_info(dentry) };
        let top = info.as_deref().and_then(DentryInfo::top).ok_or(ENOENT)?;
        // Decided with the caller's credentials, before switching to the
        // mounter's.
        let cap = b::CAP_SYS_ADMIN as i32;
        // SAFETY: init_user_ns is a static that lives forever.
        let show_trusted = unsafe { b::ns_capable_noaudit(&raw mut b::init_user_ns, cap) };
        // SAFETY: the dentry pins its superblock, a filled aufs one.
        let union = unsafe { union_of((*dentry).d_sb) };
        let names = {
            let _mounter = union.as_mounter();
            top.path.list_xattrs()?
        };
        let visible = visible_names(&names, show_trusted)?;
        if size == 0 {
            return Ok(visible.len() as isize);
        }
        if visible.len() > size {
            return Err(ERANGE);
        }
        // SAFETY: the VFS's buffer has `size` writable bytes, at least as
        // many as we copy; it cannot overlap our own allocation.
        unsafe { core::ptr::copy_nonoverlapping(visible.as_ptr(), list.cast(), visible.len()) };
        Ok(visible.len() as isize)
    })
}

/// The NUL-terminated names of `names` the caller may see.
fn visible_names(names: &[u8], show_trusted: bool) -> Result<KVec<u8>> {
    let mut visible = KVec::with_capacity(names.len(), GFP_KERNEL)?;
    for name in names.split_inclusive(|&c| c == 0) {
        if show_trusted || !name.starts_with(b"trusted.") {
            visible.extend_from_slice(name, GFP_KERNEL)?;
        }
    }
    Ok(visible)
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
    ptr_from_result(|| {
        // SAFETY: a live aufs dentry has info.
        let info = unsafe { dentry_info(dentry) };
        let top = info.as_deref().and_then(DentryInfo::top).ok_or(ENOENT)?;
        // SAFETY: the dentry pins its superblock, a filled aufs one.
        let union = unsafe { union_of((*dentry).d_sb) };
        let _mounter = union.as_mounter();
        // SAFETY: the branch object is pinned by `info`; vfs_get_acl returns
        // a counted ACL or an error pointer, which the VFS takes over.
        Ok(unsafe {
            b::vfs_get_acl(
                &raw mut b::nop_mnt_idmap,
                top.path.dentry(),
                acl_name(kind).as_char_ptr(),
            )
        })
    })
}

/// `inode_operations.get_inode_acl`, what the permission check asks: the
/// ACL of the object's top branch inode, read as the mounter. The VFS caches
/// it in the union inode; [`refresh_inode`] forgets it whenever the union
/// inode takes the attributes of its branch object again.
///
/// # Safety
///
/// Called by the VFS with a live aufs inode.
pub(super) unsafe extern "C" fn get_inode_acl(
    inode: *mut b::inode,
    kind: ffi::c_int,
    rcu: bool,
) -> *mut b::posix_acl {
    ptr_from_result(|| {
        if rcu {
            // Only called for ACL_DONT_CACHE inodes; ours cache. A dentry is
            // needed to find the branch object, which RCU walk cannot take.
            return Err(ECHILD);
        }
        // SAFETY: `inode` is live; d_find_any_alias returns a referenced
        // alias (hashed or not: an open file of an unlinked name has one) or
        // null.
        let alias = unsafe { b::d_find_any_alias(inode) };
        if alias.is_null() {
            return Err(ESTALE);
        }
        // SAFETY: the alias is a live aufs dentry, pinned until the dput
        // below.
        let info = unsafe { dentry_info(alias) };
        // SAFETY: we own the reference d_find_any_alias took.
        unsafe { b::dput(alias) };
        let top = info.as_deref().and_then(DentryInfo::top).ok_or(ENOENT)?;
        // SAFETY: `inode` is live, so its superblock is a filled aufs one.
        let union = unsafe { union_of((*inode).i_sb) };
        let _mounter = union.as_mounter();
        // SAFETY: the branch inode is pinned by `info`; get_inode_acl returns
        // a counted ACL, null or an error pointer, which the VFS takes over.
        Ok(unsafe { b::get_inode_acl(top.path.inode(), kind) })
    })
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
    // SAFETY: the VFS passes a live aufs dentry (its inode locked); its
    // superblock is a filled aufs one.
    let (union, d) = unsafe { (union_of((*dentry).d_sb), UnionDentry::borrowed(dentry)) };
    from_result(|| {
        let mut undo = crate::copyup::Undo::new(&union);
        let wbr = union.copy_up_branch(&d)?;
        let upper = crate::copyup::copy_up(&union, &d, wbr, &mut undo)?;
        let _mounter = union.as_mounter();
        // SAFETY: the copy is pinned; vfs_set_acl takes its own reference.
        to_result(unsafe {
            b::vfs_set_acl(
                &raw mut b::nop_mnt_idmap,
                upper.dentry(),
                acl_name(kind).as_char_ptr(),
                acl,
            )
        })?;
        undo.keep();
        // SAFETY: the inode is locked by the VFS.
        unsafe { refresh_inode((*dentry).d_inode, dentry) };
        Ok(0)
    })
}
