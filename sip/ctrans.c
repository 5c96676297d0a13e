/*
 * ctrans.c: non-INVITE client transactions (RFC 3261 §17.1.2): Trying,
 * Proceeding, Completed; timer E retransmits over UDP doubling to T2
 * (T2 once a provisional came), timer F (64*T1) times out with 408,
 * timer K (T4 over UDP, 0 over TCP/TLS) absorbs late and forked finals.
 * Responses match by the top Via branch and the CSeq method (§17.1.3).
 * A target host that is a name is resolved first (A/AAAA through evdns,
 * /etc/hosts included; no NAPTR/SRV): the request is printed without
 * its Via and Contact, which need the path, and completed once the
 * address is known.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <event2/dns.h>
#include <event2/util.h>

#include "sip/sip.h"
#include "sip/sip_int.h"
#include "sip/sip_stack.h"
#include "sip/stack_int.h"

enum ctrans_state {
	CTRANS_RESOLVING = 0, /* waiting for DNS; nothing sent */
	CTRANS_TRYING,
	CTRANS_PROCEEDING,
	CTRANS_COMPLETED,
	CTRANS_TERMINATED
};

/* Method names we send are short tokens. */
#define METHOD_MAX 32

struct sip_ctrans {
	struct sip_ctrans *next; /* bucket chain */
	struct sip_stack *st;
	char branch[SIP_BRANCH_MAX];
	size_t branchlen;
	uint32_t hash;
	char method[METHOD_MAX];
	struct sip_flow path;
	char *req;
	size_t reqlen;
	enum ctrans_state state;
	struct sip_timer te, tf, tk;
	uint64_t e_ms;
	sip_resp_h *h;
	void *arg;
	int fail_err; /* connection failure to report */
	/* until sent: the request without Via and Contact */
	char *parts; /* head | mid | tail */
	size_t off_mid, off_tail, partslen;
	char *contact_user;
	struct sip_peer dst; /* resolved target */
	char *host;	     /* the name resolved, for TLS */
	struct evdns_getaddrinfo_request *dnsreq;
};

/*
 * Free what only sending needs (the request, its parts, the Contact user,
 * the TLS name) once nothing will be sent again: a final response came
 * or the transaction ended. A completed transaction waits timer K (T4,
 * 5 s over UDP) with its branch only (issue 6: 10,000 NOTIFYs held 20 MB
 * of requests those 5 s).
 */
static void ctrans_release(struct sip_ctrans *ct)
{
	if (ct->req)
		ct->st->stats.ctrans_req_bytes -= ct->reqlen + 1;
	free(ct->req);
	ct->req = NULL;
	ct->reqlen = 0;
	free(ct->parts);
	ct->parts = NULL;
	free(ct->contact_user);
	ct->contact_user = NULL;
	free(ct->host);
	ct->host = NULL;
}

static void ctrans_destroy(struct sip_ctrans *ct)
{
	struct sip_stack *st = ct->st;
	struct sip_ctrans **pp = &st->cbuck[ct->hash & (st->ncbuck - 1)];

	while (*pp && *pp != ct)
		pp = &(*pp)->next;
	if (*pp)
		*pp = ct->next;
	st->nctrans--;
	sip_timer_cancel(&ct->te);
	sip_timer_cancel(&ct->tf);
	sip_timer_cancel(&ct->tk);
	if (ct->dnsreq) {
		struct evdns_getaddrinfo_request *r = ct->dnsreq;
		ct->dnsreq = NULL;
		evdns_getaddrinfo_cancel(r); /* its callback sees CANCEL */
	}
	ctrans_release(ct);
	free(ct);
}

void sip_ctrans_flush(struct sip_stack *st)
{
	size_t i;

	for (i = 0; st->cbuck && i < st->ncbuck; i++)
		while (st->cbuck[i])
			ctrans_destroy(st->cbuck[i]);
}

/* More buckets once chains average two entries. */
static void grow(struct sip_stack *st)
{
	size_t n = st->ncbuck * 4, i;
	struct sip_ctrans **nb, *ct;

	if (st->nctrans < 2 * st->ncbuck || n > SIP_TRANS_BUCKETS_MAX)
		return;
	nb = calloc(n, sizeof(*nb));
	if (!nb)
		return;
	for (i = 0; i < st->ncbuck; i++) {
		while ((ct = st->cbuck[i]) != NULL) {
			st->cbuck[i] = ct->next;
			ct->next = nb[ct->hash & (n - 1)];
			nb[ct->hash & (n - 1)] = ct;
		}
	}
	free(st->cbuck);
	st->cbuck = nb;
	st->ncbuck = n;
}

