/*
 * test_merge.c: filter changes within a dialog (EV-10, T14, RFC 4660
 * 4.2/5.2.2, draft 5.6): replace by id, remove, add, same-resource
 * errors, and shared pieces outliving the filters they came from; a
 * merged filter holds only the parsed filters whose features it uses.
 */
#include <check.h>
#include <errno.h>
#include <string.h>

#include <libxml/tree.h>

#include "filters/lf.h"
#include "filters/lf_int.h"

#define SF_OPEN                                                               \
	"<filter-set xmlns=\"urn:ietf:params:xml:ns:simple-filter\""          \
	" xmlns:lf=\"urn:ietf:params:xml:ns:location-filter\""                \
	" xmlns:gml=\"http://www.opengis.net/gml\""                           \
	" xmlns:gs=\"http://www.opengis.net/pidflo/1.0\">"
#define SF_CLOSE "</filter-set>"
#define MOVED(id, uri, m)                                                     \
	"<filter id=\"" id "\" uri=\"" uri "\"><trigger><lf:moved>" m         \
	"</lf:moved></trigger></filter>"
#define CIRCLE(id, uri)                                                       \
	"<filter id=\"" id "\" uri=\"" uri "\"><trigger><lf:enterOrExit>"     \
	"<gs:Circle srsName=\"urn:ogc:def:crs:EPSG::4326\"><gml:pos>48.1"     \
	" 11.5</gml:pos><gs:radius uom=\"urn:ogc:def:uom:EPSG::9001\">500"    \
	"</gs:radius></gs:Circle></lf:enterOrExit></trigger></filter>"

static struct geo_ctx *geo;

static void setup(void)
{
	ck_assert_int_eq(geo_ctx_alloc(&geo, NULL), 0);
}

static void teardown(void)
{
	geo_ctx_free(geo);
	geo = NULL;
}

static struct lf_filter *parse(const char *ctype, const char *body)
{
	struct lf_filter *f = NULL;
	struct lf_err err = {0};

	ck_assert_msg(lf_filter_parse(geo, ctype, body, strlen(body), NULL,
				      &f, &err) == 0, "%s", err.msg);
	return f;
}

static double threshold(const struct lf_filter *f, size_t i)
{
	double t = -1;

	ck_assert_int_eq(lf_filter_cond(f, i, NULL, &t, NULL), 0);
	return t;
}

/* T14: same id replaces that filter only; new ids add; remove deletes. */
START_TEST(test_replace_add_remove)
{
	struct lf_filter *old = parse(LF_CTYPE_RFC, SF_OPEN
				      MOVED("a", "sip:a@x", "10")
				      MOVED("b", "sip:b@x", "20") SF_CLOSE);
	struct lf_filter *upd = parse(LF_CTYPE_RFC, SF_OPEN
				      MOVED("a", "sip:a@x", "50")
				      MOVED("c", "sip:c@x", "70") SF_CLOSE);
	struct lf_filter *rm = parse(LF_CTYPE_RFC, SF_OPEN
				     "<filter id=\"b\" remove=\"true\"/>"
				     SF_CLOSE);
	struct lf_filter *m1 = NULL, *m2 = NULL;
	struct lf_err err = {0};

	ck_assert_int_eq(lf_filter_merge(old, upd, &m1, &err), 0);
	ck_assert_uint_eq(lf_filter_nrfc(m1), 3);
	ck_assert_str_eq(lf_filter_rfc(m1, 0)->id, "b");
	ck_assert_str_eq(lf_filter_rfc(m1, 1)->id, "a");
	ck_assert_str_eq(lf_filter_rfc(m1, 2)->id, "c");
	ck_assert_uint_eq(lf_filter_ngroups(m1), 3);
	ck_assert_double_eq(threshold(m1, 0), 20);
	ck_assert_double_eq(threshold(m1, 1), 50);
	ck_assert_double_eq(threshold(m1, 2), 70);

	ck_assert_int_eq(lf_filter_merge(m1, rm, &m2, &err), 0);
	ck_assert_uint_eq(lf_filter_nrfc(m2), 2);
	ck_assert_str_eq(lf_filter_rfc(m2, 0)->id, "a");
	ck_assert_str_eq(lf_filter_rfc(m2, 1)->id, "c");
	ck_assert_double_eq(threshold(m2, 0), 50);

	/* any order of release */
	lf_filter_free(old);
	lf_filter_free(m1);
	lf_filter_free(upd);
	lf_filter_free(rm);
	ck_assert_double_eq(threshold(m2, 1), 70);
	lf_filter_free(m2);
}
END_TEST

