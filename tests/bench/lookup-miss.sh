# Benchmark (run in the guest by scripts/bench.sh; alone: scripts/vm.sh cmd
# 'sh /tests/bench/lookup-miss.sh'): the cost of a lookup miss (stat of a name
# that exists on no layer) through 126 and 500 tmpfs lower layers, aufs_rs vs
# overlayfs with the same lowers (each with an empty upper) vs one bare tmpfs
# dir, in one boot. Two cases:
#   distinct: a new name per stat (every layer is asked; caches dropped first);
#   repeated: the same 10 missing names again and again, after one untimed
#             pass (the union's cached negative dentries; tmpfs itself never
#             caches negative dentries).
# Timed with busybox ash loops around the builtin `test -e` (one stat(2), no
# fork; unrolled by 10) and /proc/uptime (10 ms ticks); each loop runs at least
# MIN_CS centiseconds, after dropping caches. Every case runs ROUNDS times,
# interleaved with the others, and the fastest round counts (a busy host, e.g.
# another QEMU, only slows rounds down); the fastest round of the same loop
# with `test -z` (no syscall) is subtracted: microseconds per stat(2).
# aufs_rs is measured with plain `ro` lowers (no whiteout lookup) and with
# Docker's `ro+wh` lowers (one more lookup per layer, of .wh.NAME). 500 `ro+wh`
# lowers exceed one page of mount options: the layers past the page are added
# with `remount,append:` (n/a while the module cannot); a row whose mount is
# refused (more branches than the module allows) is n/a too. overlayfs takes
# all N lowers (it allows 500 lowerdirs plus an upperdir).
# Knobs: LAYERS (default "126 500"), ROUNDS, MIN_CS, UDBA (aufs_rs's udba=,
# default reval). About 80 s on TCG.
set -eu
LAYERS=${LAYERS:-126 500}
ROUNDS=${ROUNDS:-5}
UDBA=${UDBA:-reval}
MIN_CS=${MIN_CS:-60}	# each timed loop runs at least this long (centiseconds)
max=0
for n in $LAYERS; do [ "$n" -le "$max" ] || max=$n; done

mkdir -p /l /u /m
mount -t tmpfs l /l
mount -t tmpfs u /u
k=1
while [ $k -le "$max" ]; do
	mkdir /l/$k
	aufs-test mkfiles /l/$k f 4 >/dev/null	# f0..f3: the same names on every layer
	: > /l/$k/only$k
	k=$((k + 1))
done

