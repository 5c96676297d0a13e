/*
 * geo_trace_fuzz.c: libFuzzer target for the GPS trace readers
 * (geo/geo_trace.h: GPX, NMEA 0183, CSV; SEC-18; STYLE.md 2.11).  Every
 * input is opened with geo_trace_open_mem as GPX, NMEA, CSV and by
 * content (auto, with waypoints), then read to the end twice: with
 * geo_trace_read_all and fix by fix with geo_trace_next.  Built by
 * `make fuzz` (tests/fuzz/README.md).
 *
 * Properties checked besides memory safety:
 * - results are in the documented sets; err.code is the result and
 *   err.msg a non-empty line without quotes or control characters;
 * - every fix is in range (lat, lon, alt, speed 0..1e5, course 0..360
 *   exclusive, finite time) as geo_trace.h promises;
 * - read_all and next agree: same count, same fixes, same final result;
 *   after the end next keeps returning ENOENT, after an error the same
 *   error (sticky);
 * - the stats count what was returned (fixes, timed) and the format in
 *   use is never auto once open.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "geo/geo_trace.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Fixes compared one by one; more are only counted. */
#define FZ_FIXES_MAX 4096

static void fz_assert(int ok)
{
	if (!ok)
		abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	xmlInitParser();
	return 0;
}

static void msg_ok(const struct geo_err *err, int e)
{
	size_t i, n = strnlen(err->msg, sizeof(err->msg));

	fz_assert(err->code == e);
	fz_assert(n > 0 && n < sizeof(err->msg));
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)err->msg[i];
		fz_assert(c >= 0x20 && c != 0x7f && c != '"');
	}
}

static void fix_ok(const struct geo_fix *f)
{
	fz_assert(geo_point_valid(&f->pt));
	fz_assert(f->pt.lat >= -90 && f->pt.lat <= 90);
	fz_assert(f->pt.lon >= -180 && f->pt.lon <= 180);
	if (f->pt.has_alt)
		fz_assert(fabs(f->pt.alt) <= 1e6);
	if (f->has_time)
		fz_assert(isfinite(f->time));
	if (f->has_speed)
		fz_assert(f->speed >= 0 && f->speed <= 1e5);
	if (f->has_course)
		fz_assert(f->course >= 0 && f->course < 360);
}

static bool fix_eq(const struct geo_fix *a, const struct geo_fix *b)
{
	return a->pt.lat == b->pt.lat && a->pt.lon == b->pt.lon &&
	       a->pt.has_alt == b->pt.has_alt &&
	       (!a->pt.has_alt || a->pt.alt == b->pt.alt) &&
	       a->has_time == b->has_time &&
	       (!a->has_time || a->time == b->time) &&
	       a->has_speed == b->has_speed &&
	       (!a->has_speed || a->speed == b->speed) &&
	       a->has_course == b->has_course &&
	       (!a->has_course || a->course == b->course) &&
	       a->line == b->line && a->seg == b->seg;
}

static int open_one(const char *p, size_t n,
		    const struct geo_trace_opts *o, struct geo_trace **tr)
{
	struct geo_err err;
	int e;

	memset(&err, 0, sizeof(err));
	*tr = NULL;
	e = geo_trace_open_mem(tr, p, n, o, &err);
	fz_assert(e == 0 || e == EINVAL || e == EOVERFLOW || e == EBADMSG ||
		  e == ENOMEM);
	if (e) {
		fz_assert(*tr == NULL);
		msg_ok(&err, e);
		return e;
	}
	fz_assert(geo_trace_format(*tr) != GEO_TRACE_AUTO);
	if (o->format != GEO_TRACE_AUTO)
		fz_assert(geo_trace_format(*tr) == o->format);
	return 0;
}

static void one(const char *p, size_t n, const struct geo_trace_opts *o)
{
	struct geo_trace *a, *b;
	struct geo_fix *fixes = NULL, f;
	struct geo_err err;
	size_t cnt = 0, i = 0, timed = 0;
	int ea, eb;

	if (open_one(p, n, o, &a))
		return;
	fz_assert(open_one(p, n, o, &b) == 0);
	memset(&err, 0, sizeof(err));
	ea = geo_trace_read_all(a, &fixes, &cnt, &err);
	fz_assert(ea == 0 || ea == EBADMSG || ea == EOVERFLOW ||
		  ea == ENOMEM);
	if (ea) {
		msg_ok(&err, ea);
		fz_assert(fixes == NULL);
	} else {
		fz_assert(geo_trace_stats(a)->fixes == cnt);
		fz_assert(geo_trace_next(a, &f, &err) == ENOENT);
	}
	for (;;) {
		memset(&err, 0, sizeof(err));
		eb = geo_trace_next(b, &f, &err);
		if (eb)
			break;
		fix_ok(&f);
		timed += f.has_time;
		if (!ea) {
			fz_assert(i < cnt);
			if (i < FZ_FIXES_MAX)
				fz_assert(fix_eq(&f, &fixes[i]));
		}
		i++;
	}
	fz_assert(eb == ENOENT || eb == ea);
	if (eb == ENOENT) {
		fz_assert(!ea && i == cnt);
		fz_assert(geo_trace_next(b, &f, &err) == ENOENT);
	} else {
		msg_ok(&err, eb);
		fz_assert(geo_trace_next(b, &f, &err) == eb);
	}
	fz_assert(geo_trace_stats(b)->fixes == i);
	fz_assert(geo_trace_stats(b)->timed == timed);
	free(fixes);
	geo_trace_free(a);
	geo_trace_free(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum geo_trace_format fmts[] = {
		GEO_TRACE_GPX, GEO_TRACE_NMEA, GEO_TRACE_CSV, GEO_TRACE_AUTO};
	struct geo_trace_opts o;
	size_t i;

	for (i = 0; i < 4; i++) {
		geo_trace_opts_init(&o);
		o.format = fmts[i];
		o.waypoints = fmts[i] == GEO_TRACE_AUTO;
		o.lim.max_fixes = 100000;
		one((const char *)data, size, &o);
	}
	return 0;
}
