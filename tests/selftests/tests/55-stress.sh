# soak: runs for a fixed time; the runner overlaps the soak tests (run_tests.sh)
# Stress: 4 processes doing deterministic random create/append/truncate/
# rename/unlink/mkdir/rmdir on a 3-branch union for STRESS_SECONDS (60; make
# check: 20 on the test kernel, 10 on Debian's; make soak: 600), each
# in its own dir; the final tree must equal a replay of the same operations
# on a plain tmpfs dir.
mkdir -p rw l1 l2 ref
for p in 1 2 3 4; do
	mkdir -p l2/p$p/d1 l1/p$p ref/p$p/d1
	for f in f1 f2 f3; do echo "$f" > l2/p$p/$f; echo "$f" > ref/p$p/$f; done
	echo inner > l2/p$p/d1/inner && echo inner > ref/p$p/d1/inner
	echo l1 > l1/p$p/f4 && echo l1 > ref/p$p/f4
done
aufs_mount "br=$PWD/rw=rw:$PWD/l1=ro+wh:$PWD/l2=ro"
end=$(($(date +%s) + ${STRESS_SECONDS:-60}))
worker() { # P: rounds of 500 operations until the time is up
	r=0
	while [ "$(date +%s)" -lt "$end" ] || [ $r -eq 0 ]; do
		aufs-test stress "mnt/p$1" $(($1 * 100000 + r)) 500 > /dev/null || return 1
		r=$((r + 1))
	done
	echo $r > "rounds$1"
}
for p in 1 2 3 4; do worker $p & done
wait
for p in 1 2 3 4; do
	aufs-test stress-replay "ref/p$p" $((p * 100000)) "$(cat rounds$p)" 500 > /dev/null
	echo "process $p: $(cat rounds$p) rounds of 500 operations"
done
aufs-test tree mnt - nodirsize > got && aufs-test tree ref - nodirsize > want
cmp -s got want || { diff want got | head -20; fail "union tree differs from the reference"; }
assert_eq "$(cd l2 && find . -newer "$PWD/../rw" | wc -l)" 0 "lower branch untouched"
