#!/usr/bin/env bash
# Prepares a boot of Debian's stock 7.3 kernel for scripts/vm.sh (KERNEL=debian):
# builds aufs_rs.ko for it (scripts/debian/build.sh), takes vmlinuz from its
# linux-binary package and the file systems the selftests need (loop,
# squashfs, overlay, with their dependencies) from its linux-modules package,
# decompressed for busybox's insmod. Everything is cached per kernel.
#
# Prints shell assignments for vm.sh: kimage=... module=... extra_dir=...
# kname=... krelease=... (the `uname -r` the guest must report).
# Local packages: AUFS_DEBIAN_PKG_DIR may hold linux-binary-KVER_*.deb,
# linux-modules-KVER_*.deb, or a directory debian-UPSTREAM-modules/ of .ko.xz;
# without DEBIAN_KVER, the kernel of its linux-binary package is the one booted.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

test_kernel_default
module=$("$(dirname "$0")/build.sh" | tail -n1)
[ -f "$module" ] || die "no module built for the Debian kernel"
. "$(dirname "$module")/aufs_rs.kernel"
kver=$DEBIAN_KVER pkgver=$DEBIAN_PKG_VERSION
magic=$(modinfo -F vermagic "$module")
boot=$DEB_CACHE/boot/${kver}_$pkgver
want="loop squashfs overlay"

exec 9>"$DEB_CACHE/lock"
flock -w 3600 9 || die "another Debian build holds $DEB_CACHE/lock"

if [ ! -f "$boot/.aufs-ready" ]; then
	rm -rf "$boot" && mkdir -p "$boot/extra" "$boot/tmp"
	bin=$(local_deb "linux-binary-$kver" "$pkgver")
	[ -n "$bin" ] || bin=$(local_deb "linux-binary-unsigned-$kver" "$pkgver")
	[ -n "$bin" ] || bin=$(fetch_deb "linux-binary-$kver" "$pkgver")
	dpkg-deb --fsys-tarfile "$bin" | tar -x -C "$boot/tmp" --wildcards '*/vmlinuz*'
	img=$(find "$boot/tmp" -name 'vmlinuz*' -type f | head -n1)
	[ -n "$img" ] || refuse "$(basename "$bin") holds no vmlinuz"
	mv "$img" "$boot/vmlinuz"

	# The modules: a local directory of them when it has them all with this
	# kernel's vermagic, else the linux-modules package.
	src=""
	dir=$DEB_PKG_DIR/debian-${kver%%[+-]*}-modules
	if [ -n "$DEB_PKG_DIR" ] && [ -d "$dir" ]; then
		src=$dir
		for m in $want; do
			[ -f "$dir/$m.ko.xz" ] && [ "$(modinfo -F vermagic "$dir/$m.ko.xz")" = "$magic" ] || src=""
		done
	fi
	if [ -z "$src" ]; then
		mods=$(fetch_deb "linux-modules-$kver" "$pkgver")
		log "unpacking the file system modules of $(basename "$mods")"
		dpkg-deb --fsys-tarfile "$mods" | tar -x -C "$boot/tmp" --wildcards '*.ko*'
		src=$boot/tmp
	fi
	# Dependencies first: insmod loads /lib/modules/extra/*.ko in name order.
	n=0
	add() {
		local m=$1 f d
		ls "$boot"/extra/*-"$m".ko >/dev/null 2>&1 && return
		f=$(find "$src" -name "$m.ko*" | head -n1)
		[ -n "$f" ] || refuse "module $m of Debian kernel $kver is not in $src"
		for d in $(modinfo -F depends "$f" | tr ',' ' '); do add "$d"; done
		n=$((n + 1))
		case "$f" in
		*.xz) xz -dc "$f" ;;
		*.zst) zstd -dc "$f" ;;
		*) cat "$f" ;;
		esac >"$boot/extra/$(printf %02d $n)-$m.ko"
	}
	for m in $want; do add "$m"; done
	rm -rf "$boot/tmp"
	touch "$boot/.aufs-ready"
fi
printf 'kimage=%q module=%q extra_dir=%q kname=%q krelease=%q\n' "$boot/vmlinuz" "$module" "$boot/extra" "debian $kver" "$kver"
