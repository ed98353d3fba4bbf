# The name index (nameidx.rs) across remounts that add and delete branches:
# a remount starts a new generation with no index, so a name on a branch
# appended or inserted shows, one on a deleted branch is gone, and misses
# stay misses, in the root and in a merged subdir.
P=$PWD
mkdir rw
k=1 list="$P/rw=rw"
while [ $k -le 12 ]; do
	mkdir -p l/$k/d && echo "f$k" > l/$k/f$k && echo "g$k" > l/$k/d/g$k
	[ $k -le 10 ] && list="$list:$P/l/$k=ro"
	k=$((k + 1))
done
aufs_mount "br=$list"
for n in zz f11 f12 d/zz d/g11 d/g12; do
	[ -e mnt/$n ] && fail "miss $n found"
done
remount "append:$P/l/11=ro"
assert_eq "$(cat mnt/f11 mnt/d/g11)" "f11
g11" "names of an appended branch"
remount "add:3:$P/l/12=ro"
assert_eq "$(cat mnt/f12 mnt/d/g12)" "f12
g12" "names of an inserted branch"
remount "del:$P/l/5"
[ -e mnt/f5 ] || [ -e mnt/d/g5 ] && fail "names of a deleted branch found"
for n in zz d/zz f5 d/g5; do
	[ -e mnt/$n ] && fail "miss $n found after the remounts"
done
assert_eq "$(cat mnt/f4 mnt/d/g6)" "f4
g6" "f4 and d/g6"
remount "del:$P/l/12"
[ -e mnt/f12 ] && fail "f12 of a deleted branch found"
true
