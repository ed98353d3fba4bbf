// SPDX-License-Identifier: GPL-2.0

//! Branches and the per-mount union state (aufs's `au_sbinfo`).
//!
//! A [`Union`] is one generation of a mount's branch layout, built from the
//! parsed options: every branch path is resolved as the mounter (relative
//! paths against the mounter's cwd), checked, and pinned. A Union never
//! changes: a remount that edits branches builds the next generation from the
//! current one ([`Union::remount`]), sharing the branches it keeps.

use crate::opts::{self, BranchEdit, Perm, Udba, MAX_NAME_LEN};
use crate::vfs::{CredGuard, MappedFile, MountLog, NewObject, Path};
use crate::whiteout::{BASE_NAME, ORPH_DIR, PLINK_DIR};
use crate::xino::{Xino, DEFAULT_PATH};
use core::sync::atomic::{AtomicUsize, Ordering};
use kernel::{
    cred::Credential,
    error::code::*,
    new_mutex,
    prelude::*,
    str::CString,
    sync::{aref::ARef, Arc, Mutex},
};

/// The limit on branches per mount (aufs's `CONFIG_AUFS_BRANCH_MAX_511`).
pub(crate) const MAX_BRANCHES: usize = 511;

/// The first branch id of a mount (so a Docker stack shows ids 64, 65, ...,
/// as it did with aufs's default build).
const FIRST_BRANCH_ID: u32 = 64;

/// A branch as written in the options, before it is resolved.
pub(crate) struct BranchConfig {
    /// The path as the user wrote it (shown again in sysfs).
    pub(crate) path: CString,
    /// The permission written after `=`, if any.
    pub(crate) perm: Option<Perm>,
}

/// What `mount -o` asked for.
#[derive(Default)]
pub(crate) struct MountConfig {
    /// The branch list, top first; empty when no `br=` was given.
    pub(crate) branches: KVec<BranchConfig>,
    /// True once a `br=`/`dirs=`/`br:` option was seen.
    pub(crate) has_branch_option: bool,
    /// `xino=PATH` (None: the default path).
    pub(crate) xino_path: Option<CString>,
    /// `noxino`.
    pub(crate) no_xino: bool,
    /// `trunc_xino` / `notrunc_xino`, if given (default `notrunc_xino`).
    pub(crate) trunc_xino: Option<bool>,
    /// `diropq=a` (default `diropq=w`).
    pub(crate) diropq_always: Option<bool>,
    /// `udba=`, if given.
    pub(crate) udba: Option<Udba>,
    /// Branch edits (remount only), in the order given.
    pub(crate) edits: KVec<EditConfig>,
}

/// A branch edit as written in the remount options.
pub(crate) enum EditConfig {
    /// `add:INDEX:BR`, `ins:INDEX:BR`, `prepend:BR` (index 0).
    Insert(usize, BranchConfig),
    /// `append:BR`.
    Append(BranchConfig),
    /// `del:PATH`.
    Delete(CString),
    /// `mod:PATH=PERM`.
    Modify(CString, Perm),
}

impl MountConfig {
    /// True when a remount with this config may change the union.
    pub(crate) fn changes_anything(&self) -> bool {
        !self.edits.is_empty()
            || self.udba.is_some()
            || self.xino_path.is_some()
            || self.no_xino
            || self.trunc_xino.is_some()
            || self.diropq_always.is_some()
    }

