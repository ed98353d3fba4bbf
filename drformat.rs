// SPDX-License-Identifier: GPL-2.0

//! aufs's on-branch format of `dirren` (its design note 06dirren, its
//! `aufs_type.h`): pure logic, shared with the host unit tests.
//!
//! After a dir was renamed with `dirren`, its dir on the writable branch
//! holds one info file per lower branch where the dir lives under its old
//! name: `.wh..wh..dr.<branch id>`, where the branch id is
//! `<type>_<filesystem id>_<inode number of the branch root>` (type 2: the
//! statfs fsid as `%08x-%08x`; type 3, when the fsid is zero: the device as
//! `%02x%02x`, or `%03x:%05x` when major or minor exceeds 0xff). The file
//! holds `struct au_drinfo_fdata`, 8-byte aligned:
//!
//! | offset | size | field |
//! |---|---|---|
//! | 0 | 4 | magic `adr\x01`, big endian |
//! | 4 | 4 | padding (zero) |
//! | 8 | 8 | inode number of the lower dir, big endian |
//! | 16 | 1 | length of the old name |
//! | 17 | 7 | padding (zero) |
//! | 24 | len | the old name (no NUL) |
//!
//! The root of a writable branch holds `.wh..wh.hino`: the inode numbers
//! (big-endian u64, no header) of its dirs that hold info files, which a
//! lookup asks before it looks for them.

#![forbid(unsafe_code)]

/// The prefix of an info file's name.
pub(crate) const INFO_PREFIX: &[u8] = b".wh..wh..dr.";

/// The inode-number list at a branch root.
pub(crate) const HINO_NAME: &[u8] = b".wh..wh.hino";

/// `AUFS_DRINFO_MAGIC_V1`.
pub(crate) const MAGIC_V1: u32 = (b'a' as u32) << 24 | (b'd' as u32) << 16 | (b'r' as u32) << 8 | 1;

/// The size of the fixed part of an info file (`sizeof(struct
/// au_drinfo_fdata)`).
pub(crate) const HEADER_LEN: usize = 24;

/// The longest info file: the header and a name of 255 bytes.
pub(crate) const MAX_INFO_LEN: usize = HEADER_LEN + 255;

/// Writes the info file's bytes for a lower dir of inode number `ino` whose
/// name on its branch is `old_name` into `out`; returns their length, or
/// None when the name is empty or longer than 255 bytes or `out` too short.
pub(crate) fn encode_info(ino: u64, old_name: &[u8], out: &mut [u8]) -> Option<usize> {
    let len = u8::try_from(old_name.len()).ok().filter(|&l| l > 0)?;
    let total = HEADER_LEN + old_name.len();
    let out = out.get_mut(..total)?;
    out.fill(0);
    out[0..4].copy_from_slice(&MAGIC_V1.to_be_bytes());
    out[8..16].copy_from_slice(&ino.to_be_bytes());
    out[16] = len;
    out[HEADER_LEN..].copy_from_slice(old_name);
    Some(total)
}

/// The inode number and old name an info file's bytes hold, or None when
/// they are not a version-1 info (wrong magic, empty or cut name). Bytes
/// past the name are ignored (aufs rewrites a file in place).
pub(crate) fn decode_info(bytes: &[u8]) -> Option<(u64, &[u8])> {
    let header = bytes.get(..HEADER_LEN)?;
    let magic = u32::from_be_bytes(header[0..4].try_into().ok()?);
    if magic != MAGIC_V1 {
        return None;
    }
    let ino = u64::from_be_bytes(header[8..16].try_into().ok()?);
    let len = usize::from(header[16]);
    if len == 0 {
        return None;
    }
    let name = bytes.get(HEADER_LEN..HEADER_LEN + len)?;
    Some((ino, name))
}

/// How aufs names a branch in an info file's name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BranchId {
    /// Type 2: the statfs fsid (both words).
    Fsid(u32, u32),
    /// Type 3: the device number (major, minor), when the fsid is zero.
    Dev(u32, u32),
}

impl BranchId {
    /// The id of a branch whose filesystem gives `fsid` and `dev` (as the
    /// kernel's `dev_t`: major in the high 12 bits, minor in the low 20).
    pub(crate) fn of(fsid: [u32; 2], dev: u32) -> Self {
        if fsid != [0, 0] {
            BranchId::Fsid(fsid[0], fsid[1])
        } else {
            BranchId::Dev(dev >> 20, dev & 0xf_ffff)
        }
    }
}

/// A `core::fmt::Write` into a byte slice.
struct SliceWriter<'a> {
    out: &'a mut [u8],
    len: usize,
}

impl core::fmt::Write for SliceWriter<'_> {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        let end = self.len + s.len();
        let dst = self.out.get_mut(self.len..end).ok_or(core::fmt::Error)?;
        dst.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// Writes the name of the info file for the branch `id` whose root has
/// inode number `root_ino` into `out`: [`INFO_PREFIX`] then
/// `<type>_<id>_<root_ino>`. Returns its length, None when `out` is short.
pub(crate) fn info_name(id: BranchId, root_ino: u64, out: &mut [u8]) -> Option<usize> {
    use core::fmt::Write;
    let prefix = out.get_mut(..INFO_PREFIX.len())?;
    prefix.copy_from_slice(INFO_PREFIX);
    let mut w = SliceWriter {
        out,
        len: INFO_PREFIX.len(),
    };
    let done = match id {
        BranchId::Fsid(a, b) => write!(w, "2_{a:08x}-{b:08x}_{root_ino}"),
        BranchId::Dev(major, minor) if major <= 0xff && minor <= 0xff => {
            write!(w, "3_{major:02x}{minor:02x}_{root_ino}")
        }
        BranchId::Dev(major, minor) => write!(w, "3_{major:03x}:{minor:05x}_{root_ino}"),
    };
    done.ok().map(|()| w.len)
}

/// The inode numbers a `.wh..wh.hino` file's bytes hold (a tail shorter
/// than 8 bytes is ignored, as aufs reads whole entries only).
pub(crate) fn decode_hino(bytes: &[u8]) -> impl Iterator<Item = u64> + '_ {
    bytes
        .chunks_exact(8)
        .map(|c| u64::from_be_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
}
