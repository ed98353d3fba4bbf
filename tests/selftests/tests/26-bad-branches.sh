# Overlapping and duplicate branches, and an aufs mount as a branch, are
# refused with EINVAL and a message.
mkdir -p a/sub b m u
aufs_mount "br=$PWD/b"
check() { # MESSAGE DATA
	dmesg_clear
	expect_errno EINVAL mount aufs none m "$2"
	dmesg_expect "$1"
}
check "branch 1 is the same directory as branch 0" "br=$PWD/a:$PWD/a"
check "branch 1 lies inside branch 0" "br=$PWD/a:$PWD/a/sub"
check "branch 1 contains branch 0" "br=$PWD/a/sub:$PWD/a"
check "an aufs mount cannot be a branch" "br=$PWD/a:$PWD/mnt"
grep -q " $PWD/m " /proc/mounts && fail "something got mounted"
true
