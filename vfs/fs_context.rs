// SPDX-License-Identifier: GPL-2.0

//! fs_context glue: option parsing, get_tree/fill_super and reconfigure.
//!
//! The parsed [`MountConfig`] lives in `fc->fs_private` from `init_fs_context`
//! until `free`; the [`Union`] built from it moves into `sb->s_fs_info` in
//! `fill_super` and is freed by `kill_sb`.

use super::{bindings as b, inode, super_ops, OpsTable, SysfsDir, UnionDentry};
use crate::branch::Union;
use crate::config::{parse_one, MountConfig};
use crate::lookup::DentryInfo;
use core::{ffi::CStr, fmt};
use kernel::{
    cred::Credential,
    error::{code::*, Error},
    ffi,
    prelude::*,
    str::CString,
    sync::aref::ARef,
};

/// Where mount errors go: the fs_context log (read by fsconfig users), which
/// falls back to one `aufs: ...` kernel message for mount(2) users.
///
/// # Invariants
///
/// `fc` is a valid fs_context for the lifetime of the value.
pub(crate) struct MountLog {
    fc: *mut b::fs_context,
}

impl MountLog {
    /// Records `args` as an error message and returns `errno` for `?`.
    pub(crate) fn error(&self, errno: Error, args: fmt::Arguments<'_>) -> Error {
        // SAFETY: `fc` is valid by the invariant; "%pA" formats a Rust
        // `fmt::Arguments`, which lives across the call.
        unsafe {
            b::logfc(
                (*self.fc).log.log,
                c"aufs".as_char_ptr(),
                b'e' as ffi::c_char,
                c"%pA".as_char_ptr(),
                core::ptr::from_ref(&args).cast::<ffi::c_void>(),
            )
        };
        errno
    }
}

/// The context operations of every aufs fs_context.
static CONTEXT_OPS: OpsTable<b::fs_context_operations> = OpsTable(b::fs_context_operations {
    free: Some(free_context),
    dup: None,
    parse_param: Some(parse_param),
    parse_monolithic: None,
    get_tree: Some(get_tree),
    reconfigure: Some(reconfigure),
});

/// `file_system_type.init_fs_context`.
///
/// # Safety
///
/// Called by the VFS with a valid, new fs_context of this filesystem type.
pub(super) unsafe extern "C" fn init_fs_context(
    fc: *mut kernel::bindings::fs_context,
) -> ffi::c_int {
    let fc = fc.cast::<b::fs_context>();
    let config = match KBox::new(MountConfig::default(), GFP_KERNEL) {
        Ok(config) => config,
        Err(_) => return ENOMEM.to_errno(),
    };
    // SAFETY: `fc` is valid (see the safety section) and not shared yet.
    unsafe {
        (*fc).fs_private = KBox::into_raw(config).cast();
        (*fc).ops = &CONTEXT_OPS.0;
    }
    0
}

/// The config stored by `init_fs_context`.
///
/// # Safety
///
/// `fc` must be an aufs fs_context between init and free, used by one thread
/// (the VFS serialises calls on one fs_context with its mutex).
unsafe fn config<'a>(fc: *mut b::fs_context) -> &'a mut MountConfig {
    // SAFETY: `fs_private` was set from a KBox<MountConfig> in init and is
    // only freed in `free_context`; the caller guarantees exclusive use.
    unsafe { &mut *(*fc).fs_private.cast::<MountConfig>() }
}

/// `fs_context_operations.free`.
///
/// # Safety
///
/// Called once by the VFS when `fc` is being destroyed.
unsafe extern "C" fn free_context(fc: *mut b::fs_context) {
    // SAFETY: `fc` is valid; fs_private came from KBox::into_raw in init (or is
    // null if that failed) and nothing uses it after this call.
    unsafe {
        let config = (*fc).fs_private.cast::<MountConfig>();
        if !config.is_null() {
            drop(KBox::from_raw(config));
            (*fc).fs_private = core::ptr::null_mut();
        }
    }
}

