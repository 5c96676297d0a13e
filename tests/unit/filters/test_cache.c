/*
 * test_cache.c: filter interning (lf_cache_*, lf_filter_hold,
 * lf_filter_source): identical (type, body) share one filter, others do
 * not; references from cache hits, holds and merges are one count; the
 * cache and its filters free cleanly in either order (ASan/LSan with
 * CK_FORK=no); parse errors are not cached.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "filters/lf.h"

#define DRAFT_OPEN                                                            \
	"<location-filter xmlns=\"urn:ietf:params:xml:ns:location-filter\">"
#define MOVED_H(m) DRAFT_OPEN "<movedHoriz>" m "</movedHoriz></location-filter>"
#define SF_OPEN                                                               \
	"<filter-set xmlns=\"urn:ietf:params:xml:ns:simple-filter\""          \
	" xmlns:lf=\"urn:ietf:params:xml:ns:location-filter\""                \
	" xmlns:gml=\"http://www.opengis.net/gml\""                           \
	" xmlns:gs=\"http://www.opengis.net/pidflo/1.0\">"
#define SF_CLOSE "</filter-set>"
#define SF_MOVED(id, uri, m)                                                  \
	"<filter id=\"" id "\" uri=\"" uri "\"><trigger><lf:moved>" m         \
	"</lf:moved></trigger></filter>"
#define SF_CIRCLE(id, uri)                                                    \
	"<filter id=\"" id "\" uri=\"" uri "\"><trigger><lf:enterOrExit>"     \
	"<gs:Circle srsName=\"urn:ogc:def:crs:EPSG::4326\"><gml:pos>48.1"     \
	" 11.5</gml:pos><gs:radius uom=\"urn:ogc:def:uom:EPSG::9001\">500"    \
	"</gs:radius></gs:Circle></lf:enterOrExit></trigger></filter>"

static struct geo_ctx *geo;
static struct lf_cache *cache;

static void setup(void)
{
	ck_assert_int_eq(geo_ctx_alloc(&geo, NULL), 0);
	ck_assert_int_eq(lf_cache_new(geo, NULL, &cache), 0);
}

static void teardown(void)
{
	lf_cache_free(cache);
	cache = NULL;
	geo_ctx_free(geo);
	geo = NULL;
}

static struct lf_filter *cparse(const char *ctype, const char *body)
{
	struct lf_filter *f = NULL;
	struct lf_err err = {0};

	ck_assert_msg(lf_cache_parse(cache, ctype, body, strlen(body), &f,
				     &err) == 0, "%s", err.msg);
	ck_assert_ptr_nonnull(f);
	return f;
}

static double threshold(const struct lf_filter *f, size_t i)
{
	double t = -1;

	ck_assert_int_eq(lf_filter_cond(f, i, NULL, &t, NULL), 0);
	return t;
}

/* Identical bodies share one filter; the type's parameters and a NULL
 * type (resolved by the root) make the same key; the source is kept. */
START_TEST(test_share)
{
	const char *body = MOVED_H("20");
	struct lf_filter *a = cparse(LF_CTYPE_DRAFT, body);
	struct lf_filter *b = cparse(LF_CTYPE_DRAFT, body);
	struct lf_filter *c = cparse(" application/location-delta-filter+xml"
				     " ; charset=UTF-8", body);
	struct lf_filter *d = cparse(NULL, body);
	const char *ct = NULL, *src;
	size_t len = 0;

	ck_assert_ptr_eq(a, b);
	ck_assert_ptr_eq(a, c);
	ck_assert_ptr_eq(a, d);
	ck_assert_uint_eq(lf_cache_count(cache), 1);
	src = lf_filter_source(a, &len, &ct);
	ck_assert_ptr_nonnull(src);
	ck_assert_ptr_ne(src, body);       /* a copy owned by the filter */
	ck_assert_uint_eq(len, strlen(body));
	ck_assert_str_eq(src, body);
	ck_assert_str_eq(ct, LF_CTYPE_DRAFT);
	ck_assert(threshold(a, 0) == 20.0);
	/* Four references: three drops leave it cached and usable. */
	lf_filter_free(b);
	lf_filter_free(c);
	lf_filter_free(d);
	ck_assert_uint_eq(lf_cache_count(cache), 1);
	ck_assert(threshold(a, 0) == 20.0);
	ck_assert_ptr_eq(cparse(LF_CTYPE_DRAFT, body), a);
	lf_filter_free(a);
	lf_filter_free(a);      /* the last one: out of the cache */
	ck_assert_uint_eq(lf_cache_count(cache), 0);
	/* Parsed again, it is cached again. */
	a = cparse(NULL, body);
	ck_assert_uint_eq(lf_cache_count(cache), 1);
	ck_assert_int_eq(lf_filter_mode(a), LF_MODE_DRAFT);
	lf_filter_free(a);
	ck_assert_uint_eq(lf_cache_count(cache), 0);
}
END_TEST

