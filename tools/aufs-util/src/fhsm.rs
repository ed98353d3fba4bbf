// SPDX-License-Identifier: GPL-2.0

//! What mount.aufs and umount.aufs do about FHSM (aufs-util's
//! `mng_fhsm`): with two or more fhsm branches the mount gets its daemon
//! (`aufhsm --quiet MNT`), with fewer (after a remount) or at umount it is
//! stopped (`aufhsm --kill MNT`).

use crate::mounts::{AufsMount, Branch};
use std::path::{Path, PathBuf};

impl Branch {
    /// The branch takes part in FHSM (`+fhsm`).
    pub fn fhsm(&self) -> bool {
        self.perm.split('+').any(|a| a == "fhsm")
    }
}

/// The aufhsm program: beside the running one (as installed, /sbin), else
/// found on the PATH.
fn aufhsm() -> PathBuf {
    std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.join("aufhsm")))
        .filter(|p| p.exists())
        .unwrap_or_else(|| PathBuf::from("aufhsm"))
}

/// After a mount or remount of `mnt` (`unmount` false), or before its
/// umount: starts or stops the daemon as its fhsm branches say. A failure
/// is reported, never fatal (the union works without its daemon).
pub fn manage(mnt: &Path, unmount: bool) {
    let nfhsm = match AufsMount::find(mnt).and_then(|m| m.branches()) {
        Ok(brs) => brs.iter().filter(|b| b.fhsm()).count(),
        Err(_) => return,
    };
    let opt = match (unmount, nfhsm >= 2) {
        (false, true) => "--quiet",
        (true, false) => return,
        _ => "--kill",
    };
    match std::process::Command::new(aufhsm())
        .arg(opt)
        .arg(mnt)
        .status()
    {
        Ok(s) if s.success() => {}
        Ok(s) => eprintln!("aufhsm {opt} {}: {s}", mnt.display()),
        Err(e) => eprintln!("aufhsm {opt} {}: {e}", mnt.display()),
    }
}
