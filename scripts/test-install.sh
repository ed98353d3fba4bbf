#!/usr/bin/env bash
# Host test of `make install DESTDIR=...` (with the module check.sh built, or
# without one: the tools and man pages only) and of the man pages: each one
# renders with `man -l` without a troff warning. Prints cargo's summary line
# format, which check.sh counts.
set -euo pipefail
. "$(dirname "$0")/env.sh"
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
pass=0 fail=0
check() { # WHAT COMMAND...
	local what=$1
	shift
	if "$@"; then pass=$((pass + 1)); else echo "FAILED: $what" >&2; fail=$((fail + 1)); fi
}
want="sbin/mount.aufs sbin/umount.aufs sbin/auplink sbin/aumvdown usr/bin/aubusy usr/bin/auchk usr/bin/aubrsync
  usr/share/man/man5/aufs.5 usr/share/man/man8/auplink.8 usr/share/man/man8/aubusy.8
  usr/share/man/man8/auchk.8 usr/share/man/man8/aubrsync.8 usr/share/man/man8/mount.aufs.8
  usr/share/man/man8/umount.aufs.8 usr/share/man/man8/aumvdown.8"
if [ -f "$AUFS_ROOT/aufs_rs.ko" ]; then
	check "make install" make -s -C "$AUFS_ROOT" install DESTDIR="$dest" MODULE="$AUFS_ROOT/aufs_rs.ko" >/dev/null
	check "module installed" test -f "$dest/lib/modules/$(modinfo -F vermagic "$AUFS_ROOT/aufs_rs.ko" | cut -d' ' -f1)/updates/aufs_rs.ko"
	for f in $want; do check "$f installed" test -s "$dest/$f"; done
	check "static tools (no ELF interpreter)" bash -c "! readelf -l '$dest/sbin/auplink' | grep -q INTERP"
	check "--help" bash -c "'$dest/usr/bin/aubusy' --help | grep -q 'Usage: aubusy'"
fi
for m in "$AUFS_ROOT"/Documentation/aufs.5 "$AUFS_ROOT"/tools/man/*.8; do
	check "man -l $(basename "$m")" bash -c "out=\$(MANWIDTH=80 man --warnings -l '$m' 2>&1 >/dev/null); [ -z \"\$out\" ] || { echo \"\$out\"; false; }"
done
echo "test result: $([ $fail -eq 0 ] && echo ok || echo FAILED). $pass passed; $fail failed; 0 ignored (make install and man pages)"
[ $fail -eq 0 ]
