# issue 13, problem 12a: a remount that fails (EBUSY: a branch to delete is in
# use) changes nothing, xino included: `xino=` with a new path does not move
# the tables, a new branch filesystem gets no table, and the shown options and
# inode numbers stay. The same remount succeeds once the branch is free.
P=$PWD
mkdir rw lo busy x1 x2 t2
echo l > lo/l
echo b > busy/b
mount -t tmpfs t t2 || fail "tmpfs"
aufs_mount "br=$P/rw=rw:$P/lo=ro:$P/busy=ro,xino=$P/x1/xino"
S=$(ls -d /sys/fs/aufs/si_*)
snap() {
	echo "xi_path=$(cat "$S/xi_path")"
	grep " $P/mnt " /proc/mounts
	for f in "$S"/br*; do echo "${f##*/}=$(cat "$f")"; done
	ls mnt
}
ino=$(stat -c %i mnt/l)
before=$(snap)
exec 3<mnt/b
for edit in "xino=$P/x2/xino,del:$P/busy" "append:$P/t2,xino=$P/x2/xino,del:$P/busy" \
	"append:$P/t2,del:$P/busy"; do
	got=$(aufs-test remount mnt "$edit")
	assert_eq "$got" EBUSY "remount,$edit with a busy branch"
	assert_eq "$(snap)" "$before" "union after the refused remount,$edit"
done
echo 2 >/proc/sys/vm/drop_caches
assert_eq "$(stat -c %i mnt/l)" "$ino" "inode number after the refused remounts"
exec 3<&-
got=$(aufs-test remount mnt "append:$P/t2,xino=$P/x2/xino,del:$P/busy")
assert_eq "$got" ok "the same remount with the branch free"
assert_eq "$(cat "$S/xi_path")" "$P/x2/xino" "xi_path after the remount"
echo 2 >/proc/sys/vm/drop_caches
assert_eq "$(stat -c %i mnt/l)" "$ino" "inode number after the xino move"
echo n > t2/n
[ "$(stat -c %i mnt/n)" -ge 11 ] || fail "no xino number for the new branch's file"
umount mnt || fail "umount"
umount t2
