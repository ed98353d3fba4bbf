# shellcheck shell=bash
# Debian packages for every aufs_rs script (sourced by env.sh): the system's
# mirror, installing what the scripts use, and a private apt configuration
# that fetches from suites the system does not list (the kernel's source in
# scripts/setup.sh, headers and toolchains in scripts/debian/) without ever
# editing the system's sources or state. Sourced, never run.

# The system's Debian mirror (its apt sources are read, never edited).
deb_mirror() {
	grep -rhoE '^(URIs:|deb) *(\[[^]]*\] *)?https?://[^ ]*/debian/?( |$)' \
		/etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null |
		grep -oE 'https?://[^ ]*' | head -n1 || true
}

# install_debian_packages PKG...: apt-get installs those not installed yet
# (the system's own apt sources; sudo when not root). Fails when apt does.
install_debian_packages() {
	local missing=() p sudo=""
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	log "installing Debian packages: ${missing[*]}"
	[ "$(id -u)" -eq 0 ] || sudo=sudo
	$sudo apt-get update -qq &&
		$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends "${missing[@]}" >/dev/null
}

# private_apt_opts DIR: sets the array papt_opts, the apt-get/apt-cache
# options of a private configuration kept in DIR (sources.list, lists,
# archives), with no installed-package state. The binary caches are named
# here: Debian's container images turn them off (docker-clean), and without
# them every apt-cache call parses all the lists again (2 s instead of 20 ms).
private_apt_opts() {
	mkdir -p "$1/lists/partial" "$1/archives/partial" "$1/cache"
	papt_opts=(-o APT::Sandbox::User=root -o "Dir::Etc::SourceList=$1/sources.list"
		-o Dir::Cache::pkgcache=pkgcache.bin -o Dir::Cache::srcpkgcache=srcpkgcache.bin
		-o Dir::Etc::SourceParts=/dev/null -o Dir::Etc::Preferences=/dev/null
		-o Dir::Etc::PreferencesParts=/dev/null -o "Dir::State::Lists=$1/lists"
		-o "Dir::Cache=$1/cache" -o "Dir::Cache::Archives=$1/archives"
		-o Dir::State::status=/dev/null -o APT::Architectures::=amd64
		-o Acquire::Languages=none -o Acquire::IndexTargets::deb::Contents-deb::DefaultEnabled=false)
}

# private_apt_sources DIR MIRROR SUITE...: DIR/sources.list names the main
# component of each SUITE on MIRROR; returns 1 when it had to be changed
# (its package lists are then stale).
private_apt_sources() {
	local dir=$1 mirror=$2 suites="" s
	shift 2
	for s in "$@"; do
		suites+="deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $s main"$'\n'
	done
	[ "$(cat "$dir/sources.list" 2>/dev/null)" != "${suites%$'\n'}" ] || return 0
	printf '%s' "$suites" >"$dir/sources.list"
	return 1
}
