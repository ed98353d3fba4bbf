// SPDX-License-Identifier: GPL-2.0

//! The name index of merged dirs (issue 18): for a union dir with several
//! read-only lower dirs, the names in them and where, so that a lookup
//! asks only the writable lower dirs and the read-only ones that may hold
//! the name: none for a miss, one for a file of one layer, instead of
//! every layer.
//!
//! The index is exact where it answers: a name whose hash is not in the
//! set is in none of the indexed dirs (a lookup there would find nothing),
//! and one whose hash is there is in no read-only dir outside the first
//! and last that hold a name of that hash (the name, or a collision: then
//! the range covers both). It holds every entry name of the read-only
//! dirs, whiteouts (`.wh.NAME`) and the opaque mark included, so `ro` and
//! `ro+wh` layers alike are covered, and the same check answers for
//! `.wh.NAME`: a whiteout is looked for on the writable dirs and on the
//! read-only ones in its range only.
//!
//! Built by one pass over the dir's read-only lower dirs (as the mounter)
//! at its first miss, or at a lookup that asked many of them in vain
//! ([`WASTED_TO_INDEX`]), and used while the change stamps of those dirs
//! are the ones read before that pass (`rr` dirs never change and are not
//! read): a change directly on a read-only branch (a file added, removed,
//! or a whiteout) makes the next such lookup build it again, whatever
//! `udba=`. The index only replaces lookups that would find nothing, so
//! what each `udba=` mode sees of direct changes stays as lookup.rs says
//! (`udba=reval` does not look again for a name cached as negative; a name
//! not cached is looked up, and a new file on a read-only branch is found
//! because its dir's stamp changed). Writable dirs are not indexed: they
//! change with every create through the union and are looked up always.
//!
//! Not indexed (the lookup asks every dir): dirs with fewer than
//! [`MIN_DIRS`] read-only lower dirs; a read-only dir the mounter may not
//! read and search; a dir of a filesystem with its own name hashing or
//! comparison (case-insensitive: a lookup may find a name readdir spells
//! otherwise); a dir whose names exceed the budget.
//!
//! Assumed of every read-only branch's filesystem: its readdir lists every
//! name its lookup finds. True of disk and memory filesystems (ext4, xfs,
//! btrfs, tmpfs, squashfs ...); not of procfs (its lookup finds thread ids
//! that readdir does not list), a branch aufs users do not make.
//!
//! Memory, per union generation (a remount starts afresh): at most
//! [`MAX_INDEXES`] dirs and [`MAX_NAMES`] names. 12 bytes per indexed name
//! (its hash and range, distinct ones only) plus, per indexed dir, 24 bytes per lower
//! dir (branch index and a reference to the dir, which pins its dentry and
//! inode while the index holds it). The least recently used index goes
//! first. Memory reclaim (a shrinker per union generation, see
//! [`Store`]'s `Reclaim`; `drop_caches` too) takes back the references:
//! the index then knows its dirs by inode identity and holds them again
//! at its next use.

#![forbid(unsafe_code)]

use crate::dirmerge::heap_sort;
use crate::lookup::{DentryInfo, Lower};
use crate::vfs::{InodeId, Path, Reclaim, Shrinker};
use kernel::{
    alloc::flags::*,
    error::code::*,
    new_mutex,
    prelude::*,
    sync::{Arc, Mutex},
};

/// The fewest read-only lower dirs a merged dir has to be indexed: with
/// one, a miss costs one lookup, no more than the index check.
const MIN_DIRS: usize = 2;

/// The fewest read-only lower dirs asked in vain by a lookup that finds
/// its name, for the dir to be indexed then (a miss always indexes it): a
/// name found on the bottom layer of many, or a dir found on each of many
/// `+wh` layers, each also asked for its whiteout. Building costs about
/// three lookups a layer (a readdir of each, for small dirs); later
/// lookups in the dir ask only the layers that may hold the name.
const WASTED_TO_INDEX: usize = 16;

/// The most dirs indexed per union generation.
const MAX_INDEXES: usize = 64;

/// The most names indexed per union generation (3 MiB: 12 bytes a name).
const MAX_NAMES: usize = 1 << 18;

/// What the index says of a name in a merged dir.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Answer {
    /// In none of the read-only lower dirs: only writable ones need asking.
    Absent,
    /// Perhaps in the read-only lower dirs at these positions (first and
    /// last, in the merged dir's lower dirs) and in none outside them.
    Within(usize, usize),
    /// Perhaps in any of them (or the dir cannot be indexed): ask all.
    Maybe,
    /// No index of the dir (or it is out of date): ask all, then build it
    /// ([`NameIndexes::note_lookup`]).
    Unknown,
}

