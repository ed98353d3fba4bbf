// SPDX-License-Identifier: GPL-2.0

//! Dentry info over generations (aufs's dinfo.c): the info of a union dentry
//! for the current generation (looked up again after a remount changed the
//! branches), `udba=reval` revalidation, and the stamps that tell our own
//! changes from foreign ones. The handle ([`UnionDentry`]) stores infos; this
//! file decides which.

#![forbid(unsafe_code)]

use crate::branch::Union;
use crate::copyup::Step;
use crate::lookup::{
    self, dir_stamp, dir_stamp_above, lost_below_top, lost_top, stamp_limit, DentryInfo,
    PreparedInfo, UnionDentry, UnionDentryRef,
};
use crate::opts::Udba;
use crate::vfs::dentry::DentryData;
use kernel::{error::code::*, prelude::*, sync::Arc};

/// True when `a` and `b` stand for the same union object: the same top
/// branch object, or both negative.
fn same_object(a: &DentryInfo, b: &DentryInfo) -> bool {
    let top = |info: &DentryInfo| info.top().map_or(core::ptr::null_mut(), |t| t.path.inode());
    top(a) == top(b)
}

/// What the RCU-walk check of a child needs from its own info: its stamp and
/// the branch limit of its parent's stamp (None: the child is of another
/// generation, lost its top object, or its top object's change time is not
/// the union inode's `ctime` any more, so the walk goes to ref walk, which
/// takes the attributes again: a mode or owner changed directly on the
/// branch counts for the next permission check, as aufs checks the branch
/// inode).
pub(crate) fn rcu_seen(
    info: &DentryInfo,
    generation: u64,
    ctime: Option<(i64, u32)>,
) -> Option<(u64, usize)> {
    let in_step = info.top().map(|top| top.path.ctime()) == ctime;
    (info.generation == generation && !lost_top(info) && in_step)
        .then(|| (info.stamp, stamp_limit(info)))
}

/// The RCU-walk form of the `udba=reval` check, on the parent's info: true
/// when the parent's branch dirs did not change since the child's lookup
/// (`seen` from [`rcu_seen`]).
pub(crate) fn rcu_unchanged(parent: &DentryInfo, generation: u64, seen: (u64, usize)) -> bool {
    let (stamp, limit) = seen;
    parent.generation == generation && dir_stamp_above(parent, limit) == stamp
}

impl DentryData for DentryInfo {
    /// The parent dirs copied up to create the file: undone if its open
    /// fails.
    type Stash = Step;

    fn generation(&self) -> u64 {
        self.generation
    }
}

/// True when `info` may be used as it is: of `union`'s generation, and
/// (unless `udba=none`) no dir of a merged dir below its top one left its
/// branch (a lookup in a removed dir fails, and one made again in its place
/// would not be read). For the root (`root`), whose dirs are the branch
/// roots that no new lookup replaces, the generation alone counts.
fn is_current(union: &Union, info: &DentryInfo, root: bool) -> bool {
    info.generation == union.generation
        && (union.udba == Udba::None || root || !lost_below_top(info))
}

/// What `d_revalidate` decided.
pub(crate) enum Revalidated {
    /// The dentry names another object now (or none): it goes.
    Stale,
    /// The dentry stays as it is.
    Valid,
    /// The dentry stays; its inode takes the attributes of the top branch
    /// object again (it was looked up again or checked against its branch).
    Refreshed,
}

