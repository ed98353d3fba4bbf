#!/bin/sh
# The end-to-end test with Docker's own aufs graph driver (issue 15).
#
# `sh docker-e2e.sh` runs in the busybox guest (aufs_rs loaded): it mounts
# the Debian 12 root of scripts/debian/docker-root.sh (a squashfs image) as
# the rr branch of an aufs union with a tmpfs rw branch, gives it /proc,
# /sys, cgroup2, /dev, /run and a tmpfs /var/lib/docker, and runs itself
# inside with `inner aufs` and then `inner overlay2`: each starts dockerd
# (with its own containerd) with that storage driver and runs every step,
# timing each. Prints "docker-e2e: STEP DRIVER SECONDS" lines, the table of
# both drivers' times and "docker-e2e: PASS" or "docker-e2e: FAIL: ...".
set -u

fail() {
	echo "docker-e2e: FAIL: $*"
	exit 1
}

# ---- inside the Debian root ------------------------------------------------

now() { date +%s.%N; }
# step NAME CMD...: runs CMD, fails the test when it fails, records its time.
step() {
	name=$1
	shift
	t0=$(now)
	# A step that hangs: the processes, and the blocked tasks' stacks on the
	# console (sysrq w), before the guest's own timeout.
	(
		sleep 420
		echo "docker-e2e: $name ($drv) still running after 420 s"
		ps -eo pid,stat,wchan:30,args | grep -v ' S .*sleep 420' | head -n 60
		echo w >/proc/sysrq-trigger
	) &
	watchdog=$!
	"$@" >/tmp/step.out 2>&1 || { kill $watchdog; tail -n 30 /tmp/step.out; fail "$name ($drv)"; }
	kill $watchdog
	secs=$(echo "$(now) $t0" | awk '{ printf "%.1f", $1 - $2 }')
	echo "docker-e2e: $name $drv $secs"
	echo "$name $secs" >>"/tmp/times.$drv"
}
check() { [ "$1" = "$2" ] || { echo "got:"; echo "$1"; echo "want:"; echo "$2"; return 1; }; }
run() { docker run --network=none "$@"; }

start_dockerd() {
	dockerd --storage-driver="$drv" --iptables=false --ip6tables=false --bridge=none \
		--data-root="/var/lib/docker" --exec-root="/run/docker-$drv" \
		--pidfile="/run/dockerd-$drv.pid" >"/tmp/dockerd-$drv.log" 2>&1 &
	i=0
	until docker info >/dev/null 2>&1; do
		i=$((i + 1))
		[ $i -lt 300 ] || { tail -n 20 "/tmp/dockerd-$drv.log"; return 1; }
		sleep 1
	done
	check "$(docker info --format '{{.Driver}}')" "$drv"
}

stop_dockerd() {
	kill "$(cat "/run/dockerd-$drv.pid")"
	i=0
	while [ -e "/run/dockerd-$drv.pid" ]; do
		i=$((i + 1))
		[ $i -lt 120 ] || return 1
		sleep 1
	done
}

# The static busybox tree with /data/{keep,del,ren} (docker-root.sh's
# bb.tar), imported as bb:1.
import_busybox() {
	docker import -c 'CMD ["sh"]' /aufs-e2e/bb.tar bb:1
	check "$(run --rm bb:1 cat /data/keep)" keep
}

write_delete_rename() {
	run --name c1 bb:1 sh -c 'echo new >/data/new && rm /data/del && mv /data/ren /data/renamed && echo more >>/data/keep'
	check "$(run --rm bb:1 ls /data | tr '\n' ' ')" "del keep ren "
}

diff_c1() {
	check "$(docker diff c1 | sort | tr '\n' ' ')" "A /data/new A /data/renamed C /data C /data/keep D /data/del D /data/ren "
}

commit_c1() {
	docker commit c1 bb:2
	check "$(run --rm bb:2 sh -c 'cat /data/keep /data/new; ls /data' | tr '\n' ' ')" "keep more new keep new renamed "
}

