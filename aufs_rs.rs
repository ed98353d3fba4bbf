// SPDX-License-Identifier: GPL-2.0

//! aufs_rs: the aufs union filesystem, re-implemented in Rust.
//!
//! Several directories (branches) appear as one tree. `vfs` is the thin unsafe
//! layer over the kernel's VFS; everything else is aufs logic in safe Rust.

mod branch;
mod dirmerge;
mod lookup;
mod opts;
mod readdir;
mod vfs;
mod whiteout;

use kernel::prelude::*;

module! {
    type: AufsModule,
    name: "aufs_rs",
    authors: ["aufs_rs developers"],
    description: "aufs: advanced multi-layered unification filesystem (Rust)",
    license: "GPL",
    alias: ["fs-aufs"],
}

struct AufsModule {
    _fs: vfs::Registration,
}

impl kernel::Module for AufsModule {
    fn init(module: &'static ThisModule) -> Result<Self> {
        Ok(AufsModule {
            _fs: vfs::Registration::new(module)?,
        })
    }
}
