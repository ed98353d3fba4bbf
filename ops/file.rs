// SPDX-License-Identifier: GPL-2.0

//! Regular files: every open aufs file holds a backing file on the branch
//! object (`backing_file_open`), and I/O goes through the backing_file
//! helpers with the mounter's credentials, as overlayfs does.
//!
//! Opening for write (or with O_TRUNC) copies the file up first. A file open
//! read-only when another opener copies it up switches to the copy at its
//! next operation (aufs reopens it too), so it reads the new data.

use super::inode::refresh_inode;
use super::{dir_file, file_dentry, mount_of, union_of, OpsTable};
use crate::branch::{OpenPin, Union};
use crate::copyup::{copy_up, Undo};
use crate::lookup::Lower;
use crate::lookup::UnionDentry;
use crate::mount::Mount;
use crate::vfs::{bindings as b, CredGuard, MappedFile, RealFile};
use kernel::types::ForeignOwnable;
use kernel::{
    error::{code::*, from_err_ptr, from_result, to_result},
    ffi, new_mutex,
    prelude::*,
    sync::Mutex,
};

pub(super) static FILE_FOPS: OpsTable<b::file_operations> = OpsTable(b::file_operations {
    open: Some(open),
    release: Some(release),
    read_iter: Some(read_iter),
    write_iter: Some(write_iter),
    splice_read: Some(splice_read),
    splice_write: Some(splice_write),
    mmap: Some(mmap),
    llseek: Some(llseek),
    fsync: Some(fsync),
    unlocked_ioctl: Some(super::ioctl::unlocked_ioctl),
    #[cfg(CONFIG_COMPAT)]
    compat_ioctl: Some(super::ioctl::compat_ioctl),
    // SAFETY: all-zero is a valid file_operations (every op absent).
    ..unsafe { core::mem::zeroed() }
});

/// The backing file of an open aufs file, counted as a user of its branch.
struct Backing {
    file: RealFile,
    pin: OpenPin,
    /// The id of the file's branch (FHSM hears of writes by it).
    brid: u32,
}

/// What an open aufs file keeps in `private_data`.
#[pin_data]
struct OpenFile {
    #[pin]
    real: Mutex<Backing>,
}

/// The mount `file` lives on.
///
/// # Safety
///
/// `file` must be an open aufs file.
unsafe fn mount_of_file<'a>(file: *const b::file) -> &'a Mount {
    // SAFETY: an open file pins its inode and superblock.
    unsafe { mount_of((*(*file).f_inode).i_sb) }
}

/// The backing file to use now, and the context the backing_file helpers
/// need: the file opened, or, if the file was copied up since, a new one on
/// the copy.
///
/// # Safety
///
/// `file` must be an aufs regular file between `open` and `release`.
unsafe fn real_file(file: *mut b::file) -> Result<(RealFile, b::backing_file_ctx)> {
    // SAFETY: `file` is an aufs regular file between open and release (the
    // caller's guarantee), as real_file_as needs.
    unsafe { real_file_as(file, Refresh::Full) }
}

/// How [`real_file_as`] learns what the union file stands for now.
enum Refresh {
    /// Looks the name up again after a remount and follows pseudo-links:
    /// branch lookups and xino, which take the branch and xino file locks.
    Full,
    /// Only the info stored in the dentry, if it is of the current
    /// generation (a copy-up through this name is seen): for mmap, which
    /// runs under `mmap_lock`, where those locks may not be taken.
    Stored,
}