static void tmr_free(void *arg)
{
	ctrans_destroy(arg);
}

/* Report once a final result and terminate (freed from a timer). */
static void finish(struct sip_ctrans *ct, int err, uint16_t scode)
{
	sip_resp_h *h = ct->h;

	ct->h = NULL;
	ct->state = CTRANS_TERMINATED;
	sip_timer_cancel(&ct->te);
	sip_timer_cancel(&ct->tf);
	ctrans_release(ct);
	if (sip_timer_start(ct->st, &ct->tk, 0, tmr_free, ct))
		sip_stack_log(ct->st, LOG_ERR, "ctrans: timer: no memory");
	if (h)
		h(err, scode, NULL, ct->arg);
}

/* Timer E: retransmit over UDP (§17.1.2.2). */
static void tmr_e(void *arg)
{
	struct sip_ctrans *ct = arg;
	struct sip_stack *st = ct->st;
	int err;

	err = sip_transp_send(st, &ct->path, ct->req, ct->reqlen);
	if (err) {
		finish(ct, err, 503);
		return;
	}
	st->stats.tx_msgs++;
	st->stats.retrans_tx++;
	if (ct->state == CTRANS_PROCEEDING) {
		ct->e_ms = st->conf.t2_ms;
	} else {
		ct->e_ms *= 2;
		if (ct->e_ms > st->conf.t2_ms)
			ct->e_ms = st->conf.t2_ms;
	}
	if (sip_timer_start(st, &ct->te, ct->e_ms, tmr_e, ct))
		sip_stack_log(st, LOG_ERR, "ctrans: timer: no memory");
}

/* Timer F: no final response: 408 to the TU (§17.1.2.2, §8.1.3.1). */
static void tmr_f(void *arg)
{
	finish(arg, ETIMEDOUT, 408);
}

void sip_ctrans_recv(struct sip_stack *st, const struct sip_msg *resp)
{
	struct sip_ctrans *ct;
	uint32_t hash = sip_hash_pl(&resp->via.branch);
	uint64_t k;

	for (ct = st->cbuck[hash & (st->ncbuck - 1)]; ct; ct = ct->next)
		if (ct->hash == hash && ct->branchlen == resp->via.branch.l &&
		    !memcmp(ct->branch, resp->via.branch.p, ct->branchlen) &&
		    sip_pl_eq_str(&resp->cseq.method, ct->method))
			break;
	if (!ct) {
		st->stats.rx_dropped++;
		return;
	}
	if (ct->state == CTRANS_RESOLVING) {
		st->stats.rx_dropped++; /* nothing was sent yet */
		return;
	}
	if (ct->state >= CTRANS_COMPLETED) {
		/* retransmitted or forked final: absorbed (timer K) */
		st->stats.retrans_absorbed++;
		return;
	}
	if (resp->scode < 200) {
		ct->state = CTRANS_PROCEEDING;
		if (ct->h)
			ct->h(0, resp->scode, resp, ct->arg);
		return;
	}
	ct->state = CTRANS_COMPLETED;
	sip_timer_cancel(&ct->te);
	sip_timer_cancel(&ct->tf);
	ctrans_release(ct);
	k = sip_transp_reliable(ct->path.tp) ? 0 : st->conf.t4_ms;
	if (sip_timer_start(st, &ct->tk, k, tmr_free, ct)) {
		ct->state = CTRANS_TERMINATED;
		sip_stack_log(st, LOG_ERR, "ctrans: timer: no memory");
	}
	if (ct->h) {
		sip_resp_h *h = ct->h;
		ct->h = NULL;
		h(0, resp->scode, resp, ct->arg);
	}
}

void sip_ctrans_cancel(struct sip_ctrans *ct)
{
	if (!ct)
		return;
	ct->h = NULL;
	if (ct->state < CTRANS_COMPLETED) {
		ct->state = CTRANS_TERMINATED;
		sip_timer_cancel(&ct->te);
		sip_timer_cancel(&ct->tf);
		ctrans_release(ct);
		if (sip_timer_start(ct->st, &ct->tk, 0, tmr_free, ct))
			sip_stack_log(ct->st, LOG_ERR, "ctrans: no memory");
	}
}

