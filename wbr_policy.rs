// SPDX-License-Identifier: GPL-2.0

//! Which writable branch takes a new object (`create=`) or a copy-up
//! (`cpup=`), aufs's wbr_policy.c: pure decisions over a view of the
//! branches, host-tested. `policy.rs` gathers the view (where the parent dir
//! is, the free space) and keeps the round-robin counter and the free-space
//! readings.

#![forbid(unsafe_code)]

use core::fmt;

/// `create=`: where new objects go.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub(crate) enum Create {
    /// `tdp`: the topmost writable branch where the parent dir is, else the
    /// topmost writable one (the parent dirs copied there).
    #[default]
    Tdp,
    /// `rr`: the writable branches in turn (a new dir does not advance the
    /// turn, so what is made in it follows it).
    Rr,
    /// `mfs[:SEC]`: the writable branch with the most free space, re-read
    /// every SEC seconds.
    Mfs(u32),
    /// `tdmfs:LOW[:SEC]`: the topmost writable branch with more than LOW
    /// bytes free, else `mfs`.
    Tdmfs(u64, u32),
    /// `mfsrr:LOW[:SEC]`: `mfs` while the most free space is at least LOW
    /// bytes, else `rr`.
    Mfsrr(u64, u32),
    /// `pmfs[:SEC]`: among the writable branches where the parent dir is,
    /// the one with the most free space (else `tdp`).
    Pmfs(u32),
    /// `pmfsrr:LOW[:SEC]`: `pmfs`, then `mfsrr` when its choice has less
    /// than LOW bytes free.
    Pmfsrr(u64, u32),
}

/// `cpup=`: where a copy-up goes (an object already on a writable branch
/// is changed in place whatever the policy).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub(crate) enum Copyup {
    /// `tdp`: the topmost writable branch above the object where its parent
    /// dir is, else the nearest writable one above it.
    #[default]
    Tdp,
    /// `bup`: the nearest writable branch above the object where its parent
    /// dir is, else the nearest writable one above it.
    Bup,
    /// `bu`: the nearest writable branch above the object.
    Bu,
}

/// How often the free space is read by default (aufs's `AUFS_MFS_DEF_SEC`).
pub(crate) const MFS_DEFAULT_SEC: u32 = 30;
/// The longest interval (aufs's `AUFS_MFS_MAX_SEC`).
pub(crate) const MFS_MAX_SEC: u32 = 3600;

impl Create {
    /// Parses `tdp`, `rr`, `mfs:60`, `mfsrr:100M:10`, ... (aufs's long names
    /// too: `top-down-parent`, `round-robin`, `most-free-space`, ...).
    pub(crate) fn parse(text: &str) -> Option<Self> {
        let mut parts = text.split(':');
        let name = parts.next()?;
        let args: [Option<&str>; 2] = [parts.next(), parts.next()];
        if parts.next().is_some() {
            return None;
        }
        let sec = |s: Option<&str>| match s {
            None => Some(MFS_DEFAULT_SEC),
            Some(s) => s.parse().ok().filter(|&s| s <= MFS_MAX_SEC),
        };
        let policy = match (name, args) {
            ("tdp" | "top-down-parent", [None, None]) => Create::Tdp,
            ("rr" | "round-robin", [None, None]) => Create::Rr,
            ("mfs" | "most-free-space", [s, None]) => Create::Mfs(sec(s)?),
            ("tdmfs", [Some(low), s]) => Create::Tdmfs(bytes(low)?, sec(s)?),
            ("mfsrr", [Some(low), s]) => Create::Mfsrr(bytes(low)?, sec(s)?),
            ("pmfs", [s, None]) => Create::Pmfs(sec(s)?),
            ("pmfsrr", [Some(low), s]) => Create::Pmfsrr(bytes(low)?, sec(s)?),
            _ => return None,
        };
        Some(policy)
    }

    /// How often the free space is read, if the policy reads it.
    pub(crate) fn interval(&self) -> Option<u32> {
        match *self {
            Create::Tdp | Create::Rr => None,
            Create::Mfs(s) | Create::Pmfs(s) => Some(s),
            Create::Tdmfs(_, s) | Create::Mfsrr(_, s) | Create::Pmfsrr(_, s) => Some(s),
        }
    }
}

impl fmt::Display for Create {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Create::Tdp => f.write_str("tdp"),
            Create::Rr => f.write_str("rr"),
            Create::Mfs(s) => write!(f, "mfs:{s}"),
            Create::Tdmfs(low, s) => write!(f, "tdmfs:{low}:{s}"),
            Create::Mfsrr(low, s) => write!(f, "mfsrr:{low}:{s}"),
            Create::Pmfs(s) => write!(f, "pmfs:{s}"),
            Create::Pmfsrr(low, s) => write!(f, "pmfsrr:{low}:{s}"),
        }
    }
}

