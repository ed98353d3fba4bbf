// SPDX-License-Identifier: GPL-2.0

//! auplink MNT list|cpup|flush: the pseudo-links of an aufs mount.

#![forbid(unsafe_code)]

use aufs_util::mounts::AufsMount;
use aufs_util::plink;
use clap::{Parser, ValueEnum};
use std::path::PathBuf;

/// List the pseudo-links of an aufs mount, or make them real hardlinks on
/// the writable branch.
///
/// When one name of a hardlinked file is copied up, aufs links the copy as
/// .wh..wh.plnk/INO on the writable branch, and the file's other names show
/// the copy; the branch alone lacks them. `flush` makes each name a real
/// hardlink there and removes the pseudo-link (run it before unmounting:
/// umount.aufs does).
#[derive(Parser)]
#[command(version, after_help = "See auplink(8).")]
struct Args {
    /// Print each link made and pseudo-link removed.
    #[arg(short, long)]
    verbose: bool,
    /// The aufs mount point.
    mnt: PathBuf,
    /// list: one line per name: the aufs inode number, then the path (a
    /// pseudo-link whose file has no name left: the number, then
    /// "(no name)"). cpup: link every name on the writable branch. flush:
    /// cpup, then remove the pseudo-links whose names are all linked.
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum Command {
    List,
    Cpup,
    Flush,
}

fn main() {
    let args = Args::parse();
    aufs_util::run_main("auplink", || {
        let mount = AufsMount::find(&args.mnt)?;
        match args.command {
            Command::List => {
                for p in plink::list(&mount)? {
                    if p.names.is_empty() {
                        println!("{} (no name)", p.ino);
                    }
                    for n in &p.names {
                        println!("{} {}", p.ino, n.display());
                    }
                }
            }
            Command::Cpup | Command::Flush => {
                let flush = matches!(args.command, Command::Flush);
                let verbose = args.verbose;
                let s = plink::cpup(&mount, flush, &mut |line| {
                    if verbose {
                        println!("{line}")
                    }
                })?;
                if verbose {
                    println!(
                        "auplink: {} linked, {} already linked, {} left, {} pseudo-links removed",
                        s.linked, s.already, s.skipped, s.removed
                    );
                }
            }
        }
        Ok(0)
    })
}
