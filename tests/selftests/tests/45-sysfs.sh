# /sys/fs/aufs/si_ID: br<N> (PATH=PERM), brid<N> (ids), xi_path; for 1, 3 and
# 127 branches; distinct dirs for two mounts; removed at umount; config.
grep -qvE '^CONFIG_AUFS_[A-Z0-9_]+=[ym]$' /sys/fs/aufs/config && fail "bad config line"
grep -q '^CONFIG_AUFS_FS=m$' /sys/fs/aufs/config || fail "config lacks CONFIG_AUFS_FS=m"
mkdir -p one rw l1 l2 m2
aufs_mount "br=./one"
dir=$(ls -d /sys/fs/aufs/si_*)
assert_eq "$(echo "$dir" | wc -l)" 1 "one si_ dir"
assert_eq "$(cat "$dir/br0")" "$PWD/one=rw" "br0 of a 1-branch mount (absolute path)"
assert_eq "$(cat "$dir/brid0")" 64 "brid0"
assert_eq "$(ls "$dir" | tr '\n' ' ')" "br0 brid0 xi_path " "files"
mount -t aufs -o "br=$PWD/rw=rw:$PWD/l1=ro+wh:$PWD/l2=rr,xino=/dev/shm/aufs.xino" none m2 || fail "3-branch mount"
assert_eq "$(ls -d /sys/fs/aufs/si_* | wc -l)" 2 "two si_ dirs"
id=$(grep " $PWD/m2 aufs " /proc/mounts | sed 's/.*si=\([0-9a-f]*\).*/\1/')
assert_eq "$(cat /sys/fs/aufs/si_$id/* | tr '\n' ' ')" \
	"$PWD/rw=rw $PWD/l1=ro+wh $PWD/l2=rr 64 65 66 /dev/shm/aufs.xino " "cat si_*/* (Docker style)"
umount m2
[ -d "/sys/fs/aufs/si_$id" ] && fail "si_ dir left after umount"
umount mnt
assert_eq "$(ls /sys/fs/aufs)" config "only config after umount"
list=""; i=0
dirs=""
while [ $i -lt 127 ]; do dirs="$dirs b$i"; list="$list:$PWD/b$i"; i=$((i + 1)); done
mkdir $dirs
aufs_mount "br=${list#:}"
dir=$(ls -d /sys/fs/aufs/si_*)
assert_eq "$(ls "$dir" | wc -l)" 255 "files of a 127-branch mount"
assert_eq "$(cat "$dir/br126")" "$PWD/b126=ro" "br126"
assert_eq "$(cat "$dir/brid126")" 190 "brid126"
