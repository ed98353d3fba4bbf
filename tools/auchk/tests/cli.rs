// SPDX-License-Identifier: GPL-2.0

//! auchk on branch trees made in a temporary dir (no mount needed).

use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::process::Command;

/// A scratch dir for one test, removed when it ends.
fn scratch() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

fn write(p: &Path, data: &str) {
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, data).unwrap();
}

fn auchk(args: &[&str], branch: &Path) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_auchk"))
        .args(args)
        .arg(branch)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
    )
}

#[test]
fn clean_branch() {
    let t = scratch();
    let br = t.path().join("rw");
    write(&br.join(".wh..wh.aufs"), "");
    std::fs::create_dir_all(br.join(".wh..wh.plnk")).unwrap();
    std::fs::create_dir_all(br.join(".wh..wh.orph")).unwrap();
    write(&br.join("a/b"), "x");
    std::fs::hard_link(br.join(".wh..wh.aufs"), br.join("a/.wh.gone")).unwrap();
    assert_eq!(auchk(&[], &br), (0, String::new()));
}

#[test]
fn finds_and_fixes() {
    let t = scratch();
    let br = t.path().join("rw");
    let lo = t.path().join("lo");
    write(&lo.join("d/hidden"), "lower");
    write(&br.join(".wh..wh.aufs"), "not empty");
    write(&br.join(".wh..wh.orph/tmp1"), "t");
    write(&br.join(".wh..wh.plnk/junk"), "");
    write(&br.join(".wh..wh.plnk/42"), "copy");
    write(&br.join("d/.wh.hidden"), "");
    write(&br.join("d/.wh.nothing"), "");
    write(&br.join("d/both"), "");
    write(&br.join("d/.wh.both"), "");
    write(&br.join("o/.wh..wh..opq"), "");
    write(&br.join("o/.wh.x"), "");
    write(&br.join("d/.wh..wh.sub.0001/f"), "");
    let lower = lo.to_str().unwrap();
    let (code, out) = auchk(&["--lower", lower], &br);
    assert_eq!(code, 4, "{out}");
    for want in [
        ".wh..wh.aufs: whiteout base is not an empty regular file",
        ".wh..wh.orph/tmp1: stale copy-up temporary",
        ".wh..wh.plnk/junk: not a pseudo-link",
        ".wh..wh.plnk/42: pseudo-link not flushed",
        "d/.wh.nothing: whiteout hides nothing on the lower branches",
        "d/.wh.both: whiteout beside both on the same branch",
        "o/.wh.x: whiteout in an opaque dir hides nothing",
        "d/.wh..wh.sub.0001: left by an interrupted removal",
    ] {
        assert!(out.contains(want), "no '{want}' in:\n{out}");
    }
    assert!(!out.contains("d/.wh.hidden"), "{out}");
    assert_eq!(out.lines().count(), 8, "{out}");
    let (code, out) = auchk(&["--fix", "--lower", lower], &br);
    assert_eq!(code, 4, "the pseudo-link is left: {out}");
    assert_eq!(out.matches("(fixed)").count(), 7, "{out}");
    assert!(out.contains("42: pseudo-link not flushed") && out.contains("(not fixable offline)"));
    let base = std::fs::symlink_metadata(br.join(".wh..wh.aufs")).unwrap();
    assert_eq!((base.len(), base.mode() & 0o777), (0, 0o444));
    assert!(br.join("d/.wh.hidden").exists() && br.join("d/both").exists());
    assert!(!br.join("d/.wh.both").exists() && !br.join(".wh..wh.orph/tmp1").exists());
    std::fs::remove_file(br.join(".wh..wh.plnk/42")).unwrap();
    assert_eq!(auchk(&["--lower", lower], &br), (0, String::new()));
}

#[test]
fn missing_branch_is_an_error() {
    let t = scratch();
    assert_eq!(auchk(&[], &t.path().join("nosuch")).0, 8);
}
