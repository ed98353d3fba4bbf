// SPDX-License-Identifier: GPL-2.0

//! Mount option parsing: pure logic, no kernel calls, no allocation.
//!
//! The VFS splits the mount data at commas and hands us one `key[=value]` at a
//! time (fs_context `parse_param`). This module turns one such pair into an
//! [`Opt`], and a branch list into `(path, permission)` specs. The same source is
//! compiled by the host unit tests in `tests/host`.

#![forbid(unsafe_code)]

use crate::brattr::Attrs;
use crate::wbr_policy::{Copyup, Create};
use core::fmt;

/// Longest name aufs_rs accepts through the union: 255 minus room for the
/// `.wh.` prefix and a temporary suffix (aufs's `AUFS_MAX_NAMELEN`).
pub(crate) const MAX_NAME_LEN: usize = 242;

/// Which kind of branch a permission describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BranchKind {
    /// Writable: takes new files, copy-ups and whiteouts.
    ReadWrite,
    /// Read-only, but may change behind the union's back.
    ReadOnly,
    /// "Real read-only": the branch can never change (squashfs, iso9660).
    RealReadOnly,
}

/// A branch permission as written in `br=PATH=PERM`: `rw`, `ro`, `rr`, plus the
/// attributes `+wh` (ro/rr: honour whiteouts), `+nolwh` (rw: plain-file
/// whiteouts instead of hardlinks) and the others of `brattr.rs`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Perm {
    pub(crate) kind: BranchKind,
    /// `+wh`: whiteouts on this read-only branch are honoured.
    pub(crate) whiteouts: bool,
    /// `+nolwh`: whiteouts are plain files, not links to the base file.
    pub(crate) no_link_whiteouts: bool,
    /// `+coo_reg`, `+icexsec`, `+moo`, ... (brattr.rs).
    pub(crate) attrs: Attrs,
}

impl Perm {
    /// The permission a branch gets when none is written: `rw` for branch 0 of a
    /// writable mount, `ro` for every other.
    pub(crate) const fn default_for(index: usize, mount_read_only: bool) -> Self {
        let kind = if index == 0 && !mount_read_only {
            BranchKind::ReadWrite
        } else {
            BranchKind::ReadOnly
        };
        Perm {
            kind,
            whiteouts: false,
            no_link_whiteouts: false,
            attrs: Attrs::NONE,
        }
    }

    /// Parses `rw`, `ro+wh`, `rw+nolwh`, ...
    pub(crate) fn parse(text: &str) -> Result<Self, OptError<'_>> {
        let mut parts = text.split('+');
        let kind = match parts.next() {
            Some("rw") => BranchKind::ReadWrite,
            Some("ro") => BranchKind::ReadOnly,
            Some("rr") => BranchKind::RealReadOnly,
            _ => return Err(OptError::BadPerm(text)),
        };
        let mut perm = Perm {
            kind,
            whiteouts: false,
            no_link_whiteouts: false,
            attrs: Attrs::NONE,
        };
        for attr in parts {
            match (attr, kind) {
                ("wh", BranchKind::ReadOnly | BranchKind::RealReadOnly) => perm.whiteouts = true,
                ("nolwh", BranchKind::ReadWrite) => perm.no_link_whiteouts = true,
                _ if perm.attrs.add(attr) => {}
                _ => return Err(OptError::BadPerm(text)),
            }
        }
        // Checked on the result: `ro+moo+coo_reg` is `ro+coo_reg` (the
        // last of coo_reg, coo_all and moo counts).
        match perm.attrs.misplaced(perm.is_writable()) {
            Some(_) => Err(OptError::BadPerm(text)),
            None => Ok(perm),
        }
    }

    /// `+fhsm`: the branch takes part in FHSM (fhsm.rs; `rw` only).
    pub(crate) fn fhsm(&self) -> bool {
        self.attrs.has(crate::brattr::FHSM)
    }

    /// True when the branch takes writes.
    pub(crate) fn is_writable(&self) -> bool {
        self.kind == BranchKind::ReadWrite
    }

    /// True when `.wh.` entries on this branch hide names below it.
    pub(crate) fn honours_whiteouts(&self) -> bool {
        self.is_writable() || self.whiteouts
    }
}

