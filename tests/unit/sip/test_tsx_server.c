/*
 * test_tsx_server.c: server transactions (RFC 3261 §17.2) and what the
 * stack answers itself (§8.2), with a fake transport and clock:
 * retransmission absorption, timer J (UDP 64*T1, TCP 0), INVITE rejected
 * with 405 + timer G doubling to T2, timer H, ACK absorbed (timer I),
 * RFC 2543 matching, RFC 3581 received/rport, 420 for the seeds' option
 * tags (ice, sdp-anat, answermode, norefersub, tdialog), OPTIONS (Allow,
 * Accept, Allow-Events, Supported; EV-*), 483, 501, 481, stateless 400
 * with a Warning for malformed requests (SEC-19), 503 past max_trans.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sip/sip.h"
#include "sip/sip_stack.h"
#include "tests/unit/sip/test_tsx_fake.h"

struct srec {
	int n;
	struct sip_strans *last;
	uint16_t reply;          /* 0: keep the transaction pending */
	char method[16];
};

static void req_h(struct sip_strans *t, const struct sip_msg *req,
		  void *arg)
{
	static const struct sip_hdr_out hv[] = {
		{SIP_HDR_EXPIRES, NULL, {"600", 3}},
	};
	struct srec *r = arg;
	struct sip_reply_desc rd;

	r->n++;
	r->last = t;
	ck_assert_ptr_eq(sip_strans_req(t), req);
	ck_assert_int_eq(sip_pl_strcpy(&req->method, r->method,
				       sizeof(r->method)), 0);
	if (!r->reply)
		return;
	memset(&rd, 0, sizeof(rd));
	rd.scode = r->reply;
	rd.to_tag = SIP_PL("tt1");
	rd.hdrv = hv;
	rd.hdrc = 1;
	ck_assert_int_eq(sip_reply(t, &rd), 0);
}

/* A request from 10.0.0.1 (Via sent-by port 5070). */
static void req_txt(char *buf, size_t sz, const char *method,
		    const char *branch, const char *via_params,
		    const char *extra)
{
	int n = snprintf(buf, sz,
			 "%s sip:loc@192.0.2.10:5060 SIP/2.0\r\n"
			 "Via: SIP/2.0/UDP 10.0.0.1:5070;branch=%s%s\r\n"
			 "Max-Forwards: 70\r\n"
			 "From: <sip:alice@example.com>;tag=f1\r\n"
			 "To: <sip:loc@example.com>\r\n"
			 "Call-ID: c-%s@10.0.0.1\r\n"
			 "CSeq: 1 %s\r\n"
			 "%s"
			 "Content-Length: 0\r\n\r\n",
			 method, branch, via_params, branch, method, extra);
	ck_assert(n > 0 && (size_t)n < sz);
}

static void feed(struct fake *f, const char *method, const char *branch,
		 const char *via_params, const char *extra)
{
	char buf[2048];

	req_txt(buf, sizeof(buf), method, branch, via_params, extra);
	ck_assert_int_eq(fake_recv(f, SIP_TRANSP_UDP, "10.0.0.1", 1234, buf),
			 0);
}

static size_t strans_count(struct fake *f)
{
	struct sip_stack_stats s;

	sip_stack_stats_get(f->st, &s);
	return s.strans;
}

static void setup(struct fake *f, struct srec *r)
{
	fake_init(f);
	memset(r, 0, sizeof(*r));
	r->reply = 200;
	ck_assert_int_eq(sip_stack_handler_add(f->st, "SUBSCRIBE", req_h, r),
			 0);
	ck_assert_int_eq(sip_stack_handler_add(f->st, "SUBSCRIBE", req_h, r),
			 EEXIST);
	ck_assert_int_eq(sip_stack_handler_add(f->st, "ACK", req_h, r),
			 EINVAL);
	ck_assert_int_eq(sip_stack_event_add(f->st, "presence"), 0);
	ck_assert_int_eq(sip_stack_event_add(f->st, "location"), 0);
	ck_assert_int_eq(sip_stack_event_add(f->st, "presence"), 0);
	ck_assert_int_eq(sip_stack_event_add(f->st, "bad pkg"), EINVAL);
	ck_assert_int_eq(sip_stack_accept_add(f->st,
					      "application/pidf+xml"), 0);
	ck_assert_int_eq(sip_stack_supported_add(f->st, "path"), 0);
}

START_TEST(strans_udp_rport_j)
{
	struct sip_stack_stats s;
	struct fake f;
	struct srec r;
	char val[512];

	setup(&f, &r);
	feed(&f, "SUBSCRIBE", "z9hG4bK1", ";rport", "Event: presence\r\n");
	ck_assert_int_eq(r.n, 1);
	ck_assert_str_eq(r.method, "SUBSCRIBE");
	ck_assert_uint_eq(f.n, 1);
	ck_assert_uint_eq(fake_scode(&f, 0), 200);
	/* RFC 3581: to the source port, received and rport filled in */
	ck_assert_uint_eq(sip_sa_port(&f.v[0].dst.sa), 1234);
	fake_hdr(&f, 0, "Via", val, sizeof(val));
	ck_assert_str_eq(val, "SIP/2.0/UDP 10.0.0.1:5070;branch=z9hG4bK1;"
			      "received=10.0.0.1;rport=1234");
	fake_hdr(&f, 0, "To", val, sizeof(val));
	ck_assert_str_eq(val, "<sip:loc@example.com>;tag=tt1");
	fake_hdr(&f, 0, "Server", val, sizeof(val));
	ck_assert_str_eq(val, "locd-test");
	fake_hdr(&f, 0, "Expires", val, sizeof(val));
	ck_assert_str_eq(val, "600");
	fake_hdr(&f, 0, "CSeq", val, sizeof(val));
	ck_assert_str_eq(val, "1 SUBSCRIBE");

	/* retransmission: the same response again, handler not called */
	fake_advance(&f, 1000);
	feed(&f, "SUBSCRIBE", "z9hG4bK1", ";rport", "Event: presence\r\n");
	ck_assert_int_eq(r.n, 1);
	ck_assert_uint_eq(f.n, 2);
	ck_assert_uint_eq(f.v[1].len, f.v[0].len);
	ck_assert(!memcmp(f.v[1].buf, f.v[0].buf, f.v[0].len));
	sip_stack_stats_get(f.st, &s);
	ck_assert_uint_eq(s.retrans_absorbed, 1);

	/* timer J = 64*T1 from the final response */
	fake_advance(&f, 30990);
	ck_assert_uint_eq(strans_count(&f), 1);
	fake_advance(&f, 10);
	ck_assert_uint_eq(strans_count(&f), 0);
	/* after J the same branch is a new transaction */
	feed(&f, "SUBSCRIBE", "z9hG4bK1", ";rport", "Event: presence\r\n");
	ck_assert_int_eq(r.n, 2);

	/* no rport: to the Via sent-by port, received only */
	feed(&f, "SUBSCRIBE", "z9hG4bK2", "", "Event: presence\r\n");
	ck_assert_uint_eq(sip_sa_port(&f.v[f.n - 1].dst.sa), 5070);
	fake_hdr(&f, f.n - 1, "Via", val, sizeof(val));
	ck_assert_str_eq(val, "SIP/2.0/UDP 10.0.0.1:5070;branch=z9hG4bK2;"
			      "received=10.0.0.1");
	fake_reset(&f);
}
END_TEST

