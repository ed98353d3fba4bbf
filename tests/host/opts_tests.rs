// SPDX-License-Identifier: GPL-2.0

//! Tests for `opts.rs`: option keys, branch permissions, branch lists, names.

use crate::opts::{
    branch_specs, check_name, parse_branch, parse_option, split_file_path, BranchEdit, BranchKind,
    BranchSpec, MountsEscaped, NameError, Opt, OptError, Perm, Sum, Udba, MAX_NAME_LEN,
};

fn perm(kind: BranchKind, whiteouts: bool, no_link_whiteouts: bool) -> Perm {
    Perm {
        kind,
        whiteouts,
        no_link_whiteouts,
        attrs: crate::brattr::Attrs::NONE,
    }
}

// ---- parse_option ----------------------------------------------------------

#[test]
fn br_and_dirs_take_the_value_as_branch_list() {
    assert_eq!(
        parse_option("br", Some("/a=rw:/b")),
        Ok(Opt::Branches("/a=rw:/b"))
    );
    assert_eq!(
        parse_option("dirs", Some("/x:/y=ro")),
        Ok(Opt::Branches("/x:/y=ro"))
    );
}

#[test]
fn br_colon_key_form_carries_the_list_in_the_key() {
    assert_eq!(
        parse_option("br:/a=rw:/b=ro", None),
        Ok(Opt::Branches("/a=rw:/b=ro"))
    );
    // `br:LIST=...` must not also have a separate value.
    assert_eq!(
        parse_option("br:/a", Some("rw")),
        Err(OptError::BadValue("br"))
    );
}

#[test]
fn br_without_value_is_bad_value() {
    assert_eq!(parse_option("br", None), Err(OptError::BadValue("br")));
    assert_eq!(parse_option("dirs", None), Err(OptError::BadValue("dirs")));
}

#[test]
fn unknown_option_is_unknown() {
    assert_eq!(parse_option("bogus", None), Err(OptError::Unknown("bogus")));
    assert_eq!(
        parse_option("bogus", Some("1")),
        Err(OptError::Unknown("bogus"))
    );
    // Case matters, and a colon does not make an unknown key known.
    assert_eq!(parse_option("BR", Some("/a")), Err(OptError::Unknown("BR")));
    assert_eq!(
        parse_option("foo:/x", None),
        Err(OptError::Unknown("foo:/x"))
    );
}

#[test]
fn fhsm_sec_takes_a_non_negative_number() {
    assert_eq!(parse_option("fhsm_sec", Some("0")), Ok(Opt::FhsmSec(0)));
    assert_eq!(parse_option("fhsm_sec", Some("30")), Ok(Opt::FhsmSec(30)));
    assert_eq!(
        parse_option("fhsm_sec", Some("2147483647")),
        Ok(Opt::FhsmSec(i32::MAX as u32))
    );
    for bad in [None, Some(""), Some("-1"), Some("x"), Some("2147483648")] {
        assert_eq!(
            parse_option("fhsm_sec", bad),
            Err(OptError::BadValue("fhsm_sec")),
            "{bad:?}"
        );
    }
}

#[test]
fn brs_is_a_module_parameter_not_an_option() {
    for key in ["brs", "nobrs"] {
        assert!(
            matches!(parse_option(key, None), Err(OptError::NoMeaning(k, why)) if k == key && why.contains("module parameter")),
            "{key}"
        );
    }
}

#[test]
fn mounts_escaping_keeps_a_path_one_field() {
    use core::fmt::Write;
    let mut text = String::new();
    write!(MountsEscaped(&mut text), "/a b\\c\td\ne:f=g\u{7f}").unwrap();
    assert_eq!(text, "/a\\040b\\134c\\011d\\012e:f=g\\177");
}

#[test]
fn dirwh_takes_a_count() {
    assert_eq!(parse_option("dirwh", Some("0")), Ok(Opt::DirWh(0)));
    assert_eq!(parse_option("dirwh", Some("100")), Ok(Opt::DirWh(100)));
    assert_eq!(
        parse_option("dirwh", Some("2147483647")),
        Ok(Opt::DirWh(2147483647))
    );
    for bad in [None, Some("-1"), Some("2147483648"), Some("x"), Some("")] {
        assert_eq!(
            parse_option("dirwh", bad),
            Err(OptError::BadValue("dirwh")),
            "{bad:?}"
        );
    }
}

