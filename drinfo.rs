// SPDX-License-Identifier: GPL-2.0

//! `dirren` in aufs's on-branch format (the bytes: `drformat.rs`): each
//! branch's list of renamed dirs (`.wh..wh.hino` at its root), the info
//! files in a renamed dir, and the names a lookup uses on the branches
//! below a renamed dir.
//!
//! A lookup that finds a dir on branch B whose inode number is in B's list
//! reads the dir's info files, one per branch below; on a branch with an
//! info, it then looks up the old name the info records instead of the
//! union's name, and takes the dir found only when its inode number is the
//! recorded one (aufs's `au_dr_lkup`). An info naming the very name being
//! looked up is one left by a rename back: it counts as none.
//!
//! A branch's list is read the first time a lookup asks it (aufs reads it
//! when the branch joins a `dirren` mount) and written whenever a rename
//! adds a dir to it (aufs writes it when the branch leaves the mount): the
//! file holds the same numbers either way, and is there even after a
//! crash. Numbers are never taken out of it: one whose dir holds no info
//! any more (renamed back, removed) costs a lookup of the info files, as
//! in aufs until the branch is released.

#![forbid(unsafe_code)]

use crate::branch::{Branch, Union};
use crate::drformat::{decode_hino, decode_info, info_name, BranchId, HINO_NAME, MAX_INFO_LEN};
use crate::lookup::Lower;
use crate::vfs::{AttrChange, LowerFile, NewObject, Path, O_RDONLY, O_WRONLY};
use kernel::{error::code::*, new_mutex, prelude::*, sync::Arc, sync::Mutex};

/// A branch's list of renamed dirs (the inode numbers of its dirs that hold
/// info files), sorted; read from the branch the first time it is needed.
#[pin_data]
pub(crate) struct RenamedDirs {
    #[pin]
    inos: Mutex<Option<KVec<u64>>>,
}

impl RenamedDirs {
    /// An empty list, not read yet.
    pub(crate) fn new() -> Result<Arc<Self>> {
        Arc::pin_init(
            pin_init!(RenamedDirs {
                inos <- new_mutex!(None),
            }),
            GFP_KERNEL,
        )
    }
}

/// Reads the file `path` (at most `max` bytes).
pub(crate) fn read_file(path: &Path, max: usize) -> Result<KVec<u8>> {
    let size = usize::try_from(path.size()).map_err(|_| EFBIG)?.min(max);
    let mut buf = KVec::from_elem(0u8, size, GFP_KERNEL)?;
    let file = LowerFile::open(path, O_RDONLY)?;
    let mut done = 0;
    while done < size {
        let n = file.read_at(&mut buf[done..], done as u64)?;
        if n == 0 {
            break;
        }
        done += n;
    }
    buf.truncate(done);
    Ok(buf)
}

/// Writes `bytes` as the whole content of the file `path`.
pub(crate) fn write_file(path: &Path, bytes: &[u8]) -> Result {
    LowerFile::open(path, O_WRONLY)?.write_at(bytes, 0)?;
    if path.size() != bytes.len() as u64 {
        path.set_attributes(&AttrChange {
            size: Some(bytes.len() as i64),
            ..Default::default()
        })?;
    }
    Ok(())
}

/// The list in the file at the root of `root`, sorted (empty when there is
/// none).
fn read_list(root: &Path) -> Result<KVec<u64>> {
    let mut inos = KVec::new();
    if let Some(file) = root.lookup_child(HINO_NAME)? {
        let bytes = read_file(&file, usize::MAX)?;
        for ino in decode_hino(&bytes) {
            // Kept sorted as it is read (core's sort trips objtool).
            if let Err(at) = inos.binary_search(&ino) {
                inos.reserve(1, GFP_KERNEL)?;
                inos.insert_within_capacity(at, ino).map_err(|_| ENOMEM)?;
            }
        }
    }
    Ok(inos)
}

/// True when the dir of inode number `ino` on branch `br` is in the
/// branch's list of renamed dirs.
pub(crate) fn is_renamed_dir(br: &Branch, ino: u64) -> Result<bool> {
    let mut inos = br.renamed_dirs.inos.lock();
    if inos.is_none() {
        *inos = Some(read_list(&br.root)?);
    }
    Ok(inos.as_ref().is_some_and(|l| l.binary_search(&ino).is_ok()))
}

/// What [`add_renamed_dir`] did to the list's file.
pub(crate) enum ListChange {
    /// Nothing: the dir was in the list already.
    None,
    /// Made the file.
    Made,
    /// Rewrote the file, which held these bytes.
    Rewritten(KVec<u8>),
}

/// Adds the dir of inode number `ino` to the list of the writable branch
/// `br`, in memory and in its file; [`undo_add`] takes it back.
pub(crate) fn add_renamed_dir(br: &Branch, ino: u64) -> Result<ListChange> {
    let mut inos = br.renamed_dirs.inos.lock();
    if inos.is_none() {
        *inos = Some(read_list(&br.root)?);
    }
    let list = inos.as_deref().unwrap_or(&[]);
    let Err(at) = list.binary_search(&ino) else {
        return Ok(ListChange::None);
    };
    let new = with_inserted(list, at, ino)?;
    let mut bytes = KVec::with_capacity(new.len() * 8, GFP_KERNEL)?;
    for ino in new.iter() {
        bytes.extend_from_slice(&ino.to_be_bytes(), GFP_KERNEL)?;
    }
    let (file, change) = match br.root.lookup_child(HINO_NAME)? {
        Some(file) => {
            let old = read_file(&file, usize::MAX)?;
            (file, ListChange::Rewritten(old))
        }
        None => {
            let file = br.root.make_child(HINO_NAME, NewObject::File(0o600))?;
            (file, ListChange::Made)
        }
    };
    if let Err(e) = write_file(&file, &bytes) {
        crate::upper::undo(undo_file(br, &change), "the list of renamed dirs");
        return Err(e);
    }
    *inos = Some(new);
    Ok(change)
}

