#!/usr/bin/env bash
# The end-to-end test with the real Docker (issue 15): Debian 12's dockerd
# (docker.io 20.10) with its own aufs graph driver on aufs_rs, in a guest
# of Debian's stock kernel, then the same steps with overlay2 in the same
# boot (tests/docker/docker-e2e.sh). The root is made once by
# scripts/debian/docker-root.sh and cached; it reaches the guest as a cpio
# appended to its initramfs, in this guest run only.
#
# Environment: AUFS_DOCKER_KERNEL (default debian; "test" for the debug
# kernel, whose config may lack what Docker needs).
# Prints TAP (one line), the steps' times side by side and the guest's time.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

cpio=$("$(dirname "$0")/docker-root.sh" | tail -n1)
kernel=${AUFS_DOCKER_KERNEL:-debian}
out=${AUFS_OUT:-$AUFS_CACHE/out}/docker-$kernel
mkdir -p "$out"
echo "TAP version 13"
echo "1..1"
t0=$(date +%s)
rc=0
KERNEL=$kernel AUFS_OUT=$out AUFS_INITRD_EXTRA=$cpio AUFS_VM_TIMEOUT=${AUFS_VM_TIMEOUT:-3600} \
	"$AUFS_ROOT/scripts/vm.sh" cmd 'sh /tests/data/docker/docker-e2e.sh' >"$out/guest.txt" 2>"$out/vm.err" || rc=$?
secs=$(($(date +%s) - t0))
splat=0
"$AUFS_ROOT/scripts/scan-console" "$out/guest.txt" || splat=1
"$AUFS_ROOT/scripts/scan-console" "$out/console.log" || splat=1
grep '^docker-e2e:   ' "$out/guest.txt" | sed 's/^docker-e2e:/#/' || true
if [ $rc -eq 0 ] && grep -q '^docker-e2e: PASS' "$out/guest.txt" && [ $splat -eq 0 ]; then
	echo "ok 1 Docker's aufs driver (dockerd, then overlay2) on the $kernel kernel # $secs s with boot"
else
	grep -v '^docker-e2e:   ' "$out/guest.txt" | tail -n 40 | sed 's/^/# /'
	[ $splat -eq 0 ] || echo "# kernel reports in the guest's log (above)"
	echo "not ok 1 Docker's aufs driver on the $kernel kernel (exit $rc; $out)"
	exit 1
fi
