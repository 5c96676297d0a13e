/*
 * test_tsx.c: client transactions (RFC 3261 §17.1.2) and the timer heap,
 * with a fake transport and a fake clock: timer E retransmission and
 * doubling to T2, T2 after a provisional, timer F -> 408 to the TU,
 * timer K absorbing retransmitted and forked finals, late responses, no
 * retransmission over TCP, sips: only over TLS (SEC-4), RFC 5626 flow
 * reuse (NOTIFY back over the subscriber's flow, EV-*), send errors.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sip/sip.h"
#include "sip/sip_stack.h"
#include "tests/unit/sip/test_tsx_fake.h"

struct rec {
	int n;
	int err[8];
	uint16_t scode[8];
};

static void resp_h(int err, uint16_t scode, const struct sip_msg *resp,
		   void *arg)
{
	struct rec *r = arg;

	ck_assert_int_lt(r->n, 8);
	if (!err) {
		ck_assert_ptr_nonnull(resp);
		ck_assert_uint_eq(resp->scode, scode);
	} else {
		ck_assert_ptr_null(resp);
	}
	r->err[r->n] = err;
	r->scode[r->n] = scode;
	r->n++;
}

static const struct sip_hdr_out notify_hdrs[] = {
	{SIP_HDR_EVENT, NULL, {"presence", 8}},
	{SIP_HDR_SUBSCRIPTION_STATE, NULL, {"active;expires=60", 17}},
};

static void notify_desc(struct sip_req_desc *rd, const char *ruri)
{
	memset(rd, 0, sizeof(*rd));
	rd->method = "NOTIFY";
	rd->ruri = ruri;
	rd->from = "<sip:loc@example.com>;tag=srv1";
	rd->to = "<sip:bob@example.com>;tag=cli1";
	rd->callid = "call-1@example.com";
	rd->cseq = 7;
	rd->hdrv = notify_hdrs;
	rd->hdrc = 2;
	rd->ctype = "application/pidf+xml";
	rd->body = "<presence/>";
	rd->body_len = 11;
}

/* A response to sent request i with status scode and To tag tag. */
static void answer_sent(struct fake *f, size_t i, uint16_t scode,
			const char *tag)
{
	struct sip_msg *m = fake_msg(f, i);
	struct sip_buf b;
	struct sip_peer src;
	struct sip_pl t;

	sip_pl_set_str(&t, tag);
	sip_buf_init(&b, 65536);
	ck_assert_int_eq(sip_print_response(&b, m, scode, "X", &t), 0);
	ck_assert_int_eq(sip_print_end(&b), 0);
	src = f->v[i].dst;
	ck_assert_int_eq(sip_stack_recv(f->st, &src, NULL, b.p, b.len), 0);
	sip_buf_reset(&b);
	sip_msg_free(m);
}

static size_t ctrans_count(struct fake *f)
{
	struct sip_stack_stats s;

	sip_stack_stats_get(f->st, &s);
	return s.ctrans;
}

