# The examples of the two seed articles, step by step, with their own names:
# what `make run` shows, and what selftest 13-seed-example checks.
#
# Each step prints "$ COMMAND" and the command's output, as the articles do,
# then checks the result (output, error text, the branches' files). A failed
# check prints a "!! FAILED" line; the exit status is 0 only when every step
# did what the articles say.
#
# Runs in the current directory (article 1 in it, article 2 in ./tmp) and in
# /var/lib/docker/aufs and /dev/shm, as the articles do; so it refuses to run
# anywhere but the test guest. Everything it mounts is unmounted at the end,
# except with DEMO_KEEP=1 (the interactive `make run`), which leaves the Docker
# container mounted to look around in.
[ -e /etc/aufs-mode ] || { echo "demo.sh: runs in the aufs_rs test guest only (scripts/vm.sh run)"; exit 2; }

checks=0 failed=0
start=$PWD
outf=$(mktemp)

title() { printf '\n=== %s\n' "$*"; }
say() { printf '# %s\n' "$*"; }

# step COMMAND: prints "$ COMMAND", runs it in this shell (a cd stays), shows
# its output; $out and $rc keep the output and the exit status for the checks.
step() {
	printf '$ %s\n' "$1"
	eval "$1" >"$outf" 2>&1
	rc=$?
	# The shell's own errors as an interactive shell prints them.
	out=$(sed 's/^.*: eval: line [0-9]*: /sh: /' "$outf")
	[ -z "$out" ] || printf '%s\n' "$out"
}

# check WHAT TEST...: one check; a failed one is reported with WHAT.
check() {
	what=$1
	shift
	checks=$((checks + 1))
	"$@" && return 0
	failed=$((failed + 1))
	printf '!! FAILED: %s\n' "$what"
	return 1
}

# The last step succeeded and printed exactly $1 (printf escapes allowed).
want() {
	check "exit status 0 and output '$1' (got status $rc)" \
		[ "$rc" -eq 0 ] && check "output '$1'" [ "$out" = "$(printf "$1")" ]
}

# The last step failed with an error message containing $1 (strerror of the
# errno the article expects).
want_error() {
	case "$out" in
	*"$1"*) check "non-zero exit status for '$1'" [ "$rc" -ne 0 ] ;;
	*) check "error '$1' (got status $rc)" false ;;
	esac
}

# FILE holds exactly $2 (printf escapes allowed).
want_file() {
	check "$1 holds '$2'" [ "$(cat "$1" 2>&1)" = "$(printf "$2")" ]
}

cleanup() {
	cd "$start" || return
	rm -f "$outf"
	[ "${DEMO_KEEP:-0}" = 1 ] && return
	grep -E " ($start|/var/lib/docker)/" /proc/mounts | awk '{print $2}' | sort -r |
		while read -r m; do umount "$m"; done
	rm -rf /var/lib/docker
}
trap cleanup EXIT

# --- article 1, first half ------------------------------------------------
title "Article 1: Linux文件系统之aufs (segmentfault.com/a/1190000008489207)"
step 'mkdir image1 image2 container'
want ''
step 'echo image1 > image1/001 && echo image1 > image1/002'
want ''
say "the article writes 'echo image2 > image1/003'; its own comments show it means image2/003"
step 'echo image2 > image2/002 && echo image2 > image2/003'
want ''
say "the default mode is copy on write: image1 (the first branch) is writable, image2 is"
say "read-only, so writes go to image1"
step 'mount -t aufs -o br=./image1:./image2 none ./container'
want ''
step 'ls container'
want '001\n002\n003'
say "image2/002 is covered by image1's 002, so cat container/002 shows image1"
step 'cat container/002'
want 'image1'
step 'echo container >> container/001'
want ''
say "image1/001 is changed as well (the article calls it image01/001)"
step 'cat image1/001'
want 'image1\ncontainer'
step 'echo container >> container/003'
want ''
say "image2/003 is not changed: it is copied up to image1/003, which gets the new line"
step 'cat image1/003'
want 'image2\ncontainer'
step 'cat image2/003'
want 'image2'
step 'umount container'
want ''
say "read-only mount. The article writes ./image01=ro:./image02=ro here (and image01 in its"
say "comments) for the image1 and image2 it made: the same dirs, with the names it made"
step 'mount -t aufs -o br=./image1=ro:./image2=ro none ./container'
want ''
step 'echo container >> container/001'
want_error 'Read-only file system'
want_file image1/001 'image1\ncontainer'
step 'umount container'
want ''
say "read-write mount: new files go to the top branch"
step 'mount -t aufs -o br=./image1=rw:./image2=rw none ./container'
want ''
step 'echo container > container/004'
want ''
step 'ls image1 image2'
want 'image1:\n001\n002\n003\n004\n\nimage2:\n002\n003'
step 'umount container'
want ''

