/*
 * test_locsub_print.c: locsub's filter kind detection and its two output
 * formats (tools/locsub/print.c; issue 5, "The tools").  Tools are
 * programs, not libraries, so the file under test is compiled in here.
 * A NOTIFY body built by pidf_build with a containment element (LF-41,
 * LF-44, LF-45) prints as one JSON object with the location and
 * [{feature, position}]; the pidf format prints bodies as received.
 */
#include <check.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <libxml/parser.h>

#include "tools/locsub/print.c"

#define T0 1795255200.0 /* 2026-11-21T10:00:00Z */

static const char rfc_filter[] =
	"<filter-set xmlns=\"urn:ietf:params:xml:ns:simple-filter\" "
	"xmlns:lf=\"urn:ietf:params:xml:ns:location-filter\">"
	"<filter id=\"1\"><trigger><lf:moved>300</lf:moved></trigger>"
	"</filter></filter-set>";
static const char draft_filter[] =
	"<location-filter xmlns=\"urn:ietf:params:xml:ns:location-filter\">"
	"<movedHoriz>50</movedHoriz></location-filter>";

/* Kind of a NUL-ended body: the return value, *kind when 0. */
static int kind_of(const char *body, enum ls_filter_kind *kind)
{
	char why[160];
	int err = ls_filter_kind(body, strlen(body), kind, why, sizeof(why));

	if (err)
		ck_assert_msg(why[0] != '\0', "no reason for %d", err);
	return err;
}

START_TEST(filter_kinds)
{
	enum ls_filter_kind k = LS_FILTER_RFC;
	char *big;

	/* EV-1, LF-1: the draft form goes out as Event: location */
	ck_assert_int_eq(kind_of(draft_filter, &k), 0);
	ck_assert_int_eq(k, LS_FILTER_DRAFT);
	ck_assert_str_eq(ls_filter_event(k), "location");
	ck_assert_str_eq(ls_filter_ctype(k), LF_CTYPE_DRAFT);
	/* LF-12: an RFC 6447 filter-set over presence */
	ck_assert_int_eq(kind_of(rfc_filter, &k), 0);
	ck_assert_int_eq(k, LS_FILTER_RFC);
	ck_assert_str_eq(ls_filter_event(k), "presence");
	ck_assert_str_eq(ls_filter_ctype(k), "application/simple-filter+xml");
	/* neither root, or the right name in another namespace */
	ck_assert_int_eq(kind_of("<gpx/>", &k), EPROTONOSUPPORT);
	ck_assert_int_eq(kind_of("<location-filter/>", &k), EPROTONOSUPPORT);
	ck_assert_int_eq(kind_of("<filter-set xmlns=\"urn:x\"/>", &k),
			 EPROTONOSUPPORT);
	/* SEC-18: the hardened read refuses before anything is sent */
	ck_assert_int_eq(kind_of("<!DOCTYPE x [<!ENTITY a \"b\">]>"
				 "<location-filter/>", &k), EPROTO);
	ck_assert_int_eq(kind_of("<location-filter", &k), EBADMSG);
	big = malloc(LS_FILTER_MAX + 2);
	ck_assert_ptr_nonnull(big);
	memset(big, ' ', LS_FILTER_MAX + 1);
	big[LS_FILTER_MAX + 1] = '\0';
	memcpy(big, "<a>", 3);
	ck_assert_int_eq(kind_of(big, &k), EOVERFLOW);
	free(big);
}
END_TEST

/* Print n in fmt into a new string (free it). */
static char *print_to_string(enum ls_format fmt, struct geo_ctx *geo,
			     const struct ls_note *n)
{
	char *s = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&s, &len);

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(ls_print_note(f, fmt, geo, n), 0);
	ck_assert_int_eq(fclose(f), 0);
	return s;
}

static json_t *jsonl_of(struct geo_ctx *geo, const struct ls_note *n)
{
	json_error_t je;
	char *s = print_to_string(LS_FMT_JSONL, geo, n);
	json_t *o;

	/* one line, one object */
	ck_assert_ptr_nonnull(strchr(s, '\n'));
	ck_assert_ptr_eq(strchr(s, '\n'), s + strlen(s) - 1);
	o = json_loads(s, 0, &je);
	ck_assert_msg(o != NULL, "%s: %s", je.text, s);
	free(s);
	return o;
}

