# sum / wsum / nosum: statfs of the union adds up its branches' filesystems
# (sum: all, wsum: the writable ones, each filesystem once), or shows the
# first writable branch's (nosum, the default); at mount and at remount,
# shown in /proc/mounts when not the default.
mkdir a b c d
mount -t tmpfs -o size=1m tmpfs a && mount -t tmpfs -o size=3m tmpfs b
mount -t tmpfs -o size=5m tmpfs c && mount -t tmpfs -o size=2m tmpfs d
mkdir d/x d/y
blocks() { stat -f -c %b "$1"; }
A=$(blocks a) B=$(blocks b) C=$(blocks c) D=$(blocks d)
[ "$A" != "$B" ] && [ "$B" != "$C" ] || fail "tmpfs sizes not distinct ($A $B $C)"
BR="br=$PWD/a=rw:$PWD/b=ro:$PWD/c=rw:$PWD/d/x=ro:$PWD/d/y=ro"
shown() { grep " $PWD/mnt aufs " /proc/mounts | cut -d' ' -f4; }

aufs_mount "$BR"
assert_eq "$(blocks mnt)" "$A" "nosum: the first writable branch"
case "$(shown)" in *sum*) fail "nosum is the default, not shown: $(shown)" ;; esac
remount sum
assert_eq "$(blocks mnt)" "$((A + B + C + D))" "sum: every filesystem once"
case "$(shown)" in *,sum*) ;; *) fail "/proc/mounts lacks sum: $(shown)" ;; esac
free_before=$(stat -f -c %f mnt)
dd if=/dev/zero of=c/big bs=4k count=128 2>/dev/null
assert_eq "$(stat -f -c %f mnt)" "$((free_before - 128))" "sum: free blocks follow a branch"
remount wsum
assert_eq "$(blocks mnt)" "$((A + C))" "wsum: the writable branches"
case "$(shown)" in *,wsum*) ;; *) fail "/proc/mounts lacks wsum: $(shown)" ;; esac
remount nosum
assert_eq "$(blocks mnt)" "$A" "nosum again"
case "$(shown)" in *sum*) fail "nosum shown: $(shown)" ;; esac
assert_eq "$(aufs-test statfs mnt)" "type=61756673 namelen=242" "magic and name length"
umount mnt

aufs_mount "$BR,wsum"
assert_eq "$(blocks mnt)" "$((A + C))" "wsum at mount"
umount mnt
# No writable branch at all: wsum falls back to branch 0.
aufs_mount "br=$PWD/b=ro:$PWD/c=ro,wsum"
assert_eq "$(blocks mnt)" "$B" "wsum without a writable branch"
umount mnt
umount a b c d
