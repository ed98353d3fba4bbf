# statfs reports the aufs magic and name length, and the branch's sizes.
mkdir b
aufs_mount "br=$PWD/b"
assert_eq "$(aufs-test statfs mnt)" "type=61756673 namelen=242" "statfs"
assert_eq "$(stat -f -c '%b %S' mnt)" "$(stat -f -c '%b %S' b)" "block count and size"
umount mnt
# With several branches the sizes are those of the first writable branch.
mkdir small big && mount -t tmpfs -o size=1m tmpfs small && mount -t tmpfs -o size=3m tmpfs big
aufs_mount "br=$PWD/small=ro:$PWD/big=rw"
assert_eq "$(stat -f -c %b mnt)" "$(stat -f -c %b big)" "blocks of the first writable branch"
umount mnt
aufs_mount "br=$PWD/small=ro:$PWD/big=ro"
assert_eq "$(stat -f -c %b mnt)" "$(stat -f -c %b small)" "blocks of branch 0 when none is writable"
