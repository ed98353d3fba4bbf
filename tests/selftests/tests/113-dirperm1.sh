# issue 15: `dirperm1`/`nodirperm1`. For reading and searching a merged dir,
# aufs checks the permission bits of its dir on every branch by default
# (nodirperm1); with dirperm1 only the topmost dir's. Here the lower copy of
# d denies others (mode 700), the upper one allows them (755): a user is
# refused with nodirperm1, allowed with dirperm1; a dir whose top denies is
# refused either way. Writes are checked on the top either way.
# A merged dir whose lower dirs all grant the access to everyone by their
# mode bits is not asked again on each walk (issue 14): not when an ACL may
# refuse it (lo/a: r for all by its bits, --- for user 1000 by its ACL); a
# lower dir made stricter directly on its read-only branch counts from the
# dir's next lookup (udba=reval: once it left the dentry cache).
mkdir -p up/d lo/d lo/e up/t lo/t up/a lo/a up/g lo/g
echo inside > lo/d/f && echo e > lo/e/f && echo t > lo/t/f && echo g > lo/g/f
chmod 644 lo/d/f lo/e/f lo/t/f lo/g/f
chmod 755 up/d lo/e lo/t up/a lo/a up/g lo/g && chmod 700 lo/d up/t
acl=1
aufs-test setacl-user lo/a 1000 0 5 > /dev/null || acl=0
chmod 755 . up lo
P=$PWD
aufs_mount "br=$P/up=rw:$P/lo=ro"
chmod 755 mnt
mine() { grep " $P/mnt aufs " /proc/mounts; }
user() { aufs-test as-user 1000 aufs-test open-errno "$1" r; }

# nodirperm1, the default: the lower dir's bits count
mine | grep -q ",dirperm1" && fail "dirperm1 shown by default"
assert_eq "$(user mnt/d)" EACCES "nodirperm1: read of a dir whose lower copy is 700"
assert_eq "$(user mnt/d/f)" EACCES "nodirperm1: search of a dir whose lower copy is 700"
assert_eq "$(aufs-test open-errno mnt/d/f r)" ok "root searches it"
assert_eq "$(user mnt/e/f)" ok "a dir on the lower branch only, 755"
assert_eq "$(user mnt/t/f)" EACCES "a dir whose top is 700"
assert_eq "$(user mnt/g/f)" ok "a merged dir whose dirs all allow everyone"
assert_eq "$(user mnt/g)" ok "its listing"
[ $acl = 0 ] || assert_eq "$(user mnt/a)" EACCES "nodirperm1: read of a dir whose lower copy's ACL refuses the user"
chmod 700 lo/g && echo 2 > /proc/sys/vm/drop_caches
assert_eq "$(user mnt/g/f)" EACCES "a lower dir made 700 directly, at the dir's next lookup"
chmod 755 lo/g && echo 2 > /proc/sys/vm/drop_caches
assert_eq "$(user mnt/g/f)" ok "and 755 again"

remount dirperm1
mine | grep -q ',dirperm1' || fail "/proc/mounts shows dirperm1"
assert_eq "$(user mnt/d)" ok "dirperm1: read of the merged dir"
assert_eq "$(user mnt/d/f)" ok "dirperm1: search of the merged dir"
assert_eq "$(aufs-test as-user 1000 cat mnt/d/f)" inside "dirperm1: the file through it"
assert_eq "$(aufs-test as-user 1000 ls mnt/d)" f "dirperm1: the listing"
assert_eq "$(user mnt/t/f)" EACCES "dirperm1: a dir whose top is 700"
aufs-test as-user 1000 sh -c 'echo x > mnt/d/new' 2>/dev/null && fail "dirperm1: a user created a file in a root-owned 755 dir"
[ -e mnt/d/new ] && fail "dirperm1: the refused create left a file"

remount nodirperm1
mine | grep -q ",dirperm1" && fail "nodirperm1 still shown"
assert_eq "$(user mnt/d/f)" EACCES "nodirperm1 again after remount"

umount mnt && aufs_mount "br=$P/up=rw:$P/lo=ro,dirperm1"
assert_eq "$(user mnt/d/f)" ok "dirperm1 given at mount"
umount mnt
