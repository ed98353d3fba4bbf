#!/usr/bin/env bash
# Builds aufs_rs.ko against the test kernel from scripts/setup.sh (or KDIR).
set -euo pipefail
. "$(dirname "$0")/env.sh"
kdir=${KDIR:-$AUFS_KERNEL_LINK}
[ -d "$kdir" ] || die "no kernel build at $kdir: run scripts/setup.sh"
make -s -C "$kdir" M="$AUFS_ROOT" modules "$@"
