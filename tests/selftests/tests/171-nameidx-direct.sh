# The name index (nameidx.rs) and changes made directly in the branches,
# behind the union's back, in dirs already indexed (a miss there built the
# index), with udba=reval (the default) and udba=notify: a file added to a
# read-only layer under a name never looked up is found at once (its dir's
# stamp changed, the index is built again); under a name cached as missing
# it shows as each udba= says (68, 77: reval from the name's next lookup
# after it left the dentry cache, notify at once); a file removed from a
# layer or hidden by a new whiteout there (`ro+wh`) is gone; a whiteout
# added on the writable branch hides the name at once.
P=$PWD
mkdir rw
k=1 list="$P/rw=rw"
while [ $k -le 10 ]; do
	mkdir -p l/$k/d && echo "f$k" > l/$k/f$k && echo "g$k" > l/$k/d/g$k
	list="$list:$P/l/$k=ro+wh"
	k=$((k + 1))
done
for udba in reval notify; do
	aufs_mount "br=$list,udba=$udba"
	[ -e mnt/zz ] || [ -e mnt/d/zz ] && fail "$udba: zz found"
	echo a > l/5/new$udba && echo b > l/7/d/new$udba
	assert_eq "$(cat mnt/new$udba)" a "$udba: file added to a read-only layer"
	assert_eq "$(cat mnt/d/new$udba)" b "$udba: file added to a read-only layer's subdir"
	[ -e mnt/d/neg$udba ] && fail "$udba: neg found"
	echo c > l/3/d/neg$udba
	if [ $udba = reval ]; then
		[ -e mnt/d/neg$udba ] && fail "reval: neg, cached as missing, looked up again"
		echo 2 > /proc/sys/vm/drop_caches
	fi
	assert_eq "$(cat mnt/d/neg$udba)" c "$udba: file added under a name cached as missing"
	rm l/6/f6 l/4/d/g4
	[ -e mnt/f6 ] || [ -e mnt/d/g4 ] && fail "$udba: file removed from a read-only layer found"
	[ -e mnt/zz ] && fail "$udba: zz found after the removals"
	: > l/2/.wh.f8
	[ -e mnt/f8 ] && fail "$udba: f8 whited out directly on a ro+wh layer found"
	assert_eq "$(cat mnt/f10)" f10 "$udba: f10 before its whiteout"
	: > rw/.wh.f10 && : > rw/.wh.f9
	[ -e mnt/f10 ] && fail "$udba: f10 (cached) whited out on the writable branch found"
	[ -e mnt/f9 ] && fail "$udba: f9 whited out on the writable branch found"
	assert_eq "$(cat mnt/f1 mnt/d/g9)" "f1
g9" "$udba: f1 and d/g9"
	umount mnt
	# Undo for the next round.
	rm rw/.wh.f10 rw/.wh.f9 l/2/.wh.f8
	echo f6 > l/6/f6 && echo g4 > l/4/d/g4
done
