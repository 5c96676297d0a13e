/*
 * test_oom.c: fail the Nth libxml2 allocation during pidf_build() and
 * pidf_parse() and expect a clean ENOMEM (or success once N is past the
 * last allocation), nothing leaked (run under SANITIZE=1, CK_FORK=no).
 * libxml2's allocator hooks take no argument, hence the one file-static
 * counter; the previous hooks are restored before each test ends.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlmemory.h>

#include "pidf_test.h"

static long oom_left = -1;   /* allocations left before failing; -1 off */

static bool oom_fail(void)
{
	if (oom_left < 0)
		return false;
	if (oom_left == 0)
		return true;
	oom_left--;
	return false;
}

static void *oom_malloc(size_t n)
{
	return oom_fail() ? NULL : malloc(n);
}

static void *oom_realloc(void *p, size_t n)
{
	return oom_fail() ? NULL : realloc(p, n);
}

static char *oom_strdup(const char *s)
{
	return oom_fail() ? NULL : strdup(s);
}

struct oom_saved {
	xmlFreeFunc f;
	xmlMallocFunc m;
	xmlReallocFunc r;
	xmlStrdupFunc s;
	xmlGenericErrorFunc ef;
	void *ectx;
};

/* libxml2 reports context-free allocation failures on its generic
 * channel (stderr); silence it while allocations fail on purpose. */
static void oom_quiet(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

static void oom_install(struct oom_saved *sv)
{
	ck_assert_int_eq(xmlMemGet(&sv->f, &sv->m, &sv->r, &sv->s), 0);
	/* Same underlying allocator: memory crosses the switch safely. */
	ck_assert_int_eq(xmlMemSetup(free, oom_malloc, oom_realloc,
				     oom_strdup), 0);
	sv->ef = xmlGenericError;
	sv->ectx = xmlGenericErrorContext;
	xmlSetGenericErrorFunc(NULL, oom_quiet);
}

static void oom_restore(const struct oom_saved *sv)
{
	oom_left = -1;
	xmlMemSetup(sv->f, sv->m, sv->r, sv->s);
	xmlSetGenericErrorFunc(sv->ectx, sv->ef);
}

START_TEST(test_oom_build)
{
	struct geo_shape s = {.kind = GEO_SHAPE_CIRCLE, .dim = 2,
			      .center = {.lat = 48.1, .lon = 11.5},
			      .radius = 15};
	static const char feat[] =
		"<x xmlns:my=\"urn:example:my\" "
		"xmlns:gml=\"http://www.opengis.net/gml\">"
		"<my:Building gml:id=\"b\"><gml:name>B10</gml:name>"
		"</my:Building></x>";
	struct pidf_containment cont;
	struct pidf_location loc;
	struct pidf_build_in in;
	struct pidf_builder *b;
	struct _xmlDoc *fdoc;
	struct pidf_err err;
	struct oom_saved sv;
	long n;
	int rc = -1, fails = 0;

	ck_assert_int_eq(pidf_xml_read(feat, strlen(feat), NULL, "f", &fdoc,
				       &err), 0);
	cont.feature = xmlDocGetRootElement(fdoc)->children;
	cont.position = GEO_POS_INSIDE;
	pidf_location_init(&loc);
	loc.shape = &s;
	ck_assert_int_eq(pidf_civic_set(&loc.civic, "country", "DE"), 0);
	memset(&in, 0, sizeof(in));
	in.entity = "pres:a@example.com";
	in.loc = &loc;
	in.now = 1e9;
	in.containment = &cont;
	in.ncontainment = 1;
	ck_assert_int_eq(pidf_builder_alloc(&b), 0);
	oom_install(&sv);
	for (n = 0; n < 5000 && rc != 0; n++) {
		oom_left = n;
		rc = pidf_build(b, &in, &err);
		oom_left = -1;
		if (rc) {
			ck_assert_msg(rc == ENOMEM, "N=%ld: %d %s", n, rc,
				      err.msg);
			ck_assert_int_eq(err.code, ENOMEM);
			ck_assert_ptr_null(pidf_builder_body(b, NULL));
			fails++;
		}
	}
	oom_restore(&sv);
	ck_assert_int_eq(rc, 0);
	ck_assert_int_gt(fails, 20);
	ck_assert_ptr_nonnull(strstr(pidf_builder_body(b, NULL),
				     "my:Building"));
	pidf_builder_free(b);
	pidf_xml_free(fdoc);
}
END_TEST

START_TEST(test_oom_parse)
{
	static const char li[] =
		"<gs:Circle srsName=\"urn:ogc:def:crs:EPSG::4326\">"
		"<gml:pos>1 2</gml:pos><gs:radius uom=\"urn:ogc:def:uom:"
		"EPSG::9001\">5</gs:radius></gs:Circle>"
		"<ca:civicAddress><ca:country>DE</ca:country>"
		"</ca:civicAddress>";
	struct geo_ctx *geo = pt_geo();
	struct pidf_doc *d = NULL;
	struct pidf_err err;
	struct oom_saved sv;
	char buf[2048];
	long n;
	int rc = -1, fails = 0;

	pt_doc(buf, sizeof(buf), li,
	       "<gbp:external-ruleset>http://x</gbp:external-ruleset>",
	       "2007-06-22T20:57:29Z");
	oom_install(&sv);
	for (n = 0; n < 5000 && rc != 0; n++) {
		oom_left = n;
		rc = pidf_parse(geo, buf, strlen(buf), NULL, &d, &err);
		oom_left = -1;
		if (rc) {
			/* libxml2 may report a failed allocation inside
			 * the parser as malformed input; never success
			 * with missing data, never a crash or a leak. */
			ck_assert_msg(rc == ENOMEM || rc == EBADMSG,
				      "N=%ld: %d %s", n, rc, err.msg);
			ck_assert_ptr_null(d);
			fails++;
		}
	}
	oom_restore(&sv);
	ck_assert_int_eq(rc, 0);
	ck_assert_int_gt(fails, 10);
	ck_assert_str_eq(d->loc.usage.external_ruleset, "http://x");
	ck_assert_double_eq(d->loc.shape->radius, 5);
	pidf_doc_free(d);
	geo_ctx_free(geo);
}
END_TEST

TCase *tcase_pidf_oom(void);
TCase *tcase_pidf_oom(void)
{
	TCase *tc = tcase_create("pidf_oom");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_oom_build);
	tcase_add_test(tc, test_oom_parse);
	return tc;
}
