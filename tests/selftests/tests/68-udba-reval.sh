# udba=reval (the default): changes made directly in a branch, behind the
# union's back, are seen by the next lookup through the union, right after
# the change (no sleeps), also for names the union has cached (positive or
# negative): files created, deleted, modified in place (content and size),
# replaced by rename, turned into a dir; in the lower and in the upper (rw)
# branch, where a new file hides the lower one and a new .wh.NAME hides NAME.
# 77-udba-notify runs the same cases with UDBA=notify.
# With udba=reval, as in aufs, a read-only branch's new entries are not
# looked for under a name cached as missing or in a cached merged dir (nor
# above a cached file): they show once the name leaves the dentry cache
# (ro_new below), so that the check costs the same under 500 read-only
# layers; removals and changes of cached objects show at once (see dir_stamp
# in lookup.rs). udba=notify shows everything at once.
UDBA=${UDBA:-reval}
udba_opt=$([ "$UDBA" = reval ] || echo ",udba=$UDBA")
mkdir rw l l/d
echo g > l/g && echo short > l/m && echo old > l/r && echo t > l/t
echo lower > l/h && echo k > l/k && echo dd > l/d/dd
aufs_mount "br=$PWD/rw=rw:$PWD/l=ro$udba_opt"
shown=$(grep " $PWD/mnt aufs " /proc/mounts | cut -d" " -f4 | tr ',' '\n' | grep udba)
assert_eq "$shown" "$(echo "${udba_opt#,}")" "udba in /proc/mounts (none for the default)"
listing() { ls "mnt/$1" | tr '\n' ' '; }
# ro_new NAME: a new entry was made directly on a read-only branch where the
# union has NAME cached as missing (or in a cached merged dir): with reval it
# stays missing (aufs: "If the file is cached as negative ..., aufs does not
# test it") until the cache is dropped; with notify it shows at once.
ro_new() {
	[ "$UDBA" = reval ] || return 0
	[ -z "$1" ] || [ ! -e "mnt/$1" ] || fail "reval: $1, cached as missing, was looked up again"
	echo 2 > /proc/sys/vm/drop_caches
}
has() { ls "mnt/$1" | grep -qx "$2"; }

# Lower branch.
[ -e mnt/n1 ] && fail "n1 exists"
echo n1 > l/n1
ro_new n1
assert_eq "$(cat mnt/n1 2>&1)" n1 "file created in the lower branch after a negative lookup"
has "" n1 || fail "n1 not listed"
[ -e mnt/d/n2 ] && fail "d/n2 exists"
echo n2 > l/d/n2
ro_new d/n2
assert_eq "$(cat mnt/d/n2 2>&1)" n2 "file created in a lower subdir after a negative lookup"
assert_eq "$(listing d)" "dd n2 " "listing of d"
echo late > l/d/late
assert_eq "$(listing d)" "dd late n2 " "listing of d after another direct create"

assert_eq "$(cat mnt/g)" g "g"
rm l/g
[ -e mnt/g ] && fail "file deleted in the lower branch still there"
stat mnt/g > /dev/null 2>&1 && fail "stat of a file deleted in the lower branch"
has "" g && fail "deleted g still listed"

assert_eq "$(cat mnt/m) $(stat -c %s mnt/m)" "short 6" "m before"
echo "much longer content" > l/m
assert_eq "$(cat mnt/m)" "much longer content" "content of a file modified in place in the lower branch"
assert_eq "$(stat -c %s mnt/m)" 20 "size of a file modified in place in the lower branch"
echo shrt > l/m
assert_eq "$(stat -c %s mnt/m) $(cat mnt/m)" "5 shrt" "size, content after shrinking in place"

assert_eq "$(stat -c %a mnt/m)" 644 "mode of m"
chmod 600 l/m && touch -d "2001-02-03 04:05:06" l/m
assert_eq "$(stat -c %a mnt/m)" 600 "mode changed in the lower branch"
assert_eq "$(stat -c %Y mnt/m)" "$(stat -c %Y l/m)" "mtime changed in the lower branch"
chmod 711 l/d
assert_eq "$(stat -c %a mnt/d)" 711 "dir mode changed in the lower branch"
chmod 644 l/m && chmod 755 l/d
# Permission checks follow a mode changed directly in the branch (not only
# stat, which asks the branch inode): the path walk takes the attributes
# again when the branch inode's change time moved.
chmod 755 . && echo secret > l/s && chmod 644 l/s
assert_eq "$(aufs-test as-user 1000 cat mnt/s 2>&1)" secret "another user reads s"
chmod 600 l/s
aufs-test as-user 1000 cat mnt/s > /dev/null 2>&1 && fail "another user still reads s after a direct chmod 600"
chmod 644 l/s
assert_eq "$(aufs-test as-user 1000 cat mnt/s 2>&1)" secret "another user reads s again after chmod 644"

assert_eq "$(cat mnt/r)" old "r"
echo "new content" > l/r.tmp && mv l/r.tmp l/r
assert_eq "$(cat mnt/r) $(stat -c %s mnt/r)" "new content 12" "file replaced by rename in the lower branch"
has "" r.tmp && fail "r.tmp listed"

assert_eq "$(cat mnt/t)" t "t"
rm l/t && mkdir l/t && echo in > l/t/in
[ -d mnt/t ] || fail "file replaced by a dir in the lower branch is not a dir"
assert_eq "$(cat mnt/t/in 2>&1)" in "file in the new dir"

mkdir -p l/gone/sub && echo x > l/gone/sub/x
assert_eq "$(cat mnt/gone/sub/x)" x "gone/sub/x"
rm -r l/gone
[ -e mnt/gone/sub/x ] && fail "file of a dir tree deleted in the lower branch"
[ -e mnt/gone ] && fail "dir deleted in the lower branch"

# Deep paths (cached dirs on the way, walked in RCU mode).
mkdir -p l/p/q/r && echo r1 > l/p/q/r/r1
assert_eq "$(cat mnt/p/q/r/r1)" r1 "deep file"
[ -e mnt/p/q/r/new ] && fail "p/q/r/new exists"
echo new > l/p/q/r/new
ro_new p/q/r/new
assert_eq "$(cat mnt/p/q/r/new 2>&1)" new "deep file created in the lower branch"
rm -r l/p/q && mkdir -p l/p/q/r && echo r2 > l/p/q/r/r2
[ -e mnt/p/q/r/r1 ] && fail "deep file of a replaced dir tree"
assert_eq "$(cat mnt/p/q/r/r2 2>&1)" r2 "deep file of the new dir tree"
assert_eq "$(listing p/q/r)" "r2 " "listing of the new deep dir"

[ -e mnt/nd ] && fail "nd exists"
mkdir l/nd && echo f > l/nd/f
ro_new nd
assert_eq "$(listing nd)" "f " "dir made in the lower branch after a negative lookup"

# A write through the union after a direct change copies the new content.
echo more >> mnt/m || fail "append to m"
assert_eq "$(cat rw/m | tr '\n' ' ')" "shrt more " "copy-up of the directly modified file"

# Upper (rw) branch.
[ -e mnt/u1 ] && fail "u1 exists"
echo u1 > rw/u1
assert_eq "$(cat mnt/u1 2>&1)" u1 "file created in the upper branch after a negative lookup"

assert_eq "$(cat mnt/h)" lower "h from the lower branch"
echo "upper!" > rw/h
assert_eq "$(cat mnt/h) $(stat -c %s mnt/h)" "upper! 7" "file created in upper hides the lower one"
rm rw/h
assert_eq "$(cat mnt/h) $(stat -c %s mnt/h)" "lower 6" "lower file back after the upper one is deleted"

assert_eq "$(cat mnt/k)" k "k"
: > rw/.wh.k
[ -e mnt/k ] && fail "whiteout made in the upper branch does not hide k"
has "" k && fail "whited-out k listed"
rm rw/.wh.k
assert_eq "$(cat mnt/k 2>&1)" k "k back after the whiteout is deleted"

echo c > mnt/c && assert_eq "$(cat mnt/c)" c "c"
echo "changed in upper" > rw/c
assert_eq "$(cat mnt/c) $(stat -c %s mnt/c)" "changed in upper 17" "file modified in the upper branch"
rm rw/c
[ -e mnt/c ] && fail "file deleted in the upper branch still there"
stat mnt/c > /dev/null 2>&1 && fail "stat of a file deleted in the upper branch"

mkdir rw/d && echo ud > rw/d/ud
assert_eq "$(listing d)" "dd late n2 ud " "dir made in upper merges with the lower one"
: > rw/d/.wh.dd
assert_eq "$(listing d)" "late n2 ud " "whiteout made in an upper subdir"
[ -e mnt/d/dd ] && fail "d/dd visible under a direct whiteout"
true

# Three branches: a dir seen on the middle one merges a dir made directly
# below it, and one made directly above it; a file on the middle branch is
# hidden by a whiteout made directly in the branch above, and a dir found
# only on the upper branch merges a lower dir made behind its back.
umount mnt
mkdir r2 m2 b2 && mkdir m2/D && echo md > m2/D/md && echo mf > m2/mf && mkdir r2/U
aufs_mount "br=$PWD/r2=rw:$PWD/m2=ro+wh:$PWD/b2=ro$udba_opt"
assert_eq "$(listing D)" "md " "D"
assert_eq "$(listing U)" "" "U"
mkdir b2/D && echo bd > b2/D/bd
ro_new ""
assert_eq "$(listing D)" "bd md " "D after a dir made directly below it"
mkdir b2/U && echo bu > b2/U/bu
ro_new ""
assert_eq "$(listing U)" "bu " "U after a dir made directly below it"
mkdir r2/D && echo rd > r2/D/rd
assert_eq "$(listing D)" "bd md rd " "D after a dir made directly above it"
assert_eq "$(cat mnt/mf)" mf "mf"
echo bf > b2/mf
assert_eq "$(cat mnt/mf)" mf "file below does not change mf"
: > r2/.wh.mf
[ -e mnt/mf ] && fail "mf visible under a whiteout made directly above it"
# A cached file's check covers the writable branches above it, not the
# read-only ones (aufs's udba=reval checks only the file's own branch
# object): a file made directly on the ro+wh branch above it shows once
# the name is looked up again (here: after its dentry was evicted).
echo bottom > b2/lo && assert_eq "$(cat mnt/lo)" bottom "lo from the bottom branch"
echo middle > m2/lo
[ "$UDBA" = reval ] && assert_eq "$(cat mnt/lo)" bottom "reval: a file made directly on a read-only branch above a cached one"
[ "$UDBA" = notify ] && assert_eq "$(cat mnt/lo)" middle "notify: a file made directly on a read-only branch above a cached one"
echo 2 > /proc/sys/vm/drop_caches
assert_eq "$(cat mnt/lo)" middle "it shows after the cached name was evicted"
# Creates through the union mixed with direct ones in the same dir.
[ -e mnt/D/other ] && fail "D/other"
echo own > mnt/D/own || fail "create through the union"
echo other > m2/D/other
ro_new ""
assert_eq "$(cat mnt/D/other 2>&1)" other "direct create after an own create"
echo own2 > mnt/D/own2 && rm r2/D/own2
[ -e mnt/D/own2 ] && fail "own file deleted directly still visible"
assert_eq "$(listing D)" "bd md other own rd " "D at the end"
# A direct change, then an own create in the same dir before the next lookup:
# the own create must not hide the direct change.
[ -e mnt/D/zz ] && fail "D/zz"
[ -e mnt/D/yy ] && fail "D/yy"
assert_eq "$(cat mnt/D/md)" md "D/md"
echo zz > b2/D/zz && echo yy > r2/D/yy && rm m2/D/md
echo own3 > mnt/D/own3 || fail "create through the union"
ro_new ""
assert_eq "$(cat mnt/D/zz 2>&1)" zz "direct create below, then an own create"
assert_eq "$(cat mnt/D/yy 2>&1)" yy "direct create above, then an own create"
[ -e mnt/D/md ] && fail "file deleted directly before an own create still visible"
[ -e mnt/D/rr ] && fail "D/rr"
echo own4 > mnt/D/own4 && mkdir mnt/D/dir4 && rm mnt/D/own4 && echo rr > r2/D/rr && rmdir mnt/D/dir4
assert_eq "$(cat mnt/D/rr 2>&1)" rr "direct create amid own create, mkdir, unlink, rmdir"

# A file made directly in the upper dir and renamed there (no size change)
# right after a lookup, all within one clock tick, hides the lower file at
# once, and also at later lookups. Tried 20 times: a stamp of coarse dir
# times would miss most of them.
i=0 stale=0 later=0
while [ $i -lt 20 ]; do
	echo "lower $i" > m2/rf$i
	got=$(aufs-test create-rename mnt/rf$i r2/tmp$i r2/rf$i "upper $i" | tr '\n' ' ')
	[ "$got" = "lower $i upper $i" ] || stale=$((stale + 1))
	sleep 0.05
	[ "$(cat mnt/rf$i)" = "upper $i" ] || later=$((later + 1))
	i=$((i + 1))
done
[ $stale = 0 ] && [ $later = 0 ] || fail "a file renamed into the upper dir right after a lookup: stale at once $stale/20 times, still stale later $later/20 times"