impl Answer {
    /// True when the read-only lower dir at `pos` (in the merged dir's
    /// lower dirs) may hold the name.
    pub(crate) fn may_be_at(self, pos: usize) -> bool {
        match self {
            Answer::Absent => false,
            Answer::Within(first, last) => first <= pos && pos <= last,
            Answer::Maybe | Answer::Unknown => true,
        }
    }
}

/// The names of an indexed dir: the sorted distinct hashes, and for each
/// the first and last position (in the merged dir's lower dirs) of a
/// read-only dir that holds a name of that hash.
struct Names {
    hashes: KVVec<u64>,
    places: KVVec<(u16, u16)>,
}

impl Names {
    /// What they say of `name`.
    fn answer(&self, name: &[u8]) -> Answer {
        match self.hashes.binary_search(&hash(name)) {
            Err(_) => Answer::Absent,
            Ok(i) => {
                let (first, last) = self.places[i];
                Answer::Within(first.into(), last.into())
            }
        }
    }
}

/// A lower dir of an indexed merged dir: held (its dentry pinned, so that
/// equal pointers are the same dir) until memory reclaim lets it go, then
/// known by its inode's identity until the index is used again.
enum LowerDir {
    Held(Path),
    Known(InodeId),
}

impl LowerDir {
    /// True when this is the dir of `path`.
    fn is(&self, path: &Path) -> bool {
        match self {
            LowerDir::Held(held) => held.dentry() == path.dentry(),
            LowerDir::Known(id) => *id == path.inode_id(),
        }
    }
}

/// The index of one merged dir.
struct Index {
    /// The lower dirs of the merged dir (branch index and dir), top first:
    /// the index is of the dir with exactly these.
    dirs: KVec<(usize, LowerDir)>,
    /// How many of `dirs` are held.
    held: usize,
    /// The change stamp of the indexed dirs before they were read.
    stamp: u64,
    /// The names; None when the dir cannot be indexed (see the file's
    /// comment) while the stamp holds.
    names: Option<Arc<Names>>,
    /// When it was last used (a count of uses of all indexes).
    used: u64,
}

impl Index {
    /// True when this is the index of the merged dir `dir`.
    fn is_of(&self, dir: &DentryInfo) -> bool {
        self.dirs.len() == dir.lower.len()
            && self
                .dirs
                .iter()
                .zip(dir.lower.iter())
                .all(|((branch, known), lower)| *branch == lower.branch && known.is(&lower.path))
        // Held dirs compare by pointer: at 500 layers, no 500 inode reads.
    }

    /// Holds again the dirs of `dir` (which it is the index of) that
    /// reclaim let go; returns how many.
    fn hold(&mut self, dir: &DentryInfo) -> usize {
        if self.held == self.dirs.len() {
            return 0;
        }
        let mut more = 0;
        for ((_, known), lower) in self.dirs.iter_mut().zip(dir.lower.iter()) {
            if matches!(known, LowerDir::Known(_)) {
                *known = LowerDir::Held(lower.path.clone_ref());
                more += 1;
            }
        }
        self.held += more;
        more
    }

    /// Lets go of held dirs, as many as `out` takes; returns how many.
    fn let_go(&mut self, out: &mut [Option<Path>]) -> usize {
        let mut n = 0;
        for (_, known) in self.dirs.iter_mut() {
            if n == out.len() {
                break;
            }
            if let LowerDir::Held(path) = known {
                let id = path.inode_id();
                if let LowerDir::Held(path) = core::mem::replace(known, LowerDir::Known(id)) {
                    out[n] = Some(path);
                    n += 1;
                }
            }
        }
        self.held -= n;
        n
    }

    /// The number of names it holds.
    fn len(&self) -> usize {
        self.names.as_ref().map_or(0, |names| names.hashes.len())
    }
}

/// The kept indexes, their total size and how many lower dirs they hold.
struct Kept {
    indexes: KVec<Index>,
    names: usize,
    held: usize,
    uses: u64,
}

/// The name indexes of one union generation.
pub(crate) struct NameIndexes {
    store: Shrinker<Store>,
}

/// The indexes, behind the lock that the lookups and the shrinker share.
#[pin_data]
struct Store {
    #[pin]
    kept: Mutex<Kept>,
}

