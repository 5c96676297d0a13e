/*
 * test_security.c: Digest in front of SUBSCRIBE (locd/sipio.c: SEC-6,
 * EV-16: 401, never 407; wrong password: 401 again), the policy's
 * views (locd/package.c, notifier.c: SEC-16 and T23 coarse views, Q-27
 * hidden features undefined, Q-28 403, TLS required), and RFC 6447
 * subscriptions over presence with the rate ceiling echoed (RC-4, RC-7).
 */
#include <check.h>
#include <math.h>

#include "sip/sip_auth.h"
#include "tests/unit/locd/locd_fake.h"

static double t0(void)
{
	return floor(locd_wall()) - 60;
}

/* Authorization value answering the 401 at message i. */
static void authorize(struct lf_env *e, size_t i, const char *user,
		      const char *pass, char *out, size_t sz)
{
	struct sip_auth_client c;
	struct sip_auth_login login;
	struct sip_auth_req req;
	struct sip_msg *m = NULL;
	const struct sip_hdr *h = NULL;
	unsigned n = 0;

	ck_assert_int_eq(sip_msg_parse(&m, e->m[i].text,
				       strlen(e->m[i].text), SIP_PARSE_DGRAM,
				       NULL, NULL), 0);
	sip_auth_client_init(&c);
	sip_auth_client_begin(&c);
	while ((h = sip_msg_hdr(m, SIP_HDR_WWW_AUTHENTICATE, h)) != NULL) {
		ck_assert_int_eq(sip_auth_client_challenge(&c, h->val.p,
							   h->val.l), 0);
		n++;
	}
	ck_assert_uint_ge(n, 1);
	memset(&login, 0, sizeof(login));
	sip_pl_set_str(&login.user, user);
	sip_pl_set_str(&login.password, pass);
	memset(&req, 0, sizeof(req));
	sip_pl_set_str(&req.method, "SUBSCRIBE");
	sip_pl_set_str(&req.uri, "sip:alice@127.0.0.1:5060");
	sip_pl_set_str(&req.body, lf_b10);
	ck_assert_int_eq(sip_auth_client_authorize(&c, &login, &req, out, sz,
						   NULL), 0);
	sip_msg_free(m);
}

START_TEST(test_digest)
{
	struct lf_env e = {0};
	char authz[SIP_AUTH_VALUE_MAX], hdr[SIP_AUTH_VALUE_MAX + 32];
	size_t at;

	e.sets[0][0] = "auth.enabled";
	e.sets[0][1] = "yes";
	e.nsets = 1;
	lf_start(&e, true);
	at = e.n;
	ck_assert_uint_eq(lf_subscribe(&e, "d1", 1, NULL, "location",
				       LF_CTYPE_DRAFT, lf_b10, 600), 401);
	ck_assert(lf_has(&e.m[at], "WWW-Authenticate: Digest"));
	ck_assert(!lf_has(&e.m[at], "Proxy-Authenticate"));
	authorize(&e, at, "alice", "wrong-password", authz, sizeof(authz));
	snprintf(hdr, sizeof(hdr), "Authorization: %s\r\n", authz);
	e.extra = hdr;
	at = e.n;
	ck_assert_uint_eq(lf_subscribe(&e, "d1", 2, NULL, "location",
				       LF_CTYPE_DRAFT, lf_b10, 600), 401);
	authorize(&e, at, "alice", "alice-demo", authz, sizeof(authz));
	snprintf(hdr, sizeof(hdr), "Authorization: %s\r\n", authz);
	ck_assert_uint_eq(lf_subscribe(&e, "d1", 3, NULL, "location",
				       LF_CTYPE_DRAFT, lf_b10, 600), 200);
	ck_assert_uint_eq(locd_sub_count(e.d), 1);
	/* the same credentials again: nonce count replayed, 401 */
	ck_assert_uint_eq(lf_subscribe(&e, "d2", 1, NULL, "location",
				       LF_CTYPE_DRAFT, lf_b10, 600), 401);
	lf_end(&e);
}
END_TEST

/* T23, SEC-16: carol sees alice on a 5 km grid and no features: her
 * containment is undefined and moving 200 m inside a cell sends
 * nothing even with movedHoriz 5 m. */
START_TEST(test_coarse_view)
{
	static const char moved5[] =
		"<location-filter xmlns=\"urn:ietf:params:xml:ns:location-"
		"filter\"><movedHoriz uom=\"#meters\">5</movedHoriz>"
		"</location-filter>";
	struct lf_env e = {0};
	size_t first, last = 0;
	double t = t0();

	e.from = "sip:carol@localhost";
	lf_start(&e, true);
	ck_assert_int_eq(lf_fix(&e, 47.37690, 8.54170, t), 0);
	ck_assert_uint_eq(lf_subscribe(&e, "cc", 1, NULL, "location",
				       LF_CTYPE_DRAFT, lf_b10, 600), 200);
	ck_assert_uint_eq(lf_notifies(&e, 0, "cc", &last), 1);
	ck_assert(lf_has(&e.m[last], "position=\"undefined\""));
	ck_assert(!lf_has(&e.m[last], "47.3769 8.5417"));
	ck_assert_uint_eq(lf_subscribe(&e, "cm", 1, NULL, "location",
				       LF_CTYPE_DRAFT, moved5, 600), 200);
	first = e.n;
	ck_assert_int_eq(lf_fix(&e, 47.37780, 8.54170, t + 30), 0);
	lf_advance(&e, 2000);
	ck_assert_uint_eq(lf_notifies(&e, first, "cm", NULL), 0);
	/* 50 km away: another cell, a NOTIFY */
	ck_assert_int_eq(lf_fix(&e, 47.82780, 8.54170, t + 60), 0);
	lf_advance(&e, 2000);
	ck_assert_uint_eq(lf_notifies(&e, first, "cm", NULL), 1);
	lf_end(&e);
}
END_TEST

