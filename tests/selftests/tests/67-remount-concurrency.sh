# soak: runs for a fixed time; the runner overlaps the soak tests (run_tests.sh)
# Branch edits under load for REMOUNT_SECONDS (30; make check: 20 on the test
# kernel, 8 on Debian's; make soak: 600): one process loops over
# remount append/del/add:1/del/add:2/del of an extra branch x, while a reader
# checks files and listings of the other branches (never missing, never
# wrong), reads files of x (may be missing; right when read), sysfs and
# /proc/mounts, and a writer writes and re-reads files on the rw branch and
# copies up files of l2 (by appending to them). del may fail with EBUSY while
# the reader has a file of x open: retried. At the end the written data is
# intact on the union and on rw, and the branches are rw, l1, l2 with their
# ids. Lockdep and other splats are caught by the harness's console scan.
mkdir rw l1 l2 x x/xd ref rw/w
i=1
while [ $i -le 20 ]; do
	echo "l1-$i" > l1/a$i && echo "l2-$i" > l2/b$i && echo "x-$i" > x/xd/x$i
	echo "c$i" > l2/c$i && echo "c$i" > ref/c$i
	i=$((i + 1))
done
echo xf > x/xf
aufs_mount "br=$PWD/rw=rw:$PWD/l1=ro+wh:$PWD/l2=ro"
S=$(si_dir)
P=$PWD
ids=$(cat "$S/brid0" "$S/brid1" "$S/brid2")
: > errors
end=$(($(date +%s) + ${REMOUNT_SECONDS:-30}))
err() { echo "$*" >> errors; }

reader() {
	n=0 xok=0 xmiss=0
	while [ "$(date +%s)" -lt "$end" ]; do
		for i in 1 7 13 20; do
			c=$(cat mnt/a$i) || err "reader: cat a$i failed"
			[ "$c" = "l1-$i" ] || err "reader: a$i is '$c'"
			c=$(cat mnt/b$i) || err "reader: cat b$i failed"
			[ "$c" = "l2-$i" ] || err "reader: b$i is '$c'"
		done
		c=$(ls mnt 2>/dev/null | grep -c '^[ab][0-9]') # an entry of x may vanish between readdir and ls's stat
		[ "$c" = 40 ] || err "reader: ls mnt shows $c of the 40 files of l1 and l2"
		stat mnt/a3 mnt/b4 > /dev/null || err "reader: stat failed"
		i=$((n % 20 + 1))
		if c=$(cat mnt/xd/x$i 2>/dev/null); then
			[ "$c" = "x-$i" ] || err "reader: x$i is '$c'"
			xok=$((xok + 1))
		else
			xmiss=$((xmiss + 1))
		fi
		ls mnt/xd > /dev/null 2>&1
		# sysfs files come and go with x: only no crash is expected.
		cat "$S"/br* > /dev/null 2>&1
		grep -q " $P/mnt aufs rw," /proc/mounts || err "reader: mount not in /proc/mounts"
		n=$((n + 1))
	done
	echo "reader: $n rounds, files of x read $xok times, missing $xmiss times"
}

writer() {
	n=0
	while [ "$(date +%s)" -lt "$end" ]; do
		f=f$((n % 50))
		echo "w$n" > mnt/w/$f || err "writer: write $f failed"
		echo "w$n" > ref/$f
		echo "$n" >> mnt/w/log || err "writer: append to log failed"
		echo "$n" >> ref/log
		c=$(cat mnt/w/$f) || err "writer: read $f failed"
		[ "$c" = "w$n" ] || err "writer: $f reads '$c', wrote w$n"
		if [ $n -lt 20 ]; then # copy-up of a file of l2 while indices shift
			i=$((n + 1))
			echo "+$n" >> mnt/c$i || err "writer: append to c$i failed"
			echo "+$n" >> ref/c$i
			cmp -s mnt/c$i ref/c$i || err "writer: c$i after copy-up: $(cat mnt/c$i | tr '\n' ' ')"
		fi
		n=$((n + 1))
	done
	echo "writer: $n writes"
}

remounter() {
	n=0 x=0
	while [ "$(date +%s)" -lt "$end" ]; do
		case $((n % 3)) in
		0) edit "append:$P/x" ;;
		1) edit "add:1:$P/x" ;;
		2) edit "add:2:$P/x=ro+wh" ;;
		esac || break
		edit "del:$P/x" || break
		n=$((n + 1))
	done
	echo "remounter: $n add/del pairs, $busy EBUSY retries"
}

reader > reader.out 2>&1 &
rpid=$!
writer > writer.out 2>&1 &
wpid=$!
remounter
wait $rpid
wait $wpid
cat reader.out writer.out
if [ -s errors ]; then
	sort errors | uniq -c | sort -rn | head -20
	fail "$(wc -l < errors) errors under concurrent remounts"
fi

# x may still be there if the remounter stopped after an add.
grep -q "^$P/x=" "$S"/br* && { mount -o "remount,del:$P/x" mnt || fail "final del"; }
assert_eq "$(cat "$S/br0" "$S/br1" "$S/br2" | tr '\n' ' ')" "$P/rw=rw $P/l1=ro+wh $P/l2=ro " "final branches"
[ -e "$S/br3" ] && fail "br3 left"
assert_eq "$(cat "$S/brid0" "$S/brid1" "$S/brid2")" "$ids" "ids of the kept branches"
[ -e mnt/xf ] && fail "file of x visible at the end"
# check WHEN: the written files in the union and on rw equal the reference
# (md5sum of each set at once: a process per file costs seconds here).
check() {
	written=$(cd ref && echo f* log) copied=$(cd ref && echo c*) appended=""
	for f in $copied; do # c$i on rw only once the writer appended to it
		n=0
		while read -r l; do n=$((n + 1)); done < ref/$f
		[ $n = 1 ] || appended="$appended $f"
	done
	same ref "$written" mnt/w "union files of w ($1)"
	same ref "$copied" mnt "union files c* ($1)"
	same ref "$written" rw/w "rw branch files of w ($1)"
	[ -z "$appended" ] || same ref "$appended" rw "rw branch files c* ($1)"
}
# same DIR1 NAMES DIR2 WHAT: the files NAMES have the same contents in both.
same() {
	a=$(cd "$1" && md5sum $2) b=$(cd "$3" && md5sum $2 2>&1)
	[ "$a" = "$b" ] || { printf '%s\n' "$a" "$b" | sort | uniq -u | head; fail "$4 differ from what was written"; }
}
check "at the end"
assert_eq "$(ls mnt/w | wc -l)" "$(ls ref | grep -vc '^c')" "files written"
for n in 1 2 3; do echo 3 > /proc/sys/vm/drop_caches; done
check "after drop_caches"
assert_eq "$(cat l2/c1)" c1 "lower file untouched"
