#!/usr/bin/env bash
# `make debian-module`: builds aufs_rs.ko for a Debian stock 7.3 kernel and
# prints the module's path on its last line.
#
#   scripts/debian/build.sh                      the module source is this repo
#   scripts/debian/build.sh --in-place DIR       build in DIR itself (DKMS)
#
# Environment: DEBIAN_KVER (default: the running kernel when it is a Debian
# 7.3 one, else the newest 7.3 amd64 kernel Debian serves), DEBIAN_PKG_VERSION
# (the Debian version of that kernel; default: installed, local, or newest
# served), and those of scripts/debian/lib.sh.
#
# It matches the kernel exactly or builds nothing: the headers' .config must
# have CONFIG_RUST; rustc, bindgen and gcc are the versions the .config names
# (from the host when it has them, else from a Debian chroot); the Rust
# metadata is rebuilt from linux-source of the same Debian version with that
# .config, which must come out of olddefconfig unchanged; the module must
# carry the kernel's vermagic and use only symbols the kernel exports.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

in_place=""
case "${1:-}" in
--in-place) in_place=$(cd "${2:?usage: build.sh [--in-place DIR]}" && pwd) ;;
"") ;;
*) die "usage: build.sh [--in-place DIR]" ;;
esac

exec 9>"$DEB_CACHE/lock"
flock -w 3600 9 || die "another Debian module build holds $DEB_CACHE/lock"

kver=$(resolve_kver)
resolve_headers "$kver"
read_toolchain "$kver"
choose_toolchain "$kver"
mm=$(echo "$kver" | cut -d. -f1,2)
src_deb=$(source_deb "$mm" "$PKGVER")
log "Debian kernel $kver ($PKGVER); $TC_DESC"
[ -z "$USE_CHROOT" ] || make_chroot
# The crate hashes in every Rust symbol depend on rustc's exact version string.
have=$(run_tc rustc --version)
[ "$have" = "$RUSTC_TEXT" ] || refuse "Debian's rustc says '$have', kernel $kver was built by '$RUSTC_TEXT'"
have=$(run_tc bindgen --version | head -n1)
[ "$have" = "$BINDGEN_TEXT" ] || refuse "Debian's bindgen says '$have', kernel $kver was built with '$BINDGEN_TEXT'"
tree=$(unpack_source "$src_deb")

mk=(make -s ARCH=x86 CROSS_COMPILE="$CROSS" CC="$CC_PROG")
jobs=$(nproc)

