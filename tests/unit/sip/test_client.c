/*
 * test_client.c: sip/subscriber.c and sip/publisher.c against the
 * notifier and the ESC over an in-memory "network": every request and
 * response is printed, parsed and delivered, with a fake clock.
 * Subscribe / NOTIFY / refresh / unsubscribe (EV-19, EV-23, EV-28), 423
 * retry (EV-13), 481 for stray NOTIFYs (EV-26), Digest on 401 (SEC-6,
 * EV-16), PUBLISH initial / refresh / modify / remove and 412 ->
 * republish (EV-30..34, T13).
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sip/sip.h"
#include "sip/sip_auth.h"
#include "sip/sip_event.h"

#define QMAX 16

enum who { W_NOTIFIER, W_SUBSCRIBER, W_PUBLISHER };

struct pkt {
	char *text;
	void *ctx;
	enum who from;
};

struct net {
	struct sip_notifier *n;
	struct sip_esc *e;
	struct sip_subscriber *s;
	struct sip_publisher *p;
	struct sip_auth *auth;      /* challenge SUBSCRIBEs when set */
	uint64_t now;
	struct pkt q[QMAX];
	size_t qn;
	unsigned branch;
	/* what the package and the client callbacks saw */
	int notifies, closes, subr_closes, pubs, results, challenges;
	enum sip_substate last_st;
	char last_body[128], last_reason[32];
	enum sip_sub_reason subr_reason;
	uint16_t subr_scode, result_scode;
	char result_etag[64];
	enum sip_pub_op last_op;
	int state_tok;
};

/* The response a server side built for one request. */
struct txn {
	const struct sip_msg *req;
	struct sip_buf out;
	int n;
};

/* --- Printing what the stack would print. */

static char *print_req(struct net *nt, const struct sip_req_desc *rd)
{
	struct sip_buf b;
	struct sip_pl m, u;
	size_t i;

	sip_buf_init(&b, SIP_MSG_MAX);
	sip_pl_set_str(&m, rd->method);
	sip_pl_set_str(&u, rd->ruri);
	ck_assert_int_eq(sip_print_request_line(&b, &m, &u), 0);
	ck_assert_int_eq(sip_buf_printf(&b, "Via: SIP/2.0/UDP 127.0.0.1:5999"
					";branch=z9hG4bK%u\r\n"
					"Max-Forwards: 70\r\n",
					++nt->branch), 0);
	for (i = 0; i < rd->routec; i++)
		ck_assert_int_eq(sip_buf_printf(&b, "Route: %s\r\n",
						rd->routev[i]), 0);
	ck_assert_int_eq(sip_buf_printf(&b, "From: %s\r\nTo: %s\r\n"
					"Call-ID: %s\r\nCSeq: %u %s\r\n",
					rd->from, rd->to, rd->callid,
					(unsigned)rd->cseq, rd->method), 0);
	if (rd->contact_user)
		ck_assert_int_eq(sip_buf_printf(&b, "Contact: <sip:%s@"
						"127.0.0.1:5999>\r\n",
						rd->contact_user), 0);
	for (i = 0; i < rd->hdrc; i++)
		ck_assert_int_eq(sip_print_hdr(&b, rd->hdrv[i].id,
					       rd->hdrv[i].name,
					       &rd->hdrv[i].val), 0);
	if (rd->ctype) {
		struct sip_pl ct;
		sip_pl_set_str(&ct, rd->ctype);
		ck_assert_int_eq(sip_print_body(&b, &ct, rd->body,
						rd->body_len), 0);
	} else {
		ck_assert_int_eq(sip_print_end(&b), 0);
	}
	ck_assert_int_eq(sip_buf_append(&b, "", 1), 0);
	return b.p; /* owned by the caller now */
}

