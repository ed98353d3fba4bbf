# aufs's xino truncation options (trunc_xib, itrunc_xino=INDEX,
# trunc_xino_path=PATH): aufs truncates its xino bitmap file or a branch's
# xino file; aufs_rs keeps the bitmap in memory and its tables give back
# their pages as entries clear, so there is nothing to truncate. They are
# accepted (scripts written for aufs keep working) and a branch they name
# must exist: else EINVAL, one aufs: line, and the remount changes nothing.
mkdir rw ro && echo lower > ro/f
aufs_mount "br=$PWD/rw=rw:$PWD/ro=ro,trunc_xib"
ino=$(stat -c %i mnt/f)
for opt in trunc_xib notrunc_xib itrunc_xino=0 itrunc_xino=1 "trunc_xino_path=$PWD/ro" \
	"trunc_xino_path=$PWD/rw,trunc_xib"; do
	remount "$opt"
done
assert_eq "$(cat mnt/f) $(stat -c %i mnt/f)" "lower $ino" "the file after the truncations"
before=$(cat "$(si_dir mnt)"/br* | tr '\n' ' ')
fails() { # ERRNO MESSAGE OPTIONS
	dmesg_clear
	expect_errno "$1" remount mnt "$3"
	dmesg_expect "$2"
	assert_eq "$(cat "$(si_dir mnt)"/br* | tr '\n' ' ')" "$before" "branches after remount,$3"
}
fails EINVAL "itrunc_xino: no branch 2" "itrunc_xino=2"
fails EINVAL "trunc_xino_path \"$PWD\": not a branch" "trunc_xino_path=$PWD"
fails ENOENT "trunc_xino_path \"$PWD/gone\"" "trunc_xino_path=$PWD/gone"
# Applied left to right with the edits: an index names the list as edited.
mkdir ro2
fails EINVAL "itrunc_xino: no branch 3" "append:$PWD/ro2=ro,itrunc_xino=3"
remount "append:$PWD/ro2=ro,itrunc_xino=2"
assert_eq "$(cat mnt/f)" "lower" "after append and itrunc_xino=2"
umount mnt
true
