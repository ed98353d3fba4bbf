# The name index (nameidx.rs) over more merged dirs than it keeps (64 per
# union generation, the least recently used dropped): 80 dirs over 4
# read-only layers, each indexed by a miss, then misses and hits in all of
# them again (the first ones' indexes were dropped and are built again),
# twice; a dir with more names than the index takes (2^18: the million of
# selftest 92's squashfs) is not indexed and still answers. Memory left
# behind shows as a kmemleak report (vm.sh).
P=$PWD
dirs=""
for k in 1 2 3 4; do
	i=1
	while [ $i -le 80 ]; do dirs="$dirs l/$k/d$i"; i=$((i + 1)); done
done
mkdir -p rw $dirs
for k in 1 2 3 4; do : > l/$k/d$k/f$k; done
[ -f /tests/data/million.sqfs ] || fail "no million.sqfs in the initramfs"
mkdir sq l/1/big && : > l/1/big/top
mount -t squashfs -o loop,ro /tests/data/million.sqfs sq || fail "loop-mount squashfs"
aufs_mount "br=$P/rw=rw:$P/l/1=ro:$P/l/2=ro:$P/l/3=ro:$P/l/4=ro:$P/sq=rr"
for round in 1 2 3; do
	i=1
	while [ $i -le 80 ]; do
		[ -e mnt/d$i/zz$round ] && fail "round $round: d$i/zz$round found"
		i=$((i + 1))
	done
	for k in 1 2 3 4; do
		[ -e mnt/d$k/f$k ] || fail "round $round: d$k/f$k missing"
	done
done
for r in 1 2; do
	[ -e mnt/big/zz$r ] && fail "big/zz$r found"
	[ -e mnt/big/f0 ] && [ -e mnt/big/f999999 ] && [ -e mnt/big/top ] || fail "names of the big dir"
	[ -e mnt/big/f1000000 ] && fail "f1000000 found"
done
umount mnt sq
true