static int reply_h(void *txn, const struct sip_reply_desc *rd, void *arg)
{
	struct txn *t = txn;
	size_t i;

	(void)arg;
	t->n++;
	ck_assert_int_eq(sip_print_response(&t->out, t->req, rd->scode, "X",
					    &rd->to_tag), 0);
	for (i = 0; i < rd->hdrc; i++)
		ck_assert_int_eq(sip_print_hdr(&t->out, rd->hdrv[i].id,
					       rd->hdrv[i].name,
					       &rd->hdrv[i].val), 0);
	ck_assert_int_eq(sip_print_end(&t->out), 0);
	return 0;
}

static void enqueue(struct net *nt, const struct sip_req_desc *rd,
		    void *ctx, enum who from)
{
	ck_assert_uint_lt(nt->qn, QMAX);
	nt->q[nt->qn].text = print_req(nt, rd);
	nt->q[nt->qn].ctx = ctx;
	nt->q[nt->qn].from = from;
	nt->qn++;
}

static int send_notifier(const struct sip_req_desc *rd, void *ctx,
			 void *arg)
{
	enqueue(arg, rd, ctx, W_NOTIFIER);
	return 0;
}

static int send_subscriber(const struct sip_req_desc *rd, void *ctx,
			   void *arg)
{
	enqueue(arg, rd, ctx, W_SUBSCRIBER);
	return 0;
}

static int send_publisher(const struct sip_req_desc *rd, void *ctx,
			  void *arg)
{
	enqueue(arg, rd, ctx, W_PUBLISHER);
	return 0;
}

static struct sip_msg *parse(const char *p, size_t l)
{
	struct sip_msg *m = NULL;
	struct sip_err err = {0};

	ck_assert_msg(sip_msg_parse(&m, p, l, SIP_PARSE_DGRAM, NULL,
				    &err) == 0,
		      "%s: %s", err.reason, p);
	return m;
}

/* SUBSCRIBE through Digest when nt->auth is set (401, never 407). */
static void serve_subscribe(struct net *nt, struct txn *t)
{
	const struct sip_hdr *h;
	struct sip_auth_verdict v;
	struct sip_auth_req ar;
	char chal[2][SIP_AUTH_CHAL_MAX];
	size_t nc = 0, i;

	if (nt->auth) {
		h = sip_msg_hdr(t->req, SIP_HDR_AUTHORIZATION, NULL);
		ar.method = t->req->method;
		ar.uri = t->req->ruri_pl;
		ar.body = t->req->body;
		ck_assert_int_eq(sip_auth_verify(nt->auth, h ? h->val.p : NULL,
						 h ? h->val.l : 0, &ar,
						 nt->now / 1000, &v), 0);
		if (v.result != SIP_AUTH_OK) {
			nt->challenges++;
			ck_assert_int_eq(sip_auth_challenge_build(nt->auth,
				v.stale, nt->now / 1000, chal, 2, &nc), 0);
			ck_assert_int_eq(sip_print_response(&t->out, t->req,
				401, "Unauthorized", NULL), 0);
			for (i = 0; i < nc; i++)
				ck_assert_int_eq(sip_buf_printf(&t->out,
					"WWW-Authenticate: %s\r\n", chal[i]),
					0);
			ck_assert_int_eq(sip_print_end(&t->out), 0);
			t->n++;
			return;
		}
	}
	sip_notifier_subscribe(nt->n, t, t->req, NULL,
			       "sip:locd@127.0.0.1:5060", nt->now);
}

