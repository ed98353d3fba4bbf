# aumvdown(8): aufs-util's command line over AUFS_CTL_MVDOWN. A file moves
# down (-v prints the branches), -k keeps the upper, -b names the lower
# branch, -r allows an ro lower; a refusal prints aufs-util's reason and
# exits with the errno.
mkdir rw lo ro
for b in rw lo ro; do mount -t tmpfs "$b" "$b" || fail "tmpfs $b"; done
echo a >rw/a && echo b >rw/b && echo c >rw/c && echo d >rw/d && echo x >lo/x
aufs_mount "br=$PWD/rw=rw:$PWD/lo=rw:$PWD/ro=ro"
si=$(si_dir)
ids="$(cat "$si/brid0") $(cat "$si/brid1") $(cat "$si/brid2")"
set -- $ids
assert_eq "$(aumvdown -v mnt/a)" "'mnt/a' b0(brid$1) --> b1(brid$2)" "verbose line"
assert_eq "$(cat lo/a):$(cat mnt/a)" "a:a" "moved"
[ -e rw/a ] && fail "upper of a left"
aumvdown --keep-upper mnt/b || fail "keep upper"
assert_eq "$(cat rw/b):$(cat lo/b)" "b:b" "kept"
aumvdown -b "$3" -r mnt/c || fail "to the ro branch by brid"
assert_eq "$(cat ro/c):$(cat mnt/c)" "c:c" "moved to ro"
out=$(aumvdown mnt/x 2>&1)
assert_eq "$?:$out" "22:mnt/x: No writable lower" "refused: on the bottom writable"
out=$(aumvdown -b 99 mnt/d 2>&1)
assert_eq "$?:$out" "22:mnt/d: No such lower branch" "refused: bad brid"
exec 3<mnt/d
aumvdown mnt/d 2>/dev/null
assert_eq "$?" 16 "busy: EBUSY"
exec 3<&-
assert_eq "$(echo n | aumvdown -i mnt/d 2>/dev/null; echo $?)" 0 "interactive no"
[ -e rw/d ] || fail "moved without a yes"
echo y | aumvdown -i mnt/d 2>/dev/null || fail "interactive yes"
[ -e lo/d ] && [ ! -e rw/d ] || fail "not moved with a yes"
umount mnt
umount rw lo ro
