# 500 branches: mount 100, append the other 400 (25 per remount); readdir of
# the root and of a dir merged over all 500, lookups (hit at the top, middle,
# bottom; miss); sysfs. Then up to the limit of 511, and one more append
# fails with EINVAL (also when it is one of several in a remount: nothing of
# that remount is applied).
P=$PWD
dirs="" i=0
while [ $i -lt 512 ]; do dirs="$dirs b$i/d"; i=$((i + 1)); done
mkdir -p $dirs # one process: a process costs 10-20 ms in the guest
i=0
while [ $i -lt 500 ]; do
	echo "f$i" > b$i/f$i && echo "g$i" > b$i/d/g$i
	i=$((i + 1))
done
list="$P/b0=rw"
i=1
while [ $i -lt 100 ]; do list="$list:$P/b$i"; i=$((i + 1)); done
aufs_mount "br=$list"
S=$(si_dir)
while [ $i -lt 500 ]; do
	opts=""
	j=0
	while [ $j -lt 25 ]; do opts="$opts,append:$P/b$i"; i=$((i + 1)); j=$((j + 1)); done
	mount -o "remount$opts" mnt || fail "remount$opts"
done
assert_eq "$(ls "$S" | wc -l)" 1001 "sysfs files of 500 branches"
assert_eq "$(cat "$S/br499")" "$P/b499=ro" "br499"
assert_eq "$(cat "$S/br100")" "$P/b100=ro" "br100"
assert_eq "$(cat "$S"/brid* | sort -u | wc -l)" 500 "unique ids"
# getdents, not ls: ls would also stat all 1000 names, each a lookup over up
# to 500 branches (timed by tests/bench/bench.sh instead).
assert_eq "$(aufs-test getdents mnt 32768 | wc -l)" 503 "root entries (f0..f499, d, . and ..)"
assert_eq "$(aufs-test getdents mnt/d 32768 | wc -l)" 502 "entries of d merged over 500 branches"
assert_eq "$(aufs-test getdents mnt 32768 | grep -c '^f')" 500 "f entries"
for k in 0 1 99 100 250 498 499; do
	assert_eq "$(cat mnt/f$k) $(cat mnt/d/g$k)" "f$k g$k" "lookup of branch $k's files"
done
[ -e mnt/missing ] && fail "miss"
[ -e mnt/d/missing ] && fail "miss in d"
echo new > mnt/d/new && [ -f b0/d/new ] || fail "create on the top branch"
echo more >> mnt/f499 && assert_eq "$(cat b0/f499 | tr '\n' ' ')" "f499 more " "copy-up from branch 499"

# Up to 511: 11 more; a 512th is refused, alone or with others.
assert_eq $i 500 "next branch"
opts=""
while [ $i -lt 511 ]; do opts="$opts,append:$P/b$i"; i=$((i + 1)); done
mount -o "remount$opts" mnt || { dmesg | tail -3; fail "append up to 511"; }
assert_eq "$(ls "$S" | grep -c '^br[0-9]')" 511 "511 branches"
before=$(cat "$S"/br*)
dmesg_clear
expect_errno EINVAL remount mnt "append:$P/b511"
dmesg_expect "too many branches"
expect_errno EINVAL remount mnt "del:$P/b510,append:$P/b511,append:$P/b510"
expect_errno EINVAL remount mnt "prepend:$P/b511"
assert_eq "$(cat "$S"/br*)" "$before" "branches after the refused appends"
[ -e "$S/br511" ] && fail "br511 exists"
mount -o "remount,del:$P/b510,append:$P/b511" mnt || fail "del then append at the limit"
assert_eq "$(cat "$S/br510")" "$P/b511=ro" "br510 after del+append"
assert_eq "$(aufs-test getdents mnt/d 32768 | wc -l)" 503 "entries of d at the end"
