# st_ino survives copy-up in deep stacks (issue 13, problem 11): at 1, 10
# and 100 read-only layers, a file copied up from any layer keeps its inode
# number, also after a rename, for every name of a hardlink (files and
# symlinks), across cache eviction, and when the upper branch is rotated
# into the layers (made ro under a new rw branch) and the file is copied up
# again from there.
P=$PWD
ino() { stat -c %i "mnt/$1" || fail "stat $1"; }

# check_stack N: N lower layers l0..l(N-1); objects in l0, the middle and
# the last layer.
check_stack() {
	n=$1
	rm -rf s && mkdir s && cd s || fail "cd"
	i=0
	br="rw=rw"
	mkdir rw
	while [ $i -lt "$n" ]; do
		mkdir "l$i"
		br="$br:l$i=ro"
		i=$((i + 1))
	done
	layers=$(printf "%s\n" 0 $((n / 2)) $((n - 1)) | sort -un)
	for k in $layers; do
		echo "f$k" >"l$k/f$k" && echo "r$k" >"l$k/r$k"
		echo "h$k" >"l$k/h$k" && ln "l$k/h$k" "l$k/h${k}b"
		ln -s "target$k" "l$k/s$k" && ln "l$k/s$k" "l$k/s${k}b"
		echo "g$k" >"l$k/g$k"
	done
	# Relative branch paths: 100 absolute ones overflow the mount data page.
	mkdir -p ../mnt && mount -t aufs -o "br=$br" none ../mnt || fail "mount $n layers"
	cd "$P" || fail "cd back"
	for k in $layers; do
		f=$(ino "f$k") r=$(ino "r$k") h=$(ino "h$k") s=$(ino "s$k") g=$(ino "g$k")
		assert_eq "$(ino "h${k}b")" "$h" "$n layers: both names of h$k"
		assert_eq "$(ino "s${k}b")" "$s" "$n layers: both names of s$k"
		echo more >>"mnt/f$k" || fail "append f$k"
		assert_eq "$(ino "f$k")" "$f" "$n layers: f$k after copy-up"
		mv "mnt/r$k" "mnt/r$k.new" || fail "rename r$k"
		assert_eq "$(ino "r$k.new")" "$r" "$n layers: r$k after rename"
		echo more >>"mnt/h${k}b" || fail "append h${k}b"
		assert_eq "$(ino "h$k") $(ino "h${k}b")" "$h $h" "$n layers: h$k names after copy-up"
		ln "mnt/s$k" "mnt/s${k}c" || fail "link s$k"
		assert_eq "$(ino "s$k") $(ino "s${k}b") $(ino "s${k}c")" "$s $s $s" "$n layers: s$k names after copy-up"
		echo 3 >/proc/sys/vm/drop_caches
		assert_eq "$(ino "f$k") $(ino "r$k.new") $(ino "h$k") $(ino "h${k}b")" "$f $r $h $h" \
			"$n layers: files of layer $k after drop_caches"
		assert_eq "$(ino "s$k") $(ino "s${k}b") $(ino "s${k}c")" "$s $s $s" \
			"$n layers: symlinks of layer $k after drop_caches"
		assert_eq "$(cat "mnt/h$k" | tr '\n' ' ')" "h$k more " "$n layers: h$k content"
		# Rotate: the upper becomes a layer, a new rw goes on top, and
		# copy-up from the former upper keeps the numbers.
		mkdir "s/rw$k"
		remount "mod:$P/s/rw=ro"
		remount "prepend:$P/s/rw$k=rw"
		echo again >>"mnt/f$k" || fail "append f$k after the rotation"
		mv "mnt/r$k.new" "mnt/r$k.2" || fail "rename r$k after the rotation"
		echo again >>"mnt/h$k" || fail "append h$k after the rotation"
		chmod 600 "mnt/g$k" || fail "chmod g$k after the rotation"
		echo 3 >/proc/sys/vm/drop_caches
		assert_eq "$(ino "f$k") $(ino "r$k.2") $(ino "h$k") $(ino "h${k}b") $(ino "g$k")" \
			"$f $r $h $h $g" "$n layers: layer $k after the rotation"
		assert_eq "$(cat "mnt/h${k}b" | tr '\n' ' ')" "h$k more again " "$n layers: h${k}b content"
		remount "del:$P/s/rw$k"
		remount "mod:$P/s/rw=rw"
	done
	umount mnt || fail "umount"
}
for n in 1 10 100; do
	check_stack "$n"
done
