/*
 * test_parse.c: filter documents, both forms (LOCATION.md 1.1-1.4):
 * the seed draft's examples, RFC 6447's figures, and every rejected
 * input with its code (488 vs 415) and a Warning-safe reason.
 */
#include <check.h>
#include <errno.h>
#include <math.h>
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

static int parse(const char *ctype, const char *body, struct lf_filter **f,
		 struct lf_err *err)
{
	*f = NULL;
	return lf_filter_parse(geo, ctype, body, strlen(body), NULL, f, err);
}

/* Rejections expect_reject has checked; a test zeroes it and asserts it. */
static unsigned rejects_checked;

/* A rejected body: code, SIP status and a clean one-line reason. */
static void expect_reject(const char *ctype, const char *body, int code,
			  int status, const char *needle)
{
	struct lf_filter *f = NULL;
	struct lf_err err = {0};
	int e = parse(ctype, body, &f, &err);
	size_t i;

	ck_assert_msg(e == code, "got %d (%s), want %d", e, err.msg, code);
	ck_assert_ptr_null(f);
	ck_assert_int_eq(err.code, code);
	ck_assert_int_eq(lf_sip_status(e), status);
	ck_assert_msg(err.msg[0] != '\0', "no reason");
	for (i = 0; err.msg[i]; i++)
		ck_assert(err.msg[i] >= 0x20 && err.msg[i] != '"');
	if (needle)
		ck_assert_msg(strstr(err.msg, needle) != NULL,
			      "reason '%s' lacks '%s'", err.msg, needle);
	rejects_checked++;
}

static void expect_reject_draft(const char *children, int code,
				const char *needle)
{
	char body[8192];

	snprintf(body, sizeof(body), "<location-filter" XMLNS_DRAFT ">%s"
		 "</location-filter>", children);
	expect_reject(LF_CTYPE_DRAFT, body, code, 488, needle);
}

static void expect_reject_rfc(const char *inner, int code,
			      const char *needle)
{
	char body[8192];

	snprintf(body, sizeof(body), SF_OPEN "%s</filter-set>", inner);
	expect_reject(LF_CTYPE_RFC, body, code, 488, needle);
}

/* ------------------------------------------------------------------ */
/* Draft form                                                          */

/* Draft section 3 first example, without xmlns: two OR groups. */
START_TEST(test_draft_moved)
{
	static const char body[] =
		"<location-filter>\n"
		"  <movedHoriz uom=\"#meters\">20</movedHoriz>\n"
		"  <movedVert uom=\"#meters\">3</movedVert>\n"
		"</location-filter>\n";
	struct lf_filter *f;
	struct lf_err err = {0};
	enum lf_kind k;
	double thr;
	size_t g;

	ck_assert_int_eq(parse(LF_CTYPE_DRAFT, body, &f, &err), 0);
	ck_assert_int_eq(lf_filter_mode(f), LF_MODE_DRAFT);
	ck_assert_uint_eq(lf_filter_ngroups(f), 2);   /* LF-21 OR */
	ck_assert_uint_eq(lf_filter_nconds(f), 2);
	ck_assert_int_eq(lf_filter_cond(f, 0, &k, &thr, &g), 0);
	ck_assert_int_eq(k, LF_KIND_MOVED_H);
	ck_assert_double_eq(thr, 20);
	ck_assert_uint_eq(g, 0);
	ck_assert_int_eq(lf_filter_cond(f, 1, &k, &thr, &g), 0);
	ck_assert_int_eq(k, LF_KIND_MOVED_V);
	ck_assert_double_eq(thr, 3);
	ck_assert_uint_eq(g, 1);
	ck_assert_int_eq(lf_filter_cond(f, 2, &k, &thr, &g), EINVAL);
	ck_assert_uint_eq(lf_filter_what(f)->ntypes, 0);
	lf_filter_free(f);

	/* under a no-namespace root, lf: children count as ours. */
	ck_assert_int_eq(parse(LF_CTYPE_DRAFT, "<location-filter xmlns:lf=\""
			       LF_NS "\"><lf:movedVert>2</lf:movedVert>"
			       "<movedHoriz>5</movedHoriz></location-filter>",
			       &f, &err), 0);
	ck_assert_uint_eq(lf_filter_ngroups(f), 2);
	lf_filter_free(f);
}
END_TEST

/* LF-5 units: speed in #mps and km/h, distance in km; Content-Type
 * parameters and case are tolerated; NULL type sniffs the root. */
