# icexsec/icexsys/icextr/icexusr/icexoth/icex ("ignore copy-up error on
# xattr", aufs's au_xattr_ignore): a copy-up onto a branch that refuses an
# xattr of the lower file fails (nothing changes) unless the branch has the
# icex attribute of that xattr's namespace (security., system. = ACLs,
# trusted., user., other; icex = all). The writable branch here is a ramfs,
# which refuses every xattr (EOPNOTSUPP); the lower one a tmpfs.
d=$PWD
mkdir up lo mnt && mount -t ramfs none up
echo u >lo/u && aufs-test setxattr lo/u user.a 1 >/dev/null
echo ut >lo/ut && aufs-test setxattr lo/ut user.a 1 >/dev/null && aufs-test setxattr lo/ut trusted.t 1 >/dev/null
echo s >lo/s && aufs-test setxattr lo/s security.s 1 >/dev/null
echo a >lo/a && aufs-test setacl lo/a >/dev/null
mkdir lo/dir && aufs-test setxattr lo/dir user.a 1 >/dev/null && echo in >lo/dir/in
assert_eq "$(aufs-test getxattr lo/ut trusted.t)" 1 "lower xattr set"
assert_eq "$(aufs-test setxattr up user.x 1)" EOPNOTSUPP "ramfs refuses user xattrs"
# try PERM FILE WANT: open FILE for writing through a union whose top is
# up=PERM; WANT ok (copied, the copy has no xattr) or the errno (nothing
# copied).
try() {
	mount -t aufs -o "br=$d/up=$1:$d/lo=ro" none mnt || fail "mount up=$1"
	before=$(ls -aR up)
	assert_eq "$(aufs-test open-errno mnt/$2 w)" "$3" "open $2 for writing on $1"
	case $3 in
	ok) [ -f "up/$2" ] || fail "$2 not copied on $1" ;;
	*) assert_eq "$(ls -aR up)" "$before" "up after the failed copy-up of $2 on $1" ;;
	esac
	umount mnt
	rm -f "up/$2"
}
try rw u EOPNOTSUPP
try rw+icexusr u ok
try rw+icextr u EOPNOTSUPP
try rw+icexusr ut EOPNOTSUPP
try rw+icexusr+icextr ut ok
try rw+icexsec ut EOPNOTSUPP
try rw+icex ut ok
try rw s EOPNOTSUPP
try rw+icexsys s EOPNOTSUPP
try rw+icexsec s ok
try rw a EOPNOTSUPP
try rw+icexusr+icexsec a EOPNOTSUPP
try rw+icexsys a ok
try rw+icexoth u EOPNOTSUPP
try rw+icexoth+icexsec+icexsys+icextr+icexusr ut ok
# A dir copied up for a new file in it follows the same rule.
mount -t aufs -o "br=$d/up=rw:$d/lo=ro" none mnt
assert_eq "$(aufs-test open-errno mnt/dir/in w)" EOPNOTSUPP "dir with a user xattr"
[ -e up/dir ] && fail "dir copied although its xattr failed"
remount "mod:$d/up=rw+icexusr"
assert_eq "$(aufs-test open-errno mnt/dir/in w)" ok "after mod:rw+icexusr"
[ -f up/dir/in ] || fail "not copied after mod"
umount mnt
umount up
# On a branch that takes the xattrs (tmpfs) they are copied as before.
mkdir up2
mount -t aufs -o "br=$d/up2=rw+icex:$d/lo=ro" none mnt
echo more >>mnt/ut
assert_eq "$(aufs-test getxattr up2/ut trusted.t)" 1 "trusted xattr copied with icex"
assert_eq "$(aufs-test getxattr up2/ut user.a)" 1 "user xattr copied with icex"
umount mnt
