/*
 * test_package.c: locd/package.c through the whole daemon on the fake
 * transport (locd_fake.h): SUBSCRIBE judgements (EV-3, EV-5, EV-7,
 * EV-14), the first NOTIFY (EV-19, LF-42), PUBLISH judgements (EV-32).
 */
#include <check.h>
#include <math.h>

#include "pidf/pidf.h"

#include "tests/unit/locd/locd_fake.h"

static const char bad_filter[] =
	"<location-filter xmlns=\"urn:ietf:params:xml:ns:location-filter\">"
	"<movedHoriz uom=\"#meters\">lots</movedHoriz></location-filter>";

/* What the Warning of bad_filter's 488 starts with (filters/). */
#define BAD_WHY "movedHoriz needs a finite number"

/* The response of callid among messages from index from. */
static const struct lf_msg *resp_of(const struct lf_env *e, size_t from,
				    const char *callid)
{
	size_t i;

	for (i = from; i < e->n; i++)
		if (!e->m[i].req && strcmp(e->m[i].callid, callid) == 0)
			return &e->m[i];
	return NULL;
}

/* EV-5 403 without filter; EV-7 488 + Warning, 415 + Accept; EV-3 489;
 * EV-13 423; EV-17 406. */
START_TEST(test_subscribe_refusals)
{
	struct lf_env e = {0};
	const struct lf_msg *r;
	size_t from;

	lf_start(&e, true);
	ck_assert_uint_eq(lf_subscribe(&e, "c-nofilter", 1, NULL, "location",
				       NULL, NULL, 600), 403);
	from = e.n;
	ck_assert_uint_eq(lf_subscribe(&e, "c-bad", 1, NULL, "location",
				       LF_CTYPE_DRAFT, bad_filter, 600), 488);
	r = resp_of(&e, from, "c-bad");
	ck_assert_ptr_nonnull(r);
	/* issue 5 items 1, 2: the phrase of 488 and the filter's reason in
	 * the Warning (it was empty: the text lived on a gone stack) */
	ck_assert(lf_has(r, "SIP/2.0 488 Not Acceptable Here\r\n"));
	ck_assert(lf_has(r, "\r\nWarning: 399 localhost \"" BAD_WHY));
	ck_assert(!lf_has(r, "Warning: 399 localhost \"\""));
	from = e.n;
	ck_assert_uint_eq(lf_subscribe(&e, "c-type", 1, NULL, "location",
				       "text/plain", "hello", 600), 415);
	r = resp_of(&e, from, "c-type");
	ck_assert(lf_has(r, "Accept: " LF_CTYPE_DRAFT));
	ck_assert_uint_eq(lf_subscribe(&e, "c-event", 1, NULL, "weather",
				       LF_CTYPE_DRAFT, lf_b10, 600), 489);
	/* RFC form under the draft package: 415 */
	ck_assert_uint_eq(lf_subscribe(&e, "c-rfc", 1, NULL, "location",
				       LF_CTYPE_RFC, lf_b10, 600), 415);
	/* 423 below the minimum (EV-13) */
	ck_assert_uint_eq(lf_subscribe(&e, "c-short", 1, NULL, "location",
				       LF_CTYPE_DRAFT, lf_b10, 10), 423);
	/* EV-17: Accept without PIDF-LO: 406 */
	e.extra = "Accept: text/plain\r\n";
	ck_assert_uint_eq(lf_subscribe(&e, "c-acc", 1, NULL, "location",
				       LF_CTYPE_DRAFT, lf_b10, 600), 406);
	e.extra = "Accept: text/plain, application/pidf+xml\r\n";
	ck_assert_uint_eq(lf_subscribe(&e, "c-acc2", 1, NULL, "location",
				       LF_CTYPE_DRAFT, lf_b10, 600), 200);
	e.extra = NULL;
	ck_assert_uint_eq(locd_sub_count(e.d), 1);
	/* the server keeps serving */
	ck_assert_uint_eq(lf_subscribe(&e, "c-ok", 1, NULL, "location",
				       LF_CTYPE_DRAFT, lf_b10, 600), 200);
	ck_assert_uint_eq(locd_sub_count(e.d), 2);
	lf_end(&e);
}
END_TEST

/* Issue 5 item 1: every status locd or the stack sends has its phrase
 * (RFC 3261 §21, RFC 6665 489, RFC 3903 412, RFC 5626 430). */
