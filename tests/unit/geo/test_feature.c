/*
 * test_feature.c: geo/feature.c: the draft's 2-D Building 10 feature
 * (T19, Q-16), features with several geometries, unsupported geometries
 * (ENOTSUP, never dropped), xlink:href-only features, max_shapes.
 */
#include <check.h>
#include <errno.h>
#include <string.h>
#include <syslog.h>

#include "geo/geo.h"
#include "tests/unit/geo/geo_test.h"

static struct geo_ctx *ctx;
static int warnings;

static void log_h(int level, const char *msg, void *arg)
{
	(void)msg;
	(void)arg;
	if (level <= LOG_WARNING)
		warnings++;
}

static void setup(void)
{
	ck_assert_int_eq(geo_ctx_alloc(&ctx, NULL), 0);
	geo_ctx_set_log(ctx, log_h, NULL);
	warnings = 0;
}

static void teardown(void)
{
	geo_ctx_free(ctx);
	ctx = NULL;
}

#define B10_POSLIST \
	"<gml:posList srsName=\"http://www.opengis.net/gml/srs/epsg.xml/" \
	"#4979\">37.41188 -121.93243 0 37.41188 -121.93132 0 " \
	"37.41142 -121.93132 0 37.41142 -121.93242 0 " \
	"37.41188 -121.93243 0</gml:posList>"

static const char b10_2d[] =
	"<my:Building " GT_NS "gml:id=\"b10\">"
	"<gml:name>Building 10</gml:name><gml:extentOf><gml:Polygon>"
	"<gml:exterior><gml:LinearRing>" B10_POSLIST
	"</gml:LinearRing></gml:exterior></gml:Polygon></gml:extentOf>"
	"</my:Building>";

/* T19, Q-16: 2-D polygon, .../epsg.xml/#4979 on posList, 3-tuples. */
START_TEST(test_building10_2d)
{
	xmlDoc *doc = gt_doc(b10_2d);
	struct geo_feature *f = NULL;
	struct geo_err e = { 0 };
	const struct geo_shape *s;

	ck_assert_int_eq(geo_feature_parse(ctx, gt_root(doc), &f, &e), 0);
	xmlFreeDoc(doc);
	ck_assert_str_eq(f->id, "b10");
	ck_assert_str_eq(f->name, "Building 10");
	ck_assert_uint_eq(f->nshapes, 1);
	s = f->shapes[0];
	ck_assert_int_eq(s->kind, GEO_SHAPE_POLYGON);
	ck_assert_uint_eq(s->dim, 2);
	ck_assert_uint_eq(s->nrings, 1);
	ck_assert_uint_eq(s->rings[0].n, 5);
	ck_assert_double_eq(s->rings[0].pts[0].lat, 37.41188);
	ck_assert_double_eq(s->rings[0].pts[0].lon, -121.93243);
	ck_assert(!s->rings[0].pts[0].has_alt);
	ck_assert_double_eq(s->rings[0].pts[3].lon, -121.93242);
	ck_assert_int_eq(warnings, 0);
	geo_feature_free(f);
}
END_TEST

/* A feature with several geometries; max_shapes. */
START_TEST(test_feature_shapes)
{
	xmlDoc *doc = gt_doc("<my:Zone " GT_NS "><gml:name>z</gml:name>"
			     "<my:a><gml:Point><gml:pos>1 2</gml:pos>"
			     "</gml:Point></my:a><gml:Point><gml:pos>3 4"
			     "</gml:pos></gml:Point><my:nothing>x</my:nothing>"
			     "</my:Zone>");
	struct geo_limits lim;
	struct geo_ctx *small;
	struct geo_feature *f;
	struct geo_err e;

	ck_assert_int_eq(geo_feature_parse(ctx, gt_root(doc), &f, &e), 0);
	ck_assert_uint_eq(f->nshapes, 2);
	ck_assert_ptr_null(f->id);
	ck_assert_double_eq(f->shapes[1]->center.lat, 3);
	geo_feature_free(f);
	{
		/* an unsupported geometry is reported, not dropped */
		xmlDoc *d2 = gt_doc("<my:Zone " GT_NS "><gml:extentOf>"
				    "<gml:MultiSurface/></gml:extentOf>"
				    "</my:Zone>");
		ck_assert_int_eq(geo_feature_parse(ctx, gt_root(d2), &f, &e),
				 ENOTSUP);
		ck_assert_ptr_nonnull(strstr(e.msg, "MultiSurface"));
		xmlFreeDoc(d2);
		/* xlink:href only: no geometry */
		d2 = gt_doc("<my:Garage " GT_NS "xmlns:xlink=\"http://www.w3."
			    "org/1999/xlink\" xlink:href=\"http://server."
			    "example.com/loc-defs/bldg-mgr/parking\"/>");
		ck_assert_int_eq(geo_feature_parse(ctx, gt_root(d2), &f, &e),
				 0);
		ck_assert_uint_eq(f->nshapes, 0);
		geo_feature_free(f);
		xmlFreeDoc(d2);
	}
	geo_limits_init(&lim);
	lim.max_shapes = 1;
	ck_assert_int_eq(geo_ctx_alloc(&small, &lim), 0);
	ck_assert_int_eq(geo_feature_parse(small, gt_root(doc), &f, &e),
			 EOVERFLOW);
	geo_ctx_free(small);
	xmlFreeDoc(doc);
}
END_TEST

TCase *tcase_feature(void);
TCase *tcase_feature(void)
{
	TCase *tc = tcase_create("feature");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_building10_2d);
	tcase_add_test(tc, test_feature_shapes);
	return tc;
}
