// SPDX-License-Identifier: GPL-2.0

//! xino: stable aufs inode numbers (aufs design note 01intro, "XINO").
//!
//! Per branch filesystem one unnamed file maps a real inode number to an aufs
//! inode number: 8 bytes at offset `real_ino * 8` (sparse; 0 = no number). A
//! bitmap of the aufs numbers in use (in memory, for the mount's life) hands
//! out free numbers from [`FIRST_INO`] up. A number is given back only when the
//! real inode is gone (its last link removed and the aufs inode evicted), so
//! the same file keeps its number across cache eviction, and every hardlink
//! shares it. A copy-up records the original's number for the copy too, so
//! one number can be held by several table entries: it is freed only when the
//! last of them is cleared (the lower original keeps it while the copy is
//! deleted, so a later file never gets a number the original still shows).
//!
//! Tables are keyed by the branch filesystem's superblock. The union's branch
//! paths pin those superblocks, so a key cannot be reused while its table is
//! in use; when a remount removes the last branch of a filesystem, its table
//! goes with it (a superblock allocated later at the same address gets a
//! table of its own; the numbers the old table held stay reserved).
//!
//! A number handed out is not written to its table at once: it waits in
//! memory with the others of its batch ([`BATCH`] entries), and the batch is
//! written a table page at a time. So a first look at a file costs no file
//! write, and a file made and removed within a batch (create, then unlink)
//! none at all. Lookups read the batch before the table. An entry waits in
//! the batch only while its table has none for the same real inode (a stale
//! one is overwritten at once), so dropping an entry from the batch never
//! uncovers an old number.
//!
//! The bitmap outlives the tables: with `noxino` there are none, and each new
//! inode still gets the lowest free number of the bitmap, given back when the
//! inode is evicted ("transient"). So numbers stay unique among the live
//! inodes across a remount that drops the tables (`noxino`) or makes new
//! ones (`xino=` on a `noxino` mount): each inode carries the epoch of the
//! tables its number is recorded in (0: none), and an inode whose epoch is
//! not the current one gives its number back at eviction, whatever its link
//! count. A number recorded in dropped tables for an inode no longer in
//! memory stays taken until umount (never two objects on one number).
//!
//! Locking: `state` (a mutex) guards the files, the batch and the bitmap; it is taken in
//! lookup and readdir, which may allocate. Inode eviction can run inside
//! memory reclaim, so it must not wait for `state`: it queues the number on
//! `pending` (a spinlock, GFP_NOWAIT), and the next allocation under `state`
//! clears the entry and frees the number; a number in no current table
//! (which needs no table write) it frees at once if a trylock of `state`
//! succeeds.

#![forbid(unsafe_code)]

use crate::errname::errname;
use crate::inobits;
use crate::opts;
use crate::vfs::{CredGuard, LowerFile, MountLog, Path};
use core::sync::atomic::{AtomicU64, Ordering};
use kernel::{
    cred::Credential,
    error::code::*,
    new_mutex, new_spinlock,
    prelude::*,
    rbtree::{RBTree, RBTreeNodeReservation},
    str::CString,
    sync::{aref::ARef, Arc, Mutex, SpinLock},
};

/// The union root's inode number (aufs ABI).
pub(crate) const ROOT_INO: u64 = 2;
/// The first number handed out to other inodes (aufs ABI).
pub(crate) const FIRST_INO: u64 = 11;
/// The default xino file (aufs ABI).
pub(crate) const DEFAULT_PATH: &str = "/tmp/.aufs.xino";

/// Size of one table entry.
const ENTRY: u64 = 8;
/// The unit in which table space is given back, and batches are written.
const PAGE: u64 = 4096;
/// How many new entries wait in memory before they are written (24 bytes
/// each, allocated once at mount: recording one allocates nothing).
const BATCH: usize = 256;

/// One xino table: the file for all branches on one filesystem.
struct Table {
    /// Identity of the branch filesystem (its superblock).
    fs: usize,
    file: LowerFile,
}

/// A number to give back: its real inode is gone, or it was not recorded in
/// the current tables (epoch).
struct Pending {
    fs: usize,
    real_ino: u64,
    ino: u64,
    epoch: u64,
}

