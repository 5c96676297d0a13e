/*
 * test_dialog.c: sip/dialog.c: dialogs created by SUBSCRIBE (UAS) and by
 * the 2xx / NOTIFY (UAC), in-dialog requests with loose and strict
 * routing (RFC 3261 §12.2.1.1) behind a record-routing proxy, CSeq order
 * (§12.2.2), persistence (issue 4 part 4; EV-26).
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sip/sip.h"
#include "sip/sip_dialog.h"

#define PL(s) ((struct sip_pl){(s), strlen(s)})
#define PL_EQ(pl, s)                                                          \
	do {                                                                  \
		struct sip_pl pl_ = (pl);                                     \
		ck_assert_msg(sip_pl_eq_str(&pl_, (s)), "%s: '%.*s' != '%s'", \
			      #pl, (int)pl_.l, pl_.p ? pl_.p : "", (s));      \
	} while (0)

static struct sip_msg *parse(const char *p)
{
	struct sip_msg *m = NULL;
	struct sip_err err = {0};

	ck_assert_msg(sip_msg_parse(&m, p, strlen(p), SIP_PARSE_DGRAM, NULL,
				    &err) == 0,
		      "%s", err.reason);
	return m;
}

/* A SUBSCRIBE as Kamailio forwards it: two Record-Routes with ;lr. */
static const char sub_kam[] =
	"SUBSCRIBE sip:alice@locd.example.com SIP/2.0\r\n"
	"Via: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKp1\r\n"
	"Via: SIP/2.0/UDP 192.0.2.7:5080;branch=z9hG4bKc1\r\n"
	"Record-Route: <sip:10.0.0.1;lr;r2=on>\r\n"
	"Record-Route: <sip:edge.example.com;transport=tcp;lr>\r\n"
	"From: \"W\" <sip:watcher@example.net>;tag=wt1\r\n"
	"To: <sip:alice@locd.example.com>\r\n"
	"Call-ID: c1@192.0.2.7\r\n"
	"CSeq: 7 SUBSCRIBE\r\n"
	"Contact: <sip:watcher@192.0.2.7:5080;transport=udp>\r\n"
	"Event: location\r\n"
	"Expires: 600\r\n"
	"Content-Length: 0\r\n\r\n";

/* Build the next request into b and parse it back (a Via is added). */
static struct sip_msg *build(struct sip_dialog *d, const char *method,
			     struct sip_pl *hop)
{
	struct sip_buf b;
	struct sip_msg *m;
	struct sip_pl via = PL("SIP/2.0/UDP 198.51.100.1;branch=z9hG4bKn");

	sip_buf_init(&b, SIP_MSG_MAX);
	ck_assert_int_eq(sip_dialog_request(d, &b, method, &via, hop), 0);
	ck_assert_int_eq(sip_print_end(&b), 0);
	ck_assert_int_eq(sip_buf_append(&b, "", 1), 0);
	m = parse(b.p);
	sip_buf_reset(&b);
	return m;
}

/* The n-th (from 0) Route value of m. */
static struct sip_pl route_n(const struct sip_msg *m, size_t n)
{
	const struct sip_hdr *h = NULL;
	struct sip_pl none = {NULL, 0};

	while ((h = sip_msg_hdr(m, SIP_HDR_ROUTE, h)) != NULL)
		if (n-- == 0)
			return h->val;
	return none;
}

