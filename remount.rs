// SPDX-License-Identifier: GPL-2.0

//! Remount: branch edits (`add`, `del`, `mod`, ...), `udba=` and the xino
//! options build the next generation of a [`Union`] from the current one;
//! nothing changes until it is installed.

#![forbid(unsafe_code)]

use crate::branch::{check_branch, mount_tunables, notify_group, warn_perm, Branch, Union};
use crate::config::{BranchConfig, MountConfig, MAX_BRANCHES};
use crate::edits::{self, BranchList, EditError};
use crate::errname::errname;
use crate::lookup::DentryInfo;
use crate::lookup::UnionDentry;
use crate::mount::Mount;
use crate::nameidx::NameIndexes;
use crate::opts::Perm;
use crate::sysfs;
use crate::vfs::{MountLog, Path};
use crate::wbr_state::PolicyState;
use crate::xino::{xino_dir, DEFAULT_PATH};
use kernel::{error::code::*, prelude::*, str::CString, sync::Arc};

impl Union {
    /// The next generation after a remount with `config` (branch edits
    /// applied left to right, `udba=`), or an error that changes nothing.
    /// The caller still has to check that the branches in
    /// [`Remount::removed`] and [`Remount::made_read_only`] are not busy.
    pub(crate) fn remount(
        &self,
        config: &MountConfig,
        read_only: bool,
        log: &MountLog,
    ) -> Result<Remount> {
        crate::rootless::check_options(&config.settings, &self.cred, log)?;
        if !config.edits.is_empty() || read_only {
            // Dirs being emptied in the background (`dirwh=`) are gone
            // before a branch is deleted or stops taking writes.
            self.removals.flush();
        }
        let Edited {
            mut branches,
            next_id,
            removed,
            made_read_only,
        } = self.apply_edits(config, read_only, log)?;
        self.prepare_writable(&mut branches, read_only, log)?;
        let (xino_explicit, xino_change) = self.remount_xino(config, &branches, log)?;
        let mut branch_fs = KVec::with_capacity(branches.len(), GFP_KERNEL)?;
        for br in branches.iter() {
            branch_fs.push(br.root.fs_id(), GFP_KERNEL)?;
        }
        let union = Union {
            id: self.id,
            generation: self.generation + 1,
            branches,
            next_id,
            cred: self.cred.clone(),
            xino: self.xino.clone(),
            xino_explicit,
            trunc_xino: config.settings.trunc_xino.unwrap_or(self.trunc_xino),
            diropq_always: config.settings.diropq_always.unwrap_or(self.diropq_always),
            dio: config.settings.dio.unwrap_or(self.dio),
            dirperm1: config.settings.dirperm1.unwrap_or(self.dirperm1),
            dirren: config.settings.dirren.unwrap_or(self.dirren),
            udba: config.settings.udba.unwrap_or(self.udba),
            notify: notify_group(
                config.settings.udba.unwrap_or(self.udba),
                self.notify.as_ref(),
            )?,
            tunables: mount_tunables(self.tunables, config, read_only, log)?,
            policy: PolicyState::new()?,
            names: NameIndexes::new()?,
            removals: self.removals.clone(),
            fhsm: self.fhsm.clone(),
        };
        Ok(Remount {
            union: Arc::new(union, GFP_KERNEL)?,
            removed,
            made_read_only,
            xino_change,
            branch_fs,
            list_plink: config.settings.more.list_plink,
        })
    }

    /// The branch list after `config`'s edits, applied left to right.
    fn apply_edits(&self, config: &MountConfig, read_only: bool, log: &MountLog) -> Result<Edited> {
        let mut branches = KVec::with_capacity(self.branches.len() + 1, GFP_KERNEL)?;
        for br in self.branches.iter() {
            branches.push(br.clone(), GFP_KERNEL)?;
        }
        let mut list = EditTarget {
            union: self,
            read_only,
            warn_perm: (config.settings.more.warn_perm).unwrap_or(self.tunables.warn_perm),
            log,
            branches,
            removed: KVec::new(),
            made_read_only: KVec::new(),
        };
        let mut next_id = self.next_id;
        edits::apply(&mut list, config.edits.iter(), &mut next_id, MAX_BRANCHES)?;
        Ok(Edited {
            branches: list.branches,
            next_id,
            removed: list.removed,
            made_read_only: list.made_read_only,
        })
    }

