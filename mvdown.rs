// SPDX-License-Identifier: GPL-2.0

//! aufs's move-down (`AUFS_CTL_MVDOWN`, its design note 06fhsm): the
//! opposite of copy-up. A file on an upper branch is copied to a lower
//! writable branch and the upper is removed, so that the union shows the
//! same file (contents, attributes, inode number) from the lower branch.
//! The kernel half of aufs's FHSM; `aumvdown` and the `aufhsm` daemon call
//! it.
//!
//! Locks, in aufs's (and the VFS's) order: the union parent dir's inode
//! (`I_MUTEX_PARENT`), then the file's union inode (`I_MUTEX_CHILD`), then,
//! inside the branch operations, the branch dirs' own (as a rename or
//! unlink through the union, which the VFS calls with the same two held).

#![forbid(unsafe_code)]

use crate::branch::{Branch, Union};
use crate::copyup::{copy_file_via, copy_inode_flags, upper_dir, Undo};
use crate::ioctl::IoctlFile;
use crate::lookup::{is_opaque, is_whited_out, DentryInfo, UnionDentry};
use crate::uapi::MVDOWN_UPPER;
use crate::uapi::{mvdown_flags as F, AuErrno, AufsMvdown, AufsStfs, MVDOWN_LOWER, MVDOWN_SIZE};
use crate::upper::RENAME_NOREPLACE;
use crate::vfs::{current_is_sys_admin, Path, UserArg};
use crate::whiteout::whiteout_name;
use core::sync::atomic::{AtomicU64, Ordering};
use kernel::{error::code::*, prelude::*, str::CString};

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

/// A refusal: `errno`, with `code` in the request's `au_errno`, and with
/// `DMSG` the reason in the kernel log.
fn refuse(req: &mut AufsMvdown, code: Option<AuErrno>, errno: Error, why: &str) -> Error {
    req.au_errno = code.map_or(0, |c| c as i8);
    if req.flags & F::DMSG != 0 {
        pr_err!("aufs: move-down: {why}\n");
    }
    errno
}

/// The two branches of a move-down, and where the name is found below the
/// upper one.
struct Plan {
    /// The branch the file is moved from (aufs: bsrc).
    upper: usize,
    /// The branch it is moved to (aufs: bdst).
    lower: usize,
    /// The branch of the first object of that name below `upper`, if any.
    found: Option<usize>,
}

/// The move-down itself, under the parent dir's and the file's union inode
/// locks (no create, unlink, rename, copy-up, open-for-write copy-up or
/// write through the union meanwhile).
fn move_down(file: &IoctlFile<'_>, req: &mut AufsMvdown) -> Result {
    if file.is_dir {
        return Err(EISDIR);
    }
    let _locked = file.dentry.lock_with_parent()?;
    let union = file.mount.current();
    let info = file.dentry.current_info(&union)?;
    let parent = file.dentry.parent().ok_or(EINVAL)?;
    let parent_info = parent.info(&union)?;
    let name = file.dentry.name()?;
    let plan = plan(&union, file, &info, &parent_info, &name, req)?;
    move_object(&union, file, &info, &parent, &name, &plan, req)?;
    report(&union, &plan, req);
    Ok(())
}

/// Picks the branches and checks that the move keeps the union as it shows
/// (aufs's checks, in its order, with its errors).
fn plan(
    union: &Union,
    file: &IoctlFile<'_>,
    info: &DentryInfo,
    parent: &DentryInfo,
    name: &[u8],
    req: &mut AufsMvdown,
) -> Result<Plan> {
    let top = info.top().ok_or(ENOENT)?;
    let upper = upper_branch(union, top.branch, req)?;
    let lower = lower_branch(union, upper, req)?;
    check_idle(file, info, top.branch, upper, req)?;
    let _mounter = union.as_mounter();
    check_ancestors(union, file, lower, req)?;
    let found = check_between(union, parent, name, upper, lower, req)?;
    if found == Some(lower) && req.flags & F::OWLOWER == 0 {
        return Err(refuse(
            req,
            None,
            EEXIST,
            "the file exists on the lower branch",
        ));
    }
    Ok(Plan {
        upper,
        lower,
        found,
    })
}

