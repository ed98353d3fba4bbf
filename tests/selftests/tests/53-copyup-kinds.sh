# Copy-up keeps owner, mode, times, xattrs and the POSIX ACL of a file, and
# copies device nodes, FIFOs and symlinks; a file open read-only before the
# copy-up reads the new data afterwards.
mkdir rw ro
echo data > ro/f && chown 12:34 ro/f && chmod 640 ro/f && touch -d '2020-01-02 03:04:05' ro/f
aufs-test setxattr ro/f user.k v > /dev/null
acl=$(aufs-test setacl ro/f)
mknod ro/null c 1 3 && mkfifo ro/fifo && ln -s f ro/link
aufs_mount "br=$PWD/rw=rw:$PWD/ro=ro"
exec 3< mnt/f
echo more >> mnt/f || fail "append"
assert_eq "$(stat -c '%u %g %a' rw/f)" "12 34 640" "owner and mode"
assert_eq "$(aufs-test getxattr rw/f user.k)" v "xattr"
[ "$acl" = ok ] && assert_eq "$(aufs-test getacl rw/f | tr '\n' ' ')" "$(aufs-test getacl ro/f | tr '\n' ' ')" "ACL"
assert_eq "$(cat <&3 | tr '\n' ' ')" "data more " "reader opened before copy-up sees the new data"
exec 3<&-
touch -h -d '2021-01-01 00:00:00' mnt/null 2>/dev/null || chown 5:6 mnt/null || fail "change the device node"
assert_eq "$(stat -c '%F %t %T' rw/null)" "character special file 1 3" "device node copied"
chown 7:8 mnt/fifo || fail "chown fifo"
assert_eq "$(stat -c '%F %u %g' rw/fifo)" "fifo 7 8" "fifo copied"
chown -h 9:9 mnt/link || fail "chown symlink"
assert_eq "$(readlink rw/link)" f "symlink copied"
assert_eq "$(stat -c '%F %u' ro/null) $(stat -c %u ro/fifo)" "character special file 0 0" "lower unchanged"
