// SPDX-License-Identifier: GPL-2.0

//! auchk: the offline check of a writable branch (the union unmounted).
//! What it finds:
//! - stale copy-up temporaries in `.wh..wh.orph/`, and dirs moved aside by
//!   an interrupted removal (`.wh..wh.NAME.XXXX`): removed by `--fix`;
//! - a base file `.wh..wh.aufs` that is not an empty regular file: made
//!   again by `--fix`;
//! - whiteouts that hide nothing: beside their own name on the branch (an
//!   interrupted create: the name wins), in an opaque dir, or, with the
//!   lower branches given, naming nothing on them; or that are not empty
//!   regular files: removed by `--fix`;
//! - `.wh..wh.plnk` entries that are no pseudo-link (not a number, not a
//!   regular file): removed by `--fix`; and pseudo-links not flushed (the
//!   file's other names may be missing from the branch): reported, since
//!   only `auplink MNT flush` on the mounted union can make those names.

use crate::walk::relative;
use crate::wh::{classify, Kind, BASE, OPAQUE, ORPH_DIR, PLINK_DIR};
use crate::{ctx, Result};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// One finding.
#[derive(Debug, PartialEq, Eq)]
pub struct Finding {
    /// The object, relative to the branch.
    pub path: PathBuf,
    pub problem: String,
    /// `--fix` repairs it.
    pub fixable: bool,
    /// `--fix` repaired it.
    pub fixed: bool,
}

/// Checks `branch`; `lowers`: the branches below it, top first (may be
/// empty); `fix`: repair what can be.
pub fn check(branch: &Path, lowers: &[PathBuf], fix: bool) -> Result<Vec<Finding>> {
    let mut out = Vec::new();
    let mut note = |path: &Path,
                    problem: String,
                    fixable: bool,
                    repair: &mut dyn FnMut() -> std::io::Result<()>|
     -> Result<()> {
        let fixed = fix && fixable && {
            repair().map_err(ctx(format!("fixing {}", path.display())))?;
            true
        };
        out.push(Finding {
            path: relative(branch, path),
            problem,
            fixable,
            fixed,
        });
        Ok(())
    };
    // The base file.
    let base = branch.join(BASE);
    if let Ok(md) = base.symlink_metadata() {
        if !md.is_file() || md.len() != 0 {
            note(
                &base,
                "whiteout base is not an empty regular file".into(),
                true,
                &mut || {
                    remove_any(&base)?;
                    make_base(&base)
                },
            )?;
        }
    }
    // Copy-up temporaries.
    let orph = branch.join(ORPH_DIR);
    if let Ok(entries) = std::fs::read_dir(&orph) {
        for e in entries {
            let p = e.map_err(ctx(orph.display()))?.path();
            note(&p, "stale copy-up temporary".into(), true, &mut || {
                remove_any(&p)
            })?;
        }
    }
    // Pseudo-links.
    let plnk = branch.join(PLINK_DIR);
    if let Ok(entries) = std::fs::read_dir(&plnk) {
        for e in entries {
            let e = e.map_err(ctx(plnk.display()))?;
            let p = e.path();
            let md = p.symlink_metadata().map_err(ctx(p.display()))?;
            let numeric = e
                .file_name()
                .to_str()
                .is_some_and(|n| n.parse::<u64>().is_ok());
            if !numeric || !md.is_file() {
                note(
                    &p,
                    "not a pseudo-link (a regular file named by an inode number)".into(),
                    true,
                    &mut || remove_any(&p),
                )?;
            } else {
                note(
                    &p,
                    "pseudo-link not flushed: the branch alone may lack other names of the file (run auplink MNT flush on the mounted union)"
                        .into(),
                    false,
                    &mut || Ok(()),
                )?;
            }
        }
    }
    // The tree.
    let mut stack = vec![branch.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let at_root = dir == branch;
        let mut names: Vec<String> = Vec::new();
        for e in std::fs::read_dir(&dir).map_err(ctx(dir.display()))? {
            names.push(
                e.map_err(ctx(dir.display()))?
                    .file_name()
                    .to_string_lossy()
                    .into_owned(),
            );
        }
        names.sort();
        let opaque = names.iter().any(|n| n == OPAQUE);
        for name in &names {
            let p = dir.join(name);
            let md = p.symlink_metadata().map_err(ctx(p.display()))?;
            match classify(name, at_root) {
                Kind::Plain => {
                    if md.is_dir() {
                        stack.push(p);
                    }
                }
                Kind::Internal | Kind::Opaque => {}
                Kind::Temp => {
                    note(
                        &p,
                        "left by an interrupted removal".into(),
                        true,
                        &mut || remove_any(&p),
                    )?;
                }
                Kind::Whiteout(target) => {
                    let rel_dir = relative(branch, &dir);
                    let why = if !md.is_file() || md.len() != 0 {
                        Some("whiteout is not an empty regular file".to_string())
                    } else if names.iter().any(|n| n == target) {
                        Some(format!("whiteout beside {target} on the same branch"))
                    } else if opaque {
                        Some("whiteout in an opaque dir hides nothing".to_string())
                    } else if !lowers.is_empty()
                        && !lowers
                            .iter()
                            .any(|l| l.join(&rel_dir).join(target).symlink_metadata().is_ok())
                    {
                        Some("whiteout hides nothing on the lower branches".to_string())
                    } else {
                        None
                    };
                    if let Some(why) = why {
                        note(&p, why, true, &mut || remove_any(&p))?;
                    }
                }
            }
        }
    }
    Ok(out)
}

fn remove_any(p: &Path) -> std::io::Result<()> {
    if p.symlink_metadata()?.is_dir() {
        std::fs::remove_dir_all(p)
    } else {
        std::fs::remove_file(p)
    }
}

/// An empty read-only base file, as the module makes it.
fn make_base(p: &Path) -> std::io::Result<()> {
    std::fs::File::create(p)?;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o444))
}