/* Deliver the oldest queued request and its response; false if none. */
static bool pump_one(struct net *nt)
{
	struct pkt pk;
	struct txn t;
	struct sip_msg *req, *resp;

	if (!nt->qn)
		return false;
	pk = nt->q[0];
	memmove(nt->q, nt->q + 1, (nt->qn - 1) * sizeof(nt->q[0]));
	nt->qn--;
	req = parse(pk.text, strlen(pk.text));
	memset(&t, 0, sizeof(t));
	t.req = req;
	sip_buf_init(&t.out, SIP_MSG_MAX);
	if (pk.from == W_NOTIFIER)
		sip_subscriber_notify(nt->s, &t, req, nt->now);
	else if (pk.from == W_SUBSCRIBER)
		serve_subscribe(nt, &t);
	else
		sip_esc_publish(nt->e, &t, req, nt->now);
	ck_assert_int_eq(t.n, 1); /* exactly one final answer */
	resp = parse(t.out.p, t.out.len);
	if (pk.from == W_NOTIFIER)
		sip_sub_notify_result(pk.ctx, 0, resp->scode, resp, nt->now);
	else if (pk.from == W_SUBSCRIBER)
		sip_subscriber_response(pk.ctx, 0, resp->scode, resp,
					nt->now);
	else
		sip_publisher_response(pk.ctx, 0, resp->scode, resp,
				       nt->now);
	sip_msg_free(resp);
	sip_msg_free(req);
	sip_buf_reset(&t.out);
	free(pk.text);
	return true;
}

static void pump(struct net *nt)
{
	int guard = 0;

	while (pump_one(nt))
		ck_assert_int_lt(++guard, 50);
}

/* --- The x-test package and the client callbacks. */

static void pkg_accept(struct sip_sub *sub, const struct sip_sub_req *req,
		       struct sip_sub_answer *ans, void *arg)
{
	struct net *nt = arg;

	(void)sub;
	ck_assert(sip_pl_eq_str(&req->body, "<f/>"));
	ans->state = &nt->state_tok;
}

static int pkg_body(struct sip_sub *sub, void *state,
		    enum sip_sub_reason reason, struct sip_buf *body,
		    const char **ctype, void *arg)
{
	struct net *nt = arg;

	(void)sub;
	(void)state;
	(void)reason;
	*ctype = "application/x-test";
	return sip_buf_printf(body, "n%d", ++nt->notifies);
}

static void pkg_close(struct sip_sub *sub, void *state,
		      enum sip_sub_reason reason, uint16_t scode, void *arg)
{
	struct net *nt = arg;

	(void)sub;
	(void)state;
	(void)reason;
	(void)scode;
	nt->closes++;
}

static void on_notify(struct sip_subscriber *s, enum sip_substate st,
		      const struct sip_pl *reason, const struct sip_pl *ctype,
		      const struct sip_pl *body, void *arg)
{
	struct net *nt = arg;

	(void)s;
	ck_assert(sip_pl_eq_str(ctype, "application/x-test"));
	nt->last_st = st;
	snprintf(nt->last_body, sizeof(nt->last_body), "%.*s",
		 (int)body->l, body->p);
	snprintf(nt->last_reason, sizeof(nt->last_reason), "%.*s",
		 (int)reason->l, reason->p ? reason->p : "");
}

static void on_subr_close(struct sip_subscriber *s,
			  enum sip_sub_reason reason, uint16_t scode,
			  void *arg)
{
	struct net *nt = arg;

	(void)s;
	nt->subr_closes++;
	nt->subr_reason = reason;
	nt->subr_scode = scode;
}

static uint16_t esc_pub(const struct sip_pub_event *ev,
			const char **warning, void *arg)
{
	struct net *nt = arg;

	(void)warning;
	nt->pubs++;
	nt->last_op = ev->op;
	return 200;
}

static void on_result(struct sip_publisher *p, uint16_t scode,
		      const char *etag, void *arg)
{
	struct net *nt = arg;

	(void)p;
	nt->results++;
	nt->result_scode = scode;
	snprintf(nt->result_etag, sizeof(nt->result_etag), "%s",
		 etag ? etag : "");
}