START_TEST(test_reason_phrases)
{
	static const struct {
		uint16_t code;
		const char *txt;
	} want[] = {
		{202, "Accepted"}, {403, "Forbidden"},
		{406, "Not Acceptable"}, {412, "Conditional Request Failed"},
		{415, "Unsupported Media Type"}, {420, "Bad Extension"},
		{423, "Interval Too Brief"}, {430, "Flow Failed"},
		{480, "Temporarily Unavailable"},
		{481, "Call/Transaction Does Not Exist"},
		{482, "Loop Detected"}, {483, "Too Many Hops"},
		{488, "Not Acceptable Here"}, {489, "Bad Event"},
		{491, "Request Pending"}, {500, "Server Internal Error"},
		{501, "Not Implemented"}, {503, "Service Unavailable"},
		{504, "Server Time-out"}, {505, "Version Not Supported"},
		{513, "Message Too Large"}, {603, "Decline"},
	};
	size_t i;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		ck_assert_str_eq(sip_reason_phrase(want[i].code), want[i].txt);
	ck_assert_str_eq(sip_reason_phrase(499), "Unknown");
}
END_TEST

/* EV-19: no fix yet: a NOTIFY without location at once; then the first
 * fix inside: a NOTIFY with containment "inside" after the quarantine. */
START_TEST(test_first_notify)
{
	struct lf_env e = {0};
	size_t last = 0, from;
	double t = floor(locd_wall());

	lf_start(&e, true);
	ck_assert_uint_eq(lf_subscribe(&e, "c1", 1, NULL, "location",
				       LF_CTYPE_DRAFT, lf_b10, 600), 200);
	ck_assert_uint_eq(lf_notifies(&e, 0, "c1", &last), 1);
	ck_assert(lf_has(&e.m[last], "Subscription-State: active;expires="));
	ck_assert(lf_has(&e.m[last], "entity=\"pres:alice@localhost\""));
	ck_assert(!lf_has(&e.m[last], "containment"));
	from = e.n;
	ck_assert_int_eq(lf_fix(&e, LF_INSIDE_LAT, LF_INSIDE_LON, t), 0);
	lf_advance(&e, 400);
	ck_assert_uint_eq(lf_notifies(&e, from, "c1", NULL), 0);
	lf_advance(&e, 200); /* quarantine 500 ms (RC-3) */
	ck_assert_uint_eq(lf_notifies(&e, from, "c1", &last), 1);
	ck_assert(lf_has(&e.m[last], "position=\"inside\""));
	ck_assert(lf_has(&e.m[last], "gml:id=\"b10\""));
	ck_assert_uint_eq(e.m[last].cseq, e.m[from - 1].cseq + 1);
	lf_end(&e);
}
END_TEST

/* LF-42: with a fix known, the first NOTIFY reports every feature; a
 * refresh with a new filter replaces it and reports again. */
START_TEST(test_refresh_new_filter)
{
	static const char moved[] =
		"<location-filter xmlns=\"urn:ietf:params:xml:ns:location-"
		"filter\"><movedHoriz uom=\"#meters\">50</movedHoriz>"
		"</location-filter>";
	struct lf_env e = {0};
	char tag[64];
	size_t last = 0, from;
	double t = floor(locd_wall());

	lf_start(&e, true);
	ck_assert_int_eq(lf_fix(&e, LF_OUTSIDE_LAT, LF_OUTSIDE_LON, t), 0);
	ck_assert_uint_eq(lf_subscribe(&e, "c2", 1, NULL, "location",
				       LF_CTYPE_DRAFT, lf_b10, 600), 200);
	ck_assert_uint_eq(lf_notifies(&e, 0, "c2", &last), 1);
	ck_assert(lf_has(&e.m[last], "position=\"outside\""));
	lf_totag(&e, "c2", tag, sizeof(tag));
	from = e.n;
	ck_assert_uint_eq(lf_subscribe(&e, "c2", 2, tag, "location",
				       LF_CTYPE_DRAFT, moved, 300), 200);
	ck_assert_uint_eq(lf_notifies(&e, from, "c2", &last), 1);
	ck_assert(!lf_has(&e.m[last], "containment"));
	ck_assert(lf_has(&e.m[last], "expires=300") ||
		  lf_has(&e.m[last], "expires=299"));
	/* a bad filter in a refresh: 488, the old one stays */
	from = e.n;
	ck_assert_uint_eq(lf_subscribe(&e, "c2", 3, tag, "location",
				       LF_CTYPE_DRAFT, bad_filter, 300), 488);
	ck_assert(lf_has(resp_of(&e, from, "c2"),
			 "\r\nWarning: 399 localhost \"" BAD_WHY));
	ck_assert_uint_eq(locd_sub_count(e.d), 1);
	/* moved 50 m: 200 m away fires */
	from = e.n;
	ck_assert_int_eq(lf_fix(&e, LF_OUTSIDE_LAT + 0.002, LF_OUTSIDE_LON,
				t + 10), 0);
	lf_advance(&e, 600);
	ck_assert_uint_eq(lf_notifies(&e, from, "c2", NULL), 1);
	lf_end(&e);
}
END_TEST

