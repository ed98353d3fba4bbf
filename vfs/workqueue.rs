// SPDX-License-Identifier: GPL-2.0

//! A workqueue owned by one mount: work spawned on it can be waited for
//! (at umount, at a remount that edits branches), and its destruction waits
//! for what is still queued, so no work of the module outlives the mount.

use super::bindings as b;
use core::ptr::NonNull;
use kernel::{prelude::*, workqueue::Queue};

/// An unbound workqueue, destroyed (after its last work ran) on drop.
///
/// # Invariants
///
/// `raw` came from `alloc_workqueue` and is destroyed only by `drop`.
pub(crate) struct WorkQueue {
    raw: NonNull<b::workqueue_struct>,
}

// SAFETY: a workqueue may be used (queued to, flushed) from any thread; the
// kernel serialises that itself.
unsafe impl Send for WorkQueue {}
// SAFETY: as above: every method takes `&self` and is safe to call
// concurrently.
unsafe impl Sync for WorkQueue {}

impl WorkQueue {
    /// A new unbound workqueue named `name`.
    pub(crate) fn new(name: &CStr) -> Result<Self> {
        // SAFETY: `name` is NUL-terminated; alloc_workqueue copies it.
        let raw = unsafe { b::aufs_alloc_workqueue(name.as_char_ptr()) };
        // INVARIANT: a non-null result is a new workqueue, ours.
        NonNull::new(raw.cast())
            .map(|raw| WorkQueue { raw })
            .ok_or(ENOMEM)
    }

    /// Runs `func` on the queue, later. Fails only when the work item
    /// cannot be allocated.
    pub(crate) fn spawn(&self, func: impl FnOnce() + Send + 'static) -> Result {
        // SAFETY: `raw` is a live workqueue (invariant) for as long as `self`.
        let queue = unsafe { Queue::from_raw(self.raw.as_ptr().cast()) };
        queue.try_spawn(GFP_KERNEL, func).map_err(|_| ENOMEM)
    }

    /// Waits until every work queued before the call has run.
    pub(crate) fn flush(&self) {
        // SAFETY: `raw` is a live workqueue (invariant).
        unsafe { b::aufs_flush_workqueue(self.raw.as_ptr()) };
    }
}

impl Drop for WorkQueue {
    fn drop(&mut self) {
        // SAFETY: `raw` is live and ours (invariant); destroy_workqueue runs
        // what is still queued first, and nothing can queue more: `self` is
        // gone.
        unsafe { b::destroy_workqueue(self.raw.as_ptr().cast()) };
    }
}
