// SPDX-License-Identifier: GPL-2.0
/*
 * aufs-test: small probes the shell selftests cannot do with busybox.
 *
 *   aufs-test mount TYPE SOURCE TARGET DATA   mount(2); prints "ok" or the errno name
 *   aufs-test mmap-read FILE private|shared   prints the file through a mapping
 *   aufs-test mmap-hold FILE                  maps FILE shared, closes the fd, prints "ok",
 *                                             then keeps the mapping until killed
 *   aufs-test remount TARGET DATA             mount(2) with MS_REMOUNT; "ok" or the errno name
 *   aufs-test create-rename FILE SRC DST TEXT at a tick of the coarse clock: creates SRC
 *                                             holding TEXT, prints FILE, renames SRC to DST,
 *                                             prints FILE (all within one tick, mostly)
 *   aufs-test getdents DIR BUFSIZE            lists "name type" via getdents64
 *   aufs-test seekdir DIR                     telldir/seekdir round trip; prints "ok"
 *   aufs-test statfs PATH                     prints "type=HEX namelen=N"
 *   aufs-test drid DIR                        prints the id aufs's dirren names
 *                                             the branch rooted at DIR by in an
 *                                             info file: 2_FSID0-FSID1_INO (or
 *                                             3_DEV_INO when the fsid is zero)
 *   aufs-test seek-data FILE                  prints the first data and hole offsets
 *   aufs-test sendfile FILE                   sendfile(2) the file to stdout
 *   aufs-test open-errno FILE FLAGS           open(2) with r|w|rw|trunc; prints "ok" or errno
 *   aufs-test mkfiles DIR PREFIX N            creates N empty files DIR/PREFIXi (fast, no fork)
 *   aufs-test count-dents DIR PREFIX          getdents64 all of DIR; prints "entries=N sum=S",
 *                                             S the sum of the numbers of names PREFIX<number>
 *   aufs-test dents-memcg DIR CGROUP          joins memory cgroup CGROUP, lists DIR keeping it open;
 *                                             prints "entries=N held=BYTES" (memory.current growth)
 *   aufs-test getxattr FILE NAME              prints the value or the errno name
 *   aufs-test setxattr FILE NAME VALUE        prints "ok" or the errno name
 *   aufs-test listxattr FILE                  prints the names, one per line
 *   aufs-test as-user UID CMD...              runs CMD with uid and gid UID
 *   aufs-test bench-stat DIR ROUNDS           stats every entry ROUNDS times; prints "ns=N"
 *   aufs-test bench-readdir DIR ROUNDS        lists DIR ROUNDS times; prints "ns=N entries=N"
 *   aufs-test setacl FILE                     sets a POSIX access ACL (user 1000 r--)
 *   aufs-test getacl FILE                     prints the access ACL entries "tag:id:perm"
 *   aufs-test setacl-user FILE UID PERM OTHER sets u::rw- u:UID:PERM g::r-- m::r|PERM o::OTHER
 *   aufs-test listxattr-size FILE             prints what listxattr(FILE, NULL, 0) returns
 *   aufs-test rename OLD NEW noreplace|exchange|whiteout|none   renameat2; "ok" or errno
 *   aufs-test rename-timed OLD NEW            rename(2); "ok ns=N" (its duration) or errno
 *   aufs-test stress DIR SEED OPS             deterministic random namespace ops in DIR
 *   aufs-test stress-replay DIR SEED ROUNDS OPS  the stress rounds SEED.. SEED+ROUNDS-1 in turn
 *   aufs-test bench-create DIR N              creates then unlinks N files; prints "ns=N"
 *   aufs-test bench-append FILE               opens for append and writes 1 byte; "ns=N"
 *   aufs-test bench-write FILE MIB            writes MIB MiB sequentially (1 MiB writes); "ns=N"
 *   aufs-test bench-op OP PATH N R            a timed loop of make bench (tests/bench/bench.sh);
 *                                             prints "ns=TIME ops=COUNT" (TIME of the ops only):
 *                                             stat-cold|miss-cold: R times drop all caches, then
 *                                             lstat PATH0..PATH<N-1> (miss: PATH<r>_<i>, must not
 *                                             exist); stat-warm|miss-warm: one untimed pass, then
 *                                             R passes; readdir: R listings of PATH; cwu: N times
 *                                             create PATH<i>, write 4 KiB, close, unlink; copyup:
 *                                             append 1 byte to PATH<R*N>..PATH<R*N+N-1>; read: R times drop
 *                                             caches and read PATH (ops in MiB); write: R times
 *                                             write PATH with N MiB, fsync, unlink (ops in MiB);
 *                                             fill: creates PATH0..PATH<N-1> of R bytes (untimed)
 *   aufs-test bench-par OP PATH N R           OP (stat, open: open+close, read: open, pread 4 KiB,
 *                                             close) on PATH0..PATH<N-1>, R passes after an
 *                                             untimed one: first one process on CPU 0, then two
 *                                             at once, one on each CPU; prints "one=NS two=NS"
 *                                             (wall times: two = one when the fs scales)
 *   aufs-test sync PATH fsync|fdatasync|syncfs  opens PATH read-only (file or dir), makes
 *                                             the call; prints "ok" or the errno name
 *   aufs-test append-sync FILE TEXT           appends TEXT and fsyncs before closing; "ok"/errno
 *   aufs-test churn BRANCH UNION N            N times: create BRANCH/cI, stat UNION/cI, unlink
 *                                             BRANCH/cI; drops caches every 1000; prints "ok"
 *   aufs-test ino-unique DIR SECONDS          opens all of DIR again and again: no two open
 *                                             objects share an inode number; "ok PASSES"
 *   aufs-test inotify-hold PATH               inotify watch on PATH, prints "ok", keeps it until killed
 *   aufs-test links-race DIR ROUNDS           ROUNDS times, while a child writes to DIR/a through
 *                                             an open fd and another stats a and b: link a to
 *                                             b, unlink a, link b to d (the
 *                                             object still has a name), rename a new c over b;
 *                                             prints "ok ROUNDS" or the first failure (the
 *                                             first half of the rounds all on CPU 0)
 *   aufs-test open-gone FILE unlink|OTHER     opens FILE rw, unlinks it (or renames OTHER over it),
 *                                             then through the fd: fstat, pwrite, pread, ftruncate,
 *                                             fchmod; prints "size=N mode=OCT data=TEXT" or the errno
 *   aufs-test fail-nth N create|mkdir PATH    the N-th slab allocation of the call fails
 *                                             (/proc/thread-self/fail-nth); prints "ok" or the
 *                                             errno, then "fired" or "unfaulted"
 *   aufs-test fault-sweep OP|list DIR        the fault-injection sweep of OP in DIR (see there);
 *                                             prints "broken: ..." lines and "sweep OP POINTS BROKEN"
 *   aufs-test getflags FILE                   FS_IOC_GETFLAGS as "aidA" letters ("-" unset)
 *   aufs-test setflags FILE LETTERS           FS_IOC_SETFLAGS to exactly LETTERS; "ok" or errno
 *   aufs-test model-worker DIR LOWER SHARED ID SECONDS   model-checked random writes, appends,
 *                                             truncates, unlinks, renames of DIR/f00..f31 (first
 *                                             contents in LOWER) and records appended to
 *                                             SHARED/s0..s7; prints "shared sK wID N" counts
 *   aufs-test model-shared FILE LOWER         FILE is LOWER then whole ordered records; prints
 *                                             "shared NAME wI N" per worker
 *   aufs-test direct FILE HOW TEXT            direct I/O of the 4 KiB block at offset 0 (aligned
 *                                             buffer): HOW read (O_DIRECT open), unaligned (the
 *                                             same with a misaligned buffer), setfl (plain open,
 *                                             then fcntl F_SETFL O_DIRECT): prints the block's first
 *                                             line; write: writes TEXT and a newline, zero-padded,
 *                                             O_DIRECT; prints "ok"; else the errno name
 *   aufs-test cached FILE                     prints how many pages of FILE are in the page cache
 *   aufs-test model-readdir SECONDS DIRS      lists the DIRS (a:b:c) in a loop: no name twice,
 *                                             no ".wh." name; prints "readdir: N passes"
 *   aufs-test tree DIR SKIP SIZES             one line per object below DIR, sorted: path, mode,
 *                                             size, links and data hash, symlink target, xattrs
 *                                             (top-level names starting with SKIP left out; "-");
 *                                             dir sizes too if SIZES is "dirsize"
 *   aufs-test fill-blocks FILE K              writes FILE until ENOSPC, then frees K 4 KiB pages
 *   aufs-test fill-inodes DIR K               makes DIR and files in it until ENOSPC, removes K
 *   aufs-test model-lower LO W                the lower branch of 102-stress-model (see there)
 *   aufs-test module-cycles KO BRANCH MNT N   N times insmod, mount BRANCH alone on MNT, read
 *                                             MNT/f, list MNT, umount, rmmod; "ok" or the failure
 *   aufs-test mvdown FILE FLAGS UBRID LBRID   AUFS_CTL_MVDOWN on FILE (opened read-only) with
 *                                             FLAGS (C number) and the brids; prints "ok" or the
 *                                             errno name, then " au_errno=N flags=0xF b=U>L"
 *   aufs-test ioctl FILE NR                   ioctl(FILE, NR, NULL) (NR: C number); "ok" or errno
 *   aufs-test fhsm MNT ACTIONS                the FHSM fd of the union at MNT (AUFS_CTL_FHSM_FD
 *                                             on its root), ACTIONS comma-separated in order, one
 *                                             output line each (errors as errno names):
 *                                             open | open-nb | open-bad (O_APPEND): "open ok|ERR";
 *                                             open2: a second one, "open2 ok|ERR"; read: a
 *                                             non-blocking read of 4 KiB, "read N" then a line
 *                                             "rec BRID BINDEX BLOCKS BAVAIL FILES FFREE" each;
 *                                             small: a read of 39 bytes, "small N|ERR"; poll=MS:
 *                                             "poll in|none"; write=PATH=KB: appends KB KiB;
 *                                             touch=PATH: creates it; sleep=MS; umount=PATH;
 *                                             close
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/inotify.h>
#include <sys/mount.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <linux/fs.h>
#include <time.h>
#include <unistd.h>

static const char *errno_name(int e)
{
	switch (e) {
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case EIO: return "EIO";
	case EBADF: return "EBADF";
	case EAGAIN: return "EAGAIN";
	case EACCES: return "EACCES";
	case EBUSY: return "EBUSY";
	case EEXIST: return "EEXIST";
	case EXDEV: return "EXDEV";
	case ENODEV: return "ENODEV";
	case ENOTDIR: return "ENOTDIR";
	case EISDIR: return "EISDIR";
	case EINVAL: return "EINVAL";
	case ENOSPC: return "ENOSPC";
	case EROFS: return "EROFS";
	case ENAMETOOLONG: return "ENAMETOOLONG";
	case ENOTEMPTY: return "ENOTEMPTY";
	case ELOOP: return "ELOOP";
	case ENOMEM: return "ENOMEM";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case ENODATA: return "ENODATA";
	case ENOTTY: return "ENOTTY";
	case EFAULT: return "EFAULT";
	case EMSGSIZE: return "EMSGSIZE";
	default: return "E?";
	}
}

static int report(int ret)
{
	if (ret < 0) {
		printf("%s\n", errno_name(errno));
		return 1;
	}
	printf("ok\n");
	return 0;
}

static int do_mount(char **argv)
{
	const char *data = argv[5] && argv[5][0] ? argv[5] : NULL;

	return report(mount(argv[3], argv[4], argv[2], 0, data));
}

static int do_mmap_read(char **argv)
{
	int fd = open(argv[2], O_RDONLY);
	struct stat st;
	char *p;

	if (fd < 0 || fstat(fd, &st) < 0)
		return report(-1);
	if (st.st_size == 0)
		return 0;
	p = mmap(NULL, st.st_size, PROT_READ,
		 strcmp(argv[3], "shared") ? MAP_PRIVATE : MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return report(-1);
	fwrite(p, 1, st.st_size, stdout);
	return 0;
}

static int do_mmap_hold(char **argv)
{
	int fd = open(argv[2], O_RDONLY);
	void *p;

	if (fd < 0)
		return report(-1);
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return report(-1);
	close(fd);
	printf("ok\n");
	fflush(stdout);
	for (;;)
		pause();
}

static int do_remount(char **argv)
{
	return report(mount(NULL, argv[2], NULL, MS_REMOUNT, argv[3]));
}

static void print_file(const char *path)
{
	char buf[4096];
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0) {
		printf("%s\n", errno_name(errno));
		return;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, n, stdout);
	close(fd);
}

static int do_create_rename(char **argv)
{
	struct timespec t0, t;
	int fd;

	/* Start right after a tick of the coarse clock that stamps files. */
	clock_gettime(CLOCK_REALTIME_COARSE, &t0);
	do
		clock_gettime(CLOCK_REALTIME_COARSE, &t);
	while (t.tv_nsec == t0.tv_nsec && t.tv_sec == t0.tv_sec);
	fd = open(argv[3], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, argv[5], strlen(argv[5])) < 0 || close(fd))
		return report(-1);
	print_file(argv[2]);
	if (rename(argv[3], argv[4]))
		return report(-1);
	print_file(argv[2]);
	return 0;
}

