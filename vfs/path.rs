// SPDX-License-Identifier: GPL-2.0

//! Owned handles on branch objects: [`Path`] (a dentry plus its mount), the
//! mounter-credentials guard, and directory iteration of a branch dir.

use super::bindings as b;
use core::{ffi::CStr, marker::PhantomData, ptr::NonNull};
use kernel::{
    cred::Credential,
    error::{code::*, from_err_ptr, to_result, Error},
    prelude::*,
    str::CString,
    sync::aref::ARef,
};

/// An owned `struct path` on a branch: one reference on the mount and one on
/// the dentry, dropped together. Always positive: a lookup that can miss
/// returns `Option<Path>`, so the inode accessors never meet a null inode.
///
/// # Invariants
///
/// `raw.mnt` and `raw.dentry` are valid, and this value owns one reference to
/// each (taken by `path_get`, `kern_path` or a lookup). The dentry is
/// positive, and stays so while referenced: the VFS turns a dentry negative
/// on removal (d_delete) only when the remover holds its only reference.
pub(crate) struct Path {
    raw: b::path,
}

// SAFETY: a `struct path` is only a pair of counted references; both the mount
// and the dentry may be used and released from any thread.
unsafe impl Send for Path {}
// SAFETY: every method taking `&self` only reads the pointers or calls VFS
// functions that are safe to call concurrently on the same path.
unsafe impl Sync for Path {}

/// An inode's identity without a reference to it ([`Path::inode_id`]).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct InodeId {
    fs: usize,
    ino: u64,
    generation: u32,
}

impl Path {
    /// Resolves `name` like a user path (relative to the caller's cwd,
    /// following symlinks) and requires a directory.
    pub(crate) fn lookup_dir(name: &CStr) -> Result<Self> {
        let mut raw = b::path {
            mnt: core::ptr::null_mut(),
            dentry: core::ptr::null_mut(),
        };
        let flags = b::AUFS_LOOKUP_FOLLOW | b::AUFS_LOOKUP_DIRECTORY;
        // SAFETY: `name` is NUL-terminated and `raw` is a valid out-parameter.
        to_result(unsafe { b::kern_path(name.as_char_ptr(), flags, &mut raw) })?;
        // INVARIANT: kern_path returned 0, so `raw` holds one reference to
        // each; with LOOKUP_DIRECTORY the dentry is a dir (d_can_lookup), so
        // positive.
        Ok(Path { raw })
    }

    /// Takes new references on an existing path.
    ///
    /// # Safety
    ///
    /// `raw` must point to a valid, positive `struct path` whose references
    /// are held for the duration of the call.
    unsafe fn from_raw_get(raw: *const b::path) -> Self {
        // SAFETY: the caller guarantees `raw` is valid; path_get takes one
        // reference on each member, which the new value owns.
        unsafe { b::path_get(raw) };
        // SAFETY: as above, `raw` is valid for reads.
        let raw = unsafe { *raw };
        // INVARIANT: path_get took the references this value owns; the
        // dentry is positive (the caller's guarantee).
        Path { raw }
    }

    /// A path on the same mount for `dentry`, whose reference it takes over;
    /// None (the reference dropped) when the dentry is negative.
    ///
    /// # Safety
    ///
    /// `dentry` must be a dentry on this path's mount, and the caller must
    /// own one reference to it, which the new path then owns.
    pub(crate) unsafe fn with_dentry(&self, dentry: *mut b::dentry) -> Option<Path> {
        // SAFETY: the caller's reference pins `dentry`; a positive dentry
        // stays positive while referenced (see the invariant).
        if unsafe { (*dentry).d_inode }.is_null() {
            // SAFETY: we drop the reference the caller handed over.
            unsafe { b::dput(dentry) };
            return None;
        }
        // SAFETY: the mount is valid by the invariant; mntget takes the
        // reference the new path owns.
        let mnt = unsafe { b::mntget(self.raw.mnt) };
        // INVARIANT: the caller handed us one reference to a positive dentry
        // (checked above), mntget the mount's.
        Some(Path {
            raw: b::path { mnt, dentry },
        })
    }

