/*
 * test_msg.c: sip/msg.c, sip/hdr.c and sip/addr.c through the message
 * parser: valid and invalid inputs (one specific error and reason each),
 * header values, datagram/stream body rules and limits (SEC-19).
 */
#include <check.h>
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sip/sip.h"

#define PL_EQ(pl, s)                                                          \
	ck_assert_msg(sip_pl_eq_str(&(pl), (s)), "%s: '%.*s' != '%s'", #pl,  \
		      (int)(pl).l, (pl).p ? (pl).p : "", (s))

#define VIA "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK776\r\n"
#define FROM "From: <sip:bob@example.com>;tag=a1\r\n"
#define TO "To: <sip:alice@example.com>\r\n"
#define CID "Call-ID: c1@host\r\n"
#define REQ(m, extra)                                                         \
	m " sip:alice@example.com SIP/2.0\r\n" VIA FROM TO CID                \
	  "CSeq: 1 " m "\r\n" extra "Content-Length: 0\r\n\r\n"
#define RSP(line, extra)                                                      \
	line "\r\n" VIA FROM TO CID "CSeq: 1 INVITE\r\n" extra                \
	     "Content-Length: 0\r\n\r\n"

struct msg_case {
	const char *msg;
	int err;
	uint16_t status;
	const char *reason;
};