/* UAS dialog from SUBSCRIBE; NOTIFY loose-routed through Kamailio. */
START_TEST(test_dialog_uas_loose)
{
	struct sip_msg *req = parse(sub_kam), *n1, *n2;
	struct sip_dialog d;
	struct sip_pl hop;

	sip_dialog_init(&d);
	ck_assert_int_eq(sip_dialog_uas_create(&d, req, "lt1"), 0);
	ck_assert_str_eq(d.callid, "c1@192.0.2.7");
	ck_assert_str_eq(d.ltag, "lt1");
	ck_assert_str_eq(d.rtag, "wt1");
	ck_assert_str_eq(d.ruri, "sip:watcher@example.net");
	ck_assert_str_eq(d.luri, "sip:alice@locd.example.com");
	ck_assert_str_eq(d.rtarget,
			 "sip:watcher@192.0.2.7:5080;transport=udp");
	ck_assert_uint_eq(d.routec, 2);
	ck_assert_str_eq(d.routev[0], "<sip:10.0.0.1;lr;r2=on>");
	ck_assert_uint_eq(d.rseq, 7);
	ck_assert_uint_eq(d.lseq, 0);
	ck_assert(!d.secure);
	ck_assert(sip_dialog_match(&d, req) == false); /* no To tag yet */

	n1 = build(&d, "NOTIFY", &hop);
	PL_EQ(n1->ruri_pl, "sip:watcher@192.0.2.7:5080;transport=udp");
	PL_EQ(hop, "sip:10.0.0.1;lr;r2=on");
	ck_assert_uint_eq(sip_msg_hdr_count(n1, SIP_HDR_ROUTE), 2);
	PL_EQ(route_n(n1, 0), "<sip:10.0.0.1;lr;r2=on>");
	PL_EQ(route_n(n1, 1), "<sip:edge.example.com;transport=tcp;lr>");
	PL_EQ(n1->from.tag, "lt1");
	PL_EQ(n1->from.uri.all, "sip:alice@locd.example.com");
	PL_EQ(n1->to.tag, "wt1");
	PL_EQ(n1->to.uri.all, "sip:watcher@example.net");
	PL_EQ(n1->callid, "c1@192.0.2.7");
	ck_assert_uint_eq(n1->cseq.num, 1);
	PL_EQ(n1->cseq.method, "NOTIFY");
	ck_assert_uint_eq(n1->max_forwards, 70);

	/* local CSeq counts up per request */
	n2 = build(&d, "NOTIFY", NULL);
	ck_assert_uint_eq(n2->cseq.num, 2);
	ck_assert_uint_eq(d.lseq, 2);

	sip_msg_free(req);
	sip_msg_free(n1);
	sip_msg_free(n2);
	sip_dialog_reset(&d);
}
END_TEST

/* Strict routing fallback: first route without ;lr. */
START_TEST(test_dialog_strict)
{
	static const char s[] =
		"SUBSCRIBE sips:alice@locd.example.com SIP/2.0\r\n"
		"Via: SIP/2.0/TLS 192.0.2.7;branch=z9hG4bKc2\r\n"
		"Record-Route: <sip:old.example.com>\r\n"
		"Record-Route: <sip:p2.example.com;lr>\r\n"
		"From: <sips:w@example.net>;tag=a\r\n"
		"To: <sips:alice@locd.example.com>\r\n"
		"Call-ID: c2\r\n"
		"CSeq: 1 SUBSCRIBE\r\n"
		"Contact: <sips:w@192.0.2.7>\r\n"
		"Content-Length: 0\r\n\r\n";
	struct sip_msg *req = parse(s), *n;
	struct sip_dialog d;
	struct sip_pl hop;

	sip_dialog_init(&d);
	ck_assert_int_eq(sip_dialog_uas_create(&d, req, NULL), 0);
	ck_assert_uint_eq(strlen(d.ltag), SIP_DIALOG_TAG_LEN);
	ck_assert(d.secure);
	n = build(&d, "NOTIFY", &hop);
	PL_EQ(n->ruri_pl, "sip:old.example.com");
	PL_EQ(hop, "sip:old.example.com");
	ck_assert_uint_eq(sip_msg_hdr_count(n, SIP_HDR_ROUTE), 2);
	PL_EQ(route_n(n, 0), "<sip:p2.example.com;lr>");
	PL_EQ(route_n(n, 1), "<sips:w@192.0.2.7>");
	sip_msg_free(req);
	sip_msg_free(n);
	sip_dialog_reset(&d);
}
END_TEST

/* No route set: R-URI is the remote target, no Route header. */
START_TEST(test_dialog_direct)
{
	static const char s[] =
		"SUBSCRIBE sip:a@h SIP/2.0\r\n"
		"Via: SIP/2.0/UDP 192.0.2.7;branch=z9hG4bKc3\r\n"
		"From: <sip:w@example.net>;tag=a\r\n"
		"To: <sip:a@h>\r\n"
		"Call-ID: c3\r\n"
		"CSeq: 1 SUBSCRIBE\r\n"
		"Contact: <sip:w@192.0.2.7:5062>\r\n"
		"Content-Length: 0\r\n\r\n";
	struct sip_msg *req = parse(s), *n;
	struct sip_dialog d;
	struct sip_pl hop;

	sip_dialog_init(&d);
	ck_assert_int_eq(sip_dialog_uas_create(&d, req, "x"), 0);
	n = build(&d, "NOTIFY", &hop);
	PL_EQ(n->ruri_pl, "sip:w@192.0.2.7:5062");
	PL_EQ(hop, "sip:w@192.0.2.7:5062");
	ck_assert_uint_eq(sip_msg_hdr_count(n, SIP_HDR_ROUTE), 0);
	sip_msg_free(req);
	sip_msg_free(n);
	sip_dialog_reset(&d);
}
END_TEST

