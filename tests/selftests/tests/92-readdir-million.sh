# readdir of a 1 000 000-entry dir (problem 9 of issue 13): the merged listing
# used to be one physically contiguous kmalloc buffer and failed with ENOMEM
# above about 130 000 entries. The entries come from a squashfs image (made
# on the host by scripts/vm.sh: making a million entries in the guest takes
# minutes), merged with a writable branch that adds one name and whites out
# another.
[ -f /tests/data/million.sqfs ] || fail "no million.sqfs in the initramfs"
mkdir rw sq
mount -t squashfs -o loop,ro /tests/data/million.sqfs sq || fail "loop-mount squashfs"
mkdir rw/big && echo new > rw/big/f1000000 && : > rw/big/.wh.f7
aufs_mount "br=$PWD/rw=rw:$PWD/sq=rr"
# The listing is charged to the reader's memory cgroup (where the kernel has
# one: Debian's does, the test kernel has no cgroups). First: with rdcache
# (10 s by default, as in aufs) a second listing reuses the first one's
# memory, which stays charged to whoever made it.
mkdir cg
if mount -t cgroup2 none cg 2>/dev/null && echo +memory > cg/cgroup.subtree_control 2>/dev/null; then
	mkdir cg/t92
	out=$(aufs-test dents-memcg mnt/big "$PWD/cg/t92")
	echo "memcg: $out"
	held=${out#*held=}
	# 24 bytes of record and about 7 of name per entry: at least 20 MB.
	[ "$held" -gt 20000000 ] 2>/dev/null || fail "listing not charged to the memory cgroup: $out"
	rmdir cg/t92
	umount cg
else
	echo "no memory cgroup in this kernel: accounting part not run"
fi
# . and .. + 1 000 000 - f7 + f1000000; the names' numbers add up to
# 0+1+...+999999 - 7 + 1000000.
assert_eq "$(aufs-test count-dents mnt/big f)" \
	"entries=1000002 sum=$((999999 * 1000000 / 2 - 7 + 1000000))" "listing of 1 000 000 entries"

true
