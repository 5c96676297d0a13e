/*
 * test_xpath.c: the restricted XPath of filters/xpath.c, its
 * namespace aliases and value extraction (LF-32, LF-33),
 * on the seed draft's civil-address example (T20).
 */
#include <check.h>
#include <errno.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "filters/lf_int.h"

#define NS_CIVIL "urn:ietf:params:xml:ns:pidf:geopriv10:civilLoc"
#define NS_CIVICLOC "urn:ietf:params:xml:ns:pidf:geopriv10:civicLoc"
#define NS_CA "urn:ietf:params:xml:ns:pidf:geopriv10:civicAddr"
#define NS_DYN "urn:ietf:params:xml:ns:pidf:geopriv10:dynamic"

static const char *resolve(const char *prefix, void *arg)
{
	(void)arg;
	if (strcmp(prefix, "cl") == 0)
		return NS_CIVIL;
	if (strcmp(prefix, "cl2") == 0)
		return NS_CIVICLOC;
	if (strcmp(prefix, "ca") == 0)
		return NS_CA;
	if (strcmp(prefix, "dyn") == 0)
		return "urn:ietf:params:xml:schema:pidf:dynamic";
	if (strcmp(prefix, "gp") == 0)
		return "urn:ietf:params:xml:ns:pidf:geopriv10";
	return NULL;
}

