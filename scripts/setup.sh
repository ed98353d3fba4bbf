#!/usr/bin/env bash
# Idempotent set-up: Debian packages, the Rust kernel toolchain, the Linux 7.3
# source and the test kernel. Everything lands in $AUFS_CACHE (outside the repo);
# a warm run only checks stamps and returns in about a second.
#
# Environment:
#   AUFS_CACHE        cache dir (default ~/.cache/aufs_rs)
#   AUFS_KERNEL_DEB   local linux-source-7.3 .deb or linux-*.tar.xz to use instead
#                     of downloading it from Debian
set -euo pipefail
. "$(dirname "$0")/env.sh"

# Every Debian package a script of `make check` / `make run` calls on the host
# (README, "The two commands"); the Debian chroot (scripts/debian/lib.sh) has
# its own list. Kernel build: flex bison bc libelf-dev libssl-dev perl; guest:
# busybox-static cpio qemu-system-x86 squashfs-tools (mksquashfs) gcc
# libc6-dev (static probe); kernel source and Debian's modules: xz-utils zstd;
# modinfo: kmod; the Debian chroot: debootstrap; crates.io and PyPI over TLS:
# ca-certificates; the man pages' test (man -l): man-db.
APT_PACKAGES="flex bison bc libelf-dev libssl-dev perl cpio kmod busybox-static
  qemu-system-x86 squashfs-tools xz-utils zstd python3-pip gcc libc6-dev make git
  debootstrap ca-certificates man-db"

install_rust_tools() {
	command -v rustup >/dev/null || die "rustup not found: install Rust with rustup first"
	# rustfmt and clippy: scripts/lint.sh.
	local have c
	have=$(rustup component list --installed)
	for c in rustfmt clippy; do
		grep -q "^$c-" <<<"$have" || {
			log "adding $c"
			rustup component add "$c"
		}
	done
	if [ ! -d "$(rustc --print sysroot)/lib/rustlib/src/rust/library" ]; then
		log "adding rust-src"
		rustup component add rust-src
	fi
	if ! bindgen --version 2>/dev/null | grep -q " $BINDGEN_VERSION\$"; then
		log "installing bindgen-cli $BINDGEN_VERSION"
		cargo install -q bindgen-cli --version "$BINDGEN_VERSION" --locked \
			--root "$AUFS_TOOLS"
	fi
	# fsx (crates.io), the file system exerciser the guest tests run: built
	# static so it runs in the busybox initramfs.
	if ! fsx --version 2>/dev/null | grep -q " $FSX_VERSION\$"; then
		log "installing fsx $FSX_VERSION (static)"
		RUSTFLAGS="-C target-feature=+crt-static" cargo install -q fsx \
			--version "$FSX_VERSION" --locked --root "$AUFS_TOOLS" \
			--target "$(rustc -vV | sed -n 's/^host: //p')"
	fi
	if [ ! -f "$LIBCLANG_PATH/libclang.so" ]; then
		log "installing libclang $LIBCLANG_VERSION (PyPI)"
		python3 -m pip install -q --disable-pip-version-check --root-user-action=ignore --no-deps \
			--target "$AUFS_TOOLS/libclang" "libclang==$LIBCLANG_VERSION"
	fi
}

# Downloads the source .deb with a private apt configuration: the suite that
# carries it (trixie-backports) is added only for this one call, on the same
# mirror the system already uses, and the system's sources are never edited.
download_kernel_deb() {
	local dir=$AUFS_CACHE/apt mirror
	mirror=$(deb_mirror)
	[ -n "$mirror" ] || die "no Debian mirror in the system's apt sources; set AUFS_KERNEL_DEB"
	private_apt_opts "$dir"
	private_apt_sources "$dir" "$mirror" trixie-backports || true
	apt-get "${papt_opts[@]}" update -qq
	(cd "$dir" && apt-get "${papt_opts[@]}" download -qq \
		"$KERNEL_SOURCE_PKG=$KERNEL_SOURCE_VERSION") ||
		die "cannot download $KERNEL_SOURCE_PKG $KERNEL_SOURCE_VERSION; set AUFS_KERNEL_DEB to a local copy"
	ls "$dir"/"$KERNEL_SOURCE_PKG"_*.deb | head -n1
}

