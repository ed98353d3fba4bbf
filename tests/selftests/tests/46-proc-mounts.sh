# /proc/mounts: 'none MNT aufs rw,relatime,si=ID' plus only the options that
# differ from their defaults; mountinfo agrees.
mkdir b
aufs_mount "br=$PWD/b"
line=$(grep " $PWD/mnt aufs " /proc/mounts)
echo "$line" | grep -qE "^none $PWD/mnt aufs rw,relatime,si=[0-9a-f]+ 0 0$" || fail "line: $line"
id=${line##*si=}; id=${id%% *}
[ -d "/sys/fs/aufs/si_$id" ] || fail "no sysfs dir for si=$id"
grep " $PWD/mnt " /proc/self/mountinfo | grep -q " aufs none rw,si=$id$" || fail "mountinfo: $(grep " $PWD/mnt " /proc/self/mountinfo)"
umount mnt
aufs_mount "br=$PWD/b,xino=/tmp/.aufs.xino"
grep " $PWD/mnt aufs " /proc/mounts | grep -q xino= && fail "default xino shown"
umount mnt
aufs_mount "br=$PWD/b,xino=/dev/shm/x,trunc_xino"
grep " $PWD/mnt aufs " /proc/mounts | grep -q ",xino=/dev/shm/x,trunc_xino 0 0$" || fail "non-default options"
true
