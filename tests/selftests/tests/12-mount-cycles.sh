# MOUNT_CYCLES (200) insmod/mount/umount/rmmod cycles work (the runner's
# final kmemleak scan checks that they leak nothing; check.sh runs 20 on
# Debian's kernel, which has no kmemleak).
mkdir b && echo data > b/f
rmmod aufs_rs || fail "initial rmmod"
i=0
while [ $i -lt "${MOUNT_CYCLES:-200}" ]; do
	insmod /lib/modules/aufs_rs.ko || fail "insmod #$i"
	aufs_mount "br=$PWD/b"
	cat mnt/f > /dev/null || fail "read #$i"
	ls mnt > /dev/null
	umount mnt || fail "umount #$i"
	rmmod aufs_rs || fail "rmmod #$i"
	i=$((i + 1))
done
insmod /lib/modules/aufs_rs.ko || fail "final insmod"
