# issue 15: `dio`/`nodio`, aufs's direct I/O. Without dio (the default) the
# union refuses O_DIRECT, at open and with fcntl(F_SETFL), with EINVAL and
# copies nothing up; with dio, O_DIRECT passes through to the branch file:
# reads and writes go to the device, bypassing the page cache of the union
# and of the branch (checked with mincore on the branch file, with a device
# image that holds the written data before any sync, and with ext2's EINVAL
# for a misaligned buffer). The branches are ext2 on a loop device; a branch
# filesystem without direct I/O (ramfs) refuses it under dio too (tmpfs has
# direct I/O since Linux 6.6). Remount toggles dio; /proc/mounts shows it
# when on.
# Debian's guest has neither ext2 nor ext4 (modules): there the branches
# are on tmpfs (direct I/O accepted, served from its page cache) and the
# checks of the device and the page cache are left out.
mkdir x
fstype=ext2
grep -qw $fstype /proc/filesystems || fstype=tmpfs
V=/proc/sys/vm
old_wb=$(cat $V/dirty_writeback_centisecs) old_exp=$(cat $V/dirty_expire_centisecs)
trap 'echo $old_wb >$V/dirty_writeback_centisecs; echo $old_exp >$V/dirty_expire_centisecs' EXIT
echo 0 >$V/dirty_writeback_centisecs
echo 360000 >$V/dirty_expire_centisecs
if [ $fstype = ext2 ]; then
	truncate -s 16M img || fail "image"
	dev=$(losetup -f) && losetup "$dev" img || fail "losetup"
	mke2fs -b 4096 "$dev" >/dev/null 2>&1 || fail "mke2fs"
	mount -t ext2 "$dev" x || fail "mount ext2"
else
	mount -t tmpfs none x || fail "mount tmpfs"
fi
blk() { [ $fstype = ext2 ]; }
mkdir x/up x/lo
echo lower-f > x/lo/f
echo lower-g > x/lo/g
sync
P=$PWD
aufs_mount "br=$P/x/up=rw:$P/x/lo=ro"
mine() { grep " $P/mnt aufs " /proc/mounts; }
token() { head -c 12 /dev/urandom | md5sum | cut -c1-24; }

# nodio: refused, nothing copied up
mine | grep -q ',dio' && fail "dio shown by default"
expect_errno EINVAL direct mnt/f read -
expect_errno EINVAL direct mnt/f setfl -
expect_errno EINVAL direct mnt/g write x
[ -e x/up/g ] && fail "a refused O_DIRECT open for write copied the file up"
assert_eq "$(cat mnt/f)" lower-f "buffered read without dio"

remount dio
mine | grep -q ',dio' || fail "/proc/mounts shows dio"

# O_DIRECT read of a lower file: the branch file's pages stay out of the
# page cache (a buffered read then brings them in: the premise)
echo 3 >$V/drop_caches
assert_eq "$(aufs-test direct mnt/f read -)" lower-f "O_DIRECT read of a lower file"
if blk; then
	assert_eq "$(aufs-test cached x/lo/f)" 0 "the O_DIRECT read used the branch's page cache"
	expect_errno EINVAL direct mnt/f unaligned -
fi
assert_eq "$(aufs-test direct mnt/f setfl -)" lower-f "read after fcntl(F_SETFL, O_DIRECT)"
if blk; then
	assert_eq "$(aufs-test cached x/lo/f)" 0 "the read after F_SETFL used the page cache"
	cat mnt/f >/dev/null
	assert_eq "$(aufs-test cached x/lo/f)" 1 "premise: a buffered read fills the branch's page cache"
fi

# O_DIRECT write: copies the file up, and the data is on the device at once
t=$(token)
echo "$t" > mnt/buffered
blk && grep -q "$t" img && fail "premise: buffered data reached the device before a sync"
t=$(token)
expect_errno ok direct mnt/g write "$t"
[ -f x/up/g ] || fail "the O_DIRECT write did not copy g up"
assert_eq "$(head -n 1 x/lo/g)" lower-g "the lower g is unchanged"
blk && { grep -q "$t" img || fail "the O_DIRECT write did not reach the device"; }
assert_eq "$(head -n 1 mnt/g)" "$t" "g through the union after the O_DIRECT write"
assert_eq "$(aufs-test direct mnt/g read -)" "$t" "O_DIRECT read of the copied-up file"

# a branch filesystem without direct I/O refuses it under dio too
mkdir r rmnt && mount -t ramfs none r || fail "mount ramfs"
echo ram > r/f
mount -t aufs -o "br=$P/r,dio" none rmnt || fail "mount a ramfs branch with dio"
expect_errno EINVAL direct r/f read -
expect_errno EINVAL direct rmnt/f read -
assert_eq "$(cat rmnt/f)" ram "buffered read of the ramfs branch"
umount rmnt && umount r

remount nodio
mine | grep -q ',dio' && fail "nodio still shown"
expect_errno EINVAL direct mnt/f read -

# dio at mount time
umount mnt || fail "umount"
aufs_mount "br=$P/x/up=rw:$P/x/lo=ro,dio"
assert_eq "$(aufs-test direct mnt/f read -)" lower-f "O_DIRECT read with dio given at mount"
umount mnt || fail "umount"
umount x || fail "umount the branch filesystem"
blk && losetup -d "$dev"
exit 0
