/*
 * geo_gml_fuzz.c: libFuzzer target for GML (geo/geo.h; RFC 5491 shapes,
 * GML 3.1.1 Polygon/Solid, features; PL-1..12, Q-13..17, SEC-18;
 * STYLE.md 2.11).  The input is read with the hardened pidf_xml_read and
 * every element of the tree is handed to geo_gml_parse and
 * geo_feature_parse; features with area shapes become regions
 * (geo_region_alloc) and are tested against each shape's centre.  Built
 * by `make fuzz` (tests/fuzz/README.md).
 *
 * Properties checked besides memory safety:
 * - results are in the documented sets, err.code is the result and
 *   err.msg a non-empty line without quotes or control characters;
 * - geo_gml_parse succeeds only on elements geo_gml_is_geometry accepts;
 * - a shape is sane: kind known, dim 2 or 3, points in range, rings
 *   closed with at least 4 positions and within the vertex limit,
 *   radii and axes finite and non-negative;
 * - a feature has at most max_shapes shapes, each as above;
 * - geo_region_test of a point at each shape's centre gives a defined
 *   position with P(inside) 1, 0 or NaN to match, and
 *   geo_region_test_point (the fast path) gives the same position.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "geo/geo.h"
#include "pidf/pidf.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct geo_ctx *fz_geo;

/* Elements visited per input: bounds the work on wide documents. */
#define FZ_NODES_MAX 256

static void fz_assert(int ok)
{
	if (!ok)
		abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	xmlInitParser();
	if (geo_ctx_alloc(&fz_geo, NULL))
		abort();
	return 0;
}

static void msg_ok(const char *msg, size_t cap)
{
	size_t i, n = strnlen(msg, cap);

	fz_assert(n > 0 && n < cap);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)msg[i];
		fz_assert(c >= 0x20 && c != 0x7f && c != '"');
	}
}

static void num_ok(double v)
{
	fz_assert(isfinite(v) && v >= 0);
}

static void shape_ok(const struct geo_shape *s)
{
	const struct geo_limits *lim = geo_ctx_limits(fz_geo);
	size_t r, i;

	fz_assert(s->kind <= GEO_SHAPE_PRISM);
	fz_assert(s->dim == 2 || s->dim == 3);
	fz_assert(strcmp(geo_shape_kind_name(s->kind), "?") != 0);
	switch (s->kind) {
	case GEO_SHAPE_POLYGON:
	case GEO_SHAPE_PRISM:
		fz_assert(s->nrings >= 1 && s->nrings <= lim->max_rings);
		break;
	default:
		fz_assert(geo_point_valid(&s->center));
		fz_assert(s->nrings == 0);
	}
	for (r = 0; r < s->nrings; r++) {
		const struct geo_ring *g = &s->rings[r];

		fz_assert(g->n >= 4 && g->n <= lim->max_vertices + 1);
		fz_assert(g->pts[0].lat == g->pts[g->n - 1].lat &&
			  g->pts[0].lon == g->pts[g->n - 1].lon);
		for (i = 0; i < g->n; i++)
			fz_assert(geo_point_valid(&g->pts[i]));
	}
	if (s->kind == GEO_SHAPE_CIRCLE || s->kind == GEO_SHAPE_SPHERE)
		num_ok(s->radius);
	if (s->kind == GEO_SHAPE_ELLIPSE || s->kind == GEO_SHAPE_ELLIPSOID) {
		num_ok(s->semi_major);
		num_ok(s->semi_minor);
	}
	if (s->kind == GEO_SHAPE_ELLIPSOID)
		num_ok(s->vertical_axis);
	if (s->kind == GEO_SHAPE_ARCBAND) {
		num_ok(s->inner_radius);
		num_ok(s->outer_radius);
	}
	if (s->kind == GEO_SHAPE_PRISM) {
		fz_assert(isfinite(s->floor));
		num_ok(s->height);
	}
}