    /// Another reference to the same path.
    pub(crate) fn clone_ref(&self) -> Self {
        // SAFETY: `self.raw` is valid and positive and its references are
        // held by `self` for the duration of the call.
        unsafe { Self::from_raw_get(&self.raw) }
    }

    /// The raw `struct path`, valid while `self` lives.
    pub(crate) fn as_raw(&self) -> *const b::path {
        &self.raw
    }

    /// The dentry, valid while `self` lives.
    pub(crate) fn dentry(&self) -> *mut b::dentry {
        self.raw.dentry
    }

    /// The inode of the dentry (never null: the path is positive), pinned
    /// while `self` lives.
    pub(crate) fn inode(&self) -> *mut b::inode {
        // SAFETY: by the invariant the dentry is valid and positive; its
        // inode does not change while we hold a reference.
        unsafe { (*self.raw.dentry).d_inode }
    }

    /// The inode's change time (seconds, nanoseconds; without the
    /// "queried" flag of multigrain filesystems, as `inode_get_ctime`): it
    /// changes with every change of its attributes (mode, owner, ...) or
    /// data.
    pub(crate) fn ctime(&self) -> (i64, u32) {
        let inode = self.inode();
        // SAFETY: `inode` is pinned by our dentry reference; a concurrent
        // change may tear the pair, which only means one more revalidation.
        unsafe {
            (
                core::ptr::read_volatile(&raw const (*inode).i_ctime_sec),
                core::ptr::read_volatile(&raw const (*inode).i_ctime_nsec)
                    & !b::AUFS_I_CTIME_QUERIED,
            )
        }
    }

    /// A summary of the inode's modification time and size: for a dir it
    /// changes whenever an entry is added or removed.
    pub(crate) fn change_stamp(&self) -> u64 {
        let inode = self.inode();
        // SAFETY: `inode` is pinned by our dentry reference; the fields may
        // change under us (a branch is changed directly), hence the volatile
        // reads, which tolerate a concurrent writer (a torn value only means
        // one more revalidation).
        let (sec, nsec, size, version) = unsafe {
            (
                core::ptr::read_volatile(&raw const (*inode).i_mtime_sec) as u64,
                u64::from(core::ptr::read_volatile(&raw const (*inode).i_mtime_nsec)),
                core::ptr::read_volatile(&raw const (*inode).i_size) as u64,
                core::ptr::read_volatile(&raw const (*inode).i_version.counter) as u64,
            )
        };
        // i_version counts every change on filesystems that keep it (tmpfs,
        // ext4, xfs, btrfs), also two within one clock tick; bit 0 is its
        // "queried" flag, not a change.
        sec.rotate_left(32) ^ nsec ^ size.rotate_left(17) ^ (version >> 1).rotate_left(47)
    }

    /// True when the filesystem of this dir hashes or compares names its
    /// own way (case-insensitive ones): a lookup may then find an entry
    /// under a name that its readdir spells otherwise.
    pub(crate) fn has_own_name_ops(&self) -> bool {
        let mask = b::dentry_flags_DCACHE_OP_HASH | b::dentry_flags_DCACHE_OP_COMPARE;
        // SAFETY: the dentry is valid by the invariant; its d_op flags are
        // set when it is made (from the superblock's default ops, which its
        // children get too) and read racily as the dcache itself does.
        let flags = unsafe { core::ptr::read_volatile(&raw const (*self.raw.dentry).d_flags) };
        flags & mask != 0
    }

    /// True when the object was removed from its branch (its dentry is
    /// unhashed) since it was looked up.
    pub(crate) fn is_gone(&self) -> bool {
        let dentry = self.raw.dentry;
        // SAFETY: the dentry is valid by the invariant; d_parent and the hash
        // link are read as the kernel's d_unhashed/IS_ROOT do, racily.
        unsafe {
            let is_root = core::ptr::eq((*dentry).d_parent, dentry);
            let unhashed = core::ptr::read_volatile(&raw const (*dentry).d_hash.pprev).is_null();
            unhashed && !is_root
        }
    }