START_TEST(ctrans_udp_timer_e_f)
{
	/* §17.1.2.2: E = T1 doubling to T2; F = 64*T1 -> 408 */
	static const uint64_t at[] = {0, 500, 1500, 3500, 7500, 11500,
				      15500, 19500, 23500, 27500, 31500};
	struct sip_req_desc rd;
	struct rec r = {0};
	struct sip_msg *m;
	struct fake f;
	uint64_t t0;
	size_t i;

	fake_init(&f);
	t0 = f.now;
	notify_desc(&rd, "sip:bob@192.0.2.1:5070");
	ck_assert_int_eq(sip_request_send(f.st, &rd, resp_h, &r, NULL), 0);
	ck_assert_uint_eq(f.n, 1);
	ck_assert_int_eq(f.v[0].dst.tp, SIP_TRANSP_UDP);
	ck_assert_uint_eq(sip_sa_port(&f.v[0].dst.sa), 5070);
	m = fake_msg(&f, 0);
	ck_assert(sip_pl_eq_str(&m->method, "NOTIFY"));
	ck_assert(m->via.rport);
	ck_assert_uint_gt(m->via.branch.l, 7);
	ck_assert(!memcmp(m->via.branch.p, "z9hG4bK", 7));
	ck_assert(sip_pl_eq_str(&m->via.transport, "UDP"));
	ck_assert(m->has_max_forwards);
	ck_assert_uint_eq(m->max_forwards, 70);
	ck_assert_uint_eq(m->cseq.num, 7);
	ck_assert(sip_pl_eq_str(&m->body, "<presence/>"));
	ck_assert_ptr_nonnull(sip_msg_hdr(m, SIP_HDR_USER_AGENT, NULL));
	sip_msg_free(m);

	fake_advance(&f, 31990);
	ck_assert_uint_eq(f.n, sizeof(at) / sizeof(at[0]));
	for (i = 0; i < f.n; i++) {
		ck_assert_uint_eq(f.v[i].at - t0, at[i]);
		ck_assert_uint_eq(f.v[i].len, f.v[0].len);
		ck_assert(!memcmp(f.v[i].buf, f.v[0].buf, f.v[0].len));
	}
	ck_assert_int_eq(r.n, 0);
	fake_advance(&f, 10);
	ck_assert_int_eq(r.n, 1);
	ck_assert_int_eq(r.err[0], ETIMEDOUT);
	ck_assert_uint_eq(r.scode[0], 408);
	fake_advance(&f, 10);
	ck_assert_uint_eq(ctrans_count(&f), 0);
	ck_assert_uint_eq(f.n, 11);
	fake_reset(&f);
}
END_TEST

START_TEST(ctrans_provisional_final_k)
{
	struct sip_stack_stats s;
	struct sip_req_desc rd;
	struct rec r = {0};
	struct fake f;
	uint64_t t0, drop0;

	fake_init(&f);
	t0 = f.now;
	notify_desc(&rd, "sip:bob@192.0.2.1");
	ck_assert_int_eq(sip_request_send(f.st, &rd, resp_h, &r, NULL), 0);
	fake_advance(&f, 100);
	answer_sent(&f, 0, 100, NULL);
	ck_assert_int_eq(r.n, 1);
	ck_assert_uint_eq(r.scode[0], 100);
	/* E still fires at T1, then every T2 in Proceeding */
	fake_advance(&f, 400);
	ck_assert_uint_eq(f.n, 2);
	ck_assert_uint_eq(f.v[1].at - t0, 500);
	fake_advance(&f, 3990);
	ck_assert_uint_eq(f.n, 2);
	fake_advance(&f, 10);
	ck_assert_uint_eq(f.n, 3);
	ck_assert_uint_eq(f.v[2].at - t0, 4500);
	/* final: reported once; retransmitted and forked finals absorbed */
	answer_sent(&f, 0, 200, "a1");
	ck_assert_int_eq(r.n, 2);
	ck_assert_int_eq(r.err[1], 0);
	ck_assert_uint_eq(r.scode[1], 200);
	answer_sent(&f, 0, 200, "a1");
	answer_sent(&f, 0, 200, "fork2");
	answer_sent(&f, 0, 481, "fork3");
	ck_assert_int_eq(r.n, 2);
	sip_stack_stats_get(f.st, &s);
	ck_assert_uint_ge(s.retrans_absorbed, 3);
	/* no more retransmissions; timer K (T4) frees it */
	fake_advance(&f, 4990);
	ck_assert_uint_eq(f.n, 3);
	ck_assert_uint_eq(ctrans_count(&f), 1);
	fake_advance(&f, 10);
	ck_assert_uint_eq(ctrans_count(&f), 0);
	/* a late response matches nothing: dropped */
	sip_stack_stats_get(f.st, &s);
	drop0 = s.rx_dropped;
	answer_sent(&f, 0, 200, "a1");
	sip_stack_stats_get(f.st, &s);
	ck_assert_uint_eq(s.rx_dropped, drop0 + 1);
	ck_assert_int_eq(r.n, 2);
	fake_reset(&f);
}
END_TEST

static void count_h(int err, uint16_t scode, const struct sip_msg *resp,
		    void *arg)
{
	(void)err;
	(void)resp;
	if (scode >= 200)
		(*(unsigned *)arg)++;
}