    /// Writable branches get (or lose) their aufs objects, also when only
    /// the mount's ro/rw flag changed.
    fn prepare_writable(
        &self,
        branches: &mut KVec<Arc<Branch>>,
        read_only: bool,
        log: &MountLog,
    ) -> Result {
        for index in 0..branches.len() {
            let br = &branches[index];
            if br.setup.is_some() != (br.perm.is_writable() && !read_only) {
                let mut new = br.with_perm(br.perm)?;
                if let Some(setup) = &br.setup {
                    new.setup = Some(setup.clone_ref());
                }
                let new = new.prepared(read_only, &self.cred, index, log)?;
                branches[index] = Arc::new(new, GFP_KERNEL)?;
            }
        }
        Ok(())
    }

    /// The xino tables after a remount: `noxino` drops them (inodes made
    /// from then on get transient numbers), `xino=PATH` moves them to PATH,
    /// or on a `noxino` mount makes new ones there. Returns the new
    /// "explicit path" flag and the change to make
    /// ([`Remount::commit_xino`]): nothing changes here.
    fn remount_xino(
        &self,
        config: &MountConfig,
        branches: &[Arc<Branch>],
        log: &MountLog,
    ) -> Result<(bool, XinoChange)> {
        let tables = self.xino.has_tables();
        if config.settings.no_xino {
            let change = if tables {
                XinoChange::Stop
            } else {
                XinoChange::Keep
            };
            return Ok((false, change));
        }
        let Some(path) = &config.settings.xino_path else {
            return Ok((self.xino_explicit, XinoChange::Keep));
        };
        let text = path.to_str().map_err(|_| EINVAL)?;
        if tables && self.xino.has_path(text) {
            return Ok((self.xino_explicit, XinoChange::Keep));
        }
        let explicit = text != DEFAULT_PATH;
        let dir = xino_dir(
            text,
            branches.iter().map(|br| &br.root),
            &self.cred,
            explicit,
            log,
        )?;
        let new_path = CString::try_from_fmt(fmt!("{text}"))?;
        let change = if tables {
            XinoChange::Move(new_path, dir)
        } else {
            XinoChange::Start(new_path, dir)
        };
        Ok((explicit, change))
    }

    /// Resolves `spec` and inserts it so that it gets index `index` (at most
    /// the list's length: [`edits::apply`] checks it and the limit).
    fn insert(
        &self,
        branches: &mut KVec<Arc<Branch>>,
        index: usize,
        spec: &BranchConfig,
        id: u32,
        (read_only, warn): (bool, bool),
        log: &MountLog,
    ) -> Result {
        let branch = Branch::resolve(spec, index, id, read_only, &self.cred, log)?;
        check_branch(branches, &branch.root, index, log)?;
        if let Some(top) = branches.first().filter(|_| warn) {
            warn_perm(top, &branch, log);
        }
        if self.xino_explicit && self.xino.is_within(&branch.root) {
            return Err(log.error(EINVAL, format_args!("branch {index} holds the xino file")));
        }
        let branch = Arc::new(branch, GFP_KERNEL)?;
        branches.reserve(1, GFP_KERNEL)?;
        branches
            .insert_within_capacity(index, branch)
            .map_err(|_| EINVAL)
    }
}

/// The index of the branch at `path` (for `del`/`mod`).
fn find_branch(
    branches: &[Arc<Branch>],
    path: &CString,
    what: &str,
    log: &MountLog,
) -> Result<usize> {
    let text = path.to_str().unwrap_or("?");
    let dir = Path::lookup_dir(path).map_err(|e| {
        log.error(
            e,
            format_args!("{what} \"{text}\": {}", errname(e.to_errno())),
        )
    })?;
    branches
        .iter()
        .position(|br| br.is_at(&dir))
        .ok_or_else(|| log.error(EINVAL, format_args!("{what} \"{text}\": not a branch")))
}

/// The branch list a remount's edits change: the union's branches, with
/// what the edits removed or made read-only.
struct EditTarget<'a> {
    union: &'a Union,
    read_only: bool,
    /// `warn_perm` for the branches added.
    warn_perm: bool,
    log: &'a MountLog,
    branches: KVec<Arc<Branch>>,
    removed: KVec<Arc<Branch>>,
    made_read_only: KVec<Arc<Branch>>,
}

