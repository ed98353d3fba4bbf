# mod rw->ro takes effect at once: with no other writable branch every write
# fails with EROFS (the mount itself stays rw); with another writable branch
# below, new files, copy-ups and whiteouts go there. A branch made ro is never
# written through the union. mod back to rw restores writes.
mkdir rw l top
echo lf > l/lf && echo lg > l/lg && echo lh > l/lh
aufs_mount "br=$PWD/rw=rw:$PWD/l=ro"
S=$(ls -d /sys/fs/aufs/si_*)
P=$PWD
echo uf > mnt/uf && [ -f rw/uf ] || fail "uf not on rw"

remount "mod:$P/rw=ro"
assert_eq "$(cat "$S/br0")" "$P/rw=ro" "br0 after mod"
grep -q " $P/mnt aufs rw," /proc/mounts || fail "the mount itself is not rw any more"
expect_errno EROFS open-errno mnt/uf w
expect_errno EROFS open-errno mnt/lf w
expect_errno EROFS open-errno mnt/lf trunc
expect_errno ok open-errno mnt/uf r
(echo new > mnt/new) 2>/dev/null && fail "create on an all-ro union"
mkdir mnt/dir 2>/dev/null && fail "mkdir on an all-ro union"
rm -f mnt/uf 2>/dev/null; [ -e mnt/uf ] || fail "unlink on an all-ro union"
chmod 600 mnt/lf 2>/dev/null && fail "chmod on an all-ro union"
assert_eq "$(cat mnt/uf mnt/lf | tr '\n' ' ')" "uf lf " "reads"
assert_eq "$(ls -A rw | grep -v '^\.wh\.\.wh\.' | tr '\n' ' ')" "uf " "rw branch untouched"

remount "mod:$P/rw=rw"
assert_eq "$(cat "$S/br0")" "$P/rw=rw" "br0 after mod back"
echo new > mnt/new && [ -f rw/new ] || fail "create after mod back to rw"

# A second writable branch on top; then the top one goes ro: writes go to rw.
remount "prepend:$P/top"
echo tf > mnt/tf && [ -f top/tf ] || fail "new file not on the new top"
remount "mod:$P/top=ro"
assert_eq "$(cat "$S/br0") $(cat "$S/br1")" "$P/top=ro $P/rw=rw" "br0 br1"
echo n2 > mnt/n2 || fail "create with a writable branch below"
[ -f rw/n2 ] || fail "new file not on the remaining writable branch"
[ -e top/n2 ] && fail "new file on the ro branch"
echo more >> mnt/lf || fail "write to a lower file"
assert_eq "$(cat mnt/lf | tr '\n' ' ')" "lf more " "written lower file"
assert_eq "$(cat rw/lf | tr '\n' ' ')" "lf more " "copy on the writable branch"
[ -e top/lf ] && fail "copy-up onto the ro branch"
assert_eq "$(cat l/lf)" lf "lower file untouched"
rm mnt/lg || fail "rm of a lower file"
[ -e mnt/lg ] && fail "removed file visible"
[ -e rw/.wh.lg ] || fail "whiteout not on the writable branch"
[ -e top/.wh.lg ] && fail "whiteout on the ro branch"
echo x >> mnt/tf 2>/dev/null
assert_eq "$(cat top/tf)" tf "file on the branch made ro not written"
assert_eq "$(ls -A top | grep -v '^\.wh\.\.wh\.' | tr '\n' ' ')" "tf " "ro top branch content"
remount "del:$P/top"
assert_eq "$(cat mnt/lf mnt/new mnt/n2 | tr '\n' ' ')" "lf more new n2 " "contents after del of top"

# A file open for writing before a new rw branch is prepended keeps writing
# to the same file, which the union still shows under its name.
echo base > mnt/wf && [ -f rw/wf ] || fail "wf not on rw"
exec 4>> mnt/wf
remount "prepend:$P/top"
assert_eq "$(cat "$S/br0")" "$P/top=rw" "top back as rw"
echo after >&4 || fail "write through the fd after the prepend"
assert_eq "$(cat mnt/wf | tr '\n' ' ')" "base after " "union view of the written file"
exec 4>&-
echo more >> mnt/wf || fail "append after the prepend"
assert_eq "$(cat mnt/wf | tr '\n' ' ')" "base after more " "union view after another write"
echo t2 > mnt/t2 && [ -f top/t2 ] || fail "new file not on the prepended rw branch"

# mod to rw+nolwh: whiteouts become plain files.
remount "mod:$P/top=rw+nolwh"
assert_eq "$(cat "$S/br0")" "$P/top=rw+nolwh" "br0 after mod to rw+nolwh"
rm mnt/lh || fail "rm of a lower file"
[ -f top/.wh.lh ] || fail "no whiteout on the rw+nolwh branch"
assert_eq "$(stat -c %h top/.wh.lh)" 1 "plain whiteout (no hardlink)"
[ -e mnt/lh ] && fail "lh visible"
true
