/*
 * sub.c: RFC 6665 notifier side: subscriptions, SUBSCRIBE answers,
 * NOTIFY sending with Subscription-State, expiry and NOTIFY failures
 * (EV-3, EV-12..14, EV-19..24, EV-26, RC-7, RC-16).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sip/event_int.h"
#include "sip/sip_event.h"

/* Subscription-State value: "terminated;reason=noresource;..." + rates. */
#define SUBSTATE_MAX 256
/* Content type of a NOTIFY body we keep while one is in flight. */
#define CTYPE_MAX 128

/* A NOTIFY waiting for the one in flight (RC-11: only the newest). */
struct sub_queued {
	bool final;
	uint32_t retry;
	size_t len;                /* body bytes */
	char data[];               /* content type, NUL, body */
};

/*
 * One subscription: 248 bytes (LP64) plus its Event id, one heap block
 * for the dialog's strings, a slot in the notifier's hash and heap, and
 * while a NOTIFY waits for the one in flight, that NOTIFY (issue 6: at
 * most 2 KB per subscription with the daemon's state). The flags are
 * bit-fields so the dialog hash fits in 4 of their former 8 bytes.
 */
struct sip_sub {
	struct sip_notifier *n;
	struct sip_sub *hnext;     /* chain in n->hv while linked */
	/* next to hnext: a chain walk reads one cache line per entry */
	uint32_t hash;             /* dlg_hash(Call-ID, local tag) */
	uint8_t pkg;               /* index in n->pkgv */
	uint8_t state;             /* enum sip_sub_state */
	uint8_t reason;            /* enum sip_sub_reason */
	bool has_flow : 1;
	bool busy : 1;             /* a NOTIFY transaction in flight */
	bool linked : 1;           /* in n->hv */
	bool hold : 1;             /* a callback runs: do not free yet */
	bool has_eid : 1;          /* the SUBSCRIBE had an Event id */
	struct sub_queued *q;      /* a NOTIFY waits for the one in flight */
	void *pstate;
	uint64_t expires_at;       /* ms */
	size_t hidx;               /* in n->heap while not terminated */
	struct sip_dialog dlg;
	struct sip_rates rates;    /* agreed, echoed */
	struct sip_flow flow;
	char eid[];                /* the Event id, when has_eid */
};

#if SIZE_MAX == UINT64_MAX
_Static_assert(sizeof(struct sip_sub) == 248, "struct sip_sub: 248 B");
#endif

_Static_assert(SIP_EVT_PKGS_MAX <= 256, "package index fits uint8_t");

struct notifier_pkg {
	struct sip_evt_pkg p;
	char name[SIP_EVT_NAME_MAX + 1];
};

struct sip_notifier {
	struct sip_notifier_conf conf;
	char *contact_user, *warn_host;
	struct notifier_pkg pkgv[SIP_EVT_PKGS_MAX];
	size_t pkgc;
	size_t live;
	struct evt_heap heap;      /* live subscriptions by expires_at */
	/* linked subscriptions by (Call-ID, local tag), chained */
	struct sip_sub **hv;
	size_t hcap, hcount;
	/* scratch for building NOTIFYs: no allocation per NOTIFY */
	struct sip_dialog_req req_st;
	struct sip_buf ss, ev, body;
};

const char *sip_sub_state_name(enum sip_sub_state st)
{
	switch (st) {
	case SIP_SUB_PENDING:
		return "pending";
	case SIP_SUB_ACTIVE:
		return "active";
	case SIP_SUB_TERMINATED:
		return "terminated";
	}
	return "?";
}

const char *sip_sub_reason_name(enum sip_sub_reason r)
{
	static const char *const names[] = {
		[SIP_SUB_REASON_NONE] = "",
		[SIP_SUB_REASON_DEACTIVATED] = "deactivated",
		[SIP_SUB_REASON_PROBATION] = "probation",
		[SIP_SUB_REASON_REJECTED] = "rejected",
		[SIP_SUB_REASON_TIMEOUT] = "timeout",
		[SIP_SUB_REASON_GIVEUP] = "giveup",
		[SIP_SUB_REASON_NORESOURCE] = "noresource",
		[SIP_SUB_REASON_INVARIANT] = "invariant",
		[SIP_SUB_REASON_BADFILTER] = "badfilter",
		[SIP_SUB_REASON_FAILED] = "failed",
	};

	if ((unsigned)r >= sizeof(names) / sizeof(names[0]))
		return "?";
	return names[r];
}