/* EV-32: PUBLISH with another body type: 415; invalid PIDF-LO: 400 with
 * a Warning; a fix in the future: 400 (counted). */
START_TEST(test_publish_refusals)
{
	static const char pub[] =
		"PUBLISH sip:alice@127.0.0.1:5060 SIP/2.0\r\n"
		"Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-p%u\r\n"
		"From: <sip:alice@localhost>;tag=pt%u\r\n"
		"To: <sip:alice@localhost>\r\n"
		"Call-ID: pub-%u\r\nCSeq: 1 PUBLISH\r\n"
		"Max-Forwards: 70\r\nEvent: presence\r\nExpires: 600\r\n"
		"Content-Type: %s\r\nContent-Length: %zu\r\n\r\n%s";
	static const char *const bodies[][2] = {
		{"text/plain", "hello"},
		{"application/pidf+xml", "<presence xmlns=\"urn:ietf:params"
		 ":xml:ns:pidf\" entity=\"pres:a@b\"><tuple"},
	};
	static const unsigned want[] = {415, 400};
	struct lf_env e = {0};
	char txt[2048], cid[32];
	const struct lf_msg *r;
	unsigned i;

	lf_start(&e, true);
	for (i = 0; i < 2; i++) {
		size_t from = e.n;
		snprintf(txt, sizeof(txt), pub, i, i, i, bodies[i][0],
			 strlen(bodies[i][1]), bodies[i][1]);
		lf_feed(&e, txt);
		snprintf(cid, sizeof(cid), "pub-%u", i);
		r = resp_of(&e, from, cid);
		ck_assert_ptr_nonnull(r);
		ck_assert_uint_eq(r->scode, want[i]);
		if (want[i] == 400)
			ck_assert(lf_has(r, "Warning: 399"));
	}
	/* implausible fixes: refused with a reason, counted */
	ck_assert_int_eq(lf_fix(&e, 37, -121, locd_wall() + 3600), ERANGE);
	ck_assert_int_eq(lf_fix(&e, 95, -121, locd_wall()), ERANGE);
	ck_assert_int_eq(lf_fix(&e, NAN, -121, locd_wall()), ERANGE);
	ck_assert_int_eq(lf_fix(&e, 37, -121, locd_wall()), 0);
	ck_assert_int_eq(lf_fix(&e, 37, -121, locd_wall() - 100), ESTALE);
	ck_assert_double_eq(locd_metric_value(e.d->std.refused
		[LOCD_SOURCE_HTTP][LOCD_REFUSE_FUTURE]), 1);
	ck_assert_double_eq(locd_metric_value(e.d->std.refused
		[LOCD_SOURCE_HTTP][LOCD_REFUSE_ORDER]), 1);
	lf_end(&e);
}
END_TEST

/* PUBLISH a point at time t (UNIX s) for alice; if_match NULL for a new
 * publication; expires 0 removes.  Returns the status; etag (if not
 * NULL) gets the new SIP-ETag. */
/* PUBLISH with li (the gp:location-info content; NULL: a point at
 * lat lon; expires 0: remove). */
