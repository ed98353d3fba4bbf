// SPDX-License-Identifier: GPL-2.0

//! The merged listing of one union directory (aufs's `au_vdir`).
//!
//! Built by reading each lower dir of the union dir, top first, as the mounter;
//! [`crate::dirmerge::merge`] then keeps the topmost entry per name and drops
//! whited-out names. The listing is kept per open dir and rebuilt when a
//! reader rewinds to position 0, so positions stay stable across getdents
//! calls and seekdir/telldir.

use crate::branch::Union;
use crate::dirmerge::{merge, Record};
use crate::lookup::DentryInfo;
use crate::whiteout::{classify, is_dot_or_dotdot, EntryKind};
use kernel::{error::code::*, prelude::*};

/// A merged directory listing: visible entries in name order.
pub(crate) struct Listing {
    arena: KVec<u8>,
    records: KVec<Record>,
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
    /// Reads and merges every lower dir of `dir`.
    pub(crate) fn build(union: &Union, dir: &DentryInfo) -> Result<Self> {
        let mut arena = KVec::new();
        let mut records = KVec::new();
        let _mounter = union.as_mounter();
        for lower in dir.lower.iter() {
            let honours = union.branches[lower.branch].perm.honours_whiteouts();
            let branch = lower.branch as u32;
            lower.path.read_dir(&mut |name, ino, dtype| {
                if is_dot_or_dotdot(name) {
                    return Ok(());
                }
                let (name, whiteout) = match classify(name) {
                    EntryKind::Plain => (name, false),
                    EntryKind::Whiteout(hidden) if honours => (hidden, true),
                    EntryKind::Whiteout(_) | EntryKind::Internal => return Ok(()),
                };
                let name_start = u32::try_from(arena.len()).map_err(|_| ENOMEM)?;
                arena.extend_from_slice(name, GFP_KERNEL)?;
                let record = Record {
                    name_start,
                    name_len: name.len() as u32,
                    branch,
                    whiteout,
                    ino,
                    dtype,
                };
                records.push(record, GFP_KERNEL)?;
                Ok(())
            })?;
        }
        let visible = merge(&arena, &mut records);
        records.truncate(visible);
        translate_inode_numbers(union, &mut records)?;
        Ok(Listing { arena, records })
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
