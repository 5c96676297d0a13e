/*
 * test_trace_files.c: geo/trace.c on files: format by extension or
 * content, FILE and path readers with the byte limit; the real recorded
 * traces of ../shared/traces (counts established with xmllint, see
 * SOURCE.md there; skipped when the corpus is absent) and the sample
 * traces shipped in data/traces (see data/traces/README.md): what a
 * filter should notice on them is asserted here (Building 10 entries
 * and exits for enterOrExit LF-36, 3 m altitude steps for movedVert
 * LF-27, the speed profile for speedExceeds LF-29).
 */
#include <check.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geo/geo_trace.h"
#include "tests/unit/testutil.h"

static int load(const char *path, bool waypoints, struct geo_fix **f,
		size_t *n, struct geo_trace_stats *st,
		enum geo_trace_format *fmt)
{
	struct geo_trace_opts opts;
	struct geo_trace *tr = NULL;
	struct geo_err err = { 0 };
	int e;

	geo_trace_opts_init(&opts);
	opts.waypoints = waypoints;
	e = geo_trace_open_path(&tr, path, &opts, &err);
	if (e)
		return e;
	e = geo_trace_read_all(tr, f, n, &err);
	ck_assert_msg(e == 0, "%s: %s", path, err.msg);
	if (st)
		*st = *geo_trace_stats(tr);
	if (fmt)
		*fmt = geo_trace_format(tr);
	geo_trace_free(tr);
	return e;
}

START_TEST(test_format_from_path)
{
	ck_assert_int_eq(geo_trace_format_from_path("a/b.gpx"),
			 GEO_TRACE_GPX);
	ck_assert_int_eq(geo_trace_format_from_path("B.GPX"), GEO_TRACE_GPX);
	ck_assert_int_eq(geo_trace_format_from_path("x.nmea"),
			 GEO_TRACE_NMEA);
	ck_assert_int_eq(geo_trace_format_from_path("x.nmea0183"),
			 GEO_TRACE_NMEA);
	ck_assert_int_eq(geo_trace_format_from_path("x.nma"),
			 GEO_TRACE_NMEA);
	ck_assert_int_eq(geo_trace_format_from_path("x.csv"), GEO_TRACE_CSV);
	ck_assert_int_eq(geo_trace_format_from_path("x.txt"),
			 GEO_TRACE_AUTO);
	ck_assert_int_eq(geo_trace_format_from_path("-"), GEO_TRACE_AUTO);
	ck_assert_int_eq(geo_trace_format_from_path("dir.gpx/trace"),
			 GEO_TRACE_AUTO);
	ck_assert_int_eq(geo_trace_format_from_path(NULL), GEO_TRACE_AUTO);
	ck_assert_str_eq(geo_trace_format_name(GEO_TRACE_NMEA), "nmea");
	ck_assert_str_eq(geo_trace_format_name((enum geo_trace_format)9),
			 "?");
}
END_TEST

/* FILE reader: content sniffing, the byte limit, argument errors. */
START_TEST(test_open_file)
{
	static const char nmea[] = "\n  $GPGGA,100000,0100.000,N,00200.000,"
		"E,1,05,1.0,10,M,,M,,\n";
	struct geo_trace_opts opts;
	struct geo_trace *tr = NULL;
	struct geo_fix fix;
	struct geo_err err;
	FILE *f = tmpfile();

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(nmea, 1, strlen(nmea), f), strlen(nmea));
	rewind(f);
	geo_trace_opts_init(&opts);
	opts.lim.max_bytes = strlen(nmea) - 1;
	ck_assert_int_eq(geo_trace_open_file(&tr, f, &opts, &err),
			 EOVERFLOW);
	ck_assert_ptr_null(tr);
	ck_assert_str_eq(err.msg, "trace larger than 58 bytes");
	rewind(f);
	opts.lim.max_bytes = strlen(nmea);
	ck_assert_int_eq(geo_trace_open_file(&tr, f, &opts, &err), 0);
	ck_assert_int_eq(geo_trace_format(tr), GEO_TRACE_NMEA);
	ck_assert_int_eq(geo_trace_next(tr, &fix, &err), 0);
	ck_assert_double_eq(fix.pt.lat, 1);
	ck_assert_uint_eq(fix.line, 2);
	ck_assert_int_eq(geo_trace_next(tr, &fix, &err), ENOENT);
	ck_assert_int_eq(geo_trace_next(tr, &fix, &err), ENOENT);
	geo_trace_free(tr);
	fclose(f);

	tr = NULL;
	ck_assert_int_eq(geo_trace_open_file(&tr, NULL, NULL, &err), EINVAL);
	ck_assert_int_eq(geo_trace_open_mem(NULL, "", 0, NULL, &err),
			 EINVAL);
	ck_assert_int_eq(geo_trace_open_mem(&tr, NULL, 3, NULL, &err),
			 EINVAL);
	opts.lim.max_fixes = 0;
	ck_assert_int_eq(geo_trace_open_mem(&tr, "", 0, &opts, &err),
			 EINVAL);
	ck_assert_int_eq(geo_trace_next(NULL, &fix, &err), EINVAL);
	ck_assert_ptr_null(tr);
	geo_trace_free(NULL);
}
END_TEST