static size_t req_bytes(struct fake *f)
{
	struct sip_stack_stats s;

	sip_stack_stats_get(f->st, &s);
	return s.ctrans_req_bytes;
}

/*
 * Issue 6: a client transaction holds its request (exactly its length)
 * until the final response, not through timer K: 100 NOTIFYs hold 100
 * requests, none once answered while the 100 transactions wait T4; the
 * request also goes at timer F and at cancel.
 */
START_TEST(ctrans_release_request)
{
	struct sip_ctrans *ct = NULL;
	struct sip_stack_stats s;
	struct sip_req_desc rd;
	unsigned finals = 0;
	struct fake f;
	size_t i, held = 0;

	fake_init(&f);
	notify_desc(&rd, "sip:bob@192.0.2.1:5070");
	for (i = 0; i < 100; i++) {
		ck_assert_int_eq(sip_request_send(f.st, &rd, count_h, &finals,
						  NULL), 0);
		held += f.v[i].len + 1;
	}
	ck_assert_uint_eq(req_bytes(&f), held);
	for (i = 0; i < 100; i++)
		answer_sent(&f, i, i % 2 ? 200 : 481, "a1");
	ck_assert_uint_eq(finals, 100);
	ck_assert_uint_eq(ctrans_count(&f), 100);
	ck_assert_uint_eq(req_bytes(&f), 0);
	/* timer K still absorbs a retransmitted final */
	answer_sent(&f, 7, 200, "a1");
	sip_stack_stats_get(f.st, &s);
	ck_assert_uint_eq(s.retrans_absorbed, 1);
	ck_assert_uint_eq(finals, 100);
	fake_advance(&f, 5010);
	ck_assert_uint_eq(ctrans_count(&f), 0);
	fake_clear(&f);

	/* timer F: the request goes with the 408 */
	ck_assert_int_eq(sip_request_send(f.st, &rd, count_h, &finals, NULL),
			 0);
	ck_assert_uint_eq(req_bytes(&f), f.v[0].len + 1);
	fake_advance(&f, 32010);
	ck_assert_uint_eq(finals, 101);
	ck_assert_uint_eq(req_bytes(&f), 0);
	fake_advance(&f, 10);
	ck_assert_uint_eq(ctrans_count(&f), 0);
	fake_clear(&f);

	/* cancel */
	ck_assert_int_eq(sip_request_send(f.st, &rd, count_h, &finals, &ct),
			 0);
	ck_assert_uint_gt(req_bytes(&f), 0);
	sip_ctrans_cancel(ct);
	ck_assert_uint_eq(req_bytes(&f), 0);
	fake_advance(&f, 10);
	ck_assert_uint_eq(ctrans_count(&f), 0);
	ck_assert_uint_eq(finals, 101);
	fake_reset(&f);
}
END_TEST

START_TEST(ctrans_tcp_no_retrans)
{
	struct sip_req_desc rd;
	struct rec r = {0};
	struct sip_msg *m;
	struct fake f;

	fake_init(&f);
	notify_desc(&rd, "sip:bob@192.0.2.1;transport=tcp");
	ck_assert_int_eq(sip_request_send(f.st, &rd, resp_h, &r, NULL), 0);
	ck_assert_int_eq(f.v[0].dst.tp, SIP_TRANSP_TCP);
	ck_assert_uint_eq(sip_sa_port(&f.v[0].dst.sa), 5060);
	m = fake_msg(&f, 0);
	ck_assert(sip_pl_eq_str(&m->via.transport, "TCP"));
	sip_msg_free(m);
	fake_advance(&f, 31990);
	ck_assert_uint_eq(f.n, 1);
	ck_assert_int_eq(r.n, 0);
	fake_advance(&f, 10);
	ck_assert_int_eq(r.n, 1);
	ck_assert_uint_eq(r.scode[0], 408);

	/* over TCP timer K is 0: freed as soon as timers run */
	r.n = 0;
	ck_assert_int_eq(sip_request_send(f.st, &rd, resp_h, &r, NULL), 0);
	answer_sent(&f, 1, 202, "x");
	ck_assert_int_eq(r.n, 1);
	ck_assert_uint_eq(r.scode[0], 202);
	fake_advance(&f, 10);
	ck_assert_uint_eq(ctrans_count(&f), 0);
	fake_reset(&f);
}
END_TEST

