# issue 13, problem 1: a union inode keeps its branch object alive, so a
# branch cannot go while one of its inodes lives. `del` of the top branch
# moves the union root to the new top (then the old top can be unmounted);
# an inode held only by an inotify watch (no dentry) makes `del` of its
# branch fail with EBUSY until the watch goes; nothing oopses or warns
# ("Busy inodes") at either umount.
P=$PWD
mkdir up lo lo2 other
mount -t tmpfs t up || fail "tmpfs"
mount -t tmpfs t lo2 || fail "tmpfs"
echo low > lo/f
echo watched > lo2/w
aufs_mount "br=$P/up=rw:$P/lo=ro:$P/lo2=ro"
cat mnt/f >/dev/null
ls mnt >/dev/null

# del of the branch that held the union root's inode.
mount -o "remount,del:$P/up" mnt || fail "del of the top branch"
umount up || fail "umount of the deleted top branch"
assert_eq "$(cat mnt/f)" low "mnt/f after del of the top branch"
assert_eq "$(stat -c %i mnt)" 2 "root inode number after del"
mount -o "remount,prepend:$P/other=rw" mnt || fail "prepend"
touch mnt/new || fail "create after the root moved twice"

# An inode with no dentry, kept by an inotify watch.
pid=""
trap '[ -z "$pid" ] || kill $pid 2>/dev/null' EXIT
aufs-test inotify-hold mnt/w >watch.out &
pid=$!
t=0
until [ "$(cat watch.out)" = ok ]; do
	t=$((t + 1))
	[ $t -lt 100 ] || fail "inotify-hold did not start: $(cat watch.out)"
	sleep 0.1
done
echo 2 >/proc/sys/vm/drop_caches
got=$(aufs-test remount mnt "del:$P/lo2")
assert_eq "$got" EBUSY "del of a branch whose file has an inotify watch"
grep -q "$P/lo2" /sys/fs/aufs/si_*/br* || fail "lo2 left the union after a refused del"
kill $pid
wait $pid 2>/dev/null
pid=""
# The watch is torn down asynchronously: retry for up to 10 s.
t=0
until [ "$(aufs-test remount mnt "del:$P/lo2")" = ok ]; do
	t=$((t + 1))
	[ $t -lt 100 ] || fail "del of lo2 still refused after the watch went"
	sleep 0.1
done
umount lo2 || fail "umount of the deleted branch lo2"
umount mnt || fail "umount of the union"
