# The FHSM daemon follows the branches: mount.aufs with one fhsm branch
# starts none; a remount through mount.aufs that makes two starts it, one
# that leaves one stops it (aufs-util's mng_fhsm). The FHSM fd follows a
# remount that adds an fhsm branch (a record per fhsm branch above the
# lowest: EMSGSIZE for a buffer of one). With the module parameter brs=0
# (no bridN in sysfs) the daemon finds the branch by the index in the
# record and moves files down.
PATH=/tests/sbin:$PATH # mount.aufs, umount.aufs
trap 'umount.aufs mnt 2>/dev/null; umount t m b 2>/dev/null; rmmod aufs_rs 2>/dev/null; insmod /lib/modules/aufs_rs.ko' EXIT
d=$PWD
mkdir t m b mnt
mount -t tmpfs -o size=1m tmpfs t && mount -t tmpfs -o size=1m tmpfs m &&
	mount -t tmpfs -o size=1m tmpfs b || fail "tmpfs"
opts="xino=/tmp/.aufs189.xino"
mount.aufs none mnt -o "br=$d/t=rw+fhsm:$d/m=rw:$d/b=rw,$opts" || fail "mount.aufs"
run=/run/aufhsm/si_$(si_dir | sed 's/.*si_//')
[ -e "$run/pid" ] && fail "a daemon for one fhsm branch"
mount.aufs none mnt -o "remount,mod:$d/m=rw+fhsm" || fail "remount mod:m=rw+fhsm"
pid=$(cat "$run/pid" 2>/dev/null) && [ -d "/proc/$pid" ] || fail "no daemon after the remount"
mount.aufs none mnt -o "remount,mod:$d/m=rw" || fail "remount mod:m=rw"
wait_for test ! -d "/proc/$pid"
# The fd across a remount adding a third fhsm branch: records for t and m.
aufs-test fhsm mnt "open-nb,read,sleep=2000,small,read" >fd.out &
probe=$!
wait_for grep -qs '^read' fd.out
remount "mod:$d/m=rw+fhsm,mod:$d/b=rw+fhsm"
dd if=/dev/zero of=mnt/f bs=64k count=1 2>/dev/null
wait $probe
assert_eq "$(sed -n 2p fd.out)" "read EAGAIN" "one fhsm branch: nothing to read"
assert_eq "$(sed -n '3,4p' fd.out)" "small EMSGSIZE
read 1" "two fhsm branches above the lowest, one changed"
umount.aufs mnt || fail "umount.aufs"
# brs=0: the daemon without bridN.
rmmod aufs_rs || fail "rmmod"
insmod /lib/modules/aufs_rs.ko brs=0 || fail "insmod brs=0"
rm -f t/f
mount.aufs none mnt -o "br=$d/t=rw+fhsm:$d/m=rw+fhsm,$opts" || fail "mount.aufs brs=0"
run=/run/aufhsm/si_$(awk -v m="$d/mnt" '$2 == m { print $4 }' /proc/mounts | tr , '\n' | sed -n 's/^si=//p')
[ -e "$run/pid" ] || fail "no daemon with brs=0"
aufhsm -q mnt 20-5 || fail "aufhsm 20-5"
yes cold | head -c 262144 >mnt/cold # 25%
# The reports came while cold was open (a file in use does not move,
# EBUSY): one more, with cold closed, as the next write would.
echo x >mnt/trigger
# A move down copies first and removes the top copy last: wait for both.
moved() { [ -e m/cold ] && [ ! -e t/cold ]; }
wait_for moved
assert_eq "$(yes cold | head -c 262144 | md5sum)" "$(md5sum <mnt/cold)" "content after the move"
true
