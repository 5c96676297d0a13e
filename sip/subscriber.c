/*
 * subscriber.c: RFC 6665 subscriber side for the tools: initial
 * SUBSCRIBE, 2xx/423/401 handling, NOTIFY answers (200 or 481), refresh
 * ahead of expiry, unsubscribe (EV-14, EV-26, EV-28).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sip/event_int.h"
#include "sip/sip_event.h"

/* 423 retries in a row before giving up. */
#define RETRIES_423 3
/* How long to wait for the final NOTIFY after unsubscribing, ms. */
#define UNSUB_WAIT_MS 32000u

struct sip_subscriber {
	struct evt_client c;
	char *accept, *ctype;
	void *body;
	size_t body_len;
	struct sip_rates rates;
	sip_subr_notify_h *notifyh;
	sip_subr_close_h *closeh;
	void *harg;

	enum sip_subr_state state;
	struct sip_dialog dlg;
	bool has_dlg;
	bool busy;                /* a SUBSCRIBE in flight */
	bool unsubscribing;
	uint32_t want, sent;      /* Expires to ask, Expires asked */
	uint32_t sent_cseq;
	uint64_t expires_at, refresh_at; /* 0: none */
	unsigned retries;
};

const char *sip_subr_state_name(enum sip_subr_state st)
{
	switch (st) {
	case SIP_SUBR_IDLE:
		return "idle";
	case SIP_SUBR_TRYING:
		return "trying";
	case SIP_SUBR_PENDING:
		return "pending";
	case SIP_SUBR_ACTIVE:
		return "active";
	case SIP_SUBR_TERMINATED:
		return "terminated";
	}
	return "?";
}

int sip_subscriber_alloc(struct sip_subscriber **sp,
			 const struct sip_subscriber_conf *conf)
{
	struct sip_subscriber *s;
	int err;

	if (!sp || !conf || conf->body_len > SIP_EVT_BODY_MAX ||
	    (conf->body_len && (!conf->body || !conf->ctype)))
		return EINVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return ENOMEM;
	sip_dialog_init(&s->dlg);
	err = evt_client_init(&s->c, &conf->c);
	if (!err && !conf->c.replyh)
		err = EINVAL;
	if (!err)
		err = evt_strdup(&s->accept, conf->accept,
				 SIP_DIALOG_FIELD_MAX);
	if (!err)
		err = evt_strdup(&s->ctype, conf->ctype, SIP_EVT_NAME_MAX * 2);
	if (!err && conf->body_len) {
		s->body = malloc(conf->body_len);
		if (!s->body)
			err = ENOMEM;
		else
			memcpy(s->body, conf->body, conf->body_len);
		s->body_len = conf->body_len;
	}
	if (err) {
		sip_subscriber_free(s);
		return err;
	}
	s->rates = conf->rates;
	s->notifyh = conf->notifyh;
	s->closeh = conf->closeh;
	s->harg = conf->harg;
	s->want = s->c.expires;
	*sp = s;
	return 0;
}

void sip_subscriber_free(struct sip_subscriber *s)
{
	if (!s)
		return;
	evt_client_reset(&s->c);
	sip_dialog_reset(&s->dlg);
	free(s->accept);
	free(s->ctype);
	free(s->body);
	free(s);
}

static void subr_end(struct sip_subscriber *s, enum sip_sub_reason reason,
		     uint16_t scode)
{
	if (s->state == SIP_SUBR_TERMINATED)
		return;
	s->state = SIP_SUBR_TERMINATED;
	s->expires_at = s->refresh_at = 0;
	if (s->closeh)
		s->closeh(s, reason, scode, s->harg);
}

/* Send a SUBSCRIBE asking for expires (in the dialog once there is one). */
static int subr_send(struct sip_subscriber *s, uint32_t expires)
{
	struct sip_dialog_req *st;
	struct sip_req_desc rd;
	struct sip_hdr_out hv[4];
	struct sip_buf ev;
	char exp[16];
	size_t hc = 0;
	int err;

	st = malloc(sizeof(*st));
	if (!st)
		return ENOMEM;
	sip_buf_init(&ev, SIP_EVT_NAME_MAX + 96);
	err = sip_buf_append_str(&ev, s->c.event);
	if (!err)
		err = evt_print_rates(&ev, &s->rates);
	if (err)
		goto out;
	if (s->has_dlg) {
		err = sip_dialog_req_fill(&s->dlg, "SUBSCRIBE", st, &rd);
		rd.contact_user = s->c.contact_user;
	} else {
		err = evt_client_fill(&s->c, "SUBSCRIBE", &rd);
	}
	if (err)
		goto out;
	snprintf(exp, sizeof(exp), "%u", (unsigned)expires);
	hv[hc].id = SIP_HDR_EVENT;
	hv[hc].name = NULL;
	hv[hc].val.p = ev.p;
	hv[hc++].val.l = ev.len;
	hv[hc].id = SIP_HDR_EXPIRES;
	hv[hc].name = NULL;
	sip_pl_set_str(&hv[hc++].val, exp);
	if (s->accept) {
		hv[hc].id = SIP_HDR_ACCEPT;
		hv[hc].name = NULL;
		sip_pl_set_str(&hv[hc++].val, s->accept);
	}
	/* the filter goes in every SUBSCRIBE but an unsubscribe (EV-4) */
	if (s->body_len && expires) {
		rd.ctype = s->ctype;
		rd.body = s->body;
		rd.body_len = s->body_len;
	}
	err = evt_client_authz(&s->c, &rd, hv, &hc);
	if (err)
		goto out;
	rd.hdrv = hv;
	rd.hdrc = hc;
	err = s->c.sendh(&rd, s, s->c.arg);
	if (!err) {
		s->busy = true;
		s->sent = expires;
		s->sent_cseq = rd.cseq;
	}
out:
	sip_buf_reset(&ev);
	free(st);
	return err;
}

