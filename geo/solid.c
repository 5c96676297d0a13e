/*
 * solid.c: gml:Solid as a vertical prism (draft section 3, LOCATION.md
 * LF-39, Q-17). The exterior may be a Surface with patches (Polygon or
 * PolygonPatch), a CompositeSurface or a Shell of surfaceMembers. Every
 * patch must be horizontal (altitudes within 0.5 m) or vertical (its
 * horizontal projection within 0.5 m of a line); zero-area patches (the
 * draft's walls repeat corners) are skipped. The result is the lowest
 * horizontal patch as footprint, floor = lowest altitude, height = highest
 * minus lowest; horizontal patches may only lie at the floor or the roof.
 * Any other solid is rejected with a reason.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <libxml/tree.h>

#include "geo/geo_int.h"

#define FLAT_TOL 0.5     /* metres: horizontal / vertical tolerance */
#define AREA_MIN 0.01    /* m^2: smaller patches are degenerate */

struct patches {
	const xmlNode **v;
	size_t n, cap;
};

static int collect(struct geo_ctx *ctx, const xmlNode *n, unsigned depth,
		   struct patches *ps, struct geo_err *err)
{
	static const char *const pass[] = { "Surface", "patches",
		"CompositeSurface", "Shell", "surfaceMember",
		"polygonPatches", "exterior", NULL };
	const xmlNode *c, **nv;
	size_t i;
	int rc;

	if (depth > ctx->lim.max_depth)
		return geo__err(err, EOVERFLOW, "GML nested deeper than %u",
				ctx->lim.max_depth);
	for (c = n->children; c; c = c->next) {
		bool ok = false;
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (geo__is(c, GEO_NS_GML, "Polygon") ||
		    geo__is(c, GEO_NS_GML, "PolygonPatch")) {
			if (ps->n == ctx->lim.max_patches)
				return geo__err(err, EOVERFLOW, "Solid has "
						"more than %zu patches",
						ctx->lim.max_patches);
			nv = geo__grow(ps->v, &ps->cap, ps->n + 1,
				       sizeof(*ps->v));
			if (!nv)
				return ENOMEM;
			ps->v = nv;
			ps->v[ps->n++] = c;
			continue;
		}
		if (geo__is(c, GEO_NS_GML, "interior"))
			return geo__err(err, ENOTSUP, "Solid with interior "
					"shells is not supported");
		for (i = 0; pass[i] && !ok; i++)
			ok = geo__is(c, GEO_NS_GML, pass[i]);
		if (!ok) {
			if (geo__is(c, GEO_NS_GML, "name") ||
			    geo__is(c, GEO_NS_GML, "description"))
				continue;
			return geo__err(err, ENOTSUP, "unsupported %.40s in "
					"Solid", (const char *)c->name);
		}
		rc = collect(ctx, c, depth + 1, ps, err);
		if (rc)
			return rc;
	}
	return 0;
}

enum patch_kind { PATCH_DEGENERATE, PATCH_HORIZONTAL, PATCH_VERTICAL,
		  PATCH_OTHER };

static enum patch_kind classify(const struct geo_ctx *ctx,
				const struct geo_ring *r, double *zlo,
				double *zhi)
{
	const struct geo_point *c = &r->pts[0];
	double nx = 0, ny = 0, nz = 0, *x, *y, far = 0, fx = 0, fy = 0;
	size_t i, j;
	enum patch_kind k;

	x = malloc(2 * r->n * sizeof(*x));
	if (!x)
		return PATCH_OTHER;
	y = x + r->n;
	*zlo = *zhi = c->alt;
	for (i = 0; i < r->n; i++) {
		geo__aeqd_fwd(ctx, c, r->pts[i].lat, r->pts[i].lon, &x[i],
			      &y[i]);
		*zlo = fmin(*zlo, r->pts[i].alt);
		*zhi = fmax(*zhi, r->pts[i].alt);
	}
	/* Newell's normal: twice the vector area. */
	for (i = 0; i + 1 < r->n; i++) {
		double z0 = r->pts[i].alt, z1 = r->pts[i + 1].alt;
		j = i + 1;
		nx += (y[i] - y[j]) * (z0 + z1);
		ny += (z0 - z1) * (x[i] + x[j]);
		nz += (x[i] - x[j]) * (y[i] + y[j]);
	}
	if (sqrt(nx * nx + ny * ny + nz * nz) / 2 < AREA_MIN) {
		k = PATCH_DEGENERATE;
		goto out;
	}
	if (*zhi - *zlo <= FLAT_TOL) {
		k = PATCH_HORIZONTAL;
		goto out;
	}
	/* Vertical: horizontal projection close to one line. */
	for (i = 1; i < r->n; i++) {
		double d = hypot(x[i] - x[0], y[i] - y[0]);
		if (d > far) {
			far = d;
			fx = x[i] - x[0];
			fy = y[i] - y[0];
		}
	}
	k = PATCH_VERTICAL;
	for (i = 1; far > 0 && i < r->n; i++) {
		double d = fabs(fx * (y[i] - y[0]) - fy * (x[i] - x[0])) / far;
		if (d > FLAT_TOL)
			k = PATCH_OTHER;
	}
out:
	free(x);
	return k;
}

