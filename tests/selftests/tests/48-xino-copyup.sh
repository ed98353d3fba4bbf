# A file copied up keeps the inode number it had on its lower branch, also
# after the caches are dropped; so does a dir copied up as a parent.
mkdir rw ro && mkdir ro/d && echo x > ro/d/f
aufs_mount "br=$PWD/rw=rw:$PWD/ro=ro"
f=$(stat -c %i mnt/d/f); d=$(stat -c %i mnt/d)
chmod 600 mnt/d/f || fail "chmod (copy-up)"
[ -f rw/d/f ] || fail "not copied up"
assert_eq "$(stat -c %i mnt/d/f) $(stat -c %i mnt/d)" "$f $d" "numbers right after copy-up"
echo 3 > /proc/sys/vm/drop_caches
assert_eq "$(stat -c %i mnt/d/f) $(stat -c %i mnt/d)" "$f $d" "numbers after drop_caches"
