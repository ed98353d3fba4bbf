# warn_perm (the default): a branch whose root has another owner, group or
# mode than the top branch's gets an 'aufs: uid/gid/perm' warning at mount
# and at add; nowarn_perm keeps quiet. verbose: a remount refused because a
# branch is busy also logs what keeps it busy (counted); quiet does not.
shown() { grep " $PWD/mnt aufs " /proc/mounts | cut -d' ' -f4; }
mkdir rw same odd extra && chmod 755 rw same && chmod 700 odd && chown 1000:1000 extra
dmesg_clear
aufs_mount "br=$PWD/rw=rw:$PWD/same=ro:$PWD/odd=ro"
dmesg_expect "uid/gid/perm $PWD/odd 0/0/0700, 0/0/0755"
dmesg | grep -q "uid/gid/perm $PWD/same" && fail "warned about a branch like the top"
dmesg_clear
remount "append:$PWD/extra=ro"
dmesg_expect "uid/gid/perm $PWD/extra 1000/1000/0"
shown | grep -q "warn_perm" && fail "warn_perm is the default, not shown"
umount mnt

dmesg_clear
aufs_mount "br=$PWD/rw=rw:$PWD/odd=ro,nowarn_perm"
remount "append:$PWD/extra=ro"
dmesg | grep -q "uid/gid/perm" && fail "nowarn_perm warned"
shown | grep -q ",nowarn_perm" || fail "/proc/mounts lacks nowarn_perm"
remount warn_perm
dmesg_clear
remount "del:$PWD/extra"
remount "append:$PWD/extra=ro"
dmesg_expect "uid/gid/perm $PWD/extra"

# verbose: a busy branch is explained.
echo x > extra/f
exec 3< mnt/f
dmesg_clear
mount -o "remount,del:$PWD/extra" mnt 2>/dev/null && fail "del of a busy branch"
dmesg_expect "has open files"
dmesg | grep -q "open file(s)" && fail "quiet (the default) explained the busy branch"
dmesg_clear
mount -o "remount,verbose,del:$PWD/extra" mnt 2>/dev/null && fail "del of a busy branch (verbose)"
dmesg_expect "1 open file(s) (0 for writing)"
remount verbose
shown | grep -q ",verbose" || fail "/proc/mounts lacks verbose"
remount q
shown | grep -q ",verbose" && fail "quiet shown as verbose"
exec 3<&-
remount "del:$PWD/extra"
umount mnt
