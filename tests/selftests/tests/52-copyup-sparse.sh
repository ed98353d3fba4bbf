# Copy-up of a 64 MiB sparse file keeps it sparse: only the data ranges are
# allocated on the rw branch, the data is identical, the lower file is not
# changed.
mkdir rw ro
dd if=/dev/urandom of=ro/sparse bs=4096 count=1 seek=100 2>/dev/null
dd if=/dev/urandom of=ro/sparse bs=4096 count=2 seek=10000 2>/dev/null
truncate -s 64M ro/sparse
sum=$(md5sum < ro/sparse)
aufs_mount "br=$PWD/rw=rw:$PWD/ro=ro"
touch -c mnt/sparse   # utimes: copy-up without changing data
assert_eq "$(stat -c %s rw/sparse)" 67108864 "size of the copy"
assert_eq "$(md5sum < rw/sparse)" "$sum" "data of the copy"
[ "$(stat -c %b rw/sparse)" -le 64 ] || fail "copy not sparse: $(stat -c %b rw/sparse) blocks"
assert_eq "$(md5sum < ro/sparse)" "$sum" "lower unchanged"
