// SPDX-License-Identifier: GPL-2.0

//! mount.aufs's option handling: relative branch paths made absolute, and
//! a branch list longer than mount(2) takes (its data is one page) split
//! into a first mount and `remount,append:` steps, as Docker's aufs driver
//! did.

use std::path::Path;

/// The mount(2) flags the generic options set, and the aufs options left.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Parsed {
    /// `MS_*` bits.
    pub flags: u64,
    pub remount: bool,
    /// aufs's own options, in order, branch paths absolute.
    pub aufs: Vec<String>,
}

/// The generic options and their `MS_*` bits (set: true, clear: false).
const GENERIC: &[(&str, u64, bool)] = &[
    ("ro", 1, true),
    ("rw", 1, false),
    ("nosuid", 2, true),
    ("suid", 2, false),
    ("nodev", 4, true),
    ("dev", 4, false),
    ("noexec", 8, true),
    ("exec", 8, false),
    ("sync", 16, true),
    ("async", 16, false),
    ("dirsync", 128, true),
    ("noatime", 1024, true),
    ("atime", 1024, false),
    ("nodiratime", 2048, true),
    ("diratime", 2048, false),
    ("relatime", 1 << 21, true),
    ("norelatime", 1 << 21, false),
    ("strictatime", 1 << 24, true),
    ("silent", 1 << 15, true),
    ("loud", 1 << 15, false),
    ("defaults", 0, true),
    ("auto", 0, true),
    ("noauto", 0, true),
    ("nofail", 0, true),
    ("user", 0, true),
    ("nouser", 0, true),
    ("_netdev", 0, true),
];

/// `MS_REMOUNT`.
pub const MS_REMOUNT: u64 = 32;

/// Makes one branch spec `PATH[=PERM]` absolute against `cwd`.
pub fn absolute_branch(spec: &str, cwd: &Path) -> String {
    let (path, perm) = match spec.rsplit_once('=') {
        Some((p, perm)) if !perm.contains('/') => (p, Some(perm)),
        _ => (spec, None),
    };
    let abs = absolute_path(path, cwd);
    match perm {
        Some(perm) => format!("{abs}={perm}"),
        None => abs,
    }
}

/// `path` made absolute against `cwd`, `.` and `..` resolved by the
/// filesystem when it exists (realpath), lexically when not.
pub fn absolute_path(path: &str, cwd: &Path) -> String {
    if path.starts_with('/') || path.is_empty() {
        return path.to_string();
    }
    let joined = cwd.join(path);
    if let Ok(real) = std::fs::canonicalize(&joined) {
        return real.display().to_string();
    }
    let mut out = std::path::PathBuf::new();
    for c in joined.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    out.display().to_string()
}

/// A branch list `A:B:C` with each branch made absolute.
fn absolute_list(list: &str, cwd: &Path) -> String {
    list.split(':')
        .map(|b| absolute_branch(b, cwd))
        .collect::<Vec<_>>()
        .join(":")
}

/// A remount edit `KEY:REST` or `KEY=REST` (aufs takes both): (key, separator, rest).
fn edit(opt: &str) -> Option<(&str, char, &str)> {
    ["add", "ins", "append", "prepend", "del", "mod", "imod"]
        .iter()
        .find_map(|&key| {
            let rest = opt.strip_prefix(key)?;
            let sep = rest.chars().next().filter(|c| *c == ':' || *c == '=')?;
            Some((key, sep, &rest[1..]))
        })
}

/// Parses `-o` options: generic ones to flags, aufs's with relative paths
/// made absolute (`br=`, `br:`, `dirs=`, `add:`, `ins:`, `append:`,
/// `prepend:`, `del:`, `mod:`, `imod:`, `xino=`).
pub fn parse(options: &str, cwd: &Path) -> Parsed {
    let mut p = Parsed::default();
    for opt in options.split(',').filter(|o| !o.is_empty()) {
        if opt == "remount" {
            p.remount = true;
            continue;
        }
        if let Some(&(_, bit, set)) = GENERIC.iter().find(|(n, _, _)| *n == opt) {
            if set {
                p.flags |= bit
            } else {
                p.flags &= !bit
            }
            continue;
        }
        let expanded = if let Some(list) = opt
            .strip_prefix("br=")
            .or_else(|| opt.strip_prefix("dirs="))
        {
            let key = &opt[..opt.len() - list.len()];
            format!("{key}{}", absolute_list(list, cwd))
        } else if let Some(list) = opt.strip_prefix("br:") {
            format!("br:{}", absolute_list(list, cwd))
        } else if let Some(path) = opt.strip_prefix("xino=") {
            format!("xino={}", absolute_path(path, cwd))
        } else if let Some((key, sep, rest)) = edit(opt) {
            match key {
                // add:INDEX:BRANCH
                "add" => match rest.split_once(':') {
                    Some((i, b)) if i.parse::<usize>().is_ok() => {
                        format!("add{sep}{i}:{}", absolute_branch(b, cwd))
                    }
                    _ => opt.to_string(),
                },
                _ => format!("{key}{sep}{}", absolute_branch(rest, cwd)),
            }
        } else {
            opt.to_string()
        };
        p.aufs.push(expanded);
    }
    p
}

