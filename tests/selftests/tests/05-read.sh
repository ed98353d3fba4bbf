# read(2), sendfile(2) and an empty file read the branch data exactly.
mkdir b && dd if=/dev/urandom of=b/big bs=64k count=16 2>/dev/null && : > b/empty
aufs_mount "br=$PWD/b"
assert_eq "$(md5sum < mnt/big)" "$(md5sum < b/big)" "read checksum"
assert_eq "$(aufs-test sendfile mnt/big | md5sum)" "$(md5sum < b/big)" "sendfile checksum"
assert_eq "$(dd if=mnt/big bs=1 skip=1000 count=10 2>/dev/null | od -An -tx1)" \
	"$(dd if=b/big bs=1 skip=1000 count=10 2>/dev/null | od -An -tx1)" "read at an offset"
assert_eq "$(wc -c < mnt/empty)" 0 "empty file"