struct State {
    /// Where new tables are made (a branch added at remount may bring a new
    /// filesystem); None with `noxino`.
    dir: Option<Path>,
    /// The epoch of the current tables, 0 while there are none.
    epoch: u64,
    /// The last epoch given to tables.
    last_epoch: u64,
    tables: KVec<Table>,
    /// Bit `n` set: aufs inode number `n` is in use.
    in_use: KVec<u64>,
    /// Numbers held by more than one table entry (copy-ups): how many entries
    /// hold them beyond the first.
    extra_holders: RBTree<u64, u32>,
    /// No number below this one is free.
    next_free: u64,
    /// The entries not written to their tables yet, sorted by filesystem
    /// and real inode number; room for [`BATCH`].
    unwritten: KVec<Waiting>,
}

/// An entry not written to its table yet.
#[derive(Clone, Copy)]
struct Waiting {
    fs: usize,
    real_ino: u64,
    ino: u64,
}

impl Waiting {
    fn key(&self) -> (usize, u64) {
        (self.fs, self.real_ino)
    }
}

/// Where an entry of a real inode was found.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Entry {
    None,
    Unwritten(u64),
    Table(u64),
}

impl Entry {
    fn ino(self) -> Option<u64> {
        match self {
            Entry::None => None,
            Entry::Unwritten(ino) | Entry::Table(ino) => Some(ino),
        }
    }
}

/// The xino tables of one mount.
#[pin_data]
pub(crate) struct Xino {
    /// The configured path (`xino=`), as shown in sysfs and /proc/mounts.
    #[pin]
    path: Mutex<CString>,
    #[pin]
    state: Mutex<State>,
    #[pin]
    pending: SpinLock<KVec<Pending>>,
    /// `state.epoch`, for eviction (which may not take `state`).
    epoch: AtomicU64,
}

impl Xino {
    /// Creates one unnamed table file per distinct branch filesystem in `dir`
    /// (the directory of `path`), as the current credentials: the mounter's.
    pub(crate) fn new(path: CString, dir: Path, branch_fs: &[usize]) -> Result<Arc<Self>> {
        let xino = Self::without_tables()?;
        xino.start_tables(path, dir, branch_fs)?;
        Ok(xino)
    }

    /// The numbers of a `noxino` mount: the bitmap alone.
    pub(crate) fn without_tables() -> Result<Arc<Self>> {
        let state = State {
            dir: None,
            epoch: 0,
            last_epoch: 0,
            tables: KVec::new(),
            in_use: KVec::new(),
            extra_holders: RBTree::new(),
            next_free: FIRST_INO,
            unwritten: KVec::with_capacity(BATCH, GFP_KERNEL)?,
        };
        Arc::pin_init(
            try_pin_init!(Xino {
                path <- new_mutex!(CString::try_from_fmt(fmt!(""))?),
                state <- new_mutex!(state),
                pending <- new_spinlock!(KVec::new()),
                epoch: AtomicU64::new(0),
            }),
            GFP_KERNEL,
        )
    }

    /// True while numbers are recorded in tables (not `noxino`).
    pub(crate) fn has_tables(&self) -> bool {
        self.epoch.load(Ordering::Acquire) != 0
    }

    /// Makes new, empty tables in `dir` (`xino=path` at mount, or at a
    /// remount of a `noxino` mount). On error nothing changes.
    pub(crate) fn start_tables(&self, path: CString, dir: Path, branch_fs: &[usize]) -> Result {
        let mut tables = KVec::new();
        add_tables(&mut tables, &dir, branch_fs)?;
        let mut state = self.state.lock();
        state.tables = tables;
        state.dir = Some(dir);
        state.last_epoch += 1;
        state.epoch = state.last_epoch;
        self.epoch.store(state.epoch, Ordering::Release);
        *self.path.lock() = path;
        Ok(())
    }

    /// Drops the tables (`noxino` at remount). Inodes made from then on get
    /// transient numbers; the live ones give theirs back at eviction.
    pub(crate) fn stop_tables(&self) -> Result {
        let empty = CString::try_from_fmt(fmt!(""))?;
        let mut state = self.state.lock();
        state.tables.clear();
        state.unwritten.clear();
        // The entries that held numbers twice are gone with the tables.
        state.extra_holders = RBTree::new();
        state.dir = None;
        state.epoch = 0;
        self.epoch.store(0, Ordering::Release);
        *self.path.lock() = empty;
        Ok(())
    }

    /// True when the configured path is `path`.
    pub(crate) fn has_path(&self, path: &str) -> bool {
        self.path.lock().to_bytes() == path.as_bytes()
    }

