// SPDX-License-Identifier: GPL-2.0

//! Top-down lookup of one name over the branches (aufs design note 03lookup).
//!
//! For a name N in a union dir D, each branch where D has a lower dir is asked
//! in order, top first:
//! - a `.wh.N` on a branch that honours whiteouts ends the search (N deleted),
//! - the first positive hit decides the type; a non-dir ends the search,
//! - a dir continues downwards, collecting the lower dirs to merge, unless it
//!   is opaque (`.wh..wh..opq`) on a branch that honours whiteouts.

#![forbid(unsafe_code)]

use crate::branch::{BranchPin, Union};
use crate::drinfo::OldNames;
use crate::hnotify::DirWatch;
use crate::nameidx::Answer;
use crate::opts::{check_name, BranchKind, NameError};
use crate::vfs::dentry::{Dentry, DentryRef, Prepared};
use crate::vfs::Path;
use crate::whiteout::{classify, whiteout_name, EntryKind, OPAQUE_NAME};
use kernel::{error::code::*, prelude::*};

/// One lower object of a union object: the branch index and its path there.
pub(crate) struct Lower {
    /// Index of the branch in [`Union::branches`] of the info's generation.
    pub(crate) branch: usize,
    /// The object on that branch.
    pub(crate) path: Path,
    /// False on an `rr` branch, which never changes: udba skips it.
    may_change: bool,
    /// True on a writable branch (see [`dir_stamp`]).
    writable: bool,
    /// Counts this object as a user of its branch (for `del`'s busy check).
    _pin: BranchPin,
}

impl Lower {
    /// The object `path` on branch `branch` of `union`.
    pub(crate) fn new(union: &Union, branch: usize, path: Path) -> Self {
        let br = &union.branches[branch];
        let may_change = br.perm.kind != BranchKind::RealReadOnly;
        Lower {
            branch,
            path,
            may_change,
            writable: br.setup.is_some(),
            _pin: br.pin(),
        }
    }

    /// True on a writable branch (the name index skips it: nameidx.rs).
    pub(crate) fn is_writable(&self) -> bool {
        self.writable
    }

    /// False on an `rr` branch, whose dirs never change.
    pub(crate) fn may_change(&self) -> bool {
        self.may_change
    }
}

/// A union dentry: the handle with aufs's info in it.
pub(crate) type UnionDentry<'a> = Dentry<'a, DentryInfo>;

/// A union dentry we hold a reference to.
pub(crate) type UnionDentryRef = DentryRef<DentryInfo>;

/// A union info allocated ahead of a branch change (see
/// `Dentry::prepare_info`).
pub(crate) type PreparedInfo = Prepared<DentryInfo>;

/// What the union knows about one dentry (aufs's `au_dinfo`): the lower objects
/// that make it up, top first. Empty for a negative dentry. A non-dir has one;
/// a dir has one per branch whose dir is merged into it.
///
/// # Invariants
///
/// `lower[i].branch` indexes the branches of the union of generation
/// `generation`; an info of an older generation is rebuilt before use.
pub(crate) struct DentryInfo {
    /// The lower objects, top first.
    pub(crate) lower: KVec<Lower>,
    /// The branch layout (remount count) the info was built for.
    pub(crate) generation: u64,
    /// [`dir_stamp`] of the parent's lower dirs at lookup (udba=reval).
    pub(crate) stamp: u64,
    /// True when the top object was reached through a pseudo-link: the name
    /// itself is not on its branch yet (copy-up links it into place).
    pub(crate) pseudo: bool,
    /// The access bits (`MAY_EXEC` 1, `MAY_WRITE` 2, `MAY_READ` 4) that every
    /// dir of [`Self::dirs_below_top`] granted to every caller by its mode
    /// bits alone when the info was built (`Path::granted_to_all`); see
    /// [`Self::dirs_to_ask`].
    open_below_top: u8,
    /// With `udba=notify`, a dir's watch on its branch dirs (hnotify.rs).
    pub(crate) watch: Option<DirWatch>,
    /// The number of lower objects up to the last one on a writable branch
    /// (see [`dir_stamp`]).
    writable_end: usize,
}

