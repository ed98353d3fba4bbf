// SPDX-License-Identifier: GPL-2.0

//! Branches and the per-mount union state (aufs's `au_sbinfo`).
//!
//! A [`Union`] is built once per mount from the parsed options: every branch
//! path is resolved as the mounter (relative paths against the mounter's cwd),
//! checked, and pinned. It lives in the superblock's `s_fs_info` until umount.

use crate::opts::{self, Opt, Perm, MAX_NAME_LEN};
use crate::vfs::{CredGuard, MountLog, NewObject, Path, SysfsDir};
use crate::whiteout::{BASE_NAME, ORPH_DIR, PLINK_DIR};
use crate::xino::{Xino, DEFAULT_PATH};
use kernel::{cred::Credential, error::code::*, prelude::*, str::CString, sync::aref::ARef};

/// aufs's default limit on branches per mount (`CONFIG_AUFS_BRANCH_MAX_127`).
pub(crate) const MAX_BRANCHES: usize = 127;

/// The first branch id of a mount: aufs starts counting after
/// `AUFS_BRANCH_MAX / 2` (so a Docker stack shows ids 64, 65, ...).
const FIRST_BRANCH_ID: u32 = (MAX_BRANCHES / 2) as u32 + 1;

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
    /// `trunc_xino` (default `notrunc_xino`).
    pub(crate) trunc_xino: bool,
    /// `diropq=a` (default `diropq=w`).
    pub(crate) diropq_always: bool,
}

impl MountConfig {
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

/// One resolved branch.
pub(crate) struct Branch {
    /// The branch root, pinned for the life of the mount.
    pub(crate) root: Path,
    /// The branch permission.
    pub(crate) perm: Perm,
    /// The branch id: unique in the mount, kept when branches move.
    pub(crate) id: u32,
    /// Writable branches: the whiteout base file and the orphan dir.
    pub(crate) setup: Option<BranchSetup>,
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

/// Per-mount state: the branch set and the mounter's credentials.
pub(crate) struct Union {
    /// `/sys/fs/aufs/si_ID`; first, so that it goes before what it shows.
    pub(crate) sysfs: Option<SysfsDir>,
    /// The mount's id (`si=` in /proc/mounts, `si_ID` in sysfs).
    pub(crate) id: u64,
    /// The branches, top (index 0) first.
    pub(crate) branches: KVec<Branch>,
    /// The mounter's credentials, used for every branch operation.
    pub(crate) cred: ARef<Credential>,
    /// The xino tables and their configured path; None with `noxino`.
    pub(crate) xino: Option<(Pin<KBox<Xino>>, CString)>,
    /// True when `xino=` named a path other than the default.
    pub(crate) xino_explicit: bool,
    /// `trunc_xino`.
    pub(crate) trunc_xino: bool,
    /// `diropq=a`: every new dir is opaque.
    pub(crate) diropq_always: bool,
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
        let mut branches = KVec::with_capacity(config.branches.len(), GFP_KERNEL)?;
        for (index, spec) in config.branches.iter().enumerate() {
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
            check_branch(&branches, &root, index, log)?;
            let perm = spec.perm.unwrap_or(Perm::default_for(index, read_only));
            let id = FIRST_BRANCH_ID + index as u32;
            let setup = if perm.is_writable() && !read_only {
                let _mounter = CredGuard::new(&cred);
                Some(BranchSetup::prepare(&root).map_err(|e| {
                    log.error(
                        e,
                        format_args!(
                            "branch {index}: cannot prepare the writable branch ({})",
                            e.to_errno()
                        ),
                    )
                })?)
            } else {
                None
            };
            branches.push(
                Branch {
                    root,
                    perm,
                    id,
                    setup,
                },
                GFP_KERNEL,
            )?;
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
        Ok(Union {
            sysfs: None,
            id: 0,
            branches,
            cred,
            xino,
            xino_explicit,
            trunc_xino: config.trunc_xino,
            diropq_always: config.diropq_always,
        })
    }

