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

#include <ftw.h>
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

static inline int tu_rm_one(const char *p, const struct stat *sb, int flag,
			    struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(p);
}

/* Make a fresh directory /tmp/<prefix>-XXXXXX into buf; 0 or -1. */
static inline int tu_tmpdir_make(char *buf, size_t sz, const char *prefix)
{
	int n = snprintf(buf, sz, "/tmp/%s-XXXXXX", prefix);

	if (n < 0 || (size_t)n >= sz)
		return -1;
	return mkdtemp(buf) ? 0 : -1;
}

/* Remove a directory and everything below it (rm -rf); 0 or -1. */
static inline int tu_tmpdir_remove(const char *path)
{
	return nftw(path, tu_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

#define TU_SKIP_NO_SHARED(what)                                               \
	fprintf(stderr, "skipped: %s: %s absent\n", __func__, (what))

#endif
