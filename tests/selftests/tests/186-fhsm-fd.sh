# The FHSM fd (AUFS_CTL_FHSM_FD on the union root, aufs's ABI): only for
# CAP_SYS_ADMIN (EPERM), flags O_CLOEXEC|O_NONBLOCK only (EINVAL), ENOTTY on
# another dir, one at a time (EBUSY). A read gives one struct aufs_stbr
# (brid, bindex, statfs subset) per fhsm branch above the lowest whose
# numbers changed since the last read, exactly the branch's statfs; none:
# EAGAIN (O_NONBLOCK); a buffer too small for every branch: EMSGSIZE.
# Connecting reports every branch at once; a write that takes new blocks
# is reported at once, another change (a create, a write within the blocks
# the file has) only once fhsm_sec seconds passed since the branch's last
# report; poll wakes when a record comes. With one fhsm branch (FHSM off)
# the fd is given but stays silent.
trap 'umount mnt 2>/dev/null; umount a b 2>/dev/null' EXIT
mkdir a b
mount -t tmpfs -o size=2m tmpfs a && mount -t tmpfs -o size=2m tmpfs b || fail "tmpfs"
d=$PWD
aufs_mount "br=$d/a=rw+fhsm:$d/b=rw+fhsm,xino=/tmp/.aufs186.xino"
S=$(si_dir)
brid=$(cat "$S/brid0")
mkdir mnt/d
chmod 755 . mnt
assert_eq "$(aufs-test as-user 1000 aufs-test fhsm mnt open)" "open EPERM" "without CAP_SYS_ADMIN"
assert_eq "$(aufs-test fhsm mnt open-bad)" "open EINVAL" "O_APPEND"
assert_eq "$(aufs-test fhsm mnt/d open)" "open ENOTTY" "on a dir other than the root"
# stfs A: branch a's statfs as "BLOCKS BAVAIL FILES FFREE".
stfs() { stat -f -c '%b %a %c %d' a; }
out=$(aufs-test fhsm mnt "open-nb,open2,read,read,poll=100,small")
want="open ok
open2 EBUSY
read 1
rec $brid 0 $(stfs)
read EAGAIN
poll none
small EAGAIN"
assert_eq "$out" "$want" "connect: every branch above the lowest"
# A write that takes blocks: at once; EMSGSIZE for a buffer of no record.
out=$(aufs-test fhsm mnt "open-nb,read,write=mnt/f=64,poll=0,small,read,read")
assert_eq "$(echo "$out" | sed -n '4,6p;9p')" "write ok
poll in
small EMSGSIZE
read EAGAIN" "after a 64 KiB write"
assert_eq "$(echo "$out" | sed -n 8p)" "rec $brid 0 $(stfs)" "the record after the write"
case $(echo "$out" | sed -n 3p) in "rec $brid 0 $(stfs)") fail "the write changed nothing" ;; esac
# Not forced (a create; a write within the file's last page): only after
# fhsm_sec (2 s) since the last report.
remount fhsm_sec=2
out=$(aufs-test fhsm mnt "open-nb,read,write=mnt/h=1,read,touch=mnt/t1,write=mnt/h=1,poll=300,read,sleep=2100,touch=mnt/t2,poll=0,read")
assert_eq "$(echo "$out" | sed -n '4,5p;7,13p')" "write ok
read 1
touch ok
write ok
poll none
read EAGAIN
touch ok
poll in
read 1" "fhsm_sec=2"
assert_eq "$(echo "$out" | tail -n 1)" "rec $brid 0 $(stfs)" "the record after fhsm_sec"
# fhsm_sec=0: every change is reported.
remount fhsm_sec=0
out=$(aufs-test fhsm mnt "open-nb,read,touch=mnt/t3,poll=0,read")
assert_eq "$(echo "$out" | sed -n '4,6p')" "touch ok
poll in
read 1" "fhsm_sec=0"
# poll wakes a waiting daemon when another process writes.
: >mnt/g
aufs-test fhsm mnt "open-nb,read,poll=20000,read" >poll.out &
pid=$!
wait_for grep -qs '^rec' poll.out
sleep 0.3
dd if=/dev/zero of=mnt/g bs=64k count=1 conv=notrunc 2>/dev/null
wait $pid
assert_eq "$(sed -n '4,5p' poll.out)" "poll in
read 1" "poll woke"
assert_eq "$(tail -n 1 poll.out)" "rec $brid 0 $(stfs)" "the record poll woke for"
# One fhsm branch: FHSM off, fhsm_sec no longer shown, the fd silent.
remount "mod:$d/b=rw"
out=$(aufs-test fhsm mnt "open-nb,read,write=mnt/f=64,poll=100,read")
assert_eq "$out" "open ok
read EAGAIN
write ok
poll none
read EAGAIN" "FHSM off"
true