/// [`real_file`] with the given way of refreshing.
///
/// # Safety
///
/// As for [`real_file`].
unsafe fn real_file_as(
    file: *mut b::file,
    refresh: Refresh,
) -> Result<(RealFile, b::backing_file_ctx)> {
    // SAFETY: an open file pins its inode and superblock.
    let union = unsafe { union_of((*(*file).f_inode).i_sb) };
    // SAFETY: `open` stored an OpenFile in private_data; the dentry is live.
    let (state, dentry) = unsafe {
        (
            <Pin<KBox<OpenFile>>>::borrow((*file).private_data).get_ref(),
            UnionDentry::borrowed(file_dentry(file)),
        )
    };
    let mut real = state.real.lock();
    // If the name now stands for another object (a remount put a branch on
    // top), the file stays on what it opened.
    // A writer stays on its object unless the name moved to another
    // writable branch: never back onto a read-only branch below.
    // SAFETY: `file` is open.
    let writer = unsafe { (*file).f_mode } & b::AUFS_FMODE_WRITE != 0;
    let info = match refresh {
        Refresh::Full => dentry.current_info(&union),
        Refresh::Stored => dentry.stored().and_then(|info| {
            if info.generation == union.generation {
                Ok(info)
            } else {
                Err(ESTALE)
            }
        }),
    };
    if let Ok(info) = info {
        if let Some(top) = info.top() {
            let may_switch = !writer || union.branches[top.branch].perm.is_writable();
            if real.file.inode() != top.path.inode() && may_switch {
                // SAFETY: `file` is open; the branch path is pinned by `info`.
                *real = unsafe { open_backing(file, &union, top) }?;
            }
        }
    }
    // fcntl(F_SETFL) changed the union file's flags only: the branch file
    // follows (O_DIRECT reads and writes are direct on it).
    // SAFETY: `file` is open; f_flags is read racily, as the VFS does.
    real.file.follow_setfl_flags(unsafe { (*file).f_flags });
    Ok((real.file.get(), backing_ctx(&union.cred)))
}

/// Opens the backing file for `file` on branch object `lower`.
///
/// # Safety
///
/// `file` must be an aufs file being opened or open.
unsafe fn open_backing(file: *mut b::file, union: &Union, lower: &Lower) -> Result<Backing> {
    // SAFETY: `file` is valid.
    let (flags, mode) = unsafe { ((*file).f_flags, (*file).f_mode) };
    let flags = flags & !(b::O_CREAT | b::O_EXCL | b::O_NOCTTY | b::O_TRUNC);
    let cred = union.cred.as_ptr().cast();
    // SAFETY: `file` and the path are valid; backing_file_open switches to
    // `cred` itself and returns a new file or an error pointer.
    let real = unsafe { b::backing_file_open(file, flags as i32, lower.path.as_raw(), cred) };
    // SAFETY: a successful open returns a file with one reference, ours.
    let file = from_err_ptr(real).map(|real| unsafe { RealFile::from_raw_owned(real) })?;
    let writer = mode & b::AUFS_FMODE_WRITE != 0;
    Ok(Backing {
        file,
        pin: union.branches[lower.branch].pin_open(writer),
        brid: union.branches[lower.branch].id,
    })
}

/// `accessed` hook of the backing_file helpers: nothing to update, the union
/// inode takes its times from the branch object.
///
/// # Safety
///
/// Called by the backing_file helpers with the user's file; it is not used.
unsafe extern "C" fn accessed(_file: *mut b::file) {}

/// `end_write` hook: the union inode follows the size of the branch file.
///
/// # Safety
///
/// Called by the backing_file helpers with the user's kiocb.
unsafe extern "C" fn end_write(iocb: *mut b::kiocb, _ret: isize) {
    // SAFETY: the kiocb's file is an open aufs file.
    unsafe {
        let file = (*iocb).ki_filp;
        refresh_inode((*file).f_inode, file_dentry(file));
    }
}

fn backing_ctx(cred: &kernel::cred::Credential) -> b::backing_file_ctx {
    b::backing_file_ctx {
        cred: cred.as_ptr().cast(),
        accessed: Some(accessed),
        end_write: Some(end_write),
    }
}

