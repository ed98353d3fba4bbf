# Issue 17, dir rename with dirren: a populated merged dir (entries on 1 and
# on 10 stacked ro+wh layers, whiteouts and an opaque dir on the way) is
# renamed, renamed back (within its dir: recorded in aufs's format, one info
# file per layer and nothing copied; 160 checks the bytes), renamed over an
# empty merged dir and into another merged dir (its lower tree copied up,
# the dir made opaque). After each step the union shows exactly the tree it
# showed before under the new name (a deleted lower entry never comes back),
# also after umount+mount and a cache drop, and the layers never change.
# dirren/nodirren at mount and remount, shown in /proc/mounts when on.

# tree DIR: every path under DIR with its mode and, for files, size, links
# and a hash of the content; symlink targets (aufs-test tree: no process per
# file).
tree() { aufs-test tree "$1" - nodirsize; }

# layers N: ./l1 (top) .. ./lN: d/ with files and subdirs on every layer,
# a whiteout of a lower file and an opaque subdir in the top layer (N > 1),
# empty merged dirs to rename over, and a merged dir m to move into.
layers() {
	i=1
	while [ "$i" -le "$1" ]; do
		mkdir -p "l$i/d/sub$i/deeper" "l$i/d/common/c$i" "l$i/m/in$i" "l$i/empty" "l$i/d/opq"
		echo "f$i" > "l$i/d/f$i" && echo "s$i" > "l$i/d/sub$i/deeper/s$i"
		echo "c$i" > "l$i/d/common/c$i/c" && echo "o$i" > "l$i/d/opq/o$i"
		ln -s "f$i" "l$i/d/link$i"
		i=$((i + 1))
	done
	if [ "$1" -gt 1 ]; then
		: > "l1/d/.wh.f$1" # the bottom layer's f is deleted
		: > l1/d/opq/.wh..wh..opq # only l1's o1 shows in d/opq
	fi
}

# branches N RW: the br= list RW:l1..lN.
branches() {
	list="$PWD/$2=rw"
	i=1
	while [ "$i" -le "$1" ]; do
		list="$list:$PWD/l$i=ro+wh"
		i=$((i + 1))
	done
	echo "$list"
}

# infos DIR: the number of dirren info files in rw/DIR.
infos() { ls -a "rw/$1" | grep -c '^\.wh\.\.wh\.\.dr\.'; }

# same STEP: the union now shows $tree_want under mnt/$where, also after
# umount+mount and a cache drop.
same() {
	assert_eq "$(tree "mnt/$where")" "$tree_want" "$1"
	umount mnt || fail "umount after $1"
	aufs_mount "$opts"
	echo 3 > /proc/sys/vm/drop_caches
	assert_eq "$(tree "mnt/$where")" "$tree_want" "$1, after umount+mount and a cache drop"
}

run() {
	n=$1
	rm -rf l* rw && mkdir rw
	layers "$n"
	layers_before=$(cd l1 && cd .. && for l in l*; do tree "$l"; done)
	opts="br=$(branches "$n" rw),dirren"
	aufs_mount "$opts"
	grep " $PWD/mnt aufs " /proc/mounts | grep -q ",dirren" || fail "dirren not in /proc/mounts"
	rm "mnt/d/f1" || fail "rm of a lower file"
	echo changed > mnt/d/common/c1/c || fail "copy-up in d"
	tree_want=$(tree mnt/d)
	echo "$tree_want" | grep -q "^./f1 " && fail "deleted file listed"
	[ "$n" -gt 1 ] && { echo "$tree_want" | grep -q "^./f$n " && fail "whited-out lower file listed"; }
	expect_errno ok rename mnt/d mnt/e none
	[ -e mnt/d ] && fail "$n layers: d still visible after rename"
	assert_eq "$(infos e)" "$n" "$n layers: info files after the rename"
	[ -e rw/e/sub1 ] || [ -e rw/e/.wh..wh..opq ] && fail "$n layers: lower tree copied up"
	where=e && same "$n layers: renamed"
	expect_errno ok rename mnt/e mnt/d none
	[ -e mnt/e ] && fail "$n layers: e still visible after renaming back"
	assert_eq "$(infos d)" 0 "$n layers: info files after the rename back"
	where=d && same "$n layers: renamed back"
	# over an empty merged dir (its lower entries all deleted first)
	[ -n "$(ls -A mnt/empty)" ] && fail "empty is not empty"
	expect_errno ok rename mnt/d mnt/empty none
	[ -d rw/empty/sub1 ] && [ -e rw/empty/.wh..wh..opq ] || fail "$n layers: over an empty merged dir: not copied up"
	where=empty && same "$n layers: renamed over an empty merged dir"
	# into another merged dir
	expect_errno ok rename mnt/empty mnt/m/d none
	where=m/d && same "$n layers: renamed into another merged dir"
	i=1
	while [ "$i" -le "$n" ]; do
		[ -d "mnt/m/in$i" ] || fail "$n layers: m lost its lower entry in$i"
		i=$((i + 1))
	done
	[ -e mnt/d ] || [ -e mnt/empty ] || [ -e mnt/e ] || true
	[ -e mnt/empty ] && fail "$n layers: empty still visible"
	assert_eq "$(cd l1 && cd .. && for l in l*; do tree "$l"; done)" "$layers_before" "$n layers: layers unchanged"
	umount mnt
}

