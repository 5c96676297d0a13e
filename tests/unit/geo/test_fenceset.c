/*
 * test_fenceset.c: geo/fenceset.c. Many fences in one index: the
 * answer equals a linear scan of geo_region_test_point (grid of 400
 * fences, random points), each fence reported once, in insertion order,
 * early stop, antimeridian fences (Q-13, T17), 3-D fences (LF-39).
 */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geo/geo.h"
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

/* Axis-aligned box in lat/lon as a region; optional prism. */
static struct geo_region *box(double lat0, double lon0, double lat1,
			      double lon1, bool prism, double floor,
			      double height)
{
	struct geo_point pts[5] = {
		{ lat0, lon0, 0, false }, { lat0, lon1, 0, false },
		{ lat1, lon1, 0, false }, { lat1, lon0, 0, false },
		{ lat0, lon0, 0, false },
	};
	struct geo_ring ring = { 5, pts };
	struct geo_shape s;
	struct geo_shape *sp = &s;
	struct geo_region *r = NULL;
	struct geo_err e = { 0 };

	memset(&s, 0, sizeof(s));
	s.kind = prism ? GEO_SHAPE_PRISM : GEO_SHAPE_POLYGON;
	s.dim = prism ? 3 : 2;
	s.nrings = 1;
	s.rings = &ring;
	s.floor = floor;
	s.height = height;
	ck_assert_msg(geo_region_alloc(ctx, &sp, 1, &r, &e) == 0, "%s",
		      e.msg);
	return r;
}

struct hits {
	size_t idx[64];
	size_t n;
	size_t stop_after;
};

static bool hit_h(size_t index, void *userdata, void *arg)
{
	struct hits *h = arg;

	ck_assert_ptr_eq(userdata, (void *)(uintptr_t)(index + 1000));
	ck_assert_uint_lt(h->n, 64);
	h->idx[h->n++] = index;
	return h->stop_after == 0 || h->n < h->stop_after;
}

/* The index gives the same fences as testing each region. */
START_TEST(test_grid_matches_scan)
{
	struct geo_fenceset *set;
	struct geo_region *regs[400];
	uint64_t s = 12345;
	size_t i, j, k;

	ck_assert_int_eq(geo_fenceset_alloc(ctx, &set), 0);
	/* 20 x 20 overlapping boxes of 0.15 deg on a 0.1 deg grid */
	for (i = 0; i < 20; i++)
		for (j = 0; j < 20; j++) {
			k = i * 20 + j;
			regs[k] = box(45 + i * 0.1, 7 + j * 0.1,
				      45.15 + i * 0.1, 7.15 + j * 0.1, false,
				      0, 0);
			ck_assert_int_eq(geo_fenceset_add(set, regs[k],
				(void *)(uintptr_t)(k + 1000)), 0);
		}
	ck_assert_uint_eq(geo_fenceset_count(set), 400);
	ck_assert_int_eq(geo_fenceset_build(set), 0);
	for (i = 0; i < 3000; i++) {
		struct geo_point p = { 44.9 + gt_rnd(&s) * 2.3,
				       6.9 + gt_rnd(&s) * 2.3, 0, false };
		struct hits h = { .n = 0 };
		size_t want = 0;

		if (i % 10 == 0) {      /* exactly on grid lines */
			p.lat = 45 + (double)(i % 23) * 0.1;
			p.lon = 7.15 + (double)(i % 17) * 0.1;
		}
		ck_assert_int_eq(geo_fenceset_query(set, &p, hit_h, &h), 0);
		for (k = 0; k < 400; k++) {
			enum geo_position pos;
			ck_assert_int_eq(geo_region_test_point(ctx, regs[k],
							       &p, &pos), 0);
			if (pos != GEO_POS_INSIDE)
				continue;
			ck_assert_uint_lt(want, h.n);
			ck_assert_uint_eq(h.idx[want], k);
			want++;
		}
		ck_assert_uint_eq(h.n, want);
	}
	/* early stop */
	{
		struct geo_point p = { 45.12, 7.12, 0, false };
		struct hits h = { .n = 0, .stop_after = 1 };
		ck_assert_int_eq(geo_fenceset_query(set, &p, hit_h, &h), 0);
		ck_assert_uint_eq(h.n, 1);
		ck_assert_uint_eq(h.idx[0], 0);
	}
	for (k = 0; k < 400; k++)
		geo_region_free(regs[k]);
	geo_fenceset_free(set);
}
END_TEST

