# noxino: no table; numbers are still unique among live inodes, xi_path is
# empty and /proc/mounts says noxino.
mkdir b && echo x > b/f && echo y > b/g
aufs_mount "br=$PWD/b,noxino"
assert_eq "$(cat /sys/fs/aufs/si_*/xi_path)" "" "xi_path"
grep " $PWD/mnt aufs " /proc/mounts | grep -q ',noxino' || fail "noxino missing in /proc/mounts"
[ "$(stat -c %i mnt/f)" != "$(stat -c %i mnt/g)" ] || fail "equal numbers"
assert_eq "$(stat -c %i mnt)" 2 "root"
