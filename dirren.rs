// SPDX-License-Identifier: GPL-2.0

//! Rename of a merged dir: the part of a dir rename that deals with the
//! entries its lower branches give it.
//!
//! A dir whose lower dirs show no entry in the union (one made on the
//! writable branch inside a merged dir, or one whose lower entries are all
//! whited out) is renamed on the writable branch alone, anywhere in the
//! union, with or without `dirren`.
//!
//! With `dirren`, a dir that does show lower entries is renamed too, in
//! one of two ways.
//!
//! Within its dir, when nothing on a lower branch has the new name or its
//! whiteout, in aufs's own on-branch format ([`record`], drinfo.rs): its
//! lower dirs stay where they are, under their names; its dir on the
//! writable branch joins the branch's list of renamed dirs and gets one
//! info file per lower dir naming it, then the caller renames that dir
//! (not opaque) and whites out the old name. A lookup of the new name
//! follows the info files. Nothing is copied; aufs reads the branch the
//! same. The info files (and the list) go back as they were when the
//! rename fails. aufs records the old name only, not the old parent, so
//! the format cannot say where the lower dirs are after a rename into
//! another dir (aufs uses it anyway, and its lookup then misses them).
//!
//! Otherwise (into another dir): first every entry its lower branches show
//! (recursively) is copied into its dir on the writable branch
//! ([`pull_up`]), which changes nothing the user sees (the copies are what
//! the union showed); the caller then renames that dir, makes it opaque
//! where it covers a lower dir and whites out the old name, exactly as for
//! a dir that lived on the writable branch alone. Every copy is recorded
//! in the operation's [`Undo`], so a failure (ENOSPC half-way) removes
//! them again, newest first. The branch holds only plain copies, whiteouts
//! and opaque markers: aufs reads it the same, with or without its own
//! `dirren`. Its cost is a copy of the dir's lower tree, made with the
//! rename's locks held.
//!
//! Without `dirren` (aufs's default), such a rename gives EXDEV and `mv`
//! copies the tree itself.

#![forbid(unsafe_code)]

use crate::branch::Union;
use crate::copyup::{copy_attributes, copy_object, copy_xattrs, Undo};
use crate::drformat::{encode_info, MAX_INFO_LEN};
use crate::drinfo::{self, read_file, write_file, InfoName, ListChange, OldNames};
use crate::lookup::{lookup, DentryInfo};
use crate::readdir::Listing;
use crate::upper::{undo, MarkerName};
use crate::vfs::{NewObject, Path};
use kernel::{error::code::*, prelude::*};

/// True when the merged dir `info` has dirs on branches other than `wbr`.
pub(crate) fn has_lower_dirs(info: &DentryInfo, wbr: usize) -> bool {
    info.lower.iter().any(|l| l.branch != wbr)
}

/// One dir still to walk: its union info and, when copying, its dir on the
/// writable branch.
struct Pending {
    info: DentryInfo,
    upper: Option<Path>,
}

/// A dir made by the copy whose owner, mode and times are set once its
/// entries are in (making them moves its times).
struct MadeDir {
    src: Path,
    copy: Path,
}

/// Walks the tree of a merged dir top-down (iteratively: trees may be deep),
/// looking for the entries that come from below the writable branch `wbr`.
struct Walk<'a, 'u> {
    union: &'a Union,
    wbr: usize,
    /// None: only check that there is no such entry (EXDEV at the first).
    undo: Option<&'a mut Undo<'u>>,
    pending: KVec<Pending>,
    made_dirs: KVec<MadeDir>,
}

/// EXDEV unless the merged dir `info` (a dir on `wbr` with lower dirs)
/// shows no entry from another branch than `wbr`, at any depth.
pub(crate) fn check_no_lower_entries(union: &Union, info: &DentryInfo, wbr: usize) -> Result {
    let mut walk = Walk {
        union,
        wbr,
        undo: None,
        pending: KVec::new(),
        made_dirs: KVec::new(),
    };
    walk.run(copy_info(union, info)?, None)
}

