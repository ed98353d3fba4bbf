// SPDX-License-Identifier: GPL-2.0

//! aumvdown [options] FILE...: moves files down between aufs branches, the
//! opposite of copy-up (aufs-util's aumvdown, its options and messages),
//! with the `AUFS_CTL_MVDOWN` ioctl.

// The one ioctl call needs `unsafe` (rustix's ioctl); nothing else may.
#![deny(unsafe_code)]

#[path = "../../../uapi.rs"]
mod uapi;

use clap::Parser;
use std::io::{BufRead, Write};
use uapi::{mvdown_flags as F, AufsMvdown, AufsStbr, MVDOWN_LOWER, MVDOWN_UPPER};

/// Move-down the specified file (an opposite action of copy-up) from the
/// highest branch where the file exists to the next lower writable branch.
///
/// On failure the message names aufs's reason when the kernel gave one
/// (au_errno), else the error; the exit status is the errno.
#[derive(Parser, Debug)]
#[command(version, after_help = "See aumvdown(8).")]
struct Args {
    /// The branch id (brid) of the lower branch (default: the next writable one).
    #[arg(short = 'b', long = "lower-branch-id", value_name = "BRID")]
    lower: Option<i16>,
    /// The branch id of the upper branch (default: the file's top branch).
    #[arg(short = 'B', long = "upper-branch-id", value_name = "BRID")]
    upper: Option<i16>,
    /// Ask before each file.
    #[arg(short, long)]
    interactive: bool,
    /// Keep the upper file (copy down only).
    #[arg(short, long = "keep-upper")]
    keep_upper: bool,
    /// Overwrite the file on the lower branch if it exists there.
    #[arg(short, long = "overwrite-lower")]
    overwrite_lower: bool,
    /// Allow a lower branch that is `ro`.
    #[arg(short = 'r', long = "allow-ro-lower")]
    allow_ro_lower: bool,
    /// Allow an upper branch that is `ro`.
    #[arg(short = 'R', long = "allow-ro-upper")]
    allow_ro_upper: bool,
    /// Print what was moved from where to where.
    #[arg(short, long)]
    verbose: bool,
    /// Ask the kernel to log why a move-down fails.
    #[arg(short, long, hide = true)]
    dmsg: bool,
    /// Report both branches' free space (with -v).
    #[arg(short, long, hide = true)]
    stfs: bool,
    /// The files, in an aufs mount.
    #[arg(required = true)]
    files: Vec<std::path::PathBuf>,
}

/// The request the options make (for each file afresh).
fn request(args: &Args) -> AufsMvdown {
    let mut m = AufsMvdown::default();
    let set = [
        (args.dmsg, F::DMSG),
        (args.overwrite_lower, F::OWLOWER),
        (args.keep_upper, F::KUPPER),
        (args.allow_ro_lower, F::ROLOWER),
        (args.allow_ro_upper, F::ROUPPER),
        (args.stfs, F::STFS),
    ];
    for (on, flag) in set {
        if on {
            m.flags |= flag;
        }
    }
    if let Some(brid) = args.lower {
        m.flags |= F::BRID_LOWER;
        m.stbr[MVDOWN_LOWER].brid = brid;
    }
    if let Some(brid) = args.upper {
        m.flags |= F::BRID_UPPER;
        m.stbr[MVDOWN_UPPER].brid = brid;
    }
    m
}

/// aufs-util's text for an au_errno (its perror.c list).
fn au_error_text(au_errno: i8) -> Option<String> {
    let text = match au_errno {
        0 => return None,
        1 => "Opaque ancestor",
        2 => "Whiteout-ed by ancestor",
        3 => "Upper exists",
        4 => "No writable lower",
        5 => "No upper exists",
        6 => "No such lower branch",
        n => return Some(format!("Unknown error {n}")),
    };
    Some(text.to_string())
}

/// The line of `-v`: `'FILE' bU(bridI)(RO) --> bL(bridJ)(RO)`.
fn verbose_line(file: &str, m: &AufsMvdown) -> String {
    let ro = |flag| if m.flags & flag != 0 { "(RO)" } else { "" };
    let (u, l) = (&m.stbr[MVDOWN_UPPER], &m.stbr[MVDOWN_LOWER]);
    format!(
        "'{file}' b{}(brid{}){} --> b{}(brid{}){}",
        u.bindex,
        u.brid,
        ro(F::ROUPPER_R),
        l.bindex,
        l.brid,
        ro(F::ROLOWER_R)
    )
}

/// The free-space line of `-v -s` for one branch.
fn stfs_line(s: &AufsStbr) -> String {
    let pct = |free: u64, all: u64| (free * 100).checked_div(all).unwrap_or(0);
    let f = &s.stfs;
    format!(
        "b{} {}%({}/{}), {}%({}/{}) free",
        s.bindex,
        pct(f.f_bavail, f.f_blocks),
        f.f_bavail,
        f.f_blocks,
        pct(f.f_ffree, f.f_files),
        f.f_ffree,
        f.f_files
    )
}

