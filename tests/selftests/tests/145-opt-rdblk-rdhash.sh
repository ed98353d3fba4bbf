# rdblk=N / rdhash=N size the first allocations of a merged listing (its
# name bytes and its entries; `def` or 0: grow from empty). The listing is
# the same whatever they are, at mount and after a remount changes them,
# and they show in /proc/mounts when set; values above 4 MiB of names or a
# million entries are refused (EINVAL, nothing changed).
shown() { grep " $PWD/mnt aufs " /proc/mounts | cut -d' ' -f4; }
mkdir rw l1 l2
aufs-test mkfiles l1 a 300 > /dev/null && aufs-test mkfiles l2 b 300 > /dev/null
aufs-test mkfiles l2 a 100 > /dev/null
aufs_mount "br=$PWD/rw=rw:$PWD/l1=ro:$PWD/l2=ro"
listing=$(ls mnt | md5sum)
assert_eq "$(ls mnt | wc -l)" 600 "merged entries"
remount "rdblk=65536,rdhash=4096"
shown | grep -q ",rdblk=65536,rdhash=4096" || fail "/proc/mounts lacks rdblk/rdhash"
assert_eq "$(ls mnt | md5sum)" "$listing" "listing with rdblk/rdhash"
remount "rdblk=1,rdhash=1"
assert_eq "$(ls mnt | md5sum)" "$listing" "listing with tiny rdblk/rdhash"
dmesg_clear
expect_errno EINVAL remount mnt "rdblk=4194305"
dmesg_expect 'bad value for option "rdblk"'
shown | grep -q ",rdblk=1,rdhash=1" || fail "a refused remount changed rdblk"
remount "rdblk=def,rdhash=def"
shown | grep -q "rdblk\|rdhash" && fail "def not shown"
assert_eq "$(ls mnt | md5sum)" "$listing" "listing with def"
umount mnt
