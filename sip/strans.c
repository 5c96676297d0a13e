/*
 * strans.c: server transactions (RFC 3261 §17.2): non-INVITE (Trying,
 * Proceeding, Completed; timer J) and the INVITE rejection path
 * (Completed with timer G retransmitting the final response over UDP,
 * timer H, ACK -> Confirmed, timer I).  Matching by branch with the magic
 * cookie (§17.2.3) or the RFC 2543 fallback; responses printed per
 * §8.2.6 with received/rport on the top Via (RFC 3581) and sent per
 * §18.2.2.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "sip/sip.h"
#include "sip/sip_int.h"
#include "sip/sip_stack.h"
#include "sip/stack_int.h"

enum strans_state {
	STRANS_TRYING = 0,
	STRANS_PROCEEDING,
	STRANS_COMPLETED,
	STRANS_CONFIRMED,
	STRANS_TERMINATED
};

/*
 * A server transaction.  Until its final response it owns the request;
 * then (issue 6: a non-INVITE one lives 32 s more over UDP, for timer J)
 * it keeps only what matching and retransmission need: the key (and the
 * merged-request key, §8.2.2.2), the last response's bytes, the peer and
 * the flow.  When the final response is sent from inside the request
 * handler, the request is freed after the handler returns.
 */
struct sip_strans {
	struct sip_strans *next;  /* bucket chain */
	struct sip_strans *mnext; /* merged-request index chain */
	struct sip_stack *st;
	char *key;      /* key bytes, then the merge key when merge_idx */
	size_t keylen;
	uint32_t hash;
	uint32_t mhash;
	/* merge key after the key: From tag, Call-ID, CSeq method */
	uint32_t mnum;  /* CSeq number */
	uint16_t mtag_l, mcid_l, mmeth_l;
	bool merge_idx; /* in st->mbuck */
	bool invite;
	bool in_h;      /* the request handler runs */
	enum strans_state state;
	struct sip_msg *req; /* NULL after the final response */
	struct sip_peer src, dst;
	struct sip_flow flow;
	char *resp; /* last response sent */
	size_t resplen;
	struct sip_timer tmr; /* J, H or I: then terminate */
	struct sip_timer tg;  /* G */
	uint64_t g_ms;
	char totag[17]; /* when the TU gives none; made on first need */
};

static const char cookie[] = "z9hG4bK";

/* ---- responses ---- */

static int pl_append_kv(struct sip_buf *b, const char *k, size_t kl,
			const struct sip_pl *v)
{
	int err = sip_buf_append(b, k, kl);
	if (!err)
		err = sip_buf_append_pl(b, v);
	return err;
}

int sip_resp_src_from_msg(struct sip_resp_src *rs, const struct sip_msg *m,
			  const struct sip_sa *src)
{
	const struct sip_hdr *h;

	memset(rs, 0, sizeof(*rs));
	rs->msg = m;
	h = sip_msg_hdr(m, SIP_HDR_VIA, NULL);
	if (!h)
		return EBADMSG;
	rs->top_via = h->val;
	if ((h = sip_msg_hdr(m, SIP_HDR_FROM, NULL)) != NULL)
		rs->from = h->val;
	if ((h = sip_msg_hdr(m, SIP_HDR_TO, NULL)) != NULL)
		rs->to = h->val;
	if ((h = sip_msg_hdr(m, SIP_HDR_CALL_ID, NULL)) != NULL)
		rs->callid = h->val;
	if ((h = sip_msg_hdr(m, SIP_HDR_CSEQ, NULL)) != NULL)
		rs->cseq = h->val;
	rs->to_has_tag = m->to.tag.l > 0;
	rs->rport = m->via.rport;
	rs->src = *src;
	return 0;
}

/*
 * Scan a request the parser refused for what a 400 needs.  Lines are
 * taken as they come (no unfolding); the top Via must parse.  Returns 0,
 * EBADMSG (no usable Via) or EOVERFLOW.
 */