static void net_init(struct net *nt, uint32_t min_expires,
		     uint32_t sub_expires)
{
	struct sip_notifier_conf nc = {
		.contact_user = "locd", .replyh = reply_h,
		.sendh = send_notifier, .arg = nt};
	struct sip_evt_pkg pk = {
		.name = "x-test", .expires_default = 3600,
		.expires_min = min_expires, .expires_max = 7200,
		.accepth = pkg_accept, .bodyh = pkg_body,
		.closeh = pkg_close, .arg = nt};
	struct sip_subscriber_conf sc = {
		.c = {.target = "sip:alice@127.0.0.1:5060",
		      .from = "sip:watcher@example.net",
		      .contact_user = "w", .event = "x-test",
		      .user = "watcher", .password = "secret",
		      .expires = sub_expires, .sendh = send_subscriber,
		      .replyh = reply_h, .arg = nt},
		.accept = "application/x-test", .ctype = "application/x-f",
		.body = "<f/>", .body_len = 4,
		.rates = {.max_rate = 0.5},
		.notifyh = on_notify, .closeh = on_subr_close, .harg = nt};

	memset(nt, 0, sizeof(*nt));
	nt->now = 1000;
	ck_assert_int_eq(sip_notifier_alloc(&nt->n, &nc), 0);
	ck_assert_int_eq(sip_notifier_pkg_add(nt->n, &pk), 0);
	ck_assert_int_eq(sip_subscriber_alloc(&nt->s, &sc), 0);
}

static void net_free(struct net *nt)
{
	size_t i;

	for (i = 0; i < nt->qn; i++)
		free(nt->q[i].text);
	sip_notifier_free(nt->n);
	sip_subscriber_free(nt->s);
	sip_esc_free(nt->e);
	sip_publisher_free(nt->p);
	sip_auth_free(nt->auth);
}

/* Subscribe, NOTIFY, refresh ahead of expiry, unsubscribe. */
START_TEST(test_client_subscribe)
{
	struct net nt;
	uint64_t due;

	net_init(&nt, 60, 600);
	ck_assert_int_eq(sip_subscriber_start(nt.s, nt.now), 0);
	ck_assert_int_eq(sip_subscriber_start(nt.s, nt.now), EALREADY);
	ck_assert_int_eq(sip_subscriber_state(nt.s), SIP_SUBR_TRYING);
	pump(&nt);
	ck_assert_int_eq(sip_subscriber_state(nt.s), SIP_SUBR_ACTIVE);
	ck_assert_ptr_nonnull(sip_subscriber_dialog(nt.s));
	ck_assert_int_eq(nt.last_st, SIP_SUBSTATE_ACTIVE);
	ck_assert_str_eq(nt.last_body, "n1");
	ck_assert_uint_eq(sip_notifier_count(nt.n), 1);

	/* refresh 32 s before the 600 s run out */
	due = sip_subscriber_next_due(nt.s);
	ck_assert_uint_eq(due, 1000 + 568000);
	nt.now = due - 1;
	sip_subscriber_tick(nt.s, nt.now);
	ck_assert_uint_eq(nt.qn, 0);
	nt.now = due;
	sip_subscriber_tick(nt.s, nt.now);
	ck_assert_uint_eq(nt.qn, 1);
	pump(&nt);
	ck_assert_str_eq(nt.last_body, "n2"); /* EV-19 after refresh */
	ck_assert_uint_eq(sip_subscriber_next_due(nt.s), due + 568000);
	ck_assert_uint_eq(sip_notifier_next_due(nt.n), due + 600000);

	/* unsubscribe: 200, final NOTIFY terminated;reason=timeout */
	ck_assert_int_eq(sip_subscriber_unsubscribe(nt.s, nt.now), 0);
	pump(&nt);
	ck_assert_int_eq(nt.last_st, SIP_SUBSTATE_TERMINATED);
	ck_assert_str_eq(nt.last_reason, "timeout");
	ck_assert_str_eq(nt.last_body, "n3");
	ck_assert_int_eq(nt.subr_closes, 1);
	ck_assert_int_eq(nt.subr_reason, SIP_SUB_REASON_TIMEOUT);
	ck_assert_int_eq(sip_subscriber_state(nt.s), SIP_SUBR_TERMINATED);
	ck_assert_int_eq(nt.closes, 1);
	ck_assert_uint_eq(sip_notifier_count(nt.n), 0);
	ck_assert_int_eq(sip_subscriber_unsubscribe(nt.s, nt.now), ENOENT);
	net_free(&nt);
}
END_TEST

