// SPDX-License-Identifier: GPL-2.0

//! Pure: the bitmap of aufs inode numbers in use (xino), as words of 64 bits;
//! bit `n % 64` of word `n / 64` stands for number `n`. The caller owns (and
//! grows) the words.

#![forbid(unsafe_code)]

/// True when number `n` is marked in use (false past the last word).
pub(crate) fn is_set(words: &[u64], n: u64) -> bool {
    let (word, bit) = ((n / 64) as usize, n % 64);
    words.get(word).is_some_and(|w| w & (1 << bit) != 0)
}

/// Marks number `n` in use or free; false (and nothing changes) when `n` is
/// past the last word.
pub(crate) fn set(words: &mut [u64], n: u64, used: bool) -> bool {
    let (word, bit) = ((n / 64) as usize, n % 64);
    let Some(w) = words.get_mut(word) else {
        return false;
    };
    if used {
        *w |= 1 << bit;
    } else {
        *w &= !(1 << bit);
    }
    true
}

/// The lowest free number from `from` up, or None when every number from
/// `from` to the end of the last word is in use (the caller adds a word and
/// asks again).
pub(crate) fn first_free(words: &[u64], from: u64) -> Option<u64> {
    let mut n = from;
    loop {
        let word = (n / 64) as usize;
        let free = !*words.get(word)? & (u64::MAX << (n % 64));
        if free != 0 {
            return Some(word as u64 * 64 + u64::from(free.trailing_zeros()));
        }
        n = (word as u64 + 1) * 64;
    }
}
