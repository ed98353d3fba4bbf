# Remount branch edits: append, prepend, add:/ins:INDEX, del, mod, their '='
# spellings, br: (adds the branches not there yet), several per remount applied left to right, default permissions
# (rw only when landing at index 0 of a rw mount). Every change is visible at
# once (ls, stat, where new files land, whiteouts after mod +wh), and sysfs
# follows: br<N>/brid<N> in the new order, kept branches keep their id, a new
# branch gets an id never seen before, files of vanished indices go away,
# xi_path stays.
mkdir rw l1 l2 x y z w p1 p2 q
echo top > rw/top && echo one > l1/one && echo two > l2/two
echo xf > x/xf && echo yf > y/yf && echo zf > z/zf && echo wf > w/wf
: > l2/.wh.xf
aufs_mount "br=$PWD/rw=rw:$PWD/l1=ro:$PWD/l2=ro"
S=$(ls -d /sys/fs/aufs/si_*)
pid=""
trap '[ -z "$pid" ] || kill $pid 2>/dev/null' EXIT # a failing test leaves no process behind
xi=$(cat "$S/xi_path")
P=$PWD

# brs: "PATH=PERM ..." (paths shown relative to the scratch dir) in index order;
# also checks that the sysfs dir holds exactly br0..brN-1, brid0..bridN-1,
# xi_path, that the ids are unique and xi_path did not change.
brs() {
	n=0 out="" want=""
	while [ -e "$S/br$n" ]; do
		out="$out $(sed "s|^$P/||" "$S/br$n")"
		want="$want br$n brid$n"
		n=$((n + 1))
	done
	assert_eq "$(ls "$S" | sort | tr '\n' ' ')" "$(echo $want xi_path | tr ' ' '\n' | sort | tr '\n' ' ')" "files of $S"
	[ -z "$(cat "$S"/brid* | sort | uniq -d)" ] || fail "duplicate branch ids: $(cat "$S"/brid* | tr '\n' ' ')"
	assert_eq "$(cat "$S/xi_path")" "$xi" "xi_path"
	echo "${out# }"
}
id_of() { # PATH (relative): the branch id
	n=0
	while [ -e "$S/br$n" ]; do
		case $(cat "$S/br$n") in "$P/$1="*) cat "$S/brid$n"; return ;; esac
		n=$((n + 1))
	done
	fail "no branch $1 in sysfs"
}
seen=""
fresh() { # PATH: its id must be new (never seen in this mount before)
	id=$(id_of "$1")
	case " $seen " in *" $id "*) fail "branch $1 reuses id $id (seen:$seen)" ;; esac
	seen="$seen $id"
}
listing() { ls mnt | tr '\n' ' '; }

assert_eq "$(brs)" "rw=rw l1=ro l2=ro" "initial"
for b in rw l1 l2; do fresh $b; done
rw_id=$(id_of rw) l1_id=$(id_of l1) l2_id=$(id_of l2)
assert_eq "$(listing)" "one top two " "initial listing"

# append: ro by default, at the bottom; its files appear at once, also when
# the name was looked up (negative) before. l2 is ro (no +wh) so its .wh.xf
# does not hide x's xf.
[ -e mnt/xf ] && fail "xf before append"
remount "append:$P/x"
assert_eq "$(brs)" "rw=rw l1=ro l2=ro x=ro" "after append"
fresh x
assert_eq "$(listing)" "one top two xf " "listing after append"
assert_eq "$(cat mnt/xf)" xf "file on the appended branch"
stat mnt/xf > /dev/null || fail "stat of the appended file"

# mod l2 to ro+wh: its whiteout now hides x's file; back to ro: visible again.
remount "mod:$P/l2=ro+wh"
assert_eq "$(brs)" "rw=rw l1=ro l2=ro+wh x=ro" "after mod +wh"
assert_eq "$(id_of l2)" "$l2_id" "mod keeps the id"
[ -e mnt/xf ] && fail "whiteout on a +wh branch not honoured after mod"
assert_eq "$(listing)" "one top two " "listing after mod +wh"
remount "mod=$P/l2=ro"
assert_eq "$(brs)" "rw=rw l1=ro l2=ro x=ro" "after mod= back to ro"
assert_eq "$(cat mnt/xf)" xf "visible again after mod back to ro"

