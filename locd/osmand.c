/*
 * osmand.c: the OsmAnd / Traccar client query parser and the
 * plausibility check of a fix. Pure: no I/O, no clock, no allocation.
 *
 * A request is a list of name=value pairs split on '&' (empty pieces are
 * skipped), each percent-decoded ('+' is a space). Values of known names
 * are decoded into a small buffer with a per-name limit; unknown names
 * are only counted against the parameter limit.
 */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "locd/http.h"

/* Longest decoded value of a known parameter (a number, an id, a time,
 * a token). */
#define VALUE_MAX 128
/* Latest time accepted at all: 9999-12-31T23:59:59Z. */
#define TIME_MAX 253402300799.0
/* Timestamps above this are milliseconds (year 33658 in seconds). */
#define TIME_MS_ABOVE 1e12
/* Plausible bounds (metres, m/s): deepest mine to high balloon; 10 x
 * airliner speed; a cell-tower-sized uncertainty is the loosest fix. */
#define ALT_MIN -12000.0
#define ALT_MAX 100000.0
#define SPEED_MAX 3000.0
#define ACCURACY_MAX 1000000.0
#define HDOP_MAX 1000.0

enum param {
	P_ID, P_LAT, P_LON, P_TIME, P_SPEED, P_ALT, P_ACC, P_BEARING,
	P_HDOP, P_VALID, P_TOKEN, P_COUNT, P_UNKNOWN = P_COUNT,
};

static const struct {
	const char *name;
	enum param p;
} names[] = {
	{"id", P_ID},		{"deviceid", P_ID},	{"lat", P_LAT},
	{"lon", P_LON},		{"timestamp", P_TIME},	{"speed", P_SPEED},
	{"altitude", P_ALT},	{"alt", P_ALT},		{"accuracy", P_ACC},
	{"bearing", P_BEARING},	{"heading", P_BEARING},	{"hdop", P_HDOP},
	{"valid", P_VALID},	{"token", P_TOKEN},
};

/* Static messages, one per parameter and problem. */
static const char *const msg_dup[P_COUNT] = {
	"id given twice", "lat given twice", "lon given twice",
	"timestamp given twice", "speed given twice",
	"altitude given twice", "accuracy given twice",
	"bearing given twice", "hdop given twice", "valid given twice",
	"token given twice",
};
static const char *const msg_empty[P_COUNT] = {
	"id is empty", "lat is empty", "lon is empty", "timestamp is empty",
	"speed is empty", "altitude is empty", "accuracy is empty",
	"bearing is empty", "hdop is empty", "valid is empty",
	"token is empty",
};
static const char *const msg_long[P_COUNT] = {
	"id too long", "lat too long", "lon too long", "timestamp too long",
	"speed too long", "altitude too long", "accuracy too long",
	"bearing too long", "hdop too long", "valid too long",
	"token too long",
};
static const char *const msg_num[P_COUNT] = {
	NULL, "lat is not a number", "lon is not a number", NULL,
	"speed is not a number", "altitude is not a number",
	"accuracy is not a number", "bearing is not a number",
	"hdop is not a number", NULL, NULL,
};
static const char *const msg_nan[P_COUNT] = {
	NULL, "lat is not finite", "lon is not finite", NULL,
	"speed is not finite", "altitude is not finite",
	"accuracy is not finite", "bearing is not finite",
	"hdop is not finite", NULL, NULL,
};
static const char *const msg_range[P_COUNT] = {
	NULL, "lat out of range", "lon out of range", NULL,
	"speed out of range", "altitude out of range",
	"accuracy out of range", "bearing out of range",
	"hdop out of range", NULL, NULL,
};

struct perr {
	int err;
	enum locd_refuse why;
	const char *reason;
};

