/*
 * test_osmand.c: locd/osmand.c, the OsmAnd / Traccar client parser and
 * the plausibility check of a fix (issue 5 part 1).
 */
#include <check.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "locd/http.h"

#define NOW 1700000000.0	/* 2023-11-14T22:13:20Z */
#define KN LOCD_KNOT_MS

static bool near(double a, double b)
{
	return fabs(a - b) <= 1e-9 * (fabs(b) > 1 ? fabs(b) : 1);
}

/* Valid forms. NAN in a field: that field must be absent. */
static const struct {
	const char *q;
	const char *id;
	double lat, lon, time, speed, alt, acc, bearing, hdop;
	const char *token;
} good[] = {
	/* the full OsmAnd set; speed 10 knots */
	{"id=dev1&lat=52.52&lon=13.405&timestamp=1700000000&speed=10"
	 "&altitude=34.5&accuracy=12&bearing=90&hdop=1.2",
	 "dev1", 52.52, 13.405, NOW, 10 * KN, 34.5, 12, 90, 1.2, ""},
	/* milliseconds (> 1e12) */
	{"id=a&lat=-33.9&lon=151.2&timestamp=1700000000123", "a", -33.9,
	 151.2, NOW + 0.123, NAN, NAN, NAN, NAN, NAN, ""},
	/* ISO 8601 in UTC, with a fraction, with an encoded offset, with a
	 * space (encoded as + and as %20) and without a zone */
	{"id=a&lat=0&lon=0&timestamp=2023-11-14T22:13:20Z", "a", 0, 0, NOW,
	 NAN, NAN, NAN, NAN, NAN, ""},
	{"id=a&lat=0&lon=0&timestamp=2023-11-14T22:13:20.25Z", "a", 0, 0,
	 NOW + 0.25, NAN, NAN, NAN, NAN, NAN, ""},
	{"id=a&lat=0&lon=0&timestamp=2023-11-15T00:43:20%2B02:30", "a", 0, 0,
	 NOW, NAN, NAN, NAN, NAN, NAN, ""},
	{"id=a&lat=0&lon=0&timestamp=2023-11-14T21:13:20-0100", "a", 0, 0,
	 NOW, NAN, NAN, NAN, NAN, NAN, ""},
	{"id=a&lat=0&lon=0&timestamp=2023-11-14+22:13:20", "a", 0, 0, NOW,
	 NAN, NAN, NAN, NAN, NAN, ""},
	{"id=a&lat=0&lon=0&timestamp=2023-11-14%2022:13:20", "a", 0, 0, NOW,
	 NAN, NAN, NAN, NAN, NAN, ""},
	/* no timestamp: receipt time */
	{"lat=1&lon=2&id=x", "x", 1, 2, NOW, NAN, NAN, NAN, NAN, NAN, ""},
	/* aliases, unknown parameters ignored, empty pieces skipped */
	{"&&deviceid=phone_2.b&lat=1.5&&lon=-2.5&heading=359.5&alt=-10"
	 "&batt=85&foo=%41%42&charge=true&",
	 "phone_2.b", 1.5, -2.5, NOW, NAN, -10, NAN, 359.5, NAN, ""},
	/* percent-encoded names and values, bounds inclusive, speed 0 */
	{"i%64=dev%2D1&l%61t=90&lon=-180&speed=0&valid=true", "dev-1", 90,
	 -180, NOW, 0, NAN, NAN, NAN, NAN, ""},
	{"id=a&lat=-90&lon=180&valid=1&token=s3cr%3Dt-token", "a", -90, 180,
	 NOW, NAN, NAN, NAN, NAN, NAN, "s3cr=t-token"},
	/* exponent and sign forms strtod accepts */
	{"id=a&lat=%2B1e1&lon=-1.5E-1&speed=1.94384", "a", 10, -0.15, NOW,
	 1.94384 * KN, NAN, NAN, NAN, NAN, ""},
};

static void check_opt(bool has, double got, double want, const char *what)
{
	if (isnan(want)) {
		ck_assert_msg(!has, "%s present", what);
	} else {
		ck_assert_msg(has, "%s absent", what);
		ck_assert_msg(near(got, want), "%s: %.12g != %.12g", what, got,
			      want);
	}
}

