// SPDX-License-Identifier: GPL-2.0

//! aufs's `.wh.` name rules: pure logic, shared with the host unit tests.
//!
//! - `.wh.NAME` on a branch that honours whiteouts hides NAME on every branch
//!   below it.
//! - `.wh..wh..opq` inside a dir makes that dir opaque.
//! - `.wh..wh.*` names are aufs's own bookkeeping (base file, plink, orph dirs).
//!
//! None of these names is ever listed or reachable through the union.

#![forbid(unsafe_code)]

/// Prefix of every whiteout and of aufs's own bookkeeping names.
pub(crate) const WH_PREFIX: &[u8] = b".wh.";

/// The opaque-dir marker.
pub(crate) const OPAQUE_NAME: &[u8] = b".wh..wh..opq";

/// The whiteout base file at a writable branch root: whiteouts are hardlinks
/// to it (unless `+nolwh`).
pub(crate) const BASE_NAME: &[u8] = b".wh..wh.aufs";

/// The pseudo-link dir at a writable branch root.
pub(crate) const PLINK_DIR: &[u8] = b".wh..wh.plnk";

/// The dir for objects being copied up or still open after unlink.
pub(crate) const ORPH_DIR: &[u8] = b".wh..wh.orph";

/// What a directory entry of a branch means to the union.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum EntryKind<'a> {
    /// A plain entry, shown unless hidden.
    Plain,
    /// `.wh.NAME`: hides NAME (the payload) below this branch.
    Whiteout(&'a [u8]),
    /// `.wh..wh.*` or `.wh..wh..opq`: aufs bookkeeping, never shown.
    Internal,
}

/// Classifies one entry name read from a branch directory.
pub(crate) fn classify(name: &[u8]) -> EntryKind<'_> {
    match name.strip_prefix(WH_PREFIX) {
        None => EntryKind::Plain,
        Some(rest) if rest.starts_with(WH_PREFIX) || rest.is_empty() => EntryKind::Internal,
        Some(rest) => EntryKind::Whiteout(rest),
    }
}

/// Writes `.wh.NAME` into `buf` and returns it, or `None` when it does not fit.
pub(crate) fn whiteout_name<'b>(name: &[u8], buf: &'b mut [u8]) -> Option<&'b [u8]> {
    let len = WH_PREFIX.len() + name.len();
    let out = buf.get_mut(..len)?;
    out[..WH_PREFIX.len()].copy_from_slice(WH_PREFIX);
    out[WH_PREFIX.len()..].copy_from_slice(name);
    Some(out)
}

/// Writes `.wh..wh.NAME.XXXX` (XXXX: `seq` in 4 hex digits) into `buf`: the
/// name under which a dir being removed is moved out of sight before what
/// it holds is removed (aufs's `whtmp`). `None` when it does not fit.
pub(crate) fn temp_name<'b>(name: &[u8], seq: u16, buf: &'b mut [u8]) -> Option<&'b [u8]> {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let prefix_len = 2 * WH_PREFIX.len();
    let len = prefix_len + name.len() + 5;
    let out = buf.get_mut(..len)?;
    out[..WH_PREFIX.len()].copy_from_slice(WH_PREFIX);
    out[WH_PREFIX.len()..prefix_len].copy_from_slice(WH_PREFIX);
    out[prefix_len..prefix_len + name.len()].copy_from_slice(name);
    let tail = &mut out[prefix_len + name.len()..];
    tail[0] = b'.';
    for (i, digit) in tail[1..].iter_mut().enumerate() {
        *digit = HEX[usize::from(seq >> (12 - 4 * i)) & 0xf];
    }
    Some(out)
}

/// True for `.` and `..`, which the union emits itself.
pub(crate) fn is_dot_or_dotdot(name: &[u8]) -> bool {
    name == b"." || name == b".."
}
