/*
 * notify_fences: cost per position update as fences grow (issue 6,
 * "Scaling" in docs/PERFORMANCE.md; run by bench/notify_bench.sh).
 *
 *   notify_fences [quick|full]
 *
 * Curve 1, fences per filter: a draft filter with K enterOrExit polygon
 * features (K = 1 .. 32 = LF_FEATURES_MAX, hexagons of ~300 m on a grid),
 * lf_eval of point fixes spread over the fenced area: microseconds per
 * evaluation (what the notifier pays per subscription and update).
 * Curve 2, fences in the index: geo_fenceset (GEOS STRtree, then the
 * exact point test) with N = 1 .. 100,000 square fences over 1 x 1
 * degree: microseconds per position query. Each line also gives the
 * ratio of the cost to the cost at the smallest size, against the ratio
 * of sizes (linear growth would match it). Thread CPU time.
 * Exit 0, or 1 when a call fails.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "filters/lf.h"
#include "geo/geo.h"

#define NF_PTS 4096

static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return (double)(*s >> 11) / 9007199254740992.0;
}

/* A filter body with k hexagon features on a grid of 8 columns. */
static char *body_make(int k)
{
	size_t cap = 4096 + (size_t)k * 1024, n;
	char *b = malloc(cap);
	int i, v;

	if (!b)
		return NULL;
	n = (size_t)snprintf(b, cap, "<location-filter xmlns=\"urn:ietf:"
			     "params:xml:ns:location-filter\" xmlns:gml=\""
			     "http://www.opengis.net/gml\" xmlns:my=\"urn:"
			     "example:my\">");
	for (i = 0; i < k; i++) {
		double clat = 48.10 + 0.006 * (i / 8);
		double clon = 11.50 + 0.008 * (i % 8);

		n += (size_t)snprintf(b + n, cap - n, "<enterOrExit><my:F"
				      " gml:id=\"f%d\"><gml:extentOf>"
				      "<gml:Polygon srsName=\"urn:ogc:def:"
				      "crs:EPSG::4326\"><gml:exterior>"
				      "<gml:LinearRing><gml:posList>", i);
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

/* Microseconds per lf_eval with k features; < 0 on error. */
static double filter_cost(struct geo_ctx *geo, int k, double secs)
{
	struct geo_shape *pts = calloc(NF_PTS, sizeof(*pts));
	char *body = body_make(k);
	struct lf_filter *f = NULL;
	struct lf_state *st = NULL;
	struct lf_err err = {0};
	struct lf_update u;
	struct lf_result r;
	uint64_t s = 7, n = 0;
	int rows = (k + 7) / 8, cols = k < 8 ? k : 8;
	double t0, t1 = 0, us = -1;
	size_t i;

	if (!pts || !body ||
	    lf_filter_parse(geo, LF_CTYPE_DRAFT, body, strlen(body), NULL,
			    &f, &err) || lf_state_alloc(f, &st)) {
		fprintf(stderr, "notify_fences: %d features: %s\n", k,
			err.msg);
		goto out;
	}
	for (i = 0; i < NF_PTS; i++) {
		pts[i].kind = GEO_SHAPE_POINT;
		pts[i].dim = 2;
		pts[i].center.lat = 48.0973 + rnd(&s) * 0.006 * rows;
		pts[i].center.lon = 11.496 + rnd(&s) * 0.008 * cols;
	}
	memset(&u, 0, sizeof(u));
	u.confidence = 0.95;
	t0 = cpu_now();
	do {
		for (i = 0; i < NF_PTS; i++) {
			u.est = &pts[i];
			u.time = (double)(n + i);
			if (lf_eval(geo, st, &u, &r))
				goto out;
			if (r.fired)
				lf_state_commit(st);
		}
		n += NF_PTS;
		t1 = cpu_now();
	} while (t1 - t0 < secs);
	us = (t1 - t0) * 1e6 / (double)n;
out:
	lf_state_free(st);
	lf_filter_free(f);
	free(body);
	free(pts);
	return us;
}

static struct geo_region *box(struct geo_ctx *ctx, double lat, double lon,
			      double d)
{
	struct geo_point p[5] = {
		{lat, lon, 0, false}, {lat, lon + d, 0, false},
		{lat + d, lon + d, 0, false}, {lat + d, lon, 0, false},
		{lat, lon, 0, false},
	};
	struct geo_ring ring = {5, p};
	struct geo_shape s, *sp = &s;
	struct geo_region *r = NULL;
	struct geo_err e;

	memset(&s, 0, sizeof(s));
	s.kind = GEO_SHAPE_POLYGON;
	s.dim = 2;
	s.nrings = 1;
	s.rings = &ring;
	if (geo_region_alloc(ctx, &sp, 1, &r, &e))
		return NULL;
	return r;
}

static bool count_h(size_t index, void *userdata, void *arg)
{
	(void)index;
	(void)userdata;
	(*(size_t *)arg)++;
	return true;
}

/* Microseconds per geo_fenceset_query with nf fences; < 0 on error. */
static double index_cost(struct geo_ctx *ctx, size_t nf, double secs)
{
	struct geo_point *pts = malloc(NF_PTS * sizeof(*pts));
	struct geo_fenceset *set = NULL;
	size_t side = 1, i, hits = 0;
	uint64_t s = 99, n = 0;
	double t0, t1 = 0, cell, us = -1;

	while (side * side < nf)
		side++;
	cell = 1.0 / (double)side;
	if (!pts || geo_fenceset_alloc(ctx, &set))
		goto out;
	for (i = 0; i < nf; i++) {
		struct geo_region *r = box(ctx, 45 + (double)(i / side) * cell,
					   7 + (double)(i % side) * cell,
					   cell * 0.8);
		int e = r ? geo_fenceset_add(set, r, NULL) : 1;
		geo_region_free(r);
		if (e)
			goto out;
	}
	if (geo_fenceset_build(set))
		goto out;
	for (i = 0; i < NF_PTS; i++) {
		pts[i].lat = 45 + rnd(&s);
		pts[i].lon = 7 + rnd(&s);
		pts[i].alt = 0;
		pts[i].has_alt = false;
	}
	t0 = cpu_now();
	do {
		for (i = 0; i < NF_PTS; i++)
			if (geo_fenceset_query(set, &pts[i], count_h, &hits))
				goto out;
		n += NF_PTS;
		t1 = cpu_now();
	} while (t1 - t0 < secs);
	us = (t1 - t0) * 1e6 / (double)n;
out:
	geo_fenceset_free(set);
	free(pts);
	return us;
}

int main(int argc, char **argv)
{
	static const int ks[] = {1, 2, 4, 8, 16, 32};
	static const size_t ns[] = {1, 10, 100, 1000, 10000, 100000};
	bool quick = argc > 1 && strcmp(argv[1], "quick") == 0;
	double secs = quick ? 0.2 : 1.0, base = 0;
	struct geo_ctx *geo = NULL;
	size_t i;

	if (argc > 2 || (argc == 2 && !quick && strcmp(argv[1], "full"))) {
		fprintf(stderr, "usage: notify_fences [quick|full]\n");
		return 2;
	}
	if (geo_ctx_alloc(&geo, NULL))
		return 1;
	for (i = 0; i < sizeof(ks) / sizeof(ks[0]); i++) {
		double us = filter_cost(geo, ks[i], secs);
		if (us < 0)
			return 1;
		if (!base)
			base = us;
		printf("fences_per_filter=%d us_per_eval=%.3f cost_ratio=%.2f "
		       "size_ratio=%d\n", ks[i], us, us / base, ks[i]);
	}
	base = 0;
	for (i = 0; i < sizeof(ns) / sizeof(ns[0]); i++) {
		double us = index_cost(geo, ns[i], secs);
		if (us < 0)
			return 1;
		if (!base)
			base = us;
		printf("fences_in_index=%zu us_per_query=%.3f cost_ratio=%.2f "
		       "size_ratio=%zu\n", ns[i], us, us / base, ns[i]);
	}
	geo_ctx_free(geo);
	return 0;
}