START_TEST(test_draft_units)
{
	struct lf_filter *f;
	struct lf_err err = {0};
	enum lf_kind k;
	double thr;

	ck_assert_int_eq(parse("Application/Location-Delta-Filter+XML ; x=y",
			       "<location-filter" XMLNS_DRAFT "><speedExceeds"
			       " uom=\"#mps\">3</speedExceeds>"
			       "</location-filter>", &f, &err), 0);
	ck_assert_int_eq(lf_filter_cond(f, 0, &k, &thr, NULL), 0);
	ck_assert_int_eq(k, LF_KIND_SPEED);
	ck_assert_double_eq(thr, 3);
	lf_filter_free(f);

	ck_assert_int_eq(parse(NULL, "<location-filter" XMLNS_DRAFT
			       "><speedExceeds uom=\"km/h\">36</speedExceeds>"
			       "<movedHoriz"
			       " uom=\"urn:ogc:def:uom:EPSG::9036\">"
			       "1.5</movedHoriz><movedVert>4</movedVert>"
			       "</location-filter>", &f, &err), 0);
	ck_assert_int_eq(lf_filter_mode(f), LF_MODE_DRAFT);
	ck_assert_int_eq(lf_filter_cond(f, 0, &k, &thr, NULL), 0);
	ck_assert_int_eq(k, LF_KIND_SPEED);
	ck_assert_double_eq_tol(thr, 10, 1e-12);
	ck_assert_int_eq(lf_filter_cond(f, 1, &k, &thr, NULL), 0);
	ck_assert_int_eq(k, LF_KIND_MOVED_H);
	ck_assert_double_eq(thr, 1500);
	ck_assert_int_eq(lf_filter_cond(f, 2, &k, &thr, NULL), 0);
	ck_assert_double_eq(thr, 4);    /* LF-5 default metres */
	lf_filter_free(f);
}
END_TEST

/* The seed draft's valueChanges filter (T20): four OR'ed values. */
START_TEST(test_draft_value_changes)
{
	static const char body[] =
		"<location-filter\n"
		"  xmlns=\"urn:ietf:params:xml:ns:location-filter\"\n"
		"  xmlns:cl=\"urn:ietf:params:xml:ns:pidf:"
		"geopriv10:civilLoc\">\n"
		"  <valueChanges>cl:civilAddress/cl:A1</valueChanges>\n"
		"  <valueChanges>cl:civilAddress/cl:A2</valueChanges>\n"
		"  <valueChanges>cl:civilAddress/cl:A3</valueChanges>\n"
		"  <valueChanges>cl:civilAddress/cl:PC</valueChanges>\n"
		"  <ext:future xmlns:ext=\"urn:example:ext\">x</ext:future>\n"
		"</location-filter>\n";
	struct lf_filter *f;
	struct lf_err err = {0};

	ck_assert_int_eq(parse(LF_CTYPE_DRAFT, body, &f, &err), 0);
	ck_assert_uint_eq(lf_filter_ngroups(f), 4);
	ck_assert_uint_eq(lf_filter_nvalues(f), 4);
	lf_filter_free(f);
}
END_TEST

/* The draft's Building 10 in 2-D (posList in epsg.xml/#4979 with
 * 3-tuples: a 2-D footprint, T19) and the xlink examples. */
START_TEST(test_draft_building10)
{
	static const char body[] =
		"<location-filter" XMLNS_DRAFT ">\n"
		"  <enterOrExit>\n"
		"    <my:Building gml:id=\"b10\">\n"
		"      <gml:name>Building 10</gml:name>\n"
		"      <gml:extentOf>\n"
		"        <gml:Polygon>\n"
		"          <gml:exterior>\n"
		"            <gml:LinearRing>\n"
		"              <gml:posList\n"
		"srsName=\"http://www.opengis.net/gml/srs/epsg.xml/#4979\">\n"
		"                37.41188 -121.93243 0\n"
		"                37.41188 -121.93132 0\n"
		"                37.41142 -121.93132 0\n"
		"                37.41142 -121.93242 0\n"
		"                37.41188 -121.93243 0\n"
		"              </gml:posList>\n"
		"            </gml:LinearRing>\n"
		"          </gml:exterior>\n"
		"        </gml:Polygon>\n"
		"      </gml:extentOf>\n"
		"    </my:Building>\n"
		"  </enterOrExit>\n"
		"  <enterOrExit>\n"
		"    <my:ParkingGarage\n"
		"xlink:href=\"http://server.example.com/loc-defs/bldg-mgr/"
		"parking\"/>\n"
		"  </enterOrExit>\n"
		"  <enterOrExit>\n"
		"    <my:Again xlink:href=\"#b10\"/>\n"
		"  </enterOrExit>\n"
		"</location-filter>\n";
	const struct lf_feature *ft;
	struct lf_filter *f;
	struct lf_err err = {0};

	ck_assert_msg(parse(LF_CTYPE_DRAFT, body, &f, &err) == 0, "%s",
		      err.msg);
	ck_assert_uint_eq(lf_filter_nfeatures(f), 3);
	ft = lf_filter_feature(f, 0);
	ck_assert_str_eq(ft->id, "b10");
	ck_assert_str_eq(ft->name, "Building 10");
	ck_assert_ptr_null(ft->href);
	ck_assert(ft->resolved);
	ck_assert(!ft->is3d);
	ck_assert_ptr_nonnull(ft->region);
	ck_assert_ptr_nonnull(ft->node);
	/* http: is never fetched; accepted, undefined. */
	ft = lf_filter_feature(f, 1);
	ck_assert_str_eq(ft->href,
			 "http://server.example.com/loc-defs/bldg-mgr/"
			 "parking");
	ck_assert(!ft->resolved);
	ck_assert_ptr_null(ft->region);
	/* Same-document reference. */
	ft = lf_filter_feature(f, 2);
	ck_assert(ft->resolved);
	ck_assert_ptr_nonnull(ft->region);
	ck_assert_ptr_null(lf_filter_feature(f, 3));
	lf_filter_free(f);
}
END_TEST

