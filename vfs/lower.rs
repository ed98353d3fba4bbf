// SPDX-License-Identifier: GPL-2.0

//! Namespace and attribute operations on branch objects, for the write path.
//!
//! Every call runs with the current credentials (the caller overrides them
//! with the mounter's) and takes the branch's own locks through the VFS
//! helpers (`start_creating`, `start_removing`, `start_renaming`), always
//! after the aufs locks the VFS holds for the union operation.

use super::bindings as b;
use super::path::Path;
use kernel::{
    error::{code::*, from_err_ptr, to_result, Error},
    ffi,
    prelude::*,
};

/// What to make in [`Path::make_child`].
pub(crate) enum NewObject<'a> {
    /// A regular file with these mode bits.
    File(u16),
    /// A directory with these mode bits.
    Dir(u16),
    /// A symlink to this target (NUL-terminated).
    Symlink(&'a CStr),
    /// A device node, FIFO or socket: full mode and device number.
    Node(u16, u32),
    /// A hardlink to this existing object (same branch).
    Link(&'a Path),
}

/// Attributes to change with [`Path::set_attributes`].
#[derive(Default)]
pub(crate) struct AttrChange {
    pub(crate) mode: Option<u16>,
    pub(crate) owner: Option<(u32, u32)>,
    pub(crate) size: Option<i64>,
    /// (atime, mtime) as (seconds, nanoseconds).
    pub(crate) times: Option<((i64, u32), (i64, u32))>,
}

fn qstr(name: &[u8]) -> Result<b::qstr> {
    let len = u32::try_from(name.len()).map_err(|_| ENAMETOOLONG)?;
    Ok(b::qstr {
        __bindgen_anon_1: b::qstr__bindgen_ty_1 {
            __bindgen_anon_1: b::qstr__bindgen_ty_1__bindgen_ty_1 { hash: 0, len },
        },
        name: name.as_ptr(),
    })
}

impl Path {
    /// Creates `name` in this directory. Returns the new object.
    pub(crate) fn make_child(&self, name: &[u8], what: NewObject<'_>) -> Result<Path> {
        let mut q = qstr(name)?;
        let idmap = &raw mut b::nop_mnt_idmap;
        // SAFETY: the dir dentry is pinned by `self`; start_creating returns a
        // negative child with the dir locked, or an error pointer.
        let child = from_err_ptr(unsafe { b::start_creating(idmap, self.dentry(), &mut q) })?;
        let dir = self.inode();
        // SAFETY: `child` is a locked negative dentry in `dir`, as every vfs_*
        // call below requires; end_dirop unlocks and drops it afterwards (the
        // result of vfs_mkdir replaces it, as the helper's contract says).
        let made = unsafe {
            match what {
                NewObject::File(mode) => {
                    let ret = b::vfs_create(
                        idmap,
                        child,
                        mode | b::S_IFREG as u16,
                        core::ptr::null_mut(),
                    );
                    finish(child, ret)
                }
                NewObject::Dir(mode) => {
                    let res = b::vfs_mkdir(idmap, dir, child, mode, core::ptr::null_mut());
                    match from_err_ptr(res) {
                        Ok(d) => finish(d, 0),
                        Err(e) => Err(e),
                    }
                }
                NewObject::Symlink(target) => {
                    let ret = b::vfs_symlink(
                        idmap,
                        dir,
                        child,
                        target.as_char_ptr(),
                        core::ptr::null_mut(),
                    );
                    finish(child, ret)
                }
                NewObject::Node(mode, dev) => {
                    let ret = b::vfs_mknod(idmap, dir, child, mode, dev, core::ptr::null_mut());
                    finish(child, ret)
                }
                NewObject::Link(old) => {
                    let ret = b::vfs_link(old.dentry(), idmap, dir, child, core::ptr::null_mut());
                    finish(child, ret)
                }
            }
        }?;
        // SAFETY: `made` is a new dentry in this dir, on this path's mount;
        // finish took the reference we hand over. A filesystem that leaves
        // it negative (made but to be looked up again) is asked by name.
        match unsafe { self.with_dentry(made) } {
            Some(made) => Ok(made),
            None => self.lookup_child(name)?.ok_or(ENOENT),
        }
    }

    /// Removes `name` (a non-dir, or with `dir` an empty dir) from this dir.
    pub(crate) fn remove_child(&self, name: &[u8], dir: bool) -> Result {
        let mut q = qstr(name)?;
        let idmap = &raw mut b::nop_mnt_idmap;
        // SAFETY: as in make_child; start_removing returns a positive child
        // with the dir locked, or an error pointer.
        let child = from_err_ptr(unsafe { b::start_removing(idmap, self.dentry(), &mut q) })?;
        // SAFETY: `child` is locked in our dir; end_dirop releases it.
        unsafe {
            let ret = if dir {
                b::vfs_rmdir(idmap, self.inode(), child, core::ptr::null_mut())
            } else {
                b::vfs_unlink(idmap, self.inode(), child, core::ptr::null_mut())
            };
            b::end_dirop(child);
            to_result(ret)
        }
    }

    /// Renames `old_name` in this dir to `new_name` in `new_dir` (same branch).
    pub(crate) fn rename_child(
        &self,
        old_name: &[u8],
        new_dir: &Path,
        new_name: &[u8],
        flags: u32,
    ) -> Result {
        let (mut old_q, mut new_q) = (qstr(old_name)?, qstr(new_name)?);
        // SAFETY: all-zero is a valid renamedata before start_renaming.
        let mut rd: b::renamedata = unsafe { core::mem::zeroed() };
        rd.mnt_idmap = &raw mut b::nop_mnt_idmap;
        rd.old_parent = self.dentry();
        rd.new_parent = new_dir.dentry();
        rd.flags = flags;
        // SAFETY: both parents are pinned; start_renaming looks both names up
        // and takes the rename locks, end_renaming drops them.
        unsafe {
            to_result(b::start_renaming(&mut rd, 0, &mut old_q, &mut new_q))?;
            let ret = b::vfs_rename(&mut rd);
            b::end_renaming(&mut rd);
            to_result(ret)
        }
    }

    /// The inode flags (`FS_IOC_GETFLAGS`: append-only, immutable, ...), or
    /// None when the branch filesystem has none.
    pub(crate) fn inode_flags(&self) -> Result<Option<u32>> {
        // SAFETY: all-zero is a valid file_kattr for the getter to fill.
        let mut fa: b::file_kattr = unsafe { core::mem::zeroed() };
        // SAFETY: the dentry is pinned by `self`; `fa` is a valid out buffer.
        let ret = unsafe { b::vfs_fileattr_get(self.dentry(), &mut fa) };
        match ret {
            0 => Ok(Some(fa.flags)),
            e if no_inode_flags(e) => Ok(None),
            e => Err(Error::from_errno(e)),
        }
    }

    /// Sets the inode flags (`FS_IOC_SETFLAGS`) to `flags`, as the current
    /// credentials. EOPNOTSUPP when the branch filesystem has none.
    pub(crate) fn set_inode_flags(&self, flags: u32) -> Result {
        // SAFETY: all-zero is a valid file_kattr; fill_flags sets the flags
        // and marks them as the valid part.
        let mut fa: b::file_kattr = unsafe { core::mem::zeroed() };
        // SAFETY: `fa` is ours; the dentry is pinned by `self`, and
        // vfs_fileattr_set takes the inode lock itself.
        let ret = unsafe {
            b::fileattr_fill_flags(&mut fa, flags);
            b::vfs_fileattr_set(&raw mut b::nop_mnt_idmap, self.dentry(), &mut fa)
        };
        match ret {
            e if no_inode_flags(e) => Err(EOPNOTSUPP),
            e => to_result(e),
        }
    }

    /// Changes attributes of this object (notify_change under its lock).
    pub(crate) fn set_attributes(&self, change: &AttrChange) -> Result {
        // SAFETY: all-zero is a valid iattr (nothing to change).
        let mut attr: b::iattr = unsafe { core::mem::zeroed() };
        if let Some(mode) = change.mode {
            attr.ia_valid |= b::ATTR_MODE;
            // notify_change wants the whole mode: keep the file type.
            attr.ia_mode = (mode & 0o7777) | (self.mode() & b::S_IFMT) as u16;
        }
        if let Some((uid, gid)) = change.owner {
            attr.ia_valid |= b::ATTR_UID | b::ATTR_GID;
            attr.__bindgen_anon_1.ia_uid = b::kuid_t { val: uid };
            attr.__bindgen_anon_2.ia_gid = b::kgid_t { val: gid };
        }
        if let Some(size) = change.size {
            attr.ia_valid |= b::ATTR_SIZE;
            attr.ia_size = size;
        }
        if let Some(((asec, ansec), (msec, mnsec))) = change.times {
            attr.ia_valid |= b::ATTR_ATIME | b::ATTR_MTIME | b::ATTR_ATIME_SET | b::ATTR_MTIME_SET;
            attr.ia_atime = b::timespec64 {
                tv_sec: asec,
                tv_nsec: ansec as isize,
            };
            attr.ia_mtime = b::timespec64 {
                tv_sec: msec,
                tv_nsec: mnsec as isize,
            };
        }
        if attr.ia_valid == 0 {
            return Ok(());
        }
        let inode = self.inode();
        // SAFETY: the object is pinned and positive; notify_change requires
        // its inode lock, which we hold around the call.
        unsafe {
            b::down_write(&mut (*inode).i_rwsem);
            let ret = b::notify_change(
                &raw mut b::nop_mnt_idmap,
                self.dentry(),
                &mut attr,
                core::ptr::null_mut(),
            );
            b::up_write(&mut (*inode).i_rwsem);
            to_result(ret)
        }
    }

    /// Sets one extended attribute.
    pub(crate) fn set_xattr(&self, name: &CStr, value: &[u8], flags: i32) -> Result {
        // SAFETY: the object is pinned; vfs_setxattr takes the locks it needs.
        to_result(unsafe {
            b::vfs_setxattr(
                &raw mut b::nop_mnt_idmap,
                self.dentry(),
                name.as_char_ptr(),
                value.as_ptr().cast(),
                value.len(),
                flags,
            )
        })
    }

    /// Removes one extended attribute.
    pub(crate) fn remove_xattr(&self, name: &CStr) -> Result {
        // SAFETY: the object is pinned; vfs_removexattr takes its locks.
        to_result(unsafe {
            b::vfs_removexattr(&raw mut b::nop_mnt_idmap, self.dentry(), name.as_char_ptr())
        })
    }

    /// Copies the POSIX ACL `name` (`system.posix_acl_access` or `_default`)
    /// to `dst`, through the ACL calls (ACLs are not plain xattrs in-kernel).
    pub(crate) fn copy_acl_to(&self, dst: &Path, name: &CStr) -> Result {
        let (idmap, dentry) = (&raw mut b::nop_mnt_idmap, self.dentry());
        // SAFETY: the object is pinned; vfs_get_acl returns a counted ACL,
        // null, or an error pointer.
        let acl = unsafe { b::vfs_get_acl(idmap, dentry, name.as_char_ptr()) };
        let acl = from_err_ptr(acl)?;
        if acl.is_null() {
            return Ok(());
        }
        // SAFETY: `dst` is pinned; we drop our ACL reference after the call.
        unsafe {
            let ret = b::vfs_set_acl(idmap, dst.dentry(), name.as_char_ptr(), acl);
            b::aufs_posix_acl_release(acl);
            to_result(ret)
        }
    }

    /// The names of the object's extended attributes (NUL-separated).
    pub(crate) fn list_xattrs(&self) -> Result<KVec<u8>> {
        let mut buf = KVec::new();
        // SAFETY: a null buffer of size 0 asks for the needed size.
        let need = unsafe { b::vfs_listxattr(self.dentry(), core::ptr::null_mut(), 0) };
        let need = usize::try_from(need).map_err(|_| Error::from_errno(need as i32))?;
        buf.resize(need, 0, GFP_KERNEL)?;
        // SAFETY: `buf` has `need` writable bytes.
        let got = unsafe { b::vfs_listxattr(self.dentry(), buf.as_mut_ptr(), need) };
        let got = usize::try_from(got).map_err(|_| Error::from_errno(got as i32))?;
        buf.truncate(got);
        Ok(buf)
    }

    /// The value of one extended attribute.
    pub(crate) fn get_xattr(&self, name: &CStr) -> Result<KVec<u8>> {
        let idmap = &raw mut b::nop_mnt_idmap;
        // SAFETY: a null buffer of size 0 asks for the needed size.
        let need = unsafe {
            b::vfs_getxattr(
                idmap,
                self.dentry(),
                name.as_char_ptr(),
                core::ptr::null_mut(),
                0,
            )
        };
        let need = usize::try_from(need).map_err(|_| Error::from_errno(need as i32))?;
        let mut buf = KVec::new();
        buf.resize(need, 0, GFP_KERNEL)?;
        // SAFETY: `buf` has `need` writable bytes.
        let got = unsafe {
            b::vfs_getxattr(
                idmap,
                self.dentry(),
                name.as_char_ptr(),
                buf.as_mut_ptr().cast(),
                need,
            )
        };
        let got = usize::try_from(got).map_err(|_| Error::from_errno(got as i32))?;
        buf.truncate(got);
        Ok(buf)
    }

    /// The target of this symlink, NUL-terminated.
    pub(crate) fn read_link(&self) -> Result<KVec<u8>> {
        // SAFETY: all-zero is an empty delayed_call.
        let mut done: b::delayed_call = unsafe { core::mem::zeroed() };
        // SAFETY: the symlink is pinned; the returned string stays valid until
        // the delayed call runs.
        let target = from_err_ptr(unsafe { b::vfs_get_link(self.dentry(), &mut done) }.cast_mut());
        let copy = target.and_then(|target| {
            // SAFETY: vfs_get_link returned a NUL-terminated string.
            let text = unsafe { CStr::from_char_ptr(target) };
            let mut buf = KVec::new();
            buf.extend_from_slice(text.to_bytes_with_nul(), GFP_KERNEL)?;
            Ok(buf)
        });
        if let Some(release) = done.fn_ {
            // SAFETY: do_delayed_call: run the release the filesystem asked
            // for.
            unsafe { release(done.arg) };
        }
        copy
    }
}

/// Ends a creation started by `start_creating`: on success keeps one
/// reference to the new dentry for the caller.
///
/// # Safety
///
/// `child` must be the dentry start_creating returned (or vfs_mkdir's result).
unsafe fn finish(child: *mut b::dentry, ret: ffi::c_int) -> Result<*mut b::dentry> {
    // SAFETY: see above; the extra reference survives end_dirop's dput.
    unsafe {
        if ret == 0 {
            b::aufs_dget(child);
        }
        b::end_dirop(child);
    }
    to_result(ret).map(|()| child)
}

/// True for the errors of a filesystem without inode flags.
fn no_inode_flags(ret: i32) -> bool {
    ret == ENOIOCTLCMD.to_errno() || ret == ENOTTY.to_errno() || ret == EOPNOTSUPP.to_errno()
}
