// SPDX-License-Identifier: GPL-2.0

//! Pseudo-links (auplink). When one name of a hardlinked lower file is
//! copied up, aufs links the copy as `.wh..wh.plnk/INO` on the writable
//! branch (INO: the file's aufs inode number, kept by xino) and the file's
//! other names show that copy; the branch alone does not have those names.
//!
//! Interface: aufs_rs has no `/sys/fs/aufs/si_ID/plink` list nor aufs's
//! plink ioctls; the pseudo-links are read where they live, the
//! `.wh..wh.plnk` dir of each branch of the mount (`/sys/fs/aufs/si_ID/brN`
//! names them), and the names of each one are found by walking the union for
//! its inode number (aufs-util's auplink walks the union with ftw too).
//! `cpup`/`flush` then make each name a real hardlink on the branch that
//! holds the pseudo-link: the dirs on the way are copied up through the
//! union (a `chown` to the same owner, as aufs-util does), the name is
//! linked to the pseudo-link on the branch (the union sees it at its next
//! lookup: `udba=reval`), and `flush` finally removes the pseudo-links whose
//! every name is now on the branch.
//!
//! At umount the module keeps the pseudo-links on the branch, as aufs does;
//! they name files by the inode numbers of that mount, so a later mount may
//! not find them: flush before unmounting (umount.aufs does). A name counts
//! as a pseudo-link's only when the union shows that very file (same size,
//! mtime and mode), so a stale pseudo-link has no name and `flush` removes it.

use crate::mounts::{AufsMount, Branch};
use crate::walk::{relative, walk};
use crate::wh::PLINK_DIR;
use crate::{ctx, Error, Result};
use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// One pseudo-link and the union names of its file.
#[derive(Debug)]
pub struct Plink {
    /// The branch whose `.wh..wh.plnk` holds it.
    pub branch: Branch,
    /// The aufs inode number (its name there).
    pub ino: u64,
    /// `BRANCH/.wh..wh.plnk/INO`.
    pub file: PathBuf,
    /// The file's names in the union (full paths), sorted.
    pub names: Vec<PathBuf>,
}

/// The pseudo-links of `mount`, by branch then inode number. Entries that
/// are not a number are left to auchk.
pub fn list(mount: &AufsMount) -> Result<Vec<Plink>> {
    let mut by_ino: BTreeMap<u64, Vec<Plink>> = BTreeMap::new();
    for branch in mount.branches()? {
        let dir = branch.path.join(PLINK_DIR);
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(ctx(dir.display())(e)),
        };
        for entry in entries {
            let entry = entry.map_err(ctx(dir.display()))?;
            let Some(ino) = entry
                .file_name()
                .to_str()
                .and_then(|n| n.parse::<u64>().ok())
            else {
                continue;
            };
            by_ino.entry(ino).or_default().push(Plink {
                branch: branch.clone(),
                ino,
                file: entry.path(),
                names: Vec::new(),
            });
        }
    }
    if by_ino.is_empty() {
        return Ok(Vec::new());
    }
    // The pseudo-links' own attributes: a name counts only when the union
    // shows that file (a pseudo-link left by an earlier mount names an
    // inode number of that mount, which may now be another file's).
    let mut attrs: BTreeMap<PathBuf, Option<(u64, i64, i64, u32)>> = BTreeMap::new();
    for p in by_ino.values().flatten() {
        let a = std::fs::symlink_metadata(&p.file)
            .ok()
            .map(|m| (m.size(), m.mtime(), m.mtime_nsec(), m.mode()));
        attrs.insert(p.file.clone(), a);
    }
    let root = &mount.info.mountpoint;
    walk(root, &mut |path, md| {
        if !md.is_dir() {
            if let Some(plinks) = by_ino.get_mut(&md.ino()) {
                let seen = Some((md.size(), md.mtime(), md.mtime_nsec(), md.mode()));
                for p in plinks.iter_mut().filter(|p| attrs[&p.file] == seen) {
                    p.names.push(path.to_path_buf());
                }
            }
        }
        Ok(true)
    })?;
    let mut out: Vec<Plink> = by_ino.into_values().flatten().collect();
    out.sort_by_key(|p| (p.branch.index, p.ino));
    Ok(out)
}