/* Q-20 configured: refuse hrefs we cannot resolve locally. */
START_TEST(test_draft_href_policy)
{
	static const char body[] =
		"<location-filter" XMLNS_DRAFT "><enterOrExit><my:ConfRooms"
		" xlink:href=\"http://server.example.com/userdef/confrooms\"/>"
		"</enterOrExit></location-filter>";
	struct lf_opts opts = {NULL, LF_HREF_REJECT, 0};
	struct lf_filter *f = NULL;
	struct lf_err err = {0};

	ck_assert_int_eq(lf_filter_parse(geo, LF_CTYPE_DRAFT, body,
					 strlen(body), &opts, &f, &err),
			 EBADMSG);
	ck_assert_ptr_null(f);
	ck_assert_int_eq(lf_sip_status(err.code), 488);
	ck_assert_ptr_nonnull(strstr(err.msg, "not allowed"));
	/* default: accepted, undefined */
	ck_assert_int_eq(parse(LF_CTYPE_DRAFT, body, &f, &err), 0);
	ck_assert(!lf_filter_feature(f, 0)->resolved);
	lf_filter_free(f);
}
END_TEST

/* T2 and every other draft rejection, with its code (all 488). */
START_TEST(test_draft_reject)
{
	rejects_checked = 0;
	/* T2, LF-4 */
	expect_reject_draft("<movedHoriz>20</movedHoriz>"
			    "<movedHoriz>30</movedHoriz>", EBADMSG,
			    "movedHoriz appears more than once");
	expect_reject_draft("<speedExceeds>1</speedExceeds>"
			    "<movedVert>2</movedVert>"
			    "<speedExceeds>1</speedExceeds>", EBADMSG,
			    "speedExceeds");
	/* 3.3 unknown uom */
	expect_reject_draft("<movedHoriz uom=\"#furlongs\">2</movedHoriz>",
			    ENOTSUP, "uom");
	expect_reject_draft("<speedExceeds uom=\"#meters\">2</speedExceeds>",
			    ENOTSUP, "uom");
	/* 1.4 numbers */
	expect_reject_draft("<movedHoriz>-5</movedHoriz>", EBADMSG, ">= 0");
	expect_reject_draft("<movedVert>NaN</movedVert>", EBADMSG, NULL);
	expect_reject_draft("<movedVert>INF</movedVert>", EBADMSG, NULL);
	expect_reject_draft("<movedVert></movedVert>", EBADMSG, NULL);
	expect_reject_draft("<movedVert><x/></movedVert>", EBADMSG, NULL);
	/* Q-21 XPath, unbound prefix */
	expect_reject_draft("<valueChanges>my:a[1]</valueChanges>", EBADMSG,
			    "XPath");
	expect_reject_draft("<valueChanges>zz:A1</valueChanges>", EBADMSG,
			    "unbound prefix zz");
	expect_reject_draft("<valueChanges>//my:a/../b</valueChanges>",
			    EBADMSG, NULL);
	/* Q-15 unknown event in our namespace; nothing understood */
	expect_reject_draft("<movedDiagonal>3</movedDiagonal>", EBADMSG,
			    "unknown filter event");
	expect_reject_draft("", EBADMSG, "no filter event");
	expect_reject_draft("<x:y xmlns:x=\"urn:x\"/>", EBADMSG,
			    "no filter event");
	/* enterOrExit content */
	expect_reject_draft("<enterOrExit/>", EBADMSG, "without a feature");
	expect_reject_draft("<enterOrExit><my:A/><my:B/></enterOrExit>",
			    EBADMSG, "more than one");
	expect_reject_draft("<enterOrExit><my:A/></enterOrExit>", EBADMSG,
			    "neither geometry nor");
	expect_reject_draft("<enterOrExit><my:A xlink:href=\"#nope\"/>"
			    "</enterOrExit>", EBADMSG, "not found");
	expect_reject_draft("<enterOrExit><my:A gml:id=\"x\" xlink:href="
			    "\"urn:a\"/></enterOrExit><enterOrExit><my:B"
			    " gml:id=\"x\" xlink:href=\"urn:b\"/>"
			    "</enterOrExit>", EBADMSG, "duplicate gml:id x");
	ck_assert_uint_eq(rejects_checked, 20);
}
END_TEST

