# lseek works through the union, including SEEK_DATA/SEEK_HOLE of a sparse
# file, which the branch filesystem (tmpfs) answers.
mkdir b && dd if=/dev/zero of=b/sparse bs=4096 seek=256 count=1 2>/dev/null
aufs_mount "br=$PWD/b"
assert_eq "$(aufs-test seek-data mnt/sparse)" "$(aufs-test seek-data b/sparse)" "SEEK_DATA/SEEK_HOLE"
assert_eq "$(aufs-test seek-data mnt/sparse)" "data=1048576 hole=1052672" "sparse layout"
