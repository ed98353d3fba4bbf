# del of a branch in use fails with EBUSY and changes nothing: a file of it
# open (exec 3<), a process cwd in a dir only it has, a shared mmap of one of
# its files with the fd closed. After the user goes, del succeeds. mod rw->ro
# of a branch with a file open for writing: EBUSY; open for reading only: ok.
# Users of other branches, and a cwd at the union root, do not block del.
mkdir rw l1 x x/d
echo one > l1/one && echo xf > x/xf && echo mm > x/mm && echo in-d > x/d/in
aufs_mount "br=$PWD/rw=rw:$PWD/l1=ro"
S=$(ls -d /sys/fs/aufs/si_*)
pid=""
trap '[ -z "$pid" ] || kill $pid 2>/dev/null' EXIT # a failing test leaves no process behind
P=$PWD
snap() {
	for f in "$S"/*; do echo "${f##*/}=$(cat "$f")"; done
	ls -A mnt
}
busy() { # DATA: the remount must fail with EBUSY, log a line, change nothing
	before=$(snap)
	dmesg_clear
	got=$(aufs-test remount mnt "$1")
	[ "$got" = EBUSY ] || fail "remount,$1 while in use: got '$got', want EBUSY"
	dmesg_expect branch
	assert_eq "$(snap)" "$before" "union after the refused remount,$1"
}
cwd_is() { [ "$(readlink "/proc/$1/cwd")" = "$2" ]; }
remount "append:$P/x"

# An open file; the edits before the busy del are not applied either.
mkdir y
exec 3< mnt/xf
busy "del:$P/x"
busy "append:$P/y,del:$P/x"
busy "prepend:$P/y,mod:$P/l1=rr,del:$P/x"
assert_eq "$(cat <&3)" xf "read through the fd after the refused del"
exec 3<&-
remount "del:$P/x"
[ -e mnt/xf ] && fail "file visible after del"
remount "append:$P/x"

# An open dir that only the branch has.
exec 3< mnt/d
busy "del:$P/x"
exec 3<&-
remount "del:$P/x"
remount "append:$P/x"

# A cwd in a dir that only the branch has.
(cd mnt/d && exec sleep 100) &
pid=$!
wait_for cwd_is $pid "$P/mnt/d"
busy "del:$P/x"
kill $pid
wait $pid
remount "del:$P/x"
[ -e mnt/d ] && fail "dir visible after del"
remount "append:$P/x"

# A cwd in a dir that merges the branch with another one.
mkdir rw/m x/m
(cd mnt/m && exec sleep 100) &
pid=$!
wait_for cwd_is $pid "$P/mnt/m"
busy "del:$P/x"
kill $pid
wait $pid
remount "del:$P/x"
remount "append:$P/x"

# Users of other branches and a cwd at the root do not make x busy.
exec 3< mnt/one
(cd mnt && exec sleep 100) &
pid=$!
wait_for cwd_is $pid "$P/mnt"
remount "del:$P/x"
assert_eq "$(cat <&3)" one "fd on another branch after del"
exec 3<&-
kill $pid
wait $pid

# mod rw->ro with a file open for writing.
echo w > mnt/w && [ -f rw/w ] || fail "w not on rw"
exec 4>> mnt/w
busy "mod:$P/rw=ro"
busy "append:$P/y,mod:$P/rw=ro"
busy "mod:$P/rw=rr,mod:$P/rw=rw"
echo more >&4 || fail "write through the fd after the refused mod"
exec 4>&-
assert_eq "$(cat rw/w | tr '\n' ' ')" "w more " "data written through the kept fd"
exec 5< mnt/w
remount "mod:$P/rw=ro"
assert_eq "$(cat "$S/br0")" "$P/rw=ro" "mod with a file open for reading only"
exec 5<&-
expect_errno EROFS open-errno mnt/w w
remount "mod:$P/rw=rw"
echo again >> mnt/w || fail "write after mod back to rw"
# The rw branch too: a file open on it blocks its del.
exec 3< mnt/w
busy "del:$P/rw"
exec 3<&-

# A shared mapping whose fd is closed; then one made and left by a process
# that exits without munmap.
remount "append:$P/x"
aufs-test mmap-hold mnt/mm > mmap.out &
pid=$!
wait_for grep -q ok mmap.out
busy "del:$P/x"
kill $pid
wait $pid
remount "del:$P/x"
remount "append:$P/x"
assert_eq "$(aufs-test mmap-read mnt/mm shared)" mm "mmap-read"
remount "del:$P/x"
