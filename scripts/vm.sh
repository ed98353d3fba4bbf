#!/usr/bin/env bash
# Boots the test kernel in QEMU with aufs_rs and the selftests in a busybox
# initramfs.
#
#   scripts/vm.sh check        run the selftests; results in $AUFS_OUT/results.log
#   scripts/vm.sh cmd 'CMD'    run CMD in the guest, print its output, exit with its status
#   scripts/vm.sh run          show the seed articles' examples (tests/selftests/demo.sh) and
#                              exit 0 only if every step passed and the kernel logged no
#                              splat; with a terminal on stdin, a shell in the guest follows
#
# Environment: AUFS_ACCEL (QEMU -accel value; default tcg,thread=single: KVM hangs here),
# AUFS_VM_TIMEOUT (seconds, default 900), AUFS_OUT (default $AUFS_CACHE/out),
# KERNEL (test | debian: Debian's stock kernel, scripts/debian/stock-kernel.sh),
# AUFS_INITRD_EXTRA (a cpio archive appended to the initramfs),
# AUFS_TESTS (check: run only these selftests, names without .sh, in this order),
# AUFS_GUEST_ENV (VAR=VALUE words exported in the guest, e.g. STRESS_SECONDS=15),
# AUFS_MODULE_BUILT=1 (the caller built aufs_rs.ko already: no make here, so
# that parallel guests of one tree never run make at once), AUFS_MODULE (the
# test kernel's module to use, default the tree's aufs_rs.ko).
set -euo pipefail
. "$(dirname "$0")/env.sh"

mode=${1:?usage: vm.sh check|cmd CMD|run}
kdir=${KDIR:-$AUFS_KERNEL_LINK}
out=${AUFS_OUT:-$AUFS_CACHE/out}
mkdir -p "$out"
kimage=$kdir/arch/x86/boot/bzImage module=${AUFS_MODULE:-$AUFS_ROOT/aufs_rs.ko} extra_dir="" kname=test

# A small squashfs image for the 'rr' branch tests.
make_squashfs_image() {
	local src
	src=$(mktemp -d)
	mkdir -p "$src/dir" "$(dirname "$1")"
	echo "hello from squashfs" >"$src/hello"
	echo nested >"$src/dir/nested"
	mksquashfs "$src" "$1" -quiet -noappend -all-root >/dev/null
	rm -rf "$src"
}

# cached_image NAME PYTHON [MKSQUASHFS_OPTION...]: a squashfs image of the
# tree that the python code makes in its cwd, built once and cached as
# $AUFS_CACHE/images/NAME.sqfs (under a lock: parallel guests of `make check`
# may ask at once); prints its path. Making many entries in the guest is
# slow: 350 us each on the debug kernel (measured), and as much again to
# remove them.
cached_image() {
	local name=$1 code=$2 img=$AUFS_CACHE/images/$1.sqfs tree
	shift 2
	mkdir -p "$(dirname "$img")"
	(
		flock 9
		if [ ! -f "$img" ]; then
			tree=$(mktemp -d "$out/$name.XXXXXX")
			(cd "$tree" && python3 -c "$code")
			mksquashfs "$tree" "$img.tmp" -quiet -noappend -all-root "$@" >/dev/null
			rm -rf "$tree"
			mv "$img.tmp" "$img"
		fi
	) 9>"$img.lock" || die "could not make the squashfs image $img"
	echo "$img"
}

# big/ holds 1 000 000 entries (hardlinks, at most 60 000 per inode, so any
# host fs takes them), for the readdir-1m test; about 15 s to build.
million_image() {
	cached_image million-v1 '
import os
os.mkdir("big")
os.chdir("big")
for i in range(1000000):
    if i % 60000 == 0:
        base = "f%d" % i
        open(base, "w").close()
    else:
        os.link(base, "f%d" % i)
'
}

# b1/ .. b4/ hold 25 000 empty files each (bI-0 .. bI-24999): the branches
# of the readdir-100k test. Uncompressed: on emulated CPUs, inflating the
# directory blocks again on every listing costs more than the listing.
readdir_100k_image() {
	cached_image readdir-100k-v1 '
import os
for b in range(1, 5):
    os.mkdir("b%d" % b)
    for i in range(25000):
        open("b%d/b%d-%d" % (b, b, i), "w").close()
' -noI -noD -noF -noX
}

# l/1 .. l/150, each with d/fK: layers on a filesystem whose dentries
# memory reclaim may free (tmpfs pins its own), for the name index's
# shrinker test (177).
layers_image() {
	cached_image layers150-v1 '
import os
for k in range(1, 151):
    os.makedirs("l/%d/d" % k)
    open("l/%d/d/f%d" % (k, k), "w").close()
'
}

