// SPDX-License-Identifier: GPL-2.0

//! Branches and the per-mount union state (aufs's `au_sbinfo`).
//!
//! A [`Union`] is one generation of a mount's branch layout, built from the
//! parsed options: every branch path is resolved as the mounter (relative
//! paths against the mounter's cwd), checked, and pinned. A Union never
//! changes: a remount that edits branches builds the next generation from the
//! current one ([`Union::remount`]), sharing the branches it keeps.
//!
//! The options become a config in `config.rs`, remount edits live in
//! `remount.rs`, pseudo-links in `plink.rs`, the xino tables in `xino.rs`.

#![forbid(unsafe_code)]

use crate::config::{BranchConfig, MountConfig};
use crate::drinfo::RenamedDirs;
use crate::errname::errname;
use crate::nameidx::NameIndexes;
use crate::opts::{MountsEscaped, Perm, Udba, MAX_NAME_LEN};
use crate::settings::Tunables;
use crate::vfs::notify::NotifyGroup;
use crate::vfs::{CredGuard, MappedFile, MountLog, NewObject, Path, WorkQueue};
use crate::wbr_state::PolicyState;
use crate::whiteout::{BASE_NAME, ORPH_DIR, PLINK_DIR};
use crate::xino::{make_xino, Xino, DEFAULT_PATH};
use core::sync::atomic::{AtomicUsize, Ordering};
use kernel::{
    cred::Credential,
    error::code::*,
    new_mutex,
    prelude::*,
    str::CString,
    sync::{aref::ARef, Arc, Mutex},
};

/// The first branch id of a mount (so a Docker stack shows ids 64, 65, ...,
/// as it did with aufs's default build).
const FIRST_BRANCH_ID: u32 = 64;

/// One resolved branch. `mod` makes a new `Branch` with the same root, id
/// and usage.
pub(crate) struct Branch {
    /// The branch root, pinned while the branch is in the mount.
    pub(crate) root: Path,
    /// The branch permission.
    pub(crate) perm: Perm,
    /// The branch id: unique in the mount, kept when branches move.
    pub(crate) id: u32,
    /// Writable branches: the whiteout base file and the orphan dir.
    pub(crate) setup: Option<BranchSetup>,
    /// Who uses the branch (checked before `del` and `mod`).
    usage: Arc<BranchUsage>,
    /// Its dirs renamed with `dirren` (drinfo.rs); kept by `mod`.
    pub(crate) renamed_dirs: Arc<RenamedDirs>,
}

/// The users of a branch, counted so that a remount can refuse to take away
/// a branch that is busy.
#[pin_data]
pub(crate) struct BranchUsage {
    /// Lower objects of union dentries (each [`BranchPin`]).
    objects: AtomicUsize,
    /// Open files (each [`OpenPin`]).
    open: AtomicUsize,
    /// Open files that may write.
    writers: AtomicUsize,
    /// Union inodes standing for an object of the branch (each
    /// [`InodePin`]): an inotify watch keeps one alive without a dentry.
    inodes: AtomicUsize,
    /// Branch files mmapped through the union: a mapping outlives the union
    /// file it was made from. Pruned when checked.
    #[pin]
    mapped: Mutex<KVec<MappedFile>>,
}

impl BranchUsage {
    fn new() -> Result<Arc<Self>> {
        Arc::pin_init(
            pin_init!(BranchUsage {
                objects: AtomicUsize::new(0),
                open: AtomicUsize::new(0),
                writers: AtomicUsize::new(0),
                inodes: AtomicUsize::new(0),
                mapped <- new_mutex!(KVec::new()),
            }),
            GFP_KERNEL,
        )
    }

    /// True while one of the files mmapped through the union is mapped.
    fn has_mappings(&self) -> bool {
        let mut mapped = self.mapped.lock();
        mapped.retain(|file| file.is_mapped());
        !mapped.is_empty()
    }
}

/// One lower object on a branch; counts as a user while it lives.
pub(crate) struct BranchPin(Arc<BranchUsage>);

impl Drop for BranchPin {
    fn drop(&mut self) {
        self.0.objects.fetch_sub(1, Ordering::Relaxed);
    }
}