/// `AUFS_CTL_MVDOWN` on the open `file`: the kernel updates `m` (also on
/// failure: au_errno).
#[allow(unsafe_code)]
fn mvdown_ioctl(file: &std::fs::File, m: &mut AufsMvdown) -> rustix::io::Result<()> {
    use rustix::ioctl::{ioctl, Opcode, Updater};
    const OPCODE: Opcode = uapi::AUFS_CTL_MVDOWN as Opcode;
    // SAFETY: AUFS_CTL_MVDOWN is _IOWR('A', 4, struct aufs_mvdown) and
    // AufsMvdown is that struct's #[repr(C)] layout (uapi.rs asserts its
    // size and offsets), which the kernel reads and writes in place.
    unsafe { ioctl(file, Updater::<OPCODE, AufsMvdown>::new(m)) }
}

/// Asks on stderr; true when the answer starts with y or Y.
fn confirm(file: &str) -> bool {
    eprint!("move down '{file}'? ");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    let _ = std::io::stdin().lock().read_line(&mut line);
    line.trim_start().starts_with(['y', 'Y'])
}

/// Moves one file down; the errno on failure, after the message.
fn move_one(args: &Args, path: &std::path::Path) -> Result<(), i32> {
    let name = path.display().to_string();
    let mut m = request(args);
    let fail = |errno: i32, m: &AufsMvdown| {
        match au_error_text(m.au_errno) {
            Some(text) => eprintln!("{name}: {text}"),
            None => eprintln!("{name}: {}", std::io::Error::from_raw_os_error(errno)),
        }
        errno
    };
    let file = std::fs::File::open(path).map_err(|e| fail(e.raw_os_error().unwrap_or(1), &m))?;
    mvdown_ioctl(&file, &mut m).map_err(|e| fail(e.raw_os_error(), &m))?;
    if args.verbose {
        println!("{}", verbose_line(&name, &m));
        if m.flags & F::STFS != 0 {
            if m.flags & F::STFS_FAILED == 0 {
                println!("{}", stfs_line(&m.stbr[MVDOWN_UPPER]));
                println!("{}", stfs_line(&m.stbr[MVDOWN_LOWER]));
            } else {
                eprintln!("STFS failed, ignored");
            }
        }
    }
    Ok(())
}

fn main() {
    let args = Args::parse();
    for path in &args.files {
        if args.interactive && !confirm(&path.display().to_string()) {
            continue;
        }
        if let Err(errno) = move_one(&args, path) {
            std::process::exit(errno);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(argv: &[&str]) -> Args {
        Args::try_parse_from(std::iter::once("aumvdown").chain(argv.iter().copied())).unwrap()
    }

    #[test]
    fn options_make_aufs_flags() {
        let m = request(&parse(&["-k", "-o", "-r", "-R", "f"]));
        assert_eq!(m.flags, F::KUPPER | F::OWLOWER | F::ROLOWER | F::ROUPPER);
        let m = request(&parse(&["--dmsg", "--stfs", "f"]));
        assert_eq!(m.flags, F::DMSG | F::STFS);
        let m = request(&parse(&["f"]));
        assert_eq!(m, AufsMvdown::default());
    }

    #[test]
    fn brids_go_to_their_stbr() {
        let m = request(&parse(&["-b", "3", "--upper-branch-id", "7", "f", "g"]));
        assert_eq!(m.flags, F::BRID_LOWER | F::BRID_UPPER);
        assert_eq!(m.stbr[MVDOWN_LOWER].brid, 3);
        assert_eq!(m.stbr[MVDOWN_UPPER].brid, 7);
        let a = parse(&["--lower-branch-id=2", "f"]);
        assert_eq!((a.lower, a.files.len()), (Some(2), 1));
    }

    #[test]
    fn bad_command_lines_are_refused() {
        let bad = |argv: &[&str]| {
            Args::try_parse_from(std::iter::once("aumvdown").chain(argv.iter().copied())).is_err()
        };
        assert!(bad(&[]), "a file is required");
        assert!(bad(&["-b", "x", "f"]), "a brid is a number");
        assert!(bad(&["-q", "f"]), "unknown option");
    }

    #[test]
    fn au_errno_texts_are_aufs_utils() {
        assert_eq!(au_error_text(0), None);
        assert_eq!(au_error_text(1).unwrap(), "Opaque ancestor");
        assert_eq!(au_error_text(4).unwrap(), "No writable lower");
        assert_eq!(au_error_text(6).unwrap(), "No such lower branch");
        assert_eq!(au_error_text(9).unwrap(), "Unknown error 9");
    }

    #[test]
    fn verbose_and_stfs_lines() {
        let mut m = AufsMvdown {
            flags: F::ROLOWER_R,
            ..Default::default()
        };
        m.stbr[MVDOWN_UPPER].brid = 5;
        m.stbr[MVDOWN_LOWER].bindex = 1;
        m.stbr[MVDOWN_LOWER].brid = 6;
        assert_eq!(verbose_line("f", &m), "'f' b0(brid5) --> b1(brid6)(RO)");
        m.stbr[MVDOWN_LOWER].stfs.f_blocks = 200;
        m.stbr[MVDOWN_LOWER].stfs.f_bavail = 50;
        assert_eq!(
            stfs_line(&m.stbr[MVDOWN_LOWER]),
            "b1 25%(50/200), 0%(0/0) free"
        );
    }
}
