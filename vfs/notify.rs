// SPDX-License-Identifier: GPL-2.0

//! fsnotify marks that count events: a [`NotifyGroup`] holds marks, and each
//! [`Watch`] is one mark on one directory's inode that adds one to a shared
//! counter for every event of `AUFS_FS_UDBA_MASK` there (an entry made,
//! removed or renamed in the dir, a child's attributes changed, the dir
//! itself removed or moved). The counter is read without a lock, in RCU
//! walk too. The marks are the group's, never the user's: inotify and
//! fanotify users of the same dir see nothing of them.

use super::bindings as b;
use super::{OpsTable, Path};
use core::{
    ptr::NonNull,
    sync::atomic::{AtomicU64, Ordering},
};
use kernel::{error::to_result, ffi, prelude::*, sync::Arc, types::Opaque};

/// The group's operations: events only bump counters; freeing a mark frees
/// its box.
static NOTIFY_OPS: OpsTable<b::fsnotify_ops> = OpsTable(b::fsnotify_ops {
    handle_inode_event: Some(handle_inode_event),
    free_mark: Some(free_mark),
    // SAFETY: all-zero is a valid fsnotify_ops (every other op absent).
    ..unsafe { core::mem::zeroed() }
});

/// An fsnotify group for [`Watch`]es.
///
/// # Invariants
///
/// `raw` is a group from `fsnotify_alloc_group` with [`NOTIFY_OPS`]; the
/// value owns one reference to it.
pub(crate) struct NotifyGroup {
    raw: NonNull<b::fsnotify_group>,
}

// SAFETY: an fsnotify group is a kernel object made to be used from any
// thread; its mark list has its own lock.
unsafe impl Send for NotifyGroup {}
// SAFETY: as for Send: every operation on the group takes its own locks.
unsafe impl Sync for NotifyGroup {}

impl NotifyGroup {
    /// A new group. Several marks of it may be on one inode (a dir's watch
    /// is made anew before the old one goes).
    pub(crate) fn new() -> Result<Arc<Self>> {
        // SAFETY: the ops table is static; the flag is one fsnotify knows.
        let raw = unsafe { b::fsnotify_alloc_group(&NOTIFY_OPS.0, b::AUFS_FSNOTIFY_GROUP_DUPS) };
        let raw = kernel::error::from_err_ptr(raw)?;
        // INVARIANT: the group came from fsnotify_alloc_group with our ops,
        // and its one reference is ours.
        let group = NotifyGroup {
            raw: NonNull::new(raw).ok_or(ENOMEM)?,
        };
        Ok(Arc::new(group, GFP_KERNEL)?)
    }
}

impl Drop for NotifyGroup {
    fn drop(&mut self) {
        // SAFETY: we own one reference (invariant). Every Watch holds an Arc
        // of the group, so none of ours is attached any more; the marks
        // still being freed hold references of their own.
        unsafe { b::fsnotify_put_group(self.raw.as_ptr()) };
    }
}

/// What the group's marks are allocated as: the mark first, so that the
/// callbacks' `*mut fsnotify_mark` is also a pointer to the box.
#[repr(C)]
struct MarkBox {
    mark: Opaque<b::fsnotify_mark>,
    counter: Arc<AtomicU64>,
}

/// One mark of a [`NotifyGroup`] on a directory.
///
/// # Invariants
///
/// `mark` points to a [`MarkBox`] from `KBox::into_raw`, initialised with
/// `group`'s group and added to an inode; the value owns the reference that
/// `fsnotify_init_mark` gave, so the box lives until the value goes (the
/// group's `free_mark` frees it after the last reference).
pub(crate) struct Watch {
    mark: NonNull<MarkBox>,
    group: Arc<NotifyGroup>,
}

// SAFETY: the mark is a kernel object with its own lock; dropping the watch
// from another thread is what fsnotify expects of its users.
unsafe impl Send for Watch {}
// SAFETY: a shared Watch gives no access to the mark.
unsafe impl Sync for Watch {}