/* Report a connection failure (from the loop, not from the close). */
static void tmr_fail(void *arg)
{
	struct sip_ctrans *ct = arg;
	sip_resp_h *h = ct->h;

	ct->h = NULL;
	if (h)
		h(ct->fail_err, 503, NULL, ct->arg);
	ctrans_destroy(ct);
}

void sip_ctrans_conn_closed(struct sip_stack *st, uint64_t conn_id, int err)
{
	struct sip_ctrans *ct;
	size_t i;

	/* handlers run later: one may send and grow the table we walk */
	for (i = 0; i < st->ncbuck; i++) {
		for (ct = st->cbuck[i]; ct; ct = ct->next) {
			if (ct->path.conn_id != conn_id ||
			    ct->state >= CTRANS_COMPLETED)
				continue;
			ct->state = CTRANS_TERMINATED;
			ct->fail_err = err ? err : ECONNRESET;
			sip_timer_cancel(&ct->te);
			sip_timer_cancel(&ct->tf);
			if (sip_timer_start(st, &ct->tk, 0, tmr_fail, ct))
				sip_stack_log(st, LOG_ERR,
					      "ctrans: timer: no memory");
		}
	}
}

/* ---- building ---- */

/*
 * The URI a request goes to: the first Route's (unless to_ruri), else
 * the Request-URI; transport from the scheme or ;transport=.  host is
 * set to the URI's host; dst->sa is set when it is numeric (*name
 * false), else *name is true and only dst->tp and *port are set.
 */
static int target(const struct sip_req_desc *rd, struct sip_peer *dst,
		  struct sip_pl *host, uint16_t *port, bool *name)
{
	struct sip_addr a;
	struct sip_uri u;
	struct sip_pl pl, tp;

	if (rd->routec && !rd->to_ruri) {
		sip_pl_set_str(&pl, rd->routev[0]);
		if (sip_addr_parse(&a, &pl))
			return EINVAL;
		u = a.uri;
	} else {
		sip_pl_set_str(&pl, rd->ruri);
		if (sip_uri_parse(&u, &pl))
			return EINVAL;
	}
	if (u.scheme != SIP_SCHEME_SIP && u.scheme != SIP_SCHEME_SIPS)
		return EINVAL;
	dst->tp = SIP_TRANSP_UDP;
	if (sip_param_get(&u.params, SIP_PARAM_URI, "transport", &tp) == 0) {
		if (!sip_pl_casecmp_str(&tp, "tcp"))
			dst->tp = SIP_TRANSP_TCP;
		else if (!sip_pl_casecmp_str(&tp, "tls"))
			dst->tp = SIP_TRANSP_TLS;
		else if (sip_pl_casecmp_str(&tp, "udp"))
			return EINVAL;
	}
	/* SEC-4: sips: only ever over TLS */
	if (u.scheme == SIP_SCHEME_SIPS)
		dst->tp = SIP_TRANSP_TLS;
	*port = u.port ? u.port : (dst->tp == SIP_TRANSP_TLS ? 5061 : 5060);
	*host = u.host;
	*name = sip_sa_set_pl(&dst->sa, &u.host, *port) != 0;
	if (*name && (u.host_v6 || !u.host.l || u.host.l > 253))
		return EINVAL;
	return 0;
}

static bool hdrs_have(const struct sip_req_desc *rd, enum sip_hdr_id id)
{
	size_t i;

	for (i = 0; i < rd->hdrc; i++)
		if (rd->hdrv[i].id == id)
			return true;
	return false;
}

static int str_hdr(struct sip_buf *b, enum sip_hdr_id id, const char *v)
{
	struct sip_pl pl;

	sip_pl_set_str(&pl, v);
	return sip_print_hdr(b, id, NULL, &pl);
}

/*
 * Print what does not depend on the path: head (request line), mid
 * (Max-Forwards, Route, From, To, Call-ID, CSeq, User-Agent, extra
 * headers) and tail (Content-Type, Content-Length, body) into ct->parts.
 */
