// SPDX-License-Identifier: GPL-2.0

//! aufs's branch attributes other than `wh` and `nolwh` (aufs.5, "Branch
//! Syntax"): pure parsing and printing, host-tested.
//!
//! - `coo_reg` / `coo_all` ("copy-up on open", any branch): opening a
//!   regular file (`coo_reg`), or anything the union opens, dirs included
//!   (`coo_all`), whose top object lives on this branch copies it up to the
//!   nearest writable branch above, even for reading (see `coo.rs`).
//! - `moo` ("move-up on open", `rw` only): as `coo_reg`, then the file is
//!   removed from this branch.
//!   The three exclude each other: the last one written wins (as in aufs).
//! - `icexsec`, `icexsys`, `icextr`, `icexusr`, `icexoth`, `icex` ("ignore
//!   copy-up error on xattr", any branch): a copy-up onto this branch goes
//!   on when the branch refuses an xattr of the `security.`, `system.`
//!   (ACLs), `trusted.`, `user.` or any other namespace (`icex`: all five).
//! - `unpin`: accepted and dropped with a warning, as aufs (it made the
//!   branch root renamable on kernels before 3.18; aufs_rs never stops one
//!   being renamed).
//!
//! The bits are aufs's own (`AuBrAttr_*` in aufs_type.h), and a branch
//! prints its attributes in aufs's order (`ro+coo_reg+icexsec+wh`,
//! `rw+moo+nolwh`; all five icex ones as `icex`), so sysfs `brN` and
//! /proc/mounts read as under aufs. Each attribute is one row of a table.

#![forbid(unsafe_code)]

use core::fmt;

/// `coo_reg`: copy up a regular file on open.
pub(crate) const COO_REG: u32 = 1 << 3;
/// `coo_all`: copy up anything opened.
pub(crate) const COO_ALL: u32 = 1 << 4;
/// `fhsm`: the branch takes part in FHSM (fhsm.rs). `rw` only here: aufs
/// keeps it on a read-only branch too, where it means nothing (no write
/// there is reported, no file moved down onto it).
pub(crate) const FHSM: u32 = 1 << 5;
/// `unpin`: meaningless since Linux 3.18; dropped when applied.
const UNPIN: u32 = 1 << 6;
/// `icexsec`: ignore a refused `security.*` xattr in a copy-up.
pub(crate) const ICEX_SEC: u32 = 1 << 7;
/// `icexsys`: ... a refused `system.*` xattr (POSIX ACLs).
pub(crate) const ICEX_SYS: u32 = 1 << 8;
/// `icextr`: ... a refused `trusted.*` xattr.
pub(crate) const ICEX_TR: u32 = 1 << 9;
/// `icexusr`: ... a refused `user.*` xattr.
pub(crate) const ICEX_USR: u32 = 1 << 10;
/// `icexoth`: ... a refused xattr of any other namespace.
pub(crate) const ICEX_OTH: u32 = 1 << 11;
/// `icex`: all five.
pub(crate) const ICEX: u32 = ICEX_SEC | ICEX_SYS | ICEX_TR | ICEX_USR | ICEX_OTH;
/// `moo`: move up on open (`rw` branches only).
pub(crate) const MOO: u32 = 1 << 14;
/// The attributes of which only the last one given counts.
const CMOO: u32 = COO_REG | COO_ALL | MOO;

/// The attributes any branch may carry, in the order aufs prints them
/// (before `wh`). One row per attribute.
const GENERAL: &[(&str, u32)] = &[
    ("coo_reg", COO_REG),
    ("coo_all", COO_ALL),
    ("unpin", UNPIN),
    ("fhsm", FHSM),
    ("icex", ICEX),
    ("icexsec", ICEX_SEC),
    ("icexsys", ICEX_SYS),
    ("icextr", ICEX_TR),
    ("icexusr", ICEX_USR),
    ("icexoth", ICEX_OTH),
];

/// The attributes only a `rw` branch may carry, printed after `wh` and
/// before `nolwh`.
const WRITABLE: &[(&str, u32)] = &[("moo", MOO)];

