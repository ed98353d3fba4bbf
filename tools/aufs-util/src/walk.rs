// SPDX-License-Identifier: GPL-2.0

//! A depth-first walk of a tree that stays on one filesystem and never
//! follows symlinks (`find -xdev`).

use crate::{ctx, Result};
use std::fs::Metadata;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// Calls `visit(path, metadata)` for everything under `root` (not `root`
/// itself), parents before their children, names sorted; a dir is entered
/// when `visit` returns true and it is on `root`'s filesystem.
pub fn walk(root: &Path, visit: &mut dyn FnMut(&Path, &Metadata) -> Result<bool>) -> Result<()> {
    let dev = std::fs::symlink_metadata(root)
        .map_err(ctx(root.display()))?
        .dev();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let mut children = Vec::new();
        for entry in std::fs::read_dir(&dir).map_err(ctx(dir.display()))? {
            children.push(entry.map_err(ctx(dir.display()))?.path());
        }
        children.sort();
        let mut subdirs = Vec::new();
        for path in children {
            let md = match std::fs::symlink_metadata(&path) {
                Ok(md) => md,
                // Gone since the listing.
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => return Err(ctx(path.display())(e)),
            };
            if visit(&path, &md)? && md.is_dir() && md.dev() == dev {
                subdirs.push(path);
            }
        }
        stack.extend(subdirs.into_iter().rev());
    }
    Ok(())
}

/// `path` relative to `base` (`path` is under `base`).
pub fn relative(base: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(base).unwrap_or(path).to_path_buf()
}