/// The mount(2) data strings: the first for the mount (or the first
/// remount), the others for remounts, each at most `limit` bytes (the page
/// size less the terminating NUL). A branch list too long for one page is
/// split: the first branches with the other options, the rest appended by
/// `append:BRANCH` remounts (branch order kept). Fails when one option
/// alone does not fit.
pub fn split(aufs: &[String], limit: usize) -> Result<Vec<String>, String> {
    let mut steps: Vec<Vec<String>> = vec![Vec::new()];
    let mut len = 0;
    let push = |steps: &mut Vec<Vec<String>>, len: &mut usize, opt: String| -> Result<(), String> {
        if opt.len() > limit {
            return Err(format!(
                "option {}... longer than {limit} bytes",
                &opt[..opt.len().min(40)]
            ));
        }
        let extra = opt.len() + usize::from(!steps.last().unwrap().is_empty());
        if *len + extra > limit {
            steps.push(Vec::new());
            *len = 0;
        }
        *len += opt.len() + usize::from(!steps.last().unwrap().is_empty());
        steps.last_mut().unwrap().push(opt);
        Ok(())
    };
    // The non-branch options go first, in the first step.
    let (lists, others): (Vec<&String>, Vec<&String>) = aufs
        .iter()
        .partition(|o| o.starts_with("br=") || o.starts_with("br:") || o.starts_with("dirs="));
    for o in others {
        push(&mut steps, &mut len, o.clone())?;
    }
    if steps.len() > 1 {
        return Err("the options other than branches do not fit in one page".into());
    }
    let mut first_list = true;
    for list in lists {
        let (key, branches) = if let Some(b) = list.strip_prefix("br:") {
            ("br:", b)
        } else {
            let (k, b) = list.split_at(list.find('=').unwrap() + 1);
            (k, b)
        };
        for (i, br) in branches.split(':').filter(|b| !b.is_empty()).enumerate() {
            let in_first = steps.len() == 1;
            let opt = if in_first && first_list && i == 0 {
                format!("{key}{br}")
            } else if in_first {
                // Continue the list of the first mount when it fits.
                let last = steps[0].last().unwrap().clone();
                if last.starts_with(key) && len + 1 + br.len() <= limit {
                    steps[0].pop();
                    len -= last.len() + usize::from(!steps[0].is_empty());
                    format!("{last}:{br}")
                } else {
                    format!("append:{br}")
                }
            } else {
                format!("append:{br}")
            };
            push(&mut steps, &mut len, opt)?;
        }
        first_list = false;
    }
    Ok(steps.into_iter().map(|s| s.join(",")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_branches() {
        let cwd = Path::new("/nonexistent/c");
        let p = parse("ro,br=./image1=rw:../i2:/abs=ro+wh,xino=x.xi,noexec", cwd);
        assert_eq!(p.flags, 1 | 8);
        assert_eq!(
            p.aufs,
            vec![
                "br=/nonexistent/c/image1=rw:/nonexistent/i2:/abs=ro+wh",
                "xino=/nonexistent/c/x.xi"
            ]
        );
        let p = parse("remount,append:l=ro,del:x,add:1:y,mod:/z=rr,udba=none", cwd);
        assert!(p.remount);
        assert_eq!(
            p.aufs,
            vec![
                "append:/nonexistent/c/l=ro",
                "del:/nonexistent/c/x",
                "add:1:/nonexistent/c/y",
                "mod:/z=rr",
                "udba=none"
            ]
        );
        assert_eq!(
            parse("br:a:b", cwd).aufs,
            vec!["br:/nonexistent/c/a:/nonexistent/c/b"]
        );
        assert_eq!(
            parse("append=l=ro+wh,add=0:t,del=/x", cwd).aufs,
            vec![
                "append=/nonexistent/c/l=ro+wh",
                "add=0:/nonexistent/c/t",
                "del=/x"
            ]
        );
    }

    #[test]
    fn short_lists_stay_whole() {
        let o = vec!["xino=/x".to_string(), "br=/a=rw:/b=ro".to_string()];
        assert_eq!(split(&o, 4095).unwrap(), vec!["xino=/x,br=/a=rw:/b=ro"]);
    }

    #[test]
    fn long_lists_split_in_order() {
        let branches: Vec<String> = (0..300)
            .map(|i| format!("/var/lib/docker/aufs/diff/{i:064}=ro+wh"))
            .collect();
        let opts = vec![
            format!("br:/rw=rw:{}", branches.join(":")),
            "udba=none".to_string(),
        ];
        let steps = split(&opts, 4095).unwrap();
        assert!(steps.len() > 5, "{} steps", steps.len());
        assert!(steps.iter().all(|s| s.len() <= 4095), "a step too long");
        assert!(steps[0].starts_with("udba=none,br:/rw=rw:"));
        // The branches in order: the first list, then the appends.
        let mut all: Vec<String> = steps[0]
            .split_once("br:")
            .unwrap()
            .1
            .split(':')
            .map(str::to_string)
            .collect();
        for s in &steps[1..] {
            for o in s.split(',') {
                all.push(
                    o.strip_prefix("append:")
                        .expect("only appends after the mount")
                        .to_string(),
                );
            }
        }
        assert_eq!(all[0], "/rw=rw");
        assert_eq!(all[1..], branches[..]);
    }

    #[test]
    fn too_long_option() {
        let o = vec![format!("br={}", "/x".repeat(3000))];
        assert!(split(&o, 4095).is_err());
    }
}
