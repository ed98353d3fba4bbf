// SPDX-License-Identifier: GPL-2.0

//! What aufs keeps on a writable branch besides the files: whiteouts and
//! opaque markers (`.wh.` files, links to the branch's base file where they
//! can be), and the hidden temporary dirs a dir removal leaves while it
//! empties them. Used by the namespace operations and by copy-up (and its
//! undo).

#![forbid(unsafe_code)]

use crate::branch::Union;
use crate::vfs::{CredGuard, NewObject, Path};
use crate::whiteout::{classify, temp_name, whiteout_name, EntryKind, WH_PREFIX};
use core::sync::atomic::{AtomicU16, Ordering};
use kernel::{error::code::*, prelude::*};

/// `rename(2)` flags aufs_rs supports.
pub(crate) const RENAME_NOREPLACE: u32 = 1;

/// `DT_DIR`, the directory entry type of a dir.
const DT_DIR: u8 = 4;

/// How deep [`remove_internal_tree`] goes: a dir being removed holds only
/// aufs's own names, and a temporary dir left by an earlier failure.
const MAX_TEMP_DEPTH: u32 = 4;

/// A `.wh.` name built in a stack buffer.
pub(crate) struct MarkerName {
    buf: [u8; 256],
    len: usize,
}

impl MarkerName {
    /// `.wh.NAME`.
    pub(crate) fn whiteout(name: &[u8]) -> Result<Self> {
        let mut buf = [0u8; 256];
        let len = whiteout_name(name, &mut buf).ok_or(ENAMETOOLONG)?.len();
        Ok(MarkerName { buf, len })
    }

