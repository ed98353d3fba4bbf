# Until copy-up exists, every write is refused with EROFS and the branch is
# left exactly as it was.
mkdir -p b/d && echo orig > b/f
aufs_mount "br=$PWD/b"
expect_errno EROFS open-errno mnt/f w
expect_errno EROFS open-errno mnt/f trunc
expect_errno ok open-errno mnt/f r
echo new > mnt/new 2>/dev/null && fail "create succeeded"
mkdir mnt/d2 2>/dev/null && fail "mkdir succeeded"
rm -f mnt/f 2>/dev/null; [ -e mnt/f ] || fail "unlink succeeded"
chmod 600 mnt/f 2>/dev/null && fail "chmod succeeded"
assert_eq "$(cat b/f)" orig "branch file"
assert_eq "$(ls b | tr '\n' ' ')" "d f " "branch listing"
