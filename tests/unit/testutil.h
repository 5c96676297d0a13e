/*
 * testutil.h: small helpers shared by the Check unit tests.
 *
 * Tests run from the repository root. The shared corpus (RFC 4475
 * messages, real GPS traces) lives beside the clone, in ../shared by
 * default or wherever LOCD_SHARED points; a test that needs it and finds
 * it absent says so on stderr and passes without checking anything else.
 */
#ifndef TESTUTIL_H
#define TESTUTIL_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Path of the shared corpus directory (never NULL). */
static inline const char *tu_shared_dir(void)
{
	const char *s = getenv("LOCD_SHARED");
	return (s && *s) ? s : "../shared";
}

/* Build "<shared>/<rel>" into buf; true when that path exists. */
static inline bool tu_shared_path(char *buf, size_t sz, const char *rel)
{
	struct stat st;
	snprintf(buf, sz, "%s/%s", tu_shared_dir(), rel);
	return stat(buf, &st) == 0;
}

/* Read a whole file into a NUL-terminated heap buffer; NULL on error. */
static inline char *tu_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;
	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)n + 1);
		if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		} else if (buf) {
			buf[n] = '\0';
			if (len)
				*len = (size_t)n;
		}
	}
	fclose(f);
	return buf;
}

#define TU_SKIP_NO_SHARED(what)                                               \
	fprintf(stderr, "skipped: %s: %s absent\n", __func__, (what))

#endif
