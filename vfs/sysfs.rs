// SPDX-License-Identifier: GPL-2.0

//! kobjects and attribute files of `/sys/fs/aufs` (contents: crate::sysfs).
//!
//! Every directory is a [`SysfsDir`]: a heap kobject that owns its attribute
//! structs and names. Dropping it removes the dir (kobject_del waits until no
//! `show` runs any more) and drops our reference; the kobject's release frees
//! the memory.

use super::{bindings as b, OpsTable};
use crate::mount::Mount;
use crate::sysfs::{show, SysfsFile};
use core::{
    fmt::{self, Write},
    ptr::NonNull,
    sync::atomic::{AtomicPtr, Ordering},
};
use kernel::{
    error::{code::*, to_result, Error},
    prelude::*,
    str::CString,
};

/// One attribute file: the C struct sysfs links to, its name, what it shows.
/// `raw` first, so that the pointer sysfs passes converts back.
#[repr(C)]
struct Attr {
    raw: b::attribute,
    _name: CString,
    file: SysfsFile,
}

/// The heap part of a [`SysfsDir`]; `kobj` first so the kobject pointer
/// converts back.
#[repr(C)]
struct DirObject {
    kobj: b::kobject,
    /// Boxed, so that an attribute stays put while others come and go.
    attrs: KVec<KBox<Attr>>,
    /// The mount shown, or null for `/sys/fs/aufs` itself.
    mount: *const Mount,
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
    /// Creates `/sys/fs/aufs` with its `config` file.
    pub(crate) fn new_top() -> Result<Self> {
        // SAFETY: fs_kobj is the kernel's /sys/fs kobject, alive forever.
        let parent = unsafe { b::fs_kobj };
        let dir = Self::new(
            parent,
            core::ptr::null(),
            &[SysfsFile::Config],
            format_args!("aufs"),
        )?;
        TOP.store(dir.kobj(), Ordering::Release);
        Ok(dir)
    }

    /// Creates `/sys/fs/aufs/si_ID` for `mount`.
    ///
    /// # Safety
    ///
    /// `mount` must stay valid until the returned value is dropped.
    pub(crate) unsafe fn new_mount(mount: *const Mount, id: u64, branches: usize) -> Result<Self> {
        let parent = TOP.load(Ordering::Acquire);
        let mut files = KVec::new();
        for file in SysfsFile::of_mount(branches) {
            files.push(file, GFP_KERNEL)?;
        }
        Self::new(parent, mount, &files, format_args!("si_{id:x}"))
    }

    /// Adds the files of branches `old..branches` (`brN`, `bridN`), before a
    /// remount that grows the mount is installed (they show nothing until
    /// then); on failure none is left added.
    pub(crate) fn add_branch_files(&mut self, old: usize, branches: usize) -> Result {
        let obj = self.obj.as_ptr();
        // SAFETY: the object is live (invariant) and `&mut self` makes us its
        // only user apart from `show`, which never touches `attrs`.
        let attrs = unsafe { &mut (*obj).attrs };
        let added = (|| {
            for i in old..branches {
                for file in [SysfsFile::Branch(i), SysfsFile::BranchId(i)] {
                    attrs.push(Attr::new(file)?, GFP_KERNEL)?;
                    let attr = attrs.last_mut().ok_or(EINVAL)?;
                    // SAFETY: the attribute is boxed and lives until it is
                    // removed below or the kobject goes.
                    if let Err(e) = unsafe { add_file(self.kobj(), attr) } {
                        drop(attrs.pop());
                        return Err(e);
                    }
                }
            }
            Ok(())
        })();
        if added.is_err() {
            self.remove_branch_files(old);
        }
        added
    }

    /// Removes the files of the branches from index `branches` on: after a
    /// remount that shrank the mount is installed, or to take back
    /// [`SysfsDir::add_branch_files`] of a remount that failed. Cannot fail.
    pub(crate) fn remove_branch_files(&mut self, branches: usize) {
        let obj = self.obj.as_ptr();
        // SAFETY: as in add_branch_files.
        let attrs = unsafe { &mut (*obj).attrs };
        let mut index = 0;
        while index < attrs.len() {
            if attrs[index]
                .file
                .branch_index()
                .is_some_and(|i| i >= branches)
            {
                // SAFETY: the attribute was created on this kobject; removal
                // waits for running `show` calls on it before we free it.
                unsafe {
                    b::sysfs_remove_file_ns(self.kobj(), &attrs[index].raw, core::ptr::null())
                };
                drop(attrs.remove(index));
            } else {
                index += 1;
            }
        }
    }

    fn new(
        parent: *mut b::kobject,
        mount: *const Mount,
        files: &[SysfsFile],
        name: fmt::Arguments<'_>,
    ) -> Result<Self> {
        let mut attrs = KVec::with_capacity(files.len(), GFP_KERNEL)?;
        for &file in files {
            attrs.push(Attr::new(file)?, GFP_KERNEL)?;
        }
        let obj = KBox::new(
            DirObject {
                // SAFETY: all-zero is the required state before kobject_init.
                kobj: unsafe { core::mem::zeroed() },
                attrs,
                mount,
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
        // SAFETY: the attrs are boxed and live as long as the kobject.
        unsafe {
            for attr in (*obj).attrs.iter_mut() {
                add_file(&mut (*obj).kobj, attr)?;
            }
        }
        Ok(dir)
    }

    fn kobj(&self) -> *mut b::kobject {
        // SAFETY: `obj` is live by the invariant.
        unsafe { &raw mut (*self.obj.as_ptr()).kobj }
    }
}

impl Attr {
    /// A read-only attribute named after `file`.
    fn new(file: SysfsFile) -> Result<KBox<Self>> {
        let mut bytes = [0u8; 16];
        let mut buf = PageWriter {
            page: &mut bytes,
            len: 0,
        };
        file.write_name(&mut buf).map_err(|_| EINVAL)?;
        let len = buf.len;
        let name = core::str::from_utf8(&bytes[..len]).map_err(|_| EINVAL)?;
        let text = CString::try_from_fmt(fmt!("{name}"))?;
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
    // SAFETY: see above; the object and the attribute outlive the call (sysfs
    // holds an active reference on the file), and the mount outlives the dir
    // (it is removed first). Every attribute of ours is the first field of an
    // `Attr`.
    let (obj, file) = unsafe { (&*kobj.cast::<DirObject>(), (*attr.cast::<Attr>()).file) };
    // SAFETY: as above; null for the top dir.
    let union = unsafe { obj.mount.as_ref() }.map(Mount::current);
    // SAFETY: sysfs passes a PAGE_SIZE buffer.
    let page = unsafe { core::slice::from_raw_parts_mut(buf, b::PAGE_SIZE) };
    let mut out = PageWriter { page, len: 0 };
    match show(union.as_deref(), file, &mut out) {
        Ok(()) => out.len as isize,
        Err(_) => EFBIG.to_errno() as isize,
    }
}

/// `fmt::Write` into a byte buffer (a sysfs page, an attribute name).
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