static int fail(struct perr *e, int err, enum locd_refuse why,
		const char *reason)
{
	e->err = err;
	e->why = why;
	e->reason = reason;
	return err;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Percent-decode p[0..n) into out (cap bytes plus NUL) when out is not
 * NULL. Returns 0, EBADMSG (bad escape or NUL byte), EOVERFLOW (longer
 * than cap); *outlen gets the decoded length.
 */
static int pct_decode(const char *p, size_t n, char *out, size_t cap,
		      size_t *outlen)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		int c = (unsigned char)p[i];
		if (c == '%') {
			int hi, lo;
			if (i + 2 >= n)
				return EBADMSG;
			hi = hexval(p[i + 1]);
			lo = hexval(p[i + 2]);
			if (hi < 0 || lo < 0)
				return EBADMSG;
			c = hi * 16 + lo;
			i += 2;
		} else if (c == '+') {
			c = ' ';
		}
		if (c == 0)
			return EBADMSG;
		if (out) {
			if (k >= cap)
				return EOVERFLOW;
			out[k] = (char)c;
		}
		k++;
	}
	if (out)
		out[k] = '\0';
	*outlen = k;
	return 0;
}

static enum param param_lookup(const char *p, size_t n)
{
	char key[16];
	size_t kl, i;

	/* names are short: anything longer is unknown (and decoding it
	 * is not needed) */
	if (n > 3 * sizeof(key) ||
	    pct_decode(p, n, key, sizeof(key) - 1, &kl) != 0)
		return P_UNKNOWN;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(names[i].name, key) == 0)
			return names[i].p;
	return P_UNKNOWN;
}

/* A decimal number: [+-]digits[.digits][(e|E)[+-]digits], or the words
 * strtod knows for NaN and infinity (refused as not finite). */
static int number_parse(const char *s, enum param p, double *out,
			struct perr *e)
{
	const char *q = s;
	char *end;
	double v;

	if (*q == '+' || *q == '-')
		q++;
	if (!((*q >= '0' && *q <= '9') || *q == '.' || *q == 'n' ||
	      *q == 'N' || *q == 'i' || *q == 'I') ||
	    (q[0] == '0' && (q[1] == 'x' || q[1] == 'X')))
		return fail(e, EBADMSG, LOCD_REFUSE_MALFORMED, msg_num[p]);
	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end != '\0')
		return fail(e, EBADMSG, LOCD_REFUSE_MALFORMED, msg_num[p]);
	if (!isfinite(v))
		return fail(e, ERANGE, LOCD_REFUSE_NAN, msg_nan[p]);
	*out = v;
	return 0;
}

static int number_in(const char *s, enum param p, double lo, double hi,
		     double *out, struct perr *e)
{
	int err = number_parse(s, p, out, e);

	if (err)
		return err;
	if (*out < lo || *out > hi)
		return fail(e, ERANGE, LOCD_REFUSE_RANGE, msg_range[p]);
	return 0;
}

static bool id_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

static int time_parse(const char *s, size_t n, double *t, struct perr *e)
{
	size_t i;
	bool plain = true;
	char *end;
	double v;
	int err;

	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || s[i] == '.'))
			plain = false;
	if (plain) {
		v = strtod(s, &end);
		if (end == s || *end != '\0' || s[0] == '.')
			return fail(e, EBADMSG, LOCD_REFUSE_MALFORMED,
				    "timestamp is not a number");
		if (v > TIME_MS_ABOVE)
			v /= 1000.0;
	} else {
		err = locd_iso8601_parse(s, n, &v);
		if (err == ERANGE)
			return fail(e, ERANGE, LOCD_REFUSE_RANGE,
				    "timestamp out of range");
		if (err)
			return fail(e, EBADMSG, LOCD_REFUSE_MALFORMED,
				    "timestamp is not UNIX time or ISO 8601");
	}
	if (!(v >= 0 && v <= TIME_MAX))
		return fail(e, ERANGE, LOCD_REFUSE_RANGE,
			    "timestamp out of range");
	*t = v;
	return 0;
}