/* Dialog-creating requests locd must refuse (each one error). */
START_TEST(test_dialog_uas_bad)
{
	static const char *const bad[] = {
		/* no From tag */
		"SUBSCRIBE sip:a@h SIP/2.0\r\n"
		"Via: SIP/2.0/UDP h;branch=z9hG4bK1"
		"\r\nFrom: <sip:w@x>\r\nTo: <sip:a@h>\r\nCall-ID: c\r\n"
		"CSeq: 1 SUBSCRIBE\r\nContact: <sip:w@x>\r\n\r\n",
		/* no Contact */
		"SUBSCRIBE sip:a@h SIP/2.0\r\n"
		"Via: SIP/2.0/UDP h;branch=z9hG4bK1"
		"\r\nFrom: <sip:w@x>;tag=1\r\nTo: <sip:a@h>\r\nCall-ID: c\r\n"
		"CSeq: 1 SUBSCRIBE\r\n\r\n",
		/* two Contacts */
		"SUBSCRIBE sip:a@h SIP/2.0\r\n"
		"Via: SIP/2.0/UDP h;branch=z9hG4bK1"
		"\r\nFrom: <sip:w@x>;tag=1\r\nTo: <sip:a@h>\r\nCall-ID: c\r\n"
		"CSeq: 1 SUBSCRIBE\r\nContact: <sip:w@x>, <sip:w@y>\r\n\r\n",
		/* Contact not sip/sips */
		"SUBSCRIBE sip:a@h SIP/2.0\r\n"
		"Via: SIP/2.0/UDP h;branch=z9hG4bK1"
		"\r\nFrom: <sip:w@x>;tag=1\r\nTo: <sip:a@h>\r\nCall-ID: c\r\n"
		"CSeq: 1 SUBSCRIBE\r\nContact: <tel:+123>\r\n\r\n",
	};
	struct sip_dialog d;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct sip_msg *m = parse(bad[i]);
		sip_dialog_init(&d);
		ck_assert_int_eq(sip_dialog_uas_create(&d, m, "t"), EBADMSG);
		ck_assert_ptr_null(d.callid);
		sip_msg_free(m);
	}
	ck_assert_int_eq(sip_dialog_uas_create(NULL, NULL, NULL), EINVAL);
}
END_TEST

/* More Record-Routes than SIP_DIALOG_ROUTE_MAX: EOVERFLOW, nothing kept. */
START_TEST(test_dialog_route_limit)
{
	char s[4096];
	struct sip_buf b;
	struct sip_msg *m;
	struct sip_dialog d;
	int i;

	sip_buf_init(&b, sizeof(s));
	ck_assert_int_eq(sip_buf_append_str(&b,
		"SUBSCRIBE sip:a@h SIP/2.0\r\n"
		"Via: SIP/2.0/UDP h;branch=z9hG4bK1"
		"\r\nFrom: <sip:w@x>;tag=1\r\nTo: <sip:a@h>\r\nCall-ID: c\r\n"
		"CSeq: 1 SUBSCRIBE\r\nContact: <sip:w@x>\r\n"), 0);
	for (i = 0; i <= SIP_DIALOG_ROUTE_MAX; i++)
		ck_assert_int_eq(sip_buf_printf(&b,
			"Record-Route: <sip:p%d.example.com;lr>\r\n", i), 0);
	ck_assert_int_eq(sip_buf_append(&b, "\r\n", 3), 0);
	m = parse(b.p);
	sip_dialog_init(&d);
	ck_assert_int_eq(sip_dialog_uas_create(&d, m, "t"), EOVERFLOW);
	ck_assert_uint_eq(d.routec, 0);
	sip_msg_free(m);
	sip_buf_reset(&b);
}
END_TEST