impl BranchList<BranchConfig, CString> for EditTarget<'_> {
    type Error = Error;

    #[inline]
    fn len(&self) -> usize {
        self.branches.len()
    }

    #[inline]
    fn find(&self, path: &CString, what: &str) -> Result<usize> {
        find_branch(&self.branches, path, what, self.log)
    }

    /// A path that does not resolve is no branch (inserting it says why).
    fn has(&self, spec: &BranchConfig) -> Result<bool> {
        Ok(match Path::lookup_dir(&spec.path) {
            Ok(dir) => self.branches.iter().any(|br| br.is_at(&dir)),
            Err(_) => false,
        })
    }

    #[inline]
    fn insert(&mut self, index: usize, spec: &BranchConfig, id: u32) -> Result {
        let (union, flags, log) = (self.union, (self.read_only, self.warn_perm), self.log);
        union.insert(&mut self.branches, index, spec, id, flags, log)
    }

    #[inline]
    fn remove(&mut self, index: usize) -> Result {
        let branch = self.branches.remove(index).map_err(|_| EINVAL)?;
        self.removed.push(branch, GFP_KERNEL)?;
        Ok(())
    }

    #[inline]
    fn modify(&mut self, index: usize, perm: Perm) -> Result {
        let perm = crate::coo::applied(perm, self.log);
        let old = &self.branches[index];
        if old.perm.is_writable() && !perm.is_writable() {
            self.made_read_only.push(old.clone(), GFP_KERNEL)?;
        }
        let new = old.with_perm(perm)?;
        self.branches[index] = Arc::new(new, GFP_KERNEL)?;
        Ok(())
    }

    #[inline]
    fn refuse(&self, error: EditError) -> Error {
        self.log.error(EINVAL, format_args!("{error}"))
    }
}

/// The branch list after a remount's edits.
struct Edited {
    branches: KVec<Arc<Branch>>,
    /// The id the next added branch gets.
    next_id: u32,
    /// Branches `del` removed.
    removed: KVec<Arc<Branch>>,
    /// Branches `mod` made read-only.
    made_read_only: KVec<Arc<Branch>>,
}

/// What a remount does to the xino tables.
enum XinoChange {
    /// They stay where they are (or absent); new branches get theirs.
    Keep,
    /// `xino=PATH`: they move to PATH (the path and its dir).
    Move(CString, Path),
    /// `xino=PATH` on a `noxino` mount: new ones are made there.
    Start(CString, Path),
    /// `noxino`: they are dropped.
    Stop,
}

/// What a remount changes, for the caller's last checks.
pub(crate) struct Remount {
    /// The next generation.
    pub(crate) union: Arc<Union>,
    /// Branches that `del` removed: none may still be in use.
    pub(crate) removed: KVec<Arc<Branch>>,
    /// Branches that `mod` made read-only: none may have a file open for
    /// writing.
    pub(crate) made_read_only: KVec<Arc<Branch>>,
    /// What happens to the xino tables.
    xino_change: XinoChange,
    /// The filesystems of the new branch list (each needs a table).
    branch_fs: KVec<usize>,
    /// `list_plink`: log the pseudo-links once installed.
    list_plink: bool,
}

impl Remount {
    /// Moves and extends the xino tables for the new generation, all or
    /// nothing. The last step of a remount that may fail: the caller makes
    /// its checks before, and installs the generation right after.
    pub(crate) fn commit_xino(&mut self, log: &MountLog) -> Result {
        let xino = &self.union.xino;
        let _mounter = self.union.as_mounter();
        let done = match core::mem::replace(&mut self.xino_change, XinoChange::Keep) {
            XinoChange::Keep => xino.reconfigure(None, &self.branch_fs),
            XinoChange::Move(path, dir) => xino.reconfigure(Some((path, dir)), &self.branch_fs),
            XinoChange::Start(path, dir) => xino.start_tables(path, dir, &self.branch_fs),
            XinoChange::Stop => xino.stop_tables(),
        };
        done.map_err(|e| {
            log.error(
                e,
                format_args!(
                    "cannot make, move or extend the xino files ({})",
                    e.to_errno()
                ),
            )
        })
    }
}