    /// Writes the configured path.
    pub(crate) fn write_path(&self, out: &mut dyn core::fmt::Write) -> core::fmt::Result {
        out.write_str(self.path.lock().to_str().unwrap_or("?"))
    }

    /// A remount's change of the tables, as the current credentials: moves
    /// them to new unnamed files in the dir of `to` (`xino=path`; the
    /// numbers stay), and makes the tables that branches on filesystems
    /// `branch_fs` need. All or nothing: on error nothing changes.
    pub(crate) fn reconfigure(&self, to: Option<(CString, Path)>, branch_fs: &[usize]) -> Result {
        let mut state = self.state.lock();
        let Some(current_dir) = &state.dir else {
            return Ok(());
        };
        let dir = match &to {
            Some((_, dir)) => dir.clone_ref(),
            None => current_dir.clone_ref(),
        };
        // The batch first: then moving or dropping a table takes its entries.
        state.flush()?;
        let mut moved = KVec::new();
        if to.is_some() {
            moved.reserve(state.tables.len(), GFP_KERNEL)?;
            for table in state.tables.iter() {
                let file = LowerFile::tmpfile(&dir)?;
                table.file.copy_data_to(&file, u64::MAX)?;
                moved.push(file, GFP_KERNEL)?;
            }
        }
        let mut added = KVec::<Table>::new();
        for &fs in branch_fs {
            let known = |t: &Table| t.fs == fs;
            if !state.tables.iter().any(known) && !added.iter().any(known) {
                let file = LowerFile::tmpfile(&dir)?;
                added.push(Table { fs, file }, GFP_KERNEL)?;
            }
        }
        state.tables.reserve(added.len(), GFP_KERNEL)?;
        // Nothing fails from here on.
        for (table, file) in state.tables.iter_mut().zip(moved) {
            table.file = file;
        }
        state.tables.retain(|t| branch_fs.contains(&t.fs));
        for table in added {
            state.tables.push(table, GFP_KERNEL)?;
        }
        if let Some((path, dir)) = to {
            state.dir = Some(dir);
            *self.path.lock() = path;
        }
        Ok(())
    }

    /// True when the tables' dir lies inside `dir`.
    pub(crate) fn is_within(&self, dir: &Path) -> bool {
        self.state
            .lock()
            .dir
            .as_ref()
            .is_some_and(|d| d.is_within(dir))
    }

    /// The aufs number of real inode `real_ino` on filesystem `fs`, allocated
    /// and recorded on first use; ESTALE without tables.
    pub(crate) fn ino_for(&self, fs: usize, real_ino: u64) -> Result<u64> {
        let mut state = self.state.lock();
        self.free_pending(&mut state)?;
        if state.epoch == 0 {
            return Err(ESTALE);
        }
        state.recorded_number(fs, real_ino)
    }

    /// The number of a new inode for real inode `real_ino` on `fs`, and the
    /// epoch of the tables it is recorded in: without tables (`noxino`), a
    /// free number and epoch 0.
    pub(crate) fn number_for(&self, fs: usize, real_ino: u64) -> Result<(u64, u64)> {
        let mut state = self.state.lock();
        self.free_pending(&mut state)?;
        match state.epoch {
            0 => Ok((state.allocate()?, 0)),
            epoch => Ok((state.recorded_number(fs, real_ino)?, epoch)),
        }
    }

    /// Records that real inode `real_ino` on `fs` has number `ino` too (a
    /// copy-up keeps the number the file had on its lower branch).
    pub(crate) fn share(&self, fs: usize, real_ino: u64, ino: u64) -> Result {
        let mut state = self.state.lock();
        if state.epoch == 0 {
            return Ok(());
        }
        let found = state.entry(fs, real_ino)?;
        if found.ino() == Some(ino) {
            return Ok(());
        }
        // Allocated first: once the entry is recorded, counting it cannot fail.
        let node = RBTreeNodeReservation::new(GFP_KERNEL)?;
        state.record(fs, real_ino, ino, found)?;
        state.add_holder(ino, node);
        Ok(())
    }

    /// Takes back [`Xino::share`]: the entry of `real_ino` on `fs` goes if
    /// it names `ino`, and with it one extra holder of `ino`. Never frees
    /// the number itself (the original still holds it): at worst a number
    /// stays taken, never two objects share one. Best effort.
    pub(crate) fn unshare(&self, fs: usize, real_ino: u64, ino: u64) {
        let mut state = self.state.lock();
        if state.epoch != 0 && state.clear_entry(fs, real_ino, ino) == Ok(true) {
            state.drop_extra_holder(ino);
        }
    }

