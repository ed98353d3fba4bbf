#!/usr/bin/env bash
# dpkg through the union (issue 13, problem 10): a Debian minbase root as
# three Docker-style layers under a writable branch, chrooted through the
# union in the guest; dpkg -i and dpkg -r of two local packages, dpkg -V
# clean after each (tests/selftests/dpkg-layers.sh). The root, the layers
# and the packages are made once by scripts/debian/dpkg-root.sh and cached;
# they reach the guest as a cpio appended to its initramfs, in this guest run
# only (about 100 MB: the other runs do not carry it).
#
# Environment: AUFS_DPKG_KERNELS (default "test"; "test debian" for both).
# Prints TAP (one line per kernel) and the guest's time.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

cpio=$("$(dirname "$0")/dpkg-root.sh" | tail -n1)
base=${AUFS_OUT:-$AUFS_CACHE/out}
kernels=${AUFS_DPKG_KERNELS:-test}
echo "TAP version 13"
echo "1..$(wc -w <<<"$kernels")"
n=0 bad=0
for kernel in $kernels; do
	n=$((n + 1))
	out=$base/dpkg-$kernel
	mkdir -p "$out"
	t0=$(date +%s)
	rc=0
	KERNEL=$kernel AUFS_OUT=$out AUFS_INITRD_EXTRA=$cpio AUFS_VM_TIMEOUT=600 \
		"$AUFS_ROOT/scripts/vm.sh" cmd 'sh /tests/dpkg-layers.sh' >"$out/guest.txt" 2>"$out/vm.err" || rc=$?
	secs=$(($(date +%s) - t0))
	verdict=$(grep -m1 '^dpkg-layers: PASS' "$out/guest.txt" || true)
	splat=0
	"$AUFS_ROOT/scripts/scan-console" "$out/guest.txt" || splat=1
	"$AUFS_ROOT/scripts/scan-console" "$out/console.log" || splat=1
	grep '^dpkg-layers: .* at [0-9]* s$' "$out/guest.txt" | sed 's/^/# /' || true
	if [ $rc -eq 0 ] && [ -n "$verdict" ] && [ $splat -eq 0 ]; then
		echo "ok $n dpkg -i/-r/-V through a 3-layer Debian root on the $kernel kernel # ${verdict#dpkg-layers: } in the guest, $secs s with boot"
	else
		sed -n '/^dpkg-layers: kernel log follows/q;p' "$out/guest.txt" | tail -n 30 | sed 's/^/# /'
		[ $splat -eq 0 ] || echo "# kernel reports in the guest's log (above)"
		echo "not ok $n dpkg -i/-r/-V through a 3-layer Debian root on the $kernel kernel (exit $rc; $out)"
		bad=1
	fi
done
exit $bad
