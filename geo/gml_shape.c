/*
 * gml_shape.c: the RFC 5491 shapes (gs:Circle, Ellipse, ArcBand, Sphere,
 * Ellipsoid, Prism) with their units of measure (LOCATION.md PL-5, 3.3):
 * lengths in metres (urn:ogc:def:uom:EPSG::9001, also m, meters,
 * #meters; absent means metres), angles in degrees (EPSG::9102; absent
 * means degrees) or radians (EPSG::9101).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "geo/geo_int.h"

/* Largest accepted length: beyond this a local plane is meaningless. */
#define LENGTH_MAX 1.0e7

static bool uom_is(const char *u, const char *const *names)
{
	for (; *names; names++)
		if (strcmp(u, *names) == 0)
			return true;
	return false;
}

/* Value of a child element gs:name as a number, with its uom. */
static int read_measure(const xmlNode *n, const char *name, bool angle,
			bool required, double *out, struct geo_err *err)
{
	static const char *const metres[] = { "urn:ogc:def:uom:EPSG::9001",
		"m", "meters", "#meters", "metres", NULL };
	static const char *const degs[] = { "urn:ogc:def:uom:EPSG::9102",
		"deg", "degrees", NULL };
	static const char *const rads[] = { "urn:ogc:def:uom:EPSG::9101",
		"rad", "radians", NULL };
	const xmlNode *c = geo__child(n, GEO_NS_GS, name);
	xmlChar *t, *u;
	char *end;
	const char *p;
	double v;
	bool ok;

	if (!c) {
		if (!required) {
			*out = 0.0;
			return 0;
		}
		return geo__err(err, EBADMSG, "%s without %s",
				(const char *)n->name, name);
	}
	t = xmlNodeGetContent(c);
	if (!t)
		return ENOMEM;
	p = (const char *)t;
	p += strspn(p, " \t\r\n");
	v = strtod(p, &end);
	ok = end != p && strspn(end, " \t\r\n") == strlen(end) &&
	     isfinite(v) && !strpbrk(p, "xXnNiI");
	xmlFree(t);
	if (!ok)
		return geo__err(err, EBADMSG, "bad number in %s", name);
	u = xmlGetNoNsProp(c, (const xmlChar *)"uom");
	if (u) {
		const char *us = (const char *)u;
		if (!angle && uom_is(us, metres))
			ok = true;
		else if (angle && uom_is(us, degs))
			ok = true;
		else if (angle && uom_is(us, rads)) {
			v *= 180.0 / M_PI;
			ok = true;
		} else
			ok = false;
		xmlFree(u);
		if (!ok)
			return geo__err(err, ENOTSUP, "unsupported uom on %s",
					name);
	}
	if (!angle && (v < 0.0 || v > LENGTH_MAX))
		return geo__err(err, EBADMSG, "%s out of range", name);
	*out = v;
	return 0;
}

static int read_center(struct geo_ctx *ctx, const xmlNode *n,
		       struct geo_shape *s, unsigned *dim,
		       struct geo_err *err)
{
	const xmlNode *pos = geo__child(n, GEO_NS_GML, "pos");

	if (!pos)
		return geo__err(err, EBADMSG, "%s without pos",
				(const char *)n->name);
	return geo__read_pos(ctx, pos, &s->center, dim, err);
}

static double angle_norm(double a)
{
	a = fmod(a, 360.0);
	return a < 0.0 ? a + 360.0 : a;
}

static int positive(double v, const char *what, struct geo_err *err)
{
	if (!(v > 0.0))
		return geo__err(err, EBADMSG, "%s must be positive", what);
	return 0;
}

static int circle(struct geo_ctx *ctx, const xmlNode *n,
		  struct geo_shape *s, struct geo_err *err)
{
	unsigned dim;
	int rc = read_center(ctx, n, s, &dim, err);

	if (!rc)
		rc = read_measure(n, "radius", false, true, &s->radius, err);
	if (!rc)
		rc = positive(s->radius, "radius", err);
	s->dim = dim;
	return rc;
}

static int ellipse(struct geo_ctx *ctx, const xmlNode *n,
		   struct geo_shape *s, bool solid, struct geo_err *err)
{
	unsigned dim;
	int rc = read_center(ctx, n, s, &dim, err);

	if (!rc)
		rc = read_measure(n, "semiMajorAxis", false, true,
				  &s->semi_major, err);
	if (!rc)
		rc = read_measure(n, "semiMinorAxis", false, true,
				  &s->semi_minor, err);
	if (!rc && solid)
		rc = read_measure(n, "verticalAxis", false, true,
				  &s->vertical_axis, err);
	if (!rc)
		rc = read_measure(n, "orientation", true, true,
				  &s->orientation, err);
	if (!rc)
		rc = positive(s->semi_major, "semiMajorAxis", err);
	if (!rc)
		rc = positive(s->semi_minor, "semiMinorAxis", err);
	if (!rc && solid)
		rc = positive(s->vertical_axis, "verticalAxis", err);
	s->orientation = angle_norm(s->orientation);
	s->dim = dim;
	return rc;
}