/// The index of the branch with id `brid`.
fn branch_of(union: &Union, brid: i16) -> Option<usize> {
    let brid = u32::try_from(brid).ok()?;
    union.branches.iter().position(|br| br.id == brid)
}

/// The upper branch: the file's top branch, or the one named by
/// `BRID_UPPER`; writable unless `ROUPPER`.
fn upper_branch(union: &Union, top: usize, req: &mut AufsMvdown) -> Result<usize> {
    let upper = if req.flags & F::BRID_UPPER == 0 {
        top
    } else {
        match branch_of(union, req.stbr[MVDOWN_UPPER].brid) {
            Some(b) if b == top => b,
            _ => return Err(refuse(req, Some(AuErrno::NoUpper), EINVAL, "no upper")),
        }
    };
    if upper + 1 == union.branches.len() {
        return Err(refuse(req, Some(AuErrno::Bottom), EINVAL, "on the bottom"));
    }
    if !union.branches[upper].perm.is_writable() {
        if req.flags & F::ROUPPER == 0 {
            return Err(refuse(req, None, EROFS, "the upper branch is read-only"));
        }
        req.flags |= F::ROUPPER_R;
    }
    Ok(upper)
}

/// The next branch below `from` a file may be moved to with `flags`:
/// `rw` ones, or with `ROLOWER` any; with `FHSM_LOWER` only those with the
/// `fhsm` attribute (the FHSM daemon's moves stay in the hierarchy).
fn next_lower(union: &Union, from: usize, flags: u32) -> Option<usize> {
    let fits = |br: &Branch| {
        (br.perm.is_writable() || flags & F::ROLOWER != 0)
            && (br.perm.fhsm() || flags & F::FHSM_LOWER == 0)
    };
    (from + 1..union.branches.len()).find(|&b| fits(&union.branches[b]))
}

/// The lower branch: the next one below `upper`, or the one named by
/// `BRID_LOWER`, which must be below it.
fn lower_branch(union: &Union, upper: usize, req: &mut AufsMvdown) -> Result<usize> {
    let lower = if req.flags & F::BRID_LOWER == 0 {
        next_lower(union, upper, req.flags)
            .ok_or_else(|| refuse(req, Some(AuErrno::Bottom), EINVAL, "no writable lower"))?
    } else {
        match branch_of(union, req.stbr[MVDOWN_LOWER].brid) {
            Some(b) if b > upper => b,
            _ => {
                return Err(refuse(
                    req,
                    Some(AuErrno::NoLowerBr),
                    EINVAL,
                    "no lower brid",
                ))
            }
        }
    };
    if !union.branches[lower].perm.is_writable() {
        if req.flags & F::ROLOWER == 0 {
            return Err(refuse(req, None, EROFS, "the lower branch is read-only"));
        }
        req.flags |= F::ROLOWER_R;
    }
    Ok(lower)
}

/// The references the caller's own open file holds on its dentry: its
/// `f_path`, and its backing file's user path (`backing_file_open` keeps it
/// for /proc/PID/maps). aufs counts one: its files have no backing file.
const OWN_DENTRY_REFS: u32 = 2;

/// Nobody else may use the file: its name only through the caller's open
/// file (one dentry reference), one inode reference, one link (not hard-
/// linked, no pseudo-link), and the file is on the upper branch itself.
fn check_idle(
    file: &IoctlFile<'_>,
    info: &DentryInfo,
    top: usize,
    upper: usize,
    req: &mut AufsMvdown,
) -> Result {
    let (dcount, icount, nlink) = file.dentry.users().ok_or(ENOENT)?;
    let branch_links = info.top().map_or(0, |t| t.path.nlink());
    if top == upper
        && dcount == OWN_DENTRY_REFS
        && icount == 1
        && nlink == 1
        && branch_links == 1
        && !info.pseudo
    {
        return Ok(());
    }
    if req.flags & F::DMSG != 0 {
        pr_err!(
            "aufs: move-down: busy: b{top}, d{dcount}, i{icount}, l{nlink}, hl{branch_links}\n"
        );
    }
    Err(EBUSY)
}

