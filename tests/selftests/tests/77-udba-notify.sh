# udba=notify: every direct-change case of udba=reval (68-udba-reval, run
# again with udba=notify: files and dirs made, deleted, replaced, chmod'ed
# in the lower and the upper branch, also right after a cached lookup), then
# what is notify's own: a change deep in 126 layers is seen through a cached
# path at once; a remount from notify to reval and back keeps seeing them;
# the marks go with the mount (umount, then rmmod waits for their release;
# the harness's kmemleak scan checks nothing is left).
UDBA=notify
. /tests/tests/68-udba-reval.sh
umount mnt || fail "umount after the reval cases"

mkdir deep
i=1
while [ $i -le 126 ]; do mkdir -p deep/$i/a/b; i=$((i + 1)); done
echo bottom > deep/126/a/b/f
br=$(i=1; while [ $i -le 126 ]; do printf ':deep/%s=ro' $i; i=$((i + 1)); done)
aufs_mount "br=rw=rw$br,udba=notify"
assert_eq "$(cat mnt/a/b/f)" bottom "file at the bottom of 126 layers"
[ -e mnt/a/b/g ] && fail "a/b/g"
echo middle > deep/60/a/b/g && echo top > deep/1/a/b/f
assert_eq "$(cat mnt/a/b/g 2>&1)" middle "file made directly in layer 60 after a negative lookup"
assert_eq "$(cat mnt/a/b/f 2>&1)" top "file made directly in layer 1 above a cached one"
rm deep/1/a/b/f
assert_eq "$(cat mnt/a/b/f 2>&1)" bottom "the bottom file back after the direct delete above it"
# A child's mode changed directly in a branch: the event refreshes the union
# inode at once, so permission checks follow (not only stat).
chmod 755 . && echo secret > deep/5/a/b/s && chmod 644 deep/5/a/b/s
assert_eq "$(aufs-test as-user 1000 cat mnt/a/b/s 2>&1)" secret "another user reads s"
chmod 600 deep/5/a/b/s
aufs-test as-user 1000 cat mnt/a/b/s > /dev/null 2>&1 && fail "another user still reads s after a direct chmod 600"
mount -o remount,udba=reval mnt || fail "remount udba=reval"
echo again > deep/2/a/b/f
assert_eq "$(cat mnt/a/b/f 2>&1)" again "direct change after remount to reval"
mount -o remount,udba=notify mnt || fail "remount back to udba=notify"
assert_eq "$(cat mnt/a/b/f 2>&1)" again "a/b/f after remount to notify"
rm deep/2/a/b/f
assert_eq "$(cat mnt/a/b/f 2>&1)" bottom "direct delete after remount to notify"
umount mnt || fail "umount"
rmmod aufs_rs || fail "rmmod after a udba=notify mount"
insmod /lib/modules/aufs_rs.ko || fail "insmod again"