/* Different bodies are different filters; a body under the other type
 * is an error, never the cached filter; a NULL type finds an RFC body
 * cached under its type. */
START_TEST(test_distinct)
{
	const char *rfc = SF_OPEN SF_MOVED("a", "sip:a@x", "10") SF_CLOSE;
	struct lf_filter *a = cparse(LF_CTYPE_DRAFT, MOVED_H("20"));
	struct lf_filter *b = cparse(LF_CTYPE_DRAFT, MOVED_H("20.0"));
	struct lf_filter *r = cparse(LF_CTYPE_RFC, rfc), *x = NULL;
	struct lf_err err = {0};
	const char *ct = NULL;

	ck_assert_ptr_ne(a, b);
	ck_assert_uint_eq(lf_cache_count(cache), 3);
	ck_assert_int_eq(lf_cache_parse(cache, LF_CTYPE_RFC, MOVED_H("20"),
					strlen(MOVED_H("20")), &x, &err),
			 EBADMSG);
	ck_assert_ptr_null(x);
	ck_assert_int_eq(lf_cache_parse(cache, LF_CTYPE_DRAFT, rfc,
					strlen(rfc), &x, &err), EBADMSG);
	ck_assert_ptr_null(x);
	ck_assert_int_eq(lf_cache_parse(cache, "text/plain", rfc, strlen(rfc),
					&x, &err), EPROTONOSUPPORT);
	ck_assert_int_eq(err.code, EPROTONOSUPPORT);
	ck_assert_ptr_null(x);
	ck_assert_uint_eq(lf_cache_count(cache), 3);
	x = cparse(NULL, rfc);
	ck_assert_ptr_eq(x, r);
	lf_filter_free(x);
	x = NULL;
	ck_assert_ptr_nonnull(lf_filter_source(r, NULL, &ct));
	ck_assert_str_eq(ct, LF_CTYPE_RFC);
	/* A prefix of a cached body is another body (malformed here). */
	ck_assert_int_eq(lf_cache_parse(cache, LF_CTYPE_RFC, rfc,
					strlen(rfc) - 1, &x, &err), EBADMSG);
	ck_assert_ptr_null(x);
	lf_filter_free(a);
	lf_filter_free(b);
	ck_assert_uint_eq(lf_cache_count(cache), 1);
	lf_filter_free(r);
	ck_assert_uint_eq(lf_cache_count(cache), 0);
	/* Bad arguments. */
	ck_assert_int_eq(lf_cache_parse(NULL, NULL, rfc, 1, &x, NULL),
			 EINVAL);
	ck_assert_int_eq(lf_cache_parse(cache, NULL, NULL, 0, &x, NULL),
			 EINVAL);
	ck_assert_int_eq(lf_cache_new(NULL, NULL, &cache), EINVAL);
	ck_assert_uint_eq(lf_cache_count(NULL), 0);
	ck_assert_ptr_null(lf_filter_hold(NULL));
	ck_assert_ptr_null(lf_filter_source(NULL, NULL, NULL));
}
END_TEST

/* The cache freed first: filters still held stay valid and free later;
 * a filter parsed without a cache keeps its source too. */
