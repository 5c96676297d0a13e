/*
 * sipio.c: the notifier and the ESC of sip/sip_event.h on the daemon's
 * stack, with Digest in front (SEC-6, EV-16: 401, never 407): SUBSCRIBE
 * and PUBLISH handlers, NOTIFY client transactions, one expiry timer.
 * Written here rather than using sip_evt_node because the node has no
 * place for authentication.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "locd/locd_int.h"

#define CHAL_N 2

/* A NOTIFY in flight. */
struct io_ct {
	struct io_ct *prev, *next;
	struct locd_sipio *io;
	struct sip_sub *sub;
	struct sip_ctrans *ct;
};

struct locd_sipio {
	struct locd *d;
	struct sip_notifier *n;
	struct sip_esc *e;
	struct sip_timer timer;
	struct io_ct *cts;
};

static void timer_h(void *arg);

void locd_sipio_rearm(struct locd *d)
{
	struct locd_sipio *io = d->io;
	uint64_t due, d2, now;

	if (!io)
		return;
	due = sip_notifier_next_due(io->n);
	d2 = sip_esc_next_due(io->e);
	if (d2 < due)
		due = d2;
	if (due == UINT64_MAX) {
		sip_timer_cancel(&io->timer);
		return;
	}
	now = sip_stack_now(d->st);
	if (sip_timer_start(d->st, &io->timer, due > now ? due - now : 0,
			    timer_h, io))
		sip_timer_cancel(&io->timer);
}

static void timer_h(void *arg)
{
	struct locd_sipio *io = arg;
	uint64_t now = sip_stack_now(io->d->st);

	sip_notifier_tick(io->n, now);
	sip_esc_tick(io->e, now);
	locd_metric_set(io->d->std.active_subscriptions,
			(double)sip_notifier_count(io->n));
	locd_sipio_rearm(io->d);
}

static int reply_h(void *txn, const struct sip_reply_desc *rd, void *arg)
{
	(void)arg;
	return sip_reply(txn, rd);
}

static void ct_unlink_free(struct io_ct *c)
{
	struct locd_sipio *io = c->io;

	if (c->prev)
		c->prev->next = c->next;
	else
		io->cts = c->next;
	if (c->next)
		c->next->prev = c->prev;
	free(c);
}

static void resp_h(int err, uint16_t scode, const struct sip_msg *resp,
		   void *arg)
{
	struct io_ct *c = arg;
	struct locd_sipio *io = c->io;
	struct sip_sub *sub = c->sub;
	struct locd *d = io->d;
	struct locd_lsub *ls;

	if (!err && scode < 200)
		return;
	ct_unlink_free(c);
	ls = sip_sub_pkg_state(sub);
	if (ls)
		locd_notifier_result(ls, err, scode);
	sip_sub_notify_result(sub, err, scode, resp, sip_stack_now(d->st));
	locd_metric_set(d->std.active_subscriptions,
			(double)sip_notifier_count(io->n));
	locd_sipio_rearm(d);
}

static int send_h(const struct sip_req_desc *rd, void *ctx, void *arg)
{
	struct locd_sipio *io = arg;
	struct io_ct *c = calloc(1, sizeof(*c));
	int err;

	if (!c)
		return ENOMEM;
	c->io = io;
	c->sub = ctx;
	err = sip_request_send(io->d->st, rd, resp_h, c, &c->ct);
	if (err) {
		free(c);
		return err;
	}
	c->next = io->cts;
	if (io->cts)
		io->cts->prev = c;
	io->cts = c;
	return 0;
}

/* Our Contact URI for a request that reached us over fl. */
static void contact_of(const struct sip_flow *fl, char *buf, size_t sz)
{
	char addr[SIP_SA_STRMAX];

	if (sip_sa_print(&fl->local, addr, sizeof(addr))) {
		buf[0] = '\0';
		return;
	}
	snprintf(buf, sz, "%s:locd@%s%s",
		 fl->tp == SIP_TRANSP_TLS ? "sips" : "sip", addr,
		 fl->tp == SIP_TRANSP_TCP ? ";transport=tcp" : "");
}

/* 401 with fresh challenges (stale=true after a stale nonce). */
static void challenge(struct locd *d, struct sip_strans *t, bool stale)
{
	char chal[CHAL_N][SIP_AUTH_CHAL_MAX];
	struct sip_hdr_out h[CHAL_N];
	struct sip_reply_desc rd;
	size_t n = 0, i;

	if (sip_auth_challenge_build(d->auth, stale, (uint64_t)locd_wall(),
				     chal, CHAL_N, &n)) {
		if (sip_reply_status(t, 500, NULL))
			return;
		return;
	}
	memset(&rd, 0, sizeof(rd));
	for (i = 0; i < n; i++) {
		h[i].id = SIP_HDR_WWW_AUTHENTICATE;
		h[i].name = NULL;
		sip_pl_set_str(&h[i].val, chal[i]);
	}
	rd.scode = 401;
	rd.hdrv = h;
	rd.hdrc = n;
	if (sip_reply(t, &rd))
		return;
}

/*
 * Who sent req: with Digest on, the verified user as sip:user@domain
 * (answers 401 itself and returns false when there is none); with
 * --no-auth, the From URI's user part in our domain (tests only).
 */
