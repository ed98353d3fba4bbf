// SPDX-License-Identifier: GPL-2.0

//! File-based hierarchical storage management (aufs's FHSM, fhsm.c): the
//! writable branches marked `+fhsm` form a hierarchy, fastest on top. The
//! union tells a user-space daemon (`aufhsm`) how full each of them is, and
//! the daemon moves the coldest files down (AUFS_CTL_MVDOWN) when a branch
//! passes its upper watermark.
//!
//! What the union keeps (one [`Fhsm`] per mount, shared by every
//! generation): a record per `fhsm` branch except the lowest one (nothing
//! moves down from the bottom, as in aufs), with the last statfs numbers of
//! its filesystem and whether the daemon has read them. FHSM is on when the
//! union has two or more `fhsm` branches.
//!
//! When a record is refreshed (aufs's `au_fhsm_wrote`): after a write through
//! the union to an `fhsm` branch, while a daemon holds the FHSM fd, if the
//! last reading is `fhsm_sec` seconds old, or at once when the write took
//! new blocks (aufs's "force": a data write that grew the branch file; a
//! create, rename or copy-up that only takes an inode waits). Unlike aufs's
//! code (which re-reads on every write while a daemon is connected) the
//! limit holds while connected, as aufs's design note describes; with no
//! daemon nothing is read at all, and connecting reads every branch.
//!
//! The FHSM fd holds an `Arc<Fhsm>`, never the superblock: after umount
//! [`FhsmLink`]'s drop marks it dead, so a read returns 0 (end of file) and
//! poll says readable, as aufs's fd does. The queue its readers and pollers
//! wait in is the fd's own ([`FhsmFd`], made when a daemon connects): a
//! queue pollers may have used takes an RCU grace period to free, which
//! every umount would wait for (8 to 14 ms) if each mount had one.

#![forbid(unsafe_code)]

use crate::branch::Union;
use crate::ioctl::IoctlFile;
use crate::uapi::{Abi, AufsStbr, AufsStfs};
use crate::vfs::anon_fd::{anon_inode_fd, EventSource};
use crate::vfs::{current_is_sys_admin, UserArg, O_CLOEXEC, O_NONBLOCK, O_RDONLY};
use core::mem::{offset_of, size_of};
use core::sync::atomic::{AtomicBool, Ordering};
use kernel::{
    error::code::*,
    new_mutex, new_poll_condvar,
    prelude::*,
    sync::{poll::PollCondVar, Arc, Mutex},
    time::{Instant, Monotonic},
};

/// The size of aufs's `struct aufs_stbr`, one record of a read.
const STBR_SIZE: usize = size_of::<AufsStbr>();

/// One `fhsm` branch above the bottom one.
struct Record {
    /// The branch id (aufs's `br_id`, an int16 in the ABI).
    brid: u32,
    /// Its index in the current generation.
    bindex: usize,
    /// The last reading.
    stfs: AufsStfs,
    /// When it was taken (None: never).
    stamp: Option<Instant<Monotonic>>,
    /// Not read by the daemon yet.
    unread: bool,
}

impl Record {
    /// aufs's `struct aufs_stbr` in the reader's layout `abi` (aufs fills
    /// `brid` and `stfs`; `bindex` is filled too, as a move-down does).
    fn encode(&self, out: &mut [u8], abi: Abi) {
        out.fill(0);
        // The ABI's branch id is an int16: ids past it wrap, as aufs's do.
        out[0..2].copy_from_slice(&(self.brid as i16).to_ne_bytes());
        out[2..4].copy_from_slice(&(self.bindex as i16).to_ne_bytes());
        let at = match abi {
            Abi::Native => offset_of!(AufsStbr, stfs),
            // i386: uint64_t members are 4-aligned.
            Abi::Ia32 => 4,
        };
        let s = &self.stfs;
        for (i, n) in [s.f_blocks, s.f_bavail, s.f_files, s.f_ffree]
            .iter()
            .enumerate()
        {
            out[at + i * 8..at + 8 + i * 8].copy_from_slice(&n.to_ne_bytes());
        }
    }

    /// True when a write reported now may refresh the reading.
    fn due(&self, force: bool, expire_ms: i64) -> bool {
        force
            || self
                .stamp
                .is_none_or(|t| t.elapsed().as_millis() >= expire_ms)
    }
}

/// What the mutex of [`Fhsm`] guards.
struct State {
    /// The union is unmounted: reads give end of file.
    dead: bool,
    /// Some record is unread.
    pending: bool,
    /// `fhsm_sec`, in milliseconds.
    expire_ms: i64,
    /// The struct layout of the connected daemon.
    abi: Abi,
    /// The connected daemon's fd, woken when a record or end of file is
    /// there to read. It holds this state too: [`Fhsm::disconnect`] (at
    /// the fd's release) lets go of it.
    reader: Option<Arc<FhsmFd>>,
    /// The `fhsm` branches but the lowest, top first (empty when FHSM is
    /// off: fewer than two of them).
    records: KVec<Record>,
}

impl State {
    /// Wakes the connected daemon's readers and pollers.
    fn wake_reader(&self) {
        if let Some(reader) = &self.reader {
            reader.wait.notify_all();
        }
    }
}

