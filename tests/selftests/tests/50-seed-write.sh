# The seed articles' write examples: appending to a file of the top branch
# changes it in place; appending to a file of a lower branch copies it up
# (both lines land in the top branch, the lower file is unchanged); with
# dirs=container1:image1=ro:... a new write lands in container1.
mkdir image1 image2 container
echo image1 > image1/001 && echo image1 > image1/002
echo image2 > image2/002 && echo image2 > image2/003
mount -t aufs -o br=./image1:./image2 none ./container || fail "mount"
echo container >> container/001
assert_eq "$(cat image1/001 | tr '\n' ' ')" "image1 container " "image1/001 changed in place"
echo container >> container/003
assert_eq "$(cat image2/003)" image2 "image2/003 unchanged"
assert_eq "$(cat image1/003 | tr '\n' ' ')" "image2 container " "image1/003 has both lines"
assert_eq "$(cat container/003 | tr '\n' ' ')" "image2 container " "union shows the copy"
umount container

mkdir container1 mnt img1 img2 img3
echo "Hello, Image layer1!" > img1/image1.txt && echo image2 > img2/002.txt && echo image3 > img3/004.txt
echo container > container1/container1.txt
mount -t aufs -o dirs=./container1:./img1=ro:./img2=ro:./img3=ro none ./mnt || fail "dirs= mount"
echo "Hello, Image layer1 changed!" > mnt/image1.txt
assert_eq "$(cat img1/image1.txt)" "Hello, Image layer1!" "image layer unchanged"
assert_eq "$(cat container1/image1.txt)" "Hello, Image layer1 changed!" "container layer has the change"
assert_eq "$(cat mnt/image1.txt)" "Hello, Image layer1 changed!" "union shows the change"
assert_eq "$(ls container1 | tr '\n' ' ')" "container1.txt image1.txt " "container layer listing"