START_TEST(ctrans_sips_tls)
{
	/* SEC-4: sips: only over TLS, default port 5061 */
	struct sip_req_desc rd;
	struct rec r = {0};
	struct fake f;

	fake_init(&f);
	notify_desc(&rd, "sips:bob@192.0.2.1");
	ck_assert_int_eq(sip_request_send(f.st, &rd, resp_h, &r, NULL), 0);
	notify_desc(&rd, "sips:bob@[2001:db8::1]:5071;transport=udp");
	ck_assert_int_eq(sip_request_send(f.st, &rd, resp_h, &r, NULL), 0);
	ck_assert_uint_eq(f.n, 2);
	ck_assert_int_eq(f.v[0].dst.tp, SIP_TRANSP_TLS);
	ck_assert_uint_eq(sip_sa_port(&f.v[0].dst.sa), 5061);
	ck_assert_int_eq(f.v[1].dst.tp, SIP_TRANSP_TLS);
	ck_assert_int_eq(sip_sa_af(&f.v[1].dst.sa), AF_INET6);
	ck_assert_uint_eq(sip_sa_port(&f.v[1].dst.sa), 5071);
	fake_reset(&f);
}
END_TEST

START_TEST(ctrans_flow_and_route)
{
	/* RFC 5626: a stored flow wins over the Request-URI */
	static const char *const route[] = {"<sip:192.0.2.9:5080;lr>"};
	struct sip_req_desc rd;
	struct sip_flow fl;
	struct rec r = {0};
	char val[256];
	struct fake f;

	fake_init(&f);
	memset(&fl, 0, sizeof(fl));
	fl.tp = SIP_TRANSP_TCP;
	fl.conn_id = 42;
	ck_assert_int_eq(sip_sa_set(&fl.peer, "198.51.100.7", 40000), 0);
	notify_desc(&rd, "sip:bob@10.0.0.1:5060");
	rd.flow = &fl;
	ck_assert_int_eq(sip_request_send(f.st, &rd, resp_h, &r, NULL), 0);
	ck_assert_int_eq(f.v[0].dst.tp, SIP_TRANSP_TCP);
	ck_assert_uint_eq(f.v[0].fl.conn_id, 42);
	ck_assert_uint_eq(sip_sa_port(&f.v[0].dst.sa), 40000);

	/* loose route: sent to the first Route, which is printed */
	notify_desc(&rd, "sip:bob@10.0.0.1:5060");
	rd.routev = route;
	rd.routec = 1;
	rd.contact_user = "loc";
	ck_assert_int_eq(sip_request_send(f.st, &rd, resp_h, &r, NULL), 0);
	ck_assert_uint_eq(sip_sa_port(&f.v[1].dst.sa), 5080);
	fake_hdr_id(&f, 1, SIP_HDR_ROUTE, val, sizeof(val));
	ck_assert_str_eq(val, "<sip:192.0.2.9:5080;lr>");
	fake_hdr_id(&f, 1, SIP_HDR_CONTACT, val, sizeof(val));
	ck_assert_str_eq(val, "<sip:loc@invalid>");

	/* strict router first (§12.2.1.1): to the Request-URI */
	notify_desc(&rd, "sip:192.0.2.77:5090");
	rd.routev = route;
	rd.routec = 1;
	rd.to_ruri = true;
	ck_assert_int_eq(sip_request_send(f.st, &rd, resp_h, &r, NULL), 0);
	ck_assert_uint_eq(sip_sa_port(&f.v[2].dst.sa), 5090);
	fake_reset(&f);
}
END_TEST

