// SPDX-License-Identifier: GPL-2.0

//! aubusy MNT [BR...]: who keeps the branches of an aufs mount busy.

#![forbid(unsafe_code)]

use aufs_util::mounts::AufsMount;
use aufs_util::{busy, Error};
use clap::Parser;
use std::path::PathBuf;

/// Show the processes that keep branches of an aufs mount busy: what makes
/// `mount -o remount,del:BRANCH` fail with EBUSY.
///
/// One line per use: the branch index, the branch path, the pid, the
/// command, the use (cwd, root, fdN, mmap, inotifyN) and the path used. Exit status:
/// 0 when some process uses the branches, 1 when none does, 2 on an error.
#[derive(Parser)]
#[command(version, after_help = "See aubusy(8).")]
struct Args {
    /// The aufs mount point.
    mnt: PathBuf,
    /// Branches to check, by path or index (default: all).
    branches: Vec<String>,
}

fn main() {
    let args = Args::parse();
    let result = (|| -> aufs_util::Result<i32> {
        let mount = AufsMount::find(&args.mnt)?;
        let branches = mount.branches()?;
        let mut wanted = Vec::new();
        for b in &args.branches {
            let real = std::fs::canonicalize(b).ok();
            let i = branches
                .iter()
                .position(|br| {
                    b.parse::<usize>().ok() == Some(br.index) || Some(&br.path) == real.as_ref()
                })
                .ok_or_else(|| Error(format!("{b}: not a branch of {}", args.mnt.display())))?;
            wanted.push(i);
        }
        let mut found = false;
        for u in busy::scan(&mount, &branches)? {
            if wanted.is_empty() || wanted.contains(&u.branch) {
                found = true;
                println!(
                    "{} {} {} {} {} {}",
                    u.branch,
                    branches[u.branch].path.display(),
                    u.pid,
                    u.command,
                    u.what,
                    u.path.display()
                );
            }
        }
        Ok(if found { 0 } else { 1 })
    })();
    match result {
        Ok(code) => std::process::exit(code),
        Err(e) => {
            eprintln!("aubusy: {e}");
            std::process::exit(2)
        }
    }
}
