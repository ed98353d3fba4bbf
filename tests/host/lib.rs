// SPDX-License-Identifier: GPL-2.0

//! Host build of aufs_rs's pure, kernel-independent sources, for `cargo test`.
//!
//! The shared files are mounted at the crate root under the same module names
//! as in the kernel crate, so their `crate::whiteout::...` paths and
//! `pub(crate)` items resolve unchanged.

// Outside `cfg(test)` nothing here uses the shared items.
#![allow(dead_code)]

#[path = "../../brattr.rs"]
mod brattr;
#[path = "../../dirmerge.rs"]
mod dirmerge;
#[path = "../../drformat.rs"]
mod drformat;
#[path = "../../edits.rs"]
mod edits;
#[path = "../../errname.rs"]
mod errname;
#[path = "../../inobits.rs"]
mod inobits;
#[path = "../../opts.rs"]
mod opts;
#[path = "../../settings.rs"]
mod settings;
#[path = "../../uapi.rs"]
mod uapi;
#[path = "../../wbr_policy.rs"]
mod wbr_policy;
#[path = "../../whiteout.rs"]
mod whiteout;

#[cfg(test)]
mod brattr_tests;
#[cfg(test)]
mod dirmerge_tests;
#[cfg(test)]
mod drformat_tests;
#[cfg(test)]
mod edits_tests;
#[cfg(test)]
mod errname_tests;
#[cfg(test)]
mod inobits_tests;
#[cfg(test)]
mod opts_tests;
#[cfg(test)]
mod settings_tests;
#[cfg(test)]
mod uapi_tests;
#[cfg(test)]
mod wbr_policy_tests;
#[cfg(test)]
mod whiteout_tests;