impl Copyup {
    /// Parses `tdp`, `bup`, `bu` (and the long names).
    pub(crate) fn parse(text: &str) -> Option<Self> {
        match text {
            "tdp" | "top-down-parent" => Some(Copyup::Tdp),
            "bup" | "bottom-up-parent" => Some(Copyup::Bup),
            "bu" | "bottom-up" => Some(Copyup::Bu),
            _ => None,
        }
    }
}

impl fmt::Display for Copyup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Copyup::Tdp => "tdp",
            Copyup::Bup => "bup",
            Copyup::Bu => "bu",
        })
    }
}

/// A byte count with an optional `k`, `m`, `g` or `t` suffix (binary).
fn bytes(text: &str) -> Option<u64> {
    let (digits, shift) = match text.as_bytes().last()? {
        b'k' | b'K' => (&text[..text.len() - 1], 10),
        b'm' | b'M' => (&text[..text.len() - 1], 20),
        b'g' | b'G' => (&text[..text.len() - 1], 30),
        b't' | b'T' => (&text[..text.len() - 1], 40),
        _ => (text, 0),
    };
    digits.parse::<u64>().ok()?.checked_mul(1 << shift)
}

/// One branch as the policies see it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct View {
    /// The branch takes writes.
    pub(crate) writable: bool,
    /// The parent dir of the object is on the branch.
    pub(crate) has_parent: bool,
    /// Bytes free for unprivileged users (0 when not read).
    pub(crate) free: u64,
}

/// The branch a new object goes to under `policy`. Only branches up to
/// `limit` count (below it a whiteout or an opaque dir would hide the
/// object). `turn(advance)` gives the round-robin turn, advancing it for
/// non-dirs. None when no writable branch is in reach.
pub(crate) fn choose_create(
    policy: Create,
    branches: &[View],
    limit: usize,
    is_dir: bool,
    turn: &mut dyn FnMut(bool) -> usize,
) -> Option<usize> {
    let reach = &branches[..branches.len().min(limit.saturating_add(1))];
    let writable = |i: &usize| reach[*i].writable;
    let top = (0..reach.len()).find(writable)?;
    let tdp = (0..reach.len())
        .find(|&i| reach[i].writable && reach[i].has_parent)
        .unwrap_or(top);
    let mfs = most_free(reach, |_| true);
    let mut rr = || round_robin(reach, turn(!is_dir));
    Some(match policy {
        Create::Tdp => tdp,
        Create::Rr => rr()?,
        Create::Mfs(_) => mfs?,
        Create::Tdmfs(low, _) => (0..reach.len())
            .find(|&i| reach[i].writable && reach[i].free > low)
            .or(mfs)?,
        Create::Mfsrr(low, _) => match mfs {
            Some(i) if reach[i].free >= low => i,
            _ => rr()?,
        },
        Create::Pmfs(_) => most_free(reach, |v| v.has_parent).unwrap_or(tdp),
        Create::Pmfsrr(low, _) => match most_free(reach, |v| v.has_parent).unwrap_or(tdp) {
            i if reach[i].free >= low => i,
            _ => match mfs {
                Some(i) if reach[i].free >= low => i,
                _ => rr()?,
            },
        },
    })
}

/// The writable branch of `reach` that `keep` keeps with the most free
/// space; on a tie the upper one.
fn most_free(reach: &[View], keep: impl Fn(&View) -> bool) -> Option<usize> {
    let mut best: Option<usize> = None;
    for (i, v) in reach.iter().enumerate() {
        if v.writable && keep(v) && best.is_none_or(|b| v.free > reach[b].free) {
            best = Some(i);
        }
    }
    best
}

/// The `turn`-th writable branch of `reach`, counting round.
fn round_robin(reach: &[View], turn: usize) -> Option<usize> {
    let count = reach.iter().filter(|v| v.writable).count();
    if count == 0 {
        return None;
    }
    reach
        .iter()
        .enumerate()
        .filter(|(_, v)| v.writable)
        .nth(turn % count)
        .map(|(i, _)| i)
}

/// The branch the object on branch `top` is copied up to under `policy`
/// (`top` itself when it is writable). None when no writable branch is at
/// or above it.
pub(crate) fn choose_copyup(policy: Copyup, branches: &[View], top: usize) -> Option<usize> {
    if branches.get(top)?.writable {
        return Some(top);
    }
    let above = &branches[..top];
    let nearest = (0..top).rev().find(|&i| above[i].writable);
    let with_parent = |i: &usize| above[*i].writable && above[*i].has_parent;
    match policy {
        Copyup::Tdp => (0..top).find(with_parent).or(nearest),
        Copyup::Bup => (0..top).rev().find(with_parent).or(nearest),
        Copyup::Bu => nearest,
    }
}
