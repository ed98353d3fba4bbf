// SPDX-License-Identifier: GPL-2.0

//! Copy-up: bringing an object from a read-only branch to the writable one
//! (`cpup=tdp`: the topmost writable branch), parents first.
//!
//! A regular file is built under a temporary name in the branch's
//! `.wh..wh.orph/` (data with holes kept, then xattrs, then owner, mode and
//! times) and renamed into place, so an error never leaves a half-copied file
//! visible; the lower file is only read. Dirs, symlinks and device nodes are
//! made in place in one step.
//!
//! What an operation makes on the writable branch (copied-up dirs and files,
//! its own new object, a whiteout it removed) is recorded in its [`Undo`]:
//! when the operation fails later, the branch and the union dentries go back
//! to what they were, newest step first.

#![forbid(unsafe_code)]

use crate::branch::Union;
use crate::brattr::Attrs;
use crate::lookup::{DentryInfo, Lower};
use crate::lookup::{UnionDentry, UnionDentryRef};
use crate::upper::RENAME_NOREPLACE;
use crate::vfs::{current_maps_owner, AttrChange, LowerFile, NewObject, Path};
use crate::whiteout::whiteout_name;
use core::ffi::CStr;
use core::sync::atomic::{AtomicU64, Ordering};
use kernel::sync::Arc;
use kernel::{error::code::*, prelude::*, str::CString};

/// The branch changes of one operation so far, undone newest first when it
/// is dropped without [`Undo::keep`]: a failed operation leaves the writable
/// branch as it found it (a failure of the undo itself is logged). A step is
/// prepared (its memory taken) before the change it records, so recording it
/// cannot fail.
pub(crate) struct Undo<'a> {
    union: &'a Union,
    steps: KVec<Step>,
    pending: usize,
}

/// One recorded branch change.
pub(crate) enum Step {
    /// `name` made in `dir`: removed again.
    Made {
        dir: Path,
        name: KVec<u8>,
        is_dir: bool,
    },
    /// A dir copied up as `name` in `dir` for the union dir `dentry`, whose
    /// info was `old`: the info goes back first (nothing new finds the copy),
    /// then the copy, unless something was made in it meanwhile.
    CopiedDir {
        dir: Path,
        name: KVec<u8>,
        dentry: UnionDentryRef,
        old: Arc<DentryInfo>,
        new: Option<Arc<DentryInfo>>,
    },
    /// A non-dir copied up for `dentry`, whose info was `old`.
    CopiedFile {
        dir: Path,
        name: KVec<u8>,
        dentry: UnionDentryRef,
        old: Arc<DentryInfo>,
    },
    /// The whiteout of `name` removed from `dir` on branch `wbr`: made again.
    Unhidden {
        dir: Path,
        name: KVec<u8>,
        wbr: usize,
    },
    /// `from_name` in `from` renamed to `to_name` in `to`: renamed back.
    Renamed {
        from: Path,
        from_name: KVec<u8>,
        to: Path,
        to_name: KVec<u8>,
    },
}

fn name_vec(name: &[u8]) -> Result<KVec<u8>> {
    let mut v = KVec::with_capacity(name.len(), GFP_KERNEL)?;
    v.extend_from_slice(name, GFP_KERNEL)?;
    Ok(v)
}

impl<'a> Undo<'a> {
    pub(crate) fn new(union: &'a Union) -> Self {
        Undo {
            union,
            steps: KVec::new(),
            pending: 0,
        }
    }

    /// Room for one more step: call before the change, then [`Undo::push`].
    fn room(&mut self) -> Result {
        self.steps.reserve(self.pending + 1, GFP_KERNEL)?;
        self.pending += 1;
        Ok(())
    }

    /// Prepares the step for `name` about to be made in `dir`.
    pub(crate) fn made(&mut self, dir: &Path, name: &[u8], is_dir: bool) -> Result<Step> {
        let name = name_vec(name)?;
        self.room()?;
        Ok(Step::Made {
            dir: dir.clone_ref(),
            name,
            is_dir,
        })
    }

    /// Prepares the step for the whiteout of `name` about to be removed.
    pub(crate) fn unhidden(&mut self, dir: &Path, name: &[u8], wbr: usize) -> Result<Step> {
        let name = name_vec(name)?;
        self.room()?;
        Ok(Step::Unhidden {
            dir: dir.clone_ref(),
            name,
            wbr,
        })
    }

