# coo_reg / coo_all ("copy-up on open", aufs's au_cmoo): opening an object
# whose top object lives on a branch with the attribute copies it up to the
# nearest writable branch above, even for reading. coo_reg: regular files
# only; coo_all: dirs too (an opendir). The lower object stays; the inode
# number stays; a branch with no writable branch above (or a read-only
# mount) opens in place; a copy-up that fails (ENOSPC) fails the open and
# changes nothing.
d=$PWD
mkdir up mid lo && mkdir -p lo/d/sub && echo data >lo/d/f && echo top >lo/g
echo m >mid/m
aufs_mount "br=$d/up=rw:$d/mid=rw:$d/lo=ro+coo_reg"
ino=$(stat -c %i mnt/d/f)
[ -e up/d/f ] && fail "copied before any open"
stat mnt/d/f >/dev/null
[ -e up/d/f ] && fail "stat copied up"
assert_eq "$(cat mnt/d/f)" data "read through the union"
# The nearest writable branch above lo is mid.
[ -f mid/d/f ] || fail "cat did not copy d/f up to mid: $(ls -R mid)"
[ -e up/d/f ] && fail "copied to up, not the nearest writable branch"
assert_eq "$(cat mid/d/f)" data "the copy"
assert_eq "$(cat lo/d/f)" data "the lower file stays"
assert_eq "$(stat -c %i mnt/d/f)" "$ino" "inode number after the copy-up"
ls mnt/d >/dev/null
[ -e mid/d/sub ] && fail "coo_reg copied a dir up"
# A file on a branch without the attribute opens in place.
cat mnt/m >/dev/null
[ -e up/m ] && fail "mid has no coo attribute"
umount mnt
# coo_all: opendir copies the dir (not its entries); files too.
rm -rf mid/d
aufs_mount "br=$d/up=rw:$d/lo=ro+coo_all"
ls mnt/d/sub >/dev/null
[ -d up/d/sub ] || fail "coo_all: ls did not copy the dir up"
[ -e up/d/f ] && fail "coo_all: ls copied an entry"
cat mnt/g >/dev/null
[ -f up/g ] || fail "coo_all: cat did not copy the file up"
umount mnt
rm -rf up/d up/g
# Hardlinks: the other name of a copied file opens the copy through the
# pseudo-link (.wh..wh.plnk): one inode, no second copy.
echo hl >lo/h1 && ln lo/h1 lo/h2
aufs_mount "br=$d/up=rw:$d/lo=ro+coo_reg"
cat mnt/h1 >/dev/null
[ -f up/h1 ] || fail "h1 not copied up"
echo changed >up/h1
assert_eq "$(cat mnt/h2)" changed "the other name reads the copy"
[ -e up/h2 ] && fail "a second copy for the other name"
assert_eq "$(stat -c %i mnt/h1)" "$(stat -c %i mnt/h2)" "one union inode number"
umount mnt
rm -f up/h1 up/h2
# coo on a rw lower branch: copied up to the rw branch above.
echo own >mid/own
aufs_mount "br=$d/up=rw:$d/mid=rw+coo_reg"
cat mnt/own >/dev/null
assert_eq "$(cat up/own 2>/dev/null)" own "rw+coo_reg copies up too"
assert_eq "$(cat mid/own)" own "and keeps the original"
umount mnt
# Nothing writable above: opened in place, no error.
aufs_mount "br=$d/lo=ro+coo_all:$d/up=rw"
assert_eq "$(cat mnt/g)" top "no writable branch above"
ls mnt/d >/dev/null || fail "opendir without a branch above"
umount mnt
mount -t aufs -o "ro,br=$d/up=rw:$d/lo=ro+coo_reg" none mnt || fail "ro mount"
assert_eq "$(cat mnt/g)" top "read-only mount"
[ -e up/g ] && fail "copied on a read-only mount"
umount mnt
# remount mod: gives and takes the attribute.
aufs_mount "br=$d/up=rw:$d/lo=ro"
cat mnt/g >/dev/null
[ -e up/g ] && fail "copied without the attribute"
remount "mod:$d/lo=ro+coo_reg"
cat mnt/g >/dev/null
[ -f up/g ] || fail "mod:ro+coo_reg did not take effect"
remount "mod:$d/lo=ro"
cat mnt/d/f >/dev/null
[ -e up/d/f ] && fail "copied after mod took the attribute away"
umount mnt
# A copy-up that does not fit fails the open and leaves no trace.
mkdir small && mount -t tmpfs -o size=64k none small
dd if=/dev/zero of=lo/big bs=1k count=256 2>/dev/null
aufs_mount "br=$d/small=rw:$d/lo=ro+coo_reg"
before=$(ls -aR small)
assert_eq "$(aufs-test open-errno mnt/big r)" ENOSPC "open of a file too big for the branch above"
assert_eq "$(ls -aR small)" "$before" "the writable branch after the failed open"
assert_eq "$(stat -c %s mnt/big)" 262144 "the union still shows the lower file"
umount mnt
umount small
