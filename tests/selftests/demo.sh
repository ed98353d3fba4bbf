# The seed example of the aufs article, shown by `make run`.
set -x
mkdir image1 image2 container
echo image1 > image1/001 && echo image1 > image1/002
echo image2 > image2/002 && echo image2 > image2/003
mount -t aufs -o br=./image1:./image2 none ./container
ls container
cat container/002
grep aufs /proc/filesystems
grep aufs /proc/mounts
set +x
