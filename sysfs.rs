// SPDX-License-Identifier: GPL-2.0

//! What `/sys/fs/aufs` shows (aufs ABI): the build's `config`, and per mount
//! a dir `si_ID` with `br0..brN` (`PATH=PERM`), `brid0..bridN` (branch ids)
//! and `xi_path` (the xino path, empty with `noxino`). With the module
//! parameter `brs=0` the dir holds only `xi_path`: /proc/mounts lists the
//! branches instead (as aufs).
//!
//! The kobjects and attribute files themselves are `vfs::SysfsDir`s; this
//! file decides which files a dir has, their names, and renders the contents
//! ([`SysfsSource`] for the top dir and for a [`Mount`]).

#![forbid(unsafe_code)]

use crate::branch::Union;
use crate::mount::Mount;
use crate::vfs::{SysfsDir, SysfsSource};
use core::fmt::{self, Write};
use kernel::error::Result;

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
        let branches = shown(branches);
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

    /// The number the dir knows the file by.
    fn number(self) -> usize {
        match self {
            SysfsFile::Config => 0,
            SysfsFile::XinoPath => 1,
            SysfsFile::Branch(i) => 2 + 2 * i,
            SysfsFile::BranchId(i) => 3 + 2 * i,
        }
    }

    /// The file of number `n` in a dir of `top` (the top dir) or of a mount.
    fn from_number(n: usize, top: bool) -> Option<Self> {
        match n {
            0 if top => Some(SysfsFile::Config),
            1 if !top => Some(SysfsFile::XinoPath),
            n if !top && n >= 2 && n % 2 == 0 => Some(SysfsFile::Branch((n - 2) / 2)),
            n if !top && n >= 3 => Some(SysfsFile::BranchId((n - 3) / 2)),
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
        (SysfsFile::XinoPath, Some(union)) if union.xino.has_tables() => {
            union.xino.write_path(out)?;
            out.write_str("\n")
        }
        (SysfsFile::XinoPath, Some(_)) => Ok(()),
        (_, None) => Ok(()),
    }
}

impl fmt::Display for SysfsFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_name(f)
    }
}

/// What `/sys/fs/aufs` itself shows.
struct Top;

impl SysfsSource for Top {
    fn show(&self, file: usize, out: &mut dyn Write) -> fmt::Result {
        match SysfsFile::from_number(file, true) {
            Some(file) => show(None, file, out),
            None => Ok(()),
        }
    }
}

impl SysfsSource for Mount {
    fn show(&self, file: usize, out: &mut dyn Write) -> fmt::Result {
        match SysfsFile::from_number(file, false) {
            Some(file) => show(Some(&self.current()), file, out),
            None => Ok(()),
        }
    }
}

/// How many of a mount's `branches` have `brN`/`bridN` files: all of them,
/// or none with `brs=0`.
fn shown(branches: usize) -> usize {
    if crate::branches_in_sysfs() {
        branches
    } else {
        0
    }
}

/// Adds `file` to `dir`.
fn add(dir: &mut SysfsDir, file: SysfsFile) -> Result {
    dir.add_file(format_args!("{file}"), file.number())
}

/// Creates `/sys/fs/aufs` with its `config` file.
pub(crate) fn make_top() -> Result<SysfsDir> {
    let mut dir = SysfsDir::new_top(&Top, c"aufs")?;
    add(&mut dir, SysfsFile::Config)?;
    Ok(dir)
}

/// Adds the files of a new mount with `branches` branches to its dir.
pub(crate) fn add_mount_files(dir: &mut SysfsDir, branches: usize) -> Result {
    for file in SysfsFile::of_mount(branches) {
        add(dir, file)?;
    }
    Ok(())
}

/// Adds the files of branches `old..branches` (`brN`, `bridN`), before a
/// remount that grows the mount is installed (they show nothing until then);
/// on failure none is left added.
pub(crate) fn add_branch_files(dir: &mut SysfsDir, old: usize, branches: usize) -> Result {
    let (old, branches) = (shown(old), shown(branches));
    let added = (old..branches).try_for_each(|i| {
        add(dir, SysfsFile::Branch(i))?;
        add(dir, SysfsFile::BranchId(i))
    });
    if added.is_err() {
        remove_branch_files(dir, old);
    }
    added
}

/// Removes the files of the branches from index `branches` on: after a
/// remount that shrank the mount is installed, or to take back
/// [`add_branch_files`] of a remount that failed. Cannot fail.
pub(crate) fn remove_branch_files(dir: &mut SysfsDir, branches: usize) {
    dir.remove_files(|n| {
        SysfsFile::from_number(n, false)
            .and_then(|file| file.branch_index())
            .is_some_and(|i| i >= branches)
    });
}
