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

/* Rings of a polygon in the AEQD plane around c. */
static int poly_rings(const struct geo_ctx *ctx, const struct geo_shape *s,
		      const struct geo_point *c, double **xyp, size_t **cntp,
		      size_t *nringsp)
{
	size_t tot = 0, off = 0, i, k;
	double *xy;
	size_t *cnt;

	if (s->nrings == 0)
		return EINVAL;
	for (i = 0; i < s->nrings; i++)
		tot += s->rings[i].n;
	xy = malloc(2 * tot * sizeof(*xy));
	cnt = malloc(s->nrings * sizeof(*cnt));
	if (!xy || !cnt) {
		free(xy);
		free(cnt);
		return ENOMEM;
	}
	for (i = 0; i < s->nrings; i++) {
		const struct geo_ring *r = &s->rings[i];
		double *o = xy + 2 * off;
		for (k = 0; k < r->n; k++)
			geo__aeqd_fwd(ctx, c, r->pts[k].lat, r->pts[k].lon,
				      &o[2 * k], &o[2 * k + 1]);
		o[2 * (r->n - 1)] = o[0];
		o[2 * (r->n - 1) + 1] = o[1];
		cnt[i] = r->n;
		off += r->n;
	}
	*xyp = xy;
	*cntp = cnt;
	*nringsp = s->nrings;
	return 0;
}

/* Point at distance d, bearing az (degrees from north) in the plane. */
static void polar(double *xy, double d, double az)
{
	az *= M_PI / 180.0;
	xy[0] = d * sin(az);
	xy[1] = d * cos(az);
}

/* Ellipse (or circle: a == b) with its major axis at bearing th_deg,
 * counter-clockwise, k segments, into xy (k + 1 points). */
static void ellipse_ring(double *xy, double a, double b, double th_deg,
			 size_t k, bool cw)
{
	double th = th_deg * M_PI / 180.0;
	size_t i;

	for (i = 0; i < k; i++) {
		double t = 2 * M_PI * (double)(cw ? k - i : i) / (double)k;
		double u = a * cos(t), v = b * sin(t);
		/* major direction (sin th, cos th), minor (-cos th, sin th) */
		xy[2 * i] = u * sin(th) - v * cos(th);
		xy[2 * i + 1] = u * cos(th) + v * sin(th);
	}
	xy[2 * k] = xy[0];
	xy[2 * k + 1] = xy[1];
}

int geo__shape_rings(const struct geo_ctx *ctx, const struct geo_shape *s,
		     const struct geo_point *c, double **xyp, size_t **cntp,
		     size_t *nringsp)
{
	double ox = 0, oy = 0, *xy;
	size_t i, n, nr = 1, *cnt, k = GEO_ARC_SEGMENTS;

	switch (s->kind) {
	case GEO_SHAPE_POLYGON:
	case GEO_SHAPE_PRISM:
		return poly_rings(ctx, s, c, xyp, cntp, nringsp);
	case GEO_SHAPE_POINT:
		return EINVAL;
	default:
		break;
	}
	if (c->lat != s->center.lat || c->lon != s->center.lon)
		geo__aeqd_fwd(ctx, c, s->center.lat, s->center.lon, &ox, &oy);
	cnt = malloc(2 * sizeof(*cnt));
	if (!cnt)
		return ENOMEM;
	if (s->kind == GEO_SHAPE_ARCBAND && s->opening_angle >= 360.0) {
		/* annulus: outer ring, inner ring as a hole */
		nr = s->inner_radius > 0 ? 2 : 1;
		n = nr * (k + 1);
		xy = malloc(2 * n * sizeof(*xy));
		if (!xy)
			goto nomem;
		ellipse_ring(xy, s->outer_radius, s->outer_radius, 0, k,
			     false);
		if (nr == 2)
			ellipse_ring(xy + 2 * (k + 1), s->inner_radius,
				     s->inner_radius, 0, k, true);
		cnt[0] = cnt[1] = k + 1;
	} else if (s->kind == GEO_SHAPE_ARCBAND) {
		size_t m = (size_t)ceil((double)k * s->opening_angle / 360.0);
		if (m < 16)
			m = 16;
		n = 2 * (m + 1) + 1;
		xy = malloc(2 * n * sizeof(*xy));
		if (!xy)
			goto nomem;
		for (i = 0; i <= m; i++) {
			double az = s->start_angle +
				    s->opening_angle * (double)i / (double)m;
			polar(&xy[2 * i], s->outer_radius, az);
			polar(&xy[2 * (2 * m + 1 - i)], s->inner_radius, az);
		}
		xy[2 * (n - 1)] = xy[0];
		xy[2 * (n - 1) + 1] = xy[1];
		cnt[0] = n;
	} else {
		double a, b, th = s->orientation;
		if (s->kind == GEO_SHAPE_CIRCLE || s->kind == GEO_SHAPE_SPHERE)
			a = b = s->radius, th = 0;
		else
			a = s->semi_major, b = s->semi_minor;
		n = k + 1;
		xy = malloc(2 * n * sizeof(*xy));
		if (!xy)
			goto nomem;
		ellipse_ring(xy, a, b, th, k, false);
		cnt[0] = n;
	}
	for (i = 0; i < n; i++) {
		xy[2 * i] += ox;
		xy[2 * i + 1] += oy;
	}
	*xyp = xy;
	*cntp = cnt;
	*nringsp = nr;
	return 0;
nomem:
	free(cnt);
	return ENOMEM;
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
			 const struct geo_shape *s, struct geo_point *out)
{
	struct geo_point c = s->rings[0].pts[0];
	double *xy, a2 = 0, cx = 0, cy = 0;
	size_t i, n, *cnt, nr;
	int rc;

	c.has_alt = false;
	rc = poly_rings(ctx, s, &c, &xy, &cnt, &nr);
	if (rc)
		return rc;
	n = cnt[0];
	for (i = 0; i + 1 < n; i++) {
		double t = xy[2 * i] * xy[2 * i + 3] -
			   xy[2 * i + 2] * xy[2 * i + 1];
		a2 += t;
		cx += (xy[2 * i] + xy[2 * i + 2]) * t;
		cy += (xy[2 * i + 1] + xy[2 * i + 3]) * t;
	}
	free(xy);
	free(cnt);
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
		rc = ring_centroid(ctx, shape, out);
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