/// An opaque dir among the file's ancestors above the lower branch, or an
/// ancestor whited out there, would hide the moved file: EINVAL, OPAQUE.
/// The union root is never opaque.
fn check_ancestors(
    union: &Union,
    file: &IoctlFile<'_>,
    lower: usize,
    req: &mut AufsMvdown,
) -> Result {
    let mut next = file.dentry.parent();
    while let Some(dir) = next {
        let Some(up) = dir.parent() else {
            break;
        };
        if opaque_above(union, &*dir.info(union)?, lower)?
            || whited_out_above(union, &*up.info(union)?, &dir.name()?, lower)?
        {
            return Err(refuse(
                req,
                Some(AuErrno::Opaque),
                EINVAL,
                "ancestor is opaque",
            ));
        }
        next = Some(up);
    }
    Ok(())
}

/// True when a dir of `dir` above branch `lower` is opaque.
fn opaque_above(union: &Union, dir: &DentryInfo, lower: usize) -> Result<bool> {
    for l in dir.lower.iter().filter(|l| l.branch < lower) {
        if union.branches[l.branch].perm.honours_whiteouts() && is_opaque(&l.path)? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// True when `name` is whited out in a dir of `parent` above branch `lower`.
fn whited_out_above(union: &Union, parent: &DentryInfo, name: &[u8], lower: usize) -> Result<bool> {
    for l in parent.lower.iter().filter(|l| l.branch < lower) {
        if union.branches[l.branch].perm.honours_whiteouts() && is_whited_out(&l.path, name)? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Looks `name` up below the upper branch as lookup would: a whiteout
/// between the branches (EINVAL, WHITEOUT) or the name on a branch between
/// them (EINVAL, UPPER) refuses the move. Returns where the name is found.
fn check_between(
    union: &Union,
    parent: &DentryInfo,
    name: &[u8],
    upper: usize,
    lower: usize,
    req: &mut AufsMvdown,
) -> Result<Option<usize>> {
    for l in parent.lower.iter().filter(|l| l.branch > upper) {
        let honours = union.branches[l.branch].perm.honours_whiteouts();
        if honours && is_whited_out(&l.path, name)? {
            if l.branch < lower {
                return Err(refuse(
                    req,
                    Some(AuErrno::Whiteout),
                    EINVAL,
                    "whiteout above",
                ));
            }
            return Ok(None);
        }
        if l.path.lookup_child(name)?.is_some() {
            if l.branch < lower {
                return Err(refuse(req, Some(AuErrno::Upper), EINVAL, "upper exists"));
            }
            return Ok(Some(l.branch));
        }
        if honours && is_opaque(&l.path)? {
            break;
        }
    }
    Ok(None)
}

/// Copies the file to the lower branch under a temporary name and renames
/// it into place, then removes the upper (unless `KUPPER`). Until the upper
/// is gone, any failure undoes what was made on the lower branch (parent
/// dirs, a removed whiteout, the copy): the union still shows the upper.
fn move_object(
    union: &Union,
    file: &IoctlFile<'_>,
    info: &DentryInfo,
    parent: &UnionDentry<'_>,
    name: &[u8],
    plan: &Plan,
    req: &AufsMvdown,
) -> Result {
    let src = info.top().ok_or(ENOENT)?;
    let mut undo = Undo::new(union);
    let dir = upper_dir(union, parent, plan.lower, &mut undo)?;
    let src_dir = parent
        .info(union)?
        .on_branch(plan.upper)
        .map(|l| l.path.clone_ref());
    let src_dir = src_dir.ok_or(ENOENT)?;
    let _mounter = union.as_mounter();
    let overwrite = plan.found == Some(plan.lower);
    let copy = copy_down(
        union, &src.path, &dir, name, plan.lower, overwrite, &mut undo,
    )?;
    union.keep_inode_number(&src.path, &copy);
    copy_inode_flags(&src.path, &copy)?;
    if req.flags & F::KUPPER == 0 {
        let moved = DentryInfo::single(union, plan.lower, copy.clone_ref())?;
        let moved = UnionDentry::prepare_info(moved)?;
        src_dir.remove_child(name, false)?;
        let _ = file.dentry.set_prepared(moved);
        // The union inode stands on the removed upper, which it keeps (and
        // its blocks, and the upper branch busy) while cached: the name is
        // unhashed so that both go when the caller closes the file (aufs
        // drops the upper from its inode at once), and the next lookup
        // makes them afresh on the lower copy, with the same number (xino).
        file.dentry.unhash();
    }
    undo.keep();
    Ok(())
}

/// The copy on the lower branch, made whole under a temporary name (in the
/// branch's `.wh..wh.orph/`, or, on a branch without one, `ro` with
/// `ROLOWER`, in the target dir: `.wh.` names are never shown) and renamed
/// over the name: over an existing lower file only when asked to overwrite
/// it (then it is not undone: the old lower file is gone, the copy equals
/// the upper). A whiteout of the name on the branch goes first (lookup
/// stops at it), recorded to come back on failure.
fn copy_down(
    union: &Union,
    src: &Path,
    dir: &Path,
    name: &[u8],
    lower: usize,
    overwrite: bool,
    undo: &mut Undo<'_>,
) -> Result<Path> {
    static SEQUENCE: AtomicU64 = AtomicU64::new(0);
    let temp = CString::try_from_fmt(fmt!(
        ".wh..wh.mvdown.{:x}",
        SEQUENCE.fetch_add(1, Ordering::Relaxed)
    ))?;
    let temp_dir = match &union.branches[lower].setup {
        Some(setup) => &setup.orph,
        None => dir,
    };
    let mut buf = [0u8; 256];
    let wh = whiteout_name(name, &mut buf).ok_or(ENAMETOOLONG)?;
    if dir.lookup_child(wh)?.is_some() {
        let step = undo.unhidden(dir, name, lower)?;
        dir.remove_child(wh, false)?;
        undo.push(step);
    }
    let flags = if overwrite { 0 } else { RENAME_NOREPLACE };
    let step = undo.made(dir, name, false)?;
    let icex = union.branches[lower].perm.attrs;
    copy_file_via(src, temp_dir, temp.to_bytes(), dir, name, flags, icex)?;
    if !overwrite {
        undo.push(step);
    }
    dir.lookup_child(name)?.ok_or(ENOENT)
}

/// The outputs of a move-down that worked: both branches' index and id,
/// `BOTTOM` when no branch the file could move to next is below the lower
/// one, and with `STFS` both branches' free space (a statfs failure only
/// sets `STFS_FAILED`: the move itself is done).
fn report(union: &Union, plan: &Plan, req: &mut AufsMvdown) {
    for (i, b) in [(MVDOWN_UPPER, plan.upper), (MVDOWN_LOWER, plan.lower)] {
        req.stbr[i].bindex = b as i16;
        req.stbr[i].brid = union.branches[b].id as i16;
    }
    if next_lower(union, plan.lower, req.flags & !F::ROLOWER).is_none() {
        req.flags |= F::BOTTOM;
    }
    if req.flags & F::STFS == 0 {
        return;
    }
    req.flags |= F::STFS_FAILED;
    let stfs = |b: usize| -> Result<AufsStfs> {
        let st = union.branches[b].root.statfs()?;
        Ok(AufsStfs {
            f_blocks: st.f_blocks,
            f_bavail: st.f_bavail,
            f_files: st.f_files,
            f_ffree: st.f_ffree,
        })
    };
    if let (Ok(u), Ok(l)) = (stfs(plan.upper), stfs(plan.lower)) {
        req.stbr[MVDOWN_UPPER].stfs = u;
        req.stbr[MVDOWN_LOWER].stfs = l;
        req.flags &= !F::STFS_FAILED;
    }
}
