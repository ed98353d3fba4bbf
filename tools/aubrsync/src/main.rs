// SPDX-License-Identifier: GPL-2.0

//! aubrsync UPPER LOWER: copy the changes of an upper aufs branch into a
//! lower one.

#![forbid(unsafe_code)]

use aufs_util::brsync::{self, Options};
use clap::Parser;
use std::path::PathBuf;

/// Copy the changes an upper aufs branch holds into a lower branch, so that
/// the lower one alone shows what the union of both showed: whiteouts
/// delete, opaque dirs replace, files, dirs, symlinks and device nodes are
/// copied with owner, mode, times and xattrs, hardlinks stay hardlinks.
/// Unmount the union (or flush its pseudo-links with auplink) first.
#[derive(Parser)]
#[command(version, after_help = "See aubrsync(8).")]
struct Args {
    /// Print what would be done, change nothing.
    #[arg(short = 'n', long)]
    dry_run: bool,
    /// The lower branch is itself a layer over others: copy the whiteouts
    /// and opaque markers too.
    #[arg(short = 'w', long)]
    keep_whiteouts: bool,
    /// Print each change.
    #[arg(short, long)]
    verbose: bool,
    /// The upper branch.
    upper: PathBuf,
    /// The lower branch.
    lower: PathBuf,
}

fn main() {
    let args = Args::parse();
    aufs_util::run_main("aubrsync", || {
        let opts = Options {
            dry_run: args.dry_run,
            keep_whiteouts: args.keep_whiteouts,
        };
        let print = args.verbose || args.dry_run;
        let s = brsync::sync(&args.upper, &args.lower, opts, &mut |line| {
            if print {
                println!("{line}")
            }
        })?;
        if args.verbose {
            println!(
                "aubrsync: {} copied, {} linked, {} deleted, {} dirs made",
                s.copied, s.linked, s.removed, s.dirs
            );
        }
        Ok(0)
    })
}