# --- article 2 --------------------------------------------------------------
title "Article 2: AUFS (blog.csdn.net/weixin_41402069/article/details/125866279)"
say "does the kernel support aufs? (nodev: it needs no device)"
step 'grep aufs /proc/filesystems'
want 'nodev\taufs'
say "the article works in /home/user/tmp; here in ./tmp"
step 'mkdir tmp && cd tmp'
want ''
step 'mkdir container1 image1 image2 image3 mnt'
want ''
step 'echo image1 > image1/001.txt && echo image1 > image1/002.txt'
want ''
step 'echo image2 > image2/002.txt && echo image2 > image2/003.txt && echo image3 > image3/004.txt'
want ''
say "its later output also has container1/container1.txt (24 bytes) and image1/image1.txt"
step 'echo "Hello, Container layer!" > container1/container1.txt'
want ''
step 'echo "Hello, Image layer1!" > image1/image1.txt'
want ''
say "read-only image layers under the writable container1 (root in the guest: no sudo)"
step 'mount -t aufs -o dirs=./container1:./image1=ro:./image2=ro:./image3=ro none ./mnt'
want ''
step 'umount mnt'
want ''
say "the article's second form, with an explicit xino file"
step 'mount -t aufs -o dirs=./container1:./image1=ro:./image2=ro:./image3=ro,xino=/dev/shm/aufs.xino none ./mnt'
want ''
step 'ls mnt'
want '001.txt\n002.txt\n003.txt\n004.txt\ncontainer1.txt\nimage1.txt'
say "copy on write: change image1.txt through mnt"
step 'echo Hello, Image layer1 changed! > mnt/image1.txt'
want ''
step 'cat image1/image1.txt'
want 'Hello, Image layer1!'
say "the image layer's image1.txt is not changed"
step 'ls -l container1/'
check "ls -l container1/ lists container1.txt (24 bytes) and image1.txt (29 bytes)" \
	[ "$(awk 'NF > 5 {print $5, $NF}' "$outf" | tr '\n' ' ')" = "24 container1.txt 29 image1.txt " ]
say "the container layer now has image1.txt, with the new content"
step 'cat container1/image1.txt'
want 'Hello, Image layer1 changed!'
step 'umount mnt'
want ''
cd "$start" || exit 1

