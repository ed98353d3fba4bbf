# xino: the root is inode 2, others are numbered from 11; a file keeps its
# number across cache eviction; hardlinks share it; readdir's d_ino equals
# st_ino; files of different branch filesystems never share a number.
mkdir a b && mount -t tmpfs tmpfs a && mount -t tmpfs tmpfs b
echo a > a/f && ln a/f a/link && echo b > b/g && mkdir a/d
[ "$(stat -c %i a/f)" = "$(stat -c %i b/g)" ] || echo "note: branch inode numbers differ already"
aufs_mount "br=$PWD/a:$PWD/b"
assert_eq "$(stat -c %i mnt)" 2 "root"
f=$(stat -c %i mnt/f); g=$(stat -c %i mnt/g); d=$(stat -c %i mnt/d)
[ "$f" -ge 11 ] && [ "$g" -ge 11 ] && [ "$d" -ge 11 ] || fail "numbers below 11: $f $g $d"
[ "$f" != "$g" ] && [ "$f" != "$d" ] && [ "$g" != "$d" ] || fail "numbers not unique: $f $g $d"
assert_eq "$(stat -c %i mnt/link)" "$f" "hardlink shares the number"
echo 3 > /proc/sys/vm/drop_caches
assert_eq "$(stat -c %i mnt/f) $(stat -c %i mnt/g) $(stat -c %i mnt/d)" "$f $g $d" "after drop_caches"
assert_eq "$(ls -i mnt | awk '$2 == "g" {print $1}')" "$g" "ls -i (d_ino) of g"
assert_eq "$(ls -i mnt | awk '$2 == "f" {print $1}')" "$f" "ls -i (d_ino) of f"
