// SPDX-License-Identifier: GPL-2.0

//! The merged listing of one union directory (aufs's `au_vdir`).
//!
//! Built by reading each lower dir of the union dir, top first, as the mounter;
//! [`crate::dirmerge::merge`] then keeps the topmost entry per name and drops
//! whited-out names. The listing is kept per open dir and rebuilt when a
//! reader rewinds to position 0, so positions stay stable across getdents
//! calls and seekdir/telldir.
//!
//! Memory: 24 bytes per entry read from a branch (a [`Record`]) plus its name,
//! in two arrays that grow by doubling. They are `kvmalloc`ed (virtually
//! contiguous, so a listing of millions of entries does not need megabytes
//! of physically contiguous memory) and charged to the reader's memory
//! cgroup: a listing lives as long as the open dir that reads it.

#![forbid(unsafe_code)]

use crate::branch::Union;
use crate::dirmerge::{merge, Record};
use crate::lookup::DentryInfo;
use crate::whiteout::{classify, is_dot_or_dotdot, EntryKind};
use kernel::{alloc::flags::*, alloc::Flags, error::code::*, prelude::*};

/// Allocations of a listing: charged to the caller's memory cgroup, and
/// without the allocation-failure splat (a huge dir may legitimately not
/// fit; the reader gets ENOMEM).
fn listing_gfp() -> Flags {
    GFP_KERNEL_ACCOUNT | __GFP_NOWARN
}

/// A merged directory listing: visible entries in name order.
pub(crate) struct Listing {
    arena: KVVec<u8>,
    records: KVVec<Record>,
}

/// One visible entry of a [`Listing`].
pub(crate) struct Entry<'a> {
    pub(crate) name: &'a [u8],
    pub(crate) ino: u64,
    pub(crate) dtype: u8,
}

/// Replaces the branches' inode numbers with the union's (xino), so that
/// `ls -i` and `stat` agree. With `noxino` the branch numbers stay.
fn translate_inode_numbers(union: &Union, records: &mut [Record]) -> Result {
    for record in records.iter_mut() {
        let fs = union.branches[record.branch as usize].root.fs_id();
        match union.xino_number(fs, record.ino) {
            Some(ino) => record.ino = ino?,
            None => return Ok(()),
        }
    }
    Ok(())
}

impl Listing {
    /// Reads and merges every lower dir of `dir`. With `shwh` the whiteouts
    /// themselves are listed too (as plain `.wh.NAME` entries, while still
    /// hiding NAME below). `rdblk=`/`rdhash=` size the first allocations.
    pub(crate) fn build(union: &Union, dir: &DentryInfo) -> Result<Self> {
        let tunables = &union.tunables;
        let mut listing = Listing {
            arena: KVVec::with_capacity(tunables.rdblk as usize, listing_gfp())?,
            records: KVVec::with_capacity(tunables.rdhash as usize, listing_gfp())?,
        };
        let _mounter = union.as_mounter();
        for lower in dir.lower.iter() {
            let honours = union.branches[lower.branch].perm.honours_whiteouts();
            let branch = lower.branch as u32;
            lower.path.read_dir(&mut |name, ino, dtype| {
                if is_dot_or_dotdot(name) {
                    return Ok(());
                }
                let kind = classify(name);
                if tunables.shwh && matches!(kind, EntryKind::Whiteout(_)) {
                    listing.push(name, ino, branch, false, dtype)?;
                }
                match kind {
                    EntryKind::Plain => listing.push(name, ino, branch, false, dtype),
                    EntryKind::Whiteout(hidden) if honours => {
                        listing.push(hidden, ino, branch, true, dtype)
                    }
                    EntryKind::Whiteout(_) | EntryKind::Internal => Ok(()),
                }
            })?;
        }
        let visible = merge(&listing.arena, &mut listing.records);
        listing.records.truncate(visible);
        translate_inode_numbers(union, &mut listing.records)?;
        Ok(listing)
    }

    /// Adds one entry read from branch `branch`.
    fn push(&mut self, name: &[u8], ino: u64, branch: u32, whiteout: bool, dtype: u8) -> Result {
        let name_start = u32::try_from(self.arena.len()).map_err(|_| ENOMEM)?;
        let name_len = u16::try_from(name.len()).map_err(|_| ENAMETOOLONG)?;
        self.arena.extend_from_slice(name, listing_gfp())?;
        let record = Record {
            ino,
            name_start,
            branch,
            name_len,
            whiteout,
            dtype,
        };
        self.records.push(record, listing_gfp())?;
        Ok(())
    }

    /// The entry at `index`, if any.
    pub(crate) fn get(&self, index: usize) -> Option<Entry<'_>> {
        let record = self.records.get(index)?;
        Some(Entry {
            name: record.name(&self.arena),
            ino: record.ino,
            dtype: record.dtype,
        })
    }
}