static const struct msg_case cases[] = {
	/* valid */
	{REQ("SUBSCRIBE", "Event: location\r\nExpires: 3600\r\n"), 0, 0, ""},
	{REQ("OPTIONS", ""), 0, 0, ""},
	{RSP("SIP/2.0 200 OK", ""), 0, 0, ""},
	{RSP("SIP/2.0 699 x", ""), 0, 0, ""},
	{REQ("REGISTER", "Contact: *\r\nExpires: 0\r\n"), 0, 0, ""},
	{"INVITE tel:+1-201-555-0123;phone-context=example.com SIP/2.0\r\n"
	 VIA FROM TO CID "CSeq: 1 INVITE\r\nl: 0\r\n\r\n", 0, 0, ""},
	/* start line */
	{"INV@ITE sip:a@b SIP/2.0\r\n" VIA FROM TO CID
	 "CSeq: 1 INV@ITE\r\n\r\n", EBADMSG, 400, "bad request line"},
	{"INVITE\r\n" VIA "\r\n", EBADMSG, 400, "bad request line"},
	{"INVITE sip:a@b\r\n" VIA "\r\n", EBADMSG, 400, "bad request line"},
	{"INVITE sip:a@b SIP/2.0x\r\n" VIA "\r\n", EBADMSG, 400,
	 "bad SIP version"},
	{"INVITE sip:a@b SIP/3.0\r\n" VIA "\r\n", EPROTONOSUPPORT, 505,
	 "unsupported SIP version"},
	{"INVITE sip:a@b:99999 SIP/2.0\r\n" VIA "\r\n", EBADMSG, 400,
	 "bad Request-URI"},
	{"INVITE sips:a@b?x=y SIP/2.0\r\n" VIA "\r\n", EBADMSG, 400,
	 "headers in Request-URI"},
	{RSP("SIP/2.0 99 Low", ""), EBADMSG, 0, "bad status code"},
	{RSP("SIP/2.0 2000 OK", ""), EBADMSG, 0, "bad status code"},
	{RSP("SIP/2.0 20x OK", ""), EBADMSG, 0, "bad status code"},
	{RSP("SIP/2.1 200 OK", ""), EPROTONOSUPPORT, 0,
	 "unsupported SIP version"},
	/* header syntax */
	{REQ("OPTIONS", "NoColon\r\n"), EBADMSG, 400, "bad header name"},
	{REQ("OPTIONS", "Bad Name: x\r\n"), EBADMSG, 400, "bad header name"},
	{"OPTIONS sip:a@b SIP/2.0\r\n Via: x\r\n\r\n", EBADMSG, 400,
	 "bad header folding"},
	{REQ("OPTIONS", "X-A: 1\nX-B: 2\r\n"), EBADMSG, 400,
	 "bare LF in header"},
	{REQ("OPTIONS", "X-A: 1\r2\r\n"), EBADMSG, 400, "bare CR in header"},
	{"OPTIONS sip:a@b SIP/2.0\r\n" VIA, EBADMSG, 400,
	 "no end of headers"},
	/* required and single headers */
	{"OPTIONS sip:a@b SIP/2.0\r\n" FROM TO CID "CSeq: 1 OPTIONS\r\n\r\n",
	 EBADMSG, 400, "missing Via"},
	{"OPTIONS sip:a@b SIP/2.0\r\n" VIA FROM TO "CSeq: 1 OPTIONS\r\n\r\n",
	 EBADMSG, 400, "missing Call-ID"},
	{"SIP/2.0 200 OK\r\n" VIA FROM TO CID "\r\n", EBADMSG, 0,
	 "missing CSeq"},
	{REQ("OPTIONS", FROM), EBADMSG, 400, "duplicate From"},
	{REQ("OPTIONS", "t: <sip:x@y>\r\n"), EBADMSG, 400, "duplicate To"},
	{REQ("OPTIONS", "i: c2@host\r\n"), EBADMSG, 400, "duplicate Call-ID"},
	{REQ("OPTIONS", "l: 0\r\n"), EBADMSG, 400,
	 "duplicate Content-Length"},
	{REQ("PUBLISH", "SIP-If-Match: a\r\nSIP-If-Match: b\r\n"), EBADMSG,
	 400, "duplicate SIP-If-Match"},
	{REQ("PUBLISH", "SIP-If-Match: a b\r\n"), EBADMSG, 400,
	 "bad SIP-If-Match"},
	{REQ("PUBLISH", "SIP-ETag: \"q\"\r\n"), EBADMSG, 400, "bad SIP-ETag"},
	{REQ("OPTIONS", "Max-Forwards: 256\r\n"), EBADMSG, 400,
	 "bad Max-Forwards"},
	{REQ("OPTIONS", "Max-Forwards: -1\r\n"), EBADMSG, 400,
	 "bad Max-Forwards"},
	{REQ("OPTIONS", "Expires: 4294967296\r\n"), EBADMSG, 400,
	 "bad Expires"},
	{REQ("OPTIONS", "Min-Expires: x\r\n"), EBADMSG, 400,
	 "bad Min-Expires"},
	{"OPTIONS sip:a@b SIP/2.0\r\n" VIA FROM TO CID
	 "CSeq: 1 OPTIONS\r\nContent-Length: 1x\r\n\r\n", EBADMSG, 400,
	 "bad Content-Length"},
	{"OPTIONS sip:a@b SIP/2.0\r\n" VIA FROM TO CID
	 "CSeq: 4294967296 OPTIONS\r\n\r\n", EBADMSG, 400, "bad CSeq"},
	{"OPTIONS sip:a@b SIP/2.0\r\n" VIA FROM TO CID "CSeq: 1\r\n\r\n",
	 EBADMSG, 400, "bad CSeq"},
	{"OPTIONS sip:a@b SIP/2.0\r\n" VIA FROM TO CID
	 "CSeq: 1 OPTIONS x\r\n\r\n", EBADMSG, 400, "bad CSeq"},
	{"OPTIONS sip:a@b SIP/2.0\r\n" VIA FROM TO CID
	 "CSeq: 1 INVITE\r\n\r\n", EBADMSG, 400, "CSeq method mismatch"},
	{"OPTIONS sip:a@b SIP/2.0\r\n" VIA FROM TO
	 "Call-ID: a@b@c\r\nCSeq: 1 OPTIONS\r\n\r\n", EBADMSG, 400,
	 "bad Call-ID"},
	{"OPTIONS sip:a@b SIP/2.0\r\n" VIA FROM TO
	 "Call-ID: a b\r\nCSeq: 1 OPTIONS\r\n\r\n", EBADMSG, 400,
	 "bad Call-ID"},
	/* structured headers */
	{REQ("OPTIONS", "Via: SIP/2.0/UDP h;ttl=256\r\n"), EBADMSG, 400,
	 "bad Via"},
	{REQ("OPTIONS", "Via: SIP/2.0 h\r\n"), EBADMSG, 400, "bad Via"},
	{REQ("OPTIONS", "Via: SIP/2.0/UDPh\r\n"), EBADMSG, 400, "bad Via"},
	{REQ("OPTIONS", "Via: SIP/2.0/UDP h:0\r\n"), EBADMSG, 400, "bad Via"},
	{REQ("OPTIONS", "Via: SIP/2.0/UDP [::1;branch=z\r\n"), EBADMSG, 400,
	 "bad Via"},
	{REQ("OPTIONS", "Via: SIP/2.0/UDP h;rport=x\r\n"), EBADMSG, 400,
	 "bad Via"},
	{REQ("OPTIONS", "Via: SIP/2.0/UDP a, ,SIP/2.0/UDP b\r\n"), EBADMSG,
	 400, "bad Via"},
	{REQ("OPTIONS", "Via: SIP/2.0/UDP a,\r\n"), EBADMSG, 400, "bad Via"},
	{REQ("OPTIONS", "Contact: <sip:a@b>;q=1.5\r\n"), EBADMSG, 400,
	 "bad Contact"},
	{REQ("OPTIONS", "Contact: <sip:a@b>;expires=4294967296\r\n"),
	 EBADMSG, 400, "bad Contact"},
	{REQ("OPTIONS", "Contact: <sip:a@b\r\n"), EBADMSG, 400,
	 "bad Contact"},
	{REQ("OPTIONS", "Contact: \"x <sip:a@b>\r\n"), EBADMSG, 400,
	 "bad Contact"},
	{REQ("OPTIONS", "Route: sip:p@q\r\n"), EBADMSG, 400, "bad Route"},
	{REQ("OPTIONS", "Record-Route: <sip:p@q>;;lr\r\n"), EBADMSG, 400,
	 "bad Record-Route"},
	{REQ("OPTIONS", "Allow: INV ITE\r\n"), EBADMSG, 400, "bad Allow"},
	{REQ("OPTIONS", "Supported: a,,b\r\n"), EBADMSG, 400,
	 "bad Supported"},
	{REQ("OPTIONS", "Content-Type: text\r\n"), EBADMSG, 400,
	 "bad Content-Type"},
	{REQ("OPTIONS", "Content-Type: text/plain;\r\n"), EBADMSG, 400,
	 "bad Content-Type"},
	{REQ("SUBSCRIBE", "Event: presence;max-rate=0\r\n"), EBADMSG, 400,
	 "bad Event"},
	{REQ("SUBSCRIBE", "Event: presence;max-rate=100\r\n"), EBADMSG, 400,
	 "bad Event"},
	{REQ("SUBSCRIBE", "Event: presence;min-rate=0.00000000001\r\n"),
	 EBADMSG, 400, "bad Event"},
	{REQ("SUBSCRIBE", "Event: presence;id\r\n"), EBADMSG, 400,
	 "bad Event"},
	{REQ("SUBSCRIBE", "Event: .presence\r\n"), EBADMSG, 400,
	 "bad Event"},
	{REQ("NOTIFY", "Subscription-State: active;expires=x\r\n"), EBADMSG,
	 400, "bad Subscription-State"},
	{REQ("NOTIFY", "Subscription-State: ;expires=1\r\n"), EBADMSG, 400,
	 "bad Subscription-State"},
	{REQ("INVITE", "Date: Sat, 13 Nov 2010 23:29:00 UTC\r\n"), EBADMSG,
	 400, "bad Date"},
	{REQ("OPTIONS", "From: Bob <sip:b@c>\r\n"), EBADMSG, 400,
	 "duplicate From"},
};

