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
//! The VFS holds the union locks (parent dirs, children); branch locks are
//! taken inside, through the VFS helpers: union before branch, always.

use crate::branch::Union;
use crate::copyup::{copy_up, upper_dir};
use crate::lookup::{lookup, DentryInfo};
use crate::opts::{check_name, NameError};
use crate::readdir::Listing;
use crate::vfs::{AttrChange, NewObject, Path, UnionDentry};
use crate::whiteout::{classify, whiteout_name, EntryKind, OPAQUE_NAME, WH_PREFIX};
use kernel::{error::code::*, prelude::*};

/// `rename(2)` flags aufs_rs supports.
pub(crate) const RENAME_NOREPLACE: u32 = 1;

fn checked_name(name: &[u8]) -> Result {
    check_name(name).map_err(|e| match e {
        NameError::Reserved => EPERM,
        NameError::TooLong => ENAMETOOLONG,
    })
}

/// Makes `name` under `parent` as `what`, owned by `owner`. Returns the
/// branch and the new object; the caller instantiates the union dentry.
pub(crate) fn create(
    union: &Union,
    parent: &UnionDentry<'_>,
    name: &[u8],
    what: NewObject<'_>,
    owner: (u32, u32),
) -> Result<(usize, Path)> {
    checked_name(name)?;
    let wbr = union.write_branch()?;
    let dir = upper_dir(union, parent, wbr)?;
    let _mounter = union.as_mounter();
    let is_dir = matches!(what, NewObject::Dir(_));
    let is_link = matches!(what, NewObject::Link(_));
    let made = dir.make_child(name, what)?;
    let opaque = if is_dir {
        Some(union.diropq_always)
    } else {
        None
    };
    let finished = finish_new(&dir, name, &made, opaque, (!is_link).then_some(owner));
    if let Err(e) = finished {
        let _ = dir.remove_child(name, is_dir);
        return Err(e);
    }
    Ok((wbr, made))
}

/// After a new object appeared at `name` in `dir`: its owner, and the
/// whiteout it replaces (then a new dir is opaque).
/// `opaque` is None for a non-dir, else whether every new dir is opaque
/// (`diropq=a`) rather than only one replacing a whiteout (`diropq=w`).
fn finish_new(
    dir: &Path,
    name: &[u8],
    made: &Path,
    opaque: Option<bool>,
    owner: Option<(u32, u32)>,
) -> Result {
    let current = made.attributes();
    if let Some(owner) = owner.filter(|&o| o != (current.uid, current.gid)) {
        made.set_attributes(&AttrChange {
            owner: Some(owner),
            ..Default::default()
        })?;
    }
    let replaced_whiteout = remove_whiteout(dir, name)?;
    if opaque.is_some_and(|always| always || replaced_whiteout) {
        made.make_child(OPAQUE_NAME, NewObject::File(0o444))?;
    }
    Ok(())
}

/// Removes `.wh.NAME` from `dir` if it is there; true when it was.
fn remove_whiteout(dir: &Path, name: &[u8]) -> Result<bool> {
    let mut buf = [0u8; 256];
    let wh = whiteout_name(name, &mut buf).ok_or(ENAMETOOLONG)?;
    if !dir.lookup_child(wh)?.is_positive() {
        return Ok(false);
    }
    dir.remove_child(wh, false)?;
    Ok(true)
}

/// Makes `.wh.NAME` in `dir` on branch `wbr`: a link to the base file, or a
/// plain file with `+nolwh` or when the base has too many links.
fn make_whiteout(union: &Union, dir: &Path, name: &[u8], wbr: usize) -> Result {
    let mut buf = [0u8; 256];
    let wh = whiteout_name(name, &mut buf).ok_or(ENAMETOOLONG)?;
    let branch = &union.branches[wbr];
    let setup = branch.setup.as_ref().ok_or(EROFS)?;
    if !branch.perm.no_link_whiteouts {
        match dir.make_child(wh, NewObject::Link(&setup.base)) {
            Err(e) if e == EMLINK => {}
            made => return made.map(|_| ()),
        }
    }
    dir.make_child(wh, NewObject::File(0o444)).map(|_| ())
}

/// Leaves a whiteout for `name` when, after a removal, a lower branch would
/// still show it.
fn hide_lower(
    union: &Union,
    parent: &UnionDentry<'_>,
    dir: &Path,
    name: &[u8],
    wbr: usize,
) -> Result {
    let below = lookup(union, &*parent.info(union)?, name)?;
    if below.top().is_some() {
        let _mounter = union.as_mounter();
        make_whiteout(union, dir, name, wbr)?;
    }
    Ok(())
}

/// unlink(2) of a non-dir.
pub(crate) fn unlink(union: &Union, parent: &UnionDentry<'_>, child: &UnionDentry<'_>) -> Result {
    remove(union, parent, child, false)
}

/// rmdir(2): the dir must be empty in the merged view.
pub(crate) fn rmdir(union: &Union, parent: &UnionDentry<'_>, child: &UnionDentry<'_>) -> Result {
    let info = child.info(union)?;
    if Listing::build(union, &info)?.get(0).is_some() {
        return Err(ENOTEMPTY);
    }
    remove(union, parent, child, true)
}

