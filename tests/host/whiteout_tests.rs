// SPDX-License-Identifier: GPL-2.0

//! Tests for `whiteout.rs`: the `.wh.` name rules.

use crate::whiteout::{
    classify, is_dot_or_dotdot, temp_name, whiteout_name, EntryKind, OPAQUE_NAME, WH_PREFIX,
};

#[test]
fn plain_names() {
    for name in [
        &b"foo"[..],
        b".",
        b"..",
        b".wh",
        b".whx",
        b"wh.foo",
        b"x.wh.foo",
        b".WH.foo",
        b"",
    ] {
        assert_eq!(
            classify(name),
            EntryKind::Plain,
            "{:?}",
            String::from_utf8_lossy(name)
        );
    }
}

#[test]
fn whiteouts_carry_the_hidden_name() {
    assert_eq!(classify(b".wh.foo"), EntryKind::Whiteout(b"foo"));
    assert_eq!(classify(b".wh.a"), EntryKind::Whiteout(b"a"));
    assert_eq!(classify(b".wh..hidden"), EntryKind::Whiteout(b".hidden"));
    assert_eq!(classify(b".wh..wh"), EntryKind::Whiteout(b".wh"));
}

#[test]
fn internal_names() {
    assert_eq!(classify(b".wh..wh.aufs"), EntryKind::Internal);
    assert_eq!(classify(b".wh..wh..opq"), EntryKind::Internal);
    assert_eq!(classify(b".wh..wh.plnk"), EntryKind::Internal);
    assert_eq!(classify(b".wh..wh."), EntryKind::Internal);
    assert_eq!(classify(b".wh."), EntryKind::Internal);
    assert_eq!(classify(OPAQUE_NAME), EntryKind::Internal);
}

#[test]
fn whiteout_name_fits() {
    let mut buf = [0u8; 64];
    assert_eq!(whiteout_name(b"foo", &mut buf), Some(&b".wh.foo"[..]));
    assert_eq!(&buf[..7], b".wh.foo");
    // Exactly the needed size.
    let mut exact = [0u8; 7];
    assert_eq!(whiteout_name(b"foo", &mut exact), Some(&b".wh.foo"[..]));
    // An empty name gives the bare prefix.
    let mut small = [0u8; 4];
    assert_eq!(whiteout_name(b"", &mut small), Some(WH_PREFIX));
}

#[test]
fn whiteout_name_too_small() {
    let mut buf = [0xaau8; 6];
    assert_eq!(whiteout_name(b"foo", &mut buf), None);
    // Nothing was written.
    assert_eq!(buf, [0xaa; 6]);
    let mut none: [u8; 0] = [];
    assert_eq!(whiteout_name(b"", &mut none), None);
}

#[test]
fn whiteout_name_classifies_back() {
    let mut buf = [0u8; 300];
    for name in [&b"foo"[..], b"a.b", b".hidden", &[b'z'; 242]] {
        let wh = whiteout_name(name, &mut buf).unwrap().to_vec();
        assert_eq!(classify(&wh), EntryKind::Whiteout(name));
    }
}

#[test]
fn dot_and_dotdot() {
    assert!(is_dot_or_dotdot(b"."));
    assert!(is_dot_or_dotdot(b".."));
    for name in [&b""[..], b"...", b".a", b"a", b"./", b".wh.."] {
        assert!(
            !is_dot_or_dotdot(name),
            "{:?}",
            String::from_utf8_lossy(name)
        );
    }
}

#[test]
fn temp_names_are_internal_and_fit_the_longest_name() {
    let mut buf = [0u8; 255];
    assert_eq!(
        temp_name(b"d", 0x0a1f, &mut buf).unwrap(),
        b".wh..wh.d.0a1f"
    );
    assert_eq!(
        temp_name(b"d", 0xffff, &mut buf).unwrap(),
        b".wh..wh.d.ffff"
    );
    assert_eq!(
        classify(temp_name(b"x", 1, &mut buf).unwrap()),
        EntryKind::Internal
    );
    // The union refuses names over 242 bytes: the longest one still fits.
    let longest = [b'n'; 242];
    assert_eq!(temp_name(&longest, 7, &mut buf).unwrap().len(), 255);
    assert!(temp_name(&[b'n'; 243], 7, &mut buf).is_none());
}