/* T17 through the index; 3-D fences; a multi-part region once. */
START_TEST(test_antimeridian_3d)
{
	struct geo_fenceset *set;
	struct geo_region *am = box(10, 179.9, 11, -179.9, false, 0, 0);
	struct geo_region *b3 = box(10, 20, 11, 21, true, 0, 25);
	struct geo_region *west = box(10, -179.95, 10.6, -179.5, false, 0,
				      0);
	struct geo_point p = { 10.5, -179.95, 0, false };
	struct hits h = { .n = 0 };

	ck_assert_int_eq(geo_fenceset_alloc(ctx, &set), 0);
	ck_assert_int_eq(geo_fenceset_add(set, am, (void *)1000), 0);
	ck_assert_int_eq(geo_fenceset_add(set, b3, (void *)1001), 0);
	ck_assert_int_eq(geo_fenceset_add(set, west, (void *)1002), 0);
	geo_region_free(am);             /* the set holds references */
	geo_region_free(b3);
	geo_region_free(west);
	/* no explicit build: the first query builds */
	ck_assert_int_eq(geo_fenceset_query(set, &p, hit_h, &h), 0);
	ck_assert_uint_eq(h.n, 2);
	ck_assert_uint_eq(h.idx[0], 0);
	ck_assert_uint_eq(h.idx[1], 2);
	h.n = 0;
	p.lon = 179.95;
	ck_assert_int_eq(geo_fenceset_query(set, &p, hit_h, &h), 0);
	ck_assert_uint_eq(h.n, 1);
	ck_assert_uint_eq(h.idx[0], 0);
	/* 3-D: without altitude undefined, so not reported */
	h.n = 0;
	p.lon = 20.5;
	ck_assert_int_eq(geo_fenceset_query(set, &p, hit_h, &h), 0);
	ck_assert_uint_eq(h.n, 0);
	p.has_alt = true;
	p.alt = 10;
	ck_assert_int_eq(geo_fenceset_query(set, &p, hit_h, &h), 0);
	ck_assert_uint_eq(h.n, 1);
	ck_assert_uint_eq(h.idx[0], 1);
	h.n = 0;
	p.alt = 30;
	ck_assert_int_eq(geo_fenceset_query(set, &p, hit_h, &h), 0);
	ck_assert_uint_eq(h.n, 0);
	/* adding after a build: rebuilt on the next query */
	b3 = box(10.4, 20.4, 10.6, 20.6, false, 0, 0);
	ck_assert_int_eq(geo_fenceset_add(set, b3, (void *)1003), 0);
	geo_region_free(b3);
	ck_assert_int_eq(geo_fenceset_query(set, &p, hit_h, &h), 0);
	ck_assert_uint_eq(h.n, 1);
	ck_assert_uint_eq(h.idx[0], 3);
	p.lat = 91;
	ck_assert_int_eq(geo_fenceset_query(set, &p, hit_h, &h), EINVAL);
	geo_fenceset_free(set);
}
END_TEST

START_TEST(test_empty)
{
	struct geo_fenceset *set;
	struct geo_point p = { 1, 2, 0, false };
	struct hits h = { .n = 0 };

	ck_assert_int_eq(geo_fenceset_alloc(ctx, &set), 0);
	ck_assert_int_eq(geo_fenceset_build(set), 0);
	ck_assert_int_eq(geo_fenceset_query(set, &p, hit_h, &h), 0);
	ck_assert_uint_eq(h.n, 0);
	ck_assert_int_eq(geo_fenceset_add(set, NULL, NULL), EINVAL);
	ck_assert_uint_eq(geo_fenceset_count(set), 0);
	geo_fenceset_free(set);
	geo_fenceset_free(NULL);
}
END_TEST

TCase *tcase_fenceset(void);
TCase *tcase_fenceset(void)
{
	TCase *tc = tcase_create("fenceset");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_grid_matches_scan);
	tcase_add_test(tc, test_antimeridian_3d);
	tcase_add_test(tc, test_empty);
	return tc;
}
