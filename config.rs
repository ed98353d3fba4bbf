// SPDX-License-Identifier: GPL-2.0

//! Mount options to config (as overlayfs's params.c): each `key[=value]` the
//! VFS hands over is parsed ([`crate::opts`]) and recorded in a
//! [`MountConfig`], which mount (`Union::new` in branch.rs) and remount
//! (remount.rs) then apply.

#![forbid(unsafe_code)]

use crate::opts::{self, BranchEdit, Opt, OptError, Perm, Udba};
use crate::vfs::MountLog;
use core::ffi::CStr;
use kernel::{error::code::*, prelude::*, str::CString};

/// The limit on branches per mount (aufs's `CONFIG_AUFS_BRANCH_MAX_511`).
pub(crate) const MAX_BRANCHES: usize = 511;

/// A branch as written in the options, before it is resolved.
pub(crate) struct BranchConfig {
    /// The path as the user wrote it (shown again in sysfs).
    pub(crate) path: CString,
    /// The permission written after `=`, if any.
    pub(crate) perm: Option<Perm>,
}

/// What `mount -o` asked for.
#[derive(Default)]
pub(crate) struct MountConfig {
    /// The branch list, top first; empty when no `br=` was given.
    pub(crate) branches: KVec<BranchConfig>,
    /// True once a `br=`/`dirs=`/`br:` option was seen.
    pub(crate) has_branch_option: bool,
    /// `xino=PATH` (None: the default path).
    pub(crate) xino_path: Option<CString>,
    /// `noxino`.
    pub(crate) no_xino: bool,
    /// `trunc_xino` / `notrunc_xino`, if given (default `notrunc_xino`).
    pub(crate) trunc_xino: Option<bool>,
    /// `diropq=a` (default `diropq=w`).
    pub(crate) diropq_always: Option<bool>,
    /// `dio` / `nodio`, if given (default `nodio`).
    pub(crate) dio: Option<bool>,
    /// `dirperm1` / `nodirperm1`, if given (default `nodirperm1`).
    pub(crate) dirperm1: Option<bool>,
    /// `udba=`, if given.
    pub(crate) udba: Option<Udba>,
    /// Branch edits (remount only), in the order given.
    pub(crate) edits: KVec<EditConfig>,
}

/// A branch edit as written in the remount options.
pub(crate) enum EditConfig {
    /// `add:INDEX:BR`, `ins:INDEX:BR`, `prepend:BR` (index 0).
    Insert(usize, BranchConfig),
    /// `append:BR`.
    Append(BranchConfig),
    /// `del:PATH`.
    Delete(CString),
    /// `mod:PATH=PERM`.
    Modify(CString, Perm),
}

impl MountConfig {
    /// True when a remount with this config may change the union.
    pub(crate) fn changes_anything(&self) -> bool {
        !self.edits.is_empty()
            || self.udba.is_some()
            || self.xino_path.is_some()
            || self.no_xino
            || self.trunc_xino.is_some()
            || self.diropq_always.is_some()
            || self.dio.is_some()
            || self.dirperm1.is_some()
    }

    /// Records a branch edit of a remount.
    pub(crate) fn add_edit(&mut self, edit: BranchEdit<'_>) -> Result {
        let owned = |path: &str| CString::try_from_fmt(fmt!("{path}"));
        let config = |spec: opts::BranchSpec<'_>| -> Result<BranchConfig> {
            Ok(BranchConfig {
                path: owned(spec.path)?,
                perm: spec.perm,
            })
        };
        let edit = match edit {
            BranchEdit::Insert(index, spec) => EditConfig::Insert(index, config(spec)?),
            BranchEdit::Append(spec) => EditConfig::Append(config(spec)?),
            BranchEdit::Delete(path) => EditConfig::Delete(owned(path)?),
            BranchEdit::Modify(path, perm) => EditConfig::Modify(owned(path)?, perm),
        };
        self.edits.push(edit, GFP_KERNEL)?;
        Ok(())
    }

    /// Replaces the branch list with the one in `list` (a later `br=` wins).
    pub(crate) fn set_branches(&mut self, list: &str, log: &MountLog) -> Result {
        let mut branches = KVec::new();
        for spec in opts::branch_specs(list) {
            let spec = spec.map_err(|e| log.error(EINVAL, format_args!("{e}")))?;
            if branches.len() == MAX_BRANCHES {
                return Err(log.error(
                    EINVAL,
                    format_args!("too many branches (at most {MAX_BRANCHES})"),
                ));
            }
            let path = CString::try_from_fmt(fmt!("{}", spec.path))?;
            branches.push(
                BranchConfig {
                    path,
                    perm: spec.perm,
                },
                GFP_KERNEL,
            )?;
        }
        if branches.is_empty() {
            return Err(log.error(EINVAL, format_args!("{}", opts::OptError::NoBranch)));
        }
        self.branches = branches;
        self.has_branch_option = true;
        Ok(())
    }
}

/// Records one option (`remount`: given at remount) in `config`; errors
/// are logged to `log`. ENOPARAM for `source`, which the VFS keeps.
pub(crate) fn parse_one(
    config: &mut MountConfig,
    key: &CStr,
    value: Option<&CStr>,
    remount: bool,
    log: &MountLog,
) -> Result {
    let key = key
        .to_str()
        .map_err(|_| log.error(EINVAL, format_args!("option name is not UTF-8")))?;
    if key == "source" {
        // The device name ("none"): the VFS keeps it itself.
        return Err(ENOPARAM);
    }
    let value = value
        .map(CStr::to_str)
        .transpose()
        .map_err(|_| log.error(EINVAL, format_args!("value of \"{key}\" is not UTF-8")))?;
    // The VFS split `append:/b=ro` at its `=`: the colon forms get it back.
    let joined;
    let (key, value) = match value {
        Some(value) if key.contains(':') => {
            joined = CString::try_from_fmt(fmt!("{key}={value}"))?;
            (joined.to_str().map_err(|_| EINVAL)?, None)
        }
        _ => (key, value),
    };
    match opts::parse_option(key, value) {
        Ok(Opt::MountId) => Ok(()),
        Ok(Opt::Udba(udba)) => {
            config.udba = Some(udba);
            Ok(())
        }
        Ok(Opt::Edit(edit)) => config.add_edit(edit),
        // Replacing every branch at once is not offered at remount.
        Ok(Opt::Branches(_)) if remount => Err(log.error(
            EINVAL,
            format_args!("{}", OptError::NotYet("br at remount (use add, del, mod)")),
        )),
        Ok(Opt::Branches(list)) => config.set_branches(list, log),
        Ok(Opt::Xino(path)) => {
            config.xino_path = Some(CString::try_from_fmt(fmt!("{path}"))?);
            config.no_xino = false;
            Ok(())
        }
        Ok(Opt::NoXino) => {
            config.no_xino = true;
            Ok(())
        }
        Ok(Opt::TruncXino(on)) => {
            config.trunc_xino = Some(on);
            Ok(())
        }
        Ok(Opt::Dio(on)) => {
            config.dio = Some(on);
            Ok(())
        }
        Ok(Opt::DirPerm1(on)) => {
            config.dirperm1 = Some(on);
            Ok(())
        }
        Ok(Opt::DirOpq(always)) => {
            config.diropq_always = Some(always);
            Ok(())
        }
        Err(e) => Err(log.error(EINVAL, format_args!("{e}"))),
    }
}
