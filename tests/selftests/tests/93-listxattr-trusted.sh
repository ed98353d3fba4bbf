# listxattr through the union hides trusted.* names from callers without
# CAP_SYS_ADMIN, as the branch fs and overlayfs do (problem 12 of issue 13):
# the union reads the names as the mounter, who sees them all.
mkdir rw b && echo x > b/f && chmod 755 . b rw
aufs-test setxattr b/f trusted.secret s > /dev/null || exit 4   # no trusted xattrs: skip
aufs-test setxattr b/f user.colour blue > /dev/null || exit 4
assert_eq "$(aufs-test as-user 1000 aufs-test listxattr b/f | tr '\n' ' ')" "user.colour " "branch, as a user"
aufs_mount "br=$PWD/rw=rw:$PWD/b=ro"
chmod 755 mnt
assert_eq "$(aufs-test listxattr mnt/f | sort | tr '\n' ' ')" "trusted.secret user.colour " "union, as root"
assert_eq "$(aufs-test as-user 1000 aufs-test listxattr mnt/f | tr '\n' ' ')" "user.colour " "union, as a user"
# The size query agrees with the list (tools size their buffer with it).
assert_eq "$(aufs-test listxattr-size mnt/f)" 27 "size, as root"
assert_eq "$(aufs-test as-user 1000 aufs-test listxattr-size mnt/f)" 12 "size, as a user"
# After a copy-up the copy's names are filtered the same way.
expect_errno ok setxattr mnt/f user.more m
assert_eq "$(aufs-test getxattr rw/f trusted.secret)" s "trusted name copied up"
assert_eq "$(aufs-test as-user 1000 aufs-test listxattr mnt/f | sort | tr '\n' ' ')" "user.colour user.more " "copy, as a user"
# A file with only trusted names lists nothing to a user.
echo y > b/t && aufs-test setxattr b/t trusted.only o > /dev/null
assert_eq "$(aufs-test as-user 1000 aufs-test listxattr-size mnt/t)" 0 "only trusted names, as a user"
true