build_classic() {
	rm -rf /tmp/ctx && mkdir /tmp/ctx
	cat >/tmp/ctx/Dockerfile <<'DF'
FROM bb:1
RUN echo one >/data/one && rm /data/del
RUN echo two >>/data/one && mkdir -p /data/dir/sub && echo x >/data/dir/sub/x && echo y >/data/y
RUN rm -r /data/dir && mv /data/keep /data/kept && echo changed >/data/y
DF
	DOCKER_BUILDKIT=0 docker build -q -t bb:built /tmp/ctx
	check "$(run --rm bb:built sh -c 'cat /data/one /data/kept /data/y; ls -a /data' | tr '\n' ' ')" \
		"one two keep changed . .. kept one ren y "
	if [ "$drv" = aufs ]; then
		# the removals are whiteouts in the layers' diff dirs
		ls -a /var/lib/docker/aufs/diff/*/data | grep -q '^\.wh\.del$' || { echo "no .wh.del"; return 1; }
		ls -a /var/lib/docker/aufs/diff/*/data | grep -q '^\.wh\.dir$' || { echo "no .wh.dir"; return 1; }
	fi
}

debian_dpkg() {
	docker import /aufs-e2e/base.tar.gz deb:base
	rm -rf /tmp/dctx && mkdir /tmp/dctx && cp /aufs-e2e/aufs-dep.deb /aufs-e2e/aufs-main.deb /tmp/dctx/
	cat >/tmp/dctx/Dockerfile <<'DF'
FROM deb:base
COPY aufs-dep.deb aufs-main.deb /tmp/
RUN dpkg -i /tmp/aufs-dep.deb /tmp/aufs-main.deb && dpkg -V && aufs-main
DF
	DOCKER_BUILDKIT=0 docker build -q -t deb:installed /tmp/dctx
	check "$(run --rm deb:installed dpkg-query -W -f '${Status}\n' aufs-main aufs-dep | tr '\n' ' ')" \
		"install ok installed install ok installed "
	cat >/tmp/dctx/Dockerfile <<'DF'
FROM deb:installed
RUN dpkg -r aufs-main aufs-dep && dpkg -V && rm /tmp/aufs-dep.deb /tmp/aufs-main.deb
DF
	DOCKER_BUILDKIT=0 docker build -q -t deb:removed /tmp/dctx
	check "$(run --rm deb:removed sh -c 'ls /usr/share/aufs-main /usr/bin/aufs-main 2>&1 | wc -l; dpkg -V && echo clean')" "2
clean"
}

save_load() {
	docker save -o /tmp/save.tar bb:built deb:removed
	docker rmi bb:built deb:removed deb:installed
	docker load -i /tmp/save.tar
	rm /tmp/save.tar
	check "$(run --rm bb:built cat /data/one | tr '\n' ' ')" "one two "
	check "$(run --rm deb:removed sh -c 'dpkg -V && echo clean')" clean
}

parallel_runs() {
	pids=""
	for i in 1 2 3 4 5 6; do
		run --rm bb:1 sh -c "echo $i >/data/keep && rm /data/del && cat /data/keep" >"/tmp/par.$i" 2>&1 &
		pids="$pids $!"
	done
	# (not a bare wait: dockerd is a child of this shell too)
	for p in $pids; do wait "$p" || return 1; done
	for i in 1 2 3 4 5 6; do check "$(cat "/tmp/par.$i")" "$i" || return 1; done
}

# An image of 105 layers (docker-root.sh's deep.tar: busybox, then one file
# per layer, every tenth layer whiting out a file of the fifth before):
# its container mount needs more branches than fit in one mount(2) call,
# so Docker's aufs driver appends the rest with remounts.
deep_image() {
	docker load -i /aufs-e2e/deep.tar
	check "$(docker image inspect -f '{{len .RootFS.Layers}}' deep:1)" 105
	check "$(run --rm deep:1 sh -c 'ls /layers | wc -l; cat /layers/f104; ls /layers/f5 2>&1 | wc -l')" "94
104
1"
}

