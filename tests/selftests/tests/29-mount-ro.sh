# A read-only mount (-o ro) and an all-ro branch list are legal; writes give
# EROFS.
mkdir a b && echo a > a/f && echo b > b/g
mkdir mnt && mount -t aufs -o ro,br="$PWD/a:$PWD/b" none mnt || fail "ro mount"
assert_eq "$(awk '$2 == "'"$PWD"'/mnt" {split($4, o, ","); print o[1]}' /proc/mounts)" ro "ro in /proc/mounts"
assert_eq "$(cat mnt/f mnt/g | tr '\n' ' ')" "a b " "reads"
expect_errno EROFS open-errno mnt/f w
umount mnt
aufs_mount "br=$PWD/a=ro:$PWD/b=ro"
assert_eq "$(cat mnt/g)" b "all-ro union reads"
expect_errno EROFS open-errno mnt/f w
