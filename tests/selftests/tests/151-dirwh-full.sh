# dirwh on a full writable branch (tmpfs out of inodes): an rmdir that
# needs a whiteout fails with ENOSPC and changes nothing; one that needs
# none succeeds, and its background removal gives the inodes back.

mkdir ro rw
mount -t tmpfs -o nr_inodes=80 t rw || fail "tmpfs"
mkdir ro/low
aufs_mount "br=$PWD/rw=rw:$PWD/ro=ro"
for d in low up; do
	mkdir -p rw/$d
	i=0
	while [ $i -lt 20 ]; do
		: >rw/$d/.wh.f$i
		i=$((i + 1))
	done
done
mkdir rw/fill
n=0
while touch rw/fill/f$n 2>/dev/null; do
	n=$((n + 1))
	[ $n -lt 200 ] || fail "tmpfs never ran out of inodes"
done

# low exists below: its rmdir needs .wh.low, for which there is no inode.
rmdir mnt/low 2>err && fail "rmdir of low succeeded on a full branch"
grep -q "No space" err || fail "rmdir low: $(cat err)"
[ -d mnt/low ] || fail "low gone from the union after a failed rmdir"
assert_eq "$(ls -a rw/low | grep -c '^\.wh\.f')" 20 "low's whiteouts after a failed rmdir"
ls -a rw | grep -q '^\.wh\.\.wh\.low' && fail "a failed rmdir left $(ls -a rw)"

# up is only on the full branch: no whiteout needed, so it goes, and the
# background removal frees its 21 inodes.
rmdir mnt/up || fail "rmdir up on a full branch"
[ -e mnt/up ] && fail "up shown after rmdir"
gone() {
	! ls -a rw | grep -q '^\.wh\.\.wh\.up'
}
wait_for gone
i=0
while [ $i -lt 20 ]; do
	touch rw/fill/g$i || fail "inode $i of up not given back"
	i=$((i + 1))
done
umount mnt
umount rw
