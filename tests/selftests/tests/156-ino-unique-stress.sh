# soak: runs for a fixed time; the runner overlaps the soak tests (run_tests.sh)
# Inode numbers under churn while remounts flip between noxino and xino=
# (new tables each time) and the caches are dropped: a checker keeps every
# entry of the union's dir open in turn and finds no two open objects with
# one number. Workers create, copy up (append to lower files) and remove
# files through the union meanwhile. STRESS_SECONDS (60; make check: 20 on
# the test kernel, 10 on Debian's).
mkdir rw ro x
aufs-test mkfiles ro l 150 >/dev/null || fail "mkfiles"
aufs_mount "br=$PWD/rw=rw:$PWD/ro=ro,noxino"
secs=${STRESS_SECONDS:-60}
end=$(($(date +%s) + secs))
worker() { # K: rounds of 40 creates, 10 copy-ups and the removals
	k=$1 r=0
	while [ "$(date +%s)" -lt "$end" ]; do
		i=0
		while [ $i -lt 40 ]; do
			echo "$k $r $i" >"mnt/c${k}_$i" || { echo "create c${k}_$i" >>errors; return; }
			i=$((i + 1))
		done
		i=$(((r * 10 + k * 50) % 150))
		for j in 0 1 2 3 4 5 6 7 8 9; do echo "$k" >>"mnt/l$(((i + j) % 150))"; done
		rm -f mnt/c${k}_* || { echo "rm round $r" >>errors; return; }
		r=$((r + 1))
	done
	echo "$r" >"rounds$k"
}
flipper() {
	n=0
	while [ "$(date +%s)" -lt "$end" ]; do
		if [ $((n % 2)) = 0 ]; then o="xino=$PWD/x/aufs.xino"; else o=noxino; fi
		mount -o "remount,$o" mnt || { echo "remount $o" >>errors; return; }
		echo 2 >/proc/sys/vm/drop_caches
		n=$((n + 1))
		sleep 0.3
	done
	echo "$n" >flips
}
worker 1 &
worker 2 &
flipper &
out=$(aufs-test ino-unique mnt "$secs")
wait
[ ! -e errors ] || fail "$(cat errors)"
case $out in ok*) ;; *) fail "$out" ;; esac
echo "# checker passes: ${out#ok }; remount flips: $(cat flips); worker rounds: $(cat rounds1) $(cat rounds2)"
[ "$(cat flips)" -ge 2 ] || fail "only $(cat flips) remounts"
umount mnt || fail "umount"
