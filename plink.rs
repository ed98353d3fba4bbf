// SPDX-License-Identifier: GPL-2.0

//! Pseudo-links (aufs's plink.c): when one name of a hardlinked lower file is
//! copied up, the copy is also linked as `.wh..wh.plnk/INO` on its branch, so
//! that the file's other names find the copy instead of the lower original.

#![forbid(unsafe_code)]

use crate::branch::Union;
use crate::vfs::{NewObject, Path};
use crate::whiteout::PLINK_DIR;
use kernel::{prelude::*, str::CString};

impl Union {
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
