// SPDX-License-Identifier: GPL-2.0

//! Busy branches (aubusy): which processes keep a branch of an aufs mount
//! in use, i.e. what makes `remount,del:BRANCH` fail with EBUSY.
//!
//! aufs_rs counts, per branch, the branch objects of the union dentries in
//! use (a non-dir has one, on the topmost branch that has it; a dir one per
//! branch merged into it, down to an opaque one), its open files and its
//! files mmapped through the union. A dentry in use keeps its parents in use,
//! so a process using `MNT/a/b` keeps busy the branches of `a/b` and of `a`;
//! the union root is not counted (it moves to the new branches). The
//! processes' uses come from `/proc/PID/{cwd,root,fd/*,maps}`; each union
//! path is resolved over the branches the way the module's lookup does
//! (whiteouts and opaque dirs on branches that honour them, pseudo-links).

use crate::mounts::{AufsMount, Branch};
use crate::wh::{OPAQUE, PLINK_DIR, WH_PREFIX};
use crate::Result;
use std::os::unix::fs::MetadataExt;
use std::path::{Component, Path, PathBuf};

/// How a process uses the union.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Use {
    Cwd,
    Root,
    Fd(u32),
    Mmap,
    /// An inotify watch (on fd N) keeps the union inode, whose object is on
    /// its top branch.
    Inotify(u32),
}

impl std::fmt::Display for Use {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Use::Cwd => f.write_str("cwd"),
            Use::Root => f.write_str("root"),
            Use::Fd(n) => write!(f, "fd{n}"),
            Use::Mmap => f.write_str("mmap"),
            Use::Inotify(n) => write!(f, "inotify{n}"),
        }
    }
}

/// One process's use of a branch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Busy {
    /// The branch's index.
    pub branch: usize,
    pub pid: u32,
    pub command: String,
    pub what: Use,
    /// The path the process uses.
    pub path: PathBuf,
}

/// A branch honours whiteouts: `rw`, or `+wh` on a read-only one.
fn honours_whiteouts(b: &Branch) -> bool {
    b.writable() || b.perm.contains("+wh")
}

/// The branches holding the lower objects of union path `rel` (relative
/// to the mount; empty: the root, on every branch), as the module's lookup
/// finds them: one for a non-dir, every merged one for a dir.
/// `union_ino`: the inode number the union shows for it (pseudo-links).
pub fn lowers(branches: &[Branch], rel: &Path, union_ino: Option<u64>) -> Vec<usize> {
    let mut dirs: Vec<usize> = (0..branches.len()).collect();
    let parts: Vec<&std::ffi::OsStr> = rel
        .components()
        .filter_map(|c| match c {
            Component::Normal(n) => Some(n),
            _ => None,
        })
        .collect();
    let mut sofar = PathBuf::new();
    for (i, name) in parts.iter().enumerate() {
        let parent = sofar.clone();
        sofar.push(name);
        let mut found: Vec<usize> = Vec::new();
        let mut first_is_dir = false;
        for &b in &dirs {
            let br = &branches[b];
            let mut wh = std::ffi::OsString::from(WH_PREFIX);
            wh.push(name);
            if honours_whiteouts(br) && br.path.join(&parent).join(&wh).symlink_metadata().is_ok() {
                break;
            }
            let Ok(md) = br.path.join(&sofar).symlink_metadata() else {
                continue;
            };
            if found.is_empty() {
                first_is_dir = md.is_dir();
                found.push(b);
                if !first_is_dir {
                    // A pseudo-link on a branch above stands for a hardlinked file.
                    let last = i + 1 == parts.len();
                    if let (true, true, Some(ino)) = (last, md.nlink() > 1, union_ino) {
                        if let Some(k) = (0..b).find(|&k| {
                            branches[k]
                                .path
                                .join(PLINK_DIR)
                                .join(ino.to_string())
                                .symlink_metadata()
                                .is_ok()
                        }) {
                            found[0] = k;
                        }
                    }
                    break;
                }
            } else if md.is_dir() {
                found.push(b);
            } else {
                continue;
            }
            if honours_whiteouts(br) && br.path.join(&sofar).join(OPAQUE).symlink_metadata().is_ok()
            {
                break;
            }
        }
        if found.is_empty() || (!first_is_dir && i + 1 < parts.len()) {
            return Vec::new();
        }
        dirs = found;
    }
    dirs
}