    /// The aufs inode number for real inode `real_ino` on filesystem `fs`, or
    /// None with `noxino` (the caller then picks a transient number).
    pub(crate) fn xino_number(&self, fs: usize, real_ino: u64) -> Option<Result<u64>> {
        let (xino, _) = self.xino.as_ref()?;
        let _mounter = self.as_mounter();
        Some(xino.ino_for(fs, real_ino))
    }

    /// Writes the /proc/mounts options of the mount: `,si=ID` always, then
    /// those that differ from their defaults.
    pub(crate) fn write_mount_options(&self, out: &mut dyn core::fmt::Write) -> core::fmt::Result {
        write!(out, ",si={:x}", self.id)?;
        match &self.xino {
            None => out.write_str(",noxino")?,
            Some((_, path)) if self.xino_explicit => {
                write!(out, ",xino={}", path.to_str().unwrap_or("?"))?
            }
            Some(_) => {}
        }
        if self.trunc_xino {
            out.write_str(",trunc_xino")?;
        }
        if self.diropq_always {
            out.write_str(",diropq=a")?;
        }
        Ok(())
    }

    /// True when `opt` repeats what the mount already has (accepted at
    /// remount, where tools pass the shown options back).
    pub(crate) fn has_option(&self, opt: &Opt<'_>) -> bool {
        match (opt, &self.xino) {
            (Opt::Xino(path), Some((_, current))) => current.to_bytes() == path.as_bytes(),
            (Opt::NoXino, None) => true,
            (Opt::TruncXino(on), _) => *on == self.trunc_xino,
            (Opt::DirOpq(always), _) => *always == self.diropq_always,
            (Opt::MountId, _) => true,
            _ => false,
        }
    }

    /// After a copy-up: the copy keeps the inode number of the original.
    /// Best effort: without it the number changes after the next eviction.
    pub(crate) fn keep_inode_number(&self, original: &Path, copy: &Path) {
        let Some((xino, _)) = self.xino.as_ref() else {
            return;
        };
        if let Ok(ino) = xino.ino_for(original.fs_id(), original.ino()) {
            let _ = xino.share(copy.fs_id(), copy.ino(), ino);
        }
    }

    /// The name of the pseudo-link of a hardlinked lower file: its aufs
    /// inode number (needs xino).
    fn pseudo_link_name(&self, lower: &Path) -> Option<CString> {
        let (xino, _) = self.xino.as_ref()?;
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

    /// The pseudo-link that stands for hardlinked lower file `lower`, if one
    /// of its names was copied up: (branch, the copy).
    pub(crate) fn pseudo_link(&self, lower: &Path) -> Option<(usize, Path)> {
        if lower.nlink() < 2 {
            return None;
        }
        let wbr = self.write_branch().ok()?;
        let name = self.pseudo_link_name(lower)?;
        let found = self.branches[wbr]
            .setup
            .as_ref()?
            .plnk
            .lookup_child(name.to_bytes())
            .ok()?;
        found.is_positive().then_some((wbr, found))
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
fn check_branch(earlier: &[Branch], root: &Path, index: usize, log: &MountLog) -> Result {
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

/// Creates the xino tables in the directory of `path`, as the mounter. The
/// files may not live on an aufs mount; an explicitly given one may not live
/// inside a branch either.
fn make_xino(
    path: CString,
    branches: &[Branch],
    cred: &ARef<Credential>,
    explicit: bool,
    log: &MountLog,
) -> Result<(Pin<KBox<Xino>>, CString)> {
    let text = path.to_str().map_err(|_| EINVAL)?;
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
    let fs: KVec<usize> = {
        let mut fs = KVec::with_capacity(branches.len(), GFP_KERNEL)?;
        for br in branches {
            fs.push(br.root.fs_id(), GFP_KERNEL)?;
        }
        fs
    };
    match Xino::new(&dir, &fs) {
        Ok(xino) => Ok((xino, path)),
        Err(e) => Err(log.error(
            e,
            format_args!(
                "cannot create xino file in \"{dir_name}\" (error {})",
                e.to_errno()
            ),
        )),
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