/* The seed draft's PIDF-LO example (draft-mahy-01 section 3). */
static const char seed_doc[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<presence xmlns=\"urn:ietf:params:xml:ns:pidf\"\n"
	"  xmlns:gp=\"urn:ietf:params:xml:ns:pidf:geopriv10\"\n"
	"  xmlns:cl=\"urn:ietf:params:xml:ns:pidf:geopriv10:civilLoc\"\n"
	"  entity=\"pres:geotarget@example.com\">\n"
	"  <tuple id=\"sg89ae\">\n"
	"    <status>\n"
	"      <gp:geopriv>\n"
	"        <gp:location-info>\n"
	"          <cl:civilAddress>\n"
	"            <cl:country>US</cl:country>\n"
	"            <cl:A1>New York</cl:A1>\n"
	"            <cl:A3>New York</cl:A3>\n"
	"            <cl:A6>Broadway</cl:A6>\n"
	"            <cl:HNO>123</cl:HNO>\n"
	"            <cl:LOC>Suite 75</cl:LOC>\n"
	"            <cl:PC>10027</cl:PC>\n"
	"          </cl:civilAddress>\n"
	"        </gp:location-info>\n"
	"        <gp:usage-rules>\n"
	"          <gp:retransmission-allowed>yes"
	"</gp:retransmission-allowed>\n"
	"          <gp:retention-expiry>2003-06-23T04:57:29Z\n"
	"          </gp:retention-expiry>\n"
	"        </gp:usage-rules>\n"
	"      </gp:geopriv>\n"
	"    </status>\n"
	"    <timestamp>2003-06-22T20:57:29Z</timestamp>\n"
	"  </tuple>\n"
	"</presence>\n";

/* The same place in RFC 5139 civicAddr, whitespace differing. */
static const char ca_doc[] =
	"<presence xmlns=\"urn:ietf:params:xml:ns:pidf\""
	" xmlns:gp=\"urn:ietf:params:xml:ns:pidf:geopriv10\""
	" xmlns:ca=\"urn:ietf:params:xml:ns:pidf:geopriv10:civicAddr\""
	" xmlns:dyn=\"urn:ietf:params:xml:ns:pidf:geopriv10:dynamic\""
	" entity=\"pres:t@example.com\"><tuple id=\"a\"><status>"
	"<gp:geopriv><gp:location-info><ca:civicAddress xml:lang=\"en\">"
	"<ca:country>US</ca:country><ca:A1>  New\n  York </ca:A1>"
	"<ca:A3>New York</ca:A3><ca:PC>10027</ca:PC></ca:civicAddress>"
	"<dyn:Dynamic><dyn:speed>12.5</dyn:speed></dyn:Dynamic>"
	"</gp:location-info></gp:geopriv></status></tuple></presence>";

/* A1 removed. */
static const char ca_doc_noa1[] =
	"<presence xmlns=\"urn:ietf:params:xml:ns:pidf\""
	" xmlns:gp=\"urn:ietf:params:xml:ns:pidf:geopriv10\""
	" xmlns:ca=\"urn:ietf:params:xml:ns:pidf:geopriv10:civicAddr\""
	" entity=\"pres:t@example.com\"><tuple id=\"a\"><status>"
	"<gp:geopriv><gp:location-info><ca:civicAddress xml:lang=\"en\">"
	"<ca:country>US</ca:country>"
	"<ca:A3>New York</ca:A3><ca:PC>10027</ca:PC></ca:civicAddress>"
	"</gp:location-info></gp:geopriv></status></tuple></presence>";

/* Find the first element named name (any namespace), depth first. */
static xmlNode *find(xmlNode *n, const char *name)
{
	xmlNode *c, *r;

	for (; n; n = n->next) {
		if (n->type == XML_ELEMENT_NODE &&
		    strcmp((const char *)n->name, name) == 0)
			return n;
		for (c = n->children; c; c = c->next)
			if ((r = find(c, name)))
				return r;
	}
	return NULL;
}

static xmlDoc *doc_read(const char *s)
{
	xmlDoc *d = xmlReadMemory(s, (int)strlen(s), NULL, NULL,
				  XML_PARSE_NONET | XML_PARSE_NOERROR |
				  XML_PARSE_NOWARNING);

	ck_assert_ptr_nonnull(d);
	return d;
}

/* accepted forms and what they compile to. */
START_TEST(test_compile_valid)
{
	struct lf_xpath xp;
	struct lf_err err = {0};

	ck_assert_int_eq(lf_xpath_compile(&xp, " cl:civilAddress/cl:A1 ",
					  resolve, NULL, &err), 0);
	ck_assert(!xp.rooted);
	ck_assert_uint_eq(xp.nsteps, 2);
	/* civilLoc folds into civicAddr, civilAddress into
	 * civicAddress. */
	ck_assert_str_eq(xp.steps[0].ns, NS_CA);
	ck_assert_str_eq(xp.steps[0].local, "civicAddress");
	ck_assert_str_eq(xp.steps[1].local, "A1");
	ck_assert_str_eq(xp.src, "cl:civilAddress/cl:A1");
	lf_xpath_reset(&xp);

	/* the dyn schema URN is the dynamic namespace. */
	ck_assert_int_eq(lf_xpath_compile(&xp, "\n  //dyn:speed\n", resolve,
					  NULL, &err), 0);
	ck_assert(xp.rooted);
	ck_assert_uint_eq(xp.nsteps, 1);
	ck_assert_str_eq(xp.steps[0].ns, NS_DYN);
	lf_xpath_reset(&xp);

	ck_assert_int_eq(lf_xpath_compile(&xp, "ca:civicAddress/@xml:lang",
					  NULL, NULL, &err), EBADMSG);
	ck_assert_int_eq(lf_xpath_compile(&xp, "ca:civicAddress/@lang",
					  resolve, NULL, &err), 0);
	ck_assert(xp.steps[1].attr);
	ck_assert_ptr_null(xp.steps[1].ns);
	lf_xpath_reset(&xp);

	/* 8 steps is the limit; unprefixed names are in no namespace. */
	ck_assert_int_eq(lf_xpath_compile(&xp, "a/b/c/d/e/f/g/h", resolve,
					  NULL, &err), 0);
	ck_assert_uint_eq(xp.nsteps, 8);
	ck_assert_ptr_null(xp.steps[7].ns);
	lf_xpath_reset(&xp);
}
END_TEST

/* everything else is 488 with a reason. */
START_TEST(test_compile_invalid)
{
	static const struct {
		const char *in;
		int code;
	} t[] = {
		{"cl:A1[1]", EBADMSG},        {"count(cl:A1)", EBADMSG},
		{"$x", EBADMSG},              {"*", EBADMSG},
		{"cl:civilAddress/*", EBADMSG}, {"a//b", EBADMSG},
		{"/a", EBADMSG},              {"child::a", EBADMSG},
		{"..", EBADMSG},              {".", EBADMSG},
		{"a|b", EBADMSG},             {"a/", EBADMSG},
		{"@a/b", EBADMSG},            {"", EBADMSG},
		{"   ", EBADMSG},             {"//", EBADMSG},
		{"a b", EBADMSG},             {"a/../b", EBADMSG},
		{"zz:A1", EBADMSG},           {"cl:", EBADMSG},
		{"a/b/c/d/e/f/g/h/i", EOVERFLOW},
	};
	struct lf_xpath xp;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct lf_err err = {0};

		ck_assert_msg(lf_xpath_compile(&xp, t[i].in, resolve, NULL,
					       &err) == t[i].code, "%s",
			      t[i].in);
		ck_assert_int_eq(err.code, t[i].code);
		ck_assert(err.msg[0] != '\0');
		ck_assert_ptr_null(strchr(err.msg, '"'));
	}
}
END_TEST