START_TEST(test_cache_first)
{
	struct lf_filter *a = cparse(LF_CTYPE_DRAFT, MOVED_H("5"));
	struct lf_filter *b = cparse(LF_CTYPE_DRAFT, MOVED_H("5"));
	struct lf_filter *c = cparse(LF_CTYPE_RFC, SF_OPEN
				     SF_CIRCLE("a", "sip:a@x") SF_CLOSE);
	struct lf_filter *p = NULL;
	struct lf_err err = {0};
	size_t len = 0;

	lf_cache_free(cache);
	cache = NULL;
	ck_assert(threshold(a, 0) == 5.0);
	ck_assert_uint_eq(lf_filter_nfeatures(c), 1);
	ck_assert_ptr_nonnull(lf_filter_feature(c, 0)->region);
	lf_filter_free(a);
	ck_assert(threshold(b, 0) == 5.0);
	lf_filter_free(b);
	lf_filter_free(c);
	ck_assert_int_eq(lf_filter_parse(geo, LF_CTYPE_DRAFT, MOVED_H("7"),
					 strlen(MOVED_H("7")), NULL, &p,
					 &err), 0);
	ck_assert_str_eq(lf_filter_source(p, &len, NULL), MOVED_H("7"));
	lf_filter_free(p);
}
END_TEST

/* Filters freed first, in any order, then the cache; holds count. */
START_TEST(test_filters_first)
{
	struct lf_filter *f[3], *h;

	f[0] = cparse(LF_CTYPE_DRAFT, MOVED_H("1"));
	f[1] = cparse(LF_CTYPE_DRAFT, MOVED_H("2"));
	f[2] = cparse(LF_CTYPE_DRAFT, MOVED_H("1"));
	h = lf_filter_hold(f[1]);
	ck_assert_ptr_eq(h, f[1]);
	ck_assert_uint_eq(lf_cache_count(cache), 2);
	lf_filter_free(f[1]);
	ck_assert_uint_eq(lf_cache_count(cache), 2);
	lf_filter_free(h);
	ck_assert_uint_eq(lf_cache_count(cache), 1);
	lf_filter_free(f[2]);
	lf_filter_free(f[0]);
	ck_assert_uint_eq(lf_cache_count(cache), 0);
	lf_filter_free(NULL);
	lf_cache_free(NULL);
}
END_TEST

/* Merging cached filters: the merged filter has no source, shares the
 * cached pieces and frees cleanly before or after the cache. */
START_TEST(test_merge_cached)
{
	const char *ob = SF_OPEN SF_MOVED("a", "sip:a@x", "10")
			 SF_CIRCLE("b", "sip:b@x") SF_CLOSE;
	const char *ub = SF_OPEN SF_MOVED("a", "sip:a@x", "50") SF_CLOSE;
	struct lf_filter *old = cparse(LF_CTYPE_RFC, ob);
	struct lf_filter *upd = cparse(LF_CTYPE_RFC, ub);
	struct lf_filter *old2 = cparse(LF_CTYPE_RFC, ob);
	struct lf_filter *m = NULL, *m2 = NULL, *d1, *d2 = NULL;
	struct lf_err err = {0};
	size_t len = 1;

	ck_assert_ptr_eq(old, old2);
	ck_assert_int_eq(lf_filter_merge(old, upd, &m, &err), 0);
	ck_assert_ptr_null(lf_filter_source(m, &len, NULL));
	ck_assert_uint_eq(len, 0);
	ck_assert_uint_eq(lf_filter_nrfc(m), 2);
	ck_assert_uint_eq(lf_filter_nfeatures(m), 1);
	/* The merge holds the filter whose feature it shares, not the
	 * featureless update (copied whole): dropping every other
	 * reference keeps the pieces alive, and that filter cached while
	 * held. */
	lf_filter_free(old);
	lf_filter_free(old2);
	lf_filter_free(upd);
	ck_assert_uint_eq(lf_cache_count(cache), 1);
	ck_assert_ptr_nonnull(lf_filter_feature(m, 0)->region);
	ck_assert(threshold(m, 1) == 50.0);
	/* Merge the merge with a cached update, then the cache goes. */
	upd = cparse(LF_CTYPE_RFC, ub);
	ck_assert_int_eq(lf_filter_merge(m, upd, &m2, &err), 0);
	lf_cache_free(cache);
	cache = NULL;
	lf_filter_free(m);
	lf_filter_free(upd);
	ck_assert_uint_eq(lf_filter_nrfc(m2), 2);
	ck_assert_ptr_nonnull(lf_filter_feature(m2, 0)->region);
	lf_filter_free(m2);
	/* Draft: the update itself, one more reference to it. */
	ck_assert_int_eq(lf_cache_new(geo, NULL, &cache), 0);
	d1 = cparse(LF_CTYPE_DRAFT, MOVED_H("3"));
	ck_assert_int_eq(lf_filter_merge(NULL, d1, &d2, &err), 0);
	ck_assert_ptr_eq(d2, d1);
	lf_filter_free(d1);
	ck_assert_uint_eq(lf_cache_count(cache), 1);
	lf_filter_free(d2);
	ck_assert_uint_eq(lf_cache_count(cache), 0);
}
END_TEST

