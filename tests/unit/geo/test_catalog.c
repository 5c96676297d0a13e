/*
 * test_catalog.c: geo/catalog.c. Features from data/features/ by
 * "file#id" and by URI (LOCATION.md Q-20, LF-46, T25), bad files.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "geo/geo.h"

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

TCase *tcase_catalog(void);
TCase *tcase_catalog(void)
{
	TCase *tc = tcase_create("catalog");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_building10);
	tcase_add_test(tc, test_dir_cases);
	return tc;
}