int sip_resp_src_scan(struct sip_resp_src *rs, struct sip_pl *viav,
		      size_t viamax, const char *buf, size_t len,
		      const struct sip_sa *src)
{
	const char *p = buf, *end = buf + len, *lf;
	struct sip_via via;
	bool first = true;
	size_t n = 0;

	memset(rs, 0, sizeof(*rs));
	rs->src = *src;
	rs->via = viav;
	while (p < end && (lf = memchr(p, '\n', (size_t)(end - p)))) {
		struct sip_pl line = {p, (size_t)(lf - p)}, name, val;
		size_t c;

		p = lf + 1;
		if (line.l && line.p[line.l - 1] == '\r')
			line.l--;
		if (first) {
			first = false;
			continue;
		}
		if (!line.l)
			break;
		c = sip_pl_chr(&line, ':');
		if (c == line.l)
			continue;
		name.p = line.p;
		name.l = c;
		sip_pl_trim(&name);
		val.p = line.p + c + 1;
		val.l = line.l - c - 1;
		sip_pl_trim(&val);
		switch (sip_hdr_lookup(&name)) {
		case SIP_HDR_VIA: {
			struct sip_pl item;
			while (sip_list_next(&val, &item) == 0) {
				if (n == viamax)
					return EOVERFLOW;
				viav[n++] = item;
			}
			break;
		}
		case SIP_HDR_FROM:
			rs->from = val;
			break;
		case SIP_HDR_TO:
			rs->to = val;
			break;
		case SIP_HDR_CALL_ID:
			rs->callid = val;
			break;
		case SIP_HDR_CSEQ:
			rs->cseq = val;
			break;
		default:
			break;
		}
	}
	rs->viac = n;
	if (!n || sip_via_parse(&via, &viav[0]))
		return EBADMSG;
	rs->top_via = viav[0];
	rs->rport = via.rport;
	if (rs->to.l) {
		struct sip_addr a;
		rs->to_has_tag = !sip_addr_parse(&a, &rs->to) && a.tag.l;
	}
	return 0;
}

/* Top Via with received= and rport=port (RFC 3261 §18.2.1, RFC 3581). */
static int via_top_print(struct sip_buf *b, const struct sip_resp_src *rs)
{
	struct sip_via v;
	struct sip_pl r, n, val, pre;
	char host[SIP_SA_STRMAX];
	int err;

	err = sip_via_parse(&v, &rs->top_via);
	if (err)
		return err;
	pre = rs->top_via;
	if (v.params.l)
		pre.l = (size_t)(v.params.p - pre.p);
	sip_pl_rtrim_ws(&pre);
	err = sip_buf_append_str(b, "Via: ");
	if (!err)
		err = sip_buf_append_pl(b, &pre);
	r = v.params;
	while (!err && sip_param_next(&r, SIP_PARAM_HDR, &n, &val) == 0) {
		if (!sip_pl_casecmp_str(&n, "received") ||
		    !sip_pl_casecmp_str(&n, "rport"))
			continue;
		err = pl_append_kv(b, ";", 1, &n);
		if (!err && val.l)
			err = pl_append_kv(b, "=", 1, &val);
	}
	if (!err && rs->src.len) {
		/* IPv6 in brackets, as RFC 5118 §4.5 recommends parsers
		 * accept and as our parser needs */
		bool v6 = rs->src.u.sa.sa_family == AF_INET6;
		err = sip_sa_host(&rs->src, host, sizeof(host));
		if (!err)
			err =
			    sip_buf_printf(b, ";received=%s%s%s",
					   v6 ? "[" : "", host, v6 ? "]" : "");
		if (!err && rs->rport)
			err = sip_buf_printf(b, ";rport=%u",
					     (unsigned)sip_sa_port(&rs->src));
	}
	if (!err)
		err = sip_buf_append(b, "\r\n", 2);
	return err;
}

static int hdr_line(struct sip_buf *b, const char *name,
		    const struct sip_pl *v)
{
	if (!v->l)
		return 0;
	return sip_print_hdr(b, SIP_HDR_OTHER, name, v);
}

/*
 * §12.1.1: a response that establishes a dialog (101-299 to a SUBSCRIBE,
 * REFER or INVITE without To tag) copies the Record-Route values.
 */
static bool dialog_forming(const struct sip_resp_src *rs, uint16_t scode)
{
	const struct sip_pl *m;

	if (!rs->msg || rs->to_has_tag || scode <= 100 || scode >= 300)
		return false;
	m = &rs->msg->method;
	return sip_pl_eq_str(m, "SUBSCRIBE") || sip_pl_eq_str(m, "REFER") ||
	       sip_pl_eq_str(m, "INVITE");
}