static unsigned publish_li(struct lf_env *e, const char *cid,
			   const char *li, double lat, double lon, double t,
			   const char *if_match, unsigned expires,
			   char *etag, size_t sz)
{
	char txt[4096], body[2048], ts[40], im[96] = "", pt[160];
	const struct lf_msg *r;
	size_t from = e->n;
	int n = 0;

	ck_assert_int_eq(pidf_time_format(t, ts, sizeof(ts)), 0);
	snprintf(pt, sizeof(pt), "<gml:Point srsName=\"urn:ogc:def:crs:"
		 "EPSG::4326\"><gml:pos>%.5f %.5f</gml:pos></gml:Point>",
		 lat, lon);
	if (expires)
		n = snprintf(body, sizeof(body),
			"<presence xmlns=\"urn:ietf:params:xml:ns:pidf\" "
			"xmlns:gp=\"urn:ietf:params:xml:ns:pidf:geopriv10\" "
			"xmlns:gml=\"http://www.opengis.net/gml\" "
			"xmlns:gs=\"http://www.opengis.net/pidflo/1.0\" "
			"xmlns:con=\"urn:ietf:params:xml:ns:geopriv:conf\" "
			"xmlns:ca=\"urn:ietf:params:xml:ns:pidf:geopriv10:"
			"civicAddr\" "
			"entity=\"pres:alice@localhost\"><tuple id=\"t1\">"
			"<status><gp:geopriv><gp:location-info>%s"
			"</gp:location-info>"
			"<gp:usage-rules/></gp:geopriv></status><timestamp>"
			"%s</timestamp></tuple></presence>", li ? li : pt, ts);
	ck_assert(n >= 0 && (size_t)n < sizeof(body));
	e->branch++;
	if (if_match)
		snprintf(im, sizeof(im), "SIP-If-Match: %s\r\n", if_match);
	snprintf(txt, sizeof(txt),
		 "PUBLISH sip:alice@127.0.0.1:5060 SIP/2.0\r\n"
		 "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-q%u\r\n"
		 "From: <sip:alice@localhost>;tag=pq\r\n"
		 "To: <sip:alice@localhost>\r\n"
		 "Call-ID: %s\r\nCSeq: %u PUBLISH\r\n"
		 "Max-Forwards: 70\r\nEvent: presence\r\nExpires: %u\r\n"
		 "%s%s"
		 "Content-Length: %d\r\n\r\n%s",
		 e->branch, cid, e->branch, expires, im,
		 n ? "Content-Type: application/pidf+xml\r\n" : "", n,
		 n ? body : "");
	lf_feed(e, txt);
	r = resp_of(e, from, cid);
	ck_assert_ptr_nonnull(r);
	if (etag && r->scode == 200) {
		const char *p = strstr(r->text, "\r\nSIP-ETag: ");
		size_t l;
		ck_assert_ptr_nonnull(p);
		p += 12;
		l = strcspn(p, "\r");
		ck_assert_uint_lt(l, sz);
		memcpy(etag, p, l);
		etag[l] = '\0';
	}
	return r->scode;
}

static unsigned publish(struct lf_env *e, const char *cid, double lat,
			double lon, double t, const char *if_match,
			unsigned expires, char *etag, size_t sz)
{
	return publish_li(e, cid, NULL, lat, lon, t, if_match, expires,
			  etag, sz);
}

/* the current location is the newest by location time among live
 * publications; removing them falls back, then location unknown. */