    /// An inode numbered `ino` (recorded in the tables of `epoch`, 0 for
    /// none) for real inode `real_ino` on `fs` is evicted; `gone`: the real
    /// inode has no link left. Its number is given back when nothing keeps
    /// it: the real inode is gone, or the number is not in the current
    /// tables. Safe in reclaim: it never sleeps, and only tries `state`
    /// (a trylock cannot wait on a holder that is allocating). If the queue
    /// cannot grow, the number is simply never reused.
    pub(crate) fn release(&self, fs: usize, real_ino: u64, ino: u64, epoch: u64, gone: bool) {
        let current = self.epoch.load(Ordering::Acquire);
        if !gone && epoch != 0 && epoch == current {
            return;
        }
        // A number in no current table is given back at once when `state`
        // is free: that only clears a bit (no table write, no allocation),
        // and keeps a mass eviction under `noxino` from queueing them all.
        if epoch == 0 || epoch != current {
            if let Some(mut state) = self.state.try_lock() {
                if epoch == 0 || epoch != state.epoch {
                    state.drop_holder(ino);
                    return;
                }
            }
        }
        let _ = self.pending.lock().push(
            Pending {
                fs,
                real_ino,
                ino,
                epoch,
            },
            GFP_NOWAIT,
        );
    }

    /// Clears the table entries of gone inodes, then frees their numbers.
    fn free_pending(&self, state: &mut State) -> Result {
        let pending = core::mem::take(&mut *self.pending.lock());
        for p in pending.iter() {
            if p.epoch == 0 || p.epoch != state.epoch {
                // Not in the current tables: the inode held it alone.
                state.drop_holder(p.ino);
                continue;
            }
            // Only clear the entry if it still names this number: the real
            // inode number may have been reused and re-registered meanwhile.
            // A table dropped by a remount has nothing left to clear.
            match state.clear_entry(p.fs, p.real_ino, p.ino) {
                Err(e) if e != ESTALE => return Err(e),
                _ => state.drop_holder(p.ino),
            }
        }
        Ok(())
    }
}

impl Table {
    fn read(&self, real_ino: u64) -> Result<Option<u64>> {
        let mut buf = [0u8; ENTRY as usize];
        let pos = real_ino.checked_mul(ENTRY).ok_or(EOVERFLOW)?;
        let n = self.file.read_at(&mut buf, pos)?;
        let ino = if n == buf.len() {
            u64::from_le_bytes(buf)
        } else {
            0
        };
        Ok((ino != 0).then_some(ino))
    }

    /// Clears one entry, and gives the table page back to the filesystem when
    /// no entry in it is left, so that a create/delete loop cannot grow the
    /// table without bound.
    fn clear(&self, real_ino: u64) -> Result {
        self.write(real_ino, 0)?;
        let page_start = (real_ino * ENTRY) & !(PAGE - 1);
        let mut page = KVec::<u8>::new();
        page.resize(PAGE as usize, 0, GFP_KERNEL)?;
        let n = self.file.read_at(&mut page, page_start)?;
        if page[..n].iter().all(|&b| b == 0) {
            // Best effort: a filesystem without hole punching keeps the page.
            let _ = self.file.punch_hole(page_start, PAGE);
        }
        Ok(())
    }

    fn write(&self, real_ino: u64, ino: u64) -> Result {
        let pos = real_ino.checked_mul(ENTRY).ok_or(EOVERFLOW)?;
        self.file.write_at(&ino.to_le_bytes(), pos)
    }
}

/// One table page being edited by [`State::flush`]: read once, written
/// back (the span of its changed entries) when the next page is needed.
struct PageEdit<'a> {
    buf: KVec<u8>,
    at: Option<(&'a Table, u64)>,
    /// The changed span, as offsets into the page.
    changed: (usize, usize),
}

impl<'a> PageEdit<'a> {
    fn new() -> Result<Self> {
        let mut buf = KVec::new();
        buf.resize(PAGE as usize, 0, GFP_KERNEL)?;
        Ok(PageEdit {
            buf,
            at: None,
            changed: (0, 0),
        })
    }

