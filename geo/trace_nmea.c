/*
 * trace_nmea.c: NMEA 0183 trace reader ($xxGGA and $xxRMC, any talker).
 *
 * One line per sentence. The checksum (*HH) is verified when present; a
 * wrong or malformed one skips the sentence and counts it
 * (stats.bad_checksum, first_bad_line): real logs carry corrupt lines.
 * Sentences without a fix (GGA quality 0, RMC status V, empty position)
 * are skipped and counted (stats.no_fix); other sentences and lines not
 * starting with '$' are counted as ignored. A sentence that passes its
 * checksum (or has none) but holds a malformed field is an error, except
 * on the last line when it has no checksum and no line end: a log cut
 * mid-write (stats.cut_short), skipped.
 *
 * A GGA and an RMC with the same time of day, one after the other in
 * either order, make one fix: position and altitude from GGA, speed
 * (knots, converted to m/s) and course from RMC. The date comes from RMC
 * and is carried to GGA-only fixes (midnight rollover handled): to later
 * ones, and to the one just before an RMC of another time. A fix with no
 * date either way has has_time false. Two-digit years are 1980-2079.
 */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "geo/trace_int.h"

#define NMEA_KNOT (1852.0 / 3600.0)  /* m/s */
#define NMEA_MAX_FIELDS 24           /* GGA has 15, RMC 13 */

enum { S_GGA = 1, S_RMC };

/* One parsed sentence. */
struct nmea_sent {
	int kind;
	struct geo_fix fix;      /* position, alt or speed/course, line */
	double tod;              /* seconds of the day, or -1 */
	bool has_day;
	int64_t day;
};

struct nmea_view {
	const char *p;
	size_t n;
};

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * Check the "*HH" checksum if there is one; body gets what lies between
 * '$' and '*'. False when the checksum is wrong or malformed.
 */
static bool nmea_checksum_ok(const char *p, size_t n, struct nmea_view *body)
{
	const char *star = memchr(p, '*', n);
	unsigned sum = 0;
	const char *c;
	int hi, lo;

	body->p = p + 1;
	body->n = (star ? (size_t)(star - p) : n) - 1;
	if (!star)
		return true;
	if (n - (size_t)(star - p) != 3)
		return false;
	hi = hexval(star[1]);
	lo = hexval(star[2]);
	if (hi < 0 || lo < 0)
		return false;
	for (c = p + 1; c < star; c++)
		sum ^= (unsigned char)*c;
	return sum == (unsigned)(hi * 16 + lo);
}

static size_t nmea_split(struct nmea_view body, struct nmea_view *f,
			 size_t max)
{
	size_t nf = 0;
	const char *p = body.p, *end = body.p + body.n, *comma;

	while (nf < max) {
		comma = memchr(p, ',', (size_t)(end - p));
		f[nf].p = p;
		f[nf].n = comma ? (size_t)(comma - p) : (size_t)(end - p);
		nf++;
		if (!comma)
			break;
		p = comma + 1;
	}
	return nf;
}

/* hhmmss[.s*] into seconds of the day; empty gives -1. */
static int nmea_tod(struct nmea_view v, double *tod)
{
	int h, m, s, i;
	double frac = 0;

	if (!v.n) {
		*tod = -1;
		return 0;
	}
	if (v.n < 6)
		return EBADMSG;
	for (i = 0; i < 6; i++)
		if (v.p[i] < '0' || v.p[i] > '9')
			return EBADMSG;
	h = (v.p[0] - '0') * 10 + v.p[1] - '0';
	m = (v.p[2] - '0') * 10 + v.p[3] - '0';
	s = (v.p[4] - '0') * 10 + v.p[5] - '0';
	if (h > 23 || m > 59 || s > 60)
		return EBADMSG;
	if (v.n > 6) {
		char buf[16] = "0";
		if (v.p[6] != '.' || v.n - 6 >= sizeof(buf) - 1)
			return EBADMSG;
		memcpy(buf + 1, v.p + 6, v.n - 6);
		if (geo_trace_num_parse(buf, v.n - 5, &frac))
			return EBADMSG;
	}
	*tod = h * 3600 + m * 60 + s + frac;
	return 0;
}

/* ddmmyy into days since 1970-01-01. */
static int nmea_date(struct nmea_view v, int64_t *day)
{
	int d, m, y, i;

	if (v.n != 6)
		return EBADMSG;
	for (i = 0; i < 6; i++)
		if (v.p[i] < '0' || v.p[i] > '9')
			return EBADMSG;
	d = (v.p[0] - '0') * 10 + v.p[1] - '0';
	m = (v.p[2] - '0') * 10 + v.p[3] - '0';
	y = (v.p[4] - '0') * 10 + v.p[5] - '0';
	y += y < 80 ? 2000 : 1900;
	if (!geo_trace_date_valid(y, m, d))
		return EBADMSG;
	*day = geo_trace_days(y, m, d);
	return 0;
}

