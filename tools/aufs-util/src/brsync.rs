// SPDX-License-Identifier: GPL-2.0

//! aubrsync: copies the changes an upper (writable) branch holds into a
//! lower one, so that the lower one alone shows what the union showed (an
//! image flattened). Whiteouts delete, opaque dirs replace the lower dir's
//! contents, everything else is copied with its mode, owner, times and
//! xattrs; hardlinks among the upper's files stay hardlinks; a file the
//! union reached through a pseudo-link (`.wh..wh.plnk/INO` on the upper)
//! replaces its lower original under all of that original's names. With
//! `keep_whiteouts` (the lower one is itself a layer over others) the
//! whiteouts and opaque markers are copied too. aufs's own objects
//! (`.wh..wh.aufs`, `.wh..wh.plnk`, `.wh..wh.orph`, temporaries) are not.

use crate::walk::{relative, walk};
use crate::wh::{classify, Kind, OPAQUE, PLINK_DIR, WH_PREFIX};
use crate::{ctx, Error, Result};
use rustix::fs::{FileType, Mode, Timespec, Timestamps};
use std::collections::HashMap;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::{Path, PathBuf};

/// Options.
#[derive(Debug, Default, Clone)]
pub struct Options {
    /// Only report.
    pub dry_run: bool,
    /// Copy whiteouts and opaque markers too.
    pub keep_whiteouts: bool,
}

/// What a sync did (or would do).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Stats {
    pub copied: usize,
    pub linked: usize,
    pub removed: usize,
    pub dirs: usize,
}

struct Sync<'a> {
    upper: &'a Path,
    lower: &'a Path,
    opts: Options,
    report: &'a mut dyn FnMut(&str),
    stats: Stats,
    /// Upper (dev, ino) -> the lower path it was first copied to.
    copies: HashMap<(u64, u64), PathBuf>,
    /// Upper inodes that have a pseudo-link.
    plinked: Vec<u64>,
    /// Lower originals replaced by a pseudo-linked copy: (dev, ino) -> the copy.
    replaced: HashMap<(u64, u64), PathBuf>,
}

/// Syncs `upper` into `lower`.
pub fn sync(
    upper: &Path,
    lower: &Path,
    opts: Options,
    report: &mut dyn FnMut(&str),
) -> Result<Stats> {
    let mut plinked = Vec::new();
    if let Ok(entries) = std::fs::read_dir(upper.join(PLINK_DIR)) {
        for e in entries.flatten() {
            if let Ok(md) = e.path().symlink_metadata() {
                plinked.push(md.ino());
            }
        }
    }
    let mut s = Sync {
        upper,
        lower,
        opts,
        report,
        stats: Stats::default(),
        copies: HashMap::new(),
        plinked,
        replaced: HashMap::new(),
    };
    s.dir(Path::new(""))?;
    s.other_names()?;
    Ok(s.stats)
}