/// What making one name a hardlink on the branch did.
#[derive(Debug, PartialEq, Eq)]
pub enum Linked {
    /// The branch has the name, as a link of the pseudo-link.
    Already,
    /// The name was linked now.
    Made,
    /// The branch has another object under that name (a branch above the
    /// pseudo-link's shows the file): left alone.
    Other,
}

/// Makes the union name `name` (under `mnt`) a hardlink of `plink` on its
/// branch: copies up the dirs on the way through the union, then links.
pub fn link_name(mnt: &Path, plink: &Plink, name: &Path) -> Result<Linked> {
    let target_md = std::fs::symlink_metadata(&plink.file).map_err(ctx(plink.file.display()))?;
    let rel = relative(mnt, name);
    let on_branch = plink.branch.path.join(&rel);
    match std::fs::symlink_metadata(&on_branch) {
        Ok(md) if md.dev() == target_md.dev() && md.ino() == target_md.ino() => {
            return Ok(Linked::Already)
        }
        Ok(_) => return Ok(Linked::Other),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(ctx(on_branch.display())(e)),
    }
    if let Some(parent) = rel.parent().filter(|p| !p.as_os_str().is_empty()) {
        copy_up_dirs(mnt, &plink.branch.path, parent)?;
    }
    std::fs::hard_link(&plink.file, &on_branch).map_err(|e| {
        Error(format!(
            "link {} to {}: {e}",
            plink.file.display(),
            on_branch.display()
        ))
    })?;
    Ok(Linked::Made)
}

/// Makes the union dir `mnt/rel` (and its parents) exist on `branch`: each
/// missing one is copied up by the union itself, by a `chown` to its own
/// owner (a setattr copies up, with the dir's mode, owner, times, xattrs).
fn copy_up_dirs(mnt: &Path, branch: &Path, rel: &Path) -> Result<()> {
    let mut sofar = PathBuf::new();
    for part in rel.components() {
        sofar.push(part);
        if branch.join(&sofar).is_dir() {
            continue;
        }
        let dir = mnt.join(&sofar);
        let md = std::fs::symlink_metadata(&dir).map_err(ctx(dir.display()))?;
        std::os::unix::fs::lchown(&dir, Some(md.uid()), Some(md.gid()))
            .map_err(|e| Error(format!("copy-up of {} (chown): {e}", dir.display())))?;
        if !branch.join(&sofar).is_dir() {
            return Err(Error(format!(
                "{}: not copied up to {} by a chown",
                dir.display(),
                branch.display()
            )));
        }
    }
    Ok(())
}

/// The counts of a cpup or flush.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub linked: usize,
    pub already: usize,
    pub skipped: usize,
    pub removed: usize,
}

/// `auplink cpup` (`flush == false`) or `flush`: every name of every
/// pseudo-link on a writable branch becomes a hardlink there; with `flush`
/// the pseudo-links whose names all are then go. `report` gets each step.
pub fn cpup(mount: &AufsMount, flush: bool, report: &mut dyn FnMut(&str)) -> Result<Summary> {
    let mnt = &mount.info.mountpoint;
    let mut sum = Summary::default();
    for plink in list(mount)? {
        if !plink.branch.writable() {
            report(&format!(
                "{}: on a read-only branch, left",
                plink.file.display()
            ));
            sum.skipped += 1;
            continue;
        }
        let mut complete = true;
        for name in &plink.names {
            match link_name(mnt, &plink, name)? {
                Linked::Already => sum.already += 1,
                Linked::Made => {
                    report(&format!("linked {}", name.display()));
                    sum.linked += 1
                }
                Linked::Other => {
                    report(&format!(
                        "{}: another file on {}, left",
                        name.display(),
                        plink.branch.path.display()
                    ));
                    sum.skipped += 1;
                    complete = false
                }
            }
        }
        if flush && complete {
            std::fs::remove_file(&plink.file).map_err(ctx(plink.file.display()))?;
            report(&format!("removed {}", plink.file.display()));
            sum.removed += 1;
        }
    }
    Ok(sum)
}
