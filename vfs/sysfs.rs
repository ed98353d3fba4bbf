// SPDX-License-Identifier: GPL-2.0

//! kobjects and read-only attribute files under `/sys/fs`: what they show
//! comes from a [`SysfsSource`] (aufs's is in sysfs.rs at the crate root).
//!
//! Every directory is a [`SysfsDir`]: a heap kobject that owns its attribute
//! structs and names. Dropping it removes the dir (kobject_del waits until no
//! `show` runs any more) and drops our reference; the kobject's release frees
//! the memory.

use super::{bindings as b, OpsTable};
use core::{
    ffi::CStr,
    fmt::{self, Write},
    ptr::NonNull,
    sync::atomic::{AtomicPtr, Ordering},
};
use kernel::{
    error::{code::*, from_result, to_result, Error},
    prelude::*,
    str::CString,
};

/// What the files of a sysfs dir show.
pub(crate) trait SysfsSource {
    /// Writes the contents of the dir's file `file` (the number it was
    /// added with) to `out`.
    fn show(&self, file: usize, out: &mut dyn Write) -> fmt::Result;
}

/// One attribute file: the C struct sysfs links to, its name, what it shows.
/// `raw` first, so that the pointer sysfs passes converts back.
#[repr(C)]
struct Attr {
    raw: b::attribute,
    _name: CString,
    file: usize,
}

/// The heap part of a [`SysfsDir`]; `kobj` first so the kobject pointer
/// converts back.
#[repr(C)]
struct DirObject {
    kobj: b::kobject,
    /// Boxed, so that an attribute stays put while others come and go.
    attrs: KVec<KBox<Attr>>,
    /// What the files show.
    source: *const dyn SysfsSource,
}

/// An owned sysfs directory with its files.
///
/// # Invariants
///
/// `obj` points to a live `DirObject` whose kobject was added to sysfs and on
/// which this value holds the initial reference.
pub(crate) struct SysfsDir {
    obj: NonNull<DirObject>,
}

// SAFETY: the kobject is reference counted and sysfs serialises access to it;
// the value only removes it, which may happen on any thread.
unsafe impl Send for SysfsDir {}
// SAFETY: `&SysfsDir` gives no access to the object.
unsafe impl Sync for SysfsDir {}

/// `/sys/fs/aufs`, the parent of every `si_ID` dir, while the module lives.
static TOP: AtomicPtr<b::kobject> = AtomicPtr::new(core::ptr::null_mut());

static KTYPE: OpsTable<b::kobj_type> = OpsTable(b::kobj_type {
    release: Some(release),
    sysfs_ops: &SYSFS_OPS.0,
    default_groups: core::ptr::null_mut(),
    child_ns_type: None,
    namespace: None,
    get_ownership: None,
});

static SYSFS_OPS: OpsTable<b::sysfs_ops> = OpsTable(b::sysfs_ops {
    show: Some(show_attr),
    store: None,
});

impl SysfsDir {
    /// Creates `/sys/fs/NAME`, the parent of the dirs [`SysfsDir::new_child`]
    /// makes, with no files yet.
    pub(crate) fn new_top(source: &'static dyn SysfsSource, name: &CStr) -> Result<Self> {
        // SAFETY: fs_kobj is the kernel's /sys/fs kobject, alive forever.
        let parent = unsafe { b::fs_kobj };
        let dir = Self::new(parent, source, format_args!("{}", name.to_str()?))?;
        TOP.store(dir.kobj(), Ordering::Release);
        Ok(dir)
    }

    /// Creates a dir in the one [`SysfsDir::new_top`] made, with no files
    /// yet.
    ///
    /// # Safety
    ///
    /// `source` must stay valid until the returned value is dropped.
    pub(crate) unsafe fn new_child(
        source: *const dyn SysfsSource,
        name: fmt::Arguments<'_>,
    ) -> Result<Self> {
        Self::new(TOP.load(Ordering::Acquire), source, name)
    }

    /// Adds the file `name`, which shows `file` of the source; on failure
    /// nothing is added.
    pub(crate) fn add_file(&mut self, name: fmt::Arguments<'_>, file: usize) -> Result {
        let kobj = self.kobj();
        // SAFETY: the object is live (invariant) and `&mut self` makes us its
        // only user apart from `show`, which never touches `attrs`.
        let attrs = unsafe { &mut (*self.obj.as_ptr()).attrs };
        attrs.push(Attr::new(name, file)?, GFP_KERNEL)?;
        let attr = attrs.last_mut().ok_or(EINVAL)?;
        // SAFETY: the kobject is added (invariant); the attribute is boxed
        // and lives until it is removed or the kobject goes.
        if let Err(e) = unsafe { add_file(kobj, attr) } {
            drop(attrs.pop());
            return Err(e);
        }
        Ok(())
    }

    /// Removes the files whose number `gone` picks. Cannot fail.
    pub(crate) fn remove_files(&mut self, mut gone: impl FnMut(usize) -> bool) {
        let kobj = self.kobj();
        // SAFETY: as in add_file.
        let attrs = unsafe { &mut (*self.obj.as_ptr()).attrs };
        let mut index = 0;
        while index < attrs.len() {
            if gone(attrs[index].file) {
                // SAFETY: the attribute was created on this kobject; removal
                // waits for running `show` calls on it before we free it.
                unsafe { b::sysfs_remove_file_ns(kobj, &attrs[index].raw, core::ptr::null()) };
                drop(attrs.remove(index));
            } else {
                index += 1;
            }
        }
    }

