// SPDX-License-Identifier: GPL-2.0

//! Tests for `wbr_policy.rs`: the create and copy-up policies.

use crate::opts::{parse_option, Opt, OptError};
use crate::wbr_policy::{choose_copyup, choose_create, Copyup, Create, View};

const RO: View = View {
    writable: false,
    has_parent: true,
    free: 0,
};

/// A writable branch with `free` bytes, with or without the parent dir.
fn rw(free: u64, has_parent: bool) -> View {
    View {
        writable: true,
        has_parent,
        free,
    }
}

/// Chooses with a fixed round-robin counter that advances as the policy says.
fn create(
    policy: Create,
    branches: &[View],
    limit: usize,
    is_dir: bool,
    turn: &mut usize,
) -> Option<usize> {
    choose_create(policy, branches, limit, is_dir, &mut |advance| {
        let now = *turn;
        if advance {
            *turn += 1;
        }
        now
    })
}

#[test]
fn policies_parse_and_show_as_aufs_does() {
    let cases = [
        ("tdp", Create::Tdp, "tdp"),
        ("top-down-parent", Create::Tdp, "tdp"),
        ("rr", Create::Rr, "rr"),
        ("round-robin", Create::Rr, "rr"),
        ("mfs", Create::Mfs(30), "mfs:30"),
        ("mfs:5", Create::Mfs(5), "mfs:5"),
        ("most-free-space:5", Create::Mfs(5), "mfs:5"),
        ("tdmfs:1M", Create::Tdmfs(1 << 20, 30), "tdmfs:1048576:30"),
        ("tdmfs:100:2", Create::Tdmfs(100, 2), "tdmfs:100:2"),
        (
            "mfsrr:2g:7",
            Create::Mfsrr(2 << 30, 7),
            "mfsrr:2147483648:7",
        ),
        ("pmfs", Create::Pmfs(30), "pmfs:30"),
        ("pmfsrr:4k", Create::Pmfsrr(4096, 30), "pmfsrr:4096:30"),
    ];
    for (text, policy, shown) in cases {
        assert_eq!(Create::parse(text), Some(policy), "{text}");
        assert_eq!(policy.to_string(), shown, "{text}");
        assert_eq!(Create::parse(shown), Some(policy), "{shown} reads back");
    }
    for bad in [
        "",
        "x",
        "tdp:1",
        "rr:1",
        "mfs:3601",
        "mfs:x",
        "mfsrr",
        "tdmfs",
        "pmfsrr",
        "mfsrr:1x",
        "mfs:1:2",
        "pmfs:1:2:3",
    ] {
        assert_eq!(Create::parse(bad), None, "{bad}");
    }
    for (text, policy) in [
        ("tdp", Copyup::Tdp),
        ("bup", Copyup::Bup),
        ("bu", Copyup::Bu),
        ("bottom-up", Copyup::Bu),
    ] {
        assert_eq!(Copyup::parse(text), Some(policy));
    }
    assert_eq!(Copyup::parse("rr"), None);
    assert_eq!(
        parse_option("create", Some("mfs:9")),
        Ok(Opt::Create(Create::Mfs(9)))
    );
    assert_eq!(
        parse_option("create_policy", Some("rr")),
        Ok(Opt::Create(Create::Rr))
    );
    assert_eq!(
        parse_option("copyup", Some("bu")),
        Ok(Opt::Copyup(Copyup::Bu))
    );
    assert_eq!(
        parse_option("cpup", Some("rr")),
        Err(OptError::BadValue("cpup"))
    );
    assert_eq!(
        parse_option("create", None),
        Err(OptError::BadValue("create"))
    );
}

#[test]
fn tdp_takes_the_topmost_writable_branch_with_the_parent() {
    let mut turn = 0;
    let b = [RO, rw(1, false), rw(1, true), rw(1, true)];
    assert_eq!(create(Create::Tdp, &b, 9, false, &mut turn), Some(2));
    let b = [RO, rw(1, false), rw(1, false)];
    assert_eq!(
        create(Create::Tdp, &b, 9, false, &mut turn),
        Some(1),
        "none with the parent: the topmost"
    );
    assert_eq!(create(Create::Tdp, &[RO, RO], 9, false, &mut turn), None);
}