static void note_init(struct ls_note *n, const char *substate,
		      const char *body, size_t len)
{
	memset(n, 0, sizeof(*n));
	n->received = T0 + 3600.5;
	n->state = SIP_SUBSTATE_ACTIVE;
	sip_pl_set_str(&n->substate, substate);
	n->body.p = body;
	n->body.l = len;
}

START_TEST(jsonl_location_and_containment)
{
	static const char feat[] =
		"<my:Building xmlns:my=\"urn:example:my\" "
		"xmlns:gml=\"http://www.opengis.net/gml\" gml:id=\"b10\">"
		"<gml:name>Building 10</gml:name></my:Building>"
		"<my:Floor xmlns:my=\"urn:example:my\" "
		"xmlns:gml=\"http://www.opengis.net/gml\" gml:id=\"f2\"/>";
	struct geo_ctx *geo = NULL;
	struct pidf_builder *b = NULL;
	struct pidf_containment pc[2];
	struct pidf_build_in in;
	struct pidf_location loc;
	struct pidf_err perr;
	struct geo_shape pt;
	struct ls_note n;
	char doc[512];
	xmlDoc *fd;
	xmlNode *root;
	const char *body;
	size_t len;
	json_t *o, *c;

	ck_assert_int_eq(geo_ctx_alloc(&geo, NULL), 0);
	ck_assert_int_eq(pidf_builder_alloc(&b), 0);
	/* two features as a subscriber's filter would hold them */
	snprintf(doc, sizeof(doc), "<r>%s</r>", feat);
	fd = xmlReadMemory(doc, (int)strlen(doc), NULL, NULL,
			   XML_PARSE_NONET);
	ck_assert_ptr_nonnull(fd);
	root = xmlDocGetRootElement(fd);
	pc[0].feature = first_element(root);
	pc[0].position = GEO_POS_INSIDE;
	pc[1].feature = pc[0].feature->next;
	pc[1].position = GEO_POS_OUTSIDE;
	memset(&pt, 0, sizeof(pt));
	pt.kind = GEO_SHAPE_POINT;
	pt.dim = 3;
	pt.center.lat = 37.41165;
	pt.center.lon = -121.9320319;
	pt.center.alt = 1.5;
	pt.center.has_alt = true;
	pidf_location_init(&loc);
	loc.shape = &pt;
	loc.has_time = true;
	loc.time = T0 + 132;
	loc.has_speed = true;
	loc.speed = 1.4;
	memset(&in, 0, sizeof(in));
	in.entity = "pres:alice@localhost";
	in.loc = &loc;
	in.with_dynamic = true;
	in.containment = pc;
	in.ncontainment = 2;
	ck_assert_msg(pidf_build(b, &in, &perr) == 0, "%s", perr.msg);
	body = pidf_builder_body(b, &len);

	note_init(&n, "active;expires=3598", body, len);
	o = jsonl_of(geo, &n);
	ck_assert_str_eq(json_string_value(json_object_get(o, "received")),
			 "2026-11-21T11:00:00.500Z");
	ck_assert_str_eq(json_string_value(json_object_get(o, "state")),
			 "active");
	/* EV-21: the header as received */
	ck_assert_str_eq(json_string_value(
		json_object_get(o, "subscription_state")),
		"active;expires=3598");
	ck_assert_str_eq(json_string_value(json_object_get(o, "fix_time")),
			 "2026-11-21T10:02:12Z");
	ck_assert_double_eq_tol(json_real_value(json_object_get(o, "lat")),
				37.41165, 1e-9);
	ck_assert_double_eq_tol(json_real_value(json_object_get(o, "lon")),
				-121.9320319, 1e-9);
	ck_assert_double_eq_tol(json_real_value(json_object_get(o, "alt")),
				1.5, 1e-9);
	ck_assert_double_eq_tol(json_real_value(json_object_get(o, "speed")),
				1.4, 1e-9);
	ck_assert_ptr_null(json_object_get(o, "error"));
	ck_assert_ptr_null(json_object_get(o, "triggers"));
	/* LF-41/45: one entry per feature, named as the subscriber did */
	c = json_object_get(o, "containment");
	ck_assert_uint_eq(json_array_size(c), 2);
	ck_assert_str_eq(json_string_value(json_object_get(
		json_array_get(c, 0), "feature")), "Building 10");
	ck_assert_str_eq(json_string_value(json_object_get(
		json_array_get(c, 0), "position")), "inside");
	ck_assert_str_eq(json_string_value(json_object_get(
		json_array_get(c, 1), "feature")), "f2");
	ck_assert_str_eq(json_string_value(json_object_get(
		json_array_get(c, 1), "position")), "outside");
	json_decref(o);

	xmlFreeDoc(fd);
	pidf_builder_free(b);
	geo_ctx_free(geo);
}
END_TEST