    /// Prepares the step for a rename about to be made.
    pub(crate) fn renamed(
        &mut self,
        from: &Path,
        from_name: &[u8],
        to: &Path,
        to_name: &[u8],
    ) -> Result<Step> {
        let (from_name, to_name) = (name_vec(from_name)?, name_vec(to_name)?);
        self.room()?;
        Ok(Step::Renamed {
            from: from.clone_ref(),
            from_name,
            to: to.clone_ref(),
            to_name,
        })
    }

    fn copied(
        &mut self,
        dir: &Path,
        name: &[u8],
        dentry: &UnionDentry<'_>,
        old: Arc<DentryInfo>,
        is_dir: bool,
    ) -> Result<Step> {
        let name = name_vec(name)?;
        self.room()?;
        let (dir, dentry) = (dir.clone_ref(), dentry.get());
        Ok(if is_dir {
            Step::CopiedDir {
                dir,
                name,
                dentry,
                old,
                new: None,
            }
        } else {
            Step::CopiedFile {
                dir,
                name,
                dentry,
                old,
            }
        })
    }

    /// A prepared step whose change was not made after all.
    fn forget(&mut self) {
        self.pending = self.pending.saturating_sub(1);
    }

    /// Records a prepared step (the change was made).
    pub(crate) fn push(&mut self, step: Step) {
        self.pending = self.pending.saturating_sub(1);
        // Cannot fail: `room` reserved the place.
        let _ = self.steps.push_within_capacity(step);
    }

    /// The object is made, but the operation may still fail (the open of
    /// an open(2) that created a file): the changes stay, and the copy-ups
    /// of parent dirs are handed back to undo then ([`Undo::from_steps`]).
    pub(crate) fn keep_parents(mut self) -> KVec<Step> {
        let mut steps = core::mem::take(&mut self.steps);
        steps.retain(|s| matches!(s, Step::CopiedDir { .. }));
        steps
    }

    /// An undo of `steps` (from [`Undo::keep_parents`]).
    pub(crate) fn from_steps(union: &'a Union, steps: KVec<Step>) -> Self {
        Undo {
            union,
            steps,
            pending: 0,
        }
    }

    /// The operation succeeded: its changes stay.
    pub(crate) fn keep(mut self) {
        self.steps.clear();
    }
}

impl Undo<'_> {
    /// The original (the top object of `old`, the info before the copy-up)
    /// and the copy `name` in `dir`, for [`Undo::forget_copy`].
    fn copy_of(&self, old: &DentryInfo, dir: &Path, name: &[u8]) -> Option<(Path, Path)> {
        let original = old.top()?.path.clone_ref();
        Some((original, dir.lookup_child(name).ok()??))
    }

    /// A copy removed again gives back the inode number it shared with
    /// its original (see [`Union::keep_inode_number`]).
    fn forget_copy(&self, copy: Option<(Path, Path)>) {
        if let Some((original, copy)) = copy {
            self.union.forget_inode_number(&original, &copy);
        }
    }
}

impl Drop for Undo<'_> {
    fn drop(&mut self) {
        if self.steps.is_empty() {
            return;
        }
        let _mounter = self.union.as_mounter();
        while let Some(step) = self.steps.pop() {
            let (res, what) = self.undo_step(step);
            crate::upper::undo(res, what);
        }
    }
}