/// One union inode of an object on a branch; counts as a user while it
/// lives.
pub(crate) struct InodePin(Arc<BranchUsage>);

impl Drop for InodePin {
    fn drop(&mut self) {
        self.0.inodes.fetch_sub(1, Ordering::Relaxed);
    }
}

/// One open file on a branch; counts as a user while it lives.
pub(crate) struct OpenPin {
    usage: Arc<BranchUsage>,
    writer: bool,
}

impl OpenPin {
    /// Records that the branch file `file` was mmapped through the union.
    pub(crate) fn add_mapping(&self, file: MappedFile) -> Result {
        let mut mapped = self.usage.mapped.lock();
        mapped.retain(|m| m.is_mapped());
        if !mapped.iter().any(|m| m.same_file(&file)) {
            mapped.push(file, GFP_KERNEL)?;
        }
        Ok(())
    }
}

impl Drop for OpenPin {
    fn drop(&mut self) {
        self.usage.open.fetch_sub(1, Ordering::Relaxed);
        if self.writer {
            self.usage.writers.fetch_sub(1, Ordering::Relaxed);
        }
    }
}

impl Branch {
    /// Counts one more lower object on this branch.
    pub(crate) fn pin(&self) -> BranchPin {
        self.usage.objects.fetch_add(1, Ordering::Relaxed);
        BranchPin(self.usage.clone())
    }

    /// Counts one more union inode on this branch.
    pub(crate) fn pin_inode(&self) -> InodePin {
        self.usage.inodes.fetch_add(1, Ordering::Relaxed);
        InodePin(self.usage.clone())
    }

    /// Counts one more open file on this branch.
    pub(crate) fn pin_open(&self, writer: bool) -> OpenPin {
        self.usage.open.fetch_add(1, Ordering::Relaxed);
        if writer {
            self.usage.writers.fetch_add(1, Ordering::Relaxed);
        }
        OpenPin {
            usage: self.usage.clone(),
            writer,
        }
    }

    /// Why the branch cannot leave the mount, if it cannot: open files,
    /// union objects (a cwd, a file in use) beyond the `root_objects` the
    /// union root itself holds, or union inodes (the root inode holds no
    /// pin: it moves to the new top branch).
    pub(crate) fn busy_reason(&self, root_objects: usize) -> Option<&'static str> {
        if self.usage.open.load(Ordering::Relaxed) != 0 {
            Some("has open files")
        } else if self.usage.has_mappings() {
            Some("has mmapped files")
        } else if self.usage.objects.load(Ordering::Relaxed) > root_objects {
            Some("is in use (a cwd or a busy file)")
        } else if self.usage.inodes.load(Ordering::Relaxed) != 0 {
            Some("has inodes in use (an inotify watch or a busy file)")
        } else {
            None
        }
    }

    /// `verbose`: logs what keeps the branch busy (what
    /// [`Branch::busy_reason`] names, counted).
    pub(crate) fn log_usage(&self, log: &MountLog) {
        let usage = &self.usage;
        log.info(format_args!(
            "branch {}: {} open file(s) ({} for writing), {} union object(s), {} union inode(s), {} mmapped",
            self.id,
            usage.open.load(Ordering::Relaxed),
            usage.writers.load(Ordering::Relaxed),
            usage.objects.load(Ordering::Relaxed),
            usage.inodes.load(Ordering::Relaxed),
            usage.has_mappings(),
        ));
    }

    /// True when a file on the branch is open for writing.
    pub(crate) fn has_writers(&self) -> bool {
        self.usage.writers.load(Ordering::Relaxed) != 0
    }

    /// Resolves `spec` as branch `index` with id `id`, and prepares it when
    /// it is writable (as the mounter).
    pub(crate) fn resolve(
        spec: &BranchConfig,
        index: usize,
        id: u32,
        read_only: bool,
        cred: &ARef<Credential>,
        log: &MountLog,
    ) -> Result<Self> {
        let root = Path::lookup_dir(&spec.path).map_err(|e| {
            log.error(
                e,
                format_args!(
                    "branch {index} \"{}\": {}",
                    spec.path.to_str().unwrap_or("?"),
                    errname(e.to_errno())
                ),
            )
        })?;
        let perm = spec.perm.unwrap_or(Perm::default_for(index, read_only));
        let perm = crate::coo::applied(perm, log);
        let text = spec.path.to_str().unwrap_or("?");
        crate::rootless::check_branch(&root, perm, cred, (index, text), log)?;
        let branch = Branch {
            root,
            perm,
            id,
            setup: None,
            usage: BranchUsage::new()?,
            renamed_dirs: RenamedDirs::new()?,
        };
        branch.prepared(read_only, cred, index, log)
    }

    /// This branch with permission `perm`.
    pub(crate) fn with_perm(&self, perm: Perm) -> Result<Self> {
        Ok(Branch {
            root: self.root.clone_ref(),
            perm,
            id: self.id,
            setup: None,
            usage: self.usage.clone(),
            renamed_dirs: self.renamed_dirs.clone(),
        })
    }

    /// The branch with its aufs objects made if it takes writes, or without
    /// them if it does not.
    pub(crate) fn prepared(
        mut self,
        read_only: bool,
        cred: &ARef<Credential>,
        index: usize,
        log: &MountLog,
    ) -> Result<Self> {
        if !self.perm.is_writable() || read_only {
            self.setup = None;
        } else if self.setup.is_none() {
            let _mounter = CredGuard::new(cred);
            self.setup = Some(BranchSetup::prepare(&self.root).map_err(|e| {
                log.error(
                    e,
                    format_args!(
                        "branch {index}: cannot prepare the writable branch ({})",
                        e.to_errno()
                    ),
                )
            })?);
        }
        Ok(self)
    }

    /// True when `path` is this branch's root.
    pub(crate) fn is_at(&self, path: &Path) -> bool {
        path.is_within(&self.root) && self.root.is_within(path)
    }
}

