#!/usr/bin/env bash
# `make check`: set-up, build, host unit tests, then the guest selftests in
# QEMU. Fails on any failed test, a guest timeout or crash, or any kernel
# splat (oops, BUG, WARNING, lockdep, kmemleak) in the console.
set -euo pipefail
. "$(dirname "$0")/env.sh"
start=$(date +%s)

"$AUFS_ROOT/scripts/setup.sh" >/dev/null
out=${AUFS_OUT:-$AUFS_CACHE/out}
mkdir -p "$out"
log "building aufs_rs.ko"
"$AUFS_ROOT/scripts/build-module.sh"
# The guests boot this copy: lint's clippy build rewrites the tree's .ko.
cp "$AUFS_ROOT/aufs_rs.ko" "$out/aufs_rs.ko"
export AUFS_MODULE=$out/aufs_rs.ko AUFS_MODULE_BUILT=1

# rustfmt, clippy and the host unit tests run beside the guests (about 15 s
# of one core, mostly compiling); a lint failure counts as a failed test.
unit_job() {
	local rc=0
	"$AUFS_ROOT/scripts/lint.sh" || rc=1
	"$AUFS_ROOT/scripts/unit-tests.sh" || rc=1
	echo $rc >"$out/unit.rc"
}
rm -f "$out/unit.rc"
unit_job >"$out/unit.log" 2>&1 &
unit_pid=$!

# unit_finish: the unit job's output and counts (a build or lint error, with
# no failing test to show it, counts as one failure).
unit_finish() {
	wait $unit_pid || true
	log "rustfmt, clippy and host unit tests"
	cat "$out/unit.log"
	unit_pass=$(sed -n 's/^test result: .* \([0-9]*\) passed; \([0-9]*\) failed.*/\1/p' "$out/unit.log" | awk '{s+=$1} END {print s+0}')
	unit_fail=$(sed -n 's/^test result: .* \([0-9]*\) passed; \([0-9]*\) failed.*/\2/p' "$out/unit.log" | awk '{s+=$1} END {print s+0}')
	[ "$(cat "$out/unit.rc" 2>/dev/null)" = 0 ] || [ "$unit_fail" -gt 0 ] || unit_fail=1
}

# The guest runs and the Debian script tests share the machine's two cores in
# two lanes (a TCG guest is one host thread: one core): lane A runs one share
# of the test kernel's selftests, then dpkg on the test kernel; lane B runs
# the whole suite on Debian's stock kernel, the Debian script tests and then
# the other share. tests/selftests/durations (seconds per test on the test
# kernel, and per lane job) balances the two; this run's own times are
# written to $out/durations for updating it.
#
# run_guest KERNEL OUT [TESTS...] runs vm.sh check (only TESTS when given);
# its output and exit status stay in OUT for guest_finish.
run_guest() {
	local kernel=$1 dir=$2 rc=0
	shift 2
	mkdir -p "$dir"
	KERNEL=$kernel AUFS_OUT=$dir AUFS_TESTS="$*" AUFS_MODULE_BUILT=1 \
		AUFS_GUEST_ENV="$([ "$kernel" = test ] && echo "$test_env" || echo "$debian_env")" \
		"$AUFS_ROOT/scripts/vm.sh" check >"$dir/vm.log" 2>&1 || rc=$?
	echo $rc >"$dir/vm.rc"
}

# run_script OUT SCRIPT [ENV...]: a host-side script printing TAP lines; its
# output and exit status stay in OUT for script_finish.
run_script() {
	local dir=$1 script=$2 rc=0
	shift 2
	mkdir -p "$dir"
	env "$@" "$script" >"$dir/script.log" 2>&1 || rc=$?
	echo $rc >"$dir/script.rc"
}

# guest_finish KERNEL OUT... adds the guest runs in OUT... (the shares of
# one kernel's suite) to passed/failed/skipped and names the kernel in every
# failure. The guest's own `uname -r` and the module's vermagic must be the
# kernel vm.sh built or chose, else the run fails: a run of the wrong kernel
# never counts.
passed=0 failed=0 skipped=0 bad=0 summary="" failures=""
# note_failure TEXT: kept for the end of the output, where a log's tail
# (all CI shows of a run) names what failed and why.
note_failure() {
	failures+="$1"$'\n'
}