int sip_resp_print(struct sip_stack *st, struct sip_buf *b,
		   const struct sip_resp_src *rs,
		   const struct sip_reply_desc *rd)
{
	const char *reason =
	    rd->reason ? rd->reason : sip_reason_phrase(rd->scode);
	size_t i;
	int err;

	err = sip_print_status_line(b, rd->scode, reason);
	if (!err)
		err = via_top_print(b, rs);
	if (rs->msg) {
		const struct sip_hdr *h =
		    sip_msg_hdr(rs->msg, SIP_HDR_VIA, NULL);
		while (!err &&
		       (h = sip_msg_hdr(rs->msg, SIP_HDR_VIA, h)) != NULL)
			err = hdr_line(b, "Via", &h->val);
	}
	for (i = 1; !err && i < rs->viac; i++)
		err = hdr_line(b, "Via", &rs->via[i]);
	if (!err)
		err = hdr_line(b, "From", &rs->from);
	if (!err && rs->to.l) {
		err = sip_buf_append_str(b, "To: ");
		if (!err)
			err = sip_buf_append_pl(b, &rs->to);
		if (!err && !rs->to_has_tag && rd->to_tag.l) {
			if (!sip_pl_is_token(&rd->to_tag))
				err = EINVAL;
			else
				err = pl_append_kv(b, ";tag=", 5, &rd->to_tag);
		}
		if (!err)
			err = sip_buf_append(b, "\r\n", 2);
	}
	if (!err)
		err = hdr_line(b, "Call-ID", &rs->callid);
	if (!err)
		err = hdr_line(b, "CSeq", &rs->cseq);
	if (!err && dialog_forming(rs, rd->scode)) {
		const struct sip_hdr *h = NULL;
		while (!err && (h = sip_msg_hdr(rs->msg, SIP_HDR_RECORD_ROUTE,
						h)) != NULL)
			err = hdr_line(b, "Record-Route", &h->val);
	}
	if (!err && st->user_agent) {
		struct sip_pl ua;
		sip_pl_set_str(&ua, st->user_agent);
		err = hdr_line(b, "Server", &ua);
	}
	for (i = 0; !err && i < rd->hdrc; i++) {
		const struct sip_hdr_out *h = &rd->hdrv[i];
		if (h->id == SIP_HDR_CONTENT_LENGTH ||
		    (h->id == SIP_HDR_OTHER && !h->name))
			return EINVAL;
		err = sip_print_hdr(b, h->id, h->name, &h->val);
	}
	if (!err && rd->ctype) {
		struct sip_pl ct;
		sip_pl_set_str(&ct, rd->ctype);
		err = sip_print_body(b, &ct, rd->body, rd->body_len);
	} else if (!err) {
		err = sip_print_end(b);
	}
	return err;
}

void sip_resp_dst(const struct sip_peer *src, const struct sip_via *v,
		  struct sip_peer *dst)
{
	uint16_t port;

	*dst = *src;
	if (v->rport)
		return;
	port = v->port ? v->port : (src->tp == SIP_TRANSP_TLS ? 5061 : 5060);
	if (src->sa.u.sa.sa_family == AF_INET)
		dst->sa.u.in.sin_port = htons(port);
	else if (src->sa.u.sa.sa_family == AF_INET6)
		dst->sa.u.in6.sin6_port = htons(port);
}

/* Send a response: back over the flow; for TCP/TLS when that connection
 * is gone, to the Via address over a new one (§18.2.2). */
static int resp_send(struct sip_stack *st, const struct sip_peer *dst,
		     const struct sip_flow *fl, const char *buf, size_t len)
{
	struct sip_flow path;
	int err;

	if (fl && fl->tp != SIP_TRANSP_NONE) {
		path = *fl;
		if (!sip_transp_reliable(fl->tp))
			path.peer = dst->sa;
		err = sip_transp_send(st, &path, buf, len);
		if (err != ENOTCONN)
			return err;
	}
	err = sip_transp_path(st, dst, NULL, &path);
	if (!err)
		err = sip_transp_send(st, &path, buf, len);
	return err;
}

