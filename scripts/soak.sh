#!/usr/bin/env bash
# `make soak`: the soak tests (a `# soak:` line in the test: 55-stress,
# 102-stress-model, 67-remount-concurrency, 72-rcu-permission-evict) side by
# side in one guest for SOAK_SECONDS (600) each, on the test kernel (lockdep,
# kmemleak) or, with KERNEL=debian, on Debian's stock kernel. `make check`
# runs them 20 s (15 s the remount race) on the test kernel and 10 s (8 s)
# on Debian's: a gate for every change. This is the long run, for changes to
# locking, copy-up, remount or eviction. Fails on a failed test and, as every
# guest run, on any oops, warning or lockdep report.
set -euo pipefail
. "$(dirname "$0")/env.sh"
secs=${SOAK_SECONDS:-600}
[[ "$secs" =~ ^[1-9][0-9]*$ ]] || die "SOAK_SECONDS=$secs: a number of seconds"
"$AUFS_ROOT/scripts/setup.sh" >/dev/null
export AUFS_VM_TIMEOUT=$((2 * secs + 600))
log "soak tests for $secs s on the ${KERNEL:-test} kernel"
# In the guest: the soak tests' names as run_tests.sh's ONLY regex; a run
# passes when it planned at least one test and none failed.
"$AUFS_ROOT/scripts/vm.sh" cmd "
ONLY=\$(grep -l '^# soak:' /tests/tests/*.sh | sed 's|.*/||' | paste -sd'|' -)
STRESS_SECONDS=$secs REMOUNT_SECONDS=$secs ONLY=\"\$ONLY\" /tests/run_tests.sh >soak.tap
cat soak.tap
grep -q '^1\.\.[1-9]' soak.tap && ! grep -q '^not ok' soak.tap"
