# Benchmark (run in the guest by scripts/bench.sh): the write path, aufs_rs vs
# overlayfs with the same lower layer vs the bare tmpfs, in one boot:
# copy-up of a 64 MiB file (first append), create+unlink of 10 000 files,
# sequential write of 64 MiB to a copied-up file.
set -eu
cd /tmp
mkdir -p wl bare wa-up wo-up wo-work wa wo
dd if=/dev/urandom of=wl/big bs=1M count=64 2>/dev/null
cp wl/big bare/big
mount -t aufs -o "br=/tmp/wa-up=rw:/tmp/wl=ro" none wa
mount -t overlay -o lowerdir=/tmp/wl,upperdir=/tmp/wo-up,workdir=/tmp/wo-work none wo
ns() { sed 's/ns=\([0-9]*\).*/\1/'; }
for fs in bare wo wa; do
	cp=$(aufs-test bench-append /tmp/$fs/big | ns)
	cr=$(aufs-test bench-create /tmp/$fs 10000 | ns)
	wr=$(aufs-test bench-write /tmp/$fs/big 64 | ns)
	echo "$fs $cp $cr $wr"
done > /tmp/wbench.txt
echo "write path, ms (copy-up = first append to a 64 MiB lower file):"
awk '
	{ name[NR] = $1; cp[NR] = $2; cr[NR] = $3; wr[NR] = $4 }
	END {
		label["bare"] = "tmpfs"; label["wo"] = "overlayfs"; label["wa"] = "aufs_rs"
		printf "%-10s %10s %14s %10s\n", "fs", "copy-up", "create+unlink", "write"
		for (i = 1; i <= NR; i++) printf "%-10s %10.1f %14.1f %10.1f\n", label[name[i]], cp[i] / 1e6, cr[i] / 1e6, wr[i] / 1e6
		printf "ratio aufs_rs/overlayfs: copy-up %.2f  create+unlink %.2f  write %.2f\n", cp[3] / cp[2], cr[3] / cr[2], wr[3] / wr[2]
	}' /tmp/wbench.txt
umount wa wo
