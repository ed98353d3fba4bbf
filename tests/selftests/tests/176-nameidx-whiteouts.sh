# The name index answers for whiteouts too: in an indexed dir of ro+wh
# layers, a name found on a low layer is hidden by a whiteout on a
# read-only layer above it (the index holds that .wh. name, so it is looked
# for), shown where no layer above holds one (the .wh. lookups on the
# read-only layers are skipped), and a whiteout made later directly on a
# read-only layer counts (the index's stamp changes).
mkdir rw l1 l2 l3 l1/d l2/d l3/d
echo 3 >l3/d/hidden && : >l2/d/.wh.hidden
echo 3 >l3/d/shown && echo 3 >l3/d/later
echo 2 >l2/d/mid
aufs_mount "br=$PWD/rw=rw:$PWD/l1=ro+wh:$PWD/l2=ro+wh:$PWD/l3=ro+wh"
[ -e mnt/d/nothing ] && fail "a missing name shown"
for n in 1 2; do
	echo 2 >/proc/sys/vm/drop_caches
	[ -e mnt/d/hidden ] && fail "pass $n: a name whited out on a read-only layer shown"
	assert_eq "$(cat mnt/d/shown) $(cat mnt/d/mid)" "3 2" "pass $n: names with no whiteout above"
done
: >l1/d/.wh.later
echo 2 >/proc/sys/vm/drop_caches
[ -e mnt/d/later ] && fail "a whiteout made directly on l1 not seen"
assert_eq "$(ls mnt/d | tr '\n' ' ')" "mid shown " "the listing"
rm mnt/d/shown || fail "rm shown"
[ -e rw/d/.wh.shown ] || fail "no whiteout on the writable branch for shown"
[ -e mnt/d/shown ] && fail "shown after rm"
umount mnt || fail "umount"
