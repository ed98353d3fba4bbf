# Names starting with .wh. cannot be looked up (EPERM) nor listed; names over
# 242 bytes are ENAMETOOLONG.
mkdir b && : > b/.wh.x && : > b/.wh..wh.aufs && mkdir b/.wh..wh.plnk && echo v > b/visible
aufs_mount "br=$PWD/b"
expect_errno EPERM open-errno mnt/.wh.x r
expect_errno EPERM open-errno mnt/.wh..wh.aufs r
expect_errno EPERM open-errno mnt/.wh.nonexistent r
assert_eq "$(ls -a mnt | tr '\n' ' ')" ". .. visible " "listing"
long=$(printf '%0243d' 0)
expect_errno ENAMETOOLONG open-errno "mnt/$long" r
ok=$(printf '%0242d' 0)
expect_errno ENOENT open-errno "mnt/$ok" r
