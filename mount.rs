// SPDX-License-Identifier: GPL-2.0

//! The state of one mounted union (aufs's `au_sbinfo`, what `s_fs_info`
//! holds): the current generation, replaced as a whole by a remount, and
//! lock-free copies of what RCU walk and inode eviction read.

#![forbid(unsafe_code)]

use crate::branch::Union;
use crate::fhsm::FhsmLink;
use crate::opts::Udba;
use crate::rdcache::ListingCache;
use crate::vfs::srcu_arc::{SrcuArc, SrcuRef};
use crate::vfs::SysfsDir;
use crate::xino::Xino;
use core::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use kernel::{
    cred::Credential,
    new_mutex,
    prelude::*,
    sync::{aref::ARef, Arc, Mutex},
};

/// What `s_fs_info` of an aufs superblock holds: the current generation of
/// the union, its sysfs dir, and copies of what must be read without taking
/// a lock (in RCU path walk and in inode eviction).
#[pin_data]
pub(crate) struct Mount {
    /// `/sys/fs/aufs/si_ID`; first, so that it goes before what it shows.
    #[pin]
    sysfs: Mutex<Option<SysfsDir>>,
    /// The current generation; replaced as a whole by a remount. Operations
    /// borrow it without a lock or a shared reference count (a read from
    /// each CPU writes no shared cache line: the read path scales); a
    /// remount waits for the operations that started on the old one.
    #[pin]
    current: SrcuArc<Union>,
    /// `current.generation`.
    generation: AtomicU64,
    /// `current.udba == Udba::None`.
    udba_none: AtomicBool,
    /// `current` has a writable branch.
    writable: AtomicBool,
    /// `current.dirperm1`.
    dirperm1: AtomicBool,
    /// The mounter's credentials (the same in every generation).
    cred: ARef<Credential>,
    /// The inode numbers and xino tables (the same in every generation).
    xino: Arc<Xino>,
    /// The merged listings kept for `rdcache=`.
    #[pin]
    listings: ListingCache,
    /// Tells an FHSM daemon still holding its fd that the union is gone.
    fhsm: FhsmLink,
}

impl Mount {
    pub(crate) fn new(union: Union) -> Result<impl PinInit<Self, Error>> {
        let cred = union.cred.clone();
        let xino = union.xino.clone();
        let generation = AtomicU64::new(union.generation);
        let udba_none = AtomicBool::new(union.udba == Udba::None);
        let writable = AtomicBool::new(union.write_branch().is_ok());
        let dirperm1 = AtomicBool::new(union.dirperm1);
        union.fhsm.configure(&union)?;
        let fhsm = FhsmLink(union.fhsm.clone());
        let union = Arc::new(union, GFP_KERNEL)?;
        Ok(try_pin_init!(Mount {
            sysfs <- new_mutex!(None),
            current <- SrcuArc::new(union),
            generation,
            udba_none,
            writable,
            dirperm1,
            cred,
            xino,
            listings <- ListingCache::new(),
            fhsm,
        }))
    }

    /// The current generation of the union, for one operation: a remount
    /// waits until it is dropped, so it must not be held while waiting for
    /// something a remount may hold (or across an unbounded wait).
    pub(crate) fn current(&self) -> SrcuRef<'_, Union> {
        self.current.read()
    }

    /// The current generation, counted: for the remount itself, which must
    /// not hold a [`Mount::current`] borrow when it installs.
    pub(crate) fn current_counted(&self) -> Arc<Union> {
        self.current.get()
    }

    /// Makes `union` the current generation, once every operation that
    /// borrowed the old one has ended. The caller must hold no borrow.
    pub(crate) fn install(&self, union: Arc<Union>) {
        self.udba_none
            .store(union.udba == Udba::None, Ordering::Relaxed);
        self.writable
            .store(union.write_branch().is_ok(), Ordering::Relaxed);
        self.dirperm1.store(union.dirperm1, Ordering::Relaxed);
        self.generation.store(union.generation, Ordering::Release);
        // Only allocation can fail: the daemon then hears of no branch
        // until the next remount, which it notices as silence.
        if union.fhsm.configure(&union).is_err() {
            pr_warn!("aufs: FHSM: out of memory, no branch reported\n");
        }
        // The last reference to a deleted branch releases its paths here.
        drop(self.current.replace(union));
        self.listings.clear();
    }

    /// The generation number, readable in RCU walk.
    pub(crate) fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// True with `udba=none` (no checks against the branches).
    pub(crate) fn trusts_branches(&self) -> bool {
        self.udba_none.load(Ordering::Relaxed)
    }

    /// True when the union has a writable branch.
    pub(crate) fn is_writable(&self) -> bool {
        self.writable.load(Ordering::Relaxed)
    }

    /// True with `dirperm1` (only the topmost dir's permission bits count).
    pub(crate) fn dirperm1(&self) -> bool {
        self.dirperm1.load(Ordering::Relaxed)
    }

    /// The mounter's credentials.
    pub(crate) fn cred(&self) -> &ARef<Credential> {
        &self.cred
    }

    /// The inode numbers and xino tables.
    pub(crate) fn xino(&self) -> &Xino {
        &self.xino
    }

    /// The merged listings kept for `rdcache=`.
    pub(crate) fn listings(&self) -> &ListingCache {
        &self.listings
    }

    /// The sysfs dir, once the mount has one.
    pub(crate) fn sysfs(&self) -> kernel::sync::MutexGuard<'_, Option<SysfsDir>> {
        self.sysfs.lock()
    }
}
