// SPDX-License-Identifier: GPL-2.0

//! Tests for `uapi.rs`: aufs's ioctl numbers and `struct aufs_mvdown` bytes.

use crate::uapi::*;

#[test]
fn command_numbers_are_aufs_ones() {
    // _IOWR('A', nr, size) as aufs_type.h builds them, written out by hand.
    assert_eq!(AUFS_CTL_RDU, 0xc040_4100);
    assert_eq!(AUFS_CTL_RDU_INO, 0xc040_4101);
    assert_eq!(AUFS_CTL_WBR_FD, 0x4008_4102);
    assert_eq!(AUFS_CTL_IBUSY, 0xc018_4103);
    assert_eq!(AUFS_CTL_MVDOWN, 0xc060_4104);
    assert_eq!(AUFS_CTL_BRINFO, 0x5000_4105);
    assert_eq!(AUFS_CTL_FHSM_FD, 0x4004_4106);
}

#[test]
fn mvdown_flag_and_errno_values() {
    use mvdown_flags::*;
    let all = [
        DMSG,
        OWLOWER,
        KUPPER,
        ROLOWER,
        ROLOWER_R,
        ROUPPER,
        ROUPPER_R,
        BRID_UPPER,
        BRID_LOWER,
        FHSM_LOWER,
        STFS,
        STFS_FAILED,
        BOTTOM,
    ];
    for (bit, flag) in all.iter().enumerate() {
        assert_eq!(*flag, 1 << bit);
    }
    assert_eq!(AuErrno::Opaque as i8, 1);
    assert_eq!(AuErrno::NoLowerBr as i8, 6);
    assert_eq!((MVDOWN_UPPER, MVDOWN_LOWER), (0, 1));
}

fn sample() -> AufsMvdown {
    let mut m = AufsMvdown {
        flags: 0x1234,
        au_errno: -3,
        ..Default::default()
    };
    m.stbr[0] = AufsStbr {
        brid: 7,
        bindex: -1,
        stfs: AufsStfs {
            f_blocks: 1,
            f_bavail: 2,
            f_files: 3,
            f_ffree: 4,
        },
    };
    m.stbr[1].brid = 0x0102;
    m.stbr[1].bindex = 9;
    m.stbr[1].stfs.f_ffree = u64::MAX;
    m
}

#[test]
fn mvdown_bytes_native() {
    let m = sample();
    let b = m.to_bytes(Abi::Native);
    assert_eq!(&b[0..4], &0x1234u32.to_ne_bytes());
    assert_eq!(&b[4..8], &[0; 4]); // padding
    assert_eq!(&b[8..10], &7i16.to_ne_bytes());
    assert_eq!(&b[10..12], &(-1i16).to_ne_bytes());
    assert_eq!(&b[12..16], &[0; 4]);
    assert_eq!(&b[16..24], &1u64.to_ne_bytes());
    assert_eq!(&b[40..48], &4u64.to_ne_bytes());
    assert_eq!(&b[48..50], &0x0102i16.to_ne_bytes());
    assert_eq!(&b[50..52], &9i16.to_ne_bytes());
    assert_eq!(&b[80..88], &u64::MAX.to_ne_bytes());
    assert_eq!(b[88], (-3i8) as u8);
    assert_eq!(&b[89..], &[0; 7]);
    assert_eq!(AufsMvdown::from_bytes(&b, Abi::Native), m);
}

#[test]
fn mvdown_bytes_ia32_put_stfs_at_4() {
    let m = sample();
    let b = m.to_bytes(Abi::Ia32);
    assert_eq!(&b[8..10], &7i16.to_ne_bytes());
    assert_eq!(&b[12..20], &1u64.to_ne_bytes());
    assert_eq!(&b[36..44], &4u64.to_ne_bytes());
    assert_eq!(&b[44..48], &[0; 4]); // the stbr's tail padding
    assert_eq!(&b[76..84], &u64::MAX.to_ne_bytes());
    assert_eq!(b[88], (-3i8) as u8);
    assert_eq!(AufsMvdown::from_bytes(&b, Abi::Ia32), m);
    // Only stfs moves: flags, ids and au_errno sit where native has them.
    let n = m.to_bytes(Abi::Native);
    assert_eq!(&b[..12], &n[..12]);
    assert_eq!(&b[48..52], &n[48..52]);
}