#[test]
fn the_flags_of_aufs5_parse_and_take_no_value() {
    let flags = [
        ("sum", Opt::Sum(Sum::All)),
        ("wsum", Opt::Sum(Sum::Writable)),
        ("nosum", Opt::Sum(Sum::First)),
        ("shwh", Opt::ShowWhiteouts(true)),
        ("noshwh", Opt::ShowWhiteouts(false)),
        ("warn_perm", Opt::WarnPerm(true)),
        ("nowarn_perm", Opt::WarnPerm(false)),
        ("verbose", Opt::Verbose(true)),
        ("v", Opt::Verbose(true)),
        ("quiet", Opt::Verbose(false)),
        ("q", Opt::Verbose(false)),
        ("silent", Opt::Verbose(false)),
        ("acl", Opt::Acl(true)),
        ("noacl", Opt::Acl(false)),
        ("plink", Opt::Plink(true)),
        ("noplink", Opt::Plink(false)),
        ("list_plink", Opt::ListPlink),
    ];
    for (key, opt) in flags {
        assert_eq!(parse_option(key, None), Ok(opt), "{key}");
        assert_eq!(
            parse_option(key, Some("1")),
            Err(OptError::BadValue(key)),
            "{key}=1"
        );
    }
}

#[test]
fn the_numbers_of_aufs5_parse() {
    assert_eq!(parse_option("rdcache", Some("0")), Ok(Opt::RdCache(0)));
    assert_eq!(
        parse_option("rdcache", Some("3600")),
        Ok(Opt::RdCache(3600))
    );
    assert_eq!(
        parse_option("rdcache", Some("3601")),
        Err(OptError::BadValue("rdcache"))
    );
    assert_eq!(
        parse_option("rdcache", None),
        Err(OptError::BadValue("rdcache"))
    );
    assert_eq!(parse_option("rdblk", Some("def")), Ok(Opt::RdBlk(0)));
    assert_eq!(parse_option("rdhash", Some("512")), Ok(Opt::RdHash(512)));
    assert_eq!(
        parse_option("rdblk", Some("4194304")),
        Ok(Opt::RdBlk(4 << 20))
    );
    assert_eq!(
        parse_option("rdblk", Some("4194305")),
        Err(OptError::BadValue("rdblk"))
    );
    assert_eq!(
        parse_option("rdhash", Some("1048577")),
        Err(OptError::BadValue("rdhash"))
    );
    for key in ["rdblk", "rdhash"] {
        assert_eq!(
            parse_option(key, None),
            Err(OptError::BadValue(key)),
            "{key}"
        );
        assert_eq!(
            parse_option(key, Some("-1")),
            Err(OptError::BadValue(key)),
            "{key}=-1"
        );
        assert_eq!(
            parse_option(key, Some("x")),
            Err(OptError::BadValue(key)),
            "{key}=x"
        );
    }
}

#[test]
fn xib_and_per_branch_xino_truncation_are_accepted() {
    assert_eq!(parse_option("trunc_xib", None), Ok(Opt::TruncXib));
    assert_eq!(parse_option("notrunc_xib", None), Ok(Opt::TruncXib));
    assert_eq!(
        parse_option("itrunc_xino", Some("1")),
        Ok(Opt::Edit(BranchEdit::TruncXinoAt(1)))
    );
    assert_eq!(
        parse_option("trunc_xino_path", Some("/tmp/x")),
        Ok(Opt::Edit(BranchEdit::TruncXino("/tmp/x")))
    );
    for (key, value) in [
        ("trunc_xib", Some("1")),
        ("itrunc_xino", None),
        ("itrunc_xino", Some("-1")),
        ("itrunc_xino", Some("x")),
        ("trunc_xino_path", None),
        ("trunc_xino_path", Some("")),
    ] {
        assert_eq!(
            parse_option(key, value),
            Err(OptError::BadValue(key)),
            "{key}={value:?}"
        );
    }
}

