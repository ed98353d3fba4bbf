# readdir lists every entry of the branch once with its type, '.' and '..'
# once, also when getdents is called with a buffer that fits a single entry.
mkdir -p b/dir && echo x > b/reg && ln -s reg b/lnk && mkfifo b/fifo
for i in $(seq 1 200); do : > "b/file-$i"; done
aufs_mount "br=$PWD/b=ro"
aufs-test getdents b 65536 | sort > want
aufs-test getdents mnt 32 | sort > got
cmp -s want got || { diff want got | head; fail "listing differs from the branch"; }
assert_eq "$(grep -c '^\. dir$' got)" 1 "one '.'"
assert_eq "$(grep -c '^\.\. dir$' got)" 1 "one '..'"
assert_eq "$(grep '^lnk ' got)" "lnk lnk" "symlink d_type"
assert_eq "$(grep '^fifo ' got)" "fifo fifo" "fifo d_type"
assert_eq "$(ls mnt | wc -l)" 204 "ls count"