START_TEST(test_osmand_good)
{
	struct locd_fix f;
	enum locd_refuse why = LOCD_REFUSE_AUTH;
	const char *reason = NULL;
	int err;

	err = locd_osmand_parse(good[_i].q, strlen(good[_i].q), NULL, NOW,
				&f, &why, &reason);
	ck_assert_msg(err == 0, "case %d: %s", _i, reason);
	ck_assert_ptr_null(reason);
	ck_assert_int_eq(why, LOCD_REFUSE_AUTH);	/* untouched */
	ck_assert_str_eq(f.device, good[_i].id);
	ck_assert(near(f.pos.lat, good[_i].lat));
	ck_assert(near(f.pos.lon, good[_i].lon));
	ck_assert_msg(near(f.time, good[_i].time), "time %.3f", f.time);
	ck_assert(f.has_time == (strstr(good[_i].q, "timestamp=") != NULL));
	check_opt(f.has_speed, f.speed, good[_i].speed, "speed");
	check_opt(f.pos.has_alt, f.pos.alt, good[_i].alt, "altitude");
	check_opt(f.has_accuracy, f.accuracy, good[_i].acc, "accuracy");
	check_opt(f.has_bearing, f.bearing, good[_i].bearing, "bearing");
	check_opt(f.has_hdop, f.hdop, good[_i].hdop, "hdop");
	ck_assert_str_eq(f.token, good[_i].token);
}
END_TEST

/* Knots to m/s: 1 knot is 1852 m per hour exactly. */
START_TEST(test_osmand_knots)
{
	const char *q = "id=a&lat=0&lon=0&speed=36";
	struct locd_fix f;

	ck_assert_int_eq(locd_osmand_parse(q, strlen(q), NULL, NOW, &f, NULL,
					   NULL),
			 0);
	ck_assert(near(f.speed, 36 * 1852.0 / 3600.0));
	ck_assert(near(f.speed, 18.52));
}
END_TEST