impl Sync<'_> {
    fn say(&mut self, what: &str, rel: &Path) {
        (self.report)(&format!("{what} {}", rel.display()));
    }

    fn remove(&mut self, rel: &Path) -> Result<()> {
        let p = self.lower.join(rel);
        let Ok(md) = p.symlink_metadata() else {
            return Ok(());
        };
        self.say("delete", rel);
        self.stats.removed += 1;
        if self.opts.dry_run {
            return Ok(());
        }
        if md.is_dir() {
            std::fs::remove_dir_all(&p)
        } else {
            std::fs::remove_file(&p)
        }
        .map_err(ctx(p.display()))
    }

    /// Syncs the upper dir `rel` (which exists in the lower one).
    fn dir(&mut self, rel: &Path) -> Result<()> {
        let up = self.upper.join(rel);
        let mut names: Vec<String> = Vec::new();
        for e in std::fs::read_dir(&up).map_err(ctx(up.display()))? {
            names.push(
                e.map_err(ctx(up.display()))?
                    .file_name()
                    .to_string_lossy()
                    .into_owned(),
            );
        }
        names.sort();
        let at_root = rel.as_os_str().is_empty();
        let plain: Vec<&String> = names
            .iter()
            .filter(|n| classify(n, at_root) == Kind::Plain)
            .collect();
        // An opaque dir replaces the lower one's contents.
        if names.iter().any(|n| n == OPAQUE) {
            if let Ok(entries) = std::fs::read_dir(self.lower.join(rel)) {
                let mut gone: Vec<String> = entries
                    .flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|n| {
                        !(plain.contains(&n) || self.opts.keep_whiteouts && names.contains(n))
                    })
                    .collect();
                gone.sort();
                for n in gone {
                    self.remove(&rel.join(n))?;
                }
            }
        }
        for name in &names {
            let r = rel.join(name);
            match classify(name, at_root) {
                Kind::Internal | Kind::Temp => {}
                Kind::Opaque => {
                    if self.opts.keep_whiteouts {
                        self.copy(&r)?;
                    }
                }
                Kind::Whiteout(target) => {
                    self.remove(&rel.join(target))?;
                    if self.opts.keep_whiteouts {
                        self.copy(&r)?;
                    }
                }
                Kind::Plain => {
                    // The lower layer's own whiteout of the name would hide it.
                    self.remove(&rel.join(format!("{WH_PREFIX}{name}")))?;
                    self.copy(&r)?;
                }
            }
        }
        Ok(())
    }

    /// Copies the upper object `rel` to the lower branch.
    fn copy(&mut self, rel: &Path) -> Result<()> {
        let src = self.upper.join(rel);
        let dst = self.lower.join(rel);
        let md = src.symlink_metadata().map_err(ctx(src.display()))?;
        let old = dst.symlink_metadata().ok();
        if md.is_dir() {
            if old.as_ref().is_some_and(|o| !o.is_dir()) {
                self.remove(rel)?;
            }
            if old.as_ref().is_none_or(|o| !o.is_dir()) {
                self.say("mkdir", rel);
                self.stats.dirs += 1;
                if !self.opts.dry_run {
                    std::fs::create_dir(&dst).map_err(ctx(dst.display()))?;
                }
            }
            // Dry runs of a dir not made yet look no further in it.
            if !self.opts.dry_run || dst.is_dir() {
                self.dir(rel)?;
            }
            return self.attrs(&src, &dst, &md);
        }
        let key = (md.dev(), md.ino());
        // The original this copy replaces, when the union showed the copy
        // under the original's other names too.
        if let Some(o) = old.as_ref() {
            if md.nlink() > 1 && o.is_file() && o.nlink() > 1 && self.plinked.contains(&md.ino()) {
                self.replaced.insert((o.dev(), o.ino()), dst.clone());
            }
        }
        if old.is_some() {
            self.remove(rel)?;
        }
        if let Some(first) = self.copies.get(&key).cloned() {
            self.say("link", rel);
            self.stats.linked += 1;
            if !self.opts.dry_run {
                std::fs::hard_link(&first, &dst).map_err(ctx(dst.display()))?;
            }
            return Ok(());
        }
        self.say("copy", rel);
        self.stats.copied += 1;
        if self.opts.dry_run {
            return Ok(());
        }
        let ft = md.file_type();
        if ft.is_file() {
            std::fs::copy(&src, &dst).map_err(ctx(format!("copy {}", src.display())))?;
        } else if ft.is_symlink() {
            let t = std::fs::read_link(&src).map_err(ctx(src.display()))?;
            std::os::unix::fs::symlink(t, &dst).map_err(ctx(dst.display()))?;
        } else {
            let kind = if ft.is_fifo() {
                FileType::Fifo
            } else if ft.is_char_device() {
                FileType::CharacterDevice
            } else if ft.is_block_device() {
                FileType::BlockDevice
            } else {
                FileType::Socket
            };
            rustix::fs::mknodat(
                rustix::fs::CWD,
                &dst,
                kind,
                Mode::from_raw_mode(md.mode() & 0o7777),
                md.rdev(),
            )
            .map_err(ctx(dst.display()))?;
        }
        if md.nlink() > 1 {
            self.copies.insert(key, dst.clone());
        }
        self.attrs(&src, &dst, &md)
    }

    /// Owner, mode, xattrs and times of `src` onto `dst`.
    fn attrs(&mut self, src: &Path, dst: &Path, md: &std::fs::Metadata) -> Result<()> {
        if self.opts.dry_run {
            return Ok(());
        }
        let e = |what: &str| {
            let what = format!("{what} {}", dst.display());
            move |err: rustix::io::Errno| Error(format!("{what}: {err}"))
        };
        std::os::unix::fs::lchown(dst, Some(md.uid()), Some(md.gid()))
            .map_err(ctx(format!("chown {}", dst.display())))?;
        if !md.file_type().is_symlink() {
            rustix::fs::chmod(dst, Mode::from_raw_mode(md.mode() & 0o7777)).map_err(e("chmod"))?;
        }
        copy_xattrs(src, dst)?;
        let ts = |s: i64, ns: i64| Timespec {
            tv_sec: s,
            tv_nsec: ns as _,
        };
        let times = Timestamps {
            last_access: ts(md.atime(), md.atime_nsec()),
            last_modification: ts(md.mtime(), md.mtime_nsec()),
        };
        rustix::fs::utimensat(
            rustix::fs::CWD,
            dst,
            &times,
            rustix::fs::AtFlags::SYMLINK_NOFOLLOW,
        )
        .map_err(e("utimensat"))
    }

    /// The other lower names of originals a pseudo-linked copy replaced
    /// become links of the copy.
    fn other_names(&mut self) -> Result<()> {
        if self.replaced.is_empty() {
            return Ok(());
        }
        let mut found: Vec<(PathBuf, PathBuf)> = Vec::new();
        walk(self.lower, &mut |p, md| {
            if let Some(copy) = self.replaced.get(&(md.dev(), md.ino())) {
                found.push((p.to_path_buf(), copy.clone()));
            }
            Ok(true)
        })?;
        for (p, copy) in found {
            let rel = relative(self.lower, &p);
            self.say("link", &rel);
            self.stats.linked += 1;
            if !self.opts.dry_run {
                std::fs::remove_file(&p).map_err(ctx(p.display()))?;
                std::fs::hard_link(&copy, &p).map_err(ctx(p.display()))?;
            }
        }
        Ok(())
    }
}

/// Copies every xattr of `src` (not following symlinks) to `dst`.
fn copy_xattrs(src: &Path, dst: &Path) -> Result<()> {
    let mut list = vec![0u8; 65536];
    let n = match rustix::fs::llistxattr(src, &mut list[..]) {
        Ok(n) => n,
        Err(rustix::io::Errno::OPNOTSUPP) => return Ok(()),
        Err(e) => return Err(Error(format!("listxattr {}: {e}", src.display()))),
    };
    let mut value = vec![0u8; 65536];
    for name in list[..n].split(|&b| b == 0).filter(|n| !n.is_empty()) {
        let len = rustix::fs::lgetxattr(src, name, &mut value[..])
            .map_err(|e| Error(format!("getxattr {}: {e}", src.display())))?;
        rustix::fs::lsetxattr(dst, name, &value[..len], rustix::fs::XattrFlags::empty()).map_err(
            |e| {
                Error(format!(
                    "setxattr {} {}: {e}",
                    dst.display(),
                    String::from_utf8_lossy(name)
                ))
            },
        )?;
    }
    Ok(())
}