run 1
run 10

# nodirren at remount: EXDEV again; dirren back; not shown when off.
rm -rf l* rw && mkdir rw && layers 2
opts="br=$(branches 2 rw)"
aufs_mount "$opts"
expect_errno EXDEV rename mnt/d mnt/e none
remount dirren
grep " $PWD/mnt aufs " /proc/mounts | grep -q ",dirren" || fail "dirren not shown after remount"
expect_errno ok rename mnt/d mnt/e none
remount nodirren
grep " $PWD/mnt aufs " /proc/mounts | grep -q ",dirren" && fail "dirren shown after nodirren"
expect_errno EXDEV rename mnt/m mnt/m2 none
expect_errno ok rename mnt/e mnt/d none # now on the writable branch alone
mount -t aufs -o "$opts,dirren=1" none mnt 2>/dev/null && fail "dirren=1 accepted"
umount mnt

# udba=none trusts cached dentries: those below the renamed dir named the
# lower objects, and must not survive it (a removal through one would miss
# the copy on the writable branch).
rm -rf l* rw && mkdir rw && layers 2
opts="br=$(branches 2 rw),dirren,udba=none"
aufs_mount "$opts"
ls -R mnt/d >/dev/null && cat mnt/d/sub2/deeper/s2 >/dev/null
expect_errno ok rename mnt/d mnt/e none
rm mnt/e/sub2/deeper/s2 mnt/e/f1 && rmdir mnt/e/sub2/deeper || fail "udba=none: removal in the renamed dir"
echo 3 > /proc/sys/vm/drop_caches
[ -e mnt/e/sub2/deeper ] || [ -e mnt/e/f1 ] && fail "udba=none: removed entries came back"
umount mnt && aufs_mount "$opts"
[ -e mnt/e/sub2/deeper ] || [ -e mnt/e/f1 ] && fail "udba=none: removed entries back after umount+mount"
assert_eq "$(cat mnt/e/sub1/deeper/s1)" s1 "udba=none: renamed dir keeps its other files"
umount mnt

# A failed rename changes nothing the user sees: ENOSPC on a tiny tmpfs
# writable branch, at every inode budget until it succeeds (10 layers: the
# rename writes 10 info files).
rm -rf l* && layers 10
k=0
while :; do
	mkdir -p up && mount -t tmpfs -o nr_inodes=$((8 + k)) t up || fail tmpfs
	opts="br=$(branches 10 up),dirren"
	aufs_mount "$opts"
	tree_want=$(tree mnt) && tree_want_d=$(tree mnt/d) && up_before=$(tree up)
	res=$(aufs-test rename mnt/d mnt/e none)
	if [ "$res" = ok ]; then
		[ -e mnt/d ] && fail "ENOSPC sweep: d visible after the rename"
		where=e && tree_want=$tree_want_d && same "ENOSPC sweep: renamed at k=$k"
		umount mnt && umount up
		break
	fi
	assert_eq "$res" ENOSPC "ENOSPC sweep at k=$k"
	assert_eq "$(tree mnt)" "$tree_want" "ENOSPC sweep at k=$k: union changed"
	echo 3 > /proc/sys/vm/drop_caches
	assert_eq "$(tree mnt)" "$tree_want" "ENOSPC sweep at k=$k: union changed (cache dropped)"
	assert_eq "$(tree up)" "$up_before" "ENOSPC sweep at k=$k: writable branch changed"
	umount mnt && umount up
	k=$((k + 1))
	[ "$k" -lt 200 ] || fail "ENOSPC sweep never succeeded"
done
echo "# dirren ENOSPC sweep: $k failed budgets rolled back"
