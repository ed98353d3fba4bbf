# statfs reports the aufs magic and name length, and the branch's sizes.
mkdir b
aufs_mount "br=$PWD/b"
assert_eq "$(aufs-test statfs mnt)" "type=61756673 namelen=242" "statfs"
assert_eq "$(stat -f -c '%b %S' mnt)" "$(stat -f -c '%b %S' b)" "block count and size"