START_TEST(strans_tcp_j0)
{
	struct fake f;
	struct srec r;
	char buf[2048];

	setup(&f, &r);
	req_txt(buf, sizeof(buf), "SUBSCRIBE", "z9hG4bKt1", "",
		"Event: presence\r\n");
	ck_assert_int_eq(fake_recv(&f, SIP_TRANSP_TCP, "10.0.0.1", 40000,
				   buf), 0);
	ck_assert_int_eq(r.n, 1);
	ck_assert_uint_eq(f.n, 1);
	ck_assert_int_eq(f.v[0].dst.tp, SIP_TRANSP_TCP);
	/* §18.2.2: back to the connection's source port */
	ck_assert_uint_eq(sip_sa_port(&f.v[0].fl.peer), 40000);
	ck_assert_uint_eq(strans_count(&f), 1);
	fake_advance(&f, 10);
	ck_assert_uint_eq(strans_count(&f), 0);
	fake_reset(&f);
}
END_TEST

START_TEST(strans_async_provisional)
{
	struct sip_flow fl;
	struct fake f;
	struct srec r;
	char val[256];

	setup(&f, &r);
	r.reply = 0;
	feed(&f, "SUBSCRIBE", "z9hG4bKa", ";rport", "Event: presence\r\n");
	ck_assert_int_eq(r.n, 1);
	ck_assert_ptr_nonnull(r.last);
	/* the flow to reach the subscriber again (RFC 5626) */
	sip_strans_flow(r.last, &fl);
	ck_assert_int_eq(fl.tp, SIP_TRANSP_UDP);
	ck_assert_uint_eq(sip_sa_port(&fl.peer), 1234);
	ck_assert_int_eq(sip_strans_peer(r.last)->tp, SIP_TRANSP_UDP);
	/* Trying: a retransmission is absorbed silently */
	feed(&f, "SUBSCRIBE", "z9hG4bKa", ";rport", "Event: presence\r\n");
	ck_assert_uint_eq(f.n, 0);
	ck_assert_int_eq(r.n, 1);
	ck_assert_int_eq(sip_reply_status(r.last, 99, NULL), EINVAL);
	ck_assert_int_eq(sip_reply_status(r.last, 100, NULL), 0);
	ck_assert_uint_eq(fake_scode(&f, 0), 100);
	fake_hdr(&f, 0, "To", val, sizeof(val));
	ck_assert_str_eq(val, "<sip:loc@example.com>");
	/* Proceeding: the provisional is resent */
	feed(&f, "SUBSCRIBE", "z9hG4bKa", ";rport", "Event: presence\r\n");
	ck_assert_uint_eq(f.n, 2);
	ck_assert_uint_eq(fake_scode(&f, 1), 100);
	/* final without a tag from the TU: the stack adds one */
	ck_assert_int_eq(sip_reply_status(r.last, 202, "Accepted"), 0);
	ck_assert_uint_eq(fake_scode(&f, 2), 202);
	fake_hdr(&f, 2, "To", val, sizeof(val));
	ck_assert_uint_gt(strlen(val), strlen("<sip:loc@example.com>;tag="));
	ck_assert(!strncmp(val, "<sip:loc@example.com>;tag=", 26));
	/* a second final is refused (still in Completed) */
	ck_assert_int_eq(sip_reply_status(r.last, 200, NULL), EINVAL);
	fake_reset(&f);
}
END_TEST

START_TEST(invite_405_timer_g_ack)
{
	/* §17.2.1: G = T1 doubling to T2, ACK -> Confirmed, I = T4 */
	static const uint64_t at[] = {0, 500, 1500, 3500};
	struct fake f;
	struct srec r;
	char val[256];
	uint64_t t0;
	size_t i;

	setup(&f, &r);
	t0 = f.now;
	feed(&f, "INVITE", "z9hG4bKi1", ";rport", "");
	ck_assert_int_eq(r.n, 0);
	ck_assert_uint_eq(fake_scode(&f, 0), 405);
	fake_hdr_id(&f, 0, SIP_HDR_ALLOW, val, sizeof(val));
	ck_assert_str_eq(val, "SUBSCRIBE, OPTIONS");
	fake_advance(&f, 3600);
	ck_assert_uint_eq(f.n, 4);
	for (i = 0; i < 4; i++)
		ck_assert_uint_eq(f.v[i].at - t0, at[i]);
	/* a retransmitted INVITE gets the final again */
	feed(&f, "INVITE", "z9hG4bKi1", ";rport", "");
	ck_assert_uint_eq(f.n, 5);
	ck_assert_uint_eq(fake_scode(&f, 4), 405);
	/* ACK: absorbed, never to a handler, stops G */
	feed(&f, "ACK", "z9hG4bKi1", ";rport", "");
	feed(&f, "ACK", "z9hG4bKi1", ";rport", "");
	ck_assert_int_eq(r.n, 0);
	ck_assert_uint_eq(strans_count(&f), 1);
	fake_advance(&f, 4990);
	ck_assert_uint_eq(strans_count(&f), 1);
	fake_advance(&f, 10);
	ck_assert_uint_eq(strans_count(&f), 0);
	ck_assert_uint_eq(f.n, 5);
	fake_reset(&f);
}
END_TEST

