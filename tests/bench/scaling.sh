# Scaling benchmark (run in the guest by scripts/bench.sh, in a boot of its
# own with two vCPUs on two host threads: QEMU's multi-threaded TCG): stat,
# open+close and open+read 4 KiB+close of the bottom layer's files, the same
# work first by one process on CPU 0, then by two processes at once, one on
# each CPU (aufs-test bench-par), on tmpfs, overlayfs and aufs_rs over the
# same N tmpfs lower layers (N in $LAYERS). A filesystem whose read path
# shares no lock or written cache line between CPUs does the two processes'
# work in the time of one: "2cpu/1cpu" near 1.0; a shared lock or counter
# shows as a value towards 2.0 (or above). Output: "bench-csv:" lines
# (OP-1cpu and OP-2cpu: ns per op of one process) and one summary line per
# op and layer count. Knobs: LAYERS (default "1 126"), ROUNDS (3), PASSES (1000).
set -eu
LAYERS=${LAYERS:-1 126}
ROUNDS=${ROUNDS:-3}
PASSES=${PASSES:-1000}
[ "$(nproc)" -ge 2 ] || { echo "scaling: needs 2 CPUs, the guest has $(nproc)" >&2; exit 1; }
. /tests/bench/layers.sh
for n in $LAYERS; do
	rm -rf /u/*
	mkdir -p /u/a /u/o /u/ow /m/a /m/o
	lower=$(k=1; while [ $k -le "$n" ]; do printf ':/l/%s' $k; k=$((k + 1)); done)
	mount -t overlay -o "lowerdir=${lower#:},upperdir=/u/o,workdir=/u/ow" none /m/o
	mount -t aufs -o "br=/u/a=rw$lower" none /m/a
	for op in stat open read; do
		r=1
		while [ $r -le "$ROUNDS" ]; do
			for f in tmpfs:/l/$n overlayfs:/m/o aufs_rs:/m/a; do
				res=$(aufs-test bench-par $op "${f#*:}/d/f${n}_" 10 "$PASSES")
				one=${res#one=} one=${one%% *} two=${res##*two=}
				echo "bench-csv: $op-1cpu,$n,${f%%:*},$one,$((10 * PASSES + 10))"
				echo "bench-csv: $op-2cpu,$n,${f%%:*},$two,$((10 * PASSES + 10))"
				echo "scaling: $op $n ${f%%:*} round $r: 2cpu/1cpu $(awk -v a="$two" -v b="$one" 'BEGIN { printf "%.2f", a / b }')"
			done
			r=$((r + 1))
		done
	done
	umount /m/a /m/o
done
umount /l /u
