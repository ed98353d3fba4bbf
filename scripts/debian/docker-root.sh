#!/usr/bin/env bash
# The guest root of the end-to-end test with Docker's own aufs driver
# (issue 15, scripts/debian/test-docker.sh), made once and cached in
# $AUFS_CACHE/debian/docker-root (never in the repo):
#   - a Debian 12 (bookworm) minbase root (debootstrap from the system's
#     Debian mirror), packed as the tarball base.tar.gz: the base image of
#     the Debian-based test image;
#   - the same root with docker.io, containerd, runc, tini and
#     busybox-static and their dependencies installed (apt in the chroot,
#     no service started), plus in /aufs-e2e base.tar.gz, the two local
#     packages of tests/dpkg and the test images bb.tar and deep.tar (see
#     make_images), packed as one squashfs image, root.sqfs;
#   - guest.cpio: an uncompressed cpio of /tests/data/docker/ with
#     root.sqfs and the guest script tests/docker/docker-e2e.sh, appended to
#     the guest's initramfs only by the Docker test.
# Prints the path of guest.cpio. Needs root (debootstrap, chroot).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

suite=${AUFS_DOCKER_SUITE:-bookworm}
pkgs="docker.io containerd runc tini busybox-static"
dir=$DEB_CACHE/docker-root
# A change of the packages or of the local .debs' sources rebuilds the root;
# a change of the guest script only repacks it.
root_key=$( (echo "$suite $pkgs"; cd "$AUFS_ROOT/tests/dpkg" && find . -type f | sort | xargs sha256sum) | sha256sum | cut -c1-16)
script=$AUFS_ROOT/tests/docker/docker-e2e.sh

need_tools() {
	install_debian_packages debootstrap squashfs-tools cpio ||
		refuse "could not install debootstrap squashfs-tools cpio: apt-get install them"
}

