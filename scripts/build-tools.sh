#!/usr/bin/env bash
# Builds the user-space tools (tools/: auplink, aubusy, auchk, aubrsync, aumvdown,
# mount.aufs, umount.aufs) static, for the busybox guest and `make install`;
# prints the dir that holds them under their installed names. Cargo fetches
# the crates from crates.io the first time; the build dir is cached
# ($AUFS_CACHE/tools-target), so a warm run takes about a second. A lock
# keeps parallel callers (two guests of `make check`) from building at once,
# and each caller gets its own copy of the binaries ($AUFS_OUT/tools): the
# build dir is shared by every tree on the machine, and another tree's build
# must not change them under a guest being made.
set -euo pipefail
. "$(dirname "$0")/env.sh"
command -v cargo >/dev/null || die "cargo not found: install Rust with rustup"
target=$(rustc -vV | sed -n 's/^host: //p')
export CARGO_TARGET_DIR=$AUFS_CACHE/tools-target
bin=${AUFS_OUT:-$AUFS_CACHE/out}/tools
mkdir -p "$CARGO_TARGET_DIR" "$(dirname "$bin")"
# The sources' content: cargo decides by mtimes, and the build dir may hold
# a build of another tree whose files are newer than this tree's.
sources=$(cd "$AUFS_ROOT/tools" && find . -name '*.rs' -o -name Cargo.toml -o -name Cargo.lock | sort)
# aumvdown builds the module's uapi.rs in (aufs's ioctl ABI, one definition).
sources="$sources ../uapi.rs"
(
	flock 9
	sum=$(cd "$AUFS_ROOT/tools" && sha1sum $sources | sha1sum | cut -c1-40)
	if [ "$(cat "$CARGO_TARGET_DIR/.sources" 2>/dev/null)" != "$sum" ]; then
		(cd "$AUFS_ROOT/tools" && touch $sources)
	fi
	RUSTFLAGS="-C target-feature=+crt-static" cargo build -q --release --locked \
		--manifest-path "$AUFS_ROOT/tools/Cargo.toml" --target "$target" >&2
	rel=$CARGO_TARGET_DIR/$target/release
	mkdir -p "$bin.new"
	for t in auplink aubusy auchk aubrsync aumvdown; do cp "$rel/$t" "$bin.new/$t"; done
	cp "$rel/mount-aufs" "$bin.new/mount.aufs"
	cp "$rel/umount-aufs" "$bin.new/umount.aufs"
	rm -rf "$bin" && mv "$bin.new" "$bin"
	echo "$sum" >"$CARGO_TARGET_DIR/.sources"
) 9>"$CARGO_TARGET_DIR/.lock" || die "building the tools failed (above)"
echo "$bin"