/* Junk: every case with its code, refusal class and message. */
static const struct {
	const char *q;
	int err;
	enum locd_refuse why;
	const char *reason;
} bad[] = {
	{"", EBADMSG, LOCD_REFUSE_MALFORMED, "id missing"},
	{"lat=1&lon=2", EBADMSG, LOCD_REFUSE_MALFORMED, "id missing"},
	{"id=a&lon=2", EBADMSG, LOCD_REFUSE_MALFORMED, "lat missing"},
	{"id=a&lat=1", EBADMSG, LOCD_REFUSE_MALFORMED, "lon missing"},
	{"id=a&lat=90.0001&lon=0", ERANGE, LOCD_REFUSE_RANGE,
	 "lat out of range"},
	{"id=a&lat=-91&lon=0", ERANGE, LOCD_REFUSE_RANGE, "lat out of range"},
	{"id=a&lat=0&lon=-180.5", ERANGE, LOCD_REFUSE_RANGE,
	 "lon out of range"},
	{"id=a&lat=nan&lon=0", ERANGE, LOCD_REFUSE_NAN, "lat is not finite"},
	{"id=a&lat=0&lon=-inf", ERANGE, LOCD_REFUSE_NAN, "lon is not finite"},
	{"id=a&lat=1e999&lon=0", ERANGE, LOCD_REFUSE_NAN,
	 "lat is not finite"},
	{"id=a&lat=0x10&lon=0", EBADMSG, LOCD_REFUSE_MALFORMED,
	 "lat is not a number"},
	{"id=a&lat=1,5&lon=0", EBADMSG, LOCD_REFUSE_MALFORMED,
	 "lat is not a number"},
	{"id=a&lat=%201&lon=0", EBADMSG, LOCD_REFUSE_MALFORMED,
	 "lat is not a number"},
	{"id=a&lat=1&lon=2abc", EBADMSG, LOCD_REFUSE_MALFORMED,
	 "lon is not a number"},
	{"id=a&lat=-&lon=0", EBADMSG, LOCD_REFUSE_MALFORMED,
	 "lat is not a number"},
	{"id=a&lat=&lon=0", EBADMSG, LOCD_REFUSE_MALFORMED, "lat is empty"},
	{"id=a&lat&lon=0", EBADMSG, LOCD_REFUSE_MALFORMED, "lat is empty"},
	{"id=&lat=1&lon=0", EBADMSG, LOCD_REFUSE_MALFORMED, "id is empty"},
	{"id=a&lat=1&lat=2&lon=0", EBADMSG, LOCD_REFUSE_MALFORMED,
	 "lat given twice"},
	{"id=a&deviceid=b&lat=1&lon=0", EBADMSG, LOCD_REFUSE_MALFORMED,
	 "id given twice"},
	{"id=a%ZZ&lat=1&lon=0", EBADMSG, LOCD_REFUSE_MALFORMED,
	 "bad percent-encoding"},
	{"id=a%2&lat=1&lon=0", EBADMSG, LOCD_REFUSE_MALFORMED,
	 "bad percent-encoding"},
	{"id=a%00b&lat=1&lon=0", EBADMSG, LOCD_REFUSE_MALFORMED,
	 "bad percent-encoding"},
	{"id=a&lat=1&lon=0&x=%G0", EBADMSG, LOCD_REFUSE_MALFORMED,
	 "bad percent-encoding"},
	{"id=a/b&lat=1&lon=0", EBADMSG, LOCD_REFUSE_MALFORMED,
	 "id has a character outside [A-Za-z0-9._-]"},
	{"id=a+b&lat=1&lon=0", EBADMSG, LOCD_REFUSE_MALFORMED,
	 "id has a character outside [A-Za-z0-9._-]"},
	{"id=a&lat=1&lon=0&speed=-1", ERANGE, LOCD_REFUSE_RANGE,
	 "speed out of range"},
	{"id=a&lat=1&lon=0&speed=9000", ERANGE, LOCD_REFUSE_RANGE,
	 "speed out of range"},
	{"id=a&lat=1&lon=0&speed=fast", EBADMSG, LOCD_REFUSE_MALFORMED,
	 "speed is not a number"},
	{"id=a&lat=1&lon=0&altitude=200000", ERANGE, LOCD_REFUSE_RANGE,
	 "altitude out of range"},
	{"id=a&lat=1&lon=0&bearing=361", ERANGE, LOCD_REFUSE_RANGE,
	 "bearing out of range"},
	{"id=a&lat=1&lon=0&accuracy=-1", ERANGE, LOCD_REFUSE_RANGE,
	 "accuracy out of range"},
	{"id=a&lat=1&lon=0&hdop=NaN", ERANGE, LOCD_REFUSE_NAN,
	 "hdop is not finite"},
	{"id=a&lat=1&lon=0&timestamp=yesterday", EBADMSG,
	 LOCD_REFUSE_MALFORMED, "timestamp is not UNIX time or ISO 8601"},
	{"id=a&lat=1&lon=0&timestamp=2023-11-14T22:13:20+01:00", EBADMSG,
	 LOCD_REFUSE_MALFORMED, "timestamp is not UNIX time or ISO 8601"},
	{"id=a&lat=1&lon=0&timestamp=2023-13-01T00:00:00Z", ERANGE,
	 LOCD_REFUSE_RANGE, "timestamp out of range"},
	{"id=a&lat=1&lon=0&timestamp=2023-02-29T00:00:00Z", ERANGE,
	 LOCD_REFUSE_RANGE, "timestamp out of range"},
	{"id=a&lat=1&lon=0&timestamp=99999999999999999", ERANGE,
	 LOCD_REFUSE_RANGE, "timestamp out of range"},
	{"id=a&lat=1&lon=0&timestamp=1.2.3", EBADMSG, LOCD_REFUSE_MALFORMED,
	 "timestamp is not a number"},
	{"id=a&lat=1&lon=0&timestamp=-5", EBADMSG, LOCD_REFUSE_MALFORMED,
	 "timestamp is not UNIX time or ISO 8601"},
	{"id=a&lat=1&lon=0&valid=false", ERANGE, LOCD_REFUSE_NOFIX,
	 "client marked the fix not valid"},
	{"id=a&lat=1&lon=0&valid=maybe", EBADMSG, LOCD_REFUSE_MALFORMED,
	 "valid is not true, false, 1 or 0"},
	{"id=a&lat=1&lon=0&token=a%20b", EBADMSG, LOCD_REFUSE_MALFORMED,
	 "token has a space or control byte"},
	{"id=a&lat=1&lon=0&lon=0", EBADMSG, LOCD_REFUSE_MALFORMED,
	 "lon given twice"},
};

