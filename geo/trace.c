/*
 * trace.c: GPS trace readers, the common part: opening on memory, FILE
 * or path, format choice, the fix loop with its limits, and the helpers
 * shared by the GPX, NMEA and CSV readers (lines, numbers, time).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "geo/trace_int.h"

/* Bytes read from a FILE per step (the whole input is capped anyway). */
#define TRACE_READ_CHUNK ((size_t)64 << 10)

const char *geo_trace_format_name(enum geo_trace_format fmt)
{
	switch (fmt) {
	case GEO_TRACE_AUTO: return "auto";
	case GEO_TRACE_GPX:  return "gpx";
	case GEO_TRACE_NMEA: return "nmea";
	case GEO_TRACE_CSV:  return "csv";
	}
	return "?";
}

enum geo_trace_format geo_trace_format_from_path(const char *path)
{
	static const struct {
		const char *ext;
		enum geo_trace_format fmt;
	} exts[] = {
		{ ".gpx", GEO_TRACE_GPX },
		{ ".nmea", GEO_TRACE_NMEA },
		{ ".nmea0183", GEO_TRACE_NMEA },
		{ ".nma", GEO_TRACE_NMEA },
		{ ".csv", GEO_TRACE_CSV },
	};
	const char *dot, *slash;
	size_t i;

	if (!path)
		return GEO_TRACE_AUTO;
	dot = strrchr(path, '.');
	slash = strrchr(path, '/');
	if (!dot || (slash && dot < slash))
		return GEO_TRACE_AUTO;
	for (i = 0; i < sizeof(exts) / sizeof(exts[0]); i++)
		if (strcasecmp(dot, exts[i].ext) == 0)
			return exts[i].fmt;
	return GEO_TRACE_AUTO;
}

void geo_trace_limits_init(struct geo_trace_limits *lim)
{
	lim->max_bytes = GEO_TRACE_MAX_BYTES;
	lim->max_fixes = GEO_TRACE_MAX_FIXES;
	lim->max_line = GEO_TRACE_MAX_LINE;
	lim->max_depth = GEO_TRACE_MAX_DEPTH;
}

void geo_trace_opts_init(struct geo_trace_opts *opts)
{
	memset(opts, 0, sizeof(*opts));
	opts->format = GEO_TRACE_AUTO;
	opts->waypoints = false;
	geo_trace_limits_init(&opts->lim);
}

int geo_trace_errf(struct geo_err *err, int code, const char *fmt, ...)
{
	va_list ap;
	char *c;

	if (!err)
		return code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	for (c = err->msg; *c; c++) {
		if (*c == '"')
			*c = '\'';
		else if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = ' ';
	}
	err->code = code;
	return code;
}

/* Content sniffing: first non-blank byte (after a UTF-8 BOM). */
static enum geo_trace_format trace_sniff(const char *buf, size_t len)
{
	size_t i = 0;

	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	for (; i < len; i++) {
		char c = buf[i];
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			continue;
		if (c == '<')
			return GEO_TRACE_GPX;
		if (c == '$')
			return GEO_TRACE_NMEA;
		break;
	}
	return GEO_TRACE_CSV;
}

/* Open on buf; own (may be NULL) becomes the reader's on success only. */
static int trace_open(struct geo_trace **trp, const char *buf, size_t len,
		      char *own, const struct geo_trace_opts *opts,
		      struct geo_err *err)
{
	struct geo_trace *tr;
	int e;

	tr = calloc(1, sizeof(*tr));
	if (!tr)
		return geo_trace_errf(err, ENOMEM, "out of memory");
	if (opts)
		tr->opts = *opts;
	else
		geo_trace_opts_init(&tr->opts);
	tr->buf = buf;
	tr->len = len;
	tr->fmt = tr->opts.format;
	if (tr->fmt == GEO_TRACE_AUTO)
		tr->fmt = trace_sniff(buf, len);
	switch (tr->fmt) {
	case GEO_TRACE_GPX:
		e = geo_trace_gpx_open(tr, err);
		if (e) {
			free(tr);
			return e;
		}
		break;
	case GEO_TRACE_NMEA:
		tr->u.nmea.tod = -1;
		break;
	case GEO_TRACE_CSV:
		break;
	default:
		free(tr);
		return geo_trace_errf(err, EINVAL, "unknown trace format");
	}
	tr->own = own;
	*trp = tr;
	return 0;
}

