#!/usr/bin/env bash
# Builds the user-space tools (tools/: auplink, aubusy, auchk, aubrsync,
# mount.aufs, umount.aufs) static, for the busybox guest and `make install`;
# prints the dir that holds them under their installed names. Cargo fetches
# the crates from crates.io the first time; the build dir is cached
# ($AUFS_CACHE/tools-target), so a warm run takes about a second. A lock
# keeps parallel callers (two guests of `make check`) from building at once.
set -euo pipefail
. "$(dirname "$0")/env.sh"
command -v cargo >/dev/null || die "cargo not found: install Rust with rustup"
target=$(rustc -vV | sed -n 's/^host: //p')
export CARGO_TARGET_DIR=$AUFS_CACHE/tools-target
bin=$CARGO_TARGET_DIR/bin
mkdir -p "$CARGO_TARGET_DIR"
(
	flock 9
	RUSTFLAGS="-C target-feature=+crt-static" cargo build -q --release --locked \
		--manifest-path "$AUFS_ROOT/tools/Cargo.toml" --target "$target" >&2
	rel=$CARGO_TARGET_DIR/$target/release
	mkdir -p "$bin.new"
	for t in auplink aubusy auchk aubrsync; do cp "$rel/$t" "$bin.new/$t"; done
	cp "$rel/mount-aufs" "$bin.new/mount.aufs"
	cp "$rel/umount-aufs" "$bin.new/umount.aufs"
	rm -rf "$bin" && mv "$bin.new" "$bin"
) 9>"$CARGO_TARGET_DIR/.lock" || die "building the tools failed (above)"
echo "$bin"
