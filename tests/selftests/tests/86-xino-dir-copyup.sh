# A dir copied up keeps its inode number after the caches are dropped, be it
# copied as the parent of a file (every missing ancestor) or for a change of
# its own: after an eviction the dir is numbered by its copy, which must hold
# the original's number (xino). Files and dirs alike; checked three times.
mkdir rw ro && mkdir -p ro/a/b/c ro/e && echo x > ro/a/b/c/f
aufs_mount "br=$PWD/rw=rw:$PWD/ro=ro"
numbers() { stat -c %i mnt/a mnt/a/b mnt/a/b/c mnt/a/b/c/f mnt/e | tr '\n' ' '; }
before=$(numbers)
echo y >> mnt/a/b/c/f || fail "append (copy-up of a, a/b, a/b/c and f)"
chmod 700 mnt/e || fail "chmod (copy-up of the dir e)"
[ -f rw/a/b/c/f ] && [ -d rw/e ] || fail "not copied up"
assert_eq "$(numbers)" "$before" "numbers right after copy-up"
for i in 1 2 3; do
	echo 3 > /proc/sys/vm/drop_caches
	assert_eq "$(numbers)" "$before" "numbers after drop_caches #$i"
done
