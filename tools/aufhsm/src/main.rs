// SPDX-License-Identifier: GPL-2.0

//! aufhsm: aufs's FHSM (file-based hierarchical storage management) in user
//! space, aufs-util's controller `aufhsm` and daemon `aufhsmd` in one
//! program: sets the watermarks of a mount's fhsm branches, starts the
//! daemon (`--daemon`), stops it (`--kill`).

#![deny(unsafe_code)]

#[path = "../../../uapi.rs"]
mod uapi;

mod ctl;
mod daemon;
mod decide;
mod wmark;

use aufs_util::mounts::{AufsMount, Branch};
use aufs_util::{ctx, Error, Result};
use clap::Parser;
use decide::Watermarks;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Set the watermarks of AUFS FHSM and control its daemon. mount.aufs runs
/// it when a mount has two or more fhsm branches, umount.aufs stops the
/// daemon; run it by hand to change the watermarks.
///
/// Watermarks are percentages of used blocks (inodes with -i):
/// `BranchPath=UPPER-LOWER` for one branch, `UPPER-LOWER` for all; above
/// UPPER the daemon moves the coldest files down until LOWER. Default
/// 75-50 for blocks; inodes 0-0 (not looked at).
#[derive(Parser)]
#[command(name = "aufhsm", version, after_help = "See aufhsm(8) and aufs(5).")]
struct Args {
    /// The watermarks given are for inodes, not blocks.
    #[arg(short, long)]
    inode: bool,
    /// Where the state (watermarks, pid, log) is kept [env: AUFHSM_LIST_DIR;
    /// default /run/aufhsm].
    #[arg(short, long, value_name = "DIR")]
    dir: Option<PathBuf>,
    /// Forget the watermarks set before (back to the defaults).
    #[arg(short, long)]
    recreate: bool,
    /// Stop the daemon (and wait until it is gone).
    #[arg(short, long)]
    kill: bool,
    /// Do not print the watermarks.
    #[arg(short, long)]
    quiet: bool,
    /// The daemon logs every move.
    #[arg(short, long)]
    verbose: bool,
    /// Be the daemon (aufs-util's aufhsmd), in the foreground.
    #[arg(long, hide = true)]
    daemon: bool,
    /// The aufs mount point.
    mnt: PathBuf,
    /// `BranchPath=UPPER-LOWER` ... or one `UPPER-LOWER` for every branch.
    wmarks: Vec<String>,
}

fn main() {
    let args = Args::parse();
    aufs_util::run_main("aufhsm", || run(&args))
}

fn run(args: &Args) -> Result<i32> {
    let mnt = std::fs::canonicalize(&args.mnt).map_err(ctx(args.mnt.display()))?;
    let mount = AufsMount::find(&mnt)?;
    let base = args
        .dir
        .clone()
        .or_else(|| std::env::var_os("AUFHSM_LIST_DIR").map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("/run/aufhsm"));
    let dir = wmark::state_dir(&base, &mount.si);
    if args.daemon {
        let d = daemon::Daemon {
            mnt,
            dir,
            verbose: args.verbose,
        };
        return d.run().map(|()| 0);
    }
    if args.kill {
        return stop_daemon(&dir).map(|()| 0);
    }
    let fhsm = fhsm_branches(&mount)?;
    if fhsm.len() < 2 {
        return Err(Error(format!("few fhsm branches for {}", mnt.display())));
    }
    set_watermarks(args, &dir, &fhsm)?;
    start_daemon(args, &mnt, &base, &dir)?;
    Ok(0)
}

/// The fhsm branches of `mount` and their ids (-1 when sysfs has none:
/// the module loaded with brs=0).
fn fhsm_branches(mount: &AufsMount) -> Result<Vec<(Branch, i32)>> {
    let sysfs = mount.sysfs_dir();
    Ok(mount
        .branches()?
        .into_iter()
        .filter(|b| b.perm.split('+').any(|a| a == "fhsm"))
        .map(|b| {
            let id = std::fs::read_to_string(sysfs.join(format!("brid{}", b.index)))
                .ok()
                .and_then(|t| t.trim().parse().ok())
                .unwrap_or(-1);
            (b, id)
        })
        .collect())
}

