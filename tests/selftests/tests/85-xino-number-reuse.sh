# issue 13, problem 12: xino numbers that can collide.
# 1. A copy-up shares the original's number. Deleting the copy must not free
#    the number while the lower original still holds it: files made after the
#    delete get other numbers, and the original, seen again (its whiteout
#    removed on the branch), shows its own number, unique.
# 2. Tables are keyed by the branch filesystem's superblock, whose address is
#    reused after an unmount. A branch deleted with del:, its filesystem
#    unmounted and a new one mounted and added: the new files get numbers no
#    file of this mount ever showed (each round; without the fix a stale table
#    hands the new file the old file's number whenever the address is reused).
mkdir rw lo
echo orig > lo/f
aufs_mount "br=$PWD/rw=rw:$PWD/lo=ro"
drop() { for n in 1 2 3; do echo 3 > /proc/sys/vm/drop_caches; done; }

ino_f=$(stat -c %i mnt/f)
echo more >> mnt/f || fail "copy-up of f"
assert_eq "$(stat -c %i mnt/f)" "$ino_f" "f's number after copy-up"
drop # the union inode is made again, on the copy
assert_eq "$(stat -c %i mnt/f)" "$ino_f" "f's number after copy-up and drop_caches"
rm mnt/f || fail "rm f"
drop
made=""
for i in 1 2 3 4 5; do
	: > mnt/g$i || fail "create g$i"
	made="$made $(stat -c %i mnt/g$i)"
done
case " $made " in *" $ino_f "*) fail "a new file got the deleted copy's number $ino_f, still held by lo/f (new: $made)" ;; esac
rm rw/.wh.f || fail "whiteout of f not on the branch"
drop
assert_eq "$(cat mnt/f)" orig "f seen again from lo"
assert_eq "$(stat -c %i mnt/f)" "$ino_f" "lo/f's number"

seen="$made $ino_f"
P=$PWD
for round in 1 2 3 4 5 6; do
	mkdir t$round
	mount -t tmpfs -o nr_inodes=64 tmpfs t$round || fail "tmpfs $round"
	echo "round $round" > t$round/x
	mount -o "remount,append:$P/t$round=ro" mnt || fail "append t$round"
	n=$(stat -c %i mnt/x)
	case " $seen " in *" $n "*) fail "round $round: the new filesystem's x got number $n, shown before (seen: $seen)" ;; esac
	assert_eq "$(cat mnt/x)" "round $round" "x of round $round"
	seen="$seen $n"
	drop
	mount -o "remount,del:$P/t$round" mnt || { dmesg | grep 'aufs: ' | tail -n 2; fail "del t$round"; }
	umount t$round || fail "umount t$round"
	sleep 0.3 # the superblock is freed after an RCU grace period (expedited on the test kernel) and a work item
done
echo "# numbers seen: $seen"
umount mnt || fail "umount"