START_TEST(test_osmand_bad)
{
	struct locd_fix f;
	enum locd_refuse why = LOCD_REFUSE_AUTH;
	const char *reason = NULL;
	int err;

	memset(&f, 0x5a, sizeof(f));
	err = locd_osmand_parse(bad[_i].q, strlen(bad[_i].q), NULL, NOW, &f,
				&why, &reason);
	ck_assert_msg(err == bad[_i].err, "case %d (%s): err %d", _i,
		      bad[_i].q, err);
	ck_assert_int_eq(why, bad[_i].why);
	ck_assert_str_eq(reason, bad[_i].reason);
	ck_assert_int_eq((unsigned char)f.device[0], 0x5a);	/* untouched */
}
END_TEST

/* Limits: request size (default and configured), parameter count, id,
 * token and value lengths. */
START_TEST(test_osmand_limits)
{
	static char q[LOCD_OSMAND_QUERY_MAX + 256];
	struct locd_osmand_limits lim = {64, 4};
	struct locd_fix f;
	enum locd_refuse why;
	const char *reason;
	size_t n = 0;
	int i;

	/* 2 KiB: padding parameters are unknown, so only size counts */
	n = (size_t)snprintf(q, sizeof(q), "id=a&lat=1&lon=2&pad=");
	memset(q + n, 'x', LOCD_OSMAND_QUERY_MAX - n);
	n = LOCD_OSMAND_QUERY_MAX;
	ck_assert_int_eq(locd_osmand_parse(q, n, NULL, NOW, &f, &why,
					   &reason),
			 0);
	q[n++] = 'x';
	ck_assert_int_eq(locd_osmand_parse(q, n, NULL, NOW, &f, &why,
					   &reason),
			 EOVERFLOW);
	ck_assert_int_eq(why, LOCD_REFUSE_LIMIT);
	ck_assert_str_eq(reason, "request too large");
	/* configured: 64 bytes, 4 parameters */
	ck_assert_int_eq(locd_osmand_parse(q, 65, &lim, NOW, &f, &why,
					   &reason),
			 EOVERFLOW);
	n = (size_t)snprintf(q, sizeof(q), "id=a&lat=1&lon=2&x=1");
	ck_assert_int_eq(locd_osmand_parse(q, n, &lim, NOW, &f, &why,
					   &reason),
			 0);
	n = (size_t)snprintf(q, sizeof(q), "id=a&lat=1&lon=2&x=1&y=2");
	ck_assert_int_eq(locd_osmand_parse(q, n, &lim, NOW, &f, &why,
					   &reason),
			 EOVERFLOW);
	ck_assert_str_eq(reason, "too many parameters");
	/* 32 parameters by default; the 33rd is refused */
	n = (size_t)snprintf(q, sizeof(q), "id=a&lat=1&lon=2");
	for (i = 3; i < LOCD_OSMAND_PARAMS_MAX; i++)
		n += (size_t)snprintf(q + n, sizeof(q) - n, "&p%d=1", i);
	ck_assert_int_eq(locd_osmand_parse(q, n, NULL, NOW, &f, &why,
					   &reason),
			 0);
	n += (size_t)snprintf(q + n, sizeof(q) - n, "&last=1");
	ck_assert_int_eq(locd_osmand_parse(q, n, NULL, NOW, &f, &why,
					   &reason),
			 EOVERFLOW);
	ck_assert_str_eq(reason, "too many parameters");
	/* id: 64 characters fit, 65 do not */
	n = (size_t)snprintf(q, sizeof(q), "lat=1&lon=2&id=");
	memset(q + n, 'd', 64);
	n += 64;
	ck_assert_int_eq(locd_osmand_parse(q, n, NULL, NOW, &f, &why,
					   &reason),
			 0);
	ck_assert_uint_eq(strlen(f.device), 64);
	q[n++] = 'd';
	ck_assert_int_eq(locd_osmand_parse(q, n, NULL, NOW, &f, &why,
					   &reason),
			 EOVERFLOW);
	ck_assert_str_eq(reason, "id too long");
	/* token over LOCD_TOKEN_MAX; a number over the value buffer */
	n = (size_t)snprintf(q, sizeof(q), "id=a&lat=1&lon=2&token=");
	memset(q + n, 't', LOCD_TOKEN_MAX + 1);
	n += LOCD_TOKEN_MAX + 1;
	ck_assert_int_eq(locd_osmand_parse(q, n, NULL, NOW, &f, &why,
					   &reason),
			 EOVERFLOW);
	ck_assert_str_eq(reason, "token too long");
	n = (size_t)snprintf(q, sizeof(q), "id=a&lon=2&lat=");
	memset(q + n, '0', 300);
	n += 300;
	ck_assert_int_eq(locd_osmand_parse(q, n, NULL, NOW, &f, &why,
					   &reason),
			 EOVERFLOW);
	ck_assert_str_eq(reason, "lat too long");
	ck_assert_int_eq(locd_osmand_parse(NULL, 3, NULL, NOW, &f, &why,
					   &reason),
			 EINVAL);
	ck_assert_int_eq(locd_osmand_parse("id", 2, NULL, NOW, NULL, &why,
					   &reason),
			 EINVAL);
}
END_TEST

