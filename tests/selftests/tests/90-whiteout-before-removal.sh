# A failed removal, rename or create changes nothing the user can see
# (problem 6 of issue 13): the whiteout or opaque marker is made first, the
# old object removed last, and a failure rolls back. The upper branch is a
# tiny tmpfs that runs out of inodes (nr_inodes=) or blocks (size=) at each
# step. Files held open on the branch keep tmpfs from reusing their inode
# when the union removes them (as another user of the branch would).

# fill DIR: makes empty files in DIR until its fs has no inode left.
fill() {
	n=0
	while touch "$1/fill$n" 2>/dev/null; do
		n=$((n + 1))
		[ $n -lt 1000 ] || fail "fill: tmpfs never ran out of inodes"
	done
}

# fresh NAME [OPTS]: a new union on ./NAME: NAME-up (tmpfs, nr_inodes=32)
# over NAME-lo, mounted on NAME-mnt; the fill dir is made in advance.
fresh() {
	mkdir "$1-up" "$1-lo" "$1-mnt"
	mount -t tmpfs -o nr_inodes=32 t "$1-up" || fail "tmpfs"
	mkdir "$1-up/fill"
}
union() {
	mount -t aufs -o "br=$PWD/$1-up=rw${2-}:$PWD/$1-lo=ro" none "$1-mnt" || fail "mount $1"
}

# unlink of a copied-up file with a lower original (the reproducer).
fresh u && echo old > u-lo/f && echo kept > u-lo/g && union u
echo new > u-mnt/f || fail "copy-up"
fill u-up/fill
rm u-mnt/f 2>/dev/null && fail "rm on a full branch succeeded without a whiteout"
assert_eq "$(cat u-mnt/f)" new "unlink failed: the file keeps its new data"
[ -e u-up/.wh.f ] && fail "unlink failed: a whiteout was left"
rm u-mnt/g 2>/dev/null && fail "rm of a lower file on a full branch succeeded"
assert_eq "$(cat u-mnt/g)" kept "unlink failed: the lower file stays"
rm u-up/fill/fill0
rm u-mnt/f || fail "rm with one inode free"
[ -e u-mnt/f ] && fail "removed file still visible"
assert_eq "$(cat u-lo/f)" old "lower file untouched"
assert_eq "$(ls u-mnt | tr '\n' ' ')" "fill g " "listing after unlink"

# rename of a copied-up file with a lower original: the old name needs a
# whiteout, made before the rename.
fresh r && echo old > r-lo/g && union r
echo new > r-mnt/g || fail "copy-up"
fill r-up/fill
expect_errno ENOSPC rename r-mnt/g r-mnt/h none
assert_eq "$(cat r-mnt/g)" new "rename failed: the old name keeps the new data"
[ -e r-mnt/h ] && fail "rename failed: the new name appeared"
rm r-up/fill/fill0
expect_errno ok rename r-mnt/g r-mnt/h none
[ -e r-mnt/g ] && fail "renamed-away name visible"
assert_eq "$(cat r-mnt/h)" new "renamed file"

# rmdir of an opaque upper dir over a lower dir with entries.
fresh d && mkdir d-lo/d && echo x > d-lo/d/x
mkdir d-up/d && : > d-up/d/.wh..wh..opq
union d
exec 3< d-up/d/.wh..wh..opq
fill d-up/fill
rmdir d-mnt/d 2>/dev/null && fail "rmdir on a full branch succeeded"
assert_eq "$(ls -a d-mnt/d | tr '\n' ' ')" ". .. " "rmdir failed: the dir stays opaque and empty"
rm d-up/fill/fill0
rmdir d-mnt/d || fail "rmdir with one inode free"
[ -e d-mnt/d ] && fail "removed dir visible"
assert_eq "$(ls -a d-up | grep -c '^\.wh\.\.wh\.d\.')" 0 "temporary dir removed"
exec 3<&-

# mkdir over a whiteout (+nolwh: plain whiteouts): the new dir must be
# opaque the moment it is visible. The whiteout becomes the marker, so one
# free inode (the dir's) is enough.
fresh m && mkdir m-lo/e && echo x > m-lo/e/x && : > m-up/.wh.e
union m +nolwh
[ -e m-mnt/e ] && fail "whited-out dir visible"
exec 3< m-up/.wh.e
fill m-up/fill
mkdir m-mnt/e 2>/dev/null && fail "mkdir on a full branch succeeded"
[ -e m-mnt/e ] && fail "mkdir failed: the lower dir came back"
rm m-up/fill/fill0
mkdir m-mnt/e || fail "mkdir over a whiteout with one inode free"
assert_eq "$(ls -a m-mnt/e | tr '\n' ' ')" ". .. " "new dir over a whiteout is opaque"
exec 3<&-

