/*
 * test_catalog.c: geo/catalog.c. Features from data/features/ by
 * "file#id" and by URI (LOCATION.md Q-20, LF-46, T25), bad files; large
 * catalog features (issue 6: thousands of polygons, over a filter's 32)
 * with one shared, indexed region; the catalog's own caps (geometries,
 * positions, file size) with reasons naming file, feature and limit.
 */
#include <check.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "geo/geo_int.h"
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

START_TEST(test_building10)
{
	struct geo_catalog *cat = NULL;
	const struct geo_feature *f, *g;
	struct geo_err e = { 0 };

	ck_assert_msg(geo_catalog_load(ctx, "data/features", &cat, &e) == 0,
		      "%s", e.msg);
	ck_assert_uint_ge(geo_catalog_count(cat), 2);
	f = geo_catalog_lookup(cat, "building10.gml#building10");
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(f->name, "Building 10");
	ck_assert_uint_eq(f->nshapes, 1);
	ck_assert_int_eq(f->shapes[0]->kind, GEO_SHAPE_POLYGON);
	g = geo_catalog_lookup(cat, "http://server.example.com/loc-defs/"
			       "bldg-mgr/building10");
	ck_assert_ptr_eq(f, g);
	f = geo_catalog_lookup(cat, "building10.gml#building10-3d");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(f->shapes[0]->kind, GEO_SHAPE_PRISM);
	ck_assert_double_eq(f->shapes[0]->floor, 0);
	ck_assert_double_eq(f->shapes[0]->height, 25);
	ck_assert_ptr_eq(geo_catalog_lookup(cat, "http://server.example.com/"
					    "loc-defs/bldg-mgr/building10-3d"),
			 f);
	/* T25: unknown URI */
	ck_assert_ptr_null(geo_catalog_lookup(cat, "http://server.example."
					      "com/loc-defs/bldg-mgr/parkin"
					      "g"));
	ck_assert_ptr_null(geo_catalog_lookup(cat, "building10.gml#"));
	ck_assert_ptr_null(geo_catalog_lookup(cat, NULL));
	geo_catalog_free(cat);
}
END_TEST

static void write_file(const char *dir, const char *name, const char *s)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(s, f);
	fclose(f);
}

static void rm_file(const char *dir, const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	unlink(path);
}

START_TEST(test_dir_cases)
{
	char dir[] = "/tmp/geo_catalog_XXXXXX";
	struct geo_catalog *cat = NULL;
	const struct geo_feature *f;
	struct geo_err e = { 0 };

	ck_assert_ptr_nonnull(mkdtemp(dir));
	/* a root feature with gml:identifier; a non-GML file ignored */
	write_file(dir, "zone.xml", "<my:Zone xmlns:my=\"urn:x\" "
		   "xmlns:gml=\"http://www.opengis.net/gml\" gml:id=\"z1\">"
		   "<gml:identifier codeSpace=\"x\">urn:x:zone:1"
		   "</gml:identifier><gml:Polygon><gml:exterior>"
		   "<gml:LinearRing><gml:posList>0 0 0 1 1 1 0 0"
		   "</gml:posList></gml:LinearRing></gml:exterior>"
		   "</gml:Polygon></my:Zone>");
	write_file(dir, "notes.txt", "not xml");
	ck_assert_int_eq(geo_catalog_load(ctx, dir, &cat, &e), 0);
	ck_assert_uint_eq(geo_catalog_count(cat), 1);
	f = geo_catalog_lookup(cat, "zone.xml#z1");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_eq(geo_catalog_lookup(cat, "urn:x:zone:1"), f);
	geo_catalog_free(cat);
	/* bad geometry or XML: the reason names the file */
	write_file(dir, "bad.gml", "<my:Zone xmlns:my=\"urn:x\" "
		   "xmlns:gml=\"http://www.opengis.net/gml\" gml:id=\"b\">"
		   "<gml:Polygon><gml:exterior><gml:LinearRing><gml:posList>"
		   "0 0 1 1 1 0 0 1 0 0</gml:posList></gml:LinearRing>"
		   "</gml:exterior></gml:Polygon></my:Zone>");
	cat = NULL;
	ck_assert_int_eq(geo_catalog_load(ctx, dir, &cat, &e), EBADMSG);
	ck_assert_ptr_null(cat);
	ck_assert_ptr_nonnull(strstr(e.msg, "bad.gml"));
	ck_assert_ptr_nonnull(strstr(e.msg, "self-intersecting"));
	write_file(dir, "bad.gml", "<unclosed>");
	ck_assert_int_eq(geo_catalog_load(ctx, dir, &cat, &e), EBADMSG);
	ck_assert_ptr_nonnull(strstr(e.msg, "well-formed"));
	rm_file(dir, "bad.gml");
	rm_file(dir, "zone.xml");
	rm_file(dir, "notes.txt");
	rmdir(dir);
	ck_assert_int_eq(geo_catalog_load(ctx, dir, &cat, &e), ENOENT);
	geo_catalog_free(NULL);
}
END_TEST

