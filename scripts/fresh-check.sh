#!/usr/bin/env bash
# `make fresh-check`: the README's two commands on a really fresh machine.
# A minimal Debian 12 (bookworm) root, made with debootstrap from the system's
# Debian mirror, gets what a fresh machine of this kind has and nothing else:
#   - Debian's build-essential (gcc, g++, make, libc6-dev), git, python3 with
#     python3-pip, qemu-utils and ca-certificates;
#   - the machine's CA bundle, /etc/pip.conf and apt settings (apt.conf.d);
#   - the machine's Rust toolchain: ~/.rustup and ~/.cargo/bin, copied.
# The base root is cached in $AUFS_CACHE/fresh/base (outside the repo); each
# run starts from it unchanged (an overlay whose upper layer is thrown away),
# with an empty ~/.cache/aufs_rs. A clone of this repo's HEAD (committed work
# only) is at /work/aufs_rs and ../shared (read-only) beside it, as in CI;
# proc, sys and dev are mounted (QEMU runs TCG: no /dev/kvm needed). Inside,
# it runs `make check`, `make run </dev/null` and `make docker-check` (which
# .ci/run runs too), and fails when any
# fails or anything printed "command not found". All mounts live in a private
# mount namespace and are undone on exit. Needs root.
#
# Environment: AUFS_FRESH_TIMEOUT (seconds per command, default 5400);
# AUFS_VM_TIMEOUT and AUFS_ACCEL are passed on to the commands when set.
set -euo pipefail
. "$(dirname "$0")/env.sh"

[ "$(id -u)" -eq 0 ] || die "fresh-check needs root (debootstrap, chroot, mounts)"
fresh=$AUFS_CACHE/fresh
base=$fresh/base
run=$fresh/run
log_file=$fresh/last.log
shared=$(cd "$AUFS_ROOT/.." && pwd)/shared
BASE_PKGS="build-essential git python3 python3-pip qemu-utils ca-certificates"
mkdir -p "$fresh"

# The cached base: debootstrap, then the machine's own files. Remade when the
# package list or the machine's Rust toolchain changes.
make_base() {
	local want mirror
	want=$(printf '%s\n' "bookworm $BASE_PKGS" "$(rustc --version)" "$(ls ~/.rustup/toolchains)" | sha256sum | cut -c1-16)
	[ "$(cat "$base/.aufs-fresh-base" 2>/dev/null)" = "$want" ] && return
	install_debian_packages debootstrap
	mirror=$(deb_mirror)
	[ -n "$mirror" ] || die "no Debian mirror in the system's apt sources"
	log "making the fresh Debian 12 root in $base (a few minutes, once)"
	rm -rf "$base" && mkdir -p "$base"
	debootstrap --variant=minbase --include="$(echo "$BASE_PKGS" | tr ' ' ,)" \
		bookworm "$base" "$mirror" >"$fresh/debootstrap.log" 2>&1 ||
		die "debootstrap failed: see $fresh/debootstrap.log"
	printf 'deb %s bookworm main\ndeb %s bookworm-updates main\n' "$mirror" "$mirror" >"$base/etc/apt/sources.list"
	rm -rf "$base"/var/lib/apt/lists/* "$base"/var/cache/apt/archives/*.deb
	log "copying the machine's Rust toolchain (~/.rustup, ~/.cargo/bin)"
	mkdir -p "$base/root/.cargo"
	cp -a ~/.rustup "$base/root/.rustup"
	rm -rf "$base"/root/.rustup/{tmp,downloads}/*
	cp -a ~/.cargo/bin "$base/root/.cargo/bin"
	echo "$want" >"$base/.aufs-fresh-base"
}

# Runs in the private mount namespace: the overlay root, the binds, the two
# commands. $1 = the run dir.
inside() {
	local r=$1/root
	# shellcheck disable=SC2064 # $r now: the trap runs after this function returns
	trap "umount -R '$r' 2>/dev/null || true" EXIT
	mount -t overlay fresh -o "lowerdir=$base,upperdir=$1/upper,workdir=$1/work" "$r"
	mount -t proc proc "$r/proc"
	mount --rbind /sys "$r/sys"
	mount --rbind /dev "$r/dev"
	mkdir -p "$r/work/shared" "$r/tmp"
	mount --bind -o ro "$shared" "$r/work/shared"
	# The machine's own settings, as a fresh machine of this kind has them.
	cp -L /etc/resolv.conf "$r/etc/resolv.conf"
	cp /etc/ssl/certs/ca-certificates.crt "$r/etc/ssl/certs/ca-certificates.crt"
	[ ! -f /etc/pip.conf ] || cp /etc/pip.conf "$r/etc/pip.conf"
	cp -a /etc/apt/apt.conf.d/. "$r/etc/apt/apt.conf.d/"
	git clone -q --no-hardlinks "$AUFS_ROOT" "$r/work/aufs_rs"
	[ ! -e "$r/root/.cache/aufs_rs" ] || die "the fresh root has an aufs_rs cache"
	local cmds='set -euo pipefail
		cd /work/aufs_rs
		# As .ci/run: the kernel packages of ../shared/kernel.
		deb=$(ls ../shared/kernel/linux-source-7.3_*.deb 2>/dev/null | head -n1 || true)
		[ -z "$deb" ] || export AUFS_KERNEL_DEB=$(readlink -f "$deb")
		[ ! -d ../shared/kernel ] || export AUFS_DEBIAN_PKG_DIR=$(readlink -f ../shared/kernel)
		for c in check run docker-check; do
			t0=$(date +%s)
			echo "fresh-check: make $c"
			timeout "$T" make "$c" </dev/null
			echo "fresh-check: make $c passed in $(($(date +%s) - t0)) s"
		done'
	chroot "$r" env -i HOME=/root LANG=C.UTF-8 TERM=dumb T="${AUFS_FRESH_TIMEOUT:-5400}" \
		${AUFS_VM_TIMEOUT:+AUFS_VM_TIMEOUT=$AUFS_VM_TIMEOUT} ${AUFS_ACCEL:+AUFS_ACCEL=$AUFS_ACCEL} \
		PATH=/root/.cargo/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		bash -c "$cmds"
}

[ -z "$(git -C "$AUFS_ROOT" status --porcelain --untracked-files=no)" ] ||
	log "uncommitted changes are not tested: fresh-check clones HEAD"
start=$(date +%s)
make_base
rm -rf "$run"
trap 'rm -rf "$run"' EXIT
mkdir -p "$run"/{upper,work,root}
log "make check and make run in a fresh Debian 12 root (log: $log_file)"
rc=0
export -f inside die log
export base shared AUFS_ROOT AUFS_VM_TIMEOUT AUFS_ACCEL
unshare --mount --propagation private -- bash -c 'set -euo pipefail; inside "$1"' sh "$run" 2>&1 |
	tee "$log_file" || rc=$?
missing=$(grep -E 'command not found|: not found' "$log_file" || true)
[ -z "$missing" ] || { echo "$missing"; log "fresh-check: commands missing in the fresh root (above)"; rc=1; }
echo "fresh-check: $([ $rc -eq 0 ] && echo passed || echo FAILED) in $(($(date +%s) - start)) s"
exit $rc
