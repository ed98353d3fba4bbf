#!/usr/bin/env bash
# `make bench`: runs the guest benchmark (tests/bench/bench.sh) in one boot,
# prints one table (op, layers, tmpfs, overlayfs, aufs_rs, aufs_rs/overlayfs)
# and writes it as $out/bench.csv with a plot $out/bench.svg (scripts/
# bench-report.py), $out = $AUFS_OUT or $AUFS_CACHE/out. Not part of `make
# check` (timings, not assertions). KERNEL=debian: on Debian's stock kernel
# (vm.sh). BENCH_ENV: VAR=VALUE words for the guest script (LAYERS, ROUNDS,
# BIG, SCALE; see tests/bench/bench.sh).
set -euo pipefail
. "$(dirname "$0")/env.sh"
"$AUFS_ROOT/scripts/setup.sh" >/dev/null
out=${AUFS_OUT:-$AUFS_CACHE/out}
mkdir -p "$out"
start=$(date +%s)
status=0
"$AUFS_ROOT/scripts/vm.sh" cmd "${BENCH_ENV:-} sh /tests/bench/bench.sh" >"$out/bench.log" 2>&1 || status=$?
secs=$(($(date +%s) - start))
grep -v '^bench-csv: ' "$out/bench.log" || true
[ "$status" = 0 ] || die "the guest benchmark failed ($status; log $out/bench.log)"
kernel=$(sed -n 's/.*aufs-guest: kernel \([^ ]*\).*/\1/p' "$out/console.log" "$out/results.log" 2>/dev/null | head -n1)
tr -d '\r' <"$out/bench.log" | sed -n 's/^bench-csv: //p' >"$out/bench-raw.csv"
python3 "$AUFS_ROOT/scripts/bench-report.py" "$out/bench-raw.csv" "$out/bench.csv" "$out/bench.svg" \
	"kernel ${kernel:-${KERNEL:-test}}, $(date -u +%Y-%m-%d), make bench, guest boot+run ${secs} s"
echo "bench: $out/bench.csv $out/bench.svg (boot + run: ${secs} s)"
