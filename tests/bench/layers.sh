# Sourced by bench.sh and scaling.sh: tmpfs /l and /u (and /m for the
# mounts), and lower layers /l/1../l/MAX, each with d/ holding 10 files
# fK_0..fK_9 (a small merged dir: 10 per layer), MAX the largest of $LAYERS.
max=0
for n in $LAYERS; do [ "$n" -le "$max" ] || max=$n; done
mkdir -p /l /u /m
mount -t tmpfs l /l
mount -t tmpfs u /u
k=1
while [ $k -le "$max" ]; do
	mkdir -p /l/$k/d
	aufs-test mkfiles /l/$k/d "f${k}_" 10 >/dev/null
	k=$((k + 1))
done
