// SPDX-License-Identifier: GPL-2.0

//! The mount log: errors of a mount or remount, for fsconfig users and the
//! kernel log.

use super::bindings as b;
use core::fmt;
use kernel::{error::Error, ffi, prelude::*};

/// Where mount errors go: the fs_context log (read by fsconfig users), which
/// falls back to one `aufs: ...` kernel message for mount(2) users.
///
/// # Invariants
///
/// `fc` is a valid fs_context for the lifetime of the value.
pub(crate) struct MountLog {
    fc: *mut b::fs_context,
}

impl MountLog {
    /// A log for `fc`.
    ///
    /// # Safety
    ///
    /// `fc` must be a valid fs_context for the lifetime of the value.
    pub(crate) unsafe fn new(fc: *mut b::fs_context) -> Self {
        // INVARIANT: as the caller guarantees.
        MountLog { fc }
    }

    /// Records `args` as an error message and returns `errno` for `?`.
    pub(crate) fn error(&self, errno: Error, args: fmt::Arguments<'_>) -> Error {
        self.log(b'e', args);
        errno
    }

    /// Records `args` as a warning (the mount goes on).
    pub(crate) fn warn(&self, args: fmt::Arguments<'_>) {
        self.log(b'w', args);
    }

    /// Records `args` as information (the mount goes on).
    pub(crate) fn info(&self, args: fmt::Arguments<'_>) {
        self.log(b'i', args);
    }

    /// Records `args` with level `level` (`e`, `w` or `i`).
    fn log(&self, level: u8, args: fmt::Arguments<'_>) {
        // SAFETY: `fc` is valid by the invariant; "%pA" formats a Rust
        // `fmt::Arguments`, which lives across the call.
        unsafe {
            b::logfc(
                (*self.fc).log.log,
                c"aufs".as_char_ptr(),
                level as ffi::c_char,
                c"%pA".as_char_ptr(),
                core::ptr::from_ref(&args).cast::<ffi::c_void>(),
            )
        };
    }
}
