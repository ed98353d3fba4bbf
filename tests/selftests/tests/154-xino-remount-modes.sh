# Inode numbers across remounts that drop the xino tables (noxino) and make
# new ones (xino= on a noxino mount): two live objects never share a number
# (before the mount kept one number source, a file made after `noxino` got
# the number of a file still open), and once the tables are back, numbers
# hold across cache drops again, also for a file first seen without them.
mkdir b xd
for i in 1 2 3 4 5; do echo "$i" > b/f$i; done
aufs_mount "br=$PWD/b"
P=$PWD
S=$(si_dir)
# live_numbers NAMES...: the numbers of NAMES (held open by the caller).
numbers() {
	for n in "$@"; do stat -c %i "mnt/$n"; done
}
# all_distinct WHAT NUMBERS...: no number twice.
all_distinct() {
	what=$1
	shift
	dup=$(for n in "$@"; do echo "$n"; done | sort | uniq -d)
	[ -z "$dup" ] || fail "$what: number(s) $(echo $dup) held by two live objects ($*)"
}
exec 3<mnt/f1 4<mnt/f2 5<mnt/f3
held_xino=$(numbers f1 f2 f3)
mount -o "remount,noxino" mnt || fail "remount noxino"
grep -q " $P/mnt aufs .*,noxino" /proc/mounts || fail "/proc/mounts shows noxino"
for i in 1 2 3 4 5; do echo "n$i" > mnt/n$i; done
exec 6<mnt/n1 7<mnt/n2 8<mnt/n3 9<mnt/f4
assert_eq "$(numbers f1 f2 f3)" "$held_xino" "numbers of open files across noxino"
all_distinct "after noxino" $(numbers f1 f2 f3 f4 n1 n2 n3)

mount -o "remount,xino=$P/xd/aufs.xino" mnt || fail "remount xino= on a noxino mount"
assert_eq "$(cat "$S/xi_path")" "$P/xd/aufs.xino" "xi_path"
grep -q " $P/mnt aufs .*,xino=$P/xd/aufs.xino" /proc/mounts || fail "/proc/mounts shows xino="
for i in 1 2 3 4 5; do echo "m$i" > mnt/m$i; done
live=$(numbers f1 f2 f3 f4 n1 n2 n3 m1 m2 m3 m4 m5)
all_distinct "after xino=" $live
# With tables again: numbers hold across cache drops, for a new file and
# for one made while there were none (n5, not held open).
m4=$(stat -c %i mnt/m4) n5=$(stat -c %i mnt/n5) f5=$(stat -c %i mnt/f5)
for n in 1 2; do echo 2 > /proc/sys/vm/drop_caches; done
assert_eq "$(stat -c %i mnt/m4) $(stat -c %i mnt/n5) $(stat -c %i mnt/f5)" "$m4 $n5 $f5" \
	"numbers across a cache drop after xino="
all_distinct "after the drop" $(numbers f1 f2 f3 f4 n1 n2 n3 m1 m2 m3 m4 m5 n5 f5)
# The files held open through both remounts keep their numbers.
assert_eq "$(numbers f1 f2 f3)" "$held_xino" "numbers of open files across both remounts"

# Back and forth once more, with files still open from every phase.
mount -o "remount,noxino" mnt || fail "second noxino"
for i in 1 2 3; do echo "p$i" > mnt/p$i; done
all_distinct "after the second noxino" $(numbers f1 f2 f3 f4 n1 n2 n3 p1 p2 p3)
mount -o "remount,xino=$P/xd/aufs.xino" mnt || fail "second xino="
for i in 1 2 3; do echo "q$i" > mnt/q$i; done
all_distinct "after the second xino=" $(numbers f1 f2 f3 f4 n1 n2 n3 p1 p2 p3 q1 q2 q3)
for i in 1 2 3 4 5; do assert_eq "$(cat mnt/m$i)" "m$i" "content of m$i"; done
exec 3<&- 4<&- 5<&- 6<&- 7<&- 8<&- 9<&-
umount mnt || fail "umount"

# noxino: an evicted inode gives its number back, so numbers stay low
# across cache drops (none is lost: 300 files looked at three times keep
# to the lowest 300 or so numbers).
mkdir many
aufs-test mkfiles many f 300 >/dev/null || fail "mkfiles"
aufs_mount "br=$PWD/many,noxino"
for n in 1 2 3; do
	echo 2 > /proc/sys/vm/drop_caches
	max=$(stat -c %i mnt/* | sort -n | tail -n1)
	[ "$max" -lt $((11 + 300 + 50)) ] || fail "pass $n: numbers up to $max for 300 files (numbers not given back)"
done
umount mnt || fail "umount noxino"
