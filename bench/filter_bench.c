/*
 * filter_bench.c: lf_eval throughput (LOCATION.md 2.7 hot path).
 *
 *   filter_bench [seconds-per-case [case]]   (default 2 s, both cases)
 *
 * Case 1: a movedHoriz-only draft filter (20 m), point fixes on a random
 * walk around the reference; every decision is checked afterwards
 * against geo_distance() (exact: no mismatch allowed). Case 2: ten
 * polygon fences (enterOrExit, 2-D, 6-vertex rings), point fixes spread
 * over the fenced area; case 3: the same fences with 30 m uncertainty
 * circles along a slow path (area overlap, LF-38). A NOTIFY is "sent" (lf_state_commit) whenever a
 * trigger fires, as the notifier would without rate limiting. One
 * thread; prints evaluations per second.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

int main(int argc, char **argv)
{
	double secs = argc > 1 ? strtod(argv[1], NULL) : 2.0;
	int only = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 0;
	struct geo_shape *pts = calloc(NPTS, sizeof(*pts));
	struct geo_ctx *geo = NULL;
	struct lf_filter *f = NULL;
	struct lf_state *st = NULL;
	uint64_t seed = 0x9e3779b97f4a7c15ULL, fired;
	double lat = 48.1, lon = 11.5, rate;
	char *body;
	int failed = 0;
	long bad;
	size_t i;

	if (!pts || geo_ctx_alloc(&geo, NULL))
		return 1;
	if (secs <= 0)
		secs = 2.0;

	/* Case 1: movedHoriz 20 m, random walk with 0..10 m steps. */
	for (i = 0; i < NPTS; i++) {
		lat += (rnd(&seed) - 0.5) * 1.8e-4;
		lon += (rnd(&seed) - 0.5) * 2.7e-4;
		pts[i] = mkpoint(lat, lon);
	}
	if (parse(geo, "<location-filter xmlns=\"urn:ietf:params:xml:ns:"
		  "location-filter\"><movedHoriz uom=\"#meters\">20"
		  "</movedHoriz></location-filter>", &f) ||
	    lf_state_alloc(f, &st))
		return 1;
	bad = check_moved(geo, f, pts, 20.0);
	rate = only && only != 1 ? 0 :
	       run(geo, st, pts, secs, &fired, &failed);
	printf("movedHoriz 20 m: %.0f evaluations/s (%.2f M/s), fired "
	       "%llu, decisions checked %d, mismatches %ld\n", rate,
	       rate / 1e6, (unsigned long long)fired, NPTS, bad);
	lf_state_free(st);
	lf_filter_free(f);
	st = NULL;
	f = NULL;

	/* Case 2: ten polygon fences, points over a 2 x 5 km box. */
	body = fences_body();
	if (!body || parse(geo, body, &f) || lf_state_alloc(f, &st))
		return 1;
	free(body);
	for (i = 0; i < NPTS; i++)
		pts[i] = mkpoint(48.096 + rnd(&seed) * 0.014,
				 11.495 + rnd(&seed) * 0.042);
	rate = only && only != 2 ? 0 :
	       run(geo, st, pts, secs, &fired, &failed);
	printf("10 polygon fences: %.0f evaluations/s, fired %llu\n", rate,
	       (unsigned long long)fired);

	/* Case 3: the same fences, 30 m uncertainty circles (the 50 % area
	 * rule of LF-37/LF-38 through GEOS), a random walk of 0-30 m. */
	for (i = 0; i < NPTS; i++) {
		lat = 48.096 + 0.007 + 0.006 * sin((double)i / 300.0);
		lon = 11.495 + 0.021 + 0.020 * cos((double)i / 700.0);
		pts[i] = mkpoint(lat + (rnd(&seed) - 0.5) * 2e-4,
				 lon + (rnd(&seed) - 0.5) * 3e-4);
		pts[i].kind = GEO_SHAPE_CIRCLE;
		pts[i].radius = 30;
	}
	rate = only && only != 3 ? 0 :
	       run(geo, st, pts, secs / 2, &fired, &failed);
	printf("10 polygon fences, 30 m circles: %.0f evaluations/s, fired "
	       "%llu\n", rate, (unsigned long long)fired);
	lf_state_free(st);
	lf_filter_free(f);
	geo_ctx_free(geo);
	free(pts);
	return failed || bad != 0;
}
