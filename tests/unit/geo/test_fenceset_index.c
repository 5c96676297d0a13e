/*
 * test_fenceset_index.c: geo/fenceset.c's packed tree against GEOS
 * (issue 6). For thousands of fences (small stars, boxes, multi-part
 * regions, stars across the antimeridian, 1,000-vertex stars with a
 * grid) and points at random, on part bbox corners and edges, on
 * vertices and at +/-180: the packed tree's candidates are exactly the
 * GEOS STRtree's, and geo_fenceset_query reports, in insertion order,
 * exactly the fences one of whose parts GEOSPreparedCovers_r says
 * covers the point (PL-14 boundary inside, Q-13 antimeridian).
 */
#include <check.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "geo/geo_int.h"
#include "tests/unit/geo/geo_cover.h"

#define NFENCE 3000
#define NBIG 30
#define MAXC (NFENCE * 2 + 64)

static struct geo_ctx *ctx;

static void setup(void)
{
	ck_assert_int_eq(geo_ctx_alloc(&ctx, NULL), 0);
}

static void teardown(void)
{
	ck_assert_uint_eq(geo_ctx_interned(ctx), 0);
	geo_ctx_free(ctx);
	ctx = NULL;
}

/* Star of nv vertices, radius r degrees (lat, lon) into pts[nv + 1]. */
static void star_pts(struct geo_point *pts, size_t nv, double clat,
		     double clon, double r, uint64_t *s)
{
	size_t i;

	for (i = 0; i < nv; i++) {
		double a = 2 * M_PI * ((double)i + 0.8 * gt_rnd(s)) /
			   (double)nv;
		double rr = r * (0.55 + 0.45 * gt_rnd(s));
		pts[i].lat = clat + rr * cos(a);
		pts[i].lon = gt_lon_norm(clon + rr * sin(a));
		pts[i].alt = 0;
		pts[i].has_alt = false;
	}
	pts[nv] = pts[0];
}

/* Fence k: a region of one or two polygon shapes. */
static struct geo_region *fence_make(size_t k, uint64_t *s)
{
	struct geo_point pts[2][1001];
	struct geo_ring ring[2];
	struct geo_shape sh[2], *sp[2] = { &sh[0], &sh[1] };
	struct geo_region *r = NULL;
	struct geo_err e = { 0 };
	size_t n, i, nshape = k % 7 == 3 ? 2 : 1;

	memset(sh, 0, sizeof(sh));
	for (i = 0; i < nshape; i++) {
		double clat = 45 + gt_rnd(s), clon = 7 + gt_rnd(s), rad;
		size_t nv = 5 + (size_t)(gt_rnd(s) * 8);
		if (k % 10 == 5) {      /* across the antimeridian */
			clat = -17 + gt_rnd(s);
			clon = 179.7 + 0.6 * gt_rnd(s);
		}
		rad = 0.002 + 0.03 * gt_rnd(s);
		if (k < NBIG) {         /* big: a grid */
			nv = 1000;
			rad = 0.1 + 0.2 * gt_rnd(s);
		}
		if (k % 13 == 7 && k >= NBIG) {   /* a lat/lon box */
			double d = 0.01 + 0.02 * gt_rnd(s);
			struct geo_point b[5] = {
				{ clat, clon, 0, false },
				{ clat, gt_lon_norm(clon + d), 0, false },
				{ clat + d, gt_lon_norm(clon + d), 0, false },
				{ clat + d, clon, 0, false },
				{ clat, clon, 0, false },
			};
			memcpy(pts[i], b, sizeof(b));
			n = 5;
		} else {
			star_pts(pts[i], nv, clat, clon, rad, s);
			n = nv + 1;
		}
		ring[i].n = n;
		ring[i].pts = pts[i];
		sh[i].kind = GEO_SHAPE_POLYGON;
		sh[i].dim = 2;
		sh[i].nrings = 1;
		sh[i].rings = &ring[i];
	}
	ck_assert_msg(geo_region_alloc(ctx, sp, nshape, &r, &e) == 0,
		      "fence %zu: %s", k, e.msg);
	return r;
}

struct got {
	size_t idx[MAXC];
	size_t n;
};

static bool got_h(size_t index, void *userdata, void *arg)
{
	struct got *g = arg;

	ck_assert_ptr_eq(userdata, (void *)(uintptr_t)(index + 1));
	ck_assert_uint_lt(g->n, MAXC);
	g->idx[g->n++] = index;
	return true;
}

static bool geos_covers(const struct geo_part *p, double lon, double lat)
{
	double x = lon;

	if (x < p->minx)             /* as geo__part_test shifts */
		x += 360.0;
	else if (x > p->maxx)
		x -= 360.0;
	return gt_geos_says(ctx, p, x, lat);
}

struct fx {
	struct geo_fenceset *set;
	struct geo_region *regs[NFENCE];
	size_t *ca, *cb;
};

