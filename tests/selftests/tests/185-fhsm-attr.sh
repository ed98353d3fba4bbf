# The `fhsm` branch attribute (aufs's FHSM): accepted on writable branches
# (`rw+fhsm`, with `nolwh` too) at mount and at remount (add:, append:,
# prepend:, mod:), shown in the sysfs brN lines and, with the module
# parameter brs=0, in /proc/mounts' br: list, in aufs's order
# (`rw+fhsm+nolwh`). Refused on ro/rr branches (aufs keeps it there, where
# it can mean nothing) with EINVAL and one 'aufs:' line, changing nothing.
# fhsm_sec=SEC (default 30; 0 allowed, a negative value refused) is shown
# in /proc/mounts when not the default while the union has two or more
# fhsm branches (FHSM on), as aufs's au_fhsm_show; remount changes it.
trap 'umount mnt 2>/dev/null; rmmod aufs_rs 2>/dev/null; insmod /lib/modules/aufs_rs.ko' EXIT
d=$PWD
mkdir a b c lo && echo x >lo/x
opts() { awk -v m="$d/mnt" '$2 == m { print $4 }' /proc/mounts; }
aufs_mount "br=$d/a=rw+fhsm:$d/b=rw+nolwh+fhsm:$d/lo=ro"
S=$(si_dir)
assert_eq "$(cat "$S/br0")" "$d/a=rw+fhsm" "br0"
assert_eq "$(cat "$S/br1")" "$d/b=rw+fhsm+nolwh" "br1 in aufs's order"
assert_eq "$(cat "$S/br2")" "$d/lo=ro" "br2"
case $(opts) in *fhsm_sec*) fail "default fhsm_sec shown: $(opts)" ;; esac
remount "fhsm_sec=5"
case $(opts) in *,fhsm_sec=5*) ;; *) fail "fhsm_sec=5 not shown: $(opts)" ;; esac
remount "fhsm_sec=0"
case $(opts) in *,fhsm_sec=0*) ;; *) fail "fhsm_sec=0 not shown: $(opts)" ;; esac
# One fhsm branch left: FHSM off, fhsm_sec no longer shown (aufs).
remount "mod:$d/b=rw"
assert_eq "$(cat "$S/br1")" "$d/b=rw" "br1 after mod:"
case $(opts) in *fhsm_sec*) fail "fhsm_sec shown with one fhsm branch: $(opts)" ;; esac
remount "mod:$d/b=rw+fhsm,append:$d/c=rw+fhsm,mod:$d/lo=rr"
assert_eq "$(cat "$S/br1") $(cat "$S/br2") $(cat "$S/br3")" \
	"$d/b=rw+fhsm $d/lo=rr $d/c=rw+fhsm" "after mod:, append:"
case $(opts) in *,fhsm_sec=0*) ;; *) fail "fhsm_sec=0 kept: $(opts)" ;; esac
remount "fhsm_sec=30"
# With brattr's attributes, in aufs's order: coo_*, fhsm, icex*, wh, moo, nolwh.
remount "mod:$d/c=rw+icexsec+nolwh+fhsm+coo_all"
assert_eq "$(cat "$S/br3")" "$d/c=rw+coo_all+fhsm+icexsec+nolwh" "br3 with other attributes"
case $(opts) in *fhsm_sec*) fail "fhsm_sec=30 (the default) shown: $(opts)" ;; esac
remount "del:$d/lo,prepend:$d/lo=ro,del:$d/a,add:1:$d/a=rw+fhsm"
assert_eq "$(cat "$S/br0") $(cat "$S/br1")" "$d/lo=ro $d/a=rw+fhsm" "prepend:, add:"
# Refused: fhsm on read-only branches, a negative fhsm_sec; nothing changes.
before=$(cat "$S"/br*; opts)
for bad in "mod:$d/c=ro+fhsm" "add:1:$d/lo=rr+fhsm" "fhsm_sec=-1" "fhsm_sec=x"; do
	dmesg_clear
	expect_errno EINVAL remount mnt "$bad"
	case $bad in
	fhsm_sec*) dmesg_expect 'bad value for option "fhsm_sec"' ;;
	*) dmesg_expect 'unknown branch permission' ;;
	esac
	assert_eq "$(cat "$S"/br*; opts)" "$before" "after the refused $bad"
done
echo y >mnt/y && assert_eq "$(cat a/y)" y "writes go to the topmost rw branch"
umount mnt || fail "umount"
# brs=0: the attribute in /proc/mounts' branch list.
rmmod aufs_rs || fail "rmmod"
insmod /lib/modules/aufs_rs.ko brs=0 || fail "insmod brs=0"
aufs_mount "br=$d/a=rw+fhsm:$d/b=rw+fhsm,fhsm_sec=7"
case $(opts) in
*",fhsm_sec=7,br:$d/a=rw+fhsm:$d/b=rw+fhsm") ;;
*) fail "brs=0 options: $(opts)" ;;
esac
true
