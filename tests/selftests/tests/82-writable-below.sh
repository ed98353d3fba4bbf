# A writable branch below the file's branch never swallows a write (issue
# 13, problem 5): copy-up and whiteouts go only to a writable branch at or
# above the object's branch; otherwise EROFS, and nothing changes.
mkdir top rw
echo old >top/tf
mkdir top/td && echo in >top/td/f
echo low >rw/lf
aufs_mount "br=$PWD/top=ro:$PWD/rw=rw"
expect_errno EROFS open-errno mnt/tf w
if (echo x >>mnt/tf) 2>/dev/null; then fail "append to a file above the writable branch succeeded"; fi
[ -e rw/tf ] && fail "the write landed in the branch below"
if rm mnt/tf 2>/dev/null; then fail "rm of a file above the writable branch succeeded"; fi
if chmod 600 mnt/tf 2>/dev/null; then fail "chmod succeeded"; fi
if mv mnt/tf mnt/tf2 2>/dev/null; then fail "rename succeeded"; fi
if ln mnt/tf mnt/tf3 2>/dev/null; then fail "link succeeded"; fi
if mv mnt/lf mnt/tf 2>/dev/null; then fail "rename over it succeeded"; fi
if rm mnt/td/f 2>/dev/null; then fail "rm in a dir of the upper ro branch succeeded"; fi
echo 3 >/proc/sys/vm/drop_caches
assert_eq "$(cat mnt/tf)" old "content after drop_caches"
assert_eq "$(cat mnt/lf)" low "the lower file"
assert_eq "$(ls -a rw | tr '\n' ' ')" ". .. .wh..wh.aufs .wh..wh.orph .wh..wh.plnk lf " "nothing made on rw"
# What lives on the writable branch stays writable, and new names go there.
echo more >>mnt/lf || fail "append to the file on rw"
echo new >mnt/nf || fail "create"
assert_eq "$(cat rw/nf)" new "created on rw"
