#!/usr/bin/env bash
# `make bench`: runs the guest benchmarks (tests/bench/*.sh) in one boot and
# prints their tables. Not part of `make check` (timings, not assertions).
set -euo pipefail
. "$(dirname "$0")/env.sh"
"$AUFS_ROOT/scripts/setup.sh" >/dev/null
cmd=""
for b in "$AUFS_ROOT"/tests/bench/*.sh; do
	cmd="$cmd sh /tests/bench/$(basename "$b");"
done
"$AUFS_ROOT/scripts/vm.sh" cmd "$cmd"
