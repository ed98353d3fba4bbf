// SPDX-License-Identifier: GPL-2.0

//! aufs's move-down (`AUFS_CTL_MVDOWN`, its design note 06fhsm): the
//! opposite of copy-up. A file on an upper branch is copied to a lower
//! writable branch and the upper is removed, so that the union shows the
//! same file (contents, attributes, inode number) from the lower branch.
//! The kernel half of aufs's FHSM; `aumvdown` and the `aufhsm` daemon call
//! it.

#![forbid(unsafe_code)]

use crate::ioctl::IoctlFile;
use crate::uapi::{mvdown_flags as F, AufsMvdown, MVDOWN_SIZE};
use crate::vfs::{current_is_sys_admin, UserArg};
use kernel::{error::code::*, prelude::*};

/// `AUFS_CTL_MVDOWN` on `file`: reads the request at `arg`, moves the file
/// down, and writes the request back with its outputs, also on failure (the
/// caller reads `au_errno` then), as aufs does.
pub(crate) fn ioctl(file: &IoctlFile<'_>, arg: UserArg) -> Result<isize> {
    if !current_is_sys_admin() {
        return Err(EPERM);
    }
    let mut req = AufsMvdown::from_bytes(&arg.read::<MVDOWN_SIZE>()?, file.abi);
    // Outputs start clear: the same struct may come back from a former call.
    req.flags &= !(F::ROLOWER_R | F::ROUPPER_R);
    req.au_errno = 0;
    let ret = move_down(file, &mut req);
    arg.write(&req.to_bytes(file.abi))?;
    ret.map(|()| 0)
}

/// The move-down itself: not yet (the file's union info is looked at only).
fn move_down(file: &IoctlFile<'_>, _req: &mut AufsMvdown) -> Result {
    let union = file.mount.current();
    file.dentry.current_info(&union)?;
    Err(ENOTTY)
}
