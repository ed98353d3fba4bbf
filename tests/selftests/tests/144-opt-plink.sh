# plink (the default) / noplink / list_plink. With noplink, copying up one
# name of a hardlinked lower file makes no pseudo-link: the other name keeps
# showing the lower original (its data and inode number), as aufs without
# plinks. list_plink logs the pseudo-links of each branch.
shown() { grep " $PWD/mnt aufs " /proc/mounts | cut -d' ' -f4; }
mkdir rw ro && echo one > ro/x && ln ro/x ro/y && echo p > ro/p && ln ro/p ro/q
aufs_mount "br=$PWD/rw=rw:$PWD/ro=ro,noplink"
shown | grep -q ",noplink" || fail "/proc/mounts lacks noplink"
ino=$(stat -c %i mnt/x)
echo two >> mnt/x || fail "append (copy-up)"
assert_eq "$(cat mnt/x | tr '\n' ' ')" "one two " "the copied name"
assert_eq "$(cat mnt/y)" one "noplink: the other name shows the lower file"
echo 3 > /proc/sys/vm/drop_caches
assert_eq "$(cat mnt/y)" one "noplink: after drop_caches too"
assert_eq "$(ls rw/.wh..wh.plnk | wc -l)" 0 "noplink: no pseudo-link made"
[ "$(stat -c %i mnt/y)" = "$ino" ] || fail "the lower name keeps its number"

remount plink
shown | grep -q "plink" && fail "plink is the default, not shown"
echo more >> mnt/p || fail "append with plink"
assert_eq "$(cat mnt/q | tr '\n' ' ')" "p more " "plink: the other name sees the copy"
pino=$(stat -c %i mnt/p)
[ -f "rw/.wh..wh.plnk/$pino" ] || fail "no pseudo-link named $pino"
dmesg_clear
remount list_plink
dmesg_expect "list_plink: branch 0: 1 pseudo-link(s): $pino"
umount mnt

dmesg_clear
aufs_mount "br=$PWD/rw=rw:$PWD/ro=ro,list_plink"
dmesg_expect "list_plink: branch 0: 1 pseudo-link(s): $pino"
umount mnt
