# readlink returns the branch symlink's target; following it works, relative
# and absolute, and a dangling link stays dangling.
mkdir -p b/d && echo target > b/d/t && ln -s d/t b/rel && ln -s /nonexistent b/dangling
ln -s "$PWD/mnt/d/t" b/abs
aufs_mount "br=$PWD/b"
assert_eq "$(readlink mnt/rel)" d/t "relative target"
assert_eq "$(cat mnt/rel)" target "follow relative"
assert_eq "$(cat mnt/abs)" target "follow absolute"
assert_eq "$(readlink mnt/dangling)" /nonexistent "dangling target"
[ -e mnt/dangling ] && fail "dangling link resolves"
assert_eq "$(stat -c %F mnt/rel)" "symbolic link" "lstat type"
