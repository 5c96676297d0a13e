/*
 * test_region_index.c: geo/region.c with a packed tree over the parts
 * of a region (issue 6: a catalog feature of many polygons). One region
 * of a few hundred parts (stars, polygons with a hole, circles, 3-D
 * prisms, stars across the antimeridian, overlapping ones) answers
 * random points (with and without altitude, on vertices, on bbox
 * corners, at +/-180) and random estimates (circles, ellipses, spheres
 * with altitude, large and tiny) exactly as the linear scan of every
 * part does (ctx->region_scan): same position, bit-identical
 * P(inside). Regions below ctx->region_index_min parts have no tree.
 */
#include <check.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "geo/geo_int.h"
#include "tests/unit/geo/geo_cover.h"

#define NPARTS 600

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

/* A closed star ring of nv vertices, radius r degrees, into ring. */
static void star_ring(struct geo_ring *ring, size_t nv, double clat,
		      double clon, double r, uint64_t *s)
{
	size_t i;

	ring->n = nv + 1;
	ring->pts = calloc(nv + 1, sizeof(*ring->pts));
	ck_assert_ptr_nonnull(ring->pts);
	for (i = 0; i < nv; i++) {
		double a = 2 * M_PI * ((double)i + 0.8 * gt_rnd(s)) /
			   (double)nv;
		double rr = r * (0.55 + 0.45 * gt_rnd(s));
		ring->pts[i].lat = clat + rr * cos(a);
		ring->pts[i].lon = gt_lon_norm(clon + rr * sin(a));
	}
	ring->pts[nv] = ring->pts[0];
}

/* A square ring (counter-clockwise) of half side h degrees. */
static void square_ring(struct geo_ring *ring, double clat, double clon,
			double h)
{
	static const double d[5][2] = {
		{ -1, -1 }, { -1, 1 }, { 1, 1 }, { 1, -1 }, { -1, -1 },
	};
	size_t i;

	ring->n = 5;
	ring->pts = calloc(5, sizeof(*ring->pts));
	ck_assert_ptr_nonnull(ring->pts);
	for (i = 0; i < 5; i++) {
		ring->pts[i].lat = clat + h * d[i][0];
		ring->pts[i].lon = clon + h * d[i][1];
	}
}

/* Part k: a mix of kinds over 45..45.5 N, 7..7.5 E, and at 180. */
static struct geo_shape *part_make(size_t k, uint64_t *s)
{
	struct geo_shape *sh = calloc(1, sizeof(*sh));
	double clat = 45 + 0.5 * gt_rnd(s), clon = 7 + 0.5 * gt_rnd(s);

	ck_assert_ptr_nonnull(sh);
	sh->dim = 2;
	if (k % 10 == 9) {               /* across the antimeridian */
		clat = -17 + gt_rnd(s);
		clon = gt_lon_norm(179.8 + 0.4 * gt_rnd(s));
	}
	switch (k % 5) {
	case 0:
	case 4:
		sh->kind = GEO_SHAPE_POLYGON;
		sh->nrings = 1;
		sh->rings = calloc(1, sizeof(*sh->rings));
		ck_assert_ptr_nonnull(sh->rings);
		star_ring(&sh->rings[0], 5 + k % 40, clat, clon,
			  0.002 + 0.02 * gt_rnd(s), s);
		break;
	case 1:                          /* a square with a hole */
		sh->kind = GEO_SHAPE_POLYGON;
		sh->nrings = 2;
		sh->rings = calloc(2, sizeof(*sh->rings));
		ck_assert_ptr_nonnull(sh->rings);
		square_ring(&sh->rings[0], clat, clon, 0.01);
		square_ring(&sh->rings[1], clat, clon, 0.004);
		break;
	case 2:
		sh->kind = GEO_SHAPE_CIRCLE;
		sh->center.lat = clat;
		sh->center.lon = clon;
		sh->radius = 50 + 1500 * gt_rnd(s);
		break;
	default:                         /* a building: 3-D prism */
		sh->kind = GEO_SHAPE_PRISM;
		sh->dim = 3;
		sh->nrings = 1;
		sh->rings = calloc(1, sizeof(*sh->rings));
		ck_assert_ptr_nonnull(sh->rings);
		star_ring(&sh->rings[0], 6, clat, clon, 0.004, s);
		sh->floor = 10 * gt_rnd(s);
		sh->height = 5 + 30 * gt_rnd(s);
		break;
	}
	return sh;
}

struct fx {
	struct geo_shape *sh[NPARTS];
	struct geo_region *reg;
	size_t inside, undef;
};