    /// The mode bits of the inode.
    pub(crate) fn mode(&self) -> u32 {
        // SAFETY: the path is positive (invariant); the inode is pinned.
        u32::from(unsafe { (*self.inode()).i_mode })
    }

    /// The inode number on the branch.
    pub(crate) fn ino(&self) -> u64 {
        // SAFETY: the path is positive (invariant); the inode is pinned.
        unsafe { (*self.inode()).i_ino }
    }

    /// The link count.
    pub(crate) fn nlink(&self) -> u32 {
        // SAFETY: the path is positive (invariant); the inode is pinned.
        unsafe { (*self.inode()).__bindgen_anon_1.i_nlink }
    }

    /// The device number of a device node.
    pub(crate) fn rdev(&self) -> u32 {
        // SAFETY: the path is positive (invariant); the inode is pinned.
        unsafe { (*self.inode()).i_rdev }
    }

    /// The file size.
    pub(crate) fn size(&self) -> u64 {
        // SAFETY: the path is positive (invariant); the inode is pinned.
        unsafe { (*self.inode()).i_size as u64 }
    }

    /// Owner, mode and times, as copy-up needs them.
    pub(crate) fn attributes(&self) -> Attributes {
        // SAFETY: the path is positive (invariant); the inode is pinned.
        let inode = unsafe { &*self.inode() };
        Attributes {
            uid: inode.i_uid.val,
            gid: inode.i_gid.val,
            mode: inode.i_mode & 0o7777,
            atime: (inode.i_atime_sec, inode.i_atime_nsec),
            mtime: (inode.i_mtime_sec, inode.i_mtime_nsec),
        }
    }

    /// The access bits among `MAY_EXEC` (1), `MAY_WRITE` (2) and `MAY_READ`
    /// (4) that the inode's mode grants to every caller: those its owner,
    /// group and other bits all grant, when no POSIX ACL and no `permission`
    /// operation of its filesystem can say otherwise (0 when one might: an
    /// ACL, an ACL not read yet, a filesystem's own check). For those bits
    /// `inode_permission` decides without looking at the caller (the "common
    /// cheap case" of the kernel's acl_permission_check), except for what an
    /// LSM's inode_permission hook adds.
    pub(crate) fn granted_to_all(&self) -> u8 {
        let inode = self.inode();
        // SAFETY: the path is positive (invariant), the inode is pinned and so
        // are its superblock and operations table; i_mode and i_acl may
        // change under us (chmod, setfacl on the branch), hence volatile
        // reads: the result is what they were at one moment.
        let (mode, acl, posix_acl, own_check) = unsafe {
            let ops = (*inode).i_op;
            (
                u32::from(core::ptr::read_volatile(&raw const (*inode).i_mode)),
                core::ptr::read_volatile(&raw const (*inode).i_acl),
                (*(*inode).i_sb).s_flags & b::AUFS_SB_POSIXACL != 0,
                !ops.is_null() && (*ops).permission.is_some(),
            )
        };
        if own_check || (posix_acl && !acl.is_null()) {
            return 0;
        }
        (mode & (mode >> 3) & (mode >> 6) & 7) as u8
    }

    /// True when the dentry is a directory.
    pub(crate) fn is_dir(&self) -> bool {
        self.mode() & b::S_IFMT == b::S_IFDIR
    }

    /// Writes the absolute path (as /proc/mounts would show it).
    pub(crate) fn write_path(&self, out: &mut dyn core::fmt::Write) -> core::fmt::Result {
        let mut buf = KVec::<u8>::new();
        buf.resize(b::PATH_MAX as usize, 0, GFP_KERNEL)
            .map_err(|_| core::fmt::Error)?;
        // SAFETY: the path is live; d_path writes into `buf` (at its end) and
        // returns a pointer into it, or an error pointer.
        let start = unsafe { b::d_path(&self.raw, buf.as_mut_ptr(), buf.len() as i32) };
        let start = from_err_ptr(start).map_err(|_| core::fmt::Error)?;
        let offset = (start as usize).wrapping_sub(buf.as_ptr() as usize);
        let text = buf.get(offset..).ok_or(core::fmt::Error)?;
        let text = text.split(|&c| c == 0).next().unwrap_or(&[]);
        out.write_str(core::str::from_utf8(text).map_err(|_| core::fmt::Error)?)
    }

