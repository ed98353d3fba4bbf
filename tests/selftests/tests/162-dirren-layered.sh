# Issue 17: a dir renamed with dirren on a layer that is read-only now (as
# a former writable layer leaves it, written here by hand in aufs's bytes:
# l1 holds B with an info naming l2's A, l1's .wh..wh.hino lists B, and
# .wh.A) is renamed again on the writable branch: the new infos name each
# lower dir by its own name (l1's B, l2's A), the union shows both layers'
# entries under the new name, also after umount+mount and a cache drop;
# renamed back to l1's name the info for l1 goes and the one for l2 stays.

bytes() { for b in "$@"; do printf "\\$(printf '%03o' "0x$b")"; done; }
be64() { printf '%016x' "$1" | sed 's/../& /g;s/ $//'; }
hex() { od -An -tx1 -v "$1" | tr -s ' \n' '  ' | sed 's/^ //;s/ $//'; }
namehex() { printf '%s' "$1" | od -An -tx1 -v | tr -s ' \n' '  ' | sed 's/^ //;s/ $//'; }
info() { bytes 61 64 72 01 00 00 00 00 $(be64 "$2") "$(printf '%02x' ${#1})" 00 00 00 00 00 00 00 && printf '%s' "$1"; }
info_want() {
	echo "61 64 72 01 00 00 00 00 $(be64 "$1") $(printf '%02x' ${#2}) 00 00 00 00 00 00 00 $(namehex "$2")"
}
tree() { aufs-test tree "$1" - nodirsize; }

mkdir -p l2/A/s2 l1/B/s1 rw
echo f2 > l2/A/f2 && echo d2 > l2/A/s2/d && echo f1 > l1/B/f1 && echo d1 > l1/B/s1/d
: > l1/.wh.A
info A "$(stat -c %i l2/A)" > "l1/B/.wh..wh..dr.$(aufs-test drid l2)"
bytes $(be64 "$(stat -c %i l1/B)") > l1/.wh..wh.hino
layers=$(tree l1; tree l2)
id1=$(aufs-test drid l1) id2=$(aufs-test drid l2)

opts="br=$PWD/rw=rw:$PWD/l1=ro+wh:$PWD/l2=ro,dirren"
aufs_mount "$opts"
assert_eq "$(ls mnt | tr '\n' ' ')" "B " "root listing"
assert_eq "$(ls mnt/B | tr '\n' ' ')" "f1 f2 s1 s2 " "B merges l1's B and l2's A"
tree_want=$(tree mnt/B)
expect_errno ok rename mnt/B mnt/C none
assert_eq "$(hex "rw/C/.wh..wh..dr.$id1")" "$(info_want "$(stat -c %i l1/B)" B)" "info for l1"
assert_eq "$(hex "rw/C/.wh..wh..dr.$id2")" "$(info_want "$(stat -c %i l2/A)" A)" "info for l2"
[ -e rw/.wh.B ] || fail "no whiteout of B"
assert_eq "$(tree mnt/C)" "$tree_want" "renamed"
umount mnt && aufs_mount "$opts" && echo 3 > /proc/sys/vm/drop_caches
assert_eq "$(tree mnt/C)" "$tree_want" "renamed, after umount+mount and a cache drop"
assert_eq "$(ls mnt | tr '\n' ' ')" "C " "root listing after the rename"

expect_errno ok rename mnt/C mnt/B none
[ -e "rw/B/.wh..wh..dr.$id1" ] && fail "the info for l1 stayed after the rename back to its name"
assert_eq "$(hex "rw/B/.wh..wh..dr.$id2")" "$(info_want "$(stat -c %i l2/A)" A)" "info for l2 after the rename back"
assert_eq "$(tree mnt/B)" "$tree_want" "renamed back"
umount mnt && aufs_mount "$opts" && echo 3 > /proc/sys/vm/drop_caches
assert_eq "$(tree mnt/B)" "$tree_want" "renamed back, after umount+mount and a cache drop"
umount mnt
assert_eq "$(tree l1; tree l2)" "$layers" "layers unchanged"
