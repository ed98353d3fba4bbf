// SPDX-License-Identifier: GPL-2.0

//! What `/sys/fs/aufs` shows (aufs ABI): the build's `config`, and per mount
//! a dir `si_ID` with `br0..brN` (`PATH=PERM`), `brid0..bridN` (branch ids)
//! and `xi_path` (the xino path, empty with `noxino`).
//!
//! The kobjects and attribute files themselves live in `vfs::sysfs`; this file
//! only decides the names and renders the contents.

#![forbid(unsafe_code)]

use crate::branch::Union;
use core::fmt::{self, Write};

/// One file of `/sys/fs/aufs`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SysfsFile {
    /// `/sys/fs/aufs/config`.
    Config,
    /// `si_ID/brN`.
    Branch(usize),
    /// `si_ID/bridN`.
    BranchId(usize),
    /// `si_ID/xi_path`.
    XinoPath,
}

impl SysfsFile {
    /// The files of a mount with `branches` branches, in creation order.
    pub(crate) fn of_mount(branches: usize) -> impl Iterator<Item = SysfsFile> {
        (0..branches)
            .map(SysfsFile::Branch)
            .chain((0..branches).map(SysfsFile::BranchId))
            .chain(core::iter::once(SysfsFile::XinoPath))
    }

    /// The branch index of a `brN`/`bridN` file.
    pub(crate) fn branch_index(&self) -> Option<usize> {
        match self {
            SysfsFile::Branch(i) | SysfsFile::BranchId(i) => Some(*i),
            _ => None,
        }
    }

    /// Writes the file's name.
    pub(crate) fn write_name(&self, out: &mut impl Write) -> fmt::Result {
        match self {
            SysfsFile::Config => out.write_str("config"),
            SysfsFile::Branch(i) => write!(out, "br{i}"),
            SysfsFile::BranchId(i) => write!(out, "brid{i}"),
            SysfsFile::XinoPath => out.write_str("xi_path"),
        }
    }
}

/// The build options, one `CONFIG_...` line each, as aufs's module prints them.
const CONFIG: &str = "CONFIG_AUFS_FS=m\n\
CONFIG_AUFS_BRANCH_MAX_511=y\n\
CONFIG_AUFS_SBILIST=y\n\
CONFIG_AUFS_XATTR=y\n\
CONFIG_AUFS_RUST=y\n";

/// Renders `file` of the mount `union` (None for the top-level files).
pub(crate) fn show(union: Option<&Union>, file: SysfsFile, out: &mut dyn Write) -> fmt::Result {
    match (file, union) {
        (SysfsFile::Config, _) => out.write_str(CONFIG),
        (SysfsFile::Branch(i), Some(union)) => match union.branches.get(i) {
            Some(br) => {
                br.root.write_path(out)?;
                writeln!(out, "={}", br.perm)
            }
            None => Ok(()),
        },
        (SysfsFile::BranchId(i), Some(union)) => match union.branches.get(i) {
            Some(br) => writeln!(out, "{}", br.id),
            None => Ok(()),
        },
        (SysfsFile::XinoPath, Some(union)) => match &union.xino {
            Some(xino) => {
                xino.write_path(out)?;
                out.write_str("\n")
            }
            None => Ok(()),
        },
        (_, None) => Ok(()),
    }
}
