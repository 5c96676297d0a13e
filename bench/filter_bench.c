/*
 * filter_bench.c: lf_eval throughput (LOCATION.md 2.7 hot path) and the
 * heap a parsed filter holds (issue 6).
 *
 *   filter_bench [seconds-per-case [case]]   (default 2 s, every case)
 *   filter_bench mem [count [file...]]       (default 1000)
 *
 * Case 1: a movedHoriz-only draft filter (20 m), point fixes on a random
 * walk around the reference; every decision is checked afterwards
 * against geo_distance() (exact: no mismatch allowed). Case 2: ten
 * polygon fences (enterOrExit, 2-D, 6-vertex rings), point fixes spread
 * over the fenced area; case 3: the same fences with 30 m uncertainty
 * circles along a slow path (area overlap, LF-38). A NOTIFY is "sent"
 * (lf_state_commit) whenever a trigger fires, as the notifier would
 * without rate limiting. One thread; prints evaluations per second. A
 * case number (1-3) runs and prints that case only.
 *
 * mem: heap bytes held (glibc mallinfo2, in-use bytes including malloc's
 * per-chunk overhead) per parsed filter (default options, and with
 * lf_opts.echo_only) and per lf_state, averaged over count filters held
 * at once: movedHoriz with a distinct threshold per
 * filter (distinct bodies, as subscriptions that each pick their own),
 * the ten fences of case 2, then each file given (parsed by its root
 * element). Identical fences are interned in the geo context, so their
 * prepared geometry is counted once, not per filter.
 */
#include <errno.h>
#include <malloc.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench/bench_util.h"
#include "filters/lf.h"
#include "geo/geo.h"

#define NPTS 4096

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* xorshift64*, deterministic. */
static double rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return (double)((*s * 2685821657736338717ULL) >> 11) * 0x1.0p-53;
}

static struct geo_shape mkpoint(double lat, double lon)
{
	struct geo_shape s;

	memset(&s, 0, sizeof(s));
	s.kind = GEO_SHAPE_POINT;
	s.dim = 2;
	s.center.lat = lat;
	s.center.lon = lon;
	return s;
}

static int parse(struct geo_ctx *geo, const char *body, struct lf_filter **f)
{
	struct lf_err err = {0};
	int e = lf_filter_parse(geo, LF_CTYPE_DRAFT, body, strlen(body), NULL,
				f, &err);

	if (e)
		fprintf(stderr, "filter_bench: %s\n", err.msg);
	return e;
}

/* Run evaluations over pts for about `secs`; returns evaluations/s. */
static double run(struct geo_ctx *geo, struct lf_state *st,
		  const struct geo_shape *pts, double secs, uint64_t *fired,
		  int *failed)
{
	struct lf_result r;
	struct lf_update u;
	uint64_t n = 0;
	double t0 = now(), t1;
	size_t i;

	memset(&u, 0, sizeof(u));
	u.confidence = 0.95;
	*fired = 0;
	do {
		for (i = 0; i < NPTS; i++) {
			u.est = &pts[i];
			u.time = (double)(n + i);
			if (lf_eval(geo, st, &u, &r) != 0) {
				*failed = 1;
				return 0;
			}
			if (r.fired) {
				(*fired)++;
				lf_state_commit(st);
			}
		}
		n += NPTS;
		t1 = now();
	} while (t1 - t0 < secs);
	return (double)n / (t1 - t0);
}

