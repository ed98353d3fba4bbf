# fsx (crates.io's file system exerciser): random reads, writes, truncates
# and mmaps on a file copied up from a read-only branch and on a file created
# through the union, each checked against fsx's own model. FSX_OPS ops each
# (10 000 in make check, for time; the 100 000-op run is in the notes).
mkdir rw ro art && dd if=/dev/urandom of=ro/lower bs=1k count=256 2>/dev/null
aufs_mount "br=$PWD/rw=rw:$PWD/ro=ro"
echo x >> mnt/lower || fail "copy-up"
fsx -q -N "${FSX_OPS:-10000}" -S 1 -P art mnt/lower > fsx1.log 2>&1 || { tail -20 fsx1.log; fail "fsx on a copied-up file"; }
: > mnt/new
fsx -q -N "${FSX_OPS:-10000}" -S 2 -P art mnt/new > fsx2.log 2>&1 || { tail -20 fsx2.log; fail "fsx on a new file"; }
assert_eq "$(md5sum < mnt/lower)" "$(md5sum < rw/lower)" "union and rw branch agree"