#define NCASES ((int)(sizeof(cases) / sizeof(cases[0])))

START_TEST(test_msg_table)
{
	const struct msg_case *c = &cases[_i];
	struct sip_msg *msg = NULL;
	struct sip_err err = {0};
	int e;

	e = sip_msg_parse(&msg, c->msg, strlen(c->msg), SIP_PARSE_DGRAM,
			  NULL, &err);
	ck_assert_msg(e == c->err, "case %d: got %d (%s), want %d (%s)", _i,
		      e, e ? err.reason : "", c->err, c->reason);
	if (e) {
		ck_assert_ptr_null(msg);
		ck_assert_int_eq(err.code, c->err);
		ck_assert_uint_eq(err.status, c->status);
		ck_assert_str_eq(err.reason, c->reason);
	} else {
		ck_assert_ptr_nonnull(msg);
	}
	sip_msg_free(msg);
}
END_TEST

/* A typical SUBSCRIBE for the location package (EV-1, EV-11, RC-6). */
static const char subscribe[] =
	"SUBSCRIBE sip:target@example.com SIP/2.0\r\n"
	"Via: SIP/2.0/TCP [2001:db8::9]:5061;branch=z9hG4bKx1;rport;"
	"received=[2001:db8::1];maddr=239.0.0.1;ttl=16\r\n"
	"Via: SIP/2.0/UDP proxy.example.com;branch=z9hG4bKp2;rport=5062\r\n"
	"Max-Forwards: 69\r\n"
	"From: \"Tracker \\\"1\\\"\" <sips:tracker@example.net>;tag=f00\r\n"
	"To: target <sip:target@example.com>\r\n"
	"Call-ID: 3848276298220188511@tracker.example.net\r\n"
	"CSeq: 7 SUBSCRIBE\r\n"
	"Contact: <sip:tracker@192.0.2.7:5080;transport=tcp>;expires=600;"
	"q=0.5, \"Other\" <sip:o@h>\r\n"
	"Event: location;id=42;max-rate=10;min-rate=0.0000000001\r\n"
	"Allow-Events: location, presence\r\n"
	"Expires: 3600\r\n"
	"Accept: application/pidf+xml\r\n"
	"Allow: SUBSCRIBE, NOTIFY,\r\n PUBLISH\r\n"
	"Supported: eventlist\r\n"
	"Require: pref\r\n"
	"Unsupported: foo\r\n"
	"Route: <sip:p1@example.com;lr>, <sip:p2@example.com;lr>\r\n"
	"Route: <sip:p3@example.com;lr>\r\n"
	"Authorization: Digest username=\"t\", realm=\"r\", nonce=\"n,n\"\r\n"
	"Content-Type: application/location-filter+xml;charset=UTF-8\r\n"
	"Content-Length: 5\r\n"
	"\r\n"
	"<x/>\n";

