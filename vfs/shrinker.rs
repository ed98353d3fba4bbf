// SPDX-License-Identifier: GPL-2.0

//! A shrinker: lets memory reclaim (and `drop_caches`) ask an owner of
//! cached objects to give some back. The kernel crate of 7.3 has no
//! shrinker abstraction; this is the least of one.

use super::bindings as b;
use core::{ops::Deref, ptr::NonNull};
use kernel::{ffi::c_ulong, prelude::*, sync::Arc};

/// What a scan returns to say "not now": `SHRINK_STOP` is `~0UL`, which
/// bindgen spells as an `i32` -1.
const SHRINK_STOP: c_ulong = b::SHRINK_STOP as c_ulong;

/// What a [`Shrinker`] asks of the owner of the cache.
pub(crate) trait Reclaim: Send + Sync {
    /// How many objects it could free now.
    fn reclaimable(&self) -> usize;

    /// Frees about `nr` objects, the least recently used first; returns
    /// how many it freed, or None when it cannot now (a lock is busy).
    /// Called only where reclaim may enter filesystems (`__GFP_FS`), since
    /// freeing may drop dentries and inodes of other filesystems.
    fn reclaim(&self, nr: usize) -> Option<usize>;
}

/// A registered shrinker and the cache it shrinks, reached through it.
///
/// # Invariants
///
/// `raw` came from `shrinker_alloc`, is registered, and its `private_data`
/// is `Arc::as_ptr(&owner)`; it is freed only by `drop`, before `owner`.
pub(crate) struct Shrinker<T: Reclaim> {
    raw: NonNull<b::shrinker>,
    owner: Arc<T>,
}

// SAFETY: the shrinker is only freed (by drop); T is Send + Sync, and the
// kernel calls the callbacks from any thread.
unsafe impl<T: Reclaim> Send for Shrinker<T> {}
// SAFETY: `&Shrinker` only gives `&T`, which is Sync.
unsafe impl<T: Reclaim> Sync for Shrinker<T> {}

impl<T: Reclaim> Shrinker<T> {
    /// Registers a shrinker named `aufs-NAME` (in debugfs, when the kernel
    /// has shrinker debugging) over `owner`. `seeks` says how costly an
    /// object is to make again (the kernel's default is 2).
    pub(crate) fn register(owner: Arc<T>, name: &CStr, seeks: u32) -> Result<Self> {
        // SAFETY: the format takes one string argument, and `name` is
        // NUL-terminated; shrinker_alloc copies what it formats.
        let raw = unsafe { b::shrinker_alloc(0, c"aufs-%s".as_char_ptr(), name.as_char_ptr()) };
        let raw = NonNull::new(raw).ok_or(ENOMEM)?;
        // SAFETY: `raw` is a new shrinker, not registered yet: nothing else
        // reads its fields. `owner` outlives the registration (invariant).
        unsafe {
            let sh = raw.as_ptr();
            (*sh).count_objects = Some(count::<T>);
            (*sh).scan_objects = Some(scan::<T>);
            (*sh).seeks = seeks as i32;
            (*sh).private_data = Arc::as_ptr(&owner).cast_mut().cast();
            b::shrinker_register(sh);
        }
        // INVARIANT: registered above, with `private_data` pointing at owner.
        Ok(Shrinker { raw, owner })
    }
}

impl<T: Reclaim> Deref for Shrinker<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.owner
    }
}

impl<T: Reclaim> Drop for Shrinker<T> {
    fn drop(&mut self) {
        // SAFETY: `raw` is registered and ours (invariant); shrinker_free
        // unregisters it and waits for the callbacks running on it, so none
        // reads `private_data` after this, and `owner` is dropped after.
        unsafe { b::shrinker_free(self.raw.as_ptr()) };
    }
}

/// The owner a callback's shrinker points at.
///
/// # Safety
///
/// `sh` is a shrinker registered by [`Shrinker::register`] for a `T`, and
/// the call is one of its callbacks (the shrinker is not freed meanwhile).
unsafe fn owner<'a, T: Reclaim>(sh: *mut b::shrinker) -> &'a T {
    // SAFETY: `private_data` is `Arc::as_ptr` of the owner, alive until the
    // shrinker is freed, which waits for this callback (see the caller).
    unsafe { &*(*sh).private_data.cast::<T>() }
}

/// `count_objects`: how many objects the owner could free.
///
/// # Safety
///
/// Called by memory reclaim on a shrinker of [`Shrinker::register`].
unsafe extern "C" fn count<T: Reclaim>(
    sh: *mut b::shrinker,
    _sc: *mut b::shrink_control,
) -> c_ulong {
    // SAFETY: a callback of a registered shrinker (this function's contract).
    let owner = unsafe { owner::<T>(sh) };
    owner.reclaimable()
}

/// `scan_objects`: frees up to `sc->nr_to_scan` objects.
///
/// # Safety
///
/// Called by memory reclaim on a shrinker of [`Shrinker::register`], with
/// a valid `sc`.
unsafe extern "C" fn scan<T: Reclaim>(sh: *mut b::shrinker, sc: *mut b::shrink_control) -> c_ulong {
    // SAFETY: reclaim hands a valid shrink_control for the call.
    let (gfp, nr) = unsafe { ((*sc).gfp_mask, (*sc).nr_to_scan) };
    // Freeing may drop dentries of other filesystems: not from a reclaim
    // that a filesystem started with __GFP_FS cleared (as the dcache's own
    // shrinker, super_cache_scan).
    if gfp & b::AUFS_GFP_FS == 0 {
        return SHRINK_STOP;
    }
    // SAFETY: a callback of a registered shrinker (this function's contract).
    let owner = unsafe { owner::<T>(sh) };
    match owner.reclaim(nr) {
        Some(freed) => freed,
        None => SHRINK_STOP,
    }
}
