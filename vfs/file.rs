// SPDX-License-Identifier: GPL-2.0

//! Regular files: every open aufs file holds a backing file on the lower
//! object (`backing_file_open`), and I/O goes through the backing_file
//! helpers with the mounter's credentials, as overlayfs does.

use super::{bindings as b, file_dentry, inode::dentry_info, super_ops::union_of, OpsTable};
use crate::branch::Union;
use kernel::{error::code::*, error::from_err_ptr, ffi};

pub(super) static FILE_FOPS: OpsTable<b::file_operations> = OpsTable(b::file_operations {
    open: Some(open),
    release: Some(release),
    read_iter: Some(read_iter),
    splice_read: Some(splice_read),
    mmap: Some(mmap),
    llseek: Some(llseek),
    // SAFETY: all-zero is a valid file_operations (every op absent).
    ..unsafe { core::mem::zeroed() }
});

/// The union of the superblock `file` lives on.
///
/// # Safety
///
/// `file` must be an open aufs file.
unsafe fn union_of_file<'a>(file: *const b::file) -> &'a Union {
    // SAFETY: an open file pins its inode and superblock.
    unsafe { union_of((*(*file).f_inode).i_sb) }
}

/// The backing file of an open aufs file.
///
/// # Safety
///
/// `file` must be an aufs regular file between `open` and `release`.
unsafe fn real_file(file: *const b::file) -> *mut b::file {
    // SAFETY: `open` stored the backing file in private_data.
    unsafe { (*file).private_data.cast() }
}

/// `accessed` hook of the backing_file helpers: nothing to update, the union
/// inode takes its times from the lower one.
///
/// # Safety
///
/// Called by the backing_file helpers with the user's file; it is not used.
unsafe extern "C" fn accessed(_file: *mut b::file) {}

fn backing_ctx(union: &Union) -> b::backing_file_ctx {
    b::backing_file_ctx {
        cred: union.cred.as_ptr().cast(),
        accessed: Some(accessed),
        end_write: None,
    }
}

/// `file_operations.open`.
///
/// # Safety
///
/// Called by the VFS with an aufs regular-file inode and a new file.
unsafe extern "C" fn open(_inode: *mut b::inode, file: *mut b::file) -> ffi::c_int {
    // SAFETY: `file` is being opened on a positive aufs dentry.
    let (info, union) = unsafe { (dentry_info(file_dentry(file)), union_of_file(file)) };
    let Some(top) = info.top() else {
        return ENOENT.to_errno();
    };
    let flags = {
        // SAFETY: `file` is valid.
        let f = unsafe { (*file).f_flags };
        (f & !(b::O_CREAT | b::O_EXCL | b::O_NOCTTY | b::O_TRUNC)) as i32
    };
    let cred = union.cred.as_ptr().cast();
    // SAFETY: `file` and the lower path are valid; backing_file_open switches
    // to `cred` itself and returns a new file or an error pointer.
    let real = unsafe { b::backing_file_open(file, flags, top.path.as_raw(), cred) };
    match from_err_ptr(real) {
        Ok(real) => {
            // SAFETY: `file` is not visible to others before open returns.
            unsafe { (*file).private_data = real.cast() };
            0
        }
        Err(e) => e.to_errno(),
    }
}

/// `file_operations.release`.
///
/// # Safety
///
/// Called by the VFS once, when the last reference to `file` goes.
unsafe extern "C" fn release(_inode: *mut b::inode, file: *mut b::file) -> ffi::c_int {
    // SAFETY: the backing file reference from `open` is ours to drop.
    unsafe { b::fput(real_file(file)) };
    0
}

/// `file_operations.read_iter`.
///
/// # Safety
///
/// Called by the VFS with a valid kiocb on an open aufs file.
unsafe extern "C" fn read_iter(iocb: *mut b::kiocb, iter: *mut b::iov_iter) -> isize {
    // SAFETY: `iocb` is valid and its file is an open aufs file.
    let file = unsafe { (*iocb).ki_filp };
    // SAFETY: as above.
    let mut ctx = backing_ctx(unsafe { union_of_file(file) });
    // SAFETY: the backing file lives until release; the helper checks its
    // mode and does the read as `ctx.cred`.
    unsafe { b::backing_file_read_iter(real_file(file), iter, iocb, (*iocb).ki_flags, &mut ctx) }
}

/// `file_operations.splice_read` (also what sendfile uses).
///
/// # Safety
///
/// Called by the VFS with an open aufs file, a valid position and pipe.
unsafe extern "C" fn splice_read(
    file: *mut b::file,
    ppos: *mut i64,
    pipe: *mut b::pipe_inode_info,
    len: usize,
    flags: u32,
) -> isize {
    // SAFETY: `file` is an open aufs file.
    let mut ctx = backing_ctx(unsafe { union_of_file(file) });
    // SAFETY: all-zero is a valid kiocb, completed by the helper below.
    let mut iocb: b::kiocb = unsafe { core::mem::zeroed() };
    // SAFETY: `iocb` is ours, `file` is open, `ppos` is valid; the backing
    // file lives until release.
    unsafe {
        b::aufs_init_sync_kiocb(&mut iocb, file);
        iocb.ki_pos = *ppos;
        let ret =
            b::backing_file_splice_read(real_file(file), &mut iocb, pipe, len, flags, &mut ctx);
        *ppos = iocb.ki_pos;
        ret
    }
}

/// `file_operations.mmap`: maps the lower file.
///
/// # Safety
///
/// Called by the VFS with an open aufs file and a new vma.
unsafe extern "C" fn mmap(file: *mut b::file, vma: *mut b::vm_area_struct) -> ffi::c_int {
    // SAFETY: `file` is an open aufs file.
    let mut ctx = backing_ctx(unsafe { union_of_file(file) });
    // SAFETY: the helper replaces vma->vm_file with the backing file.
    unsafe { b::backing_file_mmap(real_file(file), vma, &mut ctx) }
}

/// `file_operations.llseek`: seeks the backing file (SEEK_DATA/SEEK_HOLE are
/// the lower filesystem's), keeping both positions in step under the aufs
/// inode lock as overlayfs does.
///
/// # Safety
///
/// Called by the VFS with an open aufs file.
unsafe extern "C" fn llseek(file: *mut b::file, offset: i64, whence: ffi::c_int) -> i64 {
    // SAFETY: `file` is open, so its inode and backing file are live; the
    // inode rwsem serialises position updates between the two files.
    unsafe {
        let inode = (*file).f_inode;
        let real = real_file(file);
        b::down_write(&mut (*inode).i_rwsem);
        (*real).f_pos = (*file).f_pos;
        let ret = {
            let _mounter = union_of_file(file).as_mounter();
            b::vfs_llseek(real, offset, whence)
        };
        (*file).f_pos = (*real).f_pos;
        b::up_write(&mut (*inode).i_rwsem);
        ret
    }
}
