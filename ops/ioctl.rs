// SPDX-License-Identifier: GPL-2.0

//! `unlocked_ioctl` and `compat_ioctl` of union files and dirs: trampolines
//! into [`crate::ioctl`].

use super::{file_dentry, mount_of};
use crate::ioctl::{ioctl, IoctlFile};
use crate::lookup::UnionDentry;
use crate::uapi::Abi;
use crate::vfs::{bindings as b, UserArg};
use kernel::ffi;

/// Calls the logic for `file`, an open aufs file or dir.
///
/// # Safety
///
/// `file` must be an open aufs file or dir, for the duration of the call.
unsafe fn call(file: *mut b::file, cmd: ffi::c_uint, arg: usize, abi: Abi) -> ffi::c_long {
    // SAFETY: an open aufs file pins its dentry, inode and superblock, whose
    // s_fs_info is our Mount until kill_sb; its dentry has aufs info.
    let file = unsafe {
        let inode = (*file).f_inode;
        IoctlFile {
            mount: mount_of((*inode).i_sb),
            dentry: UnionDentry::borrowed(file_dentry(file)),
            is_dir: u32::from((*inode).i_mode) & b::S_IFMT == b::S_IFDIR,
            abi,
        }
    };
    match ioctl(&file, cmd, UserArg::new(arg)) {
        Ok(ret) => ret as ffi::c_long,
        Err(e) => e.to_errno() as ffi::c_long,
    }
}

/// `file_operations.unlocked_ioctl`.
///
/// # Safety
///
/// Called by the VFS with an open aufs file or dir.
pub(super) unsafe extern "C" fn unlocked_ioctl(
    file: *mut b::file,
    cmd: ffi::c_uint,
    arg: ffi::c_ulong,
) -> ffi::c_long {
    // SAFETY: the VFS passes an open aufs file or dir.
    unsafe { call(file, cmd, arg, Abi::Native) }
}

/// `file_operations.compat_ioctl`: a 32-bit task's ioctl. aufs's structs
/// are the same size for it (each is `__aligned(8)`), so the command
/// numbers are the same; an i386 task lays `uint64_t` members out 4-aligned,
/// which the logic decodes ([`Abi::Ia32`]). `compat_ptr` keeps the value of
/// a 32-bit address on x86_64, the one architecture this module builds for.
///
/// # Safety
///
/// Called by the VFS with an open aufs file or dir.
#[cfg(CONFIG_COMPAT)]
pub(super) unsafe extern "C" fn compat_ioctl(
    file: *mut b::file,
    cmd: ffi::c_uint,
    arg: ffi::c_ulong,
) -> ffi::c_long {
    // SAFETY: the current task is in a compat syscall (we are called from
    // one); the macro reads its thread flags.
    let abi = if unsafe { b::aufs_in_ia32_syscall() } {
        Abi::Ia32
    } else {
        Abi::Native
    };
    // SAFETY: the VFS passes an open aufs file or dir.
    unsafe { call(file, cmd, arg as u32 as usize, abi) }
}