    /// Sets the entry at byte `pos` of `table` to `ino`.
    fn set(&mut self, table: &'a Table, pos: u64, ino: u64) -> Result {
        let start = pos & !(PAGE - 1);
        if !matches!(self.at, Some((t, s)) if core::ptr::eq(t, table) && s == start) {
            self.write_back()?;
            self.buf.fill(0);
            table.file.read_at(&mut self.buf, start)?;
            self.at = Some((table, start));
            self.changed = (PAGE as usize, 0);
        }
        let off = (pos - start) as usize;
        self.buf[off..off + ENTRY as usize].copy_from_slice(&ino.to_le_bytes());
        self.changed = (
            self.changed.0.min(off),
            self.changed.1.max(off + ENTRY as usize),
        );
        Ok(())
    }

    fn write_back(&mut self) -> Result {
        let Some((table, start)) = self.at.take() else {
            return Ok(());
        };
        let (from, to) = self.changed;
        table
            .file
            .write_at(&self.buf[from..to], start + from as u64)
    }
}

impl State {
    /// The recorded number of `real_ino` on `fs`, allocated and recorded
    /// on first use.
    fn recorded_number(&mut self, fs: usize, real_ino: u64) -> Result<u64> {
        let found = self.entry(fs, real_ino)?;
        if let Some(ino) = found.ino().filter(|&ino| self.is_in_use(ino)) {
            return Ok(ino);
        }
        let ino = self.allocate()?;
        if let Err(e) = self.record(fs, real_ino, ino, found) {
            self.set_in_use(ino, false);
            return Err(e);
        }
        Ok(ino)
    }

    /// The entry of real inode `real_ino` on `fs`: the batch's, else the
    /// table's.
    fn entry(&self, fs: usize, real_ino: u64) -> Result<Entry> {
        let table = self.table(fs)?;
        if let Ok(i) = self.waiting(fs, real_ino) {
            return Ok(Entry::Unwritten(self.unwritten[i].ino));
        }
        Ok(table.read(real_ino)?.map_or(Entry::None, Entry::Table))
    }

    /// Records number `ino` for `real_ino` on `fs`, whose entry was `found`:
    /// in the batch, or in the table at once over a stale table entry.
    fn record(&mut self, fs: usize, real_ino: u64, ino: u64, found: Entry) -> Result {
        if let Entry::Table(_) = found {
            return self.table(fs)?.write(real_ino, ino);
        }
        let waiting = Waiting { fs, real_ino, ino };
        match self.waiting(fs, real_ino) {
            Ok(i) => self.unwritten[i] = waiting,
            Err(_) => {
                if self.unwritten.len() >= BATCH {
                    self.flush()?;
                }
                let at = self.waiting(fs, real_ino).unwrap_or_else(|at| at);
                self.unwritten
                    .insert_within_capacity(at, waiting)
                    .map_err(|_| ENOMEM)?;
            }
        }
        Ok(())
    }

    /// Clears the entry of `real_ino` on `fs` if it names `ino`; true if it
    /// did.
    fn clear_entry(&mut self, fs: usize, real_ino: u64, ino: u64) -> Result<bool> {
        match self.entry(fs, real_ino)? {
            Entry::Unwritten(found) if found == ino => {
                if let Ok(i) = self.waiting(fs, real_ino) {
                    // Cannot fail: the index is in range.
                    let _ = self.unwritten.remove(i);
                }
                Ok(true)
            }
            Entry::Table(found) if found == ino => self.table(fs)?.clear(real_ino).map(|()| true),
            _ => Ok(false),
        }
    }

    /// Writes the batch to the tables, one read and one write per table page
    /// it touches. On error the batch stays (written entries are written
    /// again with the next one: the same bytes).
    fn flush(&mut self) -> Result {
        if self.unwritten.is_empty() {
            return Ok(());
        }
        let mut page = PageEdit::new()?;
        for w in self.unwritten.iter() {
            let pos = w.real_ino.checked_mul(ENTRY).ok_or(EOVERFLOW)?;
            page.set(self.table(w.fs)?, pos, w.ino)?;
        }
        page.write_back()?;
        self.unwritten.clear();
        Ok(())
    }

    /// The index of the waiting entry of `real_ino` on `fs`, or where it
    /// would go.
    fn waiting(&self, fs: usize, real_ino: u64) -> Result<usize, usize> {
        self.unwritten
            .binary_search_by_key(&(fs, real_ino), Waiting::key)
    }

    /// The table of filesystem `fs`; ESTALE when a remount removed its last
    /// branch (an operation still running on the previous generation).
    fn table(&self, fs: usize) -> Result<&Table> {
        self.tables.iter().find(|t| t.fs == fs).ok_or(ESTALE)
    }