/// `file_operations.open`: copy up for writers, then open the backing file.
///
/// # Safety
///
/// Called by the VFS with an aufs regular-file inode and a new file.
unsafe extern "C" fn open(_inode: *mut b::inode, file: *mut b::file) -> ffi::c_int {
    // SAFETY: `file` is being opened on a positive aufs dentry.
    let (union, dentry) = unsafe { (union_of((*(*file).f_inode).i_sb), file_dentry(file)) };
    from_result(|| {
        // SAFETY: `file` is in its open call on a positive aufs dentry of
        // `union`'s superblock, as open_state_of needs.
        let state = unsafe { open_state_of(file, &union) }.inspect_err(|_| {
            // SAFETY: the same file, in its open call, as undo_created needs.
            unsafe { undo_created(file) }
        })?;
        // With `dio`, direct I/O passes through to the branch file: the
        // union file can do it (O_DIRECT at open, or later with fcntl) where
        // the branch file can.
        let direct = union.dio && state.real.lock().file.can_direct_io();
        // SAFETY: the file is not visible before open returns; release takes
        // the box back. f_mode may be changed by open.
        unsafe {
            if direct {
                (*file).f_mode |= b::AUFS_FMODE_CAN_ODIRECT;
            }
            (*file).private_data = state.into_foreign();
        }
        // SAFETY: `dentry` is the file's dentry, pinned by the file being
        // opened. The open of an open(2) that created the file worked: the
        // parents copied up for it stay.
        unsafe {
            if (*file).f_mode & FMODE_CREATED != 0 {
                drop(UnionDentry::borrowed(dentry).take_created());
            }
        }
        Ok(0)
    })
}

/// `FMODE_CREATED` (include/linux/fs.h; a cast macro bindgen leaves out).
const FMODE_CREATED: u32 = 1 << 20;

/// An `O_CREAT` open that made the file and then failed to open it: the
/// file goes again, through the union as unlink(2) would (the VFS leaves
/// it, having no atomic_open here), so that the failed open(2) changes
/// nothing. A failure to remove it is logged.
///
/// # Safety
///
/// `file` must be an aufs file whose open failed, in the `open` call.
unsafe fn undo_created(file: *mut b::file) {
    // SAFETY: the file being opened pins its dentry; dget_parent pins the
    // parent, whose inode we lock as unlink(2) does before vfs_unlink; the
    // dentry is checked to still be a hashed positive child of it.
    unsafe {
        if (*file).f_mode & FMODE_CREATED == 0 {
            return;
        }
        let dentry = file_dentry(file);
        let parent = b::dget_parent(dentry);
        let dir = (*parent).d_inode;
        // inode_lock_nested: down_write_nested is a function only on
        // kernels with lockdep (Debian's has none).
        b::aufs_inode_lock_parent(dir);
        if (*dentry).d_parent == parent
            && !(*dentry).d_inode.is_null()
            && !(*dentry).d_hash.pprev.is_null()
        {
            let ret = b::vfs_unlink(
                &raw mut b::nop_mnt_idmap,
                dir,
                dentry,
                core::ptr::null_mut(),
            );
            if ret != 0 {
                pr_warn!("could not remove a file whose creating open failed: {ret}\n");
            } else if let Some(steps) = UnionDentry::borrowed(dentry).take_created() {
                // And the parent dirs copied up for it.
                drop(Undo::from_steps(&union_of((*dentry).d_sb), steps));
            }
        }
        b::up_write(&mut (*dir).i_rwsem);
        b::dput(parent);
    }
}

