/*
 * test_sub.c: sip/sub.c, the RFC 6665 notifier, with a fake clock, a
 * fake reply callback and a fake sender: accept, Expires negotiation
 * (EV-11..13, T16), 489 (EV-3), 481 (EV-26), refresh, unsubscribe (EV-23,
 * T15), fetch, expiry, NOTIFY failures (EV-24, T12), rate parameters
 * (RC-6, RC-7, RC-16, Q-34), never 202 (EV-14), queued NOTIFY (RC-11).
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sip/sip.h"
#include "sip/sip_event.h"

#define PKG_CTYPE "application/x-test"

/* What the fakes saw. */
struct fake {
	/* replies */
	int replies;
	uint16_t scode;
	char to_tag[64];
	char hdrs[1024];      /* "Name: value\n" per extra header */
	/* NOTIFYs */
	int sent;
	char method[16], ruri[128], event[128], substate[256];
	char body[256], ctype[64];
	uint32_t cseq;
	bool flow;
	struct sip_sub *ctx;
	int send_err;         /* next sends fail with it */
	int flow_err;         /* sends with a flow fail with it */
	/* package */
	uint16_t answer;
	const char *warning;
	bool pending;
	struct sip_rates agree;
	bool set_rates;
	int accepts, refreshes, fetches, closes, rates_calls, bodies;
	struct sip_rates seen_rates, rc16;
	enum sip_sub_reason close_reason, body_reason;
	uint16_t close_scode;
	struct sip_sub *sub;
	int state_tok;
	bool end_in_rates;    /* rates callback terminates */
};

static int fake_reply(void *txn, const struct sip_reply_desc *rd,
		      void *arg)
{
	struct fake *f = arg;
	size_t i, l = 0;

	(void)txn;
	f->replies++;
	f->scode = rd->scode;
	snprintf(f->to_tag, sizeof(f->to_tag), "%.*s", (int)rd->to_tag.l,
		 rd->to_tag.p ? rd->to_tag.p : "");
	f->hdrs[0] = '\0';
	for (i = 0; i < rd->hdrc; i++) {
		const struct sip_hdr_out *h = &rd->hdrv[i];
		int n = snprintf(f->hdrs + l, sizeof(f->hdrs) - l,
				 "%s: %.*s\n",
				 h->name ? h->name : sip_hdr_name(h->id),
				 (int)h->val.l, h->val.p);
		ck_assert(n > 0 && (size_t)n < sizeof(f->hdrs) - l);
		l += (size_t)n;
	}
	return 0;
}

static const char *hv(const struct sip_req_desc *rd, enum sip_hdr_id id,
		      char *buf, size_t sz)
{
	size_t i;

	buf[0] = '\0';
	for (i = 0; i < rd->hdrc; i++)
		if (rd->hdrv[i].id == id)
			snprintf(buf, sz, "%.*s", (int)rd->hdrv[i].val.l,
				 rd->hdrv[i].val.p);
	return buf;
}

static int fake_send(const struct sip_req_desc *rd, void *ctx, void *arg)
{
	struct fake *f = arg;

	if (f->send_err)
		return f->send_err;
	if (rd->flow && f->flow_err)
		return f->flow_err;
	f->sent++;
	f->ctx = ctx;
	snprintf(f->method, sizeof(f->method), "%s", rd->method);
	snprintf(f->ruri, sizeof(f->ruri), "%s", rd->ruri);
	f->cseq = rd->cseq;
	f->flow = rd->flow != NULL;
	hv(rd, SIP_HDR_EVENT, f->event, sizeof(f->event));
	hv(rd, SIP_HDR_SUBSCRIPTION_STATE, f->substate, sizeof(f->substate));
	snprintf(f->body, sizeof(f->body), "%.*s", (int)rd->body_len,
		 rd->body ? (const char *)rd->body : "");
	snprintf(f->ctype, sizeof(f->ctype), "%s",
		 rd->ctype ? rd->ctype : "");
	ck_assert_str_eq(rd->contact_user, "locd");
	return 0;
}

static void pkg_accept(struct sip_sub *sub, const struct sip_sub_req *req,
		       struct sip_sub_answer *ans, void *arg)
{
	struct fake *f = arg;

	f->accepts++;
	f->refreshes += req->refresh;
	f->fetches += req->fetch;
	f->seen_rates = req->rates;
	f->sub = sub;
	ans->scode = f->answer;
	ans->warning = f->warning;
	ans->accept = "application/x-test";
	ans->pending = f->pending;
	ans->state = &f->state_tok;
	if (f->set_rates)
		ans->rates = f->agree;
}

static int pkg_body(struct sip_sub *sub, void *state,
		    enum sip_sub_reason reason, struct sip_buf *body,
		    const char **ctype, void *arg)
{
	struct fake *f = arg;

	(void)sub;
	ck_assert_ptr_eq(state, &f->state_tok);
	f->bodies++;
	f->body_reason = reason;
	*ctype = PKG_CTYPE;
	return sip_buf_printf(body, "state-%d", f->bodies);
}

static void pkg_close(struct sip_sub *sub, void *state,
		      enum sip_sub_reason reason, uint16_t scode, void *arg)
{
	struct fake *f = arg;

	(void)sub;
	ck_assert_ptr_eq(state, &f->state_tok);
	f->closes++;
	f->close_reason = reason;
	f->close_scode = scode;
}

static void pkg_rates(struct sip_sub *sub, void *state,
		      const struct sip_rates *r, void *arg)
{
	struct fake *f = arg;

	(void)state;
	f->rates_calls++;
	f->rc16 = *r;
	if (f->end_in_rates)
		ck_assert_int_eq(sip_sub_terminate(sub,
			SIP_SUB_REASON_REJECTED, 0, 0), 0);
}

static struct sip_notifier *mk(struct fake *f, size_t max_subs)
{
	struct sip_notifier_conf c = {
		.max_subs = max_subs, .contact_user = "locd",
		.replyh = fake_reply, .sendh = fake_send, .arg = f};
	struct sip_evt_pkg p = {
		.name = "x-test", .expires_default = 3600,
		.expires_min = 60, .expires_max = 7200,
		.accepth = pkg_accept, .bodyh = pkg_body,
		.closeh = pkg_close, .ratesh = pkg_rates, .arg = f};
	struct sip_evt_pkg loc = p;
	struct sip_notifier *n = NULL;