impl DentryInfo {
    /// An info with the given lower objects, for `union`'s generation.
    pub(crate) fn new(union: &Union, lower: KVec<Lower>) -> Self {
        let mut info = DentryInfo {
            lower,
            generation: union.generation,
            stamp: 0,
            pseudo: false,
            open_below_top: 0,
            watch: None,
            writable_end: 0,
        };
        info.writable_end = info
            .lower
            .iter()
            .rposition(|l| l.writable)
            .map_or(0, |p| p + 1);
        info.open_below_top = info
            .dirs_below_top()
            .fold(7, |open, dir| open & dir.path.granted_to_all());
        info
    }

    /// With `udba=notify`, a dir's info watches its branch dirs.
    pub(crate) fn watched(mut self, union: &Union) -> Result<Self> {
        if let Some(group) = &union.notify {
            if self.top().is_some_and(|top| top.path.is_dir()) {
                let dirs = self
                    .lower
                    .iter()
                    .filter(|l| l.may_change && l.path.is_dir());
                self.watch = Some(DirWatch::new(group, dirs.map(|l| &l.path))?);
            }
        }
        Ok(self)
    }

    /// The info of the union root: every branch root, top first.
    pub(crate) fn root(union: &Union) -> Result<Self> {
        let mut lower = KVec::with_capacity(union.branches.len(), GFP_KERNEL)?;
        for (branch, br) in union.branches.iter().enumerate() {
            lower.push(Lower::new(union, branch, br.root.clone_ref()), GFP_KERNEL)?;
        }
        DentryInfo::new(union, lower).watched(union)
    }

    /// True when `dirs` (branch index and object, top first) are exactly the
    /// lower objects of this info: the same dentries on the same branches,
    /// compared by identity (both pin them, so an equal pointer is the same
    /// object) without reading them: at 500 layers, no 500 dentry reads.
    pub(crate) fn has_lower(&self, dirs: &[(usize, Path)]) -> bool {
        dirs.len() == self.lower.len()
            && dirs
                .iter()
                .zip(self.lower.iter())
                .all(|((branch, path), lower)| {
                    *branch == lower.branch && path.dentry() == lower.path.dentry()
                })
    }

    /// The topmost lower object, which gives the union object its attributes.
    pub(crate) fn top(&self) -> Option<&Lower> {
        self.lower.first()
    }

    /// The dirs below the top whose permission bits a read or search of a
    /// merged dir also needs without `dirperm1` (aufs's `nodirperm1`, its
    /// default: every branch's dir is checked; with `dirperm1` only the
    /// topmost). Writes are checked on the top only either way.
    pub(crate) fn dirs_below_top(&self) -> impl Iterator<Item = &Lower> {
        self.lower
            .iter()
            .skip(1)
            .take_while(|lower| lower.path.is_dir())
    }

    /// The dirs of [`Self::dirs_below_top`] whose permission `nodirperm1`
    /// must ask for `mask` (a read or search): none when every one of them
    /// granted those bits to owner, group and others alike, with no POSIX
    /// ACL and no permission op of its filesystem, when the info was built;
    /// else all of them. This keeps a path walk through a merged dir of
    /// 500 world-readable lower dirs from asking 500 inodes each time.
    ///
    /// What is skipped, and why that is sound: for such a dir the kernel's
    /// `generic_permission` grants those bits to every caller without
    /// looking at who asks (the cheap case of its `acl_permission_check`),
    /// so `inode_permission` could only refuse through an LSM hook. The
    /// caller's LSM check is still made on the union dir itself (the VFS
    /// calls `security_inode_permission` after our op), the mounter's on
    /// the top lower dir (our op), and on every lower dir the union reads
    /// (lookups and readdir run as the mounter through the kernel's own
    /// checks): what an LSM no longer sees is the caller on the lower dirs
    /// below the top, as with `dirperm1`, and as overlayfs never asks it
    /// for any lower layer. The bits are those of when the info was built
    /// (a lookup, `udba=reval`'s lookup again when the parent's branch dirs
    /// changed, a remount): a lower dir made stricter directly on its
    /// branch (behind the union's back) counts from the next one.
    pub(crate) fn dirs_to_ask(&self, mask: u8) -> impl Iterator<Item = &Lower> {
        let all = !open_to_all(self.open_below_top, mask);
        self.dirs_below_top().take_while(move |_| all)
    }

    /// What [`Self::dirs_to_ask`] decides from: the access bits every dir
    /// below the top granted to all callers when the info was built (kept by
    /// the union inode too, for permission checks that have no dentry).
    pub(crate) fn open_below_top(&self) -> u8 {
        self.open_below_top
    }
}

