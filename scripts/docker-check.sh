#!/usr/bin/env bash
# make docker-check: the end-to-end test with the real Docker (issue 15).
# Sets up what is missing (scripts/setup.sh, as make check does), then
# scripts/debian/test-docker.sh: Debian 12's dockerd with its aufs graph
# driver on aufs_rs in a guest of Debian's stock kernel, and the same steps
# on overlay2 in the same boot, with each step's time side by side. The
# Debian root with docker.io is made once (a few minutes) and cached.
# Not part of make check (which must stay fast); .ci/run runs both.
set -euo pipefail
. "$(dirname "$0")/env.sh"
start=$(date +%s)
"$AUFS_ROOT/scripts/setup.sh" >/dev/null
rc=0
"$AUFS_ROOT/scripts/debian/test-docker.sh" || rc=$?
log "docker-check: $([ $rc -eq 0 ] && echo passed || echo FAILED) in $(($(date +%s) - start)) s"
exit $rc