make_root() {
	local mirror root=$dir/tmp/root pkg
	mirror=$(deb_mirror)
	[ -n "$mirror" ] || refuse "no Debian mirror in the system's apt sources: cannot debootstrap $suite"
	rm -rf "$dir/tmp" && mkdir -p "$dir/tmp" "$dir/debootstrap-cache"
	log "debootstrap --variant=minbase $suite from $mirror (once, a few minutes)"
	debootstrap --variant=minbase --cache-dir="$dir/debootstrap-cache" "$suite" "$root" "$mirror" \
		>"$dir/debootstrap.log" 2>&1 || refuse "debootstrap $suite failed: see $dir/debootstrap.log"
	rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*_Packages
	tar -C "$root" --numeric-owner -czf "$dir/tmp/base.tar.gz" .
	log "installing $pkgs in the $suite root"
	printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d" && chmod 755 "$root/usr/sbin/policy-rc.d"
	mount -t proc proc "$root/proc"
	local rc=0
	chroot "$root" sh -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $pkgs" \
		>"$dir/apt.log" 2>&1 || rc=$?
	umount "$root/proc"
	[ $rc -eq 0 ] || refuse "apt-get install $pkgs in the $suite root failed: see $dir/apt.log"
	rm -f "$root/usr/sbin/policy-rc.d"
	# Only the guest reads this root: no documentation (the image of the
	# dpkg steps is base.tar.gz, which keeps its own).
	rm -rf "$root"/usr/share/locale/* "$root"/usr/share/man/* "$root"/usr/share/doc/*
	rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*_Packages
	mkdir -p "$root/aufs-e2e"
	mv "$dir/tmp/base.tar.gz" "$root/aufs-e2e/"
	for pkg in aufs-dep aufs-main; do
		cp -r "$AUFS_ROOT/tests/dpkg/$pkg" "$dir/tmp/src-$pkg"
		chmod 0755 "$dir/tmp/src-$pkg/DEBIAN" "$dir/tmp/src-$pkg"/DEBIAN/p*
		dpkg-deb --root-owner-group -Zgzip --build "$dir/tmp/src-$pkg" "$root/aufs-e2e/$pkg.deb" >/dev/null
	done
	rm -rf "$dir/root" && mv "$root" "$dir/root"
	rm -rf "$dir/tmp"
	echo "$root_key" >"$dir/root.key"
}

# The test images made here rather than in the slow guest: bb.tar, a static
# busybox tree (applet links, /data/{keep,del,ren}) for `docker import`, and
# deep.tar, a 105-layer image in `docker save`'s format (the busybox tree,
# then one file per layer, every tenth layer whiting out one of an earlier
# layer) for `docker load`.
images_key="bb+deep-105 v1"
make_images() {
	local t=$dir/img i l ids="" lj="" layers cfg
	rm -rf "$t" && mkdir -p "$t/bb/bin" "$t/bb/data" "$t/bb/tmp" "$t/bb/etc" "$t/deep"
	cp "$dir/root/bin/busybox" "$t/bb/bin/"
	for i in $("$t/bb/bin/busybox" --list); do [ -e "$t/bb/bin/$i" ] || ln -s busybox "$t/bb/bin/$i"; done
	echo keep >"$t/bb/data/keep" && echo del >"$t/bb/data/del" && echo ren >"$t/bb/data/ren"
	tar -C "$t/bb" --numeric-owner --owner=0 --group=0 -cf "$dir/root/aufs-e2e/bb.tar" .
	cp "$dir/root/aufs-e2e/bb.tar" "$t/deep/l0.tar"
	layers="l0.tar"
	for i in $(seq 1 104); do
		mkdir -p "$t/l/layers" && echo "$i" >"$t/l/layers/f$i"
		[ $((i % 10)) -ne 0 ] || : >"$t/l/layers/.wh.f$((i - 5))"
		tar -C "$t/l" --numeric-owner --owner=0 --group=0 -cf "$t/deep/l$i.tar" . && rm -rf "$t/l"
		layers+=" l$i.tar"
	done
	for l in $layers; do
		ids+="\"sha256:$(sha256sum "$t/deep/$l" | cut -d' ' -f1)\","
		lj+="\"$l\","
	done
	printf '{"architecture":"amd64","os":"linux","config":{"Cmd":["sh"]},"rootfs":{"type":"layers","diff_ids":[%s]}}' \
		"${ids%,}" >"$t/deep/config.json"
	cfg=$(sha256sum "$t/deep/config.json" | cut -d' ' -f1)
	mv "$t/deep/config.json" "$t/deep/$cfg.json"
	printf '[{"Config":"%s.json","RepoTags":["deep:1"],"Layers":[%s]}]' "$cfg" "${lj%,}" >"$t/deep/manifest.json"
	# shellcheck disable=SC2086
	(cd "$t/deep" && tar --owner=0 --group=0 -cf "$dir/root/aufs-e2e/deep.tar" manifest.json "$cfg.json" $layers)
	rm -rf "$t"
	echo "$images_key" >"$dir/images.key"
}

[ "$(id -u)" -eq 0 ] || refuse "the Docker test's Debian root needs root (debootstrap, chroot)"
mkdir -p "$dir"
exec 9>"$dir/.lock"
flock 9
need_tools
[ -d "$dir/root" ] && [ "$(cat "$dir/root.key" 2>/dev/null)" = "$root_key" ] || make_root
[ "$(cat "$dir/images.key" 2>/dev/null)" = "$images_key" ] && [ "$dir/images.key" -nt "$dir/root.key" ] || make_images
if [ ! -f "$dir/root.sqfs" ] || [ "$dir/images.key" -nt "$dir/root.sqfs" ]; then
	log "packing the Docker root (squashfs)"
	mksquashfs "$dir/root" "$dir/root.sqfs.tmp" -quiet -noappend -comp gzip -Xcompression-level 1 >/dev/null
	mv "$dir/root.sqfs.tmp" "$dir/root.sqfs"
fi
if [ ! -f "$dir/guest.cpio" ] || [ "$script" -nt "$dir/guest.cpio" ] || [ "$dir/root.sqfs" -nt "$dir/guest.cpio" ]; then
	stage=$dir/stage
	rm -rf "$stage" && mkdir -p "$stage/tests/data/docker"
	ln "$dir/root.sqfs" "$stage/tests/data/docker/root.sqfs"
	cp "$script" "$stage/tests/data/docker/docker-e2e.sh"
	(cd "$stage" && find . | cpio -o -H newc --quiet) >"$dir/guest.cpio.tmp"
	mv "$dir/guest.cpio.tmp" "$dir/guest.cpio"
	rm -rf "$stage"
fi
echo "$dir/guest.cpio"
