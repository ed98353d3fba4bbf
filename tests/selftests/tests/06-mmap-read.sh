# A private and a shared read-only mapping show the branch file's data.
mkdir b && seq 1 20000 > b/f
aufs_mount "br=$PWD/b"
assert_eq "$(aufs-test mmap-read mnt/f private | md5sum)" "$(md5sum < b/f)" "private mapping"
assert_eq "$(aufs-test mmap-read mnt/f shared | md5sum)" "$(md5sum < b/f)" "shared mapping"