/// aufs's bookkeeping objects on a writable branch, made at mount.
pub(crate) struct BranchSetup {
    /// `.wh..wh.aufs`: whiteouts are hardlinks to it.
    pub(crate) base: Path,
    /// `.wh..wh.orph/`: temporary objects during copy-up.
    pub(crate) orph: Path,
    /// `.wh..wh.plnk/`: pseudo-links, one per copied-up hardlinked file.
    pub(crate) plnk: Path,
}

impl BranchSetup {
    /// Another reference to the same objects.
    pub(crate) fn clone_ref(&self) -> Self {
        BranchSetup {
            base: self.base.clone_ref(),
            orph: self.orph.clone_ref(),
            plnk: self.plnk.clone_ref(),
        }
    }

    /// Finds or makes the base file and the plnk and orph dirs in `root`.
    fn prepare(root: &Path) -> Result<Self> {
        let base = find_or_make(root, BASE_NAME, NewObject::File(0o444))?;
        let plnk = find_or_make(root, PLINK_DIR, NewObject::Dir(0o700))?;
        let orph = find_or_make(root, ORPH_DIR, NewObject::Dir(0o700))?;
        Ok(BranchSetup { base, orph, plnk })
    }
}

fn find_or_make(dir: &Path, name: &[u8], what: NewObject<'_>) -> Result<Path> {
    if let Some(found) = dir.lookup_child(name)? {
        return Ok(found);
    }
    match dir.make_child(name, what) {
        Err(e) if e == EEXIST => dir.lookup_child(name)?.ok_or(ENOENT),
        made => made,
    }
}