/* Case 1 correctness: replay once, compare with geo_distance. */
static long check_moved(struct geo_ctx *geo, const struct lf_filter *f,
			const struct geo_shape *pts, double thr)
{
	struct lf_state *st = NULL;
	struct geo_point ref;
	struct lf_result r;
	struct lf_update u;
	long bad = 0;
	size_t i;

	if (lf_state_alloc(f, &st))
		return -1;
	memset(&u, 0, sizeof(u));
	u.est = &pts[0];
	if (lf_eval(geo, st, &u, &r))
		bad++;
	lf_state_commit(st);
	ref = pts[0].center;
	for (i = 1; i < NPTS; i++) {
		bool want;

		u.est = &pts[i];
		if (lf_eval(geo, st, &u, &r)) {
			bad++;
			continue;
		}
		want = geo_distance(geo, &ref, &pts[i].center) >= thr;
		if (want != (r.fired == LF_FIRED_MOVED_H))
			bad++;
		if (r.fired) {
			lf_state_commit(st);
			ref = pts[i].center;
		}
	}
	lf_state_free(st);
	return bad;
}

static char *fences_body(void)
{
	size_t cap = 16384, n;
	char *b = malloc(cap);
	int k, v;

	if (!b)
		return NULL;
	n = (size_t)snprintf(b, cap, "<location-filter xmlns=\"urn:ietf:"
			     "params:xml:ns:location-filter\" xmlns:gml=\""
			     "http://www.opengis.net/gml\" xmlns:my=\"urn:"
			     "example:my\">");
	for (k = 0; k < 10; k++) {
		/* hexagons of ~300 m radius on a 2 x 5 grid */
		double clat = 48.10 + 0.006 * (k / 5);
		double clon = 11.50 + 0.008 * (k % 5);

		n += (size_t)snprintf(b + n, cap - n, "<enterOrExit><my:F"
				      " gml:id=\"f%d\"><gml:extentOf>"
				      "<gml:Polygon srsName=\"urn:ogc:def:"
				      "crs:EPSG::4326\"><gml:exterior>"
				      "<gml:LinearRing><gml:posList>", k);
		for (v = 0; v <= 6; v++) {
			double a = 2 * M_PI * (v % 6) / 6.0;

			n += (size_t)snprintf(b + n, cap - n, "%.7f %.7f ",
					      clat + 0.0027 * sin(a),
					      clon + 0.0040 * cos(a));
		}
		n += (size_t)snprintf(b + n, cap - n, "</gml:posList>"
				      "</gml:LinearRing></gml:exterior>"
				      "</gml:Polygon></gml:extentOf></my:F>"
				      "</enterOrExit>");
	}
	snprintf(b + n, cap - n, "</location-filter>");
	return b;
}

/* --- mem: heap held per parsed filter and per state. */

/* body_of(i, buf, cap, arg): the i-th body, NUL-terminated (in buf, of
 * cap bytes, or elsewhere). */
typedef const char *(body_h)(long i, char *buf, size_t cap, void *arg);

static const char *moved_body(long i, char *buf, size_t cap, void *arg)
{
	(void)arg;
	snprintf(buf, cap, "<location-filter xmlns=\"urn:ietf:params:xml:"
		 "ns:location-filter\"><movedHoriz uom=\"#meters\">%ld"
		 "</movedHoriz></location-filter>", 20 + i);
	return buf;
}

static const char *same_body(long i, char *buf, size_t cap, void *arg)
{
	(void)i;
	(void)buf;
	(void)cap;
	return arg;
}

/* Parse n filters of body_h's bodies with opts, held at once; the heap
 * each filter (*fb) and each lf_state (*sb) holds; *len the last body's
 * length. 0 or an errno value. */
