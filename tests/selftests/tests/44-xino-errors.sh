# A bad xino path fails the mount with a clear message: a missing dir, a path
# inside a branch, a path on an aufs mount, an empty value.
mkdir b m u
aufs_mount "br=$PWD/u"
check() { # ERRNO MESSAGE DATA
	dmesg_clear
	expect_errno "$1" mount aufs none m "$3"
	dmesg_expect "$2"
}
check ENOENT "xino \"$PWD/missing/x\": no such directory" "br=$PWD/b,xino=$PWD/missing/x"
check EINVAL "is inside branch 0" "br=$PWD/b,xino=$PWD/b/x"
check EINVAL "is on an aufs mount" "br=$PWD/b,xino=$PWD/mnt/x"
check EINVAL 'bad value for option "xino"' "br=$PWD/b,xino="
check EINVAL 'bad value for option "noxino"' "br=$PWD/b,noxino=1"
