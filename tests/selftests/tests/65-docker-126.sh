# The Docker aufs driver pattern: layers under aufs/diff/<64 hex id>, mounted
# as br:RW=rw:L1=ro+wh:... with as many layers as fit in one page of mount
# options (Docker keeps 54 bytes for dio/xino), then one
# remount,append:Lk=ro+wh per further layer, to 126 layers (127 branches).
# Layer k (1 = top ro layer, 126 = bottom) holds f$k and d/g$k. Rule: every
# 10th layer (k = 10, 20, ..., 120) whites out its parent's files (the parent
# of layer k is the layer below it, k+1): .wh.f$((k+1)) and d/.wh.g$((k+1)).
# The top readdir must show exactly the remaining 114 names (also in d).
n=126
mkdir -p aufs/diff aufs/mnt
P=$PWD
# Layer ids: 64 hex digits, as Docker's, made by one awk (id_0 .. id_126);
# layer K's dir is then set with `eval` (no process per layer: a process
# costs 10-20 ms in the guest).
awk 'BEGIN { x = 1; for (k = 0; k <= 126; k++) { s = ""
	for (i = 0; i < 8; i++) { x = (x * 69069 + 1) % 4294967296; s = s sprintf("%08x", x) }
	print "id_" k "=" s } }' > ids
. ./ids
layer() { eval "l=\$P/aufs/diff/\$id_$1"; }
rw=$P/aufs/diff/$id_0
mkdir -p "$rw"
expect=""
k=1
while [ $k -le $n ]; do
	layer $k
	mkdir -p "$l/d"
	echo "f$k" > "$l/f$k" && echo "g$k" > "$l/d/g$k"
	if [ $((k % 10)) -eq 0 ]; then
		: > "$l/.wh.f$((k + 1))" && : > "$l/d/.wh.g$((k + 1))"
	fi
	if [ $k -eq 1 ] || [ $(((k - 1) % 10)) -ne 0 ]; then expect="$expect $k"; fi
	k=$((k + 1))
done
expect_f=$(for k in $expect; do echo "f$k"; done | sort | tr '\n' ' ')
expect_g=$(for k in $expect; do echo "g$k"; done | sort | tr '\n' ' ')
assert_eq "$(echo $expect | wc -w)" 114 "expected names"

# Options up to the page limit (4096 - 54 bytes), as Docker builds them.
opts="br:$rw=rw"
k=1
while [ $k -le $n ]; do
	layer $k
	[ $((${#opts} + ${#l} + 7)) -le $((4096 - 54)) ] || break
	opts="$opts:$l=ro+wh"
	k=$((k + 1))
done
first=$((k - 1))
echo "mounted $first layers with br: (${#opts} bytes), appending $((n - first))"
[ $first -ge 20 ] && [ $first -lt $n ] || fail "unexpected number of layers in one page: $first"
mount -t aufs -o "$opts" none aufs/mnt || fail "mount with $first layers"
S=$(si_dir aufs/mnt)
assert_eq "$(ls "$S" | grep -c '^br[0-9]')" $((first + 1)) "branches after mount"
while [ $k -le $n ]; do
	layer $k
	mount -o "remount,append:$l=ro+wh" aufs/mnt || fail "append of layer $k"
	k=$((k + 1))
done
assert_eq "$(ls "$S" | grep -c '^br[0-9]')" 127 "branches after the appends"
assert_eq "$(cat "$S/br0")" "$rw=rw" "br0"
k=1
while [ $k -le $n ]; do
	layer $k
	read -r b < "$S/br$k"
	assert_eq "$b" "$l=ro+wh" "br$k"
	k=$((k + 1))
done

m=aufs/mnt
assert_eq "$(ls $m | tr '\n' ' ')" "d $expect_f" "top readdir"
assert_eq "$(ls $m/d | tr '\n' ' ')" "$expect_g" "readdir of the merged d"
for k in 1 2 9 10 12 $first $((first + 1)) 119 120 122 125 126; do
	case " $expect " in
	*" $k "*) assert_eq "$(cat $m/f$k) $(cat $m/d/g$k)" "f$k g$k" "files of layer $k" ;;
	*) [ -e $m/f$k ] || [ -e $m/d/g$k ] && fail "whited-out f$k or g$k visible" ;;
	esac
done
[ -e $m/f127 ] && fail "f127 exists"
# Writes go to the rw layer; the bottom layer is untouched.
echo more >> $m/f126 || fail "write to the bottom layer's file"
assert_eq "$(cat "$rw/f126" | tr '\n' ' ')" "f126 more " "copy-up from the bottom layer"
rm $m/d/g125 || fail "rm"
[ -e "$rw/d/.wh.g125" ] || fail "whiteout on rw"
assert_eq "$(ls $m/d | wc -l)" 113 "readdir of d after rm"
layer 126
assert_eq "$(cat "$l/f126")" f126 "bottom layer untouched"
# Docker removes the container's mount at the end.
umount $m || fail "umount"