int sip_notifier_alloc(struct sip_notifier **np,
		       const struct sip_notifier_conf *conf)
{
	struct sip_notifier *n;
	int err;

	if (!np || !conf || !conf->replyh || !conf->sendh)
		return EINVAL;
	n = calloc(1, sizeof(*n));
	if (!n)
		return ENOMEM;
	n->conf = *conf;
	sip_buf_init(&n->ss, SUBSTATE_MAX);
	sip_buf_init(&n->ev, SIP_EVT_NAME_MAX + SIP_EVT_ID_MAX + 8);
	sip_buf_init(&n->body, SIP_EVT_BODY_MAX);
	if (!n->conf.max_subs)
		n->conf.max_subs = SIP_EVT_SUBS_MAX;
	/* RFC 6665 §4.2.2: every NOTIFY has a Contact ("" gives sip:host) */
	err = evt_strdup(&n->contact_user, conf->contact_user ?
			 conf->contact_user : "", SIP_EVT_NAME_MAX);
	if (!err)
		err = evt_strdup(&n->warn_host, conf->warn_host ?
				 conf->warn_host : "locd", SIP_EVT_NAME_MAX);
	if (err) {
		sip_notifier_free(n);
		return err;
	}
	n->conf.contact_user = n->contact_user;
	n->conf.warn_host = n->warn_host;
	*np = n;
	return 0;
}

/*
 * --- Dialog hash: (Call-ID, local tag) -> subscriptions. Each linked
 * subscription keeps its hash (s->hash): growing the table and unlinking
 * do not hash strings again, and a lookup compares hashes before it
 * reads a subscription's strings.
 */

static uint32_t dlg_hash(const char *callid, size_t cl, const char *ltag,
			 size_t tl)
{
	uint64_t h = EVT_HASH_INIT;

	h = evt_hash_mem(h, callid, cl);
	h = evt_hash_mem(h, "", 1);
	return evt_hash_final(evt_hash_mem(h, ltag, tl));
}

static uint32_t sub_hash(const struct sip_sub *s)
{
	const char *c = s->dlg.callid ? s->dlg.callid : "";
	const char *t = s->dlg.ltag ? s->dlg.ltag : "";

	return dlg_hash(c, strlen(c), t, strlen(t));
}

/* A table with room for one more (load 1): 0 or ENOMEM. */
static int hash_reserve(struct sip_notifier *n)
{
	struct sip_sub **hv;
	size_t cap, i;

	if (n->hcount < n->hcap)
		return 0;
	cap = n->hcap ? n->hcap * 2 : 64;
	if (cap > SIZE_MAX / sizeof(*hv))
		return n->hcap ? 0 : ENOMEM;
	hv = calloc(cap, sizeof(*hv));
	if (!hv)
		return n->hcap ? 0 : ENOMEM; /* chains just get longer */
	for (i = 0; i < n->hcap; i++) {
		while (n->hv[i]) {
			struct sip_sub *s = n->hv[i];
			size_t b = s->hash & (cap - 1);
			n->hv[i] = s->hnext;
			s->hnext = hv[b];
			hv[b] = s;
		}
	}
	free(n->hv);
	n->hv = hv;
	n->hcap = cap;
	return 0;
}

/* Add s, its hash set (hash_reserve succeeded before). */
static void hash_add(struct sip_notifier *n, struct sip_sub *s)
{
	size_t b = s->hash & (n->hcap - 1);

	s->hnext = n->hv[b];
	n->hv[b] = s;
	n->hcount++;
}

static void hash_del(struct sip_notifier *n, struct sip_sub *s)
{
	struct sip_sub **pp;

	if (!n->hcap)
		return;
	for (pp = &n->hv[s->hash & (n->hcap - 1)]; *pp;
	     pp = &(*pp)->hnext) {
		if (*pp == s) {
			*pp = s->hnext;
			s->hnext = NULL;
			n->hcount--;
			return;
		}
	}
}

/* The first linked subscription of the chain of hash h, or NULL. */
static struct sip_sub *hash_chain(const struct sip_notifier *n, uint32_t h)
{
	if (!n->hcap)
		return NULL;
	return n->hv[h & (n->hcap - 1)];
}

/* The Event id of s, NULL when its SUBSCRIBE had none. */
static const char *sub_eid(const struct sip_sub *s)
{
	return s->has_eid ? s->eid : NULL;
}

/*
 * A new subscription of package pkg with Event id eid (NULL: none), not
 * linked.  Returns 0, EOVERFLOW (eid over SIP_EVT_ID_MAX), EINVAL (eid
 * holds a NUL, CR or LF) or ENOMEM.
 */
