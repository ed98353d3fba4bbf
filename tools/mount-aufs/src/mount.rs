// SPDX-License-Identifier: GPL-2.0

//! mount.aufs: the mount(8) helper of aufs (installed as /sbin/mount.aufs).

#![forbid(unsafe_code)]

use aufs_util::mounts::AufsMount;
use aufs_util::{opts, Error};
use clap::Parser;
use rustix::mount::{MountFlags, UnmountFlags};
use std::path::PathBuf;

/// Mount aufs (mount(8) runs it for `mount -t aufs`): relative branch paths
/// become absolute (so that the options name the same dirs wherever they
/// are read later, as aufs-util's mount.aufs did), and
/// a branch list longer than mount(2) takes (its options are one page)
/// mounts with the first branches, then appends the others in order by
/// `remount,append:` (as Docker did). When a step fails the mount is taken
/// away again: nothing is left half-made. A mount with two or more `fhsm`
/// branches gets its FHSM daemon (`aufhsm`); a remount that leaves fewer
/// stops it.
#[derive(Parser)]
#[command(
    name = "mount.aufs",
    version,
    after_help = "See mount.aufs(8) and aufs(5)."
)]
struct Args {
    /// Ignored ("none" by custom).
    spec: String,
    /// The mount point.
    dir: PathBuf,
    /// Options, as for mount -o (generic ones such as ro, nodev, remount,
    /// and aufs's own: br=, xino=, udba=, append:, del:, ...).
    #[arg(short = 'o', value_name = "OPTIONS")]
    options: Vec<String>,
    /// Print each mount(2) call.
    #[arg(short, long)]
    verbose: bool,
    /// Do everything but the mount(2) calls.
    #[arg(short = 'f')]
    fake: bool,
    /// No /etc/mtab (there is none to write): accepted.
    #[arg(short = 'n')]
    no_mtab: bool,
    /// Sloppy: accepted.
    #[arg(short = 's')]
    sloppy: bool,
}

fn main() {
    let args = Args::parse();
    aufs_util::run_main("mount.aufs", || {
        let cwd = std::env::current_dir().map_err(aufs_util::ctx("current dir"))?;
        let mut parsed = opts::parse(&args.options.join(","), &cwd);
        // busybox mount runs the helper without `remount` (a flag it keeps
        // for itself): options naming no branch list on an aufs mount point
        // are a remount.
        let lists = parsed
            .aufs
            .iter()
            .any(|o| o.starts_with("br=") || o.starts_with("br:") || o.starts_with("dirs="));
        if !parsed.remount && !lists && AufsMount::find(&args.dir).is_ok() {
            parsed.remount = true;
        }
        let limit = rustix::param::page_size() - 1;
        let steps = opts::split(&parsed.aufs, limit).map_err(Error)?;
        let flags = MountFlags::from_bits_retain(parsed.flags as _);
        let dir = &args.dir;
        for (i, data) in steps.iter().enumerate() {
            let remount = parsed.remount || i > 0;
            if args.verbose || args.fake {
                let kind = if remount { "remount" } else { "mount" };
                println!("mount.aufs: {kind} {} -o {data}", dir.display());
            }
            if args.fake {
                continue;
            }
            let cdata = std::ffi::CString::new(data.as_str())
                .map_err(|_| Error("a NUL in the options".into()))?;
            let done = if remount {
                rustix::mount::mount_remount(dir, flags, cdata.as_c_str())
            } else {
                rustix::mount::mount(
                    args.spec.as_str(),
                    dir,
                    "aufs",
                    flags,
                    Some(cdata.as_c_str()),
                )
            };
            if let Err(e) = done {
                // A mount this run made is taken away again.
                if i > 0 && !parsed.remount {
                    let _ = rustix::mount::unmount(dir, UnmountFlags::empty());
                }
                let kind = if remount { "remount" } else { "mount" };
                return Err(Error(format!(
                    "{kind} {} (step {} of {}): {e} (the kernel log says why)",
                    dir.display(),
                    i + 1,
                    steps.len()
                )));
            }
        }
        let _ = (args.no_mtab, args.sloppy);
        if !args.fake {
            aufs_util::fhsm::manage(dir, false);
        }
        Ok(0)
    })
}
