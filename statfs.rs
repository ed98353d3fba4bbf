// SPDX-License-Identifier: GPL-2.0

//! statfs(2) of the union (aufs's `au_statfs`): the numbers of the first
//! writable branch (`nosum`, the default), or the sum over the branches'
//! filesystems (`sum`: all of them; `wsum`: the writable ones), each
//! filesystem counted once however many branches it holds.

#![forbid(unsafe_code)]

use crate::branch::{Branch, Union};
use crate::opts::Sum;
use crate::vfs::StatFs;
use kernel::prelude::*;

/// The aufs magic `0x61756673` ("aufs"), as statfs reports it.
pub(crate) const AUFS_SUPER_MAGIC: u64 = 0x6175_6673;

impl Union {
    /// The statfs numbers of the union, as the mounter reads its branches.
    pub(crate) fn statfs(&self) -> Result<StatFs> {
        let _mounter = self.as_mounter();
        let mut total = match self.tunables.sum {
            Sum::First => self.statfs_branch().root.statfs()?,
            Sum::All => self.sum_statfs(|_| true)?,
            Sum::Writable => self.sum_statfs(|br| br.perm.is_writable())?,
        };
        total.f_type = AUFS_SUPER_MAGIC as isize;
        total.f_namelen = Union::max_name_len() as isize;
        Ok(total)
    }

    /// The sum over the filesystems of the branches `counted` keeps (branch
    /// 0's alone when it keeps none), in the block size of the first.
    fn sum_statfs(&self, counted: impl Fn(&Branch) -> bool) -> Result<StatFs> {
        let mut seen = KVec::<usize>::new();
        let mut total: Option<StatFs> = None;
        for br in self.branches.iter().filter(|br| counted(br)) {
            let fs = br.root.fs_id();
            if seen.contains(&fs) {
                continue;
            }
            seen.push(fs, GFP_KERNEL)?;
            let numbers = br.root.statfs()?;
            match &mut total {
                None => total = Some(numbers),
                Some(total) => add_statfs(total, &numbers),
            }
        }
        match total {
            Some(total) => Ok(total),
            None => self.branches[0].root.statfs(),
        }
    }
}

/// Adds `more` to `total`, its blocks scaled to `total`'s block size.
fn add_statfs(total: &mut StatFs, more: &StatFs) {
    let (to, from) = (total.f_bsize.max(1) as u64, more.f_bsize.max(1) as u64);
    // Block sizes are powers of two: one divides the other.
    let scale = |blocks: u64| {
        if from >= to {
            blocks.saturating_mul(from / to)
        } else {
            blocks / (to / from)
        }
    };
    total.f_blocks = total.f_blocks.saturating_add(scale(more.f_blocks));
    total.f_bfree = total.f_bfree.saturating_add(scale(more.f_bfree));
    total.f_bavail = total.f_bavail.saturating_add(scale(more.f_bavail));
    total.f_files = total.f_files.saturating_add(more.f_files);
    total.f_ffree = total.f_ffree.saturating_add(more.f_ffree);
}