    /// True when this path is `other` or lies below it (on the same
    /// filesystem; mounts are not crossed).
    pub(crate) fn is_within(&self, other: &Path) -> bool {
        // SAFETY: both dentries are pinned by their paths.
        unsafe { b::is_subdir(self.dentry(), other.dentry()) }
    }

    /// How many filesystems are stacked under the path's own (its
    /// superblock's `s_stack_depth`).
    pub(crate) fn stack_depth(&self) -> i32 {
        // SAFETY: the dentry is pinned, and with it its superblock.
        unsafe { (*(*self.dentry()).d_sb).s_stack_depth }
    }

    /// The absolute path as text, for a message. Rendered before logging:
    /// the log formats with interrupts off, where resolving a path may not
    /// allocate.
    pub(crate) fn to_text(&self) -> Result<CString> {
        struct Text(KVec<u8>);
        impl core::fmt::Write for Text {
            fn write_str(&mut self, s: &str) -> core::fmt::Result {
                self.0
                    .extend_from_slice(s.as_bytes(), GFP_KERNEL)
                    .map_err(|_| core::fmt::Error)
            }
        }
        let mut text = Text(KVec::new());
        self.write_path(&mut text).map_err(|_| ENOMEM)?;
        let text = core::str::from_utf8(&text.0).unwrap_or("?");
        CString::try_from_fmt(fmt!("{text}"))
    }

    /// True when the path lives on an aufs mount.
    pub(crate) fn is_on_aufs(&self) -> bool {
        // SAFETY: the dentry is pinned by the path (invariant), and with it
        // its superblock.
        unsafe { super::fs_type::is_aufs_sb((*self.dentry()).d_sb) }
    }

    /// True when the path's filesystem keeps its files on a local block
    /// device or in memory (tmpfs, ramfs); false for network and FUSE
    /// filesystems, and others without a device.
    pub(crate) fn fs_is_local(&self) -> bool {
        // SAFETY: the dentry is pinned (invariant), and with it its
        // superblock, whose type and magic never change while it lives.
        let (flags, magic) = unsafe {
            let sb = (*self.dentry()).d_sb;
            ((*(*sb).s_type).fs_flags, (*sb).s_magic)
        };
        flags & b::AUFS_FS_REQUIRES_DEV != 0
            || magic == b::AUFS_TMPFS_MAGIC
            || magic == b::AUFS_RAMFS_MAGIC
    }

    /// The superblock of the path, as an identity (never dereferenced by the
    /// logic): branches on one filesystem share one xino file.
    pub(crate) fn fs_id(&self) -> usize {
        // SAFETY: the dentry is pinned.
        unsafe { (*self.dentry()).d_sb as usize }
    }

    /// Who the inode is, as a value that outlives the reference: its
    /// filesystem, number and generation (what an NFS file handle names);
    /// a later inode of that filesystem with the same number has another
    /// generation on the filesystems that reuse numbers.
    pub(crate) fn inode_id(&self) -> InodeId {
        // SAFETY: the path is positive (invariant); the inode is pinned.
        let generation = unsafe { (*self.inode()).i_generation };
        InodeId {
            fs: self.fs_id(),
            ino: self.ino(),
            generation,
        }
    }

    /// The device number (`s_dev`) of the path's filesystem.
    pub(crate) fn dev(&self) -> u32 {
        // SAFETY: the dentry is pinned, and with it its superblock, whose
        // s_dev is set at mount and never changes.
        unsafe { (*(*self.dentry()).d_sb).s_dev }
    }