/* ISO 8601 conversions against known UNIX times. */
START_TEST(test_osmand_iso8601)
{
	static const struct {
		const char *s;
		int err;
		double t;
	} c[] = {
		{"1970-01-01T00:00:00Z", 0, 0},
		{"1970-01-01T00:00Z", 0, 0},
		{"2000-02-29T12:00:00+01:30", 0, 951825600.0 - 5400},
		{"2000-03-01t00:00:00z", 0, 951868800.0},
		{"2016-12-31T23:59:60Z", 0, 1483228800.0},
		{"2023-11-14T22:13:20,5", 0, NOW + 0.5},
		{"9999-12-31T23:59:59Z", 0, 253402300799.0},
		{"1969-12-31T23:59:59Z", ERANGE, 0},
		{"2023-04-31T00:00:00Z", ERANGE, 0},
		{"2023-01-01T24:00:00Z", ERANGE, 0},
		{"2100-02-29T00:00:00Z", ERANGE, 0},
		{"2023-01-01T00:00:00+15:00", ERANGE, 0},
		{"2023-01-01", EBADMSG, 0},
		{"2023-1-01T00:00:00Z", EBADMSG, 0},
		{"2023-01-01T00:00:00.Z", EBADMSG, 0},
		{"2023-01-01T00:00:00Zjunk", EBADMSG, 0},
		{"2023-01-01T00:00:00+1", EBADMSG, 0},
	};
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		double t = -1;
		int err = locd_iso8601_parse(c[i].s, strlen(c[i].s), &t);
		ck_assert_msg(err == c[i].err, "%s: %d", c[i].s, err);
		if (!err)
			ck_assert_msg(near(t, c[i].t), "%s: %.3f", c[i].s, t);
	}
}
END_TEST

/* Plausibility: future skew, time order, resend, bad arguments. */
START_TEST(test_osmand_check)
{
	struct locd_fix f;
	struct locd_fix_check c = {NOW, 300, false, 0};
	enum locd_refuse why = LOCD_REFUSE_AUTH;
	const char *reason = NULL;
	const char *q = "id=a&lat=1&lon=2&timestamp=1700000300";

	ck_assert_int_eq(locd_osmand_parse(q, strlen(q), NULL, NOW, &f, NULL,
					   NULL),
			 0);
	ck_assert_int_eq(locd_fix_check(&f, &c, &why, &reason), 0);
	ck_assert_ptr_null(reason);
	f.time = NOW + 300.5;
	ck_assert_int_eq(locd_fix_check(&f, &c, &why, &reason), ERANGE);
	ck_assert_int_eq(why, LOCD_REFUSE_FUTURE);
	ck_assert_str_eq(reason, "timestamp too far in the future");
	f.time = NOW - 10;
	c.has_last = true;
	c.last_time = NOW - 5;
	ck_assert_int_eq(locd_fix_check(&f, &c, &why, &reason), ERANGE);
	ck_assert_int_eq(why, LOCD_REFUSE_ORDER);
	ck_assert_str_eq(reason, "timestamp older than the last fix");
	c.last_time = NOW - 10;
	ck_assert_int_eq(locd_fix_check(&f, &c, &why, &reason), EALREADY);
	ck_assert_int_eq(why, LOCD_REFUSE_ORDER);
	ck_assert_str_eq(reason, "same timestamp as the last fix");
	c.last_time = NOW - 10.001;
	ck_assert_int_eq(locd_fix_check(&f, &c, &why, &reason), 0);
	f.pos.lat = NAN;
	ck_assert_int_eq(locd_fix_check(&f, &c, &why, &reason), ERANGE);
	ck_assert_int_eq(why, LOCD_REFUSE_RANGE);
	c.max_skew = -1;
	ck_assert_int_eq(locd_fix_check(&f, &c, &why, &reason), EINVAL);
	ck_assert_int_eq(locd_fix_check(NULL, &c, NULL, NULL), EINVAL);
}
END_TEST

