# getxattr/listxattr show the branch file's extended attributes; setting one
# through the union copies the file up and sets it on the copy only.
mkdir rw b && echo x > b/f
aufs-test setxattr b/f user.colour blue > /dev/null || exit 4   # no user xattrs: skip
aufs_mount "br=$PWD/rw=rw:$PWD/b=ro"
assert_eq "$(aufs-test getxattr mnt/f user.colour)" blue "getxattr"
assert_eq "$(aufs-test listxattr mnt/f | grep -c '^user.colour$')" 1 "listxattr"
assert_eq "$(aufs-test getxattr mnt/f user.none)" ENODATA "missing attribute"
expect_errno ok setxattr mnt/f user.size big
assert_eq "$(aufs-test getxattr mnt/f user.size)" big "new attribute"
assert_eq "$(aufs-test getxattr rw/f user.colour)" blue "copied-up attribute on the copy"
assert_eq "$(aufs-test getxattr rw/f user.size)" big "new attribute on the copy"
assert_eq "$(aufs-test getxattr b/f user.size)" ENODATA "lower file unchanged"
assert_eq "$(cat rw/f)" x "copied data"
