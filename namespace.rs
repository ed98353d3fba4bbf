// SPDX-License-Identifier: GPL-2.0

//! Namespace operations of the union: create, mkdir, mknod, symlink, link,
//! unlink, rmdir, rename (aufs semantics, `create=tdp`).
//!
//! New objects go to the topmost writable branch; the parent dir is copied
//! up there first. Removing a name that still exists below leaves a whiteout
//! `.wh.NAME` on the writable branch (a hardlink to the branch's base file,
//! or a plain file with `+nolwh`). A dir made where a whiteout was is made
//! opaque (`diropq=w`).
//!
//! Nothing lost: every operation makes the new state before it removes the
//! old, and undoes what it did when a later step fails, so a failed
//! operation changes nothing the user can see. A whiteout hides its name on
//! its own branch too, which makes the order work: the whiteout is made
//! first (the object disappears), the object removed after; a new object is
//! made first (still hidden by the old whiteout), the whiteout removed last,
//! and a new dir is made opaque before that. A dir that holds aufs's own
//! names is renamed to a `.wh..wh.` temporary name (one atomic step) before
//! they are removed; what a failure there leaves is never shown.
//!
//! The VFS holds the union locks (parent dirs, children); branch locks are
//! taken inside, through the VFS helpers: union before branch, always.

#![forbid(unsafe_code)]

use crate::branch::Union;
use crate::copyup::{copy_up, upper_dir, Undo};
use crate::dirren;
use crate::lookup::{shows_below, DentryInfo};
use crate::lookup::{PreparedInfo, UnionDentry};
use crate::opts::{check_name, NameError};
use crate::readdir::Listing;
use crate::upper::{
    dispose, has_whiteout, make_marker, make_whiteout, move_aside, remove_union_dir, undo,
    MarkerName, RENAME_NOREPLACE,
};
use crate::vfs::{AttrChange, NewObject, Path};
use crate::whiteout::OPAQUE_NAME;
use kernel::{error::code::*, prelude::*, sync::Arc};

fn checked_name(name: &[u8]) -> Result {
    check_name(name).map_err(|e| match e {
        NameError::Reserved => EPERM,
        NameError::TooLong => ENAMETOOLONG,
    })
}

/// Makes `name` under `parent` as `what`, owned by `owner`. Returns the
/// branch and the new object; the caller instantiates the union dentry, and
/// keeps `undo` once that worked (else the new object, the parents copied
/// up for it and a whiteout it replaced go back as they were).
///
/// Where a whiteout `.wh.NAME` is, the new object stays hidden by it until
/// the last step: the whiteout's removal, or for a dir its rename into the
/// dir as the opaque marker (one step that shows the dir already opaque,
/// and needs no new inode).
pub(crate) fn create(
    union: &Union,
    parent: &UnionDentry<'_>,
    name: &[u8],
    what: NewObject<'_>,
    owner: (u32, u32),
    undo: &mut Undo<'_>,
) -> Result<(usize, Path)> {
    checked_name(name)?;
    let is_dir = matches!(what, NewObject::Dir(_));
    let wbr = union.create_branch(parent, name, is_dir)?;
    let made = create_on(union, parent, name, what, owner, undo, wbr)?;
    // A new object takes an inode, not blocks: not forced (aufs).
    union.fhsm_wrote(wbr, false);
    Ok(made)
}

/// [`create`] on branch `wbr`.
fn create_on(
    union: &Union,
    parent: &UnionDentry<'_>,
    name: &[u8],
    what: NewObject<'_>,
    owner: (u32, u32),
    undo: &mut Undo<'_>,
    wbr: usize,
) -> Result<(usize, Path)> {
    let is_dir = matches!(what, NewObject::Dir(_));
    let dir = upper_dir(union, parent, wbr, undo)?;
    let _mounter = union.as_mounter();
    let owner = (!matches!(what, NewObject::Link(_))).then_some(owner);
    let replaces_whiteout = has_whiteout(&dir, name)?;
    let step = undo.made(&dir, name, is_dir)?;
    let made = dir.make_child(name, what)?;
    undo.push(step);
    let new = NewEntry {
        union,
        dir: &dir,
        name,
        made: &made,
        wbr,
    };
    if is_dir {
        new.finish_dir(owner, replaces_whiteout, undo)?;
    } else {
        new.finish_non_dir(owner, replaces_whiteout, undo)?;
    }
    Ok((wbr, made))
}

