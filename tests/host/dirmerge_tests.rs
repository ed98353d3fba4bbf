// SPDX-License-Identifier: GPL-2.0

//! Tests for `dirmerge.rs`: the merged directory listing.

use std::collections::{BTreeMap, BTreeSet};

use crate::dirmerge::{heap_sort, merge, Record};

const DT_DIR: u8 = 4;
const DT_REG: u8 = 8;

/// Collects records the way readdir does: names appended to one arena.
#[derive(Default)]
struct Listing {
    arena: Vec<u8>,
    records: Vec<Record>,
}

/// A visible entry after the merge, with its name copied out of the arena.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Seen {
    name: Vec<u8>,
    branch: u32,
    ino: u64,
    dtype: u8,
}

impl Listing {
    fn push(&mut self, name: &[u8], branch: u32, whiteout: bool, ino: u64, dtype: u8) {
        let name_start = u32::try_from(self.arena.len()).unwrap();
        self.arena.extend_from_slice(name);
        self.records.push(Record {
            name_start,
            name_len: u16::try_from(name.len()).unwrap(),
            branch,
            whiteout,
            ino,
            dtype,
        });
    }

    fn plain(&mut self, name: &str, branch: u32, ino: u64) -> &mut Self {
        self.push(name.as_bytes(), branch, false, ino, DT_REG);
        self
    }

    fn whiteout(&mut self, name: &str, branch: u32, ino: u64) -> &mut Self {
        self.push(name.as_bytes(), branch, true, ino, DT_REG);
        self
    }

    /// Runs the merge and returns the visible entries in output order.
    fn merge(&mut self) -> Vec<Seen> {
        let visible = merge(&self.arena, &mut self.records);
        assert!(visible <= self.records.len());
        self.records[..visible]
            .iter()
            .map(|r| {
                assert!(!r.whiteout, "a whiteout record was listed: {r:?}");
                Seen {
                    name: r.name(&self.arena).to_vec(),
                    branch: r.branch,
                    ino: r.ino,
                    dtype: r.dtype,
                }
            })
            .collect()
    }
}

fn names(seen: &[Seen]) -> Vec<&str> {
    seen.iter()
        .map(|s| std::str::from_utf8(&s.name).unwrap())
        .collect()
}

#[test]
fn record_name_reads_its_slice_of_the_arena() {
    let mut l = Listing::default();
    l.plain("alpha", 0, 1).plain("", 0, 2).plain("beta", 1, 3);
    assert_eq!(l.records[0].name(&l.arena), b"alpha");
    assert_eq!(l.records[1].name(&l.arena), b"");
    assert_eq!(l.records[2].name(&l.arena), b"beta");
}

#[test]
fn empty_input() {
    let mut l = Listing::default();
    assert_eq!(merge(&l.arena, &mut l.records), 0);
    assert_eq!(l.merge(), vec![]);
}

#[test]
fn topmost_of_duplicates_survives() {
    let mut l = Listing::default();
    // Pushed bottom first, so the sort has to do the work.
    l.plain("same", 2, 300)
        .plain("same", 1, 200)
        .plain("same", 0, 100);
    assert_eq!(
        l.merge(),
        vec![Seen {
            name: b"same".to_vec(),
            branch: 0,
            ino: 100,
            dtype: DT_REG
        }]
    );
}

#[test]
fn topmost_keeps_its_own_type() {
    let mut l = Listing::default();
    l.push(b"d", 1, false, 11, DT_REG);
    l.push(b"d", 0, false, 10, DT_DIR);
    assert_eq!(
        l.merge(),
        vec![Seen {
            name: b"d".to_vec(),
            branch: 0,
            ino: 10,
            dtype: DT_DIR
        }]
    );
}

#[test]
fn whiteout_hides_lower_but_not_upper() {
    let mut l = Listing::default();
    l.plain("gone", 2, 21) // hidden by the whiteout on branch 1
        .whiteout("gone", 1, 0)
        .plain("kept", 2, 22) // hidden on branch 1 ...
        .whiteout("kept", 1, 0)
        .plain("kept", 0, 10) // ... but present above it
        .plain("other", 2, 23);
    let seen = l.merge();
    assert_eq!(names(&seen), ["kept", "other"]);
    assert_eq!((seen[0].branch, seen[0].ino), (0, 10));
    assert_eq!((seen[1].branch, seen[1].ino), (2, 23));
}

#[test]
fn whiteout_alone_lists_nothing() {
    let mut l = Listing::default();
    l.whiteout("ghost", 0, 0).whiteout("ghost", 3, 0);
    assert_eq!(l.merge(), vec![]);
}

#[test]
fn plain_beats_whiteout_on_the_same_branch() {
    let mut l = Listing::default();
    // Whiteout pushed first so the tie-break, not push order, decides.
    l.whiteout("both", 1, 0)
        .plain("both", 1, 42)
        .plain("both", 2, 43);
    assert_eq!(
        l.merge(),
        vec![Seen {
            name: b"both".to_vec(),
            branch: 1,
            ino: 42,
            dtype: DT_REG
        }]
    );
}

#[test]
fn output_sorted_and_deduplicated() {
    let mut l = Listing::default();
    for (branch, list) in [
        (1, ["b", "a", "ab", "c"]),
        (0, ["c", "a", "B", "aa"]),
        (2, ["a", "zz", "b", "a."]),
    ] {
        for (i, name) in list.iter().enumerate() {
            l.plain(name, branch, u64::from(branch) * 100 + i as u64);
        }
    }
    let seen = l.merge();
    // Byte order: upper case before lower case, a prefix before its extensions.
    assert_eq!(names(&seen), ["B", "a", "a.", "aa", "ab", "b", "c", "zz"]);
    let branch_of = |n: &str| seen.iter().find(|s| s.name == n.as_bytes()).unwrap().branch;
    assert_eq!(branch_of("a"), 0);
    assert_eq!(branch_of("b"), 1);
    assert_eq!(branch_of("c"), 0);
    assert_eq!(branch_of("zz"), 2);
}