    /// True when `file` was opened on this path's mount (a backing file's
    /// `f_path` is its branch path).
    pub(crate) fn holds_file(&self, file: &super::RealFile) -> bool {
        // SAFETY: a RealFile is an open file (its invariant), which pins its
        // path; f_path sits in an anonymous union.
        let mnt = unsafe { (*file.as_raw()).__bindgen_anon_1.f_path.mnt };
        core::ptr::eq(mnt, self.raw.mnt)
    }

    /// The statfs numbers of the path's filesystem (as the current
    /// credentials).
    pub(crate) fn statfs(&self) -> Result<super::StatFs> {
        // SAFETY: kstatfs is plain data; all zeroes is a valid value.
        let mut buf: b::kstatfs = unsafe { core::mem::zeroed() };
        // SAFETY: the path is valid (invariant); `buf` is ours to fill.
        to_result(unsafe { b::vfs_statfs(self.as_raw(), &mut buf) })?;
        Ok(buf)
    }

    /// Writes back the whole filesystem of the path and waits, as syncfs(2).
    pub(crate) fn sync_filesystem(&self) -> Result {
        // SAFETY: the path pins its mount and so the superblock's activity;
        // sync_filesystem requires s_umount held, shared is enough (as
        // syncfs). The branch is never an aufs mount (refused at mount), so
        // this s_umount is of another lock class than the union's.
        to_result(unsafe {
            let sb = (*self.dentry()).d_sb;
            b::down_read(&raw mut (*sb).s_umount);
            let ret = b::sync_filesystem(sb);
            b::up_read(&raw mut (*sb).s_umount);
            ret
        })
    }

    /// The id mapping of the branch mount.
    fn idmap(&self) -> *mut b::mnt_idmap {
        // SAFETY: the mount is valid by the invariant; `mnt_idmap` is a static
        // inline that only does this READ_ONCE.
        unsafe { core::ptr::read_volatile(&(*self.raw.mnt).mnt_idmap) }
    }

    /// Looks `name` up in this directory with the current credentials (the
    /// caller has overridden them with the mounter's): None when there is
    /// no such entry.
    pub(crate) fn lookup_child(&self, name: &[u8]) -> Result<Option<Path>> {
        let len = u32::try_from(name.len()).map_err(|_| ENAMETOOLONG)?;
        let mut qstr = b::qstr {
            __bindgen_anon_1: b::qstr__bindgen_ty_1 {
                __bindgen_anon_1: b::qstr__bindgen_ty_1__bindgen_ty_1 { hash: 0, len },
            },
            name: name.as_ptr(),
        };
        // SAFETY: `qstr` points to `name`, alive for the call; the base dentry
        // is valid by the invariant and lookup_one_unlocked takes its lock.
        let dentry = from_err_ptr(unsafe {
            b::lookup_one_unlocked(self.idmap(), &mut qstr, self.dentry())
        })?;
        // SAFETY: the lookup returned one reference to a dentry of this
        // dir, on this path's mount, which with_dentry takes over.
        Ok(unsafe { self.with_dentry(dentry) })
    }

    /// EACCES (or EROFS) unless the current credentials may read and
    /// search this dir, and with `write` also change it.
    pub(crate) fn check_access(&self, write: bool) -> Result {
        let mut mask = b::MAY_READ | b::MAY_EXEC;
        if write {
            mask |= b::MAY_WRITE;
        }
        // SAFETY: the inode is pinned by the path (invariant); branch mounts
        // are not id-mapped, so the nop mapping applies.
        to_result(unsafe {
            b::inode_permission(&raw mut b::nop_mnt_idmap, self.inode(), mask as i32)
        })
    }