/* A feature z1 of n hexagons (7 positions each) on a grid. */
static char *zones_xml(size_t n)
{
	size_t cap = 512 + n * 400, len, i;
	char *b = malloc(cap);
	int v;

	ck_assert_ptr_nonnull(b);
	len = (size_t)snprintf(b, cap, "<my:Zones xmlns:my=\"urn:x\" "
			       "xmlns:gml=\"http://www.opengis.net/gml\" "
			       "gml:id=\"z1\"><gml:name>zones</gml:name>");
	for (i = 0; i < n; i++) {
		double clat = 45 + 0.001 * (double)(i / 50);
		double clon = 7 + 0.0015 * (double)(i % 50);
		len += (size_t)snprintf(b + len, cap - len, "<gml:Polygon>"
					"<gml:exterior><gml:LinearRing>"
					"<gml:posList>");
		for (v = 0; v <= 6; v++) {
			double a = 2 * M_PI * (v % 6) / 6.0;
			len += (size_t)snprintf(b + len, cap - len,
						"%.7f %.7f ",
						clat + 0.0004 * sin(a),
						clon + 0.0006 * cos(a));
		}
		len += (size_t)snprintf(b + len, cap - len, "</gml:posList>"
					"</gml:LinearRing></gml:exterior>"
					"</gml:Polygon>");
		ck_assert_uint_lt(len, cap);
	}
	snprintf(b + len, cap - len, "</my:Zones>");
	return b;
}

static enum geo_position at(struct geo_region *r, double lat, double lon)
{
	struct geo_point p = { lat, lon, 0, false };
	enum geo_position pos;

	ck_assert_int_eq(geo_region_test_point(ctx, r, &p, &pos), 0);
	return pos;
}

/* 2,000 polygons in one catalog feature: loaded, indexed, shared. */
START_TEST(test_large_feature)
{
	char dir[] = "/tmp/geo_catalog_XXXXXX";
	char *xml = zones_xml(2000);
	struct geo_catalog *cat = NULL;
	const struct geo_feature *f;
	struct geo_feature *ff = NULL;
	struct geo_region *r1 = NULL, *r2 = NULL, *r3 = NULL;
	struct geo_err e = { 0 };
	xmlDoc *doc;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	write_file(dir, "zones.gml", xml);
	ck_assert_msg(geo_catalog_load(ctx, dir, &cat, &e) == 0, "%s",
		      e.msg);
	f = geo_catalog_lookup(cat, "zones.gml#z1");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(f->nshapes, 2000);
	ck_assert_str_eq(f->name, "zones");
	/* the same XML in a filter: a filter's feature keeps max_shapes */
	doc = xmlReadMemory(xml, (int)strlen(xml), "z.xml", NULL,
			    XML_PARSE_NONET);
	ck_assert_ptr_nonnull(doc);
	ck_assert_int_eq(geo_feature_parse(ctx, xmlDocGetRootElement(doc),
					   &ff, &e), EOVERFLOW);
	ck_assert_ptr_nonnull(strstr(e.msg, "more than 32 geometries"));
	ck_assert_ptr_null(ff);
	xmlFreeDoc(doc);
	/* one region, indexed, shared by every user of the feature */
	ck_assert_msg(geo_region_alloc(ctx, f->shapes, f->nshapes, &r1,
				       &e) == 0, "%s", e.msg);
	ck_assert(geo__region_indexed(r1));
	ck_assert_uint_eq(geo_ctx_interned(ctx), 2000);
	ck_assert_int_eq(geo_region_alloc(ctx, f->shapes, f->nshapes, &r2,
					  &e), 0);
	ck_assert_ptr_eq(r1, r2);
	ck_assert_uint_eq(geo_ctx_interned(ctx), 2000);
	/* a prefix of the array is another region */
	ck_assert_int_eq(geo_region_alloc(ctx, f->shapes, 10, &r3, &e), 0);
	ck_assert_ptr_ne(r3, r1);
	ck_assert(geo__region_indexed(r3));
	/* polygon 1234 (row 24, column 34), and between polygons */
	ck_assert_int_eq(at(r1, 45.024, 7.051), GEO_POS_INSIDE);
	ck_assert_int_eq(at(r1, 45.0245, 7.051), GEO_POS_OUTSIDE);
	ck_assert_int_eq(at(r3, 45.024, 7.051), GEO_POS_OUTSIDE);
	ck_assert_int_eq(at(r3, 45.0, 7.0015), GEO_POS_INSIDE);
	geo_region_free(r2);
	geo_region_free(r3);
	/* the region outlives the catalog while referenced */
	geo_catalog_free(cat);
	ck_assert_uint_eq(geo_ctx_interned(ctx), 2000);
	ck_assert_int_eq(at(r1, 45.024, 7.051), GEO_POS_INSIDE);
	geo_region_free(r1);
	ck_assert_uint_eq(geo_ctx_interned(ctx), 0);
	rm_file(dir, "zones.gml");
	rmdir(dir);
	free(xml);
}
END_TEST

