/*
 * test_grid.c: geo/grid.c, the cell grid of large parts (issue 6). The
 * answer is GEOSPreparedCovers_r's everywhere (PL-14: boundary inside;
 * Q-11), on adversarial inputs: a comb whose edges run along cell lines
 * and through cell centres (the grid's reference points), points on
 * every lattice point, cell centre and corner, vertex and edge; a star
 * with a hole, also across the antimeridian; parts whose cells are a
 * few dozen ulps wide.
 */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "geo/geo_int.h"
#include "tests/unit/geo/geo_cover.h"

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

/* 1 when geo__part_covers and GEOS differ at (x, y). */
static size_t differs(const struct geo_part *p, double x, double y)
{
	bool in = false;

	ck_assert_int_eq(geo__part_covers(ctx, p, x, y, &in), 0);
	return in != gt_geos_says(ctx, p, x, y);
}

/* Cells of a kind (0 out, 1 in, 2 crossed, 3 bands). */
static size_t kinds(const struct geo_part *p, unsigned kind)
{
	size_t c, n = 0;

	for (c = 0; c < p->gdim * p->gdim; c++)
		n += ((p->grid_bits[c / 4] >> (2 * (c % 4))) & 3) == kind;
	return n;
}

/*
 * Every cell centre, corner and edge midpoint, every vertex, points on
 * edges, random points over the bbox and a margin: differences.
 */
static size_t sweep(const struct geo_part *p, size_t nrand, uint64_t seed)
{
	double w = p->maxx - p->minx, h = p->maxy - p->miny;
	size_t i, j, k, n = 0;
	uint64_t s = seed;

	for (j = 0; j <= 2 * p->gdim; j++)
		for (i = 0; i <= 2 * p->gdim; i++)
			n += differs(p, p->minx + (double)i * 0.5 * p->gcw,
				     p->miny + (double)j * 0.5 * p->gch);
	for (k = 0; k < p->npts; k++) {
		n += differs(p, p->xy[2 * k], p->xy[2 * k + 1]);
		if (k + 1 < p->npts) {
			double t = gt_rnd(&s);
			const double *a = p->xy + 2 * k;
			n += differs(p, a[0] + t * (a[2] - a[0]),
				     a[1] + t * (a[3] - a[1]));
		}
	}
	for (k = 0; k < nrand; k++)
		n += differs(p, p->minx - 0.05 * w + 1.1 * w * gt_rnd(&s),
			     p->miny - 0.05 * h + 1.1 * h * gt_rnd(&s));
	return n;
}

/*
 * geo__grid_covers alone on random points of the bbox: whenever it
 * answers it says what GEOS says; returns how many it answered.
 */
static size_t grid_answers(const struct geo_part *p, size_t n, uint64_t seed)
{
	size_t k, answered = 0;
	uint64_t s = seed;

	for (k = 0; k < n; k++) {
		double x = p->minx + (p->maxx - p->minx) * gt_rnd(&s);
		double y = p->miny + (p->maxy - p->miny) * gt_rnd(&s);
		bool in = false;
		if (!geo__grid_covers(p, x, y, &in))
			continue;
		answered++;
		ck_assert(in == gt_geos_says(ctx, p, x, y));
	}
	return answered;
}

/*
 * A comb of 18 teeth on [0, 36] x [0, 36] (74 edges: an 18 x 18 grid of
 * 2 x 2 cells): teeth edges at odd x run through cell centres, the
 * others along cell lines; scale 1 keeps it on integers.
 */
static struct geo_part *comb(double ox, double oy, double scale)
{
	enum { T = 18 };
	double xy[2 * (4 * T + 3)];
	size_t cnt[1] = { 4 * T + 3 }, n = 0;
	struct geo_part *p = NULL;
	struct geo_err e = { 0 };
	int t;

#define PT(X, Y) (xy[n++] = ox + (X) * scale, xy[n++] = oy + (Y) * scale)
	PT(0, 0);
	PT(2 * T, 0);
	for (t = T - 1; t >= 0; t--) {
		PT(2 * t + 2, 2 * T);
		PT(2 * t + 1, 2 * T);
		PT(2 * t + 1, 1);
		PT(2 * t, 1);
	}
	PT(0, 0);
#undef PT
	ck_assert_uint_eq(n, 2 * cnt[0]);
	ck_assert_msg(geo__intern_get(ctx, xy, cnt, 1, false, 0, 0, &p, &e)
		      == 0, "%s", e.msg);
	return p;
}