START_TEST(test_publications_newest)
{
	struct lf_env e = {0};
	char ea[64], eb[64], ec[64];
	size_t first, last = 0;
	double t = floor(locd_wall()) - 100;

	lf_start(&e, true);
	ck_assert_uint_eq(lf_subscribe(&e, "q31", 1, NULL, "location",
				       LF_CTYPE_DRAFT, lf_b10, 600), 200);
	ck_assert_uint_eq(publish(&e, "pa", LF_INSIDE_LAT, LF_INSIDE_LON,
				  t + 10, NULL, 600, ea, sizeof(ea)), 200);
	lf_advance(&e, 1000);
	ck_assert_uint_eq(lf_notifies(&e, 0, "q31", &last), 2);
	ck_assert(lf_has(&e.m[last], "position=\"inside\""));
	/* an older publication (another tag) does not become current */
	first = e.n;
	ck_assert_uint_eq(publish(&e, "pb", LF_OUTSIDE_LAT, LF_OUTSIDE_LON,
				  t + 5, NULL, 600, eb, sizeof(eb)), 200);
	lf_advance(&e, 1000);
	ck_assert_uint_eq(lf_notifies(&e, first, "q31", NULL), 0);
	/* a modify going back in time within its publication: 400 */
	ck_assert_uint_eq(publish(&e, "pc", LF_OUTSIDE_LAT, LF_OUTSIDE_LON,
				  t + 1, eb, 600, ec, sizeof(ec)), 400);
	/* remove the newest: the older one is current (outside) */
	ck_assert_uint_eq(publish(&e, "pd", 0, 0, 0, ea, 0, NULL, 0), 200);
	lf_advance(&e, 1000);
	ck_assert_uint_eq(lf_notifies(&e, first, "q31", &last), 1);
	ck_assert(lf_has(&e.m[last], "position=\"outside\""));
	/* remove the last: location unknown, a NOTIFY without location */
	first = e.n;
	ck_assert_uint_eq(publish(&e, "pe", 0, 0, 0, eb, 0, NULL, 0), 200);
	lf_advance(&e, 1000);
	ck_assert_uint_eq(lf_notifies(&e, first, "q31", &last), 1);
	ck_assert(!lf_has(&e.m[last], "containment"));
	ck_assert(!lf_has(&e.m[last], "gml:pos"));
	/* a new fix is a first one again: all features reported */
	first = e.n;
	ck_assert_uint_eq(publish(&e, "pf", LF_OUTSIDE_LAT, LF_OUTSIDE_LON,
				  t + 20, NULL, 600, ec, sizeof(ec)), 200);
	lf_advance(&e, 1000);
	ck_assert_uint_eq(lf_notifies(&e, first, "q31", &last), 1);
	ck_assert(lf_has(&e.m[last], "position=\"outside\""));
	lf_end(&e);
}
END_TEST

/* Issue 5 item 5 (LF-37/38, Q-11, T6/T7): a published circle keeps its
 * shape and confidence: centred on Building 10's west edge nothing
 * fires (P(in) = P(out) ~ 0.475 < 0.5: the state stays as it was),
 * where its centre point alone would have a side; 10 m well inside:
 * inside, and the NOTIFY carries the circle and its confidence, not a
 * point; on the edge again: still nothing; 10 m outside: outside. */
START_TEST(test_publish_shape)
{
	static const char edge[] =
		"<gs:Circle srsName=\"urn:ogc:def:crs:EPSG::4326\">"
		"<gml:pos>37.41165 -121.932425</gml:pos><gs:radius uom=\"urn:"
		"ogc:def:uom:EPSG::9001\">20</gs:radius></gs:Circle>"
		"<con:confidence pdf=\"normal\">95</con:confidence>";
	static const char in[] =
		"<gs:Circle srsName=\"urn:ogc:def:crs:EPSG::4326\">"
		"<gml:pos>37.41165 -121.9319</gml:pos><gs:radius uom=\"urn:"
		"ogc:def:uom:EPSG::9001\">10</gs:radius></gs:Circle>"
		"<con:confidence pdf=\"normal\">90</con:confidence>";
	static const char out[] =
		"<gs:Circle srsName=\"urn:ogc:def:crs:EPSG::4326\">"
		"<gml:pos>37.41300 -121.93500</gml:pos><gs:radius uom=\"urn:"
		"ogc:def:uom:EPSG::9001\">10</gs:radius></gs:Circle>";
	struct lf_env e = {0};
	char ea[64], eb[64];
	size_t first, last = 0;
	double t = floor(locd_wall()) - 100;

	lf_start(&e, true);
	ck_assert_uint_eq(lf_subscribe(&e, "sh", 1, NULL, "location",
				       LF_CTYPE_DRAFT, lf_b10, 600), 200);
	first = e.n;
	ck_assert_uint_eq(publish_li(&e, "pa", edge, 0, 0, t + 10, NULL, 600,
				     ea, sizeof(ea)), 200);
	lf_advance(&e, 1000);
	ck_assert_uint_eq(lf_notifies(&e, first, "sh", NULL), 0);
	first = e.n;
	ck_assert_uint_eq(publish_li(&e, "pb", in, 0, 0, t + 20, ea, 600, eb,
				     sizeof(eb)), 200);
	lf_advance(&e, 1000);
	ck_assert_uint_eq(lf_notifies(&e, first, "sh", &last), 1);
	ck_assert(lf_has(&e.m[last], "position=\"inside\""));
	ck_assert(lf_has(&e.m[last], "Circle"));
	ck_assert(lf_has(&e.m[last], ">10</"));
	ck_assert(lf_has(&e.m[last], "confidence"));
	ck_assert(lf_has(&e.m[last], ">90</"));
	ck_assert(!lf_has(&e.m[last], "gml:Point"));
	first = e.n;
	ck_assert_uint_eq(publish_li(&e, "pc", edge, 0, 0, t + 30, eb, 600, ea,
				     sizeof(ea)), 200);
	lf_advance(&e, 1000);
	ck_assert_uint_eq(lf_notifies(&e, first, "sh", NULL), 0);
	ck_assert_uint_eq(publish_li(&e, "pd", out, 0, 0, t + 40, ea, 600, eb,
				     sizeof(eb)), 200);
	lf_advance(&e, 1000);
	ck_assert_uint_eq(lf_notifies(&e, first, "sh", &last), 1);
	ck_assert(lf_has(&e.m[last], "position=\"outside\""));
	lf_end(&e);
}
END_TEST

