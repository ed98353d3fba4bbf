// SPDX-License-Identifier: GPL-2.0

//! Union dentries: a safe handle ([`Dentry`]) and the data the logic keeps
//! in them (any [`DentryData`]; aufs's is `DentryInfo`, see `dinfo.rs`).
//!
//! `d_fsdata` holds a [`DentryCell`] (a spinlock around an `Arc<T>`) as a
//! [`ForeignOwnable`] box, freed an RCU grace period after `d_release`.
//! Readers clone the Arc (cheap) and work on an immutable snapshot; writers
//! (create, copy-up, unlink, rename) build a new info and swap it in. No
//! pointer into an old info outlives its Arc.
//!
//! An info is made for one generation of the union (its branch indices are
//! that generation's). After a remount changed the branches, the logic gets
//! an info only through `UnionDentry::info` (dinfo.rs), which first looks the
//! dentry (and its stale ancestors) up again in the new generation; `d_time`
//! mirrors the generation for the RCU-walk check in `d_revalidate`.

use super::bindings as b;
use kernel::{
    error::code::*,
    ffi, new_spinlock,
    prelude::*,
    sync::{Arc, SpinLock, UniqueArc},
    types::ForeignOwnable,
};

/// What the logic keeps in a union dentry.
pub(crate) trait DentryData: Sized + 'static {
    /// What is kept from a `create` to the `open` of the same open(2).
    type Stash;
    /// The generation of the union the data was made for (mirrored in
    /// `d_time`): a store never replaces data of a newer generation.
    fn generation(&self) -> u64;
}

/// What `d_fsdata` holds: a `Pin<KBox<DentryCell<T>>>` turned into a
/// foreign pointer ([`ForeignOwnable`]). RCU path walkers may look at it
/// until a grace period after `d_release`, which takes the data out (None)
/// and hands the box to `kvfree_rcu` instead of dropping it.
///
/// # Invariants
///
/// While `d_fsdata` points to a cell, it came from [`DentryCell::attach`]
/// and is freed only by [`DentryCell::release`], after an RCU grace period.
#[pin_data]
struct DentryCell<T: DentryData> {
    #[pin]
    info: SpinLock<Option<Arc<T>>>,
    /// What is kept from a `create` to the `open` of the same open(2),
    /// which undoes it if it fails.
    #[pin]
    created: SpinLock<Option<KVec<T::Stash>>>,
}

/// The owner of a cell, as `d_fsdata` holds it.
type CellBox<T> = Pin<KBox<DentryCell<T>>>;

impl<T: DentryData> DentryCell<T> {
    /// Attaches a new cell holding `info` to a dentry that has none yet.
    ///
    /// # Safety
    ///
    /// `dentry` must be a dentry of ours not yet visible to other threads
    /// (being looked up, or the new root), with no cell attached.
    unsafe fn attach(dentry: *mut b::dentry, info: T) -> Result {
        let info = Arc::new(info, GFP_KERNEL)?;
        let cell: CellBox<T> = KBox::pin_init(
            pin_init!(DentryCell {
                info <- new_spinlock!(Some(info)),
                created <- new_spinlock!(None),
            }),
            GFP_KERNEL,
        )?;
        // SAFETY: the dentry is ours alone (see above).
        // INVARIANT: the cell comes from attach; release frees it.
        unsafe { (*dentry).d_fsdata = cell.into_foreign() };
        Ok(())
    }

    /// The cell of a dentry.
    ///
    /// # Safety
    ///
    /// `dentry` must be a live dentry with a cell of `T` attached (or, in
    /// RCU walk, one whose cell is freed no sooner than the walk ends).
    unsafe fn of<'a>(dentry: *const b::dentry) -> &'a Self {
        // SAFETY: d_fsdata came from into_foreign of a CellBox<T> (the
        // caller's guarantee and the invariant), freed only after a grace
        // period, so it outlives the borrow.
        unsafe { <CellBox<T> as ForeignOwnable>::borrow((*dentry).d_fsdata) }.get_ref()
    }