/* TLS required by the policy (bob -> alice): 403 over UDP; anonymous
 * subscribers: 403 (rule refusal = 403, Q-28). */
START_TEST(test_policy_refusals)
{
	struct lf_env e = {0};

	e.from = "sip:bob@localhost";
	lf_start(&e, true);
	ck_assert_uint_eq(lf_subscribe(&e, "b1", 1, NULL, "location",
				       LF_CTYPE_DRAFT, lf_b10, 600), 403);
	e.from = "sip:localhost"; /* no user: anonymous */
	ck_assert_uint_eq(lf_subscribe(&e, "a1", 1, NULL, "location",
				       LF_CTYPE_DRAFT, lf_b10, 600), 403);
	ck_assert_uint_eq(locd_sub_count(e.d), 0);
	lf_end(&e);
}
END_TEST

/* Over TLS bob may see alice precisely with the building features. */
START_TEST(test_tls_allowed)
{
	struct lf_env e = {0};
	size_t last = 0;

	e.from = "sip:bob@localhost";
	e.tp = SIP_TRANSP_TLS;
	lf_start(&e, true);
	ck_assert_int_eq(lf_fix(&e, LF_INSIDE_LAT, LF_INSIDE_LON, t0()), 0);
	ck_assert_uint_eq(lf_subscribe(&e, "t1", 1, NULL, "location",
				       LF_CTYPE_DRAFT, lf_b10, 600), 200);
	ck_assert_uint_eq(lf_notifies(&e, 0, "t1", &last), 1);
	ck_assert(lf_has(&e.m[last], "position=\"inside\""));
	lf_end(&e);
}
END_TEST

/* RFC 6447 over presence: filter-set accepted, Subscription-State echoes
 * the presence ceiling as max-rate (RC-4, RC-7); no body: every update
 * (EV-6). */
START_TEST(test_presence_rfc)
{
	static const char rfc[] =
		"<filter-set xmlns=\"urn:ietf:params:xml:ns:simple-filter\""
		" xmlns:lf=\"urn:ietf:params:xml:ns:location-filter\">"
		"<filter id=\"f1\"><trigger><lf:moved>300</lf:moved>"
		"</trigger></filter></filter-set>";
	struct lf_env e = {0};
	size_t last = 0;

	lf_start(&e, true);
	ck_assert_uint_eq(lf_subscribe(&e, "p1", 1, NULL,
				       "presence;max-rate=1", LF_CTYPE_RFC,
				       rfc, 600), 200);
	ck_assert_uint_eq(lf_notifies(&e, 0, "p1", &last), 1);
	ck_assert(lf_has(&e.m[last], "max-rate=0.2"));
	ck_assert(lf_has(&e.m[last], "Event: presence"));
	ck_assert_uint_eq(lf_subscribe(&e, "p2", 1, NULL, "presence", NULL,
				       NULL, 600), 200);
	/* the draft form under presence: 415 */
	ck_assert_uint_eq(lf_subscribe(&e, "p3", 1, NULL, "presence",
				       LF_CTYPE_DRAFT, lf_b10, 600), 415);
	ck_assert_uint_eq(locd_sub_count(e.d), 2);
	lf_end(&e);
}
END_TEST

/* 2.6: RFC 6447 NOTIFYs carry no containment unless
 * notify.rfc_containment; the fence still triggers (LF-36). */