#[test]
fn dio_and_dirperm1_are_flags() {
    assert_eq!(parse_option("dio", None), Ok(Opt::Dio(true)));
    assert_eq!(parse_option("nodio", None), Ok(Opt::Dio(false)));
    assert_eq!(parse_option("dirperm1", None), Ok(Opt::DirPerm1(true)));
    assert_eq!(parse_option("nodirperm1", None), Ok(Opt::DirPerm1(false)));
    assert_eq!(parse_option("dirren", None), Ok(Opt::DirRen(true)));
    assert_eq!(parse_option("nodirren", None), Ok(Opt::DirRen(false)));
    for key in [
        "dio",
        "nodio",
        "dirperm1",
        "nodirperm1",
        "dirren",
        "nodirren",
    ] {
        assert_eq!(parse_option(key, Some("1")), Err(OptError::BadValue(key)));
    }
}

#[test]
fn branch_edits_parse_in_colon_and_equals_forms() {
    let ro = Some(Perm::parse("ro").unwrap());
    let spec = |path, perm| BranchSpec { path, perm };
    assert_eq!(
        parse_option("append:/x", None),
        Ok(Opt::Edit(BranchEdit::Append(spec("/x", None))))
    );
    assert_eq!(
        parse_option("append", Some("/x=ro")),
        Ok(Opt::Edit(BranchEdit::Append(spec("/x", ro))))
    );
    assert_eq!(
        parse_option("add:1:/x=ro", None),
        Ok(Opt::Edit(BranchEdit::Insert(1, spec("/x", ro))))
    );
    assert_eq!(
        parse_option("ins", Some("0:/x")),
        Ok(Opt::Edit(BranchEdit::Insert(0, spec("/x", None))))
    );
    assert_eq!(
        parse_option("prepend:/y=ro", None),
        Ok(Opt::Edit(BranchEdit::Insert(0, spec("/y", ro))))
    );
    assert_eq!(
        parse_option("del:/z", None),
        Ok(Opt::Edit(BranchEdit::Delete("/z")))
    );
    assert_eq!(
        parse_option("mod:/z=ro", None),
        Ok(Opt::Edit(BranchEdit::Modify("/z", ro.unwrap())))
    );
}

#[test]
fn malformed_branch_edits_are_refused() {
    for bad in ["add:/x", "add:x:/y", "add:1:", "del:", "mod:/z", "append:"] {
        assert!(
            matches!(parse_option(bad, None), Err(OptError::BadEdit(_))),
            "{bad}"
        );
    }
    assert_eq!(
        parse_option("mod:/z=rx", None),
        Err(OptError::BadPerm("rx"))
    );
    assert_eq!(parse_option("del", None), Err(OptError::BadValue("del")));
}

#[test]
fn udba_values() {
    assert_eq!(
        parse_option("udba", Some("none")),
        Ok(Opt::Udba(Udba::None))
    );
    assert_eq!(
        parse_option("udba", Some("reval")),
        Ok(Opt::Udba(Udba::Reval))
    );
    for notify in ["notify", "fsnotify", "inotify"] {
        assert_eq!(
            parse_option("udba", Some(notify)),
            Ok(Opt::Udba(Udba::Notify)),
            "{notify}"
        );
    }
    assert_eq!(parse_option("udba", None), Err(OptError::BadValue("udba")));
    assert_eq!(
        parse_option("udba", Some("sometimes")),
        Err(OptError::BadValue("udba"))
    );
}

// ---- Perm ------------------------------------------------------------------

#[test]
fn perm_parse_valid() {
    use BranchKind::*;
    assert_eq!(Perm::parse("rw"), Ok(perm(ReadWrite, false, false)));
    assert_eq!(Perm::parse("ro"), Ok(perm(ReadOnly, false, false)));
    assert_eq!(Perm::parse("rr"), Ok(perm(RealReadOnly, false, false)));
    assert_eq!(Perm::parse("ro+wh"), Ok(perm(ReadOnly, true, false)));
    assert_eq!(Perm::parse("rr+wh"), Ok(perm(RealReadOnly, true, false)));
    assert_eq!(Perm::parse("rw+nolwh"), Ok(perm(ReadWrite, false, true)));
    let fhsm = Perm::parse("rw+fhsm").unwrap();
    assert!(fhsm.fhsm() && fhsm.is_writable());
    let both = Perm::parse("rw+nolwh+fhsm").unwrap();
    assert!(both.fhsm() && both.no_link_whiteouts);
    assert!(!Perm::parse("rw").unwrap().fhsm());
}

