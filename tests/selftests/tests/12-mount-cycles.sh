# MOUNT_CYCLES (200) insmod/mount/umount/rmmod cycles work (the runner's
# final kmemleak scan checks that they leak nothing; check.sh runs 50 on
# the test kernel, 20 on Debian's, which has no kmemleak).
mkdir b mnt && echo data > b/f
rmmod aufs_rs || fail "initial rmmod"
# In one process: a shell's six commands a cycle cost more than the cycle.
r=$(aufs-test module-cycles /lib/modules/aufs_rs.ko "$PWD/b" "$PWD/mnt" "${MOUNT_CYCLES:-200}")
[ "$r" = ok ] || fail "$r"
insmod /lib/modules/aufs_rs.ko || fail "final insmod"