# The Rust metadata: a kernel tree prepared with the stock .config, keyed by
# everything that changes it.
key=$( {
	echo "$kver $PKGVER"
	sha256sum "$HDR/.config" "$HDR/Module.symvers" | cut -d' ' -f1
	echo "$tree"
	run_tc rustc --version
	run_tc bindgen --version
	run_tc "$CC_PROG" --version | head -n1
} | sha256sum | cut -c1-12)
kb=$DEB_CACHE/kbuild/$kver-$key
if [ ! -f "$kb/.aufs-built" ]; then
	log "preparing $kb with the stock .config (modules_prepare, about 2 minutes)"
	rm -rf "$kb" && mkdir -p "$kb"
	cp "$HDR/.config" "$kb/.config"
	run_tc "${mk[@]}" -C "$tree" O="$kb" KERNELRELEASE="$kver" olddefconfig >"$kb/olddefconfig.log" 2>&1 ||
		{ rm -rf "$kb"; die "olddefconfig failed for $kver"; }
	# The toolchain must reproduce the stock .config: anything else would be a
	# different kernel (the C compiler's Debian revision aside).
	drift=$(diff <(grep -v '^CONFIG_CC_VERSION_TEXT=' "$HDR/.config" | grep '^CONFIG_' | sort) \
		<(grep -v '^CONFIG_CC_VERSION_TEXT=' "$kb/.config" | grep '^CONFIG_' | sort) | grep '^[<>]' | tr '\n' ' ' || true)
	[ -z "$drift" ] || { rm -rf "$kb"; refuse "this toolchain does not reproduce the .config of $kver: $drift"; }
	run_tc "${mk[@]}" -C "$tree" O="$kb" KERNELRELEASE="$kver" -j"$jobs" modules_prepare >"$kb/modules_prepare.log" 2>&1 ||
		{ tail -n 20 "$kb/modules_prepare.log" >&2; rm -rf "$kb"; die "modules_prepare failed for $kver"; }
	[ "$(cat "$kb/include/config/kernel.release")" = "$kver" ] || { rm -rf "$kb"; die "kernel release of $kb is not $kver"; }
	ls "$kb"/rust/*.rmeta >/dev/null 2>&1 || { rm -rf "$kb"; die "no Rust metadata in $kb"; }
	cp "$HDR/Module.symvers" "$kb/Module.symvers"
	touch "$kb/.aufs-built"
	# Trees and module builds of this kernel made with other keys are stale.
	for d in "$DEB_CACHE"/kbuild/"$kver"-* "$DEB_CACHE"/module/"$kver"-*; do
		[ "${d##*-}" = "$key" ] || rm -rf "$d"
	done
fi

# The module: this repo's sources copied into the cache (the repo's own
# objects belong to the test kernel), or DIR itself. The copy compares
# contents and gives a changed file a new time, so make rebuilds what changed
# even when the repo's file is older than the cached object.
if [ -n "$in_place" ]; then
	mdir=$in_place
	case "$mdir/" in "$AUFS_CACHE"/*) ;; *) EXTRA_BIND=$mdir ;; esac
else
	# One build dir for every tree (a clone of unchanged sources rebuilds
	# nothing); the caller gets its own copy of the module (below).
	mdir=$DEB_CACHE/module/$kver-$key/shared
	mkdir -p "$mdir"
	(
		cd "$AUFS_ROOT"
		if git rev-parse --git-dir >/dev/null 2>&1; then
			git ls-files -co --exclude-standard -- Kbuild Makefile '*.rs' vfs scripts/kernel-bindgen-skip-flags
		else
			find Kbuild Makefile ./*.rs ops vfs scripts/kernel-bindgen-skip-flags -type f \
				! -name bindings_generated.rs ! -name '*.o' ! -name '.*'
		fi | while read -r f; do
			[ -f "$f" ] && ! cmp -s "$f" "$mdir/$f" || continue
			mkdir -p "$mdir/$(dirname "$f")"
			cp --preserve=mode "$f" "$mdir/$f"
		done
	)
fi
log "building aufs_rs.ko for $kver"
rm -f "$mdir/aufs_rs.ko"
run_tc "${mk[@]}" -C "$mdir" KDIR="$kb" -j"$jobs" >"$mdir/build.log" 2>&1 ||
	{ grep -E 'error|ERROR' -A5 "$mdir/build.log" | head -n 60 >&2; die "building aufs_rs.ko for $kver failed (log: $mdir/build.log)"; }

# Never a module that insmod would reject.
ko=$mdir/aufs_rs.ko
vermagic=$(run_tc modinfo -F vermagic "$ko")
[ "${vermagic%% *}" = "$kver" ] || { rm -f "$ko"; die "aufs_rs.ko has vermagic '$vermagic', not $kver"; }
missing=$(comm -23 <(run_tc nm -u "$ko" | awk '{print $2}' | sort -u) <(awk '{print $2}' "$kb/Module.symvers" | sort -u) | tr '\n' ' ')
[ -z "$missing" ] || { rm -f "$ko"; die "Debian kernel $kver does not export: $missing"; }
printf 'DEBIAN_KVER=%q DEBIAN_PKG_VERSION=%q\n' "$kver" "$PKGVER" >"$mdir/aufs_rs.kernel"
log "aufs_rs.ko for $kver: vermagic '$vermagic'"
# The caller's own copy, made while the lock is held: a build from another
# tree reuses $mdir and may replace $ko before this caller's guest packs it
# (two worktrees testing on Debian's kernel at once got each other's module).
if [ -z "$in_place" ] && [ -n "${AUFS_OUT:-}" ]; then
	own=$AUFS_OUT/debian-module
	mkdir -p "$own"
	cp "$ko" "$mdir/aufs_rs.kernel" "$own/"
	ko=$own/aufs_rs.ko
fi
echo "$ko"
