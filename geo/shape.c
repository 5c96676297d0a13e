/*
 * shape.c: shape lifetime, representative points (RFC 7459 section
 * 5.1.1) and outlines of area shapes in a local azimuthal plane.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "geo/geo_int.h"

struct geo_shape *geo__shape_new(enum geo_shape_kind kind)
{
	struct geo_shape *s = calloc(1, sizeof(*s));

	if (s)
		s->kind = kind;
	return s;
}

void geo_shape_free(struct geo_shape *shape)
{
	size_t i;

	if (!shape)
		return;
	for (i = 0; shape->rings && i < shape->nrings; i++)
		free(shape->rings[i].pts);
	free(shape->rings);
	free(shape);
}

/* Exterior ring of s in the AEQD plane around c (closed). */
static int ring_outline(const struct geo_ctx *ctx, const struct geo_ring *r,
			const struct geo_point *c, double **xyp, size_t *np)
{
	double *xy = malloc(2 * r->n * sizeof(*xy));
	size_t i;

	if (!xy)
		return ENOMEM;
	for (i = 0; i < r->n; i++)
		geo__aeqd_fwd(ctx, c, r->pts[i].lat, r->pts[i].lon,
			      &xy[2 * i], &xy[2 * i + 1]);
	xy[2 * (r->n - 1)] = xy[0];
	xy[2 * (r->n - 1) + 1] = xy[1];
	*xyp = xy;
	*np = r->n;
	return 0;
}

/* Point at distance d, bearing az (degrees) in the plane around s->center,
 * shifted by (ox, oy). */
static void polar(double *xy, double d, double az)
{
	az *= M_PI / 180.0;
	xy[0] = d * sin(az);
	xy[1] = d * cos(az);
}

int geo__shape_outline(const struct geo_ctx *ctx,
		       const struct geo_shape *s, const struct geo_point *c,
		       double **xyp, size_t *np)
{
	double ox = 0, oy = 0, *xy;
	size_t i, n, k = GEO_ARC_SEGMENTS;

	switch (s->kind) {
	case GEO_SHAPE_POLYGON:
	case GEO_SHAPE_PRISM:
		if (s->nrings == 0)
			return EINVAL;
		return ring_outline(ctx, &s->rings[0], c, xyp, np);
	case GEO_SHAPE_POINT:
		return EINVAL;
	default:
		break;
	}
	if (c != &s->center)
		geo__aeqd_fwd(ctx, c, s->center.lat, s->center.lon, &ox, &oy);
	if (s->kind == GEO_SHAPE_ARCBAND) {
		size_t m = (size_t)ceil(k * s->opening_angle / 360.0);
		if (m < 16)
			m = 16;
		n = 2 * (m + 1) + 1;
		xy = malloc(2 * n * sizeof(*xy));
		if (!xy)
			return ENOMEM;
		for (i = 0; i <= m; i++) {
			double az = s->start_angle + s->opening_angle * i / m;
			polar(&xy[2 * i], s->outer_radius, az);
			polar(&xy[2 * (2 * m + 1 - i)], s->inner_radius, az);
		}
		xy[2 * (n - 1)] = xy[0];
		xy[2 * (n - 1) + 1] = xy[1];
	} else {
		double a, b, th = s->orientation * M_PI / 180.0;
		if (s->kind == GEO_SHAPE_CIRCLE || s->kind == GEO_SHAPE_SPHERE)
			a = b = s->radius, th = 0;
		else
			a = s->semi_major, b = s->semi_minor;
		n = k + 1;
		xy = malloc(2 * n * sizeof(*xy));
		if (!xy)
			return ENOMEM;
		/* Counter-clockwise; major axis at bearing th. */
		for (i = 0; i < k; i++) {
			double t = 2 * M_PI * i / k;
			double u = a * cos(t), v = b * sin(t);
			/* major direction (sin th, cos th), minor
			 * (-cos th, sin th) */
			xy[2 * i] = u * sin(th) - v * cos(th);
			xy[2 * i + 1] = u * cos(th) + v * sin(th);
		}
		xy[2 * k] = xy[0];
		xy[2 * k + 1] = xy[1];
	}
	for (i = 0; i < n; i++) {
		xy[2 * i] += ox;
		xy[2 * i + 1] += oy;
	}
	*xyp = xy;
	*np = n;
	return 0;
}

bool geo__shape_zrange(const struct geo_shape *s, double *lo, double *hi)
{
	switch (s->kind) {
	case GEO_SHAPE_PRISM:
		*lo = s->floor;
		*hi = s->floor + s->height;
		return true;
	case GEO_SHAPE_SPHERE:
		if (!s->center.has_alt)
			return false;
		*lo = s->center.alt - s->radius;
		*hi = s->center.alt + s->radius;
		return true;
	case GEO_SHAPE_ELLIPSOID:
		if (!s->center.has_alt)
			return false;
		*lo = s->center.alt - s->vertical_axis;
		*hi = s->center.alt + s->vertical_axis;
		return true;
	case GEO_SHAPE_POINT:
		if (!s->center.has_alt)
			return false;
		*lo = *hi = s->center.alt;
		return true;
	default:
		return false;
	}
}

/* Centroid of a polygon's exterior ring, computed in a local plane. */
static int ring_centroid(const struct geo_ctx *ctx,
			 const struct geo_ring *r, struct geo_point *out)
{
	struct geo_point c = r->pts[0];
	double *xy, a2 = 0, cx = 0, cy = 0;
	size_t i, n;
	int rc;

	c.has_alt = false;
	rc = ring_outline(ctx, r, &c, &xy, &n);
	if (rc)
		return rc;
	for (i = 0; i + 1 < n; i++) {
		double t = xy[2 * i] * xy[2 * i + 3] -
			   xy[2 * i + 2] * xy[2 * i + 1];
		a2 += t;
		cx += (xy[2 * i] + xy[2 * i + 2]) * t;
		cy += (xy[2 * i + 1] + xy[2 * i + 3]) * t;
	}
	free(xy);
	if (a2 == 0.0)
		return EINVAL;
	cx /= 3 * a2;
	cy /= 3 * a2;
	*out = c;
	geo__aeqd_inv(ctx, &c, cx, cy, &out->lat, &out->lon);
	return 0;
}

int geo_shape_center(const struct geo_ctx *ctx,
		     const struct geo_shape *shape, struct geo_point *out)
{
	int rc;

	if (!ctx || !shape || !out)
		return EINVAL;
	switch (shape->kind) {
	case GEO_SHAPE_POLYGON:
	case GEO_SHAPE_PRISM:
		if (shape->nrings == 0 || shape->rings[0].n < 4)
			return EINVAL;
		rc = ring_centroid(ctx, &shape->rings[0], out);
		if (rc)
			return rc;
		if (shape->kind == GEO_SHAPE_PRISM) {
			out->has_alt = true;
			out->alt = shape->floor + shape->height / 2;
		}
		return 0;
	case GEO_SHAPE_ARCBAND: {
		/* RFC 7459 section 5.1.1.1 */
		double R = shape->outer_radius, r = shape->inner_radius;
		double o = shape->opening_angle * M_PI / 180.0;
		double d = 4 * sin(o / 2) * (R * R + R * r + r * r) /
			   (3 * o * (R + r));
		*out = shape->center;
		geod_direct(&ctx->geod, shape->center.lat, shape->center.lon,
			    shape->start_angle + shape->opening_angle / 2, d,
			    &out->lat, &out->lon, NULL);
		out->lon = geo__lon_norm(out->lon);
		return 0;
	}
	default:
		*out = shape->center;
		return 0;
	}
}
