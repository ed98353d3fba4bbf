# create=POLICY over three writable tmpfs branches of different sizes (and a
# read-only one below): new files spread as the policy says, dirs follow the
# round-robin turn without advancing it, the free space is re-read every
# SEC seconds; an object already on a writable branch is changed and
# removed in place. Shown in /proc/mounts, changed at remount.
shown() { grep " $PWD/mnt aufs " /proc/mounts | cut -d' ' -f4; }
mkdir a b c ro
mount -t tmpfs -o size=8m tmpfs a && mount -t tmpfs -o size=16m tmpfs b
mount -t tmpfs -o size=24m tmpfs c
where() { # NAME: the branches holding NAME
	for br in a b c; do [ -e "$br/$1" ] && printf '%s' $br; done
	echo
}
aufs_mount "br=$PWD/a=rw:$PWD/b=rw:$PWD/c=rw:$PWD/ro=ro,create=rr"
shown | grep -q ",create=rr" || fail "/proc/mounts lacks create=rr"
for n in 1 2 3 4 5 6; do echo $n > mnt/rr$n; done
assert_eq "$(for n in 1 2 3 4 5 6; do where rr$n; done | tr '\n' ' ')" "a b c a b c " "rr: files in turn"
mkdir mnt/d1 && echo x > mnt/d1/f
assert_eq "$(where d1)" "a" "rr: the dir where the turn is"
assert_eq "$(where d1/f)" "a" "rr: a dir does not advance the turn"
echo y > mnt/d1/g
assert_eq "$(where d1) $(where d1/g)" "ab b" "rr: the next file copies its parent dir"
assert_eq "$(ls mnt/d1 | tr '\n' ' ')" "f g " "the dir merges both"

# In place: a file on b is changed there, its removal leaves no whiteout.
echo more >> mnt/rr2 && chmod 600 mnt/rr2
assert_eq "$(where rr2)" "b" "a write stays on the file's branch"
assert_eq "$(cat b/rr2 | tr '\n' ' ')" "2 more " "written in place"
rm mnt/rr3
assert_eq "$(where rr3)$(ls -a a b c | grep -c '^.wh.rr3')" "0" "removed in place, no whiteout"

# The reading is kept SEC s: 30 for the "kept" check (filling c may take
# seconds on a loaded host), 1 for the re-read, whose fill comes after the
# reading and before the wait.
remount create=mfs:30
shown | grep -q ",create=mfs:30" || fail "/proc/mounts lacks create=mfs:30"
echo x > mnt/m1
assert_eq "$(where m1)" "c" "mfs: the most free space"
dd if=/dev/zero of=c/fill bs=1M count=20 2>/dev/null
echo x > mnt/m2
assert_eq "$(where m2)" "c" "mfs: free space kept for 30 s"
remount create=mfs:1
rm c/fill
echo x > mnt/m3
assert_eq "$(where m3)" "c" "mfs: read again after a remount"
dd if=/dev/zero of=c/fill bs=1M count=20 2>/dev/null
sleep 2
echo x > mnt/m4
assert_eq "$(where m4)" "b" "mfs: re-read after 1 s"

remount create=tdmfs:10M:1
echo x > mnt/t1
assert_eq "$(where t1)" "b" "tdmfs: the topmost with more than 10M free"
remount create=mfsrr:100M:1
for n in 1 2 3; do echo x > mnt/mr$n; done
[ "$(where mr1)" != "$(where mr2)" ] || fail "mfsrr below the watermark: round robin"
remount create=mfsrr:1M:1
echo x > mnt/mr4
assert_eq "$(where mr4)" "b" "mfsrr above the watermark: mfs"

mkdir a/pa c/pa
rm c/fill
remount create=pmfs:1
echo x > mnt/pa/f
assert_eq "$(where pa/f)" "c" "pmfs: the most free among the parent's branches"
remount create=pmfsrr:20M:1
echo x > mnt/pa/g
assert_eq "$(where pa/g)" "c" "pmfsrr above the watermark: pmfs"
remount create=tdp
shown | grep -q "create" && fail "create=tdp is the default, not shown"
mkdir b/tb
echo x > mnt/tb/f
assert_eq "$(where tb/f)" "b" "tdp: the topmost branch with the parent"
echo x > mnt/top
assert_eq "$(where top)" "a" "tdp: the top"

# A whiteout limits where a new name may go: below it, it would not show.
echo low > ro/gone && rm mnt/gone
assert_eq "$(ls a/.wh.gone)" "a/.wh.gone" "whiteout on a"
remount create=mfs:1
echo back > mnt/gone
assert_eq "$(where gone) $(cat mnt/gone)" "a back" "a name whited out on a is made on a"
umount mnt
umount a b c
