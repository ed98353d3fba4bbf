// SPDX-License-Identifier: GPL-2.0

//! Inode references: an owned reference ([`InodeRef`], `iput` on drop) and a
//! typestate for an inode `iget5_locked` just allocated ([`NewInode`], in the
//! style of the kernel crate's `inode::New<T>`): its only exits are
//! [`NewInode::init`], which unlocks it for everyone, and `Drop`, which
//! fails it (`iget_failed`), so a half-made inode is never left locked nor
//! shown to anyone.

use super::bindings as b;
use core::ptr::NonNull;
use kernel::{error::code::*, ffi, prelude::*};

/// One reference to an inode, dropped with the value.
///
/// # Invariants
///
/// The inode is live and this value owns one reference to it.
pub(crate) struct InodeRef(NonNull<b::inode>);

impl InodeRef {
    /// The inode, live while `self` is.
    pub(crate) fn as_raw(&self) -> *mut b::inode {
        self.0.as_ptr()
    }

    /// Hands the reference over (to `d_instantiate`, `d_make_root`,
    /// `d_splice_alias`, which consume it).
    pub(crate) fn into_raw(self) -> *mut b::inode {
        let raw = self.0.as_ptr();
        core::mem::forget(self);
        raw
    }
}

impl Drop for InodeRef {
    fn drop(&mut self) {
        // SAFETY: we own one reference to the live inode (invariant).
        unsafe { b::iput(self.0.as_ptr()) };
    }
}

/// An inode `iget5_locked` allocated: locked (`I_NEW`), seen by nobody else
/// until [`NewInode::init`] unlocks it; dropped uninitialised, it is failed
/// (`iget_failed`: unhashed, evicted and freed).
///
/// # Invariants
///
/// The inode is live, has `I_NEW` set by the `iget5_locked` that returned
/// it, and this value owns the reference that call took.
pub(crate) struct NewInode(NonNull<b::inode>);

impl NewInode {
    /// Initialises the inode with `set` (its fields are the caller's alone
    /// while `I_NEW` is set) and unlocks it; if `set` fails, the inode is
    /// failed and the error returned.
    pub(crate) fn init(self, set: impl FnOnce(*mut b::inode) -> Result) -> Result<InodeRef> {
        set(self.0.as_ptr())?;
        let raw = self.0;
        core::mem::forget(self);
        // SAFETY: `raw` is a new inode we initialised (invariant), and
        // unlock_new_inode clears I_NEW and wakes its waiters.
        unsafe { b::unlock_new_inode(raw.as_ptr()) };
        // INVARIANT: the reference iget5_locked took is now the InodeRef's.
        Ok(InodeRef(raw))
    }
}

impl Drop for NewInode {
    fn drop(&mut self) {
        // SAFETY: the inode is new and ours (invariant); iget_failed marks it
        // bad, unlocks it and drops the reference.
        unsafe { b::iget_failed(self.0.as_ptr()) };
    }
}

/// What [`iget5_locked`] found: an inode already in the cache, or a new one
/// to initialise.
pub(crate) enum Got {
    Cached(InodeRef),
    New(NewInode),
}

/// `iget5_locked`: the inode of `sb` that `test` matches with `data`, or a
/// new one that `set` binds to `data`.
///
/// # Safety
///
/// `sb` must be a live superblock; `test` and `set` must be sound for
/// `data`, which must stay valid across the call.
pub(crate) unsafe fn iget5_locked(
    sb: *mut b::super_block,
    hashval: u64,
    test: unsafe extern "C" fn(*mut b::inode, *mut ffi::c_void) -> ffi::c_int,
    set: unsafe extern "C" fn(*mut b::inode, *mut ffi::c_void) -> ffi::c_int,
    data: *mut ffi::c_void,
) -> Result<Got> {
    // SAFETY: see the safety section.
    let raw = unsafe { b::iget5_locked(sb, hashval, Some(test), Some(set), data) };
    let raw = NonNull::new(raw).ok_or(ENOMEM)?;
    // SAFETY: iget5_locked returned a live inode with a reference; I_NEW in
    // i_state is set by it and only cleared by us (unlock_new_inode).
    let is_new = unsafe { (*raw.as_ptr()).i_state.__state } & b::inode_state_flags_enum_I_NEW != 0;
    Ok(if is_new {
        // INVARIANT: a new inode with I_NEW, with the reference iget5_locked took.
        Got::New(NewInode(raw))
    } else {
        // INVARIANT: a live inode with the reference iget5_locked took.
        Got::Cached(InodeRef(raw))
    })
}
