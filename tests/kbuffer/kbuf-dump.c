/*
 * kbuf-dump: parses a trace_pipe_raw file (whole sub-buffers, as `ringlab run --raw-dir` writes
 * them) with libtraceevent's kbuffer, x86-64 layout, and prints what a real reader would see:
 *
 *   # page N ts <page time_stamp> commit 0x<commit word> size <data bytes> first <data index>
 *   ts <u64> missed <n> data <hex of kbuffer_event_size bytes>
 *
 * one `#` line per sub-buffer, then one line per data event. `missed` is kbuffer_missed_events:
 * the page's lost count on its first record (-1 when the kernel could not store it), else 0.
 *
 * usage: kbuf-dump FILE SUBBUF_SIZE
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kbuffer.h>

static unsigned char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	size_t cap = 0, n = 0, got;

	if (!f)
		return NULL;
	do {
		if (n == cap) {
			cap = cap ? cap * 2 : 65536;
			buf = realloc(buf, cap);
			if (!buf)
				break;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got > 0);
	fclose(f);
	*len = n;
	/* An empty file is valid: no pages, no events. */
	return buf ? buf : malloc(1);
}

int main(int argc, char **argv)
{
	struct kbuffer *kbuf;
	unsigned char *raw;
	size_t len, subbuf, off;
	unsigned long long ts, commit;
	int page = 0;

	if (argc != 3 || (subbuf = strtoul(argv[2], NULL, 0)) < 4096) {
		fprintf(stderr, "usage: kbuf-dump FILE SUBBUF_SIZE\n");
		return 2;
	}
	raw = read_all(argv[1], &len);
	if (!raw) {
		perror(argv[1]);
		return 2;
	}
	if (len % subbuf) {
		fprintf(stderr, "kbuf-dump: %s: %zu bytes is not a whole number of %zu-byte sub-buffers\n",
			argv[1], len, subbuf);
		return 2;
	}
	kbuf = kbuffer_alloc(KBUFFER_LSIZE_8, KBUFFER_ENDIAN_LITTLE);
	if (!kbuf) {
		fprintf(stderr, "kbuf-dump: kbuffer_alloc failed\n");
		return 2;
	}

	for (off = 0; off < len; off += subbuf, page++) {
		unsigned char *sb = raw + off;

		if (kbuffer_load_subbuffer(kbuf, sb) < 0) {
			fprintf(stderr, "kbuf-dump: page %d: kbuffer_load_subbuffer failed\n", page);
			return 1;
		}
		memcpy(&commit, sb + 8, 8);
		if ((size_t)kbuffer_subbuffer_size(kbuf) > subbuf - 16) {
			fprintf(stderr, "kbuf-dump: page %d: commit size %d past the sub-buffer\n",
				page, kbuffer_subbuffer_size(kbuf));
			return 1;
		}
		printf("# page %d ts %llu commit 0x%llx size %d first %d\n", page,
		       kbuffer_subbuf_timestamp(kbuf, sb), commit, kbuffer_subbuffer_size(kbuf),
		       kbuffer_curr_index(kbuf));

		for (unsigned char *data = kbuffer_read_event(kbuf, &ts); data;
		     data = kbuffer_next_event(kbuf, &ts)) {
			int size = kbuffer_event_size(kbuf);

			printf("ts %llu missed %d data ", ts, kbuffer_missed_events(kbuf));
			for (int i = 0; i < size; i++)
				printf("%02x", data[i]);
			putchar('\n');
		}
	}
	kbuffer_free(kbuf);
	free(raw);
	return 0;
}
