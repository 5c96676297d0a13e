/*
 * test_region.c: geo/region.c. Building 10 (draft section 3) in 2-D and
 * 3-D (LF-36, LF-39, Q-17, Q-19), a polygon with a hole, the antimeridian
 * (Q-13, T17), the uncertainty rule (LF-37, LF-38, Q-11, T6, T7) and
 * interning of identical geometries.
 */
#include <check.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <geodesic.h>

#include "geo/geo.h"
#include "tests/unit/geo/geo_test.h"

static struct geo_ctx *ctx;

static void setup(void)
{
	ck_assert_int_eq(geo_ctx_alloc(&ctx, NULL), 0);
}

static void teardown(void)
{
	ck_assert_uint_eq(geo_ctx_interned(ctx), 0);
	geo_ctx_free(ctx);
	ctx = NULL;
}

static struct geo_shape *shape_of(const char *xml)
{
	xmlDoc *doc = gt_doc(xml);
	struct geo_shape *s = NULL;
	struct geo_err e = { 0 };

	ck_assert_ptr_nonnull(doc);
	ck_assert_msg(geo_gml_parse(ctx, gt_root(doc), &s, &e) == 0, "%s",
		      e.msg);
	xmlFreeDoc(doc);
	return s;
}

static struct geo_region *region_of(const char *xml)
{
	struct geo_shape *s = shape_of(xml);
	struct geo_region *r = NULL;
	struct geo_err e = { 0 };

	ck_assert_msg(geo_region_alloc(ctx, &s, 1, &r, &e) == 0, "%s", e.msg);
	geo_shape_free(s);
	return r;
}

/* The Building 10 features of data/features/building10.gml. */
static struct geo_feature *b10_feature(const char *id)
{
	xmlDoc *doc = xmlReadFile("data/features/building10.gml", NULL,
				  XML_PARSE_NONET);
	xmlNode *m, *b;
	struct geo_feature *f = NULL;
	struct geo_err e = { 0 };

	ck_assert_ptr_nonnull(doc);
	for (m = gt_root(doc)->children; m && !f; m = m->next)
		for (b = m->children; b && !f; b = b->next) {
			xmlChar *v;
			if (b->type != XML_ELEMENT_NODE)
				continue;
			v = xmlGetNsProp(b, (const xmlChar *)"id",
				(const xmlChar *)"http://www.opengis.net/gml");
			if (v && strcmp((const char *)v, id) == 0)
				ck_assert_msg(geo_feature_parse(ctx, b, &f,
								&e) == 0,
					      "%s", e.msg);
			xmlFree(v);
		}
	xmlFreeDoc(doc);
	ck_assert_ptr_nonnull(f);
	return f;
}

static struct geo_region *b10_region(const char *id)
{
	struct geo_feature *f = b10_feature(id);
	struct geo_region *r = NULL;
	struct geo_err e = { 0 };

	ck_assert_msg(geo_region_alloc(ctx, f->shapes, f->nshapes, &r, &e)
		      == 0, "%s", e.msg);
	geo_feature_free(f);
	return r;
}

static enum geo_position at(const struct geo_region *r, double lat,
			    double lon)
{
	struct geo_point p = { lat, lon, 0, false };
	enum geo_position pos = GEO_POS_UNDEFINED;

	ck_assert_int_eq(geo_region_test_point(ctx, r, &p, &pos), 0);
	return pos;
}

static enum geo_position at3(const struct geo_region *r, double lat,
			     double lon, double alt)
{
	struct geo_point p = { lat, lon, alt, true };
	enum geo_position pos = GEO_POS_UNDEFINED;

	ck_assert_int_eq(geo_region_test_point(ctx, r, &p, &pos), 0);
	return pos;
}

/* A circle estimate of radius rad metres at (lat, lon) against r. */
static enum geo_position circle_at(const struct geo_region *r, double lat,
				   double lon, double rad, double conf,
				   double *p)
{
	struct geo_shape s;
	enum geo_position pos = GEO_POS_UNDEFINED;

	memset(&s, 0, sizeof(s));
	s.kind = GEO_SHAPE_CIRCLE;
	s.dim = 2;
	s.center.lat = lat;
	s.center.lon = lon;
	s.radius = rad;
	ck_assert_int_eq(geo_region_test(ctx, r, &s, conf, &pos, p), 0);
	return pos;
}

