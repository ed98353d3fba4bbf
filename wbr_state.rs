// SPDX-License-Identifier: GPL-2.0

//! What the writable-branch policies of one generation remember (aufs keeps
//! it in its sbinfo: `si_wbr_rr_next`, `si_wbr_mfs`): the round-robin turn
//! and the last free-space readings. A remount starts afresh.

#![forbid(unsafe_code)]

use core::sync::atomic::{AtomicUsize, Ordering};
use kernel::{
    new_mutex,
    prelude::*,
    sync::{Arc, Mutex},
    time::{Instant, Monotonic},
};

/// What the policies of one generation remember.
#[pin_data]
pub(crate) struct PolicyState {
    /// The round-robin turn (`rr`, `mfsrr`, `pmfsrr`).
    turn: AtomicUsize,
    /// The free bytes of each branch and when they were read (`mfs` ...).
    #[pin]
    pub(crate) free: Mutex<Option<(Instant<Monotonic>, KVec<u64>)>>,
}

impl PolicyState {
    /// A fresh state: turn 0, free space not read yet.
    pub(crate) fn new() -> Result<Arc<Self>> {
        Arc::pin_init(
            pin_init!(PolicyState {
                turn: AtomicUsize::new(0),
                free <- new_mutex!(None),
            }),
            GFP_KERNEL,
        )
    }

    /// The round-robin turn, advanced when `advance`.
    pub(crate) fn turn(&self, advance: bool) -> usize {
        if advance {
            self.turn.fetch_add(1, Ordering::Relaxed)
        } else {
            self.turn.load(Ordering::Relaxed)
        }
    }
}
