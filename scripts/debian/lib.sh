# shellcheck shell=bash
# Shared by the scripts/debian/* tools: Debian packages through a private apt
# configuration, the kernel's headers and their .config, and the build
# environment (the host itself or a Debian chroot) that has exactly the
# compilers that kernel was built with. Sourced, never run.
#
# Environment:
#   AUFS_DEBIAN_PKG_DIR  directory of local .debs (linux-headers-*, linux-source-*,
#                        linux-binary-*, linux-modules-* or debian-VERSION-modules/)
#                        used before anything is downloaded; default ../shared/kernel
#                        beside the repo when it exists
#   AUFS_DEBIAN_SUITES   suites searched on the system's Debian mirror
#                        (default: trixie trixie-updates trixie-backports forky sid)
#   AUFS_DEBIAN_TOOLCHAIN  auto (default) | host | chroot

. "$(dirname "${BASH_SOURCE[0]}")/../env.sh"
# A refusal inside $(...) must end the script too.
shopt -s inherit_errexit

DEB_CACHE=$AUFS_CACHE/debian
DEB_SUITES=${AUFS_DEBIAN_SUITES:-trixie trixie-updates trixie-backports forky sid}
if [ -z "${AUFS_DEBIAN_PKG_DIR+set}" ] && [ -d "$AUFS_ROOT/../shared/kernel" ]; then
	AUFS_DEBIAN_PKG_DIR=$(cd "$AUFS_ROOT/../shared/kernel" && pwd)
fi
DEB_PKG_DIR=${AUFS_DEBIAN_PKG_DIR:-}
DEB_APT=$DEB_CACHE/apt
# A chroot's PATH and nothing else of the caller's environment.
DEB_CHROOT_ENV=(env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8)

# The one-line refusal every tool ends with when it cannot match a kernel.
refuse() {
	echo "aufs_rs: $*" >&2
	exit 2
}

mkdir -p "$DEB_CACHE"

# ---------------------------------------------------------------- apt

apt_opts=(-o APT::Sandbox::User=root -o "Dir::Etc::SourceList=$DEB_APT/sources.list"
	-o Dir::Etc::SourceParts=/dev/null -o Dir::Etc::Preferences=/dev/null
	-o Dir::Etc::PreferencesParts=/dev/null -o "Dir::State::Lists=$DEB_APT/lists"
	-o "Dir::Cache=$DEB_APT/cache" -o "Dir::Cache::Archives=$DEB_APT/archives"
	-o Dir::State::status=/dev/null -o APT::Architectures::=amd64
	-o Acquire::Languages=none -o Acquire::IndexTargets::deb::Contents-deb::DefaultEnabled=false)

# Refreshes the private package lists when they are missing, older than a
# day, or when forced (a package was not found in them). Offline, the old
# lists (or none) are kept: local .debs still work.
apt_update() {
	local force=${1:-}
	mkdir -p "$DEB_APT/lists/partial" "$DEB_APT/archives/partial" "$DEB_APT/cache"
	local mirror suites=""
	mirror=$(deb_mirror)
	if [ -z "$mirror" ]; then
		[ -f "$DEB_APT/sources.list" ] || return 0
	else
		for s in $DEB_SUITES; do
			suites+="deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $s main"$'\n'
		done
		if [ "$(cat "$DEB_APT/sources.list" 2>/dev/null)" != "${suites%$'\n'}" ]; then
			printf '%s' "$suites" >"$DEB_APT/sources.list"
			force=1
		fi
	fi
	local stamp=$DEB_APT/.updated
	if [ -z "$force" ] && [ -f "$stamp" ] &&
		[ $(($(date +%s) - $(stat -c %Y "$stamp"))) -lt 86400 ]; then
		return 0
	fi
	[ -n "$force" ] && [ -f "$DEB_APT/.forced" ] &&
		[ $(($(date +%s) - $(stat -c %Y "$DEB_APT/.forced"))) -lt 600 ] && return 0
	log "refreshing the private Debian package lists ($DEB_SUITES)"
	if apt-get "${apt_opts[@]}" update -qq >"$DEB_APT/update.log" 2>&1; then
		touch "$stamp"
		rm -f "$DEB_APT/.offline"
		[ -z "$force" ] || touch "$DEB_APT/.forced"
	else
		touch "$DEB_APT/.offline"
		log "apt update failed (offline?): using the lists and local packages at hand"
	fi
}

apt_cache() { apt-cache "${apt_opts[@]}" "$@" 2>/dev/null; }