/* Draft Building 10, 2-D: inside, outside, on the edge (inside). */
START_TEST(test_building10_2d)
{
	struct geo_region *r = b10_region("building10");
	double p = -1;

	ck_assert_int_eq(at(r, 37.41165, -121.93190), GEO_POS_INSIDE);
	ck_assert_int_eq(at(r, 37.41200, -121.93190), GEO_POS_OUTSIDE);
	ck_assert_int_eq(at(r, 37.41165, -121.93100), GEO_POS_OUTSIDE);
	ck_assert_int_eq(at(r, -37.41165, 58.0681), GEO_POS_OUTSIDE);
	/* PL-14, Q-11: the boundary counts as inside */
	ck_assert_int_eq(at(r, 37.41188, -121.93190), GEO_POS_INSIDE);
	ck_assert_int_eq(at(r, 37.41150, -121.93132), GEO_POS_INSIDE);
	ck_assert_int_eq(at(r, 37.41142, -121.93132), GEO_POS_INSIDE);
	ck_assert_int_eq(at(r, 37.41188, -121.93243), GEO_POS_INSIDE);
	ck_assert_int_eq(at(r, 37.411880001, -121.93190), GEO_POS_OUTSIDE);
	/* LF-38: the rule, a 10 m circle well inside: P = C */
	ck_assert_int_eq(circle_at(r, 37.41165, -121.93190, 10, 0.95, &p),
			 GEO_POS_INSIDE);
	ck_assert_double_eq_tol(p, 0.95, 1e-9);
	/* 200 m circle around it: the building is ~4 % of it */
	ck_assert_int_eq(circle_at(r, 37.41165, -121.93190, 200, 0.95, &p),
			 GEO_POS_OUTSIDE);
	ck_assert(p > 0.03 && p < 0.045);
	/* 10 m circle on the north edge: about half, undefined */
	ck_assert_int_eq(circle_at(r, 37.41188, -121.93190, 10, 0.95, &p),
			 GEO_POS_UNDEFINED);
	ck_assert(p > 0.45 && p < 0.5);
	/* same with C = 100 %: P(in) = P(out) ~ 0.5 */
	circle_at(r, 37.41188, -121.93190, 10, 1.0, &p);
	ck_assert_double_eq_tol(p, 0.5, 0.01);
	geo_region_free(r);
}
END_TEST

/* LF-39, Q-17, Q-19: the draft's Solid, extruded 0-25 m. */
START_TEST(test_building10_3d)
{
	struct geo_region *r = b10_region("building10-3d");
	struct geo_shape s;
	enum geo_position pos;
	double p;

	ck_assert_int_eq(at3(r, 37.41165, -121.93190, 10), GEO_POS_INSIDE);
	ck_assert_int_eq(at3(r, 37.41165, -121.93190, 30), GEO_POS_OUTSIDE);
	ck_assert_int_eq(at3(r, 37.41165, -121.93190, -1), GEO_POS_OUTSIDE);
	ck_assert_int_eq(at3(r, 37.41165, -121.93190, 25), GEO_POS_INSIDE);
	ck_assert_int_eq(at3(r, 37.41165, -121.93190, 0), GEO_POS_INSIDE);
	ck_assert_int_eq(at3(r, 37.41200, -121.93190, 10), GEO_POS_OUTSIDE);
	/* no altitude: inside the footprint => undefined; outside => out */
	ck_assert_int_eq(at(r, 37.41165, -121.93190), GEO_POS_UNDEFINED);
	ck_assert_int_eq(at(r, 37.41200, -121.93190), GEO_POS_OUTSIDE);
	/* 2-D uncertainty: same rule */
	ck_assert_int_eq(circle_at(r, 37.41165, -121.93190, 10, 0.95, &p),
			 GEO_POS_UNDEFINED);
	ck_assert_double_eq_tol(p, 0, 1e-12);
	ck_assert_int_eq(circle_at(r, 37.42165, -121.93190, 10, 0.95, &p),
			 GEO_POS_OUTSIDE);
	/* a sphere of 4 m at 10 m: inside; at 26 m: half above */
	memset(&s, 0, sizeof(s));
	s.kind = GEO_SHAPE_SPHERE;
	s.dim = 3;
	s.center.lat = 37.41165;
	s.center.lon = -121.93190;
	s.center.alt = 10;
	s.center.has_alt = true;
	s.radius = 4;
	ck_assert_int_eq(geo_region_test(ctx, r, &s, 0.95, &pos, &p), 0);
	ck_assert_int_eq(pos, GEO_POS_INSIDE);
	ck_assert_double_eq_tol(p, 0.95, 1e-9);
	s.center.alt = 25;
	ck_assert_int_eq(geo_region_test(ctx, r, &s, 0.95, &pos, &p), 0);
	ck_assert_int_eq(pos, GEO_POS_UNDEFINED);
	ck_assert_double_eq_tol(p, 0.475, 1e-9);
	s.center.alt = 40;
	ck_assert_int_eq(geo_region_test(ctx, r, &s, 0.95, &pos, &p), 0);
	ck_assert_int_eq(pos, GEO_POS_OUTSIDE);
	geo_region_free(r);
}
END_TEST