/// The state of the file being opened: for a writer (or O_TRUNC) on the
/// object copied up, else on the top branch object.
///
/// # Safety
///
/// `file` must be a file being opened on a positive aufs dentry of `union`.
unsafe fn open_state_of(file: *mut b::file, union: &Union) -> Result<Pin<KBox<OpenFile>>> {
    // SAFETY: the file being opened is valid and ours; f_flags is set before
    // open.
    let flags = unsafe { (*file).f_flags };
    // Without `dio` the union has no direct I/O: aufs refuses O_DIRECT
    // opens (EINVAL), before anything is copied up.
    if flags & b::O_DIRECT != 0 && !union.dio {
        return Err(EINVAL);
    }
    let writer = flags & b::O_ACCMODE != b::O_RDONLY || flags & b::O_TRUNC != 0;
    // SAFETY: the dentry the file is opened on is pinned by it and has info.
    let dentry = unsafe { UnionDentry::borrowed(file_dentry(file)) };
    // A reader copies up too where the file's branch says so (`coo_reg`).
    if writer || union.copy_on_open(&dentry, true, false)?.is_some() {
        // SAFETY: as open_copy_locked needs (see above).
        return unsafe { open_copy_locked(file, union, writer) };
    }
    // SAFETY: `file` is being opened, as open_where_it_is needs.
    unsafe { open_where_it_is(file, union, &dentry) }
}

/// The state of `file` opened on the top object of `dentry`, its dentry.
///
/// # Safety
///
/// `file` must be a file being opened on `dentry`, of `union`.
unsafe fn open_where_it_is(
    file: *mut b::file,
    union: &Union,
    dentry: &UnionDentry<'_>,
) -> Result<Pin<KBox<OpenFile>>> {
    let info = dentry.current_info(union)?;
    let top = info.top().ok_or(ENOENT)?;
    // SAFETY: `file` is being opened, as open_backing needs; `top` is of the
    // current generation.
    open_state(unsafe { open_backing(file, union, top) }?)
}

/// The state of an open file on `real`.
fn open_state(real: Backing) -> Result<Pin<KBox<OpenFile>>> {
    KBox::pin_init(pin_init!(OpenFile { real <- new_mutex!(real) }), GFP_KERNEL)
}

/// Copies the file being opened for writing (`writer`), or by a reader
/// where its branch's `coo_*`/`moo` attribute says so, up under the union
/// inode's lock, which serialises it against other openers' copy-ups and
/// against namespace and attribute changes (the VFS holds that lock for
/// them), and opens the copy: the writer must open exactly this object,
/// which its writes then reach whatever other openers do. An open that
/// fails after the copy-up undoes it, still under the lock (no other opener
/// found it); a move-up (`moo`) removes the original only after the open.
///
/// # Safety
///
/// `file` must be an aufs regular file being opened.
unsafe fn open_copy_locked(
    file: *mut b::file,
    union: &Union,
    writer: bool,
) -> Result<Pin<KBox<OpenFile>>> {
    // SAFETY: the file being opened pins its inode and dentry.
    let (inode, dentry) = unsafe { ((*file).f_inode, file_dentry(file)) };
    let open_copy = || {
        let mut undo = Undo::new(union);
        // SAFETY: `dentry` is pinned by the file being opened.
        let union_dentry = unsafe { UnionDentry::borrowed(dentry) };
        let Some(copy) = union.copy_on_open(&union_dentry, true, writer)? else {
            // A reader whose file another opener copied up meanwhile.
            // SAFETY: `file` is being opened on `dentry`.
            return unsafe { open_where_it_is(file, union, &union_dentry) };
        };
        let wbr = copy.branch;
        let state = copy_up(union, &union_dentry, wbr, &mut undo)
            // SAFETY: `file` is being opened.
            .and_then(|copy| unsafe { open_backing(file, union, &Lower::new(union, wbr, copy)) })
            .and_then(open_state)?;
        copy.finish(union);
        undo.keep();
        // SAFETY: the inode is locked and `dentry` an aufs dentry of it.
        unsafe { refresh_inode(inode, dentry) };
        Ok(state)
    };
    // SAFETY: `open` is called without the inode lock held.
    unsafe { with_inode_locked(file, open_copy) }
}

/// `file_operations.release`.
///
/// # Safety
///
/// Called by the VFS once, when the last reference to `file` goes.
unsafe extern "C" fn release(_inode: *mut b::inode, file: *mut b::file) -> ffi::c_int {
    // SAFETY: private_data is the Pin<KBox<OpenFile>> from `open`'s
    // into_foreign; nobody uses it now.
    drop(unsafe { <Pin<KBox<OpenFile>>>::from_foreign((*file).private_data) });
    0
}