#[test]
fn rr_turns_over_the_writable_branches_and_dirs_do_not_advance() {
    let b = [rw(1, true), RO, rw(1, true), rw(1, true)];
    let mut turn = 0;
    let files: Vec<_> = (0..6)
        .map(|_| create(Create::Rr, &b, 9, false, &mut turn).unwrap())
        .collect();
    assert_eq!(files, [0, 2, 3, 0, 2, 3]);
    assert_eq!(create(Create::Rr, &b, 9, true, &mut turn), Some(0));
    assert_eq!(
        create(Create::Rr, &b, 9, true, &mut turn),
        Some(0),
        "a dir does not advance"
    );
    assert_eq!(
        create(Create::Rr, &b, 2, false, &mut turn),
        Some(0),
        "only branches up to the limit"
    );
    assert_eq!(create(Create::Rr, &b, 2, false, &mut turn), Some(2));
}

#[test]
fn mfs_takes_the_most_free_space_the_upper_one_on_a_tie() {
    let mut turn = 0;
    let b = [rw(10, true), RO, rw(30, false), rw(20, true)];
    assert_eq!(create(Create::Mfs(30), &b, 9, false, &mut turn), Some(2));
    assert_eq!(
        create(Create::Mfs(30), &b, 1, false, &mut turn),
        Some(0),
        "limit"
    );
    let tie = [rw(30, true), rw(30, true)];
    assert_eq!(create(Create::Mfs(30), &tie, 9, false, &mut turn), Some(0));
}

#[test]
fn tdmfs_takes_the_topmost_above_the_watermark_else_mfs() {
    let mut turn = 0;
    let b = [rw(10, true), rw(50, true), rw(90, true)];
    assert_eq!(
        create(Create::Tdmfs(20, 30), &b, 9, false, &mut turn),
        Some(1)
    );
    assert_eq!(
        create(Create::Tdmfs(5, 30), &b, 9, false, &mut turn),
        Some(0)
    );
    assert_eq!(
        create(Create::Tdmfs(100, 30), &b, 9, false, &mut turn),
        Some(2),
        "all below: mfs"
    );
}

#[test]
fn mfsrr_turns_round_below_the_watermark() {
    let mut turn = 0;
    let b = [rw(10, true), rw(50, true)];
    assert_eq!(
        create(Create::Mfsrr(20, 30), &b, 9, false, &mut turn),
        Some(1)
    );
    let got: Vec<_> = (0..4)
        .map(|_| create(Create::Mfsrr(60, 30), &b, 9, false, &mut turn).unwrap())
        .collect();
    assert_eq!(got, [0, 1, 0, 1]);
}

#[test]
fn pmfs_prefers_branches_with_the_parent() {
    let mut turn = 0;
    let b = [rw(10, true), rw(90, false), rw(50, true)];
    assert_eq!(create(Create::Pmfs(30), &b, 9, false, &mut turn), Some(2));
    assert_eq!(
        create(Create::Pmfsrr(40, 30), &b, 9, false, &mut turn),
        Some(2)
    );
    assert_eq!(
        create(Create::Pmfsrr(60, 30), &b, 9, false, &mut turn),
        Some(1),
        "below LOW: mfsrr"
    );
    let none = [rw(10, false), rw(90, false)];
    assert_eq!(
        create(Create::Pmfs(30), &none, 9, false, &mut turn),
        Some(0),
        "no parent: tdp"
    );
}

#[test]
fn copy_ups_go_up_only_and_stay_in_place_on_a_writable_branch() {
    let b = [rw(1, false), rw(1, true), rw(1, false), RO, rw(1, true)];
    assert_eq!(choose_copyup(Copyup::Tdp, &b, 3), Some(1));
    assert_eq!(choose_copyup(Copyup::Bup, &b, 3), Some(1));
    assert_eq!(choose_copyup(Copyup::Bu, &b, 3), Some(2));
    assert_eq!(choose_copyup(Copyup::Tdp, &b, 4), Some(4), "in place");
    assert_eq!(choose_copyup(Copyup::Bu, &b, 2), Some(2), "in place");
    let no_parent = [rw(1, false), rw(1, false), RO];
    assert_eq!(
        choose_copyup(Copyup::Tdp, &no_parent, 2),
        Some(1),
        "nearest"
    );
    assert_eq!(choose_copyup(Copyup::Bup, &no_parent, 2), Some(1));
    assert_eq!(choose_copyup(Copyup::Tdp, &[RO, RO], 1), None);
    let two = [rw(1, true), rw(1, true), RO];
    assert_eq!(choose_copyup(Copyup::Tdp, &two, 2), Some(0));
    assert_eq!(choose_copyup(Copyup::Bup, &two, 2), Some(1));
}