static int sub_new(struct sip_notifier *n, size_t pkg,
		   const struct sip_pl *eid, struct sip_sub **sp)
{
	struct sip_sub *s;
	size_t l = eid ? eid->l : 0;

	if (l > SIP_EVT_ID_MAX)
		return EOVERFLOW;
	if (l && (memchr(eid->p, '\0', l) || memchr(eid->p, '\r', l) ||
		  memchr(eid->p, '\n', l)))
		return EINVAL;
	s = calloc(1, sizeof(*s) + (eid ? l + 1 : 0));
	if (!s)
		return ENOMEM;
	s->n = n;
	s->hidx = EVT_HEAP_NONE;
	s->pkg = (uint8_t)pkg;
	if (eid) {
		s->has_eid = true;
		if (l)
			memcpy(s->eid, eid->p, l);
		s->eid[l] = '\0';
	}
	*sp = s;
	return 0;
}

static void sub_destroy(struct sip_sub *s)
{
	sip_dialog_reset(&s->dlg);
	free(s->q);
	free(s);
}

static void sub_unlink(struct sip_sub *s)
{
	if (!s->linked)
		return;
	hash_del(s->n, s);
	s->linked = false;
}

/*
 * Link s, whose dialog hashes to h (hash_reserve and the heap reservation
 * succeeded before).
 */
static void sub_link(struct sip_sub *s, uint32_t h)
{
	struct sip_notifier *n = s->n;

	s->hash = h;
	s->linked = true;
	hash_add(n, s);
	n->live++;
	(void)evt_heap_push(&n->heap, s->expires_at, s, &s->hidx);
}

void sip_notifier_free(struct sip_notifier *n)
{
	size_t i;

	if (!n)
		return;
	evt_heap_reset(&n->heap);
	for (i = 0; i < n->hcap; i++) {
		while (n->hv[i]) {
			struct sip_sub *s = n->hv[i];
			sub_unlink(s);
			sub_destroy(s);
		}
	}
	free(n->hv);
	sip_buf_reset(&n->ss);
	sip_buf_reset(&n->ev);
	sip_buf_reset(&n->body);
	free(n->contact_user);
	free(n->warn_host);
	free(n);
}

int sip_notifier_pkg_add(struct sip_notifier *n,
			 const struct sip_evt_pkg *pkg)
{
	struct notifier_pkg *np;
	struct sip_pl name;
	size_t i;

	if (!n || !pkg || !pkg->name || !pkg->accepth || !pkg->bodyh)
		return EINVAL;
	sip_pl_set_str(&name, pkg->name);
	if (name.l > SIP_EVT_NAME_MAX || !evt_is_token(&name))
		return EINVAL;
	for (i = 0; i < n->pkgc; i++)
		if (strcmp(n->pkgv[i].name, pkg->name) == 0)
			return EEXIST;
	if (n->pkgc == SIP_EVT_PKGS_MAX)
		return EOVERFLOW;
	np = &n->pkgv[n->pkgc++];
	np->p = *pkg;
	memcpy(np->name, name.p, name.l + 1);
	np->p.name = np->name;
	return 0;
}

static const struct sip_evt_pkg *sub_pkg(const struct sip_sub *s)
{
	return &s->n->pkgv[s->pkg].p;
}

void sip_rates_normalize(struct sip_rates *r, uint32_t remaining)
{
	if (!r)
		return;
	if (r->max_rate > 0) {
		if (r->min_rate > r->max_rate)
			r->min_rate = r->max_rate;
		if (r->adaptive_min_rate > r->max_rate)
			r->adaptive_min_rate = r->max_rate;
		if (remaining && 1.0 / r->max_rate > (double)remaining)
			r->max_rate = 1.0 / (double)remaining;
	}
	if (r->adaptive_min_rate > 0 && r->min_rate >= r->adaptive_min_rate)
		r->min_rate = 0;
}

/* --- NOTIFY. */

/* The Subscription-State value for s now (final: terminated). */
static int substate_print(const struct sip_sub *s, bool final,
			  enum sip_sub_reason reason, uint32_t retry,
			  uint64_t now, struct sip_buf *b)
{
	int err;

	if (final) {
		err = sip_buf_append_str(b, "terminated");
		if (!err && reason != SIP_SUB_REASON_NONE &&
		    reason != SIP_SUB_REASON_FAILED)
			err = sip_buf_printf(b, ";reason=%s",
					     sip_sub_reason_name(reason));
		if (!err && retry)
			err = sip_buf_printf(b, ";retry-after=%u",
					     (unsigned)retry);
	} else {
		err = sip_buf_printf(b, "%s;expires=%u",
				     sip_sub_state_name(s->state),
				     (unsigned)sip_sub_remaining(s, now));
	}
	/* RC-7: echo the agreed rates in every NOTIFY, final too */
	if (!err) {
		struct sip_rates r = s->rates;
		sip_rates_normalize(&r, final ? 0 :
				    sip_sub_remaining(s, now));
		err = evt_print_rates(b, &r);
	}
	if (!err)
		err = sip_buf_append(b, "", 1);
	return err;
}