/* Mutations of a valid request (deterministic LCG, run under ASan too):
 * each result is 0 with a fix in range, or one of the documented codes
 * with a reason; nothing reads past the given length (the input is not
 * NUL-ended). */
START_TEST(test_osmand_mutate)
{
	static const char base[] =
		"id=dev1&lat=52.52&lon=13.405&timestamp=2023-11-14T22:13:20Z"
		"&speed=10&altitude=34.5&accuracy=12&bearing=90&hdop=1.2"
		"&token=abc%2Ddef&valid=1";
	static const char alphabet[] = "=&%+.-eE0123456789aAfFxZT:nN";
	uint32_t seed = 12345;
	char buf[sizeof(base) + 8];
	int i, j, ok = 0;

	for (i = 0; i < 20000; i++) {
		size_t n = sizeof(base) - 1;
		struct locd_fix f;
		enum locd_refuse why = LOCD_REFUSE_COUNT;
		const char *reason = NULL;
		char *heap;
		int err, k = 1 + (int)(seed % 4);

		memcpy(buf, base, n);
		for (j = 0; j < k; j++) {
			seed = seed * 1103515245u + 12345u;
			size_t at = (seed >> 8) % n;
			seed = seed * 1103515245u + 12345u;
			switch (seed % 3) {
			case 0:	/* replace */
				buf[at] = alphabet[(seed >> 8) %
						   (sizeof(alphabet) - 1)];
				break;
			case 1:	/* delete */
				memmove(buf + at, buf + at + 1, n - at - 1);
				n--;
				break;
			default:	/* truncate */
				n = at + 1;
				break;
			}
		}
		heap = malloc(n ? n : 1);	/* exact size: ASan checks */
		ck_assert_ptr_nonnull(heap);
		memcpy(heap, buf, n);
		err = locd_osmand_parse(heap, n, NULL, NOW, &f, &why, &reason);
		free(heap);
		if (err == 0) {
			ok++;
			ck_assert(geo_point_valid(&f.pos));
			ck_assert(!f.has_speed || (f.speed >= 0 &&
						   isfinite(f.speed)));
			ck_assert(f.time >= 0 && isfinite(f.time));
			ck_assert_uint_gt(strlen(f.device), 0);
			continue;
		}
		ck_assert_msg(err == EBADMSG || err == EOVERFLOW ||
				      err == ERANGE,
			      "mutation %d: err %d", i, err);
		ck_assert_ptr_nonnull(reason);
		ck_assert_int_lt(why, LOCD_REFUSE_COUNT);
	}
	ck_assert_int_gt(ok, 100);	/* some mutants stay valid */
}
END_TEST

/* Traccar Client JSON: valid forms (speed stays m/s; -1 means absent). */
START_TEST(test_osmand_json_good)
{
	const char *b =
		"{\"location\":{\"timestamp\":\"2023-11-14T22:13:20.000Z\","
		"\"coords\":{\"latitude\":52.5,\"longitude\":13.4,"
		"\"accuracy\":5,\"speed\":3.25,\"heading\":180,"
		"\"altitude\":40.5},\"is_moving\":true,\"odometer\":12,"
		"\"event\":\"motionchange\",\"battery\":{\"level\":1,"
		"\"is_charging\":false},\"activity\":{\"type\":\"still\"},"
		"\"extras\":{}},\"device_id\":\"48241179\"}";
	const char *b2 = "{\"device_id\":\"a\",\"location\":{"
			 "\"timestamp\":1700000000123,\"coords\":{"
			 "\"latitude\":-1,\"longitude\":-2,\"speed\":-1,"
			 "\"heading\":-1,\"accuracy\":-1,\"altitude\":null}}}";
	const char *b3 = "{\"device_id\":\"a\",\"location\":{"
			 "\"coords\":{\"latitude\":0,\"longitude\":180}}}";
	struct locd_fix f;

	ck_assert_int_eq(locd_osmand_parse_json(b, strlen(b), NULL, 0, &f,
						NULL, NULL),
			 0);
	ck_assert_str_eq(f.device, "48241179");
	ck_assert(f.pos.lat == 52.5 && f.pos.lon == 13.4);
	ck_assert(f.has_time && f.time == NOW);
	ck_assert(f.has_speed && f.speed == 3.25);	/* m/s, no knots */
	ck_assert(f.has_bearing && f.bearing == 180);
	ck_assert(f.has_accuracy && f.accuracy == 5);
	ck_assert(f.pos.has_alt && f.pos.alt == 40.5);
	ck_assert_str_eq(f.token, "");
	ck_assert_int_eq(locd_osmand_parse_json(b2, strlen(b2), NULL, 0, &f,
						NULL, NULL),
			 0);
	ck_assert(near(f.time, NOW + 0.123));
	ck_assert(!f.has_speed && !f.has_bearing && !f.has_accuracy &&
		  !f.pos.has_alt);
	ck_assert_int_eq(locd_osmand_parse_json(b3, strlen(b3), NULL, NOW,
						&f, NULL, NULL),
			 0);
	ck_assert(!f.has_time && f.time == NOW);
}
END_TEST

