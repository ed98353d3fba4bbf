# aufhsm end to end: three small tmpfs branches rw+fhsm mounted by
# mount.aufs, which starts the daemon; the top filled past its upper
# watermark (60-30), the daemon moves its coldest files (atime) down until
# it is at or below 30%; the middle one (40-10) filled past 40% by those
# moves goes first to the bottom, as aufs-util's daemon does. The union
# shows every file with the same content and inode number throughout;
# umount.aufs stops the daemon. aufhsm's watermark syntax and errors.
PATH=/tests/sbin:$PATH # mount.aufs, umount.aufs
trap 'umount.aufs mnt 2>/dev/null; umount t m b 2>/dev/null' EXIT
d=$PWD
mkdir t m b mnt
mount -t tmpfs -o size=1m tmpfs t && mount -t tmpfs -o size=1m tmpfs m &&
	mount -t tmpfs -o size=2m tmpfs b || fail "tmpfs"
mount.aufs none mnt -o "br=$d/t=rw+fhsm:$d/m=rw+fhsm:$d/b=rw+fhsm,xino=/tmp/.aufs188.xino" ||
	fail "mount.aufs"
si=$(si_dir | sed 's/.*si_//')
run=/run/aufhsm/si_$si
pid=$(cat "$run/pid") && [ -d "/proc/$pid" ] || fail "mount.aufs started no daemon"
# Watermarks: none reached while the files are made.
aufhsm -q mnt 100-100 || fail "aufhsm 100-100"
content() { yes "file $1" | head -c 98304; } # 24 pages
for i in 1 2 3 4 5 6 7 8; do
	content $i >mnt/f$i
	touch -d "2020-01-0$i 00:00:00" mnt/f$i # f1 the coldest
	eval "ino$i=$(stat -c %i mnt/f$i)"
done
[ "$(ls t | grep -c '^f')" = 8 ] || fail "the files are not all on the top: $(ls t)"
out=$(aufhsm mnt 60-30) || fail "aufhsm 60-30"
assert_eq "$(echo "$out" | head -n 2)" "mnt, 3 watermark(s)
$d/t, $(cat "$(si_dir)/brid0"), 60.00-30.00 0.00-0.00" "aufhsm's listing"
aufhsm -q mnt "$d/m=40-10" || fail "aufhsm m=40-10"
assert_eq "$(cat /proc/$pid/comm 2>/dev/null)" aufhsm "the daemon kept running"
# A write that takes a block: the union reports the top, now 75% used.
echo trigger >mnt/trigger
on_bottom() { [ "$(ls b | grep -c '^f')" = 4 ] || { [ $((t % 50)) = 49 ] && cat "$run/log"; false; }; }
wait_for on_bottom
sleep 0.5 # the daemon's last moves
assert_eq "$(ls b | grep '^f' | tr '\n' ' ')" "f1 f2 f3 f4 " "the coldest, via the middle, on the bottom"
assert_eq "$(ls m | grep '^f' | tr '\n' ' ')" "f5 " "the middle, at or below 10% again"
assert_eq "$(ls t | grep '^f' | tr '\n' ' ')" "f6 f7 f8 " "the warmest on the top"
used=$(stat -f -c '%b %a' t | awk '{ print int(100 * ($1 - $2) / $1) }')
[ "$used" -le 30 ] || fail "the top is $used% used"
for i in 1 2 3 4 5 6 7 8; do
	assert_eq "$(stat -c %i mnt/f$i)" "$(eval echo \$ino$i)" "st_ino of f$i"
	assert_eq "$(md5sum <mnt/f$i)" "$(content $i | md5sum)" "content of f$i"
done
assert_eq "$(cat mnt/trigger)" trigger "the new file"
# aufhsm's input errors, and too few fhsm branches.
aufhsm -q mnt 30-60 2>/dev/null && fail "30-60 accepted"
aufhsm -q mnt "$d/nosuch=60-30" 2>/dev/null && fail "an unknown branch accepted"
umount.aufs mnt || fail "umount.aufs"
wait_for test ! -d "/proc/$pid"
[ -e "$run/pid" ] && fail "the pid file is left"
mount.aufs none mnt -o "br=$d/t=rw+fhsm:$d/m=rw,xino=/tmp/.aufs188.xino" || fail "mount.aufs, one fhsm"
aufhsm -q mnt 2>/dev/null && fail "aufhsm with one fhsm branch"
[ -e "/run/aufhsm/si_$(si_dir | sed 's/.*si_//')/pid" ] && fail "a daemon for one fhsm branch"
true