	memset(f, 0, sizeof(*f));
	f->answer = 200;
	ck_assert_int_eq(sip_notifier_alloc(&n, &c), 0);
	ck_assert_int_eq(sip_notifier_pkg_add(n, &p), 0);
	ck_assert_int_eq(sip_notifier_pkg_add(n, &p), EEXIST);
	loc.name = "location";
	loc.expires_min = 4000;
	ck_assert_int_eq(sip_notifier_pkg_add(n, &loc), 0);
	return n;
}

static struct sip_msg *parse(const char *p)
{
	struct sip_msg *m = NULL;
	struct sip_err err = {0};

	ck_assert_msg(sip_msg_parse(&m, p, strlen(p), SIP_PARSE_DGRAM, NULL,
				    &err) == 0,
		      "%s", err.reason);
	return m;
}

/*
 * A SUBSCRIBE: to_tag NULL for a new dialog; expires < 0 for none;
 * event NULL for no Event header.
 */
static struct sip_msg *sub_msg(const char *to_tag, unsigned cseq,
			       long expires, const char *event)
{
	char buf[2048], exp[64] = "", ev[160] = "", tt[80] = "";

	if (expires >= 0)
		snprintf(exp, sizeof(exp), "Expires: %ld\r\n", expires);
	if (event)
		snprintf(ev, sizeof(ev), "Event: %s\r\n", event);
	if (to_tag)
		snprintf(tt, sizeof(tt), ";tag=%s", to_tag);
	snprintf(buf, sizeof(buf),
		 "SUBSCRIBE sip:alice@locd.example.com SIP/2.0\r\n"
		 "Via: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKp%u\r\n"
		 "Record-Route: <sip:10.0.0.1;lr>\r\n"
		 "From: <sip:w@example.net>;tag=wt1\r\n"
		 "To: <sip:alice@locd.example.com>%s\r\n"
		 "Call-ID: sc1@192.0.2.7\r\n"
		 "CSeq: %u SUBSCRIBE\r\n"
		 "Contact: <sip:w@192.0.2.7:5080>\r\n"
		 "%s%s"
		 "Content-Type: application/x-filter\r\n"
		 "Content-Length: 3\r\n\r\nabc",
		 cseq, tt, cseq, ev, exp);
	return parse(buf);
}

/* Run one SUBSCRIBE through n; returns the status answered. */
static uint16_t run(struct sip_notifier *n, const struct sip_flow *fl,
		    const char *to_tag, unsigned cseq, long expires,
		    const char *event, uint64_t now)
{
	struct sip_msg *m = sub_msg(to_tag, cseq, expires, event);
	uint16_t sc = sip_notifier_subscribe(n, NULL, m, fl,
					     "sip:locd@203.0.113.5:5060",
					     now);
	sip_msg_free(m);
	return sc;
}

/* A response to the last NOTIFY. */
static void answer(struct sip_notifier *n, struct fake *f, uint16_t sc,
		   const char *event, uint64_t now)
{
	char buf[1024], ev[160] = "";
	struct sip_msg *m;

	(void)n;
	if (event)
		snprintf(ev, sizeof(ev), "Event: %s\r\n", event);
	snprintf(buf, sizeof(buf),
		 "SIP/2.0 %u Whatever\r\n"
		 "Via: SIP/2.0/UDP 203.0.113.5;branch=z9hG4bKn\r\n"
		 "From: <sip:alice@locd.example.com>;tag=x\r\n"
		 "To: <sip:w@example.net>;tag=wt1\r\n"
		 "Call-ID: sc1@192.0.2.7\r\nCSeq: %u NOTIFY\r\n%s"
		 "Content-Length: 0\r\n\r\n",
		 sc, f->cseq, ev);
	m = parse(buf);
	sip_sub_notify_result(f->ctx, 0, sc, m, now);
	sip_msg_free(m);
}

/* Accept: 200 with Expires/Contact/To tag, then NOTIFY (EV-12, EV-19). */
START_TEST(test_sub_accept)
{
	struct fake f;
	struct sip_notifier *n = mk(&f, 0);
	struct sip_flow fl = {.tp = SIP_TRANSP_UDP};

	ck_assert_uint_eq(run(n, &fl, NULL, 1, 600, "x-test", 1000), 200);
	ck_assert_int_eq(f.replies, 1);
	ck_assert_uint_eq(f.scode, 200);
	ck_assert_uint_eq(strlen(f.to_tag), SIP_DIALOG_TAG_LEN);
	ck_assert_str_eq(f.hdrs, "Expires: 600\n"
				 "Contact: <sip:locd@203.0.113.5:5060>\n");
	ck_assert_int_eq(f.accepts, 1);
	ck_assert_int_eq(f.fetches, 0);
	ck_assert_uint_eq(sip_notifier_count(n), 1);
	ck_assert_int_eq(sip_sub_state_get(f.sub), SIP_SUB_ACTIVE);
	ck_assert_str_eq(sip_sub_event(f.sub), "x-test");
	ck_assert_str_eq(sip_sub_dialog(f.sub)->ltag, f.to_tag);
	ck_assert_ptr_eq(sip_sub_pkg_state(f.sub), &f.state_tok);

	ck_assert_int_eq(f.sent, 1);
	ck_assert_ptr_eq(f.ctx, f.sub);
	ck_assert_str_eq(f.method, "NOTIFY");
	ck_assert_str_eq(f.ruri, "sip:w@192.0.2.7:5080");
	ck_assert_uint_eq(f.cseq, 1);
	ck_assert(f.flow);
	ck_assert_str_eq(f.event, "x-test");
	ck_assert_str_eq(f.substate, "active;expires=600");
	ck_assert_str_eq(f.body, "state-1");
	ck_assert_str_eq(f.ctype, PKG_CTYPE);

	/* expires= counts down (EV-21) */
	answer(n, &f, 200, NULL, 2000);
	ck_assert_int_eq(sip_sub_notify(f.sub, "upd", 3, PKG_CTYPE,
					101000), 0);
	ck_assert_int_eq(f.sent, 2);
	ck_assert_uint_eq(f.cseq, 2);
	ck_assert_str_eq(f.substate, "active;expires=500");
	ck_assert_str_eq(f.body, "upd");
	ck_assert_uint_eq(sip_sub_remaining(f.sub, 101000), 500);
	ck_assert_int_eq(sip_sub_notify(f.sub, "x", 1, NULL, 101000),
			 EINVAL);
	sip_notifier_free(n); /* no callbacks from free */
	ck_assert_int_eq(f.closes, 0);
}
END_TEST

