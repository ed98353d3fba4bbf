# stat through the union shows the branch file's size, mode, owner and times;
# st_dev is the union's, the root is inode 2, and a missing name is ENOENT.
mkdir -p b/sub && printf 'hello world' > b/sub/f && chmod 640 b/sub/f
chown 12:34 b/sub/f && touch -d '2020-01-02 03:04:05' b/sub/f
aufs_mount "br=$PWD/b"
assert_eq "$(stat -c '%s %a %u %g %Y' mnt/sub/f)" "$(stat -c '%s %a %u %g %Y' b/sub/f)" "stat fields"
assert_eq "$(stat -c %F mnt/sub)" "directory" "dir type"
assert_eq "$(stat -c %i mnt)" 2 "root inode number"
[ "$(stat -c %d mnt/sub/f)" != "$(stat -c %d b/sub/f)" ] || fail "st_dev is the branch's, not the union's"
assert_eq "$(stat -c %d mnt/sub/f)" "$(stat -c %d mnt)" "st_dev of a file is the union's"
[ -e mnt/sub/missing ] && fail "missing name exists"
expect_errno ENOENT open-errno mnt/sub/missing r
# Repeated stats are served from the dcache: the same inode each time.
assert_eq "$(stat -c %i mnt/sub/f)" "$(stat -c %i mnt/sub/f)" "stable inode"