impl Undo<'_> {
    /// Removes the copy `name` in `dir` of the object of `dentry`, whose
    /// info goes back to `old`. A dir in which something was made meanwhile
    /// stays, with the info `new` of the copy.
    fn remove_copy(
        &self,
        dir: &Path,
        name: &[u8],
        dentry: &UnionDentry<'_>,
        old: Arc<DentryInfo>,
        new: Option<Arc<DentryInfo>>,
        is_dir: bool,
    ) -> Result {
        let copy = self.copy_of(&old, dir, name);
        dentry.restore_info(old);
        let res = dir.remove_child(name, is_dir);
        match (&res, new) {
            (Ok(()), _) => self.forget_copy(copy),
            (Err(_), Some(new)) => dentry.restore_info(new),
            (Err(_), None) => {}
        }
        res
    }

    /// Takes back one step (as the mounter); returns how that went and what
    /// the step was, for the message if it failed.
    fn undo_step(&self, step: Step) -> (Result, &'static str) {
        match step {
            Step::Made { dir, name, is_dir } => (remove_made(&dir, &name, is_dir), "a new object"),
            Step::CopiedDir {
                dir,
                name,
                dentry,
                old,
                new,
            } => (
                self.remove_copy(&dir, &name, &dentry, old, new, true),
                "a copied-up dir",
            ),
            Step::CopiedFile {
                dir,
                name,
                dentry,
                old,
            } => (
                self.remove_copy(&dir, &name, &dentry, old, None, false),
                "a copy",
            ),
            Step::Unhidden { dir, name, wbr } => {
                let mut buf = [0u8; 256];
                let res = match whiteout_name(&name, &mut buf) {
                    Some(wh) => crate::upper::make_marker(self.union, &dir, wh, wbr),
                    None => Err(ENAMETOOLONG),
                };
                (res, "a removed whiteout")
            }
            Step::Renamed {
                from,
                from_name,
                to,
                to_name,
            } => (
                to.rename_child(&to_name, &from, &from_name, RENAME_NOREPLACE),
                "a rename",
            ),
        }
    }
}

/// Removes the new object `name` in `dir`: a dir with aufs's own names in it
/// (the opaque marker) is emptied of them first.
fn remove_made(dir: &Path, name: &[u8], is_dir: bool) -> Result {
    if !is_dir {
        return dir.remove_child(name, false);
    }
    let made = dir.lookup_child(name)?.ok_or(ENOENT)?;
    crate::upper::remove_upper_dir(dir, name, &made)
}

/// Makes sure `dentry` (a dir) exists on branch `wbr`, copying up its missing
/// ancestors first, top-down. Returns the dir on `wbr`.
pub(crate) fn upper_dir(
    union: &Union,
    dentry: &UnionDentry<'_>,
    wbr: usize,
    undo: &mut Undo<'_>,
) -> Result<Path> {
    if let Some(dir) = dentry.info(union)?.on_branch(wbr) {
        return Ok(dir.path.clone_ref());
    }
    // Walk up to the nearest ancestor that has the dir on `wbr` (the root
    // always has: every branch root is in its info).
    let mut missing: KVec<UnionDentryRef> = KVec::new();
    let mut next = dentry.parent();
    let mut dir = loop {
        let Some(d) = next else {
            return Err(EROFS);
        };
        if let Some(found) = d.info(union)?.on_branch(wbr) {
            break found.path.clone_ref();
        }
        next = d.parent();
        missing.push(d, GFP_KERNEL)?;
    };
    for d in missing.iter().rev() {
        dir = copy_up_dir(union, d, &dir, wbr, undo)?;
    }
    copy_up_dir(union, dentry, &dir, wbr, undo)
}

/// Copies one dir up into `parent` (its parent dir on `wbr`).
fn copy_up_dir(
    union: &Union,
    dentry: &UnionDentry<'_>,
    parent: &Path,
    wbr: usize,
    undo: &mut Undo<'_>,
) -> Result<Path> {
    let info = dentry.info(union)?;
    let src = info.top().ok_or(ENOENT)?;
    let name = dentry.name()?;
    let mut step = undo.copied(parent, &name, dentry, info.clone(), true)?;
    let _mounter = union.as_mounter();
    let dir = match parent.make_child(&name, NewObject::Dir(src.path.mode() as u16 & 0o7777)) {
        Err(e) if e == EEXIST => {
            undo.forget();
            parent.lookup_child(&name)?.ok_or(ENOENT)?
        }
        made => {
            let dir = made?;
            let prepared = info
                .with_upper(union, wbr, dir.clone_ref())
                .and_then(UnionDentry::prepare_info);
            let filled = prepared.and_then(|p| {
                copy_xattrs(&src.path, &dir, union.branches[wbr].perm.attrs)?;
                copy_attributes(&src.path, &dir)?;
                Ok(p)
            });
            let prepared = match filled {
                Ok(p) => p,
                Err(e) => {
                    crate::upper::undo(parent.remove_child(&name, true), "a copied-up dir");
                    undo.forget();
                    return Err(e);
                }
            };
            if let Step::CopiedDir { new, .. } = &mut step {
                *new = Some(dentry.set_prepared(prepared));
            }
            undo.push(step);
            // A dir's number follows its top object too (after an eviction
            // the lookup numbers the copy): the copy keeps the original's.
            union.keep_inode_number(&src.path, &dir);
            return Ok(dir);
        }
    };
    dentry.set_info(info.with_upper(union, wbr, dir.clone_ref())?)?;
    Ok(dir)
}

