# issue 13, problem 12c: mmap runs under mmap_lock, so it must not do xino
# work (the xino files' locks are held elsewhere when page faults take
# mmap_lock). Maps a hardlinked lower file (the pseudo-link check asks xino
# for its number) while xino has numbers waiting to be freed (table writes),
# after a remount (a lookup again), private and shared, under lockdep: the
# content is right and the kernel logs no lockdep report.
mkdir rw lo lo2
echo hard > lo/h
ln lo/h lo/h2
aufs_mount "br=$PWD/rw=rw:$PWD/lo=ro"
for round in 1 2 3; do
	# Numbers waiting to be freed: files made and removed through the union.
	for i in 1 2 3 4; do echo x >mnt/tmp$i; done
	rm mnt/tmp*
	assert_eq "$(aufs-test mmap-read mnt/h private)" hard "private map, round $round"
	assert_eq "$(aufs-test mmap-read mnt/h2 shared)" hard "shared map, round $round"
	mount -o "remount,append:$PWD/lo2" mnt || fail "append"
	mount -o "remount,del:$PWD/lo2" mnt || fail "del"
done
umount mnt || fail "umount"