/* Load dir with limits lim; the error code and reason. */
static int load_with(const struct geo_limits *lim, const char *dir,
		     struct geo_err *e)
{
	struct geo_ctx *c = NULL;
	struct geo_catalog *cat = NULL;
	int rc;

	ck_assert_int_eq(geo_ctx_alloc(&c, lim), 0);
	rc = geo_catalog_load(c, dir, &cat, e);
	if (rc)
		ck_assert_ptr_null(cat);
	geo_catalog_free(cat);
	ck_assert_uint_eq(geo_ctx_interned(c), 0);
	geo_ctx_free(c);
	return rc;
}

START_TEST(test_catalog_limits)
{
	char dir[] = "/tmp/geo_catalog_XXXXXX";
	char *xml = zones_xml(4);
	struct geo_limits lim;
	struct geo_err e = { 0 };

	geo_limits_init(&lim);
	ck_assert_uint_eq(lim.max_shapes, 32);
	ck_assert_uint_eq(lim.max_catalog_shapes, 100000);
	ck_assert_uint_eq(lim.max_catalog_vertices, 2000000);
	ck_assert_uint_eq(lim.max_catalog_bytes, 64u << 20);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	write_file(dir, "zones.gml", xml);
	lim.max_shapes = 1;         /* not a catalog limit */
	ck_assert_int_eq(load_with(&lim, dir, &e), 0);
	/* geometries per feature */
	lim.max_catalog_shapes = 3;
	ck_assert_int_eq(load_with(&lim, dir, &e), EOVERFLOW);
	ck_assert_ptr_nonnull(strstr(e.msg, "zones.gml: feature z1: "));
	ck_assert_ptr_nonnull(strstr(e.msg, "more than 3 geometries"));
	ck_assert_ptr_nonnull(strstr(e.msg, "max_catalog_shapes"));
	lim.max_catalog_shapes = 4;
	ck_assert_int_eq(load_with(&lim, dir, &e), 0);
	/* positions per feature: 4 x 7 */
	lim.max_catalog_vertices = 27;
	ck_assert_int_eq(load_with(&lim, dir, &e), EOVERFLOW);
	ck_assert_ptr_nonnull(strstr(e.msg, "zones.gml: feature z1: "));
	ck_assert_ptr_nonnull(strstr(e.msg, "more than 27 positions"));
	ck_assert_ptr_nonnull(strstr(e.msg, "max_catalog_vertices"));
	lim.max_catalog_vertices = 28;
	ck_assert_int_eq(load_with(&lim, dir, &e), 0);
	/* a circle counts as its 129-point outline */
	write_file(dir, "c.gml", "<my:C xmlns:my=\"urn:x\" xmlns:gml=\""
		   "http://www.opengis.net/gml\" xmlns:gs=\"http://www."
		   "opengis.net/pidflo/1.0\" gml:id=\"c1\"><gs:Circle "
		   "srsName=\"EPSG:4326\"><gml:pos>45 7</gml:pos>"
		   "<gs:radius uom=\"urn:ogc:def:uom:EPSG::9001\">100"
		   "</gs:radius></gs:Circle></my:C>");
	lim.max_catalog_vertices = 128;
	ck_assert_int_eq(load_with(&lim, dir, &e), EOVERFLOW);
	ck_assert_ptr_nonnull(strstr(e.msg, "c.gml: feature c1: "));
	lim.max_catalog_vertices = 129;
	ck_assert_int_eq(load_with(&lim, dir, &e), 0);
	rm_file(dir, "c.gml");
	/* bytes per file */
	lim.max_catalog_bytes = strlen(xml) - 1;
	ck_assert_int_eq(load_with(&lim, dir, &e), EOVERFLOW);
	ck_assert_ptr_nonnull(strstr(e.msg, "zones.gml: larger than"));
	ck_assert_ptr_nonnull(strstr(e.msg, "max_catalog_bytes"));
	lim.max_catalog_bytes = strlen(xml);
	ck_assert_int_eq(load_with(&lim, dir, &e), 0);
	rm_file(dir, "zones.gml");
	rmdir(dir);
	free(xml);
}
END_TEST

TCase *tcase_catalog(void);
TCase *tcase_catalog(void)
{
	TCase *tc = tcase_create("catalog");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_building10);
	tcase_add_test(tc, test_dir_cases);
	tcase_add_test(tc, test_large_feature);
	tcase_add_test(tc, test_catalog_limits);
	return tc;
}