/// Copies a non-dir up to `wbr` unless it is there already. Returns its path
/// on `wbr`.
///
/// The caller holds the union inode's lock (the VFS does for namespace and
/// attribute changes, `open` does for writers): one object (every name of a
/// hardlink shares the union inode) is copied up once, and a caller that
/// waited for the lock finds the copy here. A name whose hardlink was copied
/// up through another name is linked to that copy (pseudo-link), not copied
/// again. Only a writable branch at or above the object's branch may take
/// the copy (aufs's rule): below it, the copy would stay hidden; EROFS.
pub(crate) fn copy_up(
    union: &Union,
    dentry: &UnionDentry<'_>,
    wbr: usize,
    undo: &mut Undo<'_>,
) -> Result<Path> {
    let info = dentry.current_info(union)?;
    let src = info.top().ok_or(ENOENT)?;
    if src.branch < wbr {
        return Err(EROFS);
    }
    if src.branch == wbr && !info.pseudo {
        return Ok(src.path.clone_ref());
    }
    if src.path.is_dir() {
        return upper_dir(union, dentry, wbr, undo);
    }
    let parent = dentry.parent().ok_or(EINVAL)?;
    let dir = upper_dir(union, &parent, wbr, undo)?;
    let name = dentry.name()?;
    let step = undo.copied(&dir, &name, dentry, info.clone(), false)?;
    let _mounter = union.as_mounter();
    let (copy, made) = if src.branch == wbr {
        made_or_existing(&dir, &name, NewObject::Link(&src.path))?
    } else {
        copy_object(union, &src.path, &dir, &name, wbr)?
    };
    // Recorded at once: what fails below removes the copy again.
    if made {
        undo.push(step);
    } else {
        undo.forget();
    }
    let prepared = UnionDentry::prepare_info(DentryInfo::single(union, wbr, copy.clone_ref())?)?;
    if src.branch != wbr {
        union.keep_inode_number(&src.path, &copy);
        union.add_pseudo_link(&src.path, &copy, wbr);
        // Last: an append-only or immutable copy refuses renames and links.
        copy_inode_flags(&src.path, &copy)?;
        // A copy of a file with data took blocks: FHSM hears at once.
        union.fhsm_wrote(wbr, copy.size() > 0);
    }
    dentry.set_prepared(prepared);
    Ok(copy)
}

/// Makes the copy of non-dir `src` as `name` in `dir` on branch `wbr`, or
/// finds the one another copy-up made there meanwhile.
pub(crate) fn copy_object(
    union: &Union,
    src: &Path,
    dir: &Path,
    name: &[u8],
    wbr: usize,
) -> Result<(Path, bool)> {
    let mode = src.mode();
    match mode & crate::vfs::S_IFMT {
        crate::vfs::S_IFREG => copy_up_file(union, src, dir, name, wbr),
        crate::vfs::S_IFLNK => {
            let target = src.read_link()?;
            let target = CStr::from_bytes_with_nul(&target).map_err(|_| EINVAL)?;
            let (link, made) = made_or_existing(dir, name, NewObject::Symlink(target))?;
            if made {
                if let Err(e) = copy_attributes_no_mode(src, &link) {
                    crate::upper::undo(dir.remove_child(name, false), "a copy");
                    return Err(e);
                }
            }
            Ok((link, made))
        }
        _ => {
            let node = NewObject::Node(mode as u16, src.rdev());
            let (node, made) = made_or_existing(dir, name, node)?;
            if made {
                let icex = union.branches[wbr].perm.attrs;
                if let Err(e) =
                    copy_xattrs(src, &node, icex).and_then(|()| copy_attributes(src, &node))
                {
                    crate::upper::undo(dir.remove_child(name, false), "a copy");
                    return Err(e);
                }
            }
            Ok((node, made))
        }
    }
}