impl fmt::Display for Perm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.kind {
            BranchKind::ReadWrite => "rw",
            BranchKind::ReadOnly => "ro",
            BranchKind::RealReadOnly => "rr",
        })?;
        self.attrs.write_general(f)?;
        if self.whiteouts {
            f.write_str("+wh")?;
        }
        self.attrs.write_writable(f)?;
        if self.no_link_whiteouts {
            f.write_str("+nolwh")?;
        }
        Ok(())
    }
}

/// One parsed mount option.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Opt<'a> {
    /// `br=LIST`, `br:LIST` or `dirs=LIST`: the whole branch list, top first.
    Branches(&'a str),
    /// `xino=PATH`: where the xino files go.
    Xino(&'a str),
    /// `noxino`: no xino files; inode numbers may change.
    NoXino,
    /// `trunc_xino` (true) / `notrunc_xino` (false).
    TruncXino(bool),
    /// `trunc_xib` / `notrunc_xib`: truncate aufs's xino bitmap file. aufs_rs
    /// keeps the bitmap in memory: accepted, nothing to do.
    TruncXib,
    /// `diropq=w` (false: a new dir is opaque only where a whiteout was) or
    /// `diropq=a` (true: every new dir is opaque).
    DirOpq(bool),
    /// `si=ID`, as /proc/mounts shows it: ignored (tools such as busybox
    /// pass the shown options back at remount), as aufs does.
    MountId,
    /// `udba=none|reval|notify`: how much the union checks its branches for changes
    /// made behind its back.
    Udba(Udba),
    /// `dio` (true) / `nodio` (false): O_DIRECT opens pass through to the
    /// branch file, or are refused (EINVAL).
    Dio(bool),
    /// `dirperm1` (true) / `nodirperm1` (false): only the topmost dir's
    /// permission bits count for a merged dir, or those of every dir below
    /// too.
    DirPerm1(bool),
    /// `dirren` (true) / `nodirren` (false): a dir whose lower dirs show
    /// entries can be renamed (its lower entries copied up first), or gives
    /// EXDEV.
    DirRen(bool),
    /// A branch edit (remount only): `add:`, `ins:`, `append:`, `prepend:`,
    /// `del:`, `mod:`.
    Edit(BranchEdit<'a>),
    /// `sum`, `wsum`, `nosum`: what statfs adds up.
    Sum(Sum),
    /// `shwh` (true) / `noshwh`: readdir and lookup show the whiteouts
    /// (read-only mounts only).
    ShowWhiteouts(bool),
    /// `warn_perm` (true) / `nowarn_perm`: warn when a branch root's owner or
    /// mode differs from branch 0's.
    WarnPerm(bool),
    /// `verbose`/`v` (true) / `quiet`/`q`/`silent`: say more on errors
    /// (which objects keep a branch busy).
    Verbose(bool),
    /// `acl` (true) / `noacl`: POSIX ACLs through the union.
    Acl(bool),
    /// `plink` (true) / `noplink`: pseudo-links for copied-up hardlinks.
    Plink(bool),
    /// `list_plink`: logs the pseudo-links of every branch.
    ListPlink,
    /// `create=POLICY`: which writable branch takes new objects.
    Create(Create),
    /// `cpup=POLICY`: which writable branch takes copy-ups.
    Copyup(Copyup),
    /// `rdcache=SEC`: how long a merged dir listing is kept (0: not kept).
    RdCache(u32),
    /// `rdblk=N`: bytes a listing's name block starts with (0: auto).
    RdBlk(u32),
    /// `rdhash=N`: entries a listing's table starts with (0: auto).
    RdHash(u32),
    /// `dirwh=N`: a removed dir holding more whiteouts than N is emptied
    /// and removed in the background.
    DirWh(u32),
    /// `fhsm_sec=SEC`: a write to an `fhsm` branch is reported to the
    /// daemon at most every SEC seconds, unless it took new blocks.
    FhsmSec(u32),
}

/// The longest `rdcache=` in seconds (aufs's `AUFS_RDCACHE_MAX`).
pub(crate) const RDCACHE_MAX: u32 = 3600;
/// `rdcache=` when not given, in seconds (aufs's `AUFS_RDCACHE_DEF`).
pub(crate) const RDCACHE_DEFAULT: u32 = 10;

/// The largest `rdblk=`: 4 MiB of names to start with (aufs's limit is
/// the largest kmalloc, the same on x86).
pub(crate) const RDBLK_MAX: u32 = 4 << 20;
/// The largest `rdhash=`: a million entries to start with.
pub(crate) const RDHASH_MAX: u32 = 1 << 20;

/// `fhsm_sec=` when not given (aufs's `AUFS_FHSM_CACHE_DEF_SEC`).
pub(crate) const FHSM_SEC_DEFAULT: u32 = 30;
/// The largest `fhsm_sec=` (aufs reads it as a non-negative int).
pub(crate) const FHSM_SEC_MAX: u32 = i32::MAX as u32;

/// `dirwh=` when not given (aufs's `AUFS_DIRWH_DEF`).
pub(crate) const DIRWH_DEFAULT: u32 = 3;
/// The largest `dirwh=` (aufs keeps it in an int).
pub(crate) const DIRWH_MAX: u32 = i32::MAX as u32;

/// What statfs reports (`sum`, `wsum`, `nosum`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub(crate) enum Sum {
    /// `nosum`: the first writable branch (else branch 0).
    #[default]
    First,
    /// `sum`: every branch's filesystem, each once.
    All,
    /// `wsum`: every writable branch's filesystem, each once.
    Writable,
}

/// User's direct branch access (aufs's "udba"): what the union does about
/// changes made in a branch without going through the union.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub(crate) enum Udba {
    /// No checks: cached names may be stale (fastest).
    None,
    /// Every lookup revalidates cached names against the branches.
    #[default]
    Reval,
    /// Branch dirs the union looked at are watched (fsnotify): a change
    /// there invalidates the cached names at once.
    Notify,
}

