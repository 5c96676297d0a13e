/*
 * test_shape.c: geo/shape.c. Representative points (RFC 7459 section
 * 5.1.1; LOCATION.md LF-31, Q-12): centres, polygon and prism
 * centroids (antimeridian included), the ArcBand centroid formula.
 */
#include <check.h>
#include <errno.h>
#include <math.h>
#include <string.h>

#include <geodesic.h>

#include "geo/geo.h"

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

static void square(struct geo_shape *s, struct geo_ring *r,
		   struct geo_point *pts, double lat, double lon, double d)
{
	struct geo_point p[5] = {
		{ lat, lon, 0, false }, { lat, lon + d, 0, false },
		{ lat + d, lon + d, 0, false }, { lat + d, lon, 0, false },
		{ lat, lon, 0, false },
	};
	size_t i;

	for (i = 0; i < 5; i++) {
		pts[i] = p[i];
		if (pts[i].lon > 180)
			pts[i].lon -= 360;
	}
	r->n = 5;
	r->pts = pts;
	memset(s, 0, sizeof(*s));
	s->kind = GEO_SHAPE_POLYGON;
	s->dim = 2;
	s->nrings = 1;
	s->rings = r;
}

START_TEST(test_polygon_centroid)
{
	struct geo_shape s;
	struct geo_ring r;
	struct geo_point pts[5], c;

	square(&s, &r, pts, 0, 0, 0.01);
	ck_assert_int_eq(geo_shape_center(ctx, &s, &c), 0);
	ck_assert_double_eq_tol(c.lat, 0.005, 1e-7);
	ck_assert_double_eq_tol(c.lon, 0.005, 1e-7);
	ck_assert(!c.has_alt);
	/* across the antimeridian: 179.99 .. 180.01 */
	square(&s, &r, pts, 10, 179.99, 0.02);
	ck_assert_int_eq(geo_shape_center(ctx, &s, &c), 0);
	ck_assert_double_eq_tol(c.lat, 10.01, 1e-6);
	ck_assert_double_eq_tol(fabs(c.lon), 180, 1e-6);
	/* prism: altitude in the middle */
	square(&s, &r, pts, 0, 0, 0.01);
	s.kind = GEO_SHAPE_PRISM;
	s.floor = 10;
	s.height = 30;
	ck_assert_int_eq(geo_shape_center(ctx, &s, &c), 0);
	ck_assert(c.has_alt);
	ck_assert_double_eq_tol(c.alt, 25, 1e-12);
}
END_TEST

/* RFC 7459 5.1.1.1: d = 4 sin(o/2) (R^2 + R r + r^2) / (3 o (R + r)). */
START_TEST(test_arcband_centroid)
{
	struct geo_shape s;
	struct geo_point c;
	struct geod_geodesic g;
	double o = 70 * M_PI / 180, d, s12, az;

	memset(&s, 0, sizeof(s));
	s.kind = GEO_SHAPE_ARCBAND;
	s.dim = 2;
	s.center.lat = 48;
	s.center.lon = 11;
	s.inner_radius = 100;
	s.outer_radius = 500;
	s.start_angle = 10;
	s.opening_angle = 70;
	d = 4 * sin(o / 2) * (500.0 * 500 + 500 * 100 + 100 * 100) /
	    (3 * o * 600);
	ck_assert_double_eq_tol(d, 323.42, 0.01);
	ck_assert_int_eq(geo_shape_center(ctx, &s, &c), 0);
	geod_init(&g, 6378137, 1 / 298.257223563);
	geod_inverse(&g, 48, 11, c.lat, c.lon, &s12, &az, NULL);
	ck_assert_double_eq_tol(s12, d, 1e-6);
	ck_assert_double_eq_tol(az, 45, 1e-9);
	/* full ring: the centroid is the centre */
	s.opening_angle = 360;
	ck_assert_int_eq(geo_shape_center(ctx, &s, &c), 0);
	geod_inverse(&g, 48, 11, c.lat, c.lon, &s12, NULL, NULL);
	ck_assert_double_eq_tol(s12, 0, 1e-6);
}
END_TEST

START_TEST(test_centres)
{
	struct geo_shape s;
	struct geo_point c;

	memset(&s, 0, sizeof(s));
	s.kind = GEO_SHAPE_ELLIPSOID;
	s.center.lat = -33.5;
	s.center.lon = 151.25;
	s.center.alt = 12;
	s.center.has_alt = true;
	ck_assert_int_eq(geo_shape_center(ctx, &s, &c), 0);
	ck_assert_double_eq(c.lat, -33.5);
	ck_assert_double_eq(c.lon, 151.25);
	ck_assert_double_eq(c.alt, 12);
	s.kind = GEO_SHAPE_POLYGON;            /* no rings */
	ck_assert_int_eq(geo_shape_center(ctx, &s, &c), EINVAL);
	ck_assert_int_eq(geo_shape_center(ctx, NULL, &c), EINVAL);
	geo_shape_free(NULL);
}
END_TEST

TCase *tcase_shape(void);
TCase *tcase_shape(void)
{
	TCase *tc = tcase_create("shape");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_polygon_centroid);
	tcase_add_test(tc, test_arcband_centroid);
	tcase_add_test(tc, test_centres);
	return tc;
}
