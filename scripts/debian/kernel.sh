# shellcheck shell=bash
# The Debian kernel to build for: its release, its headers and their .config,
# and the toolchain it was built with. Part of lib.sh (sourced by it).

# DEBIAN_KVER, or the running kernel when it is a Debian 7.3 one, or the
# newest 7.3 kernel of the default (amd64) flavour Debian serves.
resolve_kver() {
	if [ -n "${DEBIAN_KVER:-}" ]; then
		echo "$DEBIAN_KVER"
		return
	fi
	local r
	r=$(uname -r)
	if [[ $r == 7.3.* ]] && uname -v | grep -q Debian; then
		echo "$r"
		return
	fi
	apt_update
	local best="" bestv="" p v
	for p in $(apt_cache pkgnames linux-headers-7.3. | grep -E '^linux-headers-7\.3\.[0-9]+[^ ]*-amd64$' |
		grep -vE -- '-(cloud|rt)-amd64$'); do
		v=$(served_versions "$p" | head -n1 | cut -d' ' -f1)
		if [ -n "$v" ] && { [ -z "$bestv" ] || dpkg --compare-versions "$v" gt "$bestv"; }; then
			best=${p#linux-headers-} bestv=$v
		fi
	done
	if [ -z "$best" ]; then
		# Offline: the newest headers package in AUFS_DEBIAN_PKG_DIR.
		local f
		f=$(ls "$DEB_PKG_DIR"/linux-headers-7.3.*-amd64_*.deb 2>/dev/null | grep -vE -- '-(cloud|rt)-amd64_' | sort -V | tail -n1 || true)
		[ -n "$f" ] && best=$(dpkg-deb -f "$f" Package) && best=${best#linux-headers-}
	fi
	[ -n "$best" ] || refuse "no Debian 7.3 kernel found (suites: $DEB_SUITES, AUFS_DEBIAN_PKG_DIR: ${DEB_PKG_DIR:-unset}): set DEBIAN_KVER"
	log "DEBIAN_KVER not given: the newest 7.3 kernel Debian serves is $best"
	echo "$best"
}

# The tests (stock-kernel boot, DKMS) use the kernel whose linux-binary
# package AUFS_DEBIAN_PKG_DIR holds when DEBIAN_KVER is not given: in CI the
# kernel under test does not move with Debian's suites.
test_kernel_default() {
	[ -z "${DEBIAN_KVER:-}" ] && [ -n "$DEB_PKG_DIR" ] || return 0
	local f
	f=$(ls "$DEB_PKG_DIR"/linux-binary-7.3.*-amd64_*.deb 2>/dev/null | grep -vE -- '-(cloud|rt)-amd64_' | sort -V | tail -n1 || true)
	[ -n "$f" ] || return 0
	DEBIAN_KVER=$(dpkg-deb -f "$f" Package)
	DEBIAN_KVER=${DEBIAN_KVER#linux-binary-}
	DEBIAN_PKG_VERSION=$(dpkg-deb -f "$f" Version)
	export DEBIAN_KVER DEBIAN_PKG_VERSION
}

# Sets HDR (a directory with the kernel's .config and Module.symvers) and
# PKGVER (the Debian version of that kernel) for kernel $1. The installed
# headers are used when the kernel is installed; else the headers package
# (local, or downloaded) is unpacked into the cache.
resolve_headers() {
	local kver=$1 name=linux-headers-$1
	[[ $kver == 7.3.* ]] || refuse "Debian kernel $kver is not a Linux 7.3 kernel: aufs_rs builds for 7.3 only"
	local inst=/lib/modules/$kver/build
	if [ -f "$inst/.config" ] && [ -f "$inst/Module.symvers" ] &&
		PKGVER=$(dpkg-query -W -f='${Version}' "$name" 2>/dev/null) && [ -n "$PKGVER" ]; then
		HDR=$(cd "$inst" && pwd -P)
		return
	fi
	PKGVER=${DEBIAN_PKG_VERSION:-}
	if [ -z "$PKGVER" ]; then
		local f
		f=$(local_deb "$name")
		if [ -n "$f" ]; then
			PKGVER=$(dpkg-deb -f "$f" Version)
		else
			apt_update
			PKGVER=$(served_versions "$name" | head -n1 | cut -d' ' -f1)
			if [ -z "$PKGVER" ]; then
				apt_update force
				PKGVER=$(served_versions "$name" | head -n1 | cut -d' ' -f1)
			fi
		fi
	fi
	[ -n "$PKGVER" ] ||
		refuse "unknown Debian kernel $kver: no package $name in Debian (suites: $DEB_SUITES) nor in AUFS_DEBIAN_PKG_DIR${DEB_PKG_DIR:+ ($DEB_PKG_DIR)}$(apt_hint)"
	HDR=$DEB_CACHE/headers/${kver}_$PKGVER/usr/src/linux-headers-$kver
	if [ ! -f "$HDR/.aufs-unpacked" ]; then
		local deb dir=$DEB_CACHE/headers/${kver}_$PKGVER
		deb=$(fetch_deb "$name" "$PKGVER")
		rm -rf "$dir" && mkdir -p "$dir"
		dpkg-deb -x "$deb" "$dir"
		[ -f "$HDR/.config" ] && [ -f "$HDR/Module.symvers" ] ||
			refuse "$(basename "$deb") has no usr/src/linux-headers-$kver/.config and Module.symvers"
		touch "$HDR/.aufs-unpacked"
	fi
}

# A value of the kernel's .config, without quotes.
kconfig() { sed -n "s/^$1=\"\{0,1\}\([^\"]*\)\"\{0,1\}\$/\1/p" "$HDR/.config"; }

# Reads the toolchain the kernel names: RUSTC_TEXT, BINDGEN_TEXT, CC_TEXT,
# CC_PROG (x86_64-linux-gnu-gcc-14), CC_PKG (gcc-14), CROSS.
# Refuses a kernel built without Rust.
read_toolchain() {
	local kver=$1
	[ "$(kconfig CONFIG_RUST)" = y ] ||
		refuse "Debian kernel $kver is built without CONFIG_RUST: no Rust module can load into it"
	RUSTC_TEXT=$(kconfig CONFIG_RUSTC_VERSION_TEXT)
	BINDGEN_TEXT=$(kconfig CONFIG_BINDGEN_VERSION_TEXT)
	CC_TEXT=$(kconfig CONFIG_CC_VERSION_TEXT)
	[ -n "$RUSTC_TEXT" ] && [ -n "$BINDGEN_TEXT" ] && [ -n "$CC_TEXT" ] ||
		refuse "the .config of Debian kernel $kver does not name its rustc, bindgen and C compiler"
	CC_PROG=${CC_TEXT%% *}
	CC_PKG=${CC_PROG#x86_64-linux-gnu-}
	CROSS=""
	[[ $CC_PROG == x86_64-linux-gnu-* ]] && CROSS=x86_64-linux-gnu-
	case "$CC_PKG" in gcc-[0-9]*) ;; *) refuse "Debian kernel $kver was built with $CC_PROG: only GCC builds are supported" ;; esac
	RANDSTRUCT=$(kconfig CONFIG_RANDSTRUCT_NONE)
	[ "$RANDSTRUCT" = y ] || refuse "Debian kernel $kver uses structure layout randomization: its seed is not published"
}
