# The xino table lives in the directory of the xino path as an unnamed
# (already unlinked) file: it takes space there while mounted, never shows up
# as a name, and is freed at umount. The default path is /tmp/.aufs.xino.
# A first look at a file writes nothing there (issue 18): new entries wait
# in memory, 256 at a time, and their numbers hold across cache drops.
mkdir b xi && mount -t tmpfs -o size=4m tmpfs xi
aufs-test mkfiles b f 2000
aufs_mount "br=$PWD/b"
assert_eq "$(cat /sys/fs/aufs/si_*/xi_path)" /tmp/.aufs.xino "default xi_path"
[ -e /tmp/.aufs.xino ] && fail "default xino file is visible"
umount mnt
used() { df -k xi | awk 'NR == 2 {print $3}'; }
assert_eq "$(used)" 0 "empty xino fs"
aufs_mount "br=$PWD/b,xino=$PWD/xi/aufs.xino"
assert_eq "$(cat /sys/fs/aufs/si_*/xi_path)" "$PWD/xi/aufs.xino" "xi_path"
few=$(ls b | head -n 10)
nums() { for f in $few; do stat -c %i "mnt/$f"; done; }
before=$(nums)
echo 2 >/proc/sys/vm/drop_caches
assert_eq "$(nums)" "$before" "numbers of 10 files after a cache drop"
assert_eq "$(used)" 0 "xino space after 10 first looks"
ls -l mnt > /dev/null   # numbers every entry
[ "$(used)" -gt 0 ] || fail "xino table takes no space in its dir"
assert_eq "$(ls -A xi | wc -l)" 0 "names in the xino dir"
umount mnt
assert_eq "$(used)" 0 "xino space after umount"
