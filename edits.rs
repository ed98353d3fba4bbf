// SPDX-License-Identifier: GPL-2.0

//! Remount branch edits applied to a branch list (pure): their order (left
//! to right), the index rules and the limits. What a branch is, and how one
//! is found, made or changed, is the list's ([`BranchList`]): the union's
//! branches in remount.rs, lists of branch ids in the host tests.

#![forbid(unsafe_code)]

use crate::opts::Perm;
use core::fmt;

/// A branch edit as written in the remount options; `S` is the spec of a
/// new branch, `K` what names an existing one (its path).
pub(crate) enum Edit<S, K> {
    /// `add:INDEX:BR`, `ins:INDEX:BR`, `prepend:BR` (index 0).
    Insert(usize, S),
    /// `append:BR`.
    Append(S),
    /// `br:LIST` at remount, one per branch listed: the branch goes to its
    /// index in the list unless it is a branch already (then nothing
    /// changes, as in aufs: mount(8) passes /proc/mounts's `br:` back).
    InsertNew(usize, S),
    /// `del:PATH`.
    Delete(K),
    /// `mod:PATH=PERM`.
    Modify(K, Perm),
    /// `trunc_xino_path=PATH`: the branch at PATH must exist; nothing else
    /// to do (xino tables give back their pages as their entries clear).
    TruncXino(K),
    /// `itrunc_xino=INDEX`: the same for the branch at INDEX.
    TruncXinoAt(usize),
}

/// Why an edit is refused before the list is asked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum EditError {
    /// `add:INDEX` with INDEX past the last branch (+1).
    PastEnd(usize),
    /// The list holds the most branches a mount may have.
    TooMany(usize),
    /// `del` of the only branch.
    LastBranch,
    /// `itrunc_xino=INDEX` with no branch at INDEX.
    NoIndex(usize),
}

impl fmt::Display for EditError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EditError::PastEnd(index) => write!(f, "add: index {index} is past the last branch"),
            EditError::TooMany(max) => write!(f, "too many branches (at most {max})"),
            EditError::LastBranch => f.write_str("del: cannot delete the last branch"),
            EditError::NoIndex(index) => write!(f, "itrunc_xino: no branch {index}"),
        }
    }
}

/// A branch list the edits change, one step at a time.
pub(crate) trait BranchList<S, K> {
    /// The list's error (an [`EditError`] becomes one by [`BranchList::refuse`]).
    type Error;
    /// How many branches the list holds now.
    fn len(&self) -> usize;
    /// The index of the branch `key` names (`what`: the edit, for messages).
    fn find(&self, key: &K, what: &str) -> Result<usize, Self::Error>;
    /// True when the branch `spec` would make is in the list already.
    fn has(&self, spec: &S) -> Result<bool, Self::Error>;
    /// Makes the branch `spec` (with id `id`) and inserts it at `index`
    /// (at most `len()`).
    fn insert(&mut self, index: usize, spec: &S, id: u32) -> Result<(), Self::Error>;
    /// Removes the branch at `index` (another one remains).
    fn remove(&mut self, index: usize) -> Result<(), Self::Error>;
    /// Gives the branch at `index` the permission `perm`.
    fn modify(&mut self, index: usize, perm: Perm) -> Result<(), Self::Error>;
    /// The list's error for a refused edit.
    fn refuse(&self, error: EditError) -> Self::Error;
}

/// Applies `edits` to `list` left to right; a new branch gets the id
/// `*next_id`, which then counts up. The list holds at most `max` branches.
/// Stops at the first refused edit (the caller drops the half-edited list).
pub(crate) fn apply<'e, S: 'e, K: 'e, L: BranchList<S, K>>(
    list: &mut L,
    edits: impl IntoIterator<Item = &'e Edit<S, K>>,
    next_id: &mut u32,
    max: usize,
) -> Result<(), L::Error> {
    for edit in edits {
        match edit {
            Edit::Insert(index, spec) => insert(list, *index, spec, next_id, max)?,
            Edit::Append(spec) => insert(list, list.len(), spec, next_id, max)?,
            Edit::InsertNew(index, spec) => {
                if !list.has(spec)? {
                    insert(list, *index, spec, next_id, max)?
                }
            }
            Edit::Delete(key) => {
                let index = list.find(key, "del")?;
                if list.len() == 1 {
                    return Err(list.refuse(EditError::LastBranch));
                }
                list.remove(index)?;
            }
            Edit::Modify(key, perm) => {
                let index = list.find(key, "mod")?;
                list.modify(index, *perm)?;
            }
            Edit::TruncXino(key) => {
                list.find(key, "trunc_xino_path")?;
            }
            Edit::TruncXinoAt(index) if *index >= list.len() => {
                return Err(list.refuse(EditError::NoIndex(*index)));
            }
            Edit::TruncXinoAt(_) => {}
        }
    }
    Ok(())
}

fn insert<S, K, L: BranchList<S, K>>(
    list: &mut L,
    index: usize,
    spec: &S,
    next_id: &mut u32,
    max: usize,
) -> Result<(), L::Error> {
    if index > list.len() {
        return Err(list.refuse(EditError::PastEnd(index)));
    }
    if list.len() >= max {
        return Err(list.refuse(EditError::TooMany(max)));
    }
    list.insert(index, spec, *next_id)?;
    *next_id += 1;
    Ok(())
}
