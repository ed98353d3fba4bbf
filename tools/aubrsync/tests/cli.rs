// SPDX-License-Identifier: GPL-2.0

//! aubrsync on branch trees made in a temporary dir (no mount needed).

use std::os::unix::fs::{MetadataExt, PermissionsExt};
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

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap()
}

fn ino(p: &Path) -> u64 {
    std::fs::symlink_metadata(p).unwrap().ino()
}

fn aubrsync(args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_aubrsync"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

/// The tree under `root`: `path kind mode content` lines.
fn tree(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            let md = std::fs::symlink_metadata(&p).unwrap();
            let rel = p.strip_prefix(root).unwrap().display().to_string();
            let what = if md.is_dir() {
                stack.push(p.clone());
                "dir".to_string()
            } else if md.file_type().is_symlink() {
                format!("-> {}", std::fs::read_link(&p).unwrap().display())
            } else {
                read(&p)
            };
            out.push(format!("{rel} {:o} {what}", md.mode() & 0o7777));
        }
    }
    out.sort();
    out
}

#[test]
fn flattens() {
    let t = scratch();
    let (up, lo) = (t.path().join("up"), t.path().join("lo"));
    write(&lo.join("a"), "a");
    write(&lo.join("gone"), "g");
    write(&lo.join("gdir/x"), "x");
    write(&lo.join("opq/old"), "old");
    write(&lo.join("keep/k"), "k");
    write(&lo.join(".wh.new"), ""); // the lower layer's own whiteout of new
    write(&lo.join("h1"), "h");
    std::fs::hard_link(lo.join("h1"), lo.join("h2")).unwrap();
    std::fs::hard_link(lo.join("h1"), lo.join("keep/h3")).unwrap();
    // The upper branch: an edit, whiteouts, an opaque dir, new objects, a
    // pseudo-linked copy of h1 (its other names h2, keep/h3 only below).
    write(&up.join(".wh..wh.aufs"), "");
    write(&up.join("a"), "a2");
    std::fs::set_permissions(up.join("a"), std::fs::Permissions::from_mode(0o600)).unwrap();
    std::fs::hard_link(up.join(".wh..wh.aufs"), up.join(".wh.gone")).unwrap();
    std::fs::hard_link(up.join(".wh..wh.aufs"), up.join(".wh.gdir")).unwrap();
    write(&up.join("opq/.wh..wh..opq"), "");
    write(&up.join("opq/newer"), "n");
    write(&up.join("new"), "new");
    std::fs::hard_link(up.join("new"), up.join("new2")).unwrap();
    std::os::unix::fs::symlink("a", up.join("sym")).unwrap();
    write(&up.join("h1"), "h+");
    std::fs::create_dir_all(up.join(".wh..wh.plnk")).unwrap();
    std::fs::hard_link(up.join("h1"), up.join(".wh..wh.plnk/11")).unwrap();
    std::fs::create_dir_all(up.join(".wh..wh.orph")).unwrap();
    let before = tree(&lo);
    let (ok, out) = aubrsync(&["-n", up.to_str().unwrap(), lo.to_str().unwrap()]);
    assert!(ok, "{out}");
    assert!(
        out.contains("delete gone") && out.contains("copy new"),
        "{out}"
    );
    assert_eq!(tree(&lo), before, "a dry run changed the lower branch");
    let (ok, out) = aubrsync(&["-v", up.to_str().unwrap(), lo.to_str().unwrap()]);
    assert!(ok, "{out}");
    assert_eq!(
        tree(&lo),
        [
            "a 600 a2",
            "h1 644 h+",
            "h2 644 h+",
            "keep 755 dir",
            "keep/h3 644 h+",
            "keep/k 644 k",
            "new 644 new",
            "new2 644 new",
            "opq 755 dir",
            "opq/newer 644 n",
            "sym 777 -> a",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect::<Vec<_>>(),
        "{out}"
    );
    assert_eq!(ino(&lo.join("new")), ino(&lo.join("new2")));
    assert_eq!(ino(&lo.join("h1")), ino(&lo.join("h2")));
    assert_eq!(ino(&lo.join("h1")), ino(&lo.join("keep/h3")));
}

#[test]
fn keeps_whiteouts_for_a_middle_layer() {
    let t = scratch();
    let (up, lo) = (t.path().join("up"), t.path().join("lo"));
    write(&lo.join("f"), "f");
    write(&up.join(".wh.f"), "");
    write(&up.join(".wh.below"), "");
    write(&up.join("d/.wh..wh..opq"), "");
    let (ok, out) = aubrsync(&["-w", up.to_str().unwrap(), lo.to_str().unwrap()]);
    assert!(ok, "{out}");
    assert!(!lo.join("f").exists());
    assert!(lo.join(".wh.f").exists() && lo.join(".wh.below").exists());
    assert!(lo.join("d/.wh..wh..opq").exists());
}
