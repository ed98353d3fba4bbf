# mount.aufs (tools/mount-aufs): relative branch paths become absolute; a
# branch list far past one page (300 branches with long paths, about 34 KB
# of options) mounts, the first branches by mount(2), the others appended
# in order by remounts (mount(2) alone reads one page of it); a step that
# fails leaves nothing mounted; a remount through it expands paths too.
PATH=/tests/sbin:$PATH # mount.aufs, umount.aufs
mount.aufs --help | grep -q "Usage: mount.aufs" || fail "mount.aufs --help"
mkdir image1 image2 image3 c && echo two > image2/f && echo three > image3/g
mount.aufs none c -o br=./image1:./image2=ro+wh,noexec || fail "relative mount"
S=$(ls -d /sys/fs/aufs/si_*)
assert_eq "$(cat "$S/br0") $(cat "$S/br1")" "$PWD/image1=rw $PWD/image2=ro+wh" "branches"
grep " $PWD/c aufs " /proc/mounts | grep -q noexec || fail "noexec not applied"
mount.aufs none c -o remount,append:image3=ro || fail "relative remount"
assert_eq "$(cat "$S/br2")" "$PWD/image3=ro" "appended branch"
assert_eq "$(cat c/f c/g | tr '\n' ' ')" "two three " "files of both lower branches"
umount c
# 300 long branch paths.
long=$(printf 'x%.0s' $(seq 100))
# One mkdir and shell builtins: a fork costs tens of ms on the debug kernel.
dirs="" && i=0
while [ $i -lt 300 ]; do dirs="$dirs layers/$i-$long"; i=$((i + 1)); done
mkdir layers && mkdir $dirs
echo bottom > "layers/299-$long/bottom" && echo top > "layers/0-$long/top"
list="$PWD/rw=rw" && mkdir rw && i=0
while [ $i -lt 300 ]; do list="$list:layers/$i-$long=ro"; i=$((i + 1)); done
[ ${#list} -gt 30000 ] || fail "the list is only ${#list} bytes"
# One mount(2) reads one page of it: a branch path cut short.
assert_eq "$(aufs-test mount aufs none c "br=$list")" ENOENT "mount(2) of ${#list} bytes of options"
mount.aufs -v none c -o "br=$list" > steps.out || fail "mount.aufs of 300 branches"
[ "$(grep -c remount steps.out)" -gt 5 ] || fail "steps: $(cat steps.out)"
S=$(ls -d /sys/fs/aufs/si_*)
assert_eq "$(cat "$S/br0") $(cat "$S/br1") $(cat "$S/br300")" \
	"$PWD/rw=rw $PWD/layers/0-$long=ro $PWD/layers/299-$long=ro" "first, second and last branch"
[ -e "$S/br301" ] && fail "more than 301 branches"
i=0
while [ $i -lt 300 ]; do
	read -r got < "$S/br$((i + 1))"
	[ "$got" = "$PWD/layers/$i-$long=ro" ] || fail "branch $((i + 1)): $got"
	i=$((i + 1))
done
assert_eq "$(cat c/top c/bottom | tr '\n' ' ')" "top bottom " "files of the top and bottom layers"
umount c
# A missing branch near the end: the mount is taken away again.
mount.aufs none c -o "br=$list:./nosuch=ro" 2>err.out && fail "mount with a missing branch"
grep -q "mount.aufs: remount" err.out || fail "error message: $(cat err.out)"
grep -q " $PWD/c " /proc/mounts && fail "a half-made mount is left"
true