/* Expires: default, cap, 423 only below the minimum and one hour. */
START_TEST(test_sub_expires)
{
	struct fake f;
	struct sip_notifier *n = mk(&f, 0);
	char id[64];

	/* EV-11: no Expires gives the package default */
	ck_assert_uint_eq(run(n, NULL, NULL, 1, -1, "x-test", 0), 200);
	ck_assert_str_eq(f.hdrs, "Expires: 3600\n"
				 "Contact: <sip:locd@203.0.113.5:5060>\n");
	ck_assert(!f.flow);
	/* EV-12: longer than the cap is shortened */
	ck_assert_uint_eq(run(n, NULL, NULL, 1, 99999, "x-test;id=2", 0),
			  200);
	ck_assert_str_eq(f.hdrs, "Expires: 7200\n"
				 "Contact: <sip:locd@203.0.113.5:5060>\n");
	ck_assert_str_eq(f.event, "x-test;id=2");
	/* T16: minimum 60, Expires 10: 423 + Min-Expires 60 */
	ck_assert_uint_eq(run(n, NULL, NULL, 1, 10, "x-test;id=3", 0), 423);
	ck_assert_str_eq(f.hdrs, "Min-Expires: 60\n");
	/* T16: minimum 4000, Expires 3700: no 423 above one hour */
	ck_assert_uint_eq(run(n, NULL, NULL, 1, 3700, "location", 0), 200);
	ck_assert_str_eq(f.hdrs, "Expires: 3700\n"
				 "Contact: <sip:locd@203.0.113.5:5060>\n");
	/* ... but Expires 3599 is below both: 423 + Min-Expires 4000 */
	ck_assert_uint_eq(run(n, NULL, NULL, 1, 3599, "location;id=b", 0),
			  423);
	ck_assert_str_eq(f.hdrs, "Min-Expires: 4000\n");
	ck_assert_int_eq(f.accepts, 3);
	ck_assert_uint_eq(sip_notifier_count(n), 3);
	snprintf(id, sizeof(id), "%s", f.to_tag);
	sip_notifier_free(n);
}
END_TEST

/* EV-3: unknown or missing package: 489 with Allow-Events. */
START_TEST(test_sub_489)
{
	struct fake f;
	struct sip_notifier *n = mk(&f, 0);

	ck_assert_uint_eq(run(n, NULL, NULL, 1, 600, "presence", 0), 489);
	ck_assert_str_eq(f.hdrs, "Allow-Events: x-test, location\n");
	ck_assert_uint_eq(run(n, NULL, NULL, 1, 600, NULL, 0), 489);
	ck_assert_str_eq(f.hdrs, "Allow-Events: x-test, location\n");
	/* template packages do not match their base */
	ck_assert_uint_eq(run(n, NULL, NULL, 1, 600, "x-test.winfo", 0),
			  489);
	ck_assert_int_eq(f.accepts, 0);
	ck_assert_int_eq(f.sent, 0);
	sip_notifier_free(n);
}
END_TEST

/* EV-26: in-dialog SUBSCRIBE for a subscription we do not hold: 481. */
START_TEST(test_sub_481)
{
	struct fake f;
	struct sip_notifier *n = mk(&f, 0);

	ck_assert_uint_eq(run(n, NULL, "nosuch", 2, 600, "x-test", 0), 481);
	ck_assert_uint_eq(run(n, NULL, NULL, 1, 600, "x-test", 0), 200);
	/* right dialog, other Event id: another subscription, unknown */
	ck_assert_uint_eq(run(n, NULL, f.to_tag, 2, 600, "x-test;id=9", 0),
			  481);
	ck_assert_int_eq(f.accepts, 1);
	sip_notifier_free(n);
}
END_TEST

/* Refresh: 200, immediate NOTIFY with new expires (EV-19); CSeq order. */
START_TEST(test_sub_refresh)
{
	struct fake f;
	struct sip_notifier *n = mk(&f, 0);
	char tag[64];

	ck_assert_uint_eq(run(n, NULL, NULL, 1, 600, "x-test", 0), 200);
	snprintf(tag, sizeof(tag), "%s", f.to_tag);
	/* refresh while the first NOTIFY is in flight: queued */
	ck_assert_uint_eq(run(n, NULL, tag, 2, 300, "x-test", 10000), 200);
	ck_assert_str_eq(f.hdrs, "Expires: 300\n"
				 "Contact: <sip:locd@203.0.113.5:5060>\n");
	ck_assert_int_eq(f.refreshes, 1);
	ck_assert_int_eq(f.sent, 1);
	answer(n, &f, 200, NULL, 11000);
	ck_assert_int_eq(f.sent, 2);
	ck_assert_str_eq(f.substate, "active;expires=299");
	ck_assert_str_eq(f.body, "state-2");
	ck_assert_uint_eq(f.cseq, 2);
	/* a repeated CSeq is out of order: 500, subscription kept */
	ck_assert_uint_eq(run(n, NULL, tag, 2, 300, "x-test", 12000), 500);
	/* a refused refresh keeps the subscription (RFC 6665 §4.1.2.2) */
	f.answer = 488;
	f.warning = "bad \"filter\"";
	ck_assert_uint_eq(run(n, NULL, tag, 3, 300, "x-test", 12000), 488);
	ck_assert_str_eq(f.hdrs, "Warning: 399 locd \"bad filter\"\n");
	ck_assert_uint_eq(sip_notifier_count(n), 1);
	/* too brief refresh: 423 (EV-13) */
	ck_assert_uint_eq(run(n, NULL, tag, 4, 30, "x-test", 12000), 423);
	ck_assert_int_eq(f.closes, 0);
	sip_notifier_free(n);
}
END_TEST

/* T15: Expires 0 in the dialog: 200, NOTIFY terminated;reason=timeout. */
START_TEST(test_sub_unsubscribe)
{
	struct fake f;
	struct sip_notifier *n = mk(&f, 0);
	char tag[64];

	ck_assert_uint_eq(run(n, NULL, NULL, 1, 600, "x-test", 0), 200);
	snprintf(tag, sizeof(tag), "%s", f.to_tag);
	answer(n, &f, 200, NULL, 100);
	ck_assert_uint_eq(run(n, NULL, tag, 2, 0, "x-test", 5000), 200);
	ck_assert_str_eq(f.hdrs, "Expires: 0\n"
				 "Contact: <sip:locd@203.0.113.5:5060>\n");
	ck_assert_int_eq(f.accepts, 1); /* the body is ignored */
	ck_assert_int_eq(f.sent, 2);
	ck_assert_str_eq(f.substate, "terminated;reason=timeout");
	ck_assert_str_eq(f.body, "state-2"); /* with current state */
	ck_assert_int_eq(f.body_reason, SIP_SUB_REASON_TIMEOUT);
	ck_assert_int_eq(f.closes, 1);
	ck_assert_int_eq(f.close_reason, SIP_SUB_REASON_TIMEOUT);
	ck_assert_uint_eq(sip_notifier_count(n), 0);
	/* the subscription is gone: a further refresh gets 481 */
	ck_assert_uint_eq(run(n, NULL, tag, 3, 600, "x-test", 6000), 481);
	answer(n, &f, 200, NULL, 7000); /* frees it */
	ck_assert_uint_eq(sip_notifier_next_due(n), UINT64_MAX);
	sip_notifier_free(n);
}
END_TEST

