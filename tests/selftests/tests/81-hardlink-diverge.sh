# Hardlinks do not diverge (issue 13, problem 4): both names of a lower
# hardlink are cached, one is copied up; the copy-up through the other
# name follows the pseudo-link instead of making a second copy.
mkdir rw lo lo/d1 lo/d2
echo base >lo/d1/a && ln lo/d1/a lo/d2/b
aufs_mount "br=$PWD/rw=rw:$PWD/lo=ro"
cat mnt/d2/b >/dev/null || fail "read b"
ino=$(stat -c %i mnt/d1/a)
echo A >>mnt/d1/a || fail "append A through a"
echo B >>mnt/d2/b || fail "append B through b"
assert_eq "$(cat mnt/d1/a | tr '\n' ' ')" "base A B " "a"
assert_eq "$(cat mnt/d2/b | tr '\n' ' ')" "base A B " "b"
assert_eq "$(stat -c '%i %h' mnt/d1/a)" "$(stat -c '%i %h' mnt/d2/b)" "one inode, one link count"
assert_eq "$(stat -c %i mnt/d2/b)" "$ino" "number kept"
echo 3 >/proc/sys/vm/drop_caches
assert_eq "$(cat mnt/d1/a | tr '\n' ' ')" "base A B " "a after drop_caches"
assert_eq "$(cat mnt/d2/b | tr '\n' ' ')" "base A B " "b after drop_caches"
assert_eq "$(stat -c %i mnt/d1/a) $(stat -c %i mnt/d2/b)" "$ino $ino" "numbers after drop_caches"
assert_eq "$(cat lo/d1/a)" base "lower unchanged"
# The same with the caches dropped between the two writes, and a third name
# on another dir that is looked up only afterwards.
umount mnt
rm -rf rw && mkdir rw
ln lo/d1/a lo/c
aufs_mount "br=$PWD/rw=rw:$PWD/lo=ro"
stat mnt/d2/b >/dev/null
echo A >>mnt/d1/a || fail "append A"
echo 3 >/proc/sys/vm/drop_caches
echo B >>mnt/d2/b || fail "append B"
echo C >>mnt/c || fail "append C"
for n in d1/a d2/b c; do
	assert_eq "$(cat mnt/$n | tr '\n' ' ')" "base A B C " "$n (second round)"
done
