# shwh: a read-only union shows the whiteouts (.wh.NAME) as files, and they
# can be looked up, while NAME stays hidden below; aufs's internal
# .wh..wh.* names stay hidden. Refused on a writable mount (at mount and by
# a remount to rw); noshwh hides them again.
shown() { grep " $PWD/mnt aufs " /proc/mounts | cut -d' ' -f4; }
mkdir rw ro && echo low > ro/gone && echo keep > ro/keep
aufs_mount "br=$PWD/rw=rw:$PWD/ro=ro"
rm mnt/gone && mkdir mnt/d
umount mnt
[ -e rw/.wh.gone ] || fail "no whiteout made"
dmesg_clear
mkdir -p mnt
expect_errno EINVAL mount aufs none mnt "br=$PWD/rw=rw:$PWD/ro=ro,shwh"
dmesg_expect "shwh needs a read-only mount"

mount -t aufs -o "ro,br=$PWD/rw=ro+wh:$PWD/ro=ro,shwh" none mnt || fail "ro mount with shwh"
shown | grep -q ",shwh" || fail "/proc/mounts lacks shwh"
assert_eq "$(ls -A mnt | tr '\n' ' ')" ".wh.gone d keep " "whiteout listed, name still hidden"
[ -e mnt/gone ] && fail "whited-out name visible with shwh"
[ -f mnt/.wh.gone ] || fail "whiteout cannot be looked up"
assert_eq "$(stat -c %s mnt/.wh.gone)" 0 "whiteout is an empty file"
expect_errno EPERM open-errno mnt/.wh..wh.plnk r
dmesg_clear
mount -o remount,rw mnt 2>/dev/null && fail "remount rw with shwh"
dmesg_expect "shwh needs a read-only mount"
shown | grep -q "^ro," || fail "still read-only"
remount ro,noshwh
assert_eq "$(ls -A mnt | tr '\n' ' ')" "d keep " "noshwh hides the whiteout"
expect_errno EPERM open-errno mnt/.wh.gone r
shown | grep -q "shwh" && fail "noshwh is the default, not shown"
remount ro,shwh
assert_eq "$(ls -A mnt | tr '\n' ' ')" ".wh.gone d keep " "shwh again at remount"
umount mnt