# failed_tests PREFIX FILE: each failing TAP test in FILE with the last
# lines it printed before its "not ok" line, each line after PREFIX.
failed_tests() {
	awk -v p="$1" '
		/^(not )?ok [0-9]+/ { if ($1 == "not") { s = (n > 12) ? n - 12 : 0; for (i = s + 1; i <= n; i++) print p "  " buf[i]; print p $0 }; n = 0; next }
		{ buf[++n] = $0 }' "$2"
}

guest_finish() {
	local kernel=$1 out p s f planned want uname magic name sweep sweeps="" tp=0 ts=0 tf=0 runs=0
	shift
	for out in "$@"; do
		runs=$((runs + 1))
		cat "$out/vm.log"
		name="the test kernel"
		if [ "$(cat "$out/vm.rc" 2>/dev/null)" != 0 ]; then
			echo "guest ($kernel): FAILED: no guest run on $kernel (build or boot set-up failed, above)"
			note_failure "no guest run on $kernel: $(tail -n 5 "$out/vm.log")"
			tf=$((tf + 1))
			continue
		fi
		tr -d '\r' <"$out/results.log" >"$out/results.txt"
		cat "$out/results.txt"
		want=$(cat "$out/kernel.expected")
		read -r uname magic < <(sed -n 's/^aufs-guest: kernel \([^ ]*\) vermagic \([^ ]*\).*/\1 \2/p' "$out/results.txt" | head -n1) || true
		[ "$kernel" = test ] && name="the test kernel $want" || name="Debian $want"
		name+=" (guest: kernel ${uname:-?}, vermagic ${magic:-?})"
		planned=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$out/results.txt" | head -n1)
		p=$(grep -E '^ok [0-9]+' "$out/results.txt" | grep -vc '# SKIP' || true)
		s=$(grep -cE '^ok [0-9]+ .*# SKIP' "$out/results.txt" || true)
		f=$(grep -cE '^not ok [0-9]+' "$out/results.txt" || true)
		grep -E '^not ok [0-9]+' "$out/results.txt" | sed "s/^/FAILED on ${name:-$kernel}: /" || true
		[ "$f" -eq 0 ] || note_failure "$(failed_tests "on $name: " "$out/results.txt")"
		if [ -z "$planned" ] || [ $((p + s + f)) -ne "$planned" ]; then
			echo "guest ($name): only $((p + s + f)) of ${planned:-?} tests reported (crash or timeout); console tail:"
			tail -n 40 "$out/console.log"
			note_failure "guest ($name): only $((p + s + f)) of ${planned:-?} tests reported; console: $(tail -n 8 "$out/console.log")"
			f=$((f + ${planned:-1} - p - s - f))
		fi
		if ! "$AUFS_ROOT/scripts/scan-console" "$out/console.log"; then
			echo "guest ($name): FAILED: kernel reports in the console (above) fail the run"
			note_failure "guest ($name): kernel reports in the console; first: $(grep -m3 -E 'BUG|WARNING|Oops|lockdep|kmemleak|possible' "$out/console.log")"
			f=$((f + 1))
		fi
		if [ "${uname:-}" != "$want" ] || [ "${magic:-}" != "$want" ]; then
			echo "guest ($name): FAILED: the guest did not run kernel $want with a module built for it"
			note_failure "guest ($name): not kernel $want"
			f=$((f + 1))
		fi
		tp=$((tp + p)) ts=$((ts + s)) tf=$((tf + f))
		# The fault-injection sweeps' own summary lines (100-fault-sweep, ...).
		sweep=$(sed -n 's/^# \(# \)\{0,1\}\([a-z]*-sweep: .*\)$/\2/p' "$out/results.txt" | paste -sd ';' | sed 's/;/; /g')
		[ -z "$sweep" ] || sweeps+="${sweeps:+; }$sweep"
	done
	[ "$tf" -eq 0 ] || bad=1
	passed=$((passed + tp)) failed=$((failed + tf)) skipped=$((skipped + ts))
	summary+="; guest on $name: $tp passed, $tf failed, $ts skipped"
	[ "$runs" -eq 1 ] || summary+=" in $runs guests"
	[ -z "$sweeps" ] || summary+=" ($sweeps)"
}