int sip_stateless_reply(struct sip_stack *st, const struct sip_resp_src *rs,
			const struct sip_peer *src, const struct sip_flow *fl,
			const struct sip_via *via,
			const struct sip_reply_desc *rd)
{
	struct sip_buf b;
	struct sip_peer dst;
	int err;

	sip_buf_init(&b, st->conf.lim.max_msg);
	err = sip_resp_print(st, &b, rs, rd);
	if (!err) {
		sip_resp_dst(src, via, &dst);
		err = resp_send(st, &dst, fl, b.p, b.len);
		if (!err)
			st->stats.tx_msgs++;
	}
	sip_buf_reset(&b);
	return err;
}

/* ---- matching ---- */

static bool has_cookie(const struct sip_pl *branch)
{
	return branch->l > sizeof(cookie) - 1 &&
	       !memcmp(branch->p, cookie, sizeof(cookie) - 1);
}

/*
 * The key of the transaction a request belongs to: ACK and CANCEL count
 * as INVITE when as_invite (ACK matches its INVITE; CANCEL is looked up
 * that way to find what it cancels).
 */
static int key_make(struct sip_buf *b, const struct sip_msg *m, bool as_invite)
{
	struct sip_pl meth = m->method;
	int err;

	if (as_invite)
		meth = SIP_PL("INVITE");
	if (has_cookie(&m->via.branch)) {
		err = pl_append_kv(b, "1|", 2, &m->via.branch);
		if (!err)
			err = pl_append_kv(b, "|", 1, &m->via.sentby);
		if (!err)
			err = pl_append_kv(b, "|", 1, &meth);
		return err;
	}
	/* RFC 2543: Request-URI, From tag, Call-ID, CSeq, top Via */
	err = pl_append_kv(b, "2|", 2, &m->ruri_pl);
	if (!err)
		err = pl_append_kv(b, "|", 1, &m->from.tag);
	if (!err)
		err = pl_append_kv(b, "|", 1, &m->callid);
	if (!err)
		err = sip_buf_printf(b, "|%u|", (unsigned)m->cseq.num);
	if (!err)
		err = sip_buf_append_pl(b, &meth);
	if (!err)
		err = pl_append_kv(b, "|", 1, &m->via.sentby);
	if (!err)
		err = pl_append_kv(b, "|", 1, &m->via.branch);
	return err;
}

static struct sip_strans *find(struct sip_stack *st, const char *key,
			       size_t keylen, uint32_t hash)
{
	struct sip_strans *t;

	for (t = st->sbuck[hash & (st->nsbuck - 1)]; t; t = t->next)
		if (t->hash == hash && t->keylen == keylen &&
		    !memcmp(t->key, key, keylen) &&
		    t->state != STRANS_TERMINATED)
			return t;
	return NULL;
}

static struct sip_strans *lookup(struct sip_stack *st, const struct sip_msg *m,
				 bool as_invite)
{
	struct sip_buf b;
	struct sip_strans *t = NULL;
	struct sip_pl k;

	sip_buf_init(&b, SIP_SKEY_MAX);
	if (!key_make(&b, m, as_invite)) {
		k.p = b.p;
		k.l = b.len;
		t = find(st, b.p, b.len, sip_hash_pl(&k));
	}
	sip_buf_reset(&b);
	return t;
}

/* ---- life cycle ---- */

/* More buckets once chains average two entries (allocation failure
 * only leaves the chains longer). */
static void grow(struct sip_stack *st)
{
	size_t n = st->nsbuck * 4, i;
	struct sip_strans **nb, *t;

	if (st->nstrans < 2 * st->nsbuck || n > SIP_TRANS_BUCKETS_MAX)
		return;
	nb = calloc(n, sizeof(*nb));
	if (!nb)
		return;
	for (i = 0; i < st->nsbuck; i++) {
		while ((t = st->sbuck[i]) != NULL) {
			st->sbuck[i] = t->next;
			t->next = nb[t->hash & (n - 1)];
			nb[t->hash & (n - 1)] = t;
		}
	}
	free(st->sbuck);
	st->sbuck = nb;
	st->nsbuck = n;
}

/* From tag, Call-ID, CSeq number and method. */
static uint32_t merge_hash(const struct sip_msg *m)
{
	uint32_t h = sip_hash_pl(&m->from.tag);

	h = h * 31u + sip_hash_pl(&m->callid);
	h = h * 31u + sip_hash_pl(&m->cseq.method);
	return h * 31u + m->cseq.num;
}