impl fmt::Display for Udba {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Udba::None => "none",
            Udba::Reval => "reval",
            Udba::Notify => "notify",
        })
    }
}

/// One branch edit of a remount, applied left to right.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum BranchEdit<'a> {
    /// `add:INDEX:BR` / `ins:INDEX:BR`: the new branch gets index INDEX;
    /// `prepend:BR` is index 0.
    Insert(usize, BranchSpec<'a>),
    /// `append:BR`: the new branch goes to the bottom.
    Append(BranchSpec<'a>),
    /// `del:PATH`: the branch at PATH goes away.
    Delete(&'a str),
    /// `mod:PATH=PERM`: the branch at PATH gets a new permission.
    Modify(&'a str, Perm),
    /// `trunc_xino_path=PATH`: truncate the xino file of the branch at
    /// PATH (aufs_rs's tables give back their pages themselves: only
    /// checked to name a branch).
    TruncXino(&'a str),
    /// `itrunc_xino=INDEX`: the same for the branch at INDEX.
    TruncXinoAt(usize),
}

/// Why an option was refused. Each variant becomes one `aufs:` kernel message.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum OptError<'a> {
    /// Not an aufs option at all.
    Unknown(&'a str),
    /// An aufs option that aufs_rs does not implement yet.
    NotYet(&'a str),
    /// An aufs option that has no meaning in aufs_rs's design, and why.
    NoMeaning(&'a str, &'static str),
    /// An option that needs a value got none (or the reverse).
    BadValue(&'a str),
    /// A branch list with no branch in it.
    NoBranch,
    /// A branch permission that is not `rw`/`ro`/`rr` with valid attributes.
    BadPerm(&'a str),
    /// A branch edit that is not `add:INDEX:BR`, `append:BR`, `mod:BR=PERM`...
    BadEdit(&'a str),
}

impl fmt::Display for OptError<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OptError::Unknown(key) => write!(f, "unknown option \"{key}\""),
            OptError::NotYet(key) => write!(f, "option \"{key}\" is not implemented yet"),
            OptError::NoMeaning(key, why) => write!(f, "option \"{key}\" is not supported: {why}"),
            OptError::BadValue(key) => write!(f, "bad value for option \"{key}\""),
            OptError::NoBranch => f.write_str("no branch given"),
            OptError::BadPerm(perm) => write!(f, "unknown branch permission \"{perm}\""),
            OptError::BadEdit(edit) => write!(f, "malformed branch edit \"{edit}\""),
        }
    }
}

/// Options aufs accepts that aufs_rs does not implement yet: refused by name
/// rather than silently ignored (Docker passes some of them). None left.
const NOT_YET: &[&str] = &[];

/// A writer that escapes what it is given as /proc/mounts shows a path (as
/// aufs's `au_seq_path`): every byte up to a space, backslash and DEL become
/// `\ooo` in octal, so that the options stay one field.
pub(crate) struct MountsEscaped<'a>(pub(crate) &'a mut dyn fmt::Write);

impl fmt::Write for MountsEscaped<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        for c in s.chars() {
            match c {
                '\u{1}'..=' ' | '\\' | '\u{7f}' => write!(self.0, "\\{:03o}", c as u32)?,
                c => self.0.write_char(c)?,
            }
        }
        Ok(())
    }
}

/// Parses one `key[=value]` pair. Keys of the colon forms (`br:LIST`,
/// `append:BR=PERM`, ...) arrive whole, with their `=` kept in the key.
pub(crate) fn parse_option<'a>(
    key: &'a str,
    value: Option<&'a str>,
) -> Result<Opt<'a>, OptError<'a>> {
    if let Some(opt) = parse_colon_key(key, value) {
        return opt;
    }
    match key {
        "udba" => match value {
            Some("none") => Ok(Opt::Udba(Udba::None)),
            Some("reval") => Ok(Opt::Udba(Udba::Reval)),
            Some("notify" | "fsnotify" | "inotify") => Ok(Opt::Udba(Udba::Notify)),
            _ => Err(OptError::BadValue(key)),
        },
        "br" | "dirs" => value.map(Opt::Branches).ok_or(OptError::BadValue(key)),
        "xino" => match value {
            Some(path) if !path.is_empty() && !path.ends_with('/') => Ok(Opt::Xino(path)),
            _ => Err(OptError::BadValue(key)),
        },
        "noxino" | "trunc_xino" | "notrunc_xino" | "dio" | "nodio" | "dirperm1" | "nodirperm1"
        | "dirren" | "nodirren"
            if value.is_some() =>
        {
            Err(OptError::BadValue(key))
        }
        "dio" => Ok(Opt::Dio(true)),
        "nodio" => Ok(Opt::Dio(false)),
        "dirperm1" => Ok(Opt::DirPerm1(true)),
        "nodirperm1" => Ok(Opt::DirPerm1(false)),
        "dirren" => Ok(Opt::DirRen(true)),
        "nodirren" => Ok(Opt::DirRen(false)),
        "noxino" => Ok(Opt::NoXino),
        "si" => Ok(Opt::MountId),
        "diropq" => match value {
            Some("w" | "whiteouted") => Ok(Opt::DirOpq(false)),
            Some("a" | "always") => Ok(Opt::DirOpq(true)),
            _ => Err(OptError::BadValue(key)),
        },
        "trunc_xino" => Ok(Opt::TruncXino(true)),
        "notrunc_xino" => Ok(Opt::TruncXino(false)),
        "trunc_xino_path" => match value {
            Some(path) if !path.is_empty() => Ok(Opt::Edit(BranchEdit::TruncXino(path))),
            _ => Err(OptError::BadValue(key)),
        },
        "itrunc_xino" => value
            .and_then(|index| index.parse().ok())
            .map(|index| Opt::Edit(BranchEdit::TruncXinoAt(index)))
            .ok_or(OptError::BadValue(key)),
        "rdcache" | "rdblk" | "rdhash" | "dirwh" | "fhsm_sec" => parse_number(key, value),
        "create" | "create_policy" => value
            .and_then(Create::parse)
            .map(Opt::Create)
            .ok_or(OptError::BadValue(key)),
        "cpup" | "copyup" | "copyup_policy" => value
            .and_then(Copyup::parse)
            .map(Opt::Copyup)
            .ok_or(OptError::BadValue(key)),
        _ => parse_flag(key, value),
    }
}

/// `br:LIST` and the branch edits (`add:1:DIR`, `del=DIR`, ...), whose key
/// carries the value after a colon; None for every other key.
fn parse_colon_key<'a>(
    key: &'a str,
    value: Option<&'a str>,
) -> Option<Result<Opt<'a>, OptError<'a>>> {
    // aufs also accepts `br:LIST`, which arrives as one key without a value.
    if let Some(list) = key.strip_prefix("br:") {
        return Some(match value {
            None => Ok(Opt::Branches(list)),
            Some(_) => Err(OptError::BadValue("br")),
        });
    }
    if let Some((name, rest)) = key.split_once(':') {
        if EDITS.contains(&name) {
            return Some(match value {
                None => parse_edit(name, rest).map(Opt::Edit),
                Some(_) => Err(OptError::BadValue(name)),
            });
        }
    }
    if EDITS.contains(&key) {
        return Some(match value {
            Some(rest) => parse_edit(key, rest).map(Opt::Edit),
            None => Err(OptError::BadValue(key)),
        });
    }
    None
}

