// SPDX-License-Identifier: GPL-2.0

//! Branches and the per-mount union state (aufs's `au_sbinfo`).
//!
//! A [`Union`] is built once per mount from the parsed options: every branch
//! path is resolved as the mounter (relative paths against the mounter's cwd),
//! checked, and pinned. It lives in the superblock's `s_fs_info` until umount.

use crate::opts::{self, Perm, MAX_NAME_LEN};
use crate::vfs::{CredGuard, MountLog, Path};
use kernel::{cred::Credential, error::code::*, prelude::*, str::CString, sync::aref::ARef};

/// aufs's default limit on branches per mount (`CONFIG_AUFS_BRANCH_MAX_127`).
pub(crate) const MAX_BRANCHES: usize = 127;

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
}

impl MountConfig {
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

/// One resolved branch.
pub(crate) struct Branch {
    /// The branch root, pinned for the life of the mount.
    pub(crate) root: Path,
    /// The branch permission.
    pub(crate) perm: Perm,
}

/// Per-mount state: the branch set and the mounter's credentials.
pub(crate) struct Union {
    /// The branches, top (index 0) first.
    pub(crate) branches: KVec<Branch>,
    /// The mounter's credentials, used for every branch operation.
    pub(crate) cred: ARef<Credential>,
}

impl Union {
    /// Resolves and checks every configured branch.
    pub(crate) fn new(
        config: &MountConfig,
        cred: ARef<Credential>,
        read_only: bool,
        log: &MountLog,
    ) -> Result<Self> {
        if !config.has_branch_option {
            return Err(log.error(
                EINVAL,
                format_args!("no branch given (use br=DIR[:DIR...])"),
            ));
        }
        let mut branches = KVec::with_capacity(config.branches.len(), GFP_KERNEL)?;
        for (index, spec) in config.branches.iter().enumerate() {
            let root = Path::lookup_dir(&spec.path).map_err(|e| {
                log.error(
                    e,
                    format_args!(
                        "branch {index} \"{}\": {}",
                        spec.path.to_str().unwrap_or("?"),
                        errname(e)
                    ),
                )
            })?;
            check_branch(&branches, &root, index, log)?;
            let perm = spec.perm.unwrap_or(Perm::default_for(index, read_only));
            branches.push(Branch { root, perm }, GFP_KERNEL)?;
        }
        Ok(Union { branches, cred })
    }

    /// Runs branch operations as the mounter until the guard drops.
    pub(crate) fn as_mounter(&self) -> CredGuard<'_> {
        CredGuard::new(&self.cred)
    }

    /// The branch whose statfs the union reports: the first writable branch,
    /// else branch 0.
    pub(crate) fn statfs_branch(&self) -> &Branch {
        self.branches
            .iter()
            .find(|b| b.perm.is_writable())
            .unwrap_or(&self.branches[0])
    }

    /// The longest name the union accepts.
    pub(crate) const fn max_name_len() -> usize {
        MAX_NAME_LEN
    }
}

/// Refuses a new branch that is an aufs mount, or that is, contains or lies
/// inside an earlier branch (aufs's overlap rule).
fn check_branch(earlier: &[Branch], root: &Path, index: usize, log: &MountLog) -> Result {
    if root.is_on_aufs() {
        return Err(log.error(
            EINVAL,
            format_args!("branch {index}: an aufs mount cannot be a branch"),
        ));
    }
    for (other, br) in earlier.iter().enumerate() {
        let inside = root.is_within(&br.root);
        let outside = br.root.is_within(root);
        let what = match (inside, outside) {
            (true, true) => "is the same directory as",
            (true, false) => "lies inside",
            (false, true) => "contains",
            (false, false) => continue,
        };
        return Err(log.error(EINVAL, format_args!("branch {index} {what} branch {other}")));
    }
    Ok(())
}

/// A short human name for the errors a branch lookup can give.
fn errname(e: Error) -> &'static str {
    match e {
        e if e == ENOENT => "no such directory",
        e if e == ENOTDIR => "not a directory",
        e if e == EACCES => "permission denied",
        e if e == ELOOP => "too many symlinks",
        e if e == ENAMETOOLONG => "path too long",
        _ => "cannot resolve",
    }
}
