/*
 * tools/common.h: helpers shared by the command-line tools (locsub,
 * locreplay).  Every tools/NAME/ directory is a binary of its own, so
 * they share a header of static inline functions, not a .c.
 *
 * tools_file_read: read a whole file of at most max bytes into a
 *   NUL-terminated buffer (free() it); NULL after a one-line message
 *   "PROG: PATH: why" on stderr (open error, read error, file too large,
 *   out of memory).
 * tools_parse_ulong: a decimal number in lo..hi that starts with a digit
 *   (no sign, no blanks); tools_parse_long, tools_parse_double: strtol /
 *   strtod of the whole string, in lo..hi.  0 or EINVAL.
 */
#ifndef TOOLS_COMMON_H
#define TOOLS_COMMON_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline char *tools_file_read(const char *prog, const char *path,
				    size_t max, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL, *nb;
	size_t n = 0, cap = 0, r;

	if (!f) {
		fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
		return NULL;
	}
	for (;;) {
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 8192;

			if (cap > max)
				break;
			nb = realloc(buf, ncap + 1);
			if (!nb) {
				fprintf(stderr, "%s: out of memory\n", prog);
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
			cap = ncap;
		}
		r = fread(buf + n, 1, cap - n, f);
		n += r;
		if (r == 0)
			break;
	}
	if (n > max || ferror(f) || !feof(f)) {
		if (n > max)
			fprintf(stderr, "%s: %s: file too large (over %zu "
					"KiB)\n", prog, path, max / 1024);
		else
			fprintf(stderr, "%s: %s: read error\n", prog, path);
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

static inline int tools_parse_ulong(const char *s, unsigned long lo,
				    unsigned long hi, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (!s || *s < '0' || *s > '9')
		return EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return EINVAL;
	*out = v;
	return 0;
}

static inline int tools_parse_long(const char *s, long lo, long hi,
				   long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return EINVAL;
	*out = v;
	return 0;
}

static inline int tools_parse_double(const char *s, double lo, double hi,
				     double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !(v >= lo && v <= hi))
		return EINVAL;
	*out = v;
	return 0;
}

#endif
