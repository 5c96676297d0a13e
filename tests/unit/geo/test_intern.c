/*
 * test_intern.c: geo/intern.c. The point fast path agrees with
 * GEOSPreparedCovers_r everywhere, boundary points included (PL-14:
 * boundary inside), and interning is keyed on normalised coordinates.
 */
#include <check.h>
#include <errno.h>
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

/*
 * A star of nv vertices (spiky when nv is large) with a square hole;
 * random points, every vertex, points on edges and on the hole's axis
 * lines: geo__part_covers says what GEOSPreparedCovers_r says.
 * Returns the number of points compared.
 */
static size_t star_vs_geos(size_t nv, size_t npts, bool banded)
{
	double *xy = malloc(2 * (nv + 1 + 5) * sizeof(*xy));
	size_t cnt[2] = { nv + 1, 5 }, i, k, n = 0, nedge = nv + 4;
	static const double hole[] = { 7.1, 45.1, 7.1, 45.2, 7.2, 45.2,
				       7.2, 45.1, 7.1, 45.1 };
	struct geo_part *p;
	struct geo_err e = { 0 };
	uint64_t s = 77;

	ck_assert_ptr_nonnull(xy);
	for (i = 0; i < nv; i++) {
		double a = 2 * M_PI * (double)i / (double)nv;
		double r = i % 2 ? 0.5 : 0.3 + 0.15 * gt_rnd(&s);
		xy[2 * i] = 7.15 + r * cos(a);
		xy[2 * i + 1] = 45.15 + r * sin(a);
	}
	xy[2 * nv] = xy[0];
	xy[2 * nv + 1] = xy[1];
	for (i = 0; i < 10; i++)
		xy[2 * (nv + 1) + i] = hole[i];
	ck_assert_msg(geo__intern_get(ctx, xy, cnt, 2, false, 0, 0, &p, &e)
		      == 0, "%s", e.msg);
	ck_assert(banded == (p->band_off != NULL));
	for (i = 0; i < npts; i++) {
		double x, y;
		bool in = false;
		if (i % 4 == 0) {        /* exactly on a vertex */
			k = (i / 4) % (nv + 5);
			x = p->xy[2 * k];
			y = p->xy[2 * k + 1];
		} else if (i % 4 == 1) { /* on an edge (rounded) */
			double t = gt_rnd(&s);
			k = (i / 4) % nedge;
			if (k >= nv)     /* hole edges start after nv + 1 */
				k++;
			x = p->xy[2 * k] + t * (p->xy[2 * k + 2] -
						p->xy[2 * k]);
			y = p->xy[2 * k + 1] + t * (p->xy[2 * k + 3] -
						    p->xy[2 * k + 1]);
		} else if (i % 4 == 2) { /* on the hole's axis lines */
			x = 7.1 + (double)(i % 3) * 0.05;
			y = 45.05 + gt_rnd(&s) * 0.2;
		} else {
			x = 6.6 + gt_rnd(&s) * 1.1;
			y = 44.6 + gt_rnd(&s) * 1.1;
		}
		ck_assert_int_eq(geo__part_covers(ctx, p, x, y, &in), 0);
		if (in != gt_geos_says(ctx, p, x, y))
			n++;
	}
	ck_assert_uint_eq(n, 0);
	geo__intern_put(ctx, p);
	free(xy);
	return i;
}

START_TEST(test_covers_agrees)
{
	/* plain loop; band index; spiky, 1,000 vertices */
	ck_assert_uint_eq(star_vs_geos(20, 100000, false), 100000);
	ck_assert_uint_eq(star_vs_geos(40, 100000, true), 100000);
	ck_assert_uint_eq(star_vs_geos(1000, 100000, true), 100000);
}
END_TEST

/* Same ring in another orientation and start point: one entry. */
START_TEST(test_normalised_key)
{
	double a[] = { 0, 0, 1, 0, 1, 1, 0, 1, 0, 0 };
	double b[] = { 1, 1, 1, 0, 0, 0, 0, 1, 1, 1 };
	double c[] = { 1, 1, 1, 0, 0, 0, 0, 1.5, 1, 1 };
	size_t cnt[1] = { 5 };
	struct geo_part *pa, *pb, *pc, *pz;
	struct geo_err e = { 0 };

	ck_assert_int_eq(geo__intern_get(ctx, a, cnt, 1, false, 0, 0, &pa,
					 &e), 0);
	ck_assert_int_eq(geo__intern_get(ctx, b, cnt, 1, false, 0, 0, &pb,
					 &e), 0);
	ck_assert_ptr_eq(pa, pb);
	ck_assert_uint_eq(pa->refs, 2);
	ck_assert_int_eq(geo__intern_get(ctx, c, cnt, 1, false, 0, 0, &pc,
					 &e), 0);
	ck_assert_ptr_ne(pa, pc);
	ck_assert_int_eq(geo__intern_get(ctx, a, cnt, 1, true, 0, 10, &pz,
					 &e), 0);
	ck_assert_ptr_ne(pa, pz);
	ck_assert_uint_eq(geo_ctx_interned(ctx), 3);
	geo__intern_put(ctx, pa);
	geo__intern_put(ctx, pb);
	geo__intern_put(ctx, pc);
	geo__intern_put(ctx, pz);
}
END_TEST

/* Many entries: the table grows and stays consistent. */
START_TEST(test_many)
{
	struct geo_part *p[300];
	struct geo_err e = { 0 };
	size_t cnt[1] = { 5 }, i;

	for (i = 0; i < 300; i++) {
		double o = (double)i;
		double xy[] = { o, 0, o + 0.5, 0, o + 0.5, 0.5, o, 0.5, o, 0 };
		ck_assert_int_eq(geo__intern_get(ctx, xy, cnt, 1, false, 0, 0,
						 &p[i], &e), 0);
	}
	ck_assert_uint_eq(geo_ctx_interned(ctx), 300);
	for (i = 0; i < 300; i++)
		geo__intern_put(ctx, p[i]);
}
END_TEST

TCase *tcase_intern(void);
TCase *tcase_intern(void)
{
	TCase *tc = tcase_create("intern");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_covers_agrees);
	tcase_add_test(tc, test_normalised_key);
	tcase_add_test(tc, test_many);
	return tc;
}