/// One generation of a mount: the branch set, the mounter's credentials and
/// the options.
pub(crate) struct Union {
    /// The mount's id (`si=` in /proc/mounts, `si_ID` in sysfs).
    pub(crate) id: u64,
    /// Counts the remounts that changed the branches (starts at 0).
    pub(crate) generation: u64,
    /// The branches, top (index 0) first.
    pub(crate) branches: KVec<Arc<Branch>>,
    /// The id the next added branch gets.
    pub(crate) next_id: u32,
    /// The mounter's credentials, used for every branch operation.
    pub(crate) cred: ARef<Credential>,
    /// The inode numbers and xino tables (none with `noxino`), the same in
    /// every generation.
    pub(crate) xino: Arc<Xino>,
    /// True when `xino=` named a path other than the default.
    pub(crate) xino_explicit: bool,
    /// `trunc_xino`.
    pub(crate) trunc_xino: bool,
    /// `diropq=a`: every new dir is opaque.
    pub(crate) diropq_always: bool,
    /// `dio`: O_DIRECT opens pass through to the branch file.
    pub(crate) dio: bool,
    /// `dirperm1`: a merged dir's permission is its topmost dir's alone.
    pub(crate) dirperm1: bool,
    /// `dirren`: a dir whose lower dirs show entries can be renamed.
    pub(crate) dirren: bool,
    /// `udba=`.
    pub(crate) udba: Udba,
    /// With `udba=notify`: the fsnotify group of the dirs' watches (the
    /// same in every generation while it stays notify).
    pub(crate) notify: Option<Arc<NotifyGroup>>,
    /// `sum`, `shwh`, `plink`, `rdcache=`, ... (settings.rs).
    pub(crate) tunables: Tunables,
    /// The round-robin turn and free-space readings of `create=`.
    pub(crate) policy: Arc<PolicyState>,
    /// The name indexes of merged dirs (nameidx.rs).
    pub(crate) names: Arc<NameIndexes>,
    /// Where removed dirs with many whiteouts are emptied (`dirwh=`); the
    /// same queue in every generation of a mount.
    pub(crate) removals: Arc<WorkQueue>,
    /// What the FHSM daemon is told (the same in every generation).
    pub(crate) fhsm: Arc<crate::fhsm::Fhsm>,
}

/// The fsnotify group of a generation with `udba`: the previous one's
/// (`kept`), or a new one, with `udba=notify`; else none.
pub(crate) fn notify_group(
    udba: Udba,
    kept: Option<&Arc<NotifyGroup>>,
) -> Result<Option<Arc<NotifyGroup>>> {
    match (udba, kept) {
        (Udba::Notify, Some(group)) => Ok(Some(group.clone())),
        (Udba::Notify, None) => NotifyGroup::new().map(Some),
        _ => Ok(None),
    }
}

/// Refuses a mount's options that only a remount may give, or no branch.
fn check_mount_config(config: &MountConfig, log: &MountLog) -> Result {
    if !config.has_branch_option {
        return Err(log.error(
            EINVAL,
            format_args!("no branch given (use br=DIR[:DIR...])"),
        ));
    }
    if !config.edits.is_empty() {
        return Err(log.error(
            EINVAL,
            format_args!("branch edits (add, del, ...) are for remount"),
        ));
    }
    Ok(())
}

/// The mount's inode numbers: its xino tables (none with `noxino`), and
/// whether their path was given (not the default one).
fn mount_xino(
    config: &MountConfig,
    branches: &[Arc<Branch>],
    cred: &ARef<Credential>,
    log: &MountLog,
) -> Result<(Arc<Xino>, bool)> {
    let explicit = config
        .settings
        .xino_path
        .as_ref()
        .is_some_and(|p| p.to_bytes() != DEFAULT_PATH.as_bytes());
    if config.settings.no_xino {
        return Ok((Xino::without_tables()?, explicit));
    }
    let path = match &config.settings.xino_path {
        Some(path) => CString::try_from_fmt(fmt!("{}", path.to_str().map_err(|_| EINVAL)?))?,
        None => CString::try_from_fmt(fmt!("{DEFAULT_PATH}"))?,
    };
    let xino = make_xino(
        path,
        branches.iter().map(|br| &br.root),
        cred,
        explicit,
        log,
    )?;
    Ok((xino, explicit))
}

