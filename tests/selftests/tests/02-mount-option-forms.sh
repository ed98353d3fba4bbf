# br=DIR, dirs=DIR and br:DIR all mount a one-branch union of DIR.
mkdir b && echo one > b/file
for opt in "br=$PWD/b" "dirs=$PWD/b" "br:$PWD/b"; do
	aufs_mount "$opt"
	assert_eq "$(cat mnt/file)" one "read through -o $opt"
	assert_eq "$(awk '$2 == "'"$PWD"'/mnt" {print $3}' /proc/mounts)" aufs "fs type in /proc/mounts"
	umount mnt || fail "umount after -o $opt"
done