static int value_set(struct locd_fix *f, enum param p, const char *v,
		     size_t n, bool *valid, struct perr *e)
{
	size_t i;

	switch (p) {
	case P_ID:
		if (n > LOCD_DEVICE_ID_MAX)
			return fail(e, EOVERFLOW, LOCD_REFUSE_LIMIT,
				    msg_long[p]);
		for (i = 0; i < n; i++)
			if (!id_char(v[i]))
				return fail(e, EBADMSG,
					    LOCD_REFUSE_MALFORMED,
					    "id has a character outside "
					    "[A-Za-z0-9._-]");
		memcpy(f->device, v, n + 1);
		return 0;
	case P_LAT:
		return number_in(v, p, -90, 90, &f->pos.lat, e);
	case P_LON:
		return number_in(v, p, -180, 180, &f->pos.lon, e);
	case P_TIME:
		f->has_time = true;
		return time_parse(v, n, &f->time, e);
	case P_SPEED:
		f->has_speed = true;
		if (number_parse(v, p, &f->speed, e))
			return e->err;
		f->speed *= LOCD_KNOT_MS;
		if (f->speed < 0 || f->speed > SPEED_MAX)
			return fail(e, ERANGE, LOCD_REFUSE_RANGE,
				    msg_range[p]);
		return 0;
	case P_ALT:
		f->pos.has_alt = true;
		return number_in(v, p, ALT_MIN, ALT_MAX, &f->pos.alt, e);
	case P_ACC:
		f->has_accuracy = true;
		return number_in(v, p, 0, ACCURACY_MAX, &f->accuracy, e);
	case P_BEARING:
		f->has_bearing = true;
		return number_in(v, p, 0, 360, &f->bearing, e);
	case P_HDOP:
		f->has_hdop = true;
		return number_in(v, p, 0, HDOP_MAX, &f->hdop, e);
	case P_VALID:
		if (strcmp(v, "true") == 0 || strcmp(v, "1") == 0)
			*valid = true;
		else if (strcmp(v, "false") == 0 || strcmp(v, "0") == 0)
			*valid = false;
		else
			return fail(e, EBADMSG, LOCD_REFUSE_MALFORMED,
				    "valid is not true, false, 1 or 0");
		return 0;
	case P_TOKEN:
		if (n > LOCD_TOKEN_MAX)
			return fail(e, EOVERFLOW, LOCD_REFUSE_LIMIT,
				    msg_long[p]);
		for (i = 0; i < n; i++)
			if (v[i] <= 0x20 || v[i] >= 0x7f)
				return fail(e, EBADMSG,
					    LOCD_REFUSE_MALFORMED,
					    "token has a space or control "
					    "byte");
		memcpy(f->token, v, n + 1);
		return 0;
	default:
		return 0;
	}
}

static int pairs_parse(const char *q, size_t len, size_t params_max,
		       struct locd_fix *f, struct perr *e)
{
	bool seen[P_COUNT] = {false}, valid = true;
	size_t pos = 0, count = 0;
	char val[VALUE_MAX + 1];