static const char bowtie[] =
	"<enterOrExit><my:Z><gml:extentOf><gml:Polygon"
	" srsName=\"urn:ogc:def:crs:EPSG::4326\"><gml:exterior>"
	"<gml:LinearRing><gml:posList>"
	"48.0 11.0 48.1 11.1 48.0 11.1 48.1 11.0 48.0 11.0"
	"</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon>"
	"</gml:extentOf></my:Z></enterOrExit>";

/* Q-14, T18: a self-crossing ring is refused (488). */
START_TEST(test_draft_bowtie)
{
	char body[4096];
	struct lf_filter *f = NULL;
	struct lf_err err = {0};
	int e;

	snprintf(body, sizeof(body), "<location-filter" XMLNS_DRAFT ">%s"
		 "</location-filter>", bowtie);
	e = parse(LF_CTYPE_DRAFT, body, &f, &err);
	ck_assert_msg(e == EBADMSG || e == ENOTSUP, "%d %s", e, err.msg);
	ck_assert_int_eq(lf_sip_status(e), 488);
	ck_assert_ptr_null(f);
	ck_assert(err.msg[0] != '\0');
}
END_TEST

/* ------------------------------------------------------------------ */
/* RFC 6447 form                                                       */

/* RFC 6447 figures 1 and 2: moved, speed via changed by (Q-4 alias). */
START_TEST(test_rfc_figures)
{
	static const char fig1[] =
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<filter-set\n"
		"    xmlns=\"urn:ietf:params:xml:ns:simple-filter\"\n"
		"    xmlns:lf=\"urn:ietf:params:xml:ns:location-filter\">\n"
		"    <filter id=\"123\" uri=\"sip:presentity@example.com\">\n"
		"        <trigger>\n"
		"            <lf:moved>300</lf:moved>\n"
		"        </trigger>\n"
		"    </filter>\n"
		"</filter-set>\n";
	static const char fig2[] =
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<filter-set xmlns=\"urn:ietf:params:xml:ns:simple-filter\">\n"
		"    <ns-bindings>\n"
		"        <ns-binding prefix=\"dyn\"\n"
		"            urn=\"urn:ietf:params:xml:schema:pidf:"
		"dynamic\"/>\n"
		"    </ns-bindings>\n"
		"    <filter id=\"123\" uri=\"sip:presentity@example.com\">\n"
		"        <trigger>\n"
		"            <changed by=\"3\">\n"
		"              //dyn:speed\n"
		"            </changed>\n"
		"        </trigger>\n"
		"    </filter>\n"
		"</filter-set>\n";
	const struct lf_rfc_filter *rf;
	struct lf_filter *f;
	struct lf_err err = {0};
	enum lf_kind k;
	double thr;

	ck_assert_int_eq(parse(LF_CTYPE_RFC, fig1, &f, &err), 0);
	ck_assert_int_eq(lf_filter_mode(f), LF_MODE_RFC);
	ck_assert_uint_eq(lf_filter_ngroups(f), 1);
	ck_assert_int_eq(lf_filter_cond(f, 0, &k, &thr, NULL), 0);
	ck_assert_int_eq(k, LF_KIND_MOVED_3D);
	ck_assert_double_eq(thr, 300);
	ck_assert_uint_eq(lf_filter_nrfc(f), 1);
	rf = lf_filter_rfc(f, 0);
	ck_assert_str_eq(rf->id, "123");
	ck_assert_str_eq(rf->uri, "sip:presentity@example.com");
	ck_assert_ptr_null(rf->domain);
	ck_assert(rf->enabled);
	ck_assert(!rf->remove);
	ck_assert_uint_eq(rf->ntriggers, 1);
	lf_filter_free(f);

	ck_assert_int_eq(parse(LF_CTYPE_RFC, fig2, &f, &err), 0);
	ck_assert_int_eq(lf_filter_cond(f, 0, &k, NULL, NULL), 0);
	ck_assert_int_eq(k, LF_KIND_CHANGED);
	ck_assert_uint_eq(lf_filter_nvalues(f), 1);
	lf_filter_free(f);
}
END_TEST

/* RFC 6447 figures 4/5: OR of triggers, AND inside one (LF-22, LF-35);
 * Q-2 moved directly under filter; figure 8 locationType. */