START_TEST(test_hole)
{
	struct geo_region *r = region_of(
		"<gml:Polygon " GT_NS "srsName=\"EPSG:4326\"><gml:exterior>"
		"<gml:LinearRing><gml:posList>0 0 0 10 10 10 10 0 0 0"
		"</gml:posList></gml:LinearRing></gml:exterior><gml:interior>"
		"<gml:LinearRing><gml:posList>4 4 6 4 6 6 4 6 4 4"
		"</gml:posList></gml:LinearRing></gml:interior>"
		"</gml:Polygon>");

	ck_assert_int_eq(at(r, 2, 2), GEO_POS_INSIDE);
	ck_assert_int_eq(at(r, 5, 5), GEO_POS_OUTSIDE);
	ck_assert_int_eq(at(r, 4.5, 5.5), GEO_POS_OUTSIDE);
	ck_assert_int_eq(at(r, 4, 5), GEO_POS_INSIDE);     /* hole edge */
	ck_assert_int_eq(at(r, 6, 6), GEO_POS_INSIDE);     /* hole corner */
	ck_assert_int_eq(at(r, 10, 10), GEO_POS_INSIDE);
	ck_assert_int_eq(at(r, 11, 5), GEO_POS_OUTSIDE);
	ck_assert_int_eq(at(r, 5, -0.5), GEO_POS_OUTSIDE);
	geo_region_free(r);
}
END_TEST

