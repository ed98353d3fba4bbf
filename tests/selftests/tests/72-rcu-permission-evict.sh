# soak: runs for a fixed time; the runner overlaps the soak tests (run_tests.sh)
# issue 13, problem 2: permission() in RCU walk may meet an inode that is
# being evicted (its branch inode already dropped). Stress: several readers
# stat paths through two union dirs while another process drops the caches
# (every drop evicts the inodes the walkers are crossing), for ~10 s.
# Passes when every walk gave a right answer and the kernel logged no splat.
mkdir rw lo
mkdir -p lo/d/e
aufs-test mkfiles lo/d/e f 100 >/dev/null || fail "mkfiles"
aufs_mount "br=$PWD/rw=rw:$PWD/lo=ro"
end=$(($(date +%s) + 10))
walker() {
	while [ "$(date +%s)" -lt $end ]; do
		aufs-test bench-stat mnt/d/e 2 >/dev/null || { echo bad >walk.err; return; }
	done
}
walker & w1=$!
walker & w2=$!
walker & w3=$!
drops=0
while [ "$(date +%s)" -lt $end ]; do
	echo 2 >/proc/sys/vm/drop_caches
	drops=$((drops + 1))
done
wait $w1 $w2 $w3
[ ! -e walk.err ] || fail "a stat through the union failed during the stress"
[ $drops -gt 10 ] || fail "only $drops cache drops in 10 s"
assert_eq "$(ls mnt/d/e | wc -l)" 100 "entries after the stress"
echo "# $drops cache drops"
umount mnt || fail "umount"
