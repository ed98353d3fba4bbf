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
 *   aufs-test stress DIR SEED OPS             deterministic random namespace ops in DIR
 *   aufs-test stress-replay DIR SEED ROUNDS OPS  the stress rounds SEED.. SEED+ROUNDS-1 in turn
 *   aufs-test bench-create DIR N              creates then unlinks N files; prints "ns=N"
 *   aufs-test bench-append FILE               opens for append and writes 1 byte; "ns=N"
 *   aufs-test bench-write FILE MIB            writes MIB MiB sequentially (1 MiB writes); "ns=N"
 *   aufs-test sync PATH fsync|fdatasync|syncfs  opens PATH read-only (file or dir), makes
 *                                             the call; prints "ok" or the errno name
 *   aufs-test append-sync FILE TEXT           appends TEXT and fsyncs before closing; "ok"/errno
 *   aufs-test churn BRANCH UNION N            N times: create BRANCH/cI, stat UNION/cI, unlink
 *                                             BRANCH/cI; drops caches every 1000; prints "ok"
 *   aufs-test inotify-hold PATH               inotify watch on PATH, prints "ok", keeps it until killed
 *   aufs-test open-gone FILE unlink|OTHER     opens FILE rw, unlinks it (or renames OTHER over it),
 *                                             then through the fd: fstat, pwrite, pread, ftruncate,
 *                                             fchmod; prints "size=N mode=OCT data=TEXT" or the errno
 *   aufs-test fail-nth N create|mkdir PATH    the N-th slab allocation of the call fails
 *                                             (/proc/thread-self/fail-nth); prints "ok" or the
 *                                             errno, then "fired" or "unfaulted"
 *   aufs-test getflags FILE                   FS_IOC_GETFLAGS as "aidA" letters ("-" unset)
 *   aufs-test setflags FILE LETTERS           FS_IOC_SETFLAGS to exactly LETTERS; "ok" or errno
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
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
		{ "bench-create", 4, do_bench_create },
		{ "bench-append", 3, do_bench_append },
		{ "bench-write", 4, do_bench_write },
		{ "setacl", 3, do_setacl },
		{ "getacl", 3, do_getacl },
		{ "setacl-user", 6, do_setacl_user },
		{ "listxattr-size", 3, do_listxattr_size },
		{ "rename", 5, do_rename },
		{ "stress", 5, do_stress },
		{ "stress-replay", 6, do_stress_replay },
		{ "sync", 4, do_sync },
		{ "append-sync", 4, do_append_sync },
		{ "inotify-hold", 3, do_inotify_hold },
		{ "open-gone", 4, do_open_gone },
		{ "fail-nth", 5, do_fail_nth },
		{ "getflags", 3, do_getflags },
		{ "setflags", 4, do_setflags },
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