/* UAC from a 2xx: route set reversed; from a NOTIFY: in order. */
START_TEST(test_dialog_uac)
{
	static const char ok[] =
		"SIP/2.0 200 OK\r\n"
		"Via: SIP/2.0/UDP 192.0.2.7;branch=z9hG4bKs1\r\n"
		"Record-Route: <sip:p1.example.com;lr>\r\n"
		"Record-Route: <sip:p2.example.com;lr>\r\n"
		"From: <sip:w@example.net>;tag=mine\r\n"
		"To: <sip:alice@example.com>;tag=theirs\r\n"
		"Call-ID: cu1\r\n"
		"CSeq: 4 SUBSCRIBE\r\n"
		"Contact: <sip:locd@203.0.113.5:5060>\r\n"
		"Expires: 600\r\n\r\n";
	static const char notify[] =
		"NOTIFY sip:w@192.0.2.7 SIP/2.0\r\n"
		"Via: SIP/2.0/UDP 203.0.113.5;branch=z9hG4bKn1\r\n"
		"Record-Route: <sip:p2.example.com;lr>\r\n"
		"Record-Route: <sip:p1.example.com;lr>\r\n"
		"From: <sip:alice@example.com>;tag=theirs\r\n"
		"To: <sip:w@example.net>;tag=mine\r\n"
		"Call-ID: cu1\r\n"
		"CSeq: 9 NOTIFY\r\n"
		"Contact: <sip:locd@203.0.113.5:5060>\r\n"
		"Subscription-State: active;expires=600\r\n\r\n";
	struct sip_dialog_uac u = {
		.callid = "cu1", .ltag = "mine",
		.luri = "sip:w@example.net", .ruri = "sip:alice@example.com",
		.lseq = 4};
	struct sip_msg *r = parse(ok), *n = parse(notify), *s;
	struct sip_dialog d1, d2;
	struct sip_pl hop;

	sip_dialog_init(&d1);
	ck_assert_int_eq(sip_dialog_uac_create(&d1, &u, r), 0);
	ck_assert_str_eq(d1.rtag, "theirs");
	ck_assert_str_eq(d1.rtarget, "sip:locd@203.0.113.5:5060");
	ck_assert_uint_eq(d1.routec, 2);
	ck_assert_str_eq(d1.routev[0], "<sip:p2.example.com;lr>");
	ck_assert_str_eq(d1.routev[1], "<sip:p1.example.com;lr>");
	ck_assert(!d1.rseq_set);
	ck_assert(sip_dialog_match(&d1, r));
	ck_assert(sip_dialog_match(&d1, n));

	sip_dialog_init(&d2);
	ck_assert_int_eq(sip_dialog_uac_create(&d2, &u, n), 0);
	ck_assert_str_eq(d2.routev[0], "<sip:p2.example.com;lr>");
	ck_assert(d2.rseq_set);
	ck_assert_uint_eq(d2.rseq, 9);

	/* refreshing SUBSCRIBE continues the local CSeq */
	s = build(&d1, "SUBSCRIBE", &hop);
	ck_assert_uint_eq(s->cseq.num, 5);
	PL_EQ(s->ruri_pl, "sip:locd@203.0.113.5:5060");
	PL_EQ(hop, "sip:p2.example.com;lr");
	PL_EQ(s->to.tag, "theirs");
	PL_EQ(s->from.tag, "mine");

	/* a 2xx for another Call-ID or without To tag does not fit */
	u.callid = "other";
	sip_dialog_reset(&d2);
	ck_assert_int_eq(sip_dialog_uac_create(&d2, &u, r), EBADMSG);

	sip_msg_free(r);
	sip_msg_free(n);
	sip_msg_free(s);
	sip_dialog_reset(&d1);
}
END_TEST

/* In-dialog CSeq order and target refresh (RFC 3261 §12.2.2). */
START_TEST(test_dialog_recv)
{
	static const char refresh[] =
		"SUBSCRIBE sip:alice@locd.example.com SIP/2.0\r\n"
		"Via: SIP/2.0/UDP 192.0.2.7:5080;branch=z9hG4bKc9\r\n"
		"From: <sip:watcher@example.net>;tag=wt1\r\n"
		"To: <sip:alice@locd.example.com>;tag=lt1\r\n"
		"Call-ID: c1@192.0.2.7\r\n"
		"CSeq: %u SUBSCRIBE\r\n"
		"Contact: <sip:watcher@192.0.2.99>\r\n"
		"Content-Length: 0\r\n\r\n";
	char buf[1024];
	struct sip_msg *req = parse(sub_kam), *r;
	struct sip_dialog d;

	sip_dialog_init(&d);
	ck_assert_int_eq(sip_dialog_uas_create(&d, req, "lt1"), 0);
	snprintf(buf, sizeof(buf), refresh, 7u);
	r = parse(buf);
	ck_assert(sip_dialog_match(&d, r));
	ck_assert_int_eq(sip_dialog_request_recv(&d, r), EPROTO);
	ck_assert_str_eq(d.rtarget,
			 "sip:watcher@192.0.2.7:5080;transport=udp");
	sip_msg_free(r);
	snprintf(buf, sizeof(buf), refresh, 8u);
	r = parse(buf);
	ck_assert_int_eq(sip_dialog_request_recv(&d, r), 0);
	ck_assert_uint_eq(d.rseq, 8);
	ck_assert_str_eq(d.rtarget, "sip:watcher@192.0.2.99");
	sip_msg_free(r);
	sip_msg_free(req);
	sip_dialog_reset(&d);
}
END_TEST

