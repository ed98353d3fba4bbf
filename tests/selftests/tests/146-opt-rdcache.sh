# rdcache=SEC: a dir's merged listing is kept SEC seconds and reused by the
# next readers while its branch dirs are unchanged. Seen on an rr branch
# (declared never to change, so not checked): a file put there directly
# shows only once the kept listing is SEC old, or at once with rdcache=0.
# Changes through the union and direct changes in rw/ro branches show at
# once whatever SEC. Measured on 100 000 entries: reading the kept listing
# against merging the four branches every time.
shown() { grep " $PWD/mnt aufs " /proc/mounts | cut -d' ' -f4; }
mkdir rw rr ro && echo a > rr/a && echo b > ro/b
aufs_mount "br=$PWD/rw=rw:$PWD/ro=ro:$PWD/rr=rr,rdcache=2"
shown | grep -q ",rdcache=2" || fail "/proc/mounts lacks rdcache=2"
assert_eq "$(ls mnt | tr '\n' ' ')" "a b " "first listing"
echo n > rr/new
assert_eq "$(ls mnt | tr '\n' ' ')" "a b " "kept listing (rr branch not checked)"
echo c > mnt/c
assert_eq "$(ls mnt | tr '\n' ' ')" "a b c new " "a create through the union rebuilds it"
echo n > rr/new2
echo d > ro/d
assert_eq "$(ls mnt | tr '\n' ' ')" "a b c d new new2 " "a direct change in a ro branch rebuilds it"
echo n > rr/new3
assert_eq "$(ls mnt | tr '\n' ' ')" "a b c d new new2 " "kept again"
sleep 3
assert_eq "$(ls mnt | tr '\n' ' ')" "a b c d new new2 new3 " "rebuilt once older than rdcache"
remount rdcache=0
echo n > rr/new4
assert_eq "$(ls mnt | wc -l)" 8 "rdcache=0: built at every read"
echo n > rr/new5
assert_eq "$(ls mnt | wc -l)" 9 "rdcache=0: built at every read (again)"
remount rdcache=10
shown | grep -q "rdcache" && fail "rdcache=10 is the default, not shown"
umount mnt

# What it saves: 100 000 entries on four squashfs branches, 5 readers.
if [ -f /tests/data/readdir-100k.sqfs ]; then
	mkdir sq
	mount -t squashfs -o loop,ro /tests/data/readdir-100k.sqfs sq || fail "loop-mount squashfs"
	BR="br=$PWD/sq/b1=ro:$PWD/sq/b2=ro:$PWD/sq/b3=ro:$PWD/sq/b4=ro"
	aufs_mount "$BR,rdcache=0"
	# Two passes each (a merge of 100 000 entries takes about 2 s on the
	# debug kernel): rdcache=0 merges every time, rdcache=60 once (the
	# first, untimed, pass).
	off=$(aufs-test bench-readdir mnt 2)
	remount rdcache=60
	aufs-test bench-readdir mnt 1 > /dev/null
	on=$(aufs-test bench-readdir mnt 2)
	umount mnt && umount sq
	echo "# 2 readdirs of 100000 entries: rdcache=0 $off; rdcache=60 $on"
	assert_eq "${on#* }" "entries=100002" "entries with rdcache"
	ns_off=${off%% *} ns_on=${on%% *}
	[ "${ns_on#ns=}" -lt "$((${ns_off#ns=} / 2))" ] || fail "the kept listing saves less than half ($off / $on)"
fi