/* Stored bytes k[0..l) equal view v (which may be {NULL, 0}). */
static bool kept_eq(const char *k, size_t l, const struct sip_pl *v)
{
	const struct sip_pl kp = {k, l};

	return sip_pl_eq(&kp, v);
}

/* Whether b has t's From tag, Call-ID, CSeq number and method. */
static bool merge_same(const struct sip_strans *t, const struct sip_msg *b)
{
	const char *k = t->key + t->keylen;

	return t->mnum == b->cseq.num &&
	       kept_eq(k, t->mtag_l, &b->from.tag) &&
	       kept_eq(k + t->mtag_l, t->mcid_l, &b->callid) &&
	       kept_eq(k + t->mtag_l + t->mcid_l, t->mmeth_l,
		       &b->cseq.method);
}

bool sip_strans_merged(struct sip_stack *st, const struct sip_msg *req)
{
	const struct sip_strans *t;
	uint32_t h;

	if (req->to.tag.l || !st->mbuck)
		return false;
	h = merge_hash(req);
	for (t = st->mbuck[h & (SIP_MERGE_BUCKETS - 1)]; t; t = t->mnext)
		if (t->mhash == h && t->state != STRANS_TERMINATED &&
		    merge_same(t, req))
			return true;
	return false;
}

static void strans_destroy(struct sip_strans *t)
{
	struct sip_stack *st = t->st;
	struct sip_strans **pp = &st->sbuck[t->hash & (st->nsbuck - 1)];

	while (*pp && *pp != t)
		pp = &(*pp)->next;
	if (*pp)
		*pp = t->next;
	if (t->merge_idx) {
		pp = &st->mbuck[t->mhash & (SIP_MERGE_BUCKETS - 1)];
		while (*pp && *pp != t)
			pp = &(*pp)->mnext;
		if (*pp)
			*pp = t->mnext;
	}
	st->nstrans--;
	sip_timer_cancel(&t->tmr);
	sip_timer_cancel(&t->tg);
	sip_msg_free(t->req);
	free(t->resp);
	free(t->key);
	free(t);
}

static void tmr_end(void *arg)
{
	strans_destroy(arg);
}

/*
 * After the final response: the request is not needed any more (freed
 * now, or after the request handler returns when it runs).
 */
static void req_release(struct sip_strans *t)
{
	if (t->in_h || !t->req)
		return;
	sip_msg_free(t->req);
	t->req = NULL;
}

void sip_strans_handler_run(struct sip_strans *t,
			    sip_request_h *h, void *arg)
{
	t->in_h = true;
	h(t, t->req, arg);
	t->in_h = false;
	if (t->state >= STRANS_COMPLETED)
		req_release(t);
}

/* Terminate from any state; freed from the timer (never inline). */
static void terminate(struct sip_strans *t)
{
	req_release(t);
	t->state = STRANS_TERMINATED;
	sip_timer_cancel(&t->tg);
	if (sip_timer_start(t->st, &t->tmr, 0, tmr_end, t))
		sip_stack_log(t->st, LOG_ERR, "strans: timer: no memory");
}

static void resend(struct sip_strans *t)
{
	if (!t->resp)
		return;
	if (resp_send(t->st, &t->dst, &t->flow, t->resp, t->resplen) == 0) {
		t->st->stats.tx_msgs++;
		t->st->stats.retrans_tx++;
	}
}

/* Timer G: retransmit the final INVITE response, doubling to T2. */
static void tmr_g(void *arg)
{
	struct sip_strans *t = arg;

	resend(t);
	t->g_ms *= 2;
	if (t->g_ms > t->st->conf.t2_ms)
		t->g_ms = t->st->conf.t2_ms;
	if (sip_timer_start(t->st, &t->tg, t->g_ms, tmr_g, t))
		sip_stack_log(t->st, LOG_ERR, "strans: timer: no memory");
}

/* Timer H: no ACK came; timer J/I: done absorbing. */
static void tmr_done(void *arg)
{
	struct sip_strans *t = arg;

	if (t->invite && t->state == STRANS_COMPLETED)
		sip_stack_log(t->st, LOG_INFO, "strans: timer H: no ACK");
	strans_destroy(t);
}

