// SPDX-License-Identifier: GPL-2.0

//! The argument of an ioctl: a user address (or a plain value, for the
//! commands that take one), read and written in whole structs through the
//! kernel crate's `UserSlice` (`copy_from_user`/`copy_to_user`, which check
//! the range against the calling process).

use kernel::prelude::*;
use kernel::uaccess::{UserPtr, UserSlice};

/// An ioctl's `arg`, as the VFS handed it (after `compat_ptr` for a 32-bit
/// caller, which on the architectures Rust builds for keeps the value).
#[derive(Clone, Copy)]
pub(crate) struct UserArg(usize);

impl UserArg {
    /// Wraps `arg` of an ioctl call.
    pub(crate) fn new(arg: usize) -> Self {
        UserArg(arg)
    }

    /// The argument as a plain value, for a command that takes one (an
    /// `int` of flags, say: aufs's `AUFS_CTL_FHSM_FD`).
    pub(crate) fn value(self) -> usize {
        self.0
    }

    /// The `N` bytes at the user address: EFAULT if they cannot be read.
    pub(crate) fn read<const N: usize>(self) -> Result<[u8; N]> {
        let mut out = [0u8; N];
        UserSlice::new(UserPtr::from_addr(self.0), N)
            .reader()
            .read_slice(&mut out)?;
        Ok(out)
    }

    /// Writes `bytes` at the user address: EFAULT if they cannot be written.
    pub(crate) fn write(self, bytes: &[u8]) -> Result {
        UserSlice::new(UserPtr::from_addr(self.0), bytes.len())
            .writer()
            .write_slice(bytes)
    }
}