# prepend: index 0 of a rw mount defaults to rw; new files now land there.
remount "prepend:$P/y"
assert_eq "$(brs)" "y=rw rw=rw l1=ro l2=ro x=ro" "after prepend"
fresh y
assert_eq "$(id_of rw) $(id_of l1) $(id_of l2)" "$rw_id $l1_id $l2_id" "kept ids after prepend"
echo new > mnt/new || fail "create after prepend"
[ -f y/new ] || fail "new file not on the prepended top branch"
[ -e rw/new ] && fail "new file on the old top branch"
assert_eq "$(listing)" "new one top two xf yf " "listing after prepend"

# del: the branch's files vanish (ls, stat, cat); the index files go.
remount "del:$P/y"
assert_eq "$(brs)" "rw=rw l1=ro l2=ro x=ro" "after del"
[ -e "$S/br4" ] && fail "br4 left after del"
[ -e mnt/yf ] && fail "file of the deleted branch still visible"
stat mnt/new > /dev/null 2>&1 && fail "stat of a file of the deleted branch"
cat mnt/yf > /dev/null 2>&1 && fail "cat of a file of the deleted branch"
assert_eq "$(listing)" "one top two xf " "listing after del"
echo new2 > mnt/new2 && [ -f rw/new2 ] || fail "new file not on rw after del of the top"

# add:/ins:INDEX: the new branch gets that index; not index 0 -> ro.
remount "add:1:$P/z"
assert_eq "$(brs)" "rw=rw z=ro l1=ro l2=ro x=ro" "after add:1"
fresh z
remount "ins:3:$P/y=rr"
assert_eq "$(brs)" "rw=rw z=ro l1=ro y=rr l2=ro x=ro" "after ins:3 (y back, rr)"
fresh y
assert_eq "$(listing)" "new new2 one top two xf yf zf " "listing after add/ins (y still holds new)"
remount "del=$P/y"
remount "add=5:$P/w"
assert_eq "$(brs)" "rw=rw z=ro l1=ro l2=ro x=ro w=ro" "after del=, add=5 (the end)"
fresh w
remount "ins=0:$P/p1=ro"
assert_eq "$(brs)" "p1=ro rw=rw z=ro l1=ro l2=ro x=ro w=ro" "ins=0 with explicit ro"
fresh p1
remount "del:$P/p1,del:$P/w"
remount "append=$P/w=ro+wh"
assert_eq "$(brs)" "rw=rw z=ro l1=ro l2=ro x=ro w=ro+wh" "append= with a permission"
fresh w

# Several edits in one remount, left to right: p1 is prepended (rw, index 0),
# then p2 is prepended above it (rw); z is deleted and appended again (a new
# id at the bottom); l1 becomes rr; q is appended then deleted (no trace).
remount "prepend:$P/p1,prepend=$P/p2,del:$P/z,append:$P/z,mod:$P/l1=rr,append:$P/q,del:$P/q"
assert_eq "$(brs)" "p2=rw p1=rw rw=rw l1=rr l2=ro x=ro w=ro+wh z=ro" "several edits left to right"
fresh p1
fresh p2
fresh z
assert_eq "$(id_of rw) $(id_of l1) $(id_of l2)" "$rw_id $l1_id $l2_id" "kept ids after several edits"
echo in-p2 > mnt/p2file && [ -f p2/p2file ] || fail "new file not on the new top p2"
assert_eq "$(listing)" "new2 one p2file top two wf xf zf " "listing after several edits"
remount "del:$P/p2,del:$P/p1"
assert_eq "$(brs)" "rw=rw l1=rr l2=ro x=ro w=ro+wh z=ro" "after deleting p1, p2"

