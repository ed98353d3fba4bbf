# 127 branches mount (aufs's default limit) and a file on the bottom one is
# found; 128 are refused.
list=""
i=0
while [ $i -lt 128 ]; do mkdir b$i; i=$((i + 1)); done
echo bottom > b126/f
i=0
while [ $i -lt 127 ]; do list="$list:b$i"; i=$((i + 1)); done
mkdir mnt
mount -t aufs -o "br=${list#:}" none mnt || fail "127-branch mount"
assert_eq "$(cat mnt/f)" bottom "file on the bottom branch"
assert_eq "$(ls mnt)" f "listing"
umount mnt
dmesg_clear
expect_errno EINVAL mount aufs none mnt "br=${list#:}:b127"
dmesg_expect "too many branches"