/// The FHSM state of one mount (aufs's `struct au_fhsm` with the
/// branches' `au_br_fhsm`).
#[pin_data]
pub(crate) struct Fhsm {
    /// Nothing else is taken while it is held but the reader's wait queue
    /// lock, to wake it (statfs and the copy to user space happen outside).
    #[pin]
    state: Mutex<State>,
    /// A daemon holds the FHSM fd (one at a time, as aufs).
    connected: AtomicBool,
}

/// The FHSM fd (`[aufs_fhsm]`) of a connected daemon.
#[pin_data]
pub(crate) struct FhsmFd {
    fhsm: Arc<Fhsm>,
    /// Its readers and pollers wait here.
    #[pin]
    wait: PollCondVar,
}

/// The mount's hold on its [`Fhsm`]: dropped at umount, it wakes the
/// daemon with end of file.
pub(crate) struct FhsmLink(pub(crate) Arc<Fhsm>);

impl Drop for FhsmLink {
    fn drop(&mut self) {
        let mut state = self.0.state.lock();
        state.dead = true;
        state.wake_reader();
    }
}

impl Union {
    /// Indexes of the `fhsm` branches, top first.
    fn fhsm_branches(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.branches.len()).filter(|&i| self.branches[i].perm.fhsm())
    }

    /// A namespace operation or copy-up wrote to branch `bindex`; `force`
    /// when it took data blocks (see [`Fhsm::wrote`]).
    pub(crate) fn fhsm_wrote(&self, bindex: usize, force: bool) {
        self.fhsm.wrote(self, self.branches[bindex].id, force);
    }

    /// True when FHSM is on: two or more `fhsm` branches (aufs's
    /// `AuSi_FHSM`).
    pub(crate) fn fhsm_on(&self) -> bool {
        self.fhsm_branches().nth(1).is_some()
    }

    /// aufs's `struct aufs_stfs` of branch `bindex`, read as the mounter.
    fn fhsm_stfs(&self, bindex: usize) -> Result<AufsStfs> {
        let _mounter = self.as_mounter();
        let st = self.branches[bindex].root.statfs()?;
        Ok(AufsStfs {
            f_blocks: st.f_blocks,
            f_bavail: st.f_bavail,
            f_files: st.f_files,
            f_ffree: st.f_ffree,
        })
    }
}

impl Fhsm {
    /// A new state: FHSM off until [`Fhsm::configure`].
    pub(crate) fn new() -> Result<Arc<Self>> {
        Arc::pin_init(
            pin_init!(Fhsm {
                state <- new_mutex!(State {
                    dead: false,
                    pending: false,
                    expire_ms: i64::from(crate::opts::FHSM_SEC_DEFAULT) * 1000,
                    abi: Abi::Native,
                    records: KVec::new(),
                    reader: None,
                }),
                connected: AtomicBool::new(false),
            }),
            GFP_KERNEL,
        )
    }

    /// Follows generation `union` (mount, remount): its `fhsm` branches
    /// and `fhsm_sec`. A branch kept keeps its reading.
    pub(crate) fn configure(&self, union: &Union) -> Result {
        let mut records = KVec::new();
        if union.fhsm_on() {
            let bottom = union.fhsm_branches().last();
            for bindex in union.fhsm_branches().filter(|&i| Some(i) != bottom) {
                let brid = union.branches[bindex].id;
                records.push(
                    Record {
                        brid,
                        bindex,
                        stfs: AufsStfs::default(),
                        stamp: None,
                        unread: false,
                    },
                    GFP_KERNEL,
                )?;
            }
        }
        let mut state = self.state.lock();
        for new in records.iter_mut() {
            if let Some(old) = state.records.iter().find(|r| r.brid == new.brid) {
                (new.stfs, new.stamp, new.unread) = (old.stfs, old.stamp, old.unread);
            }
        }
        state.pending = records.iter().any(|r| r.unread);
        state.records = records;
        state.expire_ms = i64::from(union.tunables.fhsm_sec) * 1000;
        Ok(())
    }

    /// A write through the union changed the branch of id `brid` (aufs's
    /// `au_fhsm_wrote`); `force` when it took new blocks.
    pub(crate) fn wrote(&self, union: &Union, brid: u32, force: bool) {
        if !self.connected.load(Ordering::Acquire) {
            return;
        }
        let Some(bindex) = union.branches.iter().position(|br| br.id == brid) else {
            return;
        };
        {
            let state = self.state.lock();
            let expire_ms = state.expire_ms;
            match state.records.iter().find(|r| r.brid == brid) {
                Some(r) if r.due(force, expire_ms) => {}
                _ => return,
            }
        }
        // As aufs: a branch whose statfs fails is not reported this time.
        if let Ok(stfs) = union.fhsm_stfs(bindex) {
            self.store(brid, stfs);
        }
    }