static void shape_rings_free(struct geo_shape *s)
{
	size_t i;

	for (i = 0; i < s->nrings; i++)
		free(s->rings[i].pts);
	free(s->rings);
	s->rings = NULL;
	s->nrings = 0;
}

int geo__solid_parse(struct geo_ctx *ctx, const struct _xmlNode *n,
		     struct geo_shape **sp, struct geo_err *err)
{
	const xmlNode *ext = geo__child(n, GEO_NS_GML, "exterior");
	struct patches ps = { NULL, 0, 0 };
	struct geo_shape *out = NULL, tmp;
	double floor = INFINITY, roof = -INFINITY, foot_z = INFINITY;
	double *levels = NULL;
	size_t i, k, used = 0, nlev = 0;
	int rc;

	if (!ext)
		return geo__err(err, EBADMSG, "Solid without exterior");
	out = geo__shape_new(GEO_SHAPE_PRISM);
	if (!out) {
		rc = ENOMEM;
		goto out;
	}
	rc = collect(ctx, ext, geo__node_depth(ext) + 1, &ps, err);
	if (rc)
		goto out;
	levels = calloc(ps.n ? ps.n : 1, sizeof(*levels));
	if (!levels) {
		rc = ENOMEM;
		goto out;
	}
	for (i = 0; i < ps.n; i++) {
		enum patch_kind kind;
		unsigned dim;
		double lo, hi;

		memset(&tmp, 0, sizeof(tmp));
		rc = geo__read_polygon(ctx, ps.v[i], true, true, &tmp, &dim,
				       err);
		if (rc)
			goto out;
		if (dim != 3) {
			shape_rings_free(&tmp);
			rc = geo__err(err, EBADMSG, "Solid needs 3-D "
				      "positions (EPSG 4979)");
			goto out;
		}
		kind = classify(ctx, &tmp.rings[0], &lo, &hi);
		if (kind == PATCH_OTHER) {
			shape_rings_free(&tmp);
			rc = geo__err(err, EBADMSG, "Solid patch %zu is "
				      "neither horizontal nor vertical",
				      i + 1);
			goto out;
		}
		if (kind == PATCH_DEGENERATE) {
			geo__log(ctx, LOG_DEBUG, "geo: Solid patch %zu has no "
				 "area, skipped", i + 1);
			shape_rings_free(&tmp);
			continue;
		}
		used++;
		floor = fmin(floor, lo);
		roof = fmax(roof, hi);
		if (kind == PATCH_HORIZONTAL)
			levels[nlev++] = (lo + hi) / 2;
		if (kind == PATCH_HORIZONTAL && lo < foot_z) {
			foot_z = lo;
			shape_rings_free(out);
			out->rings = tmp.rings;
			out->nrings = tmp.nrings;
			continue;
		}
		shape_rings_free(&tmp);
	}
	if (!out->rings) {
		rc = geo__err(err, EBADMSG, used ? "Solid has no horizontal "
			      "patch" : "Solid has no patches with area");
		goto out;
	}
	if (!(roof - floor > 0.0)) {
		rc = geo__err(err, EBADMSG, "Solid has no height");
		goto out;
	}
	/* a vertical prism has horizontal faces at its floor and roof only */
	for (i = 0; i < nlev; i++)
		if (levels[i] - floor > FLAT_TOL &&
		    roof - levels[i] > FLAT_TOL) {
			rc = geo__err(err, EBADMSG, "Solid is not a vertical "
				      "prism (horizontal patch between floor "
				      "and roof)");
			goto out;
		}
	for (i = 0; i < out->nrings; i++)
		for (k = 0; k < out->rings[i].n; k++) {
			out->rings[i].pts[k].has_alt = false;
			out->rings[i].pts[k].alt = 0.0;
		}
	rc = geo__rings_check(ctx, out->rings, out->nrings, err);
	if (rc)
		goto out;
	out->dim = 3;
	out->floor = floor;
	out->height = roof - floor;
	*sp = out;
	out = NULL;
out:
	geo_shape_free(out);
	free(levels);
	free(ps.v);
	return rc;
}
