# The name index gives memory back (nameidx.rs, vfs/shrinker.rs): an index
# holds a reference to each lower dir of its merged dir, which keeps those
# dentries in memory; memory reclaim (here drop_caches, which asks every
# shrinker) takes the references back, and the index, which keeps its
# hashes, still answers afterwards. The layers are dirs of a squashfs image
# (tmpfs pins its dentries itself); dentries counted in
# /proc/sys/fs/dentry-state:
# - misses in d over 150 layers bring its 150 lower dirs (and 150 negative
#   dentries of the first miss, which builds the index) into the dcache;
# - drop_caches frees them all again (without a shrinker, the 150 lower
#   dirs stayed until umount);
# - a miss after that brings back the lower dirs only: the index answered
#   it (without it, each layer is asked: 150 negative dentries more).
N=150
[ -f /tests/data/layers.sqfs ] || fail "no layers.sqfs in the initramfs"
mkdir sq rw
mount -t squashfs -o loop,ro /tests/data/layers.sqfs sq || fail "loop-mount squashfs"
# Short branch paths (through a symlink), so that 150 fit in one page.
ln -s "$PWD/sq/l" /tmp/L177 && trap 'rm -f /tmp/L177' EXIT
aufs_mount "br=$PWD/rw=rw$(k=1; while [ $k -le $N ]; do printf ':/tmp/L177/%s=ro' $k; k=$((k + 1)); done)"
count() { set -- $(cat /proc/sys/fs/dentry-state); echo "$1"; }
dropped() {
	sync
	echo 2 > /proc/sys/vm/drop_caches
	count
}
before=$(dropped)
[ -e mnt/d/zz1 ] && fail "zz1 found"
[ -e mnt/d/zz2 ] && fail "zz2 found"
held=$(count)
after=$(dropped)
[ -e mnt/d/zz3 ] && fail "zz3 found after drop_caches"
again=$(count)
echo "dentries: $before after drop_caches, $held after misses in d, $after after drop_caches again, $again after one more miss"
[ $((held - before)) -ge $N ] || fail "the misses in d did not bring its $N lower dirs into the dcache: the test shows nothing"
[ $((after - before)) -lt $((N / 2)) ] || fail "drop_caches left $((after - before)) dentries more after misses in d over $N layers: the index kept its lower dirs"
[ $((again - after)) -ge $N ] || fail "the miss after drop_caches did not look d up again"
[ $((again - after)) -lt $((N + N / 2)) ] || fail "the miss after drop_caches asked every layer ($((again - after)) dentries more): the index was lost"
[ -e mnt/d/f1 ] && [ -e mnt/d/f$N ] || fail "f1/f$N missing after drop_caches"
[ -e mnt/d/zz4 ] && fail "zz4 found"
# Reclaim while lookups use the index of d (and a dir without one): every
# answer still right.
mkdir -p rw/d2 && : > rw/d2/top
(end=$(($(date +%s) + 2)); while [ "$(date +%s)" -lt $end ]; do echo 2 > /proc/sys/vm/drop_caches; done) &
i=0
while kill -0 $! 2>/dev/null; do
	i=$((i + 1))
	[ -e mnt/d/m$i ] && fail "d/m$i found while reclaiming"
	[ -e mnt/d/f$((i % N + 1)) ] || fail "d/f$((i % N + 1)) missing while reclaiming"
	[ -e mnt/d2/top ] && [ ! -e mnt/d2/m$i ] || fail "d2 while reclaiming"
done
wait
echo "$i rounds of lookups while reclaiming"
umount mnt sq
true