/* RFC 4660 4.2: a new id keeping a filtered uri is an error (488). */
START_TEST(test_same_resource)
{
	struct lf_filter *old = parse(LF_CTYPE_RFC, SF_OPEN
				      MOVED("a", "sip:a@x", "10") SF_CLOSE);
	struct lf_filter *upd = parse(LF_CTYPE_RFC, SF_OPEN
				      MOVED("z", "sip:a@x", "50") SF_CLOSE);
	struct lf_filter *d = parse(LF_CTYPE_DRAFT,
				    "<location-filter xmlns=\"urn:ietf:params:"
				    "xml:ns:location-filter\"><movedHoriz>5"
				    "</movedHoriz></location-filter>");
	struct lf_filter *m = NULL;
	struct lf_err err = {0};

	ck_assert_int_eq(lf_filter_merge(old, upd, &m, &err), EBADMSG);
	ck_assert_ptr_null(m);
	ck_assert_int_eq(lf_sip_status(err.code), 488);
	ck_assert_ptr_nonnull(strstr(err.msg, "same resource"));
	ck_assert_int_eq(lf_filter_merge(old, d, &m, &err), EBADMSG);
	ck_assert_int_eq(lf_filter_merge(old, NULL, &m, &err), EINVAL);
	lf_filter_free(old);
	lf_filter_free(upd);
	lf_filter_free(d);
}
END_TEST

/* Draft 5.6: the new filter replaces the old one entirely. */
START_TEST(test_draft_replaces)
{
	struct lf_filter *old = parse(LF_CTYPE_DRAFT,
				      "<location-filter xmlns=\"urn:ietf:"
				      "params:xml:ns:location-filter\">"
				      "<movedHoriz>5"
				      "</movedHoriz></location-filter>");
	struct lf_filter *upd = parse(LF_CTYPE_DRAFT,
				      "<location-filter xmlns=\"urn:ietf:"
				      "params:xml:ns:location-filter\">"
				      "<movedVert>7"
				      "</movedVert></location-filter>");
	struct lf_filter *m = NULL;
	struct lf_err err = {0};
	enum lf_kind k;

	ck_assert_int_eq(lf_filter_merge(old, upd, &m, &err), 0);
	ck_assert_ptr_eq(m, upd);
	lf_filter_free(upd);
	lf_filter_free(old);
	ck_assert_uint_eq(lf_filter_nconds(m), 1);
	ck_assert_int_eq(lf_filter_cond(m, 0, &k, NULL, NULL), 0);
	ck_assert_int_eq(k, LF_KIND_MOVED_V);
	lf_filter_free(m);
}
END_TEST

/* Features and value triggers kept from an old filter stay usable after
 * the filters they came from are freed (ASan checks the sharing). */
START_TEST(test_shared_pieces)
{
	struct lf_filter *old = parse(LF_CTYPE_RFC, SF_OPEN
				      "<ns-bindings><ns-binding prefix=\"ca\""
				      " urn=\"urn:ietf:params:xml:ns:pidf:"
				      "geopriv10:civicAddr\"/></ns-bindings>"
				      CIRCLE("geo", "sip:a@x")
				      "<filter id=\"civ\" uri=\"sip:c@x\">"
				      "<trigger><changed from=\"FR\">"
				      "//ca:country</changed></trigger>"
				      "</filter>" SF_CLOSE);
	struct lf_filter *upd = parse(LF_CTYPE_RFC, SF_OPEN
				      MOVED("new", "sip:n@x", "9") SF_CLOSE);
	struct lf_filter *m = NULL;
	struct lf_state *st = NULL;
	struct lf_err err = {0};
	struct geo_shape p;
	struct lf_update u;
	struct lf_result r;

	ck_assert_int_eq(lf_filter_merge(old, upd, &m, &err), 0);
	lf_filter_free(old);
	lf_filter_free(upd);
	ck_assert_uint_eq(lf_filter_nfeatures(m), 1);
	ck_assert_uint_eq(lf_filter_nvalues(m), 1);
	ck_assert_str_eq((const char *)lf_filter_feature(m, 0)->node->name,
			 "Circle");
	ck_assert_int_eq(lf_state_alloc(m, &st), 0);
	memset(&p, 0, sizeof(p));
	p.kind = GEO_SHAPE_POINT;
	p.dim = 2;
	p.center.lat = 48.1;
	p.center.lon = 11.5;
	memset(&u, 0, sizeof(u));
	u.est = &p;
	ck_assert_int_eq(lf_eval(geo, st, &u, &r), 0);
	ck_assert_uint_eq(r.fired, LF_FIRED_INITIAL);
	ck_assert_int_eq(r.cont[0].position, GEO_POS_INSIDE);
	lf_state_free(st);
	lf_filter_free(m);
}
END_TEST