START_TEST(jsonl_without_location)
{
	static const char empty_pidf[] =
		"<?xml version=\"1.0\"?>\n<presence xmlns=\""
		"urn:ietf:params:xml:ns:pidf\" entity=\"pres:a@b\"/>\n";
	struct geo_ctx *geo = NULL;
	struct ls_note n;
	json_t *o;

	ck_assert_int_eq(geo_ctx_alloc(&geo, NULL), 0);
	/* EV-19: the first NOTIFY before any fix: no location, an error */
	note_init(&n, "active;expires=3600", empty_pidf,
		  sizeof(empty_pidf) - 1);
	o = jsonl_of(geo, &n);
	ck_assert(json_is_null(json_object_get(o, "lat")));
	ck_assert(json_is_null(json_object_get(o, "lon")));
	ck_assert(json_is_null(json_object_get(o, "fix_time")));
	ck_assert_uint_eq(json_array_size(json_object_get(o, "containment")),
			  0);
	ck_assert(json_string_length(json_object_get(o, "error")) > 0);
	json_decref(o);
	/* a final NOTIFY without body: terminated, no error */
	note_init(&n, "terminated;reason=timeout", NULL, 0);
	n.state = SIP_SUBSTATE_TERMINATED;
	o = jsonl_of(geo, &n);
	ck_assert_str_eq(json_string_value(json_object_get(o, "state")),
			 "terminated");
	ck_assert_ptr_null(json_object_get(o, "error"));
	ck_assert(json_is_null(json_object_get(o, "speed")));
	json_decref(o);
	/* not XML at all */
	note_init(&n, "active", "x-test 1 \r\n", 11);
	o = jsonl_of(geo, &n);
	ck_assert(json_string_length(json_object_get(o, "error")) > 0);
	json_decref(o);
	geo_ctx_free(geo);
}
END_TEST

START_TEST(pidf_as_received)
{
	struct ls_note n;
	char *s;

	/* the body byte for byte, a newline added only when missing */
	note_init(&n, "active", "<a/>", 4);
	s = print_to_string(LS_FMT_PIDF, NULL, &n);
	ck_assert_str_eq(s, "<a/>\n");
	free(s);
	note_init(&n, "active", "x-test 1 \r\n", 11);
	s = print_to_string(LS_FMT_PIDF, NULL, &n);
	ck_assert_str_eq(s, "x-test 1 \r\n");
	free(s);
	/* nothing for an empty body */
	note_init(&n, "active", NULL, 0);
	s = print_to_string(LS_FMT_PIDF, NULL, &n);
	ck_assert_str_eq(s, "");
	free(s);
	ck_assert_int_eq(ls_print_note(NULL, LS_FMT_PIDF, NULL, &n), EINVAL);
}
END_TEST

TCase *tcase_locsub_print(void);
TCase *tcase_locsub_print(void)
{
	TCase *tc = tcase_create("locsub_print");

	tcase_add_test(tc, filter_kinds);
	tcase_add_test(tc, jsonl_location_and_containment);
	tcase_add_test(tc, jsonl_without_location);
	tcase_add_test(tc, pidf_as_received);
	return tc;
}
