# The module registers the filesystem type "aufs" (no block device needed).
assert_eq "$(grep aufs /proc/filesystems)" "$(printf 'nodev\taufs')" "/proc/filesystems line"
