# POSIX ACLs decide access through the union as on the branch (problem 8 of
# issue 13): an ACL entry that grants a user read must let them read through
# the union, and one that denies a user whom the mode bits allow must refuse
# them (the branch is then accessed as the mounter, so the union must check).
mkdir rw b b/d
echo grant > b/grant && chmod 640 b/grant
echo deny > b/deny && chmod 644 b/deny
echo inner > b/d/f && chmod 644 b/d/f && chmod 750 b/d
aufs-test setacl-user b/grant 1000 4 0 > /dev/null || exit 4   # no ACLs here: skip
aufs-test setacl-user b/deny 1000 0 4 > /dev/null || fail "setacl deny"
aufs-test setacl-user b/d 1000 5 0 > /dev/null || fail "setacl dir"
chmod 755 . b rw
# On the branch itself.
assert_eq "$(aufs-test as-user 1000 cat b/grant)" grant "branch: ACL grants read"
assert_eq "$(aufs-test as-user 1000 aufs-test open-errno b/deny r)" EACCES "branch: ACL denies read"
assert_eq "$(aufs-test as-user 1000 cat b/d/f)" inner "branch: ACL grants search"
assert_eq "$(aufs-test as-user 1001 aufs-test open-errno b/grant r)" EACCES "branch: others refused"

aufs_mount "br=$PWD/rw=rw:$PWD/b=ro"
chmod 755 mnt
assert_eq "$(aufs-test getacl mnt/grant | tr '\n' ' ')" "1:-1:6 2:1000:4 4:-1:4 10:-1:4 20:-1:0 " "ACL read through the union"
assert_eq "$(aufs-test as-user 1000 cat mnt/grant)" grant "union: ACL grants read"
assert_eq "$(aufs-test as-user 1000 aufs-test open-errno mnt/deny r)" EACCES "union: ACL denies read"
assert_eq "$(aufs-test as-user 1000 cat mnt/d/f)" inner "union: ACL grants search in a mode 750 dir"
assert_eq "$(aufs-test as-user 1001 aufs-test open-errno mnt/grant r)" EACCES "union: others refused"
assert_eq "$(aufs-test as-user 1001 aufs-test open-errno mnt/d/f r)" EACCES "union: others cannot search"
assert_eq "$(aufs-test as-user 1001 cat mnt/deny)" deny "union: mode bits still grant others"

# Changing the ACL through the union (copy-up) takes effect at once: the
# union's cached ACL follows the copy.
expect_errno ok setacl-user mnt/deny 1000 4 4
assert_eq "$(aufs-test as-user 1000 cat mnt/deny)" deny "union: ACL changed to grant"
expect_errno ok setacl-user mnt/grant 1000 0 0
assert_eq "$(aufs-test as-user 1000 aufs-test open-errno mnt/grant r)" EACCES "union: ACL changed to deny"
assert_eq "$(aufs-test as-user 1000 cat b/grant)" grant "lower branch keeps its ACL"
# chmod recomputes the ACL mask: g-r masks the named user's read.
expect_errno ok setacl-user mnt/grant 1000 4 0
assert_eq "$(aufs-test as-user 1000 cat mnt/grant)" grant "union: ACL granting again"
chmod 600 mnt/grant || fail "chmod"
assert_eq "$(aufs-test as-user 1000 aufs-test open-errno mnt/grant r)" EACCES "union: mask cleared by chmod"

# With ACLs on the union (SB_POSIXACL), the umask still applies to new files
# (the branch applies it, or its parent's default ACL).
umask 022 && echo x > mnt/u022 && assert_eq "$(stat -c %a mnt/u022)" 644 "umask 022"
umask 077 && echo x > mnt/u077 && assert_eq "$(stat -c %a mnt/u077)" 600 "umask 077"
umask 022 && mkdir mnt/d022 && assert_eq "$(stat -c %a mnt/d022)" 755 "umask 022, dir"
true
