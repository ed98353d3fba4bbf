# shellcheck shell=bash
# The kernel's source package, for the Rust metadata a stock kernel lacks.
# Part of lib.sh (sourced by it).

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