START_TEST(test_msg_subscribe_fields)
{
	struct sip_msg *m = NULL;
	struct sip_err err = {0};
	const struct sip_hdr *h;
	struct sip_contact c;
	struct sip_via v;
	struct sip_pl val;

	ck_assert_int_eq(sip_msg_parse(&m, subscribe, sizeof(subscribe) - 1,
				       SIP_PARSE_STREAM, NULL, &err), 0);
	ck_assert(m->req);
	PL_EQ(m->method, "SUBSCRIBE");
	PL_EQ(m->version, "SIP/2.0");
	PL_EQ(m->ruri_pl, "sip:target@example.com");
	/* top Via: IPv6 sent-by, rport without value, received, maddr, ttl */
	PL_EQ(m->via.proto, "SIP");
	PL_EQ(m->via.version, "2.0");
	PL_EQ(m->via.transport, "TCP");
	ck_assert(m->via.host_v6);
	PL_EQ(m->via.host, "2001:db8::9");
	ck_assert_uint_eq(m->via.port, 5061);
	PL_EQ(m->via.sentby, "[2001:db8::9]:5061");
	PL_EQ(m->via.branch, "z9hG4bKx1");
	ck_assert(m->via.rport);
	ck_assert_uint_eq(m->via.rport_val, 0);
	PL_EQ(m->via.received, "[2001:db8::1]");
	PL_EQ(m->via.maddr, "239.0.0.1");
	ck_assert(m->via.has_ttl);
	ck_assert_uint_eq(m->via.ttl, 16);
	h = sip_msg_hdr(m, SIP_HDR_VIA, NULL);
	h = sip_msg_hdr(m, SIP_HDR_VIA, h);
	ck_assert_int_eq(sip_via_parse(&v, &h->val), 0);
	ck_assert_uint_eq(v.rport_val, 5062);
	ck_assert_uint_eq(v.port, 0);
	ck_assert_uint_eq(m->max_forwards, 69);
	/* From: quoted display name with escapes, sips: */
	ck_assert(m->from.dname_quoted);
	PL_EQ(m->from.dname, "Tracker \\\"1\\\"");
	ck_assert_int_eq(m->from.uri.scheme, SIP_SCHEME_SIPS);
	PL_EQ(m->from.tag, "f00");
	PL_EQ(m->to.dname, "target");
	ck_assert_uint_eq(m->to.tag.l, 0);
	PL_EQ(m->callid, "3848276298220188511@tracker.example.net");
	ck_assert_uint_eq(m->cseq.num, 7);
	/* Contact: two values in one line */
	ck_assert_uint_eq(sip_msg_hdr_count(m, SIP_HDR_CONTACT), 2);
	h = sip_msg_hdr(m, SIP_HDR_CONTACT, NULL);
	ck_assert_int_eq(sip_contact_parse(&c, &h->val), 0);
	ck_assert(c.has_expires);
	ck_assert_uint_eq(c.expires, 600);
	ck_assert_uint_eq(c.q, 500);
	ck_assert_uint_eq(c.addr.uri.port, 5080);
	ck_assert_int_eq(sip_param_get(&c.addr.uri.params, SIP_PARAM_URI,
				       "transport", &val), 0);
	PL_EQ(val, "tcp");
	h = sip_msg_hdr(m, SIP_HDR_CONTACT, h);
	ck_assert_int_eq(sip_contact_parse(&c, &h->val), 0);
	PL_EQ(c.addr.dname, "Other");
	ck_assert(!c.has_q);
	/* Event with RFC 6446 rates (RC-6) */
	ck_assert(m->has_event);
	PL_EQ(m->event.package, "location");
	PL_EQ(m->event.id, "42");
	ck_assert(m->event.rates.max_rate == 10.0);
	ck_assert(m->event.rates.min_rate > 0.99e-10 &&
		  m->event.rates.min_rate < 1.01e-10);
	ck_assert(m->event.rates.adaptive_min_rate == 0);
	ck_assert_uint_eq(sip_msg_hdr_count(m, SIP_HDR_ALLOW_EVENTS), 2);
	ck_assert(m->has_expires);
	ck_assert_uint_eq(m->expires, 3600);
	/* Allow, folded over two lines: three items */
	ck_assert_uint_eq(sip_msg_hdr_count(m, SIP_HDR_ALLOW), 3);
	h = sip_msg_hdr(m, SIP_HDR_ALLOW, NULL);
	h = sip_msg_hdr(m, SIP_HDR_ALLOW, h);
	h = sip_msg_hdr(m, SIP_HDR_ALLOW, h);
	PL_EQ(h->val, "PUBLISH");
	ck_assert_uint_eq(sip_msg_hdr_count(m, SIP_HDR_ROUTE), 3);
	ck_assert_uint_eq(sip_msg_hdr_count(m, SIP_HDR_SUPPORTED), 1);
	ck_assert_uint_eq(sip_msg_hdr_count(m, SIP_HDR_REQUIRE), 1);
	ck_assert_uint_eq(sip_msg_hdr_count(m, SIP_HDR_UNSUPPORTED), 1);
	/* Authorization is one raw value, commas and all */
	ck_assert_uint_eq(sip_msg_hdr_count(m, SIP_HDR_AUTHORIZATION), 1);
	PL_EQ(sip_msg_hdr(m, SIP_HDR_AUTHORIZATION, NULL)->val,
	      "Digest username=\"t\", realm=\"r\", nonce=\"n,n\"");
	PL_EQ(m->ctype.type, "application");
	PL_EQ(m->ctype.subtype, "location-filter+xml");
	ck_assert_int_eq(sip_param_get(&m->ctype.params, SIP_PARAM_HDR,
				       "charset", &val), 0);
	PL_EQ(val, "UTF-8");
	PL_EQ(m->body, "<x/>\n");
	ck_assert_uint_eq(m->len, sizeof(subscribe) - 1);
	sip_msg_free(m);
}
END_TEST

