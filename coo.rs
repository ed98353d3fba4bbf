// SPDX-License-Identifier: GPL-2.0

//! What opening an object does under its branch's attributes (brattr.rs):
//! `coo_reg`/`coo_all` copy it up first, `moo` moves it up; and `unpin`,
//! which is dropped with a warning when a branch gets its permission.
//!
//! As in aufs (`au_cmoo`), the attribute that counts is the one of the
//! branch the object lives on (its top object), and the copy goes to the
//! nearest writable branch above it; with none above (a read-only mount,
//! or no `rw` branch over it) the open just goes on. The root is never
//! copied. A failed copy-up fails the open, changing nothing (the copy-up's
//! undo). A move-up removes the original only once the copy is open: if
//! that removal fails, it is logged and the open succeeds (the copy is
//! what the union shows), as in aufs.

#![forbid(unsafe_code)]

use crate::branch::Union;
use crate::brattr::OnOpen;
use crate::copyup::{copy_up, Undo};
use crate::lookup::UnionDentry;
use crate::opts::Perm;
use crate::vfs::{MountLog, Path};
use kernel::prelude::*;

/// The copy-up an open makes before it opens the object.
pub(crate) struct OpenCopy {
    /// The branch the object is copied up to.
    pub(crate) branch: usize,
    /// `moo`: the original, to remove once the copy is open.
    original: Option<Original>,
}

/// An object a move-up removes: `name` in `dir`.
struct Original {
    dir: Path,
    name: KVec<u8>,
}

impl Union {
    /// The copy-up the open of `dentry` makes first (a regular file when
    /// `regular`; `writer`: an open that may write): the one its branch's
    /// `coo_*`/`moo` attribute asks for, else for a writer the one `cpup=`
    /// gives (on its own branch when that is writable). None: the object
    /// is opened where it is.
    pub(crate) fn copy_on_open(
        &self,
        dentry: &UnionDentry<'_>,
        regular: bool,
        writer: bool,
    ) -> Result<Option<OpenCopy>> {
        if let Some(copy) = self.copy_asked_by_branch(dentry, regular)? {
            return Ok(Some(copy));
        }
        match writer {
            true => Ok(Some(OpenCopy {
                branch: self.copy_up_branch(dentry)?,
                original: None,
            })),
            false => Ok(None),
        }
    }

    /// The copy-up the attribute of the branch of `dentry`'s object asks
    /// for, if any and if a writable branch is above it.
    fn copy_asked_by_branch(
        &self,
        dentry: &UnionDentry<'_>,
        regular: bool,
    ) -> Result<Option<OpenCopy>> {
        // The object's branch as the name's info has it (aufs's dbtop). A
        // name found through a pseudo-link (another name of the file was
        // copied up) has the copy there, and opens it.
        let info = dentry.info(self)?;
        let Some(top) = info.top() else {
            return Ok(None);
        };
        let what = self.branches[top.branch].perm.attrs.on_open(regular);
        if what == OnOpen::Nothing {
            return Ok(None);
        }
        // The root is never copied (it is on every branch).
        let Some(parent) = dentry.parent() else {
            return Ok(None);
        };
        let above = &self.branches[..top.branch];
        let Some(branch) = above.iter().rposition(|br| br.setup.is_some()) else {
            return Ok(None);
        };
        // A pseudo-link showing the file above that branch: nothing to copy.
        if dentry
            .current_info(self)?
            .top()
            .is_some_and(|t| t.branch < branch)
        {
            return Ok(None);
        }
        let original = match (what, parent.info(self)?.on_branch(top.branch)) {
            (OnOpen::MoveUp, Some(dir)) => Some(Original {
                dir: dir.path.clone_ref(),
                name: dentry.name()?,
            }),
            _ => None,
        };
        Ok(Some(OpenCopy { branch, original }))
    }
}

impl OpenCopy {
    /// The copy is open: a move-up removes the original from its branch
    /// now (as the mounter). A failure is logged and ignored, as in aufs.
    /// The original's inode number entry stays until the union inode bound
    /// to it is evicted, which clears it (its link count is 0 then) while
    /// the copy's entry keeps the number: clearing it here would free the
    /// number twice.
    pub(crate) fn finish(self, union: &Union) {
        let Some(original) = self.original else {
            return;
        };
        let _mounter = union.as_mounter();
        if let Err(e) = original.dir.remove_child(&original.name, false) {
            pr_err!(
                "moo: removing the original after its copy-up failed ({}), ignored\n",
                e.to_errno()
            );
        }
    }
}

/// `coo_all` on the open of dir `dentry`: the dir is copied up (made on the
/// branch, with its parents, attributes and xattrs; its entries stay where
/// they are). The caller holds the dir's union inode lock, as for a chmod.
pub(crate) fn copy_dir_on_open(union: &Union, dentry: &UnionDentry<'_>) -> Result {
    let Some(copy) = union.copy_on_open(dentry, false, false)? else {
        return Ok(());
    };
    let mut undo = Undo::new(union);
    copy_up(union, dentry, copy.branch, &mut undo)?;
    undo.keep();
    Ok(())
}

/// The permission `perm` as a branch takes it: `unpin`, which aufs keeps
/// only for old scripts, goes, with aufs's warning.
pub(crate) fn applied(mut perm: Perm, log: &MountLog) -> Perm {
    if perm.attrs.take_unpin() {
        log.warn(format_args!("ignored branch attribute unpin"));
    }
    perm
}