/// The flags without a value (`sum`, `noplink`, ...); anything else is
/// refused by name or unknown.
fn parse_flag<'a>(key: &'a str, value: Option<&'a str>) -> Result<Opt<'a>, OptError<'a>> {
    let opt = match key {
        "sum" => Opt::Sum(Sum::All),
        "wsum" => Opt::Sum(Sum::Writable),
        "nosum" => Opt::Sum(Sum::First),
        "shwh" | "noshwh" => Opt::ShowWhiteouts(key == "shwh"),
        "warn_perm" | "nowarn_perm" => Opt::WarnPerm(key == "warn_perm"),
        "verbose" | "v" => Opt::Verbose(true),
        "quiet" | "q" | "silent" => Opt::Verbose(false),
        "acl" | "noacl" => Opt::Acl(key == "acl"),
        "plink" | "noplink" => Opt::Plink(key == "plink"),
        "list_plink" => Opt::ListPlink,
        // The xino bitmap is in memory, not in a file: nothing to truncate.
        "trunc_xib" | "notrunc_xib" => Opt::TruncXib,
        "brs" | "nobrs" => {
            return Err(OptError::NoMeaning(
                key,
                "brs is a module parameter, as in aufs (insmod aufs_rs.ko brs=0)",
            ))
        }
        _ if NOT_YET.contains(&key) => return Err(OptError::NotYet(key)),
        _ if key.contains(':') && NOT_YET.contains(&key.split(':').next().unwrap_or("")) => {
            return Err(OptError::NotYet(key.split(':').next().unwrap_or(key)))
        }
        _ => return Err(OptError::Unknown(key)),
    };
    match value {
        Some(_) => Err(OptError::BadValue(key)),
        None => Ok(opt),
    }
}