/// True when `open` (the bits of [`DentryInfo::open_below_top`]) grants the
/// access `mask` asks for (`MAY_EXEC` 1, `MAY_WRITE` 2, `MAY_READ` 4; other
/// bits ignored) to every caller: no dir below the top needs asking.
pub(crate) fn open_to_all(open: u8, mask: u8) -> bool {
    mask & 7 & !open == 0
}

/// Looks `name` up under the union dir described by `parent`.
///
/// `.wh.NAME` is looked for only where it can matter: once `name` itself
/// was found on a branch, on the branches from the last find down to that
/// one (a whiteout there hides it and all below). A name on no branch costs
/// one lookup per branch, not two on `+wh` ones; the result is the same as
/// asking every branch for the whiteout first.
pub(crate) fn lookup(union: &Union, parent: &DentryInfo, name: &[u8]) -> Result<DentryInfo> {
    check_lookup_name(union, name)?;
    let _mounter = union.as_mounter();
    // Read before the branches are: an event during the lookup then shows
    // as a change at the next check.
    let seen = parent.watch.as_ref().map(DirWatch::seq);
    let mut buf = [0u8; 256];
    let wh = Whiteouts::new(union, name, &mut buf);
    let [index, wh_index] = union.names.answers(parent, [name, wh.name.unwrap_or(name)]);
    let wh = wh.on_read_only(wh_index);
    let union_name = name;
    let mut found = KVec::new();
    let mut unchecked = 0;
    // Read-only dirs asked in vain (for the name or its whiteout).
    let mut wasted = 0;
    // Below a dir renamed with `dirren`: the names of its lower dirs.
    let mut renamed = OldNames::new();
    let mut old_buf = [0u8; 256];
    for (pos, dir) in parent.lower.iter().enumerate() {
        let old = renamed.get(dir.branch);
        let (name, wh) = match old {
            Some(old) => (
                &old.name[..],
                Whiteouts::new(union, &old.name, &mut old_buf),
            ),
            None => (name, wh.same()),
        };
        wh.name_fits(dir)?;
        // The index knows the union name only, not a renamed dir's old one.
        if !dir.writable && old.is_none() && !index.may_be_at(pos) {
            continue;
        }
        let child = match dir.path.lookup_child(name) {
            Ok(None) => {
                wasted += usize::from(!dir.writable);
                continue;
            }
            other => other,
        };
        if wh.any_in(&parent.lower, unchecked..=pos, &mut wasted)? {
            break;
        }
        unchecked = pos + 1;
        // Under an old name, only the renamed dir itself (its inode).
        let Some(child) = child?.filter(|c| old.is_none_or(|old| old.ino == c.ino())) else {
            continue;
        };
        let is_dir = child.is_dir();
        if !found.is_empty() && !is_dir {
            // A non-dir below a dir is hidden by it.
            continue;
        }
        let opaque = is_dir && wh.honoured(dir) && is_opaque(&child)?;
        if is_dir && !opaque {
            renamed.found_dir(union, &parent.lower, dir.branch, &child, union_name)?;
        }
        found.push(Lower::new(union, dir.branch, child), GFP_KERNEL)?;
        if !is_dir || opaque {
            break;
        }
    }
    if index == Answer::Unknown {
        union.names.note_lookup(parent, !found.is_empty(), wasted);
    }
    let info = DentryInfo::new(union, found).watched(union)?;
    let mut info = follow_pseudo_link(union, &info)?.unwrap_or(info);
    info.stamp = seen.unwrap_or_else(|| dir_stamp(parent, &info));
    Ok(info)
}

/// EPERM for aufs's own names (but whiteouts with `shwh`, which shows
/// them), ENAMETOOLONG for a name too long.
fn check_lookup_name(union: &Union, name: &[u8]) -> Result {
    match check_name(name) {
        Ok(()) => Ok(()),
        Err(NameError::Reserved)
            if union.tunables.shwh && matches!(classify(name), EntryKind::Whiteout(_)) =>
        {
            Ok(())
        }
        Err(NameError::Reserved) => Err(EPERM),
        Err(NameError::TooLong) => Err(ENAMETOOLONG),
    }
}

