/*
 * test_ctx.c: geo/ctx.c. Limits, the log sink, error reasons, enum
 * names, and one context per thread with no shared state (two threads
 * parse and test Building 10 at once and agree with a serial run).
 */
#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <syslog.h>

#include "geo/geo.h"
#include "tests/unit/geo/geo_test.h"

static const char b10[] =
	"<gml:Polygon " GT_NS "><gml:exterior><gml:LinearRing>"
	"<gml:posList srsName=\"http://www.opengis.net/gml/srs/epsg.xml/"
	"#4979\">37.41188 -121.93243 0 37.41188 -121.93132 0 "
	"37.41142 -121.93132 0 37.41142 -121.93242 0</gml:posList>"
	"</gml:LinearRing></gml:exterior></gml:Polygon>";

struct job {
	int inside;
	int warnings;
	int rc;
};

static void log_h(int level, const char *msg, void *arg)
{
	struct job *j = arg;

	if (level == LOG_WARNING && strstr(msg, "not closed"))
		j->warnings++;
}

static void *run(void *arg)
{
	struct job *j = arg;
	struct geo_ctx *ctx;
	struct geo_shape *s = NULL;
	struct geo_region *r = NULL;
	struct geo_err e;
	xmlDoc *doc = gt_doc(b10);
	int i;

	j->rc = geo_ctx_alloc(&ctx, NULL);
	if (j->rc)
		return NULL;
	geo_ctx_set_log(ctx, log_h, j);
	for (i = 0; i < 200 && !j->rc; i++) {
		struct geo_point p = { 37.4110 + 0.00001 * (i % 100),
				       -121.93190, 0, false };
		enum geo_position pos;
		j->rc = geo_gml_parse(ctx, gt_root(doc), &s, &e);
		if (!j->rc)
			j->rc = geo_region_alloc(ctx, &s, 1, &r, &e);
		if (!j->rc)
			j->rc = geo_region_test_point(ctx, r, &p, &pos);
		if (!j->rc && pos == GEO_POS_INSIDE)
			j->inside++;
		geo_region_free(r);
		geo_shape_free(s);
		r = NULL;
		s = NULL;
	}
	xmlFreeDoc(doc);
	geo_ctx_free(ctx);
	return NULL;
}

/* No global mutable state: contexts in two threads at once. */
START_TEST(test_threads)
{
	struct job serial = { 0 }, a = { 0 }, b = { 0 };
	pthread_t ta, tb;

	run(&serial);
	ck_assert_int_eq(serial.rc, 0);
	ck_assert_int_eq(serial.warnings, 200);     /* Q-14 auto-close */
	/* 37.4110 + 0.00001 k inside for k = 42 .. 88 (ends rounded) */
	ck_assert_int_ge(serial.inside, 2 * 45);
	ck_assert_int_le(serial.inside, 2 * 47);
	ck_assert_int_eq(pthread_create(&ta, NULL, run, &a), 0);
	ck_assert_int_eq(pthread_create(&tb, NULL, run, &b), 0);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	ck_assert_int_eq(a.rc, 0);
	ck_assert_int_eq(b.rc, 0);
	ck_assert_int_eq(a.inside, serial.inside);
	ck_assert_int_eq(b.inside, serial.inside);
	ck_assert_int_eq(a.warnings, 200);
	ck_assert_int_eq(b.warnings, 200);
}
END_TEST

START_TEST(test_limits_and_errors)
{
	struct geo_limits lim;
	struct geo_ctx *ctx;
	struct geo_err e = { 0 };
	struct geo_region *r = NULL;
	xmlDoc *doc;
	struct geo_shape *s;

	memset(&lim, 0xff, sizeof(lim));
	geo_limits_init(&lim);
	ck_assert_uint_eq(lim.max_vertices, 10000);
	ck_assert_uint_eq(lim.max_rings, 64);
	ck_assert_uint_eq(lim.max_patches, 64);
	ck_assert_uint_eq(lim.max_shapes, 32);
	ck_assert_uint_eq(lim.max_depth, 32);
	ck_assert_int_eq(geo_ctx_alloc(NULL, NULL), EINVAL);
	lim.max_depth = 1;
	ck_assert_int_eq(geo_ctx_alloc(&ctx, &lim), 0);
	ck_assert_uint_eq(geo_ctx_limits(ctx)->max_depth, 1);
	/* a geometry nested below max_depth is refused */
	doc = gt_doc("<a><b><gml:Point " GT_NS "><gml:pos>1 2</gml:pos>"
		     "</gml:Point></b></a>");
	ck_assert_int_eq(geo_gml_parse(ctx, gt_root(doc)->children->children,
				       &s, &e), EOVERFLOW);
	ck_assert_int_eq(e.code, EOVERFLOW);
	ck_assert_ptr_nonnull(strstr(e.msg, "nested"));
	xmlFreeDoc(doc);
	/* errors without a specific reason still carry one */
	ck_assert_int_eq(geo_region_alloc(ctx, NULL, 1, &r, &e), EINVAL);
	ck_assert_str_eq(e.msg, "bad argument");
	geo_ctx_free(ctx);
	/* huge limits allocate nothing up front */
	geo_limits_init(&lim);
	lim.max_vertices = SIZE_MAX;
	lim.max_rings = SIZE_MAX;
	lim.max_patches = SIZE_MAX;
	lim.max_shapes = SIZE_MAX;
	ck_assert_int_eq(geo_ctx_alloc(&ctx, &lim), 0);
	doc = gt_doc(b10);
	ck_assert_int_eq(geo_gml_parse(ctx, gt_root(doc), &s, &e), 0);
	ck_assert_uint_eq(s->rings[0].n, 5);
	geo_shape_free(s);
	xmlFreeDoc(doc);
	geo_ctx_free(ctx);
	geo_ctx_free(NULL);
	ck_assert_ptr_null(geo_ctx_limits(NULL));
	ck_assert_str_eq(geo_shape_kind_name(GEO_SHAPE_PRISM), "Prism");
	ck_assert_str_eq(geo_shape_kind_name(GEO_SHAPE_POINT), "Point");
}
END_TEST

TCase *tcase_ctx(void);
TCase *tcase_ctx(void)
{
	TCase *tc = tcase_create("ctx");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_threads);
	tcase_add_test(tc, test_limits_and_errors);
	return tc;
}
