# The ordinary options at remount, alone and with branch edits: xino=PATH
# moves the xino tables (inode numbers stay; xi_path and /proc/mounts
# follow), noxino drops them, trunc_xino and diropq=a take effect; xino= on
# a noxino mount makes new tables (selftest 154 checks the numbers), and
# one in a dir that does not exist fails and changes nothing.
mkdir rw l1 x xd1 xd2 && echo one > l1/one && echo xf > x/xf
aufs_mount "br=$PWD/rw=rw:$PWD/l1=ro,xino=$PWD/xd1/aufs.xino"
S=$(ls -d /sys/fs/aufs/si_*)
P=$PWD
echo new > mnt/new
ino_one=$(stat -c %i mnt/one) && ino_new=$(stat -c %i mnt/new)
mount -o "remount,xino=$P/xd2/aufs.xino,append:$P/x" mnt || fail "remount xino= with an edit"
assert_eq "$(cat "$S/xi_path")" "$P/xd2/aufs.xino" "xi_path after the move"
grep -q " $P/mnt aufs .*,xino=$P/xd2/aufs.xino" /proc/mounts || fail "/proc/mounts shows the new xino"
assert_eq "$(cat "$S/br2")" "$P/x=ro" "x appended in the same remount"
for n in 1 2 3; do echo 3 > /proc/sys/vm/drop_caches; done
assert_eq "$(stat -c %i mnt/one) $(stat -c %i mnt/new)" "$ino_one $ino_new" "inode numbers after the move"
echo later > mnt/later
[ "$(stat -c %i mnt/later)" != "$ino_one" ] || fail "a new file reuses a kept number"
ino_xf=$(stat -c %i mnt/xf)
for n in 1 2 3; do echo 3 > /proc/sys/vm/drop_caches; done
assert_eq "$(stat -c %i mnt/xf)" "$ino_xf" "number of a file of the appended branch"

mount -o "remount,trunc_xino,diropq=a" mnt || fail "remount trunc_xino,diropq=a"
grep " $P/mnt " /proc/mounts | grep -q "trunc_xino,diropq=a" || fail "/proc/mounts shows trunc_xino,diropq=a"
mkdir mnt/d && [ -e rw/d/.wh..wh..opq ] || fail "diropq=a: a new dir is opaque"
mount -o "remount,notrunc_xino,diropq=w" mnt || fail "remount back"
grep " $P/mnt " /proc/mounts | grep -q "diropq" && fail "diropq=w is the default, not shown"

mount -o "remount,noxino" mnt || fail "remount noxino"
assert_eq "$(cat "$S/xi_path")" "" "xi_path with noxino"
grep -q " $P/mnt aufs .*,noxino" /proc/mounts || fail "/proc/mounts shows noxino"
echo after > mnt/after && [ "$(cat mnt/after)" = after ] || fail "union works after noxino"
dmesg_clear
expect_errno ENOENT remount mnt "xino=$P/nodir/aufs.xino"
dmesg_expect "xino \"$P/nodir/aufs.xino\""
assert_eq "$(cat "$S/xi_path")" "" "still noxino"
grep -q " $P/mnt aufs .*,noxino" /proc/mounts || fail "/proc/mounts still shows noxino"
mount -o "remount,xino=$P/xd1/aufs.xino" mnt || fail "remount xino= on a noxino mount"
assert_eq "$(cat "$S/xi_path")" "$P/xd1/aufs.xino" "xi_path after xino= on a noxino mount"
grep -q " $P/mnt aufs .*,xino=$P/xd1/aufs.xino" /proc/mounts || fail "/proc/mounts shows the xino again"
