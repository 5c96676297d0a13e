/*
 * test_sized.c: filters sealed to their real counts (lf_int.h,
 * lf_filter_seal) keep every part and every limit: filters exactly at
 * the limits (64 groups, 32 features inline, by reference and as bare or
 * RFC shapes, 16 value triggers, 64 RFC filters after a merge) parse,
 * read back and evaluate; one more is still refused (SEC-18, 1.4).
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filters/lf.h"

#define XMLNS_DRAFT                                                           \
	" xmlns=\"urn:ietf:params:xml:ns:location-filter\""                   \
	" xmlns:gml=\"http://www.opengis.net/gml\""                           \
	" xmlns:my=\"urn:example:my\""                                        \
	" xmlns:xlink=\"http://www.w3.org/1999/xlink\""
#define SF_OPEN                                                               \
	"<filter-set xmlns=\"urn:ietf:params:xml:ns:simple-filter\""          \
	" xmlns:lf=\"urn:ietf:params:xml:ns:location-filter\""                \
	" xmlns:gml=\"http://www.opengis.net/gml\""                           \
	" xmlns:gs=\"http://www.opengis.net/pidflo/1.0\">"
#define CAP 200000

static struct geo_ctx *geo;
static char *body;

static void setup(void)
{
	ck_assert_int_eq(geo_ctx_alloc(&geo, NULL), 0);
	body = malloc(CAP);
	ck_assert_ptr_nonnull(body);
}

static void teardown(void)
{
	free(body);
	body = NULL;
	geo_ctx_free(geo);
	geo = NULL;
}

static int parse(const char *ctype, struct lf_filter **f, struct lf_err *err)
{
	*f = NULL;
	return lf_filter_parse(geo, ctype, body, strlen(body), NULL, f, err);
}

/* n RFC filters with ids from `first`; filter i is pattern[i % len]:
 * 'm' a moved trigger of i + 1 m, 'c' that and a circle trigger around
 * (48, 11 + i / 100), 'w' a what only (no trigger). */
static void rfc_body(size_t n, size_t first, const char *pattern)
{
	size_t len, i, np = strlen(pattern);

	len = (size_t)snprintf(body, CAP, SF_OPEN);
	for (i = 0; i < n; i++) {
		char kind = pattern[i % np];

		len += (size_t)snprintf(body + len, CAP - len,
					"<filter id=\"f%zu\" uri=\"sip:u%zu@x\">",
					first + i, first + i);
		if (kind == 'w')
			len += (size_t)snprintf(
				body + len, CAP - len,
				"<what><lf:locationType>geodetic"
				"</lf:locationType></what>");
		else
			len += (size_t)snprintf(
				body + len, CAP - len,
				"<trigger><lf:moved>%zu</lf:moved>"
				"</trigger>", i + 1);
		if (kind == 'c')
			len += (size_t)snprintf(
				body + len, CAP - len,
				"<trigger><lf:enterOrExit><gs:Circle"
				" srsName=\"urn:ogc:def:crs:EPSG::4326\">"
				"<gml:pos>48 %.2f</gml:pos><gs:radius"
				" uom=\"urn:ogc:def:uom:EPSG::9001\">100"
				"</gs:radius></gs:Circle></lf:enterOrExit>"
				"</trigger>", 11 + (double)i / 100);
		len += (size_t)snprintf(body + len, CAP - len, "</filter>");
	}
	snprintf(body + len, CAP - len, "</filter-set>");
}

static void point(struct geo_shape *s, double lat, double lon)
{
	memset(s, 0, sizeof(*s));
	s->kind = GEO_SHAPE_POINT;
	s->dim = 2;
	s->center.lat = lat;
	s->center.lon = lon;
}

/* 32 RFC filters of a moved and a circle trigger: 64 groups, 64
 * conditions, 32 features; each reads back and the circles evaluate. */