now() { # centiseconds since boot, into $t
	read -r up _ < /proc/uptime
	t=$((${up%.*} * 100 + 1${up#*.} - 100))
}
chunk() { # TEST P: `test TEST P0` .. `test TEST P9`; fails when one of them holds
	! { test "$1" "${2}0" || test "$1" "${2}1" || test "$1" "${2}2" || test "$1" "${2}3" ||
		test "$1" "${2}4" || test "$1" "${2}5" || test "$1" "${2}6" || test "$1" "${2}7" ||
		test "$1" "${2}8" || test "$1" "${2}9"; }
}
timed() { # TEST BASE DISTINCT: `test TEST NAME` on NAME = BASE<chunk><digit> (DISTINCT=1:
	# new names every chunk of 10) or BASE0..BASE9 again and again (DISTINCT=0;
	# after one untimed pass) for at least MIN_CS centiseconds after dropping
	# caches; sets $cs (time) and $cnt (tests).
	sync
	echo 2 > /proc/sys/vm/drop_caches
	[ "$3" = 1 ] || chunk "$1" "$2" || { echo "$2? exists" >&2; exit 1; }
	now; t0=$t
	i=0 p=$2
	while :; do
		[ "$3" = 0 ] || p=$2$i
		chunk "$1" "$p" || { echo "$p? exists" >&2; exit 1; }
		i=$((i + 1))
		now
		[ $((t - t0)) -lt "$MIN_CS" ] || break
	done
	cs=$((t - t0)) cnt=$((i * 10))
}
measure() { # LABEL N DIR PREFIX TEST: one line "N LABEL cs cnt cs cnt" (distinct, repeated)
	timed "$5" "$3/$4" 1; d="$cs $cnt"
	timed "$5" "$3/${4}r" 0
	echo "$2 $1 $d $cs $cnt"
}
aufs_opts() { # FIRST LAST PERM: ":/l/FIRST=PERM:...:/l/LAST=PERM" (no =PERM when PERM is empty)
	s="" k=$1
	while [ "$k" -le "$2" ]; do
		s="$s:/l/$k${3:+=$3}"
		k=$((k + 1))
	done
	echo "$s"
}

for n in $LAYERS; do
	rm -rf /u/*
	mkdir -p /u/a /u/w /u/o /u/ow /m/a /m/w /m/o
	fss="tmpfs:/l/1"	# LABEL:DIR of every mounted case

	lower=$(aufs_opts 1 "$n" "" | sed 's/^://')
	if mount -t overlay -o "lowerdir=$lower,upperdir=/u/o,workdir=/u/ow" none /m/o; then
		fss="$fss overlayfs:/m/o"
	else
		echo "$n overlayfs - - - -"
	fi
	if mount -t aufs -o "udba=$UDBA,br=/u/a=rw$(aufs_opts 1 "$n" "")" none /m/a; then
		fss="$fss aufs_rs-ro:/m/a"
	else
		echo "$n aufs_rs-ro - - - -"
	fi
	# ro+wh: as many layers as fit in one page, then remount,append: the rest.
	first=$n
	while [ $((10 + $(aufs_opts 1 "$first" ro+wh | wc -c))) -gt 4000 ]; do
		first=$((first - 10))
	done
	if mount -t aufs -o "udba=$UDBA,br=/u/w=rw$(aufs_opts 1 "$first" ro+wh)" none /m/w; then
		k=$((first + 1))
		while [ $k -le "$n" ] && mount -o "remount,append:/l/$k=ro+wh" /m/w 2>/dev/null; do
			k=$((k + 1))
		done
		if [ $k -le "$n" ]; then
			echo "lookup-miss: $n ro+wh layers: remount,append: failed at layer $k" >&2
			echo "$n aufs_rs-wh - - - -"
		else
			fss="$fss aufs_rs-wh:/m/w"
		fi
	else
		echo "$n aufs_rs-wh - - - -"
	fi

	r=1
	while [ $r -le "$ROUNDS" ]; do
		measure loop "$n" /m/x "r$r-" -z
		for f in $fss; do
			measure "${f%%:*}" "$n" "${f#*:}" "r$r-" -e
		done
		r=$((r + 1))
	done
	for m in /m/w /m/a /m/o; do
		! grep -q " $m " /proc/mounts || umount $m
	done
done > /tmp/lm.txt

echo "lookup miss through N tmpfs lower layers + empty upper, us per stat(2), fastest of $ROUNDS rounds, loop subtracted"
echo "distinct: a new missing name each time, caches dropped; repeated: the same 10 missing names"
echo "aufs_rs-ro: br=/u/a=rw:/l/1:...:/l/N  aufs_rs-wh: /l/K=ro+wh  overlayfs: lowerdir=/l/1:...:/l/N,upperdir=/u/o"
awk '
	function keep(arr, k, v) { if (!(k in arr) || v < arr[k]) arr[k] = v }
	function keepmax(arr, k, v) { if (!(k in arr) || v > arr[k]) arr[k] = v }
	{
		n = $1; key = n " " $2
		if (!(n in seen)) { seen[n] = 1; ns[++nn] = n }
		if ($3 == "-") { na[key] = 1; next }
		keep(dd, key, $3 * 1e4 / $4); keep(rr, key, $5 * 1e4 / $6)
		keepmax(ddmax, key, $3 * 1e4 / $4)
	}
	function net(arr, key, n) { return (key in na || !(key in arr)) ? "-" : arr[key] - arr[n " loop"] }
	function cell(v) { return v == "-" ? sprintf("%10s", "n/a") : sprintf("%10.1f", v) }
	function ratio(a, b) { return (a == "-" || b == "-" || b <= 0) ? "n/a" : sprintf("%.2f", a / b) }
	END {
		printf "%-6s %-11s %10s %10s %14s\n", "layers", "fs", "distinct", "repeated", "distinct/layer"
		split("tmpfs overlayfs aufs_rs-ro aufs_rs-wh", fs, " ")
		for (j = 1; j <= nn; j++)
			for (i = 1; i <= 4; i++) {
				n = ns[j]; key = n " " fs[i]
				d = net(dd, key, n)
				pl = (d == "-" || i == 1) ? "" : sprintf("%14.2f", d / n)
				printf "%-6s %-11s %s %s %s\n", n, fs[i], cell(d), cell(net(rr, key, n)), pl
			}
		for (j = 1; j <= nn; j++) {
			n = ns[j]
			printf "loop overhead subtracted at %s layers: %.1f us (distinct), %.1f us (repeated); slowest/fastest round: %.2f\n", n,
				dd[n " loop"], rr[n " loop"], ddmax[n " loop"] / dd[n " loop"]
		}
		for (j = 1; j <= nn; j++) {
			n = ns[j]
			o = n " overlayfs"; t = n " tmpfs"; a = n " aufs_rs-ro"; w = n " aufs_rs-wh"
			printf "ratio aufs_rs/overlayfs %3s layers: distinct ro %s ro+wh %s  repeated ro %s ro+wh %s\n", n,
				ratio(net(dd, a, n), net(dd, o, n)), ratio(net(dd, w, n), net(dd, o, n)),
				ratio(net(rr, a, n), net(rr, o, n)), ratio(net(rr, w, n), net(rr, o, n))
			printf "ratio aufs_rs/tmpfs     %3s layers: distinct ro %s ro+wh %s  repeated ro %s ro+wh %s\n", n,
				ratio(net(dd, a, n), net(dd, t, n)), ratio(net(dd, w, n), net(dd, t, n)),
				ratio(net(rr, a, n), net(rr, t, n)), ratio(net(rr, w, n), net(rr, t, n))
		}
	}' /tmp/lm.txt
umount /l /u