    /// Records a branch edit of a remount.
    pub(crate) fn add_edit(&mut self, edit: BranchEdit<'_>) -> Result {
        let owned = |path: &str| CString::try_from_fmt(fmt!("{path}"));
        let config = |spec: opts::BranchSpec<'_>| -> Result<BranchConfig> {
            Ok(BranchConfig {
                path: owned(spec.path)?,
                perm: spec.perm,
            })
        };
        let edit = match edit {
            BranchEdit::Insert(index, spec) => EditConfig::Insert(index, config(spec)?),
            BranchEdit::Append(spec) => EditConfig::Append(config(spec)?),
            BranchEdit::Delete(path) => EditConfig::Delete(owned(path)?),
            BranchEdit::Modify(path, perm) => EditConfig::Modify(owned(path)?, perm),
        };
        self.edits.push(edit, GFP_KERNEL)?;
        Ok(())
    }

    /// Replaces the branch list with the one in `list` (a later `br=` wins).
    pub(crate) fn set_branches(&mut self, list: &str, log: &MountLog) -> Result {
        let mut branches = KVec::new();
        for spec in opts::branch_specs(list) {
            let spec = spec.map_err(|e| log.error(EINVAL, format_args!("{e}")))?;
            if branches.len() == MAX_BRANCHES {
                return Err(log.error(
                    EINVAL,
                    format_args!("too many branches (at most {MAX_BRANCHES})"),
                ));
            }
            let path = CString::try_from_fmt(fmt!("{}", spec.path))?;
            branches.push(
                BranchConfig {
                    path,
                    perm: spec.perm,
                },
                GFP_KERNEL,
            )?;
        }
        if branches.is_empty() {
            return Err(log.error(EINVAL, format_args!("{}", opts::OptError::NoBranch)));
        }
        self.branches = branches;
        self.has_branch_option = true;
        Ok(())
    }
}

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

    /// True when a file on the branch is open for writing.
    pub(crate) fn has_writers(&self) -> bool {
        self.usage.writers.load(Ordering::Relaxed) != 0
    }

    /// Resolves `spec` as branch `index` with id `id`, and prepares it when
    /// it is writable (as the mounter).
    fn resolve(
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
                    errname(e)
                ),
            )
        })?;
        let perm = spec.perm.unwrap_or(Perm::default_for(index, read_only));
        let branch = Branch {
            root,
            perm,
            id,
            setup: None,
            usage: BranchUsage::new()?,
        };
        branch.prepared(read_only, cred, index, log)
    }

    /// This branch with permission `perm`.
    fn with_perm(&self, perm: Perm) -> Result<Self> {
        Ok(Branch {
            root: self.root.clone_ref(),
            perm,
            id: self.id,
            setup: None,
            usage: self.usage.clone(),
        })
    }

    /// The branch with its aufs objects made if it takes writes, or without
    /// them if it does not.
    fn prepared(
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
    fn is_at(&self, path: &Path) -> bool {
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
    fn clone_ref(&self) -> Self {
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
    let found = dir.lookup_child(name)?;
    if found.is_positive() {
        return Ok(found);
    }
    match dir.make_child(name, what) {
        Err(e) if e == EEXIST => dir.lookup_child(name),
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
    next_id: u32,
    /// The mounter's credentials, used for every branch operation.
    pub(crate) cred: ARef<Credential>,
    /// The xino tables; None with `noxino`.
    pub(crate) xino: Option<Arc<Xino>>,
    /// True when `xino=` named a path other than the default.
    pub(crate) xino_explicit: bool,
    /// `trunc_xino`.
    pub(crate) trunc_xino: bool,
    /// `diropq=a`: every new dir is opaque.
    pub(crate) diropq_always: bool,
    /// `udba=`.
    pub(crate) udba: Udba,
}

impl Union {
    /// Resolves and checks every configured branch.
    pub(crate) fn new(
        config: &MountConfig,
        cred: ARef<Credential>,
        read_only: bool,
        log: &MountLog,
    ) -> Result<Self> {
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
        let mut branches = KVec::with_capacity(config.branches.len(), GFP_KERNEL)?;
        for (index, spec) in config.branches.iter().enumerate() {
            let id = FIRST_BRANCH_ID + index as u32;
            let branch = Branch::resolve(spec, index, id, read_only, &cred, log)?;
            check_branch(&branches, &branch.root, index, log)?;
            branches.push(Arc::new(branch, GFP_KERNEL)?, GFP_KERNEL)?;
        }
        let xino_explicit = config
            .xino_path
            .as_ref()
            .is_some_and(|p| p.to_bytes() != DEFAULT_PATH.as_bytes());
        let xino = if config.no_xino {
            None
        } else {
            let path = match &config.xino_path {
                Some(path) => {
                    CString::try_from_fmt(fmt!("{}", path.to_str().map_err(|_| EINVAL)?))?
                }
                None => CString::try_from_fmt(fmt!("{DEFAULT_PATH}"))?,
            };
            Some(make_xino(path, &branches, &cred, xino_explicit, log)?)
        };
        let next_id = FIRST_BRANCH_ID + branches.len() as u32;
        Ok(Union {
            id: 0,
            generation: 0,
            branches,
            next_id,
            cred,
            xino,
            xino_explicit,
            trunc_xino: config.trunc_xino.unwrap_or(false),
            diropq_always: config.diropq_always.unwrap_or(false),
            udba: config.udba.unwrap_or_default(),
        })
    }

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
        let mut branches = KVec::with_capacity(self.branches.len() + 1, GFP_KERNEL)?;
        for br in self.branches.iter() {
            branches.push(br.clone(), GFP_KERNEL)?;
        }
        let mut next_id = self.next_id;
        let mut removed = KVec::new();
        let mut made_read_only = KVec::new();
        for edit in config.edits.iter() {
            match edit {
                EditConfig::Insert(index, spec) => {
                    self.insert(&mut branches, *index, spec, next_id, read_only, log)?;
                    next_id += 1;
                }
                EditConfig::Append(spec) => {
                    let index = branches.len();
                    self.insert(&mut branches, index, spec, next_id, read_only, log)?;
                    next_id += 1;
                }
                EditConfig::Delete(path) => {
                    let index = find_branch(&branches, path, "del", log)?;
                    if branches.len() == 1 {
                        return Err(
                            log.error(EINVAL, format_args!("del: cannot delete the last branch"))
                        );
                    }
                    removed.push(branches.remove(index).map_err(|_| EINVAL)?, GFP_KERNEL)?;
                }
                EditConfig::Modify(path, perm) => {
                    let index = find_branch(&branches, path, "mod", log)?;
                    let old = &branches[index];
                    if old.perm.is_writable() && !perm.is_writable() {
                        made_read_only.push(old.clone(), GFP_KERNEL)?;
                    }
                    let new = old.with_perm(*perm)?;
                    branches[index] = Arc::new(new, GFP_KERNEL)?;
                }
            }
        }
        // Writable branches get (or lose) their aufs objects, also when only
        // the mount's ro/rw flag changed.
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
        let (xino, xino_explicit, xino_move) = self.remount_xino(config, &branches, log)?;
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
            xino,
            xino_explicit,
            trunc_xino: config.trunc_xino.unwrap_or(self.trunc_xino),
            diropq_always: config.diropq_always.unwrap_or(self.diropq_always),
            udba: config.udba.unwrap_or(self.udba),
        };
        Ok(Remount {
            union: Arc::new(union, GFP_KERNEL)?,
            removed,
            made_read_only,
            xino_move,
            branch_fs,
        })
    }

    /// The xino tables after a remount: `noxino` drops them (inodes made
    /// from then on get transient numbers), `xino=PATH` moves them to PATH.
    /// Returns them with the new "explicit path" flag and the move to make
    /// ([`Remount::commit_xino`]): nothing changes here.
    fn remount_xino(
        &self,
        config: &MountConfig,
        branches: &[Arc<Branch>],
        log: &MountLog,
    ) -> Result<(Option<Arc<Xino>>, bool, Option<XinoMove>)> {
        if config.no_xino {
            return Ok((None, false, None));
        }
        let Some(path) = &config.xino_path else {
            return Ok((self.xino.clone(), self.xino_explicit, None));
        };
        let text = path.to_str().map_err(|_| EINVAL)?;
        let Some(xino) = &self.xino else {
            return Err(log.error(
                EINVAL,
                format_args!(
                    "{}",
                    opts::OptError::NotYet("xino at remount of a noxino mount")
                ),
            ));
        };
        if xino.has_path(text) {
            return Ok((self.xino.clone(), self.xino_explicit, None));
        }
        let explicit = text != DEFAULT_PATH;
        let dir = xino_dir(text, branches, &self.cred, explicit, log)?;
        let new_path = CString::try_from_fmt(fmt!("{text}"))?;
        Ok((self.xino.clone(), explicit, Some((new_path, dir))))
    }

    /// Resolves `spec` and inserts it so that it gets index `index`.
    fn insert(
        &self,
        branches: &mut KVec<Arc<Branch>>,
        index: usize,
        spec: &BranchConfig,
        id: u32,
        read_only: bool,
        log: &MountLog,
    ) -> Result {
        if index > branches.len() {
            return Err(log.error(
                EINVAL,
                format_args!("add: index {index} is past the last branch"),
            ));
        }
        if branches.len() == MAX_BRANCHES {
            return Err(log.error(
                EINVAL,
                format_args!("too many branches (at most {MAX_BRANCHES})"),
            ));
        }
        let branch = Branch::resolve(spec, index, id, read_only, &self.cred, log)?;
        check_branch(branches, &branch.root, index, log)?;
        if let Some(xino) = self.xino.as_ref().filter(|_| self.xino_explicit) {
            if xino.is_within(&branch.root) {
                return Err(log.error(EINVAL, format_args!("branch {index} holds the xino file")));
            }
        }
        let branch = Arc::new(branch, GFP_KERNEL)?;
        branches.reserve(1, GFP_KERNEL)?;
        branches
            .insert_within_capacity(index, branch)
            .map_err(|_| EINVAL)
    }

    /// The aufs inode number for real inode `real_ino` on filesystem `fs`, or
    /// None with `noxino` (the caller then picks a transient number).
    pub(crate) fn xino_number(&self, fs: usize, real_ino: u64) -> Option<Result<u64>> {
        let xino = self.xino.as_ref()?;
        let _mounter = self.as_mounter();
        Some(xino.ino_for(fs, real_ino))
    }

    /// Writes the /proc/mounts options of the mount: `,si=ID` always, then
    /// those that differ from their defaults.
    pub(crate) fn write_mount_options(&self, out: &mut dyn core::fmt::Write) -> core::fmt::Result {
        write!(out, ",si={:x}", self.id)?;
        match &self.xino {
            None => out.write_str(",noxino")?,
            Some(xino) if self.xino_explicit => {
                out.write_str(",xino=")?;
                xino.write_path(out)?
            }
            Some(_) => {}
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
        Ok(())
    }

    /// After a copy-up: the copy keeps the inode number of the original.
    /// Best effort: without it the number changes after the next eviction.
    pub(crate) fn keep_inode_number(&self, original: &Path, copy: &Path) {
        let Some(xino) = self.xino.as_ref() else {
            return;
        };
        if let Ok(ino) = xino.ino_for(original.fs_id(), original.ino()) {
            let _ = xino.share(copy.fs_id(), copy.ino(), ino);
        }
    }

    /// A copy made by [`Union::keep_inode_number`] is removed again (a
    /// failed operation's copy-up undone): its table entry goes, so that a
    /// later object with its inode number cannot take the original's.
    pub(crate) fn forget_inode_number(&self, original: &Path, copy: &Path) {
        let Some(xino) = self.xino.as_ref() else {
            return;
        };
        if let Ok(ino) = xino.ino_for(original.fs_id(), original.ino()) {
            xino.unshare(copy.fs_id(), copy.ino(), ino);
        }
    }

    /// The name of the pseudo-link of a hardlinked lower file: its aufs
    /// inode number (needs xino).
    fn pseudo_link_name(&self, lower: &Path) -> Option<CString> {
        let xino = self.xino.as_ref()?;
        let ino = xino.ino_for(lower.fs_id(), lower.ino()).ok()?;
        CString::try_from_fmt(fmt!("{ino}")).ok()
    }

    /// After copying up a file that has other links on its lower branch:
    /// records the copy under `.wh..wh.plnk/INO`, so the other names find
    /// it (aufs's pseudo-links). Best effort.
    pub(crate) fn add_pseudo_link(&self, lower: &Path, copy: &Path, wbr: usize) {
        if lower.nlink() < 2 {
            return;
        }
        let (Some(name), Some(setup)) = (
            self.pseudo_link_name(lower),
            self.branches[wbr].setup.as_ref(),
        ) else {
            return;
        };
        let _ = setup
            .plnk
            .make_child(name.to_bytes(), NewObject::Link(copy));
    }

    /// The pseudo-link that stands for hardlinked file `lower` on branch
    /// `branch`, if one of its names was copied up to a branch above (the
    /// topmost such copy): (its branch, the copy). A branch made read-only
    /// by a remount keeps its pseudo-links, so they are looked up on every
    /// branch above, not only the writable ones.
    pub(crate) fn pseudo_link(&self, lower: &Path, branch: usize) -> Option<(usize, Path)> {
        if lower.nlink() < 2 {
            return None;
        }
        let name = self.pseudo_link_name(lower)?;
        let _mounter = self.as_mounter();
        for (above, br) in self.branches.iter().enumerate().take(branch) {
            let Ok(dir) = br.root.lookup_child(PLINK_DIR) else {
                continue;
            };
            if !dir.is_positive() {
                continue;
            }
            if let Ok(found) = dir.lookup_child(name.to_bytes()) {
                if found.is_positive() {
                    return Some((above, found));
                }
            }
        }
        None
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

/// Refuses a new branch that is an aufs mount, or that is, contains or lies
/// inside an earlier branch (aufs's overlap rule).
fn check_branch(earlier: &[Arc<Branch>], root: &Path, index: usize, log: &MountLog) -> Result {
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

/// Creates the xino tables in the directory of `path`, as the mounter.
fn make_xino(
    path: CString,
    branches: &[Arc<Branch>],
    cred: &ARef<Credential>,
    explicit: bool,
    log: &MountLog,
) -> Result<Arc<Xino>> {
    let text = path.to_str().map_err(|_| EINVAL)?;
    let dir = xino_dir(text, branches, cred, explicit, log)?;
    let fs: KVec<usize> = {
        let mut fs = KVec::with_capacity(branches.len(), GFP_KERNEL)?;
        for br in branches {
            fs.push(br.root.fs_id(), GFP_KERNEL)?;
        }
        fs
    };
    let (dir_name, _) = opts::split_file_path(text);
    let dir_text = CString::try_from_fmt(fmt!("{dir_name}"))?;
    let _mounter = CredGuard::new(cred);
    match Xino::new(path, dir, &fs) {
        Ok(xino) => Ok(xino),
        Err(e) => Err(log.error(
            e,
            format_args!(
                "cannot create xino file in \"{}\" (error {})",
                dir_text.to_str().unwrap_or("?"),
                e.to_errno()
            ),
        )),
    }
}

/// The directory for xino path `text`, as the mounter. It may not be on an
/// aufs mount; an explicitly given one may not lie inside a branch either.
fn xino_dir(
    text: &str,
    branches: &[Arc<Branch>],
    cred: &ARef<Credential>,
    explicit: bool,
    log: &MountLog,
) -> Result<Path> {
    let (dir_name, _) = opts::split_file_path(text);
    let dir_c = CString::try_from_fmt(fmt!("{dir_name}"))?;
    let _mounter = CredGuard::new(cred);
    let dir = Path::lookup_dir(&dir_c)
        .map_err(|e| log.error(e, format_args!("xino \"{text}\": {}", errname(e))))?;
    if dir.is_on_aufs() {
        return Err(log.error(EINVAL, format_args!("xino \"{text}\" is on an aufs mount")));
    }
    if explicit {
        if let Some(index) = branches.iter().position(|br| dir.is_within(&br.root)) {
            return Err(log.error(
                EINVAL,
                format_args!("xino \"{text}\" is inside branch {index}"),
            ));
        }
    }
    Ok(dir)
}

/// The index of the branch at `path` (for `del`/`mod`).
fn find_branch(
    branches: &[Arc<Branch>],
    path: &CString,
    what: &str,
    log: &MountLog,
) -> Result<usize> {
    let text = path.to_str().unwrap_or("?");
    let dir = Path::lookup_dir(path)
        .map_err(|e| log.error(e, format_args!("{what} \"{text}\": {}", errname(e))))?;
    branches
        .iter()
        .position(|br| br.is_at(&dir))
        .ok_or_else(|| log.error(EINVAL, format_args!("{what} \"{text}\": not a branch")))
}

/// Where a remount moves the xino tables: the new path and its dir.
type XinoMove = (CString, Path);

/// What a remount changes, for the caller's last checks.
pub(crate) struct Remount {
    /// The next generation.
    pub(crate) union: Arc<Union>,
    /// Branches that `del` removed: none may still be in use.
    pub(crate) removed: KVec<Arc<Branch>>,
    /// Branches that `mod` made read-only: none may have a file open for
    /// writing.
    pub(crate) made_read_only: KVec<Arc<Branch>>,
    /// `xino=PATH`: where the tables move (path, dir).
    xino_move: Option<XinoMove>,
    /// The filesystems of the new branch list (each needs a table).
    branch_fs: KVec<usize>,
}

impl Remount {
    /// Moves and extends the xino tables for the new generation, all or
    /// nothing. The last step of a remount that may fail: the caller makes
    /// its checks before, and installs the generation right after.
    pub(crate) fn commit_xino(&mut self, log: &MountLog) -> Result {
        let Some(xino) = &self.union.xino else {
            return Ok(());
        };
        let _mounter = self.union.as_mounter();
        xino.reconfigure(self.xino_move.take(), &self.branch_fs)
            .map_err(|e| {
                log.error(
                    e,
                    format_args!("cannot move or extend the xino files ({})", e.to_errno()),
                )
            })
    }
}

/// A short human name for the errors a branch lookup can give.
fn errname(e: Error) -> &'static str {
    match e {
        e if e == ENOENT => "no such directory",
        e if e == ENOTDIR => "not a directory",
        e if e == EACCES => "permission denied",
        e if e == ELOOP => "too many symlinks",
        e if e == ENAMETOOLONG => "path too long",
        _ => "cannot resolve",
    }
}
