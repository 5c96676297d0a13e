/*
 * trace_csv.c: CSV trace reader.
 *
 * The first line that is neither blank nor a '#' comment is the header;
 * columns are found by name (case insensitive, blanks trimmed):
 *   time (required)  ISO 8601 (see geo_trace_time_parse) or UNIX seconds
 *   lat, latitude (required); lon, lng, longitude (required)  degrees
 *   alt, ele, altitude, elevation (optional, may be empty)    metres
 *   speed (optional, may be empty)                            m/s
 *   course (optional, may be empty)                           degrees
 * Other columns are ignored. Every row has exactly as many fields as the
 * header; no quoting (commas never occur in these values). Blank lines
 * and '#' comments are skipped anywhere. A bad row is an error naming its
 * line.
 */
#include <errno.h>
#include <strings.h>
#include <string.h>

#include "geo/trace_int.h"

static const struct {
	const char *name;
	int col;
} csv_names[] = {
	{ "time", TRACE_CSV_TIME },
	{ "lat", TRACE_CSV_LAT },
	{ "latitude", TRACE_CSV_LAT },
	{ "lon", TRACE_CSV_LON },
	{ "lng", TRACE_CSV_LON },
	{ "longitude", TRACE_CSV_LON },
	{ "alt", TRACE_CSV_ALT },
	{ "ele", TRACE_CSV_ALT },
	{ "altitude", TRACE_CSV_ALT },
	{ "elevation", TRACE_CSV_ALT },
	{ "speed", TRACE_CSV_SPEED },
	{ "course", TRACE_CSV_COURSE },
};

/* Printable column names, by column. */
static const char *const col_names[TRACE_CSV_NCOLS] = {
	"time", "lat", "lon", "alt", "speed", "course"
};

/* Next comma-separated field of (p, n), trimmed, into (f, fn). */
static void csv_field(const char **p, size_t *n, const char **f,
		      size_t *fn)
{
	const char *comma = memchr(*p, ',', *n);
	size_t len = comma ? (size_t)(comma - *p) : *n;

	*f = *p;
	*fn = len;
	geo_trace_trim(f, fn);
	*p += comma ? len + 1 : len;
	*n -= comma ? len + 1 : len;
}

static int csv_header(struct geo_trace *tr, const char *p, size_t n,
		      struct geo_err *err)
{
	struct trace_csv *c = &tr->u.csv;
	const char *f;
	size_t fn, i;
	unsigned idx = 0;
	bool more = true;

	for (i = 0; i < TRACE_CSV_NCOLS; i++)
		c->col[i] = -1;
	while (more) {
		more = memchr(p, ',', n) != NULL;
		csv_field(&p, &n, &f, &fn);
		for (i = 0; i < sizeof(csv_names) / sizeof(csv_names[0]);
		     i++) {
			if (strlen(csv_names[i].name) != fn ||
			    strncasecmp(csv_names[i].name, f, fn) != 0)
				continue;
			if (c->col[csv_names[i].col] >= 0)
				return geo_trace_errf(
					err, EBADMSG,
					"line %u: duplicate column %s",
					tr->lineno,
					col_names[csv_names[i].col]);
			c->col[csv_names[i].col] = (int)idx;
		}
		idx++;
	}
	for (i = TRACE_CSV_TIME; i <= TRACE_CSV_LON; i++)
		if (c->col[i] < 0)
			return geo_trace_errf(err, EBADMSG,
					      "line %u: header lacks column "
					      "%s", tr->lineno, col_names[i]);
	c->nfields = idx;
	c->header_seen = true;
	return 0;
}

static int csv_bad(struct geo_trace *tr, const char *what, int col,
		   struct geo_err *err)
{
	return geo_trace_errf(err, EBADMSG, "line %u: %s %s", tr->lineno,
			      what, col_names[col]);
}

/* Store one field of a row in the fix. */
static int csv_value(struct geo_trace *tr, int col, const char *f,
		     size_t fn, struct geo_fix *fix, struct geo_err *err)
{
	double v;

	if (!fn) {
		if (col <= TRACE_CSV_LON)
			return csv_bad(tr, "missing", col, err);
		return 0; /* optional value absent */
	}
	if (col == TRACE_CSV_TIME) {
		if (geo_trace_num_parse(f, fn, &v) &&
		    geo_trace_time_parse(f, fn, &v))
			return csv_bad(tr, "bad", col, err);
		fix->time = v;
		fix->has_time = true;
		return 0;
	}
	if (geo_trace_num_parse(f, fn, &v))
		return csv_bad(tr, "bad", col, err);
	switch (col) {
	case TRACE_CSV_LAT:
		fix->pt.lat = v;
		break;
	case TRACE_CSV_LON:
		fix->pt.lon = v;
		break;
	case TRACE_CSV_ALT:
		fix->pt.alt = v;
		fix->pt.has_alt = true;
		break;
	case TRACE_CSV_SPEED:
		fix->speed = v;
		fix->has_speed = true;
		break;
	default:
		fix->course = v;
		fix->has_course = true;
		break;
	}
	return 0;
}

static int csv_row(struct geo_trace *tr, const char *p, size_t n,
		   struct geo_fix *fix, struct geo_err *err)
{
	struct trace_csv *c = &tr->u.csv;
	const char *f;
	size_t fn;
	unsigned idx = 0;
	bool more = true;
	int i, e;

	fix->line = tr->lineno;
	while (more) {
		more = memchr(p, ',', n) != NULL;
		csv_field(&p, &n, &f, &fn);
		for (i = 0; i < TRACE_CSV_NCOLS; i++) {
			if (c->col[i] != (int)idx)
				continue;
			e = csv_value(tr, i, f, fn, fix, err);
			if (e)
				return e;
		}
		idx++;
	}
	if (idx != c->nfields)
		return geo_trace_errf(err, EBADMSG,
				      "line %u: %u fields, header has %u",
				      tr->lineno, idx, c->nfields);
	return geo_trace_fix_check(fix, NULL, err);
}

int geo_trace_csv_next(struct geo_trace *tr, struct geo_fix *fix,
		       struct geo_err *err)
{
	const char *line;
	size_t len;
	int e;

	for (;;) {
		e = geo_trace_line_next(tr, &line, &len, err);
		if (e == ENOENT && !tr->u.csv.header_seen)
			return geo_trace_errf(err, EBADMSG,
					      "line %u: no CSV header",
					      tr->lineno ? tr->lineno : 1);
		if (e)
			return e;
		geo_trace_trim(&line, &len);
		if (!len || line[0] == '#')
			continue;
		if (!tr->u.csv.header_seen) {
			e = csv_header(tr, line, len, err);
			if (e)
				return e;
			continue;
		}
		return csv_row(tr, line, len, fix, err);
	}
}
