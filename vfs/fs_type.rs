// SPDX-License-Identifier: GPL-2.0

//! The `aufs` filesystem type and its registration.

use super::bindings as b;
use kernel::{error::to_result, ffi, prelude::*, types::Opaque, ThisModule};

/// `file_system_type.init_fs_context`.
pub(crate) type InitFsContext =
    unsafe extern "C" fn(*mut kernel::bindings::fs_context) -> ffi::c_int;
/// `file_system_type.kill_sb`.
pub(crate) type KillSb = unsafe extern "C" fn(*mut b::super_block);

/// The `aufs` filesystem type. It must be static: it embeds the lockdep class
/// keys of every aufs superblock, and lockdep only accepts static keys.
struct FsType(Opaque<b::file_system_type>);

// SAFETY: the VFS serialises every access to a registered file_system_type
// with its own locks; before registration only `Registration::new` writes it.
unsafe impl Sync for FsType {}

static FS_TYPE: FsType = FsType(Opaque::new(b::file_system_type {
    name: kernel::str::as_char_ptr_in_const_context(c"aufs"),
    // SAFETY: all-zero is a valid file_system_type (no flags, no links).
    ..unsafe { core::mem::zeroed() }
}));

/// True when `sb` belongs to an aufs mount.
///
/// # Safety
///
/// `sb` must be a live (pinned) superblock.
pub(super) unsafe fn is_aufs_sb(sb: *const b::super_block) -> bool {
    // SAFETY: the caller passes a pinned superblock; s_type is constant.
    core::ptr::eq(unsafe { (*sb).s_type }, FS_TYPE.0.get())
}

/// Keeps the `aufs` filesystem type registered while it lives.
///
/// # Invariants
///
/// `FS_TYPE` is registered with the VFS while a `Registration` exists, and at
/// most one exists (the module holds it).
pub(crate) struct Registration(());

impl Registration {
    /// Registers the `aufs` filesystem type owned by `module`, with
    /// `init_fs_context` and `kill_sb` as its operations.
    ///
    /// # Safety
    ///
    /// The two functions must be the aufs implementations of those
    /// operations (the VFS calls them for every aufs mount).
    pub(crate) unsafe fn new(
        module: &'static ThisModule,
        init_fs_context: InitFsContext,
        kill_sb: KillSb,
    ) -> Result<Self> {
        let raw = FS_TYPE.0.get();
        // SAFETY: the type is not registered yet (module init runs once), so
        // nothing else reads it while we set the owner and the operations.
        unsafe {
            (*raw).owner = module.as_ptr();
            (*raw).init_fs_context = Some(init_fs_context);
            (*raw).kill_sb = Some(kill_sb);
            // Mountable inside a user namespace (see rootless.rs).
            (*raw).fs_flags = b::FS_USERNS_MOUNT as i32;
        }
        // SAFETY: the type is fully initialised and static.
        to_result(unsafe { b::register_filesystem(raw) })?;
        // INVARIANT: registered above.
        Ok(Registration(()))
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        // SAFETY: registered by `new` (invariant); module unload only happens
        // once no superblock of this type exists.
        unsafe { b::unregister_filesystem(FS_TYPE.0.get()) };
        // Inodes are freed by RCU callbacks that call free_inode, module
        // code: they must all have run before the module goes.
        // SAFETY: no locks held; module exit may sleep.
        unsafe { b::rcu_barrier() };
    }
}