    /// One more table entry holds `ino`.
    fn add_holder(&mut self, ino: u64, node: RBTreeNodeReservation<u64, u32>) {
        match self.extra_holders.get_mut(&ino) {
            Some(n) => *n += 1,
            None => {
                self.extra_holders.insert(node.into_node(ino, 1));
            }
        }
    }

    /// One table entry holding `ino` is gone: the number is free when it was
    /// the last.
    fn drop_holder(&mut self, ino: u64) {
        if !self.drop_extra_holder(ino) {
            self.set_in_use(ino, false);
        }
    }

    /// One of the extra entries holding `ino` is gone; false when it had none.
    fn drop_extra_holder(&mut self, ino: u64) -> bool {
        match self.extra_holders.get_mut(&ino) {
            Some(1) => {
                self.extra_holders.remove(&ino);
                true
            }
            Some(n) => {
                *n -= 1;
                true
            }
            None => false,
        }
    }

    fn is_in_use(&self, ino: u64) -> bool {
        inobits::is_set(&self.in_use, ino)
    }

    fn set_in_use(&mut self, ino: u64, used: bool) {
        if inobits::set(&mut self.in_use, ino, used) && !used {
            self.next_free = self.next_free.min(ino);
        }
    }

    /// The lowest free number from [`FIRST_INO`] up.
    fn allocate(&mut self) -> Result<u64> {
        let from = self.next_free.max(FIRST_INO);
        let ino = loop {
            match inobits::first_free(&self.in_use, from) {
                Some(ino) => break ino,
                None => self.in_use.push(0, GFP_KERNEL)?,
            }
        };
        self.set_in_use(ino, true);
        self.next_free = ino + 1;
        Ok(ino)
    }
}

/// Adds to `tables` one for each filesystem of `branch_fs` it has none for,
/// made in `dir`.
fn add_tables(tables: &mut KVec<Table>, dir: &Path, branch_fs: &[usize]) -> Result {
    for &fs in branch_fs {
        if tables.iter().all(|t| t.fs != fs) {
            let file = LowerFile::tmpfile(dir)?;
            tables.push(Table { fs, file }, GFP_KERNEL)?;
        }
    }
    Ok(())
}

/// Creates the xino tables in the directory of `path` for the filesystems
/// of the branches at `roots`, as the mounter.
pub(crate) fn make_xino<'a>(
    path: CString,
    roots: impl Iterator<Item = &'a Path> + Clone,
    cred: &ARef<Credential>,
    explicit: bool,
    log: &MountLog,
) -> Result<Arc<Xino>> {
    let text = path.to_str().map_err(|_| EINVAL)?;
    let dir = xino_dir(text, roots.clone(), cred, explicit, log)?;
    let mut fs = KVec::new();
    for root in roots {
        fs.push(root.fs_id(), GFP_KERNEL)?;
    }
    let (dir_name, _) = opts::split_file_path(text);
    let dir_text = CString::try_from_fmt(fmt!("{dir_name}"))?;
    let _mounter = CredGuard::new(cred);
    match Xino::new(path, dir, &fs) {
        Ok(xino) => Ok(xino),
        Err(e) => Err(log.error(
            e,
            format_args!(
                "cannot create xino file in \"{}\" (error {})",
                dir_text.to_str().unwrap_or("?"),
                e.to_errno()
            ),
        )),
    }
}

/// The directory for xino path `text`, as the mounter. It may not be on an
/// aufs mount; an explicitly given one may not lie inside a branch either.
pub(crate) fn xino_dir<'a>(
    text: &str,
    mut roots: impl Iterator<Item = &'a Path>,
    cred: &ARef<Credential>,
    explicit: bool,
    log: &MountLog,
) -> Result<Path> {
    let (dir_name, _) = opts::split_file_path(text);
    let dir_c = CString::try_from_fmt(fmt!("{dir_name}"))?;
    let _mounter = CredGuard::new(cred);
    let dir = Path::lookup_dir(&dir_c).map_err(|e| {
        log.error(
            e,
            format_args!("xino \"{text}\": {}", errname(e.to_errno())),
        )
    })?;
    if dir.is_on_aufs() {
        return Err(log.error(EINVAL, format_args!("xino \"{text}\" is on an aufs mount")));
    }
    if explicit {
        if let Some(index) = roots.position(|root| dir.is_within(root)) {
            return Err(log.error(
                EINVAL,
                format_args!("xino \"{text}\" is inside branch {index}"),
            ));
        }
    }
    Ok(dir)
}
