# auchk (tools/auchk) on a branch the union left: a pseudo-link not flushed
# by a plain umount is reported; what a crash or an interrupted operation
# leaves is found (exit 4), --fix repairs it (exit 1), then the branch is
# clean (exit 0) and the union shows what it showed. aubrsync
# (tools/aubrsync): the changes of the writable branch synced into the
# lower one, which alone then shows what the union showed (whiteouts
# applied, an opaque dir replaced, hardlinks and flushed pseudo-links kept).
PATH=/tests/sbin:$PATH # mount.aufs, umount.aufs
auchk --help | grep -q "Usage: auchk" || fail "auchk --help"
aubrsync --help | grep -q "Usage: aubrsync" || fail "aubrsync --help"
# A plain umount leaves a pseudo-link.
mkdir rw2 lo2 && echo h > lo2/h && ln lo2/h lo2/h2
aufs_mount "br=$PWD/rw2=rw:$PWD/lo2=ro"
echo more >> mnt/h
umount mnt
out=$(auchk rw2)
assert_eq $? 4 "auchk exit status with a pseudo-link left"
echo "$out" | grep -q "^.wh..wh.plnk/[0-9]*: pseudo-link not flushed.*(not fixable offline)$" || fail "auchk: $out"
# The branch of a union with changes of every kind, unmounted by umount.aufs.
mkdir rw lo && echo a > lo/a && mkdir -p lo/dir/sub lo/b && echo c > lo/b/c && echo k > lo/dir/sub/k
echo d > lo/d && ln lo/d lo/e && echo f > lo/f && ln -s a lo/s0
aufs_mount "br=$PWD/rw=rw:$PWD/lo=ro"
echo a2 >> mnt/a && rm mnt/b/c mnt/f && rm -r mnt/dir && mkdir mnt/dir && echo new > mnt/dir/n
echo n > mnt/n && ln mnt/n mnt/n2 && ln -s n mnt/s && mkfifo mnt/p && chmod 640 mnt/n
echo d2 >> mnt/d
snap() { # the tree: type, mode, link count (hardlinks), content
	(cd "$1" && find . ! -name . | sort | while read -r f; do
		printf '%s %s %s' "$f" "$(stat -c '%F %a %h' "$f")" "$([ -f "$f" ] && cat "$f" | tr '\n' ' ')"
		echo
	done)
}
union=$(snap mnt)
umount.aufs mnt || fail "umount.aufs"
auchk rw
assert_eq $? 0 "auchk of the branch umount.aufs left"
# What an interrupted operation or a crash leaves.
echo tmp > rw/.wh..wh.orph/cpup.1
mkdir rw/dir/.wh..wh.gone.0001 && echo t > rw/dir/.wh..wh.gone.0001/t
ln rw/.wh..wh.aufs rw/dir/.wh.zz
echo junk > rw/.wh..wh.plnk/junk
echo x > rw/.wh.n
ln rw/.wh..wh.aufs rw/.wh.nothing
out=$(auchk --lower lo rw)
assert_eq $? 4 "auchk exit status with problems"
for want in ".wh..wh.orph/cpup.1: stale" "dir/.wh..wh.gone.0001: left by" "dir/.wh.zz: whiteout in an opaque dir" \
	".wh..wh.plnk/junk: not a pseudo-link" ".wh.n: whiteout is not an empty" ".wh.nothing: whiteout hides nothing"; do
	echo "$out" | grep -qF "$want" || fail "auchk: no '$want' in: $out"
done
assert_eq "$(echo "$out" | wc -l)" 6 "auchk findings: $out"
auchk --fix --lower lo rw > fix.out
assert_eq $? 1 "auchk --fix exit status: $(cat fix.out)"
assert_eq "$(grep -c '(fixed)$' fix.out)" 6 "fixed: $(cat fix.out)"
auchk --lower lo rw
assert_eq $? 0 "auchk after --fix"
aufs_mount "br=$PWD/rw=rw:$PWD/lo=ro"
assert_eq "$(snap mnt)" "$union" "union after auchk --fix"
umount mnt
# aubrsync.
lo_before=$(snap lo)
aubrsync -n rw lo > dry.out || fail "dry run"
grep -q "^delete b/c$" dry.out || fail "dry run: $(cat dry.out)"
assert_eq "$(snap lo)" "$lo_before" "lower after a dry run"
aubrsync rw lo || fail "aubrsync"
assert_eq "$(snap lo)" "$union" "lower after aubrsync"
assert_eq "$(stat -c %i lo/e)" "$(stat -c %i lo/d)" "e still a hardlink of d"
assert_eq "$(stat -c %i lo/n2)" "$(stat -c %i lo/n)" "n2 a hardlink of n"
ls -A lo | grep -q '^\.wh\.' && fail "aufs names in the lower branch: $(ls -A lo)"
true