# On a ro mount a prepended branch defaults to ro.
remount "ro,prepend:$P/q"
assert_eq "$(brs)" "q=ro rw=rw l1=rr l2=ro x=ro w=ro+wh z=ro" "prepend on a ro mount"
grep -q " $P/mnt aufs ro," /proc/mounts || fail "not ro after remount,ro,prepend"
remount "rw,del:$P/q"
remount "add:0:$P/q"
assert_eq "$(sed -n "s|^$P/||p" "$S/br0")" "q=rw" "add:0 on a rw mount defaults to rw"
remount "del:$P/q"
grep -q " $P/mnt aufs rw," /proc/mounts || fail "not rw after remount,rw,del"
assert_eq "$(brs)" "rw=rw l1=rr l2=ro x=ro w=ro+wh z=ro" "final"

# br: at remount (as aufs): each listed branch that is not one yet is added
# at its index; the others stay as they are (also their permission). So the
# list as /proc/mounts shows it with brs=0, passed back, changes nothing.
remount "br:$P/rw=rw:$P/l1=rr:$P/l2=ro:$P/x=ro:$P/w=ro+wh:$P/z=ro"
assert_eq "$(brs)" "rw=rw l1=rr l2=ro x=ro w=ro+wh z=ro" "br: of the same list"
remount "br=$P/rw:$P/q=ro:$P/l1=ro"
assert_eq "$(brs)" "rw=rw q=ro l1=rr l2=ro x=ro w=ro+wh z=ro" "br= adding q at index 1"
fresh q
assert_eq "$(aufs-test remount mnt "br:$P/rw:$P/l1:$P/missing")" ENOENT "br: with a missing dir"
assert_eq "$(brs)" "rw=rw q=ro l1=rr l2=ro x=ro w=ro+wh z=ro" "after the failed br:"
remount "del:$P/q"
assert_eq "$(cat mnt/top mnt/one mnt/two mnt/xf mnt/zf mnt/new2 | tr '\n' ' ')" \
	"top one two xf zf new2 " "final contents"
assert_eq "$(ls -A rw | grep -v '^\.wh\.\.wh\.' | tr '\n' ' ')" "new2 top " "rw branch content"

# A file open before a prepend that shadows its name keeps reading what it
# opened; a new open sees the new top file. After del of the new top the
# name is the old file again.
mkdir shadow && echo shadowing > shadow/one
exec 3< mnt/one
remount "prepend:$P/shadow=ro"
assert_eq "$(cat mnt/one)" shadowing "new open after the prepend"
assert_eq "$(cat <&3)" one "fd opened before the prepend"
exec 3<&-
remount "del:$P/shadow"
assert_eq "$(cat mnt/one)" one "after del of the shadowing branch"

# Processes with their cwd in the union see edits made after they went
# there: at the root (prepend, del) and in a dir that an appended branch
# merges into (append: the dir's top object stays the same).
mkdir -p ctop cx/sub l1/sub && echo ctop > ctop/ctopf && echo cx > cx/sub/cxf && echo l1s > l1/sub/l1s
in_dir() { # DIR: runs in DIR once ./go exists, lists it and reads its files
	(cd "mnt/$1" && while [ ! -e "$P/go" ]; do sleep 0.05; done
	 ls > "$P/out.ls"; cat * > "$P/out.cat" 2> "$P/out.err") &
	pid=$!
}
rm -f go
in_dir .
remount "prepend:$P/ctop=ro"
: > go && wait $pid
grep -qx ctopf out.ls || fail "cwd at the root: prepended file not listed"
grep -qx ctop out.cat || fail "cwd at the root: prepended file not read ($(cat out.err))"
remount "del:$P/ctop"
rm go
in_dir sub
remount "append:$P/cx"
: > go && wait $pid
assert_eq "$(cat out.ls | tr '\n' ' ')" "cxf l1s " "cwd in a dir merged by an appended branch: listing"
assert_eq "$(cat out.cat | tr '\n' ' ')" "cx l1s " "cwd in a dir merged by an appended branch: contents ($(cat out.err))"
remount "del:$P/cx"
