// SPDX-License-Identifier: GPL-2.0

//! The operation tables the VFS calls (`*_operations`, the filesystem type's
//! context operations, xattr handlers) and their `extern "C"` trampolines:
//! each converts the raw pointers it gets into handles (`crate::vfs`) and
//! calls the aufs logic. Imports point one way: ops -> logic -> handles.

mod dentry;
mod dir_file;
mod file;
mod fs_context;
mod inode;
mod ioctl;
mod namei;
mod super_ops;
mod xattr;

pub(crate) use super_ops::register;
use super_ops::{mount_of, union_of};

use crate::vfs::{bindings, OpsTable};

/// The dentry an open file was opened on (`f_path` sits in an anonymous union).
///
/// # Safety
///
/// `file` must be an open file.
unsafe fn file_dentry(file: *const bindings::file) -> *mut bindings::dentry {
    // SAFETY: an open file's f_path is valid and constant.
    unsafe { (*file).__bindgen_anon_1.f_path.dentry }
}