fn remove(
    union: &Union,
    parent: &UnionDentry<'_>,
    child: &UnionDentry<'_>,
    is_dir: bool,
) -> Result {
    let wbr = union.write_branch()?;
    let info = child.info(union)?;
    refuse_below(&info, wbr)?;
    let name = child.name()?;
    let dir = upper_dir(union, parent, wbr)?;
    {
        let _mounter = union.as_mounter();
        // A name reached through a pseudo-link is not on `wbr` itself.
        if let Some(upper) = info.on_branch(wbr).filter(|_| !info.pseudo) {
            if is_dir {
                remove_whiteouts_in(&upper.path)?;
            }
            dir.remove_child(&name, is_dir)?;
        }
    }
    hide_lower(union, parent, &dir, &name, wbr)?;
    // A removed file keeps its object: files open on it go on working (the
    // caller unhashes the dentry). A removed dir shows nothing any more.
    if is_dir {
        child.set_info(DentryInfo::negative(union))?;
    }
    Ok(())
}

/// EROFS when the object of `info` lives above the writable branch `wbr`:
/// a whiteout or copy there would stay hidden under it (aufs's rule).
fn refuse_below(info: &DentryInfo, wbr: usize) -> Result {
    match info.top() {
        Some(top) if top.branch < wbr => Err(EROFS),
        _ => Ok(()),
    }
}

/// Empties a dir of the whiteouts (and opaque marker) it may hold, so that
/// it can be removed.
fn remove_whiteouts_in(dir: &Path) -> Result {
    let mut names: KVec<KVec<u8>> = KVec::new();
    dir.read_dir(&mut |name, _, _| {
        if name.starts_with(WH_PREFIX) && classify(name) != EntryKind::Plain {
            let mut copy = KVec::new();
            copy.extend_from_slice(name, GFP_KERNEL)?;
            names.push(copy, GFP_KERNEL)?;
        }
        Ok(())
    })?;
    for name in names.iter() {
        dir.remove_child(name, false)?;
    }
    Ok(())
}

/// link(2): the source is copied up, then linked on the writable branch.
pub(crate) fn link(
    union: &Union,
    old: &UnionDentry<'_>,
    new_parent: &UnionDentry<'_>,
    name: &[u8],
) -> Result<(usize, Path)> {
    checked_name(name)?;
    let wbr = union.write_branch()?;
    let source = copy_up(union, old, wbr)?;
    create(union, new_parent, name, NewObject::Link(&source), (0, 0))
}

/// rename(2). Dirs with entries on other branches than the writable one give
/// EXDEV (aufs without `dirren`), so tools fall back to copy and delete.
pub(crate) fn rename(
    union: &Union,
    old_parent: &UnionDentry<'_>,
    old: &UnionDentry<'_>,
    new_parent: &UnionDentry<'_>,
    new: &UnionDentry<'_>,
    flags: u32,
) -> Result {
    if flags & !RENAME_NOREPLACE != 0 {
        return Err(EINVAL);
    }
    let new_name = new.name()?;
    checked_name(&new_name)?;
    let wbr = union.write_branch()?;
    let old_info = old.info(union)?;
    refuse_below(&old_info, wbr)?;
    let top = old_info.top().ok_or(ENOENT)?;
    let is_dir = top.path.is_dir();
    if is_dir && old_info.lower.iter().any(|l| l.branch != wbr) {
        return Err(EXDEV);
    }
    let new_info = new.info(union)?;
    refuse_below(&new_info, wbr)?;
    if let Some(target) = new_info.top() {
        if target.path.is_dir() && Listing::build(union, &new_info)?.get(0).is_some() {
            return Err(ENOTEMPTY);
        }
    }
    copy_up(union, old, wbr)?;
    let old_name = old.name()?;
    let old_dir = upper_dir(union, old_parent, wbr)?;
    let new_dir = upper_dir(union, new_parent, wbr)?;
    let moved = {
        let _mounter = union.as_mounter();
        if let Some(upper_target) = new_info.on_branch(wbr) {
            if upper_target.path.is_dir() {
                remove_whiteouts_in(&upper_target.path)?;
            }
        }
        old_dir.rename_child(&old_name, &new_dir, &new_name, flags)?;
        let moved = new_dir.lookup_child(&new_name)?;
        let hid_lower = remove_whiteout(&new_dir, &new_name)?;
        let covers_lower_dir = new_info
            .lower
            .iter()
            .any(|l| l.branch != wbr && l.path.is_dir());
        if is_dir && (hid_lower || covers_lower_dir) {
            let opaque = moved.lookup_child(OPAQUE_NAME)?;
            if !opaque.is_positive() {
                moved.make_child(OPAQUE_NAME, NewObject::File(0o444))?;
            }
        }
        moved
    };
    hide_lower(union, old_parent, &old_dir, &old_name, wbr)?;
    // The VFS moves `old` to the new name and unhashes `new` after we
    // return; a replaced file keeps its object for the files open on it.
    old.set_info(DentryInfo::single(union, wbr, moved)?)?;
    if new_info.top().is_some_and(|t| t.path.is_dir()) {
        new.set_info(DentryInfo::negative(union))?;
    }
    Ok(())
}

/// setattr (chmod, chown, utimes, truncate): copy up, then change the copy.
pub(crate) fn set_attributes(
    union: &Union,
    dentry: &UnionDentry<'_>,
    change: &AttrChange,
) -> Result<Path> {
    let wbr = union.write_branch()?;
    let upper = copy_up(union, dentry, wbr)?;
    let _mounter = union.as_mounter();
    upper.set_attributes(change)?;
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
    let wbr = union.write_branch()?;
    let upper = copy_up(union, dentry, wbr)?;
    let _mounter = union.as_mounter();
    match value {
        Some(value) => upper.set_xattr(name, value, flags),
        None => upper.remove_xattr(name),
    }
}

impl DentryInfo {
    /// The info of a negative dentry.
    pub(crate) fn negative(union: &Union) -> Self {
        DentryInfo::new(union, KVec::new())
    }
}