/* 423 -> retry with Min-Expires (EV-13); notifier expiry ends it. */
START_TEST(test_client_423_expiry)
{
	struct net nt;

	net_init(&nt, 120, 30);
	ck_assert_int_eq(sip_subscriber_start(nt.s, nt.now), 0);
	pump(&nt);
	ck_assert_int_eq(sip_subscriber_state(nt.s), SIP_SUBR_ACTIVE);
	ck_assert_uint_eq(sip_notifier_next_due(nt.n), 1000 + 120000);
	/* the subscriber does not refresh in time: the notifier ends it */
	nt.now = 121000;
	sip_notifier_tick(nt.n, nt.now);
	pump(&nt);
	ck_assert_int_eq(nt.subr_closes, 1);
	ck_assert_str_eq(nt.last_reason, "timeout");
	ck_assert_int_eq(nt.closes, 1);
	net_free(&nt);
}
END_TEST

/* EV-26: a NOTIFY for no subscription of ours gets 481. */
START_TEST(test_client_stray_notify)
{
	static const char stray[] =
		"NOTIFY sip:w@127.0.0.1:5999 SIP/2.0\r\n"
		"Via: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bKx\r\n"
		"From: <sip:alice@example.com>;tag=a\r\n"
		"To: <sip:watcher@example.net>;tag=nosuch\r\n"
		"Call-ID: other\r\nCSeq: 1 NOTIFY\r\nEvent: x-test\r\n"
		"Subscription-State: active;expires=60\r\n"
		"Contact: <sip:a@127.0.0.1>\r\n\r\n";
	struct net nt;
	struct sip_msg *m;
	struct txn t;

	net_init(&nt, 60, 600);
	ck_assert_int_eq(sip_subscriber_start(nt.s, nt.now), 0);
	m = parse(stray, strlen(stray));
	memset(&t, 0, sizeof(t));
	t.req = m;
	sip_buf_init(&t.out, SIP_MSG_MAX);
	ck_assert_uint_eq(sip_subscriber_notify(nt.s, &t, m, nt.now), 481);
	ck_assert_ptr_nonnull(strstr(t.out.p, "SIP/2.0 481 "));
	ck_assert(!sip_subscriber_match(nt.s, m));
	sip_buf_reset(&t.out);
	sip_msg_free(m);
	pump(&nt);
	ck_assert_int_eq(sip_subscriber_state(nt.s), SIP_SUBR_ACTIVE);
	net_free(&nt);
}
END_TEST

static int ha1_lookup(const struct sip_pl *user, bool userhash,
		      enum sip_auth_hash hash, char *ha1, void *arg)
{
	struct sip_pl realm = SIP_PL("locd"), pw = SIP_PL("secret");

	(void)arg;
	if (userhash || !sip_pl_eq_str(user, "watcher"))
		return ENOENT;
	return sip_auth_ha1(hash, user, &realm, &pw, ha1);
}