# --- article 1, second half: Docker ------------------------------------------
title "Article 1, Docker: /var/lib/docker/aufs/{diff,layers,mnt}"
# The article's container: its rw layer, its -init layer, and 16 image layers
# from the top down, with the ids of the article's `cat /sys/fs/aufs/si_*/*`.
c=066473c8437089ea4cada0e08bb35d8b88fd74c1cf28ae2efca59a7cfe8904da
images="b26eb59c39b3f1ebc3aa0fc6adb308d14a4fa9ab9ef3aa090fd27325a07d7871
f09a02a4da8c532d83c15aeedbf6f7150df02a9fd0cfb9e40e921152a330a50a
f64dca8b61a787c57f1adad7e704c6850c6048cf0fc594f37e2f1de0ec1a798d
da9166939e9d1b68d06b06f38555d1447418398037803aa8520f93ed84fc8e1d
2ebf81c52c0cf0ecf3b313b374b025a866e92afd0249ab707d006e5cb89aafb8
e1ed703b12472a5673811df8f095a9fe50aee55d5688185d8ccb8318ddb09485
d45f75223e65bfebba54514c7085b7cd898fd84e5ba4fbcc94999a49038fbbc1
7b742585728f06cdff69bc56710d4d163ab154a357f5189a3d50ca87a45cee06
2b625d1f976bdb5f20b89390a6ed1c488706e0ab19a3523412aa2b3b4f630bbe
e1abb3cf52e73eabbb37d4af701bfc346dbd2db3579fc69434422934fc8390ca
6a5f75e6168b2c59ef9b93af1e946e995c934ced02a988f035707b506ff6e29c
3364f29aa94fc98a0298326667d03d9a4b757160ce6e4e0281e9a9c82beb220c
45461f598161b2f757bf1054ad72a6e342063cf44b010570642344827e051089
80c5fa11d914fafaee61de4d49571b523edb322e7764d645d6ad12b8d32a126e
dcc7e63313ef121d2f682ea890fe39a5f04a984ce2060aaf4a3eb5724f00ea1b
898c93b4e89d44fae521d00044262b482257befe1d941a73bf849fcff5f5d5ad"
top=b26eb59c39b3f1ebc3aa0fc6adb308d14a4fa9ab9ef3aa090fd27325a07d7871
rmlists=80c5fa11d914fafaee61de4d49571b523edb322e7764d645d6ad12b8d32a126e
policy=dcc7e63313ef121d2f682ea890fe39a5f04a984ce2060aaf4a3eb5724f00ea1b
base=898c93b4e89d44fae521d00044262b482257befe1d941a73bf849fcff5f5d5ad
release=archive.ubuntu.com_ubuntu_dists_vivid_Release
d=/var/lib/docker/aufs

# make_layer ID PARENT: diff/ID and layers/ID as Docker's aufs driver writes
# them: the parent first, then the parent's own ancestors, one per line.
make_layer() {
	mkdir -p "$d/diff/$1" "$d/mnt/$1"
	: >"$d/layers/$1"
	[ -z "$2" ] || { echo "$2" && cat "$d/layers/$2"; } >"$d/layers/$1"
}
rm -rf /var/lib/docker
mkdir -p $d/diff $d/layers $d/mnt
parent=""
for id in $(echo "$images" | sed -n '1!G;h;$p'); do # bottom up
	make_layer "$id" "$parent"
	parent=$id
done
make_layer "$c-init" "$top"
make_layer "$c" "$c-init"
# ubuntu:15.04's files, its `RUN rm -rf /var/lib/apt/lists/*` (a whiteout)
# and the article's `RUN echo "hello world" > /tmp/newfile`.
mkdir -p $d/diff/$base/etc $d/diff/$base/tmp $d/diff/$base/var/lib/apt/lists $d/diff/$base/usr/sbin
printf 'NAME="Ubuntu"\nVERSION="15.04 (Vivid Vervet)"\n' >$d/diff/$base/etc/os-release
echo "Origin: Ubuntu" >$d/diff/$base/var/lib/apt/lists/$release
mkdir -p $d/diff/$policy/usr/sbin && printf '#!/bin/sh\nexit 101\n' >$d/diff/$policy/usr/sbin/policy-rc.d
mkdir -p $d/diff/$rmlists/var/lib/apt/lists && : >$d/diff/$rmlists/var/lib/apt/lists/.wh.$release
mkdir -p $d/diff/$top/tmp && echo "hello world" >$d/diff/$top/tmp/newfile
# Docker's init layer (initlayer.Setup): mount points and files it binds over.
(cd $d/diff/$c-init && mkdir -p dev/pts dev/shm proc sys etc &&
	: >.dockerenv && : >.dockerinit && : >dev/console &&
	: >etc/hosts && : >etc/hostname && : >etc/resolv.conf && ln -s /proc/mounts etc/mtab)

