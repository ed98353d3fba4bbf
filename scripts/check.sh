#!/usr/bin/env bash
# `make check`: set-up, build, host unit tests, then the guest selftests in
# QEMU. Fails on any failed test, a guest timeout or crash, or any kernel
# splat (oops, BUG, WARNING, lockdep, kmemleak) in the console.
set -euo pipefail
. "$(dirname "$0")/env.sh"
start=$(date +%s)

"$AUFS_ROOT/scripts/setup.sh" >/dev/null
log "building aufs_rs.ko (rustfmt, clippy)"
"$AUFS_ROOT/scripts/lint.sh"
"$AUFS_ROOT/scripts/build-module.sh"

log "host unit tests"
unit_log=$(mktemp)
unit_rc=0
"$AUFS_ROOT/scripts/unit-tests.sh" 2>&1 | tee "$unit_log" || unit_rc=$?
unit_pass=$(sed -n 's/^test result: .* \([0-9]*\) passed; \([0-9]*\) failed.*/\1/p' "$unit_log" | awk '{s+=$1} END {print s+0}')
unit_fail=$(sed -n 's/^test result: .* \([0-9]*\) passed; \([0-9]*\) failed.*/\2/p' "$unit_log" | awk '{s+=$1} END {print s+0}')
rm -f "$unit_log"
# A build error counts as a failure too.
[ "$unit_rc" -eq 0 ] || [ "$unit_fail" -gt 0 ] || unit_fail=1

# guest_start KERNEL OUT starts the guest selftests on the test kernel (debug,
# splat checks) or on Debian's stock kernel in the background (a TCG guest
# keeps about one core busy: the two runs share the machine's two);
# guest_finish KERNEL OUT waits for them, adds to passed/failed/skipped and
# names the kernel in every failure. The guest's own `uname -r` and the
# module's vermagic must be the kernel vm.sh built or chose, else the run
# fails: a run of the wrong kernel never counts.
passed=0 failed=0 skipped=0 bad=0 summary=""
declare -A guest_pid
guest_start() {
	mkdir -p "$2"
	KERNEL=$1 AUFS_OUT=$2 "$AUFS_ROOT/scripts/vm.sh" check >"$2/vm.log" 2>&1 &
	guest_pid[$1]=$!
}
guest_finish() {
	local kernel=$1 out=$2 name p s f planned
	name="the test kernel"
	local rc=0
	wait "${guest_pid[$kernel]}" || rc=$?
	cat "$out/vm.log"
	if [ $rc -ne 0 ]; then
		echo "guest ($kernel): FAILED: no guest run on $kernel (build or boot set-up failed, above)"
		failed=$((failed + 1)) bad=1 summary+="; guest $kernel: not run"
		return
	fi
	tr -d '\r' <"$out/results.log" >"$out/results.txt"
	cat "$out/results.txt"
	local want uname magic
	want=$(cat "$out/kernel.expected")
	read -r uname magic < <(sed -n 's/^aufs-guest: kernel \([^ ]*\) vermagic \([^ ]*\).*/\1 \2/p' "$out/results.txt" | head -n1) || true
	[ "$kernel" = test ] && name="the test kernel $want" || name="Debian $want"
	name+=" (guest: kernel ${uname:-?}, vermagic ${magic:-?})"
	planned=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$out/results.txt" | head -n1)
	p=$(grep -E '^ok [0-9]+' "$out/results.txt" | grep -vc '# SKIP' || true)
	s=$(grep -cE '^ok [0-9]+ .*# SKIP' "$out/results.txt" || true)
	f=$(grep -cE '^not ok [0-9]+' "$out/results.txt" || true)
	grep -E '^not ok [0-9]+' "$out/results.txt" | sed "s/^/FAILED on ${name:-$kernel}: /" || true
	if [ -z "$planned" ] || [ $((p + s + f)) -ne "$planned" ]; then
		echo "guest ($name): only $((p + s + f)) of ${planned:-?} tests reported (crash or timeout); console tail:"
		tail -n 40 "$out/console.log"
		f=$((f + ${planned:-1} - p - s - f))
	fi
	if ! "$AUFS_ROOT/scripts/scan-console" "$out/console.log"; then
		echo "guest ($name): FAILED: kernel reports in the console (above) fail the run"
		f=$((f + 1))
	fi
	if [ "${uname:-}" != "$want" ] || [ "${magic:-}" != "$want" ]; then
		echo "guest ($name): FAILED: the guest did not run kernel $want with a module built for it"
		f=$((f + 1))
	fi
	[ "$f" -eq 0 ] || bad=1
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
	summary+="; guest on $name: $p passed, $f failed, $s skipped"
	# The fault-injection sweeps' own summary lines (100-fault-sweep, ...).
	local sweeps
	sweeps=$(sed -n 's/^# \(# \)\{0,1\}\([a-z]*-sweep: .*\)$/\2/p' "$out/results.txt" | paste -sd ';' | sed 's/;/; /g')
	[ -z "$sweeps" ] || summary+=" ($sweeps)"
}

