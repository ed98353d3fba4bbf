# The cost of a dirren rename (README "Directory rename"), not a test: a
# merged dir of 1000 files of 4 KiB in 10 subdirs on a ro branch, renamed
# within its dir (aufs's format), then into another dir (a copy-up of its
# lower tree); prints each rename(2)'s duration and what the writable branch
# holds. Run in the guest: scripts/vm.sh cmd 'sh /tests/dirren-cost.sh'
# (KERNEL=debian for Debian's kernel).
cd /tmp && rm -rf bd && mkdir bd && cd bd && mkdir -p lo rw mnt
i=0
while [ $i -lt 10 ]; do
	mkdir -p lo/big/s$i lo/other
	j=0; while [ $j -lt 100 ]; do printf '%4096s' x > lo/big/s$i/f$j; j=$((j+1)); done
	i=$((i+1))
done
echo "files: $(find lo/big -type f | wc -l), KiB: $(du -sk lo/big | cut -f1)"
mount -t aufs -o br=$PWD/rw=rw:$PWD/lo=ro,dirren none mnt
ls -R mnt/big >/dev/null
r=$(aufs-test rename-timed mnt/big mnt/big2)
echo "same dir (aufs format): $r, rw KiB $(du -sk rw | cut -f1), rw files $(find rw -type f | wc -l)"
r=$(aufs-test rename-timed mnt/big2 mnt/other/big3)
echo "into another dir (copy): $r, rw KiB $(du -sk rw | cut -f1), rw files $(find rw -type f | wc -l)"
echo "shown after: $(find mnt/other/big3 -type f | wc -l) files"
umount mnt