static bool identify(struct locd *d, struct sip_strans *t,
		     const struct sip_msg *req, char *user, size_t sz)
{
	struct sip_auth_verdict v;
	struct sip_auth_req ar;
	const struct sip_uri *fu = &req->from.uri;
	bool seen = false;
	size_t i;

	if (!d->cfg->auth) {
		/* as with Digest: the user part in our domain */
		if (locd_aor_of(d, fu, user, sz))
			user[0] = '\0'; /* anonymous */
		return true;
	}
	memset(&ar, 0, sizeof(ar));
	ar.method = req->method;
	ar.uri = req->ruri_pl;
	ar.body = req->body;
	memset(&v, 0, sizeof(v));
	v.result = SIP_AUTH_NO_CREDENTIALS;
	for (i = 0; i < req->hdrc; i++) {
		const struct sip_hdr *h = &req->hdrv[i];
		if (h->id != SIP_HDR_AUTHORIZATION)
			continue;
		seen = true;
		if (sip_auth_verify(d->auth, h->val.p, h->val.l, &ar,
				    (uint64_t)locd_wall(), &v)) {
			v.result = SIP_AUTH_BAD_FORMAT;
			break;
		}
		if (v.result != SIP_AUTH_NO_CREDENTIALS)
			break;
	}
	if (v.result == SIP_AUTH_OK && !v.userhash) {
		snprintf(user, sz, "sip:%s@%s", v.user, d->cfg->domain);
		return true;
	}
	if (seen)
		locd_log(d->log, LOCD_LOG_NOTICE, "auth", &req->callid,
			 "%.*s refused: %s", (int)req->method.l,
			 req->method.p, sip_auth_result_name(v.result));
	challenge(d, t, v.result == SIP_AUTH_STALE_NONCE);
	return false;
}

static void subscribe_h(struct sip_strans *t, const struct sip_msg *req,
			void *arg)
{
	struct locd_sipio *io = arg;
	struct locd *d = io->d;
	char contact[SIP_SA_STRMAX + 48], user[LOCD_POLICY_AOR_MAX + 8];
	struct sip_flow fl;
	uint16_t sc;

	if (d->draining) {
		if (sip_reply_status(t, 503, NULL))
			return;
		return;
	}
	if (!identify(d, t, req, user, sizeof(user)))
		return;
	sip_strans_flow(t, &fl);
	contact_of(&fl, contact, sizeof(contact));
	d->cur_user = user[0] ? user : NULL;
	d->cur_secure = fl.tp == SIP_TRANSP_TLS;
	d->cur_callid = &req->callid;
	sc = sip_notifier_subscribe(io->n, t, req, &fl, contact,
				    sip_stack_now(d->st));
	d->cur_user = NULL;
	d->cur_callid = NULL;
	locd_log(d->log, sc < 300 ? LOCD_LOG_INFO : LOCD_LOG_NOTICE,
		 "subscribe", &req->callid, "%.*s from %s: %u",
		 (int)req->ruri_pl.l, req->ruri_pl.p,
		 user[0] ? user : "anonymous", (unsigned)sc);
	locd_metric_set(d->std.active_subscriptions,
			(double)sip_notifier_count(io->n));
	locd_sipio_rearm(d);
	locd_kick(d);
}

static void publish_h(struct sip_strans *t, const struct sip_msg *req,
		      void *arg)
{
	struct locd_sipio *io = arg;
	struct locd *d = io->d;
	char user[LOCD_POLICY_AOR_MAX + 8];
	struct sip_flow fl;
	uint16_t sc;

	if (!identify(d, t, req, user, sizeof(user)))
		return;
	sip_strans_flow(t, &fl);
	d->cur_user = user[0] ? user : NULL;
	d->cur_secure = fl.tp == SIP_TRANSP_TLS;
	d->cur_callid = &req->callid;
	sc = sip_esc_publish(io->e, t, req, sip_stack_now(d->st));
	d->cur_user = NULL;
	d->cur_callid = NULL;
	locd_log(d->log, sc < 300 ? LOCD_LOG_INFO : LOCD_LOG_NOTICE,
		 "publish", &req->callid, "%.*s from %s: %u",
		 (int)req->ruri_pl.l, req->ruri_pl.p,
		 user[0] ? user : "anonymous", (unsigned)sc);
	locd_sipio_rearm(d);
	locd_kick(d);
}

int locd_sipio_alloc(struct locd *d)
{
	struct sip_notifier_conf nc;
	struct sip_esc_conf ec;
	struct locd_sipio *io = calloc(1, sizeof(*io));
	int err;

	if (!io)
		return ENOMEM;
	io->d = d;
	sip_timer_init(&io->timer);
	memset(&nc, 0, sizeof(nc));
	nc.contact_user = "locd";
	nc.warn_host = d->cfg->domain;
	nc.replyh = reply_h;
	nc.sendh = send_h;
	nc.arg = io;
	nc.max_subs = d->cfg->max_subscriptions;
	memset(&ec, 0, sizeof(ec));
	ec.max_pubs = d->cfg->max_subscriptions;
	ec.warn_host = d->cfg->domain;
	ec.replyh = reply_h;
	ec.arg = io;
	err = sip_notifier_alloc(&io->n, &nc);
	if (!err)
		err = sip_esc_alloc(&io->e, &ec);
	if (!err)
		err = sip_stack_handler_add(d->st, "SUBSCRIBE", subscribe_h,
					    io);
	if (!err)
		err = sip_stack_handler_add(d->st, "PUBLISH", publish_h, io);
	d->io = io; /* freed by locd_sipio_free either way */
	return err;
}

void locd_sipio_free(struct locd *d)
{
	struct locd_sipio *io = d->io;

	if (!io)
		return;
	while (io->cts) {
		sip_ctrans_cancel(io->cts->ct);
		ct_unlink_free(io->cts);
	}
	sip_timer_cancel(&io->timer);
	sip_notifier_free(io->n);
	sip_esc_free(io->e);
	free(io);
	d->io = NULL;
}

struct sip_notifier *locd_sipio_notifier(const struct locd *d)
{
	return d->io ? d->io->n : NULL;
}

struct sip_esc *locd_sipio_esc(const struct locd *d)
{
	return d->io ? d->io->e : NULL;
}