build_initramfs() {
	local root=$out/initramfs t kv
	rm -rf "$root"
	mkdir -p "$root"/{bin,dev,proc,sys,tmp,root,etc,lib/modules,tests/bin}
	cp /bin/busybox "$root/bin/busybox"
	cp "$AUFS_ROOT/scripts/guest-init" "$root/init"
	cp "$module" "$root/lib/modules/aufs_rs.ko"
	[ -z "$extra_dir" ] || cp -r "$extra_dir" "$root/lib/modules/extra"
	cp -r "$AUFS_ROOT"/tests/selftests/. "$root/tests/"
	cp -r "$AUFS_ROOT"/tests/bench "$root/tests/"
	gcc -static -O2 -Wall -o "$root/tests/bin/aufs-test" "$AUFS_ROOT/tests/selftests/aufs-test.c"
	cp "$AUFS_TOOLS/bin/fsx" "$root/tests/bin/fsx"
	# The aufs tools (tools/, static): auplink, aubusy, ... on the PATH; the
	# mount helpers in /tests/sbin, off it: busybox mount runs mount.aufs
	# after every failed mount(2), which would change what the other tests
	# see (the tool tests put it on their PATH).
	tools=$("$AUFS_ROOT/scripts/build-tools.sh")
	mkdir -p "$root/tests/sbin"
	cp "$tools"/au* "$root/tests/bin/"
	cp "$tools"/mount.aufs "$tools"/umount.aufs "$root/tests/sbin/"
	make_squashfs_image "$root/tests/data/image.sqfs"
	local img
	img=$(million_image)
	cp "$img" "$root/tests/data/million.sqfs"
	img=$(readdir_100k_image)
	cp "$img" "$root/tests/data/readdir-100k.sqfs"
	img=$(layers_image)
	cp "$img" "$root/tests/data/layers.sqfs"
	echo "$mode" >"$root/etc/aufs-mode"
	for t in ${AUFS_TESTS:-}; do echo "$t"; done >"$root/etc/aufs-tests"
	for kv in ${AUFS_GUEST_ENV:-}; do echo "export $kv"; done >"$root/etc/aufs-env"
	printf '%s\n' "${CMD:-true}" >"$root/etc/aufs-cmd"
	(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$out/initramfs.cpio.gz"
	# A test's extra files (scripts/debian/test-dpkg.sh): a cpio archive
	# appended; Linux unpacks concatenated archives, each 4-byte aligned.
	if [ -n "${AUFS_INITRD_EXTRA:-}" ]; then
		truncate -s %512 "$out/initramfs.cpio.gz"
		cat "$AUFS_INITRD_EXTRA" >>"$out/initramfs.cpio.gz"
	fi
}

boot() {
	# Single-threaded TCG: with one host thread per vCPU, a guest that patches
	# its own code on one vCPU (static keys, alternatives) can run the stale
	# bytes on another; Debian's SMP kernel oopsed on int3 at boot that way.
	local accel=${AUFS_ACCEL:-tcg,thread=single}
	local qemu=(qemu-system-x86_64 -accel "$accel" -m 2048 -smp ${AUFS_SMP:-2} -no-reboot
		-kernel "$kimage" -initrd "$out/initramfs.cpio.gz")
	# no_timer_check: on a loaded host the emulated timer can miss the
	# kernel's IO-APIC check at boot ("IO-APIC + timer doesn't work" panic).
	local append="console=ttyS0 panic=-1 oops=panic softlockup_panic=1 no_timer_check"
	# The test kernel: kmemleak on; expedited RCU grace periods, since a normal
	# one waits for both vCPUs of one host thread (200 module load cycles:
	# 55 -> 35 s, measured side by side).
	[ "$kname" != test ] || append+=" rcupdate.rcu_expedited=1 kmemleak=on"
	rm -f "$out/console.log" "$out/results.log"
	if [ "$mode" = shell ]; then
		# The console on the terminal (Ctrl-A x quits QEMU), also logged.
		"${qemu[@]}" -display none -append "$append quiet" \
			-chardev "stdio,id=con,mux=on,signal=off,logfile=$out/console.log" \
			-serial chardev:con -mon chardev=con -serial "file:$out/results.log"
	elif [ "$mode" = run ]; then
		# The console (the demo's steps) on stdout as it runs, also logged.
		timeout "${AUFS_VM_TIMEOUT:-900}" "${qemu[@]}" -display none -monitor none -append "$append quiet" \
			-chardev "stdio,id=con,logfile=$out/console.log" -serial chardev:con \
			-serial "file:$out/results.log" </dev/null || echo "vm: qemu exited with $? (timeout?)" | tee -a "$out/console.log"
	else
		timeout "${AUFS_VM_TIMEOUT:-2400}" "${qemu[@]}" -display none -monitor none \
			-serial "file:$out/console.log" -serial "file:$out/results.log" \
			-append "$append" </dev/null || echo "vm: qemu exited with $? (timeout?)" >>"$out/console.log"
	fi
}

case "$mode" in
check) ;;
cmd) CMD=${2:?usage: vm.sh cmd CMD} ;;
run) [ -t 0 ] && mode=shell ;;
*) die "unknown mode $mode" ;;
esac
# The kernel the guest must boot: its release is what `uname -r` says in the
# guest and the first word of the module's vermagic ($out/kernel.expected;
# guest-init prints "aufs-guest: kernel RELEASE vermagic MAGIC").
case "${KERNEL:-test}" in
test)
	[ "${AUFS_MODULE_BUILT:-0}" = 1 ] || "$AUFS_ROOT/scripts/build-module.sh"
	[ -f "$module" ] || die "no $module (AUFS_MODULE_BUILT=1 but not built)"
	krelease=$(cat "$kdir/include/config/kernel.release")
	;;
