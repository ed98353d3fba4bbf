// SPDX-License-Identifier: GPL-2.0

//! aufs_rs: the aufs union filesystem, re-implemented in Rust.
//!
//! Several directories (branches) appear as one tree. Three layers, imports
//! pointing one way: `ops` (the VFS's operation tables and their trampolines)
//! calls the aufs logic (every other module, `#![forbid(unsafe_code)]`), which
//! uses the safe handles of `vfs` over kernel objects.

mod branch;
mod brattr;
mod config;
mod coo;
mod copyup;
mod dinfo;
mod dirmerge;
mod dirren;
mod drformat;
mod drinfo;
mod edits;
mod errname;
mod fhsm;
mod hnotify;
mod inobits;
mod ioctl;
mod lookup;
mod mount;
mod mvdown;
mod nameidx;
mod namespace;
mod ops;
mod opts;
mod plink;
mod policy;
mod rdcache;
mod readdir;
mod remount;
mod rootless;
mod settings;
mod statfs;
mod sysfs;
mod uapi;
mod upper;
mod vfs;
mod wbr_policy;
mod wbr_state;
mod whiteout;
mod xino;

use kernel::prelude::*;

module! {
    type: AufsModule,
    name: "aufs_rs",
    authors: ["aufs_rs developers"],
    description: "aufs: advanced multi-layered unification filesystem (Rust)",
    license: "GPL",
    alias: ["fs-aufs"],
    params: {
        brs: i32 {
            default: 1,
            description: "use <sysfs>/fs/aufs/si_*/brN (0: list the branches in /proc/mounts)",
        },
    },
}

/// aufs's module parameter `brs` (1 unless loaded with `brs=0`): whether a
/// mount's branches are listed in `/sys/fs/aufs/si_ID/brN` and `bridN`, or,
/// for systems without sysfs, at the end of its /proc/mounts options
/// (`br:PATH=PERM:...`). Read-only once the module is loaded.
pub(crate) fn branches_in_sysfs() -> bool {
    module_parameters::brs.value() != 0
}

struct AufsModule {
    // Dropped in this order: the type goes before /sys/fs/aufs, and the
    // module's code only after the last udba=notify mark was freed.
    _fs: vfs::Registration,
    _sysfs: vfs::SysfsDir,
    _marks: vfs::notify::MarksFreedOnDrop,
}

impl kernel::Module for AufsModule {
    fn init(module: &'static ThisModule) -> Result<Self> {
        let sysfs = sysfs::make_top()?;
        Ok(AufsModule {
            _fs: ops::register(module)?,
            _sysfs: sysfs,
            _marks: vfs::notify::MarksFreedOnDrop,
        })
    }
}
