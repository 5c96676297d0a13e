/*
 * test_trace_csv.c: geo/trace_csv.c, CSV trace reader.
 * Columns by header name, ISO 8601 and UNIX times, optional empty
 * values, comments; every malformed row with its line and message.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "geo/geo_trace.h"

static int read_csv(const char *doc, const struct geo_trace_opts *opts,
		    struct geo_fix **f, size_t *n, struct geo_err *err)
{
	struct geo_trace_opts o;
	struct geo_trace *tr = NULL;
	int e;

	if (opts)
		o = *opts;
	else
		geo_trace_opts_init(&o);
	o.format = GEO_TRACE_CSV;
	*f = NULL;
	*n = 0;
	memset(err, 0, sizeof(*err));
	e = geo_trace_open_mem(&tr, doc, strlen(doc), &o, err);
	if (e)
		return e;
	e = geo_trace_read_all(tr, f, n, err);
	geo_trace_free(tr);
	return e;
}

START_TEST(test_csv_values)
{
	static const char doc[] =
		"\xef\xbb\xbf# exported by hand\r\n"
		"time,lat,lon,alt,speed\r\n"
		"\r\n"
		"2026-11-21T10:20:00Z,37.409,-121.94,10.0,0.00\r\n"
		"  # a comment between rows\n"
		"1795256401.5, 37.5 , -121.5 ,,\n"
		"2026-11-21 11:20:02+01:00,-90,180,-1e2,25\n";
	struct geo_fix *f;
	struct geo_err err;
	size_t n;

	ck_assert_int_eq(read_csv(doc, NULL, &f, &n, &err), 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_double_eq(f[0].time, 1795256400.0);
	ck_assert(f[0].has_time);
	ck_assert_double_eq(f[0].pt.lat, 37.409);
	ck_assert_double_eq(f[0].pt.lon, -121.94);
	ck_assert(f[0].pt.has_alt);
	ck_assert_double_eq(f[0].pt.alt, 10);
	ck_assert(f[0].has_speed);
	ck_assert_double_eq(f[0].speed, 0);
	ck_assert(!f[0].has_course);
	ck_assert_uint_eq(f[0].line, 4);

	ck_assert_double_eq(f[1].time, 1795256401.5);
	ck_assert_double_eq(f[1].pt.lat, 37.5);
	ck_assert_double_eq(f[1].pt.lon, -121.5);
	ck_assert(!f[1].pt.has_alt);
	ck_assert(!f[1].has_speed);
	ck_assert_uint_eq(f[1].line, 6);

	ck_assert_double_eq(f[2].time, 1795256402.0);
	ck_assert_double_eq(f[2].pt.lat, -90);
	ck_assert_double_eq(f[2].pt.lon, 180);
	ck_assert_double_eq(f[2].pt.alt, -100);
	ck_assert_double_eq(f[2].speed, 25);
	ck_assert_uint_eq(f[2].line, 7);
	free(f);
}
END_TEST

/* Columns found by name, any order, aliases, unknown ones ignored. */
START_TEST(test_csv_columns)
{
	static const char doc[] =
		"Speed,Longitude,note,LATITUDE,Time,course,ele\n"
		"3.5,2.25,hello,1.5,0,180,\n"
		"4,2.5,,1.75,-10.25,,7\n";
	struct geo_fix *f;
	struct geo_err err;
	size_t n;

	ck_assert_int_eq(read_csv(doc, NULL, &f, &n, &err), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_double_eq(f[0].speed, 3.5);
	ck_assert_double_eq(f[0].pt.lon, 2.25);
	ck_assert_double_eq(f[0].pt.lat, 1.5);
	ck_assert_double_eq(f[0].time, 0);
	ck_assert(f[0].has_time);
	ck_assert_double_eq(f[0].course, 180);
	ck_assert(!f[0].pt.has_alt);
	ck_assert_double_eq(f[1].time, -10.25);
	ck_assert(!f[1].has_course);
	ck_assert_double_eq(f[1].pt.alt, 7);
	free(f);
}
END_TEST

struct bad_case {
	const char *doc;
	int code;
	const char *msg;
};

#define HDR "time,lat,lon,alt,speed\n"
#define ROW "2026-11-21T10:20:00Z,37.409,-121.94,10.0,0.00\n"

static const struct bad_case bad_docs[] = {
	{ HDR ROW "2026-11-21T10:20:01Z,37.4x,-121.94,10.0,0.00\n",
	  EBADMSG, "line 3: bad lat" },
	{ HDR "2026-11-21T10:20:01Z,91,-121.94,10.0,0.00\n",
	  EBADMSG, "line 2: latitude out of range" },
	{ HDR "2026-11-21T10:20:01Z,1,-180.01,10.0,0.00\n",
	  EBADMSG, "line 2: longitude out of range" },
	{ HDR ROW ROW "2026-11-21T10:20:01Z,37.409,-121.94,10.0\n",
	  EBADMSG, "line 4: 4 fields, header has 5" },
	{ HDR "2026-11-21T10:20:01Z,37.409,-121.94,10.0,0.00,9\n",
	  EBADMSG, "line 2: 6 fields, header has 5" },
	{ HDR "2026-11-21T25:20:01Z,37.409,-121.94,10.0,0.00\n",
	  EBADMSG, "line 2: bad time" },
	{ HDR "2026-11-21,37.409,-121.94,10.0,0.00\n",
	  EBADMSG, "line 2: bad time" },
	{ HDR "0x10,37.409,-121.94,10.0,0.00\n",
	  EBADMSG, "line 2: bad time" },
	{ HDR ",37.409,-121.94,10.0,0.00\n",
	  EBADMSG, "line 2: missing time" },
	{ HDR "1,,-121.94,10.0,0.00\n",
	  EBADMSG, "line 2: missing lat" },
	{ HDR "1,1,2,inf,0.00\n", EBADMSG, "line 2: bad alt" },
	{ HDR "1,1,2,3,-2\n", EBADMSG, "line 2: speed out of range" },
	{ HDR "1,1,2,3,\"4\"\n", EBADMSG, "line 2: bad speed" },
	{ "# only a comment\ntime,lat,alt\n1,2,3\n", EBADMSG,
	  "line 2: header lacks column lon" },
	{ "time,lat,lon,latitude\n", EBADMSG,
	  "line 1: duplicate column lat" },
	{ "", EBADMSG, "line 1: no CSV header" },
	{ "\n# nothing\n", EBADMSG, "line 2: no CSV header" },
};

START_TEST(test_csv_bad)
{
	const struct bad_case *c = &bad_docs[_i];
	struct geo_fix *f;
	struct geo_err err;
	size_t n;

	ck_assert_int_eq(read_csv(c->doc, NULL, &f, &n, &err), c->code);
	ck_assert_int_eq(err.code, c->code);
	ck_assert_str_eq(err.msg, c->msg);
	ck_assert_ptr_null(f);
}
END_TEST

/* A header alone is an empty trace, not an error. */
START_TEST(test_csv_empty)
{
	struct geo_fix *f;
	struct geo_err err;
	size_t n = 7;

	ck_assert_int_eq(read_csv(HDR, NULL, &f, &n, &err), 0);
	ck_assert_uint_eq(n, 0);
	free(f);
}
END_TEST

START_TEST(test_csv_limits)
{
	static const char doc[] = HDR ROW ROW ROW;
	struct geo_trace_opts opts;
	struct geo_fix *f;
	struct geo_err err;
	size_t n;

	geo_trace_opts_init(&opts);
	opts.lim.max_line = strlen(ROW) - 1;
	ck_assert_int_eq(read_csv(doc, &opts, &f, &n, &err), 0);
	ck_assert_uint_eq(n, 3);
	free(f);
	opts.lim.max_line = strlen(ROW) - 2;
	ck_assert_int_eq(read_csv(doc, &opts, &f, &n, &err), EOVERFLOW);
	ck_assert_str_eq(err.msg, "line 2: longer than 44 bytes");
	geo_trace_opts_init(&opts);
	opts.lim.max_fixes = 2;
	ck_assert_int_eq(read_csv(doc, &opts, &f, &n, &err), EOVERFLOW);
	ck_assert_str_eq(err.msg, "line 4: more than 2 fixes");
}
END_TEST

TCase *tcase_trace_csv(void);
TCase *tcase_trace_csv(void)
{
	TCase *tc = tcase_create("trace_csv");

	tcase_add_test(tc, test_csv_values);
	tcase_add_test(tc, test_csv_columns);
	tcase_add_loop_test(tc, test_csv_bad, 0,
			    sizeof(bad_docs) / sizeof(bad_docs[0]));
	tcase_add_test(tc, test_csv_empty);
	tcase_add_test(tc, test_csv_limits);
	return tc;
}
