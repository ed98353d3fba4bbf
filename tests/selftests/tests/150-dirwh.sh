# dirwh=N: rmdir of a dir whose writable-branch copy holds more than N
# whiteouts (any, with N <= 1) moves it aside to a hidden .wh..wh.NAME.XXXX
# and empties and removes that in the background; with N or fewer it is
# removed before rmdir returns. Either way the union never shows it again;
# umount and a remount that deletes a branch wait for the background work.

# lower NAME COUNT: ro/NAME holding COUNT files.
lower() {
	mkdir -p "ro/$1"
	i=0
	while [ $i -lt "$2" ]; do
		: >"ro/$1/f$i"
		i=$((i + 1))
	done
}
no_hidden() {
	[ -z "$(hidden "$1")" ]
}
logged() {
	dmesg | grep -qF "$1"
}
shown_options() {
	awk -v m="$PWD/${1:-mnt}" '$2 == m { print $4 }' /proc/mounts
}

mkdir ro rw rw2 rw3
mount -t tmpfs t rw || fail "tmpfs"
lower small 3
lower big 100
lower one 1
aufs_mount "br=$PWD/rw=rw:$PWD/ro=ro"
shown_options | grep -q dirwh && fail "the default dirwh=3 is shown: $(shown_options)"
rm mnt/small/* mnt/big/* mnt/one/* || fail "rm through the union"
assert_eq "$(ls -a rw/big | grep -c '^\.wh\.f')" 100 "whiteouts in rw/big"

# Three whiteouts, not more than 3: gone before rmdir returns.
rmdir mnt/small || fail "rmdir small"
no_hidden rw || fail "rmdir small left $(hidden rw) (dirwh=3, 3 whiteouts)"
[ -e rw/small ] && fail "rw/small still there"
[ -e rw/.wh.small ] || fail "no whiteout for small"

# 100: moved aside at once, emptied in the background.
rmdir mnt/big || fail "rmdir big"
[ -e mnt/big ] && fail "big still shown after rmdir"
ls -a mnt | grep -q big && fail "big still listed: $(ls -a mnt)"
[ -e rw/big ] && fail "rw/big still under its name"
[ -e rw/.wh.big ] || fail "no whiteout for big"
mkdir mnt/big || fail "mkdir big again"
assert_eq "$(ls -A mnt/big)" "" "a new big shows nothing old"
wait_for no_hidden rw

# A rename over an empty dir holding many whiteouts: the same.
whiteouts rw/over 300
mkdir mnt/src && echo s >mnt/src/s || fail "mkdir src"
expect_errno ok rename mnt/src mnt/over none
assert_eq "$(cat mnt/over/s)" s "the renamed dir"
[ -e mnt/src ] && fail "src still shown"
wait_for no_hidden rw

# The parent removed while its child is still being emptied: both removals
# of the hidden dir end without a trace.
whiteouts rw/p/c 1000
dmesg_clear
rmdir mnt/p/c && rmdir mnt/p || fail "rmdir p/c, then p"
[ -e mnt/p ] && fail "p still shown"
wait_for no_hidden rw
logged "left the hidden dir" && fail "a removal failed: $(dmesg | grep 'hidden dir')"

# dirwh=0 (and 1): any whiteout at all sends the removal to the background.
remount dirwh=0
shown_options | grep -q ',dirwh=0' || fail "dirwh=0 not shown: $(shown_options)"
rmdir mnt/one || fail "rmdir one"
[ -e mnt/one ] && fail "one still shown"
wait_for no_hidden rw
remount dirwh=3
shown_options | grep -q dirwh && fail "dirwh=3 shown after remount: $(shown_options)"

# A background removal that fails (aufs's own names nested deeper than it
# removes) leaves only the hidden temporary, shown nowhere, also after a
# new mount; auchk --fix removes it offline.
mkdir -p rw/deep/.wh..wh.a/.wh..wh.b/.wh..wh.c/.wh..wh.e/.wh..wh.g
for i in 1 2 3 4; do : >rw/deep/.wh.x$i; done
assert_eq "$(ls -A mnt/deep)" "" "deep is empty in the union"
dmesg_clear
rmdir mnt/deep || fail "rmdir deep"
[ -e mnt/deep ] && fail "deep shown after rmdir"
wait_for logged "left the hidden dir .wh..wh.deep."
hidden rw | grep -q '^\.wh\.\.wh\.deep\.' || fail "no hidden temporary left: $(ls -a rw)"
umount mnt || fail "umount"
aufs_mount "br=$PWD/rw=rw:$PWD/ro=ro"
assert_eq "$(ls -A mnt | tr '\n' ' ')" "big over " "the new mount's root"
[ -e mnt/deep ] && fail "deep shown after a new mount"
umount mnt
auchk --fix rw >/dev/null
no_hidden rw || fail "auchk --fix left $(hidden rw)"

# umount right after rmdir: it waits; the branch fs is free at once.
# (Emptying 1000 whiteouts takes about 0.3 s on the debug kernel.)
mount -t tmpfs t rw2 || fail "tmpfs rw2"
whiteouts rw2/u 1000
aufs_mount "br=$PWD/rw2=rw:$PWD/ro=ro"
rmdir mnt/u || fail "rmdir u"
umount mnt || fail "umount after rmdir"
no_hidden rw2 || fail "umount returned before the removal: $(hidden rw2)"
umount rw2 || fail "the branch fs is still busy after the union's umount"

# A remount deleting the branch waits as well.
mount -t tmpfs t rw3 || fail "tmpfs rw3"
whiteouts rw3/u 1000
aufs_mount "br=$PWD/rw3=rw:$PWD/rw=rw:$PWD/ro=ro"
rmdir mnt/u || fail "rmdir u on rw3"
remount "del:$PWD/rw3"
no_hidden rw3 || fail "del returned before the removal: $(hidden rw3)"
umount rw3 || fail "the deleted branch fs is still busy"
umount mnt
umount rw
