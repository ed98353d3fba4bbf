// SPDX-License-Identifier: GPL-2.0

//! fs_context glue: option parsing, get_tree/fill_super and reconfigure.
//!
//! The parsed [`MountConfig`] lives in `fc->fs_private` from `init_fs_context`
//! until `free`; the [`Union`] built from it moves into `sb->s_fs_info` in
//! `fill_super` and is freed by `kill_sb`.

use super::{inode, super_ops, OpsTable};
use crate::branch::Union;
use crate::config::{parse_one, MountConfig};
use crate::lookup::DentryInfo;
use crate::remount;
use crate::sysfs;
use crate::vfs::{bindings as b, MountLog, SysfsDir};
use core::ffi::CStr;
use kernel::types::ForeignOwnable;
use kernel::{
    cred::Credential,
    error::{code::*, from_result},
    ffi,
    prelude::*,
    sync::aref::ARef,
};

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
    from_result(|| {
        let config = KBox::new(MountConfig::default(), GFP_KERNEL)?;
        // SAFETY: `fc` is valid (see the safety section) and not shared yet;
        // free_context takes the box back.
        unsafe {
            (*fc).fs_private = config.into_foreign();
            (*fc).ops = &CONTEXT_OPS.0;
        }
        Ok(0)
    })
}

/// The config stored by `init_fs_context`.
///
/// # Safety
///
/// `fc` must be an aufs fs_context between init and free, used by one thread
/// (the VFS serialises calls on one fs_context with its mutex).
unsafe fn config<'a>(fc: *mut b::fs_context) -> &'a mut MountConfig {
    // SAFETY: `fs_private` holds a KBox<MountConfig> (into_foreign) from init
    // until `free_context`; the caller guarantees exclusive use.
    unsafe { KBox::<MountConfig>::borrow_mut((*fc).fs_private) }
}

/// `fs_context_operations.free`.
///
/// # Safety
///
/// Called once by the VFS when `fc` is being destroyed.
unsafe extern "C" fn free_context(fc: *mut b::fs_context) {
    // SAFETY: `fc` is valid; fs_private came from into_foreign in init (or
    // is null if that failed) and nothing uses it after this call.
    unsafe {
        drop(KBox::<MountConfig>::try_from_foreign((*fc).fs_private));
        (*fc).fs_private = core::ptr::null_mut();
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
    // SAFETY: the VFS passes a valid fs_context for the call.
    let log = unsafe { MountLog::new(fc) };
    from_result(|| {
        // SAFETY: `param` is valid for the call; its key is a NUL-terminated
        // string.
        let key = unsafe { CStr::from_char_ptr((*param).key) };
        // SAFETY: as for the key; `string` is the active union member for
        // string values.
        let value = unsafe {
            match (*param).type_() {
                b::fs_value_type_fs_value_is_string => {
                    Some(CStr::from_char_ptr((*param).__bindgen_anon_1.string))
                }
                b::fs_value_type_fs_value_is_flag => None,
                _ => return Err(log.error(EINVAL, format_args!("{key:?}: unsupported value type"))),
            }
        };
        // SAFETY: `fc` is valid and the VFS serialises parameter parsing.
        let purpose = unsafe { (*fc).purpose() };
        let remount = purpose == b::fs_context_purpose_FS_CONTEXT_FOR_RECONFIGURE;
        // SAFETY: `fc` is an aufs context between init and free, and the VFS
        // serialises parameter parsing on it.
        parse_one(unsafe { config(fc) }, key, value, remount, &log)?;
        Ok(0)
    })
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
    // SAFETY: the VFS passes a valid fs_context for the call.
    let log = unsafe { MountLog::new(fc) };
    from_result(|| {
        // SAFETY: `fc->cred` is the mounter's credential, valid for the
        // context's life; ARef::from takes our own reference for the mount's
        // life.
        let cred: ARef<Credential> = unsafe { Credential::from_ptr((*fc).cred.cast()) }.into();
        // SAFETY: `sb` is valid and locked for us.
        let read_only = unsafe { (*sb).s_flags } & b::AUFS_SB_RDONLY != 0;
        // SAFETY: the context is exclusively ours during fill_super.
        let mut union = Union::new(unsafe { config(fc) }, cred, read_only, &log)?;
        let depth = union.stack_depth() + 1;
        if depth > b::FILESYSTEM_MAX_STACK_DEPTH as i32 {
            return Err(log.error(EINVAL, format_args!("maximum fs stacking depth exceeded")));
        }
        union.id = super_ops::mount_id();
        let root_info = DentryInfo::root(&union)?;
        let (id, branches, acl) = (union.id, union.branches.len(), union.tunables.acl);
        // SAFETY: `sb` is a new superblock, exclusively ours.
        let mount = unsafe { super_ops::install_mount(sb, union)? };
        // SAFETY: `sb` is the new superblock fill_super was given, still
        // exclusively ours; its s_fs_info now holds the mount.
        unsafe { super_ops::init_super(sb, depth, acl) };
        // SAFETY: the mount outlives its sysfs dir, which is its first field.
        let mut dir = unsafe { SysfsDir::new_child(mount, format_args!("si_{id:x}"))? };
        sysfs::add_mount_files(&mut dir, branches)?;
        *mount.sysfs() = Some(dir);
        // SAFETY: `sb` is initialised above and `root_info` describes its
        // root.
        unsafe { inode::make_root(sb, root_info) }?;
        Ok(0)
    })
}

/// `fs_context_operations.reconfigure` (remount): branch edits and `udba=`;
/// the VFS applies the generic flags (ro/rw) after us.
///
/// # Safety
///
/// Called by the VFS with a valid aufs fs_context for a mounted aufs.
unsafe extern "C" fn reconfigure(fc: *mut b::fs_context) -> ffi::c_int {
    // SAFETY: the VFS passes a valid fs_context for the call.
    let log = unsafe { MountLog::new(fc) };
    // SAFETY: a reconfigure context holds the mount's root; its superblock
    // is a filled aufs one and the VFS holds s_umount for writing.
    let (sb, config, read_only) = unsafe {
        let sb = (*(*fc).root).d_sb;
        let mask = (*fc).sb_flags_mask as usize;
        let flags = ((*sb).s_flags & !mask) | ((*fc).sb_flags as usize & mask);
        (
            super_ops::RemountingSuper::new(sb),
            config(fc),
            flags & b::AUFS_SB_RDONLY != 0,
        )
    };
    from_result(|| remount::reconfigure(&sb, config, read_only, &log).map(|()| 0))
}