START_TEST(test_rfc_groups)
{
	static const char body[] =
		SF_OPEN
		"<ns-bindings><ns-binding prefix=\"ca\""
		" urn=\"urn:ietf:params:xml:ns:pidf:geopriv10:civicAddr\"/>"
		"</ns-bindings>"
		"<filter id=\"a\"><what><lf:locationType exact=\"true\">"
		" civic  geodetic </lf:locationType><include>x</include>"
		"</what>"
		"<trigger><changed>//ca:A3</changed><changed>//ca:PC</changed>"
		"</trigger><trigger><changed from=\"FR\">//ca:country"
		"</changed>"
		"</trigger><trigger/><lf:moved uom=\"#meters\">50</lf:moved>"
		"</filter>"
		"<filter id=\"b\" uri=\"sip:b@x\" enabled=\"false\">"
		"<trigger><lf:moved>1"
		"</lf:moved></trigger></filter>"
		"<filter id=\"c\" remove=\"true\"/>"
		"</filter-set>";
	const struct lf_what *w;
	struct lf_filter *f;
	struct lf_err err = {0};
	size_t g;

	ck_assert_msg(parse(LF_CTYPE_RFC, body, &f, &err) == 0, "%s",
		      err.msg);
	ck_assert_uint_eq(lf_filter_nrfc(f), 3);
	/* a: AND(A3, PC), country, moved; b disabled, c removed. */
	ck_assert_uint_eq(lf_filter_ngroups(f), 3);
	ck_assert_uint_eq(lf_filter_nconds(f), 4);
	ck_assert_int_eq(lf_filter_cond(f, 1, NULL, NULL, &g), 0);
	ck_assert_uint_eq(g, 0);
	ck_assert_int_eq(lf_filter_cond(f, 2, NULL, NULL, &g), 0);
	ck_assert_uint_eq(g, 1);
	ck_assert_uint_eq(lf_filter_rfc(f, 0)->ntriggers, 3);
	ck_assert(!lf_filter_rfc(f, 1)->enabled);
	ck_assert(lf_filter_rfc(f, 2)->remove);
	w = lf_filter_what(f);
	ck_assert_uint_eq(w->ntypes, 2);
	ck_assert_int_eq(w->types[0], LF_LOCTYPE_CIVIC);
	ck_assert_int_eq(w->types[1], LF_LOCTYPE_GEODETIC);
	ck_assert(w->exact);
	lf_filter_free(f);
}
END_TEST

/* RFC 6447 figures 6 and 7: circle and polygon regions. */
START_TEST(test_rfc_regions)
{
	static const char circle[] =
		SF_OPEN
		"<filter id=\"123\" uri=\"sip:presentity@example.com\">"
		"<trigger><lf:enterOrExit>"
		"<gs:Circle srsName=\"urn:ogc:def:crs:EPSG::4326\">"
		"<gml:pos>42.5463 -73.2512</gml:pos>"
		"<gs:radius uom=\"urn:ogc:def:uom:EPSG::9001\">850.24"
		"</gs:radius></gs:Circle></lf:enterOrExit></trigger>"
		"</filter></filter-set>";
	static const char polygon[] =
		SF_OPEN
		"<filter id=\"123\"><trigger><lf:enterOrExit>"
		"<gml:Polygon srsName=\"urn:ogc:def:crs:EPSG::4326\">"
		"<gml:exterior><gml:LinearRing>"
		"<gml:pos>43.311 -73.422</gml:pos>"
		"<gml:pos>43.111 -73.322</gml:pos>"
		"<gml:pos>43.111 -73.222</gml:pos>"
		"<gml:pos>43.311 -73.122</gml:pos>"
		"<gml:pos>43.411 -73.222</gml:pos>"
		"<gml:pos>43.411 -73.322</gml:pos>"
		"<gml:pos>43.311 -73.422</gml:pos>"
		"</gml:LinearRing></gml:exterior></gml:Polygon>"
		"</lf:enterOrExit></trigger></filter></filter-set>";
	struct lf_filter *f;
	struct lf_err err = {0};
	enum lf_kind k;

	ck_assert_msg(parse(LF_CTYPE_RFC, circle, &f, &err) == 0, "%s",
		      err.msg);
	ck_assert_uint_eq(lf_filter_nfeatures(f), 1);
	ck_assert(lf_filter_feature(f, 0)->resolved);
	ck_assert_int_eq(lf_filter_cond(f, 0, &k, NULL, NULL), 0);
	ck_assert_int_eq(k, LF_KIND_REGION);
	lf_filter_free(f);
	ck_assert_msg(parse(LF_CTYPE_RFC, polygon, &f, &err) == 0, "%s",
		      err.msg);
	ck_assert_ptr_nonnull(lf_filter_feature(f, 0)->region);
	lf_filter_free(f);
}
END_TEST

/* Table 1.3: a lone sf:filter root is a set of one. */
START_TEST(test_rfc_filter_root)
{
	struct lf_filter *f;
	struct lf_err err = {0};

	ck_assert_int_eq(parse(LF_CTYPE_RFC, "<filter xmlns=\"urn:ietf:params:"
			       "xml:ns:simple-filter\" xmlns:lf=\"urn:ietf:"
			       "params:xml:ns:location-filter\" id=\"x\">"
			       "<lf:moved>10</lf:moved></filter>", &f, &err),
			 0);
	ck_assert_uint_eq(lf_filter_nrfc(f), 1);
	ck_assert_str_eq(lf_filter_rfc(f, 0)->id, "x");
	ck_assert_uint_eq(lf_filter_ngroups(f), 1);
	lf_filter_free(f);
}
END_TEST

