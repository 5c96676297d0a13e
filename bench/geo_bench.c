/*
 * geo_bench.c: throughput of the geometry engine on one core.
 *
 *   geo_bench [seconds-per-figure]      (default 1)
 *
 * Prints exact geodesic distances/s for short lines (geod_inverse
 * itself, and geo_distance with its chord fast path below 10 km), the
 * bounded test geo_distance_at_least/s (typical thresholds and thresholds
 * within 1 % of the distance), point-in-polygon tests/s for one simple
 * fence (Building 10), and positions/s through a fence set of 1,000 and
 * 100,000 fences (packed tree + exact test) and through one region of
 * 100,000 parts (a catalog feature: the region's packed tree, same
 * squares and points as the 100,000-fence set). Not a test: figures go
 * to docs/PERFORMANCE.md.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <geodesic.h>

#include "bench/bench_util.h"
#include "geo/geo.h"

#define NPTS 4096

static volatile double sink;
static volatile size_t sinkz;

/* NPTS random points over the fences' 1 x 1 degree (45 N, 7 E). */
static void rand_pts(struct geo_point *pts, uint64_t *s)
{
	size_t i;

	for (i = 0; i < NPTS; i++) {
		pts[i].lat = 45 + bench_rnd(s);
		pts[i].lon = 7 + bench_rnd(s);
		pts[i].has_alt = false;
	}
}

static struct geo_region *box(struct geo_ctx *ctx, double lat, double lon,
			      double dlat, double dlon)
{
	struct geo_point pts[5] = {
		{ lat, lon, 0, false }, { lat, lon + dlon, 0, false },
		{ lat + dlat, lon + dlon, 0, false },
		{ lat + dlat, lon, 0, false }, { lat, lon, 0, false },
	};
	struct geo_ring ring = { 5, pts };
	struct geo_shape s, *sp = &s;
	struct geo_region *r = NULL;
	struct geo_err e;

	memset(&s, 0, sizeof(s));
	s.kind = GEO_SHAPE_POLYGON;
	s.dim = 2;
	s.nrings = 1;
	s.rings = &ring;
	if (geo_region_alloc(ctx, &sp, 1, &r, &e) != 0) {
		fprintf(stderr, "region: %s\n", e.msg);
		exit(1);
	}
	return r;
}

static bool count_h(size_t index, void *userdata, void *arg)
{
	(void)userdata;
	(void)index;
	(*(size_t *)arg)++;
	return true;
}

static void bench_fenceset(struct geo_ctx *ctx, size_t nf, double secs)
{
	struct geo_fenceset *set;
	struct geo_point *pts = malloc(NPTS * sizeof(*pts));
	size_t side = 1, i, n = 0, hits = 0;
	uint64_t s = 99;
	double t0, build, cell;

	while (side * side < nf)
		side++;
	cell = 1.0 / (double)side;          /* fences over 1 x 1 degree */
	if (!pts || geo_fenceset_alloc(ctx, &set) != 0)
		exit(1);
	t0 = bench_cpu_now();
	for (i = 0; i < nf; i++) {
		struct geo_region *r = box(ctx, 45 + (double)(i / side) * cell,
					   7 + (double)(i % side) * cell,
					   cell * 0.8, cell * 0.8);
		if (geo_fenceset_add(set, r, NULL) != 0)
			exit(1);
		geo_region_free(r);
	}
	if (geo_fenceset_build(set) != 0)
		exit(1);
	build = bench_cpu_now() - t0;
	rand_pts(pts, &s);
	t0 = bench_cpu_now();
	do {
		for (i = 0; i < NPTS; i++)
			if (geo_fenceset_query(set, &pts[i], count_h, &hits))
				exit(1);
		n += NPTS;
	} while (bench_cpu_now() - t0 < secs);
	printf("fenceset %6zu fences:              %10.0f positions/s "
	       "(%zu hits; build %.2f s)\n", nf,
	       (double)n / (bench_cpu_now() - t0), hits, build);
	sinkz = hits;
	geo_fenceset_free(set);
	free(pts);
}

