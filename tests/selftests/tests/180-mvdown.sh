# Move-down (aufs's AUFS_CTL_MVDOWN ioctl, the kernel half of FHSM): a file on
# the rw branch goes to the next lower rw branch whole (data, mode, owner,
# times, xattrs) with the same st_ino, the upper is gone, and the file reads
# and writes as before (181: from an ro lower a write copies it up again). KUPPER keeps the upper;
# a file on the lower needs OWLOWER; a whiteout on the target branch goes.
mkdir rw lo lo2
for b in rw lo lo2; do mount -t tmpfs "$b" "$b" || fail "tmpfs $b"; done
printf 'one\ntwo\n' >rw/f
chmod 640 rw/f && chown 12:34 rw/f && touch -d @1000000000 rw/f
assert_eq "$(aufs-test setxattr rw/f user.k v1)" ok "xattr on the branch"
aufs_mount "br=$PWD/rw=rw:$PWD/lo=rw:$PWD/lo2=ro"
ino=$(stat -c %i mnt/f)
before=$(stat -c '%a %u %g %s %Y' mnt/f)
assert_eq "$(aufs-test mvdown mnt/f 0 0 0)" "ok au_errno=0 flags=0x1000 b=0>1" "move-down"
[ -e rw/f ] && fail "the upper is still there"
assert_eq "$(cat lo/f)" "$(printf 'one\ntwo')" "data on the lower branch"
assert_eq "$(stat -c '%a %u %g %s %Y' lo/f)" "$before" "attributes on the lower branch"
assert_eq "$(stat -c '%a %u %g %s %Y' mnt/f)" "$before" "attributes in the union"
assert_eq "$(stat -c %i mnt/f)" "$ino" "st_ino"
assert_eq "$(aufs-test getxattr mnt/f user.k)" v1 "xattr"
ls -a lo/.wh..wh.orph | grep -q mvdown && fail "a temporary is left"
echo 3 >/proc/sys/vm/drop_caches
assert_eq "$(stat -c %i mnt/f)" "$ino" "st_ino after the caches are dropped"
assert_eq "$(cat mnt/f)" "$(printf 'one\ntwo')" "read through the union"
# lo is writable: a write goes to the file there (cpup=tdp: the nearest
# writable branch at or above the file), as for any file on lo.
echo three >>mnt/f || fail "append"
assert_eq "$(cat lo/f | tr '\n' ' ')" "one two three " "written in place"
[ -e rw/f ] && fail "copied up although its branch is writable"
assert_eq "$(stat -c %i mnt/f)" "$ino" "st_ino after the write"
# lo2 below is ro: BOTTOM (0x1000), no further move-down target, in each output.
# KUPPER (4): both copies, the union shows the upper.
echo k >rw/k
assert_eq "$(aufs-test mvdown mnt/k 4 0 0)" "ok au_errno=0 flags=0x1004 b=0>1" "keep upper"
assert_eq "$(cat rw/k):$(cat lo/k)" "k:k" "both copies"
echo k2 >mnt/k
assert_eq "$(cat rw/k):$(cat lo/k)" "k2:k" "the union writes the upper"
# The name on the lower branch: EEXIST, nothing changed; OWLOWER (2) replaces it.
echo new >rw/o && echo old >lo/o
assert_eq "$(aufs-test mvdown mnt/o 0 0 0)" "EEXIST au_errno=0 flags=0x0 b=0>0" "lower exists"
assert_eq "$(cat rw/o):$(cat lo/o)" "new:old" "nothing changed"
assert_eq "$(aufs-test mvdown mnt/o 2 0 0)" "ok au_errno=0 flags=0x1002 b=0>1" "overwrite lower"
[ -e rw/o ] && fail "upper of o still there"
assert_eq "$(cat lo/o):$(cat mnt/o)" "new:new" "lower replaced"
# A whiteout on the target branch (it hides lo2's w) is removed: the moved
# file shows, lo2's stays hidden below it.
echo up >rw/w && touch lo/.wh.w && echo deep >lo2/w
assert_eq "$(aufs-test mvdown mnt/w 0 0 0)" "ok au_errno=0 flags=0x1000 b=0>1" "over a whiteout"
[ -e lo/.wh.w ] && fail "the whiteout on the target is left"
assert_eq "$(cat mnt/w)" up "the moved file shows"
# Parent dirs are made on the lower branch, with the upper dir's attributes.
mkdir -p rw/d1/d2 && chmod 750 rw/d1 && echo deep >rw/d1/d2/x
assert_eq "$(aufs-test mvdown mnt/d1/d2/x 0 0 0)" "ok au_errno=0 flags=0x1000 b=0>1" "nested"
assert_eq "$(cat lo/d1/d2/x):$(stat -c %a lo/d1)" "deep:750" "parents made"
assert_eq "$(cat mnt/d1/d2/x)" deep "nested file shows"
# The upper's blocks are free once the mover closed the file (FHSM moves
# files down to make room), and the name finds the lower copy afresh.
dd if=/dev/zero of=rw/big bs=1M count=2 2>/dev/null
ino=$(stat -c %i mnt/big)
free=$(stat -f -c %f rw)
assert_eq "$(aufs-test mvdown mnt/big 0 0 0)" "ok au_errno=0 flags=0x1000 b=0>1" "big file"
[ "$(stat -f -c %f rw)" -ge $((free + 500)) ] || fail "the upper's blocks are still taken"
assert_eq "$(stat -c %i:%s mnt/big)" "$ino:2097152" "big file after the move"
umount mnt
umount rw lo lo2
