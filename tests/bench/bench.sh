# Benchmark (run in the guest by scripts/bench.sh, which turns its output into
# a table, $AUFS_OUT/bench.csv and bench.svg): tmpfs vs overlayfs vs aufs_rs
# with the same N tmpfs lower layers (N in $LAYERS) and an empty upper, in one
# boot. Every lower layer K (1 = the top) holds d/ (a small merged dir: 10
# files fK_0..fK_9) and big/ (one file; the top layer's big/ also holds BIG
# files: a large merged dir); the bottom layer of each N also holds c/ (the
# 64 KiB files to copy up) and r (a 16 MiB file to read). The tmpfs figures
# use the bottom layer's own dirs (the top one's big/, /u/t for the writes). aufs_rs runs with
# plain `ro` lowers and with Docker's `ro+wh` lowers (fs aufs_rs_wh, lookups
# and readdir only; layers past one page of mount options added with
# remount,append:), both with the default udba=reval. Timing loops are
# aufs-test bench-op (no process per operation); cold = all caches dropped
# (echo 3 > drop_caches) before each timed pass. stat: the bottom layer's
# files (the deepest lookup). Output: one line "bench-csv: OP,N,FS,NS,OPS"
# per run; every case runs ROUNDS times, the filesystems alternating, and
# the host keeps the fastest.
# Knobs: LAYERS (default "1 126 500"), ROUNDS (3), BIG (2000), SCALE (1:
# multiplies the loop counts).
set -eu
LAYERS=${LAYERS:-1 126 500}
ROUNDS=${ROUNDS:-3}
BIG=${BIG:-2000}
SCALE=${SCALE:-1}
COPIES=$((10 * SCALE))
. /tests/bench/layers.sh
k=1
while [ $k -le "$max" ]; do
	mkdir -p /l/$k/big
	: >/l/$k/big/b$k
	k=$((k + 1))
done
aufs-test mkfiles /l/1/big g "$BIG"
for n in $LAYERS; do
	mkdir -p /l/$n/c
	aufs-test bench-op fill /l/$n/c/c $((COPIES * ROUNDS)) 65536 >/dev/null
	aufs-test bench-op fill /l/$n/r 1 $((16 << 20)) >/dev/null
	mv /l/$n/r0 /l/$n/r
done

branches() { # FIRST LAST PERM: ":/l/FIRST=PERM:...:/l/LAST=PERM" (no =PERM when PERM is empty)
	s="" k=$1
	while [ "$k" -le "$2" ]; do
		s="$s:/l/$k${3:+=$3}"
		k=$((k + 1))
	done
	echo "$s"
}
run() { # OP N FS ARGS...: one bench-op run, one bench-csv line
	op=$1 n=$2 fs=$3
	shift 3
	res=$(aufs-test bench-op "$@") || { echo "bench: $op $n $fs: $res" >&2; exit 1; }
	ns=${res#ns=} ns=${ns%% *} ops=${res##*ops=}
	echo "bench-csv: $op,$n,$fs,$ns,$ops"
}

for n in $LAYERS; do
	rm -rf /u/*
	mkdir -p /u/a /u/w /u/o /u/ow /u/t/d /m/a /m/w /m/o
	aufs-test bench-op fill /u/t/d/c $((COPIES * ROUNDS)) 65536 >/dev/null
	lower=$(branches 1 "$n" "" | sed 's/^://')
	mount -t overlay -o "lowerdir=$lower,upperdir=/u/o,workdir=/u/ow" none /m/o
	mount -t aufs -o "br=/u/a=rw$(branches 1 "$n" "")" none /m/a
	first=$n
	while [ $((10 + $(branches 1 "$first" ro+wh | wc -c))) -gt 4000 ]; do
		first=$((first - 10))
	done
	mount -t aufs -o "br=/u/w=rw$(branches 1 "$first" ro+wh)" none /m/w
	k=$((first + 1))
	while [ $k -le "$n" ]; do
		mount -o "remount,append:/l/$k=ro+wh" /m/w
		k=$((k + 1))
	done

	r=1
	while [ $r -le "$ROUNDS" ]; do
		for f in tmpfs:/l/$n overlayfs:/m/o aufs_rs:/m/a aufs_rs_wh:/m/w; do
			fs=${f%%:*} root=${f#*:} big=${f#*:}/big
			[ "$fs" != tmpfs ] || big=/l/1/big
			run stat-cold "$n" "$fs" stat-cold "$root/d/f${n}_" 10 $((3 * SCALE))
			run stat-warm "$n" "$fs" stat-warm "$root/d/f${n}_" 10 $((200 * SCALE))
			run miss-cold "$n" "$fs" miss-cold "$root/d/r${r}x" 10 $((3 * SCALE))
			run miss-warm "$n" "$fs" miss-warm "$root/d/r${r}y" 10 $((200 * SCALE))
			run readdir "$n" "$fs" readdir "$root/d" 10 $((20 * SCALE))
			run readdir-big "$n" "$fs" readdir "$big" "$BIG" $((2 * SCALE))
			[ "$fs" != aufs_rs_wh ] || continue
			# tmpfs: the writes in a dir of its own (not in a lower
			# layer), its "copy-up" an append to a file there.
			w=$root c=$root/c/c
			[ "$fs" != tmpfs ] || w=/u/t c=/u/t/d/c
			run create+write+unlink "$n" "$fs" cwu "$w/d/w" $((50 * SCALE)) 1
			run copy-up-64k "$n" "$fs" copyup "$c" "$COPIES" $((r - 1))
			run read-MiB "$n" "$fs" read "$root/r" 0 1
			run write-MiB "$n" "$fs" write "$w/d/seq" $((8 * SCALE)) 1
		done
		r=$((r + 1))
	done
	umount /m/w /m/a /m/o
done
umount /l /u
