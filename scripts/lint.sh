#!/usr/bin/env bash
# rustfmt --check on every tracked Rust file, then a clippy build of the
# module with the kernel's lints (CLIPPY=1) and of the tools: any warning fails.
set -euo pipefail
. "$(dirname "$0")/env.sh"
cd "$AUFS_ROOT"
git ls-files '*.rs' | xargs rustfmt --check --config-path .rustfmt.toml ||
	die "rustfmt: run 'make fmt'"
kdir=${KDIR:-$AUFS_KERNEL_LINK}
touch aufs_rs.rs
clippy_log=$(mktemp)
make -s -C "$kdir" M="$AUFS_ROOT" CLIPPY=1 modules >"$clippy_log" 2>&1 || { cat "$clippy_log"; die "clippy build failed"; }
if grep -q '^warning' "$clippy_log"; then
	cat "$clippy_log"
	rm -f "$clippy_log"
	die "clippy warnings (above)"
fi
rm -f "$clippy_log"
# The tools: clippy with every warning an error.
CARGO_TARGET_DIR="$AUFS_CACHE/tools-target" cargo clippy -q --locked --all-targets \
	--manifest-path tools/Cargo.toml -- -D warnings || die "clippy warnings in tools/ (above)"
echo "lint: rustfmt and clippy clean"
