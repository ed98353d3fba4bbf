# Benchmark (run in the guest by scripts/bench.sh): stat of 10 000 files and
# a full readdir, on aufs_rs vs overlayfs with the same two lower layers vs
# the bare tmpfs, in one boot. Prints times and ratios.
set -eu
N=${N:-10000}
ROUNDS=${ROUNDS:-5}
cd /tmp
mkdir -p l1 l2 bare upper-aufs upper-ovl work-ovl aufs ovl
aufs-test mkfiles l1 a $((N / 2))
aufs-test mkfiles l2 b $((N / 2))
aufs-test mkfiles bare a $((N / 2))
aufs-test mkfiles bare b $((N / 2))

measure() { # NAME DIR
	# cold: first pass after mount (union dentries not cached yet)
	cold=$(aufs-test bench-stat "$2" 1 | sed 's/ns=\([0-9]*\).*/\1/')
	warm=$(aufs-test bench-stat "$2" "$ROUNDS" | sed 's/ns=\([0-9]*\).*/\1/')
	rd=$(aufs-test bench-readdir "$2" "$ROUNDS" | sed 's/ns=\([0-9]*\).*/\1/')
	echo "$1 $cold $((warm / ROUNDS)) $((rd / ROUNDS))"
}

mount -t aufs -o "br=/tmp/upper-aufs=rw:/tmp/l1=ro:/tmp/l2=ro" none aufs
mount -t overlay -o lowerdir=/tmp/l1:/tmp/l2,upperdir=/tmp/upper-ovl,workdir=/tmp/work-ovl none ovl
{
	measure tmpfs /tmp/bare
	measure overlayfs /tmp/ovl
	measure aufs_rs /tmp/aufs
} > /tmp/bench.txt
echo "stat and readdir of $N files, 2 lower layers (tmpfs), ms per pass (warm: mean of $ROUNDS passes):"
awk '
	{ name[NR] = $1; cold[NR] = $2; warm[NR] = $3; rd[NR] = $4 }
	END {
		printf "%-10s %10s %10s %10s\n", "fs", "stat-cold", "stat-warm", "readdir"
		for (i = 1; i <= NR; i++) printf "%-10s %10.1f %10.1f %10.1f\n", name[i], cold[i] / 1e6, warm[i] / 1e6, rd[i] / 1e6
		printf "ratio aufs_rs/overlayfs: stat-cold %.2f  stat-warm %.2f  readdir %.2f\n", cold[3] / cold[2], warm[3] / warm[2], rd[3] / rd[2]
		printf "ratio aufs_rs/tmpfs:     stat-cold %.2f  stat-warm %.2f  readdir %.2f\n", cold[3] / cold[1], warm[3] / warm[1], rd[3] / rd[1]
	}' /tmp/bench.txt
umount aufs ovl