/* NOTIFY with Subscription-State and PUBLISH with entity tags. */
START_TEST(test_msg_notify_publish)
{
	static const char notify[] = REQ(
		"NOTIFY", "Event: presence;id=9\r\n"
			  "Subscription-State: Terminated;reason=probation;"
			  "retry-after=30;max-rate=0.5\r\n");
	static const char notify2[] =
		REQ("NOTIFY", "o: location\r\n"
			      "Subscription-State: active;expires=599\r\n");
	static const char publish[] =
		REQ("PUBLISH", "Event: presence\r\nSIP-If-Match: dx200xyz\r\n"
			       "Expires: 60\r\nMin-Expires: 30\r\n");
	static const char rsp[] =
		RSP("SIP/2.0 200 OK", "SIP-ETag: kwj449x\r\nExpires: 60\r\n");
	struct sip_msg *m = NULL;

	/* EV-21, EV-22: state, reason, retry-after; RC-6 on the state */
	ck_assert_int_eq(sip_msg_parse(&m, notify, sizeof(notify) - 1,
				       SIP_PARSE_DGRAM, NULL, NULL), 0);
	ck_assert(m->has_substate);
	ck_assert_int_eq(m->substate.state, SIP_SUBSTATE_TERMINATED);
	ck_assert_str_eq(sip_substate_name(m->substate.state), "terminated");
	PL_EQ(m->substate.reason, "probation");
	ck_assert(m->substate.has_retry_after);
	ck_assert_uint_eq(m->substate.retry_after, 30);
	ck_assert(!m->substate.has_expires);
	ck_assert(m->substate.rates.max_rate == 0.5);
	PL_EQ(m->event.id, "9");
	sip_msg_free(m);
	/* compact "o" is Event */
	ck_assert_int_eq(sip_msg_parse(&m, notify2, sizeof(notify2) - 1,
				       SIP_PARSE_DGRAM, NULL, NULL), 0);
	PL_EQ(m->event.package, "location");
	ck_assert_int_eq(m->substate.state, SIP_SUBSTATE_ACTIVE);
	ck_assert_uint_eq(m->substate.expires, 599);
	sip_msg_free(m);
	/* EV-30, EV-31 */
	ck_assert_int_eq(sip_msg_parse(&m, publish, sizeof(publish) - 1,
				       SIP_PARSE_DGRAM, NULL, NULL), 0);
	PL_EQ(m->if_match, "dx200xyz");
	ck_assert_uint_eq(m->expires, 60);
	ck_assert(m->has_min_expires);
	ck_assert_uint_eq(m->min_expires, 30);
	sip_msg_free(m);
	/* EV-34 */
	ck_assert_int_eq(sip_msg_parse(&m, rsp, sizeof(rsp) - 1,
				       SIP_PARSE_DGRAM, NULL, NULL), 0);
	ck_assert(!m->req);
	ck_assert_uint_eq(m->scode, 200);
	PL_EQ(m->reason, "OK");
	PL_EQ(m->etag, "kwj449x");
	sip_msg_free(m);
}
END_TEST