/* Q-13, T17: a polygon spanning lon 179.9 ... -179.9. */
START_TEST(test_antimeridian)
{
	struct geo_region *r = region_of(
		"<gml:Polygon " GT_NS "srsName=\"urn:ogc:def:crs:EPSG::4326\">"
		"<gml:exterior><gml:LinearRing><gml:posList>"
		"10 179.9 10 -179.9 11 -179.9 11 179.9 10 179.9"
		"</gml:posList></gml:LinearRing></gml:exterior>"
		"</gml:Polygon>");
	struct geo_region *w = region_of(
		"<gml:Polygon " GT_NS "srsName=\"urn:ogc:def:crs:EPSG::4326\">"
		"<gml:exterior><gml:LinearRing><gml:posList>"
		"-10 -179.5 -10 179.5 -11 179.5 -11 -179.5 -10 -179.5"
		"</gml:posList></gml:LinearRing></gml:exterior>"
		"</gml:Polygon>");
	double p;

	ck_assert_int_eq(at(r, 10.5, -179.95), GEO_POS_INSIDE);
	ck_assert_int_eq(at(r, 10.5, 179.95), GEO_POS_INSIDE);
	ck_assert_int_eq(at(r, 10.5, 180), GEO_POS_INSIDE);
	ck_assert_int_eq(at(r, 10.5, -180), GEO_POS_INSIDE);
	ck_assert_int_eq(at(r, 10.5, 179.8), GEO_POS_OUTSIDE);
	ck_assert_int_eq(at(r, 10.5, -179.8), GEO_POS_OUTSIDE);
	ck_assert_int_eq(at(r, 10.5, 0), GEO_POS_OUTSIDE);
	ck_assert_int_eq(at(r, 9.5, -179.95), GEO_POS_OUTSIDE);
	ck_assert_int_eq(at(w, -10.5, 179.9), GEO_POS_INSIDE);
	ck_assert_int_eq(at(w, -10.5, -179.9), GEO_POS_INSIDE);
	ck_assert_int_eq(at(w, -10.5, 179), GEO_POS_OUTSIDE);
	/* a circle fence across the antimeridian; one around a pole */
	{
		struct geo_region *c = region_of(
			"<gs:Circle " GT_NS "srsName=\"EPSG:4326\"><gml:pos>"
			"0 179.99</gml:pos><gs:radius>5000</gs:radius>"
			"</gs:Circle>");
		struct geo_shape *pole = shape_of(
			"<gs:Circle " GT_NS "srsName=\"EPSG:4326\"><gml:pos>"
			"89.99 0</gml:pos><gs:radius>5000</gs:radius>"
			"</gs:Circle>");
		struct geo_region *pr = NULL;
		struct geo_err e = { 0 };

		ck_assert_int_eq(at(c, 0, -179.99), GEO_POS_INSIDE);
		ck_assert_int_eq(at(c, 0.01, 180), GEO_POS_INSIDE);
		ck_assert_int_eq(at(c, 0, -179.9), GEO_POS_OUTSIDE);
		geo_region_free(c);
		/* a region around a pole is refused */
		ck_assert_int_eq(geo_region_alloc(ctx, &pole, 1, &pr, &e),
				 EBADMSG);
		ck_assert_ptr_nonnull(strstr(e.msg, "pole"));
		geo_shape_free(pole);
	}
	/* an estimate across the antimeridian */
	ck_assert_int_eq(circle_at(r, 10.5, 180, 500, 0.95, &p),
			 GEO_POS_INSIDE);
	ck_assert_double_eq_tol(p, 0.95, 1e-6);
	geo_region_free(r);
	geo_region_free(w);
}
END_TEST

/* T6, T7 (LOCATION.md 8.1): circle fence r = 1000 m. */
START_TEST(test_t6_t7)
{
	struct geo_region *r = region_of(
		"<gs:Circle " GT_NS "srsName=\"urn:ogc:def:crs:EPSG::4326\">"
		"<gml:pos>48.2 16.37</gml:pos><gs:radius uom=\"urn:ogc:def:"
		"uom:EPSG::9001\">1000</gs:radius></gs:Circle>");
	struct geod_geodesic g;
	double lat, lon, p;

	/* T6: r = 20 m fully inside, C = 95 % => P(in) = 0.95, inside */
	ck_assert_int_eq(circle_at(r, 48.2, 16.37, 20, 0.95, &p),
			 GEO_POS_INSIDE);
	ck_assert_double_eq_tol(p, 0.95, 1e-9);
	geod_init(&g, 6378137, 1 / 298.257223563);
	geod_direct(&g, 48.2, 16.37, 300, 900, &lat, &lon, NULL);
	ck_assert_int_eq(circle_at(r, lat, lon, 20, 0.95, &p),
			 GEO_POS_INSIDE);
	/* T7: centred exactly on the fence edge, P ~ 0.475 each way */
	geod_direct(&g, 48.2, 16.37, 77, 1000, &lat, &lon, NULL);
	ck_assert_int_eq(circle_at(r, lat, lon, 20, 0.95, &p),
			 GEO_POS_UNDEFINED);
	ck_assert_msg(fabs(p - 0.475) < 0.01, "p = %f", p);
	/* points: centre inside, 1001 m out */
	ck_assert_int_eq(at(r, 48.2, 16.37), GEO_POS_INSIDE);
	geod_direct(&g, 48.2, 16.37, 10, 1001, &lat, &lon, NULL);
	ck_assert_int_eq(at(r, lat, lon), GEO_POS_OUTSIDE);
	geod_direct(&g, 48.2, 16.37, 10, 995, &lat, &lon, NULL);
	ck_assert_int_eq(at(r, lat, lon), GEO_POS_INSIDE);
	geo_region_free(r);
}
END_TEST