static int parts_print(struct sip_stack *st, struct sip_ctrans *ct,
		       const struct sip_req_desc *rd)
{
	struct sip_pl meth, ruri;
	struct sip_buf b;
	size_t i;
	int err;

	sip_buf_init(&b, st->conf.lim.max_msg);
	sip_pl_set_str(&meth, rd->method);
	sip_pl_set_str(&ruri, rd->ruri);
	err = sip_print_request_line(&b, &meth, &ruri);
	ct->off_mid = b.len;
	if (!err && !hdrs_have(rd, SIP_HDR_MAX_FORWARDS))
		err = sip_print_hdr_u32(&b, SIP_HDR_MAX_FORWARDS, 70);
	for (i = 0; !err && i < rd->routec; i++)
		err = str_hdr(&b, SIP_HDR_ROUTE, rd->routev[i]);
	if (!err)
		err = str_hdr(&b, SIP_HDR_FROM, rd->from);
	if (!err)
		err = str_hdr(&b, SIP_HDR_TO, rd->to);
	if (!err)
		err = str_hdr(&b, SIP_HDR_CALL_ID, rd->callid);
	if (!err)
		err = sip_buf_printf(&b, "CSeq: %u %s\r\n", (unsigned)rd->cseq,
				     rd->method);
	if (!err && st->user_agent)
		err = str_hdr(&b, SIP_HDR_USER_AGENT, st->user_agent);
	for (i = 0; !err && i < rd->hdrc; i++) {
		const struct sip_hdr_out *h = &rd->hdrv[i];
		if (h->id == SIP_HDR_CONTENT_LENGTH || h->id == SIP_HDR_VIA ||
		    (h->id == SIP_HDR_OTHER && !h->name))
			err = EINVAL;
		else
			err = sip_print_hdr(&b, h->id, h->name, &h->val);
	}
	ct->off_tail = b.len;
	if (!err && rd->ctype) {
		struct sip_pl ctp;
		sip_pl_set_str(&ctp, rd->ctype);
		err = sip_print_body(&b, &ctp, rd->body, rd->body_len);
	} else if (!err) {
		err = sip_print_end(&b);
	}
	if (err) {
		sip_buf_reset(&b);
		return err;
	}
	ct->parts = b.p;
	ct->partslen = b.len;
	return 0;
}

/* head + Via + mid + Contact + tail, for path, into ct->req. */
static int assemble(struct sip_stack *st, struct sip_ctrans *ct)
{
	const struct sip_flow *path = &ct->path;
	char sentby[SIP_SA_STRMAX];
	struct sip_buf b;
	int err;

	sip_buf_init(&b, st->conf.lim.max_msg);
	err = sip_transp_sentby(path, sentby, sizeof(sentby));
	if (!err)
		err = sip_buf_append(&b, ct->parts, ct->off_mid);
	if (!err)
		err = sip_buf_printf(
		    &b, "Via: SIP/2.0/%s %s;branch=%s;rport\r\n",
		    sip_transp_name(path->tp), sentby, ct->branch);
	if (!err)
		err = sip_buf_append(&b, ct->parts + ct->off_mid,
				     ct->off_tail - ct->off_mid);
	if (!err && ct->contact_user) {
		bool at = ct->contact_user[0] != '\0';
		if (path->tp == SIP_TRANSP_TLS)
			err = sip_buf_printf(&b, "Contact: <sips:%s%s%s>\r\n",
					     ct->contact_user, at ? "@" : "",
					     sentby);
		else
			err = sip_buf_printf(
			    &b, "Contact: <sip:%s%s%s%s>\r\n",
			    ct->contact_user, at ? "@" : "", sentby,
			    path->tp == SIP_TRANSP_TCP ? ";transport=tcp"
						       : "");
	}
	if (!err)
		err = sip_buf_append(&b, ct->parts + ct->off_tail,
				     ct->partslen - ct->off_tail);
	if (err) {
		sip_buf_reset(&b);
		return err;
	}
	if (b.len + 1 < b.size) {
		/* kept until the final response: no slack */
		char *p = realloc(b.p, b.len + 1);
		if (p)
			b.p = p;
	}
	ct->req = b.p;
	ct->reqlen = b.len;
	st->stats.ctrans_req_bytes += b.len + 1;
	free(ct->parts);
	ct->parts = NULL;
	return 0;
}

