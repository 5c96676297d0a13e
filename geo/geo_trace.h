/*
 * geo_trace.h: GPS trace readers (GPX 1.0/1.1, NMEA 0183, CSV).
 *
 * What it does: turns a recorded trace into a sequence of fixes (position,
 * optional altitude, time, speed and course) for the replay tool, the
 * benchmarks and the tests. A reader is opened on a memory buffer, a
 * FILE * or a path ("-" is stdin) and yields one fix per geo_trace_next().
 *
 * What it does not do: no filtering, smoothing or speed derivation (the
 * traces keep their glitches on purpose: geo_speed() and the filters must
 * cope); no network access, ever (GPX is parsed with XML_PARSE_NONET and
 * any DOCTYPE is refused, so no entity is expanded or loaded, SEC-18).
 *
 * Formats (details atop geo/trace_gpx.c, trace_nmea.c, trace_csv.c):
 * - GPX 1.0/1.1 (UTF-8 or Latin-1): trkpt and rtept in document order,
 *   wpt only on request; ele, time, speed, course (1.1: in extensions).
 * - NMEA 0183: GGA and RMC of one epoch merged; bad checksums, no-fix
 *   and other sentences skipped and counted, not fatal.
 * - CSV: header naming time, lat, lon (required), alt, speed, course.
 * Times are ISO 8601 (no zone designator: UTC) or, in CSV, UNIX seconds.
 *
 * Ownership: geo_trace_open_*() / geo_trace_free(). A reader opened on
 * memory borrows the buffer, which must outlive it; FILE and path readers
 * own a copy (at most lim.max_bytes). Fixes are returned by value.
 *
 * Limits (struct geo_trace_limits, all enforced, EOVERFLOW beyond): input
 * size, number of fixes, line length (NMEA, CSV), XML depth (GPX).
 *
 * Errors: 0 or a positive errno value: EINVAL bad argument, EBADMSG
 * malformed input, EOVERFLOW over a limit, ENOENT end of trace (from
 * geo_trace_next only) or missing file, ENOMEM; EIO or the errno of a
 * failed read (EISDIR...). struct geo_err gets a one-line reason naming
 * the line (and the GPX element), e.g. "line 17: trkpt: latitude out of
 * range". After an error the reader stays failed and returns the same
 * error again.
 *
 * Threads: a reader is used by one thread at a time; no global state.
 */
#ifndef GEO_TRACE_H
#define GEO_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "geo/geo.h"

enum geo_trace_format {
	GEO_TRACE_AUTO = 0, /* by path extension, else by content */
	GEO_TRACE_GPX,
	GEO_TRACE_NMEA,
	GEO_TRACE_CSV,
};

/* "auto", "gpx", "nmea", "csv"; "?" for an unknown value. */
const char *geo_trace_format_name(enum geo_trace_format fmt);

/*
 * Format from a file name: .gpx; .nmea, .nmea0183, .nma; .csv (case
 * insensitive). Anything else, ".txt" and "-" give GEO_TRACE_AUTO: the
 * content decides (first non-blank byte '<' GPX, '$' NMEA, else CSV).
 */
enum geo_trace_format geo_trace_format_from_path(const char *path);

/* Input limits; geo_trace_limits_init() sets the defaults named below. */
struct geo_trace_limits {
	size_t max_bytes;   /* whole input (default 64 MiB) */
	size_t max_fixes;   /* fixes per trace (default 10,000,000) */
	size_t max_line;    /* bytes per NMEA/CSV line, no EOL (4096) */
	unsigned max_depth; /* GPX element nesting below the root (32) */
};

#define GEO_TRACE_MAX_BYTES ((size_t)64 << 20)
#define GEO_TRACE_MAX_FIXES ((size_t)10000000)
#define GEO_TRACE_MAX_LINE ((size_t)4096)
#define GEO_TRACE_MAX_DEPTH 32u

void geo_trace_limits_init(struct geo_trace_limits *lim);

struct geo_trace_opts {
	enum geo_trace_format format; /* GEO_TRACE_AUTO by default */
	/*
	 * GPX: track points (trk/trkseg/trkpt) and route points (rte/rtept)
	 * are the trace, in document order. Waypoints (wpt) are places
	 * marked by the user, not fixes of the path (real devices write
	 * them at the top of the file, out of time order): they are
	 * skipped and counted, unless this is true.
	 */
	bool waypoints;
	struct geo_trace_limits lim;
};