static const struct {
	const char *body;
	int err;
	enum locd_refuse why;
	const char *reason;
} bad_json[] = {
	{"", EBADMSG, LOCD_REFUSE_MALFORMED, "body is not JSON"},
	{"{\"device_id\":\"a\",", EBADMSG, LOCD_REFUSE_MALFORMED,
	 "body is not JSON"},
	{"{\"device_id\":\"a\",\"device_id\":\"b\"}", EBADMSG,
	 LOCD_REFUSE_MALFORMED, "body is not JSON"},
	{"[1,2]", EBADMSG, LOCD_REFUSE_MALFORMED,
	 "body is not a JSON object"},
	{"{}", EBADMSG, LOCD_REFUSE_MALFORMED, "id missing"},
	{"{\"device_id\":7}", EBADMSG, LOCD_REFUSE_MALFORMED, "id is empty"},
	{"{\"device_id\":\"a b\"}", EBADMSG, LOCD_REFUSE_MALFORMED,
	 "id has a character outside [A-Za-z0-9._-]"},
	/* jansson refuses NUL in strings (no JSON_ALLOW_NUL) */
	{"{\"device_id\":\"a\\u0000b\"}", EBADMSG, LOCD_REFUSE_MALFORMED,
	 "body is not JSON"},
	{"{\"device_id\":\"a\"}", EBADMSG, LOCD_REFUSE_MALFORMED,
	 "location is not an object"},
	{"{\"device_id\":\"a\",\"location\":[]}", EBADMSG,
	 LOCD_REFUSE_MALFORMED, "location is not an object"},
	{"{\"device_id\":\"a\",\"location\":{}}", EBADMSG,
	 LOCD_REFUSE_MALFORMED, "coords is not an object"},
	{"{\"device_id\":\"a\",\"location\":{\"coords\":{"
	 "\"longitude\":1}}}",
	 EBADMSG, LOCD_REFUSE_MALFORMED, "lat missing"},
	{"{\"device_id\":\"a\",\"location\":{\"coords\":{"
	 "\"latitude\":\"1\",\"longitude\":1}}}",
	 EBADMSG, LOCD_REFUSE_MALFORMED, "lat is not a number"},
	{"{\"device_id\":\"a\",\"location\":{\"coords\":{"
	 "\"latitude\":1}}}",
	 EBADMSG, LOCD_REFUSE_MALFORMED, "lon missing"},
	{"{\"device_id\":\"a\",\"location\":{\"coords\":{"
	 "\"latitude\":90.5,\"longitude\":1}}}",
	 ERANGE, LOCD_REFUSE_RANGE, "lat out of range"},
	{"{\"device_id\":\"a\",\"location\":{\"coords\":{"
	 "\"latitude\":1,\"longitude\":1e400}}}",
	 EBADMSG, LOCD_REFUSE_MALFORMED, "body is not JSON"},
	{"{\"device_id\":\"a\",\"location\":{\"coords\":{"
	 "\"latitude\":1,\"longitude\":1,\"speed\":5000}}}",
	 ERANGE, LOCD_REFUSE_RANGE, "speed out of range"},
	{"{\"device_id\":\"a\",\"location\":{\"coords\":{"
	 "\"latitude\":1,\"longitude\":1,\"heading\":400}}}",
	 ERANGE, LOCD_REFUSE_RANGE, "bearing out of range"},
	{"{\"device_id\":\"a\",\"location\":{\"coords\":{"
	 "\"latitude\":1,\"longitude\":1,\"altitude\":-20000}}}",
	 ERANGE, LOCD_REFUSE_RANGE, "altitude out of range"},
	{"{\"device_id\":\"a\",\"location\":{\"coords\":{"
	 "\"latitude\":1,\"longitude\":1,\"accuracy\":true}}}",
	 EBADMSG, LOCD_REFUSE_MALFORMED, "accuracy is not a number"},
	{"{\"device_id\":\"a\",\"location\":{\"timestamp\":\"now\","
	 "\"coords\":{\"latitude\":1,\"longitude\":1}}}",
	 EBADMSG, LOCD_REFUSE_MALFORMED,
	 "timestamp is not UNIX time or ISO 8601"},
	{"{\"device_id\":\"a\",\"location\":{\"timestamp\":-1,"
	 "\"coords\":{\"latitude\":1,\"longitude\":1}}}",
	 ERANGE, LOCD_REFUSE_RANGE, "timestamp out of range"},
	{"{\"device_id\":\"a\",\"location\":{\"timestamp\":[],"
	 "\"coords\":{\"latitude\":1,\"longitude\":1}}}",
	 EBADMSG, LOCD_REFUSE_MALFORMED,
	 "timestamp is not UNIX time or ISO 8601"},
};

