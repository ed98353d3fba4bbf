# issue 13: fault injection on every operation. For each op (mount, lookup,
# create, mkdir, unlink, rmdir, rename of a file and of a dir (also, with
# dirren, of a merged dir into another dir and within its dir, and of a
# lower-only tree), link, symlink,
# chmod, truncate, setxattr, copy-up by open for write, by a read-only open
# (coo_reg) and by an opendir (coo_all), readdir, remount add: and del:,
# move-down: AUFS_CTL_MVDOWN to a second writable branch) the N-th
# fault-injection point of its syscall fails (failslab
# through /proc/thread-self/fail-nth), N = 1.. until three calls in a row no
# longer meet the fault, each N on a fresh identical writable branch and mount
# (`aufs-test fault-sweep`, which loops N itself). After each call: it
# succeeded and the union, the writable branches and the mount's sysfs dir show
# what the unfaulted op makes, or it failed with an errno and they are as
# before; umount succeeds without "Busy inodes"; and at the end of each op's
# sweep the lower branches are as they were. Every broken case is listed; one
# fails the test.
[ -e /proc/thread-self/fail-nth ] || exit 4
F=/sys/kernel/debug/failslab
[ -d $F ] || mount -t debugfs none /sys/kernel/debug 2>/dev/null
[ -w $F/ignore-gfp-wait ] || exit 4
old=$(cat $F/ignore-gfp-wait) oldv=$(cat $F/verbose)
trap 'echo $old >$F/ignore-gfp-wait; echo $oldv >$F/verbose' EXIT
echo N >$F/ignore-gfp-wait
echo 0 >$F/verbose # no stack dump per injected failure
ops=0 points=0 broken=0
for op in $(aufs-test fault-sweep list .); do
	aufs-test fault-sweep "$op" "$PWD" >sweep.out 2>&1
	rc=$?
	grep '^broken: ' sweep.out
	line=$(grep "^sweep $op " sweep.out)
	if [ $rc -ne 0 ] || [ -z "$line" ]; then
		cat sweep.out
		broken=$((broken + 1))
		echo "broken: $op: the sweep did not finish (exit $rc)"
		continue
	fi
	set -- $line
	echo "$op: $3 fault points, $4 broken"
	[ "$3" -gt 0 ] || { broken=$((broken + 1)); echo "broken: $op: no fault point met"; }
	ops=$((ops + 1)) points=$((points + $3)) broken=$((broken + $4))
done
echo "fault-sweep: $ops ops x $points fault points, $broken broken"
[ $broken -eq 0 ] || fail "$broken broken cases (above)"