START_TEST(invite_timer_h)
{
	/* no ACK: G at 0.5, 1.5, 3.5, 7.5 s then every T2; H at 64*T1 */
	struct fake f;
	struct srec r;

	setup(&f, &r);
	feed(&f, "INVITE", "z9hG4bKi2", "", "");
	fake_advance(&f, 31990);
	ck_assert_uint_eq(f.n, 11);
	ck_assert_uint_eq(strans_count(&f), 1);
	fake_advance(&f, 10);
	ck_assert_uint_eq(strans_count(&f), 0);
	ck_assert_uint_eq(f.n, 11);
	fake_reset(&f);
}
END_TEST

START_TEST(invite_tcp_no_g)
{
	struct fake f;
	struct srec r;
	char buf[2048];

	setup(&f, &r);
	req_txt(buf, sizeof(buf), "INVITE", "z9hG4bKi3", "", "");
	ck_assert_int_eq(fake_recv(&f, SIP_TRANSP_TCP, "10.0.0.1", 40001,
				   buf), 0);
	fake_advance(&f, 20000);
	ck_assert_uint_eq(f.n, 1);
	req_txt(buf, sizeof(buf), "ACK", "z9hG4bKi3", "", "");
	ck_assert_int_eq(fake_recv(&f, SIP_TRANSP_TCP, "10.0.0.1", 40001,
				   buf), 0);
	fake_advance(&f, 10);
	ck_assert_uint_eq(strans_count(&f), 0);
	fake_reset(&f);
}
END_TEST

START_TEST(methods_405_501_options)
{
	struct fake f;
	struct srec r;
	char val[512];

	setup(&f, &r);
	feed(&f, "FOO", "z9hG4bKm1", "", "");
	ck_assert_uint_eq(fake_scode(&f, 0), 501);
	feed(&f, "REFER", "z9hG4bKm2", "", "");
	ck_assert_uint_eq(fake_scode(&f, 1), 405);
	fake_hdr_id(&f, 1, SIP_HDR_ALLOW, val, sizeof(val));
	ck_assert_str_eq(val, "SUBSCRIBE, OPTIONS");
	feed(&f, "MESSAGE", "z9hG4bKm3", "", "");
	ck_assert_uint_eq(fake_scode(&f, 2), 405);
	ck_assert_int_eq(r.n, 0);
	/* §11.2: OPTIONS lists what the stack's users registered */
	feed(&f, "OPTIONS", "z9hG4bKm4", "", "Accept: application/sdp\r\n");
	ck_assert_uint_eq(fake_scode(&f, 3), 200);
	fake_hdr_id(&f, 3, SIP_HDR_ALLOW, val, sizeof(val));
	ck_assert_str_eq(val, "SUBSCRIBE, OPTIONS");
	fake_hdr_id(&f, 3, SIP_HDR_ACCEPT, val, sizeof(val));
	ck_assert_str_eq(val, "application/pidf+xml");
	fake_hdr_id(&f, 3, SIP_HDR_ALLOW_EVENTS, val, sizeof(val));
	ck_assert_str_eq(val, "presence, location");
	fake_hdr_id(&f, 3, SIP_HDR_SUPPORTED, val, sizeof(val));
	ck_assert_str_eq(val, "path");
	/* CANCEL with nothing to cancel */
	feed(&f, "CANCEL", "z9hG4bKm5", "", "");
	ck_assert_uint_eq(fake_scode(&f, 4), 481);
	/* CANCEL of a live INVITE transaction: 200 */
	feed(&f, "INVITE", "z9hG4bKm6", "", "");
	ck_assert_uint_eq(fake_scode(&f, 5), 405);
	feed(&f, "CANCEL", "z9hG4bKm6", "", "");
	ck_assert_uint_eq(fake_scode(&f, 6), 200);
	fake_hdr(&f, 6, "CSeq", val, sizeof(val));
	ck_assert_str_eq(val, "1 CANCEL");
	fake_reset(&f);
}
END_TEST

/* The seeds' option tags, each refused with 420 + Unsupported. */
static const char *const seed_tags[] = {
	"ice", "sdp-anat", "answermode", "norefersub", "tdialog"
};

START_TEST(require_420)
{
	struct fake f;
	struct srec r;
	char extra[128], branch[32], val[256];

	setup(&f, &r);
	snprintf(extra, sizeof(extra), "Require: %s\r\n", seed_tags[_i]);
	snprintf(branch, sizeof(branch), "z9hG4bKr%d", _i);
	feed(&f, "SUBSCRIBE", branch, "", extra);
	ck_assert_int_eq(r.n, 0);
	ck_assert_uint_eq(fake_scode(&f, 0), 420);
	fake_hdr_id(&f, 0, SIP_HDR_UNSUPPORTED, val, sizeof(val));
	ck_assert_str_eq(val, seed_tags[_i]);
	/* also on OPTIONS, which the stack answers itself */
	feed(&f, "OPTIONS", "z9hG4bKro", "", extra);
	ck_assert_uint_eq(fake_scode(&f, 1), 420);
	fake_reset(&f);
}
END_TEST

START_TEST(require_mixed)
{
	struct fake f;
	struct srec r;
	char val[256];

	setup(&f, &r);
	feed(&f, "SUBSCRIBE", "z9hG4bKx1", "",
	     "Require: ice, path\r\nRequire: tdialog\r\n");
	ck_assert_uint_eq(fake_scode(&f, 0), 420);
	fake_hdr_id(&f, 0, SIP_HDR_UNSUPPORTED, val, sizeof(val));
	ck_assert_str_eq(val, "ice, tdialog");
	/* only supported tags: passes to the handler */
	feed(&f, "SUBSCRIBE", "z9hG4bKx2", "", "Require: path\r\n");
	ck_assert_int_eq(r.n, 1);
	ck_assert_uint_eq(fake_scode(&f, 1), 200);
	fake_reset(&f);
}
END_TEST

