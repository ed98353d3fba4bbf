# acl (the default) / noacl: with noacl the union neither honours nor
# passes POSIX ACLs (as a filesystem mounted noacl): an ACL that grants a
# user read no longer does, getfacl/setfacl through the union fail with
# EOPNOTSUPP, and new files get the mode the umask leaves; acl again at
# remount brings them back.
shown() { grep " $PWD/mnt aufs " /proc/mounts | cut -d' ' -f4; }
mkdir rw b
echo grant > b/grant && chmod 640 b/grant
aufs-test setacl-user b/grant 1000 4 0 > /dev/null || exit 4   # no ACLs here: skip
chmod 755 . b rw
aufs_mount "br=$PWD/rw=rw:$PWD/b=ro"
chmod 755 mnt
assert_eq "$(aufs-test as-user 1000 cat mnt/grant)" grant "acl: ACL grants read"
remount noacl
shown | grep -q ",noacl" || fail "/proc/mounts lacks noacl"
assert_eq "$(aufs-test as-user 1000 aufs-test open-errno mnt/grant r)" EACCES "noacl: ACL ignored"
assert_eq "$(aufs-test getacl mnt/grant)" EOPNOTSUPP "noacl: getfacl refused"
expect_errno EOPNOTSUPP setacl-user mnt/grant 1000 4 0
assert_eq "$(aufs-test getacl b/grant | wc -l)" 5 "branch keeps its ACL"
remount acl
shown | grep -q "acl" && fail "acl is the default, not shown"
assert_eq "$(aufs-test as-user 1000 cat mnt/grant)" grant "acl again: ACL grants read"
umount mnt
aufs_mount "br=$PWD/rw=rw:$PWD/b=ro,noacl"
assert_eq "$(aufs-test as-user 1000 aufs-test open-errno mnt/grant r)" EACCES "noacl at mount"
umount mnt