# script_finish NAME OUT: adds run_script's TAP lines in OUT.
script_finish() {
	local name=$1 res p f rc planned
	log "$name"
	res=$(cat "$2/script.log")
	rc=$(cat "$2/script.rc" 2>/dev/null || echo 1)
	echo "$res"
	p=$(grep -cE '^ok [0-9]+' <<<"$res" || true)
	f=$(grep -cE '^not ok [0-9]+' <<<"$res" || true)
	planned=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' <<<"$res" | head -n1)
	# No test run, or a script that failed without a failing test (a build or
	# set-up error): one failure. So is a test the plan names but no line reports.
	{ [ "$p" -gt 0 ] && { [ "$rc" -eq 0 ] || [ "$f" -gt 0 ]; }; } || f=$((f + 1))
	if [ -n "$planned" ] && [ $((p + f)) -lt "$planned" ]; then
		echo "FAILED in the $name: only $((p + f)) of $planned tests reported"
		f=$((planned - p))
	fi
	[ "$rc" -eq 0 ] || bad=1
	grep -E '^not ok [0-9]+' <<<"$res" | sed "s/^/FAILED in the $name: /" || true
	[ "$f" -eq 0 ] || note_failure "in the $name (exit $rc): $(failed_tests "" <(echo "$res")) $(tail -n 4 <<<"$res")"
	passed=$((passed + p)) failed=$((failed + f))
	summary+="; $name: $p passed, $f failed"
}

