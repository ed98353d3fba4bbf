# Hardlinks across copy-up: a lower file with two names, copied up through
# one, keeps its identity for the other (aufs's pseudo-links under
# .wh..wh.plnk), also after the caches are dropped: same st_ino, same data,
# and writes through either name reach the same copy.
mkdir rw ro && echo one > ro/x && ln ro/x ro/y
aufs_mount "br=$PWD/rw=rw:$PWD/ro=ro"
ino=$(stat -c %i mnt/x)
assert_eq "$(stat -c %i mnt/y)" "$ino" "one number for both names"
echo two >> mnt/x || fail "append (copy-up)"
assert_eq "$(cat mnt/y | tr '\n' ' ')" "one two " "other name sees the copy"
echo 3 > /proc/sys/vm/drop_caches
assert_eq "$(stat -c %i mnt/x) $(stat -c %i mnt/y)" "$ino $ino" "numbers after drop_caches"
assert_eq "$(cat mnt/y | tr '\n' ' ')" "one two " "other name after drop_caches"
echo three >> mnt/y || fail "append through the other name"
assert_eq "$(cat mnt/x | tr '\n' ' ')" "one two three " "both names write the same copy"
assert_eq "$(cat ro/x)" one "lower unchanged"
[ -f "rw/.wh..wh.plnk/$ino" ] || fail "no pseudo-link named $ino"
