/*
 * plane.c: the two planes GEOS sees. The unwrapped lon/lat plane
 * (x = longitude, y = latitude, rings unwrapped across the antimeridian,
 * LOCATION.md Q-13) for containment and indexing, and an azimuthal
 * equidistant plane around a point (geodesic distance and azimuth kept
 * exact from the centre, geod_inverse/geod_direct) for areas.
 */
#include <errno.h>
#include <math.h>

#include "geo/geo_int.h"

int geo__ring_unwrap(const struct geo_ring *r, double ref_x, double *xy,
		     struct geo_err *err)
{
	double lo, hi, shift, c;
	size_t i;

	if (r->n == 0)
		return geo__err(err, EBADMSG, "empty ring");
	xy[0] = r->pts[0].lon;
	xy[1] = r->pts[0].lat;
	lo = hi = xy[0];
	for (i = 1; i < r->n; i++) {
		double x = r->pts[i].lon, prev = xy[2 * (i - 1)];
		while (x - prev > 180.0)
			x -= 360.0;
		while (prev - x > 180.0)
			x += 360.0;
		xy[2 * i] = x;
		xy[2 * i + 1] = r->pts[i].lat;
		lo = fmin(lo, x);
		hi = fmax(hi, x);
	}
	if (fabs(xy[2 * (r->n - 1)] - xy[0]) > 1e-9)
		return geo__err(err, EBADMSG, "ring encloses a pole");
	if (hi - lo > 180.0)
		return geo__err(err, EBADMSG, "ring spans more than 180 "
				"degrees of longitude");
	c = (lo + hi) / 2;
	if (isnan(ref_x))
		ref_x = 0.0;
	shift = 360.0 * round((ref_x - c) / 360.0);
	if (shift != 0.0)
		for (i = 0; i < r->n; i++)
			xy[2 * i] += shift;
	return 0;
}

void geo__aeqd_fwd(const struct geo_ctx *ctx, const struct geo_point *c,
		   double lat, double lon, double *x, double *y)
{
	double s12 = 0, azi1 = 0;

	geod_inverse(&ctx->geod, c->lat, c->lon, lat, lon, &s12, &azi1,
		     NULL);
	azi1 *= M_PI / 180.0;
	*x = s12 * sin(azi1);
	*y = s12 * cos(azi1);
}

void geo__aeqd_inv(const struct geo_ctx *ctx, const struct geo_point *c,
		   double x, double y, double *lat, double *lon)
{
	double azi = atan2(x, y) * 180.0 / M_PI;

	geod_direct(&ctx->geod, c->lat, c->lon, azi, hypot(x, y), lat, lon,
		    NULL);
	*lon = geo__lon_norm(*lon);
}

double geo__ring_area(const double *xy, size_t n)
{
	double a = 0;
	size_t i;

	for (i = 0; i + 1 < n; i++)
		a += xy[2 * i] * xy[2 * i + 3] - xy[2 * i + 2] * xy[2 * i + 1];
	return a / 2;
}
