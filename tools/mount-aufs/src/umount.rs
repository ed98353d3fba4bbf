// SPDX-License-Identifier: GPL-2.0

//! umount.aufs: the umount(8) helper of aufs (installed as /sbin/umount.aufs).

#![forbid(unsafe_code)]

use aufs_util::mounts::AufsMount;
use aufs_util::{plink, Error};
use clap::Parser;
use rustix::mount::UnmountFlags;
use std::path::PathBuf;

/// Unmount aufs after flushing its pseudo-links (auplink MNT flush), so that
/// the writable branch alone has every name of the hardlinked files copied
/// up (aufs itself keeps pseudo-links on the branch at umount, and so does
/// aufs_rs). A flush that fails is reported and the unmount still done.
/// The FHSM daemon of a mount with two or more `fhsm` branches is stopped
/// first.
#[derive(Parser)]
#[command(
    name = "umount.aufs",
    version,
    after_help = "See umount.aufs(8) and auplink(8)."
)]
struct Args {
    /// The mount point.
    dir: PathBuf,
    /// Force (MNT_FORCE).
    #[arg(short = 'f')]
    force: bool,
    /// Lazy (MNT_DETACH).
    #[arg(short = 'l')]
    lazy: bool,
    /// No /etc/mtab: accepted.
    #[arg(short = 'n')]
    no_mtab: bool,
    /// Print the flush's links and removals.
    #[arg(short, long)]
    verbose: bool,
}

fn main() {
    let args = Args::parse();
    aufs_util::run_main("umount.aufs", || {
        let verbose = args.verbose;
        let flushed = AufsMount::find(&args.dir).and_then(|m| {
            plink::cpup(&m, true, &mut |line| {
                if verbose {
                    println!("{line}")
                }
            })
        });
        if let Err(e) = flushed {
            eprintln!("umount.aufs: pseudo-links not flushed: {e}");
        }
        // The FHSM daemon goes first: a move-down in progress keeps files
        // of the union open.
        aufs_util::fhsm::manage(&args.dir, true);
        let mut flags = UnmountFlags::empty();
        if args.force {
            flags |= UnmountFlags::FORCE;
        }
        if args.lazy {
            flags |= UnmountFlags::DETACH;
        }
        let _ = args.no_mtab;
        rustix::mount::unmount(&args.dir, flags)
            .map_err(|e| Error(format!("{}: {e}", args.dir.display())))?;
        Ok(0)
    })
}