# script_tests NAME SCRIPT: a host-side script printing TAP lines.
script_tests() {
	local name=$1 res p f
	log "$name"
	local rc=0
	res=$("$2" 2>&1) || rc=$?
	echo "$res"
	p=$(grep -cE '^ok [0-9]+' <<<"$res" || true)
	f=$(grep -cE '^not ok [0-9]+' <<<"$res" || true)
	# No test run, or a script that failed without a failing test (a build or
	# set-up error): one failure.
	{ [ "$p" -gt 0 ] && { [ "$rc" -eq 0 ] || [ "$f" -gt 0 ]; }; } || f=$((f + 1))
	[ "$rc" -eq 0 ] || bad=1
	grep -E '^not ok [0-9]+' <<<"$res" | sed "s/^/FAILED in the $name: /" || true
	passed=$((passed + p)) failed=$((failed + f))
	summary+="; $name: $p passed, $f failed"
}

out=${AUFS_OUT:-$AUFS_CACHE/out}
log "guest selftests on the test kernel$([ "${AUFS_DEBIAN:-1}" = 0 ] || echo " and, alongside, on Debian's stock kernel") (QEMU, ${AUFS_ACCEL:-tcg})"
guest_start test "$out"
[ "${AUFS_DEBIAN:-1}" = 0 ] || guest_start debian "$out-debian"
# The Debian guest (no debug options) finishes first: its CPU then goes to
# the Debian script tests while the test-kernel guest still runs.
if [ "${AUFS_DEBIAN:-1}" != 0 ]; then
	guest_finish debian "$out-debian"
	script_tests "refusals of make debian-module" "$AUFS_ROOT/scripts/debian/test-refusals.sh"
	script_tests "dkms build in a Debian chroot" "$AUFS_ROOT/scripts/debian/test-dkms.sh"
	AUFS_DPKG_KERNELS=debian script_tests "dpkg through the union on Debian's kernel" \
		"$AUFS_ROOT/scripts/debian/test-dpkg.sh"
	log "guest selftests on the test kernel"
fi
guest_finish test "$out"
# A Debian root as layers, dpkg through the union: its own guest run (the
# layers make a 70 MB initramfs the other runs do not carry).
AUFS_DPKG_KERNELS=test script_tests "dpkg through the union" "$AUFS_ROOT/scripts/debian/test-dpkg.sh"
[ "${AUFS_DEBIAN:-1}" != 0 ] || summary+="; Debian's stock kernel: not run (AUFS_DEBIAN=0)"
[ "$failed" -eq 0 ] && [ "$unit_fail" -eq 0 ] || bad=1
echo "time: $(($(date +%s) - start)) s; unit: $unit_pass passed, $unit_fail failed$summary"
echo "check: $((unit_pass + passed)) passed, $((unit_fail + failed)) failed, $skipped skipped"
exit $bad