impl UnionDentry<'_> {
    /// The union info for `union`'s generation. After a remount changed the
    /// branches, the dentry and its stale ancestors are looked up again;
    /// ESTALE if it now names another object. So is a merged dir that lost
    /// one of its lower dirs behind the union's back (unless `udba=none`):
    /// the walk through it checks only its top dir, one read whatever the
    /// layers; its other dirs are checked here, before its entries are read.
    pub(crate) fn info(&self, union: &Union) -> Result<Arc<DentryInfo>> {
        let info = self.stored()?;
        if is_current(union, &info, self.is_root()) {
            return Ok(info);
        }
        // Find the nearest ancestor that is up to date, then rebuild
        // downwards (iteratively: paths may be deep).
        let mut stale: KVec<UnionDentryRef> = KVec::new();
        let mut base = None;
        let mut next = self.parent();
        while let Some(dir) = next {
            let info = dir.stored()?;
            if is_current(union, &info, dir.is_root()) {
                base = Some(info);
                break;
            }
            next = dir.parent();
            stale.push(dir, GFP_KERNEL)?;
        }
        for dir in stale.iter().rev() {
            base = Some(dir.rebuild(union, base.as_deref())?);
        }
        self.rebuild(union, base.as_deref())
    }

    /// Looks the dentry up again under `parent` (None: it is the root) and
    /// keeps the result if it is still the same object (else ESTALE).
    fn rebuild(&self, union: &Union, parent: Option<&DentryInfo>) -> Result<Arc<DentryInfo>> {
        // A change through the union stored meanwhile wins over our lookup,
        // which may predate it: look again (a few times, then give up).
        for _ in 0..4 {
            let old = self.stored()?;
            let new = match parent {
                None => DentryInfo::root(union)?,
                Some(parent) => lookup::lookup(union, parent, &self.name()?)?,
            };
            if !same_object(&old, &new) {
                return Err(ESTALE);
            }
            let now = self.store_unless_changed(&old, new)?;
            if now.generation == union.generation {
                return Ok(now);
            }
        }
        Err(ESTALE)
    }

    /// `d_revalidate` in ref walk: true when the dentry may stay. It is
    /// looked up again after a remount, and with `udba=reval` also when an
    /// object of it left its branch or the parent's branch dirs changed.
    pub(crate) fn revalidate(&self, union: &Union) -> Result<Revalidated> {
        let info = self.stored()?;
        let current = info.generation == union.generation;
        if current && union.udba == Udba::None {
            return Ok(Revalidated::Valid);
        }
        let Some(parent) = self.parent() else {
            return Ok(Revalidated::Valid);
        };
        let Ok(parent_info) = parent.info(union) else {
            return Ok(Revalidated::Stale);
        };
        let unchanged = current && !lost_top(&info) && info.stamp == dir_stamp(&parent_info, &info);
        if !unchanged && self.rebuild(union, Some(&parent_info)).is_err() {
            return Ok(Revalidated::Stale);
        }
        Ok(Revalidated::Refreshed)
    }

    /// The union info, after following a pseudo-link: another name of a
    /// hardlinked file may have been copied up since this one was looked up.
    pub(crate) fn current_info(&self, union: &Union) -> Result<Arc<DentryInfo>> {
        let info = self.info(union)?;
        match lookup::follow_pseudo_link(union, &info)? {
            Some(newer) => self.store_unless_changed(&info, newer),
            None => Ok(info),
        }
    }

    /// Replaces the union info (after a change made through the union). The
    /// parent's branch dirs changed with it: their new stamp is recorded, so
    /// that `udba=reval` does not take our own change for a foreign one.
    pub(crate) fn set_info(&self, mut info: DentryInfo) -> Result {
        self.stamp_for_parent(&mut info);
        self.store(info).map(drop)
    }

    /// [`UnionDentry::set_info`] with an info allocated ahead: infallible.
    /// Returns what it stored.
    pub(crate) fn set_prepared(&self, info: PreparedInfo) -> Arc<DentryInfo> {
        let mut info = info.into_inner();
        self.stamp_for_parent(&mut info);
        self.store_arc(info.into())
    }

    /// Records in `info` the current stamp of the parent's branch dirs, if
    /// the parent's info is of the same generation.
    pub(crate) fn stamp_for_parent(&self, info: &mut DentryInfo) {
        if let Some(parent) = self.parent() {
            if let Ok(parent_info) = parent.stored() {
                if parent_info.generation == info.generation {
                    info.stamp = dir_stamp(&parent_info, info);
                }
            }
        }
    }
}
