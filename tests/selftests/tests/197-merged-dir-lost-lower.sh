# udba=reval: a dir of a merged dir below its top one removed directly on
# its branch (rm -rf), and maybe made again there with other entries. A walk
# through the merged dir checks only its top dir (one read, whatever the
# layers: issue 18's warm stat at 500 layers); the dir's other dirs are
# checked before its entries are read. The union must show at once what the
# branches hold now: no error from the removed dir, its old entries gone, the
# entries of a dir made again in its place (before the union looked) found
# by a lookup and listed; also several levels deep (every ancestor lost its
# dir on that branch). A dir that joins a cached merged dir on a read-only
# branch later shows once the name leaves the dentry cache (68-udba-reval).
mkdir -p rw/d l1/d l2/d rw/p/q/r l2/p/q/r
echo a > rw/d/a && echo b > l1/d/b && echo c > l2/d/c && echo old > l2/p/q/r/old
aufs_mount "br=$PWD/rw=rw:$PWD/l1=ro:$PWD/l2=ro"
listing() { ls "mnt/$1" | tr '\n' ' '; }
assert_eq "$(listing d)" "a b c " "d before"
assert_eq "$(cat mnt/d/c)" c "d/c before"
for i in 1 2 3; do stat mnt/d/a mnt/d/b mnt/p/q/r/old > /dev/null || fail "cached walk $i"; done

# Replaced: removed and made again with other entries, then looked at.
rm -rf l2/d && mkdir l2/d && echo new > l2/d/n
[ -e mnt/d/c ] && fail "d/c still there after its dir was replaced"
assert_eq "$(cat mnt/d/n 2>&1)" new "a file in the dir made again"
assert_eq "$(listing d 2>&1)" "a b n " "d with its lowest dir made again"
rm -rf l1/d
stat mnt/d/a > /dev/null || fail "walk through d after its middle dir was removed"
assert_eq "$(cat mnt/d/b 2>&1 | grep -c 'No such file')" 1 "d/b after its dir was removed"
assert_eq "$(listing d 2>&1)" "a n " "d after its middle dir was removed"
echo x > mnt/d/x || fail "create in d"
assert_eq "$(cat rw/d/x)" x "the new file is on the writable branch"
rm -f l2/d/n && rm mnt/d/a mnt/d/x || fail "rm in d"
rmdir mnt/d || fail "rmdir of d emptied on every branch"
[ -e mnt/d ] && fail "d still there after rmdir"
[ -e rw/.wh.d ] && [ -d l2/d ] || fail "rmdir: want a whiteout over l2/d: $(ls -a rw l2)"

# Three levels: p, p/q and p/q/r all lost their dir on l2.
rm -rf l2/p && mkdir -p l2/p/q/r && echo z > l2/p/q/r/z
assert_eq "$(cat mnt/p/q/r/z 2>&1)" z "a file under three dirs made again"
assert_eq "$(listing p/q/r 2>&1)" "z " "p/q/r made again"
[ -e mnt/p/q/r/old ] && fail "p/q/r/old still there"
true