/* The NOTIFY body (after the blank line) of message i. */
static const char *body_of(const struct lf_env *e, size_t i)
{
	const char *b = strstr(e->m[i].text, "\r\n\r\n");

	ck_assert_ptr_nonnull(b);
	return b + 4;
}

/*
 * Issue 6: a PIDF-LO with a bare point keeps no document (the target's
 * and the publication's locd_loc stay NULL: the point says it all); a
 * point with a confidence and a circle keep theirs. The NOTIFY of a bare
 * point is the one a kept document gives (a 3-D one keeps its altitude).
 */
START_TEST(test_publish_point_no_doc)
{
	static const char pt3[] =
		"<gml:Point srsName=\"urn:ogc:def:crs:EPSG::4979\">"
		"<gml:pos>37.41165 -121.9319 12.5</gml:pos></gml:Point>";
	static const char ptc[] =
		"<gml:Point srsName=\"urn:ogc:def:crs:EPSG::4326\">"
		"<gml:pos>37.41300 -121.93500</gml:pos></gml:Point>"
		"<con:confidence pdf=\"normal\">95</con:confidence>";
	static const char circle[] =
		"<gs:Circle srsName=\"urn:ogc:def:crs:EPSG::4326\">"
		"<gml:pos>37.41165 -121.9319</gml:pos><gs:radius uom=\"urn:"
		"ogc:def:uom:EPSG::9001\">10</gs:radius></gs:Circle>";
	struct lf_env e = {0};
	struct locd_target *tg;
	char ea[64], eb[64], bare[4096], conf[4096];
	const char *c;
	size_t first, last = 0;
	double t = floor(locd_wall()) - 100;

	lf_start(&e, true);
	ck_assert_uint_eq(lf_subscribe(&e, "pn", 1, NULL, "location",
				       LF_CTYPE_DRAFT, lf_b10, 600), 200);
	/* a bare 2-D point: no document kept */
	first = e.n;
	ck_assert_uint_eq(publish(&e, "p1", LF_OUTSIDE_LAT, LF_OUTSIDE_LON,
				  t + 10, NULL, 600, ea, sizeof(ea)), 200);
	lf_advance(&e, 1000);
	ck_assert_int_eq(locd_target_get(e.d, "sip:alice@localhost", false,
					 &tg), 0);
	ck_assert(tg->has_fix);
	ck_assert_ptr_null(tg->loc);
	ck_assert_ptr_nonnull(tg->pubs);
	ck_assert_ptr_null(tg->pubs->loc);
	ck_assert_uint_eq(lf_notifies(&e, first, "pn", &last), 1);
	ck_assert(lf_has(&e.m[last], "position=\"outside\""));
	snprintf(bare, sizeof(bare), "%s", body_of(&e, last));
	ck_assert_ptr_nonnull(strstr(bare, "<gml:Point srsName=\"urn:ogc:"
				     "def:crs:EPSG::4326\"><gml:pos>37.413 "
				     "-121.935</gml:pos></gml:Point>"));
	/* a 3-D point: none either; the NOTIFY keeps its altitude */
	first = e.n;
	ck_assert_uint_eq(publish_li(&e, "p2", pt3, 0, 0, t + 20, ea, 600, eb,
				     sizeof(eb)), 200);
	lf_advance(&e, 1000);
	ck_assert_ptr_null(tg->loc);
	ck_assert_uint_eq(lf_notifies(&e, first, "pn", &last), 1);
	ck_assert(lf_has(&e.m[last], "position=\"inside\""));
	ck_assert(lf_has(&e.m[last], "EPSG::4979\"><gml:pos>37.41165 "
				     "-121.9319 12.5</gml:pos>"));
	/* with a confidence: kept; a point's NOTIFY has no confidence
	 * (pidf/build.c), so its body is the bare point's but for the
	 * times (20 s apart) */
	first = e.n;
	ck_assert_uint_eq(publish_li(&e, "p3", ptc, 0, 0, t + 30, eb, 600, ea,
				     sizeof(ea)), 200);
	lf_advance(&e, 1000);
	ck_assert_ptr_nonnull(tg->loc);
	ck_assert_ptr_nonnull(tg->pubs->loc);
	ck_assert_uint_eq(lf_notifies(&e, first, "pn", &last), 1);
	snprintf(conf, sizeof(conf), "%s", body_of(&e, last));
	ck_assert_uint_eq(strlen(conf), strlen(bare));
	c = strstr(conf, "<gp:usage-rules>");
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(memcmp(conf, bare, (size_t)(c - conf)), 0);
	/* a circle: kept */
	ck_assert_uint_eq(publish_li(&e, "p4", circle, 0, 0, t + 40, ea, 600,
				     eb, sizeof(eb)), 200);
	lf_advance(&e, 1000);
	ck_assert_ptr_nonnull(tg->loc);
	lf_end(&e);
}
END_TEST

