#!/usr/bin/env bash
# A/B of aufs_rs module builds in one guest boot (tests/bench/ab.sh), the
# modules alternating round by round: on a shared machine, absolute times
# under load mislead, interleaved ones less so.
#
#   scripts/bench-ab.sh "LABEL=MODULE.ko[:MOUNT_OPTS] ..." [GUEST_ENV]
#   e.g. scripts/bench-ab.sh "old=/tmp/old.ko new=aufs_rs.ko new1=aufs_rs.ko:dirperm1" \
#            "ROUNDS=4 N=500 OPS='miss-ro stat-ro cwu1'"
#
# Prints the guest's lines, then per op and module: min/median us over the
# rounds, and the median of the per-round ratios to overlayfs.
set -euo pipefail
. "$(dirname "$0")/env.sh"
out=${AUFS_OUT:-$AUFS_CACHE/out}
mkdir -p "$out"
stage=$(mktemp -d "$out/bench-ab.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/root/tests/ab"
variants=""
for v in $1; do
	label=${v%%=*} rest=${v#*=}
	ko=${rest%%:*} opts=${rest#"$ko"}
	cp "$ko" "$stage/root/tests/ab/$label.ko"
	variants="$variants $label=$label.ko$opts"
done
(cd "$stage/root" && find . | cpio -o -H newc --quiet) >"$stage/extra.cpio"
[ -f "$AUFS_ROOT/aufs_rs.ko" ] || "$AUFS_ROOT/scripts/build-module.sh"
AUFS_MODULE_BUILT=1 AUFS_INITRD_EXTRA="$stage/extra.cpio" AUFS_VM_TIMEOUT=${AUFS_VM_TIMEOUT:-3000} \
	"$AUFS_ROOT/scripts/vm.sh" cmd "${2:+export $2;} sh /tests/bench/ab.sh '${variants# }'" | tee "$stage/log"
grep '^ab ' "$stage/log" | python3 -c '
import sys, statistics as st, collections as c
d = c.defaultdict(list); rounds = c.defaultdict(dict); labels = []; ops = []
for line in sys.stdin:
    _, r, lab, op, v = line.split()
    d[(lab, op)].append(float(v)); rounds[(r, op)][lab] = float(v)
    labels += [lab] if lab not in labels else []
    ops += [op] if op not in ops else []
print("%-10s" % "op" + "".join("%24s" % l for l in labels))
for op in ops:
    row = "%-10s" % op
    for l in labels:
        xs = d[(l, op)]
        rs = [v[l] / v["overlayfs"] for k, v in rounds.items() if k[1] == op and l in v and "overlayfs" in v]
        row += "%24s" % ("%.1f/%.1f r%.2f" % (min(xs), st.median(xs), st.median(rs) if rs else 0))
    print(row)
print("(min/median us per op over the rounds; r: median of the per-round ratios to overlayfs)")'
