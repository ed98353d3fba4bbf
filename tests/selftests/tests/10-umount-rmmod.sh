# rmmod is refused while a union is mounted; after umount it unloads, and the
# type comes back with insmod.
mkdir b
aufs_mount "br=$PWD/b"
rmmod aufs_rs 2>/dev/null && fail "rmmod succeeded while mounted"
grep -q '^aufs_rs ' /proc/modules || fail "module gone while mounted"
umount mnt || fail "umount"
rmmod aufs_rs || fail "rmmod after umount"
grep -q aufs /proc/filesystems && fail "type still registered after rmmod"
insmod /lib/modules/aufs_rs.ko || fail "insmod again"
aufs_mount "br=$PWD/b"
