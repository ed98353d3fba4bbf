# moo ("move-up on open", rw branches only): opening a regular file whose
# top object is on a rw+moo branch copies it up to the nearest writable
# branch above, then removes it from its own branch; the union shows the
# same data and inode number (also after the evicted original gives back
# its entry). Dirs are not moved. Writers too. A removal that fails is
# logged and ignored. With no writable branch above the file stays.
d=$PWD
mkdir up lo && mkdir lo/d && echo one >lo/d/f && echo two >lo/w && echo three >lo/x
aufs_mount "br=$d/up=rw:$d/lo=rw+moo"
ino=$(stat -c %i mnt/d/f)
assert_eq "$(cat mnt/d/f)" one "read"
assert_eq "$(cat up/d/f 2>/dev/null)" one "moved up"
[ -e lo/d/f ] && fail "the original stays on the moo branch"
[ -d lo/d ] || fail "the dir moved too"
assert_eq "$(stat -c %i mnt/d/f)" "$ino" "inode number after the move-up"
assert_eq "$(cat mnt/d/f)" one "read again"
echo more >>mnt/w
assert_eq "$(cat up/w)" "two
more" "a writer writes the moved copy"
[ -e lo/w ] && fail "the writer's original stays"
ls mnt/d >/dev/null
# Once the union inode of the removed original is evicted, its number stays
# the copy's: new files never get it (xino frees a number only with its
# last table entry).
echo 2 >/proc/sys/vm/drop_caches
for i in 1 2 3 4 5 6 7 8; do
	echo new >mnt/d/new$i
	[ "$(stat -c %i mnt/d/new$i)" != "$ino" ] || fail "new$i got the moved file's number $ino"
done
assert_eq "$(stat -c %i mnt/d/f)" "$ino" "the copy's number after eviction"
umount mnt
# moo on the top branch: nowhere to move.
aufs_mount "br=$d/lo=rw+moo:$d/up=ro"
assert_eq "$(cat mnt/x)" three "top branch"
[ -e lo/x ] || fail "moved with no branch above"
umount mnt
# The original's hardlinks stay; the union name follows the copy.
echo linked >lo/l && ln lo/l lo/l2
aufs_mount "br=$d/up=rw:$d/lo=rw+moo"
assert_eq "$(cat mnt/l)" linked "hardlinked file"
[ -e lo/l ] && fail "the name opened stays"
assert_eq "$(cat lo/l2)" linked "the other name on the branch"
umount mnt
# An original that cannot be removed (immutable): the failure is logged and
# ignored, the open works and the union shows the copy (as in aufs).
echo imm >lo/imm
[ "$(aufs-test setflags lo/imm i)" = ok ] || { echo "# no inode flags on tmpfs"; exit 0; }
aufs_mount "br=$d/up=rw:$d/lo=rw+moo"
dmesg_clear
assert_eq "$(cat mnt/imm)" imm "open of an original that cannot be removed"
[ -f up/imm ] || fail "not copied up"
[ -f lo/imm ] || fail "the immutable original went"
dmesg | grep -q "moo: removing the original after its copy-up failed (-1), ignored" || { dmesg | tail -3; fail "no message for the failed removal"; }
assert_eq "$(cat mnt/imm)" imm "read again"
umount mnt
aufs-test setflags lo/imm - >/dev/null
aufs-test setflags up/imm - >/dev/null