static void fx_make(struct fx *f, uint64_t *s)
{
	struct geo_err e = { 0 };
	size_t k;

	for (k = 0; k < NPARTS; k++)
		f->sh[k] = part_make(k, s);
	ck_assert_msg(geo_region_alloc(ctx, f->sh, NPARTS, &f->reg, &e) == 0,
		      "%s", e.msg);
	ck_assert(geo__region_indexed(f->reg));
}

static void fx_free(struct fx *f)
{
	size_t k;

	geo_region_free(f->reg);
	for (k = 0; k < NPARTS; k++)
		geo_shape_free(f->sh[k]);
}

/* The point through the tree and through the scan: same answer. */
static void check_point(struct fx *f, double lat, double lon, bool alt,
			double h)
{
	struct geo_point p = { lat, gt_lon_norm(lon), h, alt };
	enum geo_position a = GEO_POS_UNDEFINED, b = GEO_POS_INSIDE;

	ctx->region_scan = false;
	ck_assert_int_eq(geo_region_test_point(ctx, f->reg, &p, &a), 0);
	ctx->region_scan = true;
	ck_assert_int_eq(geo_region_test_point(ctx, f->reg, &p, &b), 0);
	ctx->region_scan = false;
	ck_assert_msg(a == b, "%.9f %.9f: tree %s, scan %s", lat, lon,
		      geo_position_name(a), geo_position_name(b));
	f->inside += a == GEO_POS_INSIDE;
	f->undef += a == GEO_POS_UNDEFINED;
}

START_TEST(test_points_vs_scan)
{
	struct fx *f = calloc(1, sizeof(*f));
	uint64_t s = 606;
	size_t i, k;

	ck_assert_ptr_nonnull(f);
	fx_make(f, &s);
	for (i = 0; i < 20000; i++) {
		bool alt = i % 3 != 0;
		double h = 40 * gt_rnd(&s);
		if (i % 10 == 0)
			check_point(f, -17.05 + 1.1 * gt_rnd(&s),
				    179.75 + 0.5 * gt_rnd(&s), alt, h);
		else
			check_point(f, 44.98 + 0.54 * gt_rnd(&s),
				    6.98 + 0.54 * gt_rnd(&s), alt, h);
	}
	ck_assert_uint_gt(f->inside, 2000);
	ck_assert_uint_gt(f->undef, 20);
	/* vertices (boundary: inside, PL-14) and bbox corners */
	for (k = 0; k < NPARTS; k++) {
		const struct geo_part *p = geo__region_part(f->reg, k);
		size_t before = f->inside;
		check_point(f, p->xy[1], p->xy[0], true, p->zmin);
		ck_assert_uint_eq(f->inside, before + 1);
		check_point(f, p->miny, p->minx, false, 0);
		check_point(f, p->maxy, p->maxx, true, p->zmax);
		check_point(f, p->maxy, p->minx, true, p->zmax + 1);
	}
	/* exactly on the antimeridian, both spellings */
	for (i = 0; i < 300; i++) {
		double lat = -17.05 + 1.1 * gt_rnd(&s);
		check_point(f, lat, 180.0, false, 0);
		check_point(f, lat, -180.0, false, 0);
	}
	fx_free(f);
	free(f);
}
END_TEST

/* An estimate through the tree and through the scan: bit-identical. */
static void check_est(struct fx *f, const struct geo_shape *est)
{
	enum geo_position a = GEO_POS_UNDEFINED, b = GEO_POS_INSIDE;
	double pa = -1, pb = -2;

	ctx->region_scan = false;
	ck_assert_int_eq(geo_region_test(ctx, f->reg, est, 0.95, &a, &pa),
			 0);
	ctx->region_scan = true;
	ck_assert_int_eq(geo_region_test(ctx, f->reg, est, 0.95, &b, &pb),
			 0);
	ctx->region_scan = false;
	ck_assert_int_eq(a, b);
	ck_assert_msg(memcmp(&pa, &pb, sizeof(pa)) == 0, "%.17g vs %.17g",
		      pa, pb);
	f->inside += a == GEO_POS_INSIDE;
	f->undef += a == GEO_POS_UNDEFINED;
}