bool sip_strans_match(struct sip_stack *st, const struct sip_msg *req,
		      const struct sip_peer *src)
{
	bool ack = sip_pl_eq_str(&req->method, "ACK");
	struct sip_strans *t = lookup(st, req, ack);
	uint64_t t4;

	(void)src;
	if (!t)
		return false;
	st->stats.retrans_absorbed++;
	if (ack) {
		if (t->invite && t->state == STRANS_COMPLETED) {
			/* §17.2.1: Confirmed, timer I absorbs ACKs */
			t->state = STRANS_CONFIRMED;
			sip_timer_cancel(&t->tg);
			t4 = sip_transp_reliable(t->src.tp) ? 0
							    : st->conf.t4_ms;
			if (sip_timer_start(st, &t->tmr, t4, tmr_done, t))
				terminate(t);
		}
		return true;
	}
	if (t->state == STRANS_PROCEEDING || t->state == STRANS_COMPLETED)
		resend(t);
	return true;
}

bool sip_strans_cancel_match(struct sip_stack *st,
			     const struct sip_msg *cancel)
{
	struct sip_strans *t = lookup(st, cancel, true);

	return t && t->invite;
}

int sip_strans_alloc(struct sip_strans **tp, struct sip_stack *st,
		     struct sip_msg *req, const struct sip_peer *src,
		     const struct sip_flow *fl)
{
	struct sip_resp_src rs;
	struct sip_strans *t;
	struct sip_buf b;
	struct sip_pl k;
	bool merge = !req->to.tag.l && st->mbuck;
	int err;

	if (st->nstrans >= st->conf.max_trans)
		return ENOBUFS;
	/* a response can be built (a top Via), checked now */
	err = sip_resp_src_from_msg(&rs, req, &src->sa);
	if (err)
		return err;
	if (merge && (req->from.tag.l > UINT16_MAX ||
		      req->callid.l > UINT16_MAX ||
		      req->cseq.method.l > UINT16_MAX))
		return EOVERFLOW; /* not with the message cap (64 KiB) */
	t = calloc(1, sizeof(*t));
	if (!t)
		return ENOMEM;
	sip_buf_init(&b, SIP_SKEY_MAX + 3 * (size_t)UINT16_MAX);
	err = key_make(&b, req, sip_pl_eq_str(&req->method, "ACK"));
	if (!err && b.len > SIP_SKEY_MAX)
		err = EOVERFLOW; /* lookup could never find it */
	if (err)
		goto out;
	t->keylen = b.len;
	if (merge) {
		err = sip_buf_append_pl(&b, &req->from.tag);
		if (!err)
			err = sip_buf_append_pl(&b, &req->callid);
		if (!err)
			err = sip_buf_append_pl(&b, &req->cseq.method);
		if (err)
			goto out;
		t->mnum = req->cseq.num;
		t->mtag_l = (uint16_t)req->from.tag.l;
		t->mcid_l = (uint16_t)req->callid.l;
		t->mmeth_l = (uint16_t)req->cseq.method.l;
	}
	t->st = st;
	if (b.len + 1 < b.size) {
		/* kept until timer J or H: no slack (grown by doubling) */
		char *p = realloc(b.p, b.len + 1);
		if (p)
			b.p = p;
	}
	t->key = b.p;
	b.p = NULL;
	k.p = t->key;
	k.l = t->keylen;
	t->hash = sip_hash_pl(&k);
	t->req = req;
	t->src = *src;
	t->flow = *fl;
	sip_resp_dst(src, &req->via, &t->dst);
	t->invite = sip_pl_eq_str(&req->method, "INVITE");
	t->state = STRANS_TRYING;
	sip_timer_init(&t->tmr);
	sip_timer_init(&t->tg);
	t->next = st->sbuck[t->hash & (st->nsbuck - 1)];
	st->sbuck[t->hash & (st->nsbuck - 1)] = t;
	st->nstrans++;
	if (merge) {
		t->mhash = merge_hash(req);
		t->mnext = st->mbuck[t->mhash & (SIP_MERGE_BUCKETS - 1)];
		st->mbuck[t->mhash & (SIP_MERGE_BUCKETS - 1)] = t;
		t->merge_idx = true;
	}
	grow(st);
	*tp = t;
out:
	sip_buf_reset(&b);
	if (err)
		free(t);
	return err;
}

void sip_strans_flush(struct sip_stack *st)
{
	size_t i;

	for (i = 0; st->sbuck && i < st->nsbuck; i++)
		while (st->sbuck[i])
			strans_destroy(st->sbuck[i]);
}

/* ---- public ---- */