START_TEST(test_osmand_json_bad)
{
	struct locd_fix f;
	enum locd_refuse why = LOCD_REFUSE_AUTH;
	const char *reason = NULL;
	int err;

	err = locd_osmand_parse_json(bad_json[_i].body,
				     strlen(bad_json[_i].body), NULL, NOW, &f,
				     &why, &reason);
	ck_assert_msg(err == bad_json[_i].err, "case %d: %d (%s)", _i, err,
		      reason);
	ck_assert_int_eq(why, bad_json[_i].why);
	ck_assert_str_eq(reason, bad_json[_i].reason);
}
END_TEST

/* Size limit and the query that may come with a JSON body. */
START_TEST(test_osmand_json_limits)
{
	static char big[LOCD_OSMAND_QUERY_MAX + 2];
	char tok[LOCD_TOKEN_MAX + 1];
	const char *reason = NULL;
	struct locd_fix f;

	memset(big, ' ', sizeof(big) - 1);
	ck_assert_int_eq(locd_osmand_parse_json(big, sizeof(big) - 1, NULL,
						NOW, &f, NULL, &reason),
			 EOVERFLOW);
	ck_assert_str_eq(reason, "request too large");
	ck_assert_int_eq(locd_osmand_query_token("", 0, tok, &reason), 0);
	ck_assert_str_eq(tok, "");
	ck_assert_int_eq(locd_osmand_query_token("token=ab%2Dcd&", 14, tok,
						 &reason),
			 0);
	ck_assert_str_eq(tok, "ab-cd");
	ck_assert_int_eq(locd_osmand_query_token("token=a&token=b", 15, tok,
						 &reason),
			 EBADMSG);
	ck_assert_str_eq(reason, "only token= may come with a JSON body");
	ck_assert_int_eq(locd_osmand_query_token("id=x", 4, tok, &reason),
			 EBADMSG);
	ck_assert_int_eq(locd_osmand_query_token("token=", 6, tok, &reason),
			 EBADMSG);
	ck_assert_str_eq(reason, "token is empty");
	ck_assert_int_eq(locd_osmand_query_token("token=a%20b", 11, tok,
						 &reason),
			 EBADMSG);
	ck_assert_str_eq(reason, "token has a space or control byte");
	ck_assert_int_eq(locd_osmand_query_token(NULL, 1, tok, &reason),
			 EINVAL);
}
END_TEST

TCase *tcase_osmand(void);
TCase *tcase_osmand(void)
{
	TCase *tc = tcase_create("osmand");
	tcase_add_loop_test(tc, test_osmand_good, 0,
			    (int)(sizeof(good) / sizeof(good[0])));
	tcase_add_test(tc, test_osmand_knots);
	tcase_add_loop_test(tc, test_osmand_bad, 0,
			    (int)(sizeof(bad) / sizeof(bad[0])));
	tcase_add_test(tc, test_osmand_limits);
	tcase_add_test(tc, test_osmand_iso8601);
	tcase_add_test(tc, test_osmand_check);
	tcase_add_test(tc, test_osmand_mutate);
	tcase_add_test(tc, test_osmand_json_good);
	tcase_add_loop_test(tc, test_osmand_json_bad, 0,
			    (int)(sizeof(bad_json) / sizeof(bad_json[0])));
	tcase_add_test(tc, test_osmand_json_limits);
	return tc;
}