	while (pos < len) {
		const char *p = q + pos, *amp, *eq;
		size_t n, kl, vl;
		enum param prm;
		int err;

		amp = memchr(p, '&', len - pos);
		n = amp ? (size_t)(amp - p) : len - pos;
		pos += n + 1;
		if (n == 0)
			continue;
		if (++count > params_max)
			return fail(e, EOVERFLOW, LOCD_REFUSE_LIMIT,
				    "too many parameters");
		eq = memchr(p, '=', n);
		kl = eq ? (size_t)(eq - p) : n;
		prm = param_lookup(p, kl);
		if (prm == P_UNKNOWN) {
			/* still well-formed, or the request is junk */
			if (pct_decode(p, n, NULL, 0, &vl))
				return fail(e, EBADMSG,
					    LOCD_REFUSE_MALFORMED,
					    "bad percent-encoding");
			continue;
		}
		if (seen[prm])
			return fail(e, EBADMSG, LOCD_REFUSE_MALFORMED,
				    msg_dup[prm]);
		seen[prm] = true;
		vl = 0;
		err = eq ? pct_decode(eq + 1, n - kl - 1, val, VALUE_MAX, &vl)
			 : 0;
		if (!eq)
			val[0] = '\0';
		if (err == EOVERFLOW)
			return fail(e, EOVERFLOW, LOCD_REFUSE_LIMIT,
				    msg_long[prm]);
		if (err)
			return fail(e, EBADMSG, LOCD_REFUSE_MALFORMED,
				    "bad percent-encoding");
		if (vl == 0)
			return fail(e, EBADMSG, LOCD_REFUSE_MALFORMED,
				    msg_empty[prm]);
		if (value_set(f, prm, val, vl, &valid, e))
			return e->err;
	}
	if (!seen[P_ID])
		return fail(e, EBADMSG, LOCD_REFUSE_MALFORMED, "id missing");
	if (!seen[P_LAT])
		return fail(e, EBADMSG, LOCD_REFUSE_MALFORMED, "lat missing");
	if (!seen[P_LON])
		return fail(e, EBADMSG, LOCD_REFUSE_MALFORMED, "lon missing");
	if (!valid)
		return fail(e, ERANGE, LOCD_REFUSE_NOFIX,
			    "client marked the fix not valid");
	return 0;
}

static size_t qmax_get(const struct locd_osmand_limits *lim)
{
	if (lim && lim->query_max)
		return lim->query_max < LOCD_OSMAND_QUERY_CAP
			       ? lim->query_max
			       : LOCD_OSMAND_QUERY_CAP;
	return LOCD_OSMAND_QUERY_MAX;
}

int locd_osmand_parse(const char *q, size_t len,
		      const struct locd_osmand_limits *lim, double now,
		      struct locd_fix *fix, enum locd_refuse *why,
		      const char **reason)
{
	size_t qmax = qmax_get(lim), pmax = LOCD_OSMAND_PARAMS_MAX;
	struct perr e = {0, LOCD_REFUSE_MALFORMED, NULL};
	struct locd_fix f;

	if ((!q && len) || !fix || !isfinite(now)) {
		fail(&e, EINVAL, LOCD_REFUSE_MALFORMED, "bad argument");
		goto out;
	}
	if (lim && lim->params_max)
		pmax = lim->params_max;
	if (len > qmax) {
		fail(&e, EOVERFLOW, LOCD_REFUSE_LIMIT, "request too large");
		goto out;
	}
	memset(&f, 0, sizeof(f));
	f.time = now;
	if (pairs_parse(q, len, pmax, &f, &e) == 0)
		*fix = f;
out:
	if (e.err) {
		if (why)
			*why = e.why;
		if (reason)
			*reason = e.reason;
	}
	return e.err;
}

/* --- Traccar Client JSON. */

/* An optional number member: absent or null leaves *has false. */
static int json_num(json_t *obj, const char *key, enum param p,
		    double *out, bool *has, struct perr *e)
{
	json_t *v = json_object_get(obj, key);

	*has = false;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_number(v))
		return fail(e, EBADMSG, LOCD_REFUSE_MALFORMED, msg_num[p]);
	*out = json_number_value(v);
	if (!isfinite(*out))
		return fail(e, ERANGE, LOCD_REFUSE_NAN, msg_nan[p]);
	*has = true;
	return 0;
}

/* Range check of an optional value; negative means "not available"
 * where neg_absent. */
static int json_opt(json_t *c, const char *key, enum param p, double hi,
		    bool neg_absent, double *out, bool *has, struct perr *e)
{
	if (json_num(c, key, p, out, has, e))
		return e->err;
	if (*has && *out < 0 && neg_absent)
		*has = false;
	else if (*has && (*out < 0 || *out > hi))
		return fail(e, ERANGE, LOCD_REFUSE_RANGE, msg_range[p]);
	return 0;
}