/// What a remount needs of the mounted superblock it changes. The ops layer
/// implements it over the kernel's superblock, with `s_umount` held for
/// writing (remounts are serialised by it).
pub(crate) trait RemountTarget {
    /// The mount state.
    fn mount(&self) -> &Mount;
    /// True when the superblock is mounted read-only now.
    fn is_read_only(&self) -> bool;
    /// The superblock's stacking depth.
    fn stack_depth(&self) -> i32;
    /// Drops the unused dentries of the union.
    fn shrink_unused_dentries(&self);
    /// The union root.
    fn root(&self) -> UnionDentry<'_>;
    /// Makes the root inode stand for `top`, the top branch root of the
    /// generation just installed.
    fn follow_root(&self, top: &Path);
    /// Turns POSIX ACLs on or off (`acl` / `noacl`).
    fn set_posix_acl(&self, acl: bool);
}

/// Remount (`fs_context_operations.reconfigure`): applies `config` and the
/// new ro/rw state to the mounted union `sb`, all or nothing. Branches that
/// leave or stop taking writes must not be busy.
pub(crate) fn reconfigure(
    sb: &impl RemountTarget,
    config: &MountConfig,
    read_only: bool,
    log: &MountLog,
) -> Result {
    let mount = sb.mount();
    // Counted, not borrowed: installing waits for every borrower.
    let current = mount.current_counted();
    if !config.changes_anything() && read_only == sb.is_read_only() {
        return Ok(());
    }
    let remount = current.remount(config, read_only, log)?;
    if remount.union.stack_depth() >= sb.stack_depth() {
        return Err(log.error(EINVAL, format_args!("maximum fs stacking depth exceeded")));
    }
    if !remount.removed.is_empty() {
        // Unused dentries go, so that what is left of a branch's objects is
        // in use. The root holds one object on each branch.
        sb.shrink_unused_dentries();
    }
    check_not_busy(&remount, log).inspect_err(|_| {
        if remount.union.tunables.verbose {
            for br in Iterator::chain(remount.removed.iter(), remount.made_read_only.iter()) {
                br.log_usage(log);
            }
        }
    })?;
    install(sb, current.branches.len(), remount, log)
}

/// Refuses the remount when a branch it removes is in use, or one it makes
/// read-only has a file open for writing.
fn check_not_busy(remount: &Remount, log: &MountLog) -> Result {
    for br in remount.removed.iter() {
        if let Some(why) = br.busy_reason(1) {
            let path = br.root.to_text()?;
            let path = path.to_str().unwrap_or("?");
            return Err(log.error(EBUSY, format_args!("del: branch \"{path}\" {why}")));
        }
    }
    for br in remount.made_read_only.iter() {
        if br.has_writers() {
            let path = br.root.to_text()?;
            let path = path.to_str().unwrap_or("?");
            return Err(log.error(
                EBUSY,
                format_args!("mod: branch \"{path}\" has files open for writing"),
            ));
        }
    }
    Ok(())
}

/// Makes `remount` the mount's generation (`old_branches`: how many the
/// current one has). Everything that can fail comes before the install,
/// nothing that changes the mount after it: a failed remount changes nothing.
fn install(
    sb: &impl RemountTarget,
    old_branches: usize,
    mut remount: Remount,
    log: &MountLog,
) -> Result {
    let mount = sb.mount();
    let root_info = DentryInfo::root(&remount.union)?;
    let top = root_info.top().ok_or(EINVAL)?.path.clone_ref();
    let branches = (old_branches, remount.union.branches.len());
    let removed = !remount.removed.is_empty();
    // The sysfs files of new branches first (they show nothing before the
    // install), those of gone branches last, after it.
    if let Some(dir) = Option::as_mut(&mut *mount.sysfs()) {
        sysfs::add_branch_files(dir, branches.0, branches.1)?;
    }
    if let Err(e) = remount.commit_xino(log) {
        if let Some(dir) = Option::as_mut(&mut *mount.sysfs()) {
            sysfs::remove_branch_files(dir, branches.0);
        }
        return Err(e);
    }
    drop(remount.removed);
    drop(remount.made_read_only);
    sb.set_posix_acl(remount.union.tunables.acl);
    if remount.list_plink {
        remount.union.list_pseudo_links(log);
    }
    mount.install(remount.union);
    // Without memory for it, the root's info is rebuilt from the generation
    // at its next use (UnionDentry::info), so the remount still stands.
    let _ = sb.root().set_info(root_info);
    sb.follow_root(&top);
    if let Some(dir) = Option::as_mut(&mut *mount.sysfs()) {
        sysfs::remove_branch_files(dir, branches.1);
    }
    if removed {
        // Unused dentries still hold objects of the deleted branches.
        sb.shrink_unused_dentries();
    }
    Ok(())
}
