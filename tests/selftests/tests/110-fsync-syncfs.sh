# Durability calls behave as on a normal filesystem (issue 13, problem 10):
# fsync, fdatasync and syncfs of union files and dirs return 0 whether the
# object is on the writable branch, only on a read-only tmpfs branch, or only
# on a squashfs 'rr' branch (which has no fsync of its own: EINVAL if passed
# through); a write followed by fsync is in the upper branch's object.
[ -f /tests/data/image.sqfs ] || fail "no squashfs image in the initramfs"
mkdir up lo sq
mount -t squashfs -o loop,ro /tests/data/image.sqfs sq || fail "loop-mount squashfs"
mkdir up/ud up/both lo/ld lo/both
echo upper >up/uf
echo lower >lo/lf
echo lower-in-both >lo/both/f
aufs_mount "br=$PWD/up=rw:$PWD/lo=ro:$PWD/sq=rr"

# name: union path (what it is)
for p in . uf ud lf ld both both/f hello dir dir/nested; do
	for call in fsync fdatasync syncfs; do
		assert_eq "$(aufs-test sync "mnt/$p" $call)" ok "$call of mnt/$p"
	done
done

# A write then fsync: the data is in the upper object, the lower unchanged.
assert_eq "$(aufs-test append-sync mnt/lf more)" ok "append + fsync to a lower file"
assert_eq "$(cat up/lf)" "$(printf 'lower\nmore')" "upper copy after fsync"
assert_eq "$(cat lo/lf)" lower "lower file unchanged"
assert_eq "$(aufs-test append-sync mnt/hello more)" ok "append + fsync to a squashfs file"
assert_eq "$(cat up/hello)" "$(printf 'hello from squashfs\nmore')" "upper copy of the squashfs file"
# A new entry in a lower-only dir copies the dir up; fsync of the dir (what
# dpkg does after renaming into it) syncs the upper dir.
echo new >mnt/ld/new
assert_eq "$(aufs-test sync mnt/ld fsync)" ok "fsync of a copied-up dir"
assert_eq "$(cat up/ld/new)" new "new entry in the upper dir"
# A read-only union: nothing to write back, still success.
mount -o remount,ro mnt || fail "remount ro"
for p in . uf lf ld hello dir; do
	assert_eq "$(aufs-test sync "mnt/$p" fsync)" ok "fsync of mnt/$p on a ro union"
	assert_eq "$(aufs-test sync "mnt/$p" syncfs)" ok "syncfs of mnt/$p on a ro union"
done
umount mnt && umount sq