static void region(const struct geo_feature *f)
{
	struct geo_region *reg = NULL;
	struct geo_err err;
	struct geo_shape pt;
	enum geo_position pos, pos2;
	double p = 0;
	size_t i;
	int e;

	for (i = 0; i < f->nshapes; i++)
		if (f->shapes[i]->kind == GEO_SHAPE_POINT)
			return; /* ENOTSUP by contract */
	memset(&err, 0, sizeof(err));
	e = geo_region_alloc(fz_geo, f->shapes, f->nshapes, &reg, &err);
	fz_assert(e == 0 || e == EBADMSG || e == ENOTSUP || e == EOVERFLOW ||
		  e == EPROTO || e == EINVAL);
	if (e) {
		fz_assert(err.code == e);
		msg_ok(err.msg, sizeof(err.msg));
		return;
	}
	memset(&pt, 0, sizeof(pt));
	pt.kind = GEO_SHAPE_POINT;
	pt.dim = 2;
	for (i = 0; i < f->nshapes; i++) {
		if (geo_shape_center(fz_geo, f->shapes[i], &pt.center))
			continue;
		if (!geo_point_valid(&pt.center))
			continue;
		pt.dim = pt.center.has_alt ? 3 : 2;
		e = geo_region_test(fz_geo, reg, &pt, 0.95, &pos, &p);
		fz_assert(e == 0 || e == EPROTO);
		if (e)
			continue;
		fz_assert(pos == GEO_POS_UNDEFINED || pos == GEO_POS_INSIDE ||
			  pos == GEO_POS_OUTSIDE);
		fz_assert(isnan(p) || (p >= 0 && p <= 1));
		/* point test: exact, so P is 1, 0 or NaN as pos says */
		fz_assert(pos == GEO_POS_INSIDE ? p == 1 :
			  pos == GEO_POS_OUTSIDE ? p == 0 : isnan(p));
		/* the fast path gives the same answer */
		e = geo_region_test_point(fz_geo, reg, &pt.center, &pos2);
		fz_assert(e == 0 || e == EPROTO);
		if (!e)
			fz_assert(pos2 == pos);
	}
	geo_region_free(reg);
}

static void node(const xmlNode *n)
{
	const struct geo_limits *lim = geo_ctx_limits(fz_geo);
	struct geo_shape *s = NULL;
	struct geo_feature *f = NULL;
	struct geo_err err;
	size_t i;
	int e;

	memset(&err, 0, sizeof(err));
	e = geo_gml_parse(fz_geo, n, &s, &err);
	fz_assert(e == 0 || e == EBADMSG || e == EOVERFLOW || e == ENOTSUP ||
		  e == EINVAL);
	if (e) {
		fz_assert(s == NULL && err.code == e);
		msg_ok(err.msg, sizeof(err.msg));
	} else {
		fz_assert(geo_gml_is_geometry(n));
		shape_ok(s);
		geo_shape_free(s);
	}
	memset(&err, 0, sizeof(err));
	e = geo_feature_parse(fz_geo, n, &f, &err);
	fz_assert(e == 0 || e == EBADMSG || e == EOVERFLOW || e == ENOTSUP ||
		  e == EINVAL);
	if (e) {
		fz_assert(f == NULL && err.code == e);
		msg_ok(err.msg, sizeof(err.msg));
		return;
	}
	fz_assert(f->nshapes <= lim->max_shapes);
	for (i = 0; i < f->nshapes; i++)
		shape_ok(f->shapes[i]);
	if (f->nshapes)
		region(f);
	geo_feature_free(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct _xmlDoc *doc = NULL;
	struct pidf_err perr;
	const xmlNode *n;
	size_t seen = 0;

	if (pidf_xml_read((const char *)data, size, NULL, "GML: ", &doc,
			  &perr))
		return 0;
	/* every element, document order, iteratively */
	n = xmlDocGetRootElement(doc);
	while (n && seen < FZ_NODES_MAX) {
		if (n->type == XML_ELEMENT_NODE) {
			node(n);
			seen++;
		}
		if (n->children && n->type == XML_ELEMENT_NODE) {
			n = n->children;
			continue;
		}
		while (n && !n->next)
			n = n->parent && n->parent->type == XML_ELEMENT_NODE ?
				    n->parent : NULL;
		if (n)
			n = n->next;
	}
	pidf_xml_free(doc);
	return 0;
}