static int arcband(struct geo_ctx *ctx, const xmlNode *n,
		   struct geo_shape *s, struct geo_err *err)
{
	unsigned dim;
	int rc = read_center(ctx, n, s, &dim, err);

	if (!rc)
		rc = read_measure(n, "innerRadius", false, true,
				  &s->inner_radius, err);
	if (!rc)
		rc = read_measure(n, "outerRadius", false, true,
				  &s->outer_radius, err);
	if (!rc)
		rc = read_measure(n, "startAngle", true, true,
				  &s->start_angle, err);
	if (!rc)
		rc = read_measure(n, "openingAngle", true, true,
				  &s->opening_angle, err);
	if (!rc && !(s->outer_radius > s->inner_radius))
		rc = geo__err(err, EBADMSG, "outerRadius must exceed "
			      "innerRadius");
	if (!rc && !(s->opening_angle > 0.0 && s->opening_angle <= 360.0))
		rc = geo__err(err, EBADMSG, "openingAngle out of range");
	s->start_angle = angle_norm(s->start_angle);
	s->dim = dim;
	return rc;
}

static int prism(struct geo_ctx *ctx, const xmlNode *n,
		 struct geo_shape *s, struct geo_err *err)
{
	const xmlNode *base = geo__child(n, GEO_NS_GS, "base");
	const xmlNode *poly = geo__child(base, GEO_NS_GML, "Polygon");
	unsigned dim;
	size_t i, k;
	int rc;

	if (!poly)
		return geo__err(err, EBADMSG, "Prism without base Polygon");
	rc = geo__read_polygon(ctx, poly, true, false, s, &dim, err);
	if (rc)
		return rc;
	if (dim != 3)
		return geo__err(err, EBADMSG, "Prism base needs EPSG 4979");
	rc = read_measure(n, "height", false, true, &s->height, err);
	if (rc)
		return rc;
	rc = positive(s->height, "height", err);
	if (rc)
		return rc;
	s->floor = s->rings[0].pts[0].alt;
	for (i = 0; i < s->nrings; i++)
		for (k = 0; k < s->rings[i].n; k++) {
			struct geo_point *p = &s->rings[i].pts[k];
			if (fabs(p->alt - s->floor) > 0.5)
				return geo__err(err, EBADMSG, "Prism base is "
						"not at one altitude");
			p->has_alt = false;
			p->alt = 0.0;
		}
	s->dim = 3;
	return 0;
}

int geo__gs_parse(struct geo_ctx *ctx, const struct _xmlNode *n,
		  struct geo_shape **sp, struct geo_err *err)
{
	const char *name = (const char *)n->name;
	enum geo_shape_kind kind;
	struct geo_shape *s;
	int rc;

	if (strcmp(name, "Circle") == 0)
		kind = GEO_SHAPE_CIRCLE;
	else if (strcmp(name, "Ellipse") == 0)
		kind = GEO_SHAPE_ELLIPSE;
	else if (strcmp(name, "ArcBand") == 0)
		kind = GEO_SHAPE_ARCBAND;
	else if (strcmp(name, "Sphere") == 0)
		kind = GEO_SHAPE_SPHERE;
	else if (strcmp(name, "Ellipsoid") == 0)
		kind = GEO_SHAPE_ELLIPSOID;
	else if (strcmp(name, "Prism") == 0)
		kind = GEO_SHAPE_PRISM;
	else
		return geo__err(err, ENOTSUP, "unsupported shape %.60s",
				name);
	s = geo__shape_new(kind);
	if (!s)
		return ENOMEM;
	switch (kind) {
	case GEO_SHAPE_CIRCLE:
	case GEO_SHAPE_SPHERE:
		rc = circle(ctx, n, s, err);
		break;
	case GEO_SHAPE_ELLIPSE:
	case GEO_SHAPE_ELLIPSOID:
		rc = ellipse(ctx, n, s, kind == GEO_SHAPE_ELLIPSOID, err);
		break;
	case GEO_SHAPE_ARCBAND:
		rc = arcband(ctx, n, s, err);
		break;
	default:
		rc = prism(ctx, n, s, err);
		break;
	}
	if (!rc && kind != GEO_SHAPE_PRISM) {
		bool solid = kind == GEO_SHAPE_SPHERE ||
			     kind == GEO_SHAPE_ELLIPSOID;
		if (solid && s->dim != 3)
			rc = geo__err(err, EBADMSG, "%s needs EPSG 4979",
				      name);
		else if (!solid && s->dim != 2)
			rc = geo__err(err, EBADMSG, "%s needs EPSG 4326",
				      name);
	}
	if (rc) {
		geo_shape_free(s);
		return rc;
	}
	*sp = s;
	return 0;
}
