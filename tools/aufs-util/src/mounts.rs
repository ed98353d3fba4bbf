// SPDX-License-Identifier: GPL-2.0

//! An aufs mount and its branches: the mount from `/proc/self/mountinfo`
//! (its `si=ID` option), the branches from `/sys/fs/aufs/si_ID/brN`
//! (`PATH=PERM`, branch 0 on top), or, when the module was loaded with
//! `brs=0`, from the `br:PATH=PERM:...` that ends the mount's options, as
//! aufs-util reads them.

use crate::{ctx, Error, Result};
use std::path::{Path, PathBuf};

/// One line of `/proc/self/mountinfo`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MountInfo {
    /// `MAJOR:MINOR` of the mounted filesystem.
    pub dev: (u32, u32),
    pub mountpoint: PathBuf,
    pub fstype: String,
    pub source: String,
    pub super_opts: String,
}

/// Undoes mountinfo's octal escapes (`\040` for a space, ...).
pub fn unescape(field: &str) -> String {
    let b = field.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\'
            && i + 3 < b.len()
            && b[i + 1..i + 4].iter().all(|c| (b'0'..=b'7').contains(c))
        {
            out.push((b[i + 1] - b'0') * 64 + (b[i + 2] - b'0') * 8 + (b[i + 3] - b'0'));
            i += 4;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Parses one mountinfo line.
pub fn parse_mountinfo_line(line: &str) -> Option<MountInfo> {
    let (left, right) = line.split_once(" - ")?;
    let l: Vec<&str> = left.split(' ').collect();
    let r: Vec<&str> = right.split(' ').collect();
    let (maj, min) = l.get(2)?.split_once(':')?;
    Some(MountInfo {
        dev: (maj.parse().ok()?, min.parse().ok()?),
        mountpoint: PathBuf::from(unescape(l.get(4)?)),
        fstype: r.first()?.to_string(),
        source: unescape(r.get(1)?),
        super_opts: r.get(2).unwrap_or(&"").to_string(),
    })
}

/// Every mount of this process's namespace.
pub fn mountinfo() -> Result<Vec<MountInfo>> {
    let text =
        std::fs::read_to_string("/proc/self/mountinfo").map_err(ctx("/proc/self/mountinfo"))?;
    Ok(text.lines().filter_map(parse_mountinfo_line).collect())
}

/// A branch of an aufs mount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Branch {
    /// Its index: 0 is the top.
    pub index: usize,
    pub path: PathBuf,
    /// `rw`, `ro`, `rr`, with attributes such as `+wh`.
    pub perm: String,
}

impl Branch {
    /// A writable (`rw`) branch: copy-ups, whiteouts and pseudo-links go there.
    pub fn writable(&self) -> bool {
        self.perm == "rw" || self.perm.starts_with("rw+")
    }
}

/// Parses a sysfs `brN` file's `PATH=PERM` (the last `=` splits: paths may hold `=`).
pub fn parse_branch(index: usize, text: &str) -> Option<Branch> {
    let (path, perm) = text.trim_end_matches('\n').rsplit_once('=')?;
    Some(Branch {
        index,
        path: PathBuf::from(path),
        perm: perm.to_string(),
    })
}

/// An aufs mount.
#[derive(Debug, Clone)]
pub struct AufsMount {
    pub info: MountInfo,
    /// The `si=` id: `/sys/fs/aufs/si_ID`.
    pub si: String,
}

impl AufsMount {
    /// The aufs mount at `mnt` (the topmost when several are stacked there).
    pub fn find(mnt: &Path) -> Result<Self> {
        let real = std::fs::canonicalize(mnt).map_err(ctx(mnt.display()))?;
        let info = mountinfo()?
            .into_iter()
            .rfind(|m| m.mountpoint == real)
            .ok_or_else(|| Error(format!("{}: not a mount point", mnt.display())))?;
        if info.fstype != "aufs" {
            return Err(Error(format!(
                "{}: not aufs but {}",
                mnt.display(),
                info.fstype
            )));
        }
        let si = si_of(&info.super_opts)
            .ok_or_else(|| Error(format!("{}: no si= in its mount options", mnt.display())))?;
        Ok(AufsMount { info, si })
    }

    /// `/sys/fs/aufs/si_ID`.
    pub fn sysfs_dir(&self) -> PathBuf {
        PathBuf::from(format!("/sys/fs/aufs/si_{}", self.si))
    }

    /// The branches, top first.
    pub fn branches(&self) -> Result<Vec<Branch>> {
        let dir = self.sysfs_dir();
        let mut out = Vec::new();
        for index in 0.. {
            let file = dir.join(format!("br{index}"));
            match std::fs::read_to_string(&file) {
                Ok(text) => out.push(
                    parse_branch(index, &text)
                        .ok_or_else(|| Error(format!("{}: bad line {text:?}", file.display())))?,
                ),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => break,
                Err(e) => return Err(ctx(file.display())(e)),
            }
        }
        if out.is_empty() {
            out = branches_of_options(&self.info.super_opts).ok_or_else(|| {
                Error(format!(
                    "{}: no branches (and no br: in the mount options)",
                    dir.display()
                ))
            })?;
        }
        Ok(out)
    }
}

/// The value of `si=` in a mount's options.
pub fn si_of(opts: &str) -> Option<String> {
    opts.split(',')
        .find_map(|o| o.strip_prefix("si="))
        .map(str::to_string)
}

/// The branches listed by `br:PATH=PERM:...` at the end of a mount's
/// options (aufs loaded with `brs=0`); paths come octal-escaped.
pub fn branches_of_options(opts: &str) -> Option<Vec<Branch>> {
    let (_, list) = opts.split_once(",br:")?;
    list.split(':')
        .enumerate()
        .map(|(index, spec)| parse_branch(index, &unescape(spec)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mountinfo_line() {
        let m = parse_mountinfo_line(
            "36 25 0:45 / /tmp/a\\040b rw,relatime shared:1 - aufs none rw,si=1f2e3d",
        )
        .unwrap();
        assert_eq!(m.dev, (0, 45));
        assert_eq!(m.mountpoint, PathBuf::from("/tmp/a b"));
        assert_eq!(m.fstype, "aufs");
        assert_eq!(si_of(&m.super_opts).as_deref(), Some("1f2e3d"));
        assert!(parse_mountinfo_line("garbage").is_none());
    }

    #[test]
    fn branches_listed_in_the_options() {
        let b = branches_of_options("rw,si=1f,udba=none,br:/rw\\040x=rw:/l=ro+wh").unwrap();
        assert_eq!(b.len(), 2);
        assert_eq!((b[0].index, b[0].path.as_path()), (0, Path::new("/rw x")));
        assert!(b[0].writable());
        assert_eq!((b[1].index, b[1].perm.as_str()), (1, "ro+wh"));
        assert!(branches_of_options("rw,si=1f").is_none());
    }

    #[test]
    fn branch_lines() {
        let b = parse_branch(1, "/a=b/diff=ro+wh\n").unwrap();
        assert_eq!(b.path, PathBuf::from("/a=b/diff"));
        assert_eq!(b.perm, "ro+wh");
        assert!(!b.writable());
        assert!(parse_branch(0, "/x=rw").unwrap().writable());
        assert!(parse_branch(0, "/x=rw+nolwh").unwrap().writable());
        assert!(!parse_branch(0, "/x=rr").unwrap().writable());
    }

    #[test]
    fn escapes() {
        assert_eq!(unescape("a\\011b\\134"), "a\tb\\");
        assert_eq!(unescape("trailing\\"), "trailing\\");
    }
}