static bool desc_ok(const struct sip_req_desc *rd)
{
	struct sip_pl m;

	if (!rd->method || !rd->ruri || !rd->from || !rd->to || !rd->callid ||
	    !*rd->callid || (rd->routec && !rd->routev) ||
	    (rd->hdrc && !rd->hdrv) || (!rd->body && rd->body_len))
		return false;
	sip_pl_set_str(&m, rd->method);
	if (!m.l || m.l >= METHOD_MAX || !sip_pl_is_token(&m))
		return false;
	if (rd->contact_user) {
		struct sip_pl u;
		sip_pl_set_str(&u, rd->contact_user);
		if (u.l && !sip_pl_all(&u, SIP_C_UNRES | SIP_C_USER, true))
			return false;
	}
	return strcmp(rd->method, "INVITE") && strcmp(rd->method, "ACK") &&
	       strcmp(rd->method, "CANCEL");
}

/* Path, full message, first send, timer E over UDP. */
static int launch(struct sip_stack *st, struct sip_ctrans *ct,
		  const struct sip_flow *flow)
{
	int err;

	err = sip_transp_path(st, &ct->dst, flow, &ct->path);
	if (!err)
		err = assemble(st, ct);
	if (!err) {
		st->tls_name = ct->host;
		err = sip_transp_send(st, &ct->path, ct->req, ct->reqlen);
		st->tls_name = NULL;
	}
	if (err)
		return err;
	st->stats.tx_msgs++;
	ct->state = CTRANS_TRYING;
	if (!sip_transp_reliable(ct->path.tp))
		err = sip_timer_start(st, &ct->te, ct->e_ms, tmr_e, ct);
	return err;
}

/* Report err as a 503 from the loop (never from sip_request_send). */
static void fail_later(struct sip_ctrans *ct, int err)
{
	ct->state = CTRANS_TERMINATED;
	ct->fail_err = err;
	sip_timer_cancel(&ct->te);
	sip_timer_cancel(&ct->tf);
	if (sip_timer_start(ct->st, &ct->tk, 0, tmr_fail, ct))
		sip_stack_log(ct->st, LOG_ERR, "ctrans: timer: no memory");
}

/* An address of a family we can send from (UDP needs a listener). */
static const struct evutil_addrinfo *
pick_addr(struct sip_stack *st, enum sip_transp tp,
	  const struct evutil_addrinfo *ai)
{
	const struct evutil_addrinfo *a;
	struct sip_sa sa;

	for (a = ai; a; a = a->ai_next) {
		if ((a->ai_family != AF_INET && a->ai_family != AF_INET6) ||
		    a->ai_addrlen > sizeof(sa.u))
			continue;
		if (tp != SIP_TRANSP_UDP || st->conf.send_h ||
		    !sip_stack_laddr(st, SIP_TRANSP_UDP, a->ai_family, &sa))
			return a;
	}
	return NULL;
}

static void dns_cb(int result, struct evutil_addrinfo *res, void *arg)
{
	struct sip_ctrans *ct = arg;
	const struct evutil_addrinfo *a;
	uint16_t port;
	int err;

	if (result == EVUTIL_EAI_CANCEL) {
		if (res)
			evutil_freeaddrinfo(res);
		return; /* ct is being destroyed */
	}
	ct->dnsreq = NULL;
	if (ct->state != CTRANS_RESOLVING) {
		if (res)
			evutil_freeaddrinfo(res);
		return;
	}
	a = result ? NULL : pick_addr(ct->st, ct->dst.tp, res);
	if (!a) {
		sip_stack_log(ct->st, LOG_NOTICE, "ctrans: DNS: %s",
			      result ? evutil_gai_strerror(result)
				     : "no usable address");
		if (res)
			evutil_freeaddrinfo(res);
		fail_later(ct, EHOSTUNREACH);
		return;
	}
	port = sip_sa_port(&ct->dst.sa);
	memset(&ct->dst.sa, 0, sizeof(ct->dst.sa));
	memcpy(&ct->dst.sa.u, a->ai_addr, a->ai_addrlen);
	ct->dst.sa.len = (socklen_t)a->ai_addrlen;
	if (a->ai_family == AF_INET)
		ct->dst.sa.u.in.sin_port = htons(port);
	else
		ct->dst.sa.u.in6.sin6_port = htons(port);
	evutil_freeaddrinfo(res);
	err = launch(ct->st, ct, NULL);
	if (err)
		fail_later(ct, err);
}