static int trace_check_args(struct geo_trace **trp,
			    const struct geo_trace_opts *opts,
			    struct geo_err *err)
{
	if (!trp)
		return geo_trace_errf(err, EINVAL, "no reader pointer");
	if (opts && ((unsigned)opts->format > GEO_TRACE_CSV ||
		     !opts->lim.max_bytes || !opts->lim.max_fixes ||
		     !opts->lim.max_line || !opts->lim.max_depth))
		return geo_trace_errf(err, EINVAL, "bad trace options");
	return 0;
}

int geo_trace_open_mem(struct geo_trace **trp, const char *buf, size_t len,
		       const struct geo_trace_opts *opts, struct geo_err *err)
{
	size_t max;
	int e;

	e = trace_check_args(trp, opts, err);
	if (e)
		return e;
	if (!buf && len)
		return geo_trace_errf(err, EINVAL, "no input buffer");
	max = opts ? opts->lim.max_bytes : GEO_TRACE_MAX_BYTES;
	if (len > max)
		return geo_trace_errf(err, EOVERFLOW,
				      "trace larger than %zu bytes", max);
	return trace_open(trp, buf ? buf : "", len, NULL, opts, err);
}

/* Read f to its end into a new buffer of at most max bytes. */
static int trace_slurp(FILE *f, size_t max, char **bufp, size_t *lenp,
		       struct geo_err *err)
{
	char *buf = NULL, *nb;
	size_t len = 0, cap = 0, n, want;

	for (;;) {
		if (len == cap) {
			/* Grow geometrically, up to max + 1: the byte
			 * past max, if any, proves the input too big. */
			size_t ncap = cap ? cap * 2 : TRACE_READ_CHUNK;
			if (ncap > max + 1 || ncap < cap)
				ncap = max + 1;
			nb = realloc(buf, ncap);
			if (!nb) {
				free(buf);
				return geo_trace_errf(err, ENOMEM,
						      "out of memory");
			}
			buf = nb;
			cap = ncap;
		}
		want = cap - len;
		errno = 0;
		n = fread(buf + len, 1, want, f);
		len += n;
		if (len > max) {
			free(buf);
			return geo_trace_errf(err, EOVERFLOW,
					      "trace larger than %zu bytes",
					      max);
		}
		if (n < want) {
			if (ferror(f)) {
				int e = errno ? errno : EIO;
				free(buf);
				return geo_trace_errf(err, e,
						      "cannot read trace: %s",
						      strerror(e));
			}
			break;
		}
	}
	*bufp = buf;
	*lenp = len;
	return 0;
}

int geo_trace_open_file(struct geo_trace **trp, FILE *f,
			const struct geo_trace_opts *opts,
			struct geo_err *err)
{
	char *buf = NULL;
	size_t len = 0;
	int e;

	e = trace_check_args(trp, opts, err);
	if (e)
		return e;
	if (!f)
		return geo_trace_errf(err, EINVAL, "no input file");
	e = trace_slurp(f, opts ? opts->lim.max_bytes : GEO_TRACE_MAX_BYTES,
			&buf, &len, err);
	if (e)
		return e;
	e = trace_open(trp, buf ? buf : "", len, buf, opts, err);
	if (e)
		free(buf);
	return e;
}

int geo_trace_open_path(struct geo_trace **trp, const char *path,
			const struct geo_trace_opts *opts,
			struct geo_err *err)
{
	struct geo_trace_opts o;
	FILE *f;
	int e;

	e = trace_check_args(trp, opts, err);
	if (e)
		return e;
	if (!path || !*path)
		return geo_trace_errf(err, EINVAL, "no path");
	if (opts)
		o = *opts;
	else
		geo_trace_opts_init(&o);
	if (o.format == GEO_TRACE_AUTO)
		o.format = geo_trace_format_from_path(path);
	if (strcmp(path, "-") == 0)
		return geo_trace_open_file(trp, stdin, &o, err);
	f = fopen(path, "rb");
	if (!f) {
		e = errno ? errno : EIO;
		return geo_trace_errf(err, e, "cannot open trace: %s",
				      strerror(e));
	}
	e = geo_trace_open_file(trp, f, &o, err);
	fclose(f);
	return e;
}

void geo_trace_free(struct geo_trace *tr)
{
	if (!tr)
		return;
	if (tr->fmt == GEO_TRACE_GPX)
		geo_trace_gpx_close(tr);
	free(tr->own);
	free(tr);
}

enum geo_trace_format geo_trace_format(const struct geo_trace *tr)
{
	return tr->fmt;
}

const struct geo_trace_stats *geo_trace_stats(const struct geo_trace *tr)
{
	return &tr->st;
}

