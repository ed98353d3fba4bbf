# Issue 17: dirren in aufs's own on-branch format. A merged dir renamed
# within its dir stays where it is on the lower branches, nothing of its
# lower tree is copied: the writable branch gets the renamed dir (not
# opaque), a whiteout of the old name, one info file per lower branch
# (.wh..wh..dr.<aufs's branch id>, aufs's byte layout: magic, padding, the
# lower dir's inode number big endian, the old name's length, padding, the
# old name) and the dir's inode number (big endian) in .wh..wh.hino at the
# branch root. A chain A->B->C keeps naming the lower dirs by their own
# name; a rename back removes the infos. The union shows the same tree
# after each step, also after umount+mount and a cache drop, at 1 and at 10
# layers; a lower file deleted before the rename stays deleted.

tree() { aufs-test tree "$1" - nodirsize; }
hex() { od -An -tx1 -v "$1" | tr -s ' \n' '  ' | sed 's/^ //;s/ $//'; }
be64() { printf '%016x' "$1" | sed 's/../& /g;s/ $//'; }
namehex() { printf '%s' "$1" | od -An -tx1 -v | tr -s ' \n' '  ' | sed 's/^ //;s/ $//'; }
# info_want INO NAME: the bytes aufs writes for a lower dir INO named NAME.
info_want() {
	echo "61 64 72 01 00 00 00 00 $(be64 "$1") $(printf '%02x' ${#2}) 00 00 00 00 00 00 00 $(namehex "$2")"
}

# infos DIR NAME: DIR on rw holds, for each layer, the info naming its
# lower dir NAME.
infos() {
	i=1
	while [ "$i" -le "$n" ]; do
		f="rw/$1/.wh..wh..dr.$(aufs-test drid "l$i")"
		[ -f "$f" ] || fail "$n layers: no info $f ($(ls -a "rw/$1"))"
		assert_eq "$(hex "$f")" "$(info_want "$(stat -c %i "l$i/$2")" "$2")" "$n layers: bytes of $f"
		i=$((i + 1))
	done
}

# same STEP WHERE: mnt/WHERE shows $tree_want, also after umount+mount and
# a cache drop.
same() {
	assert_eq "$(tree "mnt/$2")" "$tree_want" "$n layers: $1"
	umount mnt || fail "umount after $1"
	aufs_mount "$opts"
	echo 3 > /proc/sys/vm/drop_caches
	assert_eq "$(tree "mnt/$2")" "$tree_want" "$n layers: $1, after umount+mount and a cache drop"
}

run() {
	n=$1
	rm -rf l* rw && mkdir rw
	opts="br=$PWD/rw=rw"
	i=1
	while [ "$i" -le "$n" ]; do
		mkdir -p "l$i/A/s$i/deep" "l$i/A/common"
		echo "f$i" > "l$i/A/f$i" && echo "c$i" > "l$i/A/common/c$i" && echo "d$i" > "l$i/A/s$i/deep/d"
		opts="$opts:$PWD/l$i=ro"
		i=$((i + 1))
	done
	opts="$opts,dirren"
	aufs_mount "$opts"
	rm mnt/A/f1 || fail "rm of a lower file"
	tree_want=$(tree mnt/A)
	expect_errno ok rename mnt/A mnt/B none
	[ -e mnt/A ] && fail "$n layers: A still shown"
	[ -e rw/.wh.A ] || fail "$n layers: no whiteout of the old name"
	[ -e rw/B/.wh..wh..opq ] && fail "$n layers: the renamed dir was made opaque"
	[ -z "$(ls rw/B)" ] || fail "$n layers: lower entries copied: $(ls rw/B)"
	[ -e rw/B/.wh.f1 ] || fail "$n layers: the whiteout inside did not move"
	infos B A
	assert_eq "$(hex rw/.wh..wh.hino)" "$(be64 "$(stat -c %i rw/B)")" "$n layers: .wh..wh.hino"
	same "renamed" B
	[ -e mnt/B/f1 ] && fail "$n layers: a deleted lower file came back"
	# A chain: the infos go on naming the lower dirs A.
	expect_errno ok rename mnt/B mnt/C none
	[ -e mnt/B ] && fail "$n layers: B still shown"
	[ -e rw/.wh.B ] && fail "$n layers: a whiteout of B, which no lower branch has"
	infos C A
	same "renamed again" C
	# Back to the lower dirs' own name: no info any more.
	expect_errno ok rename mnt/C mnt/A none
	ls -a rw/A | grep -q '^\.wh\.\.wh\.\.dr\.' && fail "$n layers: infos left after the rename back"
	[ -e rw/.wh.A ] && fail "$n layers: the old name's whiteout stayed"
	same "renamed back" A
	# Written into the renamed dir and below it.
	expect_errno ok rename mnt/A mnt/E none
	echo new > mnt/E/s1/deep/new && echo more >> mnt/E/common/c1 || fail "$n layers: write in the renamed dir"
	tree_want=$(tree mnt/E)
	same "written after the rename" E
	umount mnt
}

run 1
run 10