/* Save, free, load: the next NOTIFY continues the CSeq (restart). */
START_TEST(test_dialog_persist)
{
	struct sip_msg *req = parse(sub_kam), *n1, *n2;
	struct sip_dialog d, d2;
	struct sip_dialog_rec rec;
	struct sip_pl hop;

	sip_dialog_init(&d);
	ck_assert_int_eq(sip_dialog_uas_create(&d, req, "lt1"), 0);
	ck_assert_int_eq(sip_dialog_flow_set(&d, "udp:192.0.2.7:5080"), 0);
	n1 = build(&d, "NOTIFY", NULL);
	sip_dialog_save(&d, &rec);
	ck_assert_int_eq(sip_dialog_load(&d2, &rec), 0);
	sip_dialog_reset(&d);
	ck_assert_str_eq(d2.flow, "udp:192.0.2.7:5080");
	ck_assert_uint_eq(d2.routec, 2);
	n2 = build(&d2, "NOTIFY", &hop);
	ck_assert_uint_eq(n2->cseq.num, n1->cseq.num + 1);
	PL_EQ(hop, "sip:10.0.0.1;lr;r2=on");
	PL_EQ(n2->to.tag, "wt1");

	/* a record missing the Call-ID or with a broken route is refused */
	sip_dialog_save(&d2, &rec);
	rec.routev[1] = "not a route <";
	ck_assert_int_eq(sip_dialog_load(&d, &rec), EINVAL);
	ck_assert_ptr_null(d.callid);
	rec.callid = NULL;
	ck_assert_int_eq(sip_dialog_load(&d, &rec), EINVAL);

	sip_msg_free(req);
	sip_msg_free(n1);
	sip_msg_free(n2);
	sip_dialog_reset(&d2);
}
END_TEST

/* Bad arguments to the request builder; CSeq wrap refused. */
START_TEST(test_dialog_request_bad)
{
	struct sip_msg *req = parse(sub_kam);
	struct sip_dialog d;
	struct sip_buf b;

	sip_buf_init(&b, SIP_MSG_MAX);
	sip_dialog_init(&d);
	ck_assert_int_eq(sip_dialog_request(&d, &b, "NOTIFY", NULL, NULL),
			 EINVAL);
	ck_assert_int_eq(sip_dialog_uas_create(&d, req, "lt1"), 0);
	ck_assert_int_eq(sip_dialog_request(&d, &b, "NO TIFY", NULL, NULL),
			 EINVAL);
	d.lseq = UINT32_MAX;
	ck_assert_int_eq(sip_dialog_request(&d, &b, "NOTIFY", NULL, NULL),
			 EOVERFLOW);
	ck_assert_uint_eq(b.len, 0);
	sip_buf_reset(&b);
	sip_dialog_reset(&d);
	sip_msg_free(req);
}
END_TEST

