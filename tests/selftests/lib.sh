# Helpers for the guest selftests, sourced by run_tests.sh into each test.
# A test runs in a fresh scratch dir (its cwd) and fails by exiting non-zero.
set -u

fail() {
	echo "FAIL: $*"
	exit 1
}

# assert_eq ACTUAL EXPECTED WHAT
assert_eq() {
	[ "$1" = "$2" ] || fail "$3: got '$1', want '$2'"
}

# expect_errno ERRNO COMMAND...: the aufs-test probe must print ERRNO.
expect_errno() {
	want=$1
	shift
	got=$(aufs-test "$@")
	[ "$got" = "$want" ] || fail "aufs-test $*: got '$got', want '$want'"
}

# Mounts aufs with the given options on ./mnt (made if missing).
aufs_mount() {
	mkdir -p mnt
	mount -t aufs -o "$1" none mnt || fail "mount -o $1 failed"
}

# si_dir [MNT]: the sysfs dir of the union mounted at MNT (default mnt), named
# by its si= option (soak tests run beside other mounts: never si_*).
si_dir() {
	si=$(awk -v m="$(cd "${1:-mnt}" && pwd)" '$2 == m && $3 == "aufs" { print $4 }' /proc/mounts |
		tr , '\n' | sed -n 's/^si=//p')
	[ -n "$si" ] && [ -d "/sys/fs/aufs/si_$si" ] || fail "no sysfs dir for ${1:-mnt}"
	echo "/sys/fs/aufs/si_$si"
}

# remount OPTIONS: `mount -o remount,OPTIONS mnt` must succeed; on failure
# the test fails with the kernel's last aufs lines.
remount() {
	mount -o "remount,$1" mnt || { dmesg | grep "aufs: " | tail -n 2; fail "remount,$1"; }
}

# Clears the kernel log so a test can look for its own messages.
dmesg_clear() {
	dmesg -c >/dev/null
}

# dmesg_expect TEXT: since dmesg_clear the kernel logged an 'aufs: ' line
# containing TEXT.
dmesg_expect() {
	dmesg | grep 'aufs: ' | grep -qF "$1" || { dmesg | tail -n 5; fail "no 'aufs: ' kernel message with '$1'"; }
}

# wait_for COND...: polls COND every 0.1 s for up to 20 s.
wait_for() {
	t=0
	until "$@"; do
		t=$((t + 1))
		[ $t -lt 200 ] || fail "timed out waiting for: $*"
		sleep 0.1
	done
}

# edit DATA: remount mnt with DATA under load (the soak tests); a del: is
# retried while its branch is busy (EBUSY, up to 300 times, counted in
# $busy); another failure is handed to the test's own `err` and returns 1.
busy=0
edit() {
	t=0
	while :; do
		r=$(aufs-test remount mnt "$1")
		[ "$r" = ok ] && return 0
		case $1 in del:*) [ "$r" = EBUSY ] && [ $t -lt 300 ] && { t=$((t + 1)) busy=$((busy + 1)); sleep 0.02; continue; } ;; esac
		err "remount,$1: $r (after $t EBUSY retries)"
		return 1
	done
}

# whiteouts DIR COUNT: DIR (made) holding COUNT whiteouts .wh.f0.., made
# directly on a branch (faster than through the union).
whiteouts() {
	mkdir -p "$1"
	i=0
	while [ $i -lt "$2" ]; do
		: >"$1/.wh.f$i"
		i=$((i + 1))
	done
}

# hidden DIR: the dirwh removal temporaries in DIR (aufs's own dirs aside).
hidden() {
	ls -a "$1" | grep '^\.wh\.\.wh\.' | grep -v '^\.wh\.\.wh\.\(aufs\|plnk\|orph\)$'
}