/* Fetch: Expires 0 on a new dialog: 200, one final NOTIFY with state. */
START_TEST(test_sub_fetch)
{
	struct fake f;
	struct sip_notifier *n = mk(&f, 0);

	ck_assert_uint_eq(run(n, NULL, NULL, 1, 0, "x-test", 0), 200);
	ck_assert_int_eq(f.fetches, 1);
	ck_assert_str_eq(f.hdrs, "Expires: 0\n"
				 "Contact: <sip:locd@203.0.113.5:5060>\n");
	ck_assert_int_eq(f.sent, 1);
	ck_assert_str_eq(f.substate, "terminated;reason=timeout");
	ck_assert_str_eq(f.body, "state-1");
	ck_assert_int_eq(f.closes, 1);
	ck_assert_uint_eq(sip_notifier_count(n), 0);
	answer(n, &f, 200, NULL, 10);
	sip_notifier_free(n);
}
END_TEST

/* Expiry without refresh: final NOTIFY reason=timeout at the deadline. */
START_TEST(test_sub_expiry)
{
	struct fake f;
	struct sip_notifier *n = mk(&f, 0);

	ck_assert_uint_eq(run(n, NULL, NULL, 1, 60, "x-test", 1000), 200);
	answer(n, &f, 200, NULL, 1500);
	ck_assert_uint_eq(sip_notifier_next_due(n), 61000);
	sip_notifier_tick(n, 60999);
	ck_assert_int_eq(f.sent, 1);
	ck_assert_int_eq(f.closes, 0);
	sip_notifier_tick(n, 61000);
	ck_assert_int_eq(f.sent, 2);
	ck_assert_str_eq(f.substate, "terminated;reason=timeout");
	ck_assert_int_eq(f.closes, 1);
	ck_assert_int_eq(f.close_reason, SIP_SUB_REASON_TIMEOUT);
	ck_assert_uint_eq(sip_notifier_next_due(n), UINT64_MAX);
	answer(n, &f, 200, NULL, 61100);
	sip_notifier_free(n);
}
END_TEST

/* T12 / EV-24: which NOTIFY failures end the subscription. */
START_TEST(test_sub_notify_fail)
{
	static const uint16_t fatal[] = {404, 405, 410, 416, 480, 481, 482,
					 483, 484, 485, 489, 501, 604};
	static const uint16_t keep[] = {400, 403, 408, 486, 487, 500, 503,
					603};
	struct fake f;
	struct sip_notifier *n = mk(&f, 0);
	size_t i;

	for (i = 0; i < sizeof(fatal) / sizeof(fatal[0]); i++) {
		f.closes = 0;
		ck_assert_uint_eq(run(n, NULL, NULL, 1, 600, "x-test", 0),
				  200);
		answer(n, &f, fatal[i], NULL, 100);
		ck_assert_msg(f.closes == 1, "%u", fatal[i]);
		ck_assert_int_eq(f.close_reason, SIP_SUB_REASON_FAILED);
		ck_assert_uint_eq(f.close_scode, fatal[i]);
		ck_assert_uint_eq(sip_notifier_count(n), 0);
	}
	for (i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
		int sent;
		ck_assert_uint_eq(run(n, NULL, NULL, 1, 600, "x-test", 0),
				  200);
		answer(n, &f, keep[i], NULL, 100);
		ck_assert_msg(sip_notifier_count(n) == 1, "%u", keep[i]);
		/* kept: the package may resync with a new NOTIFY */
		sent = f.sent;
		ck_assert_int_eq(sip_sub_notify(f.sub, "r", 1, PKG_CTYPE,
						200), 0);
		ck_assert_int_eq(f.sent, sent + 1);
		ck_assert_int_eq(sip_sub_terminate(f.sub,
			SIP_SUB_REASON_NORESOURCE, 0, 300), 0);
		/* terminate while one is in flight: final NOTIFY queued */
		ck_assert_int_eq(f.sent, sent + 1);
		answer(n, &f, 200, NULL, 400);
		ck_assert_int_eq(f.sent, sent + 2);
		ck_assert_str_eq(f.substate, "terminated;reason=noresource");
		answer(n, &f, 200, NULL, 500);
		ck_assert_uint_eq(sip_notifier_count(n), 0);
	}
	/* Timer F: the subscription ends (408) */
	ck_assert_uint_eq(run(n, NULL, NULL, 1, 600, "x-test", 0), 200);
	f.closes = 0;
	sip_sub_notify_result(f.ctx, ETIMEDOUT, 408, NULL, 32000);
	ck_assert_int_eq(f.closes, 1);
	ck_assert_uint_eq(f.close_scode, 408);
	/* a transport error (503 without response) keeps it */
	ck_assert_uint_eq(run(n, NULL, NULL, 1, 600, "x-test", 0), 200);
	sip_sub_notify_result(f.ctx, ECONNREFUSED, 503, NULL, 32000);
	ck_assert_uint_eq(sip_notifier_count(n), 1);
	sip_notifier_free(n);
}
END_TEST