int geo_trace_next(struct geo_trace *tr, struct geo_fix *fix,
		   struct geo_err *err)
{
	struct geo_fix f;
	int e;

	if (!tr || !fix)
		return geo_trace_errf(err, EINVAL, "no reader or fix");
	if (tr->failed) {
		if (err)
			*err = tr->ferr;
		return tr->failed;
	}
	memset(&f, 0, sizeof(f));
	switch (tr->fmt) {
	case GEO_TRACE_GPX:
		e = geo_trace_gpx_next(tr, &f, &tr->ferr);
		break;
	case GEO_TRACE_NMEA:
		e = geo_trace_nmea_next(tr, &f, &tr->ferr);
		break;
	case GEO_TRACE_CSV:
		e = geo_trace_csv_next(tr, &f, &tr->ferr);
		break;
	default:
		e = geo_trace_errf(&tr->ferr, EINVAL, "unknown format");
		break;
	}
	if (e == ENOENT)
		return ENOENT;
	if (!e && tr->st.fixes >= tr->opts.lim.max_fixes)
		e = geo_trace_errf(&tr->ferr, EOVERFLOW,
				   "line %u: more than %zu fixes", f.line,
				   tr->opts.lim.max_fixes);
	if (e) {
		tr->failed = e;
		tr->ferr.code = e;
		if (err)
			*err = tr->ferr;
		return e;
	}
	tr->st.fixes++;
	if (f.has_time)
		tr->st.timed++;
	*fix = f;
	return 0;
}