START_TEST(max_forwards_483)
{
	static const char mf0[] =
		"SUBSCRIBE sip:loc@192.0.2.10 SIP/2.0\r\n"
		"Via: SIP/2.0/UDP 10.0.0.1:5070;branch=z9hG4bKmf\r\n"
		"Max-Forwards: 0\r\n"
		"From: <sip:a@example.com>;tag=1\r\n"
		"To: <sip:loc@example.com>\r\n"
		"Call-ID: mf0\r\nCSeq: 1 SUBSCRIBE\r\n"
		"Event: presence\r\nContent-Length: 0\r\n\r\n";
	static const char opt0[] =
		"OPTIONS sip:loc@192.0.2.10 SIP/2.0\r\n"
		"Via: SIP/2.0/UDP 10.0.0.1:5070;branch=z9hG4bKmo\r\n"
		"Max-Forwards: 0\r\n"
		"From: <sip:a@example.com>;tag=1\r\n"
		"To: <sip:loc@example.com>\r\n"
		"Call-ID: mo0\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
	struct fake f;
	struct srec r;

	setup(&f, &r);
	ck_assert_int_eq(fake_recv(&f, SIP_TRANSP_UDP, "10.0.0.1", 5070, mf0),
			 0);
	ck_assert_int_eq(r.n, 0);
	ck_assert_uint_eq(fake_scode(&f, 0), 483);
	/* §16.3 step 3: OPTIONS with Max-Forwards 0 is answered */
	ck_assert_int_eq(fake_recv(&f, SIP_TRANSP_UDP, "10.0.0.1", 5070,
				   opt0), 0);
	ck_assert_uint_eq(fake_scode(&f, 1), 200);
	fake_reset(&f);
}
END_TEST

START_TEST(malformed_400_or_drop)
{
	static const char bad_cseq[] =
		"SUBSCRIBE sip:loc@192.0.2.10 SIP/2.0\r\n"
		"Via: SIP/2.0/UDP 10.0.0.1:5070;branch=z9hG4bKb1\r\n"
		"Max-Forwards: 70\r\n"
		"From: <sip:a@example.com>;tag=1\r\n"
		"To: <sip:loc@example.com>\r\n"
		"Call-ID: b1\r\nCSeq: x SUBSCRIBE\r\n"
		"Content-Length: 0\r\n\r\n";
	static const char bad_via[] =
		"SUBSCRIBE sip:loc@192.0.2.10 SIP/2.0\r\n"
		"Via: garbage\r\n"
		"Call-ID: b2\r\nCSeq: x SUBSCRIBE\r\n"
		"Content-Length: 0\r\n\r\n";
	static const char bad_ack[] =
		"ACK sip:loc@192.0.2.10 SIP/2.0\r\n"
		"Via: SIP/2.0/UDP 10.0.0.1:5070;branch=z9hG4bKb3\r\n"
		"Call-ID: b3\r\nCSeq: x ACK\r\n\r\n";
	static const char bad_resp[] =
		"SIP/2.0 200 OK\r\nVia: nope\r\n\r\n";
	struct sip_stack_stats s;
	struct fake f;
	struct srec r;

	setup(&f, &r);
	ck_assert_int_eq(fake_recv(&f, SIP_TRANSP_UDP, "10.0.0.1", 5070,
				   bad_cseq), EBADMSG);
	ck_assert_uint_eq(f.n, 1);
	/* the bad CSeq is echoed, so read the raw text */
	ck_assert(!strncmp(f.v[0].buf, "SIP/2.0 400 bad CSeq\r\n", 22));
	ck_assert_ptr_nonnull(strstr(
		f.v[0].buf, "\r\nWarning: 399 locd \"bad CSeq\"\r\n"));
	ck_assert_ptr_nonnull(strstr(f.v[0].buf, "\r\nCall-ID: b1\r\n"));
	ck_assert_ptr_nonnull(strstr(f.v[0].buf, "received=10.0.0.1"));
	ck_assert_ptr_nonnull(strstr(f.v[0].buf,
				     "To: <sip:loc@example.com>;tag="));
	ck_assert_uint_eq(sip_sa_port(&f.v[0].dst.sa), 5070);
	ck_assert_int_ne(fake_recv(&f, SIP_TRANSP_UDP, "10.0.0.1", 5070,
				   bad_via), 0);
	ck_assert_int_ne(fake_recv(&f, SIP_TRANSP_UDP, "10.0.0.1", 5070,
				   bad_ack), 0);
	ck_assert_int_ne(fake_recv(&f, SIP_TRANSP_UDP, "10.0.0.1", 5070,
				   bad_resp), 0);
	ck_assert_int_ne(fake_recv(&f, SIP_TRANSP_UDP, "10.0.0.1", 5070,
				   "hello world\r\n\r\n"), 0);
	ck_assert_uint_eq(f.n, 1);
	ck_assert_int_eq(r.n, 0);
	sip_stack_stats_get(f.st, &s);
	ck_assert_uint_eq(s.rx_bad, 5);
	ck_assert_uint_eq(s.rx_dropped, 4);
	fake_reset(&f);
}
END_TEST

START_TEST(rfc2543_matching)
{
	/* §17.2.3: no magic cookie: match on R-URI, From tag, Call-ID,
	 * CSeq and the top Via */
	struct fake f;
	struct srec r;

	setup(&f, &r);
	feed(&f, "SUBSCRIBE", "oldbranch1", "", "Event: presence\r\n");
	feed(&f, "SUBSCRIBE", "oldbranch1", "", "Event: presence\r\n");
	ck_assert_int_eq(r.n, 1);
	ck_assert_uint_eq(f.n, 2);
	ck_assert_uint_eq(fake_scode(&f, 1), 200);
	feed(&f, "SUBSCRIBE", "oldbranch2", "", "Event: presence\r\n");
	ck_assert_int_eq(r.n, 2);
	/* 2543 INVITE and its ACK */
	feed(&f, "INVITE", "oldinv", "", "");
	ck_assert_uint_eq(fake_scode(&f, 3), 405);
	feed(&f, "ACK", "oldinv", "", "");
	ck_assert_uint_eq(f.n, 4);
	fake_advance(&f, 5000);
	ck_assert_uint_eq(f.n, 4);
	fake_reset(&f);
}
END_TEST

