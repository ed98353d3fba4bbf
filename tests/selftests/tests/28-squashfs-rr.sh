# A squashfs image as an 'rr' branch under a writable dir: its files read
# through the union.
[ -f /tests/data/image.sqfs ] || fail "no squashfs image in the initramfs"
mkdir rw sq
mount -t squashfs -o loop,ro /tests/data/image.sqfs sq || fail "loop-mount squashfs"
aufs_mount "br=$PWD/rw=rw:$PWD/sq=rr"
assert_eq "$(cat mnt/hello)" "hello from squashfs" "file on the image"
assert_eq "$(cat mnt/dir/nested)" nested "nested file"
assert_eq "$(aufs-test mmap-read mnt/hello private)" "hello from squashfs" "mmap on the image"
assert_eq "$(ls mnt | tr '\n' ' ')" "dir hello " "listing"
umount mnt && umount sq