/* Ellipse and ArcBand estimates; polygon estimate. */
START_TEST(test_estimates)
{
	struct geo_region *r = region_of(
		"<gml:Polygon " GT_NS "srsName=\"EPSG:4326\"><gml:exterior>"
		"<gml:LinearRing><gml:posList>0 0 0 0.01 0.01 0.01 0.01 0 0 0"
		"</gml:posList></gml:LinearRing></gml:exterior>"
		"</gml:Polygon>");
	struct geo_shape *s;
	enum geo_position pos;
	double p;

	/* ellipse 400 x 50 m, major axis east-west, centred inside */
	s = shape_of("<gs:Ellipse " GT_NS "srsName=\"EPSG:4326\"><gml:pos>"
		     "0.005 0.005</gml:pos><gs:semiMajorAxis>400"
		     "</gs:semiMajorAxis><gs:semiMinorAxis>"
		     "50</gs:semiMinorAxis>"
		     "<gs:orientation uom=\"urn:ogc:def:uom:EPSG::9101\">"
		     "1.5707963267948966</gs:orientation></gs:Ellipse>");
	ck_assert_double_eq_tol(s->orientation, 90, 1e-9);
	ck_assert_int_eq(geo_region_test(ctx, r, s, 0.9, &pos, &p), 0);
	ck_assert_int_eq(pos, GEO_POS_INSIDE);
	ck_assert_double_eq_tol(p, 0.9, 1e-9);
	geo_shape_free(s);
	/* same ellipse on the west edge, pointing east: half in */
	s = shape_of("<gs:Ellipse " GT_NS "srsName=\"EPSG:4326\"><gml:pos>"
		     "0.005 0</gml:pos><gs:semiMajorAxis>400</gs:semiMajorAxis"
		     ">"
		     "<gs:semiMinorAxis>50</gs:semiMinorAxis><gs:orientation>"
		     "90</gs:orientation></gs:Ellipse>");
	ck_assert_int_eq(geo_region_test(ctx, r, s, 1.0, &pos, &p), 0);
	ck_assert_double_eq_tol(p, 0.5, 0.01);
	geo_shape_free(s);
	/* arcband: sector pointing north-east into the square */
	s = shape_of("<gs:ArcBand " GT_NS "srsName=\"EPSG:4326\"><gml:pos>"
		     "0 0</gml:pos><gs:innerRadius>100</gs:innerRadius>"
		     "<gs:outerRadius>500</gs:outerRadius><gs:startAngle>10"
		     "</gs:startAngle><gs:openingAngle>70</gs:openingAngle>"
		     "</gs:ArcBand>");
	ck_assert_int_eq(geo_region_test(ctx, r, s, 0.95, &pos, &p), 0);
	ck_assert_int_eq(pos, GEO_POS_INSIDE);
	ck_assert_double_eq_tol(p, 0.95, 1e-6);
	geo_shape_free(s);
	/* pointing south-west: outside */
	s = shape_of("<gs:ArcBand " GT_NS "srsName=\"EPSG:4326\"><gml:pos>"
		     "0 0</gml:pos><gs:innerRadius>100</gs:innerRadius>"
		     "<gs:outerRadius>500</gs:outerRadius><gs:startAngle>190"
		     "</gs:startAngle><gs:openingAngle>70</gs:openingAngle>"
		     "</gs:ArcBand>");
	ck_assert_int_eq(geo_region_test(ctx, r, s, 0.95, &pos, &p), 0);
	ck_assert_int_eq(pos, GEO_POS_OUTSIDE);
	ck_assert_double_eq_tol(p, 0, 1e-9);
	geo_shape_free(s);
	/* polygon estimate: the west half of the square, shifted by half */
	s = shape_of("<gml:Polygon " GT_NS "srsName=\"EPSG:4326\">"
		     "<gml:exterior><gml:LinearRing><gml:posList>0 -0.005 "
		     "0 0.005 0.01 0.005 0.01 -0.005 0 -0.005</gml:posList>"
		     "</gml:LinearRing></gml:exterior></gml:Polygon>");
	ck_assert_int_eq(geo_region_test(ctx, r, s, 1.0, &pos, &p), 0);
	ck_assert_double_eq_tol(p, 0.5, 0.001);
	ck_assert_int_ne(pos, GEO_POS_UNDEFINED); /* C = 1: no dead band */
	ck_assert_int_eq(geo_region_test(ctx, r, s, 0.95, &pos, &p), 0);
	ck_assert_int_eq(pos, GEO_POS_UNDEFINED);
	ck_assert_int_eq(geo_region_test(ctx, r, s, 1.5, &pos, &p), EINVAL);
	geo_shape_free(s);
	geo_region_free(r);
}
END_TEST