/// A new object `made` at `name` in `dir` on branch `wbr`, still to finish.
struct NewEntry<'a> {
    union: &'a Union,
    dir: &'a Path,
    name: &'a [u8],
    made: &'a Path,
    wbr: usize,
}

impl NewEntry<'_> {
    /// Its owner, then the whiteout's removal (which shows it).
    fn finish_non_dir(
        &self,
        owner: Option<(u32, u32)>,
        replaces_whiteout: bool,
        undo: &mut Undo<'_>,
    ) -> Result {
        self.set_owner(owner)?;
        if replaces_whiteout {
            let step = undo.unhidden(self.dir, self.name, self.wbr)?;
            self.dir
                .remove_child(MarkerName::whiteout(self.name)?.get(), false)?;
            undo.push(step);
        }
        Ok(())
    }

    /// Its owner, then the opaque marker where one is due: the whiteout moved
    /// in (which shows the dir), or a new one with `diropq=a`.
    fn finish_dir(
        &self,
        owner: Option<(u32, u32)>,
        replaces_whiteout: bool,
        undo: &mut Undo<'_>,
    ) -> Result {
        self.set_owner(owner)?;
        if replaces_whiteout {
            let wh = MarkerName::whiteout(self.name)?;
            let step = undo.renamed(self.dir, wh.get(), self.made, OPAQUE_NAME)?;
            self.dir
                .rename_child(wh.get(), self.made, OPAQUE_NAME, RENAME_NOREPLACE)?;
            undo.push(step);
            Ok(())
        } else if self.union.diropq_always {
            make_marker(self.union, self.made, OPAQUE_NAME, self.wbr)
        } else {
            Ok(())
        }
    }

    fn set_owner(&self, owner: Option<(u32, u32)>) -> Result {
        let current = self.made.attributes();
        match owner.filter(|&o| o != (current.uid, current.gid)) {
            Some(owner) => self.made.set_attributes(&AttrChange {
                owner: Some(owner),
                ..Default::default()
            }),
            None => Ok(()),
        }
    }
}

/// The link count left to the union inode of an object that a removal or a
/// rename took a name from; the caller sets it (it holds that inode's lock).
/// Where the name went on the writable branch the count is that object's
/// own, read after the change: a writer refreshing the union inode from the
/// same object at the same time (`end_write`) then agrees with it, where a
/// decrement after its refresh would count the removal twice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum LinksLeft {
    /// The object's count on the writable branch after the change.
    Counted(u32),
    /// The object stays below, hidden by a whiteout or covered: one fewer.
    OneFewer,
    /// A dir: none.
    Gone,
}

impl LinksLeft {
    /// The count for a union inode that counted `before`.
    pub(crate) fn after(self, before: u32) -> u32 {
        match self {
            LinksLeft::Counted(n) => n,
            LinksLeft::OneFewer => before.saturating_sub(1),
            LinksLeft::Gone => 0,
        }
    }

    /// What is left of the object `info` shows once a name of it went on
    /// `wbr` (a dir has none left: only an empty one goes).
    fn of(info: &DentryInfo, wbr: usize) -> Self {
        match info.top() {
            Some(top) if top.path.is_dir() => LinksLeft::Gone,
            Some(top) if top.branch == wbr && !info.pseudo => LinksLeft::Counted(top.path.nlink()),
            _ => LinksLeft::OneFewer,
        }
    }
}

/// unlink(2) of a non-dir.
pub(crate) fn unlink(
    union: &Union,
    parent: &UnionDentry<'_>,
    child: &UnionDentry<'_>,
) -> Result<LinksLeft> {
    remove(union, parent, child, false)
}

/// rmdir(2): the dir must be empty in the merged view.
pub(crate) fn rmdir(union: &Union, parent: &UnionDentry<'_>, child: &UnionDentry<'_>) -> Result {
    let info = child.info(union)?;
    if Listing::build(union, &info)?.get(0).is_some() {
        return Err(ENOTEMPTY);
    }
    remove(union, parent, child, true).map(|_| ())
}