/* Issue 5 item 5, T20: a civic-only PIDF-LO is accepted: valueChanges
 * on a civic field fires and the NOTIFY carries the address (no point);
 * the fence's containment stays undefined, so it never fires. */
START_TEST(test_publish_civic)
{
	static const char a3[] =
		"<location-filter xmlns=\"urn:ietf:params:xml:ns:location-"
		"filter\" xmlns:ca=\"urn:ietf:params:xml:ns:pidf:geopriv10:"
		"civicAddr\"><valueChanges>ca:civicAddress/ca:A3"
		"</valueChanges></location-filter>";
	static const char civ[] =
		"<ca:civicAddress><ca:country>US</ca:country><ca:A1>CA"
		"</ca:A1><ca:A3>%s</ca:A3></ca:civicAddress>";
	struct lf_env e = {0};
	char ea[64], eb[64], li[256];
	size_t first, last = 0;
	double t = floor(locd_wall()) - 100;

	lf_start(&e, true);
	ck_assert_uint_eq(publish(&e, "p0", LF_INSIDE_LAT, LF_INSIDE_LON, t,
				  NULL, 600, ea, sizeof(ea)), 200);
	lf_run(&e);
	ck_assert_uint_eq(lf_subscribe(&e, "cf", 1, NULL, "location",
				       LF_CTYPE_DRAFT, lf_b10, 600), 200);
	ck_assert_uint_eq(lf_subscribe(&e, "cv", 1, NULL, "location",
				       LF_CTYPE_DRAFT, a3, 600), 200);
	first = e.n;
	snprintf(li, sizeof(li), civ, "San Jose");
	ck_assert_uint_eq(publish_li(&e, "pa", li, 0, 0, t + 10, ea, 600, eb,
				     sizeof(eb)), 200);
	lf_advance(&e, 1000);
	ck_assert_uint_eq(lf_notifies(&e, first, "cf", NULL), 0);
	ck_assert_uint_eq(lf_notifies(&e, first, "cv", &last), 1);
	ck_assert(lf_has(&e.m[last], "San Jose"));
	ck_assert(!lf_has(&e.m[last], "gml:pos"));
	/* the same address again: nothing; another city: a NOTIFY */
	first = e.n;
	ck_assert_uint_eq(publish_li(&e, "pb", li, 0, 0, t + 20, eb, 600, ea,
				     sizeof(ea)), 200);
	lf_advance(&e, 1000);
	ck_assert_uint_eq(lf_notifies(&e, first, "cv", NULL), 0);
	snprintf(li, sizeof(li), civ, "Milpitas");
	ck_assert_uint_eq(publish_li(&e, "pc", li, 0, 0, t + 30, ea, 600, eb,
				     sizeof(eb)), 200);
	lf_advance(&e, 1000);
	ck_assert_uint_eq(lf_notifies(&e, first, "cv", &last), 1);
	ck_assert(lf_has(&e.m[last], "Milpitas"));
	ck_assert_uint_eq(lf_notifies(&e, first, "cf", NULL), 0);
	lf_end(&e);
}
END_TEST