START_TEST(test_open_path_missing)
{
	struct geo_trace *tr = NULL;
	struct geo_err err;

	ck_assert_int_eq(geo_trace_open_path(&tr, "data/traces/none.gpx",
					     NULL, &err), ENOENT);
	ck_assert_int_eq(err.code, ENOENT);
	ck_assert_str_eq(err.msg,
			 "cannot open trace: No such file or directory");
	ck_assert_ptr_null(tr);
	/* A directory opens but cannot be read. */
	ck_assert_int_eq(geo_trace_open_path(&tr, "data/traces", NULL, &err),
			 EISDIR);
	ck_assert_str_eq(err.msg, "cannot read trace: Is a directory");
	ck_assert_ptr_null(tr);
	ck_assert_int_eq(geo_trace_open_path(&tr, "", NULL, &err), EINVAL);
}
END_TEST

/* The real traces: counts from xmllint (SOURCE.md agrees). */
START_TEST(test_real_traces)
{
	static const struct {
		const char *name;
		size_t fixes, timed, wpts, timed_wpts, segs;
	} t[] = {
		{ "traces/Mojstrovka.gpx", 184, 184, 0, 0, 1 },
		{ "traces/cerknicko-jezero.gpx", 296, 296, 7, 1, 7 },
		{ "traces/korita-zbevnica.gpx", 871, 513, 2, 0, 3 },
	};
	struct geo_trace_stats st;
	enum geo_trace_format fmt;
	struct geo_fix *f;
	char path[512];
	size_t i, n;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (!tu_shared_path(path, sizeof(path), t[i].name)) {
			TU_SKIP_NO_SHARED(path);
			return;
		}
		ck_assert_int_eq(load(path, false, &f, &n, &st, &fmt), 0);
		ck_assert_int_eq(fmt, GEO_TRACE_GPX);
		ck_assert_uint_eq(n, t[i].fixes);
		ck_assert_uint_eq(st.timed, t[i].timed);
		ck_assert_uint_eq(st.waypoints, t[i].wpts);
		ck_assert_uint_eq(f[n - 1].seg + 1, t[i].segs);
		free(f);
		ck_assert_int_eq(load(path, true, &f, &n, &st, NULL), 0);
		ck_assert_uint_eq(n, t[i].fixes + t[i].wpts);
		ck_assert_uint_eq(st.timed, t[i].timed + t[i].timed_wpts);
		free(f);
	}
}
END_TEST

