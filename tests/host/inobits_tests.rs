// SPDX-License-Identifier: GPL-2.0

//! inobits.rs: the xino in-use bitmap.

use crate::inobits::{first_free, is_set, set};

/// Allocates as xino.rs does: the lowest free number from `from`, growing
/// the words one at a time, then marks it.
fn allocate(words: &mut Vec<u64>, from: u64) -> u64 {
    let n = loop {
        match first_free(words, from) {
            Some(n) => break n,
            None => words.push(0),
        }
    };
    assert!(set(words, n, true));
    n
}

#[test]
fn empty_bitmap_has_nothing_in_use_and_asks_for_a_word() {
    assert!(!is_set(&[], 0));
    assert!(!is_set(&[], 11));
    assert_eq!(first_free(&[], 11), None);
    let mut none: [u64; 0] = [];
    assert!(
        !set(&mut none, 5, true),
        "past the last word nothing is marked"
    );
}

#[test]
fn numbers_are_handed_out_in_order_from_the_first() {
    let mut words = Vec::new();
    let got: Vec<u64> = (0..5).map(|_| allocate(&mut words, 11)).collect();
    assert_eq!(got, [11, 12, 13, 14, 15]);
    assert!(is_set(&words, 15));
    assert!(!is_set(&words, 16));
    assert!(
        !is_set(&words, 10),
        "numbers below the first are never used"
    );
}

#[test]
fn a_freed_number_is_reused_first() {
    let mut words = Vec::new();
    for _ in 0..10 {
        allocate(&mut words, 11);
    }
    assert!(set(&mut words, 14, false));
    assert!(!is_set(&words, 14));
    assert_eq!(allocate(&mut words, 11), 14);
    assert_eq!(allocate(&mut words, 11), 21);
}

#[test]
fn allocation_crosses_word_boundaries() {
    let mut words = Vec::new();
    let mut last = 0;
    for _ in 0..200 {
        last = allocate(&mut words, 11);
    }
    assert_eq!(last, 210);
    assert_eq!(words.len(), 4);
    assert_eq!(words[1], u64::MAX);
    assert!(is_set(&words, 63) && is_set(&words, 64) && is_set(&words, 127));
}

#[test]
fn first_free_starts_at_from_and_skips_full_words() {
    let words = [u64::MAX, u64::MAX, 0b1011];
    assert_eq!(first_free(&words, 0), Some(130));
    assert_eq!(first_free(&words, 131), Some(132));
    assert_eq!(first_free(&words, 191), Some(191));
    assert_eq!(first_free(&words, 192), None);
    assert_eq!(first_free(&[u64::MAX], 0), None);
}

#[test]
fn set_and_clear_touch_one_bit() {
    let mut words = vec![0u64; 2];
    assert!(set(&mut words, 70, true));
    assert_eq!(words, [0, 1 << 6]);
    assert!(set(&mut words, 0, true));
    assert!(set(&mut words, 70, false));
    assert_eq!(words, [1, 0]);
    assert!(!set(&mut words, 128, true));
    assert_eq!(words, [1, 0]);
}