/// `fs_context_operations.parse_param`: one `key[=value]` of the options.
///
/// # Safety
///
/// Called by the VFS with a valid aufs fs_context and parameter.
unsafe extern "C" fn parse_param(
    fc: *mut b::fs_context,
    param: *mut b::fs_parameter,
) -> ffi::c_int {
    let log = MountLog { fc };
    // SAFETY: `param` is valid for the call; its key is a NUL-terminated string.
    let key = unsafe { CStr::from_char_ptr((*param).key) };
    // SAFETY: as above; `string` is the active union member for string values.
    let value = unsafe {
        match (*param).type_() {
            b::fs_value_type_fs_value_is_string => {
                Some(CStr::from_char_ptr((*param).__bindgen_anon_1.string))
            }
            b::fs_value_type_fs_value_is_flag => None,
            _ => {
                return log
                    .error(EINVAL, format_args!("{key:?}: unsupported value type"))
                    .to_errno()
            }
        }
    };
    // SAFETY: `fc` is valid and the VFS serialises parameter parsing.
    let purpose = unsafe { (*fc).purpose() };
    let remount = purpose == b::fs_context_purpose_FS_CONTEXT_FOR_RECONFIGURE;
    // SAFETY: as above.
    match parse_one(unsafe { config(fc) }, key, value, remount, &log) {
        Ok(()) => 0,
        Err(e) => e.to_errno(),
    }
}

/// `fs_context_operations.get_tree`: every mount gets its own superblock.
///
/// # Safety
///
/// Called by the VFS with a valid aufs fs_context.
unsafe extern "C" fn get_tree(fc: *mut b::fs_context) -> ffi::c_int {
    // SAFETY: `fc` is valid; fill_super matches the callback type.
    unsafe { b::get_tree_nodev(fc, Some(fill_super)) }
}

/// Fills a new superblock from the parsed options.
///
/// # Safety
///
/// Called by get_tree_nodev with a new, locked superblock and our context.
unsafe extern "C" fn fill_super(sb: *mut b::super_block, fc: *mut b::fs_context) -> ffi::c_int {
    let log = MountLog { fc };
    // SAFETY: `sb` and `fc` are valid and exclusively ours during fill_super.
    match unsafe { try_fill_super(sb, fc, &log) } {
        Ok(()) => 0,
        Err(e) => e.to_errno(),
    }
}

/// # Safety
///
/// As for [`fill_super`].
unsafe fn try_fill_super(
    sb: *mut b::super_block,
    fc: *mut b::fs_context,
    log: &MountLog,
) -> Result {
    // SAFETY: `fc->cred` is the mounter's credential, valid for the context's
    // life; ARef::from takes our own reference for the mount's life.
    let cred: ARef<Credential> = unsafe { Credential::from_ptr((*fc).cred.cast()) }.into();
    // SAFETY: `sb` is valid and locked for us.
    let read_only = unsafe { (*sb).s_flags } & b::AUFS_SB_RDONLY != 0;
    // SAFETY: the context is exclusively ours (see the safety section).
    let union = Union::new(unsafe { config(fc) }, cred, read_only, log)?;
    let depth = branch_depth(&union) + 1;
    if depth > b::FILESYSTEM_MAX_STACK_DEPTH as i32 {
        return Err(log.error(EINVAL, format_args!("maximum fs stacking depth exceeded")));
    }
    let mut union = union;
    union.id = super_ops::mount_id();
    let root_info = DentryInfo::root(&union)?;
    let (id, branches) = (union.id, union.branches.len());
    // SAFETY: `sb` is ours.
    let mount = unsafe { super_ops::install_mount(sb, union)? };
    // SAFETY: as above.
    unsafe { super_ops::init_super(sb, depth) };
    // SAFETY: the mount outlives its sysfs dir, which is its first field.
    *mount.sysfs() = Some(unsafe { SysfsDir::new_mount(mount, id, branches)? });
    // SAFETY: `sb` is initialised above and `root_info` describes its root.
    unsafe { inode::make_root(sb, root_info) }
}

/// The deepest filesystem stack under `union`'s branches.
fn branch_depth(union: &Union) -> i32 {
    union
        .branches
        .iter()
        // SAFETY: each branch root pins its superblock.
        .map(|br| unsafe { (*(*br.root.dentry()).d_sb).s_stack_depth })
        .max()
        .unwrap_or(0)
}

/// `fs_context_operations.reconfigure` (remount): branch edits and `udba=`;
/// the VFS applies the generic flags (ro/rw) after us.
///
/// # Safety
///
/// Called by the VFS with a valid aufs fs_context for a mounted aufs.
unsafe extern "C" fn reconfigure(fc: *mut b::fs_context) -> ffi::c_int {
    let log = MountLog { fc };
    // SAFETY: a reconfigure context holds the mount's root; its superblock
    // is a filled aufs one and the VFS holds s_umount for writing.
    let result = unsafe {
        let sb = (*(*fc).root).d_sb;
        let mask = (*fc).sb_flags_mask as usize;
        let flags = ((*sb).s_flags & !mask) | ((*fc).sb_flags as usize & mask);
        try_reconfigure(sb, config(fc), flags & b::AUFS_SB_RDONLY != 0, &log)
    };
    match result {
        Ok(()) => 0,
        Err(e) => e.to_errno(),
    }
}

