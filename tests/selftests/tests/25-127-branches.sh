# 127 branches mount (aufs's default build limit) and a file on the bottom
# one is found; so do 511 (our limit, aufs's CONFIG_AUFS_BRANCH_MAX_511);
# 512 are refused.
dirs="" i=0
while [ $i -lt 512 ]; do dirs="$dirs b$i"; i=$((i + 1)); done
mkdir $dirs # one process: a process costs 10-20 ms in the guest
echo bottom > b126/f
echo deepest > b510/g
list=""
i=0
while [ $i -lt 127 ]; do list="$list:b$i"; i=$((i + 1)); done
mkdir mnt
mount -t aufs -o "br=${list#:}" none mnt || fail "127-branch mount"
assert_eq "$(cat mnt/f)" bottom "file on the bottom branch"
assert_eq "$(ls mnt)" f "listing"
umount mnt
while [ $i -lt 511 ]; do list="$list:b$i"; i=$((i + 1)); done
mount -t aufs -o "br=${list#:}" none mnt || fail "511-branch mount"
assert_eq "$(cat mnt/g)" deepest "file on branch 510"
assert_eq "$(ls mnt | tr '\n' ' ')" "f g " "listing of 511 branches"
assert_eq "$(ls /sys/fs/aufs/si_*/ | grep -c '^br[0-9]')" 511 "sysfs br files"
umount mnt
dmesg_clear
expect_errno EINVAL mount aufs none mnt "br=${list#:}:b511"
dmesg_expect "too many branches (at most 511)"
