# The name index (nameidx.rs) and changes made through the union in an
# indexed dir (10 read-only layers): create, unlink of a lower file (its
# whiteout), re-create, copy-up, rename (over a lower file and away from
# one), mkdir/rmdir; misses stay misses and every name shows as it should.
# Removing a file made through the union whose name is in no layer leaves
# no whiteout (shows_below asks the index), one whose name is leaves one.
P=$PWD
mkdir -p rw/d
k=1 list="$P/rw=rw"
while [ $k -le 10 ]; do
	mkdir -p l/$k/d && echo "g$k" > l/$k/d/g$k
	list="$list:$P/l/$k=ro"
	k=$((k + 1))
done
aufs_mount "br=$list"
# The first miss in d, which builds its index, in a create's lookup (under
# the union dir's lock, as the mounter).
echo first > mnt/d/first && assert_eq "$(cat mnt/d/first)" first "first"
[ -e mnt/d/zz ] && fail "zz found"
echo c > mnt/d/new && assert_eq "$(cat mnt/d/new)" c "created"
[ -e mnt/d/new2 ] && fail "new2 found"
rm mnt/d/g3
[ -e mnt/d/g3 ] && fail "unlinked g3 found"
[ -e rw/d/.wh.g3 ] || fail "no whiteout of g3"
echo again > mnt/d/g3 && assert_eq "$(cat mnt/d/g3)" again "g3 made again"
echo more >> mnt/d/g5
assert_eq "$(cat mnt/d/g5)" "g5
more" "g5 copied up"
[ -f rw/d/g5 ] || fail "g5 not on the writable branch"
mv mnt/d/g6 mnt/d/r6
[ -e mnt/d/g6 ] && fail "g6 renamed away found"
assert_eq "$(cat mnt/d/r6)" g6 "r6"
mv mnt/d/new mnt/d/g7
assert_eq "$(cat mnt/d/g7)" c "g7 renamed over"
[ -e mnt/d/new ] && fail "new renamed away found"
mkdir mnt/d/nd && rmdir mnt/d/nd
[ -e mnt/d/nd ] && fail "removed dir nd found"
echo x > mnt/d/only && rm mnt/d/only
[ -e mnt/d/only ] && fail "only found"
[ -e rw/d/.wh.only ] && fail "a whiteout of a name in no layer"
echo y > mnt/d/g8 2>/dev/null; rm mnt/d/g8
[ -e rw/d/.wh.g8 ] || fail "no whiteout of g8, in layer 8"
[ -e mnt/d/g8 ] && fail "g8 found"
assert_eq "$(ls mnt/d | tr '\n' ' ')" "first g1 g10 g2 g3 g4 g5 g7 g9 r6 " "listing of d"
for n in zz new2 g0 g11 only nd; do
	[ -e mnt/d/$n ] && fail "miss $n found"
done
true
