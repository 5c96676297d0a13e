/*
 * test_subr.c: sip/subscriber.c edge cases with hand-made peer messages:
 * a NOTIFY that overtakes the 2xx (RFC 6665 §4.1.2.4), 202 taken as 200
 * (EV-14), the notifier shortening expires (EV-21), refresh failures
 * (481 ends, 500 keeps: RFC 6665 §4.1.2.2, EV-26), an initial timeout,
 * expiry without refresh, NOTIFY CSeq order and missing
 * Subscription-State.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sip/sip.h"
#include "sip/sip_event.h"

struct rec {
	int sent, replies, notifies, closes;
	char method[16], ruri[128], to[128], expires[16];
	uint32_t cseq;
	char callid[64], ftag[64];
	uint16_t reply, close_scode;
	enum sip_sub_reason reason;
};

static int r_send(const struct sip_req_desc *rd, void *ctx, void *arg)
{
	struct rec *r = arg;
	size_t i;

	(void)ctx;
	r->sent++;
	snprintf(r->method, sizeof(r->method), "%s", rd->method);
	snprintf(r->ruri, sizeof(r->ruri), "%s", rd->ruri);
	snprintf(r->to, sizeof(r->to), "%s", rd->to);
	snprintf(r->callid, sizeof(r->callid), "%s", rd->callid);
	/* "<sip:w@example.net>;tag=XXXX" */
	snprintf(r->ftag, sizeof(r->ftag), "%s",
		 strstr(rd->from, ";tag=") + 5);
	r->cseq = rd->cseq;
	r->expires[0] = '\0';
	for (i = 0; i < rd->hdrc; i++)
		if (rd->hdrv[i].id == SIP_HDR_EXPIRES)
			snprintf(r->expires, sizeof(r->expires), "%.*s",
				 (int)rd->hdrv[i].val.l, rd->hdrv[i].val.p);
	return 0;
}

static int r_reply(void *txn, const struct sip_reply_desc *rd, void *arg)
{
	struct rec *r = arg;

	(void)txn;
	r->replies++;
	r->reply = rd->scode;
	return 0;
}

static void r_notify(struct sip_subscriber *s, enum sip_substate st,
		     const struct sip_pl *reason, const struct sip_pl *ct,
		     const struct sip_pl *body, void *arg)
{
	(void)s;
	(void)st;
	(void)reason;
	(void)ct;
	(void)body;
	((struct rec *)arg)->notifies++;
}

static void r_close(struct sip_subscriber *s, enum sip_sub_reason reason,
		    uint16_t scode, void *arg)
{
	struct rec *r = arg;

	(void)s;
	r->closes++;
	r->reason = reason;
	r->close_scode = scode;
}

static struct sip_subscriber *mk(struct rec *r)
{
	struct sip_subscriber_conf c = {
		.c = {.target = "sip:alice@192.0.2.1",
		      .from = "sip:w@example.net", .contact_user = "w",
		      .event = "presence", .expires = 600,
		      .sendh = r_send, .replyh = r_reply, .arg = r},
		.notifyh = r_notify, .closeh = r_close, .harg = r};
	struct sip_subscriber *s = NULL;

	memset(r, 0, sizeof(*r));
	ck_assert_int_eq(sip_subscriber_alloc(&s, &c), 0);
	ck_assert_int_eq(sip_subscriber_start(s, 0), 0);
	ck_assert_str_eq(r->method, "SUBSCRIBE");
	ck_assert_str_eq(r->expires, "600");
	ck_assert_str_eq(r->to, "<sip:alice@192.0.2.1>");
	return s;
}

static struct sip_msg *parse(const char *p)
{
	struct sip_msg *m = NULL;
	struct sip_err err = {0};

	ck_assert_msg(sip_msg_parse(&m, p, strlen(p), SIP_PARSE_DGRAM, NULL,
				    &err) == 0, "%s", err.reason);
	return m;
}

/* A response to the last request, from the notifier (tag nt1). */
static void resp(struct sip_subscriber *s, struct rec *r, uint16_t sc,
		 const char *extra, uint64_t now)
{
	char buf[1024];
	struct sip_msg *m;

	snprintf(buf, sizeof(buf),
		 "SIP/2.0 %u X\r\n"
		 "Via: SIP/2.0/UDP 192.0.2.9;branch=z9hG4bKx\r\n"
		 "From: <sip:w@example.net>;tag=%s\r\n"
		 "To: <sip:alice@192.0.2.1>;tag=nt1\r\n"
		 "Call-ID: %s\r\nCSeq: %u SUBSCRIBE\r\n"
		 "Contact: <sip:n@192.0.2.1>\r\n%s\r\n",
		 sc, r->ftag, r->callid, r->cseq, extra);
	m = parse(buf);
	sip_subscriber_response(s, 0, sc, m, now);
	sip_msg_free(m);
}

/* A NOTIFY from the notifier with CSeq cseq and Subscription-State ss. */
static uint16_t notify(struct sip_subscriber *s, struct rec *r,
		       unsigned cseq, const char *ss, uint64_t now)
{
	char buf[1024], ssh[128] = "";
	struct sip_msg *m;
	uint16_t sc;

	if (ss)
		snprintf(ssh, sizeof(ssh), "Subscription-State: %s\r\n", ss);
	snprintf(buf, sizeof(buf),
		 "NOTIFY sip:w@192.0.2.9 SIP/2.0\r\n"
		 "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKn%u\r\n"
		 "From: <sip:alice@192.0.2.1>;tag=nt1\r\n"
		 "To: <sip:w@example.net>;tag=%s\r\n"
		 "Call-ID: %s\r\nCSeq: %u NOTIFY\r\n"
		 "Contact: <sip:n@192.0.2.1>\r\nEvent: presence\r\n%s\r\n",
		 cseq, r->ftag, r->callid, cseq, ssh);
	m = parse(buf);
	sc = sip_subscriber_notify(s, NULL, m, now);
	ck_assert_uint_eq(r->reply, sc);
	sip_msg_free(m);
	return sc;
}

