# ENOSPC on the writable branch at every step (issue 13, "Prove it,
# systematically"). The upper branch is a fresh tiny tmpfs per attempt, filled
# on the branch so that exactly K pages (size=) or K inodes (nr_inodes=) are
# left, for K = 0.. until the operation succeeds. Each operation is first run
# with room to spare: that gives the expected after-state. After each attempt:
# the operation succeeded and the union and the branch show exactly that
# after-state, or it failed and both show exactly the before-state (listing,
# types, sizes, modes, contents, symlink targets; the union after a cache
# drop, so a fresh lookup); the lower branch is byte-identical throughout;
# umount works. Prints "# enospc-sweep: OPS ops x STEPS steps, N broken".
mkdir lo
dd if=/dev/urandom of=lo/big bs=4096 count=8 2>/dev/null
echo small > lo/small
echo wh > lo/fw
mkdir lo/dw lo/emptyd lo/deep lo/deep/er
echo in > lo/dw/in
echo deepfile > lo/deep/er/f
chmod 640 lo/small
lo_sum=$(find lo | sort | xargs md5sum 2>/dev/null | md5sum)

# state DIR: one line per object under DIR (fill files excluded): name, mode,
# size, links, contents' hash, symlink target, xattrs (aufs-test tree).
state() { aufs-test tree "$1" zfill dirsize; }
# Dentries and inodes: a fresh lookup (the branch page cache is not needed).
drop() { echo 2 > /proc/sys/vm/drop_caches; }

# setup KIND K PREP: a new tmpfs upper ./up and the union on ./mnt; PREP runs
# through the union; then the branch is filled so that K pages (KIND=blocks)
# or K inodes (KIND=inodes) are left.
setup() {
	mkdir -p up mnt
	if [ "$1" = blocks ]; then
		mount -t tmpfs -o size=256k,nr_inodes=1000 t up || fail "tmpfs"
	else
		mount -t tmpfs -o size=4m,nr_inodes=40 t up || fail "tmpfs"
	fi
	mount -t aufs -o "br=$PWD/up=rw:$PWD/lo=ro" none mnt || fail "aufs mount"
	eval "$3" || fail "prep '$3'"
	if [ "$1" = blocks ]; then
		r=$(aufs-test fill-blocks up/zfill "$2")
	else
		r=$(aufs-test fill-inodes up/zfilld "$2")
	fi
	[ "$r" = ok ] || fail "filling the branch: $r"
}
teardown() {
	umount mnt || fail "umount after $op/$kind/$k"
	umount up || fail "umount upper"
}

# ops: NAME|PREP|OPERATION (PREP and OPERATION run in sh, through ./mnt).
# Each OPERATION is one system call (a shell's "echo x >> f" is two: the open
# may succeed and the write fail, as on any filesystem).
ops='open-for-write|:|[ "$(aufs-test open-errno mnt/big w)" = ok ]
truncate|:|truncate -s 100 mnt/big
chmod|:|chmod 600 mnt/small
unlink|:|rm mnt/small
rmdir|:|rmdir mnt/emptyd
rename|:|mv mnt/small mnt/renamed
rename-over|echo x > mnt/other|mv mnt/other mnt/small
mkdir-over-whiteout|rm -r mnt/dw|mkdir mnt/dw
create-over-whiteout|rm mnt/fw|: > mnt/fw
create-deep|:|: > mnt/deep/er/g
mkdir-deep|:|mkdir mnt/deep/er/sub
link|:|ln mnt/small mnt/hard
symlink|:|ln -s small mnt/sym
setxattr|:|[ "$(aufs-test setxattr mnt/small user.k v)" = ok ]'

nops=0 steps=0 broken=0
while IFS='|' read -r op prep cmd; do
	nops=$((nops + 1))
	for kind in blocks inodes; do
		setup $kind 1000 "$prep"
		before_u=$(drop; state mnt) before_b=$(state up)
		sh -c "$cmd" 2>/dev/null || fail "$op with room to spare"
		after_u=$(drop; state mnt) after_b=$(state up)
		[ "$after_u" != "$before_u" ] || fail "$op changed nothing"
		teardown
		rm -rf up mnt
		k=0 ok=0
		while [ $ok -lt 2 ]; do
			setup $kind $k "$prep"
			steps=$((steps + 1))
			if sh -c "$cmd" 2>/dev/null; then
				ok=$((ok + 1)) want_u=$after_u want_b=$after_b what=succeeded
			else
				ok=0 want_u=$before_u want_b=$before_b what=failed
			fi
			got_u=$(drop; state mnt) got_b=$(state up)
			if [ "$got_u" != "$want_u" ] || [ "$got_b" != "$want_b" ]; then
				broken=$((broken + 1))
				echo "BROKEN: $op with $k $kind left $what:"
				printf 'want:\n%s\ngot:\n%s\nbranch want:\n%s\ngot:\n%s\n' \
					"$want_u" "$got_u" "$want_b" "$got_b" | sed 's/^/#   /'
			fi
			teardown
			rm -rf up mnt
			k=$((k + 1))
			[ $k -le 64 ] || fail "$op still fails with 64 $kind left"
		done
		echo "# $op ($kind): succeeds from $((k - 2)) left"
	done
done <<EOF
$ops
EOF
assert_eq "$(find lo | sort | xargs md5sum 2>/dev/null | md5sum)" "$lo_sum" "lower branch unchanged"
echo "# enospc-sweep: $nops ops x $steps steps, $broken broken"
[ $broken -eq 0 ] || fail "$broken broken steps"