START_TEST(ctrans_bad_args)
{
	struct sip_stack_stats s;
	struct sip_req_desc rd;
	struct rec r = {0};
	struct fake f;

	fake_init(&f);
	notify_desc(&rd, "sip:bob@192.0.2.1");
	rd.method = "INVITE";
	ck_assert_int_eq(sip_request_send(f.st, &rd, resp_h, &r, NULL),
			 EINVAL);
	notify_desc(&rd, "sip:bob@192.0.2.1");
	rd.callid = "";
	ck_assert_int_eq(sip_request_send(f.st, &rd, resp_h, &r, NULL),
			 EINVAL);
	/* no DNS: numeric targets only */
	notify_desc(&rd, "sip:bob@example.com");
	ck_assert_int_eq(sip_request_send(f.st, &rd, resp_h, &r, NULL),
			 EINVAL);
	notify_desc(&rd, "sip:bob@192.0.2.1;transport=sctp");
	ck_assert_int_eq(sip_request_send(f.st, &rd, resp_h, &r, NULL),
			 EINVAL);
	/* a header value smuggling CRLF is refused */
	notify_desc(&rd, "sip:bob@192.0.2.1");
	rd.to = "<sip:bob@x>\r\nEvil: 1";
	ck_assert_int_eq(sip_request_send(f.st, &rd, resp_h, &r, NULL),
			 EINVAL);
	/* transport error at once: returned, handler never called */
	notify_desc(&rd, "sip:bob@192.0.2.1");
	f.fail = ENETUNREACH;
	ck_assert_int_eq(sip_request_send(f.st, &rd, resp_h, &r, NULL),
			 ENETUNREACH);
	f.fail = 0;
	fake_advance(&f, 40000);
	ck_assert_int_eq(r.n, 0);
	ck_assert_uint_eq(f.n, 0);
	sip_stack_stats_get(f.st, &s);
	ck_assert_uint_eq(s.ctrans, 0);
	fake_reset(&f);
}
END_TEST

START_TEST(ctrans_retrans_error_503)
{
	/* §8.1.3.1: a transport failure is reported like a 503 */
	struct sip_req_desc rd;
	struct rec r = {0};
	struct fake f;

	fake_init(&f);
	notify_desc(&rd, "sip:bob@192.0.2.1");
	ck_assert_int_eq(sip_request_send(f.st, &rd, resp_h, &r, NULL), 0);
	f.fail = ECONNREFUSED;
	fake_advance(&f, 500);
	ck_assert_int_eq(r.n, 1);
	ck_assert_int_eq(r.err[0], ECONNREFUSED);
	ck_assert_uint_eq(r.scode[0], 503);
	fake_advance(&f, 40000);
	ck_assert_int_eq(r.n, 1);
	ck_assert_uint_eq(ctrans_count(&f), 0);
	fake_reset(&f);
}
END_TEST

START_TEST(ctrans_cancel_silent)
{
	struct sip_req_desc rd;
	struct sip_ctrans *ct = NULL;
	struct rec r = {0};
	struct fake f;

	fake_init(&f);
	notify_desc(&rd, "sip:bob@192.0.2.1");
	ck_assert_int_eq(sip_request_send(f.st, &rd, resp_h, &r, &ct), 0);
	ck_assert_ptr_nonnull(ct);
	sip_ctrans_cancel(ct);
	fake_advance(&f, 40000);
	ck_assert_uint_eq(f.n, 1);
	ck_assert_int_eq(r.n, 0);
	ck_assert_uint_eq(ctrans_count(&f), 0);
	sip_ctrans_cancel(NULL);
	fake_reset(&f);
}
END_TEST

START_TEST(ctrans_mutated_responses)
{
	/* SEC-19: 5,000 mutated copies of the right 200: never more than
	 * one final reaches the TU, and only a well-formed one */
	struct sip_req_desc rd;
	struct rec r = {0};
	struct sip_msg *m;
	struct sip_buf b;
	struct sip_peer src;
	struct fake f;
	uint32_t seed = 777;
	char buf[2048];
	int round;

	fake_init(&f);
	notify_desc(&rd, "sip:bob@192.0.2.1");
	ck_assert_int_eq(sip_request_send(f.st, &rd, resp_h, &r, NULL), 0);
	m = fake_msg(&f, 0);
	sip_buf_init(&b, sizeof(buf));
	ck_assert_int_eq(sip_print_response(&b, m, 200, "OK",
					    &SIP_PL("t9")), 0);
	ck_assert_int_eq(sip_print_end(&b), 0);
	sip_msg_free(m);
	src = f.v[0].dst;
	for (round = 0; round < 5000; round++) {
		size_t len = b.len, i;
		memcpy(buf, b.p, b.len);
		seed ^= seed << 13;
		seed ^= seed >> 17;
		seed ^= seed << 5;
		i = seed % len;
		buf[i] = (char)(seed >> 8);
		if (seed % 5 == 0)
			len = i;
		(void)sip_stack_recv(f.st, &src, NULL, buf, len);
		ck_assert_int_le(r.n, 1);
	}
	/* the intact one still completes it if no mutant did */
	(void)sip_stack_recv(f.st, &src, NULL, b.p, b.len);
	ck_assert_int_eq(r.n, 1);
	ck_assert_int_eq(r.err[0], 0);
	ck_assert_uint_ge(r.scode[0], 200);
	sip_buf_reset(&b);
	fake_reset(&f);
}
END_TEST

