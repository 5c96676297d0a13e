/*
 * dist.c: point validity, WGS 84 geodesic distance (Karney, PROJ
 * geodesic.h), a bounded early-answer distance test, vertical distance
 * and speed.
 */
#include <errno.h>
#include <math.h>

#include "geo/geo_int.h"

/* Mean earth radius (IUGG R1) for the spherical bound. */
#define SPHERE_R 6371008.8
/*
 * The WGS 84 geodesic distance s and the spherical great-circle distance
 * d (radius SPHERE_R, geodetic latitudes) differ by the ratio of the
 * local radii of curvature, which lie in [b^2/a, a^2/b] =
 * [6335439, 6399594] m: s/d is within [0.9944, 1.0045] (short lines
 * see the extremes; long lines average them). We use a 1 % relative
 * margin, twice that, plus 1 mm for rounding; anything within the band
 * goes to geod_inverse. tests/unit/geo/test_dist.c checks the bound on
 * random pairs, poles and antipodes included.
 */
#define BOUND_REL 0.01
#define BOUND_ABS 1e-3

/*
 * Short lines: the geodesic is a space curve of curvature kappa (the
 * normal curvature of the ellipsoid along it, 1/6399594 <= kappa <=
 * 1/6335439 per metre), so its length s and the ECEF chord c satisfy
 * s = c + kappa^2 c^3 / 24 + O(kappa^4 c^5, c^4 kappa dkappa/ds).
 * Below CHORD_FAST = 10 km the correction term is at most 1.04 mm; using
 * the mean radius for 1/kappa errs by at most 1.2 % of it (0.013 mm), the
 * higher terms are below 1e-6 m and the chord itself is exact to about
 * 1e-8 m: the result is within 0.02 mm of geod_inverse, about ten times
 * faster. tests/unit/geo/test_dist.c compares both on random short lines
 * (poles included) with a 0.1 mm tolerance.
 */
#define CHORD_FAST 10000.0
#define WGS84_A 6378137.0
#define WGS84_F (1.0 / 298.257223563)
#define WGS84_E2 (WGS84_F * (2.0 - WGS84_F))

bool geo_point_valid(const struct geo_point *p)
{
	if (!p)
		return false;
	if (!isfinite(p->lat) || !isfinite(p->lon))
		return false;
	if (p->lat < -90.0 || p->lat > 90.0)
		return false;
	if (p->lon < -180.0 || p->lon > 180.0)
		return false;
	if (p->has_alt && !isfinite(p->alt))
		return false;
	return true;
}

/* ECEF position of a point at height h above the ellipsoid. */
static void ecef_h(const struct geo_point *p, double h, double *x,
		   double *y, double *z)
{
	const double d2r = M_PI / 180.0;
	double sp = sin(p->lat * d2r), cp = cos(p->lat * d2r);
	double sl = sin(p->lon * d2r), cl = cos(p->lon * d2r);
	double n = WGS84_A / sqrt(1.0 - WGS84_E2 * sp * sp);

	*x = (n + h) * cp * cl;
	*y = (n + h) * cp * sl;
	*z = (n * (1.0 - WGS84_E2) + h) * sp;
}

static void ecef(const struct geo_point *p, double *x, double *y, double *z)
{
	ecef_h(p, 0.0, x, y, z);
}

int geo_distance_3d(const struct geo_point *a, const struct geo_point *b,
		    double *metres)
{
	double ax, ay, az, bx, by, bz;

	if (!a || !b || !metres)
		return EINVAL;
	if (!geo_point_valid(a) || !geo_point_valid(b))
		return EINVAL;
	if (!a->has_alt || !b->has_alt)
		return ENODATA;
	ecef_h(a, a->alt, &ax, &ay, &az);
	ecef_h(b, b->alt, &bx, &by, &bz);
	*metres = sqrt((ax - bx) * (ax - bx) + (ay - by) * (ay - by) +
		       (az - bz) * (az - bz));
	return 0;
}

double geo_distance(const struct geo_ctx *ctx, const struct geo_point *a,
		    const struct geo_point *b)
{
	double s12 = NAN, ax, ay, az, bx, by, bz, c;

	if (!ctx || !a || !b)
		return NAN;
	ecef(a, &ax, &ay, &az);
	ecef(b, &bx, &by, &bz);
	c = sqrt((ax - bx) * (ax - bx) + (ay - by) * (ay - by) +
		 (az - bz) * (az - bz));
	if (c < CHORD_FAST)
		return c + c * c * c / (24.0 * SPHERE_R * SPHERE_R);
	geod_inverse(&ctx->geod, a->lat, a->lon, b->lat, b->lon, &s12,
		     NULL, NULL);
	return s12;
}

/* Great-circle distance on the sphere of radius SPHERE_R (haversine). */
static double sphere_dist(const struct geo_point *a,
			  const struct geo_point *b)
{
	const double d2r = M_PI / 180.0;
	double sy = sin((b->lat - a->lat) * d2r * 0.5);
	double sx = sin((b->lon - a->lon) * d2r * 0.5);
	double h = sy * sy + cos(a->lat * d2r) * cos(b->lat * d2r) * sx * sx;

	if (h > 1.0)
		h = 1.0;
	return 2.0 * SPHERE_R * asin(sqrt(h));
}

bool geo_distance_at_least(const struct geo_ctx *ctx,
			   const struct geo_point *a,
			   const struct geo_point *b, double threshold)
{
	double d;

	if (!ctx || !a || !b || isnan(threshold))
		return false;
	if (threshold <= 0.0)
		return true;
	d = sphere_dist(a, b);
	if (d * (1.0 - BOUND_REL) - BOUND_ABS >= threshold)
		return true;
	if (d * (1.0 + BOUND_REL) + BOUND_ABS < threshold)
		return false;
	return geo_distance(ctx, a, b) >= threshold;
}

int geo_distance_vert(const struct geo_point *a, const struct geo_point *b,
		      double *metres)
{
	if (!a || !b || !metres)
		return EINVAL;
	if (!a->has_alt || !b->has_alt)
		return ENODATA;
	if (!isfinite(a->alt) || !isfinite(b->alt))
		return EINVAL;
	*metres = fabs(a->alt - b->alt);
	return 0;
}

int geo_speed(const struct geo_ctx *ctx, const struct geo_point *a,
	      double ta, const struct geo_point *b, double tb, double min_dt,
	      double *mps)
{
	double dt;

	if (!ctx || !a || !b || !mps)
		return EINVAL;
	if (!geo_point_valid(a) || !geo_point_valid(b))
		return EINVAL;
	if (!isfinite(ta) || !isfinite(tb) || isnan(min_dt))
		return EINVAL;
	dt = tb - ta;
	if (!(dt > 0.0) || dt < min_dt)
		return ENODATA;
	*mps = geo_distance(ctx, a, b) / dt;
	return 0;
}