/// Applies the command line's watermarks to those stored, prints them.
fn set_watermarks(args: &Args, dir: &Path, fhsm: &[(Branch, i32)]) -> Result<()> {
    let mut marks = if args.recreate {
        BTreeMap::new()
    } else {
        wmark::load(dir)?
    };
    for spec in &args.wmarks {
        apply_spec(&mut marks, spec, args.inode, fhsm)?;
    }
    wmark::store(dir, &marks)?;
    if !args.quiet {
        println!("{}, {} watermark(s)", args.mnt.display(), fhsm.len());
        for (b, id) in fhsm {
            let w = marks
                .get(id)
                .or_else(|| marks.get(&-1))
                .copied()
                .unwrap_or_default();
            println!(
                "{}, {id}, {:.2}-{:.2} {:.2}-{:.2}",
                b.path.display(),
                w.block.upper,
                w.block.lower,
                w.inode.upper,
                w.inode.lower
            );
        }
    }
    Ok(())
}

/// One `BranchPath=UPPER-LOWER` or `UPPER-LOWER` (key -1: every branch
/// without its own).
fn apply_spec(
    marks: &mut BTreeMap<i32, Watermarks>,
    spec: &str,
    inode: bool,
    fhsm: &[(Branch, i32)],
) -> Result<()> {
    let (target, pair) = match spec.rsplit_once('=') {
        Some((path, pair)) => (Some(path), pair),
        None => (None, spec),
    };
    let pair = decide::parse_pair(pair).ok_or_else(|| Error(format!("{spec}: bad watermarks")))?;
    let ids: Vec<i32> = match target {
        None => std::iter::once(-1)
            .chain(fhsm.iter().map(|f| f.1))
            .collect(),
        Some(path) => {
            let real = std::fs::canonicalize(path).map_err(ctx(path))?;
            let (_, id) = fhsm
                .iter()
                .find(|(b, _)| b.path == real)
                .ok_or_else(|| Error(format!("no such fhsm branch, {path}")))?;
            if *id < 0 {
                return Err(Error(format!(
                    "{path}: no branch id (brs=0): give UPPER-LOWER"
                )));
            }
            vec![*id]
        }
    };
    for id in ids {
        let default = marks.get(&-1).copied().unwrap_or_default();
        let w = marks.entry(id).or_insert(default);
        if inode {
            w.inode = pair;
        } else {
            w.block = pair;
        }
    }
    Ok(())
}

/// The pid of the daemon of state dir `dir`, if it runs.
fn daemon_pid(dir: &Path) -> Option<i32> {
    let pid: i32 = std::fs::read_to_string(dir.join("pid"))
        .ok()?
        .trim()
        .parse()
        .ok()?;
    let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).ok()?;
    let is_ours = cmdline.split(|&b| b == 0).any(|a| a == b"--daemon");
    is_ours.then_some(pid)
}

/// Starts the daemon unless one runs, and waits until it is connected
/// (its pid file), so that the mount is managed when this returns.
fn start_daemon(args: &Args, mnt: &Path, base: &Path, dir: &Path) -> Result<()> {
    use std::os::unix::process::CommandExt;
    if daemon_pid(dir).is_some() {
        return Ok(());
    }
    let log = std::fs::File::create(dir.join("log")).map_err(ctx(dir.join("log").display()))?;
    let exe = std::env::current_exe().map_err(ctx("aufhsm"))?;
    let mut cmd = std::process::Command::new(exe);
    cmd.arg("--daemon").arg("--dir").arg(base);
    if args.verbose {
        cmd.arg("--verbose");
    }
    cmd.arg(mnt)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(log)
        .process_group(0);
    let mut child = cmd.spawn().map_err(ctx("starting the daemon"))?;
    for _ in 0..100 {
        if daemon_pid(dir).is_some() {
            return Ok(());
        }
        if let Ok(Some(status)) = child.try_wait() {
            return Err(Error(format!(
                "the daemon exited: {status} (see {})",
                dir.join("log").display()
            )));
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    Err(Error("the daemon did not start".into()))
}

/// Stops the daemon (SIGTERM) and waits until it is gone; none: nothing.
fn stop_daemon(dir: &Path) -> Result<()> {
    let Some(pid) = daemon_pid(dir) else {
        return Ok(());
    };
    let pid = rustix::process::Pid::from_raw(pid).ok_or_else(|| Error("bad pid".into()))?;
    rustix::process::kill_process(pid, rustix::process::Signal::TERM)
        .map_err(|e| Error(format!("stopping the daemon: {e}")))?;
    for _ in 0..200 {
        if !Path::new(&format!("/proc/{}", pid.as_raw_nonzero())).exists() {
            let _ = std::fs::remove_file(dir.join("pid"));
            return Ok(());
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    Err(Error("the daemon did not stop".into()))
}