/* RC-6, RC-7, RC-16, Q-34: rates handed over, echoed, updated. */
START_TEST(test_sub_rates)
{
	static const char bad[] =
		"SUBSCRIBE sip:a@h SIP/2.0\r\n"
		"Via: SIP/2.0/UDP h;branch=z9hG4bK1\r\n"
		"From: <sip:w@x>;tag=1\r\nTo: <sip:a@h>\r\nCall-ID: c\r\n"
		"CSeq: 1 SUBSCRIBE\r\nContact: <sip:w@x>\r\n"
		"Event: x-test;max-rate=0\r\n\r\n";
	struct fake f;
	struct sip_notifier *n = mk(&f, 0);
	struct sip_msg *m = NULL;
	struct sip_err err = {0};

	f.set_rates = true;
	f.agree.max_rate = 0.2;
	f.agree.min_rate = 0.05;
	ck_assert_uint_eq(run(n, NULL, NULL, 1, 600,
			      "x-test;max-rate=0.1;min-rate=0.05", 0), 200);
	ck_assert(f.seen_rates.max_rate > 0.0999 &&
		  f.seen_rates.max_rate < 0.1001);
	ck_assert(f.seen_rates.min_rate > 0.0499 &&
		  f.seen_rates.min_rate < 0.0501);
	ck_assert(f.seen_rates.adaptive_min_rate == 0);
	ck_assert_str_eq(f.substate,
			 "active;expires=600;max-rate=0.2;min-rate=0.05");
	/* RC-16: the 2xx to NOTIFY carries new rates */
	answer(n, &f, 200, "x-test;max-rate=1;adaptive-min-rate=0.5", 10);
	ck_assert_int_eq(f.rates_calls, 1);
	ck_assert(f.rc16.max_rate == 1.0 && f.rc16.min_rate == 0);
	ck_assert(f.rc16.adaptive_min_rate == 0.5);
	/* ... another event type in the 2xx is ignored */
	sip_sub_rates_set(f.sub, &f.rc16);
	ck_assert_int_eq(sip_sub_notify(f.sub, "a", 1, PKG_CTYPE, 20), 0);
	ck_assert_str_eq(f.substate, "active;expires=599;max-rate=1;"
				     "adaptive-min-rate=0.5");
	answer(n, &f, 200, "presence;max-rate=3", 30);
	ck_assert_int_eq(f.rates_calls, 1);
	/* the final NOTIFY echoes them too */
	ck_assert_int_eq(sip_sub_terminate(f.sub, SIP_SUB_REASON_REJECTED,
					   120, 40), 0);
	ck_assert_str_eq(f.substate, "terminated;reason=rejected;"
				     "retry-after=120;max-rate=1;"
				     "adaptive-min-rate=0.5");
	answer(n, &f, 200, NULL, 50);
	/* a zero rate never reaches us: the parser answers 400 */
	ck_assert_int_eq(sip_msg_parse(&m, bad, strlen(bad), SIP_PARSE_DGRAM,
				       NULL, &err), EBADMSG);
	ck_assert_uint_eq(err.status, 400);
	sip_notifier_free(n);
}
END_TEST

/* Package refusals pass through; 202 becomes 200 (EV-14). */
START_TEST(test_sub_refuse)
{
	struct fake f;
	struct sip_notifier *n = mk(&f, 0);

	f.answer = 415;
	ck_assert_uint_eq(run(n, NULL, NULL, 1, 600, "x-test", 0), 415);
	ck_assert_str_eq(f.hdrs, "Accept: application/x-test\n");
	f.answer = 403;
	f.warning = "no filter";
	ck_assert_uint_eq(run(n, NULL, NULL, 1, 600, "x-test", 0), 403);
	ck_assert_str_eq(f.hdrs, "Warning: 399 locd \"no filter\"\n");
	f.answer = 489;
	f.warning = NULL;
	ck_assert_uint_eq(run(n, NULL, NULL, 1, 600, "x-test", 0), 489);
	ck_assert_str_eq(f.hdrs, "Allow-Events: x-test, location\n");
	f.answer = 183;
	ck_assert_uint_eq(run(n, NULL, NULL, 1, 600, "x-test", 0), 500);
	ck_assert_int_eq(f.sent, 0);
	ck_assert_uint_eq(sip_notifier_count(n), 0);
	ck_assert_int_eq(f.closes, 0);
	f.answer = 202;
	ck_assert_uint_eq(run(n, NULL, NULL, 1, 600, "x-test", 0), 200);
	ck_assert_uint_eq(f.scode, 200);
	sip_notifier_free(n);
}
END_TEST

/* Pending, then activated; queued NOTIFYs keep only the newest. */
START_TEST(test_sub_pending_queue)
{
	struct fake f;
	struct sip_notifier *n = mk(&f, 0);

	f.pending = true;
	ck_assert_uint_eq(run(n, NULL, NULL, 1, 600, "x-test", 0), 200);
	ck_assert_str_eq(f.substate, "pending;expires=600");
	ck_assert_int_eq(sip_sub_state_get(f.sub), SIP_SUB_PENDING);
	ck_assert_int_eq(sip_sub_activate(f.sub, 1000), 0);
	ck_assert_int_eq(sip_sub_notify(f.sub, "v3", 2, PKG_CTYPE, 1000), 0);
	ck_assert_int_eq(f.sent, 1);
	answer(n, &f, 200, NULL, 2000);
	ck_assert_int_eq(f.sent, 2);
	ck_assert_str_eq(f.body, "v3");
	ck_assert_str_eq(f.substate, "active;expires=598");
	answer(n, &f, 200, NULL, 3000);
	ck_assert_int_eq(f.sent, 2);
	sip_notifier_free(n);
}
END_TEST

/* Limits and bad requests: 503 over max_subs, 400 bad Contact. */
START_TEST(test_sub_limits)
{
	static const char nocontact[] =
		"SUBSCRIBE sip:a@h SIP/2.0\r\n"
		"Via: SIP/2.0/UDP h;branch=z9hG4bK1\r\n"
		"From: <sip:w@x>;tag=1\r\nTo: <sip:a@h>\r\nCall-ID: c\r\n"
		"CSeq: 1 SUBSCRIBE\r\nEvent: x-test\r\n\r\n";
	struct fake f;
	struct sip_notifier *n = mk(&f, 1);
	struct sip_msg *m;

	m = parse(nocontact);
	ck_assert_uint_eq(sip_notifier_subscribe(n, NULL, m, NULL, NULL, 0),
			  400);
	ck_assert_str_eq(f.hdrs, "Warning: 399 locd \"bad From tag, "
				 "Contact or route\"\n");
	sip_msg_free(m);
	ck_assert_uint_eq(run(n, NULL, NULL, 1, 600, "x-test", 0), 200);
	ck_assert_uint_eq(run(n, NULL, NULL, 1, 600, "x-test;id=2", 0), 503);
	ck_assert_int_eq(f.accepts, 1);
	sip_notifier_free(n);
}
END_TEST