impl Union {
    /// Resolves and checks every configured branch.
    pub(crate) fn new(
        config: &MountConfig,
        cred: ARef<Credential>,
        read_only: bool,
        log: &MountLog,
    ) -> Result<Self> {
        check_mount_config(config, log)?;
        crate::rootless::check_options(&config.settings, &cred, log)?;
        let mut branches = KVec::with_capacity(config.branches.len(), GFP_KERNEL)?;
        for (index, spec) in config.branches.iter().enumerate() {
            let id = FIRST_BRANCH_ID + index as u32;
            let branch = Branch::resolve(spec, index, id, read_only, &cred, log)?;
            check_branch(&branches, &branch.root, index, log)?;
            branches.push(Arc::new(branch, GFP_KERNEL)?, GFP_KERNEL)?;
        }
        let tunables = mount_tunables(Tunables::default(), config, read_only, log)?;
        if tunables.warn_perm {
            for br in branches.iter().skip(1) {
                warn_perm(&branches[0], br, log);
            }
        }
        let (xino, xino_explicit) = mount_xino(config, &branches, &cred, log)?;
        let next_id = FIRST_BRANCH_ID + branches.len() as u32;
        Ok(Union {
            id: 0,
            generation: 0,
            branches,
            next_id,
            cred,
            xino,
            xino_explicit,
            trunc_xino: config.settings.trunc_xino.unwrap_or(false),
            diropq_always: config.settings.diropq_always.unwrap_or(false),
            dio: config.settings.dio.unwrap_or(false),
            dirperm1: config.settings.dirperm1.unwrap_or(false),
            dirren: config.settings.dirren.unwrap_or(false),
            udba: config.settings.udba.unwrap_or_default(),
            notify: notify_group(config.settings.udba.unwrap_or_default(), None)?,
            tunables,
            policy: PolicyState::new()?,
            names: NameIndexes::new()?,
            removals: Arc::new(WorkQueue::new(c"aufs_rs_rmdir")?, GFP_KERNEL)?,
            fhsm: crate::fhsm::Fhsm::new()?,
        })
        .inspect(|union| {
            if config.settings.more.list_plink {
                union.list_pseudo_links(log);
            }
        })
    }

    /// The aufs inode number recorded for real inode `real_ino` on
    /// filesystem `fs`, or None with `noxino` (readdir then shows the
    /// branch's number).
    pub(crate) fn xino_number(&self, fs: usize, real_ino: u64) -> Option<Result<u64>> {
        if !self.xino.has_tables() {
            return None;
        }
        let _mounter = self.as_mounter();
        match self.xino.ino_for(fs, real_ino) {
            // A remount dropped the tables meanwhile.
            Err(e) if e == ESTALE && !self.xino.has_tables() => None,
            found => Some(found),
        }
    }

    /// The number of a new inode for real inode `real_ino` on `fs`, and the
    /// epoch of the xino tables it is recorded in (0: none, `noxino`).
    pub(crate) fn new_inode_number(&self, fs: usize, real_ino: u64) -> Result<(u64, u64)> {
        let _mounter = self.as_mounter();
        self.xino.number_for(fs, real_ino)
    }

    /// Writes the /proc/mounts options of the mount: `,si=ID` always, then
    /// those that differ from their defaults.
    pub(crate) fn write_mount_options(&self, out: &mut dyn core::fmt::Write) -> core::fmt::Result {
        write!(out, ",si={:x}", self.id)?;
        if !self.xino.has_tables() {
            out.write_str(",noxino")?;
        } else if self.xino_explicit {
            out.write_str(",xino=")?;
            self.xino.write_path(out)?;
        }
        if self.udba != Udba::default() {
            write!(out, ",udba={}", self.udba)?;
        }
        if self.trunc_xino {
            out.write_str(",trunc_xino")?;
        }
        if self.diropq_always {
            out.write_str(",diropq=a")?;
        }
        if self.dirperm1 {
            out.write_str(",dirperm1")?;
        }
        if self.dirren {
            out.write_str(",dirren")?;
        }
        if self.dio {
            out.write_str(",dio")?;
        }
        self.tunables.write(out)?;
        self.tunables.write_fhsm(self.fhsm_on(), out)?;
        if !crate::branches_in_sysfs() {
            self.write_branch_list(out)?;
        }
        Ok(())
    }

    /// `,br:PATH=PERM:...`, top first, the last of the /proc/mounts options
    /// (as aufs shows them with `brs=0`).
    fn write_branch_list(&self, out: &mut dyn core::fmt::Write) -> core::fmt::Result {
        out.write_str(",br:")?;
        for (i, br) in self.branches.iter().enumerate() {
            if i > 0 {
                out.write_str(":")?;
            }
            br.root.write_path(&mut MountsEscaped(out))?;
            write!(out, "={}", br.perm)?;
        }
        Ok(())
    }

