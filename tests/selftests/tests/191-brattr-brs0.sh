# With the module parameter brs=0 the branch attributes show in
# /proc/mounts' `br:` list as aufs prints them, at mount and after remount
# edits (unpin dropped there too).
trap 'umount mnt 2>/dev/null; rmmod aufs_rs 2>/dev/null; insmod /lib/modules/aufs_rs.ko' EXIT
rmmod aufs_rs || fail "rmmod"
insmod /lib/modules/aufs_rs.ko brs=0 || fail "insmod brs=0"
d=$PWD
mkdir rw lo lo2
brs() { awk -v m="$d/mnt" '$2 == m { n = split($4, o, ","); print o[n] }' /proc/mounts; }
aufs_mount "br=$d/rw=rw+icexsys+nolwh+moo:$d/lo=ro+wh+coo_reg+unpin+icex"
assert_eq "$(brs)" "br:$d/rw=rw+icexsys+moo+nolwh:$d/lo=ro+coo_reg+icex+wh" "/proc/mounts at mount"
remount "append:$d/lo2=rr+coo_all+icextr"
remount "mod:$d/lo=ro+icexusr"
assert_eq "$(brs)" "br:$d/rw=rw+icexsys+moo+nolwh:$d/lo=ro+icexusr:$d/lo2=rr+coo_all+icextr" "/proc/mounts after remount"
# What /proc/mounts shows mounts the same union again.
mkdir m2
mount -t aufs -o "$(brs)" none m2 || fail "mount with the shown br: list"
assert_eq "$(awk -v m="$d/m2" '$2 == m { n = split($4, o, ","); print o[n] }' /proc/mounts)" "$(brs)" "the same list"
umount m2
umount mnt