/* (d)ddmm.mmm plus hemisphere into signed degrees. */
static int nmea_coord(struct nmea_view v, struct nmea_view hemi,
		      char pos, char neg, double *deg)
{
	double x, d, m;

	if (geo_trace_num_parse(v.p, v.n, &x) || x < 0)
		return EBADMSG;
	d = floor(x / 100);
	m = x - d * 100;
	if (m >= 60)
		return EBADMSG;
	if (hemi.n != 1 || (hemi.p[0] != pos && hemi.p[0] != neg))
		return EBADMSG;
	*deg = (d + m / 60) * (hemi.p[0] == neg ? -1 : 1);
	return 0;
}

static int nmea_bad(const struct nmea_sent *s, const char *what,
		    struct geo_err *err)
{
	return geo_trace_errf(err, EBADMSG, "line %u: %s: bad %s",
			      s->fix.line, s->kind == S_GGA ? "GGA" : "RMC",
			      what);
}

/* Position fields at f[0..3]; ENODATA when empty (no fix). */
static int nmea_position(struct nmea_sent *s, const struct nmea_view *f,
			 struct geo_err *err)
{
	if (!f[0].n || !f[2].n)
		return ENODATA;
	if (nmea_coord(f[0], f[1], 'N', 'S', &s->fix.pt.lat))
		return nmea_bad(s, "latitude", err);
	if (nmea_coord(f[2], f[3], 'E', 'W', &s->fix.pt.lon))
		return nmea_bad(s, "longitude", err);
	return 0;
}

static int nmea_gga(struct nmea_sent *s, const struct nmea_view *f,
		    size_t nf, struct geo_err *err)
{
	double q;
	int e;

	if (nf < 7)
		return nmea_bad(s, "field count", err);
	if (nmea_tod(f[1], &s->tod))
		return nmea_bad(s, "time", err);
	if (!f[6].n)
		return ENODATA;
	if (geo_trace_num_parse(f[6].p, f[6].n, &q) || q < 0 ||
	    q != floor(q))
		return nmea_bad(s, "fix quality", err);
	if (q == 0)
		return ENODATA;
	e = nmea_position(s, f + 2, err);
	if (e)
		return e;
	if (nf > 9 && f[9].n) {
		if (geo_trace_num_parse(f[9].p, f[9].n, &s->fix.pt.alt))
			return nmea_bad(s, "altitude", err);
		s->fix.pt.has_alt = true;
	}
	return 0;
}

static int nmea_rmc(struct nmea_sent *s, const struct nmea_view *f,
		    size_t nf, struct geo_err *err)
{
	int e;

	if (nf < 10)
		return nmea_bad(s, "field count", err);
	if (nmea_tod(f[1], &s->tod))
		return nmea_bad(s, "time", err);
	if (f[9].n) {
		if (nmea_date(f[9], &s->day))
			return nmea_bad(s, "date", err);
		s->has_day = true;
	}
	if (f[2].n != 1 || (f[2].p[0] != 'A' && f[2].p[0] != 'V'))
		return nmea_bad(s, "status", err);
	if (f[2].p[0] == 'V')
		return ENODATA;
	e = nmea_position(s, f + 3, err);
	if (e)
		return e;
	if (f[7].n) {
		if (geo_trace_num_parse(f[7].p, f[7].n, &s->fix.speed))
			return nmea_bad(s, "speed", err);
		s->fix.speed *= NMEA_KNOT;
		s->fix.has_speed = true;
	}
	if (f[8].n) {
		if (geo_trace_num_parse(f[8].p, f[8].n, &s->fix.course))
			return nmea_bad(s, "course", err);
		s->fix.has_course = true;
	}
	return 0;
}

/*
 * Parse one line. Returns 0 with a sentence, ENODATA for a line that is
 * skipped (and counted), or an error.
 */
static int nmea_line(struct geo_trace *tr, const char *p, size_t n,
		     struct nmea_sent *s, struct geo_err *err)
{
	struct nmea_view body, f[NMEA_MAX_FIELDS];
	size_t nf;
	int e;