/* Build and hand one NOTIFY to the send callback. */
static int notify_send(struct sip_sub *s, const void *body, size_t len,
		       const char *ctype, bool final,
		       enum sip_sub_reason reason, uint32_t retry,
		       uint64_t now)
{
	struct sip_notifier *n = s->n;
	struct sip_buf *ss = &n->ss, *ev = &n->ev;
	struct sip_req_desc rd;
	struct sip_hdr_out hv[2];
	int err;

	sip_buf_clear(ss);
	sip_buf_clear(ev);
	err = substate_print(s, final, reason, retry, now, ss);
	if (!err)
		err = sip_buf_append_str(ev, sub_pkg(s)->name);
	if (!err && s->has_eid)
		err = sip_buf_printf(ev, ";id=%s", s->eid);
	if (!err)
		err = sip_dialog_req_fill(&s->dlg, "NOTIFY", &n->req_st, &rd);
	if (err)
		return err;
	hv[0].id = SIP_HDR_EVENT;
	hv[0].name = NULL;
	hv[0].val.p = ev->p;
	hv[0].val.l = ev->len;
	hv[1].id = SIP_HDR_SUBSCRIPTION_STATE;
	hv[1].name = NULL;
	hv[1].val.p = ss->p;
	hv[1].val.l = ss->len - 1;
	rd.hdrv = hv;
	rd.hdrc = 2;
	rd.contact_user = n->contact_user;
	if (len) {
		rd.ctype = ctype;
		rd.body = body;
		rd.body_len = len;
	}
	rd.flow = s->has_flow ? &s->flow : NULL;
	err = n->conf.sendh(&rd, s, n->conf.arg);
	if (err == ENOTCONN && s->has_flow) {
		/* RFC 5626: the flow failed; route by the dialog instead */
		s->has_flow = false;
		rd.flow = NULL;
		err = n->conf.sendh(&rd, s, n->conf.arg);
	}
	if (!err)
		s->busy = true;
	return err;
}

/*
 * Keep the newest NOTIFY until the one in flight completes (RC-11), in
 * one allocation made now and freed once it is sent or dropped.  On
 * error the older queued one stays.
 */
static int notify_queue(struct sip_sub *s, const void *body, size_t len,
			const char *ctype, bool final, uint32_t retry)
{
	size_t cl = len ? strlen(ctype) : 0;
	struct sub_queued *q;

	if (cl >= CTYPE_MAX)
		return EOVERFLOW;
	q = malloc(sizeof(*q) + cl + 1 + len);
	if (!q)
		return ENOMEM;
	q->final = final;
	q->retry = retry;
	q->len = len;
	if (cl)
		memcpy(q->data, ctype, cl);
	q->data[cl] = '\0';
	if (len)
		memcpy(q->data + cl + 1, body, len);
	free(s->q);
	s->q = q;
	return 0;
}

static int notify(struct sip_sub *s, const void *body, size_t len,
		  const char *ctype, bool final, uint32_t retry, uint64_t now)
{
	if (len && (!ctype || !*ctype))
		return EINVAL;
	if (len > SIP_EVT_BODY_MAX)
		return EOVERFLOW;
	if (s->busy)
		return notify_queue(s, body, len, ctype, final, retry);
	return notify_send(s, body, len, ctype, final, s->reason, retry,
			   now);
}

/* A NOTIFY with the package's body (reason NONE: not final). */
static int notify_pkg(struct sip_sub *s, bool final, uint32_t retry,
		      uint64_t now)
{
	const struct sip_evt_pkg *p = sub_pkg(s);
	struct sip_buf *body = &s->n->body;
	const char *ctype = NULL;
	int err;

	sip_buf_clear(body);
	err = p->bodyh(s, s->pstate, final ? s->reason : SIP_SUB_REASON_NONE,
		       body, &ctype, p->arg);
	if (err || !ctype)
		body->len = 0;
	return notify(s, body->p, body->len, ctype, final, retry, now);
}

static void sub_maybe_free(struct sip_sub *s)
{
	if (s->state != SIP_SUB_TERMINATED || s->busy || s->q || s->hold)
		return;
	sub_unlink(s);
	sub_destroy(s);
}

/*
 * End s: final NOTIFY (when final), close callback, free when nothing is
 * in flight.  s may be gone on return.
 */
