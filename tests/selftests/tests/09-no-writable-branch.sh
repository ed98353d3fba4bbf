# Without a writable branch every write fails with EROFS and the branches
# are left exactly as they were.
mkdir -p b/d && echo orig > b/f
aufs_mount "br=$PWD/b=ro"
expect_errno EROFS open-errno mnt/f w
expect_errno EROFS open-errno mnt/f trunc
expect_errno ok open-errno mnt/f r
(echo new > mnt/new) 2>/dev/null && fail "create succeeded"
mkdir mnt/d2 2>/dev/null && fail "mkdir succeeded"
rm -f mnt/f 2>/dev/null; [ -e mnt/f ] || fail "unlink succeeded"
chmod 600 mnt/f 2>/dev/null && fail "chmod succeeded"
expect_errno EROFS setxattr mnt/f user.x y
assert_eq "$(cat b/f)" orig "branch file"
assert_eq "$(ls -A b | tr '\n' ' ')" "d f " "branch listing"
