// SPDX-License-Identifier: GPL-2.0

//! The daemon's decisions, pure (host-tested): the records of the FHSM fd,
//! watermarks, when a branch is too full and when it is emptied enough,
//! which files go first, what an error of a move-down means.

use crate::uapi::{AufsStbr, AufsStfs};
use std::path::PathBuf;

/// The size of one record (`struct aufs_stbr`).
pub const STBR_SIZE: usize = 40;

/// The records a read of the FHSM fd returned (native layout: `brid` i16
/// @0, `bindex` i16 @2, the four u64 of `struct aufs_stfs` @8); a partial
/// record at the end is ignored.
pub fn decode_records(bytes: &[u8]) -> Vec<AufsStbr> {
    let u64_at = |rec: &[u8], at: usize| {
        let mut b = [0u8; 8];
        b.copy_from_slice(&rec[at..at + 8]);
        u64::from_ne_bytes(b)
    };
    bytes
        .chunks_exact(STBR_SIZE)
        .map(|rec| AufsStbr {
            brid: i16::from_ne_bytes([rec[0], rec[1]]),
            bindex: i16::from_ne_bytes([rec[2], rec[3]]),
            stfs: AufsStfs {
                f_blocks: u64_at(rec, 8),
                f_bavail: u64_at(rec, 16),
                f_files: u64_at(rec, 24),
                f_ffree: u64_at(rec, 32),
            },
        })
        .collect()
}

/// A pair of watermarks, in percent used: above `upper` the move-down
/// starts, it goes on until `lower` or less is used (aufs-util's
/// `UPPER-LOWER`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Pair {
    pub upper: f64,
    pub lower: f64,
}

/// The watermarks of one branch: blocks, and inodes (0-0, aufs-util's
/// default, means the inodes are not looked at).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Watermarks {
    pub block: Pair,
    pub inode: Pair,
}

impl Default for Watermarks {
    /// aufs-util's defaults: blocks 75-50, inodes not looked at.
    fn default() -> Self {
        Watermarks {
            block: Pair {
                upper: 75.0,
                lower: 50.0,
            },
            inode: Pair {
                upper: 0.0,
                lower: 0.0,
            },
        }
    }
}

/// Parses `UPPER-LOWER` (percentages, 0 to 100, UPPER >= LOWER; fractions
/// allowed), as aufs-util's `do_wmark`.
pub fn parse_pair(text: &str) -> Option<Pair> {
    let (u, l) = text.split_once('-')?;
    let (upper, lower) = (u.trim().parse::<f64>().ok()?, l.trim().parse::<f64>().ok()?);
    let ok = |v: f64| (0.0..=100.0).contains(&v);
    (ok(upper) && ok(lower) && upper >= lower).then_some(Pair { upper, lower })
}

/// Percent used of `total` when `free` are free (0 for an empty total).
fn used(free: u64, total: u64) -> f64 {
    if total == 0 {
        return 0.0;
    }
    100.0 * (1.0 - free.min(total) as f64 / total as f64)
}

/// True when the branch of `stfs` is above an upper watermark: blocks, or
/// inodes when their watermarks are set (aufs-util's `test_usage`).
pub fn over_upper(stfs: &AufsStfs, wm: &Watermarks) -> bool {
    used(stfs.f_bavail, stfs.f_blocks) > wm.block.upper
        || (wm.inode.upper > 0.0 && used(stfs.f_ffree, stfs.f_files) > wm.inode.upper)
}

/// True when the move-down may stop: at or below both lower watermarks
/// (aufs's design note: "until the consumed blocks/inodes reaches the
/// user-specified lower watermark").
pub fn done(stfs: &AufsStfs, wm: &Watermarks) -> bool {
    used(stfs.f_bavail, stfs.f_blocks) <= wm.block.lower
        && (wm.inode.upper <= 0.0 || used(stfs.f_ffree, stfs.f_files) <= wm.inode.lower)
}

/// A file that may move down: a regular file with one link on the branch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    /// Its path relative to the branch root (and the union root).
    pub rel: PathBuf,
    /// Last access, in nanoseconds since the epoch.
    pub atime_ns: i128,
    /// 512-byte blocks it takes.
    pub blocks: u64,
}

/// The coldest first: by access time, then the larger first (aufs-util's
/// lister: `find` sorted by atime, then by blocks).
pub fn order(files: &mut [Candidate]) {
    files.sort_by(|a, b| {
        a.atime_ns
            .cmp(&b.atime_ns)
            .then(b.blocks.cmp(&a.blocks))
            .then(a.rel.cmp(&b.rel))
    });
}

