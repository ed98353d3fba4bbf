// SPDX-License-Identifier: GPL-2.0

//! The handle layer: thin safe handles over kernel objects (paths, branch
//! files, union dentries, credentials, the mount log, sysfs dirs, the
//! filesystem type). With `ops/` it is the only place with raw kernel
//! pointers and bindings; it offers no aufs decisions.

pub(crate) mod anon_fd;
pub(crate) mod backing_file;
pub(crate) mod bindings;
pub(crate) mod dentry;
pub(crate) mod fs_type;
pub(crate) mod inode;
use kernel::prelude::*;
mod lower;
mod mount_log;
pub(crate) mod notify;
mod path;
mod shrinker;
pub(crate) mod srcu_arc;
mod sysfs;
mod uaccess;
mod workqueue;

pub(crate) use backing_file::{MappedFile, RealFile};
pub(crate) use fs_type::Registration;
pub(crate) use lower::{AttrChange, NewObject};
pub(crate) use mount_log::MountLog;
pub(crate) use path::{
    current_is_sys_admin, current_maps_owner, in_user_namespace, CredGuard, InodeId, LowerFile,
    Path,
};

/// The numbers of statfs(2), as the VFS hands them.
pub(crate) use bindings::kstatfs as StatFs;
/// File type and open flag constants the logic needs.
pub(crate) use bindings::{O_CLOEXEC, O_NONBLOCK, O_RDONLY, O_WRONLY, S_IFLNK, S_IFMT, S_IFREG};
pub(crate) use shrinker::{Reclaim, Shrinker};
pub(crate) use sysfs::{SysfsDir, SysfsSource};
pub(crate) use uaccess::UserArg;
pub(crate) use workqueue::WorkQueue;

/// [`kernel::error::from_result`] for the operations that return a pointer:
/// an error becomes an error pointer (`ERR_PTR`).
pub(crate) fn ptr_from_result<T>(f: impl FnOnce() -> Result<*mut T>) -> *mut T {
    f().unwrap_or_else(|e| e.to_ptr())
}

/// A C operations table kept in a `static`.
///
/// The tables hold raw pointers (so they are not `Sync` by themselves), but
/// they are built at compile time and never written, so sharing them between
/// threads is sound.
#[repr(transparent)]
pub(crate) struct OpsTable<T>(pub(crate) T);

// SAFETY: an `OpsTable` is immutable after compile-time construction; the
// pointers inside are only read (by the VFS).
unsafe impl<T> Sync for OpsTable<T> {}
