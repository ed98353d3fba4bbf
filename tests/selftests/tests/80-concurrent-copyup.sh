# Concurrent copy-up loses no write (issue 13, problem 3): two appenders
# race the copy-up of one 16 MiB lower file. Each must land in the one copy:
# the copy-up is serialised per object, re-checked after the lock, and its
# final rename never replaces a copy another opener made.
# Repeated (bounded by count and time) so that one CPU's preemption and
# two CPUs' parallelism both get a chance to interleave the two opens.
mkdir lo
dd if=/dev/zero of=lo/big bs=1M count=16 2>/dev/null || fail "make the lower file"
want=$((16 * 1024 * 1024 + 4))
tries=${COPYUP_TRIES:-12}
start=$(date +%s)
i=0
while [ $i -lt "$tries" ] && [ $(($(date +%s) - start)) -lt 60 ]; do
	i=$((i + 1))
	rm -rf rw && mkdir rw
	aufs_mount "br=$PWD/rw=rw:$PWD/lo=ro"
	(echo A >>mnt/big) &
	(echo B >>mnt/big) &
	wait
	size=$(stat -c %s mnt/big)
	tail=$(tail -c 4 mnt/big | tr -d '\n' | fold -w1 | sort | tr -d '\n')
	echo 3 >/proc/sys/vm/drop_caches
	size_after=$(stat -c %s mnt/big)
	umount mnt || fail "umount"
	assert_eq "$size" "$want" "try $i: size after two appends"
	assert_eq "$tail" "AB" "try $i: both appends at the end"
	assert_eq "$size_after" "$want" "try $i: size after drop_caches"
	assert_eq "$(stat -c %s rw/big)" "$want" "try $i: the copy on the branch"
	assert_eq "$(stat -c %s lo/big)" $((16 * 1024 * 1024)) "try $i: lower unchanged"
done
echo "# $i tries"
