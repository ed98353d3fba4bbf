// SPDX-License-Identifier: GPL-2.0

//! auchk BR [--fix]: the offline check of a writable aufs branch.

#![forbid(unsafe_code)]

use aufs_util::chk;
use clap::Parser;
use std::path::PathBuf;

/// Check a writable aufs branch while no union uses it: stale copy-up
/// temporaries, dirs left by an interrupted removal, whiteouts that hide
/// nothing, .wh..wh.plnk entries that are no pseudo-link or still stand
/// for names the branch lacks, a bad whiteout base file.
///
/// One line per finding: the path in the branch, the problem, and
/// "(fixed)" when --fix repaired it. Exit status as fsck's: 0 nothing
/// found, 1 everything found was fixed, 4 problems left, 8 an error.
#[derive(Parser)]
#[command(version, after_help = "See auchk(8).")]
struct Args {
    /// Repair what can be repaired.
    #[arg(long)]
    fix: bool,
    /// A branch below BR (top first; repeat): whiteouts naming nothing on
    /// any of them hide nothing.
    #[arg(long = "lower", value_name = "DIR")]
    lowers: Vec<PathBuf>,
    /// The branch.
    branch: PathBuf,
}

fn main() {
    let args = Args::parse();
    match chk::check(&args.branch, &args.lowers, args.fix) {
        Ok(findings) => {
            let mut left = false;
            for f in &findings {
                let state = if f.fixed {
                    " (fixed)"
                } else {
                    left = true;
                    if f.fixable {
                        ""
                    } else {
                        " (not fixable offline)"
                    }
                };
                println!("{}: {}{state}", f.path.display(), f.problem);
            }
            std::process::exit(if findings.is_empty() {
                0
            } else if left {
                4
            } else {
                1
            })
        }
        Err(e) => {
            eprintln!("auchk: {e}");
            std::process::exit(8)
        }
    }
}
