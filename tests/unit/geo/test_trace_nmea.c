/*
 * test_trace_nmea.c: geo/trace_nmea.c, NMEA 0183 trace reader.
 * GGA+RMC merging with exact values, date carried to GGA (midnight too),
 * checksums (bad ones skipped and counted), no-fix sentences, every
 * malformed field with its message, the line limit.
 */
#include <check.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geo/geo_trace.h"

#define KNOT (1852.0 / 3600.0)

/*
 * Build an NMEA log: each argument is a sentence body without '$' and
 * checksum, which are added; a body starting with '!' is copied as it
 * is (minus the '!'), for corrupt or foreign lines. NULL ends the list.
 */
static char *nmea_log(const char *first, ...)
{
	static char buf[8192];
	size_t len = 0;
	const char *s;
	va_list ap;

	va_start(ap, first);
	for (s = first; s; s = va_arg(ap, const char *)) {
		unsigned sum = 0;
		const char *c;
		int n;

		if (s[0] == '!') {
			n = snprintf(buf + len, sizeof(buf) - len, "%s\r\n",
				     s + 1);
		} else {
			for (c = s; *c; c++)
				sum ^= (unsigned char)*c;
			n = snprintf(buf + len, sizeof(buf) - len,
				     "$%s*%02X\r\n", s, sum);
		}
		ck_assert(n > 0 && (size_t)n < sizeof(buf) - len);
		len += (size_t)n;
	}
	va_end(ap);
	return buf;
}

static int read_log(const char *log, const struct geo_trace_opts *opts,
		    struct geo_fix **f, size_t *n, struct geo_err *err,
		    struct geo_trace_stats *st)
{
	struct geo_trace *tr = NULL;
	int e;

	*f = NULL;
	*n = 0;
	memset(err, 0, sizeof(*err));
	e = geo_trace_open_mem(&tr, log, strlen(log), opts, err);
	if (e)
		return e;
	ck_assert_int_eq(geo_trace_format(tr), GEO_TRACE_NMEA);
	e = geo_trace_read_all(tr, f, n, err);
	if (st)
		*st = *geo_trace_stats(tr);
	geo_trace_free(tr);
	return e;
}

