# A Docker-style stack: rw top, =ro+wh layers holding whiteouts and an opaque
# dir. Delete, recreate, rename, chmod, hardlink, symlink, and check both the
# union and exactly what landed on the rw branch.
mkdir -p rw l1 l2/etc l2/var/log l2/opt/old
echo passwd > l2/etc/passwd && echo hosts > l2/etc/hosts && echo log > l2/var/log/syslog
echo gone > l2/etc/gone && : > l1/.wh.gone
mkdir -p l1/etc && : > l1/etc/.wh.gone && echo motd > l1/etc/motd
mkdir -p l1/opt && : > l1/opt/.wh..wh..opq && echo new > l1/opt/new
aufs_mount "br=$PWD/rw=rw:$PWD/l1=ro+wh:$PWD/l2=ro+wh"
assert_eq "$(ls mnt/etc | tr '\n' ' ')" "hosts motd passwd " "merged /etc"
assert_eq "$(ls mnt/opt | tr '\n' ' ')" "new " "opaque /opt"

rm mnt/etc/hosts || fail "rm"
[ -e mnt/etc/hosts ] && fail "deleted file visible"
[ -f rw/etc/.wh.hosts ] || fail "no whiteout on rw"
assert_eq "$(stat -c %i rw/etc/.wh.hosts)" "$(stat -c %i rw/.wh..wh.aufs)" "whiteout is a link to the base"
echo newhosts > mnt/etc/hosts
assert_eq "$(cat mnt/etc/hosts)" newhosts "recreated"
[ -e rw/etc/.wh.hosts ] && fail "whiteout left after recreate"

chmod 600 mnt/etc/passwd || fail "chmod"
assert_eq "$(stat -c %a rw/etc/passwd)" 600 "chmod copied up"
assert_eq "$(stat -c %a l2/etc/passwd)" 644 "lower mode unchanged"
assert_eq "$(cat rw/etc/passwd)" passwd "copied data"

mv mnt/etc/motd mnt/etc/motd.old || fail "rename"
assert_eq "$(cat mnt/etc/motd.old)" motd "renamed file"
[ -e mnt/etc/motd ] && fail "old name visible"
[ -f rw/etc/.wh.motd ] || fail "no whiteout for the old name"

ln mnt/var/log/syslog mnt/var/log/syslog.1 || fail "link"
assert_eq "$(stat -c %i mnt/var/log/syslog.1)" "$(stat -c %i mnt/var/log/syslog)" "hardlink st_ino"
assert_eq "$(stat -c %h mnt/var/log/syslog)" 2 "st_nlink"
assert_eq "$(stat -c %h rw/var/log/syslog)" 2 "links on rw"
ln -s ../etc/passwd mnt/var/pw || fail "symlink"
assert_eq "$(cat mnt/var/pw)" passwd "symlink"
assert_eq "$(readlink rw/var/pw)" ../etc/passwd "symlink on rw"

rm -r mnt/opt || fail "rm -r opaque dir"
[ -e mnt/opt ] && fail "dir visible after rm -r"
[ -f rw/.wh.opt ] || fail "no whiteout for the dir"
mkdir mnt/opt || fail "mkdir over whiteout"
assert_eq "$(ls -A mnt/opt | wc -l)" 0 "new dir is empty (opaque)"
[ -f rw/opt/.wh..wh..opq ] || fail "new dir not opaque on rw"
[ -e rw/.wh.opt ] && fail "whiteout left after mkdir"

assert_eq "$(cd rw && find . ! -name '.wh..wh.*' ! -path './.wh..wh.*' | sort | tr '\n' ' ')" \
	". ./etc ./etc/.wh.motd ./etc/hosts ./etc/motd.old ./etc/passwd ./opt ./var ./var/log ./var/log/syslog ./var/log/syslog.1 ./var/pw " \
	"rw branch content"
assert_eq "$(cd l2 && find . | sort | tr '\n' ' ')" ". ./etc ./etc/gone ./etc/hosts ./etc/passwd ./opt ./opt/old ./var ./var/log ./var/log/syslog " "l2 untouched"
