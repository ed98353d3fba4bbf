// SPDX-License-Identifier: GPL-2.0

//! The dentry operations: revalidation (decided in `dinfo.rs`) and release.

use super::{inode, mount_of, OpsTable};
use crate::dinfo::{self, Revalidated};
use crate::lookup::DentryInfo;
use crate::lookup::UnionDentry;
use crate::vfs::{
    bindings as b,
    dentry::{rcu_check, rcu_generation, rcu_inode_ctime, release_info},
};
use kernel::{error::code::*, error::from_result, ffi};

/// `dentry_operations.d_revalidate`: is the cached dentry still right?
///
/// In RCU walk only the cheap check runs (`udba=none` and no remount since
/// the lookup); everything else is decided in ref walk, where the dentry is
/// looked up again when its branches may have changed.
///
/// # Safety
///
/// Called by the VFS with a live aufs dentry (pinned in ref walk; in RCU walk
/// only its fields may be read).
unsafe extern "C" fn d_revalidate(
    _dir: *mut b::inode,
    _name: *const b::qstr,
    dentry: *mut b::dentry,
    flags: ffi::c_uint,
) -> ffi::c_int {
    // SAFETY: the dentry's superblock is a mounted aufs one.
    let mount = unsafe { mount_of((*dentry).d_sb) };
    from_result(|| {
        if flags & b::AUFS_LOOKUP_RCU != 0 {
            let generation = mount.generation();
            // SAFETY: the dentry's memory, and its inode's, is valid in RCU
            // walk.
            let ctime = unsafe { rcu_inode_ctime(dentry) };
            // SAFETY: in RCU walk the aufs dentry's memory stays valid until
            // the walk ends; its d_time is only read.
            let fresh = unsafe { rcu_generation(dentry) } == generation
                && (mount.trusts_branches()
                    // SAFETY: RCU walk with an aufs dentry, as rcu_check needs.
                    || unsafe {
                        rcu_check(
                            dentry,
                            |info| dinfo::rcu_seen(info, generation, ctime),
                            |parent, seen| dinfo::rcu_unchanged(parent, generation, seen),
                        )
                    });
            return if fresh { Ok(1) } else { Err(ECHILD) };
        }
        let union = mount.current();
        // SAFETY: in ref walk the dentry is pinned by the walk and has info.
        let dentry = unsafe { UnionDentry::borrowed(dentry) };
        Ok(match dentry.revalidate(&union)? {
            Revalidated::Stale => 0,
            Revalidated::Valid => 1,
            Revalidated::Refreshed => {
                // SAFETY: the dentry is pinned by the walk; a positive aufs
                // dentry's inode is a live aufs inode.
                unsafe {
                    let raw = dentry.as_raw();
                    let inode = (*raw).d_inode;
                    if !inode.is_null() {
                        inode::refresh_inode(inode, raw);
                    }
                }
                1
            }
        })
    })
}

/// `dentry_operations.d_release`.
///
/// # Safety
///
/// Called by the VFS once when the dentry is freed, in a context that may
/// sleep.
unsafe extern "C" fn d_release(dentry: *mut b::dentry) {
    // SAFETY: as release_info needs (see above).
    unsafe { release_info::<DentryInfo>(dentry) };
}

pub(crate) static DENTRY_OPS: OpsTable<b::dentry_operations> = OpsTable(b::dentry_operations {
    d_revalidate: Some(d_revalidate),
    d_release: Some(d_release),
    // SAFETY: all-zero is a valid dentry_operations (every op absent).
    ..unsafe { core::mem::zeroed() }
});
