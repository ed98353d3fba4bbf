// SPDX-License-Identifier: GPL-2.0

//! Options to the mount's settings (pure; the half of overlayfs's params.c
//! that decides): what one parsed [`Opt`] records. `config.rs` keeps the
//! settings in its `MountConfig` beside the branch list and the edits, which
//! it records itself (they need the kernel's allocations).

#![forbid(unsafe_code)]

use core::fmt;

use crate::opts::{BranchEdit, Opt, OptError, Sum, Udba};
use crate::wbr_policy::{Copyup, Create};

/// The settings a mount or remount asked for (xino, diropq, dio, dirperm1,
/// udba); None (or false) where an
/// option was not given. `S` is the owned string of a path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Settings<S> {
    /// `xino=PATH` (None: the default path).
    pub(crate) xino_path: Option<S>,
    /// `noxino`.
    pub(crate) no_xino: bool,
    /// `trunc_xino` / `notrunc_xino`, if given (default `notrunc_xino`).
    pub(crate) trunc_xino: Option<bool>,
    /// `diropq=a` (default `diropq=w`).
    pub(crate) diropq_always: Option<bool>,
    /// `dio` / `nodio`, if given (default `nodio`).
    pub(crate) dio: Option<bool>,
    /// `dirperm1` / `nodirperm1`, if given (default `nodirperm1`).
    pub(crate) dirperm1: Option<bool>,
    /// `dirren` / `nodirren`, if given (default `nodirren`).
    pub(crate) dirren: Option<bool>,
    /// `udba=`, if given.
    pub(crate) udba: Option<Udba>,
    /// The flags and numbers of aufs.5's other options, if given.
    pub(crate) more: More,
}

/// The other options, each None where not given (aufs's defaults:
/// `nosum`, `noshwh`, `warn_perm`, `quiet`, `acl`, `plink`, `rdcache=10`,
/// `rdblk`/`rdhash` automatic, `dirwh=3`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub(crate) struct More {
    /// `sum`, `wsum`, `nosum`.
    pub(crate) sum: Option<Sum>,
    /// `create=`.
    pub(crate) create: Option<Create>,
    /// `cpup=`.
    pub(crate) cpup: Option<Copyup>,
    /// `shwh` / `noshwh`.
    pub(crate) shwh: Option<bool>,
    /// `warn_perm` / `nowarn_perm`.
    pub(crate) warn_perm: Option<bool>,
    /// `verbose` / `quiet`.
    pub(crate) verbose: Option<bool>,
    /// `acl` / `noacl`.
    pub(crate) acl: Option<bool>,
    /// `plink` / `noplink`.
    pub(crate) plink: Option<bool>,
    /// `list_plink` was given.
    pub(crate) list_plink: bool,
    /// `rdcache=SEC`.
    pub(crate) rdcache: Option<u32>,
    /// `rdblk=N`.
    pub(crate) rdblk: Option<u32>,
    /// `rdhash=N`.
    pub(crate) rdhash: Option<u32>,
    /// `dirwh=N`.
    pub(crate) dirwh: Option<u32>,
    /// `fhsm_sec=SEC`.
    pub(crate) fhsm_sec: Option<u32>,
}

impl More {
    /// True when one of the options was given.
    pub(crate) fn any(&self) -> bool {
        *self != More::default()
    }

    /// Records `opt` if it is one of these options; false if it is not.
    fn apply(&mut self, opt: &Opt<'_>) -> bool {
        match *opt {
            Opt::Sum(sum) => self.sum = Some(sum),
            Opt::Create(policy) => self.create = Some(policy),
            Opt::Copyup(policy) => self.cpup = Some(policy),
            Opt::ShowWhiteouts(on) => self.shwh = Some(on),
            Opt::WarnPerm(on) => self.warn_perm = Some(on),
            Opt::Verbose(on) => self.verbose = Some(on),
            Opt::Acl(on) => self.acl = Some(on),
            Opt::Plink(on) => self.plink = Some(on),
            Opt::ListPlink => self.list_plink = true,
            Opt::RdCache(n) => self.rdcache = Some(n),
            Opt::RdBlk(n) => self.rdblk = Some(n),
            Opt::RdHash(n) => self.rdhash = Some(n),
            Opt::DirWh(n) => self.dirwh = Some(n),
            Opt::FhsmSec(n) => self.fhsm_sec = Some(n),
            _ => return false,
        }
        true
    }
}

