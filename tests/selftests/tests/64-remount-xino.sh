# xino across branch edits: inode numbers (st_ino and readdir's d_ino) of files
# on kept branches do not change when other branches are appended, prepended
# or deleted (branch indices shift), also after drop_caches; files of a new
# branch (on another filesystem) get numbers that clash with none of them; a
# copy-up after the edits keeps the number (from a branch on the rw branch's
# filesystem, then from an appended branch on another filesystem).
mkdir t b x y
for d in t b x y; do mount -t tmpfs tmpfs $d; done
mkdir t/a t/c
A=t/a
echo fa > $A/fa && echo fb > b/fb && echo fb2 > b/fb2 && mkdir $A/d b/d b/db
echo in > b/d/in && echo xf > x/xf && echo yf > y/yf && echo xx > x/d_x && echo fc > t/c/fc
aufs_mount "br=$PWD/$A=rw:$PWD/b=ro:$PWD/t/c=ro"
S=$(ls -d /sys/fs/aufs/si_*)
P=$PWD
xi=$(cat "$S/xi_path")
names="fa fb fb2 d db d/in fc"
nums() { for n in $names; do printf '%s ' "$(stat -c %i "mnt/$n")"; done; }
dino() { ls -i mnt | awk '$2 == "fa" || $2 == "fb" || $2 == "d" {printf "%s ", $1}'; }
want=$(nums)
want_d=$(dino)
assert_eq "$(stat -c %i mnt)" 2 "root"
check() { # WHAT
	assert_eq "$(nums)" "$want" "inode numbers after $1"
	assert_eq "$(dino)" "$want_d" "d_ino after $1"
	for n in 1 2 3; do echo 3 > /proc/sys/vm/drop_caches; done
	assert_eq "$(nums)" "$want" "inode numbers after $1 and drop_caches"
	assert_eq "$(stat -c %i mnt)" 2 "root after $1"
	assert_eq "$(cat "$S/xi_path")" "$xi" "xi_path after $1"
}

remount "append:$P/x"
check append
xf=$(stat -c %i mnt/xf)
[ "$xf" -ge 11 ] || fail "number of a file of the appended branch: $xf"
case " $want " in *" $xf "*) fail "xf got a number in use: $xf (others: $want)" ;; esac

remount "prepend:$P/y=ro"
check prepend
yf=$(stat -c %i mnt/yf)
case " $want $xf " in *" $yf "*) fail "yf got a number in use: $yf" ;; esac
assert_eq "$(stat -c %i mnt/xf)" "$xf" "xf after prepend"

remount "del:$P/y"
check "del of the top branch"
assert_eq "$(stat -c %i mnt/xf)" "$xf" "xf after del of y"

remount "add:1:$P/y"
check "add:1"
remount "del:$P/b"
# Only fa, d (now from a alone) and fc are left of the names: same numbers.
fa=$(echo "$want" | cut -d' ' -f1) d=$(echo "$want" | cut -d' ' -f4) fc=$(echo "$want" | cut -d' ' -f7)
names="fa d fc" want="$fa $d $fc " want_d="$d $fa "
dino() { ls -i mnt | awk '$2 == "fa" || $2 == "d" {printf "%s ", $1}'; }
check "del of b"
[ -e mnt/fb ] && fail "file of the deleted branch b"
assert_eq "$(stat -c %i mnt/xf)" "$xf" "xf after del of b"

# A copy-up after the edits keeps the number (same filesystem).
echo more >> mnt/fc || fail "write to fc"
[ -f $A/fc ] || fail "fc not copied up to a"
check "copy-up of fc"
remount "del:$P/t/c"
check "del of c (fc now only on a)"

# The same from an appended branch on another filesystem than the rw one.
echo more >> mnt/xf || fail "write to xf (copy-up from another filesystem)"
[ -f $A/xf ] || fail "xf not copied up to a"
assert_eq "$(stat -c %i mnt/xf)" "$xf" "xf after copy-up"
remount "del:$P/x,del:$P/y"
assert_eq "$(stat -c %i mnt/xf)" "$xf" "xf (now only on a) after del of x"
umount mnt
for d in t b x y; do umount $d; done
