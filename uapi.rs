// SPDX-License-Identifier: GPL-2.0

//! aufs's ioctl ABI (its `include/uapi/linux/aufs_type.h`): the command
//! numbers and the structs user space passes, byte for byte. Pure: shared
//! with the host unit tests and with the user-space tools (`aumvdown`).
//!
//! Commands are `_IOWR('A', AuCtl_*, struct)` (`AuCtlType` 'A'), numbered in
//! the order of aufs's `AuCtl_*` enum: RDU, RDU_INO, WBR_FD, IBUSY, MVDOWN,
//! BR, FHSM_FD. The size in a command number is the struct's C size, the
//! same on 32- and 64-bit (each struct is `__aligned(8)`), so one number
//! serves both; only the place of [`AufsStfs`] inside [`AufsStbr`] differs on
//! i386, where a `uint64_t` member is 4-aligned ([`Abi::Ia32`]).
//!
//! `struct aufs_mvdown` (96 bytes; offsets for x86_64 and every ABI with
//! 8-aligned `uint64_t`; i386 in brackets):
//!
//! | offset | size | field |
//! |---|---|---|
//! | 0 | 4 | `flags` (`AUFS_MVDOWN_*`, in and out) |
//! | 8 | 40 | `stbr[AUFS_MVDOWN_UPPER]`: `brid` i16 @0, `bindex` i16 @2, `stfs` @8 [@4] |
//! | 48 | 40 | `stbr[AUFS_MVDOWN_LOWER]` |
//! | 88 | 1 | `au_errno` (`EAU_MVDOWN_*`, out) |

#![forbid(unsafe_code)]
// The ABI is listed whole; the kernel, the tools and the tests each use a part.
#![allow(dead_code)]

use core::mem::{offset_of, size_of};

/// aufs's `AuCtlType`: the type byte of every aufs ioctl.
pub(crate) const AU_CTL_TYPE: u8 = b'A';

/// aufs's `AuCtl_*` command indices (the `nr` of each command number).
pub(crate) mod au_ctl {
    pub(crate) const RDU: u8 = 0;
    pub(crate) const RDU_INO: u8 = 1;
    pub(crate) const WBR_FD: u8 = 2;
    pub(crate) const IBUSY: u8 = 3;
    pub(crate) const MVDOWN: u8 = 4;
    pub(crate) const BR: u8 = 5;
    pub(crate) const FHSM_FD: u8 = 6;
}

const IOC_WRITE: u32 = 1;
const IOC_READ: u32 = 2;

/// The kernel's `_IOC(dir, 'A', nr, size)` (asm-generic/ioctl.h: nr in bits
/// 0-7, type 8-15, size 16-29, direction 30-31).
const fn au_ioc(dir: u32, nr: u8, size: usize) -> u32 {
    (dir << 30) | ((size as u32) << 16) | ((AU_CTL_TYPE as u32) << 8) | nr as u32
}

/// Sizes of aufs's other ioctl structs (not defined here, as no command of
/// aufs_rs takes them yet): `struct aufs_rdu`, `struct aufs_wbr_fd`,
/// `struct aufs_ibusy`, `union aufs_brinfo`.
const RDU_SIZE: usize = 64;
const WBR_FD_SIZE: usize = 8;
const IBUSY_SIZE: usize = 24;
const BRINFO_SIZE: usize = 4096;

/// `AUFS_CTL_RDU`: readdir in user space (dir).
pub(crate) const AUFS_CTL_RDU: u32 = au_ioc(IOC_READ | IOC_WRITE, au_ctl::RDU, RDU_SIZE);
/// `AUFS_CTL_RDU_INO` (dir).
pub(crate) const AUFS_CTL_RDU_INO: u32 = au_ioc(IOC_READ | IOC_WRITE, au_ctl::RDU_INO, RDU_SIZE);
/// `AUFS_CTL_WBR_FD`: an fd of the writable branch's dir (pathconf wrapper).
pub(crate) const AUFS_CTL_WBR_FD: u32 = au_ioc(IOC_WRITE, au_ctl::WBR_FD, WBR_FD_SIZE);
/// `AUFS_CTL_IBUSY`: is this inode busy (dir).
pub(crate) const AUFS_CTL_IBUSY: u32 = au_ioc(IOC_READ | IOC_WRITE, au_ctl::IBUSY, IBUSY_SIZE);
/// `AUFS_CTL_MVDOWN`: move a file down (non-dir).
pub(crate) const AUFS_CTL_MVDOWN: u32 = au_ioc(
    IOC_READ | IOC_WRITE,
    au_ctl::MVDOWN,
    size_of::<AufsMvdown>(),
);
/// `AUFS_CTL_BRINFO`: the branches (dir).
pub(crate) const AUFS_CTL_BRINFO: u32 = au_ioc(IOC_WRITE, au_ctl::BR, BRINFO_SIZE);
/// `AUFS_CTL_FHSM_FD`: the fhsm daemon's connection (root dir; the argument
/// is an `int` of open flags, by value).
pub(crate) const AUFS_CTL_FHSM_FD: u32 = au_ioc(IOC_WRITE, au_ctl::FHSM_FD, size_of::<i32>());