/// Copies every entry that the merged dir `info` shows from another branch
/// than `wbr`, at any depth, into `upper` (its dir on `wbr`); each copy is
/// recorded in `undo`.
pub(crate) fn pull_up(
    union: &Union,
    info: &DentryInfo,
    upper: &Path,
    wbr: usize,
    undo: &mut Undo<'_>,
) -> Result {
    let mut walk = Walk {
        union,
        wbr,
        undo: Some(undo),
        pending: KVec::new(),
        made_dirs: KVec::new(),
    };
    walk.run(copy_info(union, info)?, Some(upper.clone_ref()))?;
    walk.finish_dirs()
}

/// A copy of `info` (same lower objects).
fn copy_info(union: &Union, info: &DentryInfo) -> Result<DentryInfo> {
    let mut lower = KVec::with_capacity(info.lower.len(), GFP_KERNEL)?;
    for l in info.lower.iter() {
        lower.push(
            crate::lookup::Lower::new(union, l.branch, l.path.clone_ref()),
            GFP_KERNEL,
        )?;
    }
    Ok(DentryInfo::new(union, lower))
}

impl Walk<'_, '_> {
    fn run(&mut self, info: DentryInfo, upper: Option<Path>) -> Result {
        self.pending.push(Pending { info, upper }, GFP_KERNEL)?;
        while let Some(dir) = self.pending.pop() {
            if has_lower_dirs(&dir.info, self.wbr) {
                self.walk_dir(&dir)?;
            }
        }
        Ok(())
    }

    /// Handles each visible entry of one dir.
    fn walk_dir(&mut self, dir: &Pending) -> Result {
        let listing = Listing::build(self.union, &dir.info)?;
        let mut index = 0;
        while let Some(entry) = listing.get(index) {
            index += 1;
            let child = lookup(self.union, &dir.info, entry.name)?;
            self.entry(dir, entry.name, child)?;
        }
        Ok(())
    }

    /// One entry `name` of `dir`, whose union info is `child`.
    fn entry(&mut self, dir: &Pending, name: &[u8], child: DentryInfo) -> Result {
        let Some(top) = child.top() else {
            return Ok(());
        };
        let on_wbr = top.branch == self.wbr && !child.pseudo;
        if on_wbr {
            if top.path.is_dir() {
                let upper = dir.upper.as_ref().map(|_| top.path.clone_ref());
                self.pending
                    .push(Pending { info: child, upper }, GFP_KERNEL)?;
            }
            return Ok(());
        }
        let Some(upper) = dir.upper.as_ref() else {
            return Err(EXDEV);
        };
        if top.path.is_dir() {
            let copy = self.copy_dir(upper, name, &top.path)?;
            let info = child.with_upper(self.union, self.wbr, copy.clone_ref())?;
            self.pending.push(
                Pending {
                    info,
                    upper: Some(copy),
                },
                GFP_KERNEL,
            )?;
            return Ok(());
        }
        let link = top.branch == self.wbr;
        self.copy_non_dir(upper, name, &top.path, link)
    }

    /// Makes the dir `name` in `upper` for the lower dir `src`.
    fn copy_dir(&mut self, upper: &Path, name: &[u8], src: &Path) -> Result<Path> {
        let undo = self.undo.as_mut().ok_or(EXDEV)?;
        self.made_dirs.reserve(1, GFP_KERNEL)?;
        let step = undo.made(upper, name, true)?;
        let _mounter = self.union.as_mounter();
        let copy = upper.make_child(name, NewObject::Dir(src.mode() as u16 & 0o7777))?;
        undo.push(step);
        let made = MadeDir {
            src: src.clone_ref(),
            copy: copy.clone_ref(),
        };
        // Cannot fail: reserved above.
        let _ = self.made_dirs.push_within_capacity(made);
        Ok(copy)
    }

    /// Copies the non-dir `src` as `name` into `upper`, or links it when
    /// `link` (a pseudo-link: its copy is on `wbr` under another name).
    fn copy_non_dir(&mut self, upper: &Path, name: &[u8], src: &Path, link: bool) -> Result {
        let undo = self.undo.as_mut().ok_or(EXDEV)?;
        let step = undo.made(upper, name, false)?;
        let _mounter = self.union.as_mounter();
        let made = if link {
            upper.make_child(name, NewObject::Link(src)).map(|_| true)
        } else {
            copy_object(self.union, src, upper, name, self.wbr).map(|(_, made)| made)
        };
        match made {
            Ok(true) => {
                undo.push(step);
                Ok(())
            }
            Ok(false) => Err(EEXIST),
            Err(e) => Err(e),
        }
    }