/* gpsbabel's order (RMC, GGA, VTG, GSA), then GGA before RMC. */
START_TEST(test_nmea_merge)
{
	const char *log = nmea_log(
		"GPRMC,100000.000,A,3724.699,N,12156.047,W,2.72,90.00,"
		"211126,,",
		"GPGGA,100000.000,3724.699,N,12156.047,W,1,08,0.0,1.500,M,"
		"0.0,M,,",
		"GPVTG,90.000,T,0,M,2.721,N,5.040,K",
		"GPGSA,A,3,,,,,,,,,,,,,0.0,0.0,0.0",
		"GNGGA,100002.500,3345.000,S,15115.000,E,2,08,0.9,-3.5,M,"
		"20.1,M,,",
		"GNRMC,100002.500,A,3345.000,S,15115.000,E,0.00,359.9,"
		"211126,,,A",
		NULL);
	struct geo_trace_stats st;
	struct geo_fix *f;
	struct geo_err err;
	size_t n;

	ck_assert_int_eq(read_log(log, NULL, &f, &n, &err, &st), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(st.fixes, 2);
	ck_assert_uint_eq(st.timed, 2);
	ck_assert_uint_eq(st.ignored, 2);
	ck_assert_uint_eq(st.bad_checksum, 0);
	ck_assert_uint_eq(st.no_fix, 0);

	ck_assert_double_eq_tol(f[0].pt.lat, 37.41165, 1e-9);
	ck_assert_double_eq_tol(f[0].pt.lon, -(121 + 56.047 / 60), 1e-9);
	ck_assert(f[0].pt.has_alt);
	ck_assert_double_eq(f[0].pt.alt, 1.5);
	ck_assert(f[0].has_time);
	ck_assert_double_eq(f[0].time, 1795255200.0);
	ck_assert(f[0].has_speed);
	ck_assert_double_eq_tol(f[0].speed, 2.72 * KNOT, 1e-12);
	ck_assert(f[0].has_course);
	ck_assert_double_eq(f[0].course, 90);
	ck_assert_uint_eq(f[0].line, 1);

	/* GGA first: altitude without geoid separation, S and E signs. */
	ck_assert_double_eq(f[1].pt.lat, -33.75);
	ck_assert_double_eq(f[1].pt.lon, 151.25);
	ck_assert_double_eq(f[1].pt.alt, -3.5);
	ck_assert_double_eq(f[1].time, 1795255202.5);
	ck_assert_double_eq(f[1].speed, 0);
	ck_assert_double_eq(f[1].course, 359.9);
	ck_assert_uint_eq(f[1].line, 5);
	free(f);
}
END_TEST

/* GGA alone: no time until a date is known; then carried, midnight. */
START_TEST(test_nmea_date_carry)
{
	const char *log = nmea_log(
		"GPGGA,235958,0100.000,N,00200.000,E,1,05,1.0,10,M,,M,,",
		"GPRMC,235959,A,0100.000,N,00200.000,E,,,311226,,",
		"GPGGA,235959.5,0100.000,N,00200.000,E,1,05,1.0,11,M,,M,,",
		"GPGGA,000001,0100.000,N,00200.000,E,1,05,1.0,12,M,,M,,",
		"GPGGA,,0100.000,N,00200.000,E,1,05,1.0,13,M,,M,,",
		NULL);
	struct geo_fix *f;
	struct geo_err err;
	size_t n;

	ck_assert_int_eq(read_log(log, NULL, &f, &n, &err, NULL), 0);
	ck_assert_uint_eq(n, 5);
	/* Before the first RMC, whose date is taken when it follows. */
	ck_assert(f[0].has_time);
	ck_assert_double_eq(f[0].time, 1798761598.0);
	ck_assert_double_eq(f[0].pt.alt, 10);
	ck_assert(f[1].has_time);           /* RMC alone, no speed */
	ck_assert(!f[1].pt.has_alt);
	ck_assert(!f[1].has_speed);
	ck_assert(!f[1].has_course);
	/* 2026-12-31T23:59:59Z */
	ck_assert_double_eq(f[1].time, 1798761599.0);
	ck_assert_double_eq(f[2].time, 1798761599.5);
	ck_assert_double_eq(f[2].pt.alt, 11);
	/* Past midnight: 2027-01-01T00:00:01Z */
	ck_assert_double_eq(f[3].time, 1798761601.0);
	ck_assert(!f[4].has_time);          /* empty time field */
	ck_assert_uint_eq(f[4].line, 5);
	free(f);

	/* GGA only: time of day without a date is no UNIX time. */
	log = nmea_log(
		"GPGGA,235958,0100.000,N,00200.000,E,1,05,1.0,10,M,,M,,",
		"GPGGA,235959,0100.000,N,00200.000,E,1,05,1.0,10,M,,M,,",
		NULL);
	ck_assert_int_eq(read_log(log, NULL, &f, &n, &err, NULL), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert(!f[0].has_time);
	ck_assert(!f[1].has_time);
	free(f);
}
END_TEST

/* Bad checksums skipped and counted; absent ones accepted. */
START_TEST(test_nmea_checksum)
{
	const char *log = nmea_log(
		"!$GPGGA,100000,0100.000,N,00200.000,E,1,05,1.0,10,M,,M,,*00",
		"!$GPGGA,100001,0100.000,N,00200.000,E,1,05,1.0,10,M,,M,,",
		"!$GPGGA,100002,0100.000,N,00200.000,E,1,05,1.0,10,M,,M,,*ZZ",
		"!$GPGGA,100003,0100.000,N,00200.000,E,1,05,1.0,10,M,,M,,*4",
		"GPGGA,100004,0100.000,N,00200.000,E,1,05,1.0,10,M,,M,,",
		"!garbage from the serial port",
		"!",
		"!$GPGGA,1000",
		NULL);
	struct geo_trace_stats st;
	struct geo_fix *f;
	struct geo_err err;
	size_t n;

	/* A truncated line without checksum is malformed... */
	ck_assert_int_eq(read_log(log, NULL, &f, &n, &err, &st), EBADMSG);
	ck_assert_str_eq(err.msg, "line 8: GGA: bad field count");
	ck_assert(!st.cut_short);
	/* ...except the last one, unterminated: a log cut mid-write. */
	{
		char cut[8192];
		size_t len = strlen(log);

		ck_assert_uint_lt(len, sizeof(cut));
		memcpy(cut, log, len - 2); /* drop the final CR LF */
		cut[len - 2] = '\0';
		ck_assert_int_eq(read_log(cut, NULL, &f, &n, &err, &st), 0);
		ck_assert_uint_eq(n, 2);
		ck_assert(st.cut_short);
		ck_assert_uint_eq(st.bad_checksum, 3);
		free(f);
	}

	log = nmea_log(
		"!$GPGGA,100000,0100.000,N,00200.000,E,1,05,1.0,10,M,,M,,*00",
		"!$GPGGA,100001,0100.000,N,00200.000,E,1,05,1.0,10,M,,M,,",
		"!$GPGGA,100002,0100.000,N,00200.000,E,1,05,1.0,10,M,,M,,*ZZ",
		"!$GPGGA,100003,0100.000,N,00200.000,E,1,05,1.0,10,M,,M,,*4",
		"GPGGA,100004,0100.000,N,00200.000,E,1,05,1.0,10,M,,M,,",
		"!garbage from the serial port",
		"!",
		"!$GPGGA,1000*12",
		NULL);
	ck_assert_int_eq(read_log(log, NULL, &f, &n, &err, &st), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(f[0].line, 2);
	ck_assert_uint_eq(f[1].line, 5);
	ck_assert_uint_eq(st.bad_checksum, 4);
	ck_assert_uint_eq(st.first_bad_line, 1);
	ck_assert_uint_eq(st.ignored, 1);
	free(f);
}
END_TEST

/* No fix: GGA quality 0, RMC status V, empty position; skipped. */
START_TEST(test_nmea_no_fix)
{
	const char *log = nmea_log(
		"GPGGA,100000,0100.000,N,00200.000,E,0,00,,,M,,M,,",
		"GPRMC,100000,V,0100.000,N,00200.000,E,,,211126,,",
		"GPGGA,100001,,,,,1,00,,,M,,M,,",
		"GPGGA,100002,0100.000,N,00200.000,E,,00,,,M,,M,,",
		"GPRMC,100003,A,0130.000,N,00230.000,W,10,45,211126,,",
		"PGRMZ,100,f,3",
		NULL);
	struct geo_trace_stats st;
	struct geo_fix *f;
	struct geo_err err;
	size_t n;

	ck_assert_int_eq(read_log(log, NULL, &f, &n, &err, &st), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(st.no_fix, 4);
	ck_assert_uint_eq(st.ignored, 1);
	ck_assert_double_eq(f[0].pt.lat, 1.5);
	ck_assert_double_eq(f[0].pt.lon, -2.5);
	ck_assert_double_eq(f[0].speed, 10 * KNOT);
	ck_assert_double_eq(f[0].course, 45);
	/* The V sentence's date was still taken. */
	ck_assert_double_eq(f[0].time, 1795255200.0 + 3);
	free(f);
}
END_TEST

struct bad_case {
	const char *body;
	const char *msg;
};

/* Sentences that pass their checksum but hold a malformed field. */
static const struct bad_case bad_sentences[] = {
	{ "GPGGA,100000,9100.000,N,00200.000,E,1,05,1.0,10,M,,M,,",
	  "line 1: GGA: latitude out of range" },
	{ "GPGGA,100000,0100.000,N,18100.000,E,1,05,1.0,10,M,,M,,",
	  "line 1: GGA: longitude out of range" },
	{ "GPGGA,100000,01a0.000,N,00200.000,E,1,05,1.0,10,M,,M,,",
	  "line 1: GGA: bad latitude" },
	{ "GPGGA,100000,0160.000,N,00200.000,E,1,05,1.0,10,M,,M,,",
	  "line 1: GGA: bad latitude" },
	{ "GPGGA,100000,-0100.000,N,00200.000,E,1,05,1.0,10,M,,M,,",
	  "line 1: GGA: bad latitude" },
	{ "GPGGA,100000,0100.000,X,00200.000,E,1,05,1.0,10,M,,M,,",
	  "line 1: GGA: bad latitude" },
	{ "GPGGA,100000,0100.000,N,00200.000,N,1,05,1.0,10,M,,M,,",
	  "line 1: GGA: bad longitude" },
	{ "GPGGA,100000,0100.000,N,00200.000,E,1,05,1.0,1O,M,,M,,",
	  "line 1: GGA: bad altitude" },
	{ "GPGGA,100000,0100.000,N,00200.000,E,x,05,1.0,10,M,,M,,",
	  "line 1: GGA: bad fix quality" },
	{ "GPGGA,106000,0100.000,N,00200.000,E,1,05,1.0,10,M,,M,,",
	  "line 1: GGA: bad time" },
	{ "GPGGA,10000,0100.000,N,00200.000,E,1,05,1.0,10,M,,M,,",
	  "line 1: GGA: bad time" },
	{ "GPGGA,100000.x,0100.000,N,00200.000,E,1,05,1.0,10,M,,M,,",
	  "line 1: GGA: bad time" },
	{ "GPGGA,100000,0100.000,N,00200.000,E",
	  "line 1: GGA: bad field count" },
	{ "GPRMC,100000,A,0100.000,N,00200.000,E,1,2,321126,,",
	  "line 1: RMC: bad date" },
	{ "GPRMC,100000,A,0100.000,N,00200.000,E,1,2,2911,,",
	  "line 1: RMC: bad date" },
	{ "GPRMC,100000,X,0100.000,N,00200.000,E,1,2,211126,,",
	  "line 1: RMC: bad status" },
	{ "GPRMC,100000,A,0100.000,N,00200.000,E,fast,2,211126,,",
	  "line 1: RMC: bad speed" },
	{ "GPRMC,100000,A,0100.000,N,00200.000,E,-1,2,211126,,",
	  "line 1: RMC: speed out of range" },
	{ "GPRMC,100000,A,0100.000,N,00200.000,E,1,361,211126,,",
	  "line 1: RMC: course out of range" },
	{ "GPRMC,100000,A,0100.000,N,00200.000,E,1,2",
	  "line 1: RMC: bad field count" },
};

START_TEST(test_nmea_bad)
{
	const struct bad_case *c = &bad_sentences[_i];
	const char *log = nmea_log(c->body, NULL);
	struct geo_fix *f;
	struct geo_err err;
	size_t n;

	ck_assert_int_eq(read_log(log, NULL, &f, &n, &err, NULL), EBADMSG);
	ck_assert_int_eq(err.code, EBADMSG);
	ck_assert_str_eq(err.msg, c->msg);
	ck_assert_ptr_null(f);
}
END_TEST

/* Line limit (EOVERFLOW) and the fix limit. */
START_TEST(test_nmea_limits)
{
	const char *log = nmea_log(
		"GPGGA,100000,0100.000,N,00200.000,E,1,05,1.0,10,M,,M,,",
		"GPGGA,100001,0100.000,N,00200.000,E,1,05,1.0,10,M,,M,,"
		"0123456789",
		NULL);
	struct geo_trace_opts opts;
	struct geo_fix *f;
	struct geo_err err;
	size_t n;

	geo_trace_opts_init(&opts);
	opts.lim.max_line = 68; /* $ + 64 + *HH */
	ck_assert_int_eq(read_log(log, &opts, &f, &n, &err, NULL), 0);
	ck_assert_uint_eq(n, 2);
	free(f);
	opts.lim.max_line = 67;
	ck_assert_int_eq(read_log(log, &opts, &f, &n, &err, NULL),
			 EOVERFLOW);
	ck_assert_str_eq(err.msg, "line 2: longer than 67 bytes");
	geo_trace_opts_init(&opts);
	opts.lim.max_fixes = 1;
	ck_assert_int_eq(read_log(log, &opts, &f, &n, &err, NULL),
			 EOVERFLOW);
	ck_assert_str_eq(err.msg, "line 2: more than 1 fixes");
}
END_TEST

TCase *tcase_trace_nmea(void);
TCase *tcase_trace_nmea(void)
{
	TCase *tc = tcase_create("trace_nmea");

	tcase_add_test(tc, test_nmea_merge);
	tcase_add_test(tc, test_nmea_date_carry);
	tcase_add_test(tc, test_nmea_checksum);
	tcase_add_test(tc, test_nmea_no_fix);
	tcase_add_loop_test(tc, test_nmea_bad, 0,
			    sizeof(bad_sentences) / sizeof(bad_sentences[0]));
	tcase_add_test(tc, test_nmea_limits);
	return tc;
}