# rename of a dir onto a whited-out name (+nolwh): the moved dir must be
# opaque when it appears; again the whiteout becomes its marker.
fresh n && mkdir n-lo/n && echo x > n-lo/n/x && : > n-up/.wh.n
mkdir n-up/s && echo y > n-up/s/y
union n +nolwh
exec 3< n-up/.wh.n
fill n-up/fill
expect_errno ok rename n-mnt/s n-mnt/n none
[ -e n-mnt/s ] && fail "renamed dir still at its old name"
assert_eq "$(ls n-mnt/n | tr '\n' ' ')" "y " "renamed dir is opaque over the lower dir"
exec 3<&-

# rename of a dir onto a lower dir (no whiteout to reuse): the opaque
# marker needs an inode; on a full branch the rename fails and changes
# nothing. With one inode free it works; the target's upper dir (holding a
# whiteout) is moved aside and removed.
fresh o && mkdir -p o-lo/o/sub && mkdir o-up/s && echo y > o-up/s/y && union o
rmdir o-mnt/o/sub || fail "rmdir of a lower dir"   # o is empty in the union now
fill o-up/fill
expect_errno ENOSPC rename o-mnt/s o-mnt/o none
assert_eq "$(ls o-mnt/s)" y "failed rename: the dir stays at its old name"
assert_eq "$(ls -A o-mnt/o | wc -l)" 0 "failed rename: the target stays as it was"
[ -e o-up/s/.wh..wh..opq ] && fail "failed rename: a marker was left in the source"
rm o-up/fill/fill0
expect_errno ok rename o-mnt/s o-mnt/o none
assert_eq "$(ls -A o-mnt/o)" y "renamed dir over a lower dir"
assert_eq "$(ls -A o-up | grep -c '^\.wh\.\.wh\.o\.')" 0 "no temporary dir left"

# rename onto an upper dir that holds only whiteouts, then rmdir of it: the
# old dirs are moved to hidden temporary names and removed; none is left.
fresh t && mkdir t-lo/t && echo x > t-lo/t/x && union t
rm t-mnt/t/x && [ -e t-up/t/.wh.x ] || fail "whiteout in a copied-up dir"
mkdir t-mnt/s && echo y > t-mnt/s/y || fail "mkdir s"
expect_errno ok rename t-mnt/s t-mnt/t none
assert_eq "$(ls -A t-mnt/t | tr '\n' ' ')" "y " "dir renamed over a dir of whiteouts is opaque"
rm t-mnt/t/y && rmdir t-mnt/t || fail "rmdir of a dir holding a whiteout and a marker"
[ -e t-mnt/t ] && fail "removed dir visible"
assert_eq "$(ls -A t-up | grep -c '^\.wh\.\.wh\.t\.')" 0 "no temporary dir left"
assert_eq "$(ls -A t-up | tr '\n' ' ')" ".wh..wh.aufs .wh..wh.orph .wh..wh.plnk .wh.t fill " "upper branch after rmdir"
assert_eq "$(cat t-lo/t/x)" x "lower untouched"

# create over a whiteout on a full branch fails and the name stays deleted.
fresh c && echo old > c-lo/c && : > c-up/.wh.c && union c
fill c-up/fill
{ echo new > c-mnt/c; } 2>/dev/null && fail "create on a full branch succeeded"
[ -e c-mnt/c ] && fail "create failed: the lower file came back"
rm c-up/fill/fill0
echo new > c-mnt/c || fail "create over a whiteout with one inode free"
assert_eq "$(cat c-mnt/c)" new "created over a whiteout"

# A copy-up that runs out of blocks (size=) leaves the lower file showing
# and no temporary file behind.
mkdir s-up s-lo s-mnt && mount -t tmpfs -o size=64k t s-up || fail "tmpfs"
dd if=/dev/zero of=s-lo/big bs=1k count=512 2>/dev/null
mount -t aufs -o "br=$PWD/s-up=rw:$PWD/s-lo=ro" none s-mnt || fail "mount s"
{ echo x >> s-mnt/big; } 2>/dev/null && fail "copy-up of 512k into a 64k branch succeeded"
assert_eq "$(stat -c %s s-mnt/big)" 524288 "failed copy-up: the lower file shows"
assert_eq "$(ls -A s-up/.wh..wh.orph | wc -l)" 0 "failed copy-up: no temporary left"
[ -e s-up/big ] && fail "failed copy-up: a partial copy is visible"
true