START_TEST(test_estimates_vs_scan)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct geo_shape est;
	uint64_t s = 707;
	size_t i, partial = 0;

	ck_assert_ptr_nonnull(f);
	fx_make(f, &s);
	for (i = 0; i < 400; i++) {
		double r = gt_rnd(&s) < 0.8 ? 5 + 300 * gt_rnd(&s) :
			   500 + 20000 * gt_rnd(&s);
		double pin;
		enum geo_position pos;

		memset(&est, 0, sizeof(est));
		est.dim = 2;
		if (i % 8 == 7) {
			est.center.lat = -17.05 + 1.1 * gt_rnd(&s);
			est.center.lon = gt_lon_norm(179.75 + 0.5 * gt_rnd(&s));
		} else {
			est.center.lat = 44.98 + 0.54 * gt_rnd(&s);
			est.center.lon = 6.98 + 0.54 * gt_rnd(&s);
		}
		switch (i % 4) {
		case 0:
		case 1:
			est.kind = GEO_SHAPE_CIRCLE;
			est.radius = r;
			break;
		case 2:
			est.kind = GEO_SHAPE_ELLIPSE;
			est.semi_major = r;
			est.semi_minor = r * (0.2 + 0.8 * gt_rnd(&s));
			est.orientation = 180 * gt_rnd(&s);
			break;
		default:
			est.kind = GEO_SHAPE_SPHERE;
			est.dim = 3;
			est.radius = r;
			est.center.has_alt = true;
			est.center.alt = 50 * gt_rnd(&s);
			break;
		}
		check_est(f, &est);
		ck_assert_int_eq(geo_region_test(ctx, f->reg, &est, 0.95,
						 &pos, &pin), 0);
		partial += pin > 0 && pin < 0.95;
	}
	/* a huge estimate (every part near) and one over the pole cap */
	memset(&est, 0, sizeof(est));
	est.kind = GEO_SHAPE_CIRCLE;
	est.dim = 2;
	est.center.lat = 30;
	est.center.lon = 100;
	est.radius = 9e6;
	check_est(f, &est);
	est.center.lat = 88.5;
	est.radius = 1000;
	check_est(f, &est);
	ck_assert_uint_gt(f->inside, 20);
	ck_assert_uint_gt(partial, 20);
	fx_free(f);
	free(f);
}
END_TEST

/* The tree from ctx->region_index_min parts on, with the same answers. */
START_TEST(test_index_threshold)
{
	struct geo_shape *sh[GEO_REGION_INDEX_MIN];
	struct geo_region *r = NULL;
	struct geo_err e = { 0 };
	uint64_t s = 5;
	size_t k;

	for (k = 0; k < GEO_REGION_INDEX_MIN; k++)
		sh[k] = part_make(k * 5, &s);       /* stars */
	ck_assert_uint_eq(ctx->region_index_min, GEO_REGION_INDEX_MIN);
	ck_assert_int_eq(geo_region_alloc(ctx, sh, GEO_REGION_INDEX_MIN - 1,
					  &r, &e), 0);
	ck_assert(!geo__region_indexed(r));
	geo_region_free(r);
	ck_assert_int_eq(geo_region_alloc(ctx, sh, GEO_REGION_INDEX_MIN, &r,
					  &e), 0);
	ck_assert(geo__region_indexed(r));
	geo_region_free(r);
	/* a tree over two parts, and over one */
	ctx->region_index_min = 1;
	ck_assert_int_eq(geo_region_alloc(ctx, sh, 2, &r, &e), 0);
	ck_assert(geo__region_indexed(r));
	{
		const struct geo_part *p = geo__region_part(r, 1);
		struct geo_point pt = { p->xy[1], p->xy[0], 0, false };
		enum geo_position pos;
		ck_assert_int_eq(geo_region_test_point(ctx, r, &pt, &pos), 0);
		ck_assert_int_eq(pos, GEO_POS_INSIDE);
		pt.lat = 10;
		ck_assert_int_eq(geo_region_test_point(ctx, r, &pt, &pos), 0);
		ck_assert_int_eq(pos, GEO_POS_OUTSIDE);
	}
	geo_region_free(r);
	ck_assert_int_eq(geo_region_alloc(ctx, sh, 1, &r, &e), 0);
	ck_assert(geo__region_indexed(r));
	{
		const struct geo_part *p = geo__region_part(r, 0);
		struct geo_point pt = { p->xy[1], p->xy[0], 0, false };
		enum geo_position pos;
		ck_assert_int_eq(geo_region_test_point(ctx, r, &pt, &pos), 0);
		ck_assert_int_eq(pos, GEO_POS_INSIDE);
	}
	geo_region_free(r);
	ctx->region_index_min = GEO_REGION_INDEX_MIN;
	for (k = 0; k < GEO_REGION_INDEX_MIN; k++)
		geo_shape_free(sh[k]);
}
END_TEST

TCase *tcase_region_index(void);
TCase *tcase_region_index(void)
{
	TCase *tc = tcase_create("region_index");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_points_vs_scan);
	tcase_add_test(tc, test_estimates_vs_scan);
	tcase_add_test(tc, test_index_threshold);
	return tc;
}
