# shellcheck shell=bash
# The build environment: the host itself, or a Debian chroot that has
# exactly the compilers the kernel was built with. Part of lib.sh (sourced
# by it).

# On the host, the build uses the system's (Debian's) compilers only: no
# rustup toolchain, no PyPI libclang.
SYS_PATH=/usr/sbin:/usr/bin:/sbin:/bin
HOST_ENV=(env -u LIBCLANG_PATH -u RUSTC -u BINDGEN "PATH=$SYS_PATH")

host_matches() {
	PATH=$SYS_PATH LIBCLANG_PATH="" _host_matches
}
_host_matches() {
	command -v rustc >/dev/null && command -v bindgen >/dev/null && command -v "$CC_PROG" >/dev/null || return 1
	[ "$(rustc --version 2>/dev/null)" = "$RUSTC_TEXT" ] || return 1
	[ "$(bindgen --version 2>/dev/null | head -n1)" = "$BINDGEN_TEXT" ] || return 1
	[ "$("$CC_PROG" --version 2>/dev/null | head -n1 | awk '{print $NF}')" = "${CC_TEXT##* }" ] || return 1
	[ -d "$(rustc --print sysroot)/lib/rustlib/src/rust/library" ] || return 1
	# And the rest of what modules_prepare needs, else the chroot has it all.
	local t
	for t in make flex bison bc pahole openssl perl nm modinfo; do command -v "$t" >/dev/null || return 1; done
	[ -f /usr/include/libelf.h ] && [ -f /usr/include/openssl/ssl.h ]
}