static int mem_run(struct geo_ctx *geo, const struct lf_opts *opts,
		   const char *name, long n, body_h *body_of, void *arg,
		   double *fb, double *sb, size_t *lenp)
{
	struct lf_filter **fs = calloc((size_t)n, sizeof(*fs));
	struct lf_state **sts = calloc((size_t)n, sizeof(*sts));
	char *buf = malloc(LF_BODY_MAX + 1);
	struct lf_filter *w = NULL;
	struct lf_err err = {0};
	const char *b;
	size_t h0, h1, h2, len = 0;
	long i;
	int e = ENOMEM;

	if (!fs || !sts || !buf)
		goto out;
	/* warm-up: lazily initialised library state is not the filter's */
	b = body_of(0, buf, LF_BODY_MAX + 1, arg);
	e = lf_filter_parse(geo, NULL, b, strlen(b), opts, &w, &err);
	lf_filter_free(w);
	h0 = bench_heap_used();
	for (i = 0; i < n && !e; i++) {
		b = body_of(i, buf, LF_BODY_MAX + 1, arg);
		len = strlen(b);
		e = lf_filter_parse(geo, NULL, b, len, opts, &fs[i], &err);
	}
	h1 = bench_heap_used();
	for (i = 0; i < n && !e; i++)
		e = lf_state_alloc(fs[i], &sts[i]);
	h2 = bench_heap_used();
	if (e)
		fprintf(stderr, "filter_bench: %s: %s\n", name,
			err.msg[0] ? err.msg : strerror(e));
	*fb = ((double)h1 - (double)h0) / (double)n;
	*sb = ((double)h2 - (double)h1) / (double)n;
	*lenp = len;
out:
	for (i = 0; sts && i < n; i++)
		lf_state_free(sts[i]);
	for (i = 0; fs && i < n; i++)
		lf_filter_free(fs[i]);
	free(sts);
	free(fs);
	free(buf);
	return e;
}

/* One line: heap per filter with default options and with echo_only
 * (features keep no geometry), and per lf_state. */
static int mem_case(struct geo_ctx *geo, const char *name, long n,
		    body_h *body_of, void *arg)
{
	static const struct lf_opts echo = {.echo_only = true};
	double fb, fe, sb, se;
	size_t len;
	int e;

	e = mem_run(geo, NULL, name, n, body_of, arg, &fb, &sb, &len);
	if (!e)
		e = mem_run(geo, &echo, name, n, body_of, arg, &fe, &se,
			    &len);
	if (!e)
		printf("mem %-36s body %5zu B: filter %6.0f B (echo_only "
		       "%6.0f B), lf_state %4.0f B heap each\n", name, len,
		       fb, fe, sb);
	return e;
}

/* A file's bytes, NUL-terminated, at most LF_BODY_MAX; NULL on error. */
static char *slurp(const char *path)
{
	FILE *fp = fopen(path, "rb");
	char *b = malloc(LF_BODY_MAX + 1);
	size_t n = 0;

	if (fp && b)
		n = fread(b, 1, LF_BODY_MAX, fp);
	if (!fp || !b || ferror(fp)) {
		fprintf(stderr, "filter_bench: cannot read %s\n", path);
		free(b);
		b = NULL;
	} else {
		b[n] = '\0';
	}
	if (fp)
		fclose(fp);
	return b;
}

