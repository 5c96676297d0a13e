/*
 * test_gml.c: geo/gml.c: CRS spellings (LOCATION.md section 3.2),
 * srsName inheritance and inference, gml:Point and gml:Polygon
 * (holes, pos sequences), every rejected input with its code (Q-14, T18,
 * SEC-18), mutated documents.
 */
#include <check.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "geo/geo.h"
#include "tests/unit/geo/geo_test.h"
#include "tests/unit/testutil.h"

static struct geo_ctx *ctx;
static int warnings;

static void log_h(int level, const char *msg, void *arg)
{
	(void)msg;
	(void)arg;
	if (level == LOG_WARNING)
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

/* Parse xml's root with geo_gml_parse; returns the code. */
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


struct crs_case {
	const char *srs;
	int rc;
	unsigned dim;
};

/* LOCATION.md 3.2: every accepted spelling, lat-first; others ENOTSUP. */
START_TEST(test_crs_spellings)
{
	static const struct crs_case cases[] = {
		{ "urn:ogc:def:crs:EPSG::4326", 0, 2 },
		{ "urn:ogc:def:crs:EPSG::4979", 0, 3 },
		{ "URN:OGC:DEF:CRS:EPSG::4326", 0, 2 },
		{ "urn:ogc:def:crs:EPSG:6.6:4326", 0, 2 },
		{ "urn:ogc:def:crs:EPSG:9.8.1:4979", 0, 3 },
		{ "http://www.opengis.net/gml/srs/epsg.xml#4326", 0, 2 },
		{ "http://www.opengis.net/gml/srs/epsg.xml#4979", 0, 3 },
		{ "http://www.opengis.net/gml/srs/epsg.xml/#4979", 0, 3 },
		{ "http://www.opengis.net/def/crs/EPSG/0/4326", 0, 2 },
		{ "http://www.opengis.net/def/crs/EPSG/0/4979", 0, 3 },
		{ "EPSG:4326", 0, 2 },
		{ "epsg:4979", 0, 3 },
		{ "urn:ogc:def:crs:EPSG::3857", ENOTSUP, 0 },
		{ "urn:ogc:def:crs:OGC:1.3:CRS84", ENOTSUP, 0 },
		{ "http://www.opengis.net/def/crs/EPSG/0/43260", ENOTSUP, 0 },
		{ "urn:ogc:def:crs:EPSG:x:4326", ENOTSUP, 0 },
		{ "", ENOTSUP, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char xml[512];
		struct geo_shape *s;
		struct geo_err e = { 0 };
		int rc;

		snprintf(xml, sizeof(xml), "<gml:Point " GT_NS
			 "srsName=\"%s\"><gml:pos>%s</gml:pos></gml:Point>",
			 cases[i].srs, cases[i].dim == 3 ? "37.5 -122.25 12"
			 : "37.5 -122.25");
		rc = parse(xml, &s, &e);
		ck_assert_msg(rc == cases[i].rc, "%s: %d", cases[i].srs, rc);
		if (rc) {
			ck_assert_int_eq(e.code, rc);
			ck_assert_ptr_nonnull(strstr(e.msg, "CRS"));
			continue;
		}
		ck_assert_int_eq(s->kind, GEO_SHAPE_POINT);
		ck_assert_uint_eq(s->dim, cases[i].dim);
		ck_assert_double_eq(s->center.lat, 37.5);
		ck_assert_double_eq(s->center.lon, -122.25);
		ck_assert(s->center.has_alt == (cases[i].dim == 3));
		if (cases[i].dim == 3)
			ck_assert_double_eq(s->center.alt, 12);
		geo_shape_free(s);
	}
}
END_TEST

/* 3.2: no srsName: dimension from the tuple size. */
START_TEST(test_crs_inferred)
{
	struct geo_shape *s;
	struct geo_err e;

	ck_assert_int_eq(parse("<gml:Point " GT_NS "><gml:pos>1 2 3"
			       "</gml:pos></gml:Point>", &s, &e), 0);
	ck_assert_uint_eq(s->dim, 3);
	ck_assert_double_eq(s->center.alt, 3);
	geo_shape_free(s);
	ck_assert_int_eq(parse("<gml:Polygon " GT_NS "><gml:exterior>"
			       "<gml:LinearRing><gml:posList>0 0 0 1 1 1 0 0"
			       "</gml:posList></gml:LinearRing></gml:exterior>"
			       "</gml:Polygon>", &s, &e), 0);
	ck_assert_uint_eq(s->rings[0].n, 4);
	geo_shape_free(s);
	/* 3-tuples that close only as 3-tuples */
	ck_assert_int_eq(parse("<gml:Polygon " GT_NS "><gml:exterior>"
			       "<gml:LinearRing><gml:posList>0 0 5 0 1 5 1 1 5"
			       " 0 0 5</gml:posList></gml:LinearRing>"
			       "</gml:exterior></gml:Polygon>", &s, &e), 0);
	ck_assert_uint_eq(s->rings[0].n, 4);
	ck_assert_double_eq(s->rings[0].pts[2].lat, 1);
	geo_shape_free(s);
}
END_TEST

/* PL-3, Q-16: srsName inherited from the outer element. */
START_TEST(test_srs_inherited)
{
	struct geo_shape *s;
	struct geo_err e;

	ck_assert_int_eq(parse("<gml:Polygon " GT_NS "srsName=\"urn:ogc:def:"
			       "crs:EPSG::4326\"><gml:exterior>"
			       "<gml:LinearRing>"
			       "<gml:pos>10 20</gml:pos>"
			       "<gml:pos>10 21</gml:pos>"
			       "<gml:pos>11 21</gml:pos>"
			       "<gml:pos>10 20</gml:pos>"
			       "</gml:LinearRing></gml:exterior>"
			       "</gml:Polygon>", &s, &e), 0);
	ck_assert_uint_eq(s->rings[0].n, 4);
	ck_assert_double_eq(s->rings[0].pts[1].lon, 21);
	geo_shape_free(s);
	/* 4326 says 2 values per position: 3-tuples are rejected */
	ck_assert_int_eq(parse("<gml:Point " GT_NS "srsName=\"EPSG:4326\">"
			       "<gml:pos>1 2 3</gml:pos></gml:Point>", &s, &e),
			 EBADMSG);
	ck_assert_int_eq(parse("<gml:Polygon " GT_NS "srsName=\"EPSG:4326\">"
			       "<gml:exterior><gml:LinearRing><gml:posList "
			       "srsDimension=\"3\">0 0 0 0 1 0 1 1 0 0 0 0"
			       "</gml:posList></gml:LinearRing></gml:exterior>"
			       "</gml:Polygon>", &s, &e), EBADMSG);
	ck_assert_ptr_nonnull(strstr(e.msg, "srsDimension"));
}
END_TEST

/* Polygon with a hole; clockwise exterior accepted. */
START_TEST(test_polygon_hole)
{
	struct geo_shape *s;
	struct geo_err e;

	ck_assert_int_eq(parse("<gml:Polygon " GT_NS "srsName=\"EPSG:4326\">"
			       "<gml:exterior><gml:LinearRing><gml:posList>"
			       "0 0 0 10 10 10 10 0 0 0</gml:posList>"
			       "</gml:LinearRing></gml:exterior><gml:interior>"
			       "<gml:LinearRing><gml:posList>4 4 6 4 6 6 4 6 "
			       "4 4"
			       "</gml:posList></gml:LinearRing></gml:interior>"
			       "</gml:Polygon>", &s, &e), 0);
	ck_assert_uint_eq(s->nrings, 2);
	ck_assert_uint_eq(s->rings[1].n, 5);
	geo_shape_free(s);
	/* a hole outside its shell is invalid */
	ck_assert_int_eq(parse("<gml:Polygon " GT_NS "srsName=\"EPSG:4326\">"
			       "<gml:exterior><gml:LinearRing><gml:posList>"
			       "0 0 0 10 10 10 10 0 0 0</gml:posList>"
			       "</gml:LinearRing></gml:exterior><gml:interior>"
			       "<gml:LinearRing><gml:posList>40 40 60 40 60 "
			       "60 "
			       "40 40</gml:posList></gml:LinearRing>"
			       "</gml:interior></gml:Polygon>", &s, &e),
			 EBADMSG);
	ck_assert_ptr_nonnull(strstr(e.msg, "invalid polygon"));
	ck_assert_ptr_null(strchr(e.msg, '['));
}
END_TEST

struct bad_case {
	const char *what;
	const char *poslist;
	int rc;
	const char *msg;
};

#define POLY_HEAD "<gml:Polygon " GT_NS "srsName=\"EPSG:4326\">" \
	"<gml:exterior>" \
	"<gml:LinearRing><gml:posList>"
#define POLY_TAIL "</gml:posList></gml:LinearRing></gml:exterior>" \
	"</gml:Polygon>"

/* Q-14, T18, 1.4: each malformed ring gets its own code and reason. */
START_TEST(test_bad_rings)
{
	static const struct bad_case cases[] = {
		{ "bow-tie", "0 0 1 1 1 0 0 1 0 0", EBADMSG,
		  "self-intersecting ring" },
		{ "3 positions", "0 0 1 1 0 0", EBADMSG, "at least 4" },
		{ "2 distinct", "0 0 1 1 0 0 1 1 0 0", EBADMSG, "distinct" },
		{ "odd count", "0 0 0 1 1 1 0", EBADMSG, "multiple of 2" },
		{ "NaN", "0 0 0 1 NaN 1 0 0", EBADMSG, "bad number" },
		{ "inf", "0 0 0 1 1e999 1 0 0", EBADMSG, "bad number" },
		{ "hex", "0 0 0 1 0x1p0 1 0 0", EBADMSG, "bad number" },
		{ "junk", "0 0 0 1 1;1 0 0", EBADMSG, "bad number" },
		{ "latitude", "0 0 0 1 91 1 0 0", EBADMSG, "latitude" },
		{ "longitude", "0 0 0 1 1 400 0 0", EBADMSG, "longitude" },
		{ "empty", "", EBADMSG, "at least 4" },
		{ "pole", "80 0 80 90 80 180 80 -90 80 0", EBADMSG, "pole" },
		{ "wide", "0 -100 0 0 0 90 10 0 0 -100", EBADMSG, "180" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char xml[1024];
		struct geo_shape *s;
		struct geo_err e = { 0 };
		int rc;

		snprintf(xml, sizeof(xml), POLY_HEAD "%s" POLY_TAIL,
			 cases[i].poslist);
		rc = parse(xml, &s, &e);
		ck_assert_msg(rc == cases[i].rc, "%s: %d (%s)", cases[i].what,
			      rc, e.msg);
		ck_assert_int_eq(e.code, rc);
		ck_assert_msg(strstr(e.msg, cases[i].msg) != NULL, "%s: %s",
			      cases[i].what, e.msg);
		ck_assert_ptr_null(strchr(e.msg, '"'));
	}
}
END_TEST

/* Q-14, T18: an unclosed ring is closed, with a warning. */
START_TEST(test_autoclose)
{
	struct geo_shape *s;
	struct geo_err e;

	ck_assert_int_eq(parse(POLY_HEAD "0 0 0 1 1 1 1 0" POLY_TAIL, &s, &e),
			 0);
	ck_assert_int_eq(warnings, 1);
	ck_assert_uint_eq(s->rings[0].n, 5);
	ck_assert_double_eq(s->rings[0].pts[4].lat, 0);
	ck_assert_double_eq(s->rings[0].pts[4].lon, 0);
	geo_shape_free(s);
	/* three positions, closed to four: a triangle */
	ck_assert_int_eq(parse(POLY_HEAD "0 0 0 1 1 1" POLY_TAIL, &s, &e), 0);
	ck_assert_uint_eq(s->rings[0].n, 4);
	ck_assert_int_eq(warnings, 2);
	geo_shape_free(s);
}
END_TEST

/* SEC-18: vertex, ring and depth limits give EOVERFLOW. */
START_TEST(test_limits)
{
	struct geo_limits lim;
	struct geo_ctx *small;
	struct geo_shape *s;
	struct geo_err e;
	char *xml;
	size_t i, n = 10002, len = 0, cap = 64 * n + 256;
	xmlDoc *doc;

	/* 10,001 positions, default limit 10,000 */
	xml = malloc(cap);
	ck_assert_ptr_nonnull(xml);
	len += (size_t)snprintf(xml, cap, POLY_HEAD);
	for (i = 0; i + 1 < n; i++)
		len += (size_t)snprintf(xml + len, cap - len, "%.6f %.6f ",
					cos(i * 2 * M_PI / (n - 1)),
					sin(i * 2 * M_PI / (n - 1)));
	snprintf(xml + len, cap - len, "1 0" POLY_TAIL);
	ck_assert_int_eq(parse(xml, &s, &e), EOVERFLOW);
	ck_assert_ptr_nonnull(strstr(e.msg, "10000"));
	free(xml);

	geo_limits_init(&lim);
	ck_assert_uint_eq(lim.max_vertices, 10000);
	ck_assert_uint_eq(lim.max_depth, 32);
	lim.max_vertices = 4;
	lim.max_rings = 1;
	ck_assert_int_eq(geo_ctx_alloc(&small, &lim), 0);
	ck_assert_uint_eq(geo_ctx_limits(small)->max_vertices, 4);
	doc = gt_doc(POLY_HEAD "0 0 0 1 1 1 1 0 0 0" POLY_TAIL);
	ck_assert_int_eq(geo_gml_parse(small, gt_root(doc), &s, &e),
			 EOVERFLOW);
	xmlFreeDoc(doc);
	/* unclosed 4 positions: closing makes 5 > 4 */
	doc = gt_doc(POLY_HEAD "0 0 0 1 1 1 1 0" POLY_TAIL);
	ck_assert_int_eq(geo_gml_parse(small, gt_root(doc), &s, &e),
			 EOVERFLOW);
	xmlFreeDoc(doc);
	doc = gt_doc("<gml:Polygon " GT_NS "><gml:exterior><gml:LinearRing>"
		     "<gml:posList>0 0 0 1 1 1 0 0</gml:posList>"
		     "</gml:LinearRing></gml:exterior><gml:interior>"
		     "<gml:LinearRing><gml:posList>0 0 0 1 1 1 0 0"
		     "</gml:posList></gml:LinearRing></gml:interior>"
		     "</gml:Polygon>");
	ck_assert_int_eq(geo_gml_parse(small, gt_root(doc), &s, &e),
			 EOVERFLOW);
	ck_assert_ptr_nonnull(strstr(e.msg, "rings"));
	xmlFreeDoc(doc);
	geo_ctx_free(small);
}
END_TEST

START_TEST(test_unsupported)
{
	struct geo_shape *s;
	struct geo_err e;
	xmlDoc *doc;

	ck_assert_int_eq(parse("<gml:LineString " GT_NS "/>", &s, &e),
			 ENOTSUP);
	ck_assert_int_eq(parse("<gml:Point " GT_NS "/>", &s, &e), EBADMSG);
	ck_assert_int_eq(parse("<gml:Polygon " GT_NS "/>", &s, &e), EBADMSG);
	ck_assert_int_eq(parse("<gml:Point " GT_NS "><gml:pos>1</gml:pos>"
			       "</gml:Point>", &s, &e), EBADMSG);
	ck_assert_int_eq(geo_gml_parse(ctx, NULL, &s, &e), EINVAL);
	doc = gt_doc("<gml:Point " GT_NS "/>");
	ck_assert(geo_gml_is_geometry(gt_root(doc)));
	xmlFreeDoc(doc);
	doc = gt_doc("<Point/>");
	ck_assert(!geo_gml_is_geometry(gt_root(doc)));
	xmlFreeDoc(doc);
}
END_TEST


static uint64_t xs(uint64_t *st)
{
	*st ^= *st << 13;
	*st ^= *st >> 7;
	*st ^= *st << 17;
	return *st;
}

static bool allowed(int rc)
{
	return rc == 0 || rc == EBADMSG || rc == EOVERFLOW ||
	       rc == ENOTSUP || rc == EINVAL;
}

/*
 * Mutated Building 10 documents (bytes replaced, deleted, chunks
 * duplicated): every outcome is 0 or a listed code with a reason; run
 * under ASan/UBSan by `make SANITIZE=1` for memory errors.
 */
START_TEST(test_mutations)
{
	size_t len = 0, i, parsed = 0, ok = 0;
	char *base = tu_read_file("data/features/building10.gml", &len);
	static const char alphabet[] = "0123456789-.eE <>/\"x#:9";
	uint64_t st = 0xfeedface;

	ck_assert_ptr_nonnull(base);
	for (i = 0; i < 3000; i++) {
		char *buf = malloc(2 * len + 1);
		size_t n = len, k, m = 1 + xs(&st) % 4;
		xmlDoc *doc;
		xmlNode *c, *b;

		memcpy(buf, base, len);
		for (k = 0; k < m; k++) {
			size_t at = xs(&st) % n, op = xs(&st) % 3;
			if (op == 0) {
				buf[at] = alphabet[xs(&st) %
						   (sizeof(alphabet) - 1)];
			} else if (op == 1 && n > 1) {
				memmove(buf + at, buf + at + 1, n - at - 1);
				n--;
			} else {
				size_t cl = xs(&st) % 64;
				if (at + cl > n)
					cl = n - at;
				if (n + cl <= 2 * len) {
					memmove(buf + at + cl, buf + at,
						n - at);
					n += cl;
				}
			}
		}
		doc = xmlReadMemory(buf, (int)n, "m.gml", NULL,
				    XML_PARSE_NONET | XML_PARSE_NOERROR |
				    XML_PARSE_NOWARNING);
		free(buf);
		if (!doc)
			continue;
		parsed++;
		for (c = gt_root(doc) ? gt_root(doc)->children : NULL; c;
		     c = c->next)
			for (b = c->children; b; b = b->next) {
				struct geo_feature *f = NULL;
				struct geo_region *r = NULL;
				struct geo_err e = { 0 };
				int rc;
				if (b->type != XML_ELEMENT_NODE)
					continue;
				rc = geo_feature_parse(ctx, b, &f, &e);
				ck_assert_msg(allowed(rc), "rc %d", rc);
				if (rc) {
					ck_assert_int_eq(e.code, rc);
					ck_assert(e.msg[0] != '\0');
					continue;
				}
				rc = geo_region_alloc(ctx, f->shapes,
						      f->nshapes, &r, &e);
				ck_assert_msg(allowed(rc), "rc %d", rc);
				if (!rc)
					ok++;
				geo_region_free(r);
				geo_feature_free(f);
			}
		xmlFreeDoc(doc);
	}
	free(base);
	ck_assert_uint_gt(parsed, 100);
	ck_assert_uint_gt(ok, 10);
	ck_assert_uint_eq(geo_ctx_interned(ctx), 0);
}
END_TEST

TCase *tcase_gml(void);
TCase *tcase_gml(void)
{
	TCase *tc = tcase_create("gml");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_crs_spellings);
	tcase_add_test(tc, test_crs_inferred);
	tcase_add_test(tc, test_srs_inherited);
	tcase_add_test(tc, test_polygon_hole);
	tcase_add_test(tc, test_bad_rings);
	tcase_add_test(tc, test_autoclose);
	tcase_add_test(tc, test_limits);
	tcase_add_test(tc, test_unsupported);
	tcase_add_test(tc, test_mutations);
	return tc;
}
