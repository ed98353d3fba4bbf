# Copy-up keeps the append-only and immutable flags (issue 13, problem 12):
# the copy gets the lower file's inode flags, so an append-only file stays
# append-only after the first append copied it up.
mkdir rw lo
mount -t tmpfs lo lo || fail "tmpfs for the lower branch"
mount -t tmpfs rw rw || fail "tmpfs for the upper branch"
echo one >lo/app && echo x >lo/imm && echo n >lo/nodump
[ "$(aufs-test setflags lo/app a)" = ok ] || { echo "# no inode flags on tmpfs"; exit 4; }
assert_eq "$(aufs-test setflags lo/imm i)" ok "chattr +i"
assert_eq "$(aufs-test setflags lo/nodump d)" ok "chattr +d"
aufs_mount "br=$PWD/rw=rw:$PWD/lo=ro"
echo two >>mnt/app || fail "append to an append-only file"
assert_eq "$(aufs-test getflags rw/app)" "a---" "the copy is append-only"
assert_eq "$(cat mnt/app | tr '\n' ' ')" "one two " "content"
expect_errno EPERM open-errno mnt/app trunc
expect_errno EPERM open-errno mnt/app w
expect_errno EPERM open-errno mnt/imm rw
# A copy-up that a name change forces (the dir above is copied, the file is
# linked or renamed) keeps the flags too: chown copies up nodump's file.
chown 1:1 mnt/nodump || fail "chown"
assert_eq "$(aufs-test getflags rw/nodump)" "--d-" "the copy keeps nodump"
assert_eq "$(stat -c %u:%g rw/nodump)" "1:1" "owner on the copy"
echo 3 >/proc/sys/vm/drop_caches
assert_eq "$(aufs-test getflags rw/app)" "a---" "copy flags after drop_caches"
expect_errno EPERM open-errno mnt/app w
assert_eq "$(cat mnt/imm)" x "immutable file unchanged"
umount mnt
aufs-test setflags lo/app - >/dev/null
aufs-test setflags lo/imm - >/dev/null
aufs-test setflags rw/app - >/dev/null
umount lo rw
