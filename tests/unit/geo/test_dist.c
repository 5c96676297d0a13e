/*
 * test_dist.c: geo/dist.c. Geodesic distances against GeographicLib's
 * GeodSolve (values obtained with `echo "lat1 lon1 lat2 lon2" |
 * GeodSolve -i -p 9`, 1 mm tolerance), the bounded test against the exact
 * one on random pairs (zero wrong decisions), vertical distance and speed
 * (LOCATION.md LF-31, Q-12, Q-18).
 */
#include <check.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>

#include <geodesic.h>

#include "geo/geo.h"
#include "tests/unit/geo/geo_cover.h"

struct pair {
	double lat1, lon1, lat2, lon2, s12;
	const char *what;
};

static const struct pair pairs[] = {
	{ 37.41188, -121.93243, 37.41195, -121.93236, 9.937824701,
	  "short, ~10 m" },
	{ 37.41188, -121.93243, 37.42088, -121.93243, 998.869161362,
	  "~1 km meridian" },
	{ 48.8566, 2.3522, 40.7128, -74.0060, 5852935.291766766,
	  "Paris - New York" },
	{ 0, 0, 45, 90, 10010386.361038329, "~10,000 km" },
	{ 40, -75, -10, 20, 11143595.976968048, "long" },
	{ 0, 0, 0.5, 179.7, 19944127.420750458, "near-antipodal" },
	{ 0, 0, 0, 180, 20003931.458625447, "antipodal, equator" },
	{ -41.3, 174.8, 40.4, -3.7, 19853450.970030345, "near-antipodal 2" },
	{ 89.9, 0, 89.9, 180, 22338.795682520, "across the north pole" },
	{ -89.5, 45, -89.2, -135, 145202.100396055, "across the south pole" },
	{ 90, 0, -90, 0, 20003931.458625447, "pole to pole" },
	{ 10, 179.99, 10, -179.99, 2192.787281025, "antimeridian" },
	{ -30, 179.5, -31, -179.5, 146647.199419353, "antimeridian 2" },
	{ 51.5, -0.12, -33.87, 151.21, 16989375.111319549, "London - Sydney" },
};

static struct geo_ctx *ctx;

static void setup(void)
{
	ck_assert_int_eq(geo_ctx_alloc(&ctx, NULL), 0);
}

static void teardown(void)
{
	geo_ctx_free(ctx);
	ctx = NULL;
}

static struct geo_point pt(double lat, double lon)
{
	struct geo_point p = { lat, lon, 0, false };
	return p;
}

/* LF-31: WGS 84 geodesic within 1 mm of GeodSolve. */
START_TEST(test_geodsolve)
{
	size_t i;

	for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		struct geo_point a = pt(pairs[i].lat1, pairs[i].lon1);
		struct geo_point b = pt(pairs[i].lat2, pairs[i].lon2);
		double d = geo_distance(ctx, &a, &b);
		ck_assert_msg(fabs(d - pairs[i].s12) < 1e-3,
			      "%s: %.9f vs %.9f", pairs[i].what, d,
			      pairs[i].s12);
		d = geo_distance(ctx, &b, &a);
		ck_assert_msg(fabs(d - pairs[i].s12) < 1e-3, "%s reversed",
			      pairs[i].what);
	}
}
END_TEST

/* Deterministic generator: the test is reproducible. */
/* The short-line path (chord + curvature) agrees with geod_inverse. */
START_TEST(test_short_fast_path)
{
	struct geod_geodesic g;
	uint64_t s = 0x1234567;
	double worst = 0;
	size_t i;

	geod_init(&g, 6378137, 1 / 298.257223563);
	for (i = 0; i < 300000; i++) {
		struct geo_point a, b;
		double d, ref, span = i % 3 == 0 ? 0.2 : i % 3 == 1 ? 0.01
				      : 1e-5;
		a = pt(gt_rnd(&s) * 180 - 90, gt_rnd(&s) * 360 - 180);
		if (i % 7 == 0)
			a.lat = (a.lat < 0 ? -1 : 1) *
				(90 - gt_rnd(&s) * 0.05);
		if (i % 11 == 0)
			a.lon = 180 - gt_rnd(&s) * 1e-3;
		b = pt(a.lat + (gt_rnd(&s) - 0.5) * span,
		       a.lon + (gt_rnd(&s) - 0.5) * span);
		if (b.lat > 90)
			b.lat = 180 - b.lat, b.lon += 180;
		if (b.lat < -90)
			b.lat = -180 - b.lat, b.lon += 180;
		while (b.lon > 180)
			b.lon -= 360;
		while (b.lon < -180)
			b.lon += 360;
		geod_inverse(&g, a.lat, a.lon, b.lat, b.lon, &ref, NULL, NULL);
		d = geo_distance(ctx, &a, &b);
		if (fabs(d - ref) > worst)
			worst = fabs(d - ref);
	}
	ck_assert_msg(worst < 1e-4, "worst %.3g m", worst);
}
END_TEST