/// `file_operations.read_iter`.
///
/// # Safety
///
/// Called by the VFS with a valid kiocb on an open aufs file.
unsafe extern "C" fn read_iter(iocb: *mut b::kiocb, iter: *mut b::iov_iter) -> isize {
    // SAFETY: `iocb` is valid and its file is an open aufs file.
    let file = unsafe { (*iocb).ki_filp };
    from_result(|| {
        // SAFETY: the kiocb's file is an open aufs regular file.
        let (real, mut ctx) = unsafe { real_file(file) }?;
        // SAFETY: `real` is a referenced backing file; the helper checks its
        // mode and does the read as `ctx.cred`.
        Ok(unsafe {
            b::backing_file_read_iter(real.as_raw(), iter, iocb, (*iocb).ki_flags, &mut ctx)
        })
    })
}

/// `file_operations.write_iter`, under the union inode lock as overlayfs.
///
/// # Safety
///
/// Called by the VFS with a valid kiocb on an aufs file open for write.
unsafe extern "C" fn write_iter(iocb: *mut b::kiocb, iter: *mut b::iov_iter) -> isize {
    // SAFETY: `iocb` is valid and its file is an open aufs file.
    let file = unsafe { (*iocb).ki_filp };
    from_result(|| {
        // SAFETY: the kiocb's file is an open aufs regular file.
        let (real, mut ctx) = unsafe { real_file(file) }?;
        let blocks = real.blocks();
        // SAFETY: the VFS calls write_iter without the inode lock; the
        // helper writes as `ctx.cred` and calls end_write.
        let ret = unsafe {
            with_inode_locked(file, || {
                b::backing_file_write_iter(real.as_raw(), iter, iocb, (*iocb).ki_flags, &mut ctx)
            })
        };
        // SAFETY: `file` is an open aufs regular file.
        unsafe { fhsm_wrote(file, blocks, ret) };
        Ok(ret)
    })
}

/// The blocks the backing file of `file` takes now.
///
/// # Safety
///
/// `file` must be an aufs regular file between `open` and `release`.
unsafe fn backing_blocks(file: *mut b::file) -> u64 {
    // SAFETY: `open` stored an OpenFile in private_data (caller's guarantee).
    let state = unsafe { <Pin<KBox<OpenFile>>>::borrow((*file).private_data) };
    let real = state.get_ref().real.lock();
    real.file.blocks()
}

/// After a write through `file` that returned `ret`: FHSM hears of it,
/// at once if the branch file took new blocks (`blocks` before).
///
/// # Safety
///
/// `file` must be an aufs regular file between `open` and `release`.
unsafe fn fhsm_wrote(file: *mut b::file, blocks: u64, ret: isize) {
    if ret <= 0 {
        return;
    }
    // SAFETY: `open` stored an OpenFile in private_data (caller's guarantee).
    let state = unsafe { <Pin<KBox<OpenFile>>>::borrow((*file).private_data) };
    let (brid, grew) = {
        let real = state.get_ref().real.lock();
        (real.brid, real.file.blocks() > blocks)
    };
    // SAFETY: an open file pins its superblock.
    let union = unsafe { union_of((*(*file).f_inode).i_sb) };
    union.fhsm.wrote(&union, brid, grew);
}

