#!/usr/bin/env bash
# A real `dkms build` of this tree (dkms.conf) in the Debian chroot that has
# the kernel's compilers, for the kernel `make debian-module` builds for: the
# chroot gets dkms and that kernel's headers packages installed (as a Debian
# system with that kernel would have them), the tree is added as
# /usr/src/aufs_rs-VERSION, and DKMS's build must give an aufs_rs.ko with the
# kernel's vermagic, signed with DKMS's MOK, that `dkms install` installs. Prints TAP and a closing "N passed, N failed" line.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

test_kernel_default
ko=$("$(dirname "$0")/build.sh" | tail -n1)
. "$(dirname "$ko")/aufs_rs.kernel"
kver=$DEBIAN_KVER
resolve_headers "$kver"
read_toolchain "$kver"
find_toolchain "$kver"
make_chroot
# One DKMS test at a time in the shared chroot (it empties /usr/src/aufs_rs-*).
exec 8>"$DEB_CACHE/dkms.lock"
flock -w 1800 8 || refuse "another DKMS test holds $DEB_CACHE/dkms.lock"
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$AUFS_ROOT/dkms.conf")

n=0 failed=0
check() { # check NAME COMMAND...: one TAP line
	n=$((n + 1))
	if "${@:2}"; then echo "ok $n $1"; else echo "not ok $n $1"; failed=$((failed + 1)); fi
}
echo "TAP version 13"
echo "1..6"

# dkms and the kernel's headers in the chroot, once per kernel version.
stamp=$CHROOT/.aufs-dkms-${kver}_$PKGVER
if [ ! -f "$stamp" ]; then
	log "installing dkms and linux-headers-$kver ($PKGVER) in the chroot"
	hdr=$(fetch_deb "linux-headers-$kver" "$PKGVER")
	common=$(dpkg-deb -f "$hdr" Depends | tr ',' '\n' | grep -o 'linux-headers-[^ ]*-common' | head -n1)
	debs=$DEB_CACHE/dkms-debs
	rm -rf "$debs" && mkdir -p "$debs"
	cp "$hdr" "$debs/"
	[ -z "$common" ] || cp "$(fetch_deb "$common" "$PKGVER")" "$debs/"
	in_chroot apt-get update -qq >/dev/null 2>&1 || true
	# apt takes linux-kbuild and linux-base from the mirror; when they are gone,
	# the headers alone still carry what the build reads.
	if ! in_chroot env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends dkms openssl \
		"$debs"/*.deb >"$DEB_CACHE/dkms-apt.log" 2>&1; then
		in_chroot env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends dkms openssl \
			>>"$DEB_CACHE/dkms-apt.log" 2>&1
		in_chroot dpkg -i --force-depends "$debs"/*.deb >>"$DEB_CACHE/dkms-apt.log" 2>&1
	fi
	rm -rf "$debs"
	touch "$stamp"
fi
check "headers of $kver installed in the chroot" test -f "$CHROOT/lib/modules/$kver/build/.config"

# The tree as DKMS gets it: /usr/src/aufs_rs-VERSION.
usrsrc=$CHROOT/usr/src/aufs_rs-$ver
rm -rf "$usrsrc" && mkdir -p "$usrsrc"
(cd "$AUFS_ROOT" && git ls-files -co --exclude-standard | while read -r f; do [ -f "$f" ] && echo "$f"; done |
	tar -cf - --verbatim-files-from -T - | tar -xf - -C "$usrsrc")
dkms=(in_chroot env AUFS_CACHE="$AUFS_CACHE" AUFS_DEBIAN_PKG_DIR="$DEB_PKG_DIR" dkms)
"${dkms[@]}" remove "aufs_rs/$ver" --all >/dev/null 2>&1 || true
log "dkms build aufs_rs/$ver -k $kver (in the chroot)"
log_file=$DEB_CACHE/dkms-build.log
dkms_build() {
	"${dkms[@]}" add "aufs_rs/$ver" >"$log_file" 2>&1 &&
		"${dkms[@]}" build "aufs_rs/$ver" -k "$kver" >>"$log_file" 2>&1 || {
		sed 's/^/# /' "$log_file"
		tail -n 20 "$CHROOT/var/lib/dkms/aufs_rs/$ver/build/make.log" 2>/dev/null | sed 's/^/# /'
		return 1
	}
}
check "dkms add and build" dkms_build
built=$(ls "$CHROOT/var/lib/dkms/aufs_rs/$ver/$kver/x86_64/module/"aufs_rs.ko* 2>/dev/null | head -n1 || true)
magic=$([ -n "$built" ] && modinfo -F vermagic "$built" || true)
check "DKMS's aufs_rs.ko has vermagic $kver ($magic)" test "${magic%% *}" = "$kver"
# (Shown on stderr by echo: `tee /dev/stderr` would reopen, and truncate, a
# log file that stdout and stderr share.)
dkms_built() {
	local status
	status=$("${dkms[@]}" status "aufs_rs/$ver" -k "$kver")
	echo "$status" >&2
	grep -q ': built' <<<"$status"
}
check "dkms status says built" dkms_built
signer=$([ -n "$built" ] && modinfo -F signer "$built" || true)
check "DKMS signed it with its MOK (signer: ${signer:-none})" test -n "$signer"
dkms_install() {
	"${dkms[@]}" install "aufs_rs/$ver" -k "$kver" >>"$log_file" 2>&1 &&
		ls "$CHROOT/lib/modules/$kver/updates/dkms/"aufs_rs.ko* >/dev/null 2>&1
}
check "dkms install puts it in /lib/modules/$kver/updates/dkms" dkms_install
"${dkms[@]}" remove "aufs_rs/$ver" --all >/dev/null 2>&1 || true
echo "$((n - failed)) passed, $failed failed"
[ $failed -eq 0 ]
