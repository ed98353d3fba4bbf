// SPDX-License-Identifier: GPL-2.0

//! aufs's names on a branch (the same as the module's whiteout.rs).

/// A whiteout is `.wh.NAME`.
pub const WH_PREFIX: &str = ".wh.";
/// `.wh..wh..opq` in a dir makes it opaque.
pub const OPAQUE: &str = ".wh..wh..opq";
/// The base file every whiteout is a hardlink of.
pub const BASE: &str = ".wh..wh.aufs";
/// Pseudo-links: `.wh..wh.plnk/INO`, INO the file's aufs inode number.
pub const PLINK_DIR: &str = ".wh..wh.plnk";
/// Copy-up temporaries.
pub const ORPH_DIR: &str = ".wh..wh.orph";

/// What a name on a branch is.
#[derive(Debug, PartialEq, Eq)]
pub enum Kind<'a> {
    /// A name the union shows.
    Plain,
    /// `.wh.NAME`: hides NAME of the branches below.
    Whiteout(&'a str),
    /// The opaque marker.
    Opaque,
    /// `.wh..wh.NAME.XXXX` in a dir: a dir being removed, moved aside.
    Temp,
    /// The branch root's base file and plnk/orph dirs.
    Internal,
}

/// Classifies `name` found in a dir; `at_root`: the dir is the branch root.
pub fn classify(name: &str, at_root: bool) -> Kind<'_> {
    match name.strip_prefix(WH_PREFIX) {
        None => Kind::Plain,
        Some("") => Kind::Internal,
        Some(_) if name == OPAQUE => Kind::Opaque,
        Some(_) if at_root && [BASE, PLINK_DIR, ORPH_DIR].contains(&name) => Kind::Internal,
        Some(rest) if rest.starts_with(WH_PREFIX) => Kind::Temp,
        Some(rest) => Kind::Whiteout(rest),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(classify("a", false), Kind::Plain);
        assert_eq!(classify(".wh.a", false), Kind::Whiteout("a"));
        assert_eq!(classify(".wh..wh..opq", false), Kind::Opaque);
        assert_eq!(classify(".wh..wh.plnk", true), Kind::Internal);
        assert_eq!(classify(".wh..wh.plnk", false), Kind::Temp);
        assert_eq!(classify(".wh..wh.d.0001", false), Kind::Temp);
        assert_eq!(classify(".wh.", false), Kind::Internal);
        assert_eq!(classify(".whx", false), Kind::Plain);
    }
}