static int json_time(json_t *loc, struct locd_fix *f, struct perr *e)
{
	json_t *t = json_object_get(loc, "timestamp");
	char buf[VALUE_MAX + 1];
	size_t n;

	if (!t || json_is_null(t))
		return 0;
	f->has_time = true;
	if (json_is_number(t)) {
		double v = json_number_value(t);
		if (v > TIME_MS_ABOVE)
			v /= 1000.0;
		if (!(v >= 0 && v <= TIME_MAX))
			return fail(e, ERANGE, LOCD_REFUSE_RANGE,
				    "timestamp out of range");
		f->time = v;
		return 0;
	}
	if (!json_is_string(t))
		return fail(e, EBADMSG, LOCD_REFUSE_MALFORMED,
			    "timestamp is not UNIX time or ISO 8601");
	n = json_string_length(t);
	if (n > VALUE_MAX)
		return fail(e, EOVERFLOW, LOCD_REFUSE_LIMIT,
			    msg_long[P_TIME]);
	memcpy(buf, json_string_value(t), n);
	buf[n] = '\0';
	if (n == 0 || memchr(buf, '\0', n))
		return fail(e, EBADMSG, LOCD_REFUSE_MALFORMED,
			    "timestamp is not UNIX time or ISO 8601");
	return time_parse(buf, n, &f->time, e);
}

static int json_fix(json_t *root, struct locd_fix *f, struct perr *e)
{
	json_t *id, *loc, *c;
	bool has_lat, has_lon, has;
	size_t n;

	if (!json_is_object(root))
		return fail(e, EBADMSG, LOCD_REFUSE_MALFORMED,
			    "body is not a JSON object");
	id = json_object_get(root, "device_id");
	if (!id)
		return fail(e, EBADMSG, LOCD_REFUSE_MALFORMED, "id missing");
	if (!json_is_string(id) || (n = json_string_length(id)) == 0)
		return fail(e, EBADMSG, LOCD_REFUSE_MALFORMED,
			    msg_empty[P_ID]);
	if (n > LOCD_DEVICE_ID_MAX)
		return fail(e, EOVERFLOW, LOCD_REFUSE_LIMIT, msg_long[P_ID]);
	if (value_set(f, P_ID, json_string_value(id), n, &has, e))
		return e->err;
	loc = json_object_get(root, "location");
	if (!json_is_object(loc))
		return fail(e, EBADMSG, LOCD_REFUSE_MALFORMED,
			    "location is not an object");
	c = json_object_get(loc, "coords");
	if (!json_is_object(c))
		return fail(e, EBADMSG, LOCD_REFUSE_MALFORMED,
			    "coords is not an object");
	if (json_num(c, "latitude", P_LAT, &f->pos.lat, &has_lat, e) ||
	    json_num(c, "longitude", P_LON, &f->pos.lon, &has_lon, e))
		return e->err;
	if (!has_lat)
		return fail(e, EBADMSG, LOCD_REFUSE_MALFORMED, "lat missing");
	if (!has_lon)
		return fail(e, EBADMSG, LOCD_REFUSE_MALFORMED, "lon missing");
	if (f->pos.lat < -90 || f->pos.lat > 90)
		return fail(e, ERANGE, LOCD_REFUSE_RANGE, msg_range[P_LAT]);
	if (f->pos.lon < -180 || f->pos.lon > 180)
		return fail(e, ERANGE, LOCD_REFUSE_RANGE, msg_range[P_LON]);
	if (json_opt(c, "speed", P_SPEED, SPEED_MAX, true, &f->speed,
		     &f->has_speed, e) ||
	    json_opt(c, "heading", P_BEARING, 360, true, &f->bearing,
		     &f->has_bearing, e) ||
	    json_opt(c, "accuracy", P_ACC, ACCURACY_MAX, true, &f->accuracy,
		     &f->has_accuracy, e) ||
	    json_num(c, "altitude", P_ALT, &f->pos.alt, &f->pos.has_alt, e))
		return e->err;
	if (f->pos.has_alt && (f->pos.alt < ALT_MIN || f->pos.alt > ALT_MAX))
		return fail(e, ERANGE, LOCD_REFUSE_RANGE, msg_range[P_ALT]);
	return json_time(loc, f, e);
}

