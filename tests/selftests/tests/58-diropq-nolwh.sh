# diropq=w (default): a new dir is opaque only where a whiteout was;
# diropq=a: every new dir is opaque. rw+nolwh: whiteouts are plain files,
# not links to the base file.
mkdir rw ro && echo x > ro/x
aufs_mount "br=$PWD/rw=rw:$PWD/ro=ro"
mkdir mnt/plain && [ -e rw/plain/.wh..wh..opq ] && fail "diropq=w made a plain new dir opaque"
umount mnt
aufs_mount "br=$PWD/rw=rw:$PWD/ro=ro,diropq=a"
grep " $PWD/mnt aufs " /proc/mounts | grep -q ',diropq=a' || fail "diropq=a not in /proc/mounts"
mkdir mnt/always && [ -f rw/always/.wh..wh..opq ] || fail "diropq=a: new dir not opaque"
umount mnt
aufs_mount "br=$PWD/rw=rw+nolwh:$PWD/ro=ro"
assert_eq "$(cat /sys/fs/aufs/si_*/br0)" "$PWD/rw=rw+nolwh" "br0"
rm mnt/x || fail "rm"
[ -f rw/.wh.x ] || fail "no whiteout"
assert_eq "$(stat -c %h rw/.wh.x)" 1 "nolwh whiteout is a plain file"
[ -e mnt/x ] && fail "whited-out file visible"
true
