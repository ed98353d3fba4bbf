# The guest half of scripts/debian/test-dpkg.sh (not a selftest of
# run_tests.sh: it needs the Debian layers that only that script appends to
# the initramfs). A Debian minbase root as three Docker-style layers under a
# writable branch, chrooted through the union: dpkg -i and dpkg -r of two
# local packages (one depending on the other, with maintainer scripts), dpkg
# -V and --audit clean after each, dpkg's changes in the upper branch, the
# layers unchanged. Then the kernel log, for the host to scan.
. /tests/lib.sh
data=/tests/data/dpkg
start=$(date +%s)
trap 'echo "dpkg-layers: kernel log follows"; dmesg' EXIT
mark() { echo "dpkg-layers: $1 at $(($(date +%s) - start)) s"; }

mkdir up l1 l2 l3 l3img root
for n in 1 2; do
	mount -t squashfs -o loop,ro $data/layer$n.sqfs l$n || fail "loop-mount layer $n"
done
# Layer 3 (dpkg's database, which dpkg rewrites) as a plain dir on the tmpfs:
# a write that went to it instead of the upper branch would show there.
mount -t squashfs -o loop,ro $data/layer3.sqfs l3img || fail "loop-mount layer 3"
cp -a l3img/. l3/ && umount l3img
tree_sum() { (cd "$1" && find . | sort && find . -type f | sort | xargs md5sum) | md5sum; }
l3_before=$(tree_sum l3)
mount -t aufs -o "br=$PWD/up=rw:$PWD/l3=ro+wh:$PWD/l2=ro+wh:$PWD/l1=ro+wh" none root ||
	fail "mount the layers"
[ ! -e root/etc/aufs-layer1-only ] || fail "layer 2's whiteout does not hide layer 1's file"
mount -t proc proc root/proc && mount -t devtmpfs dev root/dev || fail "proc/dev in the root"
mount --bind $data root/mnt || fail "bind the packages into the root"

in_root() { chroot root /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"; }
# run WHAT COMMAND...: the command must succeed and print nothing but what
# dpkg says while working (kept for the failure message).
run() {
	what=$1
	shift
	rc=0
	in_root "$@" >out.log 2>&1 || rc=$?
	[ $rc -eq 0 ] || { cat out.log; fail "$what: exit $rc"; }
}
# clean WHAT COMMAND...: must succeed and print nothing (dpkg -V, --audit).
clean() {
	what=$1
	shift
	in_root "$@" >out.log 2>&1 || { cat out.log; fail "$what: exit status"; }
	[ ! -s out.log ] || { cat out.log; fail "$what: reports problems"; }
}
status() { in_root dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null | tr -d ' '; }

mark "union mounted"
run "dpkg -i" dpkg -i /mnt/aufs-dep.deb /mnt/aufs-main.deb
assert_eq "$(status aufs-dep)/$(status aufs-main)" "ii/ii" "packages installed"
assert_eq "$(in_root aufs-main)" "aufs-main: data of aufs-dep" "the installed program"
assert_eq "$(cat root/var/lib/aufs-main-saw-dep)" configured "postinst order (dependency first)"
clean "dpkg -V after install" dpkg -V aufs-dep aufs-main
clean "dpkg --audit after install" dpkg --audit
assert_eq "$(ls -A root/var/lib/dpkg/updates)" "" "dpkg's journal emptied"
# dpkg's changes are in the upper branch, the layers did not change.
grep -q '^Package: aufs-main$' up/var/lib/dpkg/status || fail "status not in the upper branch"
assert_eq "$(cat up/usr/share/aufs-main/data.txt)" "data of aufs-main" "package file in the upper branch"
[ -f up/var/lib/dpkg/info/aufs-main.list ] || fail "file list not in the upper branch"
! grep -q aufs- l3/var/lib/dpkg/status || fail "layer 3's status changed"
assert_eq "$(tree_sum l3)" "$l3_before" "layer 3 after install"

mark "installed and verified"

# Removed: not installed; aufs-dep, which has a postrm, keeps its
# config-files state (rc) until purged, as on any Debian system.
run "dpkg -r" dpkg -r aufs-main aufs-dep
assert_eq "$(status aufs-dep)/$(status aufs-main)" "rc/" "states after dpkg -r"
for f in usr/bin/aufs-main usr/share/aufs-main usr/share/aufs-dep var/lib/aufs-dep var/lib/aufs-main-saw-dep; do
	[ ! -e "root/$f" ] || fail "/$f left after dpkg -r"
done
clean "dpkg --audit after remove" dpkg --audit
assert_eq "$(ls -A root/var/lib/dpkg/updates)" "" "dpkg's journal emptied after remove"
assert_eq "$(tree_sum l3)" "$l3_before" "layer 3 after remove"
run "dpkg -P" dpkg -P aufs-dep
assert_eq "$(status aufs-dep)" "" "aufs-dep after dpkg -P"
# Packages with files in every layer and in the upper branch (dpkg rewrote
# its database there). dpkg -V of the whole root is clean too, but reads
# all 200 MB through the emulated guest: about 55 s alone, over the budget.
clean "dpkg -V after purge" dpkg -V base-files dpkg bash coreutils
! grep -q aufs- root/var/lib/dpkg/status || fail "packages left in dpkg's status"
mark "removed, purged and verified"

umount root/mnt && umount root/dev && umount root/proc || fail "umount in the root"
umount root || fail "umount the union"
umount l1 && umount l2 || fail "umount the layers"
echo "dpkg-layers: PASS in $(($(date +%s) - start)) s"