/* RFC 3261 §18.3: datagram body rules; stream needs Content-Length. */
START_TEST(test_msg_body_rules)
{
	static const char nocl[] = "MESSAGE sip:a@b SIP/2.0\r\n" VIA FROM TO
		CID "CSeq: 1 MESSAGE\r\n\r\nhello";
	static const char shortcl[] = "MESSAGE sip:a@b SIP/2.0\r\n" VIA FROM
		TO CID "CSeq: 1 MESSAGE\r\nl: 2\r\n\r\nhello";
	static const char longcl[] = "MESSAGE sip:a@b SIP/2.0\r\n" VIA FROM
		TO CID "CSeq: 1 MESSAGE\r\nl: 6\r\n\r\nhello";
	struct sip_msg *m = NULL;
	struct sip_err err = {0};

	ck_assert_int_eq(sip_msg_parse(&m, nocl, sizeof(nocl) - 1,
				       SIP_PARSE_DGRAM, NULL, &err), 0);
	PL_EQ(m->body, "hello");
	ck_assert(!m->has_clen);
	sip_msg_free(m);
	ck_assert_int_eq(sip_msg_parse(&m, nocl, sizeof(nocl) - 1,
				       SIP_PARSE_STREAM, NULL, &err),
			 EBADMSG);
	ck_assert_str_eq(err.reason, "missing Content-Length");
	m = NULL;
	ck_assert_int_eq(sip_msg_parse(&m, shortcl, sizeof(shortcl) - 1,
				       SIP_PARSE_DGRAM, NULL, &err), 0);
	PL_EQ(m->body, "he");
	ck_assert_uint_eq(m->len, sizeof(shortcl) - 1 - 3);
	sip_msg_free(m);
	m = NULL;
	ck_assert_int_eq(sip_msg_parse(&m, longcl, sizeof(longcl) - 1,
				       SIP_PARSE_DGRAM, NULL, &err),
			 EBADMSG);
	ck_assert_str_eq(err.reason, "Content-Length larger than message");
	ck_assert_ptr_null(m);
	/* leading CRLFs before the start line are skipped (§7.5) */
	ck_assert_int_eq(sip_msg_parse(&m, "\r\n\r\n" REQ("OPTIONS", ""),
				       sizeof("\r\n\r\n" REQ("OPTIONS", "")) -
					       1,
				       SIP_PARSE_STREAM, NULL, &err),
			 0);
	PL_EQ(m->method, "OPTIONS");
	sip_msg_free(m);
	ck_assert_int_eq(sip_msg_parse(NULL, nocl, 3, SIP_PARSE_DGRAM, NULL,
				       &err), EINVAL);
}
END_TEST

/* Limits: each one gives EOVERFLOW with its own reason (SEC-19). */
START_TEST(test_msg_limits)
{
	static const char base[] = REQ("OPTIONS", "X-Long: 0123456789"
						  "0123456789\r\n");
	struct sip_limits lim;
	struct sip_msg *m = NULL;
	struct sip_err err = {0};
	char *big;
	size_t i, n;

	sip_limits_init(&lim);
	ck_assert_uint_eq(lim.max_msg, 65536);
	ck_assert_uint_eq(lim.max_startline, 8192);
	ck_assert_uint_eq(lim.max_hdrs, 128);
	ck_assert_uint_eq(lim.max_hdrline, 8192);
	ck_assert_int_eq(sip_msg_parse(&m, base, sizeof(base) - 1,
				       SIP_PARSE_DGRAM, &lim, &err), 0);
	ck_assert_uint_eq(m->hdrc, 7);
	sip_msg_free(m);
	m = NULL;

	/* 6 values besides Content-Length, which has its own slot */
	lim.max_hdrs = 6;
	ck_assert_int_eq(sip_msg_parse(&m, base, sizeof(base) - 1,
				       SIP_PARSE_DGRAM, &lim, &err), 0);
	sip_msg_free(m);
	m = NULL;
	lim.max_hdrs = 5;
	ck_assert_int_eq(sip_msg_parse(&m, base, sizeof(base) - 1,
				       SIP_PARSE_DGRAM, &lim, &err),
			 EOVERFLOW);
	ck_assert_str_eq(err.reason, "too many headers");
	sip_limits_init(&lim);
	lim.max_hdrline = 48; /* the Via line is 49 */
	ck_assert_int_eq(sip_msg_parse(&m, base, sizeof(base) - 1,
				       SIP_PARSE_DGRAM, &lim, &err),
			 EOVERFLOW);
	ck_assert_str_eq(err.reason, "header too long");
	lim.max_hdrline = 49;
	ck_assert_int_eq(sip_msg_parse(&m, base, sizeof(base) - 1,
				       SIP_PARSE_DGRAM, &lim, &err), 0);
	sip_msg_free(m);
	m = NULL;
	sip_limits_init(&lim);
	lim.max_startline = 20;
	ck_assert_int_eq(sip_msg_parse(&m, base, sizeof(base) - 1,
				       SIP_PARSE_DGRAM, &lim, &err),
			 EOVERFLOW);
	ck_assert_str_eq(err.reason, "start line too long");
	sip_limits_init(&lim);
	lim.max_msg = sizeof(base) - 2;
	ck_assert_int_eq(sip_msg_parse(&m, base, sizeof(base) - 1,
				       SIP_PARSE_DGRAM, &lim, &err),
			 EOVERFLOW);
	ck_assert_uint_eq(err.status, 513);
	ck_assert_str_eq(err.reason, "message too large");
	ck_assert_ptr_null(m);

	/* defaults: 129 headers, 64 KiB + 1 message */
	n = 200 * 16 + 70000;
	big = malloc(n);
	ck_assert_ptr_nonnull(big);
	memcpy(big, base, sizeof(base) - 3);
	i = sizeof(base) - 3;
	while (i < 200 * 16) {
		memcpy(big + i, "X-A: 0123456\r\n", 14);
		i += 14;
	}
	memcpy(big + i, "\r\n", 2);
	i += 2;
	ck_assert_int_eq(sip_msg_parse(&m, big, i, SIP_PARSE_DGRAM, NULL,
				       &err), EOVERFLOW);
	ck_assert_str_eq(err.reason, "too many headers");
	memset(big + i, 'b', n - i);
	ck_assert_int_eq(sip_msg_parse(&m, big, n, SIP_PARSE_DGRAM, NULL,
				       &err), EOVERFLOW);
	ck_assert_str_eq(err.reason, "message too large");
	free(big);
}
END_TEST

