# getxattr/listxattr show the branch file's extended attributes; setting one
# through the union is refused (EROFS) until copy-up exists.
mkdir b && echo x > b/f
aufs-test setxattr b/f user.colour blue > /dev/null || exit 4   # no user xattrs: skip
aufs_mount "br=$PWD/b"
assert_eq "$(aufs-test getxattr mnt/f user.colour)" blue "getxattr"
assert_eq "$(aufs-test listxattr mnt/f | grep -c '^user.colour$')" 1 "listxattr"
assert_eq "$(aufs-test getxattr mnt/f user.none)" ENODATA "missing attribute"
expect_errno EROFS setxattr mnt/f user.colour red
assert_eq "$(aufs-test getxattr b/f user.colour)" blue "branch unchanged"
