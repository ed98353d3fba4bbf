# Remount: the generic ro/rw flags work; a bad branch list is refused
# (EINVAL) and leaves the mount as it was.
mkdir b c && echo x > b/f
aufs_mount "br=$PWD/b"
mount -o remount,ro mnt || fail "remount ro"
grep " $PWD/mnt aufs ro," /proc/mounts > /dev/null || fail "not ro after remount"
mount -o remount,rw mnt || fail "remount rw"
dmesg_clear
mount -o "remount,br=$PWD/c=xx" mnt 2>/dev/null && fail "bad branch list at remount accepted"
dmesg_expect 'unknown branch permission "xx"'
assert_eq "$(cat /sys/fs/aufs/si_*/br0)" "$PWD/b=rw" "branches unchanged"
assert_eq "$(cat mnt/f)" x "still readable"