    /// Drops the cell's data now and frees the cell after an RCU grace
    /// period; nothing if no cell was attached.
    ///
    /// # Safety
    ///
    /// `dentry` must be a dentry being freed (called once, from
    /// `d_release`), whose cell, if any, holds a `T`, in a context that may
    /// sleep.
    unsafe fn release(dentry: *mut b::dentry) {
        // SAFETY: the dentry is being freed; only RCU walkers still read it.
        let ptr = unsafe { (*dentry).d_fsdata };
        if ptr.is_null() {
            return;
        }
        // SAFETY: `ptr` is the cell of a `T` (see above), live until freed
        // below.
        let cell = unsafe { <CellBox<T> as ForeignOwnable>::borrow(ptr) };
        let info = cell.info.lock().take();
        let created = cell.created.lock().take();
        // Dropped outside the spinlock: releasing branch paths may sleep.
        drop(info);
        drop(created);
        // SAFETY: what is left of the cell (spinlocks around None) needs no
        // drop; its memory came from the kmalloc-based KBox of attach, and
        // kvfree_rcu frees it after every RCU walker that saw it is done.
        unsafe { b::aufs_kvfree_rcu(ptr) };
    }
}

/// Attaches `info` to a dentry that has none yet.
///
/// # Safety
///
/// `dentry` must be an aufs dentry not yet visible to other threads (being
/// looked up, or the new root).
pub(crate) unsafe fn attach_info<T: DentryData>(dentry: *mut b::dentry, info: T) -> Result {
    // SAFETY: the dentry is ours alone (see above).
    unsafe { set_generation(dentry, info.generation()) };
    // SAFETY: as above; a new dentry has no cell yet.
    unsafe { DentryCell::attach(dentry, info) }
}

/// The cell of a live aufs dentry.
///
/// # Safety
///
/// `dentry` must be a live aufs dentry with a `T` attached.
unsafe fn cell<'a, T: DentryData>(dentry: *const b::dentry) -> &'a DentryCell<T> {
    // SAFETY: as the caller guarantees.
    unsafe { DentryCell::of(dentry) }
}

/// A snapshot of a dentry's union info (None once the dentry is released).
///
/// # Safety
///
/// `dentry` must be a live aufs dentry with a `T` attached.
pub(crate) unsafe fn dentry_info<T: DentryData>(dentry: *const b::dentry) -> Option<Arc<T>> {
    // SAFETY: `dentry` is a live aufs dentry with a `T` attached, as cell
    // needs.
    unsafe { cell::<T>(dentry) }.info.lock().clone()
}

/// Records the generation of the dentry's info in `d_time`.
///
/// # Safety
///
/// `dentry` must be a live aufs dentry.
unsafe fn set_generation(dentry: *mut b::dentry, generation: u64) {
    // SAFETY: d_time belongs to the filesystem; RCU walkers read it racily
    // (a torn or old value only sends them to the ref-walk check).
    unsafe { core::ptr::write_volatile(&raw mut (*dentry).d_time, generation as ffi::c_ulong) };
}

/// Drops a dentry's info now and frees its cell after an RCU grace period
/// (an RCU walker may still be reading it): the work of `d_release`.
///
/// # Safety
///
/// `dentry` must be an aufs dentry being freed, whose cell (if any) holds a
/// `T` (called once, from `d_release`), in a context that may sleep.
pub(crate) unsafe fn release_info<T: DentryData>(dentry: *mut b::dentry) {
    // SAFETY: as the caller guarantees.
    unsafe { DentryCell::<T>::release(dentry) }
}

