// SPDX-License-Identifier: GPL-2.0

//! Pseudo-links (aufs's plink.c): when one name of a hardlinked lower file is
//! copied up, the copy is also linked as `.wh..wh.plnk/INO` on its branch, so
//! that the file's other names find the copy instead of the lower original.

#![forbid(unsafe_code)]

use crate::branch::Union;
use crate::vfs::{MountLog, NewObject, Path};
use crate::whiteout::PLINK_DIR;
use kernel::{prelude::*, str::CString};

/// The most pseudo-link names `list_plink` logs per branch.
const LIST_MAX: usize = 32;

/// The pseudo-link names of one branch, as `list_plink` logs them.
#[derive(Default)]
struct PlinkNames {
    text: KVec<u8>,
    count: usize,
}

impl PlinkNames {
    /// Counts `name`, and keeps it while fewer than [`LIST_MAX`] are kept.
    fn add(&mut self, name: &[u8]) {
        if name.starts_with(b".") {
            return;
        }
        self.count += 1;
        if self.count <= LIST_MAX {
            let _ = self.text.push(b' ', GFP_KERNEL);
            let _ = self.text.extend_from_slice(name, GFP_KERNEL);
        }
    }

    /// The kept names, each after a space.
    fn text(&self) -> &str {
        core::str::from_utf8(&self.text).unwrap_or("")
    }
}

impl Union {
    /// The name of the pseudo-link of a hardlinked lower file: its aufs
    /// inode number (needs xino).
    fn pseudo_link_name(&self, lower: &Path) -> Option<CString> {
        let ino = self.xino.ino_for(lower.fs_id(), lower.ino()).ok()?;
        CString::try_from_fmt(fmt!("{ino}")).ok()
    }

    /// After copying up a file that has other links on its lower branch:
    /// records the copy under `.wh..wh.plnk/INO`, so the other names find
    /// it (aufs's pseudo-links). Best effort.
    pub(crate) fn add_pseudo_link(&self, lower: &Path, copy: &Path, wbr: usize) {
        if lower.nlink() < 2 || !self.tunables.plink {
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

    /// `list_plink`: logs the pseudo-links of every branch, one line per
    /// branch that has some (their names: the aufs inode numbers), at most
    /// [`LIST_MAX`] names each.
    pub(crate) fn list_pseudo_links(&self, log: &MountLog) {
        let _mounter = self.as_mounter();
        for (index, br) in self.branches.iter().enumerate() {
            let Ok(Some(dir)) = br.root.lookup_child(PLINK_DIR) else {
                continue;
            };
            let mut names = PlinkNames::default();
            let _ = dir.read_dir(&mut |name, _, _| {
                names.add(name);
                Ok(())
            });
            if names.count > 0 {
                log.info(format_args!(
                    "list_plink: branch {index}: {} pseudo-link(s):{}{}",
                    names.count,
                    names.text(),
                    if names.count > LIST_MAX { " ..." } else { "" }
                ));
            }
        }
    }

    /// The pseudo-link that stands for hardlinked file `lower` on branch
    /// `branch`, if one of its names was copied up to a branch above (the
    /// topmost such copy): (its branch, the copy). A branch made read-only
    /// by a remount keeps its pseudo-links, so they are looked up on every
    /// branch above, not only the writable ones.
    pub(crate) fn pseudo_link(&self, lower: &Path, branch: usize) -> Option<(usize, Path)> {
        if lower.nlink() < 2 || !self.tunables.plink {
            return None;
        }
        let name = self.pseudo_link_name(lower)?;
        let _mounter = self.as_mounter();
        for (above, br) in self.branches.iter().enumerate().take(branch) {
            let Ok(Some(dir)) = br.root.lookup_child(PLINK_DIR) else {
                continue;
            };
            if let Ok(Some(found)) = dir.lookup_child(name.to_bytes()) {
                return Some((above, found));
            }
        }
        None
    }
}
