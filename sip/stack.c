/*
 * stack.c: the SIP stack object, its configuration and request dispatch:
 * what the stack answers itself (RFC 3261 §8.2: 405/501 method
 * inspection, 416 URI scheme, 420 Require, 483 Max-Forwards, OPTIONS 200
 * per §11.2, 481
 * CANCEL, stateless 400 for malformed requests) and what goes to the
 * handlers registered per method.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <openssl/rand.h>

#include "sip/event_int.h"
#include "sip/sip.h"
#include "sip/sip_int.h"
#include "sip/sip_stack.h"
#include "sip/stack_int.h"

/* Methods RFC 3261 and its extensions define: unregistered ones get 405,
 * anything else 501 (§8.2.1). */
static const char *const known_methods[] = {
    "INVITE",  "ACK",	"BYE",	     "CANCEL", "REGISTER",
    "OPTIONS", "PRACK", "SUBSCRIBE", "NOTIFY", "PUBLISH",
    "INFO",    "REFER", "MESSAGE",   "UPDATE", NULL};

/* Most Require/Unsupported tags we list in a 420. */
#define REQUIRE_TAGS_MAX 32

void sip_stack_conf_init(struct sip_stack_conf *conf)
{
	if (!conf)
		return;
	memset(conf, 0, sizeof(*conf));
	conf->t1_ms = SIP_T1_MS;
	conf->t2_ms = SIP_T2_MS;
	conf->t4_ms = SIP_T4_MS;
	sip_limits_init(&conf->lim);
	conf->max_conns = SIP_MAX_CONNS;
	conf->conn_outq_max = SIP_CONN_OUTQ_MAX;
	conf->idle_ms = SIP_IDLE_MS;
	conf->max_trans = SIP_MAX_TRANS;
	conf->timer_batch = SIP_TIMER_BATCH;
	conf->udp_batch = SIP_UDP_BATCH;
	conf->udp_rcvbuf = SIP_UDP_RCVBUF;
	conf->udp_sndbuf = SIP_UDP_SNDBUF;
}

void sip_stack_log(const struct sip_stack *st, int level, const char *fmt, ...)
{
	char line[256];
	va_list ap;

	if (!st || !st->conf.log_h)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	st->conf.log_h(level, line, st->conf.log_arg);
}

/* At most one malformed-input warning per this many ms. */
#define BAD_LOG_MS 1000u

void sip_stack_bad(struct sip_stack *st, const struct sip_sa *from,
		   const char *reason)
{
	char peer[SIP_SA_STRMAX];
	uint64_t now;

	st->stats.rx_bad++;
	if (!st->conf.log_h)
		return;
	now = sip_stack_now(st);
	if (st->bad_log_at && now - st->bad_log_at < BAD_LOG_MS) {
		st->bad_log_quiet++;
		return;
	}
	if (!from || sip_sa_print(from, peer, sizeof(peer)))
		memcpy(peer, "?", 2);
	sip_stack_log(st, LOG_WARNING,
		      "bad message from %s: %s (%llu more suppressed)", peer,
		      reason && *reason ? reason : "malformed",
		      (unsigned long long)st->bad_log_quiet);
	st->bad_log_at = now ? now : 1;
	st->bad_log_quiet = 0;
}

uint32_t sip_hash_pl(const struct sip_pl *pl)
{
	return evt_hash_final(evt_hash_mem(EVT_HASH_INIT, pl->p, pl->l));
}

int sip_strv_add(struct sip_strv *sv, const char *s)
{
	struct sip_pl pl;
	char **nv, *c;
	size_t l;

	if (!s || !*s)
		return EINVAL;
	sip_pl_set_str(&pl, s);
	if (sip_strv_has(sv, &pl))
		return 0;
	l = strlen(s);
	c = malloc(l + 1);
	if (!c)
		return ENOMEM;
	memcpy(c, s, l + 1);
	nv = realloc(sv->v, (sv->n + 1) * sizeof(*nv));
	if (!nv) {
		free(c);
		return ENOMEM;
	}
	sv->v = nv;
	sv->v[sv->n++] = c;
	return 0;
}

bool sip_strv_has(const struct sip_strv *sv, const struct sip_pl *s)
{
	size_t i;

	for (i = 0; i < sv->n; i++)
		if (!sip_pl_casecmp_str(s, sv->v[i]))
			return true;
	return false;
}

