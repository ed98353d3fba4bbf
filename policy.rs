// SPDX-License-Identifier: GPL-2.0

//! The writable-branch policies applied (`create=`, `cpup=`): gathers what
//! [`crate::wbr_policy`] decides on (which branches are writable, where the
//! parent dir is, their free space), with what a generation remembers
//! ([`crate::wbr_state`]).

#![forbid(unsafe_code)]

use crate::branch::Union;
use crate::lookup::{is_opaque, is_whited_out, DentryInfo, UnionDentry, UnionDentryRef};
use crate::wbr_policy::{choose_copyup, choose_create, View};
use kernel::{error::code::*, prelude::*, time::Instant};

impl Union {
    /// The branches as the policies see them, for an object whose parent
    /// dir is `parent`; free space read (at most every `interval` s) when
    /// the policy needs it.
    fn views(&self, parent: Option<&DentryInfo>, interval: Option<u32>) -> Result<KVec<View>> {
        let mut views = KVec::with_capacity(self.branches.len(), GFP_KERNEL)?;
        for br in self.branches.iter() {
            let view = View {
                writable: br.setup.is_some(),
                has_parent: false,
                free: 0,
            };
            views.push(view, GFP_KERNEL)?;
        }
        // One pass over the parent's dirs (not one search per branch: a
        // create under a merged dir of 500 layers would cost 250 000 steps).
        for dir in parent.map_or(&[][..], |p| &p.lower[..]) {
            if let Some(view) = views.get_mut(dir.branch) {
                view.has_parent = true;
            }
        }
        if let Some(seconds) = interval {
            self.read_free_space(&mut views, seconds)?;
        }
        Ok(views)
    }

    /// Fills in the free bytes of the writable branches, as read at most
    /// `seconds` ago.
    fn read_free_space(&self, views: &mut [View], seconds: u32) -> Result {
        let mut free = self.policy.free.lock();
        let stale = match &*free {
            Some((read, _)) => read.elapsed().as_millis() >= i64::from(seconds) * 1000,
            None => true,
        };
        if stale {
            let mut bytes = KVec::with_capacity(views.len(), GFP_KERNEL)?;
            let _mounter = self.as_mounter();
            for (br, view) in self.branches.iter().zip(views.iter()) {
                let avail = match view.writable {
                    // A branch whose statfs fails counts as full.
                    true => br
                        .root
                        .statfs()
                        .map_or(0, |st| st.f_bavail.saturating_mul(st.f_bsize as u64)),
                    false => 0,
                };
                bytes.push(avail, GFP_KERNEL)?;
            }
            *free = Some((Instant::now(), bytes));
        }
        if let Some((_, bytes)) = &*free {
            for (view, avail) in views.iter_mut().zip(bytes.iter()) {
                view.free = *avail;
            }
        }
        Ok(())
    }

    /// The lowest branch a new `name` in the union dir `parent` may go to
    /// and still show: not below an opaque dir on the way from the root,
    /// nor below a whiteout of the name or of a dir on the way (the dirs
    /// missing there are copied to the branch). Only looked for when more
    /// than one branch takes writes: with one the choice is forced.
    pub(crate) fn visible_limit(&self, parent: &UnionDentry<'_>, name: &[u8]) -> Result<usize> {
        let bottom = self.branches.len() - 1;
        if self.branches.iter().filter(|br| br.setup.is_some()).count() < 2 {
            return Ok(bottom);
        }
        // The dirs from `parent` up to the root, with the child name in each.
        let mut chain: KVec<(UnionDentryRef, KVec<u8>)> = KVec::new();
        let mut child = parent.name()?;
        let mut next = parent.parent();
        while let Some(dir) = next {
            next = dir.parent();
            let dir_name = dir.name()?;
            chain.push((dir, core::mem::replace(&mut child, dir_name)), GFP_KERNEL)?;
        }
        let mut limit = bottom;
        let _mounter = self.as_mounter();
        for (dir, child) in chain.iter().rev() {
            let not_root = dir.parent().is_some();
            limit = self.limit_in(&*dir.info(self)?, child, limit, not_root)?;
        }
        self.limit_in(&*parent.info(self)?, name, limit, parent.parent().is_some())
    }

    /// [`Union::visible_limit`] one level down: `limit` lowered to an
    /// opaque `dir` (unless it is the root) and to a whiteout of `name` in
    /// it.
    fn limit_in(
        &self,
        dir: &DentryInfo,
        name: &[u8],
        mut limit: usize,
        not_root: bool,
    ) -> Result<usize> {
        if let Some(last) = dir.lower.last().filter(|_| not_root) {
            if last.branch < limit && is_opaque(&last.path)? {
                limit = last.branch;
            }
        }
        for lower in dir.lower.iter().take_while(|l| l.branch <= limit) {
            let honours = self.branches[lower.branch].perm.honours_whiteouts();
            if honours && is_whited_out(&lower.path, name)? {
                return Ok(lower.branch);
            }
        }
        Ok(limit)
    }

    /// The branch a new object `name` (a dir when `is_dir`) in the union
    /// dir `parent` goes to (`create=`).
    pub(crate) fn create_branch(
        &self,
        parent: &UnionDentry<'_>,
        name: &[u8],
        is_dir: bool,
    ) -> Result<usize> {
        let policy = self.tunables.create;
        let limit = self.visible_limit(parent, name)?;
        let views = self.views(Some(&*parent.info(self)?), policy.interval())?;
        let turn = &mut |advance| self.policy.turn(advance);
        choose_create(policy, &views, limit, is_dir, turn).ok_or(EROFS)
    }

    /// The branch where the object of `dentry` is changed (`cpup=`): its own
    /// when that is writable, else the one it is copied up to.
    pub(crate) fn copy_up_branch(&self, dentry: &UnionDentry<'_>) -> Result<usize> {
        let info = dentry.info(self)?;
        let Some(top) = info.top() else {
            return self.write_branch();
        };
        if self.branches[top.branch].setup.is_some() {
            return Ok(top.branch);
        }
        let parent = match dentry.parent() {
            Some(parent) => Some(parent.info(self)?),
            None => None,
        };
        let views = self.views(parent.as_deref(), None)?;
        choose_copyup(self.tunables.cpup, &views, top.branch).ok_or(EROFS)
    }

    /// `want`, or when it is below `limit` the nearest writable branch at
    /// or above `limit` (EROFS when there is none).
    pub(crate) fn within(&self, want: usize, limit: usize) -> Result<usize> {
        if want <= limit {
            return Ok(want);
        }
        self.branches
            .iter()
            .take(limit + 1)
            .rposition(|br| br.setup.is_some())
            .ok_or(EROFS)
    }
}
