#!/usr/bin/env bash
# Tests that scripts/debian/build.sh refuses what it cannot match, with one
# line saying what is missing, and builds nothing: an unknown DEBIAN_KVER, a
# kernel that is not 7.3, a kernel without CONFIG_RUST, a rustc Debian no
# longer serves, and a linux-source version that is gone. The odd kernels are
# small headers packages made here (a copy of the real .config, edited) in a
# private AUFS_DEBIAN_PKG_DIR; the rest needs only the private apt lists.
# Prints TAP and a closing "N passed, N failed" line; exits 1 on any failure.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
build=$(dirname "$0")/build.sh

# The real headers (for their .config): the newest 7.3 kernel, as build.sh picks it.
kver=$(resolve_kver 2>/dev/null) || { echo "Bail out! no Debian 7.3 kernel to start from"; exit 1; }
resolve_headers "$kver" 2>/dev/null
real_config=$HDR/.config
real_ver=$PKGVER

work=$(mktemp -d)
trap 'rm -rf "$work"; rm -rf "$DEB_CACHE"/headers/*aufstest*' EXIT
pkgs=$work/pkgs
mkdir -p "$pkgs"

# fake_headers KVER VERSION SED-SCRIPT: a linux-headers-KVER package whose
# .config is the real one edited by SED-SCRIPT.
fake_headers() {
	local k=$1 v=$2 root=$work/root-$1
	mkdir -p "$root/DEBIAN" "$root/usr/src/linux-headers-$k"
	sed -e "$3" "$real_config" >"$root/usr/src/linux-headers-$k/.config"
	: >"$root/usr/src/linux-headers-$k/Module.symvers"
	printf 'Package: linux-headers-%s\nVersion: %s\nArchitecture: amd64\nMaintainer: aufs_rs tests <none@invalid>\nDescription: test headers\n' \
		"$k" "$v" >"$root/DEBIAN/control"
	dpkg-deb -Zxz -b "$root" "$pkgs/linux-headers-${k}_${v}_amd64.deb" >/dev/null
}
fake_headers 7.3.4+deb13-aufstest-norust-amd64 "$real_ver" 's/^CONFIG_RUST=y$/# CONFIG_RUST is not set/'
fake_headers 7.3.4+deb13-aufstest-oldrust-amd64 "$real_ver" \
	's/^CONFIG_RUSTC_VERSION_TEXT=.*/CONFIG_RUSTC_VERSION_TEXT="rustc 1.84.0 (9fc6b4312 2025-01-07)"/'
fake_headers 7.3.4+deb13-aufstest-nosrc-amd64 "${real_ver}aufstest1" ''

n=0 failed=0
before=$(ls "$DEB_CACHE"/kbuild "$DEB_CACHE"/module 2>/dev/null | sort)
# expect NAME KVER PKG_DIR REGEX: build.sh must fail, print exactly one
# "aufs_rs:" line matching REGEX, and leave no build behind.
expect() {
	local name=$1 k=$2 dir=$3 re=$4 out rc lines
	n=$((n + 1))
	out=$(DEBIAN_KVER=$k AUFS_DEBIAN_PKG_DIR=$dir AUFS_KERNEL_DEB='' DEBIAN_PKG_VERSION='' "$build" 2>&1 >/dev/null)
	rc=$?
	lines=$(echo "$out" | grep -c '^aufs_rs: ' || true)
	local why=""
	[ $rc -ne 0 ] || why="exit 0"
	[ "$lines" -eq 1 ] || why="$why; $lines error lines"
	echo "$out" | grep '^aufs_rs: ' | grep -qE "$re" || why="$why; message does not match /$re/"
	[ "$(ls "$DEB_CACHE"/kbuild "$DEB_CACHE"/module 2>/dev/null | sort)" = "$before" ] || why="$why; a build dir appeared"
	echo "$out" | grep -v '^== ' | sed 's/^/# /'
	if [ -z "$why" ]; then
		echo "ok $n $name"
	else
		echo "not ok $n $name # ${why#; }"
		failed=$((failed + 1))
	fi
}

echo "TAP version 13"
echo "1..6"
expect unknown-kver 7.3.99+deb13-amd64 "$pkgs" \
	'unknown Debian kernel 7\.3\.99\+deb13-amd64: no package linux-headers-7\.3\.99\+deb13-amd64'
expect not-7.3 7.2.12+deb13-amd64 "$pkgs" 'is not a Linux 7\.3 kernel'
expect no-config-rust 7.3.4+deb13-aufstest-norust-amd64 "$pkgs" 'built without CONFIG_RUST'
expect rustc-not-served 7.3.4+deb13-aufstest-oldrust-amd64 "$pkgs" \
	'rustc 1\.84\.0, which built Debian kernel .* is no longer served by Debian'
expect source-gone 7.3.4+deb13-aufstest-nosrc-amd64 "$pkgs" \
	"linux-source-7\.3 .*aufstest1 is not served by Debian any more .* put linux-source-7\.3_.*aufstest1_\*\.deb there"
# A real kernel whose packages are neither local nor in the suites searched
# (own cache: the shared package lists stay as they are).
mkdir -p "$work/empty"
AUFS_CACHE=$work/cache AUFS_DEBIAN_SUITES=trixie expect headers-not-served "$kver" "$work/empty" \
	"unknown Debian kernel .*: no package linux-headers-.* in Debian \\(suites: trixie\\)"
echo "$((n - failed)) passed, $failed failed"
[ $failed -eq 0 ]