void sip_strv_reset(struct sip_strv *sv)
{
	size_t i;

	for (i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	sv->v = NULL;
	sv->n = 0;
}

static int str_dup(char **out, const char *s)
{
	size_t l;

	*out = NULL;
	if (!s)
		return 0;
	l = strlen(s);
	*out = malloc(l + 1);
	if (!*out)
		return ENOMEM;
	memcpy(*out, s, l + 1);
	return 0;
}

/*
 * RFC 3261 §21, plus 202/489 (RFC 3265/6665), 204 (RFC 5839), 412
 * (RFC 3903), 417 (RFC 4412), 428/436-438 (RFC 4474), 429 (RFC 3892),
 * 430/439 (RFC 5626), 433 (RFC 5079), 470 (RFC 5360), 494 (RFC 3329),
 * 580 (RFC 3312).
 */
const char *sip_reason_phrase(uint16_t scode)
{
	static const struct {
		uint16_t code;
		const char *txt;
	} tab[] = {
	    {100, "Trying"},
	    {180, "Ringing"},
	    {181, "Call Is Being Forwarded"},
	    {182, "Queued"},
	    {183, "Session Progress"},
	    {200, "OK"},
	    {202, "Accepted"},
	    {204, "No Notification"},
	    {300, "Multiple Choices"},
	    {301, "Moved Permanently"},
	    {302, "Moved Temporarily"},
	    {305, "Use Proxy"},
	    {380, "Alternative Service"},
	    {400, "Bad Request"},
	    {401, "Unauthorized"},
	    {402, "Payment Required"},
	    {403, "Forbidden"},
	    {404, "Not Found"},
	    {405, "Method Not Allowed"},
	    {406, "Not Acceptable"},
	    {407, "Proxy Authentication Required"},
	    {408, "Request Timeout"},
	    {410, "Gone"},
	    {412, "Conditional Request Failed"},
	    {413, "Request Entity Too Large"},
	    {414, "Request-URI Too Long"},
	    {415, "Unsupported Media Type"},
	    {416, "Unsupported URI Scheme"},
	    {417, "Unknown Resource-Priority"},
	    {420, "Bad Extension"},
	    {421, "Extension Required"},
	    {423, "Interval Too Brief"},
	    {428, "Use Identity Header"},
	    {429, "Provide Referrer Identity"},
	    {430, "Flow Failed"},
	    {433, "Anonymity Disallowed"},
	    {436, "Bad Identity-Info"},
	    {437, "Unsupported Certificate"},
	    {438, "Invalid Identity Header"},
	    {439, "First Hop Lacks Outbound Support"},
	    {470, "Consent Needed"},
	    {480, "Temporarily Unavailable"},
	    {481, "Call/Transaction Does Not Exist"},
	    {482, "Loop Detected"},
	    {483, "Too Many Hops"},
	    {484, "Address Incomplete"},
	    {485, "Ambiguous"},
	    {486, "Busy Here"},
	    {487, "Request Terminated"},
	    {488, "Not Acceptable Here"},
	    {489, "Bad Event"},
	    {491, "Request Pending"},
	    {493, "Undecipherable"},
	    {494, "Security Agreement Required"},
	    {500, "Server Internal Error"},
	    {501, "Not Implemented"},
	    {502, "Bad Gateway"},
	    {503, "Service Unavailable"},
	    {504, "Server Time-out"},
	    {505, "Version Not Supported"},
	    {513, "Message Too Large"},
	    {580, "Precondition Failure"},
	    {600, "Busy Everywhere"},
	    {603, "Decline"},
	    {604, "Does Not Exist Anywhere"},
	    {606, "Not Acceptable"},
	};
	size_t i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (tab[i].code == scode)
			return tab[i].txt;
	return "Unknown";
}

int sip_stack_token(struct sip_stack *st, char *buf, size_t sz, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char rnd[64];
	size_t i;

	(void)st;
	if (!buf || n >= sz || n > 2 * sizeof(rnd))
		return EINVAL;
	if (RAND_bytes(rnd, (int)((n + 1) / 2)) != 1)
		return EIO;
	for (i = 0; i < n; i++)
		buf[i] = hex[(rnd[i / 2] >> (i % 2 ? 0 : 4)) & 15];
	buf[n] = '\0';
	return 0;
}

int sip_stack_alloc(struct sip_stack **stp, struct event_base *base,
		    const struct sip_stack_conf *conf)
{
	struct sip_stack_conf def;
	struct sip_stack *st;
	int err;

	if (!stp)
		return EINVAL;
	if (!conf) {
		sip_stack_conf_init(&def);
		conf = &def;
	}
	if (!base && !(conf->send_h && conf->manual_timers))
		return EINVAL;
	if (!conf->t1_ms || conf->t2_ms < conf->t1_ms || !conf->max_trans ||
	    !conf->lim.max_msg)
		return EINVAL;
	st = calloc(1, sizeof(*st));
	if (!st)
		return ENOMEM;
	st->base = base;
	st->conf = *conf;
	if (!st->conf.timer_batch)
		st->conf.timer_batch = SIP_TIMER_BATCH;
	if (!st->conf.udp_batch)
		st->conf.udp_batch = SIP_UDP_BATCH;
	st->next_conn_id = 1;
	st->sbuck = calloc(SIP_TRANS_BUCKETS, sizeof(*st->sbuck));
	st->cbuck = calloc(SIP_TRANS_BUCKETS, sizeof(*st->cbuck));
	st->mbuck = calloc(SIP_MERGE_BUCKETS, sizeof(*st->mbuck));
	if (!st->sbuck || !st->cbuck || !st->mbuck) {
		err = ENOMEM;
		goto out;
	}
	st->nsbuck = SIP_TRANS_BUCKETS;
	st->ncbuck = SIP_TRANS_BUCKETS;
	err = str_dup(&st->user_agent, conf->user_agent);
	if (!err)
		err = str_dup(&st->domain, conf->domain);
	if (!err)
		err = str_dup(&st->tls_cert, conf->tls_cert);
	if (!err)
		err = str_dup(&st->tls_key, conf->tls_key);
	if (!err)
		err = str_dup(&st->tls_ca, conf->tls_ca);
	if (err)
		goto out;
	st->conf.user_agent = st->user_agent;
	st->conf.domain = st->domain;
	st->conf.tls_cert = st->tls_cert;
	st->conf.tls_key = st->tls_key;
	st->conf.tls_ca = st->tls_ca;
	err = sip_timers_init(st);
	if (!err && base)
		err = sip_tls_init(st);
out:
	if (err) {
		sip_stack_free(st);
		return err;
	}
	*stp = st;
	return 0;
}

void sip_stack_free(struct sip_stack *st)
{
	size_t i;

	if (!st)
		return;
	/* no callbacks from here on */
	st->conf.flow_h = NULL;
	sip_ctrans_flush(st);
	sip_strans_flush(st);
	free(st->sbuck);
	free(st->cbuck);
	free(st->mbuck);
	sip_transp_close(st);
	sip_tls_close(st);
	sip_timers_close(st);
	for (i = 0; i < st->hc; i++)
		free(st->hv[i].method);
	free(st->hv);
	sip_strv_reset(&st->events);
	sip_strv_reset(&st->accepts);
	sip_strv_reset(&st->supported);
	free(st->user_agent);
	free(st->domain);
	free(st->tls_cert);
	free(st->tls_key);
	free(st->tls_ca);
	free(st);
}

int sip_stack_handler_add(struct sip_stack *st, const char *method,
			  sip_request_h *h, void *arg)
{
	struct sip_handler *nv;
	struct sip_pl m;
	char *c = NULL;
	size_t i;

	if (!st || !h)
		return EINVAL;
	if (method) {
		sip_pl_set_str(&m, method);
		if (!sip_pl_is_token(&m) || !strcmp(method, "ACK") ||
		    !strcmp(method, "CANCEL"))
			return EINVAL;
	}
	for (i = 0; i < st->hc; i++) {
		const char *hm = st->hv[i].method;
		if ((!hm && !method) || (hm && method && !strcmp(hm, method)))
			return EEXIST;
	}
	if (str_dup(&c, method))
		return ENOMEM;
	nv = realloc(st->hv, (st->hc + 1) * sizeof(*nv));
	if (!nv) {
		free(c);
		return ENOMEM;
	}
	st->hv = nv;
	st->hv[st->hc].method = c;
	st->hv[st->hc].h = h;
	st->hv[st->hc].arg = arg;
	st->hc++;
	return 0;
}

static bool is_token_str(const char *s)
{
	struct sip_pl pl;

	sip_pl_set_str(&pl, s);
	return pl.l && sip_pl_is_token(&pl);
}

int sip_stack_event_add(struct sip_stack *st, const char *package)
{
	if (!st || !package || !is_token_str(package))
		return EINVAL;
	return sip_strv_add(&st->events, package);
}

int sip_stack_accept_add(struct sip_stack *st, const char *ctype)
{
	struct sip_ctype ct;
	struct sip_pl pl;

	if (!st || !ctype)
		return EINVAL;
	sip_pl_set_str(&pl, ctype);
	if (sip_ctype_parse(&ct, &pl))
		return EINVAL;
	return sip_strv_add(&st->accepts, ctype);
}

int sip_stack_supported_add(struct sip_stack *st, const char *tag)
{
	if (!st || !tag || !is_token_str(tag))
		return EINVAL;
	return sip_strv_add(&st->supported, tag);
}

void sip_stack_stats_get(const struct sip_stack *st, struct sip_stack_stats *s)
{
	if (!st || !s)
		return;
	*s = st->stats;
	s->strans = st->nstrans;
	s->ctrans = st->nctrans;
	s->conns = st->nconns;
}

/* ---- dispatch ---- */

static const struct sip_handler *handler_find(const struct sip_stack *st,
					      const struct sip_pl *method)
{
	size_t i;

	for (i = 0; i < st->hc; i++)
		if (st->hv[i].method &&
		    sip_pl_eq_str(method, st->hv[i].method))
			return &st->hv[i];
	return NULL;
}

static const struct sip_handler *catchall(const struct sip_stack *st)
{
	size_t i;

	for (i = 0; i < st->hc; i++)
		if (!st->hv[i].method)
			return &st->hv[i];
	return NULL;
}

static bool method_known(const struct sip_pl *m)
{
	size_t i;

	for (i = 0; known_methods[i]; i++)
		if (sip_pl_eq_str(m, known_methods[i]))
			return true;
	return false;
}

static int join(struct sip_buf *b, const struct sip_strv *sv)
{
	size_t i;
	int err = 0;

	for (i = 0; !err && i < sv->n; i++) {
		if (i)
			err = sip_buf_append(b, ", ", 2);
		if (!err)
			err = sip_buf_append_str(b, sv->v[i]);
	}
	return err;
}

int sip_stack_allow_print(const struct sip_stack *st, struct sip_buf *b)
{
	bool invite = false, options = false;
	size_t i;
	int err = 0;

	for (i = 0; i < st->hc; i++) {
		const char *m = st->hv[i].method;
		if (!m)
			continue;
		if (!strcmp(m, "INVITE"))
			invite = true;
		if (!strcmp(m, "OPTIONS"))
			options = true;
		if (b->len)
			err = sip_buf_append(b, ", ", 2);
		if (!err)
			err = sip_buf_append_str(b, m);
		if (err)
			return err;
	}
	if (!options)
		err = sip_buf_append_str(b, b->len ? ", OPTIONS" : "OPTIONS");
	if (!err && invite)
		err = sip_buf_append_str(b, ", ACK, CANCEL");
	return err;
}

/* Reply with a status and extra headers. */
static void answer(struct sip_stack *st, struct sip_strans *t, uint16_t scode,
		   struct sip_hdr_out *hv, size_t hc)
{
	struct sip_reply_desc rd;

	memset(&rd, 0, sizeof(rd));
	rd.scode = scode;
	rd.hdrv = hv;
	rd.hdrc = hc;
	if (sip_reply(t, &rd))
		sip_stack_log(st, LOG_NOTICE, "stack: reply %u failed",
			      (unsigned)scode);
}

static void answer_allow(struct sip_stack *st, struct sip_strans *t,
			 uint16_t scode)
{
	struct sip_hdr_out h = {SIP_HDR_ALLOW, NULL, {NULL, 0}};
	struct sip_buf b;

	sip_buf_init(&b, 1024);
	if (sip_stack_allow_print(st, &b)) {
		answer(st, t, 500, NULL, 0);
	} else {
		h.val.p = b.p;
		h.val.l = b.len;
		answer(st, t, scode, &h, 1);
	}
	sip_buf_reset(&b);
}

/* OPTIONS (§11.2): Allow, Accept, Allow-Events, Supported. */
static void answer_options(struct sip_stack *st, struct sip_strans *t)
{
	struct sip_buf b[4];
	struct sip_hdr_out hv[4];
	size_t i, hc = 0;
	int err;

	for (i = 0; i < 4; i++)
		sip_buf_init(&b[i], 4096);
	err = sip_stack_allow_print(st, &b[0]);
	if (!err)
		err = join(&b[1], &st->accepts);
	if (!err)
		err = join(&b[2], &st->events);
	if (!err)
		err = join(&b[3], &st->supported);
	if (!err) {
		static const enum sip_hdr_id ids[4] = {
		    SIP_HDR_ALLOW, SIP_HDR_ACCEPT, SIP_HDR_ALLOW_EVENTS,
		    SIP_HDR_SUPPORTED};
		for (i = 0; i < 4; i++) {
			/* an empty Supported says "none"; others omitted */
			if (!b[i].len && ids[i] != SIP_HDR_SUPPORTED)
				continue;
			hv[hc].id = ids[i];
			hv[hc].name = NULL;
			hv[hc].val.p = b[i].p ? b[i].p : "";
			hv[hc].val.l = b[i].len;
			hc++;
		}
		answer(st, t, 200, hv, hc);
	} else {
		answer(st, t, 500, NULL, 0);
	}
	for (i = 0; i < 4; i++)
		sip_buf_reset(&b[i]);
}

/*
 * Require (§8.2.2.3): every tag not in Supported is listed in a 420's
 * Unsupported.  Returns true when the request was answered.
 */
static bool check_require(struct sip_stack *st, struct sip_strans *t,
			  const struct sip_msg *req)
{
	struct sip_hdr_out h = {SIP_HDR_UNSUPPORTED, NULL, {NULL, 0}};
	const struct sip_hdr *r = NULL;
	struct sip_buf b;
	size_t n = 0;
	int err = 0;

	sip_buf_init(&b, 4096);
	while ((r = sip_msg_hdr(req, SIP_HDR_REQUIRE, r)) != NULL) {
		if (sip_strv_has(&st->supported, &r->val))
			continue;
		if (n++ == REQUIRE_TAGS_MAX)
			break;
		if (b.len)
			err = sip_buf_append(&b, ", ", 2);
		if (!err)
			err = sip_buf_append_pl(&b, &r->val);
		if (err)
			break;
	}
	if (n) {
		h.val.p = b.p;
		h.val.l = b.len;
		answer(st, t, 420, &h, err ? 0 : 1);
	}
	sip_buf_reset(&b);
	return n > 0;
}

/* Warning: 399 host "reason" (RFC 3261 §20.43). */
static int warning_make(const struct sip_stack *st, const char *reason,
			char *buf, size_t sz)
{
	const char *host = st->domain ? st->domain : "locd";
	int n = snprintf(buf, sz, "399 %s \"%s\"", host, reason);

	return n < 0 || (size_t)n >= sz ? EOVERFLOW : 0;
}

/* A request the parser refused: 400 (or its status) when the Via can be
 * read and it is not an ACK; else drop. */
static void recv_bad_request(struct sip_stack *st, const struct sip_peer *src,
			     const struct sip_flow *fl, const char *buf,
			     size_t len, const struct sip_err *e)
{
	struct sip_hdr_out h = {SIP_HDR_WARNING, NULL, {NULL, 0}};
	struct sip_reply_desc rd;
	struct sip_resp_src rs;
	struct sip_pl viav[SIP_HDRS_MAX];
	struct sip_via via;
	char warn[SIP_REASON_MAX + 80], tag[17];

	sip_stack_bad(st, &src->sa, e->reason);
	if (!e->status || (len >= 4 && !memcmp(buf, "ACK ", 4)) ||
	    sip_resp_src_scan(&rs, viav, SIP_HDRS_MAX, buf, len, &src->sa) ||
	    sip_via_parse(&via, &rs.top_via)) {
		st->stats.rx_dropped++;
		return;
	}
	memset(&rd, 0, sizeof(rd));
	rd.scode = e->status;
	rd.reason = e->status == 400 && e->reason[0] ? e->reason : NULL;
	if (!warning_make(st, e->reason[0] ? e->reason : "malformed", warn,
			  sizeof(warn))) {
		sip_pl_set_str(&h.val, warn);
		rd.hdrv = &h;
		rd.hdrc = 1;
	}
	if (!sip_stack_token(st, tag, sizeof(tag), 16))
		sip_pl_set_str(&rd.to_tag, tag);
	if (sip_stateless_reply(st, &rs, src, fl, &via, &rd))
		st->stats.rx_dropped++;
}

static void recv_request(struct sip_stack *st, struct sip_msg *m,
			 const struct sip_peer *src, const struct sip_flow *fl)
{
	const struct sip_handler *h;
	struct sip_strans *t;
	bool merged;
	int err;

	if (sip_strans_match(st, m, src)) {
		sip_msg_free(m);
		return;
	}
	if (sip_pl_eq_str(&m->method, "ACK")) {
		/* ACK without a transaction (2xx ACK): nobody to tell */
		st->stats.rx_dropped++;
		sip_msg_free(m);
		return;
	}
	merged = sip_strans_merged(st, m);
	err = sip_strans_alloc(&t, st, m, src, fl);
	if (err) {
		struct sip_reply_desc rd;
		struct sip_resp_src rs;
		memset(&rd, 0, sizeof(rd));
		rd.scode = err == ENOBUFS ? 503 : 500;
		if (!sip_resp_src_from_msg(&rs, m, &src->sa))
			(void)sip_stateless_reply(st, &rs, src, fl, &m->via,
						  &rd);
		sip_msg_free(m);
		return;
	}
	/* t owns m from here */
	if (merged) {
		/* §8.2.2.2: the same request by another path */
		answer(st, t, 482, NULL, 0);
		return;
	}
	if (sip_pl_eq_str(&m->method, "CANCEL")) {
		/* §9.2: nothing we run can be cancelled any more */
		answer(st, t, sip_strans_cancel_match(st, m) ? 200 : 481, NULL,
		       0);
		return;
	}
	/* §16.3 step 3, as a UAS: OPTIONS with Max-Forwards 0 is ours */
	if (m->has_max_forwards && m->max_forwards == 0 &&
	    !sip_pl_eq_str(&m->method, "OPTIONS")) {
		answer(st, t, 483, NULL, 0);
		return;
	}
	h = handler_find(st, &m->method);
	if (!h && !sip_pl_eq_str(&m->method, "OPTIONS"))
		h = catchall(st);
	if (!h && !sip_pl_eq_str(&m->method, "OPTIONS")) {
		if (method_known(&m->method))
			answer_allow(st, t, 405);
		else
			answer(st, t, 501, NULL, 0);
		return;
	}
	/* §8.2.2.1: a Request-URI we cannot serve */
	if (m->ruri.scheme != SIP_SCHEME_SIP &&
	    m->ruri.scheme != SIP_SCHEME_SIPS) {
		answer(st, t, 416, NULL, 0);
		return;
	}
	if (check_require(st, t, m))
		return;
	if (!h) {
		answer_options(st, t);
		return;
	}
	sip_strans_handler_run(t, h->h, h->arg);
}

int sip_stack_recv(struct sip_stack *st, const struct sip_peer *src,
		   const struct sip_flow *fl, const char *buf, size_t len)
{
	struct sip_flow myfl;
	struct sip_msg *m;
	struct sip_err e;
	int err;

	if (!st || !src || (!buf && len))
		return EINVAL;
	if (!fl) {
		memset(&myfl, 0, sizeof(myfl));
		myfl.tp = src->tp;
		myfl.peer = src->sa;
		fl = &myfl;
	}
	if (sip_stun_recv(st, src, fl, buf, len))
		return 0;
	st->stats.rx_msgs++;
	memset(&e, 0, sizeof(e));
	err = sip_msg_parse(&m, buf, len,
			    sip_transp_reliable(src->tp) ? SIP_PARSE_STREAM
							 : SIP_PARSE_DGRAM,
			    &st->conf.lim, &e);
	if (err) {
		if (len >= 4 && !memcmp(buf, "SIP/", 4)) {
			sip_stack_bad(st, &src->sa, e.reason);
			st->stats.rx_dropped++;
		} else {
			recv_bad_request(st, src, fl, buf, len, &e);
		}
		return err;
	}
	if (!m->req) {
		sip_ctrans_recv(st, m);
		sip_msg_free(m);
		return 0;
	}
	recv_request(st, m, src, fl);
	return 0;
}
