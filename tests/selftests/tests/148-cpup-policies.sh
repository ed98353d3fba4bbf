# cpup=tdp|bup|bu: a file on a read-only branch below three writable ones
# is copied up to the topmost writable branch with its parent dir (tdp),
# the nearest one with it (bup), or the nearest one (bu, the parent dir
# copied there); a file on a writable branch is changed in place.
shown() { grep " $PWD/mnt aufs " /proc/mounts | cut -d' ' -f4; }
mkdir a b c ro ro/p a/p b/p
for n in 1 2 3; do echo $n > ro/p/f$n; done
echo lower > ro/p/g
where() {
	for br in a b c; do [ -e "$br/$1" ] && printf '%s' $br; done
	echo
}
aufs_mount "br=$PWD/a=rw:$PWD/b=rw:$PWD/c=rw:$PWD/ro=ro"
echo w >> mnt/p/f1
assert_eq "$(where p/f1)" "a" "tdp: the topmost with the parent"
remount cpup=bup
shown | grep -q ",cpup=bup" || fail "/proc/mounts lacks cpup=bup"
echo w >> mnt/p/f2
assert_eq "$(where p/f2)" "b" "bup: the nearest with the parent"
remount cpup=bu
echo w >> mnt/p/f3
assert_eq "$(where p/f3) $(where p)" "c abc" "bu: the nearest, parent copied"
assert_eq "$(cat mnt/p/f3 | tr '\n' ' ')" "3 w " "content of the copy"
remount cpup=tdp
shown | grep -q "cpup" && fail "cpup=tdp is the default, not shown"
echo w >> mnt/p/f3
assert_eq "$(where p/f3)" "c" "on a writable branch: in place"
# Renames and links of a file on a writable branch stay there; a rename
# over a name of a higher branch goes up to it.
mv mnt/p/f3 mnt/p/f3m || fail "rename in place"
assert_eq "$(where p/f3m)|$(where p/f3)|$(where p/.wh.f3)" "c||c" "rename on c, the lower f3 whited out there"
ln mnt/p/f3m mnt/p/f3l || fail "link"
assert_eq "$(where p/f3l) $(stat -c %h c/p/f3l)" "c 2" "link beside its source"
echo top > a/p/top
mv mnt/p/f3m mnt/p/top || fail "rename over a higher name"
assert_eq "$(cat mnt/p/top | tr '\n' ' ')" "3 w w " "renamed over the higher name"
[ -e mnt/p/f3m ] && fail "old name still shows"
assert_eq "$(cat mnt/p/f3l | tr '\n' ' ')" "3 w w " "the other link"
chmod 600 mnt/p/g
assert_eq "$(where p/g) $(stat -c %a a/p/g)" "a 600" "chmod copies up by tdp"
assert_eq "$(stat -c %a ro/p/g)" "644" "lower unchanged"
umount mnt