# Appended to "not served" refusals when Debian's mirror could not be read.
apt_hint() {
	[ ! -f "$DEB_APT/.offline" ] || echo " (the last apt update failed: see $DEB_APT/update.log)"
}

# Versions of a package Debian serves, newest first: "VERSION SUITE" lines.
served_versions() {
	apt_cache madison "$1" | awk -F' [|] ' -v p="$1" '{ n = $1; gsub(/ /, "", n) }
		n == p { split($3, a, " "); s = a[2]; sub("/.*", "", s); gsub(/ /, "", $2); print $2, s }' |
		sort -u | sort -r -V -k1,1
}

# Upstream part of a Debian version: 1:1.85.1+dfsg1-1+deb13u1 -> 1.85.1
upstream_of() { echo "$1" | sed -e 's/^[0-9]*://' -e 's/[+~-].*//'; }

# The local .deb for package $1 (version $2, or the newest), if any.
local_deb() {
	local name=$1 ver=${2:-} f best="" bestv=""
	[ -n "$DEB_PKG_DIR" ] || return 0
	for f in "$DEB_PKG_DIR/${name}_"*.deb; do
		[ -f "$f" ] || continue
		local v
		v=$(dpkg-deb -f "$f" Version)
		[ "$(dpkg-deb -f "$f" Package)" = "$name" ] || continue
		if [ -n "$ver" ]; then
			[ "$v" = "$ver" ] && { echo "$f"; return 0; }
		elif [ -z "$bestv" ] || dpkg --compare-versions "$v" gt "$bestv"; then
			best=$f bestv=$v
		fi
	done
	[ -z "$best" ] || echo "$best"
}

# Prints the path of the .deb of package $1 at version $2: a local copy
# (AUFS_DEBIAN_PKG_DIR), an earlier download, or a download now. Refuses with
# one line when Debian does not serve that version any more.
fetch_deb() {
	local name=$1 ver=$2 f
	f=$(local_deb "$name" "$ver")
	[ -n "$f" ] && { echo "$f"; return 0; }
	local dir=$DEB_CACHE/debs fname
	fname="${name}_$(echo "$ver" | sed 's/^[0-9]*://')_"
	mkdir -p "$dir"
	for f in "$dir/$fname"*.deb; do
		[ -f "$f" ] && { echo "$f"; return 0; }
	done
	apt_update
	served_versions "$name" | grep -q "^$ver " || apt_update force
	served_versions "$name" | grep -q "^$ver " ||
		refuse "$name $ver is not served by Debian any more (suites: $DEB_SUITES) and is not in AUFS_DEBIAN_PKG_DIR${DEB_PKG_DIR:+ ($DEB_PKG_DIR)}: put ${fname}*.deb there$(apt_hint)"
	log "downloading $name $ver"
	(cd "$dir" && apt-get "${apt_opts[@]}" download -qq "$name=$ver" >/dev/null 2>"$dir/download.log") ||
		refuse "downloading $name $ver failed: $(tail -n1 "$dir/download.log")"
	ls "$dir/$fname"*.deb | head -n1
}

# ---------------------------------------------------------------- the kernel

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

# ---------------------------------------------------------------- build environment

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

# ---------------------------------------------------------------- kernel source

# The linux-source .deb of version $2 for kernel major.minor $1.
source_deb() {
	local mm=$1 ver=$2 f name=linux-source-$1
	f=$(local_deb "$name" "$ver")
	if [ -z "$f" ]; then
		for f in "${AUFS_KERNEL_DEB:-}" "$AUFS_CACHE"/apt/"${name}"_*.deb; do
			[ -f "$f" ] && [[ $f == *.deb ]] && [ "$(dpkg-deb -f "$f" Package 2>/dev/null)" = "$name" ] &&
				[ "$(dpkg-deb -f "$f" Version)" = "$ver" ] && break
			f=""
		done
	fi
	[ -n "$f" ] || f=$(fetch_deb "$name" "$ver")
	echo "$f"
}

# Unpacks the source .deb $1 (shared with scripts/setup.sh: same key, same
# place) and prints the tree.
unpack_source() {
	local deb=$1 sum tree
	sum=$(sha256sum "$deb" | cut -c1-16)
	tree=$AUFS_CACHE/src/$sum
	if [ ! -f "$tree/.aufs-unpacked" ]; then
		log "unpacking $(basename "$deb")"
		rm -rf "$tree" && mkdir -p "$tree"
		dpkg-deb --fsys-tarfile "$deb" | tar -xO --wildcards '*/linux-source-*.tar.xz' |
			tar -xJ -C "$tree" --strip-components=1
		touch "$tree/.aufs-unpacked"
	fi
	echo "$tree"
}
