#!/bin/sh
# Guest-side selftest runner (kselftest style, TAP 13). Each tests/*.sh is one
# behaviour, run in its own scratch dir under /tmp with lib.sh sourced; exit 0
# passes, 4 skips (KSFT_SKIP), anything else fails. Mounts a test leaves behind
# are unmounted before the next one starts.
# /etc/aufs-tests, when not empty, names the tests to run (one share of the
# suite: check.sh splits it over two guests); ONLY narrows by a regex.
cd /tests || exit 1
tests=$(ls tests/*.sh)
if [ -s /etc/aufs-tests ]; then
	tests=$(sed 's|.*|tests/&.sh|' /etc/aufs-tests)
	for t in $tests; do [ -f "$t" ] || { echo "Bail out! no test $t"; exit 1; }; done
fi
[ -n "$ONLY" ] && tests=$(echo "$tests" | grep -E "$ONLY")
total=$(echo "$tests" | wc -l)
echo "TAP version 13"
echo "1..$total"
i=0
for t in $tests; do
	i=$((i + 1))
	name=$(basename "$t" .sh)
	work=$(mktemp -d "/tmp/$name.XXXXXX")
	t0=$(cut -d' ' -f1 /proc/uptime)
	(cd "$work" && . /tests/lib.sh && . "/tests/$t") >/tmp/test.out 2>&1
	rc=$?
	grep " $work" /proc/mounts | awk '{print $2}' | sort -r | while read -r m; do
		umount "$m" 2>/dev/null || umount -l "$m"
	done
	rm -rf "$work"
	# Clean-up included: check.sh balances its two guests by these times.
	awk -v t0="$t0" '{ printf "time: %.1f s\n", $1 - t0 }' /proc/uptime >>/tmp/test.out
	sed 's/^/# /' /tmp/test.out
	case $rc in
	0) echo "ok $i $name" ;;
	4) echo "ok $i $name # SKIP" ;;
	*) echo "not ok $i $name # exit $rc" ;;
	esac
done