const struct sip_msg *sip_strans_req(const struct sip_strans *t)
{
	return t ? t->req : NULL;
}

const struct sip_peer *sip_strans_peer(const struct sip_strans *t)
{
	return t ? &t->src : NULL;
}

void sip_strans_flow(const struct sip_strans *t, struct sip_flow *fl)
{
	if (!t || !fl)
		return;
	*fl = t->flow;
}

bool sip_strans_flow_reuse(const struct sip_strans *t)
{
	const struct sip_hdr *h;
	struct sip_contact c;
	struct sip_pl v;

	if (!t || !t->req)
		return false;
	if (sip_transp_reliable(t->src.tp))
		return true;
	if (sip_param_get(&t->req->via.params, SIP_PARAM_HDR, "ob", &v) == 0)
		return true;
	h = sip_msg_hdr(t->req, SIP_HDR_CONTACT, NULL);
	return h && sip_contact_parse(&c, &h->val) == 0 && !c.star &&
	       sip_param_get(&c.addr.uri.params, SIP_PARAM_URI, "ob", &v) == 0;
}

int sip_reply(struct sip_strans *t, const struct sip_reply_desc *rd)
{
	struct sip_resp_src rs;
	struct sip_reply_desc my;
	struct sip_stack *st;
	struct sip_buf b;
	bool reliable;
	uint64_t ms;
	int err;

	if (!t || !rd || rd->scode < 100 || rd->scode > 699 ||
	    (!rd->body && rd->body_len) || (rd->hdrc && !rd->hdrv))
		return EINVAL;
	if (t->state >= STRANS_COMPLETED || !t->req)
		return EINVAL;
	st = t->st;
	my = *rd;
	if (!my.to_tag.l && rd->scode > 100 && !t->req->to.tag.l) {
		/* one tag for every response of t */
		if (!t->totag[0]) {
			err = sip_stack_token(st, t->totag, sizeof(t->totag),
					      16);
			if (err) {
				t->totag[0] = '\0';
				return err;
			}
		}
		sip_pl_set_str(&my.to_tag, t->totag);
	}
	err = sip_resp_src_from_msg(&rs, t->req, &t->src.sa);
	if (err)
		return err;
	sip_buf_init(&b, st->conf.lim.max_msg);
	err = sip_resp_print(st, &b, &rs, &my);
	if (err) {
		sip_buf_reset(&b);
		return err;
	}
	if (rd->scode >= 200 && b.len + 1 < b.size) {
		/* kept until the transaction ends: no slack */
		char *p = realloc(b.p, b.len + 1);
		if (p)
			b.p = p;
	}
	free(t->resp);
	t->resp = b.p;
	t->resplen = b.len;
	err = resp_send(st, &t->dst, &t->flow, t->resp, t->resplen);
	if (err) {
		sip_stack_log(st, LOG_NOTICE, "strans: send %u: error %d",
			      (unsigned)rd->scode, err);
		terminate(t);
		return err;
	}
	st->stats.tx_msgs++;
	if (rd->scode < 200) {
		t->state = STRANS_PROCEEDING;
		return 0;
	}
	reliable = sip_transp_reliable(t->src.tp);
	t->state = STRANS_COMPLETED;
	req_release(t);
	if (t->invite && rd->scode < 300) {
		/* 2xx ends the INVITE transaction; the TU retransmits */
		terminate(t);
		return 0;
	}
	if (t->invite) {
		/* timer H; timer G over UDP (§17.2.1) */
		ms = 64u * (uint64_t)st->conf.t1_ms;
		if (!reliable) {
			t->g_ms = st->conf.t1_ms;
			err = sip_timer_start(st, &t->tg, t->g_ms, tmr_g, t);
		}
	} else {
		/* timer J: 64*T1 over UDP, 0 over TCP/TLS (§17.2.2) */
		ms = reliable ? 0 : 64u * (uint64_t)st->conf.t1_ms;
	}
	if (!err)
		err = sip_timer_start(st, &t->tmr, ms, tmr_done, t);
	if (err)
		terminate(t);
	return 0;
}

int sip_reply_status(struct sip_strans *t, uint16_t scode, const char *reason)
{
	struct sip_reply_desc rd;

	memset(&rd, 0, sizeof(rd));
	rd.scode = scode;
	rd.reason = reason;
	return sip_reply(t, &rd);
}
