# Remount: the generic ro/rw flags work; aufs option changes are refused
# (EINVAL) for now and leave the mount as it was.
mkdir b c && echo x > b/f
aufs_mount "br=$PWD/b"
mount -o remount,ro mnt || fail "remount ro"
grep " $PWD/mnt aufs ro," /proc/mounts > /dev/null || fail "not ro after remount"
mount -o remount,rw mnt || fail "remount rw"
dmesg_clear
mount -o "remount,br=$PWD/c" mnt 2>/dev/null && fail "branch change at remount accepted"
dmesg_expect "not implemented yet"
assert_eq "$(cat /sys/fs/aufs/si_*/br0)" "$PWD/b=rw" "branches unchanged"
assert_eq "$(cat mnt/f)" x "still readable"
