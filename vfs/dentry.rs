// SPDX-License-Identifier: GPL-2.0

//! Union dentries: their [`DentryInfo`] and a safe handle for the logic.
//!
//! `d_fsdata` holds a [`DentryCell`]: a spinlock around an `Arc<DentryInfo>`.
//! Readers clone the Arc (cheap) and work on an immutable snapshot; writers
//! (create, copy-up, unlink, rename) build a new info and swap it in. No
//! pointer into an old info outlives its Arc.

use super::{bindings as b, OpsTable};
use crate::lookup::DentryInfo;
use kernel::{
    new_spinlock,
    prelude::*,
    sync::{Arc, SpinLock},
};

/// What `d_fsdata` points to.
#[pin_data]
struct DentryCell {
    #[pin]
    info: SpinLock<Arc<DentryInfo>>,
}

/// Attaches `info` to a dentry that has none yet.
///
/// # Safety
///
/// `dentry` must be an aufs dentry not yet visible to other threads (being
/// looked up, or the new root).
pub(super) unsafe fn attach_info(dentry: *mut b::dentry, info: DentryInfo) -> Result {
    let info = Arc::new(info, GFP_KERNEL)?;
    let cell = KBox::pin_init(
        pin_init!(DentryCell { info <- new_spinlock!(info) }),
        GFP_KERNEL,
    )?;
    // SAFETY: see above; the cell is never moved out of its box, and it is
    // freed in d_release.
    unsafe { (*dentry).d_fsdata = KBox::into_raw(Pin::into_inner_unchecked(cell)).cast() };
    Ok(())
}

/// The cell of a live aufs dentry.
///
/// # Safety
///
/// `dentry` must be a live aufs dentry with info attached.
unsafe fn cell<'a>(dentry: *const b::dentry) -> &'a DentryCell {
    // SAFETY: d_fsdata holds a DentryCell from attach_info until d_release.
    unsafe { &*(*dentry).d_fsdata.cast::<DentryCell>() }
}

/// A snapshot of a dentry's union info.
///
/// # Safety
///
/// `dentry` must be a live aufs dentry with info attached.
pub(super) unsafe fn dentry_info(dentry: *const b::dentry) -> Arc<DentryInfo> {
    // SAFETY: see above.
    unsafe { cell(dentry) }.info.lock().clone()
}

/// `dentry_operations.d_release`: free the cell.
///
/// # Safety
///
/// Called by the VFS once when the dentry is freed.
unsafe extern "C" fn d_release(dentry: *mut b::dentry) {
    // SAFETY: d_fsdata is null or a DentryCell nobody else uses now.
    unsafe {
        let cell = (*dentry).d_fsdata.cast::<DentryCell>();
        if !cell.is_null() {
            (*dentry).d_fsdata = core::ptr::null_mut();
            drop(KBox::from_raw(cell));
        }
    }
}

pub(super) static DENTRY_OPS: OpsTable<b::dentry_operations> = OpsTable(b::dentry_operations {
    d_release: Some(d_release),
    // SAFETY: all-zero is a valid dentry_operations (every op absent).
    ..unsafe { core::mem::zeroed() }
});

/// A union dentry the logic may use while the VFS operation that handed it
/// over runs.
///
/// # Invariants
///
/// `raw` is a live aufs dentry with info attached, pinned for `'a` (by the
/// VFS call, or by the reference an owned handle holds).
pub(crate) struct UnionDentry<'a> {
    raw: *mut b::dentry,
    owned: bool,
    _life: core::marker::PhantomData<&'a ()>,
}

impl UnionDentry<'_> {
    /// Wraps a dentry the VFS passed to an operation.
    ///
    /// # Safety
    ///
    /// `raw` must be a live aufs dentry with info, pinned while the handle
    /// lives.
    pub(super) unsafe fn borrowed(raw: *mut b::dentry) -> Self {
        UnionDentry {
            raw,
            owned: false,
            _life: core::marker::PhantomData,
        }
    }

    /// A snapshot of the union info.
    pub(crate) fn info(&self) -> Arc<DentryInfo> {
        // SAFETY: by the invariant the dentry is live with info.
        unsafe { dentry_info(self.raw) }
    }

    /// The union info, after following a pseudo-link: another name of a
    /// hardlinked file may have been copied up since this one was looked up.
    pub(crate) fn current_info(&self, union: &crate::branch::Union) -> Result<Arc<DentryInfo>> {
        let info = self.info();
        match crate::lookup::follow_pseudo_link(union, &info)? {
            Some(newer) => {
                self.set_info(newer)?;
                Ok(self.info())
            }
            None => Ok(info),
        }
    }

    /// Replaces the union info.
    pub(crate) fn set_info(&self, info: DentryInfo) -> Result {
        let info = Arc::new(info, GFP_KERNEL)?;
        // SAFETY: by the invariant the dentry is live with info.
        let old = core::mem::replace(&mut *unsafe { cell(self.raw) }.info.lock(), info);
        // Dropped after the spinlock: releasing branch paths may sleep.
        drop(old);
        Ok(())
    }

    /// The parent dir, or None for the union root.
    pub(crate) fn parent(&self) -> Option<UnionDentry<'static>> {
        // SAFETY: the dentry is live; dget_parent returns a counted reference
        // to its current parent, which the owned handle drops.
        let parent = unsafe { b::dget_parent(self.raw) };
        if parent == self.raw {
            // SAFETY: drop the reference dget_parent took on the root.
            unsafe { b::dput(parent) };
            return None;
        }
        // INVARIANT: an aufs dentry's parent is an aufs dentry with info, and
        // our reference pins it.
        Some(UnionDentry {
            raw: parent,
            owned: true,
            _life: core::marker::PhantomData,
        })
    }

    /// A copy of the dentry's name.
    pub(crate) fn name(&self) -> Result<KVec<u8>> {
        let mut name = KVec::new();
        // SAFETY: all-zero is a valid snapshot to fill.
        let mut snap: b::name_snapshot = unsafe { core::mem::zeroed() };
        // SAFETY: the dentry is live; the snapshot keeps the name stable
        // against a concurrent rename until it is released.
        unsafe {
            b::take_dentry_name_snapshot(&mut snap, self.raw);
            let q = &snap.name;
            let len = q.__bindgen_anon_1.__bindgen_anon_1.len as usize;
            let res = name.extend_from_slice(core::slice::from_raw_parts(q.name, len), GFP_KERNEL);
            b::release_dentry_name_snapshot(&mut snap);
            res?;
        }
        Ok(name)
    }
}

impl Drop for UnionDentry<'_> {
    fn drop(&mut self) {
        if self.owned {
            // SAFETY: an owned handle holds one reference (from dget_parent).
            unsafe { b::dput(self.raw) };
        }
    }
}