debian)
	# Never boot another kernel when the Debian one could not be prepared.
	stock=$("$AUFS_ROOT/scripts/debian/stock-kernel.sh") || die "Debian's stock kernel could not be prepared (above)"
	eval "$stock"
	;;
*) die "unknown KERNEL=$KERNEL (test | debian)" ;;
esac
[ -n "${krelease:-}" ] || die "no kernel release for KERNEL=${KERNEL:-test}"
echo "$krelease" >"$out/kernel.expected"
build_initramfs
boot
# run_result: 0 when the demo passed every check and the kernel logged no
# splat (console and the guest's dmesg); else says why and returns 1.
run_result() {
	local status ok=0
	tr -d '\r' <"$out/results.log" >"$out/results.txt"
	status=$(sed -n 's/^aufs-guest: demo exit \([0-9]*\).*/\1/p' "$out/results.txt" | tail -n1)
	if [ -z "$status" ]; then
		echo "run: FAILED: the demo did not finish (crash or timeout; console in $out/console.log)"
		ok=1
	elif [ "$status" != 0 ]; then
		echo "run: FAILED: the demo exited with $status (the !! lines above)"
		ok=1
	fi
	# An interactive console also holds what the user typed: scan only the kernel log there.
	if [ "$mode" = run ] && ! "$AUFS_ROOT/scripts/scan-console" "$out/console.log"; then
		echo "run: FAILED: kernel reports on the console (above)"
		ok=1
	fi
	if ! "$AUFS_ROOT/scripts/scan-console" "$out/results.txt"; then
		echo "run: FAILED: kernel reports in the guest's kernel log (above)"
		ok=1
	fi
	[ $ok -ne 0 ] || echo "run: the demo passed and the kernel logged no splat"
	return $ok
}

# guest_kernel_ok LOG: guest-init's "aufs-guest: kernel RELEASE vermagic
# MAGIC" line in LOG names $krelease twice, else the run fails: a run of the
# wrong kernel never counts. (check.sh does the same for `make check`.)
guest_kernel_ok() {
	local guest
	guest=$(tr -d '\r' <"$1" | sed -n 's/^aufs-guest: kernel \([^ ]*\) vermagic \([^ ]*\).*/\1 \2/p' | head -n1)
	[ "$guest" = "$krelease $krelease" ] ||
		die "the guest ran kernel/vermagic '${guest:-none}', not $krelease ($kname)"
}

case "$mode" in
run | shell)
	guest_kernel_ok "$out/console.log"
	run_result
	;;
cmd)
	splat=0
	"$AUFS_ROOT/scripts/scan-console" "$out/console.log" >&2 || splat=1
	{ grep -v -e '^aufs-guest: exit ' -e '^aufs-guest: kernel ' "$out/results.log" || true; } | tr -d '\r'
	guest_kernel_ok "$out/results.log"
	status=$(sed -n 's/^aufs-guest: exit \([0-9]*\).*/\1/p' "$out/results.log" | tail -n1)
	# A command that "passed" while the kernel oopsed, warned or leaked failed.
	if [ "$splat" = 1 ] && [ "${status:-1}" = 0 ]; then
		echo "vm.sh: the command exited 0 but the kernel logged the report above" >&2
		exit 1
	fi
	exit "${status:-1}"
	;;
esac