/// True when a lookup of `name` in the union dir `parent` would find an
/// object on a branch below `branch`: removing `name` from `branch` (or
/// renaming it away) must then leave a whiteout there. Whiteouts are
/// looked for as in [`lookup`]: only above the first find.
pub(crate) fn shows_below(
    union: &Union,
    parent: &DentryInfo,
    name: &[u8],
    branch: usize,
) -> Result<bool> {
    let _mounter = union.as_mounter();
    let mut buf = [0u8; 256];
    let wh = Whiteouts::new(union, name, &mut buf);
    let [index, wh_index] = union.names.answers(parent, [name, wh.name.unwrap_or(name)]);
    let wh = wh.on_read_only(wh_index);
    let start = parent.lower.partition_point(|l| l.branch <= branch);
    for (pos, dir) in parent.lower.iter().enumerate().skip(start) {
        wh.name_fits(dir)?;
        if !dir.writable && !index.may_be_at(pos) {
            continue;
        }
        match dir.path.lookup_child(name) {
            Ok(None) => continue,
            found => {
                let whited_out = wh.any_in(&parent.lower, start..=pos, &mut 0)?;
                return Ok(!whited_out && found?.is_some());
            }
        }
    }
    Ok(false)
}

/// The whiteout `.wh.NAME` of one name, as [`lookup`] and [`shows_below`]
/// look for it on the branches that honour whiteouts.
struct Whiteouts<'a> {
    union: &'a Union,
    /// `.wh.NAME`; None when it does not fit a name.
    name: Option<&'a [u8]>,
    /// What the parent's name index says of it (nameidx.rs): read-only
    /// dirs where it cannot be are not asked.
    read_only: Answer,
}

impl<'a> Whiteouts<'a> {
    fn new(union: &'a Union, name: &[u8], buf: &'a mut [u8; 256]) -> Self {
        Whiteouts {
            union,
            name: whiteout_name(name, buf),
            read_only: Answer::Maybe,
        }
    }

    /// The same, where the parent's name index says `answer` of it.
    fn on_read_only(self, answer: Answer) -> Self {
        Whiteouts {
            read_only: answer,
            ..self
        }
    }

    /// True when the branch of `dir` honours whiteouts.
    fn honoured(&self, dir: &Lower) -> bool {
        self.union.branches[dir.branch].perm.honours_whiteouts()
    }

    /// The same whiteout, borrowed.
    fn same(&self) -> Whiteouts<'_> {
        Whiteouts {
            union: self.union,
            name: self.name,
            read_only: self.read_only,
        }
    }

    /// ENAMETOOLONG where a whiteout would be looked for and its name does
    /// not fit (as when every branch was asked for it first).
    fn name_fits(&self, dir: &Lower) -> Result {
        match self.name {
            None if self.honoured(dir) => Err(ENAMETOOLONG),
            _ => Ok(()),
        }
    }

    /// True when one of `lower[range]` that honours whiteouts holds the
    /// whiteout; counts the read-only dirs asked in vain into `wasted`.
    fn any_in(
        &self,
        lower: &[Lower],
        range: core::ops::RangeInclusive<usize>,
        wasted: &mut usize,
    ) -> Result<bool> {
        for (pos, dir) in lower
            .iter()
            .enumerate()
            .take(range.end() + 1)
            .skip(*range.start())
        {
            if !self.honoured(dir) || !(dir.writable || self.read_only.may_be_at(pos)) {
                continue;
            }
            let name = self.name.ok_or(ENAMETOOLONG)?;
            if dir.path.lookup_child(name)?.is_some() {
                return Ok(true);
            }
            *wasted += usize::from(!dir.writable);
        }
        Ok(false)
    }
}

/// The change stamp of the lower dirs of `dir` that can change what
/// `child` is under `udba=reval`: those on writable branches (for a non-dir,
/// those above its own branch). It changes when an entry is added to or
/// removed from one of them, through the union or behind its back.
///
/// What `udba=reval` sees of direct changes, then: on a writable branch,
/// every change at once (a new file or whiteout above a cached name, a new
/// entry where a negative name was cached, a dir joining a merged one); on
/// a read-only branch (`ro`, `rr`), the removal or replacement of the
/// cached object itself (`lost_top`, and for a merged dir `lost_below_top`
/// when its entries are next read) and its attributes, not a new entry
/// under a name cached as missing, nor a new dir joining a cached merged
/// one, until the name leaves the dentry cache. That is aufs's own
/// `udba=reval` (aufs.5: "If the file is cached as negative or not-existed,
/// aufs does not test it"; its h_d_revalidate tests only the objects of the
/// name itself), and it makes the check cost the same under 1 or 500
/// read-only layers. `udba=notify` sees every change at once, also for one
/// number whatever the layers (selftests 68 and 77).
pub(crate) fn dir_stamp(dir: &DentryInfo, child: &DentryInfo) -> u64 {
    dir_stamp_above(dir, stamp_limit(child))
}