/// An RCU-walk look at the infos of `dentry` and its parent, one lock at a
/// time: `child` reads what it needs of the dentry's info (None: no match),
/// `parent` decides with that and the parent's info. False when either has
/// no info (being released) or the dentry is a root.
///
/// # Safety
///
/// Called in RCU walk with an aufs dentry (its memory, and its parent's, are
/// valid until the walk ends; their cells too, see [`DentryCell`]), whose
/// cells hold a `T`.
pub(crate) unsafe fn rcu_check<T: DentryData, S>(
    dentry: *const b::dentry,
    child: impl FnOnce(&T) -> Option<S>,
    in_parent: impl FnOnce(&T, S) -> bool,
) -> bool {
    // SAFETY: see above; the fields are read as the VFS reads them in RCU walk.
    let (fsdata, parent) = unsafe {
        (
            core::ptr::read_volatile(&raw const (*dentry).d_fsdata),
            core::ptr::read_volatile(&raw const (*dentry).d_parent),
        )
    };
    // SAFETY: a parent of an aufs dentry is an aufs dentry, valid in the walk.
    let parent_fsdata = unsafe { core::ptr::read_volatile(&raw const (*parent).d_fsdata) };
    if fsdata.is_null() || parent_fsdata.is_null() || parent == dentry.cast_mut() {
        return false;
    }
    // SAFETY: both have a cell of `T`, freed no sooner than the walk ends
    // (see above); the infos are only read while their lock is held, so no
    // reference is dropped here. One lock at a time: all cell locks are of
    // one class.
    let (cell, parent_cell) = unsafe { (DentryCell::<T>::of(dentry), DentryCell::<T>::of(parent)) };
    let Some(seen) = (match &*cell.info.lock() {
        Some(info) => child(info),
        None => None,
    }) else {
        return false;
    };
    match &*parent_cell.info.lock() {
        Some(info) => in_parent(info, seen),
        None => false,
    }
}

/// The dentry of dir inode `inode` (a dir has at most one), without a
/// reference, as `d_find_alias_rcu` finds it (which modules cannot call).
///
/// # Safety
///
/// Called in RCU walk (or under `rcu_read_lock`) with an inode whose memory
/// is valid until the walk ends. The dentry returned is valid memory until
/// then too (dentries are freed after a grace period), not more.
unsafe fn rcu_dir_alias(inode: *mut b::inode) -> Option<*const b::dentry> {
    // SAFETY: `inode` is valid memory (see above); i_lock guards i_state and
    // the alias list, which shares its memory with `i_rcu` once the inode is
    // being freed (I_FREEING), so that is checked first under the lock.
    unsafe {
        b::spin_lock(&raw mut (*inode).i_lock);
        let freeing = (*inode).i_state.__state & b::inode_state_flags_enum_I_FREEING != 0;
        let first = if freeing {
            core::ptr::null_mut()
        } else {
            (*inode).__bindgen_anon_2.i_dentry.first
        };
        b::spin_unlock(&raw mut (*inode).i_lock);
        // `first` is the `d_alias` field of its dentry.
        (!first.is_null()).then(|| {
            first
                .byte_sub(core::mem::offset_of!(b::dentry, __bindgen_anon_2.d_alias))
                .cast::<b::dentry>()
                .cast_const()
        })
    }
}

/// An RCU-walk look at the info of dir inode `inode`'s dentry: `read` runs
/// while the info's lock is held, so no reference is dropped here. None
/// when the inode has no dentry or its info is being released.
///
/// # Safety
///
/// Called in RCU walk with an aufs dir inode whose memory is valid until
/// the walk ends and whose dentry's cell holds a `T`.
pub(crate) unsafe fn rcu_dir_info<T: DentryData, R>(
    inode: *mut b::inode,
    read: impl FnOnce(&T) -> R,
) -> Option<R> {
    // SAFETY: as the caller guarantees.
    let dentry = unsafe { rcu_dir_alias(inode) }?;
    // SAFETY: the dentry's memory is valid until the walk ends; d_fsdata is
    // read as the VFS reads fields in RCU walk.
    let fsdata = unsafe { core::ptr::read_volatile(&raw const (*dentry).d_fsdata) };
    if fsdata.is_null() {
        return None;
    }
    // SAFETY: an aufs dentry's cell holds a `T` and is freed no sooner than
    // a grace period after d_release (see [`DentryCell`]).
    let cell = unsafe { DentryCell::<T>::of(dentry) };
    cell.info.lock().as_deref().map(read)
}