START_TEST(test_rfc_containment)
{
	static const char fence[] =
		"<filter-set xmlns=\"urn:ietf:params:xml:ns:simple-filter\""
		" xmlns:lf=\"urn:ietf:params:xml:ns:location-filter\""
		" xmlns:gml=\"http://www.opengis.net/gml\""
		" xmlns:gs=\"http://www.opengis.net/pidflo/1.0\">"
		"<filter id=\"f\"><trigger><lf:enterOrExit>"
		"<gs:Circle srsName=\"urn:ogc:def:crs:EPSG::4326\">"
		"<gml:pos>37.41165 -121.9319</gml:pos><gs:radius"
		" uom=\"urn:ogc:def:uom:EPSG::9001\">50</gs:radius>"
		"</gs:Circle></lf:enterOrExit></trigger></filter>"
		"</filter-set>";
	struct lf_env e = {0};
	size_t last = 0, first;
	int round;

	for (round = 0; round < 2; round++) {
		if (round) {
			e.sets[0][0] = "notify.rfc_containment";
			e.sets[0][1] = "yes";
			e.nsets = 1;
		}
		lf_start(&e, true);
		ck_assert_int_eq(lf_fix(&e, LF_OUTSIDE_LAT, LF_OUTSIDE_LON,
					t0()), 0);
		ck_assert_uint_eq(lf_subscribe(&e, "rc", 1, NULL, "presence",
					       LF_CTYPE_RFC, fence, 600), 200);
		ck_assert_uint_eq(lf_notifies(&e, 0, "rc", &last), 1);
		ck_assert(lf_has(&e.m[last], "gml:pos"));
		ck_assert(lf_has(&e.m[last], "position=\"outside\"") ==
			  (round == 1));
		first = e.n;
		ck_assert_int_eq(lf_fix(&e, LF_INSIDE_LAT, LF_INSIDE_LON,
					t0() + 10), 0);
		lf_advance(&e, 6000); /* presence: 1 per 5 s */
		ck_assert_uint_eq(lf_notifies(&e, first, "rc", &last), 1);
		ck_assert(lf_has(&e.m[last], "position=\"inside\"") ==
			  (round == 1));
		lf_end(&e);
	}
}
END_TEST

/* Issue 5 item 3: an RFC 6447 polygon fence over presence with
 * max-rate 0.2 (RC-4, RC-7, LF-36): every enter and exit still sends a
 * NOTIFY with the location, at most one per 5 s, although RFC-mode
 * containment elements are off. */
START_TEST(test_rfc_polygon_rate)
{
	static const char poly[] =
		"<filter-set xmlns=\"urn:ietf:params:xml:ns:simple-filter\""
		" xmlns:lf=\"urn:ietf:params:xml:ns:location-filter\""
		" xmlns:gml=\"http://www.opengis.net/gml\">"
		"<filter id=\"b10\"><trigger><lf:enterOrExit>"
		"<gml:Polygon gml:id=\"b10\""
		" srsName=\"urn:ogc:def:crs:EPSG::4326\">"
		"<gml:name>Building 10</gml:name><gml:exterior>"
		"<gml:LinearRing><gml:posList>37.41188 -121.93243"
		" 37.41188 -121.93132 37.41142 -121.93132 37.41142"
		" -121.93242 37.41188 -121.93243</gml:posList>"
		"</gml:LinearRing></gml:exterior></gml:Polygon>"
		"</lf:enterOrExit></trigger></filter></filter-set>";
	struct lf_env e = {0};
	size_t last = 0, first;
	double t = t0();
	int k;

	lf_start(&e, true);
	ck_assert_int_eq(lf_fix(&e, LF_OUTSIDE_LAT, LF_OUTSIDE_LON, t), 0);
	ck_assert_uint_eq(lf_subscribe(&e, "rp", 1, NULL,
				       "presence;max-rate=0.2", LF_CTYPE_RFC,
				       poly, 600), 200);
	ck_assert_uint_eq(lf_notifies(&e, 0, "rp", &last), 1);
	ck_assert(lf_has(&e.m[last], "gml:pos"));
	/* in, out, in, out: 3 s apart, each one crossing */
	for (k = 1; k <= 4; k++) {
		first = e.n;
		ck_assert_int_eq(lf_fix(&e, k % 2 ? LF_INSIDE_LAT
						  : LF_OUTSIDE_LAT,
					k % 2 ? LF_INSIDE_LON
					      : LF_OUTSIDE_LON, t + 6 * k),
				 0);
		lf_advance(&e, 6000);
		ck_assert_uint_eq(lf_notifies(&e, first, "rp", &last), 1);
		ck_assert(lf_has(&e.m[last], k % 2 ? "37.41165 -121.9319"
						   : "37.413 -121.935"));
		ck_assert(!lf_has(&e.m[last], "containment"));
	}
	/* a fix a second, as a walk: out 0-2 s, in 3-7 s, out 8-12 s */
	first = e.n;
	for (k = 0; k <= 12; k++) {
		bool in = k >= 3 && k <= 7;
		ck_assert_int_eq(lf_fix(&e, in ? LF_INSIDE_LAT
					       : LF_OUTSIDE_LAT,
					in ? LF_INSIDE_LON : LF_OUTSIDE_LON,
					t + 30 + k), 0);
		lf_advance(&e, 1000);
	}
	lf_advance(&e, 6000);
	ck_assert_uint_eq(lf_notifies(&e, first, "rp", &last), 2);
	lf_end(&e);
}
END_TEST

TCase *tcase_security(void);

TCase *tcase_security(void)
{
	TCase *tc = tcase_create("security");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_digest);
	tcase_add_test(tc, test_coarse_view);
	tcase_add_test(tc, test_policy_refusals);
	tcase_add_test(tc, test_presence_rfc);
	tcase_add_test(tc, test_tls_allowed);
	tcase_add_test(tc, test_rfc_containment);
	tcase_add_test(tc, test_rfc_polygon_rate);
	return tc;
}