/// The branch index above which [`dir_stamp`] looks for `child` (usize::MAX:
/// every writable branch, for a dir or a negative name).
pub(crate) fn stamp_limit(child: &DentryInfo) -> usize {
    match child.top() {
        Some(top) if !top.path.is_dir() => top.branch,
        _ => usize::MAX,
    }
}

/// The change stamp of the writable lower dirs of `dir` below branch
/// `limit` ([`stamp_limit`]); with `udba=notify`, the sequence number of
/// the dir's watch, which counts changes in all of them.
pub(crate) fn dir_stamp_above(dir: &DentryInfo, limit: usize) -> u64 {
    if let Some(watch) = &dir.watch {
        return watch.seq();
    }
    stamp_of(
        dir.lower[..dir.writable_end]
            .iter()
            .take_while(|l| l.branch < limit)
            .filter(|l| l.may_change && l.writable),
    )
}

/// The change stamp of every branch dir of `dir` that may change, read-only
/// ones too (the merged listing cache: a change on any branch rebuilds it);
/// with `udba=notify`, the watch's sequence number.
pub(crate) fn dir_stamp_every(dir: &DentryInfo) -> u64 {
    if let Some(watch) = &dir.watch {
        return watch.seq();
    }
    stamp_of(dir.lower.iter().filter(|l| l.may_change))
}

/// One number from the change stamps of `dirs`.
fn stamp_of<'a>(dirs: impl Iterator<Item = &'a Lower>) -> u64 {
    dirs.fold(0, |stamp: u64, l| {
        (stamp.rotate_left(13) ^ l.path.change_stamp()).wrapping_mul(0x9e37_79b9_7f4a_7c15)
    })
}

/// True when the top object of `info` (what the name is: a file's only
/// object, a dir's top dir) was removed from its branch behind the union's
/// back. One read whatever the layers: the walk checks this on every dentry
/// it passes; a merged dir's other dirs are checked where they are read
/// ([`lost_below_top`]).
pub(crate) fn lost_top(info: &DentryInfo) -> bool {
    info.lower.first().is_some_and(|l| l.path.is_gone())
}

/// True when a dir of the merged dir `info` below its top one was removed
/// from its branch behind the union's back: its info must be looked up
/// again before its entries are read (a lookup in it, a listing, rmdir).
pub(crate) fn lost_below_top(info: &DentryInfo) -> bool {
    info.lower.iter().skip(1).any(|l| l.path.is_gone())
}

/// For a hardlinked file: the info of its copy on a branch above, if another
/// of its names was copied up there meanwhile (pseudo-link). The branch of
/// the file may be writable too: after a remount put a new writable branch
/// on top, the copy may be there.
pub(crate) fn follow_pseudo_link(union: &Union, info: &DentryInfo) -> Result<Option<DentryInfo>> {
    let [only] = &info.lower[..] else {
        return Ok(None);
    };
    if only.path.is_dir() || only.branch == 0 {
        return Ok(None);
    }
    match union.pseudo_link(&only.path, only.branch) {
        Some((branch, path)) => {
            let mut info = DentryInfo::single(union, branch, path)?;
            info.pseudo = true;
            Ok(Some(info))
        }
        None => Ok(None),
    }
}

/// True when `dir` holds a whiteout for `name`.
pub(crate) fn is_whited_out(dir: &Path, name: &[u8]) -> Result<bool> {
    let mut buf = [0u8; 256];
    let wh = whiteout_name(name, &mut buf).ok_or(ENAMETOOLONG)?;
    Ok(dir.lookup_child(wh)?.is_some())
}

/// True when `dir` is marked opaque.
pub(crate) fn is_opaque(dir: &Path) -> Result<bool> {
    Ok(dir.lookup_child(OPAQUE_NAME)?.is_some())
}
