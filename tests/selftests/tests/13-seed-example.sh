# The seed article's example, read side: two branches, the top one wins.
mkdir image1 image2 container
echo image1 > image1/001 && echo image1 > image1/002
echo image2 > image2/002 && echo image2 > image2/003
mount -t aufs -o br=./image1:./image2 none ./container || fail "mount"
assert_eq "$(ls container | tr '\n' ' ')" "001 002 003 " "ls container"
assert_eq "$(cat container/002)" image1 "cat container/002"
assert_eq "$(cat container/003)" image2 "cat container/003"