say "(set up as docker pull, docker build and docker run leave it: 16 image layers of ubuntu:15.04"
say " and the article's RUN echo \"hello world\" > /tmp/newfile, the container's -init layer and"
say " its empty rw layer, with the article's ids)"
step "cd $d && ls"
want 'diff\nlayers\nmnt'
say "layers/ID: the layer's ancestors, the nearest first"
step "cat layers/$c"
want "$c-init
$images"
step "ls -A diff/$c-init"
want '.dockerenv\n.dockerinit\ndev\netc\nproc\nsys'
say "how Docker mounts the container: br: with its rw layer first, then every ancestor =ro+wh"
step "br=br:$d/diff/$c=rw; for id in \$(cat layers/$c); do br=\$br:$d/diff/\$id=ro+wh; done"
want ''
say "Docker adds dio,xino=/dev/shm/aufs.xino (and dirperm1 where aufs has it)"
step "mount -t aufs -o \$br,dio,xino=/dev/shm/aufs.xino,dirperm1 none mnt/$c"
want ''
step "ls mnt/$c"
want 'dev\netc\nproc\nsys\ntmp\nusr\nvar'
step "cat mnt/$c/tmp/newfile"
want 'hello world'
say "layer ${rmlists%"${rmlists#????????}"} (rm -rf /var/lib/apt/lists/*) has a whiteout for the base layer's file:"
step "ls -A diff/$rmlists/var/lib/apt/lists diff/$base/var/lib/apt/lists"
want "diff/$rmlists/var/lib/apt/lists:\n.wh.$release\n\ndiff/$base/var/lib/apt/lists:\n$release"
say "so the container does not see it"
step "ls -A mnt/$c/var/lib/apt/lists"
want ''
say "the container deletes a file: a whiteout in its rw layer, the image layer keeps the file"
step "rm mnt/$c/tmp/newfile && ls -A diff/$c/tmp"
want '.wh.newfile'
step "cat diff/$top/tmp/newfile"
want 'hello world'
say "the branch lines, the branch ids, the xino path (the shell sorts br10 before br2)"
step 'cat /sys/fs/aufs/si_*/*'
# The article's output, copied from it.
article_sysfs='/var/lib/docker/aufs/diff/066473c8437089ea4cada0e08bb35d8b88fd74c1cf28ae2efca59a7cfe8904da=rw
/var/lib/docker/aufs/diff/066473c8437089ea4cada0e08bb35d8b88fd74c1cf28ae2efca59a7cfe8904da-init=ro+wh
/var/lib/docker/aufs/diff/2b625d1f976bdb5f20b89390a6ed1c488706e0ab19a3523412aa2b3b4f630bbe=ro+wh
/var/lib/docker/aufs/diff/e1abb3cf52e73eabbb37d4af701bfc346dbd2db3579fc69434422934fc8390ca=ro+wh
/var/lib/docker/aufs/diff/6a5f75e6168b2c59ef9b93af1e946e995c934ced02a988f035707b506ff6e29c=ro+wh
/var/lib/docker/aufs/diff/3364f29aa94fc98a0298326667d03d9a4b757160ce6e4e0281e9a9c82beb220c=ro+wh
/var/lib/docker/aufs/diff/45461f598161b2f757bf1054ad72a6e342063cf44b010570642344827e051089=ro+wh
/var/lib/docker/aufs/diff/80c5fa11d914fafaee61de4d49571b523edb322e7764d645d6ad12b8d32a126e=ro+wh
/var/lib/docker/aufs/diff/dcc7e63313ef121d2f682ea890fe39a5f04a984ce2060aaf4a3eb5724f00ea1b=ro+wh
/var/lib/docker/aufs/diff/898c93b4e89d44fae521d00044262b482257befe1d941a73bf849fcff5f5d5ad=ro+wh
/var/lib/docker/aufs/diff/b26eb59c39b3f1ebc3aa0fc6adb308d14a4fa9ab9ef3aa090fd27325a07d7871=ro+wh
/var/lib/docker/aufs/diff/f09a02a4da8c532d83c15aeedbf6f7150df02a9fd0cfb9e40e921152a330a50a=ro+wh
/var/lib/docker/aufs/diff/f64dca8b61a787c57f1adad7e704c6850c6048cf0fc594f37e2f1de0ec1a798d=ro+wh
/var/lib/docker/aufs/diff/da9166939e9d1b68d06b06f38555d1447418398037803aa8520f93ed84fc8e1d=ro+wh
/var/lib/docker/aufs/diff/2ebf81c52c0cf0ecf3b313b374b025a866e92afd0249ab707d006e5cb89aafb8=ro+wh
/var/lib/docker/aufs/diff/e1ed703b12472a5673811df8f095a9fe50aee55d5688185d8ccb8318ddb09485=ro+wh
/var/lib/docker/aufs/diff/d45f75223e65bfebba54514c7085b7cd898fd84e5ba4fbcc94999a49038fbbc1=ro+wh
/var/lib/docker/aufs/diff/7b742585728f06cdff69bc56710d4d163ab154a357f5189a3d50ca87a45cee06=ro+wh
64
65
74
75
76
77
78
79
80
81
66
67
68
69
70
71
72
73
/dev/shm/aufs.xino'
check "the article's cat /sys/fs/aufs/si_*/* output, line for line" [ "$out" = "$article_sysfs" ]

# --- the aufs tools (tools/) ------------------------------------------------
title "The aufs tools: aubusy and auplink (aufs-util's, in Rust)"
say "a process whose cwd is in the container keeps the layers of that dir busy: aubusy names it"
(cd "mnt/$c/etc" && exec sleep 1000) &
sleeper=$!
while [ "$(readlink /proc/$sleeper/cwd)" != "$d/mnt/$c/etc" ]; do sleep 0.1; done
step "aubusy mnt/$c $d/diff/$base"
check "aubusy names the sleeping process on the base layer" \
	sh -c "echo '$out' | grep -q ' $d/diff/$base $sleeper sleep cwd $d/mnt/$c/etc\$'"
step "mount -o remount,del:$d/diff/$base mnt/$c"
want_error 'busy'
kill $sleeper && wait $sleeper 2>/dev/null
say "the process is gone: nobody uses the layer"
step "aubusy mnt/$c $d/diff/$base"
check "no user of the base layer once the process is gone" [ -z "$out" ]
cd "$start" && mkdir -p tools && cd tools || exit 1
PATH=$PATH:/tests/sbin # umount.aufs (off the PATH of the tests: see vm.sh)
say "a file with two names in an image, written through one of them: the copy is a pseudo-link"
step 'mkdir rw img mnt && echo v1 > img/a && ln img/a img/b'
want ''
step 'mount -t aufs -o br=./rw:./img none ./mnt && echo v2 >> mnt/a && cat mnt/b'
want 'v1\nv2'
ino=$(stat -c %i mnt/a)
step 'ls rw rw/.wh..wh.plnk'
want "rw:\na\n\nrw/.wh..wh.plnk:\n$ino"
step 'auplink mnt list'
want "$ino $PWD/mnt/a\n$ino $PWD/mnt/b"
say "umount.aufs flushes the pseudo-links first: the branch alone then has both names, one inode"
step 'umount.aufs mnt && stat -c "%n %h" rw/a rw/b && ls -A rw/.wh..wh.plnk'
want 'rw/a 2\nrw/b 2'
cd "$start" || exit 1

echo
if [ "$failed" -eq 0 ]; then
	echo "demo: all $checks checks passed: every step did what the articles say"
	exit 0
fi
echo "demo: $failed of $checks checks FAILED (the !! lines above)"
exit 1
