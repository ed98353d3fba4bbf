# dirwh on a writable branch whose filesystem has no block device and is
# not tmpfs/ramfs (aufs's "remote" branches: NFS, CIFS, FUSE ...; here an
# overlayfs mount, which is such a filesystem): rmdir of a dir holding many
# whiteouts removes it before returning, as aufs does, even with dirwh=0
# (on tmpfs, selftest 150, the same rmdir leaves it to the background).
mkdir ro ol ou ow rw t
mount -t tmpfs t t || fail "tmpfs"
mkdir t/l t/u t/w
mount -t overlay -o "lowerdir=$PWD/t/l,upperdir=$PWD/t/u,workdir=$PWD/t/w" none rw || fail "overlay"
whiteouts rw/big 2000
aufs_mount "br=$PWD/rw=rw:$PWD/ro=ro,dirwh=0"
rmdir mnt/big || fail "rmdir big"
[ -z "$(hidden rw)" ] || fail "rmdir returned with $(hidden rw) still on the overlayfs branch"
[ -e rw/big ] && fail "rw/big still there"
[ -e mnt/big ] && fail "big still shown"
umount mnt
umount rw

umount t