/// `rdcache=SEC`, `rdblk=N|def`, `rdhash=N|def`, `dirwh=N`, `fhsm_sec=SEC`.
fn parse_number<'a>(key: &'a str, value: Option<&'a str>) -> Result<Opt<'a>, OptError<'a>> {
    let value = value.ok_or(OptError::BadValue(key))?;
    let number = match (key, value) {
        ("rdblk" | "rdhash", "def") => 0,
        _ => value.parse::<u32>().map_err(|_| OptError::BadValue(key))?,
    };
    match key {
        "rdcache" if number <= RDCACHE_MAX => Ok(Opt::RdCache(number)),
        "rdblk" if number <= RDBLK_MAX => Ok(Opt::RdBlk(number)),
        "rdhash" if number <= RDHASH_MAX => Ok(Opt::RdHash(number)),
        "dirwh" if number <= DIRWH_MAX => Ok(Opt::DirWh(number)),
        "fhsm_sec" if number <= FHSM_SEC_MAX => Ok(Opt::FhsmSec(number)),
        _ => Err(OptError::BadValue(key)),
    }
}

/// The branch edit options, written `NAME:ARGS` or `NAME=ARGS`.
const EDITS: &[&str] = &["add", "ins", "append", "prepend", "del", "mod"];

/// Parses the arguments of branch edit `name`.
fn parse_edit<'a>(name: &'a str, args: &'a str) -> Result<BranchEdit<'a>, OptError<'a>> {
    let non_empty = |path: &'a str| {
        if path.is_empty() {
            Err(OptError::BadEdit(name))
        } else {
            Ok(path)
        }
    };
    match name {
        "add" | "ins" => {
            let (index, branch) = args.split_once(':').ok_or(OptError::BadEdit(name))?;
            let index = index.parse().map_err(|_| OptError::BadEdit(name))?;
            Ok(BranchEdit::Insert(index, parse_branch(non_empty(branch)?)?))
        }
        "prepend" => Ok(BranchEdit::Insert(0, parse_branch(non_empty(args)?)?)),
        "append" => Ok(BranchEdit::Append(parse_branch(non_empty(args)?)?)),
        "del" => Ok(BranchEdit::Delete(non_empty(args)?)),
        _ => match parse_branch(non_empty(args)?)? {
            BranchSpec {
                path,
                perm: Some(perm),
            } => Ok(BranchEdit::Modify(path, perm)),
            _ => Err(OptError::BadEdit(name)),
        },
    }
}