/* ---- timers ---- */

struct tlog {
	int order[8];
	int n;
	struct sip_timer *again;
	struct sip_stack *st;
};

struct tctx {
	struct tlog *log;
	int id;
};

static void tmr_h(void *arg)
{
	struct tctx *c = arg;

	c->log->order[c->log->n++] = c->id;
	if (c->log->again && c->id == 1) {
		struct sip_timer *t = c->log->again;
		c->log->again = NULL;
		ck_assert_int_eq(sip_timer_start(c->log->st, t, 5, tmr_h, c),
				 0);
	}
}

START_TEST(timer_heap)
{
	struct sip_timer t[4];
	struct tctx c[4];
	struct tlog log = {0};
	struct fake f;
	int i;

	fake_init(&f);
	log.st = f.st;
	for (i = 0; i < 4; i++) {
		sip_timer_init(&t[i]);
		c[i].log = &log;
		c[i].id = i;
	}
	ck_assert(!sip_timer_pending(&t[0]));
	ck_assert_int_eq(sip_timer_start(f.st, &t[0], 30, tmr_h, &c[0]), 0);
	ck_assert_int_eq(sip_timer_start(f.st, &t[1], 10, tmr_h, &c[1]), 0);
	ck_assert_int_eq(sip_timer_start(f.st, &t[2], 20, tmr_h, &c[2]), 0);
	ck_assert_int_eq(sip_timer_start(f.st, &t[3], 25, tmr_h, &c[3]), 0);
	ck_assert(sip_timer_pending(&t[2]));
	sip_timer_cancel(&t[2]);
	ck_assert(!sip_timer_pending(&t[2]));
	/* restart moves it: t3 now due at 40 */
	ck_assert_int_eq(sip_timer_start(f.st, &t[3], 40, tmr_h, &c[3]), 0);
	log.again = &t[1];  /* t1 restarts itself for +5 */
	ck_assert_uint_eq(sip_stack_timers_run(f.st), 0);
	fake_advance(&f, 50);
	ck_assert_int_eq(log.n, 4);
	ck_assert_int_eq(log.order[0], 1);
	ck_assert_int_eq(log.order[1], 1);
	ck_assert_int_eq(log.order[2], 0);
	ck_assert_int_eq(log.order[3], 3);
	ck_assert(!sip_timer_pending(&t[1]));
	ck_assert_int_eq(sip_timer_start(f.st, &t[0], 1, NULL, NULL), EINVAL);
	fake_reset(&f);
}
END_TEST

TCase *tcase_tsx_client(void);
TCase *tcase_tsx_client(void)
{
	TCase *tc = tcase_create("tsx_client");

	tcase_add_test(tc, ctrans_udp_timer_e_f);
	tcase_add_test(tc, ctrans_provisional_final_k);
	tcase_add_test(tc, ctrans_release_request);
	tcase_add_test(tc, ctrans_tcp_no_retrans);
	tcase_add_test(tc, ctrans_sips_tls);
	tcase_add_test(tc, ctrans_flow_and_route);
	tcase_add_test(tc, ctrans_bad_args);
	tcase_add_test(tc, ctrans_retrans_error_503);
	tcase_add_test(tc, ctrans_cancel_silent);
	tcase_add_test(tc, ctrans_mutated_responses);
	tcase_add_test(tc, timer_heap);
	return tc;
}