    /// Calls `each(name, ino, d_type)` for every entry of this directory (as the
    /// current credentials, which the caller has set to the mounter's).
    pub(crate) fn read_dir(&self, each: &mut dyn FnMut(&[u8], u64, u8) -> Result) -> Result {
        let file = LowerFile::open(self, b::O_RDONLY | b::O_DIRECTORY)?;
        let mut walker = DirWalker {
            ctx: b::dir_context {
                actor: Some(dir_actor),
                pos: 0,
                count: 0,
                dt_flags_mask: 0,
            },
            each,
            result: Ok(()),
        };
        // SAFETY: `file` is an open directory and `walker.ctx` is the first
        // field of `walker`, which outlives the call, so `dir_actor` may
        // recover the walker from the context pointer.
        let ret = unsafe { b::iterate_dir(file.as_raw(), &mut walker.ctx) };
        walker.result?;
        to_result(ret)
    }
}

impl Drop for Path {
    fn drop(&mut self) {
        // SAFETY: by the invariant we own one reference on each member.
        unsafe { b::path_put(&self.raw) };
    }
}

/// Owner, mode and times of a branch object.
pub(crate) struct Attributes {
    pub(crate) uid: u32,
    pub(crate) gid: u32,
    /// Permission bits (no file type).
    pub(crate) mode: u16,
    pub(crate) atime: (i64, u32),
    pub(crate) mtime: (i64, u32),
}

/// A `dir_context` plus the closure that receives the entries.
#[repr(C)]
struct DirWalker<'a> {
    ctx: b::dir_context,
    each: &'a mut dyn FnMut(&[u8], u64, u8) -> Result,
    result: Result,
}