/// Removes `child`: the whiteout first (when a lower branch would show the
/// name again), then the object on the writable branch, which is the last
/// step: what can fail comes before it, and a failure undoes the whiteout
/// and the parents copied up for it.
fn remove(
    union: &Union,
    parent: &UnionDentry<'_>,
    child: &UnionDentry<'_>,
    is_dir: bool,
) -> Result<LinksLeft> {
    let wbr = union.copy_up_branch(child)?;
    let info = child.info(union)?;
    refuse_below(&info, wbr)?;
    let name = child.name()?;
    let mut undo = Undo::new(union);
    let dir = upper_dir(union, parent, wbr, &mut undo)?;
    let hide = shows_below(union, &*parent.info(union)?, &name, wbr)?;
    let negative = negative_if(union, is_dir)?;
    {
        let _mounter = union.as_mounter();
        if hide {
            let wh = MarkerName::whiteout(&name)?;
            let step = undo.made(&dir, wh.get(), false)?;
            make_whiteout(union, &dir, &name, wbr)?;
            undo.push(step);
        }
        // A name reached through a pseudo-link is not on `wbr` itself.
        if let Some(upper) = info.on_branch(wbr).filter(|_| !info.pseudo) {
            if is_dir {
                remove_union_dir(union, &dir, &name, &upper.path)?;
            } else {
                dir.remove_child(&name, false)?;
            }
        }
    }
    undo.keep();
    let left = LinksLeft::of(&info, wbr);
    // A removed file keeps its object: files open on it go on working (the
    // caller unhashes the dentry). A removed dir shows nothing any more.
    if let Some(negative) = negative {
        child.set_prepared(negative);
    }
    Ok(left)
}

/// EROFS when the object of `info` lives above the writable branch `wbr`:
/// a whiteout or copy there would stay hidden under it (aufs's rule).
fn refuse_below(info: &DentryInfo, wbr: usize) -> Result {
    match info.top() {
        Some(top) if top.branch < wbr => Err(EROFS),
        _ => Ok(()),
    }
}

/// link(2): the source is copied up where it is changed (`cpup=`, or higher
/// when the new name would not show there), then linked beside it.
pub(crate) fn link(
    union: &Union,
    old: &UnionDentry<'_>,
    new_parent: &UnionDentry<'_>,
    name: &[u8],
    undo: &mut Undo<'_>,
) -> Result<(usize, Path)> {
    checked_name(name)?;
    let limit = union.visible_limit(new_parent, name)?;
    let wbr = union.within(union.copy_up_branch(old)?, limit)?;
    let source = copy_up(union, old, wbr, undo)?;
    let link = NewObject::Link(&source);
    create_on(union, new_parent, name, link, (0, 0), undo, wbr)
}

/// The branch a rename works on: where the source is changed (`cpup=`),
/// or a writable branch higher up when the target lives above it or the
/// new name would not show there.
fn rename_branch(
    union: &Union,
    old: &UnionDentry<'_>,
    new_parent: &UnionDentry<'_>,
    new: &UnionDentry<'_>,
    new_name: &[u8],
) -> Result<usize> {
    let mut limit = union.visible_limit(new_parent, new_name)?;
    if let Some(target) = new.info(union)?.top() {
        limit = limit.min(target.branch);
    }
    union.within(union.copy_up_branch(old)?, limit)
}

/// A negative info allocated ahead, when `wanted` (a removed dir's dentry
/// turns negative at once; a file's keeps its object for open files).
fn negative_if(union: &Union, wanted: bool) -> Result<Option<PreparedInfo>> {
    if !wanted {
        return Ok(None);
    }
    Ok(Some(UnionDentry::prepare_info(DentryInfo::negative(
        union,
    ))?))
}

/// What a rename does with its source.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Source {
    /// A non-dir.
    NonDir,
    /// A dir whose entries are all on the writable branch.
    Dir,
    /// A merged dir whose lower entries show (`dirren`): recorded in aufs's
    /// format, or copied up first.
    MergedDir,
}