/// The branches a use of union path `rel` keeps busy: those of `rel` and
/// of each of its parents but the root.
pub fn pinned(branches: &[Branch], rel: &Path, union_ino: Option<u64>) -> Vec<usize> {
    let mut out = Vec::new();
    let mut prefix = PathBuf::new();
    let n = rel.components().count();
    for (i, c) in rel.components().enumerate() {
        prefix.push(c);
        let ino = if i + 1 == n { union_ino } else { None };
        out.extend(lowers(branches, &prefix, ino));
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// A path's place relative to the mount: `rel` inside the union.
fn in_union(mnt: &Path, path: &Path) -> Option<PathBuf> {
    path.strip_prefix(mnt).ok().map(Path::to_path_buf)
}

/// Parses a `/proc/PID/maps` line: `(major, minor, inode, path)`.
pub fn parse_maps_line(line: &str) -> Option<((u32, u32), u64, PathBuf)> {
    let mut f = line.splitn(6, ' ');
    let _range = f.next()?;
    let _perms = f.next()?;
    let _offset = f.next()?;
    let (maj, min) = f.next()?.split_once(':')?;
    let ino: u64 = f.next()?.parse().ok()?;
    let path = f.next()?.trim_start();
    if ino == 0 || !path.starts_with('/') {
        return None;
    }
    Some((
        (
            u32::from_str_radix(maj, 16).ok()?,
            u32::from_str_radix(min, 16).ok()?,
        ),
        ino,
        PathBuf::from(path),
    ))
}

/// Parses the watches of a `/proc/PID/fdinfo/N` of an inotify fd: the
/// watched inodes' `(major, minor, inode number)`.
pub fn parse_inotify_fdinfo(text: &str) -> Vec<((u32, u32), u64)> {
    text.lines()
        .filter_map(|l| {
            let rest = l.strip_prefix("inotify ")?;
            let field = |k: &str| rest.split(' ').find_map(|f| f.strip_prefix(k));
            let ino = u64::from_str_radix(field("ino:")?, 16).ok()?;
            // The kernel's dev_t: 12 bits of major above 20 of minor.
            let sdev = u32::from_str_radix(field("sdev:")?, 16).ok()?;
            Some(((sdev >> 20, sdev & 0xfffff), ino))
        })
        .collect()
}

/// The users of `mount`'s branches among the processes in `/proc` (this one
/// aside), in pid order.
pub fn scan(mount: &AufsMount, branches: &[Branch]) -> Result<Vec<Busy>> {
    let mnt = &mount.info.mountpoint;
    let union_dev = std::fs::metadata(mnt).map(|m| m.dev()).ok();
    let me = std::process::id();
    let mut pids: Vec<u32> = std::fs::read_dir("/proc")
        .map_err(crate::ctx("/proc"))?
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
        .filter(|&p| p != me)
        .collect();
    pids.sort_unstable();
    let mut out = Vec::new();
    // Union inode number -> path, made when a watch needs it.
    let mut by_ino: Option<std::collections::HashMap<u64, PathBuf>> = None;
    let root_ino = std::fs::metadata(mnt).map(|m| m.ino()).ok();
    for pid in pids {
        let proc = PathBuf::from(format!("/proc/{pid}"));
        let command = std::fs::read_to_string(proc.join("comm"))
            .unwrap_or_default()
            .trim_end()
            .to_string();
        let mut uses: Vec<(Use, PathBuf, Vec<usize>)> = Vec::new();
        let mut add = |what: Use, link: &Path, path: PathBuf| {
            let Some(rel) = in_union(mnt, &path) else {
                return;
            };
            // The object itself must be the union's (a path may name a
            // dir the union covers).
            let md = std::fs::metadata(link).ok();
            if md.as_ref().map(|m| m.dev()) != union_dev {
                return;
            }
            let brs = pinned(branches, &rel, md.map(|m| m.ino()));
            uses.push((what, path, brs));
        };
        for (what, name) in [(Use::Cwd, "cwd"), (Use::Root, "root")] {
            if let Ok(path) = std::fs::read_link(proc.join(name)) {
                add(what, &proc.join(name), path);
            }
        }
        let mut watches = Vec::new();
        if let Ok(fds) = std::fs::read_dir(proc.join("fd")) {
            let mut fds: Vec<u32> = fds
                .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
                .collect();
            fds.sort_unstable();
            for fd in fds {
                let link = proc.join("fd").join(fd.to_string());
                let Ok(path) = std::fs::read_link(&link) else {
                    continue;
                };
                if path.as_os_str() != "anon_inode:inotify" {
                    add(Use::Fd(fd), &link, path);
                    continue;
                }
                let info = std::fs::read_to_string(proc.join("fdinfo").join(fd.to_string()))
                    .unwrap_or_default();
                for (dev, ino) in parse_inotify_fdinfo(&info) {
                    if dev != mount.info.dev || Some(ino) == root_ino {
                        continue;
                    }
                    let map = by_ino.get_or_insert_with(|| {
                        let mut map = std::collections::HashMap::new();
                        let _ = crate::walk::walk(mnt, &mut |p, md| {
                            map.entry(md.ino()).or_insert_with(|| p.to_path_buf());
                            Ok(true)
                        });
                        map
                    });
                    if let Some(path) = map.get(&ino) {
                        let rel = path.strip_prefix(mnt).unwrap_or(path);
                        let top = lowers(branches, rel, Some(ino))
                            .into_iter()
                            .take(1)
                            .collect();
                        watches.push((Use::Inotify(fd), path.clone(), top));
                    }
                }
            }
        }
        uses.extend(watches);
        // Mappings show the union path and the branch file's dev:ino.
        if let Ok(maps) = std::fs::read_to_string(proc.join("maps")) {
            let mut seen = Vec::new();
            for (dev, ino, path) in maps.lines().filter_map(parse_maps_line) {
                if seen.contains(&(dev, ino)) {
                    continue;
                }
                seen.push((dev, ino));
                // The union path, or the branch file's own path.
                let (rel, mut brs) = match in_union(mnt, &path) {
                    // The union's own file: it and its dirs are in use.
                    Some(rel) if dev == mount.info.dev => {
                        let brs = pinned(branches, &rel, Some(ino));
                        (rel, brs)
                    }
                    Some(rel) => {
                        let parents = pinned(branches, rel.parent().unwrap_or(Path::new("")), None);
                        (rel, parents)
                    }
                    None => match branches
                        .iter()
                        .find_map(|b| path.strip_prefix(&b.path).ok())
                    {
                        Some(rel) => (rel.to_path_buf(), Vec::new()),
                        None => continue,
                    },
                };
                for (i, b) in branches.iter().enumerate() {
                    if let Ok(md) = b.path.join(&rel).symlink_metadata() {
                        let d = rustix::fs::Dev::from(md.dev());
                        if (rustix::fs::major(d), rustix::fs::minor(d)) == dev && md.ino() == ino {
                            brs.push(i);
                        }
                    }
                }
                brs.sort_unstable();
                brs.dedup();
                uses.push((Use::Mmap, path, brs));
            }
        }
        for (what, path, brs) in uses {
            for branch in brs {
                out.push(Busy {
                    branch,
                    pid,
                    command: command.clone(),
                    what: what.clone(),
                    path: path.clone(),
                });
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mounts::parse_branch;

    fn tree(files: &[&str]) -> tempdir::Dir {
        let d = tempdir::Dir::new();
        for f in files {
            let p = d.0.join(f);
            if let Some(dir) = f.strip_suffix('/') {
                std::fs::create_dir_all(d.0.join(dir)).unwrap();
            } else {
                std::fs::create_dir_all(p.parent().unwrap()).unwrap();
                std::fs::write(p, b"x").unwrap();
            }
        }
        d
    }

    mod tempdir {
        pub struct Dir(pub std::path::PathBuf);
        impl Dir {
            pub fn new() -> Self {
                use std::sync::atomic::{AtomicU32, Ordering};
                static N: AtomicU32 = AtomicU32::new(0);
                let p = std::env::temp_dir().join(format!(
                    "aubusy-test-{}-{}",
                    std::process::id(),
                    N.fetch_add(1, Ordering::Relaxed)
                ));
                std::fs::create_dir_all(&p).unwrap();
                Dir(p)
            }
        }
        impl Drop for Dir {
            fn drop(&mut self) {
                let _ = std::fs::remove_dir_all(&self.0);
            }
        }
    }

    #[test]
    fn lookup_like_the_module() {
        let d = tree(&[
            "rw/m/",
            "rw/.wh.gone",
            "rw/o/",
            "rw/o/.wh..wh..opq",
            "x/m/",
            "x/d/in",
            "x/gone",
            "x/o/",
            "x/f",
            "l/f",
            "l/m/",
        ]);
        let br = |i, n: &str, perm: &str| {
            parse_branch(i, &format!("{}={perm}", d.0.join(n).display())).unwrap()
        };
        let brs = vec![br(0, "rw", "rw"), br(1, "x", "ro"), br(2, "l", "ro")];
        assert_eq!(lowers(&brs, Path::new(""), None), vec![0, 1, 2]);
        assert_eq!(lowers(&brs, Path::new("m"), None), vec![0, 1, 2]);
        assert_eq!(lowers(&brs, Path::new("d/in"), None), vec![1]);
        assert_eq!(lowers(&brs, Path::new("gone"), None), Vec::<usize>::new());
        assert_eq!(lowers(&brs, Path::new("o"), None), vec![0]);
        assert_eq!(lowers(&brs, Path::new("f"), None), vec![1]);
        assert_eq!(pinned(&brs, Path::new("d/in"), None), vec![1]);
        assert_eq!(pinned(&brs, Path::new(""), None), Vec::<usize>::new());
        // ro without +wh does not honour whiteouts.
        let brs2 = vec![br(0, "x", "ro"), br(1, "rw", "ro")];
        assert_eq!(lowers(&brs2, Path::new("gone"), None), vec![0]);
    }

    #[test]
    fn inotify_fdinfo() {
        let t = "pos:\t0\nflags:\t00\ninotify wd:1 ino:2a sdev:2d mask:fff ignored_mask:0 fhandle-bytes:8 fhandle-type:1 f_handle:2a\n";
        assert_eq!(parse_inotify_fdinfo(t), vec![((0, 0x2d), 0x2a)]);
        assert_eq!(
            parse_inotify_fdinfo("inotify wd:1 ino:1 sdev:800001 mask:1"),
            vec![((8, 1), 1)]
        );
    }

    #[test]
    fn maps_lines() {
        let l = "7f0000000000-7f0000001000 rw-s 00000000 00:1f 12345                      /tmp/t/mnt/mm";
        assert_eq!(
            parse_maps_line(l),
            Some(((0, 0x1f), 12345, PathBuf::from("/tmp/t/mnt/mm")))
        );
        assert_eq!(parse_maps_line("7f-80 r--p 00000000 00:00 0 [vdso]"), None);
        let deleted = "7f-80 r--p 00000000 fd:01 7 /a b (deleted)";
        assert_eq!(
            parse_maps_line(deleted).unwrap().2,
            PathBuf::from("/a b (deleted)")
        );
    }
}
