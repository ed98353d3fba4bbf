// SPDX-License-Identifier: GPL-2.0

//! errname.rs: the names mount messages give lookup errors.

use crate::errname::errname;

#[test]
fn kernel_style_negative_errnos_are_named() {
    assert_eq!(errname(-2), "no such directory");
    assert_eq!(errname(-20), "not a directory");
    assert_eq!(errname(-13), "permission denied");
    assert_eq!(errname(-40), "too many symlinks");
    assert_eq!(errname(-36), "path too long");
}

#[test]
fn positive_errnos_give_the_same_names() {
    for e in [2, 13, 20, 36, 40] {
        assert_eq!(errname(e), errname(-e));
    }
}

#[test]
fn other_errors_are_generic() {
    for e in [0, -1, -5, -12, -22, i32::MIN] {
        assert_eq!(errname(e), "cannot resolve");
    }
}