/// Checks the source of a rename: it must show through the union, and a
/// dir whose lower dirs show entries needs `dirren` (else EXDEV, and `mv`
/// copies it).
fn rename_source(union: &Union, old: &UnionDentry<'_>, wbr: usize) -> Result<Source> {
    let old_info = old.info(union)?;
    refuse_below(&old_info, wbr)?;
    let top = old_info.top().ok_or(ENOENT)?;
    if !top.path.is_dir() {
        return Ok(Source::NonDir);
    }
    if !dirren::has_lower_dirs(&old_info, wbr) {
        return Ok(Source::Dir);
    }
    match dirren::check_no_lower_entries(union, &old_info, wbr) {
        Ok(()) => Ok(Source::Dir),
        Err(e) if e == EXDEV && union.dirren => Ok(Source::MergedDir),
        Err(e) => Err(e),
    }
}

/// Checks the target of a rename (a dir it replaces must be empty in the
/// union); returns its info.
fn rename_target(union: &Union, new: &UnionDentry<'_>, wbr: usize) -> Result<Arc<DentryInfo>> {
    let new_info = new.info(union)?;
    refuse_below(&new_info, wbr)?;
    if let Some(target) = new_info.top() {
        if target.path.is_dir() && Listing::build(union, &new_info)?.get(0).is_some() {
            return Err(ENOTEMPTY);
        }
    }
    Ok(new_info)
}

/// rename(2). A dir whose lower dirs show entries gives EXDEV without
/// `dirren` (aufs's default), so tools fall back to copy and delete; with
/// `dirren` it is recorded in aufs's format within its dir, else its lower
/// entries are copied up first (see `dirren.rs`).
pub(crate) fn rename(
    union: &Union,
    old_parent: &UnionDentry<'_>,
    old: &UnionDentry<'_>,
    new_parent: &UnionDentry<'_>,
    new: &UnionDentry<'_>,
    flags: u32,
) -> Result<LinksLeft> {
    if flags & !RENAME_NOREPLACE != 0 {
        return Err(EINVAL);
    }
    let new_name = new.name()?;
    checked_name(&new_name)?;
    let wbr = rename_branch(union, old, new_parent, new, &new_name)?;
    let kind = rename_source(union, old, wbr)?;
    let is_dir = kind != Source::NonDir;
    let new_info = rename_target(union, new, wbr)?;
    let mut undo = Undo::new(union);
    let source = copy_up(union, old, wbr, &mut undo)?;
    let dentries = (old_parent, old, new_parent);
    let recorded = move_merged_dir(union, kind, dentries, &new_name, (&source, wbr), &mut undo)?;
    let old_name = old.name()?;
    let old_dir = upper_dir(union, old_parent, wbr, &mut undo)?;
    let new_dir = upper_dir(union, new_parent, wbr, &mut undo)?;
    let hide_old = shows_below(union, &*old_parent.info(union)?, &old_name, wbr)?;
    let covers_lower_dir = new_info
        .lower
        .iter()
        .any(|l| l.branch != wbr && l.path.is_dir());
    // Built before the branch changes, so that no allocation fails after.
    let moved_info = moved_info(union, old, (&source, wbr), recorded.is_some())?;
    let replaced_dir = new_info.top().is_some_and(|t| t.path.is_dir());
    let negative = negative_if(union, replaced_dir)?;
    {
        let _mounter = union.as_mounter();
        let target_whited_out = has_whiteout(&new_dir, &new_name)?;
        let plan = Rename {
            union,
            wbr,
            old_dir: &old_dir,
            old_name: &old_name,
            new_dir: &new_dir,
            new_name: &new_name,
            flags,
            source: &source,
            hide_old,
            target_whited_out,
            // aufs's format needs the lower dirs seen (fits_format made
            // sure that nothing else below is).
            opaque_due: is_dir && recorded.is_none() && (target_whited_out || covers_lower_dir),
            target_dir: new_info.on_branch(wbr).filter(|t| t.path.is_dir()),
        };
        plan.run()?;
    }
    if let Some(recorded) = recorded {
        recorded.keep();
    }
    undo.keep();
    // What the replaced target (if any) keeps; read before `renamed`
    // gives `new` the moved object.
    let left = LinksLeft::of(&new_info, wbr);
    renamed(old, new, moved_info, negative, kind);
    union.fhsm_wrote(wbr, false);
    Ok(left)
}