/// `AUFS_MVDOWN_*` flags of [`AufsMvdown::flags`].
pub(crate) mod mvdown_flags {
    /// Print why a move-down failed in the kernel log.
    pub(crate) const DMSG: u32 = 1;
    /// Overwrite the file on the lower branch if it is there.
    pub(crate) const OWLOWER: u32 = 1 << 1;
    /// Keep the upper file (copy down only).
    pub(crate) const KUPPER: u32 = 1 << 2;
    /// The lower branch may be `ro` (its filesystem writable).
    pub(crate) const ROLOWER: u32 = 1 << 3;
    /// Output: the lower branch was `ro`.
    pub(crate) const ROLOWER_R: u32 = 1 << 4;
    /// The upper branch may be `ro` (its filesystem writable).
    pub(crate) const ROUPPER: u32 = 1 << 5;
    /// Output: the upper branch was `ro`.
    pub(crate) const ROUPPER_R: u32 = 1 << 6;
    /// Input: the upper branch is `stbr[UPPER].brid`.
    pub(crate) const BRID_UPPER: u32 = 1 << 7;
    /// Input: the lower branch is `stbr[LOWER].brid`.
    pub(crate) const BRID_LOWER: u32 = 1 << 8;
    /// The lower branch is the next one with the `fhsm` attribute.
    pub(crate) const FHSM_LOWER: u32 = 1 << 9;
    /// Input: fill in both branches' `stfs`.
    pub(crate) const STFS: u32 = 1 << 10;
    /// Output: statfs of a branch failed (the move-down itself worked).
    pub(crate) const STFS_FAILED: u32 = 1 << 11;
    /// Output: no writable branch is left below the lower one.
    pub(crate) const BOTTOM: u32 = 1 << 12;
}

/// aufs's `EAU_MVDOWN_*` codes of [`AufsMvdown::au_errno`]: why a move-down
/// was refused, beside the errno (aufs-util prints its own message for each).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(i8)]
pub(crate) enum AuErrno {
    /// "Opaque ancestor": a dir above the lower branch hides it (EINVAL).
    Opaque = 1,
    /// "Whiteout-ed by ancestor": a whiteout between the branches (EINVAL).
    Whiteout = 2,
    /// "Upper exists": the name is on a branch between the two (EINVAL).
    Upper = 3,
    /// "No writable lower": the file is on the last branch, or no
    /// writable branch is below it (EINVAL).
    Bottom = 4,
    /// "No upper exists": no such upper branch, or the file is not on it
    /// (EINVAL).
    NoUpper = 5,
    /// "No such lower branch" (EINVAL).
    NoLowerBr = 6,
}

/// aufs's `AUFS_MVDOWN_UPPER` and `AUFS_MVDOWN_LOWER`: the indices of
/// [`AufsMvdown::stbr`].
pub(crate) const MVDOWN_UPPER: usize = 0;
pub(crate) const MVDOWN_LOWER: usize = 1;

/// `struct aufs_stfs`: free blocks and inodes of a branch, always 64-bit.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct AufsStfs {
    pub(crate) f_blocks: u64,
    pub(crate) f_bavail: u64,
    pub(crate) f_files: u64,
    pub(crate) f_ffree: u64,
}

/// `struct aufs_stbr` (`__aligned(8)`): one branch of a move-down.
#[repr(C, align(8))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct AufsStbr {
    /// Branch id: input with `BRID_UPPER`/`BRID_LOWER`, else output.
    pub(crate) brid: i16,
    /// Output: the branch index.
    pub(crate) bindex: i16,
    /// Output with `STFS`.
    pub(crate) stfs: AufsStfs,
}