/// Takes back what [`add_renamed_dir`] did (`change`): the file as it was,
/// and the list read from it again when next needed.
pub(crate) fn undo_add(br: &Branch, change: &ListChange) -> Result {
    let mut inos = br.renamed_dirs.inos.lock();
    if !matches!(change, ListChange::None) {
        *inos = None;
    }
    undo_file(br, change)
}

fn undo_file(br: &Branch, change: &ListChange) -> Result {
    match change {
        ListChange::None => Ok(()),
        ListChange::Made => br.root.remove_child(HINO_NAME, false),
        ListChange::Rewritten(old) => {
            let file = br.root.lookup_child(HINO_NAME)?.ok_or(ENOENT)?;
            write_file(&file, old)
        }
    }
}

fn with_inserted(list: &[u64], at: usize, ino: u64) -> Result<KVec<u64>> {
    let mut new = KVec::with_capacity(list.len() + 1, GFP_KERNEL)?;
    new.extend_from_slice(&list[..at], GFP_KERNEL)?;
    new.push(ino, GFP_KERNEL)?;
    new.extend_from_slice(&list[at..], GFP_KERNEL)?;
    Ok(new)
}

/// The name of the info file, in a renamed dir, for the lower branch `br`.
pub(crate) struct InfoName {
    buf: [u8; 96],
    len: usize,
}

impl InfoName {
    /// The name for branch `br` (its filesystem's id and its root's inode
    /// number, as aufs writes them).
    pub(crate) fn of(br: &Branch) -> Result<Self> {
        let stat = br.root.statfs()?;
        let fsid = [stat.f_fsid.val[0] as u32, stat.f_fsid.val[1] as u32];
        let id = BranchId::of(fsid, br.root.dev());
        let mut buf = [0u8; 96];
        let len = info_name(id, br.root.ino(), &mut buf).ok_or(ENAMETOOLONG)?;
        Ok(InfoName { buf, len })
    }

    pub(crate) fn get(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

/// What an info file in a renamed dir says of its lower branch: the lower
/// dir's inode number and its name there. None when there is no valid info.
pub(crate) fn read_info(dir: &Path, name: &InfoName) -> Result<Option<(u64, KVec<u8>)>> {
    let Some(file) = dir.lookup_child(name.get())? else {
        return Ok(None);
    };
    let bytes = read_file(&file, MAX_INFO_LEN)?;
    let Some((ino, old)) = decode_info(&bytes) else {
        pr_warn!("aufs_rs: a dirren info file that is not aufs's version 1 is ignored\n");
        return Ok(None);
    };
    let mut copy = KVec::with_capacity(old.len(), GFP_KERNEL)?;
    copy.extend_from_slice(old, GFP_KERNEL)?;
    Ok(Some((ino, copy)))
}

/// The name a lookup uses on one branch below a renamed dir.
pub(crate) struct OldName {
    pub(crate) branch: usize,
    /// The inode number the dir found there must have.
    pub(crate) ino: u64,
    pub(crate) name: KVec<u8>,
}

/// The names one lookup uses on the branches below the renamed dirs it
/// found so far (none: the union's name everywhere).
pub(crate) struct OldNames(KVec<OldName>);

impl OldNames {
    pub(crate) fn new() -> Self {
        OldNames(KVec::new())
    }

    /// The name to look up on `branch`, if not the union's.
    pub(crate) fn get(&self, branch: usize) -> Option<&OldName> {
        self.0.iter().find(|n| n.branch == branch)
    }

    fn set(&mut self, branch: usize, name: Option<OldName>) -> Result {
        self.0.retain(|n| n.branch != branch);
        match name {
            Some(name) => self.0.push(name, GFP_KERNEL).map_err(Into::into),
            None => Ok(()),
        }
    }

    /// After a lookup of `name` found the dir `dir` on branch `branch` (in
    /// the union dir whose lower dirs are `parent`): when it is one of the
    /// branch's renamed dirs, its info files give the names to look up on
    /// the branches of `parent` below (an info found replaces what an upper
    /// renamed dir said, as in aufs).
    pub(crate) fn found_dir(
        &mut self,
        union: &Union,
        parent: &[Lower],
        branch: usize,
        dir: &Path,
        name: &[u8],
    ) -> Result {
        if !union.dirren || !is_renamed_dir(&union.branches[branch], dir.ino())? {
            return Ok(());
        }
        for below in parent.iter().filter(|l| l.branch > branch) {
            let info_name = InfoName::of(&union.branches[below.branch])?;
            match read_info(dir, &info_name)? {
                // Renamed back: the union's name again.
                Some((_, old)) if old[..] == *name => self.set(below.branch, None)?,
                Some((ino, old)) => self.set(
                    below.branch,
                    Some(OldName {
                        branch: below.branch,
                        ino,
                        name: old,
                    }),
                )?,
                None => {}
            }
        }
        Ok(())
    }
}
