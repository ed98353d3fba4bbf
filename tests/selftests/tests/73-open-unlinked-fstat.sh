# issue 13, problem 7: an open file keeps its object. After unlink, and after
# a rename over it, fstat, pwrite, pread, ftruncate and fchmod through the fd
# keep working, for an upper-only file and a lower one alike; the names are
# gone (or show the renamed file) in the union.
mkdir rw lo
echo lower > lo/l
echo lower2 > lo/l2
echo src > lo/src
aufs_mount "br=$PWD/rw=rw:$PWD/lo=ro"
echo upper > mnt/u
echo upper2 > mnt/u2
echo new > mnt/n1
echo new > mnt/n2
for f in u l; do
	got=$(aufs-test open-gone mnt/$f unlink)
	assert_eq "$got" "size=4 mode=604 data=gone-ok" "fd ops after unlink of mnt/$f"
	[ ! -e mnt/$f ] || fail "mnt/$f still there after unlink"
done
got=$(aufs-test open-gone mnt/u2 mnt/n1)
assert_eq "$got" "size=4 mode=604 data=gone-ok" "fd ops after a rename over mnt/u2"
assert_eq "$(cat mnt/u2)" new "mnt/u2 after the rename over it"
got=$(aufs-test open-gone mnt/l2 mnt/n2)
assert_eq "$got" "size=4 mode=604 data=gone-ok" "fd ops after a rename over mnt/l2"
assert_eq "$(cat mnt/l2)" new "mnt/l2 after the rename over it"
assert_eq "$(cat lo/l lo/l2)" "lower
lower2" "lower branch untouched"
# The shell form of the reproducer.
echo t > mnt/t
exec 3<>mnt/t
rm mnt/t
stat -L /proc/self/fd/3 >/dev/null || fail "stat -L of an open, unlinked file"
exec 3<&-
umount mnt || fail "umount"
