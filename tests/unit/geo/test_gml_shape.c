/*
 * test_gml_shape.c: geo/gml_shape.c. The RFC 5491 shapes with their
 * units (LOCATION.md PL-1, PL-5, PL-12, 3.3) and rejected values.
 */
#include <check.h>
#include <errno.h>
#include <math.h>
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

static int parse(const char *xml, struct geo_shape **sp, struct geo_err *e)
{
	xmlDoc *doc = gt_doc(xml);
	int rc;

	ck_assert_ptr_nonnull(doc);
	*sp = NULL;
	rc = geo_gml_parse(ctx, gt_root(doc), sp, e);
	xmlFreeDoc(doc);
	return rc;
}

#define M "uom=\"urn:ogc:def:uom:EPSG::9001\""
#define DEG "uom=\"urn:ogc:def:uom:EPSG::9102\""
#define RAD "uom=\"urn:ogc:def:uom:EPSG::9101\""
#define C2 "srsName=\"urn:ogc:def:crs:EPSG::4326\""
#define C3 "srsName=\"urn:ogc:def:crs:EPSG::4979\""

/* RFC 5491 examples (5.2.3 - 5.2.8). */
START_TEST(test_shapes)
{
	struct geo_shape *s;
	struct geo_err e = { 0 };

	ck_assert_int_eq(parse("<gs:Circle " GT_NS C2 "><gml:pos>"
			       "42.5463 -73.2512</gml:pos><gs:radius " M ">"
			       "850.24</gs:radius></gs:Circle>", &s, &e), 0);
	ck_assert_int_eq(s->kind, GEO_SHAPE_CIRCLE);
	ck_assert_double_eq(s->radius, 850.24);
	ck_assert_double_eq(s->center.lat, 42.5463);
	geo_shape_free(s);

	ck_assert_int_eq(parse("<gs:Ellipse " GT_NS C2 "><gml:pos>"
			       "42.5463 -73.2512</gml:pos><gs:semiMajorAxis "
			       M ">1275</gs:semiMajorAxis><gs:semiMinorAxis "
			       M ">670</gs:semiMinorAxis><gs:orientation "
			       DEG ">43.2</gs:orientation></gs:Ellipse>", &s,
			       &e), 0);
	ck_assert_double_eq(s->semi_major, 1275);
	ck_assert_double_eq(s->semi_minor, 670);
	ck_assert_double_eq(s->orientation, 43.2);
	geo_shape_free(s);

	ck_assert_int_eq(parse("<gs:ArcBand " GT_NS C2 "><gml:pos>"
			       "-43.5723 153.21760</gml:pos><gs:innerRadius "
			       M ">3594</gs:innerRadius><gs:outerRadius " M
			       ">4148</gs:outerRadius><gs:startAngle " DEG
			       ">-20</gs:startAngle><gs:openingAngle " RAD
			       ">0.3490658503988659</gs:openingAngle>"
			       "</gs:ArcBand>", &s, &e), 0);
	ck_assert_double_eq(s->inner_radius, 3594);
	ck_assert_double_eq(s->start_angle, 340);
	ck_assert_double_eq_tol(s->opening_angle, 20, 1e-12);
	geo_shape_free(s);

	ck_assert_int_eq(parse("<gs:Sphere " GT_NS C3 "><gml:pos>"
			       "42.5463 -73.2512 26.3</gml:pos><gs:radius " M
			       ">850.24</gs:radius></gs:Sphere>", &s, &e), 0);
	ck_assert_int_eq(s->kind, GEO_SHAPE_SPHERE);
	ck_assert_double_eq(s->center.alt, 26.3);
	geo_shape_free(s);

	ck_assert_int_eq(parse("<gs:Ellipsoid " GT_NS C3 "><gml:pos>"
			       "42.5463 -73.2512 26.3</gml:pos>"
			       "<gs:semiMajorAxis " M ">7.7156"
			       "</gs:semiMajorAxis><gs:semiMinorAxis " M
			       ">3.31</gs:semiMinorAxis><gs:verticalAxis " M
			       ">28.7</gs:verticalAxis><gs:orientation " DEG
			       ">90</gs:orientation></gs:Ellipsoid>", &s, &e),
			 0);
	ck_assert_double_eq(s->vertical_axis, 28.7);
	geo_shape_free(s);

	ck_assert_int_eq(parse("<gs:Prism " GT_NS C3 "><gs:base><gml:Polygon>"
			       "<gml:exterior><gml:LinearRing><gml:posList>"
			       "42.556844 -73.248157 36.6 <!--A-->\n"
			       "42.656844 -73.248157 36.6 <!--B-->\n"
			       "42.656844 -73.348157 36.6 <!--C-->\n"
			       "42.556844 -73.348157 36.6 <!--D-->\n"
			       "42.556844 -73.248157 36.6 <!--A-->\n"
			       "</gml:posList></gml:LinearRing></gml:exterior>"
			       "</gml:Polygon></gs:base><gs:height " M ">2.4"
			       "</gs:height></gs:Prism>", &s, &e), 0);
	ck_assert_int_eq(s->kind, GEO_SHAPE_PRISM);
	ck_assert_double_eq(s->floor, 36.6);
	ck_assert_double_eq(s->height, 2.4);
	ck_assert_uint_eq(s->rings[0].n, 5);
	geo_shape_free(s);
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
		{ "uom", "<gs:Circle " GT_NS C2 "><gml:pos>1 2</gml:pos>"
		  "<gs:radius uom=\"urn:ogc:def:uom:EPSG::9002\">5"
		  "</gs:radius></gs:Circle>", ENOTSUP, "uom" },
		{ "angle as length", "<gs:Circle " GT_NS C2 "><gml:pos>1 2"
		  "</gml:pos><gs:radius " DEG ">5</gs:radius></gs:Circle>",
		  ENOTSUP, "uom" },
		{ "zero radius", "<gs:Circle " GT_NS C2 "><gml:pos>1 2"
		  "</gml:pos><gs:radius " M ">0</gs:radius></gs:Circle>",
		  EBADMSG, "positive" },
		{ "negative", "<gs:Circle " GT_NS C2 "><gml:pos>1 2"
		  "</gml:pos><gs:radius " M ">-3</gs:radius></gs:Circle>",
		  EBADMSG, "range" },
		{ "NaN", "<gs:Circle " GT_NS C2 "><gml:pos>1 2</gml:pos>"
		  "<gs:radius " M ">NaN</gs:radius></gs:Circle>", EBADMSG,
		  "bad number" },
		{ "huge", "<gs:Circle " GT_NS C2 "><gml:pos>1 2</gml:pos>"
		  "<gs:radius " M ">1e9</gs:radius></gs:Circle>", EBADMSG,
		  "range" },
		{ "no radius", "<gs:Circle " GT_NS C2 "><gml:pos>1 2"
		  "</gml:pos></gs:Circle>", EBADMSG, "radius" },
		{ "circle 3-D", "<gs:Circle " GT_NS C3 "><gml:pos>1 2 3"
		  "</gml:pos><gs:radius " M ">5</gs:radius></gs:Circle>",
		  EBADMSG, "4326" },
		{ "sphere 2-D", "<gs:Sphere " GT_NS C2 "><gml:pos>1 2"
		  "</gml:pos><gs:radius " M ">5</gs:radius></gs:Sphere>",
		  EBADMSG, "4979" },
		{ "arcband radii", "<gs:ArcBand " GT_NS C2 "><gml:pos>1 2"
		  "</gml:pos><gs:innerRadius>10</gs:innerRadius>"
		  "<gs:outerRadius>5</gs:outerRadius><gs:startAngle>0"
		  "</gs:startAngle><gs:openingAngle>30</gs:openingAngle>"
		  "</gs:ArcBand>", EBADMSG, "outerRadius" },
		{ "arcband angle", "<gs:ArcBand " GT_NS C2 "><gml:pos>1 2"
		  "</gml:pos><gs:innerRadius>1</gs:innerRadius>"
		  "<gs:outerRadius>5</gs:outerRadius><gs:startAngle>0"
		  "</gs:startAngle><gs:openingAngle>400</gs:openingAngle>"
		  "</gs:ArcBand>", EBADMSG, "openingAngle" },
		{ "prism 2-D base", "<gs:Prism " GT_NS C2 "><gs:base>"
		  "<gml:Polygon><gml:exterior><gml:LinearRing><gml:posList>"
		  "0 0 0 1 1 1 0 0</gml:posList></gml:LinearRing>"
		  "</gml:exterior></gml:Polygon></gs:base><gs:height>3"
		  "</gs:height></gs:Prism>", EBADMSG, "4979" },
		{ "prism tilted", "<gs:Prism " GT_NS C3 "><gs:base>"
		  "<gml:Polygon><gml:exterior><gml:LinearRing><gml:posList>"
		  "0 0 0 0 1 0 1 1 9 0 0 0</gml:posList></gml:LinearRing>"
		  "</gml:exterior></gml:Polygon></gs:base><gs:height>3"
		  "</gs:height></gs:Prism>", EBADMSG, "one altitude" },
		{ "unknown", "<gs:Donut " GT_NS C2 "/>", ENOTSUP, "Donut" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct geo_shape *s;
		struct geo_err e = { 0 };
		int rc = parse(cases[i].xml, &s, &e);
		ck_assert_msg(rc == cases[i].rc, "%s: %d %s", cases[i].what,
			      rc, e.msg);
		ck_assert_msg(strstr(e.msg, cases[i].msg) != NULL, "%s: %s",
			      cases[i].what, e.msg);
	}
	ck_assert_str_eq(geo_shape_kind_name(GEO_SHAPE_ARCBAND), "ArcBand");
}
END_TEST

TCase *tcase_gml_shape(void);
TCase *tcase_gml_shape(void)
{
	TCase *tc = tcase_create("gml_shape");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_shapes);
	tcase_add_test(tc, test_rejects);
	return tc;
}
