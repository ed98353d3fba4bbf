# Branch paths resolve against the mounting process's cwd, and symlinks to a
# branch directory are followed.
mkdir -p x/b m1 m2 && echo rel > x/b/f && ln -s x/b link
(cd x && mount -t aufs -o br=b none ../m1) || fail "relative mount"
assert_eq "$(cat m1/f)" rel "relative branch"
mount -t aufs -o "br=$PWD/link" none m2 || fail "symlinked branch"
assert_eq "$(cat m2/f)" rel "symlinked branch"