START_TEST(max_trans_503)
{
	struct sip_stack_conf c;
	struct fake f;
	struct srec r;

	memset(&f, 0, sizeof(f));
	memset(&r, 0, sizeof(r));
	f.now = 1;
	fake_conf(&f, &c);
	c.max_trans = 1;
	ck_assert_int_eq(sip_stack_alloc(&f.st, NULL, &c), 0);
	ck_assert_int_eq(sip_stack_handler_add(f.st, "SUBSCRIBE", req_h, &r),
			 0);
	feed(&f, "SUBSCRIBE", "z9hG4bKq1", "", "Event: presence\r\n");
	feed(&f, "SUBSCRIBE", "z9hG4bKq2", "", "Event: presence\r\n");
	ck_assert_int_eq(r.n, 1);
	ck_assert_uint_eq(f.n, 1);
	ck_assert_uint_eq(fake_scode(&f, 0), 503);
	ck_assert_int_eq(sip_reply_status(r.last, 200, NULL), 0);
	fake_reset(&f);
}
END_TEST

START_TEST(flow_reuse_ob)
{
	/* RFC 5626: ;ob in Contact (or Via), or a connection: reuse */
	struct fake f;
	struct srec r;
	char buf[2048];

	setup(&f, &r);
	r.reply = 0;
	feed(&f, "SUBSCRIBE", "z9hG4bKo1", "", "Event: presence\r\n"
	     "Contact: <sip:bob@10.9.9.9:5060>\r\n");
	ck_assert(!sip_strans_flow_reuse(r.last));
	ck_assert_int_eq(sip_reply_status(r.last, 200, NULL), 0);
	feed(&f, "SUBSCRIBE", "z9hG4bKo2", "", "Event: presence\r\n"
	     "Contact: <sip:bob@10.9.9.9:5060;ob>\r\n");
	ck_assert(sip_strans_flow_reuse(r.last));
	ck_assert_int_eq(sip_reply_status(r.last, 200, NULL), 0);
	feed(&f, "SUBSCRIBE", "z9hG4bKo3", ";ob", "Event: presence\r\n");
	ck_assert(sip_strans_flow_reuse(r.last));
	ck_assert_int_eq(sip_reply_status(r.last, 200, NULL), 0);
	req_txt(buf, sizeof(buf), "SUBSCRIBE", "z9hG4bKo4", "",
		"Event: presence\r\n");
	ck_assert_int_eq(fake_recv(&f, SIP_TRANSP_TLS, "10.0.0.1", 40000,
				   buf), 0);
	ck_assert(sip_strans_flow_reuse(r.last));
	ck_assert_int_eq(sip_reply_status(r.last, 200, NULL), 0);
	ck_assert(!sip_strans_flow_reuse(NULL));
	fake_reset(&f);
}
END_TEST

START_TEST(options_nothing_registered)
{
	/* §11.2 with no users: Allow OPTIONS, empty Supported, parseable */
	struct fake f;
	char val[256];

	fake_init(&f);
	feed(&f, "OPTIONS", "z9hG4bKn1", "", "");
	ck_assert_uint_eq(fake_scode(&f, 0), 200);
	fake_hdr_id(&f, 0, SIP_HDR_ALLOW, val, sizeof(val));
	ck_assert_str_eq(val, "OPTIONS");
	fake_hdr_id(&f, 0, SIP_HDR_ACCEPT, val, sizeof(val));
	ck_assert_str_eq(val, "");
	ck_assert_ptr_nonnull(strstr(f.v[0].buf, "\r\nSupported: \r\n"));
	/* and SUBSCRIBE, not registered, is a known method: 405 */
	feed(&f, "SUBSCRIBE", "z9hG4bKn2", "", "Event: presence\r\n");
	ck_assert_uint_eq(fake_scode(&f, 1), 405);
	fake_reset(&f);
}
END_TEST

START_TEST(record_route_copied)
{
	/* §12.1.1: the 200 that makes a dialog copies Record-Route, in
	 * order; other responses do not */
	static const char rr[] =
		"Record-Route: <sip:p1.example.com;lr>, "
		"<sip:p2.example.com;lr>\r\n"
		"Record-Route: <sip:p3.example.com;lr>\r\n";
	struct fake f;
	struct srec r;
	char val[512], extra[512];

	setup(&f, &r);
	snprintf(extra, sizeof(extra), "Event: presence\r\n%s", rr);
	feed(&f, "SUBSCRIBE", "z9hG4bKrr1", "", extra);
	ck_assert_uint_eq(fake_scode(&f, 0), 200);
	fake_hdr_id(&f, 0, SIP_HDR_RECORD_ROUTE, val, sizeof(val));
	ck_assert_str_eq(val, "<sip:p1.example.com;lr>, "
			      "<sip:p2.example.com;lr>, "
			      "<sip:p3.example.com;lr>");
	feed(&f, "OPTIONS", "z9hG4bKrr2", "", rr);
	ck_assert_uint_eq(fake_scode(&f, 1), 200);
	fake_hdr_id(&f, 1, SIP_HDR_RECORD_ROUTE, val, sizeof(val));
	ck_assert_str_eq(val, "");
	feed(&f, "INVITE", "z9hG4bKrr3", "", rr);
	ck_assert_uint_eq(fake_scode(&f, 2), 405);
	fake_hdr_id(&f, 2, SIP_HDR_RECORD_ROUTE, val, sizeof(val));
	ck_assert_str_eq(val, "");
	fake_reset(&f);
}
END_TEST

