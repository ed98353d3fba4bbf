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
"$AUFS_ROOT/scripts/unit-tests.sh" 2>&1 | tee "$unit_log"
unit_pass=$(sed -n 's/^test result: .* \([0-9]*\) passed; \([0-9]*\) failed.*/\1/p' "$unit_log" | awk '{s+=$1} END {print s+0}')
unit_fail=$(sed -n 's/^test result: .* \([0-9]*\) passed; \([0-9]*\) failed.*/\2/p' "$unit_log" | awk '{s+=$1} END {print s+0}')
rm -f "$unit_log"

log "guest selftests (QEMU, ${AUFS_ACCEL:-tcg})"
out=${AUFS_OUT:-$AUFS_CACHE/out}
AUFS_OUT=$out "$AUFS_ROOT/scripts/vm.sh" check
results=$out/results.log
tr -d '\r' <"$results" >"$results.txt"
cat "$results.txt"
planned=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$results.txt" | head -n1)
passed=$(grep -E '^ok [0-9]+' "$results.txt" | grep -vc '# SKIP' || true)
skipped=$(grep -cE '^ok [0-9]+ .*# SKIP' "$results.txt" || true)
failed=$(grep -cE '^not ok [0-9]+' "$results.txt" || true)
bad=0
if [ -z "$planned" ] || [ $((passed + skipped + failed)) -ne "$planned" ]; then
	echo "guest: only $((passed + skipped + failed)) of ${planned:-?} tests reported (crash or timeout); console tail:"
	tail -n 40 "$out/console.log"
	failed=$((failed + ${planned:-1} - passed - skipped - failed))
	bad=1
fi
if ! "$AUFS_ROOT/scripts/scan-console" "$out/console.log"; then
	echo "guest: kernel reports in the console (above) fail the run"
	failed=$((failed + 1))
	bad=1
fi
[ "$failed" -eq 0 ] && [ "$unit_fail" -eq 0 ] || bad=1
echo "time: $(($(date +%s) - start)) s; unit: $unit_pass passed, $unit_fail failed; guest: $passed passed, $failed failed, $skipped skipped"
echo "check: $((unit_pass + passed)) passed, $((unit_fail + failed)) failed, $skipped skipped"
exit $bad