    pub(crate) fn get(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

/// Reports an undo step that failed: the operation still returns its own
/// error, but the branch is left with what the message names.
pub(crate) fn undo(step: Result, what: &str) {
    if let Err(e) = step {
        pr_warn!(
            "could not undo {} after a failed operation: {:?}\n",
            what,
            e
        );
    }
}

/// Makes `.wh.NAME` in `dir` on branch `wbr`: a link to the base file, or a
/// plain file with `+nolwh` or when the base has too many links.
pub(crate) fn make_whiteout(union: &Union, dir: &Path, name: &[u8], wbr: usize) -> Result {
    make_marker(union, dir, MarkerName::whiteout(name)?.get(), wbr)
}

/// Makes the marker file `marker` (a whiteout or the opaque marker) in `dir`
/// on branch `wbr`, as aufs does: a link to the base file where it can.
pub(crate) fn make_marker(union: &Union, dir: &Path, marker: &[u8], wbr: usize) -> Result {
    let branch = &union.branches[wbr];
    let setup = branch.setup.as_ref().ok_or(EROFS)?;
    if !branch.perm.no_link_whiteouts {
        match dir.make_child(marker, NewObject::Link(&setup.base)) {
            Err(e) if e == EMLINK => {}
            made => return made.map(|_| ()),
        }
    }
    dir.make_child(marker, NewObject::File(0o444)).map(|_| ())
}

/// True when `dir` holds `.wh.NAME`.
pub(crate) fn has_whiteout(dir: &Path, name: &[u8]) -> Result<bool> {
    Ok(dir
        .lookup_child(MarkerName::whiteout(name)?.get())?
        .is_some())
}

/// Removes the dir `name` from `parent` (empty in the union, but it may hold
/// whiteouts and an opaque marker). One that is not empty on the branch is
/// first renamed to a temporary name, which hides it in one step; removing
/// what it holds then changes nothing visible, and a failure there only
/// leaves the hidden temporary dir (with a kernel message).
pub(crate) fn remove_upper_dir(parent: &Path, name: &[u8], upper: &Path) -> Result {
    match parent.remove_child(name, true) {
        Err(e) if e == ENOTEMPTY || e == EEXIST => {}
        done => return done,
    }
    let (temp, len) = move_aside(parent, name)?;
    dispose_of_temp(parent, &temp[..len], upper);
    Ok(())
}

/// [`remove_upper_dir`] for rmdir: what the dir holds is removed now, or
/// in the background when there is much of it (`dirwh=`, see [`dispose`]).
pub(crate) fn remove_union_dir(union: &Union, parent: &Path, name: &[u8], upper: &Path) -> Result {
    match parent.remove_child(name, true) {
        Err(e) if e == ENOTEMPTY || e == EEXIST => {}
        done => return done,
    }
    let (temp, len) = move_aside(parent, name)?;
    dispose(union, parent, &temp[..len], upper);
    Ok(())
}

/// Removes the temporary dir `temp` in `parent` (the dir `moved`, hidden
/// already) with what it holds: in the background when it holds more than
/// `dirwh=N` `.wh.` entries (any at all with N <= 1), as aufs does, else
/// now. Either way the union shows nothing of it any more; a background
/// removal that fails leaves it hidden, as one done now does. On a branch
/// filesystem that is neither on a local device nor in memory (NFS, CIFS,
/// FUSE ...) it is always done now, as aufs does (its `dirwh` applies only
/// to branches on a block device, tmpfs or ramfs).
pub(crate) fn dispose(union: &Union, parent: &Path, temp: &[u8], moved: &Path) {
    // Without memory for the work item, it is done now.
    if moved.fs_is_local()
        && holds_more_markers(moved, union.tunables.dirwh)
        && spawn_disposal(union, parent, temp, moved).is_ok()
    {
        return;
    }
    dispose_of_temp(parent, temp, moved);
}

/// True when `dir` holds more than `limit` `.wh.` entries (stops reading
/// there), or any with a limit of 0 or 1 (aufs's rule). A dir that cannot
/// be read counts as small: its removal then fails now, and says so.
fn holds_more_markers(dir: &Path, limit: u32) -> bool {
    let limit = if limit <= 1 { 0 } else { limit };
    let mut count = 0u32;
    let counted = dir.read_dir(&mut |name, _, _| {
        if name.starts_with(WH_PREFIX) {
            count += 1;
            if count > limit {
                // Enough: stop reading.
                return Err(ECANCELED);
            }
        }
        Ok(())
    });
    matches!(counted, Err(e) if e == ECANCELED)
}

/// Queues [`dispose_of_temp`] of `temp` on the mount's removal queue, to
/// run as the mounter. Umount and branch edits wait for it.
fn spawn_disposal(union: &Union, parent: &Path, temp: &[u8], moved: &Path) -> Result {
    let mut name = KVec::new();
    name.extend_from_slice(temp, GFP_KERNEL)?;
    let (parent, moved, cred) = (parent.clone_ref(), moved.clone_ref(), union.cred.clone());
    union.removals.spawn(move || {
        let _mounter = CredGuard::new(&cred);
        dispose_of_temp(&parent, &name, &moved);
    })
}

/// Renames `name` in `dir` to a free `.wh..wh.NAME.XXXX`; returns that name.
pub(crate) fn move_aside(dir: &Path, name: &[u8]) -> Result<([u8; 256], usize)> {
    static SEQUENCE: AtomicU16 = AtomicU16::new(0);
    let mut buf = [0u8; 256];
    for _ in 0..16 {
        let seq = SEQUENCE.fetch_add(1, Ordering::Relaxed);
        let len = temp_name(name, seq, &mut buf).ok_or(ENAMETOOLONG)?.len();
        match dir.rename_child(name, dir, &buf[..len], RENAME_NOREPLACE) {
            Err(e) if e == EEXIST => continue,
            Err(e) => return Err(e),
            Ok(()) => return Ok((buf, len)),
        }
    }
    Err(EEXIST)
}

/// Removes the temporary dir `temp` in `parent` (the dir `moved`) with what
/// it holds. The union never shows it, so a failure is only reported.
pub(crate) fn dispose_of_temp(parent: &Path, temp: &[u8], moved: &Path) {
    let removed = remove_internal_tree(moved, MAX_TEMP_DEPTH)
        .and_then(|()| gone_is_removed(parent.remove_child(temp, true)));
    if let Err(e) = removed {
        pr_warn!(
            "left the hidden dir {} behind on a writable branch: {:?}\n",
            core::str::from_utf8(temp).unwrap_or("(name)"),
            e
        );
    }
}

/// Empties `dir` of aufs's own names (whiteouts, the opaque marker,
/// temporary dirs left by earlier failures, down to `depth` levels), so that
/// it can be removed. Plain entries are never touched.
fn remove_internal_tree(dir: &Path, depth: u32) -> Result {
    let mut names: KVec<(KVec<u8>, bool)> = KVec::new();
    dir.read_dir(&mut |name, _, dtype| {
        if name.starts_with(WH_PREFIX) && classify(name) != EntryKind::Plain {
            let mut copy = KVec::new();
            copy.extend_from_slice(name, GFP_KERNEL)?;
            names.push((copy, dtype == DT_DIR), GFP_KERNEL)?;
        }
        Ok(())
    })?;
    for (name, is_dir) in names.iter() {
        if *is_dir {
            if depth == 0 {
                return Err(ENOTEMPTY);
            }
            match dir.lookup_child(name)? {
                Some(sub) => remove_internal_tree(&sub, depth - 1)?,
                None => continue,
            }
        }
        gone_is_removed(dir.remove_child(name, *is_dir))?;
    }
    Ok(())
}

/// A removal that found nothing succeeded: another removal of the same
/// hidden dir (a background one `dirwh=` queued, and the removal of the dir
/// that holds it) got there first.
fn gone_is_removed(removed: Result) -> Result {
    match removed {
        Err(e) if e == ENOENT => Ok(()),
        other => other,
    }
}