    fn new(
        parent: *mut b::kobject,
        source: *const dyn SysfsSource,
        name: fmt::Arguments<'_>,
    ) -> Result<Self> {
        let obj = KBox::new(
            DirObject {
                // SAFETY: all-zero is the required state before kobject_init.
                kobj: unsafe { core::mem::zeroed() },
                attrs: KVec::new(),
                source,
            },
            GFP_KERNEL,
        )?;
        let obj = KBox::into_raw(obj);
        // SAFETY: `obj` is ours; after kobject_init_and_add (success or not)
        // its lifetime is the kobject's, ended by `release`.
        let ret = unsafe {
            b::kobject_init_and_add(
                &mut (*obj).kobj,
                &KTYPE.0,
                parent,
                c"%pA".as_char_ptr(),
                &raw const name,
            )
        };
        // INVARIANT: on success the kobject is added and we hold its reference.
        let dir = SysfsDir {
            obj: NonNull::new(obj).ok_or(ENOMEM)?,
        };
        if ret != 0 {
            // SAFETY: the kobject was initialised; the put frees it via
            // release.
            unsafe { b::kobject_put(&mut (*obj).kobj) };
            core::mem::forget(dir);
            return Err(Error::from_errno(ret));
        }
        Ok(dir)
    }

    fn kobj(&self) -> *mut b::kobject {
        // SAFETY: `obj` is live by the invariant.
        unsafe { &raw mut (*self.obj.as_ptr()).kobj }
    }
}

impl Attr {
    /// A read-only attribute `name` showing `file`.
    fn new(name: fmt::Arguments<'_>, file: usize) -> Result<KBox<Self>> {
        let text = CString::try_from_fmt(name)?;
        // SAFETY: all-zero is a valid attribute; name and mode follow.
        let mut raw: b::attribute = unsafe { core::mem::zeroed() };
        raw.name = text.as_char_ptr();
        raw.mode = 0o444;
        Ok(KBox::new(
            Attr {
                raw,
                _name: text,
                file,
            },
            GFP_KERNEL,
        )?)
    }
}

/// Creates the file of `attr` in `kobj`.
///
/// # Safety
///
/// `kobj` must be an added kobject of KTYPE and `attr` must stay in place
/// until the file is removed or the kobject goes.
unsafe fn add_file(kobj: *mut b::kobject, attr: &mut Attr) -> Result {
    // SAFETY: `kobj` is an added kobject of KTYPE and `attr` stays in place
    // while its file exists (the caller's guarantee).
    unsafe {
        b::aufs_sysfs_attr_init(&mut attr.raw);
        to_result(b::sysfs_create_file_ns(kobj, &attr.raw, core::ptr::null()))
    }
}

impl Drop for SysfsDir {
    fn drop(&mut self) {
        let kobj = self.kobj();
        if TOP.load(Ordering::Acquire) == kobj {
            TOP.store(core::ptr::null_mut(), Ordering::Release);
        }
        // SAFETY: by the invariant we hold the initial reference of an added
        // kobject; kobject_del waits for running `show` calls to finish.
        unsafe {
            b::kobject_del(kobj);
            b::kobject_put(kobj);
        }
    }
}

/// `kobj_type.release`: frees the directory object.
///
/// # Safety
///
/// Called once by the kobject core when the last reference goes.
unsafe extern "C" fn release(kobj: *mut b::kobject) {
    // SAFETY: every kobject of KTYPE is the first field of a DirObject made
    // by KBox::into_raw in `SysfsDir::new`.
    drop(unsafe { KBox::from_raw(kobj.cast::<DirObject>()) });
}

/// `sysfs_ops.show`.
///
/// # Safety
///
/// Called by sysfs with one of our kobjects, one of its attributes, and a
/// PAGE_SIZE buffer.
unsafe extern "C" fn show_attr(
    kobj: *mut b::kobject,
    attr: *mut b::attribute,
    buf: *mut u8,
) -> isize {
    // SAFETY: the object and the attribute outlive the call (sysfs holds an
    // active reference on the file); every kobject of KTYPE is the first
    // field of a DirObject, every attribute of ours the first of an `Attr`.
    let (obj, file) = unsafe { (&*kobj.cast::<DirObject>(), (*attr.cast::<Attr>()).file) };
    // SAFETY: the source outlives the dir (SysfsDir::new_child's contract;
    // the top dir's is static), and the dir outlives this call.
    let source = unsafe { &*obj.source };
    // SAFETY: sysfs passes a PAGE_SIZE buffer.
    let page = unsafe { core::slice::from_raw_parts_mut(buf, b::PAGE_SIZE) };
    let mut out = PageWriter { page, len: 0 };
    // A fmt::Error means the text did not fit the page.
    from_result(|| {
        source.show(file, &mut out).map_err(|_| EFBIG)?;
        Ok(out.len as isize)
    })
}

/// `fmt::Write` into a byte buffer (a sysfs page).
struct PageWriter<'a> {
    page: &'a mut [u8],
    len: usize,
}

impl Write for PageWriter<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.len + s.len();
        self.page
            .get_mut(self.len..end)
            .ok_or(fmt::Error)?
            .copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}
