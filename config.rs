// SPDX-License-Identifier: GPL-2.0

//! Mount options to config (as overlayfs's params.c): each `key[=value]` the
//! VFS hands over is parsed ([`crate::opts`]) and recorded in a
//! [`MountConfig`], which mount (`Union::new` in branch.rs) and remount
//! (remount.rs) then apply.

#![forbid(unsafe_code)]

use crate::edits::Edit;
use crate::opts::{self, BranchEdit, Perm};
use crate::settings::{self, is_split_colon_form, Rest, Settings};
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

impl BranchConfig {
    /// The branch `spec` names, its path copied.
    fn from_spec(spec: &opts::BranchSpec<'_>) -> Result<Self> {
        Ok(BranchConfig {
            path: CString::try_from_fmt(fmt!("{}", spec.path))?,
            perm: spec.perm,
        })
    }
}

/// What `mount -o` asked for.
#[derive(Default)]
pub(crate) struct MountConfig {
    /// The branch list, top first; empty when no `br=` was given.
    pub(crate) branches: KVec<BranchConfig>,
    /// True once a `br=`/`dirs=`/`br:` option was seen.
    pub(crate) has_branch_option: bool,
    /// The xino, diropq, dio, dirperm1 and udba settings.
    pub(crate) settings: Settings<CString>,
    /// Branch edits (remount only), in the order given.
    pub(crate) edits: KVec<EditConfig>,
}

/// A branch edit as written in the remount options.
pub(crate) type EditConfig = Edit<BranchConfig, CString>;

impl MountConfig {
    /// True when a remount with this config may change the union.
    pub(crate) fn changes_anything(&self) -> bool {
        !self.edits.is_empty() || self.settings.changes_anything()
    }

    /// Records a branch edit of a remount.
    pub(crate) fn add_edit(&mut self, edit: BranchEdit<'_>) -> Result {
        let owned = |path: &str| CString::try_from_fmt(fmt!("{path}"));
        let edit = match edit {
            BranchEdit::Insert(index, spec) => Edit::Insert(index, BranchConfig::from_spec(&spec)?),
            BranchEdit::Append(spec) => Edit::Append(BranchConfig::from_spec(&spec)?),
            BranchEdit::Delete(path) => Edit::Delete(owned(path)?),
            BranchEdit::Modify(path, perm) => Edit::Modify(owned(path)?, perm),
            BranchEdit::TruncXino(path) => Edit::TruncXino(owned(path)?),
            BranchEdit::TruncXinoAt(index) => Edit::TruncXinoAt(index),
        };
        self.edits.push(edit, GFP_KERNEL)?;
        Ok(())
    }

    /// `br=LIST` at remount: an edit per branch listed, which adds it at its
    /// index unless it is a branch already.
    pub(crate) fn add_branch_list(&mut self, list: &str, log: &MountLog) -> Result {
        for (index, spec) in opts::branch_specs(list).enumerate() {
            let spec = spec.map_err(|e| log.error(EINVAL, format_args!("{e}")))?;
            let branch = BranchConfig::from_spec(&spec)?;
            self.edits
                .push(Edit::InsertNew(index, branch), GFP_KERNEL)?;
        }
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
            branches.push(BranchConfig::from_spec(&spec)?, GFP_KERNEL)?;
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
        Some(value) if is_split_colon_form(key, Some(value)) => {
            joined = CString::try_from_fmt(fmt!("{key}={value}"))?;
            (joined.to_str().map_err(|_| EINVAL)?, None)
        }
        _ => (key, value),
    };
    let opt = opts::parse_option(key, value);
    match opt.and_then(|opt| settings::apply(&mut config.settings, opt)) {
        Ok(Rest::Nothing) => Ok(()),
        Ok(Rest::Xino(path)) => {
            let path = CString::try_from_fmt(fmt!("{path}"))?;
            config.settings.set_xino(path);
            Ok(())
        }
        Ok(Rest::Edit(edit)) => config.add_edit(edit),
        Ok(Rest::Branches(list)) if remount => config.add_branch_list(list, log),
        Ok(Rest::Branches(list)) => config.set_branches(list, log),
        Err(e) => Err(log.error(EINVAL, format_args!("{e}"))),
    }
}