/* Exact values of chosen fixes of the real traces. */
START_TEST(test_real_values)
{
	struct geo_fix *f;
	char path[512];
	size_t i, n;

	if (!tu_shared_path(path, sizeof(path), "traces")) {
		TU_SKIP_NO_SHARED(path);
		return;
	}
	/* Every time is the same bogus 1901 date (INT32_MIN + 0.2073437;
	 * one is written with 3 decimals): speed cannot be derived. */
	tu_shared_path(path, sizeof(path), "traces/Mojstrovka.gpx");
	ck_assert_int_eq(load(path, false, &f, &n, NULL, NULL), 0);
	ck_assert_double_eq(f[0].pt.lat, 46.434981);
	ck_assert_double_eq(f[0].pt.lon, 13.748273);
	ck_assert_double_eq(f[0].pt.alt, 1614.678);
	ck_assert_double_eq_tol(f[0].time, -2147483648.0 + 0.2073437, 1e-6);
	ck_assert_double_eq_tol(f[1].time, -2147483648.0 + 0.207, 1e-6);
	for (i = 2; i < n; i++)
		ck_assert_double_eq(f[i].time, f[0].time);
	ck_assert_uint_eq(f[0].line, 12);
	free(f);

	/* The first track is empty; 358 points lack a time. */
	tu_shared_path(path, sizeof(path), "traces/korita-zbevnica.gpx");
	ck_assert_int_eq(load(path, false, &f, &n, NULL, NULL), 0);
	ck_assert_double_eq(f[0].pt.lat, 45.380600095);
	ck_assert_double_eq(f[0].pt.lon, 14.144491442);
	ck_assert_double_eq(f[0].pt.alt, 733.623291);
	ck_assert(!f[0].has_time);
	ck_assert_uint_eq(f[0].line, 33);
	ck_assert_uint_eq(f[0].seg, 0);
	ck_assert_double_eq(f[n - 1].pt.lat, 45.452453708);
	ck_assert_double_eq(f[n - 1].time, 1286111971.0); /* 13:19:31Z */
	free(f);

	/* Waypoints first in the file, included on request. */
	tu_shared_path(path, sizeof(path), "traces/cerknicko-jezero.gpx");
	ck_assert_int_eq(load(path, true, &f, &n, NULL, NULL), 0);
	ck_assert_double_eq(f[0].pt.lat, 45.772163216);
	ck_assert_double_eq(f[0].time, 1281018239.0); /* 2010-08-05 14:23:59 */
	ck_assert(!f[1].has_time);
	ck_assert_double_eq(f[1].pt.alt, -0.114380);
	ck_assert_uint_eq(f[6].seg, 0);
	ck_assert_double_eq(f[7].pt.lat, 45.772175035);
	ck_assert_double_eq(f[7].time, 1281018239.0);
	ck_assert_uint_eq(f[7].seg, 1);
	free(f);
}
END_TEST

/* Planar even-odd test against Building 10 (fine at this size). */
static bool in_building10(const struct geo_point *p)
{
	static const double b[4][2] = {
		{ 37.41188, -121.93243 }, { 37.41188, -121.93132 },
		{ 37.41142, -121.93132 }, { 37.41142, -121.93242 },
	};
	bool c = false;
	int i;

	for (i = 0; i < 4; i++) {
		const double *u = b[i], *v = b[(i + 1) % 4];
		if ((u[0] > p->lat) != (v[0] > p->lat) &&
		    p->lon < u[1] + (p->lat - u[0]) * (v[1] - u[1]) /
			     (v[0] - u[0]))
			c = !c;
	}
	return c;
}

/* Walk: 126 fixes 2 s apart; enters at 54, leaves at 89, back at 112. */
static void check_walk(const struct geo_fix *f, size_t n, double tol)
{
	size_t i, k = 0, changes[3] = { 0, 0, 0 };

	ck_assert_uint_eq(n, 126);
	ck_assert(!in_building10(&f[0].pt));
	for (i = 1; i < n; i++) {
		ck_assert_double_eq(f[i].time - f[i - 1].time, 2);
		ck_assert_double_eq_tol(f[i].speed, 1.4, tol);
		ck_assert_double_eq_tol(f[i].pt.lat, 37.41165, 1e-9);
		ck_assert_double_eq(f[i].pt.alt, 1.5);
		if (in_building10(&f[i].pt) != in_building10(&f[i - 1].pt)) {
			ck_assert_uint_lt(k, 3);
			changes[k++] = i;
		}
	}
	ck_assert_uint_eq(k, 3);
	ck_assert_uint_eq(changes[0], 54);
	ck_assert_uint_eq(changes[1], 89);
	ck_assert_uint_eq(changes[2], 112);
	ck_assert(in_building10(&f[n - 1].pt));
	ck_assert_double_eq(f[0].time, 1795255200.0); /* 10:00:00Z */
}