START_TEST(stun_keepalive)
{
	/* RFC 5626 §4.4.2: a STUN Binding request on a UDP flow gets a
	 * success response with the XOR-MAPPED-ADDRESS it came from */
	static const unsigned char req[20] = {
		0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xA4, 0x42, 1, 2, 3, 4,
		5, 6, 7, 8, 9, 10, 11, 12
	};
	unsigned char bad[20];
	const unsigned char *o;
	struct sip_stack_stats s;
	struct sip_peer src;
	struct fake f;

	fake_init(&f);
	src.tp = SIP_TRANSP_UDP;
	ck_assert_int_eq(sip_sa_set(&src.sa, "198.51.100.7", 40000), 0);
	ck_assert_int_eq(sip_stack_recv(f.st, &src, NULL, (const char *)req,
					sizeof(req)), 0);
	ck_assert_uint_eq(f.n, 1);
	ck_assert_uint_eq(f.v[0].len, 32);
	ck_assert_uint_eq(sip_sa_port(&f.v[0].dst.sa), 40000);
	o = (const unsigned char *)f.v[0].buf;
	ck_assert_uint_eq(o[0], 0x01); /* Binding success 0x0101 */
	ck_assert_uint_eq(o[1], 0x01);
	ck_assert_uint_eq(o[3], 12);   /* one 12-byte attribute */
	ck_assert(!memcmp(o + 4, req + 4, 16)); /* cookie, transaction */
	ck_assert_uint_eq(o[20], 0x00); /* XOR-MAPPED-ADDRESS 0x0020 */
	ck_assert_uint_eq(o[21], 0x20);
	ck_assert_uint_eq(o[25], 0x01); /* IPv4 */
	ck_assert_uint_eq((unsigned)(o[26] << 8 | o[27]), 40000u ^ 0x2112u);
	ck_assert_uint_eq(o[28], 198 ^ 0x21);
	ck_assert_uint_eq(o[29], 51 ^ 0x12);
	ck_assert_uint_eq(o[30], 100 ^ 0xA4);
	ck_assert_uint_eq(o[31], 7 ^ 0x42);
	/* IPv6: 20-byte address XORed with cookie and transaction id */
	ck_assert_int_eq(sip_sa_set(&src.sa, "2001:db8::7", 5062), 0);
	ck_assert_int_eq(sip_stack_recv(f.st, &src, NULL, (const char *)req,
					sizeof(req)), 0);
	ck_assert_uint_eq(f.n, 2);
	ck_assert_uint_eq(f.v[1].len, 44);
	o = (const unsigned char *)f.v[1].buf;
	ck_assert_uint_eq(o[25], 0x02);
	ck_assert_uint_eq(o[28], 0x20 ^ 0x21);
	ck_assert_uint_eq(o[43], 0x07 ^ 12);
	/* other STUN messages are dropped, not taken for bad SIP */
	memcpy(bad, req, sizeof(bad));
	bad[1] = 0x11;
	ck_assert_int_eq(sip_stack_recv(f.st, &src, NULL, (const char *)bad,
					sizeof(bad)), 0);
	ck_assert_uint_eq(f.n, 2);
	sip_stack_stats_get(f.st, &s);
	ck_assert_uint_eq(s.rx_bad, 0);
	/* over TCP it is not STUN: garbage */
	src.tp = SIP_TRANSP_TCP;
	ck_assert_int_ne(sip_stack_recv(f.st, &src, NULL, (const char *)req,
					sizeof(req)), 0);
	fake_reset(&f);
}
END_TEST

START_TEST(merged_482)
{
	/* §8.2.2.2: same From tag, Call-ID and CSeq, no To tag, another
	 * branch (it forked and came back by two paths): 482 */
	static const char fmt[] =
		"SUBSCRIBE sip:loc@192.0.2.10 SIP/2.0\r\n"
		"Via: SIP/2.0/UDP 10.0.0.%d:5060;branch=z9hG4bK%s\r\n"
		"Max-Forwards: 69\r\n"
		"From: <sip:a@example.com>;tag=ft1\r\n"
		"To: <sip:loc@example.com>%s\r\n"
		"Call-ID: merged-1\r\nCSeq: %d SUBSCRIBE\r\n"
		"Event: presence\r\nContent-Length: 0\r\n\r\n";
	struct fake f;
	struct srec r;
	char buf[1024];

	setup(&f, &r);
	snprintf(buf, sizeof(buf), fmt, 1, "p1", "", 1);
	ck_assert_int_eq(fake_recv(&f, SIP_TRANSP_UDP, "10.0.0.1", 5060, buf),
			 0);
	snprintf(buf, sizeof(buf), fmt, 2, "p2", "", 1);
	ck_assert_int_eq(fake_recv(&f, SIP_TRANSP_UDP, "10.0.0.2", 5060, buf),
			 0);
	ck_assert_int_eq(r.n, 1);
	ck_assert_uint_eq(fake_scode(&f, 0), 200);
	ck_assert_uint_eq(fake_scode(&f, 1), 482);
	/* the looped copy retransmitted: its 482 again, no handler */
	ck_assert_int_eq(fake_recv(&f, SIP_TRANSP_UDP, "10.0.0.2", 5060, buf),
			 0);
	ck_assert_uint_eq(fake_scode(&f, 2), 482);
	/* with a To tag (in a dialog) or another CSeq: not merged */
	snprintf(buf, sizeof(buf), fmt, 2, "p3", ";tag=x", 1);
	ck_assert_int_eq(fake_recv(&f, SIP_TRANSP_UDP, "10.0.0.2", 5060, buf),
			 0);
	snprintf(buf, sizeof(buf), fmt, 2, "p4", "", 2);
	ck_assert_int_eq(fake_recv(&f, SIP_TRANSP_UDP, "10.0.0.2", 5060, buf),
			 0);
	ck_assert_int_eq(r.n, 3);
	/* once the first transactions are gone, not merged any more */
	fake_advance(&f, 32000);
	snprintf(buf, sizeof(buf), fmt, 3, "p5", "", 1);
	ck_assert_int_eq(fake_recv(&f, SIP_TRANSP_UDP, "10.0.0.3", 5060, buf),
			 0);
	ck_assert_int_eq(r.n, 4);
	fake_reset(&f);
}
END_TEST

/* A handler that answers at once, then still reads its request. */
struct late {
	int n;
	struct sip_strans *t;
	char callid[64];
	uint16_t scode;
};

static void late_h(struct sip_strans *t, const struct sip_msg *req,
		   void *arg)
{
	struct late *l = arg;

	l->n++;
	l->t = t;
	ck_assert_int_eq(sip_reply_status(t, l->scode, NULL), 0);
	/* valid until the handler returns, final response or not */
	ck_assert_ptr_eq(sip_strans_req(t), req);
	ck_assert_int_eq(sip_pl_strcpy(&req->callid, l->callid,
				       sizeof(l->callid)), 0);
}

/*
 * Issue 6: after the final response a transaction keeps only its key,
 * response, peer and flow: the request is gone (at once, or after the
 * handler that answered returns), retransmissions still get the same
 * bytes, the merged-request check still works, the stack's To tag is
 * the same in the provisional and the final response.
 */
