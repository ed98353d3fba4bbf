# A directory with 100 000 entries across 4 branches lists completely.
for i in 1 2 3 4; do mkdir b$i && aufs-test mkfiles b$i "b$i-" 25000 || fail "mkfiles"; done
aufs_mount "br=$PWD/b1=ro:$PWD/b2=ro:$PWD/b3=ro:$PWD/b4=ro"
assert_eq "$(aufs-test getdents mnt 32768 | wc -l)" 100002 "entries"
assert_eq "$(aufs-test getdents mnt 4096 | grep -c '^b3-')" 25000 "entries of branch 3 (small buffer)"
