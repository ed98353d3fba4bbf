# The merged listing: each name once with the topmost branch's type, stable
# with a one-entry getdents buffer and across seekdir/telldir.
mkdir -p a b c
aufs-test mkfiles a f 300 && aufs-test mkfiles b f 600 && aufs-test mkfiles c g 300
rm a/f7 && mkdir a/f7          # the top's type wins
mkdir c/f8                     # a lower dir under an upper file is hidden
aufs_mount "br=$PWD/a=ro:$PWD/b=ro:$PWD/c=ro"
aufs-test getdents mnt 40 > small
aufs-test getdents mnt 65536 > big
cmp -s small big || fail "listing depends on the buffer size"
assert_eq "$(wc -l < big)" 902 "entry count (600 f + 300 g + . ..)"
assert_eq "$(sort big | uniq -d | wc -l)" 0 "duplicates"
assert_eq "$(grep '^f7 ' big)" "f7 dir" "type from the top branch"
assert_eq "$(grep '^f8 ' big)" "f8 reg" "upper file hides lower dir"
assert_eq "$(aufs-test seekdir mnt)" "ok 902" "seekdir/telldir"
