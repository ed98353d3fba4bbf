# Permission checks follow the real file: a user reads what the branch lets
# them read, and is refused the rest with EACCES.
mkdir b && echo secret > b/secret && echo public > b/public && mkdir b/closed && echo x > b/closed/f
chmod 600 b/secret && chmod 644 b/public && chmod 700 b/closed && chmod 755 b
aufs_mount "br=$PWD/b"
chmod 755 . mnt 2>/dev/null
assert_eq "$(aufs-test as-user 1000 cat mnt/public)" public "world-readable file"
assert_eq "$(aufs-test as-user 1000 aufs-test open-errno mnt/secret r)" EACCES "mode 600 file"
assert_eq "$(aufs-test as-user 1000 aufs-test open-errno mnt/closed/f r)" EACCES "file in a mode 700 dir"
assert_eq "$(aufs-test open-errno mnt/secret r)" ok "root reads mode 600"
