# Namespace rules: .wh. names cannot be created (EPERM); rmdir checks the
# merged view (ENOTEMPTY) and cleans whiteouts; a dir with lower entries
# cannot be renamed (EXDEV) but one only on the rw branch can; rename over a
# file, RENAME_NOREPLACE, and EINVAL for RENAME_EXCHANGE/RENAME_WHITEOUT.
mkdir -p rw ro/d && echo x > ro/d/x && echo a > ro/a && echo b > ro/b
aufs_mount "br=$PWD/rw=rw:$PWD/ro=ro"
(echo > mnt/.wh.x) 2>/dev/null && fail "created a .wh. name"
expect_errno EPERM open-errno mnt/.wh.x w
mkdir mnt/.wh.dir 2>/dev/null && fail "mkdir of a .wh. name"
rmdir mnt/d 2>/dev/null && fail "rmdir of a non-empty merged dir"
expect_errno EXDEV rename mnt/d mnt/d2 none
rm mnt/d/x && rmdir mnt/d || fail "rm then rmdir"
[ -e mnt/d ] && fail "dir visible after rmdir"
assert_eq "$(ls -A rw | grep -v '^.wh..wh' | tr '\n' ' ')" ".wh.d " "rw after rmdir"
mkdir -p mnt/new/sub && echo n > mnt/new/sub/f
mv mnt/new mnt/renamed || fail "rename of an rw-only dir"
assert_eq "$(cat mnt/renamed/sub/f)" n "renamed dir content"
expect_errno EEXIST rename mnt/a mnt/b noreplace
expect_errno ok rename mnt/a mnt/b none
assert_eq "$(cat mnt/b)" a "rename over a file"
[ -e mnt/a ] && fail "old name after rename"
expect_errno EINVAL rename mnt/b mnt/renamed exchange
expect_errno EINVAL rename mnt/b mnt/c whiteout
mknod mnt/nod c 1 3 && mkfifo mnt/fifo || fail "mknod/mkfifo"
assert_eq "$(stat -c %F rw/nod) $(stat -c %F rw/fifo)" "character special file fifo" "nodes on rw"
