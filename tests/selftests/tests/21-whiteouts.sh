# .wh.NAME hides NAME below its branch and .wh..wh..opq makes a dir opaque,
# but only on branches that honour whiteouts (rw, or ro/rr with +wh); on a
# plain ro branch the same files hide nothing.
mkdir -p top mid low
echo low > low/gone && echo low > low/kept && mkdir -p low/opq low/deldir
echo low > low/opq/below && echo low > low/deldir/f
: > mid/.wh.gone && : > mid/.wh.deldir && mkdir mid/opq && : > mid/opq/.wh..wh..opq
echo mid > mid/opq/own
echo top > top/.wh.kept.not   # a whiteout of another name hides nothing
: > top/.wh.midonly && echo mid > mid/midonly

aufs_mount "br=$PWD/top=rw:$PWD/mid=ro+wh:$PWD/low=ro"
[ -e mnt/gone ] && fail "whited-out file visible on +wh"
[ -e mnt/deldir ] && fail "whited-out dir visible on +wh"
[ -e mnt/midonly ] && fail "whiteout on the rw branch ignored"
assert_eq "$(cat mnt/kept)" low "unrelated file"
assert_eq "$(ls mnt/opq | tr '\n' ' ')" "own " "opaque dir listing"
[ -e mnt/opq/below ] && fail "entry below an opaque dir visible"
assert_eq "$(ls mnt | tr '\n' ' ')" "kept opq " "root listing hides whiteouts and their targets"
umount mnt

aufs_mount "br=$PWD/top=rw:$PWD/mid=ro:$PWD/low=ro"
assert_eq "$(cat mnt/gone)" low "plain ro branch: whiteout not honoured"
assert_eq "$(cat mnt/deldir/f)" low "plain ro branch: dir whiteout not honoured"
assert_eq "$(ls mnt/opq | tr '\n' ' ')" "below own " "plain ro branch: not opaque"
assert_eq "$(ls mnt | tr '\n' ' ')" "deldir gone kept opq " "plain ro listing (no .wh. names)"
umount mnt

aufs_mount "br=$PWD/top=rw:$PWD/mid=rr+wh:$PWD/low=ro"
[ -e mnt/gone ] && fail "whiteout on rr+wh not honoured"
true
