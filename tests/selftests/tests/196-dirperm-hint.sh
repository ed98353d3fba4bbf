# The dirs below the top of a merged dir are asked for read and search
# (nodirperm1) unless all of them grant it to everyone by their bits; the
# union inode keeps that answer (with the union's generation) so that a walk
# need not find the dir's dentry and info. It must never grant what the
# dir's current info refuses: after a remount adds a read-only branch whose
# copy of the dir is 700, and when the remount came while a process kept the
# dir open (the info is then rebuilt from the open dir, not by a walk);
# and after a lower dir became 700 directly, from the dir's next lookup.
mkdir -p up/d lo/d lo2/d
echo f > lo/d/f
chmod 644 lo/d/f
chmod 755 . up lo lo2 up/d lo/d && chmod 700 lo2/d
P=$PWD
aufs_mount "br=$P/up=rw:$P/lo=ro"
chmod 755 mnt
user() { aufs-test as-user 1000 aufs-test open-errno "$1" r; }
for i in 1 2 3; do
	assert_eq "$(user mnt/d/f)" ok "search of a merged dir whose dirs allow everyone ($i)"
done
remount "append:$P/lo2=ro"
assert_eq "$(user mnt/d/f)" EACCES "after a remount added a branch whose d is 700"
assert_eq "$(user mnt/d)" EACCES "its listing"
remount "del:$P/lo2"
assert_eq "$(user mnt/d/f)" ok "after the remount that deleted it"
# The same with the dir held open across the remount, its info rebuilt by a
# listing of the open dir before any walk.
aufs-test as-user 1000 ls mnt/d > /dev/null || fail "user lists d"
exec 3< mnt/d
remount "append:$P/lo2=ro"
ls -a /proc/self/fd/3/ > /dev/null 2>&1
assert_eq "$(user mnt/d/f)" EACCES "after a remount, d open meanwhile"
exec 3<&-
remount "del:$P/lo2"
# A lower dir made 700 directly on its branch counts from the dir's next
# lookup (udba=reval), and a new lookup of it refreshes what the inode keeps.
assert_eq "$(user mnt/d/f)" ok "before the direct chmod"
chmod 700 lo/d && echo 2 > /proc/sys/vm/drop_caches
assert_eq "$(user mnt/d/f)" EACCES "a lower dir made 700 directly, at its next lookup"
chmod 755 lo/d && echo 2 > /proc/sys/vm/drop_caches
assert_eq "$(user mnt/d/f)" ok "755 again"
true