/* RFC 5626: a dead flow falls back to routing by the dialog. */
START_TEST(test_sub_flow_gone)
{
	struct fake f;
	struct sip_notifier *n = mk(&f, 0);
	struct sip_flow fl = {.tp = SIP_TRANSP_TCP, .conn_id = 7};

	f.flow_err = ENOTCONN;
	ck_assert_uint_eq(run(n, &fl, NULL, 1, 600, "x-test", 0), 200);
	ck_assert_int_eq(f.sent, 1);
	ck_assert(!f.flow);
	/* a send error on a package NOTIFY is returned */
	answer(n, &f, 200, NULL, 10);
	f.send_err = ENOBUFS;
	ck_assert_int_eq(sip_sub_notify(f.sub, "a", 1, PKG_CTYPE, 20),
			 ENOBUFS);
	f.send_err = 0;
	ck_assert_str_eq(sip_sub_reason_name(SIP_SUB_REASON_BADFILTER),
			 "badfilter");
	ck_assert_str_eq(sip_sub_state_name(SIP_SUB_TERMINATED),
			 "terminated");
	sip_notifier_free(n);
}
END_TEST

/* T11 / RC-9: max-rate 0.001 with 300 s left is echoed as 1/300. */
START_TEST(test_sub_rc9)
{
	struct fake f;
	struct sip_notifier *n = mk(&f, 0);
	struct sip_rates r = {.max_rate = 2, .min_rate = 5,
			      .adaptive_min_rate = 3};

	f.set_rates = true;
	f.agree.max_rate = 0.001;
	ck_assert_uint_eq(run(n, NULL, NULL, 1, 300, "x-test;max-rate=0.001",
			      0), 200);
	ck_assert_str_eq(f.substate,
			 "active;expires=300;max-rate=0.0033333333");
	/* RC-14: min and adaptive lowered to max; min >= adaptive: gone */
	sip_rates_normalize(&r, 0);
	ck_assert(r.max_rate == 2 && r.adaptive_min_rate == 2);
	ck_assert(r.min_rate == 0);
	r.max_rate = 0;
	r.min_rate = 0.5;
	r.adaptive_min_rate = 1;
	sip_rates_normalize(&r, 10);
	ck_assert(r.min_rate == 0.5 && r.adaptive_min_rate == 1);
	sip_notifier_free(n);
}
END_TEST

/* Save, drop the notifier (restart), restore: CSeq and tags go on. */
START_TEST(test_sub_restore)
{
	struct fake f;
	struct sip_notifier *n = mk(&f, 0), *n2;
	struct sip_sub_rec rec;
	struct sip_sub *s2 = NULL;
	struct sip_dialog_rec drec;
	char ltag[64], callid[64], id[16], event[16];
	char rtarget[128], rtag[64], luri[128], ruri[128], route[128];
	uint32_t lseq;
	struct fake f2;

	ck_assert_uint_eq(run(n, NULL, NULL, 1, 600, "x-test;id=7", 0), 200);
	answer(n, &f, 200, NULL, 10);
	ck_assert_int_eq(sip_sub_save(f.sub, 100000, &rec), 0);
	ck_assert_uint_eq(rec.remaining, 500);
	ck_assert_str_eq(rec.event, "x-test");
	ck_assert_str_eq(rec.event_id, "7");
	ck_assert_int_eq(rec.state, SIP_SUB_ACTIVE);
	/* copy the strings out, as a database would */
	snprintf(ltag, sizeof(ltag), "%s", rec.dlg.ltag);
	snprintf(rtag, sizeof(rtag), "%s", rec.dlg.rtag);
	snprintf(callid, sizeof(callid), "%s", rec.dlg.callid);
	snprintf(luri, sizeof(luri), "%s", rec.dlg.luri);
	snprintf(ruri, sizeof(ruri), "%s", rec.dlg.ruri);
	snprintf(rtarget, sizeof(rtarget), "%s", rec.dlg.rtarget);
	snprintf(route, sizeof(route), "%s", rec.dlg.routev[0]);
	snprintf(id, sizeof(id), "%s", rec.event_id);
	snprintf(event, sizeof(event), "%s", rec.event);
	lseq = rec.dlg.lseq;
	ck_assert_uint_eq(rec.dlg.routec, 1);
	sip_notifier_free(n);

	n2 = mk(&f2, 0);
	memset(&drec, 0, sizeof(drec));
	drec.callid = callid;
	drec.ltag = ltag;
	drec.rtag = rtag;
	drec.luri = luri;
	drec.ruri = ruri;
	drec.rtarget = rtarget;
	drec.routev[0] = route;
	drec.routec = 1;
	drec.lseq = lseq;
	drec.rseq = 1;
	drec.rseq_set = true;
	rec.dlg = drec;
	rec.event = event;
	rec.event_id = id;
	rec.remaining = 400;
	ck_assert_int_eq(sip_notifier_restore(n2, &rec, &f2.state_tok,
					      5000, &s2), 0);
	ck_assert_int_eq(sip_notifier_restore(n2, &rec, &f2.state_tok,
					      5000, NULL), EEXIST);
	ck_assert_uint_eq(sip_notifier_count(n2), 1);
	ck_assert_uint_eq(sip_notifier_next_due(n2), 405000);
	ck_assert_int_eq(f2.sent, 0);
	ck_assert_int_eq(sip_sub_notify(s2, "r", 1, PKG_CTYPE, 6000), 0);
	ck_assert_uint_eq(f2.cseq, lseq + 1);
	ck_assert_str_eq(f2.substate, "active;expires=399");
	ck_assert_str_eq(f2.event, "x-test;id=7");
	answer(n2, &f2, 200, NULL, 7000);
	/* the subscriber's refresh finds it */
	ck_assert_uint_eq(run(n2, NULL, ltag, 2, 600, "x-test;id=7", 8000),
			  200);
	ck_assert_int_eq(f2.refreshes, 1);
	/* unknown package or nothing left: ENOENT */
	rec.event = "nosuch";
	ck_assert_int_eq(sip_notifier_restore(n2, &rec, NULL, 0, NULL),
			 ENOENT);
	sip_notifier_free(n2);
}
END_TEST

/* Issue 6, finding 3: restore finds duplicates through the (Call-ID,
 * local tag) hash, past its growth; the cap is checked first (RC-7
 * state kept across restarts). */
