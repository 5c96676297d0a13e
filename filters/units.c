/*
 * units.c: numbers, booleans and units of filter documents.
 *
 * Numbers follow the xs:double / xs:decimal lexical forms (PL-6) and
 * must be finite and >= 0 where thresholds are concerned (1.4). Units
 * are the table of LOCATION.md 3.3 plus the EPSG URN forms; anything
 * else is refused (ENOTSUP, answered 488).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "filters/lf_int.h"

#define NUM_MAX 64      /* longest number we read, bytes */

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Copy s without surrounding XML whitespace into buf; false if long. */
static bool trim_copy(const char *s, char *buf, size_t sz)
{
	size_t n;

	while (*s && is_space(*s))
		s++;
	n = strlen(s);
	while (n > 0 && is_space(s[n - 1]))
		n--;
	if (n >= sz)
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return true;
}

/*
 * Check the lexical form: [sign] digits [. digits] [(e|E) [sign] digits]
 * with at least one digit in the mantissa; exponent only if allowed.
 */
static bool lexical_ok(const char *s, bool exponent)
{
	size_t mant = 0;

	if (*s == '+' || *s == '-')
		s++;
	while (*s >= '0' && *s <= '9') {
		s++;
		mant++;
	}
	if (*s == '.') {
		s++;
		while (*s >= '0' && *s <= '9') {
			s++;
			mant++;
		}
	}
	if (mant == 0)
		return false;
	if (exponent && (*s == 'e' || *s == 'E')) {
		size_t ed = 0;

		s++;
		if (*s == '+' || *s == '-')
			s++;
		while (*s >= '0' && *s <= '9') {
			s++;
			ed++;
		}
		if (ed == 0)
			return false;
	}
	return *s == '\0';
}

static int num_read(const char *s, bool exponent, double *out)
{
	char buf[NUM_MAX];
	char *end;
	double v;

	if (!s || !out)
		return EINVAL;
	if (!trim_copy(s, buf, sizeof(buf)) || !lexical_ok(buf, exponent))
		return EBADMSG;
	errno = 0;
	v = strtod(buf, &end);
	if (*end != '\0' || !isfinite(v))
		return EBADMSG;
	*out = v;
	return 0;
}

int lf_num_parse(const char *s, double *out)
{
	double v;
	int e = num_read(s, true, &v);

	if (e)
		return e;
	if (v < 0)
		return EBADMSG;
	*out = v == 0 ? 0.0 : v;   /* no negative zero */
	return 0;
}

int lf_decimal_parse(const char *s, double *out)
{
	return num_read(s, false, out);
}

struct unit {
	const char *name;
	double factor;
};

/* 3.3: distances; the km forms are converted (DEC). */
static const struct unit dist_units[] = {
	{"#meters", 1.0},
	{"meters", 1.0},
	{"#metres", 1.0},
	{"m", 1.0},
	{"urn:ogc:def:uom:EPSG::9001", 1.0},
	{"#kilometers", 1000.0},
	{"km", 1000.0},
	{"urn:ogc:def:uom:EPSG::9036", 1000.0},
};

/* 3.3: speeds; EPSG 1026 is metre per second. */
static const struct unit speed_units[] = {
	{"#mps", 1.0},
	{"mps", 1.0},
	{"m/s", 1.0},
	{"urn:ogc:def:uom:EPSG::1026", 1.0},
	{"#kph", 1.0 / 3.6},
	{"km/h", 1.0 / 3.6},
};

static int unit_find(const struct unit *t, size_t n, const char *uom,
		     double *factor)
{
	char buf[NUM_MAX];
	size_t i;

	if (!uom) {
		*factor = 1.0;
		return 0;
	}
	if (!trim_copy(uom, buf, sizeof(buf)))
		return ENOTSUP;
	for (i = 0; i < n; i++) {
		/* URNs compare case-insensitively in their NID/NSS prefix;
		 * the short forms are case-sensitive. */
		if (strncmp(t[i].name, "urn:", 4) == 0 ?
		    strcasecmp(t[i].name, buf) == 0 :
		    strcmp(t[i].name, buf) == 0) {
			*factor = t[i].factor;
			return 0;
		}
	}
	return ENOTSUP;
}

int lf_uom_distance(const char *uom, double *factor)
{
	return unit_find(dist_units, sizeof(dist_units) / sizeof(*dist_units),
			 uom, factor);
}

int lf_uom_speed(const char *uom, double *factor)
{
	return unit_find(speed_units,
			 sizeof(speed_units) / sizeof(*speed_units), uom,
			 factor);
}

bool lf_uom_is_metre(const char *uom)
{
	double f;

	return lf_uom_distance(uom, &f) == 0 && f == 1.0;
}

int lf_bool_parse(const char *s, bool *out)
{
	char buf[8];

	if (!s || !out)
		return EINVAL;
	if (!trim_copy(s, buf, sizeof(buf)))
		return EBADMSG;
	if (strcmp(buf, "true") == 0 || strcmp(buf, "1") == 0) {
		*out = true;
		return 0;
	}
	if (strcmp(buf, "false") == 0 || strcmp(buf, "0") == 0) {
		*out = false;
		return 0;
	}
	return EBADMSG;
}
