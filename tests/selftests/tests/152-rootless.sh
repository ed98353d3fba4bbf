# Rootless unions: uid 1000, in user and mount namespaces of its own
# (unshare -Urm), mounts a union of dirs it owns, writes through it (copy-up
# and whiteouts land on its rw branch, owned by it), and reaches nothing it
# could not reach without the union: a branch it cannot read or write is
# refused at mount and at add:, dirperm1 and udba=notify are refused, root's private file and
# dir stay closed, a device node cannot be made, and nothing of root's is
# copied up (the copy would be root's, made by the user).
[ -e /proc/self/ns/user ] || { echo "no user namespaces in this kernel"; exit 4; }

chmod 755 .
mkdir lo up other mnt secret rootdir extra
echo low >lo/f
echo gone >lo/g
mkdir lo/d
echo x >lo/d/x
chown -R 1000:1000 lo up other mnt
echo root-only >lo/private
chmod 600 lo/private
echo public >lo/pub
mkdir lo/closed lo/open
echo hidden >lo/closed/h
echo anyone >lo/shared
chmod 700 lo/closed secret
chmod 666 lo/shared
chmod 777 lo/open

cat >inner.sh <<'EOF'
. /tests/lib.sh
refused() {
	mount -t aufs -o "$1" none mnt 2>/dev/null && fail "mounted with $1 in a user namespace"
	true
}
refused "br=$PWD/up=rw:$PWD/secret=ro"
refused "br=$PWD/rootdir=rw:$PWD/lo=ro"
refused "br=$PWD/up=rw:$PWD/lo=ro,dirperm1"
refused "br=$PWD/up=rw:$PWD/lo=ro,udba=notify"
mount -t aufs -o "br=$PWD/up=rw:$PWD/rootdir=ro:$PWD/lo=ro,xino=$PWD/other/.aufs.xino" none mnt ||
	fail "rootless mount"
assert_eq "$(cat mnt/f)" low "a lower file"
echo new >mnt/f || fail "write through the union"
assert_eq "$(cat mnt/f)" new "the file after the write"
assert_eq "$(cat up/f)" new "its copy-up on the rw branch"
assert_eq "$(cat lo/f)" low "the lower file"
rm mnt/g || fail "rm of a lower file"
[ -e mnt/g ] && fail "g still shown"
[ -f up/.wh.g ] || fail "no whiteout for g"
mkdir mnt/d/n && echo z >mnt/d/n/z || fail "mkdir and create"
assert_eq "$(cat up/d/n/z)" z "a new file"
assert_eq "$(cat mnt/pub)" public "root's public file"
echo no 2>/dev/null >>mnt/pub && fail "wrote root's read-only file"
cat mnt/private 2>/dev/null && fail "read root's private file"
ls mnt/closed >/dev/null 2>&1 && fail "listed root's closed dir"
cat mnt/closed/h 2>/dev/null && fail "read a file in root's closed dir"
mknod mnt/null c 1 3 2>/dev/null && fail "made a device node"
# A copy of root's file or dir would be owned by root, made by this user:
# refused (EOVERFLOW), as overlayfs does, although the modes allow writing.
echo more 2>other/err >>mnt/shared && fail "root's file copied up"
grep -q "Value too large" other/err || fail "append to root's file: $(cat other/err)"
assert_eq "$(cat mnt/shared)" anyone "root's file after the refused copy-up"
touch mnt/open/new 2>/dev/null && fail "root's dir copied up"
assert_eq "$(ls up | tr '\n' ' ')" "d f " "the rw branch"
mount -o "remount,append:$PWD/secret=ro" mnt 2>/dev/null && fail "added a branch it cannot read"
mount -o "remount,append:$PWD/extra=ro" mnt || fail "append a branch it may read"
mount -o remount,dirperm1 mnt 2>/dev/null && fail "dirperm1 at remount"
mount -o remount,udba=notify mnt 2>/dev/null && fail "udba=notify at remount"
umount mnt || fail "umount"
# The default xino dir, /tmp (1777): its unnamed files are the mounter's.
mount -t aufs -o "br=$PWD/up=rw:$PWD/lo=ro" none mnt || fail "rootless mount, default xino"
assert_eq "$(cat mnt/f)" new "the copy-up, mounted again"
umount mnt || fail "umount"
EOF
dmesg_clear
aufs-test as-user 1000 unshare -Urm sh inner.sh || { dmesg | grep "aufs: " | tail -n 3; fail "as uid 1000 in a user namespace"; }
assert_eq "$(stat -c %u:%g up/f up/.wh.g up/d/n/z | sort -u)" "1000:1000" "owner of what the union made"
dmesg_expect "branch 1 \"$PWD/secret\": the mounter may not read it"
dmesg_expect "branch 0 \"$PWD/rootdir\": the mounter may not read and write it"
dmesg_expect "dirperm1 is refused in a user namespace"
dmesg_expect "udba=notify is refused in a user namespace"
[ -e up/pub ] && fail "root's file was copied up"
[ -e up/private ] && fail "root's private file was copied up"
[ -e up/shared ] || [ -e up/open ] && fail "a refused copy-up left $(ls up)"
true