/// The lower entries of a merged dir being renamed (`dirren`): recorded in
/// aufs's format when the rename fits it (`dirren::record`: within one
/// dir), else copied up into `source`, its dir on the writable branch.
/// Returns the info files written, which go back if the rename fails; None
/// for any other source.
fn move_merged_dir<'a>(
    union: &'a Union,
    kind: Source,
    (old_parent, old, new_parent): (&UnionDentry<'_>, &UnionDentry<'_>, &UnionDentry<'_>),
    new_name: &[u8],
    (source, wbr): (&Path, usize),
    undo: &mut Undo<'_>,
) -> Result<Option<dirren::Recorded<'a>>> {
    if kind != Source::MergedDir {
        return Ok(None);
    }
    let parent = old_parent.info(union)?;
    let info = old.info(union)?;
    let same_parent = core::ptr::eq(old_parent.as_raw(), new_parent.as_raw());
    let names = (&old.name()?[..], new_name);
    let recorded = dirren::record(union, same_parent, (&parent, &info), names, source, wbr)?;
    if recorded.is_none() {
        dirren::pull_up(union, &info, source, wbr, undo)?;
    }
    Ok(recorded)
}

/// The info of the renamed dentry `old` once its object is `source` on
/// `wbr`: with its lower dirs when they stay (`keeps_lowers`, aufs's
/// format: under their old names), else that object alone.
fn moved_info(
    union: &Union,
    old: &UnionDentry<'_>,
    (source, wbr): (&Path, usize),
    keeps_lowers: bool,
) -> Result<PreparedInfo> {
    let info = if keeps_lowers {
        let old_info = old.info(union)?;
        old_info
            .with_upper(union, wbr, source.clone_ref())?
            .watched(union)?
    } else {
        DentryInfo::single(union, wbr, source.clone_ref())?
    };
    UnionDentry::prepare_info(info)
}

/// The union dentries after a rename on the branch: the VFS moves `old` to
/// the new name (the branch dentry moved with the rename) and unhashes `new`
/// after we return; a replaced file keeps its object for the files open on
/// it.
fn renamed(
    old: &UnionDentry<'_>,
    new: &UnionDentry<'_>,
    moved: PreparedInfo,
    negative: Option<PreparedInfo>,
    kind: Source,
) {
    old.set_prepared(moved);
    if let Some(negative) = negative {
        new.set_prepared(negative);
    }
    if kind == Source::MergedDir {
        // Cached children still name the lower objects: drop the unused.
        old.forget_unused_children();
    }
}

/// One rename on the writable branch, in the order that keeps a failure
/// invisible; each step undoes itself when a later one fails:
/// 1. the whiteout of the old name (when a lower branch has it),
/// 2. the opaque marker of a dir that will cover a lower dir (the target's
///    whiteout moved into it when there is one: no new inode),
/// 3. an upper target dir (holding only aufs's own names) moved aside,
/// 4. the rename itself, then the removal of the target's whiteout.
struct Rename<'a> {
    union: &'a Union,
    wbr: usize,
    old_dir: &'a Path,
    old_name: &'a [u8],
    new_dir: &'a Path,
    new_name: &'a [u8],
    flags: u32,
    /// The object being renamed, on the writable branch.
    source: &'a Path,
    /// A lower branch shows the old name: it needs a whiteout.
    hide_old: bool,
    /// `.wh.NEW` is in the new dir.
    target_whited_out: bool,
    /// The source is a dir that will cover a lower dir: it must be opaque.
    opaque_due: bool,
    /// The target, when it is a dir on the writable branch.
    target_dir: Option<&'a crate::lookup::Lower>,
}

/// What step 2 of a [`Rename`] did.
enum Marker {
    /// Nothing (not due, or the dir was opaque already).
    None,
    /// Made a new opaque marker in the source dir.
    Made,
    /// Moved the target's whiteout into the source dir as its marker.
    MovedWhiteout,
}