#[test]
fn perm_parse_invalid() {
    for text in [
        "rw+wh",
        "ro+nolwh",
        "rr+nolwh",
        "ro+fhsm",
        "rr+fhsm",
        "ro+wh+fhsm",
        "rw+FHSM",
        "xx",
        "",
        "ro+wh+bogus",
        "RW",
        "ro+",
        "+wh",
        "rw ",
    ] {
        assert_eq!(Perm::parse(text), Err(OptError::BadPerm(text)), "{text:?}");
    }
}

#[test]
fn perm_display_round_trips() {
    for text in [
        "rw",
        "ro",
        "rr",
        "ro+wh",
        "rr+wh",
        "rw+nolwh",
        "rw+fhsm",
        "rw+fhsm+nolwh",
        "rw+coo_reg+fhsm+icex+nolwh",
        "rw+fhsm+icexsec+moo",
    ] {
        let p = Perm::parse(text).unwrap();
        assert_eq!(p.to_string(), text);
        assert_eq!(Perm::parse(&p.to_string()), Ok(p));
    }
}

#[test]
fn perm_default_for() {
    use BranchKind::*;
    assert_eq!(Perm::default_for(0, false), perm(ReadWrite, false, false));
    assert_eq!(Perm::default_for(0, true), perm(ReadOnly, false, false));
    for index in [1, 2, 127] {
        assert_eq!(
            Perm::default_for(index, false),
            perm(ReadOnly, false, false)
        );
        assert_eq!(Perm::default_for(index, true), perm(ReadOnly, false, false));
    }
}

#[test]
fn perm_writable_and_whiteouts() {
    let cases = [
        ("rw", true, true),
        ("rw+nolwh", true, true),
        ("rw+fhsm", true, true),
        ("ro", false, false),
        ("rr", false, false),
        ("ro+wh", false, true),
        ("rr+wh", false, true),
    ];
    for (text, writable, honours) in cases {
        let p = Perm::parse(text).unwrap();
        assert_eq!(p.is_writable(), writable, "{text} writable");
        assert_eq!(p.honours_whiteouts(), honours, "{text} honours whiteouts");
    }
}

// ---- branch lists ----------------------------------------------------------

fn specs(list: &str) -> Vec<Result<BranchSpec<'_>, OptError<'_>>> {
    branch_specs(list).collect()
}

#[test]
fn branch_specs_split_with_perms() {
    assert_eq!(
        specs("/a=rw:/b=ro+wh"),
        vec![
            Ok(BranchSpec {
                path: "/a",
                perm: Some(perm(BranchKind::ReadWrite, false, false))
            }),
            Ok(BranchSpec {
                path: "/b",
                perm: Some(perm(BranchKind::ReadOnly, true, false))
            }),
        ]
    );
}

#[test]
fn branch_specs_without_perms() {
    assert_eq!(
        specs("/a:/b"),
        vec![
            Ok(BranchSpec {
                path: "/a",
                perm: None
            }),
            Ok(BranchSpec {
                path: "/b",
                perm: None
            })
        ]
    );
}

#[test]
fn branch_specs_skip_empty_elements() {
    let ab = vec![
        Ok(BranchSpec {
            path: "a",
            perm: None,
        }),
        Ok(BranchSpec {
            path: "b",
            perm: None,
        }),
    ];
    assert_eq!(specs("a::b"), ab);
    assert_eq!(specs("a:b:"), ab);
    assert_eq!(specs(":a:::b::"), ab);
    assert_eq!(specs(""), vec![]);
    assert_eq!(specs(":::"), vec![]);
}

#[test]
fn branch_perm_follows_the_last_equals() {
    assert_eq!(
        specs("/x=y=ro"),
        vec![Ok(BranchSpec {
            path: "/x=y",
            perm: Some(perm(BranchKind::ReadOnly, false, false))
        })]
    );
    // With no valid permission after the last '=', the whole text after it is
    // reported as the bad permission.
    assert_eq!(parse_branch("/x=y"), Err(OptError::BadPerm("y")));
}

#[test]
fn branch_errors() {
    assert_eq!(parse_branch("=ro"), Err(OptError::NoBranch));
    assert_eq!(parse_branch("/a="), Err(OptError::BadPerm("")));
    assert_eq!(parse_branch("/a=rw+wh"), Err(OptError::BadPerm("rw+wh")));
    // An error in one element does not stop the iterator from yielding the rest.
    assert_eq!(
        specs("/a=zz:/b"),
        vec![
            Err(OptError::BadPerm("zz")),
            Ok(BranchSpec {
                path: "/b",
                perm: None
            })
        ]
    );
}