int sip_subscriber_start(struct sip_subscriber *s, uint64_t now)
{
	int err;

	(void)now;
	if (!s)
		return EINVAL;
	if (s->state != SIP_SUBR_IDLE)
		return EALREADY;
	err = subr_send(s, s->want);
	if (!err)
		s->state = SIP_SUBR_TRYING;
	return err;
}

static void subr_ok(struct sip_subscriber *s, const struct sip_msg *resp,
		    uint64_t now)
{
	struct sip_dialog_uac u = {
		.callid = s->c.callid, .ltag = s->c.ltag, .luri = s->c.from,
		.ruri = s->c.ruri, .lseq = s->sent_cseq};
	uint32_t e = evt_resp_expires(resp, s->sent);

	if (!s->has_dlg) {
		if (sip_dialog_uac_create(&s->dlg, &u, resp) != 0) {
			subr_end(s, SIP_SUB_REASON_FAILED, resp->scode);
			return;
		}
		s->has_dlg = true;
	}
	s->retries = 0;
	if (s->unsubscribing || e == 0) {
		/* the final NOTIFY follows (EV-23); do not wait forever */
		s->refresh_at = 0;
		s->expires_at = now + UNSUB_WAIT_MS;
		return;
	}
	s->expires_at = now + (uint64_t)e * 1000;
	s->refresh_at = evt_refresh_at(now, e);
	if (s->state == SIP_SUBR_TRYING)
		s->state = SIP_SUBR_ACTIVE;
}

void sip_subscriber_response(struct sip_subscriber *s, int err,
			     uint16_t scode, const struct sip_msg *resp,
			     uint64_t now)
{
	bool initial;

	if (!s || (!err && scode < 200))
		return;
	s->busy = false;
	if (s->state == SIP_SUBR_TERMINATED)
		return;
	initial = !s->has_dlg;
	if (err || !resp) {
		/* no answer: the initial one fails, a refresh may retry */
		if (initial || s->unsubscribing)
			subr_end(s, SIP_SUB_REASON_FAILED,
				 scode ? scode : 408);
		return;
	}
	if (scode != 401 && scode != 407)
		s->c.auth_tries = 0;
	if (scode < 300) {
		subr_ok(s, resp, now); /* 202 is 200 (EV-14) */
		return;
	}
	if (scode == 423 && resp->has_min_expires &&
	    resp->min_expires > s->sent && s->retries++ < RETRIES_423) {
		s->want = resp->min_expires;
		if (subr_send(s, s->want) == 0)
			return;
	} else if ((scode == 401 || scode == 407) &&
		   evt_client_challenge(&s->c, resp) == 0) {
		if (subr_send(s, s->sent) == 0)
			return;
	} else if (!initial && scode != 481 && !s->unsubscribing) {
		return; /* RFC 6665 §4.1.2.2: kept until it expires */
	}
	subr_end(s, SIP_SUB_REASON_FAILED, scode);
}

bool sip_subscriber_match(const struct sip_subscriber *s,
			  const struct sip_msg *req)
{
	if (!s || !req || !req->req || !req->has_event)
		return false;
	if (!sip_pl_eq_str(&req->callid, s->c.callid) ||
	    !sip_pl_eq_str(&req->to.tag, s->c.ltag) ||
	    !sip_pl_eq_str(&req->event.package, s->c.event))
		return false;
	/* one dialog only: NOTIFYs of other forks are not ours */
	return !s->has_dlg || sip_pl_eq_str(&req->from.tag, s->dlg.rtag);
}

static uint16_t subr_reply(struct sip_subscriber *s, void *txn,
			   uint16_t scode, const char *warning)
{
	struct evt_reply r;

	evt_reply_init(&r, scode);
	if (warning)
		evt_reply_warning(&r, "locd", warning);
	(void)s->c.replyh(txn, &r.rd, s->c.arg);
	return scode;
}

