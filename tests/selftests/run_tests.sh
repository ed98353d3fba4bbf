#!/bin/sh
# Guest-side selftest runner (kselftest style, TAP 13). Each tests/*.sh is one
# behaviour, run in its own scratch dir under /tmp with lib.sh sourced; exit 0
# passes, 4 skips (KSFT_SKIP), anything else fails. Mounts a test leaves behind
# are unmounted before the next one starts.
# /etc/aufs-tests, when not empty, names the tests to run (one share of the
# suite: check.sh splits it over two guests); ONLY narrows by a regex.
#
# Soak tests (a line starting "# soak:") run for a fixed time, not a fixed
# amount of work, so they run first and side by side, each on its own mount:
# their minutes overlap instead of adding up (a TCG guest is one host core, so
# the suite is CPU-bound and a fixed-time test costs its time whatever runs
# beside it). Nothing else runs meanwhile: other tests unload the module.
cd /tests || exit 1
tests=$(ls tests/*.sh)
if [ -s /etc/aufs-tests ]; then
	tests=$(sed 's|.*|tests/&.sh|' /etc/aufs-tests)
	for t in $tests; do [ -f "$t" ] || { echo "Bail out! no test $t"; exit 1; }; done
fi
[ -n "$ONLY" ] && tests=$(echo "$tests" | grep -E "$ONLY")
soaks=$(grep -l '^# soak:' $tests 2>/dev/null)
rest=$(for t in $tests; do echo "$soaks" | grep -qx "$t" || echo "$t"; done)
total=$(echo "$tests" | wc -l)

# run_test TEST NUMBER: runs TEST, writes its TAP lines to /tmp/tap.NUMBER.
run_test() {
	name=$(basename "$1" .sh)
	work=$(mktemp -d "/tmp/$name.XXXXXX")
	out=/tmp/test.$2.out
	t0=$(cut -d' ' -f1 /proc/uptime)
	(cd "$work" && . /tests/lib.sh && . "/tests/$1") >"$out" 2>&1
	rc=$?
	grep " $work" /proc/mounts | awk '{print $2}' | sort -r | while read -r m; do
		umount "$m" 2>/dev/null || umount -l "$m"
	done
	rm -rf "$work"
	# Clean-up included: check.sh balances its two guests by these times.
	awk -v t0="$t0" '{ printf "time: %.1f s\n", $1 - t0 }' /proc/uptime >>"$out"
	{
		sed 's/^/# /' "$out"
		case $rc in
		0) echo "ok $2 $name" ;;
		4) echo "ok $2 $name # SKIP" ;;
		*) echo "not ok $2 $name # exit $rc" ;;
		esac
	} >/tmp/tap.$2
	rm -f "$out"
}

echo "TAP version 13"
echo "1..$total"
i=0
for t in $soaks; do
	i=$((i + 1))
	run_test "$t" $i &
done
wait
for n in $(seq 1 $i); do cat /tmp/tap.$n && rm -f /tmp/tap.$n; done
for t in $rest; do
	i=$((i + 1))
	run_test "$t" $i
	cat /tmp/tap.$i && rm -f /tmp/tap.$i
done
