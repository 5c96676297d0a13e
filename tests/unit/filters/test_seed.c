/*
 * test_seed.c: the seed draft's own examples (draft-mahy-01 section 3,
 * shared/seeds/002_686c2512fe6910e9.txt from line 5744), read from the
 * shared corpus: the civil-address PIDF-LO and its valueChanges filter
 * (T20, LF-32, LF-33) and the 2-D Building 10 filter (LF-8, T19), with
 * namespace declarations added where the draft leaves them out.
 * Skipped, saying so, when the corpus is absent.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "filters/lf.h"
#include "tests/unit/testutil.h"

#define SEED "seeds/002_686c2512fe6910e9.txt"

/* The first ``` block after marker, as a new string (NULL if none). */
static char *block_after(const char *text, const char *marker)
{
	const char *m = strstr(text, marker), *a, *b;
	char *out;

	if (!m || !(a = strstr(m, "```")))
		return NULL;
	a = strchr(a, '<');
	if (!a || !(b = strstr(a, "```")))
		return NULL;
	out = malloc((size_t)(b - a) + 1);
	if (out) {
		memcpy(out, a, (size_t)(b - a));
		out[b - a] = '\0';
	}
	return out;
}

/* Replace the first `from` in s with `to` (new string). */
static char *replace(const char *s, const char *from, const char *to)
{
	const char *p = strstr(s, from);
	size_t n = strlen(s) - strlen(from) + strlen(to);
	char *out;

	ck_assert_ptr_nonnull(p);
	out = malloc(n + 1);
	ck_assert_ptr_nonnull(out);
	memcpy(out, s, (size_t)(p - s));
	memcpy(out + (p - s), to, strlen(to));
	memcpy(out + (p - s) + strlen(to), p + strlen(from),
	       strlen(p + strlen(from)) + 1);
	return out;
}

static xmlNode *location_info(xmlNode *n)
{
	xmlNode *c, *r;

	for (; n; n = n->next) {
		if (n->type == XML_ELEMENT_NODE &&
		    strcmp((const char *)n->name, "location-info") == 0)
			return n;
		for (c = n->children; c; c = c->next)
			if ((r = location_info(c)))
				return r;
	}
	return NULL;
}

/* Evaluate doc against the state; 0 or the fired bits. */
static uint32_t eval_doc(struct geo_ctx *geo, struct lf_state *st,
			 const char *doc)
{
	xmlDoc *d = xmlReadMemory(doc, (int)strlen(doc), NULL, NULL,
				  XML_PARSE_NONET);
	struct lf_update u;
	struct lf_result r;

	ck_assert_ptr_nonnull(d);
	memset(&u, 0, sizeof(u));
	u.time = NAN;
	u.location_info = location_info(xmlDocGetRootElement(d));
	ck_assert_ptr_nonnull(u.location_info);
	ck_assert_int_eq(lf_eval(geo, st, &u, &r), 0);
	ck_assert_uint_eq(r.multi_node, 0);  /* LF-32: a single node */
	xmlFreeDoc(d);
	return r.fired;
}

/* T20 on the seed: A1 California -> Nevada style changes fire, an
 * unchanged document does not, A1 removed fires (LF-33). */