/* Check one point: candidates and answer; returns the fences hit. */
static size_t check_point(struct fx *f, double lon, double lat)
{
	struct geo_point pt = { lat, lon, 0, false };
	struct got g = { .n = 0 };
	size_t na = 0, nb = 0, i, want = 0, k;
	bool *in = calloc(NFENCE, sizeof(*in));

	ck_assert_ptr_nonnull(in);
	ck_assert_int_eq(geo__fenceset_cands(f->set, lon, lat, false, f->ca,
					     MAXC, &na), 0);
	ck_assert_int_eq(geo__fenceset_cands(f->set, lon, lat, true, f->cb,
					     MAXC, &nb), 0);
	ck_assert_uint_eq(na, nb);
	for (i = 0; i < na; i++)
		ck_assert_uint_eq(f->ca[i], f->cb[i]);
	/* GEOS on every part of every fence with a candidate */
	for (k = 0; k < NFENCE; k++) {
		size_t np = geo__region_nparts(f->regs[k]), j;
		bool cand = false;
		for (j = 0; j < np && !cand; j++) {
			const struct geo_part *p =
				geo__region_part(f->regs[k], j);
			double x = lon;
			if (x < p->minx)
				x += 360.0;
			else if (x > p->maxx)
				x -= 360.0;
			cand = x >= p->minx && x <= p->maxx &&
			       lat >= p->miny && lat <= p->maxy;
		}
		for (j = 0; j < np && cand && !in[k]; j++)
			in[k] = geos_covers(geo__region_part(f->regs[k], j),
					    lon, lat);
	}
	ck_assert_int_eq(geo_fenceset_query(f->set, &pt, got_h, &g), 0);
	for (k = 0; k < NFENCE; k++) {
		if (!in[k])
			continue;
		ck_assert_uint_lt(want, g.n);
		ck_assert_uint_eq(g.idx[want], k);
		want++;
	}
	ck_assert_uint_eq(g.n, want);
	free(in);
	return want;
}

START_TEST(test_index_vs_geos)
{
	struct fx *f = calloc(1, sizeof(*f));
	uint64_t s = 4242;
	size_t k, i, hits = 0, am = 0, edge = 0;

	ck_assert_ptr_nonnull(f);
	f->ca = malloc(MAXC * sizeof(*f->ca));
	f->cb = malloc(MAXC * sizeof(*f->cb));
	ck_assert(f->ca && f->cb);
	ck_assert_int_eq(geo_fenceset_alloc(ctx, &f->set), 0);
	for (k = 0; k < NFENCE; k++) {
		f->regs[k] = fence_make(k, &s);
		ck_assert_int_eq(geo_fenceset_add(f->set, f->regs[k],
			(void *)(uintptr_t)(k + 1)), 0);
	}
	ck_assert_int_eq(geo_fenceset_build(f->set), 0);
	ck_assert_ptr_nonnull(geo__region_part(f->regs[0], 0)->grid_off);
	for (i = 0; i < 3000; i++) {
		if (i % 3 == 0)
			am += check_point(f,
					  gt_lon_norm(179.6 + 0.8 * gt_rnd(&s)),
					  -17.1 + 1.2 * gt_rnd(&s));
		else
			hits += check_point(f, 6.95 + 1.1 * gt_rnd(&s),
					    44.95 + 1.1 * gt_rnd(&s));
	}
	ck_assert_uint_gt(hits, 1000);
	ck_assert_uint_gt(am, 100);
	/* bbox corners and edge midpoints, vertices, of fences' parts */
	for (k = 0; k < NFENCE; k += 7) {
		const struct geo_part *p = geo__region_part(f->regs[k], 0);
		double mx = (p->minx + p->maxx) / 2;
		double my = (p->miny + p->maxy) / 2;
		check_point(f, gt_lon_norm(p->minx), p->miny);
		check_point(f, gt_lon_norm(p->maxx), p->maxy);
		check_point(f, gt_lon_norm(mx), p->maxy);
		check_point(f, gt_lon_norm(p->maxx), my);
		edge += check_point(f, gt_lon_norm(p->xy[2]), p->xy[3]);
	}
	/* a vertex is on its own fence: covered (PL-14) */
	ck_assert_uint_ge(edge, (NFENCE + 6) / 7);
	/* exactly on the antimeridian, both spellings */
	for (i = 0; i < 200; i++) {
		double lat = -17.1 + 1.2 * gt_rnd(&s);
		ck_assert_uint_eq(check_point(f, 180.0, lat),
				  check_point(f, -180.0, lat));
	}
	geo_fenceset_free(f->set);
	for (k = 0; k < NFENCE; k++)
		geo_region_free(f->regs[k]);
	free(f->ca);
	free(f->cb);
	free(f);
}
END_TEST

/* Adding after a build drops the index; building twice is harmless. */
START_TEST(test_rebuild)
{
	struct geo_fenceset *set;
	struct geo_region *r[3];
	uint64_t s = 99;
	size_t c[8], n = 0, k;
	struct geo_point pt;

	ck_assert_int_eq(geo_fenceset_alloc(ctx, &set), 0);
	for (k = 0; k < 3; k++) {
		r[k] = fence_make(100 + k, &s);
		ck_assert_int_eq(geo_fenceset_add(set, r[k],
			(void *)(uintptr_t)(k + 1)), 0);
		ck_assert_int_eq(geo_fenceset_build(set), 0);
		ck_assert_int_eq(geo_fenceset_build(set), 0);
	}
	pt.lat = (geo__region_part(r[2], 0)->miny +
		  geo__region_part(r[2], 0)->maxy) / 2;
	pt.lon = (geo__region_part(r[2], 0)->minx +
		  geo__region_part(r[2], 0)->maxx) / 2;
	ck_assert_int_eq(geo__fenceset_cands(set, pt.lon, pt.lat, false, c,
					     8, &n), 0);
	ck_assert_uint_ge(n, 1);
	ck_assert_int_eq(geo__fenceset_cands(set, pt.lon, pt.lat, false, c,
					     0, &n), EOVERFLOW);
	ck_assert_int_eq(geo__fenceset_cands(NULL, 0, 0, false, c, 8, &n),
			 EINVAL);
	geo_fenceset_free(set);
	for (k = 0; k < 3; k++)
		geo_region_free(r[k]);
}
END_TEST

TCase *tcase_fenceset_index(void);
TCase *tcase_fenceset_index(void)
{
	TCase *tc = tcase_create("fenceset_index");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_index_vs_geos);
	tcase_add_test(tc, test_rebuild);
	return tc;
}