/// How costly a held lower dir is to get again, for the shrinker (the
/// kernel's default): one lookup, by the next lookup of the merged dir.
const SEEKS: u32 = 2;

/// The lower dirs of a merged dir that the index covers: the read-only ones.
fn indexed(dir: &DentryInfo) -> impl Iterator<Item = &Lower> {
    dir.lower.iter().filter(|l| !l.is_writable())
}

/// The change stamp of the indexed dirs of `dir` (`rr` ones never change):
/// their modification stamps, which change when an entry is added or
/// removed, and their change times, which also move with a chmod (the
/// index holds only for dirs the mounter may read and search).
fn stamp(dir: &DentryInfo) -> u64 {
    indexed(dir)
        .filter(|l| l.may_change())
        .fold(0, |stamp: u64, l| {
            let (sec, nsec) = l.path.ctime();
            let ctime = (sec as u64).rotate_left(32) ^ u64::from(nsec);
            (stamp.rotate_left(13) ^ l.path.change_stamp() ^ ctime.rotate_left(7))
                .wrapping_mul(0x9e37_79b9_7f4a_7c15)
        })
}

/// A 64-bit hash of a name (FNV-1a, then a final mix so that the sorted
/// hashes spread evenly).
fn hash(name: &[u8]) -> u64 {
    let h = name.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    (h ^ (h >> 31)).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

impl NameIndexes {
    /// No index yet.
    pub(crate) fn new() -> Result<Arc<Self>> {
        let store = Arc::pin_init(
            pin_init!(Store {
                kept <- new_mutex!(Kept {
                    indexes: KVec::new(),
                    names: 0,
                    held: 0,
                    uses: 0,
                }),
            }),
            GFP_KERNEL,
        )?;
        let store = Shrinker::register(store, c"names", SEEKS)?;
        Ok(Arc::new(NameIndexes { store }, GFP_KERNEL)?)
    }

    /// What the index of `dir` says of each of `names` (its stamp read
    /// once for all: at 500 layers that reads 500 inodes). The caller runs
    /// as the mounter.
    pub(crate) fn answers<const N: usize>(
        &self,
        dir: &DentryInfo,
        names: [&[u8]; N],
    ) -> [Answer; N] {
        if indexed(dir).nth(MIN_DIRS - 1).is_none() {
            return [Answer::Maybe; N];
        }
        let (built, indexed) = {
            let mut kept = self.store.kept.lock();
            let Kept {
                indexes,
                held,
                uses,
                ..
            } = &mut *kept;
            *uses += 1;
            let Some(index) = indexes.iter_mut().find(|i| i.is_of(dir)) else {
                return [Answer::Unknown; N];
            };
            index.used = *uses;
            *held += index.hold(dir);
            (index.stamp, index.names.clone())
        };
        // Outside the lock.
        if stamp(dir) != built {
            return [Answer::Unknown; N];
        }
        let Some(indexed) = indexed else {
            return [Answer::Maybe; N];
        };
        names.map(|name| indexed.answer(name))
    }

    /// After a lookup in `dir` where [`Self::answers`] said
    /// [`Answer::Unknown`], that found nothing or asked `wasted` read-only
    /// dirs in vain (for the name or its whiteout): (re)builds its index
    /// when that is worth a readdir of every read-only layer of the dir
    /// ([`WASTED_TO_INDEX`]). Best effort: without memory the dir stays
    /// unindexed. The caller runs as the mounter.
    pub(crate) fn note_lookup(&self, dir: &DentryInfo, found: bool, wasted: usize) {
        if found && wasted < WASTED_TO_INDEX {
            return;
        }
        let Ok(index) = build(dir) else {
            return;
        };
        let _ = self.keep(dir, index);
    }

    /// Keeps `index` as the one of `dir`, dropping the least recently used
    /// ones to stay within the budget.
    fn keep(&self, dir: &DentryInfo, mut index: Index) -> Result {
        let mut kept = self.store.kept.lock();
        let Kept {
            indexes,
            names,
            held,
            ..
        } = &mut *kept;
        indexes.retain(|i| {
            let stays = !i.is_of(dir);
            if !stays {
                *names -= i.len();
                *held -= i.held;
            }
            stays
        });
        while !kept.indexes.is_empty()
            && (kept.indexes.len() >= MAX_INDEXES || kept.names + index.len() > MAX_NAMES)
        {
            if kept.take_oldest().is_none() {
                break;
            }
        }
        kept.uses += 1;
        index.used = kept.uses;
        kept.names += index.len();
        kept.held += index.held;
        kept.indexes.push(index, GFP_KERNEL)?;
        Ok(())
    }
}

impl Kept {
    /// Takes out the least recently used index.
    fn take_oldest(&mut self) -> Option<Index> {
        let oldest = (0..self.indexes.len()).min_by_key(|&p| self.indexes[p].used)?;
        let gone = self.indexes.remove(oldest).ok()?;
        self.names -= gone.len();
        self.held -= gone.held;
        Some(gone)
    }

    /// Lets go of held lower dirs, of the least recently used indexes
    /// first, as many as `out` takes; returns how many.
    fn let_go(&mut self, out: &mut [Option<Path>]) -> usize {
        let mut n = 0;
        while n < out.len() {
            let oldest = self.indexes.iter_mut().filter(|i| i.held > 0);
            let Some(index) = oldest.min_by_key(|i| i.used) else {
                break;
            };
            n += index.let_go(&mut out[n..]);
        }
        self.held -= n;
        n
    }
}

/// What the shrinker takes back: the references to lower dirs, which pin
/// their dentries and inodes (hundreds of bytes each, per layer). The
/// hashes stay (8 bytes a name, within the budget): a miss after reclaim
/// then costs one stamp check, not a readdir of every layer; the index
/// holds its dirs again at its next use.
impl Reclaim for Store {
    // A busy lock counts as nothing to free: the lookups hold it while they
    // allocate, and that allocation may be what reclaims.
    fn reclaimable(&self) -> usize {
        self.kept.try_lock().map_or(0, |kept| kept.held)
    }

    fn reclaim(&self, nr: usize) -> Option<usize> {
        let mut freed = 0;
        while freed < nr {
            let mut batch: [Option<Path>; 16] = Default::default();
            let Some(mut kept) = self.kept.try_lock() else {
                return (freed > 0).then_some(freed);
            };
            let n = kept.let_go(&mut batch);
            drop(kept);
            // The references given back (batch dropped) outside the lock.
            if n == 0 {
                break;
            }
            freed += n;
        }
        Some(freed)
    }
}

/// Reads the indexed dirs of `dir` into a new index (one whose `names` is
/// None when it cannot be indexed).
fn build(dir: &DentryInfo) -> Result<Index> {
    let mut dirs = KVec::with_capacity(dir.lower.len(), GFP_KERNEL)?;
    for lower in dir.lower.iter() {
        let held = LowerDir::Held(lower.path.clone_ref());
        dirs.push((lower.branch, held), GFP_KERNEL)?;
    }
    // Read before the dirs are: a change during the pass shows at the next
    // check as a stamp that differs.
    let stamp = stamp(dir);
    let names = match read_names(dir) {
        Ok(names) => Some(Arc::new(names, GFP_KERNEL)?),
        Err(_) => None,
    };
    Ok(Index {
        held: dirs.len(),
        dirs,
        stamp,
        names,
        used: 0,
    })
}

/// The names of the indexed dirs of `dir`; an error when one cannot be
/// indexed.
fn read_names(dir: &DentryInfo) -> Result<Names> {
    let gfp = GFP_KERNEL_ACCOUNT | __GFP_NOWARN;
    let mut seen: KVVec<(u64, u16)> = KVVec::new();
    for (pos, lower) in dir.lower.iter().enumerate() {
        if lower.is_writable() {
            continue;
        }
        let pos = u16::try_from(pos).map_err(|_| E2BIG)?;
        if lower.path.has_own_name_ops() {
            return Err(EOPNOTSUPP);
        }
        lower.path.check_access(false)?;
        lower.path.read_dir(&mut |name, _, _| {
            if seen.len() >= MAX_NAMES {
                return Err(E2BIG);
            }
            seen.push((hash(name), pos), gfp)?;
            Ok(())
        })?;
    }
    heap_sort(&mut seen, |a, b| a < b);
    let distinct = seen.windows(2).filter(|w| w[0].0 != w[1].0).count() + 1;
    let mut names = Names {
        hashes: KVVec::with_capacity(distinct, gfp)?,
        places: KVVec::with_capacity(distinct, gfp)?,
    };
    for &(hash, pos) in seen.iter() {
        // Sorted by hash, then position: a run of one hash is its places.
        if names.hashes.last() == Some(&hash) {
            if let Some(place) = names.places.last_mut() {
                place.1 = pos;
            }
            continue;
        }
        names.hashes.push(hash, gfp)?;
        names.places.push((pos, pos), gfp)?;
    }
    Ok(names)
}