/* A region of two far-apart parts (a feature with two geometries). */
START_TEST(test_multi_part)
{
	struct geo_shape *sh[2];
	struct geo_region *r = NULL;
	struct geo_err e = { 0 };
	double p;

	sh[0] = shape_of("<gml:Polygon " GT_NS "srsName=\"EPSG:4326\">"
			 "<gml:exterior><gml:LinearRing><gml:posList>0 0 0 "
			 "0.01 "
			 "0.01 0.01 0.01 0 0 0</gml:posList></gml:LinearRing>"
			 "</gml:exterior></gml:Polygon>");
	sh[1] = shape_of("<gs:Circle " GT_NS "srsName=\"EPSG:4326\">"
			 "<gml:pos>-40 170</gml:pos><gs:radius>"
			 "5000</gs:radius>"
			 "</gs:Circle>");
	ck_assert_int_eq(geo_region_alloc(ctx, sh, 2, &r, &e), 0);
	ck_assert_uint_eq(geo_ctx_interned(ctx), 2);
	ck_assert_int_eq(at(r, 0.005, 0.005), GEO_POS_INSIDE);
	ck_assert_int_eq(at(r, -40.01, 170.01), GEO_POS_INSIDE);
	ck_assert_int_eq(at(r, 40, -170), GEO_POS_OUTSIDE);
	ck_assert_int_eq(circle_at(r, 0.005, 0.005, 100, 0.95, &p),
			 GEO_POS_INSIDE);
	ck_assert_double_eq_tol(p, 0.95, 1e-9);
	ck_assert_int_eq(circle_at(r, -40, 170.03, 1000, 0.95, &p),
			 GEO_POS_INSIDE);
	ck_assert_int_eq(circle_at(r, 40, -170, 1000, 0.95, &p),
			 GEO_POS_OUTSIDE);
	ck_assert_double_eq(p, 0);
	/* a huge estimate over both: small fraction, outside */
	ck_assert_int_eq(circle_at(r, -20, 85, 9e6, 0.95, &p),
			 GEO_POS_OUTSIDE);
	ck_assert(p < 0.01);
	geo_region_free(r);
	geo_shape_free(sh[0]);
	geo_shape_free(sh[1]);
}
END_TEST

/* A point estimate goes the exact way; p is 1, 0 or NaN. */
START_TEST(test_point_estimate)
{
	struct geo_region *r = b10_region("building10-3d");
	struct geo_shape s;
	enum geo_position pos;
	double p;

	memset(&s, 0, sizeof(s));
	s.kind = GEO_SHAPE_POINT;
	s.center.lat = 37.41165;
	s.center.lon = -121.93190;
	ck_assert_int_eq(geo_region_test(ctx, r, &s, 0.95, &pos, &p), 0);
	ck_assert_int_eq(pos, GEO_POS_UNDEFINED);
	ck_assert(isnan(p));
	s.center.has_alt = true;
	s.center.alt = 3;
	ck_assert_int_eq(geo_region_test(ctx, r, &s, 0.95, &pos, &p), 0);
	ck_assert_int_eq(pos, GEO_POS_INSIDE);
	ck_assert_double_eq(p, 1.0);
	s.center.lat = 91;
	ck_assert_int_eq(geo_region_test(ctx, r, &s, 0.95, &pos, &p),
			 EINVAL);
	geo_region_free(r);
}
END_TEST

