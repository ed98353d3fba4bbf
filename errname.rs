// SPDX-License-Identifier: GPL-2.0

//! Pure: short human names for the errors a path lookup gives, for mount
//! messages (`branch 0 "/x": no such directory`).

#![forbid(unsafe_code)]

const ENOENT: i32 = 2;
const EACCES: i32 = 13;
const ENOTDIR: i32 = 20;
const ENAMETOOLONG: i32 = 36;
const ELOOP: i32 = 40;

/// The name of `errno` (negative, as the kernel returns it, or positive).
pub(crate) fn errname(errno: i32) -> &'static str {
    match errno.unsigned_abs() as i32 {
        ENOENT => "no such directory",
        ENOTDIR => "not a directory",
        EACCES => "permission denied",
        ELOOP => "too many symlinks",
        ENAMETOOLONG => "path too long",
        _ => "cannot resolve",
    }
}
