# A name going (unlink, a rename over it) while a writer keeps refreshing the
# union inode from the same branch file: the link count the union keeps is
# the branch file's own, read after the change. It used to drop one link
# from whatever count the inode had: a writer's refresh in between (the branch
# file already at 0) made that drop_nlink on 0, a kernel WARNING (seen once in
# CI on Debian's kernel, under 55-stress), or with a second name left (1) made
# the count 0, and link(2) of the remaining name then failed with ENOENT.
mkdir rw lo
echo lower > lo/l1
ln lo/l1 lo/l2
aufs_mount "br=$PWD/rw=rw:$PWD/lo=ro"
mkdir mnt/d
# Without a race first: a file with two names on the writable branch, and
# one with two names on the read-only branch (the union hides one by a
# whiteout, the other keeps its object and can be linked again).
echo u > mnt/d/u1
ln mnt/d/u1 mnt/d/u2
rm mnt/d/u1
ln mnt/d/u2 mnt/d/u3 || fail "link of the name left after unlink (writable branch)"
assert_eq "$(stat -c %h mnt/d/u3)" 2 "links of the upper file"
rm mnt/l1
ln mnt/l2 mnt/d/l3 || fail "link of the name left after unlink (read-only branch)"
assert_eq "$(cat mnt/d/l3)" lower "the linked lower file"
assert_eq "$(cat lo/l1 lo/l2)" "lower
lower" "lower branch untouched"
# Then with the writer: the rounds race its refreshes against the changes
# (the console scan fails the run on a WARNING).
out=$(aufs-test links-race mnt/d "${LINKS_ROUNDS:-150}")
echo "$out"
case $out in ok*) ;; *) fail "links-race: $out" ;; esac
true