# split_tests LOAD_A LOAD_B: the test kernel's selftests in two shares, one
# line each (in name order), longest first onto the lane with less work
# (LOAD_A and LOAD_B: the lanes' other jobs, in seconds). A test missing from
# tests/selftests/durations counts 5 s. The soak tests ("# soak:" line) stay
# together: run_tests.sh runs them side by side, so they cost their longest.
split_tests() {
	local t
	for t in "$AUFS_ROOT"/tests/selftests/tests/*.sh; do
		echo "$(basename "$t" .sh) $(grep -c '^# soak:' "$t")"
	done |
		awk -v a="$1" -v b="$2" -v durations="$AUFS_ROOT/tests/selftests/durations" '
		BEGIN { while ((getline line < durations) > 0) { split(line, w, " "); if (w[1] !~ /^#/) secs[w[1]] = w[2] } }
		{
			name[NR] = $1; c = ($1 in secs) ? secs[$1] : 5
			if ($2 > 0) { soak[NR] = 1; if (!first) { first = NR; n_items++; item[n_items] = NR }; if (c > cost[first]) cost[first] = c }
			else { n_items++; item[n_items] = NR; cost[NR] = c }
		}
		END {
			for (i = 2; i <= n_items; i++)  # insertion sort, longest first
				for (j = i; j > 1 && cost[item[j]] > cost[item[j - 1]]; j--) {
					k = item[j]; item[j] = item[j - 1]; item[j - 1] = k
				}
			for (i = 1; i <= n_items; i++) {
				l = (a <= b) ? "A" : "B"
				if (l == "A") a += cost[item[i]]; else b += cost[item[i]]
				lane[item[i]] = l
			}
			for (i = 1; i <= NR; i++) if (soak[i]) lane[i] = lane[first]
			for (i = 1; i <= NR; i++) if (lane[i] == "A") sa = sa " " name[i]
			for (i = 1; i <= NR; i++) if (lane[i] == "B") sb = sb " " name[i]
			print substr(sa, 2); print substr(sb, 2)
		}'
}

# durations KEY: a lane job's seconds from tests/selftests/durations.
durations() {
	awk -v k="$1" '$1 == k { print $2; found = 1 } END { if (!found) print 0 }' "$AUFS_ROOT/tests/selftests/durations"
}

# timed KEY CMD...: runs CMD, then notes its seconds in $out/lane-times.
timed() {
	local key=$1 t0
	shift
	t0=$(date +%s)
	"$@"
	echo "$key $(($(date +%s) - t0))" >>"$out/lane-times"
}

debian=${AUFS_DEBIAN:-1}
# Debian's kernel has no lockdep and no kmemleak: the long stress runs and
# the 200 module load cycles are for the test kernel; shorter there.
debian_env="STRESS_SECONDS=10 REMOUNT_SECONDS=8 MOUNT_CYCLES=20"
# The soak tests run 20 s (the remount race 15 s) on the test kernel, and
# the module goes through 50 leak-checked load cycles: a gate for every
# change, aiming at 5 minutes; `make soak` (scripts/soak.sh) is the long run.
test_env="STRESS_SECONDS=20 REMOUNT_SECONDS=15 MOUNT_CYCLES=50"
rm -f "$out/lane-times"
# The Debian lane's first run also makes its toolchain, kernel tree, chroot
# and dpkg root (about 5 minutes more): then lane B gets fewer test-kernel
# tests, so that both lanes end together on a fresh machine too.
load_b=0 debian_key=debian-lane
ls "$AUFS_CACHE"/debian/kbuild/*/.aufs-built >/dev/null 2>&1 || debian_key=debian-lane-fresh
[ "$debian" = 0 ] || load_b=$(durations $debian_key)
{ read -r share_a; read -r share_b; } < <(split_tests "$(durations dpkg-test)" "$load_b")
log "guest selftests on the test kernel (two guests)$([ "$debian" = 0 ] || echo " and, alongside, on Debian's stock kernel") (QEMU, ${AUFS_ACCEL:-tcg})"
lane_a() {
	timed test-share-a run_guest test "$out" $share_a
	timed dpkg-test run_script "$out/dpkg-test" "$AUFS_ROOT/scripts/debian/test-dpkg.sh" AUFS_DPKG_KERNELS=test
}
lane_b() {
	if [ "$debian" != 0 ]; then
		local t0
		t0=$(date +%s)
		run_guest debian "$out-debian"
		run_script "$out/refusals" "$AUFS_ROOT/scripts/debian/test-refusals.sh"
		run_script "$out/dkms" "$AUFS_ROOT/scripts/debian/test-dkms.sh"
		run_script "$out/dpkg-debian" "$AUFS_ROOT/scripts/debian/test-dpkg.sh" AUFS_DPKG_KERNELS=debian
		echo "$debian_key $(($(date +%s) - t0))" >>"$out/lane-times"
	fi
	[ -z "$share_b" ] || timed test-share-b run_guest test "$out-2" $share_b
}
lane_a &
lane_a_pid=$!
lane_b &
wait $lane_a_pid || true
wait $! || true
unit_finish

if [ "$debian" != 0 ]; then
	guest_finish debian "$out-debian"
	script_finish "refusals of make debian-module" "$out/refusals"
	script_finish "dkms build in a Debian chroot" "$out/dkms"
	script_finish "dpkg through the union on Debian's kernel" "$out/dpkg-debian"
fi
log "guest selftests on the test kernel"
guest_finish test "$out" $([ -z "$share_b" ] || echo "$out-2")
# A Debian root as layers, dpkg through the union: its own guest run (the
# layers make a 70 MB initramfs the other runs do not carry).
script_finish "dpkg through the union" "$out/dpkg-test"
[ "$debian" != 0 ] || summary+="; Debian's stock kernel: not run (AUFS_DEBIAN=0)"
[ "$failed" -eq 0 ] && [ "$unit_fail" -eq 0 ] || bad=1

# This run's durations, in the format of tests/selftests/durations.
{
	echo "# seconds on the test kernel, clean-up included (check.sh's $out/durations)"
	cat "$out/results.txt" $([ -z "$share_b" ] || echo "$out-2/results.txt") 2>/dev/null |
		awk '/^# time: / { t = $3 } /^(not )?ok [0-9]+ / { n = ($1 == "ok") ? $3 : $4; printf "%s %.0f\n", n, t + 0.5 }' | sort
	grep -E '^(debian-lane|debian-lane-fresh|dpkg-test) ' "$out/lane-times" || true
} >"$out/durations"
[ "$unit_fail" -eq 0 ] || note_failure "rustfmt, clippy or host unit tests: $(grep -E 'FAILED|^error|panicked|Diff in' "$out/unit.log" | head -n 8)"
if [ -n "$failures" ]; then
	log "what failed (repeated from above)"
	printf '%s' "$failures"
fi
lanes=$(awk '{ printf "%s%s %s s", (NR > 1 ? ", " : ""), $1, $2 }' "$out/lane-times")
echo "time: $(($(date +%s) - start)) s ($lanes); unit: $unit_pass passed, $unit_fail failed$summary"
echo "check: $((unit_pass + passed)) passed, $((unit_fail + failed)) failed, $skipped skipped"
exit $bad