static enum sip_sub_reason reason_of(const struct sip_pl *r)
{
	enum sip_sub_reason i;

	for (i = SIP_SUB_REASON_DEACTIVATED; i < SIP_SUB_REASON_FAILED; i++)
		if (sip_pl_casecmp_str(r, sip_sub_reason_name(i)) == 0)
			return i;
	return SIP_SUB_REASON_NONE;
}

uint16_t sip_subscriber_notify(struct sip_subscriber *s, void *txn,
			       const struct sip_msg *req, uint64_t now)
{
	struct sip_dialog_uac u;
	struct sip_pl ct = {NULL, 0};
	const struct sip_substate_hdr *ss;
	int err;

	if (!s || !req)
		return 0;
	if (!sip_subscriber_match(s, req) ||
	    s->state == SIP_SUBR_TERMINATED || s->state == SIP_SUBR_IDLE)
		return subr_reply(s, txn, 481, NULL);
	if (!req->has_substate)
		return subr_reply(s, txn, 400, "no Subscription-State");
	if (!s->has_dlg) {
		/* the NOTIFY overtook the 2xx (RFC 6665 §4.1.2.4) */
		memset(&u, 0, sizeof(u));
		u.callid = s->c.callid;
		u.ltag = s->c.ltag;
		u.luri = s->c.from;
		u.ruri = s->c.ruri;
		u.lseq = s->sent_cseq;
		if (sip_dialog_uac_create(&s->dlg, &u, req) != 0)
			return subr_reply(s, txn, 400, "bad Contact");
		s->has_dlg = true;
	} else {
		err = sip_dialog_request_recv(&s->dlg, req);
		if (err == EPROTO)
			return subr_reply(s, txn, 500, "CSeq out of order");
		if (err)
			return subr_reply(s, txn, 400, "bad Contact");
	}
	subr_reply(s, txn, 200, NULL);
	ss = &req->substate;
	if (sip_pl_isset(&req->ctype.type)) {
		ct.p = req->ctype.type.p;
		ct.l = (size_t)(req->ctype.subtype.p + req->ctype.subtype.l -
				req->ctype.type.p);
	}
	if (ss->state == SIP_SUBSTATE_ACTIVE)
		s->state = SIP_SUBR_ACTIVE;
	else if (ss->state == SIP_SUBSTATE_PENDING)
		s->state = SIP_SUBR_PENDING;
	if (ss->has_expires && ss->state != SIP_SUBSTATE_TERMINATED &&
	    !s->unsubscribing) {
		uint64_t at = now + (uint64_t)ss->expires * 1000;
		if (!s->expires_at || at < s->expires_at) {
			/* the notifier may shorten, never lengthen */
			s->expires_at = at;
			s->refresh_at = evt_refresh_at(now, ss->expires);
		}
	}
	if (s->notifyh)
		s->notifyh(s, ss->state, &ss->reason, &ct, &req->body,
			   s->harg);
	if (ss->state == SIP_SUBSTATE_TERMINATED)
		subr_end(s, reason_of(&ss->reason), 0);
	return 200;
}

int sip_subscriber_unsubscribe(struct sip_subscriber *s, uint64_t now)
{
	int err;

	(void)now;
	if (!s)
		return EINVAL;
	if (!s->has_dlg || s->state == SIP_SUBR_TERMINATED)
		return ENOENT;
	if (s->busy || s->unsubscribing)
		return EALREADY;
	s->unsubscribing = true;
	err = subr_send(s, 0);
	if (err)
		s->unsubscribing = false;
	return err;
}

void sip_subscriber_tick(struct sip_subscriber *s, uint64_t now)
{
	if (!s || s->state == SIP_SUBR_TERMINATED ||
	    s->state == SIP_SUBR_IDLE)
		return;
	if (s->expires_at && now >= s->expires_at) {
		subr_end(s, SIP_SUB_REASON_TIMEOUT, 0);
		return;
	}
	if (s->refresh_at && now >= s->refresh_at && !s->busy &&
	    s->has_dlg && !s->unsubscribing) {
		if (subr_send(s, s->want) == 0)
			s->refresh_at = 0; /* set again by the 2xx */
	}
}

uint64_t sip_subscriber_next_due(const struct sip_subscriber *s)
{
	uint64_t due = UINT64_MAX;

	if (!s || s->state == SIP_SUBR_TERMINATED)
		return due;
	if (s->expires_at)
		due = s->expires_at;
	if (s->refresh_at && s->refresh_at < due)
		due = s->refresh_at;
	return due;
}

enum sip_subr_state sip_subscriber_state(const struct sip_subscriber *s)
{
	return s ? s->state : SIP_SUBR_TERMINATED;
}

const struct sip_dialog *sip_subscriber_dialog(
	const struct sip_subscriber *s)
{
	return s && s->has_dlg ? &s->dlg : NULL;
}