# Prints the path of the unpacked kernel source tree.
unpack_kernel_source() {
	local src=${AUFS_KERNEL_DEB:-}
	if [ -z "$src" ]; then
		src=$(ls "$AUFS_CACHE"/apt/"$KERNEL_SOURCE_PKG"_*.deb 2>/dev/null | head -n1)
		[ -n "$src" ] || src=$(download_kernel_deb)
	fi
	[ -f "$src" ] || die "kernel source $src does not exist"
	local sum tree
	sum=$(sha256sum "$src" | cut -c1-16)
	tree=$AUFS_CACHE/src/$sum
	if [ ! -f "$tree/.aufs-unpacked" ]; then
		log "unpacking $(basename "$src")"
		rm -rf "$tree" && mkdir -p "$tree"
		if [[ $src == *.deb ]]; then
			dpkg-deb --fsys-tarfile "$src" |
				tar -xO --wildcards '*/linux-source-*.tar.xz' |
				tar -xJ -C "$tree" --strip-components=1
		else
			tar -xf "$src" -C "$tree" --strip-components=1
		fi
		touch "$tree/.aufs-unpacked"
	fi
	echo "$tree"
}

# The build directory is keyed by everything that changes the kernel's output:
# source, config fragment and the compilers. Nothing else triggers a rebuild.
kernel_build_dir() {
	local tree=$1 key
	key=$( {
		echo "$tree"
		cat "$AUFS_ROOT/scripts/kernel.config"
		rustc --version
		bindgen --version
		gcc --version | head -n1
		echo "$LIBCLANG_VERSION"
	} | sha256sum | cut -c1-16)
	echo "$AUFS_CACHE/kbuild-$key"
}

build_kernel() {
	local tree=$1 out=$2
	[ -f "$out/.aufs-built" ] && return
	log "building the test kernel in $out (5-8 minutes on 2 cores)"
	rm -rf "$out" && mkdir -p "$out"
	local mk=(make -s -C "$tree" O="$out" ARCH=x86_64)
	"${mk[@]}" tinyconfig >/dev/null
	"$tree/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" \
		"$AUFS_ROOT/scripts/kernel.config" >/dev/null
	"${mk[@]}" olddefconfig >/dev/null
	check_kernel_config "$out/.config"
	"${mk[@]}" -j"$(($(nproc) + 1))" bzImage modules_prepare
	"${mk[@]}" -j"$(($(nproc) + 1))" modules
	touch "$out/.aufs-built"
}

# olddefconfig silently drops options whose dependencies are unmet: refuse that.
check_kernel_config() {
	local cfg=$1 bad=0 line
	while IFS= read -r line; do
		case "$line" in CONFIG_*=*) ;; *) continue ;; esac
		if [[ $line == *=n ]]; then
			grep -qx "${line%=n}=y" "$cfg" && { echo "kernel config: $line ignored" >&2; bad=1; }
		else
			grep -qxF "$line" "$cfg" || { echo "kernel config: $line missing" >&2; bad=1; }
		fi
	done <"$AUFS_ROOT/scripts/kernel.config"
	[ $bad -eq 0 ] || die "the kernel config fragment did not apply (see above)"
}

main() {
	install_debian_packages $APT_PACKAGES
	install_rust_tools
	local tree out
	tree=$(unpack_kernel_source)
	out=$(kernel_build_dir "$tree")
	build_kernel "$tree" "$out"
	ln -sfn "$out" "$AUFS_KERNEL_LINK"
	ln -sfn "$out" "$AUFS_CACHE/kernel" # the last one set up, for manual use
	echo "$out"
}

main "$@"
