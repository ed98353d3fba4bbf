#!/usr/bin/env bash
# `make install [DESTDIR=...] [MODULE=path/aufs_rs.ko] [KDIR=...]`: the
# module (into lib/modules/KVER/updates, KVER from its vermagic; depmod when
# DESTDIR is empty), the tools (mount.aufs, umount.aufs, auplink and aumvdown in
# /sbin, as aufs-util installs them; aubusy, auchk, aubrsync in /usr/bin)
# and the man pages (aufs.5 and one per tool). Without MODULE the module is
# built against KDIR first; `make debian-module` prints a MODULE for
# Debian's kernel.
set -euo pipefail
. "$(dirname "$0")/env.sh"
dest=${DESTDIR:-}
module=${MODULE:-}
if [ -z "$module" ]; then
	make -s -C "${KDIR:-/lib/modules/$(uname -r)/build}" M="$AUFS_ROOT" modules >&2
	module=$AUFS_ROOT/aufs_rs.ko
fi
[ -f "$module" ] || die "no module $module"
kver=$(modinfo -F vermagic "$module" | cut -d' ' -f1)
[ -n "$kver" ] || die "$module: no vermagic"
install -D -m 644 "$module" "$dest/lib/modules/$kver/updates/aufs_rs.ko"
bin=$("$AUFS_ROOT/scripts/build-tools.sh")
for t in mount.aufs umount.aufs auplink aumvdown; do install -D -m 755 "$bin/$t" "$dest/sbin/$t"; done
for t in aubusy auchk aubrsync; do install -D -m 755 "$bin/$t" "$dest/usr/bin/$t"; done
install -D -m 644 "$AUFS_ROOT/Documentation/aufs.5" "$dest/usr/share/man/man5/aufs.5"
for m in "$AUFS_ROOT"/tools/man/*.8; do install -D -m 644 "$m" "$dest/usr/share/man/man8/$(basename "$m")"; done
[ -n "$dest" ] || depmod -a "$kver"
echo "installed aufs_rs.ko for $kver, the tools and their man pages${dest:+ under $dest}"