START_TEST(test_comb)
{
	struct geo_part *p = comb(0, 0, 1);

	ck_assert_ptr_nonnull(p->grid_off);
	ck_assert_uint_eq(p->gdim, 18);
	ck_assert(p->gcw == 2.0 && p->gch == 2.0);
	/* a tooth runs through the centre of every cell: all cells are
	 * left to the bands (and GEOS) */
	ck_assert_uint_eq(kinds(p, 3), 18 * 18);
	ck_assert_uint_eq(sweep(p, 20000, 5), 0);
	geo__intern_put(ctx, p);
	/* the same in lon/lat, where nothing is exact: crossed cells */
	p = comb(7.123456789, 45.987654321, 0.0013);
	ck_assert_ptr_nonnull(p->grid_off);
	ck_assert_uint_gt(kinds(p, 2), 0);
	ck_assert_uint_eq(sweep(p, 20000, 6), 0);
	geo__intern_put(ctx, p);
}
END_TEST

/* A spiky star of nv vertices around (cx, cy), radius r, square hole. */
static struct geo_part *star(size_t nv, double cx, double cy, double r,
			     uint64_t seed)
{
	double *xy = malloc(2 * (nv + 1 + 5) * sizeof(*xy));
	size_t cnt[2] = { nv + 1, 5 }, i;
	struct geo_part *p = NULL;
	struct geo_err e = { 0 };
	uint64_t s = seed;
	double hr = 0.1 * r;
	double hole[10] = { cx - hr, cy - hr, cx - hr, cy + hr, cx + hr,
			    cy + hr, cx + hr, cy - hr, cx - hr, cy - hr };

	ck_assert_ptr_nonnull(xy);
	for (i = 0; i < nv; i++) {
		double a = 2 * M_PI * ((double)i + 0.8 * gt_rnd(&s)) /
			   (double)nv;
		double rr = r * (0.55 + 0.45 * gt_rnd(&s));
		xy[2 * i] = cx + rr * cos(a);
		xy[2 * i + 1] = cy + rr * sin(a);
	}
	xy[2 * nv] = xy[0];
	xy[2 * nv + 1] = xy[1];
	for (i = 0; i < 10; i++)
		xy[2 * (nv + 1) + i] = hole[i];
	ck_assert_msg(geo__intern_get(ctx, xy, cnt, 2, false, 0, 0, &p, &e)
		      == 0, "%s", e.msg);
	free(xy);
	return p;
}

START_TEST(test_star_hole)
{
	struct geo_part *p = star(300, 7.25, 45.25, 0.03, 11);

	ck_assert_ptr_nonnull(p->grid_off);
	ck_assert_uint_gt(kinds(p, 0), 0);
	ck_assert_uint_gt(kinds(p, 1), 0);
	ck_assert_uint_gt(kinds(p, 2), 0);
	ck_assert_uint_eq(sweep(p, 100000, 12), 0);
	/* the grid itself answers (nearly) every random point */
	ck_assert_uint_ge(grid_answers(p, 100000, 15), 99900);
	geo__intern_put(ctx, p);
	/* at the antimeridian, unwrapped past 180 */
	p = star(100, 179.99, -16.5, 0.02, 13);
	ck_assert_ptr_nonnull(p->grid_off);
	ck_assert(p->maxx > 180.0);
	ck_assert_uint_eq(sweep(p, 50000, 14), 0);
	geo__intern_put(ctx, p);
}
END_TEST

/* Parts a few thousand ulps across: cells of tens to hundreds. */
START_TEST(test_tiny_thin)
{
	struct geo_part *p = star(120, 179.5, 60.25, 4e-11, 21);

	ck_assert_uint_eq(sweep(p, 50000, 22), 0);
	geo__intern_put(ctx, p);
	p = comb(-73.9, 40.7, 1e-11);
	ck_assert_uint_eq(sweep(p, 50000, 23), 0);
	geo__intern_put(ctx, p);
}
END_TEST

/* Below the threshold: no grid; 64 edges is the last without one. */
START_TEST(test_threshold)
{
	struct geo_part *p = star(GEO_GRID_MIN_EDGES - 4, 7.2, 45.2, 0.01, 31);

	ck_assert_ptr_null(p->grid_off);
	ck_assert_uint_eq(p->gdim, 0);
	geo__intern_put(ctx, p);
	p = star(GEO_GRID_MIN_EDGES - 3, 7.2, 45.2, 0.01, 31);
	ck_assert_ptr_nonnull(p->grid_off);
	ck_assert_uint_eq(sweep(p, 10000, 32), 0);
	geo__intern_put(ctx, p);
}
END_TEST

TCase *tcase_grid(void);
TCase *tcase_grid(void)
{
	TCase *tc = tcase_create("grid");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_comb);
	tcase_add_test(tc, test_star_hole);
	tcase_add_test(tc, test_tiny_thin);
	tcase_add_test(tc, test_threshold);
	return tc;
}
