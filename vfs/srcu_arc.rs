// SPDX-License-Identifier: GPL-2.0

//! [`SrcuArc`]: an `Arc<T>` that a writer replaces as a whole and readers
//! borrow under SRCU, without touching its reference count.
//!
//! A read takes the SRCU read lock (a per-CPU counter) and loads one pointer:
//! readers on different CPUs write no shared cache line, where cloning the
//! `Arc` (or taking a lock to read it) would bounce one between them. A
//! replacement waits for an SRCU grace period, so it costs the writer the
//! time of the longest read in flight; readers may sleep.

use core::{
    marker::PhantomData,
    ops::Deref,
    sync::atomic::{AtomicPtr, Ordering},
};
use kernel::{
    new_srcu,
    prelude::*,
    sync::{
        srcu::{Guard, Srcu},
        Arc, ArcBorrow,
    },
};

/// An `Arc<T>` readable without reference counting; see the module doc.
///
/// # Invariants
///
/// `ptr` comes from [`Arc::into_raw`]; the cell owns that reference. A value
/// that `ptr` no longer points to is released only after an SRCU grace
/// period of `srcu` that began after the pointer changed.
#[pin_data(PinnedDrop)]
pub(crate) struct SrcuArc<T> {
    #[pin]
    srcu: Srcu,
    ptr: AtomicPtr<T>,
    /// Shared between threads exactly as the `Arc` it stands for.
    _arc: PhantomData<Arc<T>>,
}

/// A borrow of an [`SrcuArc`]'s value, valid while the SRCU read section it
/// holds lasts (not `Send`: the read section belongs to its task).
pub(crate) struct SrcuRef<'a, T> {
    _guard: Guard<'a>,
    value: &'a T,
}

impl<T> Deref for SrcuRef<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        self.value
    }
}

impl<T> SrcuArc<T> {
    /// A cell holding `value`.
    pub(crate) fn new(value: Arc<T>) -> impl PinInit<Self, Error> {
        try_pin_init!(SrcuArc {
            srcu <- new_srcu!("aufs_srcu_arc"),
            // INVARIANT: the pointer comes from `Arc::into_raw`.
            ptr: AtomicPtr::new(Arc::into_raw(value).cast_mut()),
            _arc: PhantomData,
        })
    }

    /// Borrows the current value until the returned guard goes.
    pub(crate) fn read(&self) -> SrcuRef<'_, T> {
        let guard = self.srcu.read_lock();
        let ptr = self.ptr.load(Ordering::Acquire);
        // SAFETY: `ptr` came from `Arc::into_raw` and the cell held that
        // reference when we loaded it (the Acquire pairs with the Release
        // store in `replace`); `replace` releases the reference only after
        // a grace period of `srcu`, which waits for the read section that
        // `guard` holds as long as the borrow lives.
        let value = unsafe { &*ptr };
        SrcuRef {
            _guard: guard,
            value,
        }
    }

    /// A counted reference to the current value (for holders that outlive
    /// a read section or must not hold one, such as the writer itself).
    pub(crate) fn get(&self) -> Arc<T> {
        let _guard = self.srcu.read_lock();
        let ptr = self.ptr.load(Ordering::Acquire);
        // SAFETY: as in `read`: the value stays alive during the read
        // section, so its reference count may be raised.
        Arc::from(unsafe { ArcBorrow::from_raw(ptr) })
    }

    /// Makes `value` the current one and returns the one it replaced, after
    /// every read that could still see the old one has ended. Sleeps; must
    /// not be called inside a read section of this cell (it would wait for
    /// itself).
    pub(crate) fn replace(&self, value: Arc<T>) -> Arc<T> {
        // INVARIANT: the new pointer comes from `Arc::into_raw`; the old
        // reference is released only after the grace period below.
        let old = self
            .ptr
            .swap(Arc::into_raw(value).cast_mut(), Ordering::AcqRel);
        self.srcu.synchronize();
        // SAFETY: `old` came from `Arc::into_raw` and the cell owned that
        // reference; no reader borrows it any more (the grace period above
        // waited for every read section that could have loaded it).
        unsafe { Arc::from_raw(old) }
    }
}

#[pinned_drop]
impl<T> PinnedDrop for SrcuArc<T> {
    fn drop(self: Pin<&mut Self>) {
        let ptr = self.ptr.load(Ordering::Acquire);
        // SAFETY: `ptr` came from `Arc::into_raw` and the cell owns that
        // reference; `&mut self` means no reader borrows the cell any more.
        drop(unsafe { Arc::from_raw(ptr) });
    }
}