sysfs_while_running() {
	run -d --name long bb:1 sleep 600
	if [ "$drv" = aufs ]; then
		cat /sys/fs/aufs/si_*/* >/tmp/sysfs.txt
		grep -q '^/var/lib/docker/aufs/diff/[0-9a-f]*=rw$' /tmp/sysfs.txt || { cat /tmp/sysfs.txt; return 1; }
		grep -q '^/var/lib/docker/aufs/diff/[0-9a-f]*-init=ro+wh$' /tmp/sysfs.txt || return 1
		grep -q '^/dev/shm/aufs.xino$' /tmp/sysfs.txt || return 1
		grep -q ',dio' /proc/mounts && grep -q 'dirperm1' /proc/mounts || { grep aufs /proc/mounts; return 1; }
	fi
	docker rm -f long
}

# si_ dirs and aufs mounts that are Docker's (the Debian root is one too).
docker_mounts() { grep -c " /var/lib/docker/[^ ]* $fstype " /proc/mounts; }

remove_all() {
	docker rm -f $(docker ps -aq) 2>/dev/null || true
	docker rmi -f $(docker images -aq) >/dev/null
	check "$(docker images -aq | wc -l) $(docker ps -aq | wc -l)" "0 0"
	check "$(docker_mounts)" 0
	if [ "$drv" = aufs ]; then
		check "$(ls -d /sys/fs/aufs/si_* | wc -l)" "$si_before"
		check "$(ls /var/lib/docker/aufs/mnt /var/lib/docker/aufs/diff | grep -vc ':$\|^$')" 0
	fi
}

inner() {
	drv=$1 fstype=$1
	[ "$drv" = overlay2 ] && fstype=overlay
	: >"/tmp/times.$drv"
	export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root
	si_before=$(ls -d /sys/fs/aufs/si_* | wc -l)
	rm -rf /var/lib/docker/* /dev/shm/aufs.xino
	step dockerd-start start_dockerd
	step import-busybox import_busybox
	step run-write-delete-rename write_delete_rename
	step diff diff_c1
	step commit commit_c1
	step build-3-run-steps build_classic
	step debian-dpkg-i-r debian_dpkg
	step save-load save_load
	step parallel-6-runs parallel_runs
	step image-105-layers deep_image
	step sysfs-while-running sysfs_while_running
	step rm-rmi-clean remove_all
	step dockerd-stop stop_dockerd
	if [ "$drv" = aufs ]; then
		check "$(dmesg | grep -c 'aufs: .*not implemented')" 0 || fail "aufs refused an option"
		# Every unmount ran our auplink: dockerd logs a warning when it fails.
		check "$(command -v auplink)" /usr/local/sbin/auplink || fail "auplink not on dockerd's PATH"
		check "$(grep -c "Couldn't run auplink" /tmp/dockerd-aufs.log)" 0 ||
			{ grep "auplink" /tmp/dockerd-aufs.log | head -n 5; fail "auplink failed under dockerd"; }
	fi
	echo "docker-e2e: $drv done"
}

# ---- the busybox guest -----------------------------------------------------

outer() {
	R=/docker
	mkdir -p /dr/ro /dr/rw $R
	mount -t squashfs -o loop,ro /tests/data/docker/root.sqfs /dr/ro || fail "mount the root image"
	mount -t tmpfs -o size=1g none /dr/rw || fail "tmpfs"
	mount -t aufs -o "br=/dr/rw=rw:/dr/ro=rr" none $R || fail "mount the Debian root (aufs)"
	mkdir -p $R/proc $R/sys $R/dev $R/run $R/tmp $R/var/lib/docker || fail "mount points"
	mount -t proc proc $R/proc && mount -t sysfs sys $R/sys &&
		mount -t cgroup2 none $R/sys/fs/cgroup &&
		mount -t devtmpfs dev $R/dev && mkdir -p $R/dev/pts $R/dev/shm &&
		mount -t devpts devpts $R/dev/pts && mount -t tmpfs shm $R/dev/shm &&
		mount -t tmpfs run $R/run && mount -t tmpfs tmp $R/tmp &&
		mount -t tmpfs -o size=1g docker $R/var/lib/docker || fail "the root's mounts"
	grep -qw aufs $R/proc/filesystems || fail "no aufs"
	cp "$0" $R/aufs-e2e/docker-e2e.sh || fail "copy the script into the root"
	# Docker's aufs driver runs `auplink MNT flush` before every unmount (and
	# only warns without it): ours (tools/, static) on the root's PATH.
	cp /tests/bin/auplink $R/usr/local/sbin/auplink || fail "copy auplink into the root"
	ip link set lo up 2>/dev/null
	for drv in aufs overlay2; do
		chroot $R /bin/sh /aufs-e2e/docker-e2e.sh inner $drv || fail "$drv steps"
	done
	echo "docker-e2e: times in seconds (step, aufs, overlay2)"
	awk 'NR == FNR { a[$1] = $2; order[FNR] = $1; n = FNR; next } { o[$1] = $2 }
	     END { for (i = 1; i <= n; i++) printf "docker-e2e:   %-24s %7s %7s\n", order[i], a[order[i]], o[order[i]] }' \
		$R/tmp/times.aufs $R/tmp/times.overlay2
	umount $R/var/lib/docker 2>/dev/null
	echo "docker-e2e: PASS"
}

case "${1:-outer}" in
inner) inner "$2" ;;
*) outer ;;
esac
