// SPDX-License-Identifier: GPL-2.0

//! The FFI layer: the only place with raw kernel pointers and bindings.
//!
//! It owns the operation tables (each entry a short trampoline into the aufs
//! logic) and offers the logic small safe handles: [`Path`], [`CredGuard`],
//! [`MountLog`]. Arrows point one way: the logic calls into this layer, this
//! layer calls the logic only from the trampolines.

mod bindings;
mod dentry;
mod dir_file;
mod file;
mod fs_context;
mod inode;
mod lower;
mod namei;
mod path;
mod super_ops;
mod sysfs;
mod xattr;

pub(crate) use dentry::UnionDentry;
pub(crate) use file::MappedFile;
pub(crate) use fs_context::MountLog;
pub(crate) use lower::{AttrChange, NewObject};
pub(crate) use path::{CredGuard, LowerFile, Path};

/// File type and open flag constants the logic needs.
pub(crate) use bindings::{O_RDONLY, O_WRONLY, S_IFLNK, S_IFMT, S_IFREG};
pub(crate) use super_ops::{Registration, RemountingSuper};
pub(crate) use sysfs::SysfsDir;

/// A C operations table kept in a `static`.
///
/// The tables hold raw pointers (so they are not `Sync` by themselves), but
/// they are built at compile time and never written, so sharing them between
/// threads is sound.
#[repr(transparent)]
struct OpsTable<T>(T);

// SAFETY: an `OpsTable` is immutable after compile-time construction; the
// pointers inside are only read (by the VFS).
unsafe impl<T> Sync for OpsTable<T> {}

/// The dentry an open file was opened on (`f_path` sits in an anonymous union).
///
/// # Safety
///
/// `file` must be an open file.
unsafe fn file_dentry(file: *const bindings::file) -> *mut bindings::dentry {
    // SAFETY: an open file's f_path is valid and constant.
    unsafe { (*file).__bindgen_anon_1.f_path.dentry }
}
