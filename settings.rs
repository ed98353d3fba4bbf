// SPDX-License-Identifier: GPL-2.0

//! Options to the mount's settings (pure; the half of overlayfs's params.c
//! that decides): what one parsed [`Opt`] records. `config.rs` keeps the
//! settings in its `MountConfig` beside the branch list and the edits, which
//! it records itself (they need the kernel's allocations).

#![forbid(unsafe_code)]

use crate::opts::{BranchEdit, Opt, OptError, Udba};

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
    /// `udba=`, if given.
    pub(crate) udba: Option<Udba>,
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
            udba: None,
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
    /// A whole branch list (mount only).
    Branches(&'a str),
}

/// Records `opt` in `settings` (`remount`: given at remount, where a whole
/// branch list is refused); returns what is left for the caller.
pub(crate) fn apply<'a, S>(
    settings: &mut Settings<S>,
    opt: Opt<'a>,
    remount: bool,
) -> Result<Rest<'a>, OptError<'a>> {
    match opt {
        Opt::MountId => {}
        Opt::Udba(udba) => settings.udba = Some(udba),
        Opt::NoXino => settings.no_xino = true,
        Opt::TruncXino(on) => settings.trunc_xino = Some(on),
        Opt::DirOpq(always) => settings.diropq_always = Some(always),
        Opt::Dio(on) => settings.dio = Some(on),
        Opt::DirPerm1(on) => settings.dirperm1 = Some(on),
        Opt::Xino(path) => return Ok(Rest::Xino(path)),
        Opt::Edit(edit) => return Ok(Rest::Edit(edit)),
        // Replacing every branch at once is not offered at remount.
        Opt::Branches(_) if remount => {
            return Err(OptError::NotYet("br at remount (use add, del, mod)"))
        }
        Opt::Branches(list) => return Ok(Rest::Branches(list)),
    }
    Ok(Rest::Nothing)
}

/// True when the VFS split a colon form at its `=` (`append:/b=ro` arrives
/// as key `append:/b`, value `ro`): the caller joins them again.
pub(crate) fn is_split_colon_form(key: &str, value: Option<&str>) -> bool {
    value.is_some() && key.contains(':')
}