/// Runs `io` on the backing file of `file` with a synchronous kiocb at
/// `*ppos` (the VFS's init_sync_kiocb) and the backing_file context, then
/// stores the position it reached back in `*ppos`.
///
/// # Safety
///
/// `file` must be an open aufs regular file and `ppos` valid.
unsafe fn with_backing_iocb(
    file: *mut b::file,
    ppos: *mut i64,
    io: impl FnOnce(*mut b::file, &mut b::kiocb, &mut b::backing_file_ctx) -> isize,
) -> isize {
    from_result(|| {
        // SAFETY: `file` is an open aufs file.
        let (real, mut ctx) = unsafe { real_file(file) }?;
        // SAFETY: all-zero is a valid kiocb, completed by the helper.
        let mut iocb: b::kiocb = unsafe { core::mem::zeroed() };
        // SAFETY: `file` is open and `ppos` valid (see above).
        unsafe {
            b::aufs_init_sync_kiocb(&mut iocb, file);
            iocb.ki_pos = *ppos;
        }
        let ret = io(real.as_raw(), &mut iocb, &mut ctx);
        // SAFETY: `ppos` is valid (see above).
        unsafe { *ppos = iocb.ki_pos };
        Ok(ret)
    })
}

/// Runs `f` with the union inode of `file` locked for writing: it
/// serialises writers and position updates as in a plain filesystem.
///
/// # Safety
///
/// `file` must be an open aufs file, and the caller must not hold its
/// inode's lock.
unsafe fn with_inode_locked<R>(file: *mut b::file, f: impl FnOnce() -> R) -> R {
    // SAFETY: an open file pins its inode; the lock is released below.
    let inode = unsafe { (*file).f_inode };
    // SAFETY: the open file pins `inode`; the caller does not hold its
    // lock, so taking it cannot deadlock on ourselves.
    unsafe { b::down_write(&mut (*inode).i_rwsem) };
    let ret = f();
    // SAFETY: taken above.
    unsafe { b::up_write(&mut (*inode).i_rwsem) };
    ret
}

/// `file_operations.splice_read` (also what sendfile uses).
///
/// # Safety
///
/// Called by the VFS with an open aufs file, a valid position and pipe.
unsafe extern "C" fn splice_read(
    file: *mut b::file,
    ppos: *mut i64,
    pipe: *mut b::pipe_inode_info,
    len: usize,
    flags: u32,
) -> isize {
    let io = |real, iocb: &mut b::kiocb, ctx: &mut b::backing_file_ctx| {
        // SAFETY: `real` is a referenced backing file, `iocb` ours, `pipe`
        // the VFS's.
        unsafe { b::backing_file_splice_read(real, iocb, pipe, len, flags, ctx) }
    };
    // SAFETY: the VFS passes an open aufs file and a valid position.
    unsafe { with_backing_iocb(file, ppos, io) }
}

/// `file_operations.splice_write`, under the union inode lock.
///
/// # Safety
///
/// Called by the VFS with a pipe, an aufs file open for write and a position.
unsafe extern "C" fn splice_write(
    pipe: *mut b::pipe_inode_info,
    file: *mut b::file,
    ppos: *mut i64,
    len: usize,
    flags: u32,
) -> isize {
    let io = |real, iocb: &mut b::kiocb, ctx: &mut b::backing_file_ctx| {
        // SAFETY: `file` is open and its inode unlocked (see below); `real`
        // is a referenced backing file, `iocb` ours, `pipe` the VFS's.
        unsafe {
            with_inode_locked(file, || {
                b::backing_file_splice_write(pipe, real, iocb, len, flags, ctx)
            })
        }
    };
    // SAFETY: the VFS passes an open aufs regular file.
    let blocks = unsafe { backing_blocks(file) };
    // SAFETY: the VFS passes an open aufs file, its inode unlocked, and a
    // valid position.
    let ret = unsafe { with_backing_iocb(file, ppos, io) };
    // SAFETY: as above.
    unsafe { fhsm_wrote(file, blocks, ret) };
    ret
}