START_TEST(test_compile_unbound_and_long)
{
	char longx[300];
	struct lf_xpath xp;
	struct lf_err err = {0};

	ck_assert_int_eq(lf_xpath_compile(&xp, "zz:A1", resolve, NULL,
					  &err), EBADMSG);
	ck_assert_ptr_nonnull(strstr(err.msg, "unbound prefix zz"));
	memset(longx, 'a', sizeof(longx) - 1);
	longx[sizeof(longx) - 1] = '\0';
	ck_assert_int_eq(lf_xpath_compile(&xp, longx, resolve, NULL, &err),
			 EOVERFLOW);
	/* exactly 256 is fine */
	longx[256] = '\0';
	ck_assert_int_eq(lf_xpath_compile(&xp, longx, resolve, NULL, &err),
			 0);
	lf_xpath_reset(&xp);
}
END_TEST

/* T20 on the seed example: the draft filter's cl:civilAddress/cl:A1
 * (civilLoc) matches the seed document and an RFC 5139 civicAddr one
 * with the same value; removing A1 is a change to "no value". */
START_TEST(test_eval_t20)
{
	xmlDoc *d1 = doc_read(seed_doc), *d2 = doc_read(ca_doc),
	       *d3 = doc_read(ca_doc_noa1);
	struct lf_val v1 = {0}, v2 = {0}, v3 = {0};
	struct lf_xpath xp, xp2;
	struct lf_err err = {0};

	ck_assert_int_eq(lf_xpath_compile(&xp, "cl:civilAddress/cl:A1",
					  resolve, NULL, &err), 0);
	ck_assert_int_eq(lf_xpath_eval(&xp, find(xmlDocGetRootElement(d1),
						 "location-info"), &v1), 0);
	ck_assert_uint_eq(v1.count, 1);
	ck_assert_str_eq(v1.tok.p, "New York");
	ck_assert_int_eq(lf_xpath_eval(&xp, find(xmlDocGetRootElement(d2),
						 "location-info"), &v2), 0);
	ck_assert_uint_eq(v2.count, 1);
	ck_assert_str_eq(v2.tok.p, "New York");
	/* Same canonical value across civilLoc / civicAddr. */
	ck_assert(lf_buf_eq(&v1.canon, &v2.canon));
	ck_assert_int_eq(lf_xpath_eval(&xp, find(xmlDocGetRootElement(d3),
						 "location-info"), &v3), 0);
	ck_assert_uint_eq(v3.count, 0);
	ck_assert_uint_eq(v3.canon.len, 0);

	/* RFC 4119 civicLoc prefix (T20 as stated) matches civicAddr. */
	ck_assert_int_eq(lf_xpath_compile(&xp2, "cl2:civicAddress/cl2:A1",
					  resolve, NULL, &err), 0);
	ck_assert_int_eq(lf_xpath_eval(&xp2, find(xmlDocGetRootElement(d2),
						  "location-info"), &v3), 0);
	ck_assert_uint_eq(v3.count, 1);
	ck_assert(lf_buf_eq(&v3.canon, &v2.canon));

	/* The whole address changes when any child changes (LF-33). */
	lf_xpath_reset(&xp2);
	ck_assert_int_eq(lf_xpath_compile(&xp2, "cl:civilAddress", resolve,
					  NULL, &err), 0);
	ck_assert_int_eq(lf_xpath_eval(&xp2, find(xmlDocGetRootElement(d2),
						  "location-info"), &v2), 0);
	ck_assert_int_eq(lf_xpath_eval(&xp2, find(xmlDocGetRootElement(d3),
						  "location-info"), &v3), 0);
	ck_assert_uint_eq(v2.count, 1);
	ck_assert_uint_eq(v3.count, 1);
	ck_assert(!lf_buf_eq(&v2.canon, &v3.canon));

	lf_xpath_reset(&xp);
	lf_xpath_reset(&xp2);
	lf_val_free(&v1);
	lf_val_free(&v2);
	lf_val_free(&v3);
	xmlFreeDoc(d1);
	xmlFreeDoc(d2);
	xmlFreeDoc(d3);
}
END_TEST

