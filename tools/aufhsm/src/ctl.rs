// SPDX-License-Identifier: GPL-2.0

//! The two aufs ioctls of the daemon: `AUFS_CTL_FHSM_FD` on the union root
//! (returns a new fd) and `AUFS_CTL_MVDOWN` on a file. rustix's ioctl needs
//! `unsafe`; nothing else in the crate does.

#![allow(unsafe_code)]

use crate::uapi::{self, AufsMvdown};
use rustix::fd::{AsFd, FromRawFd, OwnedFd};
use rustix::ioctl::{ioctl, Ioctl, IoctlOutput, Opcode, Updater};
use std::ffi::c_void;

/// `AUFS_CTL_FHSM_FD` with open flags `flags`: the ioctl's argument is the
/// value itself, and its return value the new fd.
struct FhsmFd(usize);

// SAFETY: AUFS_CTL_FHSM_FD reads no memory (its argument is a plain value)
// and returns a new file descriptor the caller owns.
unsafe impl Ioctl for FhsmFd {
    type Output = OwnedFd;
    const IS_MUTATING: bool = false;

    fn opcode(&self) -> Opcode {
        uapi::AUFS_CTL_FHSM_FD as Opcode
    }

    fn as_ptr(&mut self) -> *mut c_void {
        self.0 as *mut c_void
    }

    unsafe fn output_from_ptr(out: IoctlOutput, _: *mut c_void) -> rustix::io::Result<OwnedFd> {
        // SAFETY: a successful AUFS_CTL_FHSM_FD returns a new descriptor
        // (anon_inode_getfd) that nothing else owns.
        Ok(unsafe { OwnedFd::from_raw_fd(out) })
    }
}

/// The FHSM fd of the union whose root `root` is (O_CLOEXEC).
pub fn fhsm_fd(root: impl AsFd) -> rustix::io::Result<OwnedFd> {
    // SAFETY: the request is AUFS_CTL_FHSM_FD with a flags value (above).
    unsafe { ioctl(root, FhsmFd(rustix::fs::OFlags::CLOEXEC.bits() as usize)) }
}

/// `AUFS_CTL_MVDOWN` on the open union file `file`; the kernel updates `m`
/// (also on failure).
pub fn mvdown(file: impl AsFd, m: &mut AufsMvdown) -> rustix::io::Result<()> {
    const OPCODE: Opcode = uapi::AUFS_CTL_MVDOWN as Opcode;
    // SAFETY: AUFS_CTL_MVDOWN is _IOWR('A', 4, struct aufs_mvdown) and
    // AufsMvdown is that struct's #[repr(C)] layout (uapi.rs asserts its
    // size and offsets), which the kernel reads and writes in place.
    unsafe { ioctl(file, Updater::<OPCODE, AufsMvdown>::new(m)) }
}
