# The guest runs on the 2 CPUs vm.sh gives QEMU (-smp 2), both online, on the
# debug test kernel as on Debian's: the concurrency tests (55, 67, 72, 80,
# 102) need real parallelism, not only preemption on one CPU.
assert_eq "$(cat /sys/devices/system/cpu/online)" 0-1 "online CPUs"
assert_eq "$(nproc)" 2 "nproc"
assert_eq "$(grep -c '^processor' /proc/cpuinfo)" 2 "processors in /proc/cpuinfo"
