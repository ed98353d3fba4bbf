# aufs's module parameter brs (1 by default). Loaded with brs=0, a mount's
# sysfs dir holds only xi_path (no brN, bridN) and /proc/mounts ends its
# options with the branches, `br:PATH=PERM:...` top first, paths
# octal-escaped as /proc/mounts escapes them; remount edits show there at
# once, and the aufs tools find the branches there. `brs` as a mount option
# is refused (aufs has none). Loaded again without it, sysfs lists them.
trap 'exec 3<&-; umount mnt 2>/dev/null; rmmod aufs_rs 2>/dev/null; insmod /lib/modules/aufs_rs.ko' EXIT
reload() { # [PARAM]
	rmmod aufs_rs || fail "rmmod"
	insmod /lib/modules/aufs_rs.ko "$@" || fail "insmod $*"
}
# opts_of MNT: its super options from /proc/self/mountinfo (escapes kept).
opts_of() {
	awk -v m="$(cd "$1" && pwd)" '$5 == m { sub(/.* - aufs [^ ]* /, ""); print }' /proc/self/mountinfo
}
mkdir rw "lo 1" lo2 && echo lower >"lo 1/f" && echo z >lo2/z
d=$PWD
reload brs=0
aufs_mount "br=$d/rw=rw:$d/lo 1=ro+wh,udba=none"
assert_eq "$(cat mnt/f)" lower "read through the union"
assert_eq "$(ls "$(si_dir)")" xi_path "sysfs dir with brs=0"
want="rw,si=$(si_dir | sed 's/.*si_//'),udba=none,br:$d/rw=rw:$d/lo\\0401=ro+wh"
assert_eq "$(opts_of mnt)" "$want" "mount options with brs=0"
grep -q " $d/mnt aufs .*,br:$d/rw=rw:$d/lo\\\\0401=ro+wh " /proc/mounts || fail "/proc/mounts: $(grep " $d/mnt " /proc/mounts)"
remount "append:$d/lo2=ro"
case $(opts_of mnt) in
*",br:$d/rw=rw:$d/lo\\0401=ro+wh:$d/lo2=ro") ;;
*) fail "after append: $(opts_of mnt)" ;;
esac
remount "del:$d/rw"
case $(opts_of mnt) in
*",br:$d/lo\\0401=ro+wh:$d/lo2=ro") ;;
*) fail "after del: $(opts_of mnt)" ;;
esac
remount "prepend:$d/rw=rw"
# The tools read the branches from the options: aubusy finds branch 2 by
# its path and names the open file on it.
exec 3<mnt/z
out=$(aubusy mnt "$d/lo2" 2>&1) || fail "aubusy with brs=0 found no user of lo2: $out"
echo "$out" | grep -q "^2 $d/lo2 [0-9]* .* fd3 $d/mnt/z\$" || fail "aubusy: '$out'"
exec 3<&-
umount mnt || fail "umount"
dmesg_clear
expect_errno EINVAL mount aufs none mnt "br=$d/rw,brs"
dmesg_expect 'option "brs" is not supported: brs is a module parameter'
reload
aufs_mount "br=$d/rw=rw:$d/lo 1=ro+wh"
assert_eq "$(cat "$(si_dir)/br1")" "$d/lo 1=ro+wh" "br1 with brs=1"
case $(opts_of mnt) in *br:*) fail "br: in the options with brs=1: $(opts_of mnt)" ;; esac
true
