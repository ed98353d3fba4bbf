# aufs's branch attributes coo_reg, coo_all, moo, icexsec, icexsys, icextr,
# icexusr, icexoth, icex and unpin: accepted at mount and by every remount
# edit (add, append, prepend, mod), shown in sysfs brN as aufs prints them
# (its order, `icex` for all five, the last of coo_reg/coo_all/moo);
# misplaced or unknown ones refused with EINVAL and one aufs: line, changing
# nothing; unpin accepted with aufs's warning and never shown.
d=$PWD
mkdir rw rw2 lo lo2 lo3 lo4 && echo x >lo/f
br() { cat "$(si_dir)/br$1"; }
aufs_mount "br=$d/rw=rw+nolwh+icexusr+coo_all:$d/rw2=rw+moo:$d/lo=ro+wh+icexsec:$d/lo2=rr+icexoth+icexusr+icextr+icexsys+icexsec"
assert_eq "$(br 0)" "$d/rw=rw+coo_all+icexusr+nolwh" "br0 at mount"
assert_eq "$(br 1)" "$d/rw2=rw+moo" "br1 at mount"
assert_eq "$(br 2)" "$d/lo=ro+icexsec+wh" "br2 at mount"
assert_eq "$(br 3)" "$d/lo2=rr+icex" "br3 at mount"
remount "append:$d/lo3=ro+coo_reg+moo+coo_all"
assert_eq "$(br 4)" "$d/lo3=ro+coo_all" "append: the last of coo_reg/coo_all/moo"
remount "add:1:$d/lo4=ro+icextr+wh+coo_reg"
assert_eq "$(br 1)" "$d/lo4=ro+coo_reg+icextr+wh" "add:1"
remount "del:$d/lo4"
remount "del:$d/rw"
remount "prepend:$d/rw=rw+moo+nolwh+icexsys"
assert_eq "$(br 0)" "$d/rw=rw+icexsys+moo+nolwh" "prepend"
remount "mod:$d/lo=ro+coo_reg"
assert_eq "$(br 2)" "$d/lo=ro+coo_reg" "mod: the new attributes replace the old"
remount "mod:$d/rw2=rw+icex+coo_reg"
assert_eq "$(br 1)" "$d/rw2=rw+coo_reg+icex" "mod of a rw branch"
remount "mod:$d/rw2=ro+icexoth"
assert_eq "$(br 1)" "$d/rw2=ro+icexoth" "mod to ro"
assert_eq "$(cat mnt/f)" x "the union reads on"
before=$(cat "$(si_dir)"/br*)
# Misplaced (moo and nolwh only on rw, wh not on rw) or unknown attributes,
# at every edit: EINVAL, one aufs: line naming the permission, nothing changed.
for edit in "append:$d/lo4=ro+moo" "add:1:$d/lo4=rr+wh+moo" "prepend:$d/lo4=ro+coo_reg+moo" \
	"mod:$d/lo=ro+moo" "mod:$d/rw=rw+wh" "append:$d/lo4=ro+nolwh" "append:$d/lo4=ro+fhsm_x" \
	"append:$d/lo4=ro+icexfoo" "append:$d/lo4=ro+" "append:$d/lo4=ro+COO_REG"; do
	dmesg_clear
	expect_errno EINVAL remount mnt "$edit"
	perm=${edit##*=}
	dmesg_expect "unknown branch permission \"$perm\""
	assert_eq "$(dmesg | grep -c 'aufs: ')" 1 "aufs: lines for $edit"
	assert_eq "$(cat "$(si_dir)"/br*)" "$before" "branches after the refused $edit"
done
umount mnt
for perm in ro+moo rr+moo ro+coo_all+moo rw+wh rw+icex+bogus; do
	dmesg_clear
	expect_errno EINVAL mount aufs none mnt "br=$d/rw=rw:$d/lo=$perm"
	dmesg_expect "unknown branch permission \"$perm\""
	grep -q " $d/mnt aufs " /proc/mounts && fail "mounted with $perm"
done
# ro+moo+coo_reg is ro+coo_reg (checked after the last of them counts).
aufs_mount "br=$d/rw=rw:$d/lo=ro+moo+coo_reg"
assert_eq "$(br 1)" "$d/lo=ro+coo_reg" "ro+moo+coo_reg"
umount mnt
# unpin: meaningless since Linux 3.18 (aufs warns and drops it); aufs_rs
# never keeps a branch root from being renamed, with or without it.
dmesg_clear
aufs_mount "br=$d/rw=rw+unpin:$d/lo=ro+unpin+icexusr"
dmesg_expect "ignored branch attribute unpin"
assert_eq "$(br 0)" "$d/rw=rw" "unpin not shown"
assert_eq "$(br 1)" "$d/lo=ro+icexusr" "unpin not shown beside icexusr"
dmesg_clear
remount "append:$d/lo2=ro+unpin"
dmesg_expect "ignored branch attribute unpin"
assert_eq "$(br 2)" "$d/lo2=ro" "unpin at append"
dmesg_clear
remount "mod:$d/lo2=rr+unpin+wh"
dmesg_expect "ignored branch attribute unpin"
assert_eq "$(br 2)" "$d/lo2=rr+wh" "unpin at mod"
mv lo lo.moved || fail "rename of a branch root"
assert_eq "$(cat mnt/f)" x "the union reads the renamed branch"
mv lo.moved lo
umount mnt