START_TEST(test_sub_restore_many)
{
	struct fake f;
	struct sip_notifier *n = mk(&f, 401);
	struct sip_sub_rec rec;
	char callid[32];
	unsigned i;

	memset(&rec, 0, sizeof(rec));
	rec.dlg.ltag = "lt";
	rec.dlg.rtag = "rt";
	rec.dlg.luri = "sip:alice@localhost";
	rec.dlg.ruri = "sip:bob@localhost";
	rec.dlg.rtarget = "sip:bob@127.0.0.1:5070";
	rec.dlg.callid = callid;
	rec.event = "x-test";
	rec.state = SIP_SUB_ACTIVE;
	for (i = 0; i < 400; i++) {
		snprintf(callid, sizeof(callid), "c-%u", i);
		rec.remaining = 1000 - i;
		ck_assert_int_eq(sip_notifier_restore(n, &rec, &f.state_tok, 0,
					      NULL),
				 0);
	}
	ck_assert_uint_eq(sip_notifier_count(n), 400);
	ck_assert_uint_eq(sip_notifier_next_due(n), 601000);
	for (i = 0; i < 400; i += 37) {
		snprintf(callid, sizeof(callid), "c-%u", i);
		ck_assert_int_eq(sip_notifier_restore(n, &rec, &f.state_tok, 0,
					      NULL),
				 EEXIST);
	}
	/* same dialog, another event id: a second subscription */
	snprintf(callid, sizeof(callid), "c-%u", 5);
	rec.event_id = "2";
	ck_assert_int_eq(sip_notifier_restore(n, &rec, &f.state_tok, 0,
					      NULL), 0);
	ck_assert_int_eq(sip_notifier_restore(n, &rec, &f.state_tok, 0,
					      NULL),
			 EOVERFLOW);
	rec.event_id = NULL;
	ck_assert_int_eq(sip_notifier_restore(n, &rec, &f.state_tok, 0,
					      NULL),
			 EOVERFLOW);
	ck_assert_uint_eq(sip_notifier_count(n), 401);
	/* expiry empties it in order */
	sip_notifier_tick(n, 700000);
	ck_assert_uint_eq(sip_notifier_count(n), 300);
	ck_assert_uint_eq(sip_notifier_next_due(n), 701000);
	sip_notifier_free(n);
}
END_TEST

/*
 * Issue 6: the dialog table keeps each subscription's hash and reuses it
 * when it grows and when a subscription leaves: 3,000 restored with
 * Call-IDs and tags of a counter and a fixed suffix (some sharing a
 * Call-ID with another local tag), half expired; the expired ones are
 * restored again (they left their chains), the live ones are found
 * (EEXIST), and an in-dialog SUBSCRIBE finds its restored dialog.
 */
START_TEST(test_sub_restore_hash)
{
	enum { N = 3000 };
	struct fake f;
	struct sip_notifier *n = mk(&f, 0);
	struct sip_sub_rec rec;
	char callid[64], ltag[64];
	unsigned i;

	memset(&rec, 0, sizeof(rec));
	rec.dlg.callid = callid;
	rec.dlg.ltag = ltag;
	rec.dlg.rtag = "wt1";
	rec.dlg.luri = "sip:alice@locd.example.com";
	rec.dlg.ruri = "sip:w@example.net";
	rec.dlg.rtarget = "sip:w@192.0.2.7:5080";
	rec.dlg.rseq = 1;
	rec.dlg.rseq_set = true;
	rec.event = "x-test";
	rec.state = SIP_SUB_ACTIVE;
	for (i = 0; i < N; i++) {
		/* every tenth shares the Call-ID of the one before */
		snprintf(callid, sizeof(callid),
			 "c%u.6b023ece04a0e-nls18955-0", i - (i % 10 == 1));
		snprintf(ltag, sizeof(ltag), "l%u.6b023ece04a0e", i);
		rec.remaining = i % 2 ? 100 : 5000;
		ck_assert_int_eq(sip_notifier_restore(n, &rec, &f.state_tok,
						      0, NULL), 0);
	}
	ck_assert_uint_eq(sip_notifier_count(n), N);
	sip_notifier_tick(n, 200000);
	ck_assert_uint_eq(sip_notifier_count(n), N / 2);
	for (i = 0; i < N; i++) {
		snprintf(callid, sizeof(callid),
			 "c%u.6b023ece04a0e-nls18955-0", i - (i % 10 == 1));
		snprintf(ltag, sizeof(ltag), "l%u.6b023ece04a0e", i);
		rec.remaining = 5000;
		ck_assert_int_eq(sip_notifier_restore(n, &rec, &f.state_tok,
						      200000, NULL),
				 i % 2 ? 0 : EEXIST);
	}
	ck_assert_uint_eq(sip_notifier_count(n), N);
	/* the Call-ID of sub_msg, the local tag as its To tag */
	snprintf(callid, sizeof(callid), "sc1@192.0.2.7");
	snprintf(ltag, sizeof(ltag), "l-in-dialog");
	ck_assert_int_eq(sip_notifier_restore(n, &rec, &f.state_tok, 200000,
					      NULL), 0);
	ck_assert_uint_eq(run(n, NULL, "l-in-dialog", 2, 600, "x-test",
			      201000), 200);
	ck_assert_int_eq(f.refreshes, 1);
	ck_assert_uint_eq(run(n, NULL, "l-other", 2, 600, "x-test", 201000),
			  481);
	ck_assert_uint_eq(sip_notifier_count(n), N + 1);
	sip_notifier_free(n);
}
END_TEST

/*
 * Issue 6: a NOTIFY waiting for the one in flight is kept in its own
 * allocation (content type and body), only the newest; a content type
 * over 127 bytes is refused and the older queued one stays; Event ids
 * are kept with the subscription: empty, at the cap, over it, or with a
 * CR refused on restore; ending with one queued frees it (ASan).
 */
