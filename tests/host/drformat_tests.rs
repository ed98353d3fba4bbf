// SPDX-License-Identifier: GPL-2.0

//! Tests for `drformat.rs`: aufs's `dirren` bytes and names.

use crate::drformat::{
    decode_hino, decode_info, encode_info, info_name, BranchId, HEADER_LEN, MAX_INFO_LEN,
};

#[test]
fn info_bytes_are_aufs_layout() {
    let mut buf = [0xffu8; MAX_INFO_LEN];
    let len = encode_info(0x0102_0304_0506_0708, b"dirA", &mut buf).unwrap();
    assert_eq!(len, HEADER_LEN + 4);
    let want: [u8; 28] = [
        b'a', b'd', b'r', 1, 0, 0, 0, 0, // magic, padding
        1, 2, 3, 4, 5, 6, 7, 8, // ino, big endian
        4, 0, 0, 0, 0, 0, 0, 0, // name length, padding
        b'd', b'i', b'r', b'A',
    ];
    assert_eq!(&buf[..len], &want[..]);
    assert_eq!(
        decode_info(&buf[..len]),
        Some((0x0102_0304_0506_0708, &b"dirA"[..]))
    );
}

#[test]
fn info_refused() {
    let mut buf = [0u8; MAX_INFO_LEN + 10];
    assert_eq!(encode_info(1, b"", &mut buf), None);
    assert_eq!(encode_info(1, &[b'x'; 256], &mut buf), None);
    assert_eq!(encode_info(1, b"abc", &mut buf[..26]), None);
    let len = encode_info(7, b"abc", &mut buf).unwrap();
    // Cut name, wrong magic, zero length.
    assert_eq!(decode_info(&buf[..len - 1]), None);
    let mut bad = buf;
    bad[3] = 2;
    assert_eq!(decode_info(&bad[..len]), None);
    let mut empty = buf;
    empty[16] = 0;
    assert_eq!(decode_info(&empty[..len]), None);
    // A longer old content left behind is ignored.
    let mut longer = buf;
    longer[len..len + 3].copy_from_slice(b"xyz");
    assert_eq!(decode_info(&longer[..len + 3]), Some((7, &b"abc"[..])));
}

#[test]
fn info_names() {
    let mut buf = [0u8; 128];
    let n = info_name(BranchId::of([0x1234, 0xdead_beef], 0), 2, &mut buf).unwrap();
    assert_eq!(&buf[..n], b".wh..wh..dr.2_00001234-deadbeef_2");
    let n = info_name(BranchId::of([0, 0], (8 << 20) | 1), 128, &mut buf).unwrap();
    assert_eq!(&buf[..n], b".wh..wh..dr.3_0801_128");
    let n = info_name(BranchId::of([0, 0], (259 << 20) | 300), 5, &mut buf).unwrap();
    assert_eq!(&buf[..n], b".wh..wh..dr.3_103:0012c_5");
    assert_eq!(info_name(BranchId::Fsid(1, 2), 3, &mut buf[..20]), None);
}

#[test]
fn hino_entries() {
    let bytes = [0, 0, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 0, 0, 0, 9, 7];
    assert_eq!(decode_hino(&bytes).collect::<Vec<_>>(), vec![0x102, 9]);
}
