# udba=none|reval|notify at mount and at remount; /proc/mounts shows
# udba=none and udba=notify (reval is the default); a bad udba= value is
# refused with EINVAL, at mount and at remount (which then changes nothing). With udba=none
# the union works; after direct changes in the branches, names it had cached
# may show old, new or no data (aufs makes no promise), but never an error
# other than ENOENT and never a crash; names it never looked up are seen, and
# so is everything after drop_caches (nothing left cached).
mkdir rw l m2
echo g > l/g && echo short > l/m && echo lower > l/h && echo k > l/k && echo k2 > l/k2
aufs_mount "br=$PWD/rw=rw:$PWD/l=ro,udba=none"
P=$PWD
opts() { grep " $P/$1 aufs " /proc/mounts | cut -d' ' -f4; }
case $(opts mnt) in *,udba=none*) ;; *) fail "udba=none not in /proc/mounts: $(opts mnt)" ;; esac
assert_eq "$(cat mnt/g mnt/m mnt/h mnt/k mnt/k2 | tr '\n' ' ')" "g short lower k k2 " "reads with udba=none"
echo w > mnt/w && [ -f rw/w ] || fail "write with udba=none"
rm mnt/k && [ -e rw/.wh.k ] || fail "rm with udba=none"
echo k > mnt/k || fail "recreate"

# tolerant COMMAND...: may fail, but only with ENOENT.
tolerant() {
	"$@" > /dev/null 2> err.out
	if [ -s err.out ] && grep -v 'No such file or directory' err.out | grep -q .; then
		cat err.out
		fail "$* failed with something else than ENOENT"
	fi
	true
}
[ -e mnt/n1 ] && fail "n1"
echo n1 > l/n1 && rm l/g && echo "much longer content" > l/m
echo "upper!" > rw/h && : > rw/.wh.k2 && echo fresh > l/fresh && echo c2 > rw/c2
for n in n1 g m h k2; do
	tolerant cat mnt/$n
	tolerant stat mnt/$n
	out=$(aufs-test mmap-read mnt/$n private) || [ "$out" = ENOENT ] || fail "mmap-read $n: $out"
done
tolerant ls -l mnt
assert_eq "$(cat mnt/fresh 2>&1)" fresh "a name never looked up (lower)"
assert_eq "$(cat mnt/c2 2>&1)" c2 "a name never looked up (upper)"
# A dentry referenced twice survives one pass of drop_caches (LRU rotation).
for n in 1 2 3; do echo 2 > /proc/sys/vm/drop_caches; done
assert_eq "$(ls mnt | tr '\n' ' ')" "c2 fresh h k m n1 w " "listing after drop_caches"
assert_eq "$(cat mnt/m mnt/h mnt/n1 | tr '\n' ' ')" "much longer content upper! n1 " "contents after drop_caches"

# Branch edits at remount are seen at once also with udba=none, for cached
# names too (positive and negative).
mkdir top
echo "from top" > top/m && echo "only top" > top/t1
assert_eq "$(cat mnt/m)" "much longer content" "m before the prepend"
[ -e mnt/t1 ] && fail "t1 before the prepend"
mount -o "remount,prepend:$P/top=ro" mnt || fail "prepend with udba=none"
assert_eq "$(cat mnt/m)" "from top" "cached name after a prepend with udba=none"
assert_eq "$(cat mnt/t1 2>&1)" "only top" "negative name after a prepend with udba=none"
mount -o "remount,del:$P/top" mnt || fail "del with udba=none"
assert_eq "$(cat mnt/m)" "much longer content" "cached name after del with udba=none"
[ -e mnt/t1 ] && fail "t1 after del with udba=none"

# Remount to reval: direct changes are seen again; back to none.
mount -o remount,udba=reval mnt || fail "remount udba=reval"
case $(opts mnt) in *udba*) fail "udba shown after remount to reval: $(opts mnt)" ;; esac
assert_eq "$(cat mnt/h)" "upper!" "h"
echo again > rw/h
assert_eq "$(cat mnt/h)" again "direct change seen after remount,udba=reval"
mount -o remount,udba=none mnt || fail "remount udba=none"
case $(opts mnt) in *,udba=none*) ;; *) fail "udba=none not shown after remount: $(opts mnt)" ;; esac

# A bad value: refused at remount without changing the mode.
dmesg_clear
expect_errno EINVAL remount mnt udba=bogus
dmesg_expect 'bad value for option "udba"'
case $(opts mnt) in *,udba=none*) ;; *) fail "udba changed by a refused remount: $(opts mnt)" ;; esac
# none -> notify -> none at remount: direct changes are seen under notify.
mount -o remount,udba=notify mnt || fail "remount udba=notify"
case $(opts mnt) in *,udba=notify*) ;; *) fail "udba=notify not shown after remount: $(opts mnt)" ;; esac
echo notified > rw/h
assert_eq "$(cat mnt/h)" notified "direct change seen after remount,udba=notify"
mount -o remount,udba=none mnt || fail "remount back to udba=none"
case $(opts mnt) in *,udba=none*) ;; *) fail "udba=none not shown after remount from notify: $(opts mnt)" ;; esac
expect_errno EINVAL mount aufs none m2 "br=$P/l,udba=bogus"
expect_errno EINVAL mount aufs none m2 "br=$P/l,udba"

# reval given explicitly at mount: accepted, not shown.
mount -t aufs -o "br=$P/l,udba=reval" none m2 || fail "mount with udba=reval"
case $(opts m2) in *udba*) fail "udba=reval shown: $(opts m2)" ;; esac
umount m2