/* The same request as a sip_stack.h descriptor (loose and strict). */
START_TEST(test_dialog_req_fill)
{
	static const char strict[] =
		"SUBSCRIBE sip:a@h SIP/2.0\r\n"
		"Via: SIP/2.0/UDP 192.0.2.7;branch=z9hG4bKc4\r\n"
		"Record-Route: <sip:old.example.com;maddr=192.0.2.1>\r\n"
		"Record-Route: <sip:p2.example.com;lr>\r\n"
		"From: <sip:w@example.net>;tag=a\r\n"
		"To: <sip:a@h>\r\n"
		"Call-ID: c4\r\n"
		"CSeq: 1 SUBSCRIBE\r\n"
		"Contact: <sip:w@192.0.2.7>\r\n"
		"Content-Length: 0\r\n\r\n";
	struct sip_msg *req = parse(sub_kam), *r2 = parse(strict);
	struct sip_dialog d;
	struct sip_dialog_req *st = malloc(sizeof(*st));
	struct sip_req_desc rd;

	ck_assert_ptr_nonnull(st);
	sip_dialog_init(&d);
	ck_assert_int_eq(sip_dialog_uas_create(&d, req, "lt1"), 0);
	ck_assert_int_eq(sip_dialog_req_fill(&d, "NOTIFY", st, &rd), 0);
	ck_assert_str_eq(rd.method, "NOTIFY");
	ck_assert_str_eq(rd.ruri, "sip:watcher@192.0.2.7:5080;transport=udp");
	ck_assert_uint_eq(rd.routec, 2);
	ck_assert_str_eq(rd.routev[0], "<sip:10.0.0.1;lr;r2=on>");
	ck_assert_str_eq(rd.routev[1],
			 "<sip:edge.example.com;transport=tcp;lr>");
	ck_assert_str_eq(rd.from, "<sip:alice@locd.example.com>;tag=lt1");
	ck_assert_str_eq(rd.to, "<sip:watcher@example.net>;tag=wt1");
	ck_assert_str_eq(rd.callid, "c1@192.0.2.7");
	ck_assert_uint_eq(rd.cseq, 1);
	ck_assert_ptr_null(rd.flow);
	ck_assert_int_eq(sip_dialog_req_fill(&d, "NOTIFY", st, &rd), 0);
	ck_assert_uint_eq(rd.cseq, 2);
	ck_assert_int_eq(sip_dialog_req_fill(&d, "BAD METHOD", st, &rd),
			 EINVAL);
	sip_dialog_reset(&d);

	ck_assert_int_eq(sip_dialog_uas_create(&d, r2, "lt2"), 0);
	ck_assert_int_eq(sip_dialog_req_fill(&d, "NOTIFY", st, &rd), 0);
	ck_assert_str_eq(rd.ruri, "sip:old.example.com;maddr=192.0.2.1");
	ck_assert_uint_eq(rd.routec, 2);
	ck_assert_str_eq(rd.routev[0], "<sip:p2.example.com;lr>");
	ck_assert_str_eq(rd.routev[1], "<sip:w@192.0.2.7>");
	sip_dialog_reset(&d);
	free(st);
	sip_msg_free(req);
	sip_msg_free(r2);
}
END_TEST

/*
 * The strings live in one block (issue 6): a target refresh or a new flow
 * token rebuilds it and keeps every other field; an unchanged Contact or
 * token keeps the block; a field over the cap is refused and changes
 * nothing.
 */
