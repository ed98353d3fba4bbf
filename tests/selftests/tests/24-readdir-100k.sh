# A directory with 100 000 entries across 4 branches lists completely. The
# branches are the dirs b1..b4 of a squashfs image made on the host
# (scripts/vm.sh): making and removing 100 000 files in the guest takes a
# minute on the debug kernel, listing them a few seconds.
[ -f /tests/data/readdir-100k.sqfs ] || fail "no readdir-100k.sqfs in the initramfs"
mkdir sq
mount -t squashfs -o loop,ro /tests/data/readdir-100k.sqfs sq || fail "loop-mount squashfs"
aufs_mount "br=$PWD/sq/b1=ro:$PWD/sq/b2=ro:$PWD/sq/b3=ro:$PWD/sq/b4=ro"
assert_eq "$(aufs-test getdents mnt 32768 | wc -l)" 100002 "entries"
assert_eq "$(aufs-test getdents mnt 4096 | grep -c '^b3-')" 25000 "entries of branch 3 (small buffer)"
