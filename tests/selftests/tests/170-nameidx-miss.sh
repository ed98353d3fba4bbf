# The name index of merged dirs (nameidx.rs): misses and hits through it at
# 1, 10 and 100 read-only layers, `ro` and `ro+wh`, in the root and in a
# merged subdir. Each layer k holds f$k, d/g$k and a whiteout .wh.h$((k+1)) (of
# the h$((k+1)) of layer k+1): a lookup the index answers wrongly shows as
# a missing file, a shown whited-out one or a found miss. At 100 layers the
# index must make a cold miss cost less than four 1-layer ones (without
# it, one lookup per layer: about 100 times as much).
P=$PWD
# check N PERM: mounts N layers below a rw one and checks the names.
check() {
	n=$1 perm=$2
	rm -rf rw l && mkdir rw
	dirs="" k=1
	while [ $k -le $n ]; do dirs="$dirs l/$k/d"; k=$((k + 1)); done
	mkdir -p $dirs
	list="$P/rw=rw" k=1
	while [ $k -le $n ]; do
		echo "f$k" > l/$k/f$k && echo "g$k" > l/$k/d/g$k && echo "h$k" > l/$k/h$k
		: > l/$k/.wh.h$((k + 1))
		list="$list:$P/l/$k=$perm"
		k=$((k + 1))
	done
	aufs_mount "br=$list"
	# Misses first (they build the index), then more misses through it.
	for r in 1 2; do
		for name in zz$r f0 f$((n + 1)) g1 h0 h$((n + 1)) .wh.f1x; do
			[ -e "mnt/$name" ] && fail "$n $perm: miss $name found"
		done
		for name in zz$r g0 g$((n + 1)) f1 d; do
			[ -e "mnt/d/$name" ] && fail "$n $perm: miss d/$name found"
		done
	done
	for k in 1 $((n / 2 + 1)) $n; do
		assert_eq "$(cat mnt/f$k) $(cat mnt/d/g$k)" "f$k g$k" "$n $perm: hit in layer $k"
		if [ "$perm" = ro+wh ] && [ $k -gt 1 ]; then
			[ -e mnt/h$k ] && fail "$n $perm: h$k whited out by layer $((k - 1)) shown"
		else
			assert_eq "$(cat mnt/h$k)" "h$k" "$n $perm: h$k"
		fi
	done
	aufs-test bench-op miss-cold mnt/cz 10 2 > /dev/null || fail "$n $perm: cold misses"
	umount mnt
}
for n in 1 10 100; do
	check $n ro
	check $n ro+wh
done
# Cold miss cost: 100 layers against 1 (both indexed from the first miss
# of the first round; the times exclude the dropping of the caches).
cold() {
	aufs_mount "br=$P/rw=rw$(k=1; while [ $k -le $1 ]; do printf ":%s/l/%s=ro" "$P" $k; k=$((k + 1)); done)"
	[ -e mnt/warmup ] && fail "warmup found"
	aufs-test bench-op miss-cold mnt/c 20 3 | sed 's/ns=\([0-9]*\) ops=\([0-9]*\)/\1 \2/' | awk '{print int($1 / $2)}'
	umount mnt
}
one=$(cold 1) hundred=$(cold 100)
echo "cold miss: 1 layer $one ns, 100 layers $hundred ns"
[ "$hundred" -lt $((one * 4)) ] || fail "a cold miss at 100 layers costs $hundred ns, at 1 layer $one ns"
