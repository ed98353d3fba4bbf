// SPDX-License-Identifier: GPL-2.0

//! Tests for `edits.rs`: remount edits applied to a list of branch ids.

use crate::edits::{apply, BranchList, Edit, EditError};
use crate::opts::{BranchKind, Perm};

const MAX: usize = 5;

fn perm(kind: BranchKind) -> Perm {
    Perm {
        kind,
        whiteouts: false,
        no_link_whiteouts: false,
        attrs: crate::brattr::Attrs::NONE,
    }
}

/// A branch list of ids with their permissions: a new branch's spec is its
/// permission (and a spec "is in the list" when a branch has that
/// permission), a key names a branch by id; the log records what happened.
#[derive(Default)]
struct Ids {
    branches: Vec<(u32, Perm)>,
    removed: Vec<u32>,
}

#[derive(Debug, PartialEq, Eq)]
enum Refused {
    Edit(EditError),
    NotFound(&'static str, u32),
}

impl BranchList<Perm, u32> for Ids {
    type Error = Refused;

    fn len(&self) -> usize {
        self.branches.len()
    }

    fn find(&self, key: &u32, what: &str) -> Result<usize, Refused> {
        let what = ["del", "mod", "trunc_xino_path"]
            .into_iter()
            .find(|w| *w == what)
            .unwrap_or("?");
        self.branches
            .iter()
            .position(|(id, _)| id == key)
            .ok_or(Refused::NotFound(what, *key))
    }

    fn has(&self, spec: &Perm) -> Result<bool, Refused> {
        Ok(self.branches.iter().any(|(_, perm)| perm == spec))
    }

    fn insert(&mut self, index: usize, spec: &Perm, id: u32) -> Result<(), Refused> {
        self.branches.insert(index, (id, *spec));
        Ok(())
    }

    fn remove(&mut self, index: usize) -> Result<(), Refused> {
        self.removed.push(self.branches.remove(index).0);
        Ok(())
    }

    fn modify(&mut self, index: usize, perm: Perm) -> Result<(), Refused> {
        self.branches[index].1 = perm;
        Ok(())
    }

