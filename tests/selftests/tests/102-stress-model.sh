# soak: runs for a fixed time; the runner overlaps the soak tests (run_tests.sh)
# Model-checked stress for STRESS_SECONDS (60; make check: 20 on the test
# kernel, 10 on Debian's; make soak: 600), from several processes at
# once: 3 workers copy up (append, pwrite, truncate), rewrite, unlink and
# rename their own files f00..f31 (f00..f23 start on the ro branch) and
# check each against the state they expect, right after every change, the
# whole dir every 64 operations and at the end (aufs-test model-worker);
# they also append numbered records to 8 shared lower files, whose final
# content must be the lower's followed by exactly the records each worker
# counted, each worker's in order (model-shared). Meanwhile a reader lists
# the dirs (no name twice, no ".wh." name), a remounter inserts (add:1:)
# and appends (append:) two extra branches and deletes them again (del:,
# retried on EBUSY), checking that their files come and go, and caches are
# dropped (drop_caches 3). The ro branches must end byte-identical; lockdep
# and other splats fail the run through the harness's console scan.
W=3
P=$PWD
mkdir -p rw lo/shared lo/common x1/common x1/x1only x2/common x2/x2only
# lo/wI/f00..f23 and lo/shared/s0..s7 of random bytes (one process).
assert_eq "$(aufs-test model-lower lo $W)" ok "lower files"
for i in $(seq 1 20); do echo "c$i" > lo/common/c$i; done
for b in lo x1 x2; do echo "$b" > $b/common/dup; done
echo x1 > x1/common/x1-file && echo x1 > x1/x1only/f
echo x2 > x2/common/x2-file && echo x2 > x2/x2only/f
sums() { for b in lo x1 x2; do echo "$b:"; aufs-test tree $b - nodirsize; done; }
sums > sums.before

aufs_mount "br=$P/rw=rw:$P/lo=ro"
secs=${STRESS_SECONDS:-60}
end=$(($(date +%s) + secs))
: > errors
err() { echo "$*" >> errors; }

pids=
for w in $(seq 1 $W); do
	aufs-test model-worker mnt/w$w "$P/lo/w$w" mnt/shared $w "$secs" > worker$w.out 2>&1 &
	pids="$pids $!"
done
aufs-test model-readdir "$secs" mnt:mnt/common:mnt/shared:mnt/w1:mnt/w2:mnt/w3 > readdir.out 2>&1 &
rpid=$!

dropper() {
	n=0
	while [ "$(date +%s)" -lt "$end" ]; do
		echo 3 > /proc/sys/vm/drop_caches || err "drop_caches failed"
		n=$((n + 1))
		sleep 1
	done
	echo "dropper: $n drops"
}
dropper > dropper.out 2>&1 &
dpid=$!

# visible NAME yes|no: whether NAME (a file of an extra branch) is in the union.
visible() {
	if [ -e "mnt/$1" ]; then v=yes; else v=no; fi
	[ $v = "$2" ] || err "remounter: mnt/$1 visible=$v, want $2"
	if ls mnt/common | grep -qx "${1#common/}"; then v=yes; else v=no; fi
	case $1 in common/*) [ $v = "$2" ] || err "remounter: ls mnt/common lists ${1#common/}: $v, want $2" ;; esac
}
n=0
while [ "$(date +%s)" -lt "$end" ]; do
	edit "add:1:$P/x1=ro" || break
	visible common/x1-file yes
	d=$(cat mnt/common/dup)
	[ "$d" = x1 ] || err "remounter: common/dup reads '$d' with x1 above lo"
	edit "append:$P/x2=ro" || break
	visible x2only/f yes
	edit "del:$P/x1" || break
	visible common/x1-file no
	edit "del:$P/x2" || break
	visible common/x2-file no
	n=$((n + 1))
	sleep 0.2
done
echo "remounter: $n add/append/del cycles, $busy EBUSY retries"
failed=0
for p in $pids $rpid; do wait $p || failed=1; done
wait $dpid
cat worker*.out readdir.out dropper.out | grep -v '^shared '
[ $failed = 0 ] || fail "a worker or the reader found a difference from the model"
if [ -s errors ]; then
	sort errors | uniq -c | sort -rn | head -20
	fail "$(wc -l < errors) errors"
fi
assert_eq "$(cat mnt/common/dup)" lo "dup without the extra branches"

# Shared files: the lower's content, then exactly the counted records (each
# worker prints "shared sK wI N" for every file; model-shared the records it
# finds), and the size that makes.
check_shared() {
	for s in 0 1 2 3 4 5 6 7; do
		aufs-test model-shared mnt/shared/s$s lo/shared/s$s > got.s$s || { cat got.s$s; fail "s$s ($1)"; }
	done
	stat -c '%n %s' mnt/shared/s? lo/shared/s? > sizes
	awk -v when="$1" -v pairs=$((8 * W)) '
		FILENAME ~ /^worker/ && $1 == "shared" { want[$2 " " $3] = $4; total[$2] += $4; n++; next }
		FILENAME ~ /^got/ && $1 == "shared" { got[$2 " " $3] = $4; next }
		FILENAME == "sizes" { size[$1] = $2 }
		END {
			if (n != pairs) { print "workers counted " n " file/worker pairs, want " pairs; bad = 1 }
			for (k in want) if (got[k] + 0 != want[k]) { print "records of " k ": " got[k] + 0 ", counted " want[k] " (" when ")"; bad = 1 }
			for (k in got) if (!(k in want)) { print "records of " k " no worker counted (" when ")"; bad = 1 }
			for (s = 0; s < 8; s++) if (size["mnt/shared/s" s] != size["lo/shared/s" s] + 12 * total["s" s]) {
				print "size of s" s ": " size["mnt/shared/s" s] ", want lower + 12 x " total["s" s] " (" when ")"; bad = 1
			}
			exit bad
		}' worker*.out got.s? sizes || fail "shared files ($1)"
}
check_shared "at the end"
echo "shared: $(cat worker*.out | awk '/^shared/ { n += $4 } END { print n }') records appended"
umount mnt || fail "umount"
sums > sums.after
cmp -s sums.before sums.after || { diff sums.before sums.after | head; fail "a ro branch changed"; }
echo 3 > /proc/sys/vm/drop_caches
aufs_mount "br=$P/rw=rw:$P/lo=ro"
check_shared "after a fresh mount"
