#!/bin/sh
# Where aufs_rs does more work than overlayfs for one op: the kernel
# functions called, counted with ftrace's function tracer (Debian's kernel
# has it; the test kernel does not), over the same one-layer union of a
# tmpfs dir. The module's own Rust functions are not traced; what they call
# is, with them as the caller. Not timings: counts, which emulation does not
# disturb.
#
#   KERNEL=debian scripts/vm.sh cmd 'sh /tests/bench/calls.sh stat'
#   KERNEL=debian scripts/vm.sh cmd 'sh /tests/bench/calls.sh cwu'
#   KERNEL=debian scripts/vm.sh cmd 'sh /tests/bench/calls.sh miss'
#
# stat: a warm stat of the 12 entries of a 10-file merged dir, 10 passes;
# miss: a warm lookup miss of 10 names in that dir, 10 passes; cwu: create + write 4 KiB + unlink, 20 times. Prints the total calls of
# each, the functions called more often through aufs_rs (count there, count
# through overlayfs), the callers of the spinlock and of the credential
# switch to the mounter's.
set -eu
op=${1:?usage: calls.sh stat|miss|cwu}
T=/sys/kernel/tracing
mount -t tracefs none $T 2>/dev/null || true
grep -qw function $T/available_tracers || { echo "calls.sh: no function tracer in this kernel"; exit 4; }
w=$(mktemp -d /tmp/calls.XXXXXX)
cd "$w"
mkdir -p rw lo/d up wk omnt mnt
for i in 0 1 2 3 4 5 6 7 8 9; do echo $i >lo/d/f$i; done
mount -t aufs -o "br=$w/rw=rw:$w/lo=ro" none mnt
mount -t overlay -o "lowerdir=$w/lo,upperdir=$w/up,workdir=$w/wk" none omnt
run() {
	case $op in
	stat) aufs-test bench-stat "$1/d" "$2" ;;
	miss) aufs-test bench-op miss-warm "$1/d/zz" 10 "$2" ;;
	cwu) aufs-test bench-op cwu "$1/d/n" "$2" 1 ;;
	*) echo "calls.sh: unknown op $op"; exit 2 ;;
	esac
}
n=$([ "$op" = cwu ] && echo 20 || echo 10)
echo 60000 >$T/buffer_size_kb
# count FS: the calls of one run over FS's mount, by function, in $w/count.FS
count() {
	run "$1" "$n" >/dev/null # warm
	echo 0 >$T/tracing_on
	echo function >$T/current_tracer
	echo >$T/trace
	echo 1 >$T/tracing_on
	run "$1" "$n" >/dev/null
	echo 0 >$T/tracing_on
	grep aufs-test $T/trace >"$w/trace.$1" || true
	echo nop >$T/current_tracer
	sed 's/.*: \([^ ]*\) <-.*/\1/' "$w/trace.$1" | sort | uniq -c | sort -nr >"$w/count.$1"
	echo "calls: $op through $1: $(wc -l <"$w/trace.$1")"
}
count mnt
count omnt
echo "== called more often through aufs_rs (aufs_rs, overlayfs, function)"
awk 'NR == FNR { o[$2] = $1; next } { if ($1 - o[$2] > 10) printf "%6d %6d %s\n", $1, o[$2] + 0, $2 }' \
	"$w/count.omnt" "$w/count.mnt" | sort -nr | head -40
echo "== callers of _raw_spin_lock through aufs_rs"
grep " _raw_spin_lock <-" "$w/trace.mnt" | sed 's/.*<-//' | sort | uniq -c | sort -nr | head -15
echo "== callers of aufs_override_creds (as the mounter) through aufs_rs"
grep " aufs_override_creds <-" "$w/trace.mnt" | sed 's/.*<-//' | sort | uniq -c | sort -nr | head -10
umount mnt omnt
rm -rf "$w"