/// One branch of a branch list: its path and the permission written after `=`.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct BranchSpec<'a> {
    pub(crate) path: &'a str,
    pub(crate) perm: Option<Perm>,
}

/// Splits a branch list `DIR[=PERM]:DIR[=PERM]...` into specs, top first.
/// Empty elements (`a::b`, a trailing `:`) are skipped, as aufs does.
pub(crate) fn branch_specs(
    list: &str,
) -> impl Iterator<Item = Result<BranchSpec<'_>, OptError<'_>>> {
    list.split(':').filter(|s| !s.is_empty()).map(parse_branch)
}

/// Parses `DIR[=PERM]`. The permission follows the last `=`.
pub(crate) fn parse_branch(spec: &str) -> Result<BranchSpec<'_>, OptError<'_>> {
    match spec.rsplit_once('=') {
        Some((path, perm)) if !path.is_empty() => Ok(BranchSpec {
            path,
            perm: Some(Perm::parse(perm)?),
        }),
        Some(_) => Err(OptError::NoBranch),
        None => Ok(BranchSpec {
            path: spec,
            perm: None,
        }),
    }
}

/// Splits a file path into its directory and file name: `/a/b` gives
/// (`/a`, `b`), `/b` gives (`/`, `b`), `b` gives (`.`, `b`).
pub(crate) fn split_file_path(path: &str) -> (&str, &str) {
    match path.rsplit_once('/') {
        Some(("", name)) => ("/", name),
        Some((dir, name)) => (dir, name),
        None => (".", path),
    }
}

/// Checks a name looked up or created through the union: aufs's own `.wh.`
/// names are not reachable (EPERM), and names must leave room for the prefix.
pub(crate) fn check_name(name: &[u8]) -> Result<(), NameError> {
    if name.starts_with(crate::whiteout::WH_PREFIX) {
        Err(NameError::Reserved)
    } else if name.len() > MAX_NAME_LEN {
        Err(NameError::TooLong)
    } else {
        Ok(())
    }
}

/// Why [`check_name`] refused a name.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum NameError {
    /// Starts with `.wh.` (EPERM).
    Reserved,
    /// Longer than [`MAX_NAME_LEN`] (ENAMETOOLONG).
    TooLong,
}
