// SPDX-License-Identifier: GPL-2.0

//! The merged directory listing: pure logic, shared with the host unit tests.
//!
//! Each branch's entries are collected as [`Record`]s whose names live in one
//! byte arena (one allocation for any number of names). [`merge`] then keeps,
//! for every name, the topmost record, and drops the name when that record is a
//! whiteout. Whiteouts on branches that do not honour them never become records.

#![forbid(unsafe_code)]

use core::cmp::Ordering;

/// One entry seen in one branch directory: 24 bytes (the fields are ordered
/// so that no padding is wasted but the final 4), plus the name in the arena.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Record {
    /// Inode number on the branch.
    pub(crate) ino: u64,
    /// Offset of the name in the arena.
    pub(crate) name_start: u32,
    /// Index of the branch the entry was seen on (0 is the top).
    pub(crate) branch: u32,
    /// Length of the name in bytes (a name has at most 255).
    pub(crate) name_len: u16,
    /// True for a whiteout (`name` is what it hides, without `.wh.`).
    pub(crate) whiteout: bool,
    /// `DT_*` type on the branch.
    pub(crate) dtype: u8,
}

impl Record {
    /// The record's name within `arena`.
    pub(crate) fn name<'a>(&self, arena: &'a [u8]) -> &'a [u8] {
        let start = self.name_start as usize;
        &arena[start..start + self.name_len as usize]
    }
}

fn order(arena: &[u8], a: &Record, b: &Record) -> Ordering {
    a.name(arena)
        .cmp(b.name(arena))
        .then(a.branch.cmp(&b.branch))
        .then(a.whiteout.cmp(&b.whiteout))
}

/// Sorts `records` and moves the visible ones to the front, in name order.
/// Returns how many are visible.
///
/// For each name, the topmost branch decides: a plain entry there is listed
/// (its lower duplicates are not), a whiteout there hides the name.
pub(crate) fn merge(arena: &[u8], records: &mut [Record]) -> usize {
    heap_sort(records, |a, b| order(arena, a, b) == Ordering::Less);
    let mut visible = 0;
    let mut i = 0;
    while i < records.len() {
        let first = records[i];
        let name = first.name(arena);
        i += 1;
        while i < records.len() && records[i].name(arena) == name {
            i += 1;
        }
        if !first.whiteout {
            records[visible] = first;
            visible += 1;
        }
    }
    visible
}

/// Sorts `v` in place by `less` (a strict total order), in O(n log n) time
/// and no extra memory. A heapsort instead of `sort_unstable_by`: the
/// core's pattern-defeating quicksort, monomorphised for [`Record`], was
/// about 10 KiB of the module's text for this one call.
pub(crate) fn heap_sort<T: Copy>(v: &mut [T], less: impl Fn(&T, &T) -> bool) {
    let sift_down = |v: &mut [T], mut node: usize, end: usize| loop {
        let mut child = 2 * node + 1;
        if child >= end {
            break;
        }
        if child + 1 < end && less(&v[child], &v[child + 1]) {
            child += 1;
        }
        if !less(&v[node], &v[child]) {
            break;
        }
        v.swap(node, child);
        node = child;
    };
    for node in (0..v.len() / 2).rev() {
        sift_down(v, node, v.len());
    }
    for end in (1..v.len()).rev() {
        v.swap(0, end);
        sift_down(v, 0, end);
    }
}