/// The change time of the dentry's inode (None: negative; without the
/// multigrain "queried" flag), read racily for the RCU-walk check.
///
/// # Safety
///
/// `dentry` must be a dentry whose memory is valid, and its inode's too
/// (pinned, or in RCU walk).
pub(crate) unsafe fn rcu_inode_ctime(dentry: *const b::dentry) -> Option<(i64, u32)> {
    // SAFETY: as the caller guarantees; fields are read as the VFS reads
    // them in RCU walk (a torn value only sends the walk to ref walk).
    unsafe {
        let inode = core::ptr::read_volatile(&raw const (*dentry).d_inode);
        (!inode.is_null()).then(|| {
            (
                core::ptr::read_volatile(&raw const (*inode).i_ctime_sec),
                core::ptr::read_volatile(&raw const (*inode).i_ctime_nsec)
                    & !b::AUFS_I_CTIME_QUERIED,
            )
        })
    }
}

/// The generation recorded in `d_time` (racy: only for the RCU-walk check).
///
/// # Safety
///
/// `dentry` must be an aufs dentry whose memory is valid (pinned, or in RCU
/// walk).
pub(crate) unsafe fn rcu_generation(dentry: *const b::dentry) -> u64 {
    // SAFETY: d_time is a plain field of the valid dentry; a torn or old
    // value only sends the walk to the ref-walk check.
    unsafe { core::ptr::read_volatile(&raw const (*dentry).d_time) as u64 }
}

/// A union dentry the logic may use while the VFS operation that handed it
/// over runs.
///
/// # Invariants
///
/// `raw` is a live aufs dentry with info attached, pinned for `'a` (by the
/// VFS call, or by the reference a [`DentryRef`] holds).
pub(crate) struct Dentry<'a, T: DentryData> {
    raw: *mut b::dentry,
    _life: core::marker::PhantomData<&'a T>,
}

