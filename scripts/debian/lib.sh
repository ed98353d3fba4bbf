# shellcheck shell=bash
# Shared by the scripts/debian/* tools: Debian packages through a private apt
# configuration (scripts/apt.sh) here; the kernel's headers and their
# .config (kernel.sh), the build environment, the host itself or a Debian
# chroot that has exactly the compilers that kernel was built with
# (toolchain.sh), and the kernel's source package (source.sh). Sourced,
# never run.
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

private_apt_opts "$DEB_APT"
apt_opts=("${papt_opts[@]}")

# Refreshes the private package lists when they are missing, older than a
# day, or when forced (a package was not found in them). Offline, the old
# lists (or none) are kept: local .debs still work.
apt_update() {
	local force=${1:-} mirror
	mirror=$(deb_mirror)
	if [ -z "$mirror" ]; then
		[ -f "$DEB_APT/sources.list" ] || return 0
	else
		# shellcheck disable=SC2086 # one word per suite
		private_apt_sources "$DEB_APT" "$mirror" $DEB_SUITES || force=1
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

# The parts, one file per concern.
. "$(dirname "${BASH_SOURCE[0]}")/kernel.sh"
. "$(dirname "${BASH_SOURCE[0]}")/toolchain.sh"
. "$(dirname "${BASH_SOURCE[0]}")/source.sh"
