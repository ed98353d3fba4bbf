# moo ("move-up on open", rw branches only): opening a regular file whose
# top object is on a rw+moo branch copies it up to the nearest writable
# branch above, then removes it from its own branch; the union shows the
# same data and inode number. Dirs are not moved. Writers too. With no
# writable branch above the file stays.
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
# A new file with the lower inode number does not take the moved one's.
echo new >lo/n
[ "$(stat -c %i mnt/n)" != "$ino" ] || fail "a new file got the moved file's number"
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
