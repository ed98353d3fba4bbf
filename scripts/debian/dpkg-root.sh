#!/usr/bin/env bash
# The pieces of the dpkg-through-the-union test (scripts/debian/test-dpkg.sh),
# made once and cached in $AUFS_CACHE/debian/dpkg-root (never in the repo):
#   - a Debian minbase root (debootstrap from the system's Debian mirror) cut
#     into three Docker-style layers, each a squashfs image: 1 = all but /etc
#     and /var/lib/dpkg, 2 = /etc (plus a whiteout of a file of layer 1),
#     3 = /var/lib/dpkg (dpkg's database);
#   - two tiny local packages built from tests/dpkg (aufs-main depends on
#     aufs-dep; both have maintainer scripts);
#   - guest.cpio: an uncompressed cpio of /tests/data/dpkg/ holding all of
#     that, appended to the guest's initramfs only by the dpkg test.
# Prints the path of guest.cpio. Needs root (debootstrap); installs
# debootstrap and squashfs-tools when missing.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

suite=${AUFS_DPKG_SUITE:-trixie}
dir=$DEB_CACHE/dpkg-root
# The debs depend on the sources in tests/dpkg: a change rebuilds them.
debs_key=$(cd "$AUFS_ROOT/tests/dpkg" && find . -type f | sort | xargs sha256sum | sha256sum | cut -c1-16)

need_tools() {
	install_debian_packages debootstrap squashfs-tools cpio ||
		refuse "could not install debootstrap squashfs-tools cpio: apt-get install them"
}

# The minbase root, cut into the three layer images.
make_layers() {
	local mirror script="" root=$dir/tmp/root
	mirror=$(deb_mirror)
	[ -n "$mirror" ] || refuse "no Debian mirror in the system's apt sources: cannot debootstrap $suite"
	[ -e "/usr/share/debootstrap/scripts/$suite" ] || script=/usr/share/debootstrap/scripts/sid
	rm -rf "$dir/tmp" && mkdir -p "$dir/tmp" "$dir/debootstrap-cache"
	log "debootstrap --variant=minbase $suite from $mirror (once, about 2 minutes)"
	debootstrap --variant=minbase --cache-dir="$dir/debootstrap-cache" "$suite" "$root" "$mirror" \
		$script >"$dir/debootstrap.log" 2>&1 || refuse "debootstrap $suite failed: see $dir/debootstrap.log"
	# Only the package cache of debootstrap: the root must be as installed.
	rm -rf "$root"/var/cache/apt/archives/*.deb
	# A file only layer 1 has, hidden by a whiteout in layer 2 (Docker's
	# deletion in an upper layer). Not dpkg's: dpkg -V must stay clean.
	echo "in layer 1 only" >"$root/etc/aufs-layer1-only"
	local l1=$dir/tmp/l1 l2=$dir/tmp/l2 l3=$dir/tmp/l3
	mkdir -p "$l2" "$l3/var/lib"
	mv "$root/var/lib/dpkg" "$l3/var/lib/dpkg"
	mv "$root/etc" "$l2/etc"
	mkdir "$root/etc" && mv "$l2/etc/aufs-layer1-only" "$root/etc/"
	touch "$l2/etc/.wh.aufs-layer1-only"
	mv "$root" "$l1"
	log "packing the layers (squashfs)"
	for n in 1 2 3; do
		mksquashfs "$dir/tmp/l$n" "$dir/tmp/layer$n.sqfs" -quiet -noappend \
			-comp gzip -Xcompression-level 1 >/dev/null
	done
	mv "$dir/tmp"/layer?.sqfs "$dir/"
	rm -rf "$dir/tmp"
	echo "$suite" >"$dir/layers.suite"
}

make_debs() {
	local pkg out=$dir/debs.tmp
	rm -rf "$out" && mkdir -p "$out"
	for pkg in aufs-dep aufs-main; do
		cp -r "$AUFS_ROOT/tests/dpkg/$pkg" "$out/src-$pkg"
		chmod 0755 "$out/src-$pkg/DEBIAN" "$out/src-$pkg"/DEBIAN/p*
		dpkg-deb --root-owner-group -Zgzip --build "$out/src-$pkg" "$out/$pkg.deb" >/dev/null
		rm -rf "$out/src-$pkg"
	done
	rm -rf "$dir/debs" && mv "$out" "$dir/debs"
	echo "$debs_key" >"$dir/debs.key"
}

[ "$(id -u)" -eq 0 ] || refuse "the Debian root for the dpkg test needs root (debootstrap)"
mkdir -p "$dir"
exec 9>"$dir/.lock"
flock 9
need_tools
[ -f "$dir/layer3.sqfs" ] && [ "$(cat "$dir/layers.suite" 2>/dev/null)" = "$suite" ] || make_layers
[ "$(cat "$dir/debs.key" 2>/dev/null)" = "$debs_key" ] || make_debs
if [ ! -f "$dir/guest.cpio" ] || [ -n "$(find "$dir" -maxdepth 2 -newer "$dir/guest.cpio" \( -name '*.sqfs' -o -name '*.deb' \))" ]; then
	stage=$dir/stage
	rm -rf "$stage" && mkdir -p "$stage/tests/data/dpkg"
	ln "$dir"/layer?.sqfs "$stage/tests/data/dpkg/"
	cp "$dir"/debs/*.deb "$stage/tests/data/dpkg/"
	(cd "$stage" && find . | cpio -o -H newc --quiet) >"$dir/guest.cpio.tmp"
	mv "$dir/guest.cpio.tmp" "$dir/guest.cpio"
	rm -rf "$stage"
fi
echo "$dir/guest.cpio"