/// Makes `name` in `dir` as `what`; if it exists already (another copy-up
/// won the race), that one. True when made here.
fn made_or_existing(dir: &Path, name: &[u8], what: NewObject<'_>) -> Result<(Path, bool)> {
    match dir.make_child(name, what) {
        Err(e) if e == EEXIST => Ok((dir.lookup_child(name)?.ok_or(ENOENT)?, false)),
        made => Ok((made?, true)),
    }
}

/// The inode flags a copy keeps: append-only, immutable, nodump, noatime
/// (`FS_*_FL`; the ones every writable branch filesystem of note has).
const COPIED_INODE_FLAGS: u32 = 0x10 | 0x20 | 0x40 | 0x80;

/// Gives `dst` the inode flags of `src` (chattr's a, i, d, A). Nothing to do
/// when either filesystem has no inode flags.
pub(crate) fn copy_inode_flags(src: &Path, dst: &Path) -> Result {
    let Some(flags) = src.inode_flags()? else {
        return Ok(());
    };
    let wanted = flags & COPIED_INODE_FLAGS;
    let Some(current) = dst.inode_flags()? else {
        return Ok(());
    };
    if current & COPIED_INODE_FLAGS == wanted {
        return Ok(());
    }
    match dst.set_inode_flags((current & !COPIED_INODE_FLAGS) | wanted) {
        Err(e) if e == EOPNOTSUPP => Ok(()),
        other => other,
    }
}

/// Builds the copy of a regular file under a temporary name, then renames it
/// to `name` in `dir`, never over an existing `name`: that is a copy another
/// copy-up made meanwhile, which wins (its writers are on it).
fn copy_up_file(
    union: &Union,
    src: &Path,
    dir: &Path,
    name: &[u8],
    wbr: usize,
) -> Result<(Path, bool)> {
    static SEQUENCE: AtomicU64 = AtomicU64::new(0);
    let orph = &union.branches[wbr].setup.as_ref().ok_or(EROFS)?.orph;
    let temp = CString::try_from_fmt(fmt!(
        ".wh..wh.cpup.{:x}",
        SEQUENCE.fetch_add(1, Ordering::Relaxed)
    ))?;
    let temp = temp.to_bytes();
    let icex = union.branches[wbr].perm.attrs;
    match copy_file_via(src, orph, temp, dir, name, RENAME_NOREPLACE, icex) {
        Ok(()) => match dir.lookup_child(name).and_then(|copy| copy.ok_or(ENOENT)) {
            Ok(copy) => Ok((copy, true)),
            Err(e) => {
                crate::upper::undo(dir.remove_child(name, false), "a copy");
                Err(e)
            }
        },
        Err(e) => {
            if e == EEXIST {
                return Ok((dir.lookup_child(name)?.ok_or(ENOENT)?, false));
            }
            Err(e)
        }
    }
}

/// Builds a copy of regular file `src` as `temp` in `temp_dir` (data, then
/// xattrs, then owner, mode and times) and renames it to `name` in `dir`
/// with `rename_flags`. On error the temporary is gone (the rename was the
/// last step, so nothing half-copied is ever under `name`). `icex`: the
/// target branch's attributes ([`copy_xattrs`]).
pub(crate) fn copy_file_via(
    src: &Path,
    temp_dir: &Path,
    temp: &[u8],
    dir: &Path,
    name: &[u8],
    rename_flags: u32,
    icex: Attrs,
) -> Result {
    let made = temp_dir.make_child(temp, NewObject::File(0o600))?;
    let filled = copy_data(src, &made)
        .and_then(|()| copy_xattrs(src, &made, icex))
        .and_then(|()| copy_attributes(src, &made))
        .and_then(|()| temp_dir.rename_child(temp, dir, name, rename_flags));
    if filled.is_err() {
        let _ = temp_dir.remove_child(temp, false);
    }
    filled
}

/// Copies the data, keeping holes: only the ranges SEEK_DATA finds are
/// copied (copy_file_range, which clones where the branch fs can), and the
/// size is set at the end so a trailing hole stays a hole.
fn copy_data(src: &Path, dst: &Path) -> Result {
    let from = LowerFile::open(src, crate::vfs::O_RDONLY)?;
    let to = LowerFile::open(dst, crate::vfs::O_WRONLY)?;
    let size = src.size();
    from.copy_data_to(&to, size)?;
    dst.set_attributes(&AttrChange {
        size: Some(size as i64),
        ..Default::default()
    })
}