/*
 * Issue 6: the header array grows by need (24 entries inside the
 * message, then a separate array doubled up to max_hdrs + 1), not
 * max_hdrs + 1 in every message: a small message takes little memory;
 * list items up to the cap parse (across every growth step) and one more
 * is refused; commas in quotes or brackets, folded lines and a body full
 * of LFs and commas do not change what is parsed.
 */
START_TEST(test_msg_hdr_sizing)
{
	static const char small[] = REQ("OPTIONS", "");
	static const char odd[] =
		"MESSAGE sip:alice@example.com SIP/2.0\r\n" VIA FROM TO CID
		"CSeq: 1 MESSAGE\r\n"
		"Subject: a, b,\r\n c\r\n"
		"Contact: \"x, y\" <sip:a@b;p=1>, <sip:c@d>\r\n"
		"Content-Type: text/plain\r\n"
		"Content-Length: 9\r\n\r\n"
		",\n,\n\r\n,\n,";
	struct sip_msg *m = NULL;
	struct sip_err err = {0};
	const struct sip_hdr *h;
	char *buf, *p, last[16];
	size_t i, len, cap = 2048 + 128 * 8;
	int n;

	ck_assert_int_eq(sip_msg_parse(&m, small, sizeof(small) - 1,
				       SIP_PARSE_DGRAM, NULL, &err), 0);
	ck_assert_uint_eq(m->hdrc, 6);
	/* room for 24 entries, not 129 */
	ck_assert_uint_lt(malloc_usable_size(m),
			  sizeof(*m) + 24 * sizeof(struct sip_hdr) +
				  sizeof(small) + 32);
	sip_msg_free(m);

	ck_assert_int_eq(sip_msg_parse(&m, odd, sizeof(odd) - 1,
				       SIP_PARSE_DGRAM, NULL, &err), 0);
	ck_assert_uint_eq(m->hdrc, 10);
	h = sip_msg_hdr_name(m, "Subject");
	ck_assert_ptr_nonnull(h);
	ck_assert(sip_pl_eq_str(&h->val, "a, b,   c"));
	ck_assert_uint_eq(sip_msg_hdr_count(m, SIP_HDR_CONTACT), 2);
	h = sip_msg_hdr(m, SIP_HDR_CONTACT, NULL);
	ck_assert(sip_pl_eq_str(&h->val, "\"x, y\" <sip:a@b;p=1>"));
	ck_assert(sip_pl_eq_str(&m->body, ",\n,\n\r\n,\n,"));
	sip_msg_free(m);

	/* 5 required values + N list items + Content-Length (own slot) */
	buf = malloc(cap);
	ck_assert_ptr_nonnull(buf);
	for (len = 17; len <= 124; len++) {
		n = snprintf(buf, cap, "OPTIONS sip:alice@example.com "
			     "SIP/2.0\r\n" VIA FROM TO CID
			     "CSeq: 1 OPTIONS\r\nSupported: t0");
		ck_assert(n > 0);
		p = buf + n;
		for (i = 1; i < len; i++)
			p += snprintf(p, cap - (size_t)(p - buf), ", t%zu", i);
		p += snprintf(p, cap - (size_t)(p - buf),
			      "\r\nContent-Length: 0\r\n\r\n");
		ck_assert_uint_lt((size_t)(p - buf), cap);
		m = NULL;
		n = sip_msg_parse(&m, buf, (size_t)(p - buf), SIP_PARSE_DGRAM,
				  NULL, &err);
		if (len + 5 <= SIP_HDRS_MAX) {
			ck_assert_int_eq(n, 0);
			ck_assert_uint_eq(m->hdrc, len + 6);
			snprintf(last, sizeof(last), "t%zu", len - 1);
			ck_assert(sip_pl_eq_str(&m->hdrv[len + 4].val, last));
			ck_assert(sip_pl_eq_str(&m->hdrv[5].val, "t0"));
			ck_assert_ptr_eq(sip_msg_hdr(m, SIP_HDR_CSEQ, NULL),
					 &m->hdrv[4]);
			sip_msg_free(m);
		} else {
			ck_assert_int_eq(n, EOVERFLOW);
			ck_assert_str_eq(err.reason, "too many headers");
			ck_assert_ptr_null(m);
		}
	}
	free(buf);
}
END_TEST