    /// Gives each dir made its original's xattrs, owner, mode and times,
    /// deepest first.
    fn finish_dirs(&mut self) -> Result {
        let _mounter = self.union.as_mounter();
        while let Some(made) = self.made_dirs.pop() {
            copy_xattrs(
                &made.src,
                &made.copy,
                self.union.branches[self.wbr].perm.attrs,
            )?;
            copy_attributes(&made.src, &made.copy)?;
        }
        Ok(())
    }
}

/// True when a lookup of `new_name` in the union dir `parent` would find,
/// below `wbr`, nothing but the renamed dir's own lower dirs `lowers` (each
/// under its name on its branch): no other entry of that name (it would
/// join the dir) and no whiteout of it (it would hide them under aufs).
fn fits_format(
    union: &Union,
    parent: &DentryInfo,
    lowers: &[LowerName],
    new_name: &[u8],
    wbr: usize,
) -> Result<bool> {
    let Ok(wh) = MarkerName::whiteout(new_name) else {
        return Ok(false);
    };
    let _mounter = union.as_mounter();
    for dir in parent.lower.iter().filter(|l| l.branch > wbr) {
        if dir.path.lookup_child(wh.get())?.is_some() {
            return Ok(false);
        }
        let Some(found) = dir.path.lookup_child(new_name)? else {
            continue;
        };
        let own = |l: &LowerName| {
            l.branch == dir.branch && l.ino == found.ino() && l.name[..] == *new_name
        };
        if !found.is_dir() || !lowers.iter().any(own) {
            return Ok(false);
        }
    }
    Ok(true)
}

/// One lower dir of a renamed dir: its branch, inode number and name there.
struct LowerName {
    branch: usize,
    ino: u64,
    name: KVec<u8>,
}

fn byte_vec(bytes: &[u8]) -> Result<KVec<u8>> {
    let mut v = KVec::with_capacity(bytes.len(), GFP_KERNEL)?;
    v.extend_from_slice(bytes, GFP_KERNEL)?;
    Ok(v)
}

/// The lower dirs of the merged dir `old` (named `old_name` in the union
/// dir `parent`) below `wbr`, each with the name it has on its branch: the
/// union's, or an older one that the info files of a renamed dir above it
/// gave the lookup (replayed here as the lookup did it).
fn lower_names(
    union: &Union,
    parent: &DentryInfo,
    old: &DentryInfo,
    old_name: &[u8],
    wbr: usize,
) -> Result<KVec<LowerName>> {
    let mut names = OldNames::new();
    let mut out = KVec::new();
    for l in old.lower.iter() {
        if l.branch > wbr {
            let name = names.get(l.branch).map_or(old_name, |n| &n.name[..]);
            let lower = LowerName {
                branch: l.branch,
                ino: l.path.ino(),
                name: byte_vec(name)?,
            };
            out.push(lower, GFP_KERNEL)?;
        }
        if l.path.is_dir() {
            names.found_dir(union, &parent.lower, l.branch, &l.path, old_name)?;
        }
    }
    Ok(out)
}

/// What [`record`] did to one info file, to undo it.
enum InfoStep {
    /// Made: removed again.
    Made(KVec<u8>),
    /// Rewritten: its old bytes written back.
    Rewritten(KVec<u8>, KVec<u8>),
    /// Removed (a rename back): made again with its old bytes.
    Removed(KVec<u8>, KVec<u8>),
}

/// The info files a rename wrote into the renamed dir; they go back as they
/// were when this drops before [`Recorded::keep`] (the rename failed), and
/// so does the list of renamed dirs of its branch.
pub(crate) struct Recorded<'a> {
    union: &'a Union,
    dir: Path,
    wbr: usize,
    list: ListChange,
    steps: KVec<InfoStep>,
}