/* LF-31, Q-12: the bound never decides wrongly (thresholds inclusive). */
START_TEST(test_at_least_random)
{
	uint64_t s = 0x9e3779b97f4a7c15ULL;
	size_t i, wrong = 0, exact_eq = 0;

	for (i = 0; i < 200000; i++) {
		struct geo_point a, b;
		double d, t, scale;
		int mode = (int)(i % 4);

		a = pt(gt_rnd(&s) * 180 - 90, gt_rnd(&s) * 360 - 180);
		if (mode == 0) {        /* anywhere */
			b = pt(gt_rnd(&s) * 180 - 90, gt_rnd(&s) * 360 - 180);
		} else if (mode == 1) { /* near-antipodal */
			b = pt(-a.lat + gt_rnd(&s) - 0.5,
			       a.lon + 180 + gt_rnd(&s) - 0.5);
			if (b.lon > 180)
				b.lon -= 360;
			if (b.lat > 90)
				b.lat = 90;
			if (b.lat < -90)
				b.lat = -90;
		} else {                /* short, incl. near the poles */
			scale = mode == 2 ? 1e-2 : 1e-4;
			if (i % 8 == 3)
				a.lat = 89.999 * (a.lat < 0 ? -1 : 1);
			b = pt(a.lat + (gt_rnd(&s) - 0.5) * scale,
			       a.lon + (gt_rnd(&s) - 0.5) * scale);
			if (b.lat > 90)
				b.lat = 90;
			if (b.lat < -90)
				b.lat = -90;
			if (b.lon > 180)
				b.lon -= 360;
			if (b.lon < -180)
				b.lon += 360;
		}
		d = geo_distance(ctx, &a, &b);
		/* thresholds around the distance, the hard cases */
		t = d * (1 + (gt_rnd(&s) - 0.5) * 0.02);
		if (geo_distance_at_least(ctx, &a, &b, t) != (d >= t))
			wrong++;
		if (geo_distance_at_least(ctx, &a, &b, d) != true)
			wrong++;
		t = d * (1 + (gt_rnd(&s) - 0.5) * 0.2);
		if (geo_distance_at_least(ctx, &a, &b, t) != (d >= t))
			wrong++;
		exact_eq++;
	}
	ck_assert_uint_eq(wrong, 0);
	ck_assert_uint_eq(exact_eq, 200000);
}
END_TEST

START_TEST(test_at_least_cases)
{
	struct geo_point a = pt(37.41188, -121.93243);
	struct geo_point b = pt(37.42088, -121.93243);

	ck_assert(geo_distance_at_least(ctx, &a, &b, 998.8));
	ck_assert(geo_distance_at_least(ctx, &a, &b, 998.869161));
	ck_assert(!geo_distance_at_least(ctx, &a, &b, 998.8692));
	ck_assert(!geo_distance_at_least(ctx, &a, &b, 5000));
	ck_assert(geo_distance_at_least(ctx, &a, &b, 10));
	ck_assert(geo_distance_at_least(ctx, &a, &a, 0));
	ck_assert(!geo_distance_at_least(ctx, &a, &a, 0.001));
}
END_TEST

