/*
 * client.c: locsub's subscriber on a struct sip_stack.  The same wiring
 * as sip/event_stack.c's node for tools, done here so that the NOTIFY
 * being handled (its raw Subscription-State) and the Warning of a
 * refusal reach locsub: one client transaction at a time (the
 * subscriber never has two SUBSCRIBEs in flight), a NOTIFY handler on
 * the stack, one stack timer for refresh and expiry.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "tools/locsub/locsub.h"

struct ls_client {
	struct sip_stack *st;
	struct sip_subscriber *s;
	struct sip_ctrans *ct;         /* SUBSCRIBE in flight, or NULL */
	struct sip_timer timer;
	const struct sip_msg *notify;  /* during sip_subscriber_notify */
	ls_notify_h *notifyh;
	ls_close_h *closeh;
	void *arg;
	uint16_t fail_scode;
	int fail_err;                  /* errno of a failure without answer */
	bool fail_answered;
	bool ever_answered;            /* any response from the server yet */
	char fail_reason[64];
	char fail_warning[LS_WARN_MAX];
};

static void timer_h(void *arg);

static void rearm(struct ls_client *c)
{
	uint64_t due = sip_subscriber_next_due(c->s);
	uint64_t now = sip_stack_now(c->st);

	if (due == UINT64_MAX) {
		sip_timer_cancel(&c->timer);
		return;
	}
	if (sip_timer_start(c->st, &c->timer, due > now ? due - now : 0,
			    timer_h, c))
		sip_timer_cancel(&c->timer); /* ENOMEM: next message */
}

static void timer_h(void *arg)
{
	struct ls_client *c = arg;

	sip_subscriber_tick(c->s, sip_stack_now(c->st));
	rearm(c);
}

/* Copy pl into buf (sz bytes) as printable ASCII, NUL-ended. */
static void copy_clean(char *buf, size_t sz, const struct sip_pl *pl)
{
	size_t i, n = 0;

	for (i = 0; pl->p && i < pl->l && n + 1 < sz; i++) {
		unsigned char ch = (unsigned char)pl->p[i];
		buf[n++] = ch >= 0x20 && ch < 0x7f ? (char)ch : '?';
	}
	buf[n] = '\0';
}

/* The text of a Warning value: code agent "text" -> text. */
static void warning_text(const struct sip_pl *val, char *buf, size_t sz)
{
	size_t a = sip_pl_chr(val, '"');
	struct sip_pl t = *val;

	if (a < val->l) {
		t.p = val->p + a + 1;
		t.l = val->l - a - 1;
		if (t.l && t.p[t.l - 1] == '"')
			t.l--;
	}
	copy_clean(buf, sz, &t);
}

static void resp_h(int err, uint16_t scode, const struct sip_msg *resp,
		   void *arg)
{
	struct ls_client *c = arg;
	const struct sip_hdr *w;

	if (resp)
		c->ever_answered = true;
	if (!err && scode < 200)
		return;
	c->ct = NULL; /* the handle is done; the response may send again */
	if (scode >= 300) {
		c->fail_scode = scode;
		c->fail_err = resp ? 0 : err;
		c->fail_answered = resp != NULL;
		c->fail_reason[0] = '\0';
		c->fail_warning[0] = '\0';
		if (resp) {
			copy_clean(c->fail_reason, sizeof(c->fail_reason),
				   &resp->reason);
			w = sip_msg_hdr(resp, SIP_HDR_WARNING, NULL);
			if (w)
				warning_text(&w->val, c->fail_warning,
					     sizeof(c->fail_warning));
		} else {
			struct sip_pl r;
			sip_pl_set_str(&r, err == ETIMEDOUT ?
				       "timeout" : strerror(err));
			copy_clean(c->fail_reason, sizeof(c->fail_reason),
				   &r);
		}
	}
	sip_subscriber_response(c->s, err, scode, resp, sip_stack_now(c->st));
	rearm(c);
}

static int send_h(const struct sip_req_desc *rd, void *ctx, void *arg)
{
	struct ls_client *c = arg;

	(void)ctx;
	if (c->ct)
		return EBUSY; /* the subscriber never does this */
	return sip_request_send(c->st, rd, resp_h, c, &c->ct);
}

static int reply_h(void *txn, const struct sip_reply_desc *rd, void *arg)
{
	(void)arg;
	return sip_reply(txn, rd);
}

