# shellcheck shell=bash
# Common environment for every aufs_rs script: where the caches live and which
# tool versions the build pins. Sourced, never run.

AUFS_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
AUFS_CACHE=${AUFS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/aufs_rs}
AUFS_TOOLS=$AUFS_CACHE/tools
# The test kernel built for this tree's scripts/kernel.config, linked by
# setup.sh: trees that share the cache with different configs (worktrees, a
# config change on a branch) never boot or build against each other's kernel,
# as they did through the one link $AUFS_CACHE/kernel that the last setup.sh run
# pointed at its own build.
AUFS_KERNEL_LINK=$AUFS_CACHE/kernel-$(sha256sum "$AUFS_ROOT/scripts/kernel.config" | cut -c1-16)

# Pinned versions (PLATFORM.md: the minimums Linux 7.3 accepts, measured to work).
BINDGEN_VERSION=0.71.1
FSX_VERSION=0.3.2
LIBCLANG_VERSION=18.1.1
KERNEL_SOURCE_PKG=linux-source-7.3
KERNEL_SOURCE_VERSION=7.3.4-1~bpo13+1

export PATH="$AUFS_TOOLS/bin:$HOME/.cargo/bin:$PATH"
export LIBCLANG_PATH="$AUFS_TOOLS/libclang/clang/native"

die() { echo "aufs_rs: $*" >&2; exit 1; }
log() { echo "== $*" >&2; }

# Debian packages: the system's apt and a private apt configuration.
. "$AUFS_ROOT/scripts/apt.sh"
