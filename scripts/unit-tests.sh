#!/usr/bin/env bash
# Runs the host-side unit tests of the pure sources (tests/host): plain
# `cargo test`, no kernel. Build output goes to the cache, not the repo.
set -euo pipefail
. "$(dirname "$0")/env.sh"
command -v cargo >/dev/null || die "cargo not found: install Rust with rustup"
export CARGO_TARGET_DIR="$AUFS_CACHE/host-target"
rc=0
cargo test --quiet --manifest-path "$AUFS_ROOT/tests/host/Cargo.toml" "$@" || rc=1
# The tools (tools/): their unit and command-line tests, then make install
# and the man pages.
CARGO_TARGET_DIR="$AUFS_CACHE/tools-target" cargo test --quiet --locked \
	--manifest-path "$AUFS_ROOT/tools/Cargo.toml" || rc=1
"$AUFS_ROOT/scripts/test-install.sh" || rc=1
exit $rc
