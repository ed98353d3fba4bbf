#!/usr/bin/env bash
# `make bench`: runs the guest benchmark (tests/bench/bench.sh) in one boot,
# prints one table (op, layers, tmpfs, overlayfs, aufs_rs, aufs_rs/overlayfs)
# and writes it as $out/bench.csv with a plot $out/bench.svg (scripts/
# bench-report.py), $out = $AUFS_OUT or $AUFS_CACHE/out. Not part of `make
# check` (timings, not assertions). KERNEL=debian: on Debian's stock kernel
# (vm.sh). BENCH_ENV: VAR=VALUE words for the guest script (LAYERS, ROUNDS,
# BIG, SCALE; see tests/bench/bench.sh).
# Then, in a second boot whose two vCPUs run on two host threads (QEMU's
# multi-threaded TCG; AUFS_ACCEL overrides), tests/bench/scaling.sh: the
# same stat/open/read work by one process, then by two on two CPUs
# (SCALING_ENV: its knobs; BENCH_SCALING=0 skips it). Its rows join the
# table; "2cpu/1cpu" (1.0: the two did it in the time of one) is printed per
# filesystem. Read it on Debian's kernel: the test kernel's lockdep and
# kmemleak serialise every CPU on their own locks.
set -euo pipefail
. "$(dirname "$0")/env.sh"
"$AUFS_ROOT/scripts/setup.sh" >/dev/null
out=${AUFS_OUT:-$AUFS_CACHE/out}
mkdir -p "$out"
start=$(date +%s)
status=0
"$AUFS_ROOT/scripts/vm.sh" cmd "${BENCH_ENV:-} sh /tests/bench/bench.sh" >"$out/bench.log" 2>&1 || status=$?
grep -v '^bench-csv: ' "$out/bench.log" || true
[ "$status" = 0 ] || die "the guest benchmark failed ($status; log $out/bench.log)"
: >"$out/scaling.log"
if [ "${BENCH_SCALING:-1}" != 0 ]; then
	AUFS_ACCEL=${AUFS_ACCEL:-tcg,thread=multi} "$AUFS_ROOT/scripts/vm.sh" cmd \
		"${SCALING_ENV:-} sh /tests/bench/scaling.sh" >"$out/scaling.log" 2>&1 ||
		die "the guest scaling benchmark failed (log $out/scaling.log)"
	# The best round of each op, layer count and filesystem.
	tr -d '\r' <"$out/scaling.log" | awk '$1 == "scaling:" {
		k = $2 " " $3 " layers " $4; v = $NF
		if (!(k in best) || v < best[k]) best[k] = v
		if (!(k in seen)) { seen[k] = 1; order[++n] = k }
	} END { for (i = 1; i <= n; i++) print "scaling " order[i] ": 2cpu/1cpu " best[order[i]] }'
fi
secs=$(($(date +%s) - start))
kernel=$(sed -n 's/.*aufs-guest: kernel \([^ ]*\).*/\1/p' "$out/console.log" "$out/results.log" 2>/dev/null | head -n1)
cat "$out/bench.log" "$out/scaling.log" | tr -d '\r' | sed -n 's/^bench-csv: //p' >"$out/bench-raw.csv"
python3 "$AUFS_ROOT/scripts/bench-report.py" "$out/bench-raw.csv" "$out/bench.csv" "$out/bench.svg" \
	"kernel ${kernel:-${KERNEL:-test}}, $(date -u +%Y-%m-%d), make bench, guest boot+run ${secs} s"
echo "bench: $out/bench.csv $out/bench.svg (boot + run: ${secs} s)"
