# Issue 17, dir rename without dirren (the default): a dir whose lower dirs
# show no entry (made on the writable branch inside a merged dir, an empty
# lower dir, lower entries all deleted) is renamed anywhere in the union,
# into another merged dir and down a chain of lower-only dirs copied up for
# it; the old name is whited out, a lower dir it covers is hidden (opaque).
# A dir that does show lower entries still gives EXDEV. Everything survives
# umount+mount and a cache drop; the lower branch never changes.

# tree DIR: every path under DIR with its mode and, for files, size, links
# and a hash of the content; symlink targets (aufs-test tree: no process per
# file).
tree() { aufs-test tree "$1" - nodirsize; }

mkdir -p rw ro/m1 ro/m2/deep/er ro/m2/taken/sub ro/e ro/w
echo x > ro/m1/x && echo y > ro/m2/y && echo t > ro/m2/taken/sub/t && echo w > ro/w/w
lower_before=$(tree ro)
opts="br=$PWD/rw=rw:$PWD/ro=ro"
aufs_mount "$opts"

# made on rw inside merged m1, moved into merged m2 (not on rw yet)
mkdir -p mnt/m1/new/inner && echo n > mnt/m1/new/inner/f
expect_errno ok rename mnt/m1/new mnt/m2/new none
assert_eq "$(cat mnt/m2/new/inner/f)" n "moved dir's content"
[ -e mnt/m1/new ] && fail "old name still visible"
assert_eq "$(ls mnt/m1 | tr '\n' ' ')" "x " "source parent keeps its lower entry"
# down a chain of lower-only dirs (copied up for it)
expect_errno ok rename mnt/m2/new mnt/m2/deep/er/new none
[ -d rw/m2/deep/er/new ] || fail "not moved on the writable branch"
assert_eq "$(cat mnt/m2/deep/er/new/inner/f)" n "content after the second move"
# onto a lower dir that is empty in the union: the moved dir hides it
rm mnt/m2/taken/sub/t && rmdir mnt/m2/taken/sub || fail "emptying taken"
expect_errno ok rename mnt/m2/deep/er/new mnt/m2/taken none
assert_eq "$(ls -A mnt/m2/taken | tr '\n' ' ')" "inner " "moved over an empty merged dir"
[ -e rw/m2/taken/.wh..wh..opq ] || fail "moved dir over a lower dir is not opaque"
# an empty lower dir, and one whose lower entries are all deleted
expect_errno ok rename mnt/e mnt/m1/e2 none
[ -e mnt/e ] && fail "empty lower dir still at its old name"
[ -d mnt/m1/e2 ] || fail "empty lower dir not moved"
rm mnt/w/w || fail "rm w/w"
expect_errno ok rename mnt/w mnt/w2 none
assert_eq "$(ls -A mnt/w2)" "" "dir with deleted lower entries moved empty"
[ -e mnt/w ] && fail "w still at its old name"
# a dir that shows lower entries: EXDEV without dirren
expect_errno EXDEV rename mnt/m1 mnt/m3 none
expect_errno EXDEV rename mnt/m2 mnt/m1/m2 none
grep " $PWD/mnt aufs " /proc/mounts | grep -q ",dirren" && fail "dirren shown by default"

union_before=$(tree mnt)
umount mnt || fail umount
aufs_mount "$opts"
echo 3 > /proc/sys/vm/drop_caches
assert_eq "$(tree mnt)" "$union_before" "union after umount+mount and a cache drop"
assert_eq "$(tree ro)" "$lower_before" "lower branch unchanged"
umount mnt