static void sub_end(struct sip_sub *s, enum sip_sub_reason reason,
		    uint32_t retry, bool final, uint16_t scode, uint64_t now)
{
	const struct sip_evt_pkg *p = sub_pkg(s);

	if (s->state == SIP_SUB_TERMINATED)
		return;
	s->state = SIP_SUB_TERMINATED;
	s->reason = reason;
	free(s->q);
	s->q = NULL;
	s->n->live--;
	evt_heap_remove(&s->n->heap, s->hidx);
	if (final)
		(void)notify_pkg(s, true, retry, now);
	if (p->closeh)
		p->closeh(s, s->pstate, reason, scode, p->arg);
	s->pstate = NULL;
	sub_maybe_free(s);
}

int sip_sub_notify(struct sip_sub *sub, const void *body, size_t len,
		   const char *ctype, uint64_t now)
{
	if (!sub || (len && !body))
		return EINVAL;
	if (sub->state == SIP_SUB_TERMINATED)
		return ENOENT;
	return notify(sub, body, len, ctype, false, 0, now);
}

int sip_sub_activate(struct sip_sub *sub, uint64_t now)
{
	if (!sub)
		return EINVAL;
	if (sub->state == SIP_SUB_TERMINATED)
		return ENOENT;
	sub->state = SIP_SUB_ACTIVE;
	return notify_pkg(sub, false, 0, now);
}

int sip_sub_terminate(struct sip_sub *sub, enum sip_sub_reason reason,
		      uint32_t retry_after, uint64_t now)
{
	if (!sub || reason == SIP_SUB_REASON_FAILED)
		return EINVAL;
	if (sub->state == SIP_SUB_TERMINATED)
		return ENOENT;
	sub_end(sub, reason, retry_after, true, 0, now);
	return 0;
}

/* EV-24: responses to NOTIFY that end the subscription. */
static bool notify_fatal(uint16_t scode)
{
	switch (scode) {
	case 404: case 405: case 410: case 416: case 489: case 501:
	case 604:
		return true;
	default:
		return scode >= 480 && scode <= 485;
	}
}

void sip_sub_notify_result(struct sip_sub *sub, int err, uint16_t scode,
			   const struct sip_msg *resp, uint64_t now)
{
	const struct sip_evt_pkg *p;

	if (!sub)
		return;
	if (scode < 200 && !err)
		return; /* provisional */
	p = sub_pkg(sub);
	sub->busy = false;
	if (sub->state != SIP_SUB_TERMINATED) {
		if (err == ETIMEDOUT || (!err && notify_fatal(scode))) {
			sub_end(sub, SIP_SUB_REASON_FAILED, 0, false,
				err ? 408 : scode, now);
			return;
		}
		if (!err && scode < 300 && resp && resp->has_event &&
		    sip_pl_eq_str(&resp->event.package, p->name) &&
		    p->ratesh) {
			/* RC-16: the 2xx lists every rate it wants */
			sub->hold = true;
			p->ratesh(sub, sub->pstate, &resp->event.rates,
				  p->arg);
			sub->hold = false;
		}
	}
	if (sub->q && !sub->busy) {
		struct sub_queued *q = sub->q;
		size_t cl = strlen(q->data);
		sub->q = NULL;
		(void)notify_send(sub, q->data + cl + 1, q->len, q->data,
				  q->final, sub->reason, q->retry, now);
		free(q);
	}
	sub_maybe_free(sub);
}

/* --- SUBSCRIBE. */

static void reply(struct sip_notifier *n, void *txn, struct evt_reply *r)
{
	(void)n->conf.replyh(txn, &r->rd, n->conf.arg);
}

static uint16_t reply_simple(struct sip_notifier *n, void *txn,
			     uint16_t scode, const char *warning)
{
	struct evt_reply r;

	evt_reply_init(&r, scode);
	if (warning)
		evt_reply_warning(&r, n->warn_host, warning);
	reply(n, txn, &r);
	return scode;
}

static void allow_events(struct sip_notifier *n, struct evt_reply *r)
{
	char v[SIP_EVT_PKGS_MAX * (SIP_EVT_NAME_MAX + 2) + 1];
	size_t i, l = 0;

	for (i = 0; i < n->pkgc; i++) {
		size_t nl = strlen(n->pkgv[i].name);
		if (i) {
			v[l++] = ',';
			v[l++] = ' ';
		}
		memcpy(v + l, n->pkgv[i].name, nl);
		l += nl;
	}
	v[l] = '\0';
	if (l)
		evt_reply_hdr(r, SIP_HDR_ALLOW_EVENTS, NULL, v);
}

static bool event_id_eq(const struct sip_sub *s, const struct sip_pl *id)
{
	if (!s->has_eid)
		return !sip_pl_isset(id);
	return sip_pl_eq_str(id, s->eid);
}