/* A merged filter keeps a parsed filter alive only for its features:
 * featureless filters are copied whole and released (issue 6). */
START_TEST(test_origins_features_only)
{
	struct lf_filter *old = parse(LF_CTYPE_RFC, SF_OPEN
				      CIRCLE("geo", "sip:a@x")
				      MOVED("mv", "sip:b@x", "20") SF_CLOSE);
	struct lf_filter *upd = parse(LF_CTYPE_RFC, SF_OPEN
				      MOVED("new", "sip:n@x", "9") SF_CLOSE);
	struct lf_filter *drop = parse(LF_CTYPE_RFC, SF_OPEN
				       "<filter id=\"geo\" remove=\"true\"/>"
				       SF_CLOSE);
	struct lf_filter *add = parse(LF_CTYPE_RFC, SF_OPEN
				      CIRCLE("g2", "sip:g@x") SF_CLOSE);
	struct lf_filter *m1 = NULL, *m2 = NULL, *m3 = NULL;
	struct lf_err err = {0};

	ck_assert_int_eq(lf_filter_merge(old, upd, &m1, &err), 0);
	ck_assert_uint_eq(lf_filter_nrfc(m1), 3);
	ck_assert_uint_eq(m1->norigins, 1);
	ck_assert_ptr_eq(m1->origins[0], old);
	ck_assert_ptr_eq(m1->origin[0], old);        /* geo */
	ck_assert_ptr_null(m1->origin[1]);           /* mv: copied */
	ck_assert_ptr_null(m1->origin[2]);           /* new: copied */
	ck_assert_uint_eq(old->refs, 2);
	ck_assert_uint_eq(upd->refs, 1);             /* not held */
	lf_filter_free(upd);
	ck_assert_double_eq(threshold(m1, 2), 9);

	/* geo removed: nothing left that needs old */
	ck_assert_int_eq(lf_filter_merge(m1, drop, &m2, &err), 0);
	ck_assert_uint_eq(lf_filter_nrfc(m2), 2);
	ck_assert_uint_eq(lf_filter_nfeatures(m2), 0);
	ck_assert_uint_eq(m2->norigins, 0);
	ck_assert_ptr_null(m2->origin);
	lf_filter_free(m1);
	ck_assert_uint_eq(old->refs, 1);
	lf_filter_free(old);
	lf_filter_free(drop);
	ck_assert_str_eq(lf_filter_rfc(m2, 0)->id, "mv");
	ck_assert_double_eq(threshold(m2, 0), 20);

	/* a feature added to a merged filter: held through its origin */
	ck_assert_int_eq(lf_filter_merge(m2, add, &m3, &err), 0);
	ck_assert_uint_eq(m3->norigins, 1);
	ck_assert_ptr_eq(m3->origins[0], add);
	lf_filter_free(add);
	lf_filter_free(m2);
	ck_assert_uint_eq(lf_filter_nfeatures(m3), 1);
	ck_assert_str_eq((const char *)lf_filter_feature(m3, 0)->node->name,
			 "Circle");
	ck_assert_ptr_nonnull(lf_filter_feature(m3, 0)->region);
	lf_filter_free(m3);
}
END_TEST

TCase *tcase_filters_merge(void);
TCase *tcase_filters_merge(void)
{
	TCase *tc = tcase_create("merge");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_replace_add_remove);
	tcase_add_test(tc, test_same_resource);
	tcase_add_test(tc, test_draft_replaces);
	tcase_add_test(tc, test_shared_pieces);
	tcase_add_test(tc, test_origins_features_only);
	return tc;
}