/// A union dentry this value holds a reference to (dropped with it); it
/// gives the borrowed handle by `Deref`.
///
/// # Invariants
///
/// The inner handle's dentry is one this value holds a reference to.
pub(crate) struct DentryRef<T: DentryData>(Dentry<'static, T>);

impl<T: DentryData> core::ops::Deref for DentryRef<T> {
    type Target = Dentry<'static, T>;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl<T: DentryData> Drop for DentryRef<T> {
    fn drop(&mut self) {
        // SAFETY: we hold one reference to the dentry (invariant), from dget
        // or dget_parent.
        unsafe { b::dput(self.0.raw) };
    }
}

/// Data allocated ahead of a change (see [`Dentry::prepare_info`]), so that
/// storing it after the change cannot fail.
pub(crate) struct Prepared<T>(UniqueArc<T>);

impl<T> Prepared<T> {
    /// The data, still unshared.
    pub(crate) fn into_inner(self) -> UniqueArc<T> {
        self.0
    }
}

impl<T: DentryData> Dentry<'_, T> {
    /// Wraps a dentry the VFS passed to an operation.
    ///
    /// # Safety
    ///
    /// `raw` must be a live aufs dentry with info, pinned while the handle
    /// lives.
    pub(crate) unsafe fn borrowed(raw: *mut b::dentry) -> Self {
        // INVARIANT: as the caller guarantees.
        Dentry {
            raw,
            _life: core::marker::PhantomData,
        }
    }

    /// The stored union info, whatever its generation: only its paths may be
    /// used (its branch indices may be a former generation's).
    pub(crate) fn stored(&self) -> Result<Arc<T>> {
        // SAFETY: by the invariant the dentry is live with info.
        unsafe { dentry_info(self.raw) }.ok_or(ESTALE)
    }

    /// Stores `info`, which was derived from `seen`, unless the stored info
    /// changed since `seen` was read: then a concurrent change through the
    /// union (a copy-up) stored something newer, which a lookup that started
    /// before it must not undo (it would put the older, lower object back on
    /// top). Returns the info stored afterwards.
    pub(crate) fn store_unless_changed(&self, seen: &Arc<T>, info: T) -> Result<Arc<T>> {
        let info = Arc::new(info, GFP_KERNEL)?;
        // SAFETY: by the invariant the dentry is live with info.
        let mut stored = unsafe { cell::<T>(self.raw) }.info.lock();
        let (old, now) = match &*stored {
            Some(old) if Arc::ptr_eq(old, seen) && old.generation() <= info.generation() => {
                // SAFETY: the dentry is live; d_time follows the stored info.
                unsafe { set_generation(self.raw, info.generation()) };
                (stored.replace(info.clone()), info)
            }
            Some(current) => (None, current.clone()),
            None => (None, info),
        };
        drop(stored);
        // Dropped after the spinlock: releasing branch paths may sleep.
        drop(old);
        Ok(now)
    }

    /// Allocates `info` ahead of a branch change, so that storing it after
    /// the change ([`Dentry::set_prepared`]) cannot fail.
    pub(crate) fn prepare_info(info: T) -> Result<Prepared<T>> {
        Ok(Prepared(UniqueArc::new(info, GFP_KERNEL)?))
    }

    /// Puts back an info stored before (the undo of a failed operation's
    /// copy-up), unless a later remount stored a newer generation.
    pub(crate) fn restore_info(&self, info: Arc<T>) {
        let _ = self.store_arc(info);
    }

    /// Stores `info` unless the stored one is of a newer generation (a
    /// concurrent operation already saw a later remount); returns it.
    pub(crate) fn store(&self, info: T) -> Result<Arc<T>> {
        Ok(self.store_arc(Arc::new(info, GFP_KERNEL)?))
    }

    /// Stores `info` unless the stored one is of a newer generation; returns
    /// it.
    pub(crate) fn store_arc(&self, info: Arc<T>) -> Arc<T> {
        // SAFETY: by the invariant the dentry is live with info.
        let mut stored = unsafe { cell::<T>(self.raw) }.info.lock();
        let old = match &*stored {
            Some(old) if old.generation() <= info.generation() => {
                // SAFETY: the dentry is live; d_time follows the stored info.
                unsafe { set_generation(self.raw, info.generation()) };
                stored.replace(info.clone())
            }
            _ => None,
        };
        drop(stored);
        // Dropped after the spinlock: releasing branch paths may sleep.
        drop(old);
        info
    }

    /// The raw dentry, for the ops layer.
    pub(crate) fn as_raw(&self) -> *mut b::dentry {
        self.raw
    }

    /// Keeps `steps` (the parent dirs copied up to create this file) until
    /// [`Dentry::take_created`].
    pub(crate) fn stash_created(&self, steps: KVec<T::Stash>) {
        // SAFETY: by the invariant the dentry is live with info.
        let old = unsafe { cell::<T>(self.raw) }.created.lock().replace(steps);
        // Dropped after the spinlock: releasing dentries and paths may sleep.
        drop(old);
    }

    /// What [`Dentry::stash_created`] kept, taken out.
    pub(crate) fn take_created(&self) -> Option<KVec<T::Stash>> {
        // SAFETY: by the invariant the dentry is live with info.
        unsafe { cell::<T>(self.raw) }.created.lock().take()
    }

    /// Another handle on this dentry that holds its own reference.
    pub(crate) fn get(&self) -> DentryRef<T> {
        // SAFETY: the dentry is live; dget takes a reference the DentryRef
        // drops.
        let raw = unsafe { b::aufs_dget(self.raw) };
        // INVARIANT: the same live aufs dentry with info, pinned by that
        // reference, which the DentryRef holds.
        DentryRef(Dentry {
            raw,
            _life: core::marker::PhantomData,
        })
    }

    /// Drops the unused cached dentries below this dir (their infos name
    /// objects the dir no longer merges); those in use stay.
    pub(crate) fn forget_unused_children(&self) {
        // SAFETY: the dentry is live (pinned by the handle's holder);
        // shrink_dcache_parent may sleep, as our callers may.
        unsafe { b::shrink_dcache_parent(self.raw) };
    }

    /// True for the root of the union (its own parent).
    pub(crate) fn is_root(&self) -> bool {
        // SAFETY: the dentry is live (invariant); d_parent is read as the
        // kernel's IS_ROOT does.
        core::ptr::eq(unsafe { (*self.raw).d_parent }, self.raw)
    }

    /// The parent dir, or None for the union root.
    pub(crate) fn parent(&self) -> Option<DentryRef<T>> {
        // SAFETY: the dentry is live; dget_parent returns a counted reference
        // to its current parent, which the DentryRef drops.
        let parent = unsafe { b::dget_parent(self.raw) };
        if parent == self.raw {
            // SAFETY: drop the reference dget_parent took on the root.
            unsafe { b::dput(parent) };
            return None;
        }
        // INVARIANT: an aufs dentry's parent is an aufs dentry with info, and
        // our reference pins it.
        Some(DentryRef(Dentry {
            raw: parent,
            _life: core::marker::PhantomData,
        }))
    }

    /// Who else uses this object now: the dentry's reference count, its
    /// inode's reference count and link count (racy reads, as aufs's
    /// move-down takes them, under the inode lock that keeps new opens for
    /// write and links out). None for a negative dentry.
    pub(crate) fn users(&self) -> Option<(u32, u32, u32)> {
        // SAFETY: the dentry is live (invariant); a positive dentry's inode
        // is live while the dentry is; the counts are read racily.
        unsafe {
            let inode = (*self.raw).d_inode;
            if inode.is_null() {
                return None;
            }
            let dcount = core::ptr::read_volatile(
                &raw const (*self.raw)
                    .d_lockref
                    .__bindgen_anon_1
                    .__bindgen_anon_1
                    .count,
            );
            let icount = core::ptr::read_volatile(&raw const (*inode).i_count.counter);
            let nlink = core::ptr::read_volatile(&raw const (*inode).__bindgen_anon_1.__i_nlink);
            Some((dcount as u32, icount as u32, nlink))
        }
    }

    /// Unhashes the dentry (`d_drop`): the next lookup of its name makes a
    /// new one, and this one (with its inode, unless another dentry holds
    /// it) goes with its last reference instead of staying cached.
    pub(crate) fn unhash(&self) {
        // SAFETY: the dentry is live (invariant); d_drop takes its locks.
        unsafe { b::d_drop(self.raw) };
    }

    /// Locks the parent dir's inode, then this dentry's inode (aufs's
    /// order, the VFS's: parent before child), as an operation that changes
    /// the object in place on its branches must. ENOENT when the dentry was
    /// moved meanwhile or is negative.
    pub(crate) fn lock_with_parent(&self) -> Result<ParentChildLock> {
        // SAFETY: the dentry is live; dget_parent returns a counted
        // reference to its parent, whose inode (a dir) is live while it is;
        // the locks are taken parent first and released by the guard.
        unsafe {
            let parent = b::dget_parent(self.raw);
            let dir = (*parent).d_inode;
            b::aufs_inode_lock_parent(dir);
            let inode = (*self.raw).d_inode;
            if (*self.raw).d_parent != parent || inode.is_null() || parent == self.raw {
                b::up_write(&mut (*dir).i_rwsem);
                b::dput(parent);
                return Err(ENOENT);
            }
            b::aufs_inode_lock_child(inode);
            // INVARIANT: both locks taken, the parent referenced; the
            // child's inode is pinned by the caller's dentry.
            Ok(ParentChildLock { parent, inode })
        }
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

/// The inode locks of a dentry and its parent dir, released (child first)
/// with the value.
///
/// # Invariants
///
/// `parent` is a dentry this value holds a reference to, whose inode this
/// value has locked (`I_MUTEX_PARENT`); `inode` is the child's live inode,
/// locked (`I_MUTEX_CHILD`), pinned by the dentry the lock was taken through
/// for the guard's life (it borrows nothing, so the caller keeps that
/// dentry: the ioctl's open file does).
pub(crate) struct ParentChildLock {
    parent: *mut b::dentry,
    inode: *mut b::inode,
}

impl Drop for ParentChildLock {
    fn drop(&mut self) {
        // SAFETY: both locks are ours and the parent referenced (invariant).
        unsafe {
            b::up_write(&mut (*self.inode).i_rwsem);
            b::up_write(&mut (*(*self.parent).d_inode).i_rwsem);
            b::dput(self.parent);
        }
    }
}
