# The name index knows where each name is (nameidx.rs): a lookup asks only
# the read-only layers in the range of the name (and of its whiteout), and
# a lookup that found its name after asking many layers in vain builds the
# index too, not only a miss. The layers are dirs of a squashfs image
# (l/K/d/fK, K = 1..150; squashfs keeps negative dentries, tmpfs does not),
# so what a lookup asked shows in /proc/sys/fs/dentry-state:
# - the first lookup of d/f150 (no index yet) asks the 149 layers above
#   its own in vain (149 negative dentries), and builds the index;
# - after drop_caches, d/f149 asks its own layer only: no negative dentry
#   in the 148 above.
# The same with `ro+wh` layers, where each layer is also asked for the
# whiteout .wh.fK without the index (and each lower d for the opaque mark
# .wh..wh..opq, index or not: N negative dentries more in both counts).
N=150
[ -f /tests/data/layers.sqfs ] || fail "no layers.sqfs in the initramfs"
mkdir sq rw
mount -t squashfs -o loop,ro /tests/data/layers.sqfs sq || fail "loop-mount squashfs"
# Short branch paths (through a symlink), so that 150 fit in one page.
ln -s "$PWD/sq/l" /tmp/L178 && trap 'rm -f /tmp/L178' EXIT
count() { set -- $(cat /proc/sys/fs/dentry-state); echo "$1"; }
dropped() {
	sync
	echo 2 > /proc/sys/vm/drop_caches
	count
}
for perm in ro ro+wh; do
	opq=0
	[ $perm = ro ] || opq=$N
	aufs_mount "br=$PWD/rw=rw$(k=1; while [ $k -le $N ]; do printf ':/tmp/L178/%s=%s' $k $perm; k=$((k + 1)); done)"
	base=$(dropped)
	[ -e mnt/d/f$N ] || fail "$perm: d/f$N missing"
	first=$(count)
	base2=$(dropped)
	[ -e mnt/d/f$((N - 1)) ] || fail "$perm: d/f$((N - 1)) missing"
	second=$(count)
	echo "$perm: dentries +$((first - base)) for the first hit in d, +$((second - base2)) for one through the index"
	[ $((first - base)) -ge $((N + opq + N / 2)) ] || fail "$perm: the first hit did not ask the layers above (+$((first - base))): the test shows nothing"
	[ $((second - base2)) -lt $((N + opq + N / 4)) ] || fail "$perm: the hit through the index asked the layers above its own (+$((second - base2)))"
	for k in 1 2 75 148 $N; do
		[ -e mnt/d/f$k ] || fail "$perm: d/f$k missing"
	done
	[ -e mnt/d/f0 ] || [ -e mnt/d/f$((N + 1)) ] && fail "$perm: a miss found"
	# A name added on a layer's own dir (on the writable branch: the
	# squashfs cannot change) and a whiteout of one.
	: > mnt/d/new && rm mnt/d/f75 || fail "$perm: create/remove in d"
	[ -e mnt/d/new ] && [ ! -e mnt/d/f75 ] && [ -e mnt/d/f74 ] || fail "$perm: d after create/remove"
	umount mnt
	rm -rf rw/* rw/.wh.* 2>/dev/null
done
umount sq
true
