/*
 * test_trace_mutate.c: the trace readers on damaged input. Each sample
 * trace of data/traces is mutated deterministically (bytes flipped,
 * deleted, duplicated, the file cut short) and read again. Whatever the
 * damage, the result must be one of the documented outcomes: success
 * with every fix in range, or EBADMSG / EOVERFLOW with a message that
 * names the line. Under SANITIZE=1 this also proves no read past the
 * buffer, no leak and no undefined behaviour on hostile input (SEC-18).
 */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "geo/geo_trace.h"
#include "tests/unit/testutil.h"

#define MUTATIONS 300

static uint32_t lcg(uint32_t *s)
{
	*s = *s * 1664525u + 1013904223u;
	return *s >> 8;
}

/* Apply one random edit to buf (len bytes, capacity cap); new length. */
static size_t mutate(char *buf, size_t len, size_t cap, uint32_t *seed)
{
	static const char alphabet[] = "<>/=\"'&;$*,.-+0123456789eE \n\r"
		"\xff\xfe";
	size_t pos = len ? lcg(seed) % len : 0;
	size_t n;

	switch (lcg(seed) % 5) {
	case 0: /* overwrite a byte with a syntax character */
		n = lcg(seed) % (sizeof(alphabet) - 1);
		if (len)
			buf[pos] = alphabet[n];
		return len;
	case 1: /* flip a bit */
		if (len)
			buf[pos] ^= (char)(1u << (lcg(seed) % 8));
		return len;
	case 2: /* delete a run */
		n = lcg(seed) % 16;
		if (n > len - pos)
			n = len - pos;
		memmove(buf + pos, buf + pos + n, len - pos - n);
		return len - n;
	case 3: /* duplicate a run */
		n = lcg(seed) % 64;
		if (n > len - pos)
			n = len - pos;
		if (len + n > cap)
			return len;
		memmove(buf + pos + n, buf + pos, len - pos);
		return len + n;
	default: /* cut short */
		return pos;
	}
}

static void check_outcome(int e, const struct geo_err *err,
			  const struct geo_fix *f, size_t n, const char *name)
{
	size_t i;

	if (e) {
		ck_assert_msg(e == EBADMSG || e == EOVERFLOW,
			      "%s: unexpected error %d (%s)", name, e,
			      err->msg);
		ck_assert_int_eq(err->code, e);
		ck_assert_msg(strncmp(err->msg, "line ", 5) == 0,
			      "%s: message without a line: %s", name,
			      err->msg);
		return;
	}
	for (i = 0; i < n; i++) {
		ck_assert(f[i].pt.lat >= -90 && f[i].pt.lat <= 90);
		ck_assert(f[i].pt.lon >= -180 && f[i].pt.lon <= 180);
		ck_assert(!f[i].has_speed || f[i].speed >= 0);
		ck_assert(!f[i].has_course ||
			  (f[i].course >= 0 && f[i].course < 360));
		ck_assert_uint_gt(f[i].line, 0);
	}
}

START_TEST(test_mutate_samples)
{
	static const struct {
		const char *path;
		enum geo_trace_format fmt;
	} files[] = {
		{ "data/traces/elevator.gpx", GEO_TRACE_GPX },
		{ "data/traces/walk-building10.nmea", GEO_TRACE_NMEA },
		{ "data/traces/car.csv", GEO_TRACE_CSV },
	};
	const char *path = files[_i].path;
	struct geo_trace_opts opts;
	size_t len, cap, mlen, n, ok = 0, bad = 0;
	uint32_t seed = 42u + (uint32_t)_i;
	char *orig, *buf;
	int k, m;

	orig = tu_read_file(path, &len);
	ck_assert_ptr_nonnull(orig);
	cap = len + 1024;
	buf = malloc(cap);
	ck_assert_ptr_nonnull(buf);
	geo_trace_opts_init(&opts);
	opts.format = files[_i].fmt;
	opts.lim.max_depth = 8;
	for (k = 0; k < MUTATIONS; k++) {
		struct geo_trace *tr = NULL;
		struct geo_fix *f = NULL;
		struct geo_err err = { 0 };
		int e;

		memcpy(buf, orig, len);
		mlen = len;
		for (m = 0; m <= k % 4; m++)
			mlen = mutate(buf, mlen, cap, &seed);
		n = 0;
		e = geo_trace_open_mem(&tr, buf, mlen, &opts, &err);
		if (!e) {
			e = geo_trace_read_all(tr, &f, &n, &err);
			geo_trace_free(tr);
		}
		check_outcome(e, &err, f, n, path);
		if (e)
			bad++;
		else
			ok++;
		free(f);
	}
	/* Both outcomes occur: the mutations are neither all fatal nor
	 * all harmless (NMEA checksums catch most flips). */
	ck_assert_uint_gt(ok, 0);
	ck_assert_uint_gt(bad, 0);
	free(buf);
	free(orig);
}
END_TEST

TCase *tcase_trace_mutate(void);
TCase *tcase_trace_mutate(void)
{
	TCase *tc = tcase_create("trace_mutate");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_mutate_samples, 0, 3);
	return tc;
}
