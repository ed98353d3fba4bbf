// SPDX-License-Identifier: GPL-2.0

//! Tests for `settings.rs`: what each parsed option records.

use crate::opts::{parse_option, BranchEdit, OptError, Sum, Udba};
use crate::settings::{apply, is_split_colon_form, More, Rest, Settings, Tunables};
use crate::wbr_policy::{Copyup, Create};

/// Applies `key[=value]` options in order (at mount and remount alike);
/// returns the settings and what each option left for the caller.
fn options<'a>(
    given: &[(&'a str, Option<&'a str>)],
) -> Result<(Settings<String>, Vec<Rest<'a>>), OptError<'a>> {
    let mut settings = Settings::default();
    let mut rest = Vec::new();
    for &(key, value) in given {
        match apply(&mut settings, parse_option(key, value)?)? {
            Rest::Xino(path) => settings.set_xino(path.to_string()),
            other => rest.push(other),
        }
    }
    Ok((settings, rest))
}

#[test]
fn no_option_changes_nothing() {
    let (settings, rest) = options(&[]).unwrap();
    assert_eq!(settings, Settings::default());
    assert!(!settings.changes_anything());
    assert!(rest.is_empty());
}

#[test]
fn each_setting_lands_in_its_field() {
    let given = [
        ("udba", Some("reval")),
        ("trunc_xino", None),
        ("diropq", Some("a")),
        ("xino", Some("/tmp/x")),
        ("dio", None),
        ("dirperm1", None),
    ];
    let (settings, rest) = options(&given).unwrap();
    assert_eq!(settings.udba, Some(Udba::Reval));
    assert_eq!(settings.trunc_xino, Some(true));
    assert_eq!(settings.diropq_always, Some(true));
    assert_eq!(settings.xino_path.as_deref(), Some("/tmp/x"));
    assert!(!settings.no_xino);
    assert_eq!((settings.dio, settings.dirperm1), (Some(true), Some(true)));
    assert!(settings.changes_anything());
    assert!(rest.iter().all(|r| *r == Rest::Nothing));
}

#[test]
fn later_options_win() {
    let given = [
        ("udba", Some("reval")),
        ("udba", Some("none")),
        ("trunc_xino", None),
        ("notrunc_xino", None),
        ("diropq", Some("a")),
        ("diropq", Some("w")),
        ("dio", None),
        ("nodio", None),
        ("dirperm1", None),
        ("nodirperm1", None),
    ];
    let (settings, _) = options(&given).unwrap();
    assert_eq!(settings.udba, Some(Udba::None));
    assert_eq!(settings.trunc_xino, Some(false));
    assert_eq!(settings.diropq_always, Some(false));
    assert_eq!(
        (settings.dio, settings.dirperm1),
        (Some(false), Some(false))
    );
}

#[test]
fn xino_and_noxino_undo_each_other_in_order() {
    let (s, _) = options(&[("noxino", None), ("xino", Some("/x"))]).unwrap();
    assert!(!s.no_xino);
    assert_eq!(s.xino_path.as_deref(), Some("/x"));
    let (s, _) = options(&[("xino", Some("/x")), ("noxino", None)]).unwrap();
    assert!(s.no_xino, "noxino after xino= wins");
}

#[test]
fn the_mount_id_shown_in_proc_mounts_is_ignored() {
    let (settings, rest) = options(&[("si", Some("1f"))]).unwrap();
    assert_eq!(settings, Settings::default());
    assert_eq!(rest, [Rest::Nothing]);
}

#[test]
fn branch_lists_and_edits_are_left_to_the_caller() {
    let (_, rest) = options(&[("br", Some("/a=rw:/b"))]).unwrap();
    assert_eq!(rest, [Rest::Branches("/a=rw:/b")]);
    let (settings, rest) = options(&[("del:/b", None)]).unwrap();
    assert_eq!(rest, [Rest::Edit(BranchEdit::Delete("/b"))]);
    assert!(
        !settings.changes_anything(),
        "the edits are counted by the caller"
    );
}

#[test]
fn a_whole_branch_list_is_left_to_the_caller_at_remount_too() {
    let (_, rest) = options(&[("br", Some("/a"))]).unwrap();
    assert_eq!(rest, [Rest::Branches("/a")]);
}

#[test]
fn only_colon_forms_that_the_vfs_split_are_joined() {
    assert!(is_split_colon_form("append:/b", Some("ro")));
    assert!(!is_split_colon_form("append:/b", None));
    assert!(!is_split_colon_form("xino", Some("/tmp/x")));
    assert!(!is_split_colon_form("br", Some("/a:/b")));
}

#[test]
fn the_other_options_are_recorded_and_change_the_mount() {
    let (settings, rest) = options(&[
        ("wsum", None),
        ("noplink", None),
        ("rdblk", Some("7")),
        ("list_plink", None),
    ])
    .unwrap();
    assert_eq!(
        rest,
        [Rest::Nothing, Rest::Nothing, Rest::Nothing, Rest::Nothing]
    );
    assert!(settings.changes_anything());
    let more = settings.more;
    assert_eq!(more.sum, Some(Sum::Writable));
    assert_eq!(more.plink, Some(false));
    assert_eq!(more.rdblk, Some(7));
    assert!(more.list_plink);
    assert_eq!(more.shwh, None);
}

/// The /proc/mounts text of `tunables`.
fn shown(tunables: Tunables) -> String {
    let mut text = String::new();
    tunables.write(&mut text).unwrap();
    text
}

#[test]
fn tunables_show_only_what_differs_from_the_defaults() {
    assert_eq!(shown(Tunables::default()), "");
    let more = More {
        sum: Some(Sum::All),
        create: Some(Create::Mfsrr(100, 5)),
        cpup: Some(Copyup::Bup),
        shwh: Some(true),
        warn_perm: Some(false),
        verbose: Some(true),
        acl: Some(false),
        plink: Some(false),
        rdcache: Some(0),
        rdblk: Some(4096),
        rdhash: Some(32),
        dirwh: Some(0),
        fhsm_sec: Some(5),
        list_plink: false,
    };
    let all = Tunables::default().with(&more);
    assert_eq!(
        shown(all),
        ",sum,create=mfsrr:100:5,cpup=bup,shwh,nowarn_perm,verbose,noacl,noplink,rdcache=0,rdblk=4096,rdhash=32,dirwh=0"
    );
    // A later remount giving the defaults back shows nothing again.
    let back = More {
        sum: Some(Sum::First),
        create: Some(Create::Tdp),
        cpup: Some(Copyup::Tdp),
        shwh: Some(false),
        warn_perm: Some(true),
        verbose: Some(false),
        acl: Some(true),
        plink: Some(true),
        rdcache: Some(10),
        rdblk: Some(0),
        rdhash: Some(0),
        dirwh: Some(3),
        fhsm_sec: Some(30),
        list_plink: false,
    };
    assert_eq!(shown(all.with(&back)), "");
    // Options not given keep the values in force.
    assert_eq!(all.with(&More::default()), all);
}

#[test]
fn fhsm_sec_shows_only_with_fhsm_on_and_not_the_default() {
    let show = |sec: Option<u32>, on: bool| {
        let t = Tunables::default().with(&More {
            fhsm_sec: sec,
            ..More::default()
        });
        let mut text = String::new();
        t.write_fhsm(on, &mut text).unwrap();
        text
    };
    assert_eq!(show(None, true), "");
    assert_eq!(show(Some(30), true), "");
    assert_eq!(show(Some(0), true), ",fhsm_sec=0");
    assert_eq!(show(Some(5), true), ",fhsm_sec=5");
    // aufs's au_fhsm_show: nothing while FHSM is off.
    assert_eq!(show(Some(5), false), "");
    assert_eq!(Tunables::default().fhsm_sec, 30);
}

#[test]
fn shwh_needs_a_read_only_mount() {
    let shwh = Tunables::default().with(&More {
        shwh: Some(true),
        ..More::default()
    });
    assert!(shwh.refusal(false).is_some());
    assert_eq!(shwh.refusal(true), None);
    assert_eq!(Tunables::default().refusal(false), None);
}