/// The attributes of [`GENERAL`] only a `rw` branch may carry here.
const GENERAL_RW_ONLY: &[(&str, u32)] = &[("fhsm", FHSM)];

/// A branch's attributes from the tables above.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Attrs(u32);

impl Attrs {
    /// No attribute.
    pub(crate) const NONE: Attrs = Attrs(0);

    /// Adds the attribute `name`; false when it is not one of the tables.
    pub(crate) fn add(&mut self, name: &str) -> bool {
        let Some(&(_, bits)) = GENERAL.iter().chain(WRITABLE).find(|(n, _)| *n == name) else {
            return false;
        };
        if bits & CMOO != 0 {
            self.0 &= !CMOO;
        }
        self.0 |= bits;
        true
    }

    /// The attribute a branch that is not writable may not carry, if it has
    /// one (aufs drops it with a warning; aufs_rs refuses the branch).
    pub(crate) fn misplaced(&self, writable: bool) -> Option<&'static str> {
        match writable {
            true => None,
            false => WRITABLE
                .iter()
                .chain(GENERAL_RW_ONLY)
                .find(|(_, bits)| self.0 & bits != 0)
                .map(|(name, _)| *name),
        }
    }

    /// True when every bit of `bits` is set.
    pub(crate) fn has(&self, bits: u32) -> bool {
        self.0 & bits == bits
    }

    /// Drops `unpin`; true when it was given (the caller warns).
    pub(crate) fn take_unpin(&mut self) -> bool {
        let given = self.has(UNPIN);
        self.0 &= !UNPIN;
        given
    }

    /// The attributes of `table` in aufs's form, each after a `+`: a row
    /// whose bits are all set prints and takes them (so all five icex ones
    /// print as `icex`). `unpin` is never printed (aufs keeps none).
    fn write(&self, table: &[(&str, u32)], f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut left = self.0 & !UNPIN;
        for &(name, bits) in table {
            if left & bits == bits {
                write!(f, "+{name}")?;
                left &= !bits;
            }
        }
        Ok(())
    }

    /// `+coo_reg+icexsec...`: what aufs prints before `+wh`.
    pub(crate) fn write_general(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(GENERAL, f)
    }

    /// `+moo`: what aufs prints between `+wh` and `+nolwh`.
    pub(crate) fn write_writable(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(WRITABLE, f)
    }

    /// What opening an object on the branch does (`coo.rs`).
    pub(crate) fn on_open(&self, regular: bool) -> OnOpen {
        match self.0 & CMOO {
            MOO if regular => OnOpen::MoveUp,
            COO_REG if regular => OnOpen::CopyUp,
            COO_ALL => OnOpen::CopyUp,
            _ => OnOpen::Nothing,
        }
    }

    /// True when a copy-up onto the branch goes on although the branch
    /// refused xattr `name` with `errno` (negative): never for a lack of
    /// memory or quota, else when the branch has the icex attribute of the
    /// name's namespace (aufs's `au_xattr_ignore`).
    pub(crate) fn ignores_xattr_error(&self, name: &[u8], errno: i32) -> bool {
        const ENOMEM: i32 = 12;
        const EDQUOT: i32 = 122;
        if self.0 & ICEX == 0 || errno == -ENOMEM || errno == -EDQUOT {
            return false;
        }
        let namespace = [
            (&b"security."[..], ICEX_SEC),
            (b"system.", ICEX_SYS),
            (b"trusted.", ICEX_TR),
            (b"user.", ICEX_USR),
        ]
        .iter()
        .find(|(prefix, _)| name.starts_with(prefix))
        .map_or(ICEX_OTH, |&(_, bit)| bit);
        self.0 & namespace != 0
    }
}

/// What opening an object does under the `coo_*`/`moo` attribute of its
/// branch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum OnOpen {
    /// Nothing: the object is opened where it is.
    Nothing,
    /// It is copied up to the nearest writable branch above first.
    CopyUp,
    /// It is copied up, then removed from its branch.
    MoveUp,
}