/* RFC-form rejections (all 488), duplicate filter id included. */
START_TEST(test_rfc_reject)
{
	rejects_checked = 0;
	expect_reject_rfc("<filter id=\"1\"><trigger><lf:moved>5</lf:moved>"
			  "</trigger></filter><filter id=\"1\"><trigger>"
			  "<lf:moved>6</lf:moved></trigger></filter>",
			  EBADMSG, "duplicate filter id 1");
	/* RFC 4660 5.2: two filters for the same resource or domain */
	expect_reject_rfc("<filter id=\"1\" uri=\"sip:a@b\"><trigger>"
			  "<lf:moved>5</lf:moved></trigger></filter>"
			  "<filter id=\"2\" uri=\"sip:a@b\"><trigger>"
			  "<lf:moved>6</lf:moved></trigger></filter>",
			  EBADMSG, "same resource");
	expect_reject_rfc("<filter id=\"1\"><trigger><lf:moved>5</lf:moved>"
			  "</trigger></filter><filter id=\"2\"><trigger>"
			  "<lf:moved>6</lf:moved></trigger></filter>",
			  EBADMSG, "same resource");
	expect_reject_rfc("<filter><trigger><lf:moved>5</lf:moved>"
			  "</trigger></filter>", EBADMSG, "without id");
	expect_reject_rfc("<filter id=\"1\" uri=\"sip:a@b\" domain=\"b\">"
			  "<trigger><lf:moved>5</lf:moved></trigger>"
			  "</filter>", EBADMSG, "both uri and domain");
	/* two moved in one filter */
	expect_reject_rfc("<filter id=\"1\"><lf:moved>5</lf:moved><trigger>"
			  "<lf:moved>6</lf:moved></trigger></filter>",
			  EBADMSG, "more than once");
	expect_reject_rfc("<filter id=\"1\"><trigger><lf:moved uom=\"km\">5"
			  "</lf:moved></trigger></filter>", ENOTSUP,
			  "metres");
	expect_reject_rfc("<filter id=\"1\"><trigger><lf:moved>-1"
			  "</lf:moved></trigger></filter>", EBADMSG, NULL);
	/* LF-19: only //prefix:name in changed; prefixes bound */
	expect_reject_rfc("<filter id=\"1\"><trigger><changed>gml:pos"
			  "</changed></trigger></filter>", EBADMSG,
			  "//prefix:name");
	expect_reject_rfc("<filter id=\"1\"><trigger><changed>//q:speed"
			  "</changed></trigger></filter>", EBADMSG,
			  "unbound prefix q");
	expect_reject_rfc("<filter id=\"1\"><trigger><changed by=\"x\">"
			  "//gml:pos</changed></trigger></filter>", EBADMSG,
			  "decimal");
	expect_reject_rfc("<filter id=\"1\"><trigger><changed by=\"1\""
			  " from=\"FR\">//gml:pos</changed></trigger>"
			  "</filter>", EBADMSG, "decimals");
	/* foreign condition inside a trigger */
	expect_reject_rfc("<filter id=\"1\"><trigger><x:y xmlns:x=\"urn:x\"/>"
			  "</trigger></filter>", EBADMSG, "unsupported");
	/* LF-17: exactly one Polygon or Circle */
	expect_reject_rfc("<filter id=\"1\"><trigger><lf:enterOrExit>"
			  "</lf:enterOrExit></trigger></filter>", EBADMSG,
			  "exactly one");
	expect_reject_rfc("<filter id=\"1\"><trigger><lf:enterOrExit>"
			  "<gml:Point srsName=\"urn:ogc:def:crs:EPSG::4326\">"
			  "<gml:pos>1 2</gml:pos></gml:Point>"
			  "</lf:enterOrExit></trigger></filter>", ENOTSUP,
			  "Polygon");
	/* filter needs what or trigger; locationType rules */
	expect_reject_rfc("<filter id=\"1\"/>", EBADMSG, "neither what");
	expect_reject_rfc("<filter id=\"1\"><what><lf:locationType>any civic"
			  "</lf:locationType></what></filter>", EBADMSG,
			  "stand alone");
	expect_reject_rfc("<filter id=\"1\"><what><lf:locationType>postal"
			  "</lf:locationType></what></filter>", EBADMSG,
			  "postal");
	expect_reject_rfc("", EBADMSG, "no filter");
	expect_reject_rfc("<bogus/>", EBADMSG, "unexpected");
	ck_assert_uint_eq(rejects_checked, 20);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Type, root, XML hardening, limits                                   */

START_TEST(test_type_and_root)
{
	/* T3: unknown type -> 415 */
	expect_reject("application/xml", "<location-filter" XMLNS_DRAFT
		      "><movedHoriz>1</movedHoriz></location-filter>",
		      EPROTONOSUPPORT, 415, NULL);
	/* 1.4: root vs Content-Type mismatch -> 488 */
	expect_reject(LF_CTYPE_RFC, "<location-filter" XMLNS_DRAFT
		      "><movedHoriz>1</movedHoriz></location-filter>",
		      EBADMSG, 488, "root element");
	expect_reject(LF_CTYPE_DRAFT, SF_OPEN "<filter id=\"1\"><trigger>"
		      "<lf:moved>1</lf:moved></trigger></filter></filter-set>",
		      EBADMSG, 488, "root element");
	/* location-filter in a wrong namespace */
	expect_reject(LF_CTYPE_DRAFT, "<location-filter xmlns=\"urn:x\">"
		      "<movedHoriz>1</movedHoriz></location-filter>",
		      EBADMSG, 488, NULL);
	/* malformed XML */
	expect_reject(LF_CTYPE_DRAFT, "<location-filter><movedHoriz>1",
		      EBADMSG, 488, NULL);
	ck_assert_int_eq(lf_sip_status(ENOMEM), 500);
	ck_assert_int_eq(lf_sip_status(0), 200);
}
END_TEST

/* SEC-18: billion laughs and external entities never load. */
START_TEST(test_xml_hardening)
{
	static const char laughs[] =
		"<?xml version=\"1.0\"?>\n"
		"<!DOCTYPE lolz [\n"
		" <!ENTITY lol \"lol\">\n"
		" <!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
		" <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
		" <!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"
		"]>\n"
		"<location-filter xmlns=\"urn:ietf:params:xml:ns:location-"
		"filter\"><valueChanges>&lol4;</valueChanges>"
		"</location-filter>";
	static const char xxe[] =
		"<?xml version=\"1.0\"?>\n"
		"<!DOCTYPE f [ <!ENTITY x SYSTEM \"file:///etc/passwd\"> ]>\n"
		"<location-filter xmlns=\"urn:ietf:params:xml:ns:location-"
		"filter\"><valueChanges>&x;</valueChanges>"
		"</location-filter>";

	rejects_checked = 0;
	expect_reject(LF_CTYPE_DRAFT, laughs, EPROTO, 488, NULL);
	expect_reject(LF_CTYPE_DRAFT, xxe, EPROTO, 488, NULL);
	ck_assert_uint_eq(rejects_checked, 2);
}
END_TEST

/* 1.4 / SEC-18 limits: body, depth, features, values, groups, ring. */
START_TEST(test_limits)
{
	size_t cap = 200000, n, i;
	char *body = malloc(cap);

	ck_assert_ptr_nonnull(body);
	/* body over 64 KiB */
	n = (size_t)snprintf(body, cap, "<location-filter" XMLNS_DRAFT
			     "><movedHoriz>1</movedHoriz>");
	while (n < LF_BODY_MAX + 10)
		n += (size_t)snprintf(body + n, cap - n, "<!-- pad -->");
	snprintf(body + n, cap - n, "</location-filter>");
	expect_reject(LF_CTYPE_DRAFT, body, EOVERFLOW, 488, NULL);

	/* depth 40 > 32 */
	n = (size_t)snprintf(body, cap, "<location-filter" XMLNS_DRAFT
			     "><movedHoriz>1</movedHoriz><x:a"
			     " xmlns:x=\"urn:x\">");
	for (i = 0; i < 40; i++)
		n += (size_t)snprintf(body + n, cap - n, "<x:a>");
	for (i = 0; i < 40; i++)
		n += (size_t)snprintf(body + n, cap - n, "</x:a>");
	snprintf(body + n, cap - n, "</x:a></location-filter>");
	expect_reject(LF_CTYPE_DRAFT, body, EOVERFLOW, 488, NULL);

	/* 17 value triggers > 16 */
	n = (size_t)snprintf(body, cap, "<location-filter" XMLNS_DRAFT ">");
	for (i = 0; i < 17; i++)
		n += (size_t)snprintf(body + n, cap - n,
				      "<valueChanges>my:a%zu</valueChanges>",
				      i);
	snprintf(body + n, cap - n, "</location-filter>");
	expect_reject(LF_CTYPE_DRAFT, body, EOVERFLOW, 488, "value triggers");

	/* 33 features > 32 (unresolved references are cheap) */
	n = (size_t)snprintf(body, cap, "<location-filter" XMLNS_DRAFT ">");
	for (i = 0; i < 33; i++)
		n += (size_t)snprintf(body + n, cap - n,
				      "<enterOrExit><my:F xlink:href=\"urn:f:"
				      "%zu\"/></enterOrExit>", i);
	snprintf(body + n, cap - n, "</location-filter>");
	expect_reject(LF_CTYPE_DRAFT, body, EOVERFLOW, 488, "features");

	/* 65 groups > 64: 32 filters with a moved and a circle trigger
	 * each (64 groups, 32 features), then one more moved. */
	n = (size_t)snprintf(body, cap, SF_OPEN);
	for (i = 0; i < 33; i++) {
		n += (size_t)snprintf(body + n, cap - n, "<filter id=\"f%zu\""
				      " uri=\"sip:u%zu@x\"><trigger>"
				      "<lf:moved>5</lf:moved></trigger>", i,
				      i);
		if (i < 32)
			n += (size_t)snprintf(
				body + n, cap - n,
				"<trigger><lf:enterOrExit><gs:Circle"
				" srsName=\"urn:ogc:def:crs:EPSG::4326\">"
				"<gml:pos>1 %zu</gml:pos><gs:radius"
				" uom=\"urn:ogc:def:uom:EPSG::9001\">5"
				"</gs:radius></gs:Circle>"
				"</lf:enterOrExit></trigger>", i);
		n += (size_t)snprintf(body + n, cap - n, "</filter>");
	}
	snprintf(body + n, cap - n, "</filter-set>");
	expect_reject(LF_CTYPE_RFC, body, EOVERFLOW, 488, "groups");

	/* 33 ns-bindings > 32; 65 filters > 64 */
	n = (size_t)snprintf(body, cap, SF_OPEN "<ns-bindings>");
	for (i = 0; i < 33; i++)
		n += (size_t)snprintf(body + n, cap - n, "<ns-binding prefix="
				      "\"p%zu\" urn=\"urn:x:%zu\"/>", i, i);
	snprintf(body + n, cap - n, "</ns-bindings><filter id=\"f\">"
		 "<trigger><lf:moved>5</lf:moved></trigger></filter>"
		 "</filter-set>");
	expect_reject(LF_CTYPE_RFC, body, EOVERFLOW, 488, "ns-bindings");
	n = (size_t)snprintf(body, cap, SF_OPEN);
	for (i = 0; i < 65; i++)
		n += (size_t)snprintf(body + n, cap - n, "<filter id=\"f%zu\""
				      " uri=\"sip:u%zu@x\"><what/></filter>",
				      i, i);
	snprintf(body + n, cap - n, "</filter-set>");
	expect_reject(LF_CTYPE_RFC, body, EOVERFLOW, 488, "filters");

	/* ring of 1001 positions > 1000 */
	n = (size_t)snprintf(body, cap, "<location-filter" XMLNS_DRAFT
			     "><enterOrExit><my:R><gml:extentOf><gml:Polygon"
			     " srsName=\"urn:ogc:def:crs:EPSG::4326\">"
			     "<gml:exterior><gml:LinearRing><gml:posList>");
	for (i = 0; i < 1000; i++) {
		double a = 2 * M_PI * (double)i / 1000;

		n += (size_t)snprintf(body + n, cap - n, "%.6f %.6f ",
				      48 + 0.01 * sin(a), 11 + 0.01 * cos(a));
	}
	n += (size_t)snprintf(body + n, cap - n, "%.6f %.6f", 48.0, 11.01);
	snprintf(body + n, cap - n, "</gml:posList></gml:LinearRing>"
		 "</gml:exterior></gml:Polygon></gml:extentOf></my:R>"
		 "</enterOrExit></location-filter>");
	expect_reject(LF_CTYPE_DRAFT, body, EOVERFLOW, 488, NULL);
	free(body);
}
END_TEST

START_TEST(test_bad_args)
{
	struct lf_filter *f = NULL;
	struct lf_err err = {0};

	ck_assert_int_eq(lf_filter_parse(NULL, LF_CTYPE_DRAFT, "x", 1, NULL,
					 &f, &err), EINVAL);
	ck_assert_int_eq(lf_filter_parse(geo, LF_CTYPE_DRAFT, NULL, 1, NULL,
					 &f, &err), EINVAL);
	ck_assert_ptr_null(f);
	lf_filter_free(NULL);
	ck_assert_uint_eq(lf_filter_nfeatures(NULL), 0);
}
END_TEST

TCase *tcase_filters_parse(void);
TCase *tcase_filters_parse(void)
{
	TCase *tc = tcase_create("parse");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_draft_moved);
	tcase_add_test(tc, test_draft_units);
	tcase_add_test(tc, test_draft_value_changes);
	tcase_add_test(tc, test_draft_building10);
	tcase_add_test(tc, test_draft_href_policy);
	tcase_add_test(tc, test_draft_reject);
	tcase_add_test(tc, test_draft_bowtie);
	tcase_add_test(tc, test_rfc_figures);
	tcase_add_test(tc, test_rfc_groups);
	tcase_add_test(tc, test_rfc_regions);
	tcase_add_test(tc, test_rfc_reject);
	tcase_add_test(tc, test_rfc_filter_root);
	tcase_add_test(tc, test_type_and_root);
	tcase_add_test(tc, test_xml_hardening);
	tcase_add_test(tc, test_limits);
	tcase_add_test(tc, test_bad_args);
	return tc;
}