/// The values of [`More`]'s options in force on a mount.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Tunables {
    /// What statfs adds up.
    pub(crate) sum: Sum,
    /// Where new objects go.
    pub(crate) create: Create,
    /// Where copy-ups go.
    pub(crate) cpup: Copyup,
    /// Whiteouts are shown (read-only mounts).
    pub(crate) shwh: bool,
    /// Warn about branch roots whose owner or mode differ.
    pub(crate) warn_perm: bool,
    /// Say which objects keep a branch busy.
    pub(crate) verbose: bool,
    /// POSIX ACLs through the union.
    pub(crate) acl: bool,
    /// Pseudo-links.
    pub(crate) plink: bool,
    /// Seconds a merged listing is kept (0: not kept).
    pub(crate) rdcache: u32,
    /// Initial bytes of a listing's names (0: auto).
    pub(crate) rdblk: u32,
    /// Initial entries of a listing (0: auto).
    pub(crate) rdhash: u32,
    /// A removed dir holding more whiteouts than this (or any, at 0 and 1)
    /// is emptied and removed in the background.
    pub(crate) dirwh: u32,
    /// Seconds between two reports of the same `fhsm` branch (unless a
    /// write took new blocks).
    pub(crate) fhsm_sec: u32,
}

impl Default for Tunables {
    fn default() -> Self {
        Tunables {
            sum: Sum::First,
            create: Create::Tdp,
            cpup: Copyup::Tdp,
            shwh: false,
            warn_perm: true,
            verbose: false,
            acl: true,
            plink: true,
            rdcache: crate::opts::RDCACHE_DEFAULT,
            rdblk: 0,
            rdhash: 0,
            dirwh: crate::opts::DIRWH_DEFAULT,
            fhsm_sec: crate::opts::FHSM_SEC_DEFAULT,
        }
    }
}

impl Tunables {
    /// These tunables with the options `more` gave.
    pub(crate) fn with(self, more: &More) -> Self {
        Tunables {
            sum: more.sum.unwrap_or(self.sum),
            create: more.create.unwrap_or(self.create),
            cpup: more.cpup.unwrap_or(self.cpup),
            shwh: more.shwh.unwrap_or(self.shwh),
            warn_perm: more.warn_perm.unwrap_or(self.warn_perm),
            verbose: more.verbose.unwrap_or(self.verbose),
            acl: more.acl.unwrap_or(self.acl),
            plink: more.plink.unwrap_or(self.plink),
            rdcache: more.rdcache.unwrap_or(self.rdcache),
            rdblk: more.rdblk.unwrap_or(self.rdblk),
            rdhash: more.rdhash.unwrap_or(self.rdhash),
            dirwh: more.dirwh.unwrap_or(self.dirwh),
            fhsm_sec: more.fhsm_sec.unwrap_or(self.fhsm_sec),
        }
    }

    /// Why a mount (`read_only`) cannot have these tunables, if it cannot:
    /// aufs shows whiteouts only on a read-only mount.
    pub(crate) fn refusal(&self, read_only: bool) -> Option<&'static str> {
        (self.shwh && !read_only).then_some("shwh needs a read-only mount")
    }

    /// Writes the /proc/mounts text of the tunables that differ from the
    /// defaults, each after a comma, as aufs shows them. `fhsm_sec` is not
    /// among them: aufs shows it only while FHSM is on (two `fhsm`
    /// branches), which the branches decide ([`Tunables::write_fhsm`]).
    pub(crate) fn write(&self, out: &mut dyn fmt::Write) -> fmt::Result {
        let def = Tunables::default();
        match self.sum {
            Sum::First => {}
            Sum::All => out.write_str(",sum")?,
            Sum::Writable => out.write_str(",wsum")?,
        }
        if self.create != def.create {
            write!(out, ",create={}", self.create)?;
        }
        if self.cpup != def.cpup {
            write!(out, ",cpup={}", self.cpup)?;
        }
        let flags = [
            (self.shwh, def.shwh, "shwh", "noshwh"),
            (self.warn_perm, def.warn_perm, "warn_perm", "nowarn_perm"),
            (self.verbose, def.verbose, "verbose", "quiet"),
            (self.acl, def.acl, "acl", "noacl"),
            (self.plink, def.plink, "plink", "noplink"),
        ];
        for (on, default, yes, no) in flags {
            if on != default {
                write!(out, ",{}", if on { yes } else { no })?;
            }
        }
        let numbers = [
            (self.rdcache, def.rdcache, "rdcache"),
            (self.rdblk, def.rdblk, "rdblk"),
            (self.rdhash, def.rdhash, "rdhash"),
            (self.dirwh, def.dirwh, "dirwh"),
        ];
        for (value, default, name) in numbers {
            if value != default {
                write!(out, ",{name}={value}")?;
            }
        }
        Ok(())
    }
}