	geo_trace_trim(&p, &n);
	if (!n)
		return ENODATA;
	if (p[0] != '$') {
		tr->st.ignored++;
		return ENODATA;
	}
	if (!nmea_checksum_ok(p, n, &body)) {
		tr->st.bad_checksum++;
		if (!tr->st.first_bad_line)
			tr->st.first_bad_line = tr->lineno;
		return ENODATA;
	}
	nf = nmea_split(body, f, NMEA_MAX_FIELDS);
	memset(s, 0, sizeof(*s));
	s->fix.line = tr->lineno;
	s->tod = -1;
	if (f[0].n != 5 || f[0].p[0] == 'P') {
		tr->st.ignored++;
		return ENODATA;
	}
	if (memcmp(f[0].p + 2, "GGA", 3) == 0) {
		s->kind = S_GGA;
		e = nmea_gga(s, f, nf, err);
	} else if (memcmp(f[0].p + 2, "RMC", 3) == 0) {
		s->kind = S_RMC;
		e = nmea_rmc(s, f, nf, err);
	} else {
		tr->st.ignored++;
		return ENODATA;
	}
	if (s->kind == S_RMC && s->has_day) {
		/* The date is known from here on, fix or no fix. */
		tr->u.nmea.date_known = true;
		tr->u.nmea.last_day = s->day;
		tr->u.nmea.last_tod = s->tod >= 0 ? s->tod : 0;
	}
	if (e == ENODATA)
		tr->st.no_fix++;
	if (e)
		return e;
	return geo_trace_fix_check(&s->fix, s->kind == S_GGA ? "GGA" : "RMC",
				   err);
}

static void nmea_pending_set(struct trace_nmea *nm, const struct nmea_sent *s)
{
	nm->pending = true;
	nm->fix = s->fix;
	nm->tod = s->tod;
	nm->has_gga = s->kind == S_GGA;
	nm->has_rmc = s->kind == S_RMC;
	nm->has_day = s->has_day;
	nm->day = s->day;
}

/* Same epoch, and the pending fix lacks this kind of sentence. */
static bool nmea_mergeable(const struct trace_nmea *nm,
			   const struct nmea_sent *s)
{
	if (!nm->pending || nm->tod < 0 || s->tod < 0 ||
	    fabs(nm->tod - s->tod) > 1e-3)
		return false;
	return s->kind == S_GGA ? !nm->has_gga : !nm->has_rmc;
}

static void nmea_merge(struct trace_nmea *nm, const struct nmea_sent *s)
{
	if (s->kind == S_GGA) {
		/* GGA's position and altitude; keep RMC's motion. */
		nm->fix.pt = s->fix.pt;
		nm->has_gga = true;
	} else {
		nm->fix.speed = s->fix.speed;
		nm->fix.has_speed = s->fix.has_speed;
		nm->fix.course = s->fix.course;
		nm->fix.has_course = s->fix.has_course;
		if (s->has_day) {
			nm->has_day = true;
			nm->day = s->day;
		}
		nm->has_rmc = true;
	}
}

/* Give out the pending fix, with its time if a date is known. */
static void nmea_finish(struct trace_nmea *nm, struct geo_fix *fix)
{
	int64_t day = nm->day;
	bool known = nm->has_day;

	*fix = nm->fix;
	nm->pending = false;
	if (nm->tod < 0)
		return;
	if (!known && nm->date_known) {
		day = nm->last_day;
		known = true;
		if (nm->tod < nm->last_tod - 43200)
			day++;  /* past midnight since that RMC */
		else if (nm->tod > nm->last_tod + 43200)
			day--;  /* before the midnight that RMC is after */
	}
	if (!known)
		return;
	fix->time = (double)(day * 86400) + nm->tod;
	fix->has_time = true;
}

int geo_trace_nmea_next(struct geo_trace *tr, struct geo_fix *fix,
			struct geo_err *err)
{
	struct trace_nmea *nm = &tr->u.nmea;
	struct nmea_sent s;
	const char *line;
	size_t len;
	int e;

	for (;;) {
		e = geo_trace_line_next(tr, &line, &len, err);
		if (e == ENOENT && nm->pending) {
			nmea_finish(nm, fix);
			return 0;
		}
		if (e)
			return e;
		e = nmea_line(tr, line, len, &s, err);
		if (e == EBADMSG && tr->pos >= tr->len &&
		    tr->buf[tr->len - 1] != '\n' &&
		    !memchr(line, '*', len)) {
			tr->st.cut_short = true;
			e = ENODATA;
		}
		if (e == ENODATA)
			continue;
		if (e)
			return e;
		if (nmea_mergeable(nm, &s)) {
			nmea_merge(nm, &s);
			continue;
		}
		if (nm->pending) {
			nmea_finish(nm, fix);
			nmea_pending_set(nm, &s);
			return 0;
		}
		nmea_pending_set(nm, &s);
	}
}