START_TEST(test_dialog_block)
{
	static const char refresh[] =
		"SUBSCRIBE sip:alice@locd.example.com SIP/2.0\r\n"
		"Via: SIP/2.0/UDP 192.0.2.7:5080;branch=z9hG4bKc9\r\n"
		"From: <sip:watcher@example.net>;tag=wt1\r\n"
		"To: <sip:alice@locd.example.com>;tag=lt1\r\n"
		"Call-ID: c1@192.0.2.7\r\n"
		"CSeq: %u SUBSCRIBE\r\n"
		"Contact: <%s>\r\n"
		"Content-Length: 0\r\n\r\n";
	char buf[1024], *big, **block;
	struct sip_msg *req = parse(sub_kam), *r;
	struct sip_dialog d, d2;
	struct sip_dialog_rec rec;

	sip_dialog_init(&d);
	ck_assert_int_eq(sip_dialog_uas_create(&d, req, "lt1"), 0);
	ck_assert_ptr_nonnull(d.routev);
	ck_assert_ptr_null(d.flow);

	/* same Contact: same block */
	block = d.routev;
	snprintf(buf, sizeof(buf), refresh, 8u,
		 "sip:watcher@192.0.2.7:5080;transport=udp");
	r = parse(buf);
	ck_assert_int_eq(sip_dialog_request_recv(&d, r), 0);
	ck_assert_ptr_eq(d.routev, block);
	sip_msg_free(r);

	/* new Contact: new target, the rest as before */
	snprintf(buf, sizeof(buf), refresh, 9u, "sip:w2@192.0.2.8:5070");
	r = parse(buf);
	ck_assert_int_eq(sip_dialog_request_recv(&d, r), 0);
	sip_msg_free(r);
	ck_assert_str_eq(d.rtarget, "sip:w2@192.0.2.8:5070");
	ck_assert_str_eq(d.callid, "c1@192.0.2.7");
	ck_assert_str_eq(d.ltag, "lt1");
	ck_assert_str_eq(d.rtag, "wt1");
	ck_assert_str_eq(d.luri, "sip:alice@locd.example.com");
	ck_assert_str_eq(d.ruri, "sip:watcher@example.net");
	ck_assert_uint_eq(d.routec, 2);
	ck_assert_str_eq(d.routev[0], "<sip:10.0.0.1;lr;r2=on>");
	ck_assert_str_eq(d.routev[1],
			 "<sip:edge.example.com;transport=tcp;lr>");
	ck_assert_uint_eq(d.rseq, 9);

	/* flow token: set, same again (block kept), cleared */
	ck_assert_int_eq(sip_dialog_flow_set(&d, "UDP;a;b;0"), 0);
	ck_assert_str_eq(d.flow, "UDP;a;b;0");
	ck_assert_str_eq(d.rtarget, "sip:w2@192.0.2.8:5070");
	block = d.routev;
	ck_assert_int_eq(sip_dialog_flow_set(&d, "UDP;a;b;0"), 0);
	ck_assert_ptr_eq(d.routev, block);
	ck_assert_int_eq(sip_dialog_flow_set(&d, "bad\r\ntoken"), EINVAL);
	ck_assert_str_eq(d.flow, "UDP;a;b;0");
	big = malloc(SIP_DIALOG_FIELD_MAX + 2);
	ck_assert_ptr_nonnull(big);
	memset(big, 'x', SIP_DIALOG_FIELD_MAX + 1);
	big[SIP_DIALOG_FIELD_MAX + 1] = '\0';
	ck_assert_int_eq(sip_dialog_flow_set(&d, big), EOVERFLOW);
	ck_assert_str_eq(d.flow, "UDP;a;b;0");
	big[SIP_DIALOG_FIELD_MAX] = '\0'; /* exactly at the cap: fine */
	ck_assert_int_eq(sip_dialog_flow_set(&d, big), 0);
	ck_assert_uint_eq(strlen(d.flow), SIP_DIALOG_FIELD_MAX);
	ck_assert_int_eq(sip_dialog_flow_set(&d, NULL), 0);
	ck_assert_ptr_null(d.flow);
	ck_assert_str_eq(d.callid, "c1@192.0.2.7");

	/* a record round trip keeps NULL fields NULL and empty ones empty */
	sip_dialog_save(&d, &rec);
	rec.rtag = NULL;
	rec.luri = "";
	ck_assert_int_eq(sip_dialog_load(&d2, &rec), 0);
	ck_assert_ptr_null(d2.rtag);
	ck_assert_ptr_null(d2.flow);
	ck_assert_str_eq(d2.luri, "");
	ck_assert_str_eq(d2.rtarget, "sip:w2@192.0.2.8:5070");
	ck_assert_str_eq(d2.routev[1],
			 "<sip:edge.example.com;transport=tcp;lr>");
	sip_dialog_reset(&d2);
	rec.ruri = big; /* over the cap: nothing loaded */
	big[SIP_DIALOG_FIELD_MAX] = 'x';
	ck_assert_int_eq(sip_dialog_load(&d2, &rec), EOVERFLOW);
	ck_assert_ptr_null(d2.callid);
	ck_assert_ptr_null(d2.routev);

	free(big);
	sip_msg_free(req);
	sip_dialog_reset(&d);
}
END_TEST

TCase *tcase_dialog(void);
TCase *tcase_dialog(void)
{
	TCase *tc = tcase_create("dialog");

	tcase_add_test(tc, test_dialog_uas_loose);
	tcase_add_test(tc, test_dialog_strict);
	tcase_add_test(tc, test_dialog_direct);
	tcase_add_test(tc, test_dialog_uas_bad);
	tcase_add_test(tc, test_dialog_route_limit);
	tcase_add_test(tc, test_dialog_uac);
	tcase_add_test(tc, test_dialog_recv);
	tcase_add_test(tc, test_dialog_persist);
	tcase_add_test(tc, test_dialog_block);
	tcase_add_test(tc, test_dialog_request_bad);
	tcase_add_test(tc, test_dialog_req_fill);
	return tc;
}