    /// After a copy-up: the copy keeps the inode number of the original.
    /// Best effort: without it the number changes after the next eviction.
    pub(crate) fn keep_inode_number(&self, original: &Path, copy: &Path) {
        let xino = &self.xino;
        if let Ok(ino) = xino.ino_for(original.fs_id(), original.ino()) {
            let _ = xino.share(copy.fs_id(), copy.ino(), ino);
        }
    }

    /// A copy made by [`Union::keep_inode_number`] is removed again (a
    /// failed operation's copy-up undone): its table entry goes, so that a
    /// later object with its inode number cannot take the original's.
    pub(crate) fn forget_inode_number(&self, original: &Path, copy: &Path) {
        let xino = &self.xino;
        if let Ok(ino) = xino.ino_for(original.fs_id(), original.ino()) {
            xino.unshare(copy.fs_id(), copy.ino(), ino);
        }
    }

    /// The deepest filesystem stack under the branches.
    pub(crate) fn stack_depth(&self) -> i32 {
        self.branches
            .iter()
            .map(|br| br.root.stack_depth())
            .max()
            .unwrap_or(0)
    }

    /// Runs branch operations as the mounter until the guard drops.
    pub(crate) fn as_mounter(&self) -> CredGuard<'_> {
        CredGuard::new(&self.cred)
    }

    /// The branch new objects and copy-ups go to (`create=tdp`/`cpup=tdp`):
    /// the topmost writable one. EROFS when there is none.
    pub(crate) fn write_branch(&self) -> Result<usize> {
        self.branches
            .iter()
            .position(|b| b.setup.is_some())
            .ok_or(EROFS)
    }

    /// The branch whose statfs the union reports: the first writable branch,
    /// else branch 0.
    pub(crate) fn statfs_branch(&self) -> &Branch {
        self.branches
            .iter()
            .find(|b| b.perm.is_writable())
            .unwrap_or(&self.branches[0])
    }

    /// The longest name the union accepts.
    pub(crate) const fn max_name_len() -> usize {
        MAX_NAME_LEN
    }
}

/// `warn_perm`: warns when the root of branch `new` has another owner,
/// group or mode than the top branch's (aufs's check at mount and `add`).
pub(crate) fn warn_perm(top: &Branch, new: &Branch, log: &MountLog) {
    let (a, b) = (top.root.attributes(), new.root.attributes());
    if (a.uid, a.gid, a.mode) != (b.uid, b.gid, b.mode) {
        let path = new.root.to_text();
        let path = path.as_ref().map_or("?", |p| p.to_str().unwrap_or("?"));
        log.warn(format_args!(
            "uid/gid/perm {path} {}/{}/0{:o}, {}/{}/0{:o}",
            b.uid, b.gid, b.mode, a.uid, a.gid, a.mode
        ));
    }
}

/// The tunables of a mount or remount (`read_only`): `current` with the
/// options of `config`, unless they do not fit the mount.
pub(crate) fn mount_tunables(
    current: Tunables,
    config: &MountConfig,
    read_only: bool,
    log: &MountLog,
) -> Result<Tunables> {
    let tunables = current.with(&config.settings.more);
    match tunables.refusal(read_only) {
        Some(why) => Err(log.error(EINVAL, format_args!("{why}"))),
        None => Ok(tunables),
    }
}

/// Refuses a new branch that is an aufs mount, or that is, contains or lies
/// inside an earlier branch (aufs's overlap rule).
pub(crate) fn check_branch(
    earlier: &[Arc<Branch>],
    root: &Path,
    index: usize,
    log: &MountLog,
) -> Result {
    if root.is_on_aufs() {
        return Err(log.error(
            EINVAL,
            format_args!("branch {index}: an aufs mount cannot be a branch"),
        ));
    }
    for (other, br) in earlier.iter().enumerate() {
        let inside = root.is_within(&br.root);
        let outside = br.root.is_within(root);
        let what = match (inside, outside) {
            (true, true) => "is the same directory as",
            (true, false) => "lies inside",
            (false, true) => "contains",
            (false, false) => continue,
        };
        return Err(log.error(EINVAL, format_args!("branch {index} {what} branch {other}")));
    }
    Ok(())
}