START_TEST(test_msg_hdr_lookup)
{
	static const struct {
		const char *name;
		enum sip_hdr_id id;
	} t[] = {
		{"i", SIP_HDR_CALL_ID},       {"M", SIP_HDR_CONTACT},
		{"e", SIP_HDR_CONTENT_ENCODING}, {"l", SIP_HDR_CONTENT_LENGTH},
		{"c", SIP_HDR_CONTENT_TYPE},  {"f", SIP_HDR_FROM},
		{"s", SIP_HDR_SUBJECT},       {"k", SIP_HDR_SUPPORTED},
		{"t", SIP_HDR_TO},            {"V", SIP_HDR_VIA},
		{"o", SIP_HDR_EVENT},         {"u", SIP_HDR_ALLOW_EVENTS},
		{"cseq", SIP_HDR_CSEQ},       {"sip-etag", SIP_HDR_SIP_ETAG},
		{"SIP-IF-MATCH", SIP_HDR_SIP_IF_MATCH},
		{"www-authenticate", SIP_HDR_WWW_AUTHENTICATE},
		{"x", SIP_HDR_OTHER},         {"Vias", SIP_HDR_OTHER},
		{"", SIP_HDR_OTHER},
	};
	struct sip_pl n;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		sip_pl_set_str(&n, t[i].name);
		ck_assert_int_eq(sip_hdr_lookup(&n), t[i].id);
	}
	ck_assert_str_eq(sip_hdr_name(SIP_HDR_CALL_ID), "Call-ID");
	ck_assert_str_eq(sip_hdr_name(SIP_HDR_SUBSCRIPTION_STATE),
			 "Subscription-State");
	ck_assert_ptr_null(sip_hdr_name(SIP_HDR_OTHER));
	ck_assert_ptr_null(sip_hdr_name(SIP_HDR_COUNT));
}
END_TEST

/*
 * A malformed RFC 6446 rate in a response (a 2xx to NOTIFY, RC-16) keeps
 * the response parseable: has_event false, event.rates_bad set, so the
 * event layer ignores the rate update and the NOTIFY transaction ends
 * normally; the same Event in a request is 400 "bad Event".
 */
START_TEST(test_msg_bad_rate_response)
{
	static const char ok[] =
		"SIP/2.0 200 OK\r\n" VIA FROM TO CID "CSeq: 3 NOTIFY\r\n"
		"Event: presence;max-rate=0;min-rate=1\r\n"
		"Content-Length: 0\r\n\r\n";
	static const char other[] =
		"SIP/2.0 200 OK\r\n" VIA FROM TO CID "CSeq: 3 NOTIFY\r\n"
		"Event: presence;id=\"x\"\r\n"
		"Content-Length: 0\r\n\r\n";
	static const char req[] =
		REQ("NOTIFY", "Event: presence;max-rate=0;min-rate=1\r\n"
			      "Subscription-State: active\r\n");
	struct sip_msg *m = NULL;
	struct sip_err err = {0};

	ck_assert_int_eq(sip_msg_parse(&m, ok, sizeof(ok) - 1,
				       SIP_PARSE_STREAM, NULL, &err), 0);
	ck_assert_uint_eq(m->scode, 200);
	ck_assert(!m->has_event);
	ck_assert(m->event.rates_bad);
	ck_assert(m->event.rates.min_rate == 0);
	ck_assert(m->event.rates.max_rate == 0);
	PL_EQ(m->event.package, "presence");
	sip_msg_free(m);
	m = NULL;
	/* other Event faults in a response are still faults */
	ck_assert_int_eq(sip_msg_parse(&m, other, sizeof(other) - 1,
				       SIP_PARSE_STREAM, NULL, &err), EBADMSG);
	ck_assert_str_eq(err.reason, "bad Event");
	ck_assert_ptr_null(m);
	ck_assert_int_eq(sip_msg_parse(&m, req, sizeof(req) - 1,
				       SIP_PARSE_STREAM, NULL, &err), EBADMSG);
	ck_assert_uint_eq(err.status, 400);
	ck_assert_str_eq(err.reason, "bad Event");
	ck_assert_ptr_null(m);
}
END_TEST

TCase *tcase_msg(void);
TCase *tcase_msg(void)
{
	TCase *tc = tcase_create("msg");
	tcase_add_loop_test(tc, test_msg_table, 0, NCASES);
	tcase_add_test(tc, test_msg_subscribe_fields);
	tcase_add_test(tc, test_msg_notify_publish);
	tcase_add_test(tc, test_msg_body_rules);
	tcase_add_test(tc, test_msg_limits);
	tcase_add_test(tc, test_msg_hdr_sizing);
	tcase_add_test(tc, test_msg_hdr_lookup);
	tcase_add_test(tc, test_msg_bad_rate_response);
	return tc;
}