/* A fix for aor now-ish, without running the loop (the target stays
 * queued for evaluation until lf_run). */
static int fix_for(struct lf_env *e, const char *aor, double t)
{
	struct locd_pos p;
	enum locd_refuse why;
	const char *reason;

	memset(&p, 0, sizeof(p));
	p.pt.lat = 10;
	p.pt.lon = 20;
	p.time = t;
	return locd_ingest_pos(e->d, aor, &p, LOCD_SOURCE_HTTP, &why,
			       &reason);
}

static bool known(struct lf_env *e, const char *aor)
{
	struct locd_target *x;

	return locd_target_get(e->d, aor, false, &x) == 0;
}

/* Issue 5 item 6: ingest.max_targets caps the targets; the least
 * recently updated one without subscriptions goes first (counted);
 * when every target is in use a new one is refused with ENOSPC. */
START_TEST(test_target_cap)
{
	struct lf_env e = {0};
	double t = floor(locd_wall()) - 100;
	char buf[16384];

	e.sets[0][0] = "ingest.max_targets";
	e.sets[0][1] = "3";
	e.nsets = 1;
	lf_start(&e, true);
	ck_assert_uint_eq(lf_subscribe(&e, "tc", 1, NULL, "location",
				       LF_CTYPE_DRAFT, lf_b10, 600), 200);
	ck_assert_int_eq(fix_for(&e, "sip:b@localhost", t), 0);
	ck_assert_int_eq(fix_for(&e, "sip:c@localhost", t), 0);
	lf_run(&e);
	ck_assert_uint_eq(e.d->targets.n, 3);
	/* d evicts b (alice is watched, so skipped) */
	ck_assert_int_eq(fix_for(&e, "sip:d@localhost", t), 0);
	lf_run(&e);
	ck_assert_uint_eq(e.d->targets.n, 3);
	ck_assert(!known(&e, "sip:b@localhost"));
	ck_assert(known(&e, "sip:alice@localhost"));
	ck_assert(known(&e, "sip:c@localhost"));
	/* c updated again is younger than d: f evicts d */
	ck_assert_int_eq(fix_for(&e, "sip:c@localhost", t + 1), 0);
	lf_run(&e);
	ck_assert_int_eq(fix_for(&e, "sip:f@localhost", t), 0);
	ck_assert(!known(&e, "sip:d@localhost"));
	ck_assert(known(&e, "sip:c@localhost"));
	/* c updated, f still queued: all three in use -> ENOSPC */
	ck_assert_int_eq(fix_for(&e, "sip:c@localhost", t + 2), 0);
	ck_assert_int_eq(fix_for(&e, "sip:g@localhost", t), ENOSPC);
	ck_assert(!known(&e, "sip:g@localhost"));
	lf_run(&e);
	/* the subscription's target keeps its fix path working */
	ck_assert_int_eq(lf_fix(&e, LF_INSIDE_LAT, LF_INSIDE_LON, t + 5), 0);
	ck_assert_int_eq(locd_metrics_print(e.d->metrics, buf, sizeof(buf),
					    NULL), 0);
	ck_assert_ptr_nonnull(strstr(buf, "\nlocd_targets_evicted_total 2\n"));
	lf_end(&e);
}
END_TEST

TCase *tcase_package(void);

TCase *tcase_package(void)
{
	TCase *tc = tcase_create("package");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_reason_phrases);
	tcase_add_test(tc, test_subscribe_refusals);
	tcase_add_test(tc, test_first_notify);
	tcase_add_test(tc, test_refresh_new_filter);
	tcase_add_test(tc, test_publish_refusals);
	tcase_add_test(tc, test_publications_newest);
	tcase_add_test(tc, test_target_cap);
	tcase_add_test(tc, test_publish_shape);
	tcase_add_test(tc, test_publish_civic);
	tcase_add_test(tc, test_publish_point_no_doc);
	return tc;
}