START_TEST(test_rfc_at_limits)
{
	struct lf_filter *f;
	struct lf_state *st = NULL;
	struct lf_err err = {0};
	struct lf_update u;
	struct lf_result r;
	struct geo_shape p;
	enum lf_kind k;
	double thr;
	size_t i, g, len;
	char id[16];

	rfc_body(32, 0, "c");
	ck_assert_msg(parse(LF_CTYPE_RFC, &f, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(lf_filter_ngroups(f), 64);
	ck_assert_uint_eq(lf_filter_nconds(f), 64);
	ck_assert_uint_eq(lf_filter_nfeatures(f), 32);
	ck_assert_uint_eq(lf_filter_nrfc(f), 32);
	for (i = 0; i < 32; i++) {
		const struct lf_feature *ft = lf_filter_feature(f, i);

		ck_assert_int_eq(lf_filter_cond(f, 2 * i, &k, &thr, &g), 0);
		ck_assert_int_eq(k, LF_KIND_MOVED_3D);
		ck_assert(thr == (double)(i + 1));
		ck_assert_uint_eq(g, 2 * i);
		ck_assert_int_eq(lf_filter_cond(f, 2 * i + 1, &k, NULL, &g),
				 0);
		ck_assert_int_eq(k, LF_KIND_REGION);
		ck_assert_uint_eq(g, 2 * i + 1);
		ck_assert(ft->resolved);
		ck_assert_ptr_nonnull(ft->region);
		ck_assert_ptr_nonnull(ft->node);
		snprintf(id, sizeof(id), "f%zu", i);
		ck_assert_str_eq(lf_filter_rfc(f, i)->id, id);
		ck_assert_uint_eq(lf_filter_rfc(f, i)->ntriggers, 2);
	}
	ck_assert_ptr_null(lf_filter_feature(f, 32));
	ck_assert_str_eq(lf_filter_source(f, &len, NULL), body);
	ck_assert_uint_eq(len, strlen(body));
	/* At the centre of circle 5 only. */
	ck_assert_int_eq(lf_state_alloc(f, &st), 0);
	point(&p, 48, 11.05);
	lf_update_from_pidf(&u, NULL, NULL);
	u.est = &p;
	ck_assert_int_eq(lf_eval(geo, st, &u, &r), 0);
	ck_assert_uint_eq(r.ncont, 32);
	for (i = 0; i < 32; i++)
		ck_assert_int_eq(r.cont[i].position,
				 i == 5 ? GEO_POS_INSIDE : GEO_POS_OUTSIDE);
	lf_state_commit(st);
	point(&p, 48, 11.06);
	ck_assert_int_eq(lf_eval(geo, st, &u, &r), 0);
	ck_assert_uint_eq(r.changed_features, (1u << 5) | (1u << 6));
	ck_assert(r.fired & LF_FIRED_REGION);
	lf_state_free(st);
	lf_filter_free(f);
	/* One more filter is one group too many. */
	rfc_body(33, 0, "c");
	ck_assert_int_eq(parse(LF_CTYPE_RFC, &f, &err), EOVERFLOW);
	ck_assert_ptr_null(f);
}
END_TEST

/* Draft, 32 features: inline (owned geo_feature), bare geometry (owned
 * shape), same-document and unresolved references, mixed. */
START_TEST(test_draft_features_at_limit)
{
	struct lf_filter *f;
	struct lf_err err = {0};
	size_t len, i;

	len = (size_t)snprintf(body, CAP, "<location-filter" XMLNS_DRAFT ">");
	for (i = 0; i < 32; i++) {
		double lo = 11 + (double)i / 10, hi = lo + 0.05;

		switch (i % 4) {
		case 0:
			len += (size_t)snprintf(
				body + len, CAP - len,
				"<enterOrExit><my:F gml:id=\"g%zu\"><gml:name>"
				"F%zu</gml:name><gml:extentOf><gml:Polygon"
				" srsName=\"urn:ogc:def:crs:EPSG::4326\">"
				"<gml:exterior><gml:LinearRing><gml:posList>"
				"48 %.2f 48 %.2f 48.05 %.2f 48 %.2f"
				"</gml:posList></gml:LinearRing>"
				"</gml:exterior></gml:Polygon></gml:extentOf>"
				"</my:F></enterOrExit>", i, i, lo, hi, hi,
				lo);
			break;
		case 1:
			len += (size_t)snprintf(
				body + len, CAP - len,
				"<enterOrExit><gml:Polygon"
				" srsName=\"urn:ogc:def:crs:EPSG::4326\">"
				"<gml:exterior><gml:LinearRing><gml:posList>"
				"48 %.2f 48 %.2f 48.05 %.2f 48 %.2f"
				"</gml:posList></gml:LinearRing>"
				"</gml:exterior></gml:Polygon></enterOrExit>",
				lo, hi, hi, lo);
			break;
		case 2:
			len += (size_t)snprintf(
				body + len, CAP - len,
				"<enterOrExit><my:R xlink:href=\"#g%zu\"/>"
				"</enterOrExit>", i - 2);
			break;
		default:
			len += (size_t)snprintf(
				body + len, CAP - len,
				"<enterOrExit><my:U xlink:href=\"urn:u:%zu\"/>"
				"</enterOrExit>", i);
			break;
		}
	}
	len += (size_t)snprintf(body + len, CAP - len,
				"<movedHoriz>7</movedHoriz></location-filter>");
	ck_assert_msg(parse(LF_CTYPE_DRAFT, &f, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(lf_filter_nfeatures(f), 32);
	ck_assert_uint_eq(lf_filter_ngroups(f), 33);
	for (i = 0; i < 32; i++) {
		const struct lf_feature *ft = lf_filter_feature(f, i);
		char want[16];

		ck_assert_int_eq(ft->resolved, i % 4 != 3);
		ck_assert_int_eq(ft->region != NULL, i % 4 != 3);
		if (i % 4 == 0) {
			snprintf(want, sizeof(want), "g%zu", i);
			ck_assert_str_eq(ft->id, want);
			snprintf(want, sizeof(want), "F%zu", i);
			ck_assert_str_eq(ft->name, want);
		} else if (i % 4 == 3) {
			snprintf(want, sizeof(want), "urn:u:%zu", i);
			ck_assert_str_eq(ft->href, want);
		} else if (i % 4 == 1) {
			ck_assert_ptr_null(ft->id);
			ck_assert_ptr_null(ft->href);
		}
	}
	lf_filter_free(f);
	/* A 33rd feature is refused. */
	len -= strlen("</location-filter>");
	snprintf(body + len, CAP - len,
		 "<enterOrExit><my:U xlink:href=\"urn:u:x\"/></enterOrExit>"
		 "</location-filter>");
	ck_assert_int_eq(parse(LF_CTYPE_DRAFT, &f, &err), EOVERFLOW);
}
END_TEST

/* 16 value triggers (compiled XPaths) read back and evaluate. */
START_TEST(test_values_at_limit)
{
	struct lf_filter *f;
	struct lf_state *st = NULL;
	struct lf_err err = {0};
	struct lf_update u;
	struct lf_result r;
	size_t len, i;

	len = (size_t)snprintf(body, CAP, "<location-filter" XMLNS_DRAFT ">");
	for (i = 0; i < 16; i++)
		len += (size_t)snprintf(body + len, CAP - len,
					"<valueChanges>//my:a%zu</valueChanges>",
					i);
	snprintf(body + len, CAP - len, "</location-filter>");
	ck_assert_msg(parse(LF_CTYPE_DRAFT, &f, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(lf_filter_nvalues(f), 16);
	ck_assert_uint_eq(lf_filter_ngroups(f), 16);
	ck_assert_int_eq(lf_state_alloc(f, &st), 0);
	lf_update_from_pidf(&u, NULL, NULL);
	ck_assert_int_eq(lf_eval(geo, st, &u, &r), 0);
	ck_assert_uint_eq(r.fired, LF_FIRED_INITIAL);
	lf_state_commit(st);
	ck_assert_int_eq(lf_eval(geo, st, &u, &r), 0);
	ck_assert_uint_eq(r.fired, 0);
	lf_state_free(st);
	lf_filter_free(f);
}
END_TEST

/* Merges up to 64 RFC filters; the 65th is refused; the merged filter
 * outlives the parsed ones. */
START_TEST(test_merge_at_limit)
{
	struct lf_filter *a, *b, *c, *m = NULL, *m2 = NULL;
	struct lf_err err = {0};
	enum lf_kind k;
	double thr;

	rfc_body(32, 0, "mw");
	ck_assert_int_eq(parse(LF_CTYPE_RFC, &a, &err), 0);
	rfc_body(32, 32, "cw");
	ck_assert_int_eq(parse(LF_CTYPE_RFC, &b, &err), 0);
	rfc_body(1, 64, "m");
	ck_assert_int_eq(parse(LF_CTYPE_RFC, &c, &err), 0);
	ck_assert_int_eq(lf_filter_merge(a, b, &m, &err), 0);
	ck_assert_ptr_null(lf_filter_source(m, NULL, NULL));
	ck_assert_uint_eq(lf_filter_nrfc(m), 64);
	ck_assert_uint_eq(lf_filter_ngroups(m), 48);
	ck_assert_uint_eq(lf_filter_nfeatures(m), 16);
	ck_assert_int_eq(lf_filter_merge(m, c, &m2, &err), EOVERFLOW);
	ck_assert_ptr_null(m2);
	lf_filter_free(a);
	lf_filter_free(b);
	lf_filter_free(c);
	ck_assert_str_eq(lf_filter_rfc(m, 63)->id, "f63");
	ck_assert_uint_eq(lf_filter_what(m)->ntypes, 1);
	ck_assert_int_eq(lf_filter_cond(m, 47, &k, &thr, NULL), 0);
	ck_assert_int_eq(k, LF_KIND_REGION);
	ck_assert_int_eq(lf_filter_cond(m, 46, &k, &thr, NULL), 0);
	ck_assert_int_eq(k, LF_KIND_MOVED_3D);
	ck_assert(thr == 31.0);
	ck_assert_ptr_nonnull(lf_filter_feature(m, 15)->region);
	ck_assert_ptr_nonnull(lf_filter_feature(m, 15)->node);
	lf_filter_free(m);
}
END_TEST

/* A state is one allocation sized by its filter: a filter without
 * conditions, features or values (what only, LF-26) still evaluates,
 * commits and reports an empty (non-NULL) containment array. */
START_TEST(test_state_empty_filter)
{
	struct lf_filter *f;
	struct lf_state *st = NULL;
	struct lf_err err = {0};
	struct lf_update u;
	struct lf_result r;
	struct geo_shape p;

	rfc_body(1, 0, "w");
	ck_assert_msg(parse(LF_CTYPE_RFC, &f, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(lf_filter_nconds(f), 0);
	ck_assert_int_eq(lf_state_alloc(f, &st), 0);
	point(&p, 48, 11);
	lf_update_from_pidf(&u, NULL, NULL);
	u.est = &p;
	ck_assert_int_eq(lf_eval(geo, st, &u, &r), 0);
	ck_assert_uint_eq(r.fired, LF_FIRED_INITIAL);
	ck_assert_uint_eq(r.ncont, 0);
	ck_assert_ptr_nonnull(r.cont);
	lf_state_commit(st);
	ck_assert(!lf_state_initial(st));
	ck_assert_int_eq(lf_eval(geo, st, &u, &r), 0);
	ck_assert_uint_eq(r.fired, LF_FIRED_ANY_UPDATE);
	lf_state_commit(st);
	lf_state_free(st);
	lf_filter_free(f);
	ck_assert_int_eq(lf_state_alloc(NULL, &st), EINVAL);
	lf_state_free(NULL);
}
END_TEST

TCase *tcase_filters_sized(void);
TCase *tcase_filters_sized(void)
{
	TCase *tc = tcase_create("filters_sized");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_rfc_at_limits);
	tcase_add_test(tc, test_draft_features_at_limit);
	tcase_add_test(tc, test_values_at_limit);
	tcase_add_test(tc, test_merge_at_limit);
	tcase_add_test(tc, test_state_empty_filter);
	return tc;
}
