# Issue 17: a writable branch as aufs leaves it after rename("A", "B") with
# dirren, written here by hand byte by byte (aufs's layout: the whiteout of
# A, in B one info file per lower branch named by aufs's branch id, and the
# inode numbers of such dirs in .wh..wh.hino at the root), reads the same
# under aufs_rs: B shows the lower dir A's entries, A is gone. Without
# dirren, B shows its own entries only (as aufs). An info whose inode
# number is not the lower dir's, or a dir missing from .wh..wh.hino, is
# not followed.

# bytes HEX...: the bytes given as hex pairs.
bytes() { for b in "$@"; do printf "\\$(printf '%03o' "0x$b")"; done; }
be64() { printf '%016x' "$1" | sed 's/../& /g;s/ $//'; }
tree() { aufs-test tree "$1" - nodirsize; }

mkdir -p l1/A/sub l2/A/deeper rw/B
echo a > l1/A/f && echo s > l1/A/sub/s && echo z > l2/A/deeper/z && echo own > rw/B/own
: > rw/.wh.A
# info NAME INO: the info file aufs writes for a lower dir INO named NAME.
info() { bytes 61 64 72 01 00 00 00 00 $(be64 "$2") "$(printf '%02x' ${#1})" 00 00 00 00 00 00 00 && printf '%s' "$1"; }
info A "$(stat -c %i l1/A)" > "rw/B/.wh..wh..dr.$(aufs-test drid l1)"
info A "$(stat -c %i l2/A)" > "rw/B/.wh..wh..dr.$(aufs-test drid l2)"
# An unrelated number first: aufs writes them in hash order.
bytes $(be64 123456789) $(be64 "$(stat -c %i rw/B)") > rw/.wh..wh.hino
layers=$(tree l1; tree l2)

opts="br=$PWD/rw=rw:$PWD/l1=ro:$PWD/l2=ro"
aufs_mount "$opts,dirren"
[ -e mnt/A ] && fail "A shown"
assert_eq "$(cat mnt/B/f mnt/B/sub/s mnt/B/deeper/z mnt/B/own)" "a
s
z
own" "B shows A's lower entries"
assert_eq "$(ls -a mnt/B | tr '\n' ' ')" ". .. deeper f own sub " "listing of B"
assert_eq "$(ls mnt | tr '\n' ' ')" "B " "listing of the root"
want=$(tree mnt/B)
echo 3 > /proc/sys/vm/drop_caches
assert_eq "$(tree mnt/B)" "$want" "after a cache drop"
umount mnt

aufs_mount "$opts"
assert_eq "$(ls -a mnt/B | tr '\n' ' ')" ". .. own " "nodirren: B alone"
umount mnt

# An info that names another inode: the lower dir on l1 is not taken.
info A "$(($(stat -c %i l1/A) + 1000))" > "rw/B/.wh..wh..dr.$(aufs-test drid l1)"
aufs_mount "$opts,dirren"
assert_eq "$(ls -a mnt/B | tr '\n' ' ')" ". .. deeper own " "an info of another inode"
umount mnt

# B missing from the list: no info is read.
info A "$(stat -c %i l1/A)" > "rw/B/.wh..wh..dr.$(aufs-test drid l1)"
bytes $(be64 123456789) > rw/.wh..wh.hino
aufs_mount "$opts,dirren"
assert_eq "$(ls -a mnt/B | tr '\n' ' ')" ". .. own " "a dir not in .wh..wh.hino"
umount mnt
assert_eq "$(tree l1; tree l2)" "$layers" "layers unchanged"