    fn refuse(&self, error: EditError) -> Refused {
        Refused::Edit(error)
    }
}

fn list(ids: &[u32]) -> Ids {
    Ids {
        branches: ids
            .iter()
            .map(|&id| (id, perm(BranchKind::ReadOnly)))
            .collect(),
        removed: Vec::new(),
    }
}

fn ids(list: &Ids) -> Vec<u32> {
    list.branches.iter().map(|(id, _)| *id).collect()
}

fn run(list: &mut Ids, edits: &[Edit<Perm, u32>], next: &mut u32) -> Result<(), Refused> {
    apply(list, edits.iter(), next, MAX)
}

#[test]
fn edits_apply_left_to_right_with_fresh_ids() {
    let (mut l, mut next) = (list(&[1, 2]), 3);
    let rw = perm(BranchKind::ReadWrite);
    let edits = [
        Edit::Insert(0, rw),
        Edit::Append(rw),
        Edit::Delete(1),
        Edit::Insert(1, rw),
        Edit::Modify(2, rw),
    ];
    run(&mut l, &edits, &mut next).unwrap();
    assert_eq!(ids(&l), [3, 5, 2, 4]);
    assert_eq!(l.removed, [1]);
    assert_eq!(l.branches[2].1, rw);
    assert_eq!(next, 6);
}

#[test]
fn an_edit_sees_the_edits_before_it() {
    // The branch an earlier edit added can be deleted by a later one.
    let (mut l, mut next) = (list(&[7]), 8);
    let ro = perm(BranchKind::ReadOnly);
    run(&mut l, &[Edit::Append(ro), Edit::Delete(8)], &mut next).unwrap();
    assert_eq!(ids(&l), [7]);
    assert_eq!(l.removed, [8]);
    assert_eq!(next, 9, "the id of a deleted new branch is not reused");
}

#[test]
fn insert_index_may_be_the_end_but_not_past_it() {
    let ro = perm(BranchKind::ReadOnly);
    let (mut l, mut next) = (list(&[1, 2]), 3);
    run(&mut l, &[Edit::Insert(2, ro)], &mut next).unwrap();
    assert_eq!(ids(&l), [1, 2, 3]);
    let err = run(&mut l, &[Edit::Insert(4, ro)], &mut next);
    assert_eq!(err, Err(Refused::Edit(EditError::PastEnd(4))));
    assert_eq!(ids(&l), [1, 2, 3]);
    assert_eq!(next, 4, "a refused insert takes no id");
}

#[test]
fn the_branch_limit_holds() {
    let ro = perm(BranchKind::ReadOnly);
    let (mut l, mut next) = (list(&[1, 2, 3, 4]), 5);
    let err = run(&mut l, &[Edit::Append(ro), Edit::Append(ro)], &mut next);
    assert_eq!(err, Err(Refused::Edit(EditError::TooMany(MAX))));
    assert_eq!(ids(&l), [1, 2, 3, 4, 5]);
}

#[test]
fn the_last_branch_cannot_go() {
    let (mut l, mut next) = (list(&[1, 2]), 3);
    let err = run(&mut l, &[Edit::Delete(2), Edit::Delete(1)], &mut next);
    assert_eq!(err, Err(Refused::Edit(EditError::LastBranch)));
    assert_eq!(ids(&l), [1]);
}

#[test]
fn unknown_branches_are_the_lists_error_and_stop_the_edits() {
    let rw = perm(BranchKind::ReadWrite);
    let (mut l, mut next) = (list(&[1, 2]), 3);
    let err = run(&mut l, &[Edit::Modify(9, rw), Edit::Append(rw)], &mut next);
    assert_eq!(err, Err(Refused::NotFound("mod", 9)));
    assert_eq!(ids(&l), [1, 2], "nothing after the refused edit ran");
    let err = run(&mut l, &[Edit::Delete(9)], &mut next);
    assert_eq!(err, Err(Refused::NotFound("del", 9)));
}

#[test]
fn xino_truncations_only_check_their_branch() {
    let (mut l, mut next) = (list(&[1, 2]), 3);
    run(
        &mut l,
        &[Edit::TruncXino(2), Edit::TruncXinoAt(1)],
        &mut next,
    )
    .unwrap();
    assert_eq!(ids(&l), [1, 2]);
    let err = run(&mut l, &[Edit::TruncXino(9)], &mut next);
    assert_eq!(err, Err(Refused::NotFound("trunc_xino_path", 9)));
    let err = run(&mut l, &[Edit::TruncXinoAt(2)], &mut next);
    assert_eq!(err, Err(Refused::Edit(EditError::NoIndex(2))));
    assert_eq!(
        EditError::NoIndex(2).to_string(),
        "itrunc_xino: no branch 2"
    );
    assert_eq!(ids(&l), [1, 2]);
}

#[test]
fn refusals_read_as_aufs_messages() {
    assert_eq!(
        EditError::PastEnd(3).to_string(),
        "add: index 3 is past the last branch"
    );
    assert_eq!(
        EditError::TooMany(511).to_string(),
        "too many branches (at most 511)"
    );
    assert_eq!(
        EditError::LastBranch.to_string(),
        "del: cannot delete the last branch"
    );
}

#[test]
fn a_branch_list_at_remount_adds_only_the_new_branches_at_their_index() {
    let (mut l, mut next) = (list(&[1, 2]), 3);
    let (ro, rw) = (perm(BranchKind::ReadOnly), perm(BranchKind::ReadWrite));
    // The list passed back as it is: nothing changes, no id is used.
    run(
        &mut l,
        &[Edit::InsertNew(0, ro), Edit::InsertNew(1, ro)],
        &mut next,
    )
    .unwrap();
    assert_eq!((ids(&l), next), (vec![1, 2], 3));
    // A new branch in the list goes to its index.
    run(
        &mut l,
        &[Edit::InsertNew(0, ro), Edit::InsertNew(1, rw)],
        &mut next,
    )
    .unwrap();
    assert_eq!((ids(&l), next), (vec![1, 3, 2], 4));
    let err = run(
        &mut l,
        &[Edit::InsertNew(9, perm(BranchKind::RealReadOnly))],
        &mut next,
    );
    assert_eq!(err, Err(Refused::Edit(EditError::PastEnd(9))));
}
