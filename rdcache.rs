// SPDX-License-Identifier: GPL-2.0

//! The merged listing cache (aufs's `rdcache=SEC`, its vdir kept in the
//! inode): a dir's merged listing is kept for SEC seconds after it was
//! built, and every open of the dir in that time reads it instead of reading
//! and merging every branch dir again.
//!
//! A kept listing is used only while it still describes the dir: the same
//! generation, the same lower dirs, and none of them changed (their change
//! stamps, see [`dir_stamp_every`]): a change through the union or directly
//! in a branch makes the next reader build it again, whatever `udba=`.
//!
//! Memory: at most [`MAX_KEPT`] listings per mount. One is freed when it is
//! older than SEC at the next build or read of a listing in the mount, at a
//! remount and at umount (there is no timer).

#![forbid(unsafe_code)]

use crate::branch::Union;
use crate::lookup::{dir_stamp_every, DentryInfo};
use crate::readdir::Listing;
use crate::vfs::Path;
use kernel::{
    new_mutex,
    prelude::*,
    sync::{Arc, Mutex},
    time::{Instant, Monotonic},
};

/// The most listings a mount keeps.
const MAX_KEPT: usize = 64;

/// One kept listing and what it was built from.
struct Kept {
    /// The lower dirs (branch index and dir), top first.
    dirs: KVec<(usize, Path)>,
    /// The union generation it was built in.
    generation: u64,
    /// The change stamp of the lower dirs then.
    stamp: u64,
    /// When it was built.
    built: Instant<Monotonic>,
    listing: Arc<Listing>,
}

impl Kept {
    /// True when this listing was built from the lower dirs of `dir`.
    fn is_of(&self, dir: &DentryInfo) -> bool {
        dir.has_lower(&self.dirs)
    }

    /// True while it is younger than `seconds`.
    fn is_fresh(&self, seconds: u32) -> bool {
        self.built.elapsed().as_millis() < i64::from(seconds) * 1000
    }
}

/// The listings kept by one mount.
#[pin_data]
pub(crate) struct ListingCache {
    #[pin]
    kept: Mutex<KVec<Kept>>,
}

impl ListingCache {
    /// An empty cache.
    pub(crate) fn new() -> impl PinInit<Self> {
        pin_init!(ListingCache {
            kept <- new_mutex!(KVec::new()),
        })
    }

    /// The merged listing of `dir`: a kept one if it still describes the
    /// dir, else a new one (kept for `rdcache=` seconds).
    pub(crate) fn listing(&self, union: &Union, dir: &DentryInfo) -> Result<Arc<Listing>> {
        let seconds = union.tunables.rdcache;
        if seconds == 0 {
            return Ok(Arc::new(Listing::build(union, dir)?, GFP_KERNEL)?);
        }
        let stamp = {
            let _mounter = union.as_mounter();
            dir_stamp_every(dir)
        };
        if let Some(listing) = self.find(dir, union.generation, stamp, seconds) {
            return Ok(listing);
        }
        let listing = Arc::new(Listing::build(union, dir)?, GFP_KERNEL)?;
        // Best effort: without memory for the entry the listing is not kept.
        let _ = self.keep(dir, union.generation, stamp, listing.clone());
        Ok(listing)
    }

    /// The kept listing of `dir` if it is fresh and unchanged; drops the
    /// stale ones on the way.
    fn find(
        &self,
        dir: &DentryInfo,
        generation: u64,
        stamp: u64,
        seconds: u32,
    ) -> Option<Arc<Listing>> {
        let mut kept = self.kept.lock();
        kept.retain(|k| k.generation == generation && k.is_fresh(seconds));
        let found = kept.iter().position(|k| k.is_of(dir))?;
        if kept[found].stamp == stamp {
            return Some(kept[found].listing.clone());
        }
        let _ = kept.remove(found);
        None
    }

    /// Keeps `listing` as the one of `dir`, dropping the oldest one when
    /// the cache is full.
    fn keep(&self, dir: &DentryInfo, generation: u64, stamp: u64, listing: Arc<Listing>) -> Result {
        let mut dirs = KVec::with_capacity(dir.lower.len(), GFP_KERNEL)?;
        for lower in dir.lower.iter() {
            dirs.push((lower.branch, lower.path.clone_ref()), GFP_KERNEL)?;
        }
        let entry = Kept {
            dirs,
            generation,
            stamp,
            built: Instant::now(),
            listing,
        };
        let mut kept = self.kept.lock();
        kept.retain(|k| !k.is_of(dir));
        if kept.len() >= MAX_KEPT {
            kept.remove(0).map_err(|_| EINVAL)?;
        }
        kept.push(entry, GFP_KERNEL)?;
        Ok(())
    }

    /// Drops every kept listing (a remount changed the branches or the
    /// options: they pin the old branch dirs).
    pub(crate) fn clear(&self) {
        let old = core::mem::take(&mut *self.kept.lock());
        drop(old);
    }
}