/* A parse error is not cached: the same error, twice. */
START_TEST(test_error_not_cached)
{
	const char *bad[] = {
		DRAFT_OPEN "<movedHoriz>-1</movedHoriz></location-filter>",
		DRAFT_OPEN "<movedHoriz>1</movedHoriz>",
		"<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e \"x\">]>"
		DRAFT_OPEN "</location-filter>",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct lf_err e1 = {0}, e2 = {0};
		struct lf_filter *f = NULL;
		int r1, r2;

		r1 = lf_cache_parse(cache, LF_CTYPE_DRAFT, bad[i],
				    strlen(bad[i]), &f, &e1);
		ck_assert_ptr_null(f);
		r2 = lf_cache_parse(cache, LF_CTYPE_DRAFT, bad[i],
				    strlen(bad[i]), &f, &e2);
		ck_assert_ptr_null(f);
		ck_assert_int_ne(r1, 0);
		ck_assert_int_eq(r1, r2);
		ck_assert_int_eq(e1.code, r1);
		ck_assert_int_eq(e2.code, r2);
		ck_assert_str_eq(e1.msg, e2.msg);
		ck_assert_uint_eq(lf_cache_count(cache), 0);
		r2 = lf_cache_parse(cache, NULL, bad[i], strlen(bad[i]), &f,
				    &e2);
		ck_assert_int_eq(r1, r2);
		ck_assert_ptr_null(f);
	}
}
END_TEST

/* Many distinct bodies: the table grows, every body still finds its own
 * filter, and all leave the cache as they are freed. */
START_TEST(test_many)
{
	enum { N = 600 };
	static struct lf_filter *f[N];
	char body[160];
	size_t i;

	for (i = 0; i < N; i++) {
		snprintf(body, sizeof(body), MOVED_H("%zu"), i);
		f[i] = cparse(LF_CTYPE_DRAFT, body);
	}
	ck_assert_uint_eq(lf_cache_count(cache), N);
	for (i = 0; i < N; i++) {
		struct lf_filter *g;

		snprintf(body, sizeof(body), MOVED_H("%zu"), i);
		g = cparse(LF_CTYPE_DRAFT, body);
		ck_assert_ptr_eq(g, f[i]);
		ck_assert(threshold(g, 0) == (double)i);
		lf_filter_free(g);
	}
	ck_assert_uint_eq(lf_cache_count(cache), N);
	for (i = 0; i < N; i += 2)
		lf_filter_free(f[i]);
	ck_assert_uint_eq(lf_cache_count(cache), N / 2);
	for (i = 1; i < N; i += 2) {
		snprintf(body, sizeof(body), MOVED_H("%zu"), i);
		ck_assert_ptr_eq(cparse(NULL, body), f[i]);
		lf_filter_free(f[i]);
	}
	lf_cache_free(cache);   /* one reference left in each odd filter */
	cache = NULL;
	for (i = 1; i < N; i += 2)
		lf_filter_free(f[i]);
}
END_TEST

TCase *tcase_filters_cache(void);
TCase *tcase_filters_cache(void)
{
	TCase *tc = tcase_create("filters_cache");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_share);
	tcase_add_test(tc, test_distinct);
	tcase_add_test(tc, test_cache_first);
	tcase_add_test(tc, test_filters_first);
	tcase_add_test(tc, test_merge_cached);
	tcase_add_test(tc, test_error_not_cached);
	tcase_add_test(tc, test_many);
	return tc;
}