START_TEST(test_sub_queue_mem)
{
	struct fake f;
	struct sip_notifier *n = mk(&f, 0);
	char ctype[160], id[SIP_EVT_ID_MAX + 2];
	struct sip_sub_rec rec;
	struct sip_sub *s = NULL;

	ck_assert_uint_eq(run(n, NULL, NULL, 1, 600, "x-test;id=q1", 0), 200);
	ck_assert_int_eq(f.sent, 1);              /* first NOTIFY in flight */
	ck_assert_int_eq(sip_sub_notify(f.sub, "old", 3, "text/a", 10), 0);
	ck_assert_int_eq(sip_sub_notify(f.sub, "newer", 5, "text/b", 20), 0);
	memset(ctype, 'a', sizeof(ctype) - 1);
	ctype[sizeof(ctype) - 1] = '\0';
	ck_assert_int_eq(sip_sub_notify(f.sub, "x", 1, ctype, 30), EOVERFLOW);
	ctype[128] = '\0';                        /* 128 bytes: too long */
	ck_assert_int_eq(sip_sub_notify(f.sub, "x", 1, ctype, 30), EOVERFLOW);
	ck_assert_int_eq(f.sent, 1);
	answer(n, &f, 200, NULL, 40);
	ck_assert_int_eq(f.sent, 2);
	ck_assert_str_eq(f.body, "newer");
	ck_assert_str_eq(f.ctype, "text/b");
	ck_assert_str_eq(f.event, "x-test;id=q1");
	/* a bodiless one queued, sent without body */
	ck_assert_int_eq(sip_sub_notify(f.sub, NULL, 0, NULL, 50), 0);
	ck_assert_int_eq(f.sent, 2);
	ctype[127] = '\0';                        /* 127 bytes: fits */
	ck_assert_int_eq(sip_sub_notify(f.sub, "y", 1, ctype, 55), 0);
	ck_assert_int_eq(sip_sub_notify(f.sub, NULL, 0, NULL, 60), 0);
	answer(n, &f, 200, NULL, 70);
	ck_assert_int_eq(f.sent, 3);
	ck_assert_str_eq(f.body, "");
	ck_assert_str_eq(f.ctype, "");
	/* one in flight, one queued: ended by an unsubscribe */
	ck_assert_int_eq(sip_sub_notify(f.sub, "z", 1, "text/c", 80), 0);
	ck_assert_uint_eq(run(n, NULL, f.to_tag, 2, 0, "x-test;id=q1", 90),
			  200);
	ck_assert_int_eq(f.closes, 1);

	/* restore: Event id limits */
	memset(&rec, 0, sizeof(rec));
	rec.dlg.callid = "cq";
	rec.dlg.ltag = "lq";
	rec.dlg.rtarget = "sip:bob@127.0.0.1:5070";
	rec.event = "x-test";
	rec.state = SIP_SUB_ACTIVE;
	rec.remaining = 100;
	memset(id, '7', sizeof(id) - 1);
	id[sizeof(id) - 1] = '\0';
	rec.event_id = id;                        /* cap + 1 */
	ck_assert_int_eq(sip_notifier_restore(n, &rec, NULL, 0, &s),
			 EOVERFLOW);
	rec.event_id = "a\rb";
	ck_assert_int_eq(sip_notifier_restore(n, &rec, NULL, 0, &s), EINVAL);
	ck_assert_ptr_null(s);
	id[SIP_EVT_ID_MAX] = '\0';                /* at the cap */
	rec.event_id = id;
	ck_assert_int_eq(sip_notifier_restore(n, &rec, NULL, 0, &s), 0);
	ck_assert_int_eq(sip_sub_save(s, 0, &rec), 0);
	ck_assert_str_eq(rec.event_id, id);
	rec.event_id = "";                        /* empty: another one */
	ck_assert_int_eq(sip_notifier_restore(n, &rec, NULL, 0, &s), 0);
	ck_assert_int_eq(sip_sub_save(s, 0, &rec), 0);
	ck_assert_str_eq(rec.event_id, "");
	ck_assert_int_eq(sip_notifier_restore(n, &rec, NULL, 0, NULL), EEXIST);
	rec.event_id = NULL;                      /* none: a third */
	ck_assert_int_eq(sip_notifier_restore(n, &rec, NULL, 0, &s), 0);
	ck_assert_int_eq(sip_sub_save(s, 0, &rec), 0);
	ck_assert_ptr_null(rec.event_id);
	ck_assert_uint_eq(sip_notifier_count(n), 3);
	sip_notifier_free(n);
}
END_TEST

/* A rates callback may end the subscription, even when the final
 * NOTIFY cannot be sent (the subscription is freed after it returns). */
START_TEST(test_sub_end_in_callback)
{
	struct fake f;
	struct sip_notifier *n = mk(&f, 0);

	ck_assert_uint_eq(run(n, NULL, NULL, 1, 600, "x-test", 0), 200);
	f.end_in_rates = true;
	f.send_err = EIO;
	answer(n, &f, 200, "x-test;max-rate=2", 10);
	ck_assert_int_eq(f.rates_calls, 1);
	ck_assert_int_eq(f.closes, 1);
	ck_assert_int_eq(f.close_reason, SIP_SUB_REASON_REJECTED);
	ck_assert_uint_eq(sip_notifier_count(n), 0);
	sip_notifier_free(n);
}
END_TEST

static int tag_h(char *buf, size_t size, void *arg)
{
	struct fake *f = arg;

	snprintf(buf, size, "t%d", ++f->state_tok);
	return 0;
}

/* A tag maker gives predictable To tags (tests, fuzzing). */
START_TEST(test_sub_tagh)
{
	struct fake f;
	struct sip_notifier *n = mk(&f, 0), *n2;
	struct sip_notifier_conf c = {
		.contact_user = "locd", .replyh = fake_reply,
		.sendh = fake_send, .tagh = tag_h, .arg = &f};
	struct sip_evt_pkg p = {
		.name = "x-test", .expires_default = 3600,
		.accepth = pkg_accept, .bodyh = pkg_body, .arg = &f};

	sip_notifier_free(n);
	ck_assert_int_eq(sip_notifier_alloc(&n2, &c), 0);
	ck_assert_int_eq(sip_notifier_pkg_add(n2, &p), 0);
	ck_assert_uint_eq(run(n2, NULL, NULL, 1, 600, "x-test", 0), 200);
	ck_assert_str_eq(f.to_tag, "t1");
	ck_assert_uint_eq(run(n2, NULL, "t1", 2, 600, "x-test", 10), 200);
	ck_assert_int_eq(f.refreshes, 1);
	sip_notifier_free(n2);
}
END_TEST

TCase *tcase_sub(void);
TCase *tcase_sub(void)
{
	TCase *tc = tcase_create("sub");

	tcase_add_test(tc, test_sub_accept);
	tcase_add_test(tc, test_sub_expires);
	tcase_add_test(tc, test_sub_489);
	tcase_add_test(tc, test_sub_481);
	tcase_add_test(tc, test_sub_refresh);
	tcase_add_test(tc, test_sub_unsubscribe);
	tcase_add_test(tc, test_sub_fetch);
	tcase_add_test(tc, test_sub_expiry);
	tcase_add_test(tc, test_sub_notify_fail);
	tcase_add_test(tc, test_sub_rates);
	tcase_add_test(tc, test_sub_refuse);
	tcase_add_test(tc, test_sub_pending_queue);
	tcase_add_test(tc, test_sub_limits);
	tcase_add_test(tc, test_sub_flow_gone);
	tcase_add_test(tc, test_sub_rc9);
	tcase_add_test(tc, test_sub_restore);
	tcase_add_test(tc, test_sub_restore_many);
	tcase_add_test(tc, test_sub_restore_hash);
	tcase_add_test(tc, test_sub_queue_mem);
	tcase_add_test(tc, test_sub_end_in_callback);
	tcase_add_test(tc, test_sub_tagh);
	return tc;
}