#[test]
fn a_record_takes_24_bytes() {
    // The user documentation states the memory per listed entry from this.
    assert_eq!(core::mem::size_of::<Record>(), 24);
}

#[test]
fn names_share_bytes_in_the_arena() {
    // Records may point at overlapping arena ranges; only the bytes matter.
    let arena = b"foobar".to_vec();
    let rec = |start, len, branch, whiteout, ino| Record {
        name_start: start,
        name_len: len,
        branch,
        whiteout,
        ino,
        dtype: DT_REG,
    };
    let mut records = vec![
        rec(0, 3, 1, false, 1), // "foo"
        rec(3, 3, 0, false, 2), // "bar"
        rec(0, 6, 0, true, 0),  // whiteout "foobar"
        rec(0, 6, 1, false, 3), // "foobar", hidden
        rec(0, 3, 0, false, 4), // "foo" again, higher
    ];
    let visible = merge(&arena, &mut records);
    let out: Vec<(&[u8], u64)> = records[..visible]
        .iter()
        .map(|r| (r.name(&arena), r.ino))
        .collect();
    assert_eq!(out, [(&b"bar"[..], 2), (&b"foo"[..], 4)]);
}

/// Small deterministic generator (Knuth's MMIX LCG), high bits used.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u32 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) as u32
    }

    fn below(&mut self, n: u32) -> u32 {
        self.next() % n
    }
}

/// The obvious reference: for each name, the record with the smallest
/// (branch, whiteout) decides; the name is listed unless that is a whiteout.
fn reference(arena: &[u8], records: &[Record]) -> Vec<Seen> {
    let mut top: BTreeMap<&[u8], &Record> = BTreeMap::new();
    for r in records {
        let entry = top.entry(r.name(arena)).or_insert(r);
        if (r.branch, r.whiteout) < (entry.branch, entry.whiteout) {
            *entry = r;
        }
    }
    top.into_iter()
        .filter(|(_, r)| !r.whiteout)
        .map(|(name, r)| Seen {
            name: name.to_vec(),
            branch: r.branch,
            ino: r.ino,
            dtype: r.dtype,
        })
        .collect()
}

fn randomized(seed: u64, name_count: usize, branches: u32) {
    let mut rng = Lcg(seed);
    // Short names over a tiny alphabet, so that prefixes and near-misses abound.
    let alphabet = b"ab.-Z";
    let mut pool = BTreeSet::new();
    while pool.len() < name_count {
        let len = 1 + rng.below(7) as usize;
        let name: Vec<u8> = (0..len)
            .map(|_| alphabet[rng.below(alphabet.len() as u32) as usize])
            .collect();
        pool.insert(name);
    }
    let pool: Vec<Vec<u8>> = pool.into_iter().collect();

    let mut l = Listing::default();
    let mut ino = 1u64;
    for branch in 0..branches {
        // Each branch holds each name as: nothing, a plain entry, a whiteout,
        // or (rarely) both; visited in a scrambled order.
        let start = rng.below(pool.len() as u32) as usize;
        for k in 0..pool.len() {
            let name = &pool[(start + k * 7) % pool.len()];
            let dtype = if rng.below(4) == 0 { DT_DIR } else { DT_REG };
            match rng.below(20) {
                0..=8 => {}
                9..=15 => l.push(name, branch, false, ino, dtype),
                16..=18 => l.push(name, branch, true, ino, 0),
                _ => {
                    l.push(name, branch, true, ino, 0);
                    ino += 1;
                    l.push(name, branch, false, ino, dtype);
                }
            }
            ino += 1;
        }
    }
    // Shuffle the records (Fisher-Yates) so input order carries no hint.
    for i in (1..l.records.len()).rev() {
        let j = rng.below(i as u32 + 1) as usize;
        l.records.swap(i, j);
    }

    let expected = reference(&l.arena, &l.records);
    let total = l.records.len();
    let seen = l.merge();
    assert!(
        !expected.is_empty() && expected.len() < name_count,
        "test data too uniform"
    );
    assert!(seen.len() <= total);
    assert_eq!(seen.len(), expected.len(), "seed {seed}: visible count");
    assert_eq!(seen, expected, "seed {seed}");
    assert!(
        seen.windows(2).all(|w| w[0].name < w[1].name),
        "seed {seed}: not strictly sorted"
    );
}

#[test]
fn randomized_against_reference() {
    randomized(1, 2000, 4);
}

#[test]
fn randomized_more_seeds() {
    for seed in 2..20 {
        randomized(seed, 300, 1 + (seed % 6) as u32);
    }
}

#[test]
fn heap_sort_sorts_like_the_standard_sort() {
    // Every length up to 70 (odd and even heaps, one- and two-child nodes)
    // and one larger input, each a scrambled sequence with duplicates.
    for len in (0..70).chain([1000]) {
        let mut v: Vec<u32> = (0..len).map(|i| (i * 7919 + 13) % 97).collect();
        let mut want = v.clone();
        want.sort();
        heap_sort(&mut v, |a, b| a < b);
        assert_eq!(v, want, "length {len}");
    }
}
