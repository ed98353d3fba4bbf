# The name index (nameidx.rs) and a merged dir renamed with `dirren`: in
# the renamed dir's parent, indexed (a miss built it), the new name is on
# no read-only layer, yet the lookup must still find the lower dirs under
# their old names (selftest 131 for dirren itself), also after the union's
# caches were dropped and after a remount.
P=$PWD
mkdir rw
for k in 1 2 3; do
	mkdir -p l/$k/d && echo "f$k" > l/$k/d/f$k
done
aufs_mount "br=$P/rw=rw:$P/l/1=ro:$P/l/2=ro:$P/l/3=ro,dirren"
[ -e mnt/zz ] && fail "zz found"
assert_eq "$(ls mnt/d | tr '\n' ' ')" "f1 f2 f3 " "d before the rename"
mv mnt/d mnt/e || fail "rename of the merged dir d"
[ -e mnt/zz2 ] && fail "zz2 found"
assert_eq "$(ls mnt/e | tr '\n' ' ')" "f1 f2 f3 " "e after the rename"
echo 2 > /proc/sys/vm/drop_caches
[ -e mnt/d ] && fail "d found after the rename"
assert_eq "$(ls mnt/e | tr '\n' ' ')" "f1 f2 f3 " "e after a cache drop"
assert_eq "$(cat mnt/e/f3)" f3 "e/f3"
remount "udba=reval"
assert_eq "$(ls mnt/e | tr '\n' ' ')" "f1 f2 f3 " "e after a remount"