/// Records the rename of the merged dir `old` (its dir on `wbr` is `dir`)
/// from `old_name` to `new_name` in the union dir `parent` in aufs's
/// format, before the rename itself, when the rename fits it: with
/// `dirren`, within one dir (`same_parent`: an info records the old name,
/// not the old parent), and when [`fits_format`]. The dir joins its
/// branch's list of renamed dirs, then gets one info file per lower dir,
/// naming it as it is named on its branch; an info that would name the new
/// name (a rename back) is removed instead. None when the rename does not
/// fit: the caller copies the lower tree up ([`pull_up`]).
pub(crate) fn record<'a>(
    union: &'a Union,
    same_parent: bool,
    (parent, old): (&DentryInfo, &DentryInfo),
    (old_name, new_name): (&[u8], &[u8]),
    dir: &Path,
    wbr: usize,
) -> Result<Option<Recorded<'a>>> {
    if !union.dirren || !same_parent {
        return Ok(None);
    }
    let lowers = {
        let _mounter = union.as_mounter();
        lower_names(union, parent, old, old_name, wbr)?
    };
    if !fits_format(union, parent, &lowers, new_name, wbr)? {
        return Ok(None);
    }
    let steps = KVec::with_capacity(lowers.len(), GFP_KERNEL)?;
    let list = {
        let _mounter = union.as_mounter();
        drinfo::add_renamed_dir(&union.branches[wbr], dir.ino())?
    };
    let mut recorded = Recorded {
        union,
        dir: dir.clone_ref(),
        wbr,
        list,
        steps,
    };
    let _mounter = union.as_mounter();
    for lower in lowers.iter() {
        recorded.store(lower, new_name)?;
    }
    Ok(Some(recorded))
}

impl Recorded<'_> {
    /// The rename is done: the info files stay.
    pub(crate) fn keep(mut self) {
        self.steps.clear();
        self.list = ListChange::None;
    }

    /// Writes (or, for a rename back, removes) the info file of `lower`.
    fn store(&mut self, lower: &LowerName, new_name: &[u8]) -> Result {
        let info_name = InfoName::of(&self.union.branches[lower.branch])?;
        let name = byte_vec(info_name.get())?;
        let existing = self.dir.lookup_child(&name)?;
        if lower.name[..] == *new_name {
            let Some(file) = existing else {
                return Ok(());
            };
            let old = read_file(&file, MAX_INFO_LEN)?;
            self.dir.remove_child(&name, false)?;
            return self.step(InfoStep::Removed(name, old));
        }
        let mut buf = [0u8; MAX_INFO_LEN];
        let len = encode_info(lower.ino, &lower.name, &mut buf).ok_or(ENAMETOOLONG)?;
        let file = match existing {
            Some(file) => {
                let old = read_file(&file, MAX_INFO_LEN)?;
                self.step(InfoStep::Rewritten(name, old))?;
                file
            }
            None => {
                let file = self.dir.make_child(&name, NewObject::File(0o600))?;
                self.step(InfoStep::Made(name))?;
                file
            }
        };
        write_file(&file, &buf[..len])
    }

    fn step(&mut self, step: InfoStep) -> Result {
        // Cannot fail: `record` reserved one step per lower dir.
        self.steps.push_within_capacity(step).map_err(|_| ENOMEM)
    }

    fn revert(&self, step: &InfoStep) -> Result {
        match step {
            InfoStep::Made(name) => self.dir.remove_child(name, false),
            InfoStep::Rewritten(name, old) => {
                let file = self.dir.lookup_child(name)?.ok_or(ENOENT)?;
                write_file(&file, old)
            }
            InfoStep::Removed(name, old) => {
                let file = self.dir.make_child(name, NewObject::File(0o600))?;
                write_file(&file, old)
            }
        }
    }
}

impl Drop for Recorded<'_> {
    fn drop(&mut self) {
        let _mounter = self.union.as_mounter();
        while let Some(step) = self.steps.pop() {
            undo(self.revert(&step), "a dirren info file");
        }
        let br = &self.union.branches[self.wbr];
        undo(drinfo::undo_add(br, &self.list), "the list of renamed dirs");
    }
}
