# auplink (tools/auplink) on a real mount: `list` names every pseudo-link's
# file under all its union names; `cpup` makes each name a real hardlink on
# the writable branch (dirs on the way copied up) and keeps the
# pseudo-links; `flush` also removes them. A plain umount keeps the
# pseudo-links on the branch (as aufs does); umount.aufs flushes first, so
# the branch alone then shows the hardlinks. The union never changes.
PATH=/tests/sbin:$PATH # mount.aufs, umount.aufs
auplink --help | grep -q "Usage: auplink" || fail "auplink --help"
mkdir rw ro && echo one > ro/x && ln ro/x ro/y
mkdir -p ro/d/e && echo f > ro/d/e/f && ln ro/d/e/f ro/g
echo solo > ro/solo
aufs_mount "br=$PWD/rw=rw:$PWD/ro=ro"
M=$PWD/mnt
assert_eq "$(auplink mnt list)" "" "list before any copy-up"
echo two >> mnt/x || fail "copy-up of x"
echo more >> mnt/g || fail "copy-up of g"
echo solo2 >> mnt/solo || fail "copy-up of a file with one name"
ix=$(stat -c %i mnt/x) ig=$(stat -c %i mnt/g)
want=$(printf '%s\n' "$ix $M/x" "$ix $M/y" "$ig $M/d/e/f" "$ig $M/g" | sort)
assert_eq "$(auplink mnt list | sort)" "$want" "list"
view() { # names, their hardlink numbers and content (a file with one name
	# may get another number in the next mount)
	(cd mnt && for f in x y g d/e/f solo; do echo "$f $([ "$f" = solo ] || stat -c %i "$f") $(cat "$f" | tr '\n' ' ')"; done)
}
before=$(view)
[ -e rw/y ] || [ -e rw/d ] && fail "other names on the branch before cpup"
auplink mnt cpup || fail "cpup"
assert_eq "$(stat -c %i rw/y)" "$(stat -c %i rw/x)" "rw/y a hardlink of rw/x after cpup"
assert_eq "$(stat -c %i rw/d/e/f)" "$(stat -c %i rw/g)" "rw/d/e/f a hardlink of rw/g after cpup"
[ -f "rw/.wh..wh.plnk/$ix" ] || fail "cpup removed the pseudo-link"
assert_eq "$(stat -c %a ro/d/e)" "$(stat -c %a rw/d/e)" "copied-up dir's mode"
assert_eq "$(view)" "$before" "union after cpup"
auplink mnt cpup || fail "second cpup"
# A plain umount keeps the pseudo-links on the branch, as aufs does.
umount mnt || fail umount
[ -f "rw/.wh..wh.plnk/$ix" ] || fail "umount removed a pseudo-link"
aufs_mount "br=$PWD/rw=rw:$PWD/ro=ro"
assert_eq "$(view)" "$before" "union after a remount"
auplink -v mnt flush > flush.out || fail "flush"
grep -q "removed $PWD/rw/.wh..wh.plnk/$ix" flush.out || fail "flush did not remove the pseudo-link: $(cat flush.out)"
assert_eq "$(ls -A rw/.wh..wh.plnk)" "" "pseudo-links after flush"
assert_eq "$(auplink mnt list)" "" "list after flush"
assert_eq "$(view)" "$before" "union after flush"
umount mnt
# umount.aufs: a new pseudo-link (its other name in a dir only the lower
# branch has), and one whose names were all removed.
mkdir -p ro/p/q && echo h > ro/h && ln ro/h ro/p/q/h2 && echo z > ro/z1 && ln ro/z1 ro/z2
aufs_mount "br=$PWD/rw=rw:$PWD/ro=ro"
echo h2 >> mnt/h && echo z2 >> mnt/z1 && rm mnt/z1 mnt/z2 || fail "set-up"
ih=$(stat -c %i mnt/h)
[ -f "rw/.wh..wh.plnk/$ih" ] || fail "no pseudo-link for h"
auplink mnt list | grep -q "(no name)" || fail "list: no entry for the pseudo-link without names"
umount.aufs mnt || fail "umount.aufs"
grep -q " $PWD/mnt " /proc/mounts && fail "still mounted after umount.aufs"
assert_eq "$(ls -A rw/.wh..wh.plnk)" "" "pseudo-links after umount.aufs"
assert_eq "$(stat -c '%i %h' rw/p/q/h2)" "$(stat -c %i rw/h) 2" "the branch alone has both names of h"
assert_eq "$(cat rw/p/q/h2 | tr '\n' ' ')" "h h2 " "content of the other name"
assert_eq "$(cat ro/h)" h "lower unchanged"
true
