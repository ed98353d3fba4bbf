# issue 13, problem 12b: create and mkdir with the N-th slab allocation of the
# call failing, N = 1.. until three calls in a row no longer meet the fault
# (the count varies a little from call to call). Each call
# succeeds or fails with an errno; no union inode leaks (the umount would
# warn "Busy inodes"; kmemleak would report it), nothing oopses.
[ -e /proc/thread-self/fail-nth ] || exit 4
F=/sys/kernel/debug/failslab
[ -d $F ] || mount -t debugfs none /sys/kernel/debug 2>/dev/null
[ -w $F/ignore-gfp-wait ] || exit 4
mkdir rw lo
aufs_mount "br=$PWD/rw=rw:$PWD/lo=ro"
old=$(cat $F/ignore-gfp-wait) oldv=$(cat $F/verbose)
trap 'echo $old >$F/ignore-gfp-wait; echo $oldv >$F/verbose' EXIT
echo N >$F/ignore-gfp-wait
echo 0 >$F/verbose # no stack dump per injected failure
for op in create mkdir; do
	n=1
	clean=0
	while [ $clean -lt 3 ]; do
		got=$(aufs-test fail-nth $n $op mnt/$op$n)
		case "$got" in
		"ok unfaulted") clean=$((clean + 1)) ;;
		"ok fired" | E*) clean=0 ;;
		*) fail "$op with allocation $n failing: '$got'" ;;
		esac
		n=$((n + 1))
		[ $n -le 400 ] || fail "$op still meets the fault after 400 allocations"
	done
	echo "# $op: $n fault points"
done
echo $old >$F/ignore-gfp-wait
echo $oldv >$F/verbose
umount mnt || fail "umount"