impl Rename<'_> {
    fn run(&self) -> Result {
        if self.hide_old {
            make_whiteout(self.union, self.old_dir, self.old_name, self.wbr)?;
        }
        let done = self.make_opaque_and_move();
        if done.is_err() && self.hide_old {
            let wh = MarkerName::whiteout(self.old_name)?;
            undo(self.old_dir.remove_child(wh.get(), false), "a whiteout");
        }
        done
    }

    fn make_opaque_and_move(&self) -> Result {
        let marker = self.prepare_marker()?;
        let done = self.move_target_aside_and_rename(&marker);
        if done.is_err() {
            match marker {
                Marker::None => {}
                Marker::Made => undo(
                    self.source.remove_child(OPAQUE_NAME, false),
                    "an opaque marker",
                ),
                Marker::MovedWhiteout => {
                    let wh = MarkerName::whiteout(self.new_name)?;
                    let back = self.source.rename_child(
                        OPAQUE_NAME,
                        self.new_dir,
                        wh.get(),
                        RENAME_NOREPLACE,
                    );
                    undo(back, "a whiteout moved into a dir");
                }
            }
        }
        done
    }

    fn prepare_marker(&self) -> Result<Marker> {
        if !self.opaque_due || self.source.lookup_child(OPAQUE_NAME)?.is_some() {
            return Ok(Marker::None);
        }
        if self.target_whited_out {
            let wh = MarkerName::whiteout(self.new_name)?;
            self.new_dir
                .rename_child(wh.get(), self.source, OPAQUE_NAME, RENAME_NOREPLACE)?;
            return Ok(Marker::MovedWhiteout);
        }
        make_marker(self.union, self.source, OPAQUE_NAME, self.wbr)?;
        Ok(Marker::Made)
    }

    fn move_target_aside_and_rename(&self, marker: &Marker) -> Result {
        let Some(target) = self.target_dir else {
            return self.rename_and_unhide(marker);
        };
        let (temp, len) = move_aside(self.new_dir, self.new_name)?;
        let temp = &temp[..len];
        match self.rename_and_unhide(marker) {
            Ok(()) => {
                dispose(self.union, self.new_dir, temp, &target.path);
                Ok(())
            }
            Err(e) => {
                let back =
                    self.new_dir
                        .rename_child(temp, self.new_dir, self.new_name, RENAME_NOREPLACE);
                undo(back, "a dir moved aside");
                Err(e)
            }
        }
    }

    fn rename_and_unhide(&self, marker: &Marker) -> Result {
        self.old_dir
            .rename_child(self.old_name, self.new_dir, self.new_name, self.flags)?;
        if !self.target_whited_out || matches!(marker, Marker::MovedWhiteout) {
            return Ok(());
        }
        let wh = MarkerName::whiteout(self.new_name)?;
        let unhidden = self.new_dir.remove_child(wh.get(), false);
        if unhidden.is_err() {
            let back = self.new_dir.rename_child(
                self.new_name,
                self.old_dir,
                self.old_name,
                RENAME_NOREPLACE,
            );
            undo(back, "a rename");
        }
        unhidden
    }
}

/// setattr (chmod, chown, utimes, truncate): copy up, then change the copy.
pub(crate) fn set_attributes(
    union: &Union,
    dentry: &UnionDentry<'_>,
    change: &AttrChange,
) -> Result<Path> {
    let wbr = union.copy_up_branch(dentry)?;
    let mut undo = Undo::new(union);
    let upper = copy_up(union, dentry, wbr, &mut undo)?;
    let _mounter = union.as_mounter();
    upper.set_attributes(change)?;
    undo.keep();
    Ok(upper)
}

/// setxattr/removexattr (`value` None): copy up, then change the copy.
pub(crate) fn set_xattr(
    union: &Union,
    dentry: &UnionDentry<'_>,
    name: &core::ffi::CStr,
    value: Option<&[u8]>,
    flags: i32,
) -> Result {
    let wbr = union.copy_up_branch(dentry)?;
    let mut undo = Undo::new(union);
    let upper = copy_up(union, dentry, wbr, &mut undo)?;
    let _mounter = union.as_mounter();
    match value {
        Some(value) => upper.set_xattr(name, value, flags),
        None => upper.remove_xattr(name),
    }?;
    undo.keep();
    Ok(())
}

impl DentryInfo {
    /// The info of a negative dentry.
    pub(crate) fn negative(union: &Union) -> Self {
        DentryInfo::new(union, KVec::new())
    }
}