START_TEST(test_sample_walk)
{
	struct geo_fix *g, *m;
	enum geo_trace_format fmt;
	size_t i, ng, nm;

	ck_assert_int_eq(load("data/traces/walk-building10.gpx", false, &g,
			      &ng, NULL, &fmt), 0);
	ck_assert_int_eq(fmt, GEO_TRACE_GPX);
	check_walk(g, ng, 1e-9);
	ck_assert_double_eq_tol(g[0].pt.lon, -121.9341193, 1e-9);
	ck_assert_double_eq(g[0].course, 90);
	ck_assert_double_eq(g[125].course, 270);

	/* gpsbabel's NMEA: minutes with 3 decimals (<= 1 m off), speed
	 * rounded to 2.72 knots; same crossings, same times. */
	ck_assert_int_eq(load("data/traces/walk-building10.nmea", false, &m,
			      &nm, NULL, &fmt), 0);
	ck_assert_int_eq(fmt, GEO_TRACE_NMEA);
	check_walk(m, nm, 1e-3);
	for (i = 0; i < nm; i++) {
		ck_assert_double_eq(m[i].time, g[i].time);
		ck_assert_double_eq_tol(m[i].pt.lon, g[i].pt.lon, 1e-5);
		ck_assert_double_eq(m[i].course, g[i].course);
	}
	free(g);
	free(m);
}
END_TEST

START_TEST(test_sample_elevator)
{
	struct geo_fix *f;
	size_t i, n;

	ck_assert_int_eq(load("data/traces/elevator.gpx", false, &f, &n,
			      NULL, NULL), 0);
	ck_assert_uint_eq(n, 17);
	for (i = 0; i < n; i++) {
		double want = i <= 8 ? 3.0 * i : 3.0 * (16 - i);
		ck_assert(f[i].pt.has_alt);
		ck_assert_double_eq(f[i].pt.alt, want);
		ck_assert_double_eq(f[i].pt.lat, f[0].pt.lat);
		ck_assert_double_eq(f[i].pt.lon, f[0].pt.lon);
		ck_assert(in_building10(&f[i].pt));
		ck_assert_double_eq(f[i].time, 1795255800.0 + 4.0 * i);
	}
	free(f);
}
END_TEST

/* Car: 0 -> 25 -> 5 -> 20 m/s, 2050 m; the CSV is the same drive. */
START_TEST(test_sample_car)
{
	struct geo_fix *g, *c;
	enum geo_trace_format fmt;
	double dist = 0, vmax = 0;
	size_t i, ng, nc;

	ck_assert_int_eq(load("data/traces/car.gpx", false, &g, &ng, NULL,
			      NULL), 0);
	ck_assert_uint_eq(ng, 121);
	ck_assert_double_eq(g[0].speed, 0);
	ck_assert_double_eq(g[10].speed, 25);
	ck_assert_double_eq(g[50].speed, 5);
	ck_assert_double_eq(g[70].speed, 5);
	ck_assert_double_eq(g[80].speed, 20);
	ck_assert_double_eq(g[120].speed, 20);
	for (i = 0; i < ng; i++) {
		ck_assert(g[i].has_speed);
		if (g[i].speed > vmax)
			vmax = g[i].speed;
		if (i)
			dist += (g[i].speed + g[i - 1].speed) / 2 *
				(g[i].time - g[i - 1].time);
	}
	ck_assert_double_eq(vmax, 25);
	ck_assert_double_eq_tol(dist, 2050, 1e-6);

	ck_assert_int_eq(load("data/traces/car.csv", false, &c, &nc, NULL,
			      &fmt), 0);
	ck_assert_int_eq(fmt, GEO_TRACE_CSV);
	ck_assert_uint_eq(nc, ng);
	for (i = 0; i < nc; i++) {
		ck_assert_double_eq(c[i].time, g[i].time);
		ck_assert_double_eq(c[i].pt.lat, g[i].pt.lat);
		ck_assert_double_eq(c[i].pt.lon, g[i].pt.lon);
		ck_assert_double_eq(c[i].pt.alt, g[i].pt.alt);
		ck_assert_double_eq(c[i].speed, g[i].speed);
		ck_assert_uint_eq(c[i].line, i + 3);
	}
	free(g);
	free(c);
}
END_TEST

TCase *tcase_trace_files(void);
TCase *tcase_trace_files(void)
{
	TCase *tc = tcase_create("trace_files");

	tcase_add_test(tc, test_format_from_path);
	tcase_add_test(tc, test_open_file);
	tcase_add_test(tc, test_open_path_missing);
	tcase_add_test(tc, test_real_traces);
	tcase_add_test(tc, test_real_values);
	tcase_add_test(tc, test_sample_walk);
	tcase_add_test(tc, test_sample_elevator);
	tcase_add_test(tc, test_sample_car);
	return tc;
}