/* One region of nf square parts (as bench_fenceset's fences). */
static void bench_region(struct geo_ctx *ctx, size_t nf, double secs)
{
	struct geo_shape *sh = calloc(nf, sizeof(*sh));
	struct geo_shape **shp = calloc(nf, sizeof(*shp));
	struct geo_ring *rings = calloc(nf, sizeof(*rings));
	struct geo_point *pts = malloc(NPTS * sizeof(*pts));
	struct geo_point *v = calloc(nf * 5, sizeof(*v));
	struct geo_region *r = NULL;
	struct geo_err e;
	size_t side = 1, i, k, n = 0, hits = 0;
	uint64_t s = 99;
	double t0, build, cell;

	if (!sh || !shp || !rings || !pts || !v)
		exit(1);
	while (side * side < nf)
		side++;
	cell = 1.0 / (double)side;
	for (i = 0; i < nf; i++) {
		double lat = 45 + (double)(i / side) * cell;
		double lon = 7 + (double)(i % side) * cell, d = cell * 0.8;
		struct geo_point *q = v + 5 * i;

		q[0].lat = q[1].lat = q[4].lat = lat;
		q[2].lat = q[3].lat = lat + d;
		q[0].lon = q[3].lon = q[4].lon = lon;
		q[1].lon = q[2].lon = lon + d;
		rings[i].n = 5;
		rings[i].pts = q;
		sh[i].kind = GEO_SHAPE_POLYGON;
		sh[i].dim = 2;
		sh[i].nrings = 1;
		sh[i].rings = &rings[i];
		shp[i] = &sh[i];
	}
	t0 = bench_cpu_now();
	if (geo_region_alloc(ctx, shp, nf, &r, &e) != 0) {
		fprintf(stderr, "region: %s\n", e.msg);
		exit(1);
	}
	build = bench_cpu_now() - t0;
	rand_pts(pts, &s);
	t0 = bench_cpu_now();
	do {
		for (k = 0; k < NPTS; k++) {
			enum geo_position pos;
			if (geo_region_test_point(ctx, r, &pts[k], &pos))
				exit(1);
			hits += pos == GEO_POS_INSIDE;
		}
		n += NPTS;
	} while (bench_cpu_now() - t0 < secs);
	printf("region %6zu parts:                 %10.0f positions/s "
	       "(%zu hits; build %.2f s)\n", nf,
	       (double)n / (bench_cpu_now() - t0), hits, build);
	sinkz = hits;
	geo_region_free(r);
	free(v);
	free(pts);
	free(rings);
	free(shp);
	free(sh);
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? strtod(argv[1], NULL) : 1.0;
	struct geo_point *a = malloc(NPTS * sizeof(*a));
	struct geo_point *b = malloc(NPTS * sizeof(*b));
	double *d = malloc(NPTS * sizeof(*d));
	struct geo_ctx *ctx;
	struct geo_region *b10;
	uint64_t s = 42;
	size_t i, n;
	double t0, acc = 0;

	if (!a || !b || !d || secs <= 0 || geo_ctx_alloc(&ctx, NULL) != 0)
		return 1;
	for (i = 0; i < NPTS; i++) {       /* short lines: 0 - 1.5 km */
		a[i].lat = -60 + 120 * bench_rnd(&s);
		a[i].lon = -180 + 360 * bench_rnd(&s);
		b[i].lat = a[i].lat + (bench_rnd(&s) - 0.5) * 0.02;
		b[i].lon = a[i].lon + (bench_rnd(&s) - 0.5) * 0.02;
		if (b[i].lon > 180)
			b[i].lon -= 360;
		if (b[i].lon < -180)
			b[i].lon += 360;
		a[i].has_alt = b[i].has_alt = false;
	}
	for (i = 0; i < NPTS; i++)
		d[i] = geo_distance(ctx, &a[i], &b[i]);

	{
		struct geod_geodesic g;
		geod_init(&g, 6378137, 1 / 298.257223563);
		n = 0;
		t0 = bench_cpu_now();
		do {
			for (i = 0; i < NPTS; i++) {
				double s12;
				geod_inverse(&g, a[i].lat, a[i].lon, b[i].lat,
					     b[i].lon, &s12, NULL, NULL);
				acc += s12;
			}
			n += NPTS;
		} while (bench_cpu_now() - t0 < secs);
		printf("geod_inverse (Karney, short):       %10.0f /s\n",
		       (double)n / (bench_cpu_now() - t0));
	}
	n = 0;
	t0 = bench_cpu_now();
	do {
		for (i = 0; i < NPTS; i++)
			acc += geo_distance(ctx, &a[i], &b[i]);
		n += NPTS;
	} while (bench_cpu_now() - t0 < secs);
	printf("geo_distance (exact, short):        %10.0f /s\n",
	       (double)n / (bench_cpu_now() - t0));

	n = 0;
	t0 = bench_cpu_now();
	do {        /* typical: thresholds 50 m, the lines are 0 - 1.5 km */
		for (i = 0; i < NPTS; i++)
			acc += geo_distance_at_least(ctx, &a[i], &b[i], 50);
		n += NPTS;
	} while (bench_cpu_now() - t0 < secs);
	printf("geo_distance_at_least (50 m):       %10.0f /s\n",
	       (double)n / (bench_cpu_now() - t0));

	n = 0;
	t0 = bench_cpu_now();
	do {        /* worst case: threshold within 0.5 % of the distance */
		for (i = 0; i < NPTS; i++)
			acc += geo_distance_at_least(ctx, &a[i], &b[i],
						     d[i] * 1.005);
		n += NPTS;
	} while (bench_cpu_now() - t0 < secs);
	printf("geo_distance_at_least (near):       %10.0f /s\n",
	       (double)n / (bench_cpu_now() - t0));

	/* one simple fence: Building 10, points in and around its bbox
	 * (most pass the bbox test and run the crossing test) */
	b10 = box(ctx, 37.41142, -121.93243, 0.00046, 0.00111);
	for (i = 0; i < NPTS; i++) {
		a[i].lat = 37.41142 - 0.00005 + bench_rnd(&s) * 0.00056;
		a[i].lon = -121.93243 - 0.0001 + bench_rnd(&s) * 0.00131;
	}
	n = 0;
	t0 = bench_cpu_now();
	do {
		for (i = 0; i < NPTS; i++) {
			enum geo_position pos;
			if (geo_region_test_point(ctx, b10, &a[i], &pos))
				return 1;
			acc += pos;
		}
		n += NPTS;
	} while (bench_cpu_now() - t0 < secs);
	printf("point in polygon (1 fence):         %10.0f /s\n",
	       (double)n / (bench_cpu_now() - t0));
	geo_region_free(b10);

	/* one complex fence: a spiky star of 1,000 vertices, ~5 km */
	{
		struct geo_point *sp = malloc(1001 * sizeof(*sp));
		struct geo_ring ring = { 1001, sp };
		struct geo_shape sh, *shp = &sh;
		struct geo_region *star = NULL;
		struct geo_err e;

		if (!sp)
			return 1;
		for (i = 0; i < 1000; i++) {
			double an = 2 * M_PI * (double)i / 1000;
			double r = i % 2 ? 0.05 : 0.02 + 0.02 * bench_rnd(&s);
			sp[i].lat = 45.15 + r * sin(an);
			sp[i].lon = 7.15 + r * cos(an);
			sp[i].has_alt = false;
		}
		sp[1000] = sp[0];
		memset(&sh, 0, sizeof(sh));
		sh.kind = GEO_SHAPE_POLYGON;
		sh.nrings = 1;
		sh.rings = &ring;
		if (geo_region_alloc(ctx, &shp, 1, &star, &e) != 0)
			return 1;
		for (i = 0; i < NPTS; i++) {
			a[i].lat = 45.1 + bench_rnd(&s) * 0.1;
			a[i].lon = 7.1 + bench_rnd(&s) * 0.1;
		}
		n = 0;
		t0 = bench_cpu_now();
		do {
			for (i = 0; i < NPTS; i++) {
				enum geo_position pos;
				if (geo_region_test_point(ctx, star, &a[i],
							  &pos))
					return 1;
				acc += pos;
			}
			n += NPTS;
		} while (bench_cpu_now() - t0 < secs);
		printf("point in polygon (1,000 vertices):  %10.0f /s\n",
		       (double)n / (bench_cpu_now() - t0));
		geo_region_free(star);
		free(sp);
	}

	bench_fenceset(ctx, 1000, secs);
	bench_fenceset(ctx, 100000, secs);
	bench_region(ctx, 100000, secs);
	sink = acc;
	geo_ctx_free(ctx);
	free(a);
	free(b);
	free(d);
	return 0;
}