static struct sip_sub *sub_find(struct sip_notifier *n, size_t pkg,
				const struct sip_msg *req)
{
	struct sip_sub *s;

	uint32_t h = dlg_hash(req->callid.p, req->callid.l, req->to.tag.p,
			      req->to.tag.l);

	for (s = hash_chain(n, h); s; s = s->hnext)
		if (s->hash == h && s->state != SIP_SUB_TERMINATED &&
		    s->pkg == pkg &&
		    event_id_eq(s, &req->event.id) &&
		    sip_dialog_match(&s->dlg, req))
			return s;
	return NULL;
}

static void sub_req_fill(struct sip_sub_req *sr, const struct sip_msg *req,
			 uint32_t expires, bool refresh)
{
	memset(sr, 0, sizeof(*sr));
	sr->msg = req;
	if (sip_pl_isset(&req->ctype.type)) {
		sr->ctype.p = req->ctype.type.p;
		sr->ctype.l = (size_t)(req->ctype.subtype.p +
				       req->ctype.subtype.l -
				       req->ctype.type.p);
	}
	sr->body = req->body;
	sr->rates = req->event.rates;
	sr->expires = expires;
	sr->refresh = refresh;
	sr->fetch = !refresh && expires == 0;
}

/* A refusal from the package: its status with Warning/Accept. */
static uint16_t reply_refusal(struct sip_notifier *n, void *txn,
			      const struct sip_sub_answer *ans,
			      const struct sip_pl *to_tag)
{
	struct evt_reply r;
	uint16_t sc = ans->scode;

	if (sc < 300 || sc > 699)
		sc = 500;
	evt_reply_init(&r, sc);
	if (to_tag)
		r.rd.to_tag = *to_tag;
	if (ans->warning)
		evt_reply_warning(&r, n->warn_host, ans->warning);
	if (sc == 415 && ans->accept)
		evt_reply_hdr(&r, SIP_HDR_ACCEPT, NULL, ans->accept);
	if (sc == 489)
		allow_events(n, &r);
	reply(n, txn, &r);
	return sc;
}

static uint16_t reply_ok(struct sip_notifier *n, void *txn,
			 const struct sip_sub *s, uint32_t expires,
			 const char *contact)
{
	struct evt_reply r;
	char c[SIP_DIALOG_FIELD_MAX + 3];

	evt_reply_init(&r, 200);
	sip_pl_set_str(&r.rd.to_tag, s->dlg.ltag);
	evt_reply_u32(&r, SIP_HDR_EXPIRES, expires);
	if (contact && *contact) {
		snprintf(c, sizeof(c), "<%s>", contact);
		evt_reply_hdr(&r, SIP_HDR_CONTACT, NULL, c);
	}
	reply(n, txn, &r);
	return 200;
}

static uint16_t subscribe_in_dialog(struct sip_notifier *n, void *txn,
				    size_t pkg, const struct sip_msg *req,
				    uint32_t expires, const char *contact,
				    uint64_t now)
{
	const struct sip_evt_pkg *p = &n->pkgv[pkg].p;
	struct sip_sub *s = sub_find(n, pkg, req);
	struct sip_sub_answer ans;
	struct sip_sub_req sr;
	int err;

	if (!s)
		return reply_simple(n, txn, 481, NULL);
	err = sip_dialog_request_recv(&s->dlg, req);
	if (err == EPROTO)
		return reply_simple(n, txn, 500, "CSeq out of order");
	if (err)
		return reply_simple(n, txn, 400, "bad Contact");
	if (expires == 0) {
		/* unsubscribe (EV-23): 200, final NOTIFY with state */
		reply_ok(n, txn, s, 0, contact);
		sub_end(s, SIP_SUB_REASON_TIMEOUT, 0, true, 0, now);
		return 200;
	}
	sub_req_fill(&sr, req, expires, true);
	memset(&ans, 0, sizeof(ans));
	ans.scode = 200;
	ans.pending = s->state == SIP_SUB_PENDING;
	ans.state = s->pstate;
	ans.rates = s->rates;
	p->accepth(s, &sr, &ans, p->arg);
	if (ans.scode < 200 || ans.scode >= 300) {
		/* RFC 6665 §4.1.2.2: a failed refresh keeps the old one */
		return reply_refusal(n, txn, &ans, NULL);
	}
	s->pstate = ans.state;
	s->rates = ans.rates;
	s->state = ans.pending ? SIP_SUB_PENDING : SIP_SUB_ACTIVE;
	s->expires_at = now + (uint64_t)expires * 1000;
	evt_heap_update(&n->heap, s->hidx, s->expires_at);
	reply_ok(n, txn, s, expires, contact);
	(void)notify_pkg(s, false, 0, now); /* EV-19 */
	return 200;
}