/* Identical geometries share one prepared polygon (refcounted). */
START_TEST(test_interning)
{
	struct geo_region *a = b10_region("building10");
	struct geo_region *b = b10_region("building10");
	struct geo_region *c, *d;

	ck_assert_uint_eq(geo_ctx_interned(ctx), 1);
	/* same ring, clockwise and starting elsewhere */
	c = region_of("<gml:Polygon " GT_NS "srsName=\"EPSG:4326\">"
		      "<gml:exterior><gml:LinearRing><gml:posList>"
		      "37.41142 -121.93132 37.41188 -121.93132 "
		      "37.41188 -121.93243 37.41142 -121.93242 "
		      "37.41142 -121.93132</gml:posList></gml:LinearRing>"
		      "</gml:exterior></gml:Polygon>");
	ck_assert_uint_eq(geo_ctx_interned(ctx), 1);
	d = b10_region("building10-3d");      /* same footprint, 3-D */
	ck_assert_uint_eq(geo_ctx_interned(ctx), 2);
	ck_assert_ptr_eq(geo_region_ref(d), d);
	geo_region_free(d);
	geo_region_free(a);
	geo_region_free(b);
	ck_assert_uint_eq(geo_ctx_interned(ctx), 2);
	ck_assert_int_eq(at(c, 37.41165, -121.93190), GEO_POS_INSIDE);
	geo_region_free(c);
	ck_assert_uint_eq(geo_ctx_interned(ctx), 1);
	geo_region_free(d);
	ck_assert_uint_eq(geo_ctx_interned(ctx), 0);
}
END_TEST

START_TEST(test_region_errors)
{
	struct geo_shape *s = shape_of("<gml:Point " GT_NS "><gml:pos>1 2"
				       "</gml:pos></gml:Point>");
	struct geo_region *r = NULL;
	struct geo_err e = { 0 };

	ck_assert_int_eq(geo_region_alloc(ctx, &s, 1, &r, &e), ENOTSUP);
	ck_assert_ptr_nonnull(strstr(e.msg, "Point"));
	ck_assert_int_eq(geo_region_alloc(ctx, &s, 0, &r, &e), EINVAL);
	ck_assert_int_eq(geo_region_alloc(ctx, NULL, 1, &r, &e), EINVAL);
	ck_assert_ptr_null(r);
	geo_shape_free(s);
	/* a hand-made bow-tie is refused at install too */
	s = calloc(1, sizeof(*s));
	s->kind = GEO_SHAPE_POLYGON;
	s->nrings = 1;
	s->rings = calloc(1, sizeof(*s->rings));
	s->rings[0].n = 5;
	s->rings[0].pts = calloc(5, sizeof(struct geo_point));
	s->rings[0].pts[1].lat = 1;
	s->rings[0].pts[1].lon = 1;
	s->rings[0].pts[2].lat = 1;
	s->rings[0].pts[3].lon = 1;
	ck_assert_int_eq(geo_region_alloc(ctx, &s, 1, &r, &e), EBADMSG);
	ck_assert_str_eq(e.msg, "self-intersecting ring");
	geo_shape_free(s);
	ck_assert_str_eq(geo_position_name(GEO_POS_INSIDE), "inside");
	ck_assert_str_eq(geo_position_name(GEO_POS_OUTSIDE), "outside");
	ck_assert_str_eq(geo_position_name(GEO_POS_UNDEFINED), "undefined");
}
END_TEST

TCase *tcase_region(void);
TCase *tcase_region(void)
{
	TCase *tc = tcase_create("region");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_building10_2d);
	tcase_add_test(tc, test_building10_3d);
	tcase_add_test(tc, test_hole);
	tcase_add_test(tc, test_antimeridian);
	tcase_add_test(tc, test_t6_t7);
	tcase_add_test(tc, test_estimates);
	tcase_add_test(tc, test_point_estimate);
	tcase_add_test(tc, test_multi_part);
	tcase_add_test(tc, test_interning);
	tcase_add_test(tc, test_region_errors);
	return tc;
}