/// # Safety
///
/// `sb` must be a mounted aufs superblock whose `s_umount` we hold for
/// writing (remounts are serialised by it).
unsafe fn try_reconfigure(
    sb: *mut b::super_block,
    config: &MountConfig,
    read_only: bool,
    log: &MountLog,
) -> Result {
    // SAFETY: see above.
    let mount = unsafe { super_ops::mount_of(sb) };
    let current = mount.current();
    // SAFETY: as above.
    let was_read_only = unsafe { (*sb).s_flags } & b::AUFS_SB_RDONLY != 0;
    if !config.changes_anything() && read_only == was_read_only {
        return Ok(());
    }
    let mut remount = current.remount(config, read_only, log)?;
    // SAFETY: as above.
    if branch_depth(&remount.union) >= unsafe { (*sb).s_stack_depth } {
        return Err(log.error(EINVAL, format_args!("maximum fs stacking depth exceeded")));
    }
    if !remount.removed.is_empty() {
        // Unused dentries go, so that what is left of a branch's objects is
        // in use. The root holds one object on each branch.
        // SAFETY: `sb` is live.
        unsafe { b::shrink_dcache_sb(sb) };
    }
    for br in remount.removed.iter() {
        if let Some(why) = br.busy_reason(1) {
            let path = path_text(&br.root)?;
            let path = path.to_str().unwrap_or("?");
            return Err(log.error(EBUSY, format_args!("del: branch \"{path}\" {why}")));
        }
    }
    for br in remount.made_read_only.iter() {
        if br.has_writers() {
            let path = path_text(&br.root)?;
            let path = path.to_str().unwrap_or("?");
            return Err(log.error(
                EBUSY,
                format_args!("mod: branch \"{path}\" has files open for writing"),
            ));
        }
    }
    let root_info = DentryInfo::root(&remount.union)?;
    let top = root_info.top().ok_or(EINVAL)?.path.clone_ref();
    let branches = (current.branches.len(), remount.union.branches.len());
    let removed = !remount.removed.is_empty();
    // The sysfs files of new branches first (they show nothing before the
    // install), those of gone branches last, after it.
    if let Some(dir) = Option::as_mut(&mut *mount.sysfs()) {
        dir.add_branch_files(branches.0, branches.1)?;
    }
    // Everything that can fail before this step, nothing that changes the
    // mount after it but the install (a failed remount changes nothing).
    if let Err(e) = remount.commit_xino(log) {
        if let Some(dir) = Option::as_mut(&mut *mount.sysfs()) {
            dir.remove_branch_files(branches.0);
        }
        return Err(e);
    }
    drop(remount.removed);
    drop(remount.made_read_only);
    mount.install(remount.union);
    // Without memory for it, the root's info is rebuilt from the generation
    // at its next use (UnionDentry::info), so the remount still stands.
    // SAFETY: the root of a mounted aufs is a live aufs dentry with info.
    let _ = unsafe { UnionDentry::borrowed((*sb).s_root) }.set_info(root_info);
    // SAFETY: we hold s_umount for writing; `top` is the new top root.
    unsafe { inode::follow_root(sb, &top) };
    if let Some(dir) = Option::as_mut(&mut *mount.sysfs()) {
        dir.remove_branch_files(branches.1);
    }
    if removed {
        // Unused dentries still hold objects of the deleted branches.
        // SAFETY: `sb` is live.
        unsafe { b::shrink_dcache_sb(sb) };
    }
    Ok(())
}

/// A branch path as text for a message. Rendered before logging: the log
/// formats with interrupts off, where resolving a path may not allocate.
fn path_text(path: &crate::vfs::Path) -> Result<CString> {
    struct Text(KVec<u8>);
    impl fmt::Write for Text {
        fn write_str(&mut self, s: &str) -> fmt::Result {
            self.0
                .extend_from_slice(s.as_bytes(), GFP_KERNEL)
                .map_err(|_| fmt::Error)
        }
    }
    let mut text = Text(KVec::new());
    path.write_path(&mut text).map_err(|_| ENOMEM)?;
    let text = core::str::from_utf8(&text.0).unwrap_or("?");
    CString::try_from_fmt(fmt!("{text}"))
}