/* NOTIFY before the 2xx makes the dialog; the 2xx (202) joins it. */
START_TEST(test_subr_notify_first)
{
	struct rec r;
	struct sip_subscriber *s = mk(&r);

	ck_assert_uint_eq(notify(s, &r, 1, "pending;expires=600", 10), 200);
	ck_assert_int_eq(sip_subscriber_state(s), SIP_SUBR_PENDING);
	ck_assert_ptr_nonnull(sip_subscriber_dialog(s));
	ck_assert_str_eq(sip_subscriber_dialog(s)->rtag, "nt1");
	resp(s, &r, 202, "Expires: 600\r\n", 20);
	ck_assert_int_eq(sip_subscriber_state(s), SIP_SUBR_PENDING);
	ck_assert_uint_eq(notify(s, &r, 2, "active;expires=300", 30), 200);
	ck_assert_int_eq(sip_subscriber_state(s), SIP_SUBR_ACTIVE);
	/* shortened to 300 s: refresh 32 s before that */
	ck_assert_uint_eq(sip_subscriber_next_due(s), 30 + 268000);
	/* an old CSeq: 500; no Subscription-State: 400 */
	ck_assert_uint_eq(notify(s, &r, 2, "active;expires=300", 40), 500);
	ck_assert_uint_eq(notify(s, &r, 3, NULL, 40), 400);
	ck_assert_int_eq(r.notifies, 2);
	sip_subscriber_free(s);
}
END_TEST

/* Refresh: 500 keeps the subscription, 481 ends it. */
START_TEST(test_subr_refresh_fail)
{
	struct rec r;
	struct sip_subscriber *s = mk(&r);

	resp(s, &r, 200, "Expires: 600\r\n", 0);
	ck_assert_int_eq(sip_subscriber_state(s), SIP_SUBR_ACTIVE);
	sip_subscriber_tick(s, 568000);
	ck_assert_int_eq(r.sent, 2);
	ck_assert_str_eq(r.ruri, "sip:n@192.0.2.1");
	ck_assert_str_eq(r.to, "<sip:alice@192.0.2.1>;tag=nt1");
	resp(s, &r, 500, "", 568100);
	ck_assert_int_eq(r.closes, 0);
	/* it still expires at 600 s without a successful refresh */
	ck_assert_uint_eq(sip_subscriber_next_due(s), 600000);
	sip_subscriber_tick(s, 600000);
	ck_assert_int_eq(r.closes, 1);
	ck_assert_int_eq(r.reason, SIP_SUB_REASON_TIMEOUT);
	sip_subscriber_free(s);

	s = mk(&r);
	resp(s, &r, 200, "Expires: 600\r\n", 0);
	sip_subscriber_tick(s, 568000);
	resp(s, &r, 481, "", 568100);
	ck_assert_int_eq(r.closes, 1);
	ck_assert_int_eq(r.reason, SIP_SUB_REASON_FAILED);
	ck_assert_uint_eq(r.close_scode, 481);
	/* NOTIFYs after the end get 481 */
	ck_assert_uint_eq(notify(s, &r, 5, "active;expires=30", 568200),
			  481);
	sip_subscriber_free(s);
}
END_TEST

/* The initial SUBSCRIBE times out or is refused: ended with the code. */
START_TEST(test_subr_initial_fail)
{
	struct rec r;
	struct sip_subscriber *s = mk(&r);

	sip_subscriber_response(s, ETIMEDOUT, 408, NULL, 32000);
	ck_assert_int_eq(r.closes, 1);
	ck_assert_uint_eq(r.close_scode, 408);
	ck_assert_int_eq(sip_subscriber_state(s), SIP_SUBR_TERMINATED);
	sip_subscriber_free(s);

	s = mk(&r);
	resp(s, &r, 489, "Allow-Events: location\r\n", 10);
	ck_assert_int_eq(r.closes, 1);
	ck_assert_uint_eq(r.close_scode, 489);
	sip_subscriber_free(s);

	/* 423 retries with Min-Expires (new CSeq, same Call-ID) */
	s = mk(&r);
	resp(s, &r, 423, "Min-Expires: 1200\r\n", 10);
	ck_assert_int_eq(r.sent, 2);
	ck_assert_str_eq(r.expires, "1200");
	ck_assert_uint_eq(r.cseq, 2);
	/* 401 without credentials configured: ended */
	resp(s, &r, 401, "WWW-Authenticate: Digest realm=\"x\", "
			 "nonce=\"abc\", qop=\"auth\"\r\n", 20);
	ck_assert_int_eq(r.closes, 1);
	ck_assert_uint_eq(r.close_scode, 401);
	ck_assert_str_eq(sip_subr_state_name(SIP_SUBR_TERMINATED),
			 "terminated");
	sip_subscriber_free(s);
}
END_TEST

TCase *tcase_subr(void);
TCase *tcase_subr(void)
{
	TCase *tc = tcase_create("subr");

	tcase_add_test(tc, test_subr_notify_first);
	tcase_add_test(tc, test_subr_refresh_fail);
	tcase_add_test(tc, test_subr_initial_fail);
	return tc;
}
