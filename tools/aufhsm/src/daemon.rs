// SPDX-License-Identifier: GPL-2.0

//! The daemon (aufs-util's aufhsmd): holds the union's FHSM fd, and for
//! each branch the union reports above its upper watermark moves the
//! coldest files down (`AUFS_CTL_MVDOWN`, to the next lower fhsm branch)
//! until the branch is at or below its lower watermark, then goes on with
//! a lower branch the moves filled past its own upper watermark.

use crate::decide::{self, AfterError, Candidate, Watermarks, STBR_SIZE};
use crate::uapi::{mvdown_flags as F, AufsMvdown, AufsStbr, AufsStfs, MVDOWN_LOWER, MVDOWN_UPPER};
use crate::{ctl, wmark};
use aufs_util::mounts::{AufsMount, Branch};
use aufs_util::{ctx, walk, Error, Result};
use std::io::Read;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

/// What the daemon works on.
pub struct Daemon {
    /// The union's mount point (absolute).
    pub mnt: PathBuf,
    /// Its state dir (watermarks, pid file).
    pub dir: PathBuf,
    /// Log every move.
    pub verbose: bool,
}

impl Daemon {
    /// Connects and serves until the union goes away (read: end of file).
    /// Another daemon already connected (EBUSY): returns at once, as
    /// aufs-util's daemon does.
    pub fn run(&self) -> Result<()> {
        // The union root is open only for the ioctl: the daemon must not
        // keep the union busy (umount).
        let root = std::fs::File::open(&self.mnt).map_err(ctx(self.mnt.display()))?;
        let fd = match ctl::fhsm_fd(&root) {
            Ok(fd) => fd,
            Err(rustix::io::Errno::BUSY) => return Ok(()),
            Err(e) => {
                return Err(Error(format!(
                    "{}: AUFS_CTL_FHSM_FD: {e}",
                    self.mnt.display()
                )))
            }
        };
        drop(root);
        std::env::set_current_dir("/").map_err(ctx("/"))?;
        let pid_file = self.dir.join("pid");
        std::fs::write(&pid_file, format!("{}\n", std::process::id()))
            .map_err(ctx(pid_file.display()))?;
        let served = self.serve(std::fs::File::from(fd));
        let _ = std::fs::remove_file(&pid_file);
        served
    }

    /// The read loop: a batch of records at a time.
    fn serve(&self, mut fd: std::fs::File) -> Result<()> {
        let mut buf = vec![0u8; STBR_SIZE * 64];
        loop {
            match fd.read(&mut buf) {
                Ok(0) => return Ok(()),
                Ok(n) => {
                    for rec in decide::decode_records(&buf[..n]) {
                        self.handle(rec);
                    }
                }
                Err(e) if e.raw_os_error() == Some(90) => buf.resize(buf.len() * 2, 0), // EMSGSIZE
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(Error(format!("reading the FHSM fd: {e}"))),
            }
        }
    }

    /// One report. As aufs-util's daemon: when a move fills the lower
    /// branch past its upper watermark, that branch goes first, then the
    /// one it came from again.
    fn handle(&self, first: AufsStbr) {
        let mut stack = vec![first];
        // Each turn moves a file or ends a branch: bounded anyway.
        for _ in 0..10_000 {
            let Some(cur) = stack.last_mut() else {
                return;
            };
            let wm = self.watermarks(cur.brid);
            if !decide::over_upper(&cur.stfs, &wm) {
                stack.pop();
                continue;
            }
            match self.empty_branch(cur, &wm) {
                Ok(Some((stfs, lower))) => {
                    cur.stfs = stfs;
                    stack.push(lower);
                }
                Ok(None) => {
                    stack.pop();
                }
                Err(e) => {
                    eprintln!("aufhsm: branch {}: {e}", cur.brid);
                    stack.pop();
                }
            }
        }
    }

    /// The watermarks of branch `brid` now (re-read: the controller may
    /// have changed them): its own, else those set for every branch, else
    /// aufs-util's defaults.
    fn watermarks(&self, brid: i16) -> Watermarks {
        let marks = wmark::load(&self.dir).unwrap_or_default();
        marks
            .get(&i32::from(brid))
            .or_else(|| marks.get(&-1))
            .copied()
            .unwrap_or_default()
    }