    /// Records a reading of branch `brid` and wakes the daemon.
    fn store(&self, brid: u32, stfs: AufsStfs) {
        let mut guard = self.state.lock();
        let state = &mut *guard;
        if let Some(r) = state.records.iter_mut().find(|r| r.brid == brid) {
            (r.stfs, r.stamp, r.unread) = (stfs, Some(Instant::now()), true);
            state.pending = true;
            state.wake_reader();
        }
    }

    /// A daemon asks for the FHSM fd (aufs's `au_fhsm_fd`): EBUSY while
    /// another holds one; every branch is read for it at once.
    fn connect(this: &Arc<Self>, union: &Union, abi: Abi) -> Result<Arc<FhsmFd>> {
        this.connected
            .compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire)
            .map_err(|_| EBUSY)?;
        let fd = Arc::pin_init(
            pin_init!(FhsmFd {
                fhsm: this.clone(),
                wait <- new_poll_condvar!("aufs_fhsm"),
            }),
            GFP_KERNEL,
        )
        .inspect_err(|_| this.disconnect())?;
        {
            let mut state = this.state.lock();
            state.abi = abi;
            state.reader = Some(fd.clone());
        }
        for bindex in union.fhsm_branches() {
            this.wrote(union, union.branches[bindex].id, true);
        }
        Ok(fd)
    }

    /// The daemon closed its FHSM fd (or making it failed).
    fn disconnect(&self) {
        let reader = self.state.lock().reader.take();
        self.connected.store(false, Ordering::Release);
        // Dropped outside the lock: the last reference waits for a grace
        // period (see the file's comment).
        drop(reader);
    }
}

impl FhsmFd {
    /// A read of `len` bytes from the FHSM fd (aufs's `au_fhsm_read`): the
    /// unread records, or 0 (end of file) after umount. Waits for a record
    /// unless `nonblock` (EAGAIN); EMSGSIZE when `len` cannot hold a record
    /// of every branch. `copy` hands the bytes to the reader, outside the
    /// lock; if it fails the records stay unread.
    fn read_records(
        &self,
        len: usize,
        nonblock: bool,
        copy: &mut dyn FnMut(&[u8]) -> Result,
    ) -> Result<usize> {
        let mut state = self.fhsm.state.lock();
        while !state.pending && !state.dead {
            if nonblock {
                return Err(EAGAIN);
            }
            if self.wait.wait_interruptible(&mut state) {
                return Err(ERESTARTSYS);
            }
        }
        if state.dead {
            return Ok(0);
        }
        if len < state.records.len() * STBR_SIZE {
            return Err(EMSGSIZE);
        }
        let mut bytes = KVec::new();
        let mut taken = KVec::new();
        for r in state.records.iter().filter(|r| r.unread) {
            let at = bytes.len();
            bytes.extend_from_slice(&[0u8; STBR_SIZE], GFP_KERNEL)?;
            r.encode(&mut bytes[at..], state.abi);
            taken.push(r.brid, GFP_KERNEL)?;
        }
        state.records.iter_mut().for_each(|r| r.unread = false);
        state.pending = false;
        drop(state);
        copy(&bytes).inspect_err(|_| self.unread_again(&taken))?;
        Ok(bytes.len())
    }

    /// Marks the records of `brids` unread again (their copy failed).
    fn unread_again(&self, brids: &[u32]) {
        let mut state = self.fhsm.state.lock();
        let state = &mut *state;
        for r in state.records.iter_mut().filter(|r| brids.contains(&r.brid)) {
            r.unread = true;
            state.pending = true;
        }
    }
}

/// The FHSM fd (`[aufs_fhsm]`): what its read and poll show.
impl EventSource for FhsmFd {
    fn read(
        &self,
        len: usize,
        nonblock: bool,
        copy: &mut dyn FnMut(&[u8]) -> Result,
    ) -> Result<usize> {
        self.read_records(len, nonblock, copy)
    }

    /// Something to read, or end of file.
    fn readable(&self) -> bool {
        let state = self.fhsm.state.lock();
        state.pending || state.dead
    }

    fn wait_queue(&self) -> &PollCondVar {
        &self.wait
    }

    fn released(&self) {
        self.fhsm.disconnect();
    }
}

/// AUFS_CTL_FHSM_FD (aufs's `au_fhsm_fd`) on the union's root dir: a new
/// FHSM fd; `arg` is its open flags (the value itself, as aufs). Only
/// CAP_SYS_ADMIN (EPERM), flags O_CLOEXEC and O_NONBLOCK only (EINVAL), one
/// at a time (EBUSY); given whether FHSM is on or not, as aufs.
pub(crate) fn ioctl(file: &IoctlFile<'_>, arg: UserArg) -> Result<isize> {
    if !current_is_sys_admin() {
        return Err(EPERM);
    }
    let allowed = (O_CLOEXEC | O_NONBLOCK) as usize;
    if arg.value() & !allowed != 0 {
        return Err(EINVAL);
    }
    let union = file.mount.current();
    let fd = Fhsm::connect(&union.fhsm, &union, file.abi)?;
    let flags = arg.value() as u32 | O_RDONLY;
    anon_inode_fd(c"[aufs_fhsm]", fd, flags)
        .inspect_err(|_| union.fhsm.disconnect())
        .map(|fd| fd as isize)
}
