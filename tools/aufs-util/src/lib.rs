// SPDX-License-Identifier: GPL-2.0

//! What the aufs tools share: finding an aufs mount and its branches
//! (`/proc/self/mountinfo`, `/sys/fs/aufs/si_ID/brN`), aufs's `.wh.` names,
//! pseudo-links, busy branches, the mount-option splitting of mount.aufs,
//! the offline branch check of auchk, the branch sync of aubrsync, and
//! the FHSM daemon's start and stop by mount.aufs and umount.aufs.

#![forbid(unsafe_code)]

pub mod brsync;
pub mod busy;
pub mod chk;
pub mod fhsm;
pub mod mounts;
pub mod opts;
pub mod plink;
pub mod walk;
pub mod wh;

/// A tool's error: a message for the user (the tool prints `TOOL: MESSAGE`
/// and exits 1).
#[derive(Debug)]
pub struct Error(pub String);

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

pub type Result<T> = std::result::Result<T, Error>;

/// `WHAT: io error` as an [`Error`].
pub fn ctx<E: std::fmt::Display>(what: impl std::fmt::Display) -> impl FnOnce(E) -> Error {
    move |e| Error(format!("{what}: {e}"))
}

/// Runs a tool's main: prints `NAME: ERROR` and exits 1 on an error.
pub fn run_main(name: &str, f: impl FnOnce() -> Result<i32>) -> ! {
    match f() {
        Ok(code) => std::process::exit(code),
        Err(e) => {
            eprintln!("{name}: {e}");
            std::process::exit(1)
        }
    }
}
