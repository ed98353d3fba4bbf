// SPDX-License-Identifier: GPL-2.0

//! The watermarks of a mount's fhsm branches, kept where the controller
//! writes them and the daemon reads them (aufs-util keeps them in POSIX
//! shared memory; here a text file in the mount's state dir, one line per
//! branch id: `BRID BLOCK_UPPER BLOCK_LOWER INODE_UPPER INODE_LOWER`).

use crate::decide::{Pair, Watermarks};
use aufs_util::{ctx, Result};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The state dir of the mount `si` under `base` (`-d DIR`,
/// `$AUFHSM_LIST_DIR`, else `/run/aufhsm`).
pub fn state_dir(base: &Path, si: &str) -> PathBuf {
    base.join(format!("si_{si}"))
}

/// The watermarks by branch id, parsed from the file's text; lines that do
/// not parse are ignored.
pub fn parse(text: &str) -> BTreeMap<i32, Watermarks> {
    let mut out = BTreeMap::new();
    for line in text.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        let n: Vec<f64> = f.iter().skip(1).filter_map(|v| v.parse().ok()).collect();
        if let (Some(Ok(brid)), 4) = (f.first().map(|b| b.parse::<i32>()), n.len()) {
            let pair = |u: f64, l: f64| Pair { upper: u, lower: l };
            out.insert(
                brid,
                Watermarks {
                    block: pair(n[0], n[1]),
                    inode: pair(n[2], n[3]),
                },
            );
        }
    }
    out
}

/// The file's text for `marks`.
pub fn format(marks: &BTreeMap<i32, Watermarks>) -> String {
    marks
        .iter()
        .map(|(brid, w)| {
            format!(
                "{brid} {} {} {} {}\n",
                w.block.upper, w.block.lower, w.inode.upper, w.inode.lower
            )
        })
        .collect()
}

/// Reads the watermarks of the state dir `dir` (none yet: empty).
pub fn load(dir: &Path) -> Result<BTreeMap<i32, Watermarks>> {
    match std::fs::read_to_string(dir.join("wmark")) {
        Ok(text) => Ok(parse(&text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(BTreeMap::new()),
        Err(e) => Err(ctx(dir.join("wmark").display())(e)),
    }
}

/// Writes them (a new file renamed over the old: a reader sees one or the
/// other whole).
pub fn store(dir: &Path, marks: &BTreeMap<i32, Watermarks>) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(ctx(dir.display()))?;
    let tmp = dir.join("wmark.new");
    std::fs::write(&tmp, format(marks)).map_err(ctx(tmp.display()))?;
    std::fs::rename(&tmp, dir.join("wmark")).map_err(ctx(dir.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_round_trips_and_skips_bad_lines() {
        let mut marks = BTreeMap::new();
        let w = Watermarks {
            block: Pair {
                upper: 80.5,
                lower: 20.0,
            },
            ..Watermarks::default()
        };
        marks.insert(-1, Watermarks::default());
        marks.insert(65, w);
        let text = format(&marks);
        assert_eq!(text, "-1 75 50 0 0\n65 80.5 20 0 0\n");
        assert_eq!(parse(&text), marks);
        assert_eq!(parse("x 1 2 3 4\n7 1 2 3\n\n65 80.5 20 0 0\n").len(), 1);
    }

    #[test]
    fn store_then_load() {
        let dir = std::env::temp_dir().join(format!("aufhsm-test-{}", std::process::id()));
        let mut marks = BTreeMap::new();
        marks.insert(3, Watermarks::default());
        store(&dir, &marks).unwrap();
        assert_eq!(load(&dir).unwrap(), marks);
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(load(&dir).unwrap().is_empty());
    }
}
