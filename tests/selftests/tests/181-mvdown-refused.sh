# Move-down refuses what would change what the union shows or lose a user's
# view, each with aufs's errno and au_errno (EAU_MVDOWN_*: 1 opaque, 2
# whiteout, 3 upper, 4 bottom, 5 noupper, 6 nolowerbr), and changes nothing.
mkdir rw mid lo
for b in rw mid lo; do mount -t tmpfs "$b" "$b" || fail "tmpfs $b"; done
echo h >rw/h && ln rw/h rw/h2
echo b >rw/busy
mkdir rw/dir
echo x >rw/x && touch mid/.wh.x
echo y >rw/y && echo m >mid/y
mkdir -p rw/od lo/od && touch rw/od/.wh..wh..opq && echo z >rw/od/z
echo l >lo/bottom
aufs_mount "br=$PWD/rw=rw:$PWD/mid=ro+wh:$PWD/lo=rw"
si=$(si_dir)
midid=$(cat "$si/brid1") loid=$(cat "$si/brid2")
mv_is() { # FILE FLAGS UBRID LBRID WANT
	assert_eq "$(aufs-test mvdown "$1" "$2" "$3" "$4")" "$5" "mvdown $1 $2"
}
mv_is mnt/h 0 0 0 "EBUSY au_errno=0 flags=0x0 b=0>0"
exec 3<mnt/busy
mv_is mnt/busy 0 0 0 "EBUSY au_errno=0 flags=0x0 b=0>0"
exec 3<&-
exec 3>>mnt/busy
mv_is mnt/busy 0 0 0 "EBUSY au_errno=0 flags=0x0 b=0>0"
exec 3>&-
# aufs answers AUFS_CTL_MVDOWN only on non-dirs: a dir gets ENOTTY.
mv_is mnt/dir 0 0 0 "ENOTTY au_errno=0 flags=0x0 b=0>0"
mv_is mnt/x 0 0 0 "EINVAL au_errno=2 flags=0x0 b=0>0"
mv_is mnt/y 0 0 0 "EINVAL au_errno=3 flags=0x0 b=0>0"
mv_is mnt/od/z 0 0 0 "EINVAL au_errno=1 flags=0x0 b=0>0"
mv_is mnt/bottom 0 0 0 "EINVAL au_errno=4 flags=0x0 b=0>0"
mv_is mnt/busy 0x80 "$loid" 0 "EINVAL au_errno=5 flags=0x80 b=0>0"
mv_is mnt/busy 0x100 0 99 "EINVAL au_errno=6 flags=0x100 b=0>0"
# The mid branch is ro: only with ROLOWER (8), which reports ROLOWER_R (0x10).
mv_is mnt/busy 0x100 0 "$midid" "EROFS au_errno=0 flags=0x100 b=0>0"
expect_errno ENOTTY ioctl mnt/busy 0x4112
assert_eq "$(cd mnt && aufs-test as-user 1000 aufs-test mvdown busy 0 0 0)" \
	"EPERM au_errno=0 flags=0x0 b=0>0" "only CAP_SYS_ADMIN"
assert_eq "$(cat mnt/h):$(cat mnt/busy):$(cat mnt/x):$(cat mnt/y):$(cat mnt/od/z)" "h:b:x:y:z" "union unchanged"
for f in h busy x y od/z; do [ -e "rw/$f" ] || fail "rw/$f gone"; done
[ -e lo/busy ] || [ -e lo/h ] || [ -e lo/x ] || [ -e mid/busy ] && fail "something was copied down"
assert_eq "$(aufs-test mvdown mnt/busy 0 0 0)" "ok au_errno=0 flags=0x1000 b=0>2" "idle file moves"
# On the ro+wh branch: EROFS, unless ROUPPER (0x20), which reports ROUPPER_R (0x40).
echo u >mid/u
mv_is mnt/u 0 0 0 "EROFS au_errno=0 flags=0x0 b=0>0"
mv_is mnt/u 0x20 0 0 "ok au_errno=0 flags=0x1060 b=1>2"
assert_eq "$(cat lo/u):$(cat mnt/u)" "u:u" "moved from the ro branch"
[ -e mid/u ] && fail "mid/u left"
umount mnt
# Without ROLOWER an ro lower is no target (aufs: "no writable lower").
aufs_mount "br=$PWD/rw=rw:$PWD/mid=ro"
echo r >rw/r
mv_is mnt/r 0 0 0 "EINVAL au_errno=4 flags=0x0 b=0>0"
mv_is mnt/r 8 0 0 "ok au_errno=0 flags=0x1018 b=0>1"
assert_eq "$(cat mid/r):$(cat mnt/r)" "r:r" "moved to the ro branch"
ino=$(stat -c %i mnt/r)
echo s >>mnt/r || fail "append"
assert_eq "$(cat rw/r | tr '\n' ' '):$(cat mid/r)" "r s :r" "a write copies it up again"
assert_eq "$(stat -c %i mnt/r)" "$ino" "st_ino after the copy-up"
umount mnt
umount rw mid lo