START_TEST(test_vert_speed)
{
	struct geo_point a = { 37.41188, -121.93243, 10, true };
	struct geo_point b = { 37.42088, -121.93243, 35.5, true };
	struct geo_point c = pt(37.42088, -121.93243);
	struct geo_point bad = pt(91, 0);
	double v = -1;

	ck_assert_int_eq(geo_distance_vert(&a, &b, &v), 0);
	ck_assert_double_eq_tol(v, 25.5, 1e-9);
	ck_assert_int_eq(geo_distance_vert(&a, &c, &v), ENODATA);
	ck_assert_int_eq(geo_speed(ctx, &a, 100, &b, 200, 1, &v), 0);
	ck_assert_double_eq_tol(v, 9.98869161362, 1e-8);
	/* no speed from a zero, short or backwards step */
	ck_assert_int_eq(geo_speed(ctx, &a, 100, &b, 100, 1, &v), ENODATA);
	ck_assert_int_eq(geo_speed(ctx, &a, 100, &b, 100, 0, &v), ENODATA);
	ck_assert_int_eq(geo_speed(ctx, &a, 100, &b, 100.5, 1, &v), ENODATA);
	ck_assert_int_eq(geo_speed(ctx, &a, 100, &b, 90, 0, &v), ENODATA);
	ck_assert_int_eq(geo_speed(ctx, &a, NAN, &b, 90, 0, &v), EINVAL);
	ck_assert_int_eq(geo_speed(ctx, &a, 0, &bad, 90, 0, &v), EINVAL);
}
END_TEST

/* LF-31: 3-D distance = ECEF chord (PROJ cs2cs EPSG:4979 -> 4978). */
START_TEST(test_distance_3d)
{
	struct geo_point a = { 37.41188, -121.93243, 10, true };
	struct geo_point b = { 37.41188, -121.93243, 35.5, true };
	struct geo_point c = { 37.42088, -121.93243, 10, true };
	struct geo_point d = { -37.41188, 58.06757, 10, true };
	struct geo_point n = { 37.42088, -121.93243, 0, false };
	double m = -1;

	ck_assert_int_eq(geo_distance_3d(&a, &b, &m), 0);
	ck_assert_double_eq_tol(m, 25.5, 1e-6);
	/* 1 km north at 10 m: `cs2cs -f %.6f EPSG:4979 EPSG:4978` gives
	 * (-2682866.697840, -4304772.592517, 3853806.520271) and
	 * (-2682545.688160, -4304257.518967, 3854599.864308): 998.870731 */
	ck_assert_int_eq(geo_distance_3d(&a, &c, &m), 0);
	ck_assert_double_eq_tol(m, 998.870731, 1e-5);
	/* antipodes: the chord goes through the earth (~12,740 km) */
	ck_assert_int_eq(geo_distance_3d(&a, &d, &m), 0);
	ck_assert(m > 12.70e6 && m < 12.76e6);
	ck_assert_int_eq(geo_distance_3d(&a, &n, &m), ENODATA);
	n.lat = 100;
	ck_assert_int_eq(geo_distance_3d(&a, &n, &m), EINVAL);
}
END_TEST

START_TEST(test_point_valid)
{
	struct geo_point p = pt(90, 180);

	ck_assert(geo_point_valid(&p));
	p = pt(-90, -180);
	ck_assert(geo_point_valid(&p));
	p = pt(90.0001, 0);
	ck_assert(!geo_point_valid(&p));
	p = pt(0, 180.5);
	ck_assert(!geo_point_valid(&p));
	p = pt(NAN, 0);
	ck_assert(!geo_point_valid(&p));
	p = pt(0, INFINITY);
	ck_assert(!geo_point_valid(&p));
	p = pt(0, 0);
	p.has_alt = true;
	p.alt = NAN;
	ck_assert(!geo_point_valid(&p));
	ck_assert(!geo_point_valid(NULL));
}
END_TEST

TCase *tcase_dist(void);
TCase *tcase_dist(void)
{
	TCase *tc = tcase_create("dist");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_geodsolve);
	tcase_add_test(tc, test_short_fast_path);
	tcase_add_test(tc, test_at_least_random);
	tcase_add_test(tc, test_at_least_cases);
	tcase_add_test(tc, test_vert_speed);
	tcase_add_test(tc, test_point_valid);
	tcase_add_test(tc, test_distance_3d);
	return tc;
}
