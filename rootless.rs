// SPDX-License-Identifier: GPL-2.0

//! Rootless unions: mounts made inside a user namespace (the type has
//! `FS_USERNS_MOUNT`, as overlayfs; aufs never allowed it).
//!
//! What makes them safe: every branch operation runs with the mounter's
//! credentials, which in a user namespace carry no privilege over inodes
//! whose owners it does not map, and every access through the union is
//! checked against the caller's credentials too (see `ops/inode.rs`). On
//! top of that, for a mount whose mounter is in a user namespace:
//! - each branch root must be readable and searchable by the mounter, and
//!   writable for an `rw` branch, at mount and at `add:` (a clear refusal
//!   instead of a union that fails later);
//! - `dirperm1` is refused: the permission bits of every lower dir of a
//!   merged dir must count, or the union would list and reach entries of a
//!   dir its user cannot;
//! - `udba=notify` is refused: its fsnotify marks (one per branch dir of
//!   every merged dir looked up) are kernel memory that no inotify limit of
//!   the user counts;
//! - whiteouts are links to (or copies of) an empty file the mounter owns,
//!   never device nodes; no `trusted.*` xattr is ever written; the xino
//!   files are unnamed (O_TMPFILE) in a dir the mounter may write.
//!
//! The VFS adds the rest: nodev for such a mount, set-id bits honoured only
//! for owners the namespace maps.

#![forbid(unsafe_code)]

use crate::errname::errname;
use crate::opts::{Perm, Udba};
use crate::settings::Settings;
use crate::vfs::{in_user_namespace, CredGuard, MountLog, Path};
use kernel::{cred::Credential, error::code::*, prelude::*, sync::aref::ARef};

/// Refuses, for a mounter in a user namespace, the options such a mount
/// must not have (`dirperm1`, `udba=notify`).
pub(crate) fn check_options<S>(
    settings: &Settings<S>,
    cred: &Credential,
    log: &MountLog,
) -> Result {
    if !in_user_namespace(cred) {
        return Ok(());
    }
    if settings.dirperm1 == Some(true) {
        return Err(log.error(
            EPERM,
            format_args!(
                "dirperm1 is refused in a user namespace (every lower dir's permission counts)"
            ),
        ));
    }
    if settings.udba == Some(Udba::Notify) {
        return Err(log.error(
            EPERM,
            format_args!(
                "udba=notify is refused in a user namespace (its marks count against no limit of the user)"
            ),
        ));
    }
    Ok(())
}

/// Refuses, for a mounter in a user namespace, branch `index` at `root`
/// (`path` as given) unless the mounter may read and search it (and write
/// it, as `perm` asks).
pub(crate) fn check_branch(
    root: &Path,
    perm: Perm,
    cred: &ARef<Credential>,
    (index, path): (usize, &str),
    log: &MountLog,
) -> Result {
    if !in_user_namespace(cred) {
        return Ok(());
    }
    let write = perm.is_writable();
    let _mounter = CredGuard::new(cred);
    root.check_access(write).map_err(|e| {
        let what = if write { "read and write" } else { "read" };
        log.error(
            e,
            format_args!(
                "branch {index} \"{path}\": the mounter may not {what} it ({}; mount in a user namespace)",
                errname(e.to_errno())
            ),
        )
    })
}
