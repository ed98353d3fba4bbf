# aubusy (tools/aubusy) names exactly the users that make remount,del: fail
# with EBUSY: each case of 62-remount-busy (an open file, an open dir, a cwd
# in a dir of the branch or merged with it, a shared mapping with its fd
# closed, an inotify watch), and nothing when del succeeds (users of other branches, a cwd at
# the root, the user gone).
aubusy --help | grep -q "Usage: aubusy" || fail "aubusy --help"
mkdir rw l1 x x/d y
echo one > l1/one && echo xf > x/xf && echo mm > x/mm && echo in-d > x/d/in
aufs_mount "br=$PWD/rw=rw:$PWD/l1=ro"
P=$PWD
pid=""
trap '[ -z "$pid" ] || kill $pid 2>/dev/null' EXIT
remount "append:$P/x"
cwd_is() { [ "$(readlink "/proc/$1/cwd")" = "$2" ]; }
# busy WHAT: aubusy lists a line ending in WHAT for x, and del:x is EBUSY.
busy() {
	out=$(aubusy mnt "$P/x") || fail "aubusy found no user of x (want '$1'); del gives $(aufs-test remount mnt "del:$P/x")"
	echo "$out" | grep -q "^2 $P/x [0-9]* .* $1\$" || fail "aubusy: '$out', want a line ending in '$1'"
	assert_eq "$(aufs-test remount mnt "del:$P/x")" EBUSY "del:x while aubusy says: $out"
}
# free: aubusy lists nothing for x (exit 1), and del:x succeeds.
free() {
	out=$(aubusy mnt 2) && fail "aubusy: '$out', want no user of x"
	[ $? -eq 1 ] || fail "aubusy exit status"
	remount "del:$P/x"
	remount "append:$P/x"
}
free
exec 3< mnt/xf
busy "fd3 $P/mnt/xf"
exec 3<&-
free
exec 3< mnt/d
busy "fd3 $P/mnt/d"
exec 3<&-
free
(cd mnt/d && exec sleep 100) &
pid=$!
wait_for cwd_is $pid "$P/mnt/d"
busy "cwd $P/mnt/d"
aubusy mnt | grep -q "^2 $P/x $pid sleep cwd $P/mnt/d\$" || fail "aubusy: pid and command: $(aubusy mnt)"
kill $pid && wait $pid
free
# A dir merged over rw and x: both busy.
mkdir rw/m x/m
(cd mnt/m && exec sleep 100) &
pid=$!
wait_for cwd_is $pid "$P/mnt/m"
busy "cwd $P/mnt/m"
aubusy mnt 0 | grep -q "^0 $P/rw $pid sleep cwd $P/mnt/m\$" || fail "merged dir: rw not listed: $(aubusy mnt)"
kill $pid && wait $pid
free
# A file in a dir that only x has, open: the dir is in use too.
exec 3< mnt/d/in
busy "fd3 $P/mnt/d/in"
exec 3<&-
free
# Users of other branches and a cwd at the root.
exec 3< mnt/one
(cd mnt && exec sleep 100) &
pid=$!
wait_for cwd_is $pid "$P/mnt"
aubusy mnt l1 | grep -q "fd3 $P/mnt/one\$" || fail "aubusy of l1: $(aubusy mnt l1)"
free
exec 3<&-
kill $pid && wait $pid
# A shared mapping with its fd closed.
aufs-test mmap-hold mnt/mm > mmap.out &
pid=$!
wait_for grep -q ok mmap.out
busy "mmap $P/mnt/mm"
kill $pid && wait $pid
pid=""
free
# An inode held only by an inotify watch (its dentry dropped); the watch
# goes asynchronously after the process.
aufs-test inotify-hold mnt/xf > watch.out &
pid=$!
wait_for grep -q ok watch.out
echo 2 > /proc/sys/vm/drop_caches
busy "inotify[0-9]* $P/mnt/xf"
kill $pid && wait $pid
pid=""
nobody() { ! aubusy mnt 2 > /dev/null; }
wait_for nobody
free
aubusy mnt nosuch 2>/dev/null
assert_eq $? 2 "aubusy of a path that is no branch"
true