START_TEST(strans_req_released)
{
	struct fake f;
	struct srec r;
	struct late l;
	char buf[2048], tag1[128], tag2[128];

	setup(&f, &r);
	r.reply = 0;
	feed(&f, "SUBSCRIBE", "z9hG4bKr1", ";rport", "Event: presence\r\n");
	ck_assert_ptr_nonnull(sip_strans_req(r.last));
	ck_assert_int_eq(sip_reply_status(r.last, 180, NULL), 0);
	ck_assert_ptr_nonnull(sip_strans_req(r.last));
	ck_assert_int_eq(sip_reply_status(r.last, 200, NULL), 0);
	ck_assert_ptr_null(sip_strans_req(r.last));
	ck_assert(!sip_strans_flow_reuse(r.last));
	ck_assert_int_eq(sip_reply_status(r.last, 200, NULL), EINVAL);
	fake_hdr(&f, 0, "To", tag1, sizeof(tag1));
	fake_hdr(&f, 1, "To", tag2, sizeof(tag2));
	ck_assert_str_eq(tag1, tag2);
	ck_assert(strstr(tag1, ";tag=") != NULL);
	/* a retransmission: the very same bytes */
	fake_advance(&f, 500);
	feed(&f, "SUBSCRIBE", "z9hG4bKr1", ";rport", "Event: presence\r\n");
	ck_assert_uint_eq(f.n, 3);
	ck_assert_uint_eq(f.v[2].len, f.v[1].len);
	ck_assert(!memcmp(f.v[2].buf, f.v[1].buf, f.v[1].len));
	ck_assert_int_eq(r.n, 1);
	/* the same request by another path: 482 from the kept merge key */
	req_txt(buf, sizeof(buf), "SUBSCRIBE", "z9hG4bKr1", ";rport",
		"Event: presence\r\n");
	memcpy(strstr(buf, "branch=z9hG4bKr1"), "branch=z9hG4bKr2", 16);
	ck_assert_int_eq(fake_recv(&f, SIP_TRANSP_UDP, "10.0.0.9", 5060, buf),
			 0);
	ck_assert_uint_eq(fake_scode(&f, 3), 482);
	ck_assert_int_eq(r.n, 1);
	ck_assert_uint_eq(strans_count(&f), 2);
	fake_advance(&f, 32000);
	ck_assert_uint_eq(strans_count(&f), 0);
	fake_reset(&f);

	/* answered inside the handler, which reads the request after */
	fake_init(&f);
	memset(&l, 0, sizeof(l));
	l.scode = 404;
	ck_assert_int_eq(sip_stack_handler_add(f.st, "SUBSCRIBE", late_h, &l),
			 0);
	feed(&f, "SUBSCRIBE", "z9hG4bKr3", "", "Event: presence\r\n");
	ck_assert_int_eq(l.n, 1);
	ck_assert_str_eq(l.callid, "c-z9hG4bKr3@10.0.0.1");
	ck_assert_ptr_null(sip_strans_req(l.t));
	ck_assert_uint_eq(fake_scode(&f, 0), 404);
	feed(&f, "SUBSCRIBE", "z9hG4bKr3", "", "Event: presence\r\n");
	ck_assert_uint_eq(fake_scode(&f, 1), 404);
	ck_assert_int_eq(l.n, 1);
	fake_reset(&f);
}
END_TEST

START_TEST(uri_scheme_416)
{
	static const char tel[] =
		"SUBSCRIBE tel:+15551234567 SIP/2.0\r\n"
		"Via: SIP/2.0/UDP 10.0.0.1:5070;branch=z9hG4bKtel\r\n"
		"Max-Forwards: 70\r\n"
		"From: <sip:a@example.com>;tag=1\r\n"
		"To: <tel:+15551234567>\r\n"
		"Call-ID: tel1\r\nCSeq: 1 SUBSCRIBE\r\n"
		"Event: presence\r\nContent-Length: 0\r\n\r\n";
	struct fake f;
	struct srec r;

	setup(&f, &r);
	ck_assert_int_eq(fake_recv(&f, SIP_TRANSP_UDP, "10.0.0.1", 5070, tel),
			 0);
	ck_assert_int_eq(r.n, 0);
	ck_assert_uint_eq(fake_scode(&f, 0), 416);
	fake_reset(&f);
}
END_TEST