/// Copies every extended attribute (security.*, trusted.*, user.*, and the
/// POSIX ACLs, which are xattrs too). One the copy's branch refuses fails
/// the copy-up, unless that branch's attributes `icex` hold the icex one of
/// the xattr's namespace (brattr.rs; aufs's rule).
pub(crate) fn copy_xattrs(src: &Path, dst: &Path, icex: Attrs) -> Result {
    let names = match src.list_xattrs() {
        Ok(names) => names,
        Err(e) if e == EOPNOTSUPP => return Ok(()),
        Err(e) => return Err(e),
    };
    for name in names.split(|&c| c == 0).filter(|n| !n.is_empty()) {
        let text = core::str::from_utf8(name).map_err(|_| EINVAL)?;
        let name = CString::try_from_fmt(fmt!("{text}"))?;
        let copied = if text.starts_with("system.posix_acl_") {
            src.copy_acl_to(dst, &name)
        } else {
            match src.get_xattr(&name) {
                Ok(value) => dst.set_xattr(&name, &value, 0),
                Err(e) if e == ENODATA || e == EOPNOTSUPP => continue,
                Err(e) => return Err(e),
            }
        };
        match copied {
            Err(e) if icex.ignores_xattr_error(name.to_bytes(), e.to_errno()) => {}
            other => other?,
        }
    }
    Ok(())
}

/// EOVERFLOW unless the mounter's user namespace maps the owner `uid`/`gid`: in
/// a rootless mount a copy must not be given to an owner its mounter could
/// not give a file to (such as real root), as overlayfs refuses it. Always
/// true in the initial namespace. Called as the mounter.
fn check_owner_mapped(uid: u32, gid: u32) -> Result {
    if current_maps_owner(uid, gid) {
        Ok(())
    } else {
        Err(EOVERFLOW)
    }
}

/// Copies owner, mode and times (last, so the copy's own writes do not move
/// the times).
pub(crate) fn copy_attributes(src: &Path, dst: &Path) -> Result {
    let a = src.attributes();
    check_owner_mapped(a.uid, a.gid)?;
    dst.set_attributes(&AttrChange {
        owner: Some((a.uid, a.gid)),
        mode: Some(a.mode),
        times: Some((a.atime, a.mtime)),
        ..Default::default()
    })
}

/// As [`copy_attributes`] for symlinks, whose mode cannot change.
fn copy_attributes_no_mode(src: &Path, dst: &Path) -> Result {
    let a = src.attributes();
    check_owner_mapped(a.uid, a.gid)?;
    dst.set_attributes(&AttrChange {
        owner: Some((a.uid, a.gid)),
        times: Some((a.atime, a.mtime)),
        ..Default::default()
    })
}

impl DentryInfo {
    /// The lower object on branch `branch`, if the object has one there.
    pub(crate) fn on_branch(&self, branch: usize) -> Option<&Lower> {
        self.lower.iter().find(|l| l.branch == branch)
    }

    /// An info with one lower object.
    pub(crate) fn single(union: &Union, branch: usize, path: Path) -> Result<Self> {
        let mut lower = KVec::with_capacity(1, GFP_KERNEL)?;
        lower.push(Lower::new(union, branch, path), GFP_KERNEL)?;
        Ok(DentryInfo::new(union, lower))
    }

    /// This dir's info with `path` on branch `branch` added in its place
    /// (on top, or below dirs of higher branches when a policy picked a
    /// writable branch under them).
    pub(crate) fn with_upper(&self, union: &Union, branch: usize, path: Path) -> Result<Self> {
        let mut lower = KVec::with_capacity(self.lower.len() + 1, GFP_KERNEL)?;
        let copy = |l: &Lower| Lower::new(union, l.branch, l.path.clone_ref());
        for l in self.lower.iter().filter(|l| l.branch < branch) {
            lower.push(copy(l), GFP_KERNEL)?;
        }
        lower.push(Lower::new(union, branch, path), GFP_KERNEL)?;
        for l in self.lower.iter().filter(|l| l.branch > branch) {
            lower.push(copy(l), GFP_KERNEL)?;
        }
        let mut info = DentryInfo::new(union, lower);
        info.stamp = self.stamp;
        Ok(info)
    }
}