/* Defaults: GEO_TRACE_AUTO, no waypoints, default limits. */
void geo_trace_opts_init(struct geo_trace_opts *opts);

/*
 * One fix. Altitude (pt.alt, pt.has_alt) is what the trace records (GPX
 * ele, NMEA GGA altitude, CSV alt), usually above mean sea level; the
 * geoid separation of GGA is not applied. Only differences matter to
 * movedVert, and all three formats stay comparable.
 * Every fix returned is in range (else EBADMSG): lat -90..90, lon
 * -180..180, |alt| <= 1e6 m, speed 0..1e5 m/s, course 0..360 (360 is
 * returned as 0).
 */
struct geo_fix {
	struct geo_point pt;
	double time;        /* UNIX seconds (UTC), fractional; if has_time */
	bool has_time;
	double speed;       /* m/s (NMEA knots converted); if has_speed */
	bool has_speed;
	double course;      /* degrees from true north, [0, 360); if set */
	bool has_course;
	unsigned line;      /* source line (NMEA: first sentence merged;
			     * GPX past line 65535: may run a few ahead) */
	unsigned seg;       /* GPX: track segment / route number among those
			     * that yield fixes, from 0 (waypoints, when
			     * included, form a segment per run); others 0 */
};

/* Counters, updated as fixes are read. */
struct geo_trace_stats {
	size_t fixes;         /* fixes returned */
	size_t timed;         /* of which with has_time */
	size_t waypoints;     /* GPX wpt skipped (opts.waypoints false) */
	size_t bad_checksum;  /* NMEA sentences skipped: checksum wrong */
	size_t no_fix;        /* NMEA skipped: GGA quality 0, RMC status V,
			       * or empty position */
	size_t ignored;       /* NMEA: other sentences, non-NMEA lines */
	unsigned first_bad_line; /* line of the first bad checksum or 0 */
	bool cut_short;       /* NMEA: the last line, unterminated and
			       * without checksum, did not parse: a log cut
			       * mid-write; skipped */
};

struct geo_trace;

/*
 * Open a reader on len bytes at buf (borrowed; not NUL-terminated).
 * opts may be NULL for defaults; with GEO_TRACE_AUTO the content decides.
 * Returns 0, EINVAL, EOVERFLOW (len > max_bytes), ENOMEM, or EBADMSG
 * (GPX refused before parsing: DOCTYPE, encoding, not XML). *trp is set
 * only on success.
 */
int geo_trace_open_mem(struct geo_trace **trp, const char *buf, size_t len,
		       const struct geo_trace_opts *opts, struct geo_err *err)
	__attribute__((warn_unused_result));

/* Read f to its end (at most max_bytes) and open a reader on the copy. */
int geo_trace_open_file(struct geo_trace **trp, FILE *f,
			const struct geo_trace_opts *opts,
			struct geo_err *err)
	__attribute__((warn_unused_result));

/*
 * Open path ("-" = stdin). With GEO_TRACE_AUTO the extension decides
 * (geo_trace_format_from_path), else the content. ENOENT and the other
 * errno values of fopen/fread are returned as they are.
 */
int geo_trace_open_path(struct geo_trace **trp, const char *path,
			const struct geo_trace_opts *opts,
			struct geo_err *err)
	__attribute__((warn_unused_result));

void geo_trace_free(struct geo_trace *tr);

/*
 * Next fix into *fix. Returns 0 with a fix, ENOENT at the end of the
 * trace (not an error; err untouched), or an error (err filled) which is
 * then returned by every later call.
 */
int geo_trace_next(struct geo_trace *tr, struct geo_fix *fix,
		   struct geo_err *err) __attribute__((warn_unused_result));

/*
 * Read every remaining fix into a new array (free with free()); *np is
 * the count. On error nothing is returned (fixes read so far are freed).
 */
int geo_trace_read_all(struct geo_trace *tr, struct geo_fix **fixesp,
		       size_t *np, struct geo_err *err)
	__attribute__((warn_unused_result));

/* The format in use (never GEO_TRACE_AUTO once open). */
enum geo_trace_format geo_trace_format(const struct geo_trace *tr);
const struct geo_trace_stats *geo_trace_stats(const struct geo_trace *tr);

#endif /* GEO_TRACE_H */