/* //-rooted, attribute steps, multi-node sets, NULL context. */
START_TEST(test_eval_forms)
{
	xmlDoc *d = doc_read(ca_doc);
	xmlNode *li = find(xmlDocGetRootElement(d), "location-info");
	struct lf_val v = {0};
	struct lf_xpath xp;
	struct lf_err err = {0};

	ck_assert_int_eq(lf_xpath_compile(&xp, "//dyn:speed", resolve, NULL,
					  &err), 0);
	ck_assert_int_eq(lf_xpath_eval(&xp, li, &v), 0);
	ck_assert_uint_eq(v.count, 1);
	ck_assert_str_eq(v.tok.p, "12.5");
	ck_assert_int_eq(lf_xpath_eval(&xp, NULL, &v), 0);
	ck_assert_uint_eq(v.count, 0);
	lf_xpath_reset(&xp);

	ck_assert_int_eq(lf_xpath_compile(&xp, "ca:civicAddress/@xml:lang",
					  NULL, NULL, &err), EBADMSG);
	ck_assert_int_eq(lf_xpath_compile(&xp, "ca:civicAddress/@lang",
					  resolve, NULL, &err), 0);
	ck_assert_int_eq(lf_xpath_eval(&xp, li, &v), 0);
	/* xml:lang is in the XML namespace, not unprefixed: no match. */
	ck_assert_uint_eq(v.count, 0);
	lf_xpath_reset(&xp);

	/* //ca:A3 and //ca:* style multi-node: two A-level names. */
	ck_assert_int_eq(lf_xpath_compile(&xp, "//ca:civicAddress", resolve,
					  NULL, &err), 0);
	ck_assert_int_eq(lf_xpath_eval(&xp, li, &v), 0);
	ck_assert_uint_eq(v.count, 1);
	ck_assert_str_eq(v.tok.p, "US New York New York10027");
	lf_xpath_reset(&xp);

	lf_val_free(&v);
	xmlFreeDoc(d);
}
END_TEST

TCase *tcase_filters_xpath(void);
TCase *tcase_filters_xpath(void)
{
	TCase *tc = tcase_create("xpath");

	tcase_add_test(tc, test_compile_valid);
	tcase_add_test(tc, test_compile_invalid);
	tcase_add_test(tc, test_compile_unbound_and_long);
	tcase_add_test(tc, test_eval_t20);
	tcase_add_test(tc, test_eval_forms);
	return tc;
}