static uint16_t subscribe_new(struct sip_notifier *n, void *txn, size_t pkg,
			      const struct sip_msg *req,
			      const struct sip_flow *flow, uint32_t expires,
			      const char *contact, uint64_t now)
{
	const struct sip_evt_pkg *p = &n->pkgv[pkg].p;
	struct sip_sub_answer ans;
	struct sip_sub_req sr;
	struct sip_pl tag;
	struct sip_sub *s;
	int err;

	if (n->live >= n->conf.max_subs)
		return reply_simple(n, txn, 503, "too many subscriptions");
	err = evt_heap_reserve(&n->heap, n->heap.n + 1);
	if (!err)
		err = hash_reserve(n);
	if (!err)
		err = sub_new(n, pkg, sip_pl_isset(&req->event.id) ?
			      &req->event.id : NULL, &s);
	if (err == ENOMEM)
		return reply_simple(n, txn, 500, "out of memory");
	if (err)
		return reply_simple(n, txn, 400, "bad Event id");
	if (n->conf.tagh) {
		char lt[SIP_DIALOG_TAG_LEN + 1];
		err = n->conf.tagh(lt, sizeof(lt), n->conf.arg);
		if (!err)
			err = sip_dialog_uas_create(&s->dlg, req, lt);
	} else {
		err = sip_dialog_uas_create(&s->dlg, req, NULL);
	}
	if (err) {
		sub_destroy(s);
		if (err == ENOMEM || err == EIO)
			return reply_simple(n, txn, 500, "no resources");
		return reply_simple(n, txn, 400,
				    err == EOVERFLOW ? "header over limits" :
				    "bad From tag, Contact or route");
	}
	if (flow) {
		s->flow = *flow;
		s->has_flow = true;
	}
	sub_req_fill(&sr, req, expires, false);
	memset(&ans, 0, sizeof(ans));
	ans.scode = 200;
	p->accepth(s, &sr, &ans, p->arg);
	if (ans.scode < 200 || ans.scode >= 300) {
		sip_pl_set_str(&tag, s->dlg.ltag);
		ans.scode = reply_refusal(n, txn, &ans, &tag);
		sub_destroy(s);
		return ans.scode;
	}
	s->pstate = ans.state;
	s->rates = ans.rates;
	s->state = ans.pending ? SIP_SUB_PENDING : SIP_SUB_ACTIVE;
	s->expires_at = now + (uint64_t)expires * 1000;
	sub_link(s, sub_hash(s));
	reply_ok(n, txn, s, expires, contact); /* never 202 (EV-14) */
	if (sr.fetch)
		sub_end(s, SIP_SUB_REASON_TIMEOUT, 0, true, 0, now);
	else
		(void)notify_pkg(s, false, 0, now); /* EV-19 */
	return 200;
}

uint16_t sip_notifier_subscribe(struct sip_notifier *n, void *txn,
				const struct sip_msg *req,
				const struct sip_flow *flow,
				const char *contact, uint64_t now)
{
	const struct sip_evt_pkg *p = NULL;
	struct evt_reply r;
	uint32_t expires;
	size_t i;

	if (!n || !req || !req->req)
		return 0;
	for (i = 0; req->has_event && i < n->pkgc; i++) {
		if (sip_pl_eq_str(&req->event.package, n->pkgv[i].name)) {
			p = &n->pkgv[i].p;
			break;
		}
	}
	if (!p) {
		/* EV-3: unknown or missing package */
		evt_reply_init(&r, 489);
		allow_events(n, &r);
		reply(n, txn, &r);
		return 489;
	}
	if (req->event.id.l > SIP_EVT_ID_MAX)
		return reply_simple(n, txn, 400, "Event id too long");
	expires = req->has_expires ? req->expires : p->expires_default;
	if (expires > 0 && expires < p->expires_min && expires < 3600) {
		/* EV-13: only below the minimum and below one hour */
		evt_reply_init(&r, 423);
		evt_reply_u32(&r, SIP_HDR_MIN_EXPIRES, p->expires_min);
		reply(n, txn, &r);
		return 423;
	}
	if (p->expires_max && expires > p->expires_max)
		expires = p->expires_max; /* EV-12: never longer */
	if (sip_pl_isset(&req->to.tag))
		return subscribe_in_dialog(n, txn, i, req, expires, contact,
					   now);
	return subscribe_new(n, txn, i, req, flow, expires, contact, now);
}

/* --- Time. */

void sip_notifier_tick(struct sip_notifier *n, uint64_t now)
{
	struct sip_sub *s;

	if (!n)
		return;
	/* the earliest first; sub_end takes s out of the heap */
	while ((s = evt_heap_top(&n->heap)) && s->expires_at <= now)
		sub_end(s, SIP_SUB_REASON_TIMEOUT, 0, true, 0, now);
}