impl Tunables {
    /// Writes `,fhsm_sec=SEC` if it is not the default and FHSM is on
    /// (`fhsm_on`), as aufs's `au_fhsm_show`.
    pub(crate) fn write_fhsm(&self, fhsm_on: bool, out: &mut dyn fmt::Write) -> fmt::Result {
        if fhsm_on && self.fhsm_sec != crate::opts::FHSM_SEC_DEFAULT {
            write!(out, ",fhsm_sec={}", self.fhsm_sec)?;
        }
        Ok(())
    }
}

impl<S> Default for Settings<S> {
    fn default() -> Self {
        Settings {
            xino_path: None,
            no_xino: false,
            trunc_xino: None,
            diropq_always: None,
            dio: None,
            dirperm1: None,
            dirren: None,
            udba: None,
            more: More::default(),
        }
    }
}

impl<S> Settings<S> {
    /// True when a remount with these settings may change the union.
    pub(crate) fn changes_anything(&self) -> bool {
        self.udba.is_some()
            || self.xino_path.is_some()
            || self.no_xino
            || self.trunc_xino.is_some()
            || self.diropq_always.is_some()
            || self.dio.is_some()
            || self.dirperm1.is_some()
            || self.more.any()
            || self.dirren.is_some()
    }

    /// `xino=PATH`: a later `xino=` undoes an earlier `noxino`.
    pub(crate) fn set_xino(&mut self, path: S) {
        self.xino_path = Some(path);
        self.no_xino = false;
    }
}

/// What an option asks that is not a setting: the caller records it.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Rest<'a> {
    /// Nothing more (the option was a setting, or is ignored).
    Nothing,
    /// `xino=PATH`: the caller owns the path, then [`Settings::set_xino`].
    Xino(&'a str),
    /// A branch edit (remount).
    Edit(BranchEdit<'a>),
    /// A whole branch list: at mount the branches, at remount those of them
    /// that are not branches yet, added at their index (as aufs).
    Branches(&'a str),
}

/// Records `opt` in `settings`, at mount or remount alike; returns what is
/// left for the caller.
pub(crate) fn apply<'a, S>(
    settings: &mut Settings<S>,
    opt: Opt<'a>,
) -> Result<Rest<'a>, OptError<'a>> {
    if settings.more.apply(&opt) {
        return Ok(Rest::Nothing);
    }
    match opt {
        Opt::MountId | Opt::TruncXib => {}
        Opt::Udba(udba) => settings.udba = Some(udba),
        Opt::NoXino => settings.no_xino = true,
        Opt::TruncXino(on) => settings.trunc_xino = Some(on),
        Opt::DirOpq(always) => settings.diropq_always = Some(always),
        Opt::Dio(on) => settings.dio = Some(on),
        Opt::DirPerm1(on) => settings.dirperm1 = Some(on),
        Opt::DirRen(on) => settings.dirren = Some(on),
        Opt::Xino(path) => return Ok(Rest::Xino(path)),
        Opt::Edit(edit) => return Ok(Rest::Edit(edit)),
        Opt::Branches(list) => return Ok(Rest::Branches(list)),
        // Recorded by More::apply above.
        _ => {}
    }
    Ok(Rest::Nothing)
}

/// True when the VFS split a colon form at its `=` (`append:/b=ro` arrives
/// as key `append:/b`, value `ro`): the caller joins them again.
pub(crate) fn is_split_colon_form(key: &str, value: Option<&str>) -> bool {
    value.is_some() && key.contains(':')
}
