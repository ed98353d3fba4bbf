// SPDX-License-Identifier: GPL-2.0

//! aufs's ioctls on union files and dirs (`AuCtlType` 'A', the command
//! numbers of [`crate::uapi`]), dispatched as aufs does: dirs and other
//! files answer different commands, and any command not listed gets ENOTTY
//! without reaching a branch file (aufs never passes an ioctl down).
//!
//! | command | on | aufs_rs |
//! |---|---|---|
//! | `AUFS_CTL_RDU`, `AUFS_CTL_RDU_INO` | dir | not yet: ENOTTY |
//! | `AUFS_CTL_WBR_FD` | dir, file | not yet: ENOTTY |
//! | `AUFS_CTL_IBUSY`, `AUFS_CTL_BRINFO` | dir | not yet: ENOTTY |
//! | `AUFS_CTL_FHSM_FD` | root dir | not yet: ENOTTY |
//! | `AUFS_CTL_MVDOWN` | file | [`crate::mvdown`] |
//!
//! To add a command: a match arm in [`dir_ioctl`] or [`file_ioctl`] calling
//! the logic of its own file; a command taking a struct decodes it with
//! [`crate::uapi`] in [`IoctlFile::abi`]'s layout, one taking a value uses
//! [`UserArg::value`].

#![forbid(unsafe_code)]

use crate::lookup::UnionDentry;
use crate::mount::Mount;
use crate::mvdown;
use crate::uapi::{self, Abi};
use crate::vfs::UserArg;
use kernel::{error::code::*, prelude::*};

/// The open union file or dir an ioctl was called on.
pub(crate) struct IoctlFile<'a> {
    /// Its mount.
    pub(crate) mount: &'a Mount,
    /// Its dentry, pinned by the open file.
    pub(crate) dentry: UnionDentry<'a>,
    /// Whether it is a dir (opened with the union's dir operations).
    pub(crate) is_dir: bool,
    /// The caller's struct layout (`compat_ioctl` from an i386 task).
    pub(crate) abi: Abi,
}

/// `unlocked_ioctl` and `compat_ioctl` of union files and dirs: the value
/// the ioctl returns, or the error.
pub(crate) fn ioctl(file: &IoctlFile<'_>, cmd: u32, arg: UserArg) -> Result<isize> {
    if file.is_dir {
        dir_ioctl(file, cmd, arg)
    } else {
        file_ioctl(file, cmd, arg)
    }
}

/// The commands of a dir (aufs's `aufs_ioctl_dir`).
#[allow(clippy::match_single_binding)] // one arm per command as they come
fn dir_ioctl(_file: &IoctlFile<'_>, cmd: u32, _arg: UserArg) -> Result<isize> {
    match cmd {
        // aufs also answers RDU, RDU_INO, WBR_FD, IBUSY, BRINFO here, and
        // FHSM_FD on the root dir; AUFS_CTL_MVDOWN on a dir is ENOTTY.
        _ => Err(ENOTTY),
    }
}

/// The commands of a non-dir (aufs's `aufs_ioctl_nondir`).
fn file_ioctl(file: &IoctlFile<'_>, cmd: u32, arg: UserArg) -> Result<isize> {
    match cmd {
        uapi::AUFS_CTL_MVDOWN => mvdown::ioctl(file, arg),
        // aufs also answers WBR_FD here.
        _ => Err(ENOTTY),
    }
}