int locd_osmand_parse_json(const char *body, size_t len,
			   const struct locd_osmand_limits *lim, double now,
			   struct locd_fix *fix, enum locd_refuse *why,
			   const char **reason)
{
	struct perr e = {0, LOCD_REFUSE_MALFORMED, NULL};
	json_error_t jerr;
	struct locd_fix f;
	json_t *root;

	if (!body || !fix || !isfinite(now)) {
		fail(&e, EINVAL, LOCD_REFUSE_MALFORMED, "bad argument");
		goto out;
	}
	if (len > qmax_get(lim)) {
		fail(&e, EOVERFLOW, LOCD_REFUSE_LIMIT, "request too large");
		goto out;
	}
	/* the size cap bounds the nesting depth too */
	root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		fail(&e, EBADMSG, LOCD_REFUSE_MALFORMED, "body is not JSON");
		goto out;
	}
	memset(&f, 0, sizeof(f));
	f.time = now;
	if (json_fix(root, &f, &e) == 0)
		*fix = f;
	json_decref(root);
out:
	if (e.err) {
		if (why)
			*why = e.why;
		if (reason)
			*reason = e.reason;
	}
	return e.err;
}

int locd_osmand_query_token(const char *q, size_t len, char *out,
			    const char **reason)
{
	struct perr e = {0, LOCD_REFUSE_MALFORMED, NULL};
	struct locd_fix f;
	size_t pos = 0, n, vl;
	bool seen = false, valid;

	if ((!q && len) || !out)
		return EINVAL;
	out[0] = '\0';
	while (pos < len && !e.err) {
		const char *p = q + pos, *amp = memchr(p, '&', len - pos);
		char val[VALUE_MAX + 1];
		int err;

		n = amp ? (size_t)(amp - p) : len - pos;
		pos += n + 1;
		if (n == 0)
			continue;
		if (n < 6 || param_lookup(p, 5) != P_TOKEN || p[5] != '=' ||
		    seen) {
			fail(&e, EBADMSG, LOCD_REFUSE_MALFORMED,
			     "only token= may come with a JSON body");
			break;
		}
		seen = true;
		err = pct_decode(p + 6, n - 6, val, VALUE_MAX, &vl);
		if (err == EOVERFLOW || vl > LOCD_TOKEN_MAX)
			fail(&e, EOVERFLOW, LOCD_REFUSE_LIMIT,
			     msg_long[P_TOKEN]);
		else if (err)
			fail(&e, EBADMSG, LOCD_REFUSE_MALFORMED,
			     "bad percent-encoding");
		else if (vl == 0)
			fail(&e, EBADMSG, LOCD_REFUSE_MALFORMED,
			     msg_empty[P_TOKEN]);
		else if (value_set(&f, P_TOKEN, val, vl, &valid, &e) == 0)
			memcpy(out, f.token, vl + 1);
	}
	if (e.err && reason)
		*reason = e.reason;
	return e.err;
}

int locd_fix_check(const struct locd_fix *fix,
		   const struct locd_fix_check *c, enum locd_refuse *why,
		   const char **reason)
{
	struct perr e = {0, LOCD_REFUSE_MALFORMED, NULL};

	if (!fix || !c || !isfinite(c->now) || !(c->max_skew >= 0))
		fail(&e, EINVAL, LOCD_REFUSE_MALFORMED, "bad argument");
	else if (!geo_point_valid(&fix->pos))
		fail(&e, ERANGE, LOCD_REFUSE_RANGE, "position out of range");
	else if (fix->time > c->now + c->max_skew)
		fail(&e, ERANGE, LOCD_REFUSE_FUTURE,
		     "timestamp too far in the future");
	else if (c->has_last && fix->time < c->last_time)
		fail(&e, ERANGE, LOCD_REFUSE_ORDER,
		     "timestamp older than the last fix");
	else if (c->has_last && fix->time == c->last_time)
		fail(&e, EALREADY, LOCD_REFUSE_ORDER,
		     "same timestamp as the last fix");
	if (e.err) {
		if (why)
			*why = e.why;
		if (reason)
			*reason = e.reason;
	}
	return e.err;
}

