# A remount whose branch edits fail part way changes nothing: the earlier
# edits of the same remount are not applied (sysfs br*/brid*/xi_path, the
# listing, /proc/mounts and where new files land are as before), it fails with
# the right errno and the kernel says why in an 'aufs: ' line. Afterwards
# edits still work.
mkdir rw l1 l1/sub outer outer/l2 x y nb && : > afile
echo top > rw/top && echo one > l1/one && echo two > outer/l2/two && echo xf > x/xf
aufs_mount "br=$PWD/rw=rw:$PWD/l1=ro:$PWD/outer/l2=ro+wh"
S=$(ls -d /sys/fs/aufs/si_*)
P=$PWD
snap() {
	for f in "$S"/*; do echo "${f##*/}=$(cat "$f")"; done
	ls -A mnt
	grep " $P/mnt " /proc/mounts
}
before=$(snap)
assert_eq "$(echo "$before" | grep -c '^br[0-9]')" 3 "3 branches at start"

# check ERRNO WORD DATA: remount with DATA fails with ERRNO, logs an 'aufs: '
# line containing WORD ("" = any), and nothing changed.
check() {
	dmesg_clear
	got=$(aufs-test remount mnt "$3")
	[ "$got" = "$1" ] || fail "remount,$3: got '$got', want '$1'"
	dmesg_expect "$2"
	now=$(snap)
	[ "$now" = "$before" ] || { echo "before: $before"; echo "after: $now"; fail "remount,$3 changed the union"; }
}

# The example of the issue, through busybox mount.
dmesg_clear
mount -o "remount,append:$P/x,del:$P/nonexistent" mnt 2>/dev/null && fail "remount with a bad del succeeded"
dmesg_expect ""
assert_eq "$(snap)" "$before" "union after the failed append+del"
[ -e mnt/xf ] && fail "x appended by a failed remount"

check ENOENT "" "append:$P/x,del:$P/nonexistent"
check ENOENT "" "append:$P/x,append:$P/missing"
check ENOENT "" "del:$P/outer/l2,append:$P/missing"
check ENOENT "" "prepend:$P/x,add:1:$P/missing=ro"
check ENOTDIR "" "append:$P/x,append:$P/afile"
check EINVAL branch "append:$P/x,append:$P/l1"
check EINVAL branch "append:$P/x,append:$P/l1/"
check EINVAL branch "append:$P/x,append:$P/l1/sub"
check EINVAL branch "append:$P/x,append:$P/outer"
check EINVAL branch "append:$P/x,prepend:$P/x"
check EINVAL branch "append:$P/x,append:$P/mnt"
check EINVAL branch "append:$P/x,del:$P/nb"
check EINVAL branch "del:$P/l1,mod:$P/l1=rr"
check EINVAL branch "append:$P/x,mod:$P/nb=ro"
check EINVAL branch "append:$P/x,add:9:$P/y"
check EINVAL branch "add:4:$P/y"
check EINVAL branch "del:$P/rw,del:$P/l1,del:$P/outer/l2"
check EINVAL branch "append:$P/x,mod:$P/l1=xx"
check EINVAL "" "append:$P/x,add:one:$P/y"
check EINVAL "" "append:$P/x,add:$P/y"
check EINVAL "" "append:$P/x,mod:$P/l1"
check EINVAL "" "append:$P/x,del:"
check EINVAL "" "append:$P/x,brs"
check EINVAL "" "append:$P/x,udba=bogus"
check ENOENT "" "append:$P/x,br=$P/x:$P/missing"
check EINVAL "past the last branch" "append:$P/x,br=$P/rw:$P/rw:$P/rw:$P/rw:$P/rw:$P/y"
check ENOENT "" "append:$P/x,xino=$P/nonexistent/aufs.xino"
check EINVAL "inside branch" "append:$P/x,xino=$P/l1/aufs.xino"
check EINVAL "" "append:$P/x,diropq=x"

# New files still land on rw (no prepend slipped through).
echo new > mnt/new && [ -f rw/new ] || fail "new file not on rw"
rm mnt/new
assert_eq "$(snap)" "$before" "union after create+rm"

# Edits work after all those failures.
mount -o "remount,append:$P/x,add:3:$P/y" mnt || fail "append after failures"
assert_eq "$(cat "$S/br3") $(cat "$S/br4")" "$P/y=ro $P/x=ro" "y at 3, x at 4"
assert_eq "$(cat mnt/xf)" xf "appended file"
mount -o "remount,del:$P/x,del:$P/y" mnt || fail "del after failures"
assert_eq "$(ls "$S" | grep -c '^br[0-9]')" 3 "3 branches at the end"

# A branch may not hold an explicitly given xino file.
umount mnt
mkdir xd m2 && echo xd > xd/xdf
aufs_mount "br=$P/rw=rw:$P/l1=ro,xino=$P/xd/aufs.xino"
S=$(ls -d /sys/fs/aufs/si_*)
before=$(snap)
check EINVAL branch "append:$P/x,append:$P/xd"
# Repeating the current xino is accepted along with an edit.
mount -o "remount,xino=$P/xd/aufs.xino,append:$P/x" mnt || fail "remount repeating xino= with an edit"
assert_eq "$(cat "$S/br2")" "$P/x=ro" "x appended"