# Debian versions of rustc, bindgen and the C compiler that match the kernel's
# .config, and the suite family (trixie, forky, sid) that serves them all:
# sets TC_SUITE, TC_SUITES, TC_RUSTC, TC_BINDGEN, TC_CC. Refuses when Debian
# no longer serves that rustc (the Rust metadata could not be reproduced).
find_toolchain() {
	local kver=$1 want_rust want_bg want_cc rv
	want_rust=$(echo "$RUSTC_TEXT" | awk '{print $2}')
	want_bg=$(echo "$BINDGEN_TEXT" | awk '{print $2}')
	want_cc=${CC_TEXT##* }
	apt_update
	rv=$(served_versions rustc)
	echo "$rv" | awk -v w="$want_rust" '{ v=$1; sub(/^[0-9]*:/,"",v); sub(/[+~-].*/,"",v); if (v==w) f=1 } END { exit !f }' ||
		{ apt_update force; rv=$(served_versions rustc); }
	local v s fam
	TC_SUITE=""
	while read -r v s; do
		[ -n "$v" ] && [ "$(upstream_of "$v")" = "$want_rust" ] || continue
		fam=${s%%-*}
		local bg cc
		bg=$(served_versions bindgen | awk -v f="$fam" '$2 == f || index($2, f"-") == 1 {print $1}' |
			while read -r x; do [ "$(upstream_of "$x")" = "$want_bg" ] && echo "$x"; done | head -n1)
		cc=$(served_versions "$CC_PKG" | awk -v f="$fam" '$2 == f || index($2, f"-") == 1 {print $1}' |
			while read -r x; do [ "$(upstream_of "$x")" = "$want_cc" ] && echo "$x"; done | head -n1)
		[ -n "$bg" ] && [ -n "$cc" ] || continue
		TC_SUITE=$fam TC_RUSTC=$v TC_BINDGEN=$bg TC_CC=$cc
		TC_SUITES=$(echo "$DEB_SUITES" | tr ' ' '\n' | grep -E "^$fam(-|\$)" | tr '\n' ' ')
		break
	done <<<"$rv"
	[ -n "$TC_SUITE" ] && return
	if echo "$rv" | awk -v w="$want_rust" '{ v=$1; sub(/^[0-9]*:/,"",v); sub(/[+~-].*/,"",v); if (v==w) f=1 } END { exit !f }'; then
		refuse "Debian serves rustc $want_rust but not with bindgen $want_bg and $CC_PKG $want_cc in one suite: cannot match kernel $kver"
	fi
	refuse "rustc $want_rust, which built Debian kernel $kver, is no longer served by Debian (suites: $DEB_SUITES): its Rust metadata cannot be reproduced$(apt_hint)"
}

CHROOT_PKGS="make flex bison bc libelf-dev libssl-dev cpio kmod python3 xz-utils pahole binutils libc6-dev"
# Installed after the pinned toolchain (and into older chroots): Kconfig asks
# openssl, bindgen needs libclang.
CHROOT_EXTRA="openssl libclang-dev rustfmt"

# Makes (once) the Debian chroot of suite family TC_SUITE with the pinned
# toolchain; sets CHROOT.
make_chroot() {
	[ "$(id -u)" -eq 0 ] || refuse "the matching toolchain needs a Debian $TC_SUITE chroot: run as root (debootstrap, chroot)"
	CHROOT=$DEB_CACHE/chroot/$TC_SUITE
	if [ ! -f "$CHROOT/.aufs-base" ]; then
		command -v debootstrap >/dev/null || install_debian_packages debootstrap ||
			refuse "debootstrap is missing and could not be installed: apt-get install debootstrap"
		local mirror script=""
		mirror=$(deb_mirror)
		[ -n "$mirror" ] || refuse "no Debian mirror in the system's apt sources: cannot make the $TC_SUITE chroot"
		[ -e "/usr/share/debootstrap/scripts/$TC_SUITE" ] || script=/usr/share/debootstrap/scripts/sid
		log "making a Debian $TC_SUITE chroot in $CHROOT (about 2 minutes, once)"
		rm -rf "$CHROOT" && mkdir -p "$CHROOT"
		debootstrap --variant=minbase --include="$(echo "$CHROOT_PKGS" | tr ' ' ,)" \
			"$TC_SUITE" "$CHROOT" "$mirror" $script >"$DEB_CACHE/debootstrap.log" 2>&1 ||
			refuse "debootstrap $TC_SUITE failed: see $DEB_CACHE/debootstrap.log"
		: >"$CHROOT/etc/apt/sources.list"
		for s in $TC_SUITES; do
			echo "deb $mirror $s main" >>"$CHROOT/etc/apt/sources.list"
		done
		touch "$CHROOT/.aufs-base"
	fi
	local want="rustc=$TC_RUSTC libstd-rust-dev=$TC_RUSTC rust-src=$TC_RUSTC bindgen=$TC_BINDGEN $CC_PKG=$TC_CC cpp-${CC_PKG#gcc-}=$TC_CC $CHROOT_EXTRA"
	local stamp
	stamp=$CHROOT/.aufs-tools-$(echo "$want" | sha256sum | cut -c1-12)
	if [ ! -f "$stamp" ]; then
		log "installing $want in the chroot"
		in_chroot apt-get update -qq >/dev/null 2>&1 || true
		in_chroot env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			--allow-downgrades $want >"$DEB_CACHE/chroot-apt.log" 2>&1 ||
			refuse "installing the toolchain in the $TC_SUITE chroot failed: see $DEB_CACHE/chroot-apt.log"
		touch "$stamp"
	fi
}

# Runs a command in the chroot: $AUFS_CACHE, AUFS_DEBIAN_PKG_DIR (read-only)
# and $EXTRA_BIND (a module dir outside the cache, e.g. DKMS's) are seen at
# the same paths inside; the mounts live in a private namespace and go with it.
in_chroot() {
	unshare --mount --propagation private -- /bin/sh -ec '
		r=$1 c=$2 p=$3 x=$4; shift 4
		mount -t proc proc "$r/proc"
		mount --rbind /dev "$r/dev"
		mkdir -p "$r$c" && mount --bind "$c" "$r$c"
		if [ -n "$p" ] && [ -d "$p" ]; then mkdir -p "$r$p" && mount --bind -o ro "$p" "$r$p"; fi
		if [ -n "$x" ] && [ -d "$x" ]; then mkdir -p "$r$x" && mount --bind "$x" "$r$x"; fi
		[ -f /etc/resolv.conf ] && cp -L /etc/resolv.conf "$r/etc/resolv.conf" 2>/dev/null || true
		exec chroot "$r" "$@"' sh "$CHROOT" "$AUFS_CACHE" "$DEB_PKG_DIR" "${EXTRA_BIND:-}" "${DEB_CHROOT_ENV[@]}" "$@"
}

# Runs a build command with the matching toolchain: on the host when it has
# exactly the kernel's compilers, else in the chroot.
run_tc() {
	if [ -n "${CHROOT:-}" ]; then
		in_chroot "$@"
	else
		"${HOST_ENV[@]}" "$@"
	fi
}

# Chooses where to build: sets USE_CHROOT ("" = the host); make_chroot
# then sets CHROOT.
choose_toolchain() {
	local kver=$1 mode=${AUFS_DEBIAN_TOOLCHAIN:-auto}
	CHROOT="" USE_CHROOT=""
	if [ "$mode" != chroot ] && host_matches; then
		TC_DESC="host: $RUSTC_TEXT, $BINDGEN_TEXT, $CC_PROG"
		return
	fi
	[ "$mode" != host ] || refuse "the host's compilers are not the ones Debian kernel $kver names ($RUSTC_TEXT; $BINDGEN_TEXT; $CC_TEXT)"
	find_toolchain "$kver"
	USE_CHROOT=1
	TC_DESC="debian $TC_SUITE chroot: rustc $TC_RUSTC, bindgen $TC_BINDGEN, $CC_PKG $TC_CC"
}