/* --- ISO 8601. */

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar
 * (H. Hinnant's days_from_civil). */
static long days_from_civil(long y, int m, int d)
{
	long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static bool leap(long y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Exactly n digits at s[*i]; advances *i. */
static bool digits(const char *s, size_t len, size_t *i, int n, long *v)
{
	long x = 0;
	int k;

	if (*i + (size_t)n > len)
		return false;
	for (k = 0; k < n; k++) {
		char c = s[*i + (size_t)k];
		if (c < '0' || c > '9')
			return false;
		x = x * 10 + (c - '0');
	}
	*i += (size_t)n;
	*v = x;
	return true;
}

static bool lit(const char *s, size_t len, size_t *i, char c)
{
	if (*i < len && s[*i] == c) {
		(*i)++;
		return true;
	}
	return false;
}

int locd_iso8601_parse(const char *s, size_t len, double *t)
{
	static const int mdays[12] = {31, 28, 31, 30, 31, 30,
				      31, 31, 30, 31, 30, 31};
	long y, mo, d, h, mi, sec = 0, zh = 0, zm = 0;
	double frac = 0, scale = 0.1;
	size_t i = 0;
	int sign = 0;

	if (!s || !t)
		return EINVAL;
	if (!digits(s, len, &i, 4, &y) || !lit(s, len, &i, '-') ||
	    !digits(s, len, &i, 2, &mo) || !lit(s, len, &i, '-') ||
	    !digits(s, len, &i, 2, &d))
		return EBADMSG;
	if (!lit(s, len, &i, 'T') && !lit(s, len, &i, 't') &&
	    !lit(s, len, &i, ' '))
		return EBADMSG;
	if (!digits(s, len, &i, 2, &h) || !lit(s, len, &i, ':') ||
	    !digits(s, len, &i, 2, &mi))
		return EBADMSG;
	if (lit(s, len, &i, ':')) {
		if (!digits(s, len, &i, 2, &sec))
			return EBADMSG;
		if (lit(s, len, &i, '.') || lit(s, len, &i, ',')) {
			size_t start = i;
			while (i < len && s[i] >= '0' && s[i] <= '9') {
				frac += (s[i] - '0') * scale;
				scale /= 10;
				i++;
			}
			if (i == start || i - start > 9)
				return EBADMSG;
		}
	}
	if (lit(s, len, &i, 'Z') || lit(s, len, &i, 'z')) {
		sign = 0;
	} else if (i < len && (s[i] == '+' || s[i] == '-')) {
		sign = s[i++] == '+' ? 1 : -1;
		if (!digits(s, len, &i, 2, &zh))
			return EBADMSG;
		if (lit(s, len, &i, ':')) {
			if (!digits(s, len, &i, 2, &zm))
				return EBADMSG;
		} else if (i < len && !digits(s, len, &i, 2, &zm)) {
			return EBADMSG;
		}
	}
	if (i != len)
		return EBADMSG;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 ||
	    d > mdays[mo - 1] + (mo == 2 && leap(y)) || h > 23 || mi > 59 ||
	    sec > 60 || zh > 14 || zm > 59)
		return ERANGE;
	*t = (double)days_from_civil(y, (int)mo, (int)d) * 86400.0 +
	     (double)(h * 3600 + mi * 60 + sec) + frac -
	     (double)(sign * (zh * 3600 + zm * 60));
	return 0;
}
