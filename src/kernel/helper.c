/*
 * ringlab-kernel-helper: the part of `ringlab kernel run` that Node cannot do (mmap, ioctl,
 * sched_setaffinity), driven by the Node runner (src/kernel/helper.ts) through a line protocol on
 * stdin/stdout: one command per line, one reply line per command ("ok ..." or "err ERRNO ...").
 * It only opens files inside the private instance directory given as argv[1], and when its stdin
 * closes (the runner finished, crashed or was killed) it closes every file, unmaps everything and
 * removes that instance directory, so an instance never outlives its run.
 * Builds with plain gcc and glibc headers (Debian 12): linux/trace_mmap.h may be missing, so the
 * ioctl number is defined here from include/uapi/linux/trace_mmap.h (TRACE_MMAP_IOCTL_GET_READER
 * = _IO('R', 0x20)).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#ifndef TRACE_MMAP_IOCTL_GET_READER
#define TRACE_MMAP_IOCTL_GET_READER _IO('R', 0x20)
#endif

#define MAX_SLOTS 64
#define LINE_MAX_LEN (4 * 1024 * 1024)

struct slot {
	char name[64];
	int fd;        /* an open file (open), or -1 */
	void *addr;    /* a mapping (mmap), or NULL */
	size_t length; /* of the mapping */
};

static struct slot slots[MAX_SLOTS];
static const char *instance;
static int marker_fd = -1;

/* Errno names are added by the runner (Node's os.constants.errno): glibc's strerrorname_np is
 * only in 2.32 and later. */
static void reply_err(int e)
{
	printf("err %d\n", e);
}

static unsigned long long mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ull + (unsigned long long)ts.tv_nsec;
}

static struct slot *find(const char *name)
{
	for (int i = 0; i < MAX_SLOTS; i++)
		if (slots[i].name[0] && strcmp(slots[i].name, name) == 0)
			return &slots[i];
	return NULL;
}

static struct slot *add(const char *name)
{
	if (strlen(name) >= sizeof(slots[0].name) || find(name))
		return NULL;
	for (int i = 0; i < MAX_SLOTS; i++)
		if (!slots[i].name[0]) {
			strcpy(slots[i].name, name);
			slots[i].fd = -1;
			slots[i].addr = NULL;
			return &slots[i];
		}
	return NULL;
}

static void drop(struct slot *s)
{
	if (s->addr)
		munmap(s->addr, s->length);
	if (s->fd >= 0)
		close(s->fd);
	memset(s, 0, sizeof(*s));
}

/* A path inside the instance; refuses anything that could climb out of it. */
static int inside(const char *rel, char *out, size_t n)
{
	if (strstr(rel, "..") || rel[0] == '/')
		return -1;
	if ((size_t)snprintf(out, n, "%s/%s", instance, rel) >= n)
		return -1;
	return 0;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void print_hex(const unsigned char *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		putchar(digits[p[i] >> 4]);
		putchar(digits[p[i] & 15]);
	}
}

static void cleanup(void)
{
	for (int i = 0; i < MAX_SLOTS; i++)
		if (slots[i].name[0])
			drop(&slots[i]);
	if (marker_fd >= 0)
		close(marker_fd);
	marker_fd = -1;
	/* The instance can only go once nothing holds a file of it open: the runner's rmdir may have
	 * failed with EBUSY while we ran, so we try too (ENOENT: it is gone already). */
	if (instance)
		rmdir(instance);
}

static void cmd_open(char *args)
{
	char name[64], rel[256], mode[8], path[4096];
	if (sscanf(args, "%63s %255s %7s", name, rel, mode) != 3 || inside(rel, path, sizeof(path))) {
		reply_err(EINVAL);
		return;
	}
	int flags = (strcmp(mode, "rw") == 0 ? O_RDWR : O_RDONLY) | O_NONBLOCK | O_CLOEXEC;
	int fd = open(path, flags);
	if (fd < 0) {
		reply_err(errno);
		return;
	}
	struct slot *s = add(name);
	if (!s) {
		close(fd);
		reply_err(EEXIST);
		return;
	}
	s->fd = fd;
	printf("ok\n");
}

