// SPDX-License-Identifier: GPL-2.0

//! Handles on branch files opened for the union: a counted backing file
//! ([`RealFile`]) and the branch inode of an mmapped one ([`MappedFile`]).

use super::bindings as b;

/// An owned reference to a backing file.
///
/// # Invariants
///
/// `0` is a valid file this value holds one reference to.
pub(crate) struct RealFile(*mut b::file);

// SAFETY: a file reference may be used and dropped on any thread.
unsafe impl Send for RealFile {}

impl RealFile {
    /// Takes over a file reference.
    ///
    /// # Safety
    ///
    /// `file` must be a valid file the caller owns one reference to, which
    /// the new value then owns.
    pub(crate) unsafe fn from_raw_owned(file: *mut b::file) -> Self {
        // INVARIANT: as the caller guarantees.
        RealFile(file)
    }

    /// The raw file, valid while `self` lives.
    pub(crate) fn as_raw(&self) -> *mut b::file {
        self.0
    }

    /// Another reference to the same file.
    pub(crate) fn get(&self) -> RealFile {
        // SAFETY: the file is valid (invariant); get_file takes a reference.
        RealFile(unsafe { b::get_file(self.0) })
    }

    /// True when the branch file can do direct I/O (FMODE_CAN_ODIRECT).
    pub(crate) fn can_direct_io(&self) -> bool {
        // SAFETY: the file is valid (invariant); f_mode is fixed after open.
        unsafe { (*self.0).f_mode & b::AUFS_FMODE_CAN_ODIRECT != 0 }
    }

    /// Gives the file the flags of `flags` that fcntl(F_SETFL) may change
    /// (O_APPEND, O_NONBLOCK, O_DIRECT), as the union file has them now.
    pub(crate) fn follow_setfl_flags(&self, flags: u32) {
        const SETFL: u32 = b::O_APPEND | b::O_NONBLOCK | b::O_NDELAY | b::O_DIRECT;
        // SAFETY: the file is valid (invariant); f_flags is read racily as
        // the VFS does, and changed under f_lock as fcntl(F_SETFL) does.
        unsafe {
            let file = self.0;
            if ((*file).f_flags ^ flags) & SETFL != 0 {
                b::spin_lock(&raw mut (*file).f_lock);
                (*file).f_flags = ((*file).f_flags & !SETFL) | (flags & SETFL);
                (*file).f_iocb_flags = b::aufs_iocb_flags(file) as u32;
                b::spin_unlock(&raw mut (*file).f_lock);
            }
        }
    }

    /// The blocks the branch file takes (i_blocks), read without its lock:
    /// a hint, as aufs reads it to tell whether a write took new blocks.
    pub(crate) fn blocks(&self) -> u64 {
        // SAFETY: the file is valid (invariant) and pins its inode; a racy
        // read of the counter is what the VFS's own readers do.
        unsafe { core::ptr::read_volatile(&raw const (*(*self.0).f_inode).i_blocks) }
    }

    pub(crate) fn inode(&self) -> *mut b::inode {
        // SAFETY: the file is valid (invariant).
        unsafe { (*self.0).f_inode }
    }
}

impl Drop for RealFile {
    fn drop(&mut self) {
        // SAFETY: we own one reference (invariant).
        unsafe { b::fput(self.0) };
    }
}

/// A branch file mmapped through the union: a mapping holds the branch
/// file, not the union file it came from, so the branch inode is kept to
/// check whether it is still mapped. (Not the file: a backing file holds
/// the union mount.)
///
/// # Invariants
///
/// `0` is a live inode this value holds one reference to.
pub(crate) struct MappedFile(*mut b::inode);

// SAFETY: an inode reference may be used and dropped on any thread.
unsafe impl Send for MappedFile {}

impl MappedFile {
    /// Keeps the inode of branch file `real`.
    pub(crate) fn new(real: &RealFile) -> Self {
        let inode = real.inode();
        // SAFETY: the open file pins its inode; ihold takes our reference.
        unsafe { b::ihold(inode) };
        // INVARIANT: referenced above.
        MappedFile(inode)
    }

    /// True while some process maps the file.
    pub(crate) fn is_mapped(&self) -> bool {
        // SAFETY: the inode is referenced (invariant), so its mapping is
        // live; the tree root is read racily, which is enough for a busy
        // check.
        unsafe {
            let mapping = (*self.0).i_mapping;
            !core::ptr::read_volatile(&raw const (*mapping).i_mmap.rb_root.rb_node).is_null()
        }
    }

    /// True when both stand for the same branch file.
    pub(crate) fn same_file(&self, other: &MappedFile) -> bool {
        self.0 == other.0
    }
}

impl Drop for MappedFile {
    fn drop(&mut self) {
        // SAFETY: we hold one reference (invariant).
        unsafe { b::iput(self.0) };
    }
}