uint64_t sip_notifier_next_due(const struct sip_notifier *n)
{
	return n ? evt_heap_min(&n->heap) : UINT64_MAX;
}

size_t sip_notifier_count(const struct sip_notifier *n)
{
	return n ? n->live : 0;
}

/* --- Persistence. */

int sip_sub_save(const struct sip_sub *sub, uint64_t now,
		 struct sip_sub_rec *rec)
{
	if (!sub || !rec)
		return EINVAL;
	if (sub->state == SIP_SUB_TERMINATED)
		return ENOENT;
	memset(rec, 0, sizeof(*rec));
	sip_dialog_save(&sub->dlg, &rec->dlg);
	rec->event = sub_pkg(sub)->name;
	rec->event_id = sub_eid(sub);
	rec->state = (enum sip_sub_state)sub->state;
	rec->remaining = sip_sub_remaining(sub, now);
	rec->rates = sub->rates;
	return 0;
}

static bool sub_same(const struct sip_sub *s, size_t pkg,
		     const struct sip_sub_rec *rec)
{
	const struct sip_dialog *d = &s->dlg;

	if (s->state == SIP_SUB_TERMINATED || s->pkg != pkg ||
	    strcmp(d->callid, rec->dlg.callid) != 0 ||
	    strcmp(d->ltag, rec->dlg.ltag) != 0)
		return false;
	if (!s->has_eid || !rec->event_id)
		return !s->has_eid && !rec->event_id;
	return strcmp(s->eid, rec->event_id) == 0;
}

int sip_notifier_restore(struct sip_notifier *n,
			 const struct sip_sub_rec *rec, void *pstate,
			 uint64_t now, struct sip_sub **subp)
{
	struct sip_pl eid;
	struct sip_sub *s;
	size_t pkg;
	uint32_t h;
	int err;

	if (!n || !rec || !rec->event || !rec->dlg.callid ||
	    !rec->dlg.ltag || rec->state == SIP_SUB_TERMINATED)
		return EINVAL;
	for (pkg = 0; pkg < n->pkgc; pkg++)
		if (strcmp(n->pkgv[pkg].name, rec->event) == 0)
			break;
	if (pkg == n->pkgc || !rec->remaining)
		return ENOENT;
	if (n->live >= n->conf.max_subs)
		return EOVERFLOW;
	h = dlg_hash(rec->dlg.callid, strlen(rec->dlg.callid),
		     rec->dlg.ltag, strlen(rec->dlg.ltag));
	for (s = hash_chain(n, h); s; s = s->hnext)
		if (s->hash == h && sub_same(s, pkg, rec))
			return EEXIST;
	if (evt_heap_reserve(&n->heap, n->heap.n + 1) || hash_reserve(n))
		return ENOMEM;
	if (rec->event_id) {
		eid.p = rec->event_id;
		eid.l = strnlen(rec->event_id, SIP_EVT_ID_MAX + 1);
	}
	err = sub_new(n, pkg, rec->event_id ? &eid : NULL, &s);
	if (err)
		return err;
	err = sip_dialog_load(&s->dlg, &rec->dlg);
	if (err) {
		sub_destroy(s);
		return err;
	}
	s->state = (uint8_t)rec->state;
	s->rates = rec->rates;
	s->pstate = pstate;
	s->expires_at = now + (uint64_t)rec->remaining * 1000;
	sub_link(s, h);
	if (subp)
		*subp = s;
	return 0;
}

/* --- Accessors. */

enum sip_sub_state sip_sub_state_get(const struct sip_sub *sub)
{
	return sub ? (enum sip_sub_state)sub->state : SIP_SUB_TERMINATED;
}

uint32_t sip_sub_remaining(const struct sip_sub *sub, uint64_t now)
{
	uint64_t left;

	if (!sub || sub->state == SIP_SUB_TERMINATED ||
	    sub->expires_at <= now)
		return 0;
	left = (sub->expires_at - now) / 1000;
	return left > UINT32_MAX ? UINT32_MAX : (uint32_t)left;
}

const struct sip_dialog *sip_sub_dialog(const struct sip_sub *sub)
{
	return sub ? &sub->dlg : NULL;
}

const char *sip_sub_event(const struct sip_sub *sub)
{
	return sub ? sub_pkg(sub)->name : NULL;
}

void *sip_sub_pkg_state(const struct sip_sub *sub)
{
	return sub ? sub->pstate : NULL;
}

void sip_sub_rates_set(struct sip_sub *sub, const struct sip_rates *r)
{
	if (sub && r)
		sub->rates = *r;
}

const struct sip_rates *sip_sub_rates(const struct sip_sub *sub)
{
	return sub ? &sub->rates : NULL;
}
