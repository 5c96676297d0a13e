/*
 * trace_int.h: private to the trace readers (geo/trace*.c).
 *
 * struct geo_trace is one reader: the input bytes, the format, the line
 * cursor of the text formats, the per-format state and the counters.
 * Helpers shared by the formats: line splitting with the line limit,
 * strict numbers, ISO 8601 and calendar arithmetic, error formatting.
 */
#ifndef GEO_TRACE_INT_H
#define GEO_TRACE_INT_H

#include <stdarg.h>
#include <stdint.h>

#include "geo/geo_trace.h"

struct _xmlTextReader;

/* GPX: a streaming libxml2 reader and the point being assembled. */
struct trace_gpx {
	struct _xmlTextReader *rd;
	bool root_seen;
	int pt_depth;          /* depth of the open point element, or -1 */
	int pt_kind;           /* enum in trace_gpx.c */
	int field;             /* child being captured, or 0 */
	int field_depth;
	int ext_depth;         /* depth of the point's <extensions> or -1 */
	bool field_ext;        /* captured inside <extensions> */
	char text[128];        /* captured text, leading blanks skipped */
	size_t text_len;
	bool text_long;
	struct geo_fix fix;    /* point being assembled */
	unsigned container;    /* bumped at trkseg, rte and wpt runs */
	unsigned last_container;
	int last_kind;         /* kind of the last point seen */
	unsigned seg;          /* segment number of the last fix */
	char xml_err[GEO_WARN_MAX]; /* first libxml2 error */
	unsigned xml_err_line;
};

/* NMEA: the fix being merged from sentences of one epoch. */
struct trace_nmea {
	bool pending;
	struct geo_fix fix;
	double tod;            /* time of day of the pending fix, or -1 */
	bool has_gga, has_rmc;
	bool has_day;          /* the pending fix has its own RMC date */
	int64_t day;           /* days since 1970-01-01 of that date */
	bool date_known;       /* a date was seen: carried to GGA */
	int64_t last_day;      /* date of the last RMC with one */
	double last_tod;       /* its time of day */
};

/* CSV: column numbers from the header, -1 when absent. */
enum { TRACE_CSV_TIME, TRACE_CSV_LAT, TRACE_CSV_LON, TRACE_CSV_ALT,
       TRACE_CSV_SPEED, TRACE_CSV_COURSE, TRACE_CSV_NCOLS };

struct trace_csv {
	bool header_seen;
	int col[TRACE_CSV_NCOLS];
	unsigned nfields;      /* fields in the header */
};

struct geo_trace {
	enum geo_trace_format fmt;
	struct geo_trace_opts opts;
	const char *buf;
	size_t len;
	char *own;             /* owned copy of the input, or NULL */
	size_t pos;            /* text formats: offset of the next line */
	unsigned lineno;       /* text formats: number of the last line */
	int failed;            /* sticky error, 0 if none */
	struct geo_err ferr;
	struct geo_trace_stats st;
	union {
		struct trace_gpx *gpx;
		struct trace_nmea nmea;
		struct trace_csv csv;
	} u;
};

/* Per-format entry points. */
int geo_trace_gpx_open(struct geo_trace *tr, struct geo_err *err);
int geo_trace_gpx_next(struct geo_trace *tr, struct geo_fix *fix,
		       struct geo_err *err);
void geo_trace_gpx_close(struct geo_trace *tr);
int geo_trace_nmea_next(struct geo_trace *tr, struct geo_fix *fix,
			struct geo_err *err);
int geo_trace_csv_next(struct geo_trace *tr, struct geo_fix *fix,
		       struct geo_err *err);

/*
 * Fill err (may be NULL) with a formatted reason, quotes and control
 * characters replaced; returns code.
 */
int geo_trace_errf(struct geo_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Next line of a text format (without CR/LF; a UTF-8 BOM at the start of
 * the input is skipped): 0, ENOENT at the end, EOVERFLOW (err filled)
 * when longer than max_line. Updates tr->lineno.
 */
int geo_trace_line_next(struct geo_trace *tr, const char **linep,
			size_t *lenp, struct geo_err *err);

/* Strip blanks (space, tab) at both ends of a view. */
void geo_trace_trim(const char **p, size_t *len);

/*
 * Strict decimal number ([+-]digits[.digits][e[+-]digits], blanks around
 * allowed; no hex, inf or nan): 0 or EBADMSG.
 */
int geo_trace_num_parse(const char *p, size_t len, double *v);

/*
 * ISO 8601 / xsd:dateTime: YYYY-MM-DD(T|t| )hh:mm:ss[.fraction] followed
 * by Z, +hh:mm, +hhmm, +hh (or -), or nothing (UTC assumed).
 * To UNIX seconds: 0 or EBADMSG.
 */
int geo_trace_time_parse(const char *p, size_t len, double *t);

/* Days since 1970-01-01 of a proleptic Gregorian date (valid input). */
int64_t geo_trace_days(int64_t y, int m, int d);

/* True when d is a day of month m (1-12) of year y. */
bool geo_trace_date_valid(int64_t y, int m, int d);

/*
 * Range checks common to all formats; elem names the GPX element or NMEA
 * sentence for the message (may be NULL). 0 or EBADMSG (err filled).
 */
int geo_trace_fix_check(struct geo_fix *fix, const char *elem,
			struct geo_err *err);

#endif /* GEO_TRACE_INT_H */
