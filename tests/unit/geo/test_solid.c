/*
 * test_solid.c: geo/solid.c. gml:Solid as a vertical prism (LOCATION.md
 * Q-17, LF-39): the draft's Building 10 (degenerate walls skipped),
 * PolygonPatch / CompositeSurface / Shell forms, and each rejection.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "geo/geo.h"
#include "tests/unit/geo/geo_test.h"

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

static int parse(struct geo_ctx *c, const char *xml, struct geo_shape **sp,
		 struct geo_err *e)
{
	xmlDoc *doc = gt_doc(xml);
	int rc;

	ck_assert_ptr_nonnull(doc);
	*sp = NULL;
	rc = geo_gml_parse(c, gt_root(doc), sp, e);
	xmlFreeDoc(doc);
	return rc;
}

#define SRS "srsName=\"urn:ogc:def:crs:EPSG::4979\""
#define RING(tag, pts) "<gml:" tag "><gml:exterior><gml:LinearRing>" \
	"<gml:posList>" pts "</gml:posList></gml:LinearRing>" \
	"</gml:exterior></gml:" tag ">"
/* a 0.001 deg box from 0 to 10 m: floor, roof, four walls */
#define FLOOR "0 0 0 0 0.001 0 0.001 0.001 0 0.001 0 0 0 0 0"
#define ROOF "0 0 10 0 0.001 10 0.001 0.001 10 0.001 0 10 0 0 10"
#define WALL_S "0 0 0 0 0.001 0 0 0.001 10 0 0 10 0 0 0"
#define WALL_E "0 0.001 0 0.001 0.001 0 0.001 0.001 10 0 0.001 10 " \
	"0 0.001 0"

static xmlNode *find_solid(xmlNode *root)
{
	xmlNode *m, *b, *g;

	for (m = root->children; m; m = m->next)
		for (b = m->children; b; b = b->next) {
			xmlChar *id;
			bool hit;
			if (b->type != XML_ELEMENT_NODE)
				continue;
			id = xmlGetNsProp(b, (const xmlChar *)"id",
				(const xmlChar *)"http://www.opengis.net/gml");
			hit = id && strcmp((const char *)id,
					   "building10-3d") == 0;
			xmlFree(id);
			if (!hit)
				continue;
			for (g = b->children; g; g = g->next)
				if (g->type == XML_ELEMENT_NODE &&
				    strcmp((const char *)g->name,
					   "Solid") == 0)
					return g;
		}
	return NULL;
}

/* the draft's Building 10 Solid (data/features/building10.gml). */
START_TEST(test_draft_solid)
{
	xmlDoc *doc = xmlReadFile("data/features/building10.gml", NULL,
				  XML_PARSE_NONET);
	xmlNode *n;
	struct geo_shape *s = NULL;
	struct geo_err e = { 0 };

	ck_assert_ptr_nonnull(doc);
	/* FeatureCollection / featureMember / Building (3-D) / Solid */
	n = find_solid(gt_root(doc));
	ck_assert_ptr_nonnull(n);
	ck_assert_msg(geo_gml_parse(ctx, n, &s, &e) == 0, "%s", e.msg);
	ck_assert_int_eq(s->kind, GEO_SHAPE_PRISM);
	ck_assert_uint_eq(s->dim, 3);
	ck_assert_double_eq(s->floor, 0);
	ck_assert_double_eq(s->height, 25);
	ck_assert_uint_eq(s->nrings, 1);
	ck_assert_uint_eq(s->rings[0].n, 5);
	ck_assert_double_eq(s->rings[0].pts[3].lon, -121.93242);
	ck_assert(!s->rings[0].pts[0].has_alt);
	geo_shape_free(s);
	xmlFreeDoc(doc);
}
END_TEST

/* PolygonPatch, CompositeSurface and Shell forms. */
START_TEST(test_forms)
{
	static const char *const forms[] = {
		"<gml:Solid " GT_NS SRS "><gml:exterior><gml:Surface>"
		"<gml:patches>" RING("PolygonPatch", ROOF)
		RING("PolygonPatch", WALL_S) RING("PolygonPatch", FLOOR)
		"</gml:patches></gml:Surface></gml:exterior></gml:Solid>",
		"<gml:Solid " GT_NS SRS "><gml:exterior><gml:CompositeSurface>"
		"<gml:surfaceMember>" RING("Polygon", FLOOR)
		"</gml:surfaceMember><gml:surfaceMember>"
		RING("Polygon", WALL_E) "</gml:surfaceMember>"
		"<gml:surfaceMember>" RING("Polygon", ROOF)
		"</gml:surfaceMember></gml:CompositeSurface></gml:exterior>"
		"</gml:Solid>",
		"<gml:Solid " GT_NS SRS "><gml:exterior><gml:Shell>"
		"<gml:surfaceMember>" RING("Polygon", FLOOR)
		"</gml:surfaceMember><gml:surfaceMember>"
		RING("Polygon", ROOF) "</gml:surfaceMember></gml:Shell>"
		"</gml:exterior></gml:Solid>",
	};
	size_t i;

	for (i = 0; i < 3; i++) {
		struct geo_shape *s;
		struct geo_err e = { 0 };
		ck_assert_msg(parse(ctx, forms[i], &s, &e) == 0, "%zu: %s", i,
			      e.msg);
		ck_assert_int_eq(s->kind, GEO_SHAPE_PRISM);
		ck_assert_double_eq(s->floor, 0);
		ck_assert_double_eq(s->height, 10);
		ck_assert_uint_eq(s->rings[0].n, 5);
		geo_shape_free(s);
	}
}
END_TEST