/// `struct aufs_mvdown` (`__aligned(8)`), the argument of
/// [`AUFS_CTL_MVDOWN`].
#[repr(C, align(8))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct AufsMvdown {
    pub(crate) flags: u32,
    pub(crate) stbr: [AufsStbr; 2],
    /// Output: an [`AuErrno`] or 0.
    pub(crate) au_errno: i8,
}

// The C layout (see the module doc), checked at compile time.
const _: () = {
    assert!(size_of::<AufsStfs>() == 32);
    assert!(size_of::<AufsStbr>() == 40);
    assert!(offset_of!(AufsStbr, bindex) == 2);
    assert!(offset_of!(AufsStbr, stfs) == 8);
    assert!(size_of::<AufsMvdown>() == MVDOWN_SIZE);
    assert!(offset_of!(AufsMvdown, stbr) == 8);
    assert!(offset_of!(AufsMvdown, au_errno) == 88);
};

/// `sizeof(struct aufs_mvdown)`.
pub(crate) const MVDOWN_SIZE: usize = 96;

/// The user ABI of the task that called: the structs' C layout differs for
/// an i386 task on x86_64 (`compat_ioctl` from a 32-bit x86 process).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Abi {
    /// The kernel's own layout (also x32 and 32-bit ARM: 8-aligned u64).
    Native,
    /// i386: `uint64_t` members 4-aligned (`stfs` at offset 4 of a stbr).
    Ia32,
}

impl Abi {
    /// Offset of `stfs` inside a `struct aufs_stbr`.
    const fn stfs_offset(self) -> usize {
        match self {
            Abi::Native => offset_of!(AufsStbr, stfs),
            Abi::Ia32 => 4,
        }
    }
}

/// Offset of `stbr[i]` in `struct aufs_mvdown` (the same in every ABI).
const fn stbr_offset(i: usize) -> usize {
    offset_of!(AufsMvdown, stbr) + i * size_of::<AufsStbr>()
}

fn get<const N: usize>(bytes: &[u8], at: usize) -> [u8; N] {
    let mut out = [0u8; N];
    out.copy_from_slice(&bytes[at..at + N]);
    out
}

impl AufsMvdown {
    /// Decodes the bytes user space passed (native byte order).
    pub(crate) fn from_bytes(bytes: &[u8; MVDOWN_SIZE], abi: Abi) -> Self {
        let mut out = AufsMvdown {
            flags: u32::from_ne_bytes(get(bytes, 0)),
            au_errno: bytes[offset_of!(AufsMvdown, au_errno)] as i8,
            ..Default::default()
        };
        for (i, stbr) in out.stbr.iter_mut().enumerate() {
            let at = stbr_offset(i);
            let fs = at + abi.stfs_offset();
            *stbr = AufsStbr {
                brid: i16::from_ne_bytes(get(bytes, at)),
                bindex: i16::from_ne_bytes(get(bytes, at + 2)),
                stfs: AufsStfs {
                    f_blocks: u64::from_ne_bytes(get(bytes, fs)),
                    f_bavail: u64::from_ne_bytes(get(bytes, fs + 8)),
                    f_files: u64::from_ne_bytes(get(bytes, fs + 16)),
                    f_ffree: u64::from_ne_bytes(get(bytes, fs + 24)),
                },
            };
        }
        out
    }

    /// Encodes for user space; padding bytes are zero.
    pub(crate) fn to_bytes(self, abi: Abi) -> [u8; MVDOWN_SIZE] {
        let mut out = [0u8; MVDOWN_SIZE];
        out[..4].copy_from_slice(&self.flags.to_ne_bytes());
        for (i, stbr) in self.stbr.iter().enumerate() {
            let at = stbr_offset(i);
            out[at..at + 2].copy_from_slice(&stbr.brid.to_ne_bytes());
            out[at + 2..at + 4].copy_from_slice(&stbr.bindex.to_ne_bytes());
            let fs = at + abi.stfs_offset();
            let s = &stbr.stfs;
            for (k, v) in [s.f_blocks, s.f_bavail, s.f_files, s.f_ffree]
                .iter()
                .enumerate()
            {
                out[fs + 8 * k..fs + 8 * k + 8].copy_from_slice(&v.to_ne_bytes());
            }
        }
        out[offset_of!(AufsMvdown, au_errno)] = self.au_errno as u8;
        out
    }
}