impl Watch {
    /// Watches the directory `dir`: every event of `AUFS_FS_UDBA_MASK` on it
    /// adds one to `counter`. Sleeps.
    pub(crate) fn dir(
        group: &Arc<NotifyGroup>,
        dir: &Path,
        counter: &Arc<AtomicU64>,
    ) -> Result<Self> {
        let boxed = KBox::new(
            MarkBox {
                mark: Opaque::uninit(),
                counter: counter.clone(),
            },
            GFP_KERNEL,
        )?;
        let ptr = KBox::into_raw(boxed);
        // SAFETY: `ptr` is a live MarkBox whose first field is the mark;
        // fsnotify_init_mark initialises all of it and takes a reference to
        // the group, which our reference keeps alive.
        let mark = unsafe { (*ptr).mark.get() };
        // SAFETY: as above; the mask is set before the mark is added, so the
        // inode's combined mask includes it from the start.
        unsafe {
            b::fsnotify_init_mark(mark, group.raw.as_ptr());
            (*mark).mask = b::AUFS_FS_UDBA_MASK;
        }
        // SAFETY: `dir` pins its inode while the call runs; a mark added to
        // it stays valid until destroyed (the inode's marks are destroyed
        // before the inode is freed).
        let added = unsafe {
            b::fsnotify_add_mark(mark, dir.inode().cast(), b::AUFS_FSNOTIFY_OBJ_TYPE_INODE, 0)
        };
        if let Err(e) = to_result(added) {
            // SAFETY: the mark was never attached: dropping our reference
            // frees it through free_mark.
            unsafe { b::fsnotify_put_mark(mark) };
            return Err(e);
        }
        // INVARIANT: the box came from KBox::into_raw, the mark is
        // initialised with the group's group and added; our reference stays.
        Ok(Watch {
            // SAFETY: KBox::into_raw never returns null.
            mark: unsafe { NonNull::new_unchecked(ptr) },
            group: group.clone(),
        })
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        // SAFETY: the box is live while we hold our reference (invariant).
        let mark = unsafe { (*self.mark.as_ptr()).mark.get() };
        // SAFETY: the mark belongs to this group; destroying a mark the
        // kernel already detached (its inode was deleted) does nothing more.
        // Then our own reference goes; free_mark frees the box after the
        // last one, an SRCU grace period later.
        unsafe {
            b::fsnotify_destroy_mark(mark, self.group.raw.as_ptr());
            b::fsnotify_put_mark(mark);
        }
    }
}

/// Kept by the module: when it goes, it waits until every mark destroyed so
/// far has been freed, since `free_mark` is the module's code.
pub(crate) struct MarksFreedOnDrop;

impl Drop for MarksFreedOnDrop {
    fn drop(&mut self) {
        // SAFETY: callable from process context at any time (module exit).
        unsafe { b::fsnotify_wait_marks_destroyed() };
    }
}

/// `fsnotify_ops.handle_inode_event`: one more event for the mark's counter.
///
/// # Safety
///
/// Called by fsnotify with a live mark of a group with [`NOTIFY_OPS`] (so a
/// [`MarkBox`]), inside its SRCU read section.
unsafe extern "C" fn handle_inode_event(
    mark: *mut b::fsnotify_mark,
    _mask: u32,
    _inode: *mut b::inode,
    _dir: *mut b::inode,
    _name: *const b::qstr,
    _cookie: u32,
) -> ffi::c_int {
    // SAFETY: the mark is the first field of a live MarkBox (see above).
    let counter = unsafe { &(*mark.cast::<MarkBox>()).counter };
    counter.fetch_add(1, Ordering::Release);
    0
}

/// `fsnotify_ops.free_mark`: frees the box after the mark's last reference.
///
/// # Safety
///
/// Called once by fsnotify with a mark of a group with [`NOTIFY_OPS`] whose
/// last reference is gone.
unsafe extern "C" fn free_mark(mark: *mut b::fsnotify_mark) {
    // SAFETY: the mark is the first field of a MarkBox from KBox::into_raw
    // (Watch::dir), and nothing references it any more.
    drop(unsafe { KBox::from_raw(mark.cast::<MarkBox>()) });
}