/* EV-16 / SEC-6: 401 -> SUBSCRIBE again with Digest, accepted. */
START_TEST(test_client_digest)
{
	static const uint8_t key[16] = "0123456789abcdef";
	struct sip_auth_conf ac = {
		.realm = "locd", .secret = key, .secret_len = sizeof(key),
		.ha1h = ha1_lookup};
	struct net nt;

	net_init(&nt, 60, 600);
	ck_assert_int_eq(sip_auth_alloc(&nt.auth, &ac), 0);
	ck_assert_int_eq(sip_subscriber_start(nt.s, nt.now), 0);
	pump(&nt);
	ck_assert_int_eq(nt.challenges, 1);
	ck_assert_int_eq(sip_subscriber_state(nt.s), SIP_SUBR_ACTIVE);
	ck_assert_str_eq(nt.last_body, "n1");
	/* the next in-dialog SUBSCRIBE (an unsubscribe) carries credentials
	 * with the next nc: no new challenge */
	nt.now = 60000;
	ck_assert_int_eq(sip_subscriber_unsubscribe(nt.s, nt.now), 0);
	ck_assert_int_eq(sip_subscriber_unsubscribe(nt.s, nt.now), EALREADY);
	pump(&nt);
	ck_assert_int_eq(nt.challenges, 1);
	ck_assert_str_eq(nt.last_body, "n2");
	ck_assert_str_eq(nt.last_reason, "timeout");
	net_free(&nt);

	/* a refresh after the nonce's 300 s: stale challenge, answered */
	net_init(&nt, 60, 600);
	ck_assert_int_eq(sip_auth_alloc(&nt.auth, &ac), 0);
	ck_assert_int_eq(sip_subscriber_start(nt.s, nt.now), 0);
	pump(&nt);
	nt.now = sip_subscriber_next_due(nt.s);
	sip_subscriber_tick(nt.s, nt.now);
	pump(&nt);
	ck_assert_int_eq(nt.challenges, 2);
	ck_assert_str_eq(nt.last_body, "n2");
	ck_assert_int_eq(sip_subscriber_state(nt.s), SIP_SUBR_ACTIVE);
	net_free(&nt);
}
END_TEST

/* Wrong password: challenged twice, then the subscription fails. */
START_TEST(test_client_digest_fail)
{
	static const uint8_t key[16] = "0123456789abcdef";
	struct sip_auth_conf ac = {
		.realm = "locd", .secret = key, .secret_len = sizeof(key),
		.ha1h = ha1_lookup};
	struct sip_subscriber_conf sc = {
		.c = {.target = "sip:alice@127.0.0.1:5060",
		      .from = "sip:watcher@example.net", .event = "x-test",
		      .user = "watcher", .password = "wrong",
		      .sendh = send_subscriber, .replyh = reply_h},
		.ctype = "application/x-f", .body = "<f/>", .body_len = 4,
		.closeh = on_subr_close};
	struct net nt;

	net_init(&nt, 60, 600);
	sip_subscriber_free(nt.s);
	sc.c.arg = &nt;
	sc.harg = &nt;
	ck_assert_int_eq(sip_subscriber_alloc(&nt.s, &sc), 0);
	ck_assert_int_eq(sip_auth_alloc(&nt.auth, &ac), 0);
	ck_assert_int_eq(sip_subscriber_start(nt.s, nt.now), 0);
	pump(&nt);
	ck_assert_int_eq(nt.challenges, 3);
	ck_assert_int_eq(nt.subr_closes, 1);
	ck_assert_int_eq(nt.subr_reason, SIP_SUB_REASON_FAILED);
	ck_assert_uint_eq(nt.subr_scode, 401);
	ck_assert_uint_eq(sip_notifier_count(nt.n), 0);
	net_free(&nt);
}
END_TEST

static void pub_init(struct net *nt, uint32_t expires)
{
	struct sip_esc_conf ec = {.replyh = reply_h, .arg = nt};
	struct sip_esc_pkg ep = {
		.name = "presence", .expires_default = 3600,
		.expires_min = 60, .pubh = esc_pub, .arg = nt};
	struct sip_publisher_conf pc = {
		.c = {.target = "sip:alice@127.0.0.1:5060",
		      .from = "sip:alice@example.com", .event = "presence",
		      .expires = expires, .sendh = send_publisher,
		      .arg = nt},
		.resulth = on_result, .harg = nt};

	memset(nt, 0, sizeof(*nt));
	nt->now = 1000;
	ck_assert_int_eq(sip_esc_alloc(&nt->e, &ec), 0);
	ck_assert_int_eq(sip_esc_pkg_add(nt->e, &ep), 0);
	ck_assert_int_eq(sip_publisher_alloc(&nt->p, &pc), 0);
}

