// SPDX-License-Identifier: GPL-2.0

//! `udba=notify` (aufs's hnotify): the branch dirs of every merged dir the
//! union has looked up carry an fsnotify mark of the mount's group, and any
//! entry made, removed or renamed there, any child's attribute change, bumps
//! the merged dir's sequence number at once. Revalidation compares a child's
//! recorded number with its parent's: one load, whatever the number of
//! layers, where `udba=reval` reads the times of the parent's branch dirs
//! (see `lookup::dir_stamp_above`). A dir made through the union, or built
//! without a lookup, is checked as with `udba=reval` until its next lookup.
//!
//! Cost: one mark (about 100 bytes, plus one fsnotify connector per watched
//! inode) per branch dir of each cached merged dir; a cold lookup of a dir
//! merged from N branches adds N marks. `rr` branches, which never change,
//! get none. The marks go with the dentry.

#![forbid(unsafe_code)]

use crate::vfs::notify::{NotifyGroup, Watch};
use crate::vfs::Path;
use core::sync::atomic::{AtomicU64, Ordering};
use kernel::{prelude::*, sync::Arc};

/// Where the next watch's numbers start: every watch counts in a range of
/// its own, so that a dir rebuilt with a new watch never shows the number
/// a child recorded from the old one.
static NEXT_RANGE: AtomicU64 = AtomicU64::new(1 << 32);

/// The watch of one merged dir: a mark on each of its branch dirs that may
/// change, all counting into one sequence number.
pub(crate) struct DirWatch {
    seq: Arc<AtomicU64>,
    _marks: KVec<Watch>,
}

impl DirWatch {
    /// Watches `dirs` (a merged dir's branch dirs that may change).
    pub(crate) fn new<'a>(
        group: &Arc<NotifyGroup>,
        dirs: impl Iterator<Item = &'a Path>,
    ) -> Result<Self> {
        let start = NEXT_RANGE.fetch_add(1 << 32, Ordering::Relaxed);
        let seq = Arc::new(AtomicU64::new(start), GFP_KERNEL)?;
        let mut marks = KVec::with_capacity(dirs.size_hint().0, GFP_KERNEL)?;
        for dir in dirs {
            marks.push(Watch::dir(group, dir, &seq)?, GFP_KERNEL)?;
        }
        Ok(DirWatch { seq, _marks: marks })
    }

    /// The sequence number: it changes with every event on the branch dirs.
    pub(crate) fn seq(&self) -> u64 {
        self.seq.load(Ordering::Acquire)
    }
}
