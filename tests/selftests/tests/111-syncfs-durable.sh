# issue 13, problem 10: syncfs(2) of the union, and fsync(2)/fdatasync(2) of
# a union file, reach the branch filesystem's device. The writable branch is
# ext2 on a loop device over a file; periodic writeback is off, so what is
# written through the union stays in ext2's page cache until a sync. The
# backing file shows what the device holds: the data is not there before the
# sync (the test's premise) and is there after it.
grep -qw ext2 /proc/filesystems || exit 4 # Debian's kernel has ext2 as a module only
V=/proc/sys/vm
old_wb=$(cat $V/dirty_writeback_centisecs) old_exp=$(cat $V/dirty_expire_centisecs)
trap 'echo $old_wb >$V/dirty_writeback_centisecs; echo $old_exp >$V/dirty_expire_centisecs' EXIT
echo 0 >$V/dirty_writeback_centisecs
echo 360000 >$V/dirty_expire_centisecs
truncate -s 4M img || fail "image" # small: the checks grep the whole image
mkdir up lo
dev=$(losetup -f) && losetup "$dev" img || fail "losetup"
mke2fs "$dev" >/dev/null 2>&1 || fail "mke2fs"
mount -t ext2 "$dev" up || fail "mount ext2"
echo base > lo/f
echo old > lo/g
aufs_mount "br=$PWD/up=rw:$PWD/lo=ro"
sync # ext2's own setup (the base file, aufs's dirs) is on the device

# on_device TEXT: the device (its backing file) holds TEXT.
on_device() { grep -q "$1" img; }
token() { head -c 12 /dev/urandom | md5sum | cut -c1-24; }

# syncfs of the union (on its root dir and on a file)
t=$(token)
echo "$t" > mnt/new || fail "write"
on_device "$t" && fail "premise: the data reached the device before any sync"
expect_errno ok sync mnt syncfs
on_device "$t" || fail "syncfs of the union did not write the branch's data"

# fsync of a copied-up file (the open copies it up)
t=$(token)
aufs-test append-sync mnt/f "$t" | grep -qx ok || fail "append-sync"
on_device "$t" || fail "fsync of a union file did not reach the device"

# fdatasync of a file written without a sync first
t=$(token)
echo "$t" >> mnt/g || fail "append"
on_device "$t" && fail "premise: appended data on the device before any sync"
expect_errno ok sync mnt/g fdatasync
on_device "$t" || fail "fdatasync of a union file did not reach the device"

umount mnt || fail "umount"
umount up || fail "umount ext2"
losetup -d "$dev"
