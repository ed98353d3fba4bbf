# umount while the FHSM daemon holds its fd: the fd holds the FHSM state,
# never the superblock, so umount succeeds and frees the union; the
# waiting daemon wakes (poll: readable) and reads end of file (0), as
# aufs's fd does after au_fhsm_fin. The fd keeps the module loaded (rmmod
# fails while it is open, succeeds after). No splat, no leak (kmemleak).
trap 'umount mnt 2>/dev/null; umount a b 2>/dev/null; lsmod | grep -q aufs_rs || insmod /lib/modules/aufs_rs.ko' EXIT
mkdir a b
mount -t tmpfs -o size=2m tmpfs a && mount -t tmpfs -o size=2m tmpfs b || fail "tmpfs"
d=$PWD
aufs_mount "br=$d/a=rw+fhsm:$d/b=rw+fhsm,xino=/tmp/.aufs187.xino"
echo data >mnt/f
# A daemon waiting in poll when the union goes away.
aufs-test fhsm mnt "open-nb,read,poll=20000,read,read,sleep=3000,close" >wait.out &
pid=$!
wait_for grep -qs '^rec' wait.out
umount mnt || fail "umount with the FHSM fd open"
grep -q " $d/mnt " /proc/mounts && fail "still mounted"
wait_for grep -qs '^read 0' wait.out
assert_eq "$(sed -n '4,6p' wait.out)" "poll in
read 0
read 0" "after umount: readable, end of file"
# The open fd pins the module.
rmmod aufs_rs 2>/dev/null && fail "rmmod succeeded while an FHSM fd was open"
wait $pid
rmmod aufs_rs || fail "rmmod after the fd was closed"
insmod /lib/modules/aufs_rs.ko || fail "insmod"
# Closed before umount, and umount from inside the probe (the root it used
# for the ioctl closed first): the same end.
aufs_mount "br=$d/a=rw+fhsm:$d/b=rw+fhsm,xino=/tmp/.aufs187.xino"
out=$(aufs-test fhsm mnt "open,read,umount=$d/mnt,poll=0,read")
assert_eq "$(echo "$out" | sed -n '1,2p;4,6p')" "open ok
read 1
umount ok
poll in
read 0" "umount from the daemon itself"
aufs_mount "br=$d/a=rw+fhsm:$d/b=rw+fhsm,xino=/tmp/.aufs187.xino"
assert_eq "$(cat mnt/f)" data "the union again"
assert_eq "$(aufs-test fhsm mnt "open,close,open")" "open ok
open ok" "a new fd after the last closed"
true