static void cmd_write(char *args)
{
	size_t n = strlen(args);
	if (n % 2) {
		reply_err(EINVAL);
		return;
	}
	unsigned char *buf = malloc(n / 2 + 1);
	if (!buf) {
		reply_err(ENOMEM);
		return;
	}
	for (size_t i = 0; i < n / 2; i++) {
		int hi = hexval(args[2 * i]), lo = hexval(args[2 * i + 1]);
		if (hi < 0 || lo < 0) {
			free(buf);
			reply_err(EINVAL);
			return;
		}
		buf[i] = (unsigned char)(hi << 4 | lo);
	}
	unsigned long long t0 = mono_ns();
	ssize_t w = write(marker_fd, buf, n / 2);
	int e = errno;
	unsigned long long t1 = mono_ns();
	free(buf);
	if (w < 0)
		printf("err %d %llu %llu\n", e, t0, t1);
	else
		printf("ok %zd %llu %llu\n", w, t0, t1);
}

static void cmd_read(char *args)
{
	char name[64];
	size_t len;
	if (sscanf(args, "%63s %zu", name, &len) != 2 || len == 0 || len > (1 << 20)) {
		reply_err(EINVAL);
		return;
	}
	struct slot *s = find(name);
	if (!s || s->fd < 0) {
		reply_err(EBADF);
		return;
	}
	unsigned char *buf = malloc(len);
	if (!buf) {
		reply_err(ENOMEM);
		return;
	}
	ssize_t r = read(s->fd, buf, len);
	if (r < 0)
		reply_err(errno);
	else {
		printf("ok %zd ", r);
		print_hex(buf, (size_t)r);
		putchar('\n');
	}
	free(buf);
}

static void cmd_mmap(char *args)
{
	char name[64], file[64], prot_s[8], flags_s[16];
	unsigned long long offset, length;
	if (sscanf(args, "%63s %63s %llu %llu %7s %15s", name, file, &offset, &length, prot_s,
		   flags_s) != 6) {
		reply_err(EINVAL);
		return;
	}
	struct slot *f = find(file);
	if (!f || f->fd < 0) {
		reply_err(EBADF);
		return;
	}
	if (find(name)) {
		reply_err(EEXIST);
		return;
	}
	int prot = PROT_READ;
	if (strchr(prot_s, 'w'))
		prot |= PROT_WRITE;
	if (strchr(prot_s, 'x'))
		prot |= PROT_EXEC;
	int flags = strcmp(flags_s, "private") == 0 ? MAP_PRIVATE : MAP_SHARED;
	void *a = mmap(NULL, length, prot, flags, f->fd, (off_t)offset);
	if (a == MAP_FAILED) {
		reply_err(errno);
		return;
	}
	struct slot *s = add(name);
	if (!s) {
		munmap(a, length);
		reply_err(ENOSPC);
		return;
	}
	s->addr = a;
	s->length = length;
	printf("ok\n");
}

static void cmd_munmap(char *args)
{
	char name[64];
	struct slot *s = sscanf(args, "%63s", name) == 1 ? find(name) : NULL;
	if (!s || !s->addr) {
		reply_err(EINVAL);
		return;
	}
	if (munmap(s->addr, s->length) < 0) {
		reply_err(errno);
		return;
	}
	memset(s, 0, sizeof(*s));
	printf("ok\n");
}

static void cmd_close(char *args)
{
	char name[64];
	struct slot *s = sscanf(args, "%63s", name) == 1 ? find(name) : NULL;
	if (!s || s->fd < 0) {
		reply_err(EBADF);
		return;
	}
	drop(s);
	printf("ok\n");
}