static int mem_main(struct geo_ctx *geo, int argc, char **argv)
{
	long n = argc > 2 ? strtol(argv[2], NULL, 10) : 1000;
	char *fences = fences_body();
	int i, e;

	if (n <= 0 || n > 1000000) {
		fprintf(stderr, "filter_bench: count 1..1000000\n");
		free(fences);
		return 2;
	}
	e = mem_case(geo, "movedHoriz (distinct thresholds)", n, moved_body,
		     NULL);
	if (!e && fences)
		e = mem_case(geo, "10 polygon fences (case 2)", n, same_body,
			     fences);
	free(fences);
	for (i = 3; i < argc && !e; i++) {
		char *b = slurp(argv[i]);

		e = b ? mem_case(geo, argv[i], n, same_body, b) : EIO;
		free(b);
	}
	return e ? 1 : 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: filter_bench [seconds-per-case [case]]"
		"   (case 1-3; 0: all)\n"
		"       filter_bench mem [count [file...]]\n");
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? strtod(argv[1], NULL) : 2.0;
	char *end = NULL;
	long only = argc > 2 ? strtol(argv[2], &end, 10) : 0;
	struct geo_shape *pts;
	struct geo_ctx *geo = NULL;
	struct lf_filter *f = NULL;
	struct lf_state *st = NULL;
	uint64_t seed = 0x9e3779b97f4a7c15ULL, fired = 0;
	double lat = 48.1, lon = 11.5, rate;
	char *body;
	int failed = 0, rc;
	long bad = 0;
	size_t i;

	if (argc > 1 && strcmp(argv[1], "mem") == 0) {
		if (geo_ctx_alloc(&geo, NULL))
			return 1;
		rc = mem_main(geo, argc, argv);
		geo_ctx_free(geo);
		return rc;
	}
	if (argc > 2 && (!*argv[2] || *end || only < 0 || only > 3))
		only = -1;
	if (argc > 3 || only < 0) {
		usage();
		return 2;
	}
	pts = calloc(NPTS, sizeof(*pts));
	if (!pts || geo_ctx_alloc(&geo, NULL))
		return 1;
	if (secs <= 0)
		secs = 2.0;

	/* Case 1: movedHoriz 20 m, random walk with 0..10 m steps; made
	 * even when case 1 is skipped, so each case gets the same fixes
	 * whichever cases run (one seed sequence). */
	for (i = 0; i < NPTS; i++) {
		lat += (rnd(&seed) - 0.5) * 1.8e-4;
		lon += (rnd(&seed) - 0.5) * 2.7e-4;
		pts[i] = mkpoint(lat, lon);
	}
	if (!only || only == 1) {
		if (parse(geo, "<location-filter xmlns=\"urn:ietf:params:"
			  "xml:ns:location-filter\"><movedHoriz uom=\""
			  "#meters\">20</movedHoriz></location-filter>", &f) ||
		    lf_state_alloc(f, &st))
			return 1;
		bad = check_moved(geo, f, pts, 20.0);
		rate = run(geo, st, pts, secs, &fired, &failed);
		printf("movedHoriz 20 m: %.0f evaluations/s (%.2f M/s), "
		       "fired %llu, decisions checked %d, mismatches %ld\n",
		       rate, rate / 1e6, (unsigned long long)fired, NPTS,
		       bad);
		lf_state_free(st);
		lf_filter_free(f);
		st = NULL;
		f = NULL;
	}
	if (only == 1)
		goto done;

	/* Case 2: ten polygon fences, points over a 2 x 5 km box. */
	body = fences_body();
	if (!body || parse(geo, body, &f) || lf_state_alloc(f, &st))
		return 1;
	free(body);
	for (i = 0; i < NPTS; i++)
		pts[i] = mkpoint(48.096 + rnd(&seed) * 0.014,
				 11.495 + rnd(&seed) * 0.042);
	if (!only || only == 2) {
		rate = run(geo, st, pts, secs, &fired, &failed);
		printf("10 polygon fences: %.0f evaluations/s, fired %llu\n",
		       rate, (unsigned long long)fired);
	}

	/* Case 3: the same fences, 30 m uncertainty circles (the 50 % area
	 * rule of LF-37/LF-38 through GEOS), a random walk of 0-30 m. */
	if (!only || only == 3) {
		for (i = 0; i < NPTS; i++) {
			lat = 48.096 + 0.007 + 0.006 * sin((double)i / 300.0);
			lon = 11.495 + 0.021 + 0.020 * cos((double)i / 700.0);
			pts[i] = mkpoint(lat + (rnd(&seed) - 0.5) * 2e-4,
					 lon + (rnd(&seed) - 0.5) * 3e-4);
			pts[i].kind = GEO_SHAPE_CIRCLE;
			pts[i].radius = 30;
		}
		rate = run(geo, st, pts, secs / 2, &fired, &failed);
		printf("10 polygon fences, 30 m circles: %.0f evaluations/s, "
		       "fired %llu\n", rate, (unsigned long long)fired);
	}
	lf_state_free(st);
	lf_filter_free(f);
done:
	geo_ctx_free(geo);
	free(pts);
	return failed || bad != 0;
}