/// What a failed move-down of one file means for the others.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AfterError {
    /// Try the next file (aufs-util: EBUSY is retried at the next turn,
    /// EROFS, ENOENT and EINVAL, the file is not movable, are skipped).
    Next,
    /// Stop this branch's turn: ENOSPC (the lower branch is full) or an
    /// error that is not about this file.
    Stop,
}

/// aufs-util's handling of the errors of `AUFS_CTL_MVDOWN` (`do_mvdown1`).
pub fn after_error(errno: i32) -> AfterError {
    const EBUSY: i32 = 16;
    const EROFS: i32 = 30;
    const ENOENT: i32 = 2;
    const EINVAL: i32 = 22;
    match errno {
        EBUSY | EROFS | ENOENT | EINVAL => AfterError::Next,
        _ => AfterError::Stop,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stfs(blocks: u64, bavail: u64, files: u64, ffree: u64) -> AufsStfs {
        AufsStfs {
            f_blocks: blocks,
            f_bavail: bavail,
            f_files: files,
            f_ffree: ffree,
        }
    }

    #[test]
    fn records_decode_in_the_native_layout() {
        let mut bytes = vec![0u8; STBR_SIZE * 2 + 7];
        bytes[0..2].copy_from_slice(&64i16.to_ne_bytes());
        bytes[2..4].copy_from_slice(&0i16.to_ne_bytes());
        for (i, v) in [512u64, 100, 1000, 900].iter().enumerate() {
            bytes[8 + i * 8..16 + i * 8].copy_from_slice(&v.to_ne_bytes());
        }
        bytes[40..42].copy_from_slice(&(-3i16).to_ne_bytes());
        bytes[42..44].copy_from_slice(&1i16.to_ne_bytes());
        let recs = decode_records(&bytes);
        assert_eq!(recs.len(), 2, "the partial record is ignored");
        assert_eq!((recs[0].brid, recs[0].bindex), (64, 0));
        assert_eq!(recs[0].stfs, stfs(512, 100, 1000, 900));
        assert_eq!((recs[1].brid, recs[1].bindex), (-3, 1));
    }

    #[test]
    fn pairs_parse_as_aufs_util() {
        let p = |u, l| Some(Pair { upper: u, lower: l });
        assert_eq!(parse_pair("75-50"), p(75.0, 50.0));
        assert_eq!(parse_pair("90.5-10.25"), p(90.5, 10.25));
        assert_eq!(parse_pair("100-0"), p(100.0, 0.0));
        assert_eq!(parse_pair("50-50"), p(50.0, 50.0));
        for bad in ["50-75", "101-0", "75", "-1-0", "a-b", "", "75-"] {
            assert_eq!(parse_pair(bad), None, "{bad}");
        }
    }

    #[test]
    fn upper_and_lower_watermarks() {
        let wm = Watermarks::default();
        // 75% used is not above 75.
        assert!(!over_upper(&stfs(100, 25, 10, 10), &wm));
        assert!(over_upper(&stfs(100, 24, 10, 10), &wm));
        assert!(!done(&stfs(100, 49, 10, 10), &wm));
        assert!(done(&stfs(100, 50, 10, 10), &wm));
        // Inodes count only when their watermarks are set.
        assert!(!over_upper(&stfs(100, 100, 10, 0), &wm));
        let inodes = Watermarks {
            inode: Pair {
                upper: 80.0,
                lower: 60.0,
            },
            ..wm
        };
        assert!(over_upper(&stfs(100, 100, 10, 1), &inodes));
        assert!(!done(&stfs(100, 100, 10, 3), &inodes));
        assert!(done(&stfs(100, 100, 10, 4), &inodes));
        // An empty filesystem (0 blocks) is never full.
        assert!(!over_upper(&stfs(0, 0, 0, 0), &inodes));
    }

    #[test]
    fn coldest_first_then_largest() {
        let c = |rel: &str, atime_ns, blocks| Candidate {
            rel: rel.into(),
            atime_ns,
            blocks,
        };
        let mut files = vec![
            c("new", 300, 8),
            c("old-small", 100, 8),
            c("old-big", 100, 64),
            c("mid", 200, 1),
        ];
        order(&mut files);
        let names: Vec<_> = files.iter().map(|f| f.rel.to_str().unwrap()).collect();
        assert_eq!(names, ["old-big", "old-small", "mid", "new"]);
    }

    #[test]
    fn errors_skip_the_file_or_stop_the_branch() {
        for errno in [16, 30, 2, 22] {
            assert_eq!(after_error(errno), AfterError::Next, "{errno}");
        }
        for errno in [28, 5, 1, 12] {
            assert_eq!(after_error(errno), AfterError::Stop, "{errno}");
        }
    }
}
