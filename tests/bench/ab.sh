# A/B of aufs_rs modules in one boot (run by scripts/bench-ab.sh, which
# puts the modules in /tests/ab/): sh ab.sh "LABEL=KO[:OPTS] ...". Sets up N
# tmpfs layers (each with only$k, the bottom one with bot0..bot9), then for
# ROUNDS rounds: overlayfs, then each module in turn (rmmod, insmod, mount
# with OPTS): aufs_rs over the N layers as `ro` and as `ro+wh` (the layers
# past one page of options appended by remount), plus one over layer 1
# alone. Ops (OPS), timed by aufs-test bench-op, in us per op, one line
# "ab rROUND LABEL OP US" each: miss-ro/-wh (warm lookup miss, R passes of
# 10 names), stat-ro/-wh (warm stat of the bottom layer's files),
# cmiss-ro/-wh (cold miss: CM names, caches dropped, 2 rounds), cwu1/cwuN
# (create + write 4 KiB + unlink, C times over layer 1, CN times over N),
# readdir-ro/-wh (RD listings of the root, N+10 entries), fmiss-ro/-wh (one
# cold miss: first in OPS, the mount's first, which builds the name index),
# cstat-ro/-wh (cold stat of the bottom layer's files, 2 rounds),
# dstat-ro/-wh and dmiss-ro/-wh (warm stat and miss in d/, a dir merged
# over all N layers: the walk revalidates it).
set -eu
N=${N:-500} ROUNDS=${ROUNDS:-3} R=${R:-200} C=${C:-1000}
OPS=${OPS:-miss-ro miss-wh stat-ro stat-wh cwu1 cwuN}
mkdir -p /l /u /m
mount -t tmpfs l /l; mount -t tmpfs u /u
k=1
while [ $k -le $N ]; do mkdir -p /l/$k/d; : > /l/$k/only$k; : > /l/$k/d/only$k; k=$((k + 1)); done
aufs-test mkfiles /l/$N bot 10 > /dev/null
aufs-test mkfiles /l/$N/d bot 10 > /dev/null
br() { s="" k=$1; while [ $k -le $2 ]; do s="$s:/l/$k${3:+=$3}"; k=$((k + 1)); done; echo "$s"; }
us() { aufs-test bench-op "$@" | sed 's/ns=\([0-9]*\) ops=\([0-9]*\)/\1 \2/' | awk '{printf "%.2f", $1 / $2 / 1000}'; }
run_ops() { # LABEL ROOT_RO ROOT_WH ROOT_1
	for op in $OPS; do
		case $op in
		miss-ro) v=$(us miss-warm $2/zz 10 $R) ;;
		miss-wh) v=$(us miss-warm $3/zz 10 $R) ;;
		stat-ro) v=$(us stat-warm $2/bot 10 $R) ;;
		stat-wh) v=$(us stat-warm $3/bot 10 $R) ;;
		dstat-ro) v=$(us stat-warm $2/d/bot 10 $R) ;;
		dstat-wh) v=$(us stat-warm $3/d/bot 10 $R) ;;
		dmiss-ro) v=$(us miss-warm $2/d/zz 10 $R) ;;
		dmiss-wh) v=$(us miss-warm $3/d/zz 10 $R) ;;
		cwu1) v=$(us cwu $4/c $C 1) ;;
		cwuN) v=$(us cwu $2/c ${CN:-20} 1) ;;
		cmiss-ro) v=$(us miss-cold $2/cz ${CM:-10} 2) ;;
		cmiss-wh) v=$(us miss-cold $3/cz ${CM:-10} 2) ;;
		cstat-ro) v=$(us stat-cold $2/bot 10 2) ;;
		cstat-wh) v=$(us stat-cold $3/bot 10 2) ;;
		fmiss-ro) v=$(us miss-cold $2/fz 1 1) ;;
		fmiss-wh) v=$(us miss-cold $3/fz 1 1) ;;
		readdir-ro) v=$(us readdir $2 $N ${RD:-5}) ;;
		readdir-wh) v=$(us readdir $3 $N ${RD:-5}) ;;
		esac
		echo "ab r$r $1 $op $v"
	done
}
lower=$(br 1 $N "" | sed 's/^://')
r=1
while [ $r -le $ROUNDS ]; do
	rm -rf /u/*; mkdir -p /u/o /u/ow /u/o1 /u/ow1 /m/o /m/o1 /m/a /m/w /m/a1
	mount -t overlay -o "lowerdir=$lower,upperdir=/u/o,workdir=/u/ow" none /m/o
	mount -t overlay -o "lowerdir=/l/1,upperdir=/u/o1,workdir=/u/ow1" none /m/o1
	run_ops overlayfs /m/o /m/o /m/o1
	umount /m/o /m/o1
	for v in $1; do
		label=${v%%=*}; rest=${v#*=}; ko=${rest%%:*}; opts=${rest#$ko}; opts=${opts#:}
		rmmod aufs_rs 2>/dev/null || true
		insmod /tests/ab/$ko
		rm -rf /u/*; mkdir -p /u/a /u/w /u/a1
		mount -t aufs -o "${opts:+$opts,}br=/u/a=rw$(br 1 $N "")" none /m/a
		first=$N
		while [ $((10 + $(br 1 $first ro+wh | wc -c))) -gt 4000 ]; do first=$((first - 10)); done
		mount -t aufs -o "${opts:+$opts,}br=/u/w=rw$(br 1 $first ro+wh)" none /m/w
		k=$((first + 1))
		while [ $k -le $N ]; do mount -o "remount,append:/l/$k=ro+wh" /m/w; k=$((k + 1)); done
		mount -t aufs -o "${opts:+$opts,}br=/u/a1=rw:/l/1" none /m/a1
		run_ops "$label" /m/a /m/w /m/a1
		umount /m/a /m/w /m/a1
	done
	r=$((r + 1))
done