static void cmd_ioctl(char *args)
{
	char name[64];
	struct slot *s = sscanf(args, "%63s", name) == 1 ? find(name) : NULL;
	if (!s || s->fd < 0) {
		reply_err(EBADF);
		return;
	}
	if (ioctl(s->fd, TRACE_MMAP_IOCTL_GET_READER) < 0)
		reply_err(errno);
	else
		printf("ok\n");
}

static void cmd_peek(char *args)
{
	char name[64];
	unsigned long long off, len;
	struct slot *s = sscanf(args, "%63s %llu %llu", name, &off, &len) == 3 ? find(name) : NULL;
	if (!s || !s->addr || off > s->length || len > s->length - off) {
		reply_err(EINVAL);
		return;
	}
	printf("ok ");
	print_hex((const unsigned char *)s->addr + off, len);
	putchar('\n');
}

static void cmd_pin(char *args)
{
	int cpu;
	cpu_set_t set;
	if (sscanf(args, "%d", &cpu) != 1 || cpu < 0 || cpu >= CPU_SETSIZE) {
		reply_err(EINVAL);
		return;
	}
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) < 0) {
		reply_err(errno);
		return;
	}
	/* sched_setaffinity migrates us before it returns; check where we run now. */
	printf("ok %d\n", sched_getcpu());
}

static void cmd_sleep(char *args)
{
	unsigned long long ns;
	if (sscanf(args, "%llu", &ns) != 1 || ns > 10000000000ull) {
		reply_err(EINVAL);
		return;
	}
	struct timespec ts = { (time_t)(ns / 1000000000ull), (long)(ns % 1000000000ull) };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
	printf("ok %llu\n", mono_ns());
}

int main(int argc, char **argv)
{
	if (argc != 2 || !strstr(argv[1], "/instances/ringlab-")) {
		fprintf(stderr, "usage: %s TRACEFS/instances/ringlab-NAME\n", argv[0]);
		return 2;
	}
	instance = argv[1];
	char path[4096];
	snprintf(path, sizeof(path), "%s/trace_marker_raw", instance);
	marker_fd = open(path, O_WRONLY | O_CLOEXEC);
	if (marker_fd < 0) {
		fprintf(stderr, "cannot open %s: %s\n", path, strerror(errno));
		cleanup();
		return 1;
	}
	char *line = malloc(LINE_MAX_LEN);
	if (!line)
		return 1;
	printf("ready %d\n", (int)getpid());
	fflush(stdout);
	while (fgets(line, LINE_MAX_LEN, stdin)) {
		line[strcspn(line, "\n")] = 0;
		char *sp = strchr(line, ' ');
		char *args = sp ? sp + 1 : line + strlen(line);
		if (sp)
			*sp = 0;
		if (strcmp(line, "open") == 0)
			cmd_open(args);
		else if (strcmp(line, "close") == 0)
			cmd_close(args);
		else if (strcmp(line, "write") == 0)
			cmd_write(args);
		else if (strcmp(line, "read") == 0)
			cmd_read(args);
		else if (strcmp(line, "mmap") == 0)
			cmd_mmap(args);
		else if (strcmp(line, "munmap") == 0)
			cmd_munmap(args);
		else if (strcmp(line, "ioctl") == 0)
			cmd_ioctl(args);
		else if (strcmp(line, "peek") == 0)
			cmd_peek(args);
		else if (strcmp(line, "pin") == 0)
			cmd_pin(args);
		else if (strcmp(line, "sleep") == 0)
			cmd_sleep(args);
		else if (strcmp(line, "now") == 0)
			printf("ok %llu\n", mono_ns());
		else if (strcmp(line, "quit") == 0)
			break;
		else
			reply_err(ENOSYS);
		fflush(stdout);
	}
	free(line);
	cleanup();
	printf("bye\n");
	fflush(stdout);
	return 0;
}