/* Small deterministic generator (xorshift32) for the mutation test. */
static uint32_t xs(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

START_TEST(mutated_requests)
{
	/* SEC-19: 20,000 byte-mutated or truncated requests: each gets at
	 * most one answer, and every answer is a SIP response */
	static const char base[] =
		"SUBSCRIBE sip:loc@192.0.2.10:5060 SIP/2.0\r\n"
		"Via: SIP/2.0/UDP 10.0.0.1:5070;branch=z9hG4bKmut;rport\r\n"
		"Max-Forwards: 70\r\n"
		"From: <sip:alice@example.com>;tag=f1\r\n"
		"To: <sip:loc@example.com>\r\n"
		"Call-ID: mut@10.0.0.1\r\n"
		"CSeq: 1 SUBSCRIBE\r\n"
		"Event: presence\r\n"
		"Require: path\r\n"
		"Content-Length: 0\r\n\r\n";
	static const char alphabet[] = " :;,<>\"\r\n=@[]0aZ\t%";
	struct sip_stack_stats s;
	struct sip_peer src;
	struct fake f;
	struct srec r;
	char buf[sizeof(base)];
	uint32_t seed = 12345;
	size_t len, i, k, answered = 0;
	int round;

	setup(&f, &r);
	src.tp = SIP_TRANSP_UDP;
	ck_assert_int_eq(sip_sa_set(&src.sa, "10.0.0.1", 5070), 0);
	for (round = 0; round < 20000; round++) {
		memcpy(buf, base, sizeof(base));
		len = sizeof(base) - 1;
		for (k = 0; len && k < 1 + xs(&seed) % 3; k++) {
			i = xs(&seed) % len;
			if (xs(&seed) % 4 == 0)
				len = i; /* truncate */
			else
				buf[i] = alphabet[xs(&seed) %
						  (sizeof(alphabet) - 1)];
		}
		/* a fresh branch each round so none is a retransmission */
		{
			char *b = memmem(buf, len, "z9hG4bKmut", 10);
			if (b && len - (size_t)(b - buf) > 13) {
				b[10] = (char)('a' + round % 26);
				b[11] = (char)('a' + round / 26 % 26);
				b[12] = (char)('a' + round / 676 % 26);
			}
		}
		(void)sip_stack_recv(f.st, &src, NULL, buf, len);
		ck_assert_uint_le(f.n, 1);
		if (f.n) {
			ck_assert(!strncmp(f.v[0].buf, "SIP/2.0 ", 8));
			answered++;
		}
		fake_clear(&f);
		if (round % 1000 == 999)
			fake_advance(&f, 40000); /* let J free them */
	}
	sip_stack_stats_get(f.st, &s);
	ck_assert_uint_eq(s.rx_msgs, 20000);
	ck_assert_uint_gt(answered, 1000);
	ck_assert_uint_gt(s.rx_bad, 1000);
	fake_reset(&f);
}
END_TEST

struct logrec {
	int n;
	int level;
	char last[256];
};

static void log_h(int level, const char *msg, void *arg)
{
	struct logrec *l = arg;

	l->n++;
	l->level = level;
	snprintf(l->last, sizeof(l->last), "%s", msg);
}

START_TEST(bad_input_log_rate)
{
	/* STYLE 2.7: malformed input is a counter and at most one
	 * warning a second */
	struct sip_stack_conf c;
	struct sip_stack_stats s;
	struct logrec lr = {0};
	struct fake f;
	int i;

	memset(&f, 0, sizeof(f));
	f.now = 5000;
	fake_conf(&f, &c);
	c.log_h = log_h;
	c.log_arg = &lr;
	ck_assert_int_eq(sip_stack_alloc(&f.st, NULL, &c), 0);
	for (i = 0; i < 3; i++)
		ck_assert_int_ne(fake_recv(&f, SIP_TRANSP_UDP, "10.0.0.9",
					   5060, "junk\r\n\r\n"), 0);
	ck_assert_int_eq(lr.n, 1);
	ck_assert_int_eq(lr.level, 4 /* LOG_WARNING */);
	ck_assert_ptr_nonnull(strstr(lr.last, "from 10.0.0.9:5060"));
	fake_advance(&f, 1000);
	ck_assert_int_ne(fake_recv(&f, SIP_TRANSP_UDP, "10.0.0.9", 5060,
				   "SIP/2.0 200 OK\r\n\r\n"), 0);
	ck_assert_int_eq(lr.n, 2);
	ck_assert_ptr_nonnull(strstr(lr.last, "(2 more suppressed)"));
	sip_stack_stats_get(f.st, &s);
	ck_assert_uint_eq(s.rx_bad, 4);
	fake_reset(&f);
}
END_TEST

START_TEST(many_transactions)
{
	/* 5,000 live transactions: the table grows; matching still holds */
	struct sip_stack_stats s;
	struct fake f;
	struct srec r;
	char branch[32];
	int i;

	setup(&f, &r);
	for (i = 0; i < 5000; i++) {
		snprintf(branch, sizeof(branch), "z9hG4bKmany%d", i);
		feed(&f, "SUBSCRIBE", branch, "", "Event: presence\r\n");
		fake_clear(&f);
	}
	ck_assert_int_eq(r.n, 5000);
	ck_assert_uint_eq(strans_count(&f), 5000);
	feed(&f, "SUBSCRIBE", "z9hG4bKmany0", "", "Event: presence\r\n");
	feed(&f, "SUBSCRIBE", "z9hG4bKmany4999", "",
	     "Event: presence\r\n");
	ck_assert_int_eq(r.n, 5000);
	ck_assert_uint_eq(f.n, 2);
	sip_stack_stats_get(f.st, &s);
	ck_assert_uint_eq(s.retrans_absorbed, 2);
	fake_advance(&f, 32000);
	ck_assert_uint_eq(strans_count(&f), 0);
	fake_reset(&f);
}
END_TEST

START_TEST(stack_bad_args)
{
	struct sip_stack_conf c;
	struct sip_stack *st = NULL;

	sip_stack_conf_init(&c);
	ck_assert_int_eq(sip_stack_alloc(&st, NULL, &c), EINVAL);
	ck_assert_ptr_null(st);
	c.t1_ms = 0;
	ck_assert_int_eq(sip_stack_alloc(&st, NULL, &c), EINVAL);
	sip_stack_free(NULL);
	ck_assert_str_eq(sip_reason_phrase(420), "Bad Extension");
	ck_assert_str_eq(sip_reason_phrase(299), "Unknown");
	ck_assert_str_eq(sip_transp_name(SIP_TRANSP_TLS), "TLS");
	ck_assert_int_eq(sip_reply_status(NULL, 200, NULL), EINVAL);
}
END_TEST

TCase *tcase_tsx_server(void);
TCase *tcase_tsx_server(void)
{
	TCase *tc = tcase_create("tsx_server");

	tcase_add_test(tc, strans_udp_rport_j);
	tcase_add_test(tc, strans_tcp_j0);
	tcase_add_test(tc, strans_async_provisional);
	tcase_add_test(tc, invite_405_timer_g_ack);
	tcase_add_test(tc, invite_timer_h);
	tcase_add_test(tc, invite_tcp_no_g);
	tcase_add_test(tc, methods_405_501_options);
	tcase_add_loop_test(tc, require_420, 0,
			    (int)(sizeof(seed_tags) / sizeof(seed_tags[0])));
	tcase_add_test(tc, require_mixed);
	tcase_add_test(tc, max_forwards_483);
	tcase_add_test(tc, malformed_400_or_drop);
	tcase_add_test(tc, rfc2543_matching);
	tcase_add_test(tc, max_trans_503);
	tcase_add_test(tc, flow_reuse_ob);
	tcase_add_test(tc, options_nothing_registered);
	tcase_add_test(tc, uri_scheme_416);
	tcase_add_test(tc, merged_482);
	tcase_add_test(tc, strans_req_released);
	tcase_add_test(tc, stun_keepalive);
	tcase_add_test(tc, record_route_copied);
	tcase_add_test(tc, mutated_requests);
	tcase_add_test(tc, bad_input_log_rate);
	tcase_add_test(tc, many_transactions);
	tcase_add_test(tc, stack_bad_args);
	return tc;
}