static const char *type_name(unsigned char t)
{
	switch (t) {
	case DT_REG: return "reg";
	case DT_DIR: return "dir";
	case DT_LNK: return "lnk";
	case DT_CHR: return "chr";
	case DT_BLK: return "blk";
	case DT_FIFO: return "fifo";
	case DT_SOCK: return "sock";
	default: return "unknown";
	}
}

struct linux_dirent64 {
	unsigned long long d_ino;
	long long d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

static int do_getdents(char **argv)
{
	int fd = open(argv[2], O_RDONLY | O_DIRECTORY);
	size_t size = strtoul(argv[3], NULL, 0);
	char *buf = malloc(size);
	long n;

	if (fd < 0 || !buf)
		return report(-1);
	while ((n = syscall(SYS_getdents64, fd, buf, size)) > 0) {
		for (long off = 0; off < n;) {
			struct linux_dirent64 *d = (void *)(buf + off);

			printf("%s %s\n", d->d_name, type_name(d->d_type));
			off += d->d_reclen;
		}
	}
	return n < 0 ? report(-1) : 0;
}

/* Lists DIR with getdents64 and prints "entries=N sum=S", S the sum of the
 * numbers in names PREFIX<number> (each name counted once gives n(n-1)/2). */
static int do_count_dents(char **argv)
{
	static char buf[1 << 16];
	int fd = open(argv[2], O_RDONLY | O_DIRECTORY);
	size_t plen = strlen(argv[3]);
	long long entries = 0, sum = 0;
	long n;

	if (fd < 0)
		return report(-1);
	while ((n = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0) {
		for (long off = 0; off < n;) {
			struct linux_dirent64 *d = (void *)(buf + off);

			entries++;
			if (!strncmp(d->d_name, argv[3], plen))
				sum += strtoll(d->d_name + plen, NULL, 10);
			off += d->d_reclen;
		}
	}
	if (n < 0)
		return report(-1);
	printf("entries=%lld sum=%lld\n", entries, sum);
	return 0;
}

static long long read_number(const char *path)
{
	char buf[64] = "";
	int fd = open(path, O_RDONLY);

	if (fd < 0 || read(fd, buf, sizeof(buf) - 1) < 0)
		return -1;
	close(fd);
	return strtoll(buf, NULL, 10);
}

/* Joins memory cgroup CG, lists DIR to the end keeping it open, and prints
 * "entries=N held=BYTES": how much memory.current grew while the listing is
 * held (the union keeps it per open dir). */
static int do_dents_memcg(char **argv)
{
	static char buf[1 << 16];
	char path[4096], pid[32];
	long long before, entries = 0;
	int fd;
	long n;

	snprintf(path, sizeof(path), "%s/cgroup.procs", argv[3]);
	fd = open(path, O_WRONLY);
	snprintf(pid, sizeof(pid), "%d", getpid());
	if (fd < 0 || write(fd, pid, strlen(pid)) < 0 || close(fd))
		return report(-1);
	snprintf(path, sizeof(path), "%s/memory.current", argv[3]);
	before = read_number(path);
	fd = open(argv[2], O_RDONLY | O_DIRECTORY);
	if (fd < 0 || before < 0)
		return report(-1);
	while ((n = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0)
		for (long off = 0; off < n; entries++)
			off += ((struct linux_dirent64 *)(buf + off))->d_reclen;
	if (n < 0)
		return report(-1);
	printf("entries=%lld held=%lld\n", entries, read_number(path) - before);
	return close(fd);
}

/* Reads all names, then seeks back to each recorded position and checks that
 * the same name comes next. */
static int do_seekdir(char **argv)
{
	DIR *d = opendir(argv[2]);
	long pos[4096];
	char *names[4096];
	struct dirent *e;
	int n = 0;

	if (!d)
		return report(-1);
	for (;;) {
		long p = telldir(d);

		e = readdir(d);
		if (!e || n == 4096)
			break;
		pos[n] = p;
		names[n++] = strdup(e->d_name);
	}
	for (int i = n - 1; i >= 0; i -= 7) {
		seekdir(d, pos[i]);
		e = readdir(d);
		if (!e || strcmp(e->d_name, names[i])) {
			printf("seekdir to entry %d gave %s, want %s\n", i,
			       e ? e->d_name : "(end)", names[i]);
			return 1;
		}
	}
	printf("ok %d\n", n);
	return 0;
}

static int do_statfs(char **argv)
{
	struct statfs s;

	if (statfs(argv[2], &s) < 0)
		return report(-1);
	printf("type=%lx namelen=%ld\n", (unsigned long)s.f_type, (long)s.f_namelen);
	return 0;
}

static int do_drid(char **argv)
{
	struct statfs s;
	struct stat st;
	unsigned int ma, mi;

	if (statfs(argv[2], &s) < 0 || stat(argv[2], &st) < 0)
		return report(-1);
	ma = major(st.st_dev);
	mi = minor(st.st_dev);
	if (s.f_fsid.__val[0] || s.f_fsid.__val[1])
		printf("2_%08x-%08x", (unsigned int)s.f_fsid.__val[0], (unsigned int)s.f_fsid.__val[1]);
	else if (ma <= 0xff && mi <= 0xff)
		printf("3_%02x%02x", ma, mi);
	else
		printf("3_%03x:%05x", ma, mi);
	printf("_%llu\n", (unsigned long long)st.st_ino);
	return 0;
}

static int do_seek_data(char **argv)
{
	int fd = open(argv[2], O_RDONLY);
	off_t data, hole;

	if (fd < 0)
		return report(-1);
	data = lseek(fd, 0, SEEK_DATA);
	hole = lseek(fd, data < 0 ? 0 : data, SEEK_HOLE);
	printf("data=%lld hole=%lld\n", (long long)data, (long long)hole);
	return 0;
}

static int do_sendfile(char **argv)
{
	int fd = open(argv[2], O_RDONLY);
	struct stat st;

	if (fd < 0 || fstat(fd, &st) < 0)
		return report(-1);
	for (off_t off = 0; off < st.st_size;)
		if (sendfile(1, fd, &off, st.st_size - off) <= 0)
			return report(-1);
	return 0;
}

static int do_open_errno(char **argv)
{
	int flags = O_RDONLY;

	if (!strcmp(argv[3], "w"))
		flags = O_WRONLY;
	else if (!strcmp(argv[3], "rw"))
		flags = O_RDWR;
	else if (!strcmp(argv[3], "trunc"))
		flags = O_WRONLY | O_TRUNC;
	return report(open(argv[2], flags));
}

static int do_mkfiles(char **argv)
{
	long n = strtol(argv[4], NULL, 0);
	char path[4096];

	for (long i = 0; i < n; i++) {
		int fd;

		snprintf(path, sizeof(path), "%s/%s%ld", argv[2], argv[3], i);
		fd = open(path, O_CREAT | O_WRONLY, 0644);
		if (fd < 0)
			return report(-1);
		close(fd);
	}
	return 0;
}

static int do_getxattr(char **argv)
{
	char buf[4096];
	ssize_t n = getxattr(argv[2], argv[3], buf, sizeof(buf));

	if (n < 0)
		return report(-1);
	printf("%.*s\n", (int)n, buf);
	return 0;
}

static int do_setxattr(char **argv)
{
	return report(setxattr(argv[2], argv[3], argv[4], strlen(argv[4]), 0));
}

static int do_listxattr(char **argv)
{
	char buf[65536];
	ssize_t n = listxattr(argv[2], buf, sizeof(buf));

	if (n < 0)
		return report(-1);
	for (char *p = buf; p < buf + n; p += strlen(p) + 1)
		printf("%s\n", p);
	return 0;
}

static int do_listxattr_size(char **argv)
{
	ssize_t n = listxattr(argv[2], NULL, 0);

	if (n < 0)
		return report(-1);
	printf("%zd\n", n);
	return 0;
}

static int do_as_user(int argc, char **argv)
{
	unsigned int id = strtoul(argv[2], NULL, 0);

	if (argc < 4 || setgroups(0, NULL) || setgid(id) || setuid(id))
		return report(-1);
	execvp(argv[3], argv + 3);
	return report(-1);
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int do_bench_stat(char **argv)
{
	int rounds = atoi(argv[3]);
	size_t n = 0, cap = 1024;
	char **names = malloc(cap * sizeof(*names));
	DIR *d = opendir(argv[2]);
	struct dirent *e;
	long long start;
	struct stat st;

	if (!d)
		return report(-1);
	while ((e = readdir(d))) {
		if (n == cap)
			names = realloc(names, (cap *= 2) * sizeof(*names));
		names[n] = malloc(strlen(argv[2]) + strlen(e->d_name) + 2);
		sprintf(names[n++], "%s/%s", argv[2], e->d_name);
	}
	start = now_ns();
	for (int r = 0; r < rounds; r++)
		for (size_t i = 0; i < n; i++)
			if (lstat(names[i], &st) < 0)
				return report(-1);
	printf("ns=%lld entries=%zu\n", now_ns() - start, n);
	return 0;
}

static int do_bench_readdir(char **argv)
{
	int rounds = atoi(argv[3]);
	long long start = now_ns();
	size_t n = 0;

	for (int r = 0; r < rounds; r++) {
		DIR *d = opendir(argv[2]);

		if (!d)
			return report(-1);
		for (n = 0; readdir(d); n++)
			;
		closedir(d);
	}
	printf("ns=%lld entries=%zu\n", now_ns() - start, n);
	return 0;
}

static void drop_caches(void)
{
	int fd = open("/proc/sys/vm/drop_caches", O_WRONLY);

	if (fd >= 0) {
		if (write(fd, "2", 1) < 0)
			perror("drop_caches");
		close(fd);
	}
}

/* Creates and deletes files directly in a branch while the union looks each
 * one up, so that the union allocates and later frees an inode number for
 * every one of them. */
static int do_churn(char **argv)
{
	long n = strtol(argv[4], NULL, 0);
	char real[4096], seen[4096];
	struct stat st;

	for (long i = 0; i < n; i++) {
		int fd;

		snprintf(real, sizeof(real), "%s/c%ld", argv[2], i);
		snprintf(seen, sizeof(seen), "%s/c%ld", argv[3], i);
		fd = open(real, O_CREAT | O_WRONLY, 0644);
		if (fd < 0 || close(fd) || stat(seen, &st) || unlink(real))
			return report(-1);
		if (i % 1000 == 999)
			drop_caches();
	}
	drop_caches();
	printf("ok\n");
	return 0;
}

/* ino-unique DIR SECONDS: for SECONDS, again and again: opens every entry
 * of DIR (they stay open, so their inodes stay live), fstats them, and
 * checks that no two open objects share an inode number; then closes them.
 * Entries may come and go meanwhile (other processes). Prints "ok PASSES"
 * or the first clash. */
static int cmp_ino(const void *a, const void *b)
{
	const unsigned long long *x = a, *y = b;

	return *x < *y ? -1 : *x > *y;
}

static int do_ino_unique(char **argv)
{
	time_t end = time(NULL) + strtol(argv[3], NULL, 0);
	long passes = 0;

	do {
		struct dirent **ents;
		int n = scandir(argv[2], &ents, NULL, NULL), fds[4096], nfd = 0;
		unsigned long long inos[4096];

		if (n < 0)
			return report(-1);
		for (int i = 0; i < n; i++) {
			char p[4096];
			struct stat st;
			int fd;

			snprintf(p, sizeof(p), "%s/%s", argv[2], ents[i]->d_name);
			fd = nfd == 4096 || ents[i]->d_name[0] == '.' ? -1 : open(p, O_RDONLY | O_NOFOLLOW);
			free(ents[i]);
			if (fd < 0)
				continue; /* removed meanwhile */
			if (fstat(fd, &st) < 0)
				return report(-1);
			fds[nfd] = fd;
			inos[nfd++] = st.st_ino;
		}
		free(ents);
		qsort(inos, nfd, sizeof(inos[0]), cmp_ino);
		for (int i = 1; i < nfd; i++)
			if (inos[i] == inos[i - 1]) {
				printf("clash: two open objects with inode number %llu (pass %ld)\n",
				       inos[i], passes);
				return 1;
			}
		while (nfd)
			close(fds[--nfd]);
		passes++;
	} while (time(NULL) < end);
	printf("ok %ld\n", passes);
	return 0;
}

struct acl_entry {
	unsigned short tag, perm;
	unsigned int id;
};

static int do_setacl(char **argv)
{
	struct {
		unsigned int version;
		struct acl_entry e[5];
	} acl = { 2, { { 0x01, 6, ~0u }, { 0x02, 4, 1000 }, { 0x04, 4, ~0u },
		       { 0x10, 4, ~0u }, { 0x20, 0, ~0u } } };

	return report(setxattr(argv[2], "system.posix_acl_access", &acl, sizeof(acl), 0));
}

/* Sets the access ACL u::rw-, u:UID:PERM, g::r--, m::(r-- | PERM), o::OTHER
 * (PERM and OTHER octal digits). */
static int do_setacl_user(char **argv)
{
	unsigned short perm = strtoul(argv[4], NULL, 8), other = strtoul(argv[5], NULL, 8);
	struct {
		unsigned int version;
		struct acl_entry e[5];
	} acl = { 2, { { 0x01, 6, ~0u }, { 0x02, perm, strtoul(argv[3], NULL, 0) },
		       { 0x04, 4, ~0u }, { 0x10, 4 | perm, ~0u }, { 0x20, other, ~0u } } };

	return report(setxattr(argv[2], "system.posix_acl_access", &acl, sizeof(acl), 0));
}

static int do_getacl(char **argv)
{
	char buf[1024];
	ssize_t n = getxattr(argv[2], "system.posix_acl_access", buf, sizeof(buf));

	if (n < 4)
		return report(-1);
	for (char *p = buf + 4; p + sizeof(struct acl_entry) <= buf + n; p += sizeof(struct acl_entry)) {
		struct acl_entry e;

		memcpy(&e, p, sizeof(e));
		printf("%x:%d:%o\n", e.tag, (int)e.id, e.perm);
	}
	return 0;
}

static int do_rename(char **argv)
{
	unsigned int flags = 0;

	if (!strcmp(argv[4], "noreplace"))
		flags = RENAME_NOREPLACE;
	else if (!strcmp(argv[4], "exchange"))
		flags = RENAME_EXCHANGE;
	else if (!strcmp(argv[4], "whiteout"))
		flags = RENAME_WHITEOUT;
	return report(renameat2(AT_FDCWD, argv[2], AT_FDCWD, argv[3], flags));
}

static int do_rename_timed(char **argv)
{
	struct timespec t0, t1;
	int r;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	r = rename(argv[2], argv[3]);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (r < 0)
		return report(r);
	printf("ok ns=%lld\n", (t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec));
	return 0;
}

/* A small deterministic random walk of namespace operations inside DIR:
 * the same SEED gives the same final tree on any filesystem that behaves. */
/* One round of `stress`: OPS deterministic random operations in DIR. */
static void stress_round(const char *dir, unsigned long long seed, long ops)
{
	unsigned long long x = seed * 2654435761u + 1;
	char a[2048], b[4096];
	size_t skip = strlen(dir);

	for (long i = 0; i < ops; i++) {
		int fd, op, n1, n2;

		x = x * 6364136223846793005ull + 1442695040888963407ull;
		op = (x >> 33) % 7;
		n1 = (x >> 40) % 16;
		n2 = (x >> 50) % 16;
		snprintf(a, sizeof(a), "%s/%c%d", dir, n1 < 8 ? 'f' : 'd', n1 % 8);
		snprintf(b, sizeof(b), "%s/%c%d", dir, n2 < 8 ? 'f' : 'd', n2 % 8);
		switch (op) {
		case 0: /* create or append */
			fd = open(a, O_WRONLY | O_CREAT | O_APPEND, 0644);
			if (fd >= 0) {
				if (write(fd, a + skip, strlen(a + skip)) < 0)
					perror("write");
				close(fd);
			}
			break;
		case 1:
			unlink(a);
			break;
		case 2:
			mkdir(a, 0755);
			break;
		case 3:
			rmdir(a);
			break;
		case 4: { /* files only: a dir with lower entries gives EXDEV */
			struct stat st;

			if (!lstat(a, &st) && S_ISREG(st.st_mode))
				rename(a, b);
			break;
		}
		case 5: /* truncate */
			truncate(a, (x >> 20) % 64);
			break;
		case 6: /* a file inside a dir */
			snprintf(b, sizeof(b), "%s/inner", a);
			fd = open(b, O_WRONLY | O_CREAT | O_TRUNC, 0600);
			if (fd >= 0) {
				if (write(fd, b + skip, strlen(b + skip)) < 0)
					perror("write");
				close(fd);
			}
			break;
		}
	}
}

static int do_stress(char **argv)
{
	stress_round(argv[2], strtoull(argv[3], NULL, 0), strtol(argv[4], NULL, 0));
	printf("ok\n");
	return 0;
}

/* The rounds SEED, SEED+1, ... of `stress` in one process (a replay). */
static int do_stress_replay(char **argv)
{
	unsigned long long seed = strtoull(argv[3], NULL, 0);
	long rounds = strtol(argv[4], NULL, 0), ops = strtol(argv[5], NULL, 0);

	for (long r = 0; r < rounds; r++)
		stress_round(argv[2], seed + r, ops);
	printf("ok\n");
	return 0;
}

static int do_bench_create(char **argv)
{
	long n = strtol(argv[3], NULL, 0);
	long long start = now_ns();
	char path[4096];

	for (long i = 0; i < n; i++) {
		int fd;

		snprintf(path, sizeof(path), "%s/b%ld", argv[2], i);
		fd = open(path, O_CREAT | O_WRONLY, 0644);
		if (fd < 0)
			return report(-1);
		close(fd);
	}
	for (long i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/b%ld", argv[2], i);
		if (unlink(path))
			return report(-1);
	}
	printf("ns=%lld\n", now_ns() - start);
	return 0;
}

static int do_bench_append(char **argv)
{
	long long start = now_ns();
	int fd = open(argv[2], O_WRONLY | O_APPEND);

	if (fd < 0 || write(fd, "x", 1) != 1 || close(fd))
		return report(-1);
	printf("ns=%lld\n", now_ns() - start);
	return 0;
}

static int do_bench_write(char **argv)
{
	long mib = strtol(argv[3], NULL, 0);
	static char buf[1 << 20];
	long long start = now_ns();
	int fd = open(argv[2], O_WRONLY);

	if (fd < 0)
		return report(-1);
	memset(buf, 'w', sizeof(buf));
	for (long i = 0; i < mib; i++)
		if (write(fd, buf, sizeof(buf)) != sizeof(buf))
			return report(-1);
	if (fsync(fd) || close(fd))
		return report(-1);
	printf("ns=%lld\n", now_ns() - start);
	return 0;
}

static void drop_all_caches(void)
{
	int fd = open("/proc/sys/vm/drop_caches", O_WRONLY);

	sync();
	if (fd >= 0) {
		if (write(fd, "3", 1) < 0)
			perror("drop_caches");
		close(fd);
	}
}

/* bench-op OP PATH N R: see the comment at the top. */
static int do_bench_op(char **argv)
{
	const char *op = argv[2], *p = argv[3];
	long n = strtol(argv[4], NULL, 0), r = strtol(argv[5], NULL, 0), ops = 0;
	int cold = strstr(op, "-cold") != NULL, miss = !strncmp(op, "miss", 4);
	static char buf[1 << 20];
	long long t = 0, t0;
	char path[4200];
	struct stat st;

	memset(buf, 'w', sizeof(buf));
	if (!strncmp(op, "stat", 4) || miss) {
		for (long k = cold ? 0 : -1; k < r; k++) {
			if (cold)
				drop_all_caches();
			t0 = now_ns();
			for (long i = 0; i < n; i++) {
				if (miss && cold)
					snprintf(path, sizeof(path), "%s%ld_%ld", p, k, i);
				else
					snprintf(path, sizeof(path), "%s%ld", p, i);
				if ((lstat(path, &st) == 0) == miss) {
					fprintf(stderr, "bench-op %s: %s %s\n", op, path,
						miss ? "exists" : errno_name(errno));
					return 1;
				}
			}
			if (k >= 0)
				t += now_ns() - t0, ops += n;
		}
	} else if (!strcmp(op, "readdir")) {
		t0 = now_ns();
		for (long k = 0; k < r; k++) {
			DIR *d = opendir(p);
			long e = 0;

			if (!d)
				return report(-1);
			while (readdir(d))
				e++;
			closedir(d);
			if (e < n) {
				fprintf(stderr, "bench-op readdir: %s: %ld entries < %ld\n", p, e, n);
				return 1;
			}
		}
		t = now_ns() - t0, ops = r;
	} else if (!strcmp(op, "cwu")) {
		t0 = now_ns();
		for (long i = 0; i < n; i++) {
			int fd;

			snprintf(path, sizeof(path), "%s%ld", p, i);
			fd = open(path, O_CREAT | O_EXCL | O_WRONLY, 0644);
			if (fd < 0 || write(fd, buf, 4096) != 4096 || close(fd) || unlink(path))
				return report(-1);
		}
		t = now_ns() - t0, ops = n;
	} else if (!strcmp(op, "copyup")) {
		t0 = now_ns();
		for (long i = 0; i < n; i++) {
			int fd;

			snprintf(path, sizeof(path), "%s%ld", p, r * n + i);
			fd = open(path, O_WRONLY | O_APPEND);
			if (fd < 0 || write(fd, "x", 1) != 1 || close(fd))
				return report(-1);
		}
		t = now_ns() - t0, ops = n;
	} else if (!strcmp(op, "read")) {
		for (long k = 0; k < r; k++) {
			int fd;
			ssize_t got;

			drop_all_caches();
			t0 = now_ns();
			fd = open(p, O_RDONLY);
			if (fd < 0)
				return report(-1);
			while ((got = read(fd, buf, sizeof(buf))) > 0)
				ops += got;
			if (got < 0 || close(fd))
				return report(-1);
			t += now_ns() - t0;
		}
		ops >>= 20;
	} else if (!strcmp(op, "write")) {
		for (long k = 0; k < r; k++) {
			int fd;

			t0 = now_ns();
			fd = open(p, O_CREAT | O_TRUNC | O_WRONLY, 0644);
			if (fd < 0)
				return report(-1);
			for (long i = 0; i < n; i++)
				if (write(fd, buf, sizeof(buf)) != sizeof(buf))
					return report(-1);
			if (fsync(fd) || close(fd))
				return report(-1);
			t += now_ns() - t0, ops += n;
			if (unlink(p))
				return report(-1);
		}
	} else if (!strcmp(op, "fill")) {
		for (long i = 0; i < n; i++) {
			int fd;

			snprintf(path, sizeof(path), "%s%ld", p, i);
			fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
			for (long left = r; fd >= 0 && left > 0;) {
				long c = left < (long)sizeof(buf) ? left : (long)sizeof(buf);

				if (write(fd, buf, c) != c)
					return report(-1);
				left -= c;
			}
			if (fd < 0 || close(fd))
				return report(-1);
		}
	} else {
		fprintf(stderr, "bench-op: unknown op %s\n", op);
		return 2;
	}
	printf("ns=%lld ops=%ld\n", t, ops);
	return 0;
}

/* One process's part of bench-par: OP on PATH0..PATH<N-1>, one untimed
 * pass, then R passes, on CPU `cpu`; 0 on success. */
static int par_worker(const char *op, const char *p, long n, long r, int cpu)
{
	cpu_set_t set;
	char path[4200], data[4096];
	struct stat st;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		return -1;
	for (long k = -1; k < r; k++) {
		for (long i = 0; i < n; i++) {
			int fd, ok;

			snprintf(path, sizeof(path), "%s%ld", p, i);
			if (!strcmp(op, "stat")) {
				if (lstat(path, &st))
					return -1;
				continue;
			}
			fd = open(path, O_RDONLY);
			ok = fd >= 0 && (strcmp(op, "read") || pread(fd, data, sizeof(data), 0) >= 0);
			if (fd >= 0)
				close(fd);
			if (!ok)
				return -1;
		}
	}
	return 0;
}

/* Runs par_worker in WORKERS processes at once (worker I on CPU I); their
 * wall time in ns, or -1 if one failed. */
static long long par_run(const char *op, const char *p, long n, long r, int workers)
{
	long long t0 = now_ns();
	pid_t pids[2];
	int status, failed = 0;

	for (int w = 0; w < workers; w++) {
		pids[w] = fork();
		if (pids[w] == 0)
			_exit(par_worker(op, p, n, r, w) ? 1 : 0);
		if (pids[w] < 0)
			return -1;
	}
	for (int w = 0; w < workers; w++)
		if (waitpid(pids[w], &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
			failed = 1;
	return failed ? -1 : now_ns() - t0;
}

/* bench-par OP PATH N R: see the comment at the top. */
static int do_bench_par(char **argv)
{
	long n = strtol(argv[4], NULL, 0), r = strtol(argv[5], NULL, 0);
	long long one, two;

	if (strcmp(argv[2], "stat") && strcmp(argv[2], "open") && strcmp(argv[2], "read")) {
		fprintf(stderr, "bench-par: unknown op %s\n", argv[2]);
		return 2;
	}
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2) {
		fprintf(stderr, "bench-par: fewer than 2 CPUs online\n");
		return 2;
	}
	one = par_run(argv[2], argv[3], n, r, 1);
	two = par_run(argv[2], argv[3], n, r, 2);
	if (one < 0 || two < 0) {
		fprintf(stderr, "bench-par %s: %s: a worker failed\n", argv[2], argv[3]);
		return 1;
	}
	printf("one=%lld two=%lld\n", one, two);
	return 0;
}

static int do_sync(char **argv)
{
	int fd = open(argv[2], O_RDONLY);
	int ret;

	if (fd < 0)
		return report(-1);
	if (!strcmp(argv[3], "fsync"))
		ret = fsync(fd);
	else if (!strcmp(argv[3], "fdatasync"))
		ret = fdatasync(fd);
	else if (!strcmp(argv[3], "syncfs"))
		ret = syncfs(fd);
	else
		ret = -1, errno = EINVAL;
	close(fd);
	return report(ret);
}

static int do_append_sync(char **argv)
{
	int fd = open(argv[2], O_WRONLY | O_APPEND);
	ssize_t len = strlen(argv[3]);

	if (fd < 0)
		return report(-1);
	if (write(fd, argv[3], len) != len || fsync(fd)) {
		int e = errno;

		close(fd);
		errno = e;
		return report(-1);
	}
	return report(close(fd));
}

static int do_inotify_hold(char **argv)
{
	int fd = inotify_init1(0);

	if (fd < 0 || inotify_add_watch(fd, argv[2], IN_ALL_EVENTS) < 0)
		return report(-1);
	printf("ok\n");
	fflush(stdout);
	for (;;)
		pause();
}

/* One round of links-race: a writer and a reader of the names run beside the
 * changes, and are killed at the end. */
static int links_round(const char *dir, int round)
{
	char a[4096], b[4096], c[4096], d[4096], go;
	int fd, cfd, pipefd[2], ret = 0;
	pid_t writer, stater;

	snprintf(a, sizeof(a), "%s/a", dir);
	snprintf(b, sizeof(b), "%s/b", dir);
	snprintf(c, sizeof(c), "%s/c", dir);
	snprintf(d, sizeof(d), "%s/d", dir);
	fd = open(a, O_CREAT | O_RDWR | O_TRUNC, 0644);
	if (fd < 0 || link(a, b) || pipe(pipefd))
		return report(-1);
	writer = fork();
	if (writer == 0) {
		/* Each write ends in the union refreshing its inode from the
		 * branch file, racing with the parent's unlink and rename. */
		if (pwrite(fd, "x", 1, 0) != 1 || write(pipefd[1], "g", 1) != 1)
			_exit(1);
		for (unsigned i = 0;; i++)
			if (pwrite(fd, "x", 1, i % 4096) != 1)
				_exit(1);
	}
	if (writer < 0 || read(pipefd[0], &go, 1) != 1)
		return report(-1);
	/* And a reader whose lookups revalidate the names (each refreshes the
	 * union inode too). */
	stater = fork();
	if (stater == 0) {
		struct stat st;

		if (write(pipefd[1], "g", 1) != 1)
			_exit(1);
		for (;;)
			if (stat(a, &st) + stat(b, &st) == 1)
				sched_yield();
	}
	if (stater < 0 || read(pipefd[0], &go, 1) != 1)
		return report(-1);
	if (unlink(a)) {
		printf("round %d: unlink a: %s\n", round, errno_name(errno));
		ret = 1;
	} else if (link(b, d)) {
		/* The object kept the name b: a link count of 0 refuses it. */
		printf("round %d: link b d after unlink a: %s\n", round, errno_name(errno));
		ret = 1;
	} else if (unlink(d) || (cfd = open(c, O_CREAT | O_WRONLY, 0644)) < 0 || close(cfd) ||
		   rename(c, b) || unlink(b)) {
		printf("round %d: unlink d, rename c b or unlink b: %s\n", round, errno_name(errno));
		ret = 1;
	}
	kill(writer, SIGKILL);
	kill(stater, SIGKILL);
	waitpid(writer, NULL, 0);
	waitpid(stater, NULL, 0);
	close(pipefd[0]);
	close(pipefd[1]);
	close(fd);
	return ret;
}

/* Link counts while a writer refreshes the union inode (links-race). The
 * first half of the rounds runs both processes on CPU 0: the writer, woken
 * when the unlink lets go of the branch file's lock, then preempts the
 * unlinker before it set the union's count; the rest run on any CPU. */
static int do_links_race(char **argv)
{
	int rounds = atoi(argv[3]);
	cpu_set_t one, all;

	CPU_ZERO(&one);
	CPU_SET(0, &one);
	if (sched_getaffinity(0, sizeof(all), &all) || sched_setaffinity(0, sizeof(one), &one))
		return report(-1);
	for (int r = 0; r < rounds; r++) {
		if (r == rounds / 2 && sched_setaffinity(0, sizeof(all), &all))
			return report(-1);
		if (links_round(argv[2], r))
			return 1;
	}
	printf("ok %d\n", rounds);
	return 0;
}

static int do_open_gone(char **argv)
{
	int fd = open(argv[2], O_RDWR);
	struct stat st;
	char buf[16] = "";

	if (fd < 0)
		return report(-1);
	if (!strcmp(argv[3], "unlink") ? unlink(argv[2]) : rename(argv[3], argv[2]))
		return report(-1);
	if (fstat(fd, &st) < 0 || pwrite(fd, "gone-ok", 7, 0) != 7 ||
	    pread(fd, buf, 7, 0) != 7 || ftruncate(fd, 4) < 0 ||
	    fchmod(fd, 0604) < 0 || fstat(fd, &st) < 0)
		return report(-1);
	printf("size=%lld mode=%o data=%s\n", (long long)st.st_size,
	       (unsigned)(st.st_mode & 07777), buf);
	return 0;
}

static int do_fail_nth(char **argv)
{
	int fd = open("/proc/thread-self/fail-nth", O_RDWR);
	int ret;

	if (fd < 0 || write(fd, argv[2], strlen(argv[2])) < 0)
		return report(-1);
	if (!strcmp(argv[3], "mkdir"))
		ret = mkdir(argv[4], 0755);
	else
		ret = open(argv[4], O_CREAT | O_EXCL | O_WRONLY, 0644);
	int saved = errno;
	char left[16] = "";
	/* A call that met fewer allocations leaves a count behind. */
	if (pread(fd, left, sizeof(left) - 1, 0) < 0 || write(fd, "0", 1) < 0)
		return report(-1);
	const char *fired = atoi(left) ? "unfaulted" : "fired";
	if (ret < 0)
		printf("%s %s\n", errno_name(saved), fired);
	else
		printf("ok %s\n", fired);
	return 0;
}

/* getflags PATH: prints the inode flags (FS_IOC_GETFLAGS) as letters, as
 * lsattr: a (append-only), i (immutable), d (nodump), A (noatime), else -. */
static int do_getflags(char **argv)
{
	int fd = open(argv[2], O_RDONLY | O_NONBLOCK);
	int flags = 0;

	if (fd < 0 || ioctl(fd, FS_IOC_GETFLAGS, &flags) < 0)
		return report(-1);
	close(fd);
	printf("%c%c%c%c\n", flags & FS_APPEND_FL ? 'a' : '-',
	       flags & FS_IMMUTABLE_FL ? 'i' : '-', flags & FS_NODUMP_FL ? 'd' : '-',
	       flags & FS_NOATIME_FL ? 'A' : '-');
	return 0;
}

/* setflags PATH LETTERS: sets the inode flags (FS_IOC_SETFLAGS) to exactly
 * LETTERS (of "aidA", "-" for none), as chattr =LETTERS. */
static int do_setflags(char **argv)
{
	int fd = open(argv[2], O_RDONLY | O_NONBLOCK);
	int flags = 0;

	if (fd < 0 || ioctl(fd, FS_IOC_GETFLAGS, &flags) < 0)
		return report(-1);
	flags &= ~(FS_APPEND_FL | FS_IMMUTABLE_FL | FS_NODUMP_FL | FS_NOATIME_FL);
	flags |= strchr(argv[3], 'a') ? FS_APPEND_FL : 0;
	flags |= strchr(argv[3], 'i') ? FS_IMMUTABLE_FL : 0;
	flags |= strchr(argv[3], 'd') ? FS_NODUMP_FL : 0;
	flags |= strchr(argv[3], 'A') ? FS_NOATIME_FL : 0;
	if (ioctl(fd, FS_IOC_SETFLAGS, &flags) < 0)
		return report(-1);
	close(fd);
	return report(0);
}

/* aufs's struct aufs_mvdown (include/uapi/linux/aufs_type.h), for the tests. */
struct aufs_stbr {
	int16_t brid, bindex;
	uint64_t stfs[4];
} __attribute__((aligned(8)));
struct aufs_mvdown {
	uint32_t flags;
	struct aufs_stbr stbr[2];
	int8_t au_errno;
} __attribute__((aligned(8)));
#define AUFS_CTL_MVDOWN _IOWR('A', 4, struct aufs_mvdown)

/* mvdown FILE FLAGS UBRID LBRID: one AUFS_CTL_MVDOWN, as aumvdown does it. */
static int do_mvdown(char **argv)
{
	struct aufs_mvdown m = { .flags = strtoul(argv[3], NULL, 0) };
	int fd = open(argv[2], O_RDONLY), ret = -1;

	m.stbr[0].brid = atoi(argv[4]);
	m.stbr[1].brid = atoi(argv[5]);
	if (fd >= 0) {
		ret = ioctl(fd, AUFS_CTL_MVDOWN, &m);
		int e = errno;
		close(fd);
		errno = e;
	}
	printf("%s au_errno=%d flags=0x%x b=%d>%d\n", ret < 0 ? errno_name(errno) : "ok",
	       m.au_errno, m.flags, m.stbr[0].bindex, m.stbr[1].bindex);
	return ret < 0;
}

#define AUFS_CTL_FHSM_FD _IOW('A', 6, int)

/* One record of the FHSM fd: aufs's struct aufs_stbr. */
struct aufs_stbr_rec {
	int16_t brid, bindex;
	uint64_t stfs[4];
} __attribute__((aligned(8)));

static void fhsm_read(int fd, size_t len)
{
	struct aufs_stbr_rec rec[64];
	ssize_t n = read(fd, rec, len < sizeof(rec) ? len : sizeof(rec));

	if (n < 0) {
		printf("%s %s\n", len < sizeof(*rec) ? "small" : "read", errno_name(errno));
		return;
	}
	printf("%s %zd\n", len < sizeof(*rec) ? "small" : "read", n / (ssize_t)sizeof(*rec));
	for (ssize_t i = 0; i < n / (ssize_t)sizeof(*rec); i++)
		printf("rec %d %d %llu %llu %llu %llu\n", rec[i].brid, rec[i].bindex,
		       (unsigned long long)rec[i].stfs[0], (unsigned long long)rec[i].stfs[1],
		       (unsigned long long)rec[i].stfs[2], (unsigned long long)rec[i].stfs[3]);
}

/* One action of do_fhsm on the union at `mnt`; *fd the FHSM fd. The
 * root is open only for the ioctl: a umount needs it closed. */
static void fhsm_action(const char *mnt, int *fd, char *act)
{
	char *arg = strchr(act, '=');
	struct pollfd pfd;

	if (arg)
		*arg++ = 0;
	if (!strcmp(act, "open") || !strcmp(act, "open-nb") || !strcmp(act, "open-bad") ||
	    !strcmp(act, "open2")) {
		int flags = O_CLOEXEC | (!strcmp(act, "open-nb") ? O_NONBLOCK : 0) |
			    (!strcmp(act, "open-bad") ? O_APPEND : 0);
		int root = open(mnt, O_RDONLY | O_DIRECTORY);
		int r = root < 0 ? root : ioctl(root, AUFS_CTL_FHSM_FD, flags);

		if (root >= 0)
			close(root);
		printf("%s %s\n", act[4] == '2' ? "open2" : "open", r < 0 ? errno_name(errno) : "ok");
		if (r >= 0 && act[4] == '2')
			close(r);
		else if (r >= 0)
			*fd = r;
	} else if (!strcmp(act, "read")) {
		fhsm_read(*fd, 4096);
	} else if (!strcmp(act, "small")) {
		fhsm_read(*fd, sizeof(struct aufs_stbr_rec) - 1);
	} else if (!strcmp(act, "poll")) {
		pfd = (struct pollfd){ .fd = *fd, .events = POLLIN };
		printf("poll %s\n", poll(&pfd, 1, atoi(arg)) > 0 ? "in" : "none");
	} else if (!strcmp(act, "write")) {
		char *kb = strrchr(arg, '=');
		static char buf[1024];
		int f;

		*kb++ = 0;
		memset(buf, 'x', sizeof(buf));
		f = open(arg, O_WRONLY | O_APPEND | O_CREAT, 0644);
		for (int i = 0; f >= 0 && i < atoi(kb); i++)
			if (write(f, buf, sizeof(buf)) != sizeof(buf))
				break;
		printf("write %s\n", f < 0 ? errno_name(errno) : "ok");
		if (f >= 0)
			close(f);
	} else if (!strcmp(act, "touch")) {
		int f = open(arg, O_WRONLY | O_CREAT, 0644);

		printf("touch %s\n", f < 0 ? errno_name(errno) : "ok");
		if (f >= 0)
			close(f);
	} else if (!strcmp(act, "sleep")) {
		usleep(atoi(arg) * 1000);
	} else if (!strcmp(act, "umount")) {
		printf("umount %s\n", umount(arg) ? errno_name(errno) : "ok");
	} else if (!strcmp(act, "close")) {
		close(*fd);
		*fd = -1;
	} else {
		printf("bad action %s\n", act);
	}
	fflush(stdout);
}

/* fhsm MNT ACTIONS: see the top of this file. */
static int do_fhsm(char **argv)
{
	int fd = -1;
	char *save, *act;

	for (act = strtok_r(argv[3], ",", &save); act; act = strtok_r(NULL, ",", &save))
		fhsm_action(argv[2], &fd, act);
	return 0;
}

/* ioctl FILE NR: ioctl(2) with a null argument; "ok" or the errno name. */
static int do_ioctl(char **argv)
{
	int fd = open(argv[2], O_RDONLY | O_NONBLOCK);

	if (fd < 0)
		return report(-1);
	int ret = ioctl(fd, strtoul(argv[3], NULL, 0), NULL);
	int e = errno;
	close(fd);
	errno = e;
	return report(ret);
}

/*
 * fault-sweep OP DIR: the fault-injection sweep of one operation (issue 13).
 * DIR holds lo/ and lo2/ (made here once) and rw/ and mnt/, made afresh for
 * every fault point. N = 0 is the reference: the state before the op and the
 * state after it succeeded unfaulted. Then for N = 1.. until three calls in a
 * row no longer meet the fault: fresh rw/, mount (unless OP is mount), the
 * N-th fault-injection point of the op's syscall fails (fail-nth), caches
 * dropped, then the state is taken again: a call that succeeded must show the
 * reference after-state, one that failed the before-state, in the union (a
 * listing with modes, sizes, contents and xattr checksums, link counts), on
 * the writable branch (aufs's own top-level .wh..wh.* dirs left out) and in
 * the mount's sysfs dir; then umount must succeed and the kernel must not log
 * "Busy inodes". The lower branches must be as before at the end of the
 * sweep. Prints "broken: OP N=..: what" per broken case and "sweep OP POINTS
 * BROKEN" at the end.
 */
struct sbuf {
	char *p;
	size_t len, cap;
};

static void sput(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->p ? b->p + b->len : NULL, b->p ? b->cap - b->len : 0, fmt, ap);
		va_end(ap);
		if (b->p && b->len + n < b->cap)
			break;
		b->cap = (b->cap + n + 1) * 2;
		b->p = realloc(b->p, b->cap);
		if (!b->p)
			exit(2);
	}
	b->len += n;
}

static unsigned hash_bytes(unsigned h, const char *p, size_t n)
{
	while (n--)
		h = (h ^ (unsigned char)*p++) * 16777619u;
	return h;
}

/* FNV-1a over 8-byte words (then the tail bytes): emulated guest CPUs run
 * the bytewise loop at about 10 ms a MiB, and the sweeps hash files at every
 * step. */
static unsigned hash_words(unsigned h, const char *p, size_t n)
{
	unsigned long long w, x = h;

	for (; n >= 8; p += 8, n -= 8) {
		memcpy(&w, p, 8);
		x = (x ^ w) * 1099511628211ull;
	}
	return hash_bytes((unsigned)(x ^ (x >> 32)), p, n);
}

static unsigned hash_file(const char *path, int *err)
{
	static char buf[65536];
	unsigned h = 2166136261u;
	ssize_t n;
	int fd = open(path, O_RDONLY);

	*err = 0;
	if (fd < 0) {
		*err = errno;
		return 0;
	}
	do { /* whole buffers, so short reads do not change the hash */
		size_t got = 0;

		while (got < sizeof(buf) && (n = read(fd, buf + got, sizeof(buf) - got)) > 0)
			got += n;
		h = hash_words(h, buf, got);
	} while (n > 0);
	if (n < 0)
		*err = errno;
	close(fd);
	return h;
}

static void put_xattrs(struct sbuf *b, const char *path)
{
	char names[4096], val[4096];
	ssize_t n = llistxattr(path, names, sizeof(names));

	if (n < 0) {
		sput(b, " xattrs:%s", errno_name(errno));
		return;
	}
	for (char *s = names; s < names + n; s += strlen(s) + 1) {
		ssize_t v = lgetxattr(path, s, val, sizeof(val));

		sput(b, " %s=%x", s, v < 0 ? 0 : hash_bytes(2166136261u, val, v));
	}
}

/* Whether walk prints the size of a dir too (`tree` does; tmpfs counts
 * entries in it, so it shows that a branch dir gained a name). */
static int walk_dir_sizes;

/* One line per entry below ROOT/REL, sorted: "path mode ..." (size, link
 * count and a hash of the data of a file, a symlink's target, a device's
 * number; the xattrs). Top-level names starting with SKIP are left out. */
static void walk(struct sbuf *b, const char *root, const char *rel, const char *skip)
{
	char path[8400], sub[4096];
	struct dirent **ents;
	int n;

	snprintf(path, sizeof(path), "%s%s%s", root, *rel ? "/" : "", rel);
	n = scandir(path, &ents, NULL, alphasort);
	if (n < 0) {
		sput(b, "%s: scandir %s\n", rel, errno_name(errno));
		return;
	}
	for (int i = 0; i < n; i++) {
		const char *name = ents[i]->d_name;
		struct stat st;
		int err;

		if (!strcmp(name, ".") || !strcmp(name, "..") ||
		    (skip && !*rel && !strncmp(name, skip, strlen(skip)))) {
			free(ents[i]);
			continue;
		}
		snprintf(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "", name);
		snprintf(path, sizeof(path), "%s/%s", root, sub);
		free(ents[i]);
		if (lstat(path, &st) < 0) {
			sput(b, "%s lstat %s\n", sub, errno_name(errno));
			continue;
		}
		sput(b, "%s %o", sub, (unsigned)st.st_mode);
		if (S_ISREG(st.st_mode)) {
			unsigned h = hash_file(path, &err);

			sput(b, " size=%lld nlink=%u data=%x%s%s", (long long)st.st_size,
			     (unsigned)st.st_nlink, h, err ? " read:" : "", err ? errno_name(err) : "");
		} else if (S_ISLNK(st.st_mode)) {
			char t[4096];
			ssize_t l = readlink(path, t, sizeof(t) - 1);

			t[l < 0 ? 0 : l] = 0;
			sput(b, " -> %s", t);
		} else if (!S_ISDIR(st.st_mode)) {
			sput(b, " rdev=%llx", (unsigned long long)st.st_rdev);
		} else if (walk_dir_sizes) {
			sput(b, " size=%lld", (long long)st.st_size);
		}
		put_xattrs(b, path);
		sput(b, "\n");
		if (S_ISDIR(st.st_mode))
			walk(b, root, sub, skip);
	}
	free(ents);
}

struct fstate {
	struct sbuf uni, rw, rw2, lo, sys;
};

static void state_free(struct fstate *s)
{
	free(s->uni.p);
	free(s->rw.p);
	free(s->rw2.p);
	free(s->lo.p);
	free(s->sys.p);
	memset(s, 0, sizeof(*s));
}

/* The mount's sysfs dir (br<N>, brid<N>, xi_path), or "unmounted". */
static void put_sysfs(struct sbuf *b, const char *mnt)
{
	char line[8192], want[4200], dir[128];
	FILE *f = fopen("/proc/self/mounts", "r");
	char *si = NULL;

	snprintf(want, sizeof(want), " %s aufs ", mnt);
	while (f && fgets(line, sizeof(line), f))
		if (strstr(line, want) && (si = strstr(line, "si=")))
			break;
	if (f)
		fclose(f);
	if (!si) {
		sput(b, "unmounted\n");
		return;
	}
	si += 3;
	si[strcspn(si, ", ")] = 0;
	snprintf(dir, sizeof(dir), "/sys/fs/aufs/si_%s", si);
	struct dirent **ents;
	int n = scandir(dir, &ents, NULL, alphasort);

	if (n < 0) {
		sput(b, "%s: %s\n", dir, errno_name(errno));
		return;
	}
	for (int i = 0; i < n; i++) {
		char p[512], v[4200] = "";

		if (ents[i]->d_name[0] != '.') {
			snprintf(p, sizeof(p), "%s/%s", dir, ents[i]->d_name);
			int fd = open(p, O_RDONLY);
			ssize_t l = fd < 0 ? -1 : read(fd, v, sizeof(v) - 1);

			v[l < 0 ? 0 : l] = 0;
			v[strcspn(v, "\n")] = 0;
			if (fd >= 0)
				close(fd);
			sput(b, "%s=%s\n", ents[i]->d_name, l < 0 ? errno_name(errno) : v);
		}
		free(ents[i]);
	}
	free(ents);
}

static const char *sw_dir;

static void sw_path(char *out, const char *rel)
{
	snprintf(out, 4096, "%s/%s", sw_dir, rel);
}

/* The state of the union, its writable branch and sysfs dir; of the lower
 * branches too if LOWER (they must never change: checked at the start and
 * the end of an op's sweep, not at every point, since reading them costs a
 * third of a point). */
static void state_take(struct fstate *s, int lower)
{
	char p[4096];

	memset(s, 0, sizeof(*s));
	sw_path(p, "mnt");
	walk(&s->uni, p, "", NULL);
	sw_path(p, "rw");
	walk(&s->rw, p, "", ".wh..wh.");
	sw_path(p, "rw2");
	if (!access(p, F_OK))
		walk(&s->rw2, p, "", ".wh..wh.");
	if (lower) {
		sw_path(p, "lo");
		walk(&s->lo, p, "", NULL);
		sw_path(p, "lo2");
		walk(&s->lo, p, "", NULL);
	}
	sw_path(p, "mnt");
	put_sysfs(&s->sys, p);
}

/* First line where A and B differ, as "'a' vs 'b'", or NULL if equal. */
static const char *sdiff(const struct sbuf *a, const struct sbuf *b)
{
	static char msg[600];
	const char *x = a->p ? a->p : "", *y = b->p ? b->p : "";

	if (!strcmp(x, y))
		return NULL;
	while (*x && *x == *y) {
		const char *nx = strchr(x, '\n'), *ny = strchr(y, '\n');

		if (!nx || !ny || nx - x != ny - y || strncmp(x, y, nx - x))
			break;
		x = nx + 1;
		y = ny + 1;
	}
	snprintf(msg, sizeof(msg), "want '%.*s', got '%.*s'", (int)(strchr(x, '\n') ? strchr(x, '\n') - x : (long)strlen(x)),
		 *x ? x : "(end)", (int)(strchr(y, '\n') ? strchr(y, '\n') - y : (long)strlen(y)), *y ? y : "(end)");
	return msg;
}

static void put_file(const char *rel, const char *text, size_t size)
{
	char p[4096];
	int fd;

	sw_path(p, rel);
	fd = open(p, O_CREAT | O_TRUNC | O_WRONLY, 0644);
	if (fd < 0) {
		perror(p);
		exit(2);
	}
	for (size_t off = 0; off < size; off += strlen(text))
		if (write(fd, text, strlen(text)) < 0)
			exit(2);
	close(fd);
}

static void put_dir(const char *rel)
{
	char p[4096];

	sw_path(p, rel);
	if (mkdir(p, 0755) < 0 && errno != EEXIST) {
		perror(p);
		exit(2);
	}
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st; (void)flag; (void)ftw;
	return remove(p);
}

/* The branches: lo (made once; it must never change), lo2 (for remount),
 * rw afresh each time. Files in lower-only dirs and in merged dirs. */
static void setup_lower(void)
{
	char p[4096];

	sw_path(p, "lo");
	if (!access(p, F_OK))
		return;
	put_dir("lo");
	put_dir("lo2");
	put_dir("mnt");
	put_file("lo/file", "lower file data 0123456789\n", 5000);
	if (setxattr(p, "user.lower", "1", 1, 0) < 0 && errno != EOPNOTSUPP)
		exit(2);
	put_dir("lo/d");
	put_file("lo/d/a", "a\n", 1);
	put_file("lo/d/b", "b\n", 1);
	put_dir("lo/e");
	put_dir("lo/m");
	put_file("lo/m/x", "x\n", 1);
	put_file("lo/m/hidden", "h\n", 1);
	put_dir("lo/sub");
	put_dir("lo/sub/deep");
	put_file("lo/sub/deep/f", "deep\n", 1);
	sw_path(p, "lo/sl");
	if (symlink("file", p) < 0)
		exit(2);
	put_file("lo2/z", "z\n", 1);
}

static void setup_rw(void)
{
	char p[4096];

	sw_path(p, "rw");
	if (!access(p, F_OK) && nftw(p, rm_one, 16, FTW_DEPTH | FTW_PHYS) < 0) {
		perror("rm rw");
		exit(2);
	}
	put_dir("rw");
	put_file("rw/up", "upper\n", 1);
	put_dir("rw/m");
	put_file("rw/m/y", "y\n", 1);
	put_file("rw/m/.wh.hidden", "", 0);
	put_dir("rw/ud");
	put_file("rw/ud/f", "ud\n", 1);
}

/* A fresh empty second writable branch (premount 4). */
static void setup_rw2(void)
{
	char p[4096];

	sw_path(p, "rw2");
	if (!access(p, F_OK) && nftw(p, rm_one, 16, FTW_DEPTH | FTW_PHYS) < 0) {
		perror("rm rw2");
		exit(2);
	}
	put_dir("rw2");
}

static int fnth_fd = -1;

static void arm(int n)
{
	char s[16];

	snprintf(s, sizeof(s), "%d", n);
	if (n && write(fnth_fd, s, strlen(s)) < 0) {
		perror("fail-nth");
		exit(2);
	}
}

/* 1 if the armed fault fired (the count ran out), 0 if the call met fewer
 * fault-injection points; disarms. */
static int disarm(void)
{
	char left[16] = "";
	ssize_t l = pread(fnth_fd, left, sizeof(left) - 1, 0);

	/* pread meeting the fault itself: the op did not. */
	if (write(fnth_fd, "0", 1) < 0)
		exit(2);
	return l > 0 && !atoi(left);
}

static char sw_out[4096];

static int sw_mount_data(const char *extra)
{
	char data[9000], mnt[4096];

	snprintf(data, sizeof(data), "br=%s/rw=rw:%s/lo=ro%s", sw_dir, sw_dir, extra);
	sw_path(mnt, "mnt");
	return mount("none", mnt, "aufs", 0, data);
}

/* The ops: each arms fault N right before its syscall (N = 0: none). */
static int op_mount(int n)
{
	arm(n);
	return sw_mount_data("");
}

#define MP(var, rel) char var[4096]; sw_path(var, "mnt/" rel)

static int op_stat(int n)
{
	struct stat st;
	MP(p, "sub/deep/f");
	arm(n);
	int r = stat(p, &st);

	if (!r)
		snprintf(sw_out, sizeof(sw_out), "%o %lld", (unsigned)st.st_mode, (long long)st.st_size);
	return r;
}

static int op_create(int n)
{
	MP(p, "d/new");
	arm(n);
	int fd = open(p, O_CREAT | O_EXCL | O_WRONLY, 0640);

	if (fd >= 0)
		close(fd);
	return fd < 0 ? -1 : 0;
}

static int op_mkdir(int n)
{
	MP(p, "d/newd");
	arm(n);
	return mkdir(p, 0750);
}

static int op_unlink(int n)
{
	MP(p, "file");
	arm(n);
	return unlink(p);
}

static int op_rmdir(int n)
{
	MP(p, "e");
	arm(n);
	return rmdir(p);
}

static int op_rename(int n)
{
	MP(p, "file");
	MP(q, "d/moved");
	arm(n);
	return rename(p, q);
}

static int op_rename_dir(int n)
{
	MP(p, "ud");
	MP(q, "d/ud2");
	arm(n);
	return rename(p, q);
}

/* With dirren (premount 3): a merged dir with a whiteout renamed into
 * another dir, and a lower-only tree renamed over an empty lower dir: their
 * lower entries are copied up; and the merged dir renamed within its dir,
 * recorded in aufs's format (info files, the branch's list of renamed
 * dirs). */
static int op_rename_merged_dir(int n)
{
	MP(p, "m");
	MP(q, "d/m2");
	arm(n);
	return rename(p, q);
}

static int op_rename_dirren_format(int n)
{
	MP(p, "m");
	MP(q, "m3");
	arm(n);
	return rename(p, q);
}

static int op_rename_lower_tree(int n)
{
	MP(p, "sub");
	MP(q, "e");
	arm(n);
	return rename(p, q);
}

static int op_link(int n)
{
	MP(p, "file");
	MP(q, "d/hard");
	arm(n);
	return link(p, q);
}

static int op_symlink(int n)
{
	MP(q, "d/sl");
	arm(n);
	return symlink("../file", q);
}

static int op_chmod(int n)
{
	MP(p, "file");
	arm(n);
	return chmod(p, 0600);
}

static int op_truncate(int n)
{
	MP(p, "file");
	arm(n);
	return truncate(p, 100);
}

static int op_setxattr(int n)
{
	MP(p, "file");
	arm(n);
	return setxattr(p, "user.fault", "v", 1, 0);
}

static int op_copyup(int n)
{
	MP(p, "sub/deep/f");
	arm(n);
	int fd = open(p, O_WRONLY);

	if (fd >= 0)
		close(fd);
	return fd < 0 ? -1 : 0;
}

/* coo_reg (premount 5): a read-only open copies the file up. */
static int op_coo_open(int n)
{
	MP(p, "sub/deep/f");
	arm(n);
	int fd = open(p, O_RDONLY);

	if (fd >= 0)
		close(fd);
	return fd < 0 ? -1 : 0;
}

/* coo_all (premount 6): an opendir copies the dir (and its parent) up. */
static int op_coo_opendir(int n)
{
	MP(p, "sub/deep");
	arm(n);
	int fd = open(p, O_RDONLY | O_DIRECTORY);

	if (fd >= 0)
		close(fd);
	return fd < 0 ? -1 : 0;
}

static int op_readdir(int n)
{
	char buf[8192];
	MP(p, "m");
	int fd = open(p, O_RDONLY | O_DIRECTORY);

	if (fd < 0)
		return -1;
	arm(n);
	long r = syscall(SYS_getdents64, fd, buf, sizeof(buf));
	int e = errno;

	if (r >= 0) {
		size_t len = 0;

		sw_out[0] = 0;
		for (long off = 0; off < r;) {
			struct linux_dirent64 {
				unsigned long long ino;
				long long off;
				unsigned short reclen;
				unsigned char type;
				char name[];
			} *d = (void *)(buf + off);

			len += snprintf(sw_out + len, sizeof(sw_out) - len, "%s:%d ", d->name, d->type);
			off += d->reclen;
		}
	}
	close(fd);
	errno = e;
	return r < 0 ? -1 : 0;
}

static int op_remount_add(int n)
{
	char data[4200];
	MP(p, "");

	snprintf(data, sizeof(data), "add:1:%s/lo2=ro", sw_dir);
	arm(n);
	return mount(NULL, p, NULL, MS_REMOUNT, data);
}

static int op_remount_del(int n)
{
	char data[4200];
	MP(p, "");

	snprintf(data, sizeof(data), "del:%s/lo2", sw_dir);
	arm(n);
	return mount(NULL, p, NULL, MS_REMOUNT, data);
}

/* The file mvdown moves, open read-only for the ioctl; closed before umount. */
static int sw_fd = -1;

/* Move-down (premount 4: a second writable branch rw2 below lo): rw/ud/f to
 * rw2, whose ud is made for it. The open is before the fault. */
static int op_mvdown(int n)
{
	struct aufs_mvdown m = { .flags = 0 };
	MP(p, "ud/f");

	sw_fd = open(p, O_RDONLY);
	if (sw_fd < 0)
		return -1;
	arm(n);
	int r = ioctl(sw_fd, AUFS_CTL_MVDOWN, &m);

	snprintf(sw_out, sizeof(sw_out), "au_errno=%d flags=0x%x b=%d>%d", m.au_errno, m.flags,
		 m.stbr[0].bindex, m.stbr[1].bindex);
	return r;
}

static const struct {
	const char *name;
	int (*fn)(int n);
	int premount; /* 0: the op mounts; 1: plain mount; 2: with lo2 too; 3: dirren;
		       * 4: a second writable branch rw2 (fresh each time) at the bottom;
		       * 5: lo=ro+coo_reg; 6: lo=ro+coo_all */
} sweep_ops[] = {
	{ "mount", op_mount, 0 },
	{ "stat", op_stat, 1 },
	{ "create", op_create, 1 },
	{ "mkdir", op_mkdir, 1 },
	{ "unlink", op_unlink, 1 },
	{ "rmdir", op_rmdir, 1 },
	{ "rename", op_rename, 1 },
	{ "rename-dir", op_rename_dir, 1 },
	{ "rename-merged-dir", op_rename_merged_dir, 3 },
	{ "rename-lower-tree", op_rename_lower_tree, 3 },
	{ "rename-dirren-format", op_rename_dirren_format, 3 },
	{ "link", op_link, 1 },
	{ "symlink", op_symlink, 1 },
	{ "chmod", op_chmod, 1 },
	{ "truncate", op_truncate, 1 },
	{ "setxattr", op_setxattr, 1 },
	{ "copyup", op_copyup, 1 },
	{ "coo-open", op_coo_open, 5 },
	{ "coo-opendir", op_coo_opendir, 6 },
	{ "readdir", op_readdir, 1 },
	{ "remount-add", op_remount_add, 1 },
	{ "remount-del", op_remount_del, 2 },
	{ "mvdown", op_mvdown, 4 },
};

/* Drops the dentries and inodes (and with them the union's page cache):
 * what follows looks up afresh. Not the branches' page cache ("1"): that
 * costs 16 ms a call in the guest (lru_add_drain_all on every CPU) and a
 * fresh lookup does not need it. The first call writes 4 too: no kernel
 * message for each drop after it. */
static void drop_all(void)
{
	static int quiet;
	int fd = open("/proc/sys/vm/drop_caches", O_WRONLY);

	if (fd < 0 || (!quiet++ && write(fd, "4", 1) < 0) || pwrite(fd, "2", 1, 0) < 0)
		exit(2);
	close(fd);
}

static int kmsg_fd = -1;

/* Reads the new kernel log records; 1 if one says "Busy inodes". */
static int kmsg_busy(void)
{
	char rec[8192];
	ssize_t l;
	int busy = 0;

	while ((l = read(kmsg_fd, rec, sizeof(rec) - 1)) > 0 || (l < 0 && errno == EPIPE)) {
		if (l > 0) {
			rec[l] = 0;
			busy |= !!strstr(rec, "Busy inodes");
		}
	}
	return busy;
}

/* Fresh rw, mounted as the op needs it; 0 on success. */
static int sw_setup(int premount)
{
	char extra[4200] = "";

	setup_rw();
	if (premount == 2)
		snprintf(extra, sizeof(extra), ":%s/lo2=ro", sw_dir);
	if (premount == 3)
		snprintf(extra, sizeof(extra), ",dirren");
	if (premount == 4) {
		setup_rw2();
		snprintf(extra, sizeof(extra), ":%s/rw2=rw", sw_dir);
	}
	if (premount == 5 || premount == 6)
		snprintf(extra, sizeof(extra), "+coo_%s", premount == 5 ? "reg" : "all");
	if (premount && sw_mount_data(extra) < 0) {
		printf("setup mount: %s\n", errno_name(errno));
		return -1;
	}
	return 0;
}

/* Unmounts if mounted; 0 on success. */
static int sw_umount(void)
{
	char p[4096], line[8192], want[4200];
	FILE *f = fopen("/proc/self/mounts", "r");
	int mounted = 0;

	if (sw_fd >= 0)
		close(sw_fd);
	sw_fd = -1;
	sw_path(p, "mnt");
	snprintf(want, sizeof(want), " %s ", p);
	while (f && fgets(line, sizeof(line), f))
		mounted |= !!strstr(line, want);
	if (f)
		fclose(f);
	return mounted ? umount(p) : 0;
}

static int do_fault_sweep(char **argv)
{
	int op = -1, clean = 0, points = 0, broken = 0, n;
	struct fstate before, ref, after;
	char ref_out[4096];

	for (size_t i = 0; i < sizeof(sweep_ops) / sizeof(sweep_ops[0]); i++)
		if (!strcmp(argv[2], sweep_ops[i].name))
			op = i;
	if (!strcmp(argv[2], "list")) {
		for (size_t i = 0; i < sizeof(sweep_ops) / sizeof(sweep_ops[0]); i++)
			printf("%s\n", sweep_ops[i].name);
		return 0;
	}
	if (op < 0)
		return 2;
	sw_dir = argv[3];
	fnth_fd = open("/proc/thread-self/fail-nth", O_RDWR);
	kmsg_fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	if (fnth_fd < 0 || kmsg_fd < 0 || lseek(kmsg_fd, 0, SEEK_END) < 0) {
		perror("fail-nth or kmsg");
		return 2;
	}
	setup_lower();
	int pm = sweep_ops[op].premount;

	/* The reference: the state before, and after the op unfaulted. */
	if (sw_setup(pm) < 0)
		return 2;
	state_take(&before, 1);
	if (sw_umount() < 0 || sw_setup(pm) < 0)
		return 2;
	sw_out[0] = 0;
	if (sweep_ops[op].fn(0) < 0) {
		printf("broken: %s N=0: fails unfaulted: %s\n", argv[2], errno_name(errno));
		return 1;
	}
	snprintf(ref_out, sizeof(ref_out), "%s", sw_out);
	drop_all();
	state_take(&ref, 0);
	if (sw_umount() < 0) {
		printf("broken: %s N=0: umount %s\n", argv[2], errno_name(errno));
		return 1;
	}
	for (n = 1; clean < 3; n++) {
		const char *d, *what = NULL;
		char msg[1500] = "";

		if (n > 3000) {
			printf("broken: %s still meets the fault at N=%d\n", argv[2], n);
			broken++;
			break;
		}
		if (sw_setup(pm) < 0)
			return 2;
		sw_out[0] = 0;
		int r = sweep_ops[op].fn(n), e = errno;
		int fired = disarm();

		clean = fired ? 0 : clean + 1;
		points += fired;
		drop_all();
		state_take(&after, 0);
		struct fstate *want = r < 0 ? &before : &ref;

		if (r < 0 && !fired)
			snprintf(msg, sizeof(msg), "fails unfaulted (%s)", errno_name(e));
		else if (!r && strcmp(sw_out, ref_out))
			what = "result", d = sw_out;
		else if ((d = sdiff(&want->uni, &after.uni)))
			what = "union";
		else if ((d = sdiff(&want->rw, &after.rw)))
			what = "writable branch";
		else if ((d = sdiff(&want->rw2, &after.rw2)))
			what = "second writable branch";
		else if ((d = sdiff(&want->sys, &after.sys)))
			what = "sysfs";
		if (what)
			snprintf(msg, sizeof(msg), "%s %s: %s", r < 0 ? errno_name(e) : "ok",
				 what, d);
		state_free(&after);
		if (sw_umount() < 0)
			snprintf(msg + strlen(msg), sizeof(msg) - strlen(msg), "%sumount %s",
				 *msg ? "; " : "", errno_name(errno));
		if (kmsg_busy())
			snprintf(msg + strlen(msg), sizeof(msg) - strlen(msg), "%sBusy inodes at umount",
				 *msg ? "; " : "");
		if (*msg) {
			printf("broken: %s N=%d: %s\n", argv[2], n, msg);
			broken++;
			fflush(stdout);
		}
	}
	state_take(&after, 1);
	const char *d = sdiff(&before.lo, &after.lo);

	if (d) {
		printf("broken: %s: the lower branches changed: %s\n", argv[2], d);
		broken++;
	}
	printf("sweep %s %d %d\n", argv[2], points, broken);
	return 0;
}

/* The model-checked stress of tests/102-stress-model.sh. A worker owns the
 * names f00..f31 of its dir (their first contents are on the lower branch)
 * and keeps in memory what each must hold; it checks every file it touches
 * right after the change and the whole dir (listing and contents) every 64
 * operations and at the end. It also appends numbered 12-byte records to
 * the shared lower files s0..s7, which every worker appends to. */
#define MODEL_NAMES 32
#define MODEL_SHARED 8
#define MODEL_MAX 24576

struct model_file {
	int exists;
	size_t size;
	unsigned char data[MODEL_MAX + 4096];
};

static unsigned long long model_x;

static unsigned int model_rand(unsigned int n)
{
	model_x = model_x * 6364136223846793005ull + 1442695040888963407ull;
	return (model_x >> 33) % n;
}

static int model_fail(int id, long op, const char *what, const char *name)
{
	printf("FAIL: worker %d, operation %ld: %s %s (%s)\n", id, op, what, name,
	       errno ? strerror(errno) : "-");
	fflush(stdout);
	return 1;
}

/* Reads PATH into BUF (up to CAP bytes); returns the size or -1. */
static ssize_t model_read(const char *path, unsigned char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY);
	size_t n = 0;
	ssize_t r;

	if (fd < 0)
		return -1;
	while (n < cap && (r = read(fd, buf + n, cap - n)) > 0)
		n += r;
	close(fd);
	return n;
}

/* The file PATH must hold what F says (or be missing). */
static int model_check(const char *path, struct model_file *f)
{
	static unsigned char got[MODEL_MAX + 8192];
	struct stat st;
	ssize_t n;

	errno = 0;
	if (!f->exists)
		return lstat(path, &st) == 0 || errno != ENOENT;
	n = model_read(path, got, sizeof(got));
	return n < 0 || (size_t)n != f->size || memcmp(got, f->data, n);
}

/* DIR lists exactly the existing files of M (no other name, none twice). */
static int model_check_dir(const char *dir, struct model_file *m, char *why, size_t len)
{
	int seen[MODEL_NAMES] = { 0 };
	DIR *d = opendir(dir);
	struct dirent *e;
	unsigned int k;

	if (!d)
		return snprintf(why, len, "opendir: %s", strerror(errno)), 1;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (sscanf(e->d_name, "f%2u", &k) != 1 || k >= MODEL_NAMES || strlen(e->d_name) != 3) {
			closedir(d);
			return snprintf(why, len, "foreign name %s", e->d_name), 1;
		}
		if (seen[k]++ || !m[k].exists) {
			closedir(d);
			return snprintf(why, len, "%s listed %s", e->d_name,
					seen[k] > 1 ? "twice" : "but removed"), 1;
		}
	}
	closedir(d);
	for (k = 0; k < MODEL_NAMES; k++)
		if (m[k].exists && !seen[k])
			return snprintf(why, len, "f%02u not listed", k), 1;
	return 0;
}

static void model_fill(unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = 'a' + model_rand(26);
}

/* model-worker DIR LOWER SHARED ID SECONDS */
static int do_model_worker(char **argv)
{
	const char *dir = argv[2], *lower = argv[3], *shared = argv[4];
	int id = atoi(argv[5]);
	time_t end = time(NULL) + atol(argv[6]);
	static struct model_file m[MODEL_NAMES];
	unsigned long counts[MODEL_SHARED] = { 0 }, seq = 0;
	unsigned char buf[4096];
	char a[4096], b[4096], why[256];
	long op;

	model_x = 0x9e3779b97f4a7c15ull * (id + 1);
	for (int k = 0; k < MODEL_NAMES; k++) {
		ssize_t n;

		snprintf(a, sizeof(a), "%s/f%02d", lower, k);
		n = model_read(a, m[k].data, MODEL_MAX);
		m[k].exists = n >= 0;
		m[k].size = n < 0 ? 0 : n;
	}
	for (op = 0; time(NULL) < end || op < 200; op++) {
		unsigned int k = model_rand(MODEL_NAMES), k2 = model_rand(MODEL_NAMES);
		unsigned int what = model_rand(12), len = 1 + model_rand(512);
		struct model_file *f = &m[k];
		int fd, want_ok = f->exists;

		snprintf(a, sizeof(a), "%s/f%02u", dir, k);
		snprintf(b, sizeof(b), "%s/f%02u", dir, k2);
		errno = 0;
		if (f->size > MODEL_MAX - 1024 && what >= 3 && what <= 5)
			what = 6; /* keep files small: rewrite them */
		switch (what) {
		case 0: case 1: case 2: { /* a record appended to a shared file */
			unsigned int s = model_rand(MODEL_SHARED);
			char rec[16];

			snprintf(b, sizeof(b), "%s/s%u", shared, s);
			snprintf(rec, sizeof(rec), "w%d:%08lu\n", id, seq);
			fd = open(b, O_WRONLY | O_APPEND);
			if (fd < 0 || write(fd, rec, 12) != 12)
				return model_fail(id, op, "append to", b);
			close(fd);
			counts[s]++;
			seq++;
			continue;
		}
		case 3: case 4: /* append (copy-up of a lower file) or create */
			fd = open(a, O_WRONLY | O_APPEND | O_CREAT, 0644);
			model_fill(buf, len);
			if (fd < 0 || write(fd, buf, len) != (ssize_t)len)
				return model_fail(id, op, "append to", a);
			close(fd);
			if (!f->exists)
				f->size = 0;
			memcpy(f->data + f->size, buf, len);
			f->size += len;
			f->exists = 1;
			break;
		case 5: { /* a write inside or past the end (copy-up) */
			off_t off = model_rand(f->size + 64);

			len = 1 + model_rand(256);
			fd = open(a, O_WRONLY);
			if ((fd >= 0) != want_ok || (fd < 0 && errno != ENOENT))
				return model_fail(id, op, "open for write", a);
			if (fd < 0)
				break;
			model_fill(buf, len);
			if (pwrite(fd, buf, len, off) != (ssize_t)len)
				return model_fail(id, op, "pwrite", a);
			close(fd);
			if ((size_t)off > f->size)
				memset(f->data + f->size, 0, off - f->size);
			memcpy(f->data + off, buf, len);
			if (off + len > f->size)
				f->size = off + len;
			break;
		}
		case 6: /* rewrite from scratch */
			fd = open(a, O_WRONLY | O_TRUNC | O_CREAT, 0644);
			model_fill(buf, len);
			if (fd < 0 || write(fd, buf, len) != (ssize_t)len)
				return model_fail(id, op, "rewrite", a);
			close(fd);
			memcpy(f->data, buf, len);
			f->size = len;
			f->exists = 1;
			break;
		case 7: { /* truncate (copy-up), shorter or longer */
			size_t to = model_rand(f->size + 256);

			if ((truncate(a, to) == 0) != want_ok || (!want_ok && errno != ENOENT))
				return model_fail(id, op, "truncate", a);
			if (want_ok) {
				if (to > f->size)
					memset(f->data + f->size, 0, to - f->size);
				f->size = to;
			}
			break;
		}
		case 8: case 9: /* unlink */
			if ((unlink(a) == 0) != want_ok || (!want_ok && errno != ENOENT))
				return model_fail(id, op, "unlink", a);
			f->exists = 0;
			break;
		case 10: /* rename over another own name (or onto itself) */
			if ((rename(a, b) == 0) != want_ok || (!want_ok && errno != ENOENT))
				return model_fail(id, op, "rename", a);
			if (want_ok && k != k2) {
				memcpy(m[k2].data, f->data, f->size);
				m[k2].size = f->size;
				m[k2].exists = 1;
				f->exists = 0;
			}
			if (model_check(b, &m[k2]))
				return model_fail(id, op, "content after rename", b);
			break;
		case 11: /* only a check */
			break;
		}
		if (model_check(a, f))
			return model_fail(id, op, "content differs from the model:", a);
		if (op % 64 == 63 && model_check_dir(dir, m, why, sizeof(why)))
			return model_fail(id, op, why, dir);
	}
	errno = 0;
	if (model_check_dir(dir, m, why, sizeof(why)))
		return model_fail(id, op, why, dir);
	for (int k = 0; k < MODEL_NAMES; k++) {
		snprintf(a, sizeof(a), "%s/f%02d", dir, k);
		if (model_check(a, &m[k]))
			return model_fail(id, op, "final content differs from the model:", a);
	}
	for (int s = 0; s < MODEL_SHARED; s++)
		printf("shared s%d w%d %lu\n", s, id, counts[s]);
	printf("ops %ld\n", op);
	return 0;
}

/* model-shared FILE LOWER: FILE is LOWER's content followed by whole records
 * "wI:SEQ\n", each worker's SEQ increasing; prints "shared FILE wI N" lines. */
static int do_model_shared(char **argv)
{
	static unsigned char got[1 << 22], base[1 << 16];
	ssize_t n = model_read(argv[2], got, sizeof(got));
	ssize_t nb = model_read(argv[3], base, sizeof(base));
	long last[10], count[10] = { 0 };
	const char *name = strrchr(argv[2], '/') ? strrchr(argv[2], '/') + 1 : argv[2];

	for (int i = 0; i < 10; i++)
		last[i] = -1;
	if (n < 0 || nb < 0 || n < nb || memcmp(got, base, nb) || (n - nb) % 12) {
		printf("FAIL: %s: size %zd, not the lower's %zd bytes and whole records\n",
		       argv[2], n, nb);
		return 1;
	}
	for (ssize_t p = nb; p < n; p += 12) {
		unsigned int w;
		long s;
		char nl;

		if (sscanf((char *)got + p, "w%1u:%8ld%c", &w, &s, &nl) != 3 || nl != '\n' ||
		    s <= last[w]) {
			printf("FAIL: %s: bad record at %zd: %.12s\n", argv[2], p, got + p);
			return 1;
		}
		last[w] = s;
		count[w]++;
	}
	for (int i = 0; i < 10; i++)
		if (count[i])
			printf("shared %s w%d %ld\n", name, i, count[i]);
	return 0;
}

/* model-readdir SECONDS DIRS: lists the dirs of the colon-separated DIRS over
 * and over; no listing may show a name twice or a whiteout (".wh."). */
static int do_model_readdir(char **argv)
{
	time_t end = time(NULL) + atol(argv[2]);
	char *dirs = strdup(argv[3]);
	char *list[16];
	int nd = 0;
	long passes = 0;

	for (char *s = strtok(dirs, ":"); s && nd < 16; s = strtok(NULL, ":"))
		list[nd++] = s;
	while (time(NULL) < end) {
		for (int i = 0; i < nd; i++) {
			DIR *d = opendir(list[i]);
			struct dirent *e;
			char *names[1024];
			int n = 0;

			if (!d) {
				printf("FAIL: opendir %s: %s\n", list[i], strerror(errno));
				return 1;
			}
			while ((e = readdir(d)) && n < 1024) {
				if (!strncmp(e->d_name, ".wh.", 4)) {
					printf("FAIL: %s lists %s\n", list[i], e->d_name);
					return 1;
				}
				for (int j = 0; j < n; j++)
					if (!strcmp(names[j], e->d_name)) {
						printf("FAIL: %s lists %s twice\n", list[i], e->d_name);
						return 1;
					}
				names[n++] = strdup(e->d_name);
			}
			closedir(d);
			while (n)
				free(names[--n]);
		}
		passes++;
	}
	printf("readdir: %ld passes\n", passes);
	return 0;
}

static int do_direct(char **argv)
{
	const char *how = argv[3];
	char *buf;
	ssize_t n;
	int fd;

	if (posix_memalign((void **)&buf, 4096, 8192))
		return report(-1);
	memset(buf, 0, 8192);
	if (!strcmp(how, "write")) {
		fd = open(argv[2], O_WRONLY | O_DIRECT);
		if (fd < 0)
			return report(-1);
		snprintf(buf, 4096, "%s\n", argv[4]);
		n = pwrite(fd, buf, 4096, 0);
		close(fd);
		if (n >= 0 && n != 4096)
			errno = EIO;
		return report(n == 4096 ? 0 : -1);
	}
	fd = open(argv[2], strcmp(how, "setfl") ? O_RDONLY | O_DIRECT : O_RDONLY);
	if (fd < 0)
		return report(-1);
	if (!strcmp(how, "setfl") && fcntl(fd, F_SETFL, O_DIRECT) < 0)
		return report(-1);
	n = pread(fd, strcmp(how, "unaligned") ? buf : buf + 1, 4096, 0);
	close(fd);
	if (n < 0)
		return report(-1);
	buf[n] = 0;
	printf("%.*s\n", (int)strcspn(buf, "\n"), buf);
	return 0;
}

static int do_cached(char **argv)
{
	int fd = open(argv[2], O_RDONLY);
	unsigned char vec[256];
	struct stat st;
	int pages = 0;
	void *map;

	if (fd < 0 || fstat(fd, &st) < 0)
		return report(-1);
	if (st.st_size == 0 || st.st_size > 256 * 4096) {
		errno = EINVAL;
		return report(-1);
	}
	map = mmap(NULL, st.st_size, PROT_READ, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED || mincore(map, st.st_size, vec) < 0)
		return report(-1);
	for (off_t i = 0; i < (st.st_size + 4095) / 4096; i++)
		pages += vec[i] & 1;
	printf("%d\n", pages);
	return 0;
}

/* tree DIR SKIP SIZES: DIR's mode, then walk's listing of what is below it
 * ("-": no top-level name left out), with dir sizes if SIZES is "dirsize"
 * (a union dir's size is its top branch dir's, whiteouts counted). */
static int do_tree(char **argv)
{
	struct sbuf b = { 0 };
	struct stat st;

	if (lstat(argv[2], &st) < 0)
		return report(-1);
	walk_dir_sizes = !strcmp(argv[4], "dirsize");
	sput(&b, ". %o", (unsigned)st.st_mode);
	if (walk_dir_sizes)
		sput(&b, " size=%lld", (long long)st.st_size);
	sput(&b, "\n");
	walk(&b, argv[2], "", strcmp(argv[3], "-") ? argv[3] : NULL);
	if (b.len && fwrite(b.p, 1, b.len, stdout) != b.len)
		return 1;
	free(b.p);
	return 0;
}

/* fill-blocks FILE K: writes zeros to FILE until its filesystem is full,
 * then gives back K pages of 4 KiB (as far as the file has them). */
static int do_fill_blocks(char **argv)
{
	static char zeros[4096];
	long k = strtol(argv[3], NULL, 0);
	int fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	struct stat st;

	if (fd < 0)
		return report(-1);
	while (write(fd, zeros, sizeof(zeros)) > 0)
		;
	if (errno != ENOSPC || fstat(fd, &st) < 0)
		return report(-1);
	off_t left = st.st_size - k * (off_t)sizeof(zeros);

	if (ftruncate(fd, left < 0 ? 0 : left) < 0)
		return report(-1);
	close(fd);
	printf("ok\n");
	return 0;
}

/* fill-inodes DIR K: makes DIR and empty files DIR/0, DIR/1, ... until the
 * filesystem has no inode left, then removes the last K of them. */
static int do_fill_inodes(char **argv)
{
	char p[4200];
	long k = strtol(argv[3], NULL, 0), n = 0;
	int fd;

	if (mkdir(argv[2], 0755) < 0)
		return report(-1);
	for (;; n++) {
		snprintf(p, sizeof(p), "%s/%ld", argv[2], n);
		if ((fd = open(p, O_WRONLY | O_CREAT | O_EXCL, 0644)) < 0)
			break;
		close(fd);
	}
	if (errno != ENOSPC)
		return report(-1);
	while (k-- > 0 && n > 0) {
		snprintf(p, sizeof(p), "%s/%ld", argv[2], --n);
		if (unlink(p) < 0)
			return report(-1);
	}
	printf("ok\n");
	return 0;
}

/* module-cycles KO BRANCH MNT N: N times insmod KO, mount aufs on MNT with
 * BRANCH alone, read BRANCH's file f and list the root through it, umount,
 * rmmod; prints "ok" or the failing step, its round and errno. */
static int do_module_cycles(char **argv)
{
	char data[4200], path[4200], buf[256];
	long n = strtol(argv[5], NULL, 0);
	const char *step = NULL;

	snprintf(data, sizeof(data), "br=%s", argv[3]);
	snprintf(path, sizeof(path), "%s/f", argv[4]);
	for (long i = 0; i < n && !step; i++) {
		int fd = open(argv[2], O_RDONLY | O_CLOEXEC);
		DIR *d;

		if (fd < 0 || syscall(SYS_finit_module, fd, "", 0) < 0)
			step = "insmod";
		else if (close(fd), mount("none", argv[4], "aufs", 0, data) < 0)
			step = "mount";
		else if ((fd = open(path, O_RDONLY)) < 0 || read(fd, buf, sizeof(buf)) <= 0)
			step = "read";
		else if (close(fd), !(d = opendir(argv[4])))
			step = "opendir";
		else if (readdir(d), closedir(d), umount(argv[4]) < 0)
			step = "umount";
		else if (syscall(SYS_delete_module, "aufs_rs", O_NONBLOCK) < 0)
			step = "rmmod";
		if (step)
			printf("%s #%ld: %s\n", step, i, errno_name(errno));
	}
	if (!step)
		printf("ok\n");
	return !!step;
}

/* model-lower LO W: the lower branch of tests/102-stress-model.sh: LO/wI
 * (I = 1..W) with f00..f23 of I*I*37 % 12000 random bytes (f24..f31 are
 * made by the workers), and LO/shared/s0..s7 of K*1000+5 random bytes. */
static int do_model_lower(char **argv)
{
	static char buf[12000];
	int w_count = atoi(argv[3]), rnd = open("/dev/urandom", O_RDONLY);
	char p[4200];

	for (int w = 0; w <= w_count; w++) {
		int files = w ? 24 : 8;

		snprintf(p, sizeof(p), w ? "%s/w%d" : "%s/shared", argv[2], w);
		if (rnd < 0 || (mkdir(p, 0755) < 0 && errno != EEXIST))
			return report(-1);
		for (int i = 0; i < files; i++) {
			size_t n = w ? (size_t)(i * i * 37 % 12000) : (size_t)(i * 1000 + 5);
			int fd;

			if (w)
				snprintf(p, sizeof(p), "%s/w%d/f%02d", argv[2], w, i);
			else
				snprintf(p, sizeof(p), "%s/shared/s%d", argv[2], i);
			fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
			if (fd < 0 || read(rnd, buf, n) != (ssize_t)n || write(fd, buf, n) != (ssize_t)n)
				return report(-1);
			close(fd);
		}
	}
	close(rnd);
	printf("ok\n");
	return 0;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int args;
		int (*fn)(char **argv);
	} cmds[] = {
		{ "mount", 6, do_mount },
		{ "mmap-read", 4, do_mmap_read },
		{ "mmap-hold", 3, do_mmap_hold },
		{ "remount", 4, do_remount },
		{ "create-rename", 6, do_create_rename },
		{ "getdents", 4, do_getdents },
		{ "seekdir", 3, do_seekdir },
		{ "statfs", 3, do_statfs },
		{ "drid", 3, do_drid },
		{ "seek-data", 3, do_seek_data },
		{ "sendfile", 3, do_sendfile },
		{ "open-errno", 4, do_open_errno },
		{ "mkfiles", 5, do_mkfiles },
		{ "count-dents", 4, do_count_dents },
		{ "dents-memcg", 4, do_dents_memcg },
		{ "getxattr", 4, do_getxattr },
		{ "setxattr", 5, do_setxattr },
		{ "listxattr", 3, do_listxattr },
		{ "bench-stat", 4, do_bench_stat },
		{ "bench-readdir", 4, do_bench_readdir },
		{ "churn", 5, do_churn },
		{ "ino-unique", 4, do_ino_unique },
		{ "bench-create", 4, do_bench_create },
		{ "bench-append", 3, do_bench_append },
		{ "bench-write", 4, do_bench_write },
		{ "bench-op", 6, do_bench_op },
		{ "setacl", 3, do_setacl },
		{ "getacl", 3, do_getacl },
		{ "setacl-user", 6, do_setacl_user },
		{ "listxattr-size", 3, do_listxattr_size },
		{ "rename", 5, do_rename },
		{ "rename-timed", 4, do_rename_timed },
		{ "stress", 5, do_stress },
		{ "stress-replay", 6, do_stress_replay },
		{ "sync", 4, do_sync },
		{ "append-sync", 4, do_append_sync },
		{ "inotify-hold", 3, do_inotify_hold },
		{ "open-gone", 4, do_open_gone },
		{ "links-race", 4, do_links_race },
		{ "fail-nth", 5, do_fail_nth },
		{ "bench-par", 6, do_bench_par },
		{ "fault-sweep", 4, do_fault_sweep },
		{ "getflags", 3, do_getflags },
		{ "setflags", 4, do_setflags },
		{ "model-worker", 7, do_model_worker },
		{ "model-shared", 4, do_model_shared },
		{ "model-readdir", 4, do_model_readdir },
		{ "direct", 5, do_direct },
		{ "cached", 3, do_cached },
		{ "tree", 5, do_tree },
		{ "fill-blocks", 4, do_fill_blocks },
		{ "fill-inodes", 4, do_fill_inodes },
		{ "module-cycles", 6, do_module_cycles },
		{ "model-lower", 4, do_model_lower },
		{ "mvdown", 6, do_mvdown },
		{ "ioctl", 4, do_ioctl },
		{ "fhsm", 4, do_fhsm },
	};

	if (argc > 1 && !strcmp(argv[1], "as-user"))
		return do_as_user(argc, argv);

	for (size_t i = 0; argc > 1 && i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[1], cmds[i].name)) {
			if (argc != cmds[i].args) {
				fprintf(stderr, "aufs-test %s: wrong argument count\n", argv[1]);
				return 2;
			}
			return cmds[i].fn(argv);
		}
	fprintf(stderr, "usage: see the comment at the top of aufs-test.c\n");
	return 2;
}