static double wall_now(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

static void on_notify(struct sip_subscriber *s, enum sip_substate st,
		      const struct sip_pl *reason, const struct sip_pl *ctype,
		      const struct sip_pl *body, void *arg)
{
	struct ls_client *c = arg;
	const struct sip_hdr *h;
	struct ls_note n;

	(void)s;
	(void)reason;
	memset(&n, 0, sizeof(n));
	n.received = wall_now();
	n.state = st;
	n.ctype = *ctype;
	n.body = *body;
	if (c->notify) {
		h = sip_msg_hdr(c->notify, SIP_HDR_SUBSCRIPTION_STATE, NULL);
		if (h)
			n.substate = h->val;
	}
	if (c->notifyh)
		c->notifyh(&n, c->arg);
}

static void on_close(struct sip_subscriber *s, enum sip_sub_reason reason,
		     uint16_t scode, void *arg)
{
	struct ls_client *c = arg;

	(void)s;
	if (c->closeh)
		c->closeh(reason, scode, c->arg);
}

static void notify_req_h(struct sip_strans *t, const struct sip_msg *req,
			 void *arg)
{
	struct ls_client *c = arg;

	if (!c->s || !sip_subscriber_match(c->s, req)) {
		if (sip_reply_status(t, 481, NULL))
			return; /* the transaction is gone; nothing to undo */
		return;
	}
	c->notify = req;
	sip_subscriber_notify(c->s, t, req, sip_stack_now(c->st));
	c->notify = NULL;
	rearm(c);
}

int ls_client_alloc(struct ls_client **cp, struct sip_stack *st,
		    const struct ls_client_conf *conf)
{
	struct sip_subscriber_conf sc;
	struct ls_client *c;
	int err;

	if (!cp || !st || !conf)
		return EINVAL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return ENOMEM;
	c->st = st;
	sip_timer_init(&c->timer);
	c->notifyh = conf->notifyh;
	c->closeh = conf->closeh;
	c->arg = conf->arg;
	sc = conf->sc;
	sc.c.sendh = send_h;
	sc.c.replyh = reply_h;
	sc.c.arg = c;
	sc.notifyh = on_notify;
	sc.closeh = on_close;
	sc.harg = c;
	err = sip_subscriber_alloc(&c->s, &sc);
	if (!err)
		err = sip_stack_handler_add(st, "NOTIFY", notify_req_h, c);
	if (err) {
		/* a handler added stays registered: the caller frees st */
		ls_client_free(c);
		return err;
	}
	*cp = c;
	return 0;
}

void ls_client_free(struct ls_client *c)
{
	if (!c)
		return;
	sip_ctrans_cancel(c->ct);
	sip_timer_cancel(&c->timer);
	sip_subscriber_free(c->s);
	c->s = NULL;
	free(c);
}

int ls_client_start(struct ls_client *c)
{
	int err;

	if (!c)
		return EINVAL;
	err = sip_subscriber_start(c->s, sip_stack_now(c->st));
	if (!err)
		rearm(c);
	return err;
}

int ls_client_unsubscribe(struct ls_client *c)
{
	int err;

	if (!c)
		return EINVAL;
	if (c->ct)
		return EAGAIN;
	err = sip_subscriber_unsubscribe(c->s, sip_stack_now(c->st));
	if (err == EALREADY)
		return EAGAIN;
	if (!err)
		rearm(c);
	return err;
}

enum sip_subr_state ls_client_state(const struct ls_client *c)
{
	return c ? sip_subscriber_state(c->s) : SIP_SUBR_TERMINATED;
}

uint16_t ls_client_failure(const struct ls_client *c, const char **reason,
			   const char **warning, bool *answered)
{
	if (answered)
		*answered = c ? c->fail_answered : false;
	if (reason)
		*reason = c ? c->fail_reason : "";
	if (warning)
		*warning = c ? c->fail_warning : "";
	return c ? c->fail_scode : 0;
}

bool ls_client_tls_failed(const struct ls_client *c, bool tls)
{
	/*
	 * The stack gives no TLS verification result: a handshake it (or
	 * the server) aborts reaches us as a reset or EPROTO on a
	 * connection that never carried an answer.
	 */
	return c && tls && !c->ever_answered && !c->fail_answered &&
	       c->fail_scode && (c->fail_err == ECONNRESET ||
				 c->fail_err == EPROTO);
}