// ---- check_name ------------------------------------------------------------

#[test]
fn check_name_rules() {
    assert_eq!(check_name(b"foo"), Ok(()));
    assert_eq!(check_name(b".whx"), Ok(()));
    assert_eq!(check_name(b".wh"), Ok(()));
    assert_eq!(check_name(b"x.wh.foo"), Ok(()));
    assert_eq!(check_name(b".wh.foo"), Err(NameError::Reserved));
    assert_eq!(check_name(b".wh."), Err(NameError::Reserved));
    assert_eq!(check_name(b".wh..wh..opq"), Err(NameError::Reserved));
}

#[test]
fn check_name_length_limit() {
    assert_eq!(MAX_NAME_LEN, 242);
    assert_eq!(check_name(&[b'a'; 242]), Ok(()));
    assert_eq!(check_name(&[b'a'; 243]), Err(NameError::TooLong));
    assert_eq!(check_name(&[b'a'; 255]), Err(NameError::TooLong));
    // A long reserved name is reported as reserved.
    let mut long_wh = b".wh.".to_vec();
    long_wh.resize(300, b'a');
    assert_eq!(check_name(&long_wh), Err(NameError::Reserved));
}

// ---- OptError Display ------------------------------------------------------

#[test]
fn opt_error_display_mentions_the_key() {
    let keyed = [
        OptError::Unknown("frobnicate"),
        OptError::NotYet("frobnicate"),
        OptError::BadValue("frobnicate"),
        OptError::BadPerm("frobnicate"),
    ];
    for err in keyed {
        let text = err.to_string();
        assert!(text.contains("\"frobnicate\""), "{err:?} -> {text:?}");
    }
    assert!(!OptError::NoBranch.to_string().is_empty());
    // The variants read differently from each other.
    let all: Vec<String> = [
        OptError::Unknown("k"),
        OptError::NotYet("k"),
        OptError::BadValue("k"),
        OptError::NoBranch,
        OptError::BadPerm("k"),
    ]
    .iter()
    .map(ToString::to_string)
    .collect();
    for (i, a) in all.iter().enumerate() {
        for b in &all[i + 1..] {
            assert_ne!(a, b);
        }
    }
}

#[test]
fn xino_options() {
    assert_eq!(
        parse_option("xino", Some("/dev/shm/x")),
        Ok(Opt::Xino("/dev/shm/x"))
    );
    assert_eq!(parse_option("xino", None), Err(OptError::BadValue("xino")));
    assert_eq!(
        parse_option("xino", Some("")),
        Err(OptError::BadValue("xino"))
    );
    assert_eq!(
        parse_option("xino", Some("/tmp/")),
        Err(OptError::BadValue("xino"))
    );
    assert_eq!(parse_option("noxino", None), Ok(Opt::NoXino));
    assert_eq!(
        parse_option("noxino", Some("1")),
        Err(OptError::BadValue("noxino"))
    );
    assert_eq!(parse_option("trunc_xino", None), Ok(Opt::TruncXino(true)));
    assert_eq!(
        parse_option("notrunc_xino", None),
        Ok(Opt::TruncXino(false))
    );
}

#[test]
fn split_file_paths() {
    assert_eq!(split_file_path("/tmp/.aufs.xino"), ("/tmp", ".aufs.xino"));
    assert_eq!(split_file_path("/x"), ("/", "x"));
    assert_eq!(split_file_path("rel/x"), ("rel", "x"));
    assert_eq!(split_file_path("x"), (".", "x"));
}

#[test]
fn mount_id_is_ignored() {
    assert_eq!(
        parse_option("si", Some("7cb414e77b02d51f")),
        Ok(Opt::MountId)
    );
}

#[test]
fn diropq_option() {
    assert_eq!(parse_option("diropq", Some("w")), Ok(Opt::DirOpq(false)));
    assert_eq!(parse_option("diropq", Some("a")), Ok(Opt::DirOpq(true)));
    assert_eq!(
        parse_option("diropq", Some("x")),
        Err(OptError::BadValue("diropq"))
    );
    assert_eq!(
        parse_option("diropq", None),
        Err(OptError::BadValue("diropq"))
    );
}