/// `file_operations.mmap`: maps the branch file. It runs under `mmap_lock`,
/// so it neither looks names up on the branches nor uses xino: elsewhere
/// their locks are held when a page fault takes `mmap_lock` (lock order).
///
/// # Safety
///
/// Called by the VFS with an open aufs file and a new vma.
unsafe extern "C" fn mmap(file: *mut b::file, vma: *mut b::vm_area_struct) -> ffi::c_int {
    from_result(|| {
        // SAFETY: `file` is an open aufs file.
        let (real, mut ctx) = unsafe { real_file_as(file, Refresh::Stored) }?;
        let mapped = MappedFile::new(&real);
        // SAFETY: the helper replaces vma->vm_file with (a reference to) the
        // backing file.
        let ret = unsafe { b::backing_file_mmap(real.as_raw(), vma, &mut ctx) };
        if ret == 0 {
            // SAFETY: `open` stored an OpenFile in private_data.
            let state = unsafe { <Pin<KBox<OpenFile>>>::borrow((*file).private_data) };
            // Best effort: without it a `del` of the branch misses this mapping.
            let _ = state.real.lock().pin.add_mapping(mapped);
        }
        Ok(ret)
    })
}

/// `file_operations.fsync` of files and dirs ([`dir_file::sync_dir`]).
///
/// # Safety
///
/// Called by the VFS with an open aufs file or dir.
pub(super) unsafe extern "C" fn fsync(
    file: *mut b::file,
    _start: i64,
    _end: i64,
    datasync: ffi::c_int,
) -> ffi::c_int {
    // SAFETY: an open file pins its inode.
    let mode = u32::from(unsafe { (*(*file).f_inode).i_mode });
    from_result(|| {
        if mode & b::S_IFMT == b::S_IFDIR {
            // SAFETY: `file` is an open aufs dir.
            unsafe { dir_file::sync_dir(file, datasync != 0) }?;
        } else {
            // SAFETY: `file` is an open aufs regular file.
            unsafe { sync_file(file, datasync != 0) }?;
        }
        Ok(0)
    })
}

/// Syncs the backing file when it is on the mount of a writable branch, as
/// overlayfs syncs only its upper file. A file only on read-only branches
/// has nothing of the union's to write back: success (squashfs, say, has no
/// fsync at all and would say EINVAL).
///
/// # Safety
///
/// `file` must be an open aufs regular file.
unsafe fn sync_file(file: *mut b::file, datasync: bool) -> Result {
    // SAFETY: `file` is an open aufs file.
    let (real, _) = unsafe { real_file(file) }?;
    // SAFETY: an open file pins its inode and superblock.
    let mount = unsafe { mount_of_file(file) };
    // The generation is borrowed for the check only: a remount waits for
    // its borrowers, and a sync may take long.
    let writable = mount
        .current()
        .branches
        .iter()
        .any(|br| br.perm.is_writable() && br.root.holds_file(&real));
    if !writable {
        return Ok(());
    }
    let _mounter = CredGuard::new(mount.cred());
    // SAFETY: `real` is a referenced backing file.
    to_result(unsafe { b::vfs_fsync(real.as_raw(), i32::from(datasync)) })
}

/// `file_operations.llseek`: seeks the backing file (SEEK_DATA/SEEK_HOLE are
/// the branch filesystem's), keeping both positions in step under the aufs
/// inode lock as overlayfs does.
///
/// # Safety
///
/// Called by the VFS with an open aufs file.
unsafe extern "C" fn llseek(file: *mut b::file, offset: i64, whence: ffi::c_int) -> i64 {
    from_result(|| {
        // SAFETY: `file` is an open aufs file.
        let (real, _) = unsafe { real_file(file) }?;
        // SAFETY: `file` is open and the VFS calls llseek without its inode
        // lock, which serialises position updates between the two files.
        Ok(unsafe {
            with_inode_locked(file, || {
                (*real.as_raw()).f_pos = (*file).f_pos;
                let ret = {
                    let _mounter = CredGuard::new(mount_of_file(file).cred());
                    b::vfs_llseek(real.as_raw(), offset, whence)
                };
                (*file).f_pos = (*real.as_raw()).f_pos;
                ret
            })
        })
    })
}
