// SPDX-License-Identifier: GPL-2.0

//! Read-only event files on anonymous inodes (`anon_inode_getfd`), such as
//! aufs's FHSM fd: their `private_data` owns an `Arc<T>` of a type that says
//! what a read returns and when poll reports readable ([`EventSource`]).
//! The file_operations table of each `T` has the module as owner, so the
//! module stays loaded while such a file is open.

use super::bindings as b;
use core::marker::PhantomData;
use kernel::{
    error::from_result,
    ffi,
    fs::File,
    prelude::*,
    sync::{
        poll::{PollCondVar, PollTable},
        Arc, ArcBorrow,
    },
    types::ForeignOwnable,
    uaccess::{UserPtr, UserSlice},
};

/// What an event file shows: implemented by the logic.
pub(crate) trait EventSource: Send + Sync + 'static {
    /// A read of `len` bytes (`nonblock`: O_NONBLOCK): the bytes go to the
    /// reader through `copy`; returns their number (0: end of file).
    fn read(
        &self,
        len: usize,
        nonblock: bool,
        copy: &mut dyn FnMut(&[u8]) -> Result,
    ) -> Result<usize>;
    /// True when a read would not wait.
    fn readable(&self) -> bool;
    /// Where pollers wait; notified when [`EventSource::readable`] may
    /// have become true.
    fn wait_queue(&self) -> &PollCondVar;
    /// The file is closed (its last reference).
    fn released(&self);
}

/// A new file descriptor on an anonymous inode named `name` showing
/// `source`, with open flags `flags` (O_RDONLY and O_CLOEXEC, O_NONBLOCK).
pub(crate) fn anon_inode_fd<T: EventSource>(
    name: &CStr,
    source: Arc<T>,
    flags: u32,
) -> Result<i32> {
    let ptr = source.into_foreign();
    let table = Fops::<T>::TABLE;
    // SAFETY: `name` is a NUL-terminated string and the table is static;
    // anon_inode_getfd stores `ptr` as the new file's private_data, which
    // the table's release takes back.
    let fd = unsafe { b::anon_inode_getfd(name.as_char_ptr(), table, ptr, flags as i32) };
    if fd < 0 {
        // SAFETY: no file was made, so nothing else holds `ptr`, which
        // into_foreign returned above.
        drop(unsafe { <Arc<T>>::from_foreign(ptr) });
        return Err(Error::from_errno(fd));
    }
    Ok(fd)
}

/// The file_operations of the event files of `T`.
struct Fops<T>(PhantomData<T>);

impl<T: EventSource> Fops<T> {
    const OPS: b::file_operations = b::file_operations {
        owner: kernel::module::this_module::<crate::LocalModule>().as_ptr(),
        read: Some(Self::read),
        poll: Some(Self::poll),
        release: Some(Self::release),
        llseek: Some(b::noop_llseek),
        // SAFETY: all-zero is a valid file_operations (every op absent).
        ..unsafe { core::mem::zeroed() }
    };
    /// The table, promoted to a static.
    const TABLE: &'static b::file_operations = &Self::OPS;

    /// The source of an event file.
    ///
    /// # Safety
    ///
    /// `file` must be an event file of `T` between creation and release.
    unsafe fn source<'a>(file: *mut b::file) -> ArcBorrow<'a, T> {
        // SAFETY: anon_inode_fd stored an Arc<T> in private_data, which
        // release takes back only after the last use of the file.
        unsafe { <Arc<T>>::borrow((*file).private_data) }
    }

    /// `read`.
    ///
    /// # Safety
    ///
    /// Called by the VFS with an event file and a user buffer of `count`.
    unsafe extern "C" fn read(
        file: *mut b::file,
        buf: *mut ffi::c_char,
        count: usize,
        _pos: *mut b::loff_t,
    ) -> isize {
        // SAFETY: the VFS calls our table with one of our files.
        let source = unsafe { Self::source(file) };
        // SAFETY: `file` is open; f_flags is read racily, as the VFS does.
        let nonblock = unsafe { (*file).f_flags } & b::O_NONBLOCK != 0;
        let mut out = UserSlice::new(UserPtr::from_ptr(buf.cast()), count).writer();
        from_result(|| {
            let n = source.read(count, nonblock, &mut |bytes| out.write_slice(bytes))?;
            Ok(n as isize)
        })
    }

    /// `poll`.
    ///
    /// # Safety
    ///
    /// Called by the VFS with an event file and a poll table (or null).
    unsafe extern "C" fn poll(file: *mut b::file, wait: *mut b::poll_table_struct) -> b::__poll_t {
        // SAFETY: the VFS calls our table with one of our files.
        let source = unsafe { Self::source(file) };
        // SAFETY: the VFS passes a valid (or null) table for this call and
        // a file it holds a reference to.
        let (table, file) = unsafe { (PollTable::from_raw(wait), File::from_raw_file(file)) };
        table.register_wait(file, source.wait_queue());
        if source.readable() {
            b::POLLIN
        } else {
            0
        }
    }

    /// `release`.
    ///
    /// # Safety
    ///
    /// Called by the VFS once, at the last close of an event file.
    unsafe extern "C" fn release(_inode: *mut b::inode, file: *mut b::file) -> ffi::c_int {
        // SAFETY: anon_inode_fd stored an Arc<T> in private_data; this is
        // the last use of the file.
        let source = unsafe { <Arc<T>>::from_foreign((*file).private_data) };
        source.released();
        0
    }
}