int geo_trace_read_all(struct geo_trace *tr, struct geo_fix **fixesp,
		       size_t *np, struct geo_err *err)
{
	struct geo_fix *v = NULL, *nv;
	size_t n = 0, cap = 0;
	int e;

	if (!tr || !fixesp || !np)
		return geo_trace_errf(err, EINVAL, "no reader or output");
	for (;;) {
		if (n == cap) {
			/* Grow with what was read, never from a count. */
			size_t ncap = cap ? cap * 2 : 256;
			nv = realloc(v, ncap * sizeof(*v));
			if (!nv) {
				free(v);
				return geo_trace_errf(err, ENOMEM,
						      "out of memory");
			}
			v = nv;
			cap = ncap;
		}
		e = geo_trace_next(tr, &v[n], err);
		if (e == ENOENT)
			break;
		if (e) {
			free(v);
			return e;
		}
		n++;
	}
	*fixesp = v;
	*np = n;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Helpers shared by the formats                                       */

int geo_trace_line_next(struct geo_trace *tr, const char **linep,
			size_t *lenp, struct geo_err *err)
{
	const char *p, *nl;
	size_t rest, len;

	if (tr->pos == 0 && tr->len >= 3 &&
	    memcmp(tr->buf, "\xef\xbb\xbf", 3) == 0)
		tr->pos = 3;
	if (tr->pos >= tr->len)
		return ENOENT;
	p = tr->buf + tr->pos;
	rest = tr->len - tr->pos;
	nl = memchr(p, '\n', rest);
	len = nl ? (size_t)(nl - p) : rest;
	tr->pos += nl ? len + 1 : len;
	tr->lineno++;
	if (len && p[len - 1] == '\r')
		len--;
	if (len > tr->opts.lim.max_line)
		return geo_trace_errf(err, EOVERFLOW,
				      "line %u: longer than %zu bytes",
				      tr->lineno, tr->opts.lim.max_line);
	*linep = p;
	*lenp = len;
	return 0;
}

void geo_trace_trim(const char **p, size_t *len)
{
	while (*len && (**p == ' ' || **p == '\t')) {
		(*p)++;
		(*len)--;
	}
	while (*len && ((*p)[*len - 1] == ' ' || (*p)[*len - 1] == '\t'))
		(*len)--;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

int geo_trace_num_parse(const char *p, size_t len, double *v)
{
	char tmp[64];
	size_t i = 0, digits = 0;
	char *end;
	double d;

	geo_trace_trim(&p, &len);
	if (!len || len >= sizeof(tmp))
		return EBADMSG;
	if (p[i] == '+' || p[i] == '-')
		i++;
	for (; i < len && is_digit(p[i]); i++)
		digits++;
	if (i < len && p[i] == '.')
		for (i++; i < len && is_digit(p[i]); i++)
			digits++;
	if (!digits)
		return EBADMSG;
	if (i < len && (p[i] == 'e' || p[i] == 'E')) {
		size_t ed = 0;
		i++;
		if (i < len && (p[i] == '+' || p[i] == '-'))
			i++;
		for (; i < len && is_digit(p[i]); i++)
			ed++;
		if (!ed)
			return EBADMSG;
	}
	if (i != len)
		return EBADMSG;
	memcpy(tmp, p, len);
	tmp[len] = '\0';
	errno = 0;
	d = strtod(tmp, &end);
	if (end != tmp + len || !isfinite(d))
		return EBADMSG;
	*v = d;
	return 0;
}

/* n decimal digits at p into *out; false if any is not a digit. */
static bool digits_parse(const char *p, size_t n, int *out)
{
	int v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (!is_digit(p[i]))
			return false;
		v = v * 10 + (p[i] - '0');
	}
	*out = v;
	return true;
}

int64_t geo_trace_days(int64_t y, int m, int d)
{
	/* H. Hinnant's days_from_civil, proleptic Gregorian. */
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

bool geo_trace_date_valid(int64_t y, int m, int d)
{
	static const int mdays[12] = { 31, 28, 31, 30, 31, 30,
				       31, 31, 30, 31, 30, 31 };
	int max;

	if (m < 1 || m > 12 || d < 1)
		return false;
	max = mdays[m - 1];
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		max = 29;
	return d <= max;
}

int geo_trace_time_parse(const char *p, size_t len, double *t)
{
	int y, mo, d, h, mi, s, oh = 0, om = 0, sign = 0;
	double frac = 0, scale = 0.1;
	size_t i;

	geo_trace_trim(&p, &len);
	/* YYYY-MM-DDThh:mm:ss is 19 bytes. */
	if (len < 19 || !digits_parse(p, 4, &y) || p[4] != '-' ||
	    !digits_parse(p + 5, 2, &mo) || p[7] != '-' ||
	    !digits_parse(p + 8, 2, &d) ||
	    (p[10] != 'T' && p[10] != 't' && p[10] != ' ') ||
	    !digits_parse(p + 11, 2, &h) || p[13] != ':' ||
	    !digits_parse(p + 14, 2, &mi) || p[16] != ':' ||
	    !digits_parse(p + 17, 2, &s))
		return EBADMSG;
	if (!geo_trace_date_valid(y, mo, d) || h > 23 || mi > 59 || s > 60)
		return EBADMSG;
	i = 19;
	if (i < len && (p[i] == '.' || p[i] == ',')) {
		size_t nd = 0;
		for (i++; i < len && is_digit(p[i]); i++, nd++) {
			frac += (p[i] - '0') * scale;
			scale /= 10;
		}
		if (!nd)
			return EBADMSG;
	}
	if (i < len) {
		if ((p[i] == 'Z' || p[i] == 'z') && i + 1 == len) {
			i++;
		} else if (p[i] == '+' || p[i] == '-') {
			sign = p[i] == '-' ? -1 : 1;
			i++;
			if (len - i < 2 || !digits_parse(p + i, 2, &oh))
				return EBADMSG;
			i += 2;
			if (i < len && p[i] == ':')
				i++;
			if (i < len) {
				if (len - i != 2 ||
				    !digits_parse(p + i, 2, &om))
					return EBADMSG;
				i += 2;
			}
			if (oh > 23 || om > 59)
				return EBADMSG;
		}
		if (i != len)
			return EBADMSG;
	}
	*t = (double)(geo_trace_days(y, mo, d) * 86400 + h * 3600 +
		      mi * 60 + s -
		      sign * (oh * 3600 + om * 60)) + frac;
	return 0;
}

int geo_trace_fix_check(struct geo_fix *fix, const char *elem,
			struct geo_err *err)
{
	const char *sep = elem ? ": " : "";
	const char *what = NULL;

	if (!elem)
		elem = "";
	if (!(fix->pt.lat >= -90 && fix->pt.lat <= 90))
		what = "latitude out of range";
	else if (!(fix->pt.lon >= -180 && fix->pt.lon <= 180))
		what = "longitude out of range";
	else if (fix->pt.has_alt && !(fabs(fix->pt.alt) <= 1e6))
		what = "altitude out of range";
	else if (fix->has_speed && !(fix->speed >= 0 && fix->speed <= 1e5))
		what = "speed out of range";
	else if (fix->has_course && !(fix->course >= 0 &&
				      fix->course <= 360))
		what = "course out of range";
	if (what)
		return geo_trace_errf(err, EBADMSG, "line %u: %s%s%s",
				      fix->line, elem, sep, what);
	if (fix->has_course && fix->course == 360)
		fix->course = 0;
	return 0;
}