/// `filldir_t` for [`Path::read_dir`].
///
/// # Safety
///
/// `ctx` must be the `ctx` field of a live [`DirWalker`] and `name` must point
/// to `len` readable bytes (iterate_dir guarantees both).
unsafe extern "C" fn dir_actor(
    ctx: *mut b::dir_context,
    name: *const u8,
    len: i32,
    _pos: i64,
    ino: u64,
    dtype: u32,
) -> bool {
    // SAFETY: `ctx` is the first field of a `#[repr(C)]` DirWalker (see the
    // function's safety section), so the cast recovers it.
    let walker = unsafe { &mut *ctx.cast::<DirWalker<'_>>() };
    let Ok(len) = usize::try_from(len) else {
        return false;
    };
    // SAFETY: iterate_dir passes `len` valid bytes at `name`.
    let name = unsafe { core::slice::from_raw_parts(name, len) };
    match (walker.each)(name, ino, dtype as u8) {
        Ok(()) => true,
        Err(e) => {
            walker.result = Err(e);
            false
        }
    }
}

/// A file opened on a branch object for the module's own use (reading a
/// directory), closed on drop.
///
/// # Invariants
///
/// `file` is a valid open file this value holds one reference to.
pub(crate) struct LowerFile {
    file: NonNull<b::file>,
}

impl LowerFile {
    /// Opens `path` with `flags` as the current credentials.
    pub(crate) fn open(path: &Path, flags: u32) -> Result<Self> {
        // SAFETY: current_cred is always valid for the running task.
        let cred = unsafe { b::aufs_current_cred() };
        // SAFETY: `path` is valid while borrowed; dentry_open takes its own
        // references and returns a new file or an error pointer.
        let file = from_err_ptr(unsafe { b::dentry_open(path.as_raw(), flags as i32, cred) })?;
        // INVARIANT: dentry_open succeeded, so `file` is valid and ours.
        Ok(LowerFile {
            file: NonNull::new(file).ok_or(EINVAL)?,
        })
    }

    /// Creates an unnamed regular file (O_TMPFILE) in directory `dir`, as the
    /// current credentials: it never appears in the namespace and is freed
    /// with its last reference.
    pub(crate) fn tmpfile(dir: &Path) -> Result<Self> {
        let mode = (b::S_IFREG | 0o600) as u16;
        let flags = (b::O_RDWR | b::O_LARGEFILE) as i32;
        // SAFETY: current_cred is always valid for the running task.
        let cred = unsafe { b::aufs_current_cred() };
        // SAFETY: `dir` is a live directory path; kernel_tmpfile_open returns a
        // new file or an error pointer.
        let file = from_err_ptr(unsafe {
            b::kernel_tmpfile_open(&raw mut b::nop_mnt_idmap, dir.as_raw(), mode, flags, cred)
        })?;
        // INVARIANT: the open succeeded, so `file` is valid and ours.
        Ok(LowerFile {
            file: NonNull::new(file).ok_or(EINVAL)?,
        })
    }

    /// Writes the file (`datasync`: its data and what is needed to read it
    /// back) to stable storage, as fsync(2)/fdatasync(2).
    pub(crate) fn sync(&self, datasync: bool) -> Result {
        // SAFETY: the file is open (invariant).
        to_result(unsafe { b::vfs_fsync(self.as_raw(), i32::from(datasync)) })
    }

    /// The start of the first data range at or after `pos`, None at the end.
    pub(crate) fn seek_data(&self, pos: u64) -> Result<Option<u64>> {
        match self.seek(pos, b::SEEK_DATA) {
            Err(e) if e == ENXIO => Ok(None),
            other => other.map(Some),
        }
    }

    /// The start of the first hole at or after `pos` (the size at the end).
    pub(crate) fn seek_hole(&self, pos: u64) -> Result<u64> {
        self.seek(pos, b::SEEK_HOLE)
    }

    fn seek(&self, pos: u64, whence: u32) -> Result<u64> {
        let pos = i64::try_from(pos).map_err(|_| EFBIG)?;
        // SAFETY: the file is open (invariant).
        let ret = unsafe { b::vfs_llseek(self.as_raw(), pos, whence as i32) };
        u64::try_from(ret).map_err(|_| Error::from_errno(ret as i32))
    }

    /// Copies the data ranges of this file below `size` to the same offsets in
    /// `to`; holes are skipped, so they stay holes.
    pub(crate) fn copy_data_to(&self, to: &LowerFile, size: u64) -> Result {
        let mut pos = 0;
        while pos < size {
            let Some(start) = self.seek_data(pos)? else {
                break;
            };
            let end = self.seek_hole(start)?.min(size);
            let mut at = start;
            while at < end {
                let n = self.copy_range_to(at, to, at, end - at)?;
                if n == 0 {
                    return Err(EIO);
                }
                at += n;
            }
            pos = end;
        }
        Ok(())
    }

    /// Copies up to `len` bytes at `from` to `to` at `at`: copy_file_range,
    /// which clones or splices as the filesystems allow.
    pub(crate) fn copy_range_to(
        &self,
        from: u64,
        to: &LowerFile,
        at: u64,
        len: u64,
    ) -> Result<u64> {
        let (from, at) = (
            i64::try_from(from).map_err(|_| EFBIG)?,
            i64::try_from(at).map_err(|_| EFBIG)?,
        );
        let len = usize::try_from(len.min(1 << 30)).map_err(|_| EFBIG)?;
        let (src, dst) = (self.as_raw(), to.as_raw());
        let copy = |flags| {
            // SAFETY: both files are open (invariant).
            let n = unsafe { b::vfs_copy_file_range(src, from, dst, at, len, flags) };
            u64::try_from(n).map_err(|_| Error::from_errno(n as i32))
        };
        match copy(0) {
            // Branches on two filesystems: the kernel's in-kernel splice copy.
            Err(e) if e == EXDEV => copy(b::AUFS_COPY_FILE_SPLICE),
            done => done,
        }
    }

    /// Reads up to `buf.len()` bytes at `pos`; returns how many were read.
    pub(crate) fn read_at(&self, buf: &mut [u8], pos: u64) -> Result<usize> {
        let mut pos = i64::try_from(pos).map_err(|_| EFBIG)?;
        let (ptr, len) = (buf.as_mut_ptr().cast(), buf.len());
        // SAFETY: the file is open (invariant) and `buf` is writable for its
        // length.
        let n = unsafe { b::kernel_read(self.as_raw(), ptr, len, &mut pos) };
        usize::try_from(n).map_err(|_| Error::from_errno(n as i32))
    }

    /// Writes all of `buf` at `pos`.
    pub(crate) fn write_at(&self, buf: &[u8], pos: u64) -> Result {
        let mut pos = i64::try_from(pos).map_err(|_| EFBIG)?;
        // SAFETY: the file is open (invariant) and `buf` is readable for its
        // length.
        let n = unsafe { b::kernel_write(self.as_raw(), buf.as_ptr().cast(), buf.len(), &mut pos) };
        match usize::try_from(n) {
            Ok(n) if n == buf.len() => Ok(()),
            Ok(_) => Err(ENOSPC),
            Err(_) => Err(Error::from_errno(n as i32)),
        }
    }

    /// Frees the blocks of `len` bytes at `pos`, keeping the file size (the
    /// range then reads as zeros).
    pub(crate) fn punch_hole(&self, pos: u64, len: u64) -> Result {
        let pos = i64::try_from(pos).map_err(|_| EFBIG)?;
        let len = i64::try_from(len).map_err(|_| EFBIG)?;
        let mode = (b::FALLOC_FL_PUNCH_HOLE | b::FALLOC_FL_KEEP_SIZE) as i32;
        // SAFETY: the file is open (invariant).
        to_result(unsafe { b::vfs_fallocate(self.as_raw(), mode, pos, len) })
    }

    /// The raw file, valid while `self` lives.
    pub(crate) fn as_raw(&self) -> *mut b::file {
        self.file.as_ptr()
    }
}

impl Drop for LowerFile {
    fn drop(&mut self) {
        // SAFETY: by the invariant we own one reference to the file.
        unsafe { b::fput(self.file.as_ptr()) };
    }
}

/// True when `cred` belongs to a user namespace other than the initial one:
/// a mount made with it is a rootless one.
pub(crate) fn in_user_namespace(cred: &Credential) -> bool {
    // SAFETY: `cred` is a valid credential, and its user_ns is set when it
    // is made and never changed.
    let ns = unsafe { (*cred.as_ptr().cast::<b::cred>()).user_ns };
    !core::ptr::eq(ns, &raw mut b::init_user_ns)
}

/// True when the current credentials' user namespace maps the owner
/// `uid`/`gid` (kernel ids): always in the initial namespace.
pub(crate) fn current_maps_owner(uid: u32, gid: u32) -> bool {
    // SAFETY: reads the current task's credentials, valid for the call.
    unsafe { b::aufs_current_maps_owner(uid, gid) }
}

/// True when the calling task has CAP_SYS_ADMIN in the initial user
/// namespace (`capable(CAP_SYS_ADMIN)`, audited as the kernel does).
pub(crate) fn current_is_sys_admin() -> bool {
    // SAFETY: capable() reads the current task's credentials, valid for the
    // call.
    unsafe { b::capable(b::CAP_SYS_ADMIN as i32) }
}

/// Runs the current task with other credentials until dropped: branch
/// operations are done as the mounter, as overlayfs does.
///
/// # Invariants
///
/// `old` is the task's credentials saved by `override_creds`; the guard is
/// dropped on the same task (it is neither `Send` nor `Sync`).
pub(crate) struct CredGuard<'a> {
    old: *const b::cred,
    _cred: PhantomData<&'a Credential>,
}

impl<'a> CredGuard<'a> {
    /// Switches the current task to `cred` until the guard drops.
    pub(crate) fn new(cred: &'a ARef<Credential>) -> Self {
        // SAFETY: `cred` is a valid credential kept alive by the borrow for as
        // long as the guard exists; override_creds only swaps the pointer.
        let old = unsafe { b::aufs_override_creds(cred.as_ptr().cast()) };
        CredGuard {
            old: old.cast(),
            _cred: PhantomData,
        }
    }
}

impl Drop for CredGuard<'_> {
    fn drop(&mut self) {
        // SAFETY: by the invariant `old` is what override_creds returned on
        // this task, and restoring it ends the override.
        unsafe { b::aufs_revert_creds(self.old.cast()) };
    }
}
