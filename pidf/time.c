/*
 * time.c: xs:dateTime <-> UNIX seconds, without the C library's local
 * time zone (no mktime, no TZ state): days from the civil calendar.
 *
 * Accepted: [-]YYYY-MM-DDThh:mm:ss[.f+][Z|(+|-)hh:mm], surrounding
 * whitespace ignored (xs:dateTime collapses it; the draft's examples
 * wrap a value over two lines). No zone is read as UTC. 24:00:00 is the
 * next day's midnight (XSD 1.0). Written: UTC with "Z", milliseconds
 * only when non-zero.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "pidf/pidf.h"

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m,
			    unsigned *d)
{
	int64_t era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static bool is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned month_days(int64_t y, unsigned m)
{
	static const unsigned char md[12] = {31, 28, 31, 30, 31, 30,
					     31, 31, 30, 31, 30, 31};
	return m == 2 && is_leap(y) ? 29 : md[m - 1];
}

/* Exactly n digits at *p; advances. */
static bool digits(const char **p, unsigned n, unsigned *out)
{
	unsigned v = 0, i;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return false;
		v = v * 10 + (unsigned)((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return true;
}

int pidf_time_parse(const char *s, double *t)
{
	const char *p = s;
	unsigned yy, mo, dd, hh, mi, ss, oh = 0, om = 0;
	int64_t year, days;
	double frac = 0.0, scale = 0.1, secs;
	int sign = 1, zsign = 0;

	if (!s || !t)
		return EINVAL;
	while (isspace((unsigned char)*p))
		p++;
	if (*p == '-') {
		sign = -1;
		p++;
	}
	if (!digits(&p, 4, &yy) || isdigit((unsigned char)*p) ||
	    *p++ != '-' || !digits(&p, 2, &mo) || *p++ != '-' ||
	    !digits(&p, 2, &dd) || *p++ != 'T' || !digits(&p, 2, &hh) ||
	    *p++ != ':' || !digits(&p, 2, &mi) || *p++ != ':' ||
	    !digits(&p, 2, &ss))
		return EBADMSG;
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return EBADMSG;
		while (isdigit((unsigned char)*p)) {
			frac += scale * (*p - '0');
			scale /= 10;
			p++;
		}
	}
	if (*p == 'Z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		zsign = *p++ == '+' ? 1 : -1;
		if (!digits(&p, 2, &oh) || *p++ != ':' || !digits(&p, 2, &om))
			return EBADMSG;
		if (oh > 14 || om > 59 || (oh == 14 && om != 0))
			return EBADMSG;
	}
	while (isspace((unsigned char)*p))
		p++;
	if (*p)
		return EBADMSG;
	year = sign * (int64_t)yy;
	if (yy == 0 || mo < 1 || mo > 12 || dd < 1 ||
	    dd > month_days(year, mo) || mi > 59 || ss > 59)
		return EBADMSG;
	if (hh > 23 && !(hh == 24 && mi == 0 && ss == 0 && frac == 0.0))
		return EBADMSG;
	days = days_from_civil(year, mo, dd);
	secs = (double)days * 86400.0 + hh * 3600.0 + mi * 60.0 + ss + frac;
	secs -= zsign * (oh * 3600.0 + om * 60.0);
	*t = secs;
	return 0;
}

int pidf_time_format(double t, char *buf, size_t sz)
{
	double whole;
	int64_t secs, days, rem;
	long ms;
	int64_t y;
	unsigned mo, d;
	int n;

	if (!buf || !isfinite(t) || fabs(t) > 253402300799.0)
		return EINVAL;
	whole = floor(t);
	ms = lround((t - whole) * 1000.0);
	secs = (int64_t)whole;
	if (ms >= 1000) {
		secs++;
		ms -= 1000;
	}
	days = secs / 86400;
	rem = secs % 86400;
	if (rem < 0) {
		rem += 86400;
		days--;
	}
	civil_from_days(days, &y, &mo, &d);
	if (y < 1 || y > 9999)
		return EINVAL;
	if (ms)
		n = snprintf(buf, sz, "%04lld-%02u-%02uT%02d:%02d:%02d.%03ldZ",
			     (long long)y, mo, d, (int)(rem / 3600),
			     (int)(rem / 60 % 60), (int)(rem % 60), ms);
	else
		n = snprintf(buf, sz, "%04lld-%02u-%02uT%02d:%02d:%02dZ",
			     (long long)y, mo, d, (int)(rem / 3600),
			     (int)(rem / 60 % 60), (int)(rem % 60));
	if (n < 0 || (size_t)n >= sz)
		return EOVERFLOW;
	return 0;
}
