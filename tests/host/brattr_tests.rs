// SPDX-License-Identifier: GPL-2.0

//! Tests for `brattr.rs` through `Perm`: aufs's branch attributes parsed,
//! refused and printed as aufs prints them.

use crate::brattr::{OnOpen, COO_ALL, COO_REG, ICEX, ICEX_SEC, ICEX_USR, MOO};
use crate::opts::{parse_branch, OptError, Perm};

fn shown(text: &str) -> String {
    Perm::parse(text)
        .map(|p| p.to_string())
        .unwrap_or_else(|e| format!("{e}"))
}

#[test]
fn every_attribute_is_accepted_and_printed_in_aufs_order() {
    for (given, printed) in [
        ("rw+coo_reg", "rw+coo_reg"),
        ("ro+coo_all", "ro+coo_all"),
        ("rw+moo", "rw+moo"),
        ("ro+wh+icexsec", "ro+icexsec+wh"),
        ("rr+icexsys+wh", "rr+icexsys+wh"),
        ("rw+icextr", "rw+icextr"),
        ("rw+icexusr", "rw+icexusr"),
        ("rw+icexoth", "rw+icexoth"),
        ("rw+icex", "rw+icex"),
        ("rw+nolwh+moo", "rw+moo+nolwh"),
        ("rw+nolwh+icexusr+coo_all", "rw+coo_all+icexusr+nolwh"),
        (
            "ro+wh+coo_reg+icexusr+icexsec",
            "ro+coo_reg+icexsec+icexusr+wh",
        ),
        // All five icex attributes print as `icex`, as in aufs.
        ("rw+icexoth+icexusr+icextr+icexsys+icexsec", "rw+icex"),
        ("rw+icex+icexsec", "rw+icex"),
    ] {
        assert_eq!(shown(given), printed, "{given}");
    }
}

#[test]
fn the_last_of_coo_reg_coo_all_and_moo_counts() {
    assert_eq!(shown("rw+coo_reg+moo"), "rw+moo");
    assert_eq!(shown("rw+moo+coo_all"), "rw+coo_all");
    assert_eq!(shown("ro+coo_all+coo_reg"), "ro+coo_reg");
    // moo on ro is refused unless a later coo_* replaces it.
    assert_eq!(shown("ro+moo+coo_reg"), "ro+coo_reg");
}

#[test]
fn unpin_is_accepted_never_printed() {
    let mut perm = Perm::parse("rw+unpin+coo_reg").unwrap();
    assert_eq!(perm.to_string(), "rw+coo_reg");
    assert!(perm.attrs.take_unpin());
    assert!(!perm.attrs.take_unpin());
    assert_eq!(shown("ro+unpin"), "ro");
}

#[test]
fn misplaced_or_unknown_attributes_are_refused() {
    for bad in [
        "ro+moo",
        "rr+moo",
        "ro+coo_reg+moo",
        "rw+wh",
        "ro+nolwh",
        "rw+fhsm_x",
        "rw+icexfoo",
        "rw+",
        "rw+coo_reg+",
        "coo_reg",
        "rw+COO_REG",
    ] {
        assert_eq!(Perm::parse(bad), Err(OptError::BadPerm(bad)), "{bad}");
    }
}

#[test]
fn attributes_reach_the_branch_spec() {
    let spec = parse_branch("/a=ro+wh+coo_all").unwrap();
    let perm = spec.perm.unwrap();
    assert!(perm.whiteouts && perm.attrs.has(COO_ALL) && !perm.attrs.has(COO_REG));
}

#[test]
fn open_does_what_the_attribute_says() {
    let on_open = |text: &str, regular| Perm::parse(text).unwrap().attrs.on_open(regular);
    assert_eq!(on_open("ro", true), OnOpen::Nothing);
    assert_eq!(on_open("ro+coo_reg", true), OnOpen::CopyUp);
    assert_eq!(on_open("ro+coo_reg", false), OnOpen::Nothing);
    assert_eq!(on_open("ro+coo_all", false), OnOpen::CopyUp);
    assert_eq!(on_open("rw+coo_all", true), OnOpen::CopyUp);
    assert_eq!(on_open("rw+moo", true), OnOpen::MoveUp);
    assert_eq!(on_open("rw+moo", false), OnOpen::Nothing);
    assert!(Perm::parse("rw+moo").unwrap().attrs.has(MOO));
}

#[test]
fn icex_ignores_only_its_namespace_and_never_lack_of_memory() {
    let attrs = |text: &str| Perm::parse(text).unwrap().attrs;
    let (eperm, enotsup, enomem, edquot) = (-1, -95, -12, -122);
    assert!(!attrs("rw").ignores_xattr_error(b"user.a", enotsup));
    let usr = attrs("rw+icexusr");
    assert!(usr.has(ICEX_USR) && !usr.has(ICEX_SEC));
    assert!(usr.ignores_xattr_error(b"user.a", enotsup));
    assert!(usr.ignores_xattr_error(b"user.a", eperm));
    assert!(!usr.ignores_xattr_error(b"user.a", enomem));
    assert!(!usr.ignores_xattr_error(b"user.a", edquot));
    assert!(!usr.ignores_xattr_error(b"trusted.a", enotsup));
    assert!(!usr.ignores_xattr_error(b"security.a", enotsup));
    assert!(!usr.ignores_xattr_error(b"userx.a", enotsup));
    assert!(attrs("rw+icexsec").ignores_xattr_error(b"security.capability", eperm));
    assert!(attrs("rw+icexsys").ignores_xattr_error(b"system.posix_acl_access", enotsup));
    assert!(attrs("rw+icextr").ignores_xattr_error(b"trusted.x", enotsup));
    let oth = attrs("rw+icexoth");
    assert!(oth.ignores_xattr_error(b"btrfs.compression", enotsup));
    assert!(!oth.ignores_xattr_error(b"user.a", enotsup));
    let all = attrs("ro+icex");
    assert!(all.has(ICEX));
    assert!(all.ignores_xattr_error(b"user.a", eperm) && all.ignores_xattr_error(b"x.y", eperm));
    assert!(!all.ignores_xattr_error(b"user.a", enomem));
}