/* Start resolving host; dns_cb may run before this returns. */
static int resolve(struct sip_stack *st, struct sip_ctrans *ct,
		   const struct sip_pl *host, uint16_t port)
{
	struct evutil_addrinfo hints;
	struct evdns_getaddrinfo_request *r;
	char name[256];

	if (!st->base)
		return EINVAL; /* no loop, no DNS */
	if (sip_pl_strcpy(host, name, sizeof(name)))
		return EINVAL;
	ct->host = malloc(host->l + 1);
	if (!ct->host)
		return ENOMEM;
	memcpy(ct->host, name, host->l + 1);
	if (!st->dns) {
		st->dns = evdns_base_new(st->base,
					 EVDNS_BASE_INITIALIZE_NAMESERVERS |
					     EVDNS_BASE_DISABLE_WHEN_INACTIVE);
		if (!st->dns)
			return ENOMEM;
	}
	/* the port travels in dst until the answer comes */
	memset(&ct->dst.sa, 0, sizeof(ct->dst.sa));
	ct->dst.sa.u.in.sin_family = AF_INET;
	ct->dst.sa.u.in.sin_port = htons(port);
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype =
	    ct->dst.tp == SIP_TRANSP_UDP ? SOCK_DGRAM : SOCK_STREAM;
	ct->state = CTRANS_RESOLVING;
	r = evdns_getaddrinfo(st->dns, name, NULL, &hints, dns_cb, ct);
	if (r && ct->state == CTRANS_RESOLVING)
		ct->dnsreq = r;
	return 0;
}

int sip_request_send(struct sip_stack *st, const struct sip_req_desc *rd,
		     sip_resp_h *resph, void *arg, struct sip_ctrans **ctp)
{
	struct sip_ctrans *ct = NULL;
	struct sip_pl host = {NULL, 0}, bp;
	uint16_t port = 0;
	bool name = false;
	int err;

	if (!st || !rd || !resph || !desc_ok(rd))
		return EINVAL;
	if (st->nctrans >= st->conf.max_trans)
		return ENOBUFS;
	ct = calloc(1, sizeof(*ct));
	if (!ct)
		return ENOMEM;
	ct->st = st;
	sip_timer_init(&ct->te);
	sip_timer_init(&ct->tf);
	sip_timer_init(&ct->tk);
	ct->e_ms = st->conf.t1_ms;
	ct->h = resph;
	ct->arg = arg;
	memcpy(ct->method, rd->method, strlen(rd->method) + 1);
	if (!rd->flow) {
		err = target(rd, &ct->dst, &host, &port, &name);
		if (err)
			goto fail;
		if (name && !st->base) {
			err = EINVAL; /* no loop, no DNS */
			goto fail;
		}
	}
	memcpy(ct->branch, "z9hG4bK", 7);
	err = sip_stack_token(st, ct->branch + 7, sizeof(ct->branch) - 7, 16);
	if (!err && rd->contact_user) {
		size_t l = strlen(rd->contact_user);
		ct->contact_user = malloc(l + 1);
		if (!ct->contact_user)
			err = ENOMEM;
		else
			memcpy(ct->contact_user, rd->contact_user, l + 1);
	}
	if (!err)
		err = parts_print(st, ct, rd);
	if (err)
		goto fail;
	ct->branchlen = strlen(ct->branch);
	bp.p = ct->branch;
	bp.l = ct->branchlen;
	ct->hash = sip_hash_pl(&bp);
	if (!name) {
		err = launch(st, ct, rd->flow);
		if (err)
			goto fail;
	}
	err = sip_timer_start(st, &ct->tf, 64u * (uint64_t)st->conf.t1_ms,
			      tmr_f, ct);
	if (err)
		goto fail;
	ct->next = st->cbuck[ct->hash & (st->ncbuck - 1)];
	st->cbuck[ct->hash & (st->ncbuck - 1)] = ct;
	st->nctrans++;
	grow(st);
	if (name) {
		/* in the table first: dns_cb may run inside resolve() */
		err = resolve(st, ct, &host, port);
		if (err) {
			ctrans_destroy(ct);
			return err;
		}
	}
	if (ctp)
		*ctp = ct;
	return 0;
fail:
	sip_timer_cancel(&ct->te);
	sip_timer_cancel(&ct->tf);
	ctrans_release(ct);
	free(ct);
	return err;
}