START_TEST(test_seed_value_changes)
{
	char path[512];
	char *text, *pidf = NULL, *filter = NULL, *nv = NULL, *gone = NULL;
	struct geo_ctx *geo = NULL;
	struct lf_filter *f = NULL;
	struct lf_state *st = NULL;
	struct lf_err err = {0};

	if (!tu_shared_path(path, sizeof(path), SEED)) {
		TU_SKIP_NO_SHARED(SEED);
		return;
	}
	text = tu_read_file(path, NULL);
	ck_assert_ptr_nonnull(text);
	pidf = block_after(text, "PIDF-LO Location Document:");
	filter = block_after(text, "Filter Document:");
	ck_assert_ptr_nonnull(pidf);
	ck_assert_ptr_nonnull(filter);
	ck_assert_ptr_nonnull(strstr(filter, "<valueChanges>"));
	ck_assert_int_eq(geo_ctx_alloc(&geo, NULL), 0);
	ck_assert_msg(lf_filter_parse(geo, LF_CTYPE_DRAFT, filter,
				      strlen(filter), NULL, &f, &err) == 0,
		      "%s", err.msg);
	ck_assert_uint_eq(lf_filter_nvalues(f), 4);
	ck_assert_uint_eq(lf_filter_ngroups(f), 4);
	ck_assert_int_eq(lf_state_alloc(f, &st), 0);

	ck_assert_uint_eq(eval_doc(geo, st, pidf), LF_FIRED_INITIAL);
	lf_state_commit(st);
	ck_assert_uint_eq(eval_doc(geo, st, pidf), 0);
	nv = replace(pidf, "<cl:A1>New York</cl:A1>", "<cl:A1>Nevada</cl:A1>");
	ck_assert_uint_eq(eval_doc(geo, st, nv), LF_FIRED_VALUE);
	/* HNO is not watched: a house-number change does not fire. */
	free(nv);
	nv = replace(pidf, "<cl:HNO>123</cl:HNO>", "<cl:HNO>125</cl:HNO>");
	ck_assert_uint_eq(eval_doc(geo, st, nv), 0);
	gone = replace(pidf, "<cl:PC>10027</cl:PC>", "");
	ck_assert_uint_eq(eval_doc(geo, st, gone), LF_FIRED_VALUE);

	lf_state_free(st);
	lf_filter_free(f);
	geo_ctx_free(geo);
	free(gone);
	free(nv);
	free(pidf);
	free(filter);
	free(text);
}
END_TEST

/* The seed's 2-D Building 10 (posList srsName epsg.xml/#4979 with
 * 3-tuples, T19): inside and outside decided by the region. */
START_TEST(test_seed_building10)
{
	char path[512];
	char *text, *block, *body;
	struct geo_ctx *geo = NULL;
	struct lf_filter *f = NULL;
	struct lf_state *st = NULL;
	struct lf_err err = {0};
	struct geo_shape p;
	struct lf_update u;
	struct lf_result r;

	if (!tu_shared_path(path, sizeof(path), SEED)) {
		TU_SKIP_NO_SHARED(SEED);
		return;
	}
	text = tu_read_file(path, NULL);
	ck_assert_ptr_nonnull(text);
	block = block_after(text, "Version in 2-Dimensions:");
	ck_assert_ptr_nonnull(block);
	body = replace(block, "<location-filter>",
		       "<location-filter xmlns=\"urn:ietf:params:xml:ns:"
		       "location-filter\" xmlns:gml=\"http://www.opengis.net/"
		       "gml\" xmlns:my=\"urn:example:my\">");
	ck_assert_int_eq(geo_ctx_alloc(&geo, NULL), 0);
	ck_assert_msg(lf_filter_parse(geo, LF_CTYPE_DRAFT, body, strlen(body),
				      NULL, &f, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(lf_filter_feature(f, 0)->name, "Building 10");
	ck_assert_int_eq(lf_state_alloc(f, &st), 0);
	memset(&p, 0, sizeof(p));
	memset(&u, 0, sizeof(u));
	p.kind = GEO_SHAPE_POINT;
	p.dim = 2;
	p.center.lat = 37.41160;
	p.center.lon = -121.93200;
	u.est = &p;
	ck_assert_int_eq(lf_eval(geo, st, &u, &r), 0);
	ck_assert_int_eq(r.cont[0].position, GEO_POS_INSIDE);
	lf_state_commit(st);
	p.center.lat = 37.41100;
	ck_assert_int_eq(lf_eval(geo, st, &u, &r), 0);
	ck_assert_uint_eq(r.fired, LF_FIRED_REGION);
	ck_assert_int_eq(r.cont[0].position, GEO_POS_OUTSIDE);
	lf_state_free(st);
	lf_filter_free(f);
	geo_ctx_free(geo);
	free(body);
	free(block);
	free(text);
}
END_TEST

TCase *tcase_filters_seed(void);
TCase *tcase_filters_seed(void)
{
	TCase *tc = tcase_create("seed");

	tcase_add_test(tc, test_seed_value_changes);
	tcase_add_test(tc, test_seed_building10);
	return tc;
}