struct bad {
	const char *what;
	const char *xml;
	int rc;
	const char *msg;
};

START_TEST(test_rejects)
{
	static const struct bad cases[] = {
		{ "sloped roof", "<gml:Solid " GT_NS SRS "><gml:exterior>"
		  "<gml:Surface><gml:patches>" RING("Polygon", FLOOR)
		  RING("Polygon", "0 0 10 0 0.001 10 0.001 0.001 20 "
		       "0.001 0 20 0 0 10")
		  "</gml:patches></gml:Surface></gml:exterior></gml:Solid>",
		  EBADMSG, "patch 2 is neither horizontal nor vertical" },
		{ "2-D", "<gml:Solid " GT_NS "srsName=\"EPSG:4326\">"
		  "<gml:exterior><gml:Surface><gml:patches>"
		  RING("Polygon", "0 0 0 1 1 1 0 0") "</gml:patches>"
		  "</gml:Surface></gml:exterior></gml:Solid>",
		  EBADMSG, "3-D" },
		{ "walls only", "<gml:Solid " GT_NS SRS "><gml:exterior>"
		  "<gml:Surface><gml:patches>" RING("Polygon", WALL_S)
		  RING("Polygon", WALL_E) "</gml:patches></gml:Surface>"
		  "</gml:exterior></gml:Solid>",
		  EBADMSG, "no horizontal patch" },
		{ "flat", "<gml:Solid " GT_NS SRS "><gml:exterior>"
		  "<gml:Surface><gml:patches>" RING("Polygon", FLOOR)
		  "</gml:patches></gml:Surface></gml:exterior></gml:Solid>",
		  EBADMSG, "no height" },
		{ "stepped", "<gml:Solid " GT_NS SRS "><gml:exterior>"
		  "<gml:Surface><gml:patches>" RING("Polygon", FLOOR)
		  RING("Polygon", ROOF) RING("Polygon", WALL_S)
		  RING("Polygon", "0 0 5 0 0.0005 5 0.0005 0.0005 5 "
		       "0.0005 0 5 0 0 5")
		  "</gml:patches></gml:Surface></gml:exterior></gml:Solid>",
		  EBADMSG, "not a vertical prism" },
		{ "no exterior", "<gml:Solid " GT_NS SRS "/>", EBADMSG,
		  "exterior" },
		{ "interior", "<gml:Solid " GT_NS SRS "><gml:exterior>"
		  "<gml:interior/></gml:exterior></gml:Solid>", ENOTSUP,
		  "interior" },
		{ "foreign", "<gml:Solid " GT_NS SRS "><gml:exterior>"
		  "<gml:TriangulatedSurface/></gml:exterior></gml:Solid>",
		  ENOTSUP, "TriangulatedSurface" },
		{ "CRS", "<gml:Solid " GT_NS "srsName=\"EPSG:3857\">"
		  "<gml:exterior><gml:Surface><gml:patches>"
		  RING("Polygon", FLOOR) "</gml:patches></gml:Surface>"
		  "</gml:exterior></gml:Solid>", ENOTSUP, "CRS" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct geo_shape *s;
		struct geo_err e = { 0 };
		int rc = parse(ctx, cases[i].xml, &s, &e);
		ck_assert_msg(rc == cases[i].rc, "%s: %d %s", cases[i].what,
			      rc, e.msg);
		ck_assert_msg(strstr(e.msg, cases[i].msg) != NULL, "%s: %s",
			      cases[i].what, e.msg);
	}
}
END_TEST

/* SEC-18: depth and patch limits. */
START_TEST(test_limits)
{
	struct geo_limits lim;
	struct geo_ctx *small;
	struct geo_shape *s;
	struct geo_err e = { 0 };
	const char *xml = "<gml:Solid " GT_NS SRS "><gml:exterior>"
		"<gml:CompositeSurface><gml:surfaceMember><gml:Surface>"
		"<gml:patches>" RING("Polygon", FLOOR) RING("Polygon", ROOF)
		RING("Polygon", WALL_S) "</gml:patches></gml:Surface>"
		"</gml:surfaceMember></gml:CompositeSurface></gml:exterior>"
		"</gml:Solid>";

	geo_limits_init(&lim);
	lim.max_depth = 3;
	ck_assert_int_eq(geo_ctx_alloc(&small, &lim), 0);
	ck_assert_int_eq(parse(small, xml, &s, &e), EOVERFLOW);
	ck_assert_ptr_nonnull(strstr(e.msg, "nested"));
	geo_ctx_free(small);
	lim.max_depth = 32;
	lim.max_patches = 2;
	ck_assert_int_eq(geo_ctx_alloc(&small, &lim), 0);
	ck_assert_int_eq(parse(small, xml, &s, &e), EOVERFLOW);
	ck_assert_ptr_nonnull(strstr(e.msg, "patches"));
	geo_ctx_free(small);
	ck_assert_int_eq(parse(ctx, xml, &s, &e), 0);
	geo_shape_free(s);
}
END_TEST

TCase *tcase_solid(void);
TCase *tcase_solid(void)
{
	TCase *tc = tcase_create("solid");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_draft_solid);
	tcase_add_test(tc, test_forms);
	tcase_add_test(tc, test_rejects);
	tcase_add_test(tc, test_limits);
	return tc;
}