    /// Moves files down from the branch of `rec` until it is at or below
    /// its lower watermark or nothing more can go (None), or until a move
    /// fills the lower branch past its upper watermark: then this branch's
    /// numbers and the lower's record, which goes next.
    fn empty_branch(
        &self,
        rec: &AufsStbr,
        wm: &Watermarks,
    ) -> Result<Option<(AufsStfs, AufsStbr)>> {
        let root = self.branch_root(rec)?;
        let mut files = candidates(&root)?;
        decide::order(&mut files);
        for file in files {
            let mut m = request(rec.brid);
            match self.move_one(&file.rel, &mut m) {
                Ok(()) => {
                    let stfs = statfs(&root)?;
                    let lower = m.stbr[MVDOWN_LOWER];
                    // The bottom never moves down (BOTTOM: nothing below it).
                    let lower_full = m.flags & (F::BOTTOM | F::STFS_FAILED) == 0
                        && decide::over_upper(&lower.stfs, &self.watermarks(lower.brid));
                    if lower_full {
                        return Ok(Some((stfs, lower)));
                    }
                    if decide::done(&stfs, wm) {
                        break;
                    }
                }
                Err(errno) if decide::after_error(errno) == AfterError::Next => {}
                Err(_) => break,
            }
        }
        Ok(None)
    }

    /// One move-down of `rel`; the errno on failure (logged).
    fn move_one(&self, rel: &Path, m: &mut AufsMvdown) -> std::result::Result<(), i32> {
        let path = self.mnt.join(rel);
        let file = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(rustix::fs::OFlags::NOFOLLOW.bits() as i32)
            .open(&path)
            .map_err(|e| e.raw_os_error().unwrap_or(5))?;
        match ctl::mvdown(&file, m) {
            Ok(()) => {
                if self.verbose {
                    eprintln!("aufhsm: moved down {}", path.display());
                }
                Ok(())
            }
            Err(e) => {
                eprintln!("aufhsm: {}: {e} (au_errno {})", path.display(), m.au_errno);
                Err(e.raw_os_error())
            }
        }
    }

    /// The root dir of the branch of `rec`: by its id in sysfs (bridN),
    /// else by the index the record carries (brs=0: no bridN).
    fn branch_root(&self, rec: &AufsStbr) -> Result<PathBuf> {
        let mount = AufsMount::find(&self.mnt)?;
        let branches: Vec<Branch> = mount.branches()?;
        let sysfs = mount.sysfs_dir();
        let by_id = branches.iter().find(|b| {
            std::fs::read_to_string(sysfs.join(format!("brid{}", b.index)))
                .is_ok_and(|id| id.trim() == rec.brid.to_string())
        });
        by_id
            .or_else(|| branches.get(rec.bindex as usize))
            .map(|b| b.path.clone())
            .ok_or_else(|| Error(format!("no branch of id {}", rec.brid)))
    }
}

/// aufs-util's request: the file from branch `brid` down to the next lower
/// fhsm branch, over a file there, reporting both branches' numbers.
fn request(brid: i16) -> AufsMvdown {
    let mut m = AufsMvdown {
        flags: F::FHSM_LOWER | F::OWLOWER | F::STFS,
        ..Default::default()
    };
    m.stbr[MVDOWN_UPPER].brid = brid;
    m
}

/// The numbers of the branch at `root` now. After a move the daemon reads
/// them itself: those the kernel reports (`STFS`) are taken while the
/// daemon's own open file still holds the upper copy's blocks.
fn statfs(root: &Path) -> Result<AufsStfs> {
    let st = rustix::fs::statfs(root).map_err(ctx(root.display()))?;
    Ok(AufsStfs {
        f_blocks: st.f_blocks,
        f_bavail: st.f_bavail,
        f_files: st.f_files,
        f_ffree: st.f_ffree,
    })
}

/// The files of the branch at `root` that may move down: regular files
/// with one link, outside aufs's own names (`.wh.*`: whiteouts, its dirs).
fn candidates(root: &Path) -> Result<Vec<Candidate>> {
    let mut out = Vec::new();
    walk::walk(root, &mut |path, md| {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        if name.is_some_and(|n| n.starts_with(".wh.")) {
            return Ok(false);
        }
        if md.is_file() && md.nlink() == 1 {
            out.push(Candidate {
                rel: walk::relative(root, path),
                atime_ns: i128::from(md.atime()) * 1_000_000_000 + i128::from(md.atime_nsec()),
                blocks: md.blocks(),
            });
        }
        Ok(true)
    })?;
    Ok(out)
}