/* Publisher against the ESC: all four operations, 423, 412. */
START_TEST(test_client_publish)
{
	struct sip_esc_conf ec;
	struct sip_esc_pkg ep = {
		.name = "presence", .expires_default = 3600,
		.expires_min = 60, .pubh = esc_pub};
	struct net nt;
	char t1[64];

	pub_init(&nt, 30); /* below the minimum: 423, then 60 */
	ck_assert_int_eq(sip_publisher_refresh(nt.p, nt.now), ENOENT);
	ck_assert_int_eq(sip_publisher_publish(nt.p, "application/pidf+xml",
					       "<p1/>", 5, nt.now), 0);
	ck_assert_int_eq(sip_publisher_publish(nt.p, "application/pidf+xml",
					       "<p1/>", 5, nt.now), EBUSY);
	pump(&nt);
	ck_assert_int_eq(nt.results, 1);
	ck_assert_uint_eq(nt.result_scode, 200);
	ck_assert_str_eq(nt.result_etag, sip_publisher_etag(nt.p));
	snprintf(t1, sizeof(t1), "%s", nt.result_etag);
	ck_assert_int_eq(nt.last_op, SIP_PUB_NEW);
	ck_assert_uint_eq(sip_publisher_next_due(nt.p), 1000 + 30000);

	/* refresh by the clock: SIP-If-Match, a new tag */
	nt.now = sip_publisher_next_due(nt.p);
	sip_publisher_tick(nt.p, nt.now);
	pump(&nt);
	ck_assert_int_eq(nt.last_op, SIP_PUB_REFRESH);
	ck_assert_str_ne(nt.result_etag, t1);

	/* modify */
	ck_assert_int_eq(sip_publisher_publish(nt.p, "application/pidf+xml",
					       "<p2/>", 5, nt.now), 0);
	pump(&nt);
	ck_assert_int_eq(nt.last_op, SIP_PUB_MODIFY);
	ck_assert_uint_eq(sip_esc_count(nt.e), 1);

	/* the ESC restarts and forgets: 412, then published afresh */
	sip_esc_free(nt.e);
	memset(&ec, 0, sizeof(ec));
	ec.replyh = reply_h;
	ec.arg = &nt;
	ep.arg = &nt;
	ck_assert_int_eq(sip_esc_alloc(&nt.e, &ec), 0);
	ck_assert_int_eq(sip_esc_pkg_add(nt.e, &ep), 0);
	nt.results = 0;
	ck_assert_int_eq(sip_publisher_refresh(nt.p, nt.now), 0);
	pump(&nt);
	ck_assert_int_eq(nt.results, 1);
	ck_assert_uint_eq(nt.result_scode, 200);
	ck_assert_int_eq(nt.last_op, SIP_PUB_NEW);
	ck_assert_uint_eq(sip_esc_count(nt.e), 1);

	/* remove: no tag held afterwards */
	ck_assert_int_eq(sip_publisher_remove(nt.p, nt.now), 0);
	pump(&nt);
	ck_assert_int_eq(nt.last_op, SIP_PUB_REMOVE);
	ck_assert_ptr_null(sip_publisher_etag(nt.p));
	ck_assert_str_eq(nt.result_etag, "");
	ck_assert_uint_eq(sip_esc_count(nt.e), 0);
	ck_assert_uint_eq(sip_publisher_next_due(nt.p), UINT64_MAX);
	net_free(&nt);
}
END_TEST

TCase *tcase_client(void);
TCase *tcase_client(void)
{
	TCase *tc = tcase_create("client");

	tcase_add_test(tc, test_client_subscribe);
	tcase_add_test(tc, test_client_423_expiry);
	tcase_add_test(tc, test_client_stray_notify);
	tcase_add_test(tc, test_client_digest);
	tcase_add_test(tc, test_client_digest_fail);
	tcase_add_test(tc, test_client_publish);
	return tc;
}
