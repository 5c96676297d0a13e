/*
 * hdr.c: header name table (full and compact forms, RFC 3261 §7.3.3,
 * RFC 6665 §8.2) and the per-header value parsers: Via, CSeq,
 * Content-Type, Event, Subscription-State.
 */
#include <errno.h>
#include <string.h>

#include "sip/sip.h"
#include "sip/sip_int.h"

#define H(n, c, l) {n, sizeof(n) - 1, c, l}

static const struct {
	const char *name;
	size_t len;
	char compact;
	bool list;
} hdr_tab[SIP_HDR_COUNT] = {
	[SIP_HDR_ACCEPT] = H("Accept", 0, true),
	[SIP_HDR_ALLOW] = H("Allow", 0, true),
	[SIP_HDR_ALLOW_EVENTS] = H("Allow-Events", 'u', true),
	[SIP_HDR_AUTHORIZATION] = H("Authorization", 0, false),
	[SIP_HDR_CALL_ID] = H("Call-ID", 'i', false),
	[SIP_HDR_CONTACT] = H("Contact", 'm', true),
	[SIP_HDR_CONTENT_ENCODING] = H("Content-Encoding", 'e', true),
	[SIP_HDR_CONTENT_LENGTH] = H("Content-Length", 'l', false),
	[SIP_HDR_CONTENT_TYPE] = H("Content-Type", 'c', false),
	[SIP_HDR_CSEQ] = H("CSeq", 0, false),
	[SIP_HDR_DATE] = H("Date", 0, false),
	[SIP_HDR_EVENT] = H("Event", 'o', false),
	[SIP_HDR_EXPIRES] = H("Expires", 0, false),
	[SIP_HDR_FROM] = H("From", 'f', false),
	[SIP_HDR_MAX_FORWARDS] = H("Max-Forwards", 0, false),
	[SIP_HDR_MIN_EXPIRES] = H("Min-Expires", 0, false),
	[SIP_HDR_PROXY_AUTHENTICATE] = H("Proxy-Authenticate", 0, false),
	[SIP_HDR_PROXY_AUTHORIZATION] = H("Proxy-Authorization", 0, false),
	[SIP_HDR_PROXY_REQUIRE] = H("Proxy-Require", 0, true),
	[SIP_HDR_RECORD_ROUTE] = H("Record-Route", 0, true),
	[SIP_HDR_REQUIRE] = H("Require", 0, true),
	[SIP_HDR_RETRY_AFTER] = H("Retry-After", 0, false),
	[SIP_HDR_ROUTE] = H("Route", 0, true),
	[SIP_HDR_SIP_ETAG] = H("SIP-ETag", 0, false),
	[SIP_HDR_SIP_IF_MATCH] = H("SIP-If-Match", 0, false),
	[SIP_HDR_SUBJECT] = H("Subject", 's', false),
	[SIP_HDR_SUBSCRIPTION_STATE] = H("Subscription-State", 0, false),
	[SIP_HDR_SUPPORTED] = H("Supported", 'k', true),
	[SIP_HDR_TO] = H("To", 't', false),
	[SIP_HDR_UNSUPPORTED] = H("Unsupported", 0, true),
	[SIP_HDR_USER_AGENT] = H("User-Agent", 0, false),
	[SIP_HDR_VIA] = H("Via", 'v', true),
	[SIP_HDR_WARNING] = H("Warning", 0, true),
	[SIP_HDR_WWW_AUTHENTICATE] = H("WWW-Authenticate", 0, false),
};

/* Ids by the lower-case first letter of their full name (0 ends). */
static const uint8_t by_letter[26][7] = {
	['a' - 'a'] = {SIP_HDR_ACCEPT, SIP_HDR_ALLOW, SIP_HDR_ALLOW_EVENTS,
		SIP_HDR_AUTHORIZATION},
	['c' - 'a'] = {SIP_HDR_CALL_ID, SIP_HDR_CONTACT,
		SIP_HDR_CONTENT_ENCODING, SIP_HDR_CONTENT_LENGTH,
		SIP_HDR_CONTENT_TYPE, SIP_HDR_CSEQ},
	['d' - 'a'] = {SIP_HDR_DATE},
	['e' - 'a'] = {SIP_HDR_EVENT, SIP_HDR_EXPIRES},
	['f' - 'a'] = {SIP_HDR_FROM},
	['m' - 'a'] = {SIP_HDR_MAX_FORWARDS, SIP_HDR_MIN_EXPIRES},
	['p' - 'a'] = {SIP_HDR_PROXY_AUTHENTICATE, SIP_HDR_PROXY_AUTHORIZATION,
		SIP_HDR_PROXY_REQUIRE},
	['r' - 'a'] = {SIP_HDR_RECORD_ROUTE, SIP_HDR_REQUIRE,
		SIP_HDR_RETRY_AFTER, SIP_HDR_ROUTE},
	['s' - 'a'] = {SIP_HDR_SIP_ETAG, SIP_HDR_SIP_IF_MATCH, SIP_HDR_SUBJECT,
		SIP_HDR_SUBSCRIPTION_STATE, SIP_HDR_SUPPORTED},
	['t' - 'a'] = {SIP_HDR_TO},
	['u' - 'a'] = {SIP_HDR_UNSUPPORTED, SIP_HDR_USER_AGENT},
	['v' - 'a'] = {SIP_HDR_VIA},
	['w' - 'a'] = {SIP_HDR_WARNING, SIP_HDR_WWW_AUTHENTICATE},
};

const char *sip_hdr_name(enum sip_hdr_id id)
{
	if ((int)id <= SIP_HDR_OTHER || id >= SIP_HDR_COUNT)
		return NULL;
	return hdr_tab[id].name;
}

bool sip_hdr_is_list(enum sip_hdr_id id)
{
	if ((int)id <= SIP_HDR_OTHER || id >= SIP_HDR_COUNT)
		return false;
	return hdr_tab[id].list;
}

static int lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

struct sip_pl sip_hdr_name_pl(enum sip_hdr_id id)
{
	struct sip_pl n = {NULL, 0};

	if ((int)id > SIP_HDR_OTHER && id < SIP_HDR_COUNT) {
		n.p = hdr_tab[id].name;
		n.l = hdr_tab[id].len;
	}
	return n;
}

enum sip_hdr_id sip_hdr_lookup(const struct sip_pl *name)
{
	const uint8_t *cand;
	size_t i, k;
	int c0;

	if (!name || !name->p || !name->l)
		return SIP_HDR_OTHER;
	c0 = lower((unsigned char)name->p[0]);
	if (c0 < 'a' || c0 > 'z')
		return SIP_HDR_OTHER;
	if (name->l == 1) {
		for (i = 1; i < SIP_HDR_COUNT; i++)
			if (hdr_tab[i].compact == c0)
				return (enum sip_hdr_id)i;
		return SIP_HDR_OTHER;
	}
	cand = by_letter[c0 - 'a'];
	for (k = 0; cand[k]; k++) {
		if (sip_pl_ieq(name, hdr_tab[cand[k]].name,
			       hdr_tab[cand[k]].len))
			return (enum sip_hdr_id)cand[k];
	}
	return SIP_HDR_OTHER;
}

/* Take a token at the front of r (after LWS); empty when none. */
static struct sip_pl take_token(struct sip_pl *r)
{
	struct sip_pl t;
	size_t i = 0;

	sip_pl_skip_ws(r);
	while (i < r->l && sip_chr_is(r->p[i], SIP_C_TOKEN))
		i++;
	t.p = r->p;
	t.l = i;
	sip_pl_advance(r, i);
	sip_pl_skip_ws(r);
	return t;
}

/* Expect byte c at the front of r (after LWS); LWS after it skipped. */
static bool take_char(struct sip_pl *r, char c)
{
	sip_pl_skip_ws(r);
	if (!r->l || r->p[0] != c)
		return false;
	sip_pl_advance(r, 1);
	sip_pl_skip_ws(r);
	return true;
}

static int via_params(struct sip_via *via)
{
	struct sip_pl r = via->params, n, v;
	uint32_t u;
	int err;

	while ((err = sip_param_next(&r, SIP_PARAM_HDR, &n, &v)) == 0) {
		if (SIP_PL_IEQ(&n, "branch")) {
			if (!v.l || v.p[0] == '"')
				return EBADMSG;
			via->branch = v;
		} else if (SIP_PL_IEQ(&n, "received")) {
			if (!v.l || v.p[0] == '"')
				return EBADMSG;
			via->received = v;
		} else if (SIP_PL_IEQ(&n, "maddr")) {
			if (!v.l || v.p[0] == '"')
				return EBADMSG;
			via->maddr = v;
		} else if (SIP_PL_IEQ(&n, "rport")) {
			via->rport = true;
			if (v.l) {
				if (sip_pl_u32(&v, &u) || !u || u > 65535)
					return EBADMSG;
				via->rport_val = (uint16_t)u;
			}
		} else if (SIP_PL_IEQ(&n, "ttl")) {
			if (sip_pl_u32(&v, &u) || u > 255)
				return EBADMSG;
			via->has_ttl = true;
			via->ttl = (uint8_t)u;
		}
	}
	return err == ENOENT ? 0 : EBADMSG;
}

int sip_via_parse(struct sip_via *via, const struct sip_pl *pl)
{
	struct sip_pl r;
	size_t n;

	if (!via || !pl)
		return EINVAL;
	memset(via, 0, sizeof(*via));
	r = *pl;
	via->proto = take_token(&r);
	if (!via->proto.l || !take_char(&r, '/'))
		return EBADMSG;
	via->version = take_token(&r);
	if (!via->version.l || !take_char(&r, '/'))
		return EBADMSG;
	via->transport = take_token(&r);
	if (!via->transport.l)
		return EBADMSG;
	/* take_token skipped the LWS; it must have been there */
	if (via->transport.p + via->transport.l == r.p)
		return EBADMSG;
	for (n = 0; n < r.l && r.p[n] != ';' && !sip_chr_ws(r.p[n]); n++)
		;
	via->sentby.p = r.p;
	via->sentby.l = n;
	if (sip_hostport_parse(&via->sentby, &via->host, &via->host_v6,
			       &via->port))
		return EBADMSG;
	sip_pl_advance(&r, n);
	via->params = r;
	return via_params(via);
}

int sip_cseq_parse(struct sip_cseq *cseq, const struct sip_pl *pl)
{
	struct sip_pl r, num;
	size_t i = 0;
	int err;

	if (!cseq || !pl)
		return EINVAL;
	memset(cseq, 0, sizeof(*cseq));
	r = *pl;
	sip_pl_skip_ws(&r);
	while (i < r.l && sip_chr_digit(r.p[i]))
		i++;
	num.p = r.p;
	num.l = i;
	if (!i || i == r.l || !sip_chr_ws(r.p[i]))
		return EBADMSG;
	err = sip_pl_u32(&num, &cseq->num);
	if (err)
		return err;
	sip_pl_advance(&r, i);
	cseq->method = take_token(&r);
	if (!cseq->method.l || r.l)
		return EBADMSG;
	return 0;
}

int sip_ctype_parse(struct sip_ctype *ct, const struct sip_pl *pl)
{
	struct sip_pl r;

	if (!ct || !pl)
		return EINVAL;
	memset(ct, 0, sizeof(*ct));
	r = *pl;
	ct->type = take_token(&r);
	if (!ct->type.l || !take_char(&r, '/'))
		return EBADMSG;
	ct->subtype = take_token(&r);
	if (!ct->subtype.l)
		return EBADMSG;
	ct->params = r;
	return sip_param_check(&ct->params, SIP_PARAM_HDR);
}

/* 1*2DIGIT ["." 1*10DIGIT], not zero (RFC 6446 §9.1, RC-6). */
static int rate_parse(const struct sip_pl *v, double *out)
{
	double val = 0, scale = 1;
	size_t i = 0, nd;

	for (nd = 0; i < v->l && sip_chr_digit(v->p[i]); i++, nd++)
		val = val * 10 + (v->p[i] - '0');
	if (nd < 1 || nd > 2)
		return EBADMSG;
	if (i < v->l) {
		if (v->p[i] != '.')
			return EBADMSG;
		for (i++, nd = 0; i < v->l && sip_chr_digit(v->p[i]);
		     i++, nd++) {
			scale /= 10;
			val += (v->p[i] - '0') * scale;
		}
		if (nd < 1 || nd > 10 || i != v->l)
			return EBADMSG;
	}
	if (val <= 0)
		return EBADMSG;
	*out = val;
	return 0;
}

/* A rate parameter: 1 when n is one (0 or EBADMSG in *err), else 0. */
static bool rate_param(const struct sip_pl *n, const struct sip_pl *v,
		       struct sip_rates *r, int *err)
{
	double *out;

	if (SIP_PL_IEQ(n, "max-rate"))
		out = &r->max_rate;
	else if (SIP_PL_IEQ(n, "min-rate"))
		out = &r->min_rate;
	else if (SIP_PL_IEQ(n, "adaptive-min-rate"))
		out = &r->adaptive_min_rate;
	else
		return false;
	*err = rate_parse(v, out);
	return true;
}

int sip_event_parse(struct sip_event *ev, const struct sip_pl *pl)
{
	struct sip_pl r, n, v;
	bool bad_rate = false;
	int err;

	if (!ev || !pl)
		return EINVAL;
	memset(ev, 0, sizeof(*ev));
	r = *pl;
	ev->package = take_token(&r);
	if (!ev->package.l || ev->package.p[0] == '.' ||
	    ev->package.p[ev->package.l - 1] == '.')
		return EBADMSG;
	ev->params = r;
	while ((err = sip_param_next(&r, SIP_PARAM_HDR, &n, &v)) == 0) {
		if (SIP_PL_IEQ(&n, "id")) {
			if (!sip_pl_is_token(&v))
				return EBADMSG;
			ev->id = v;
		} else if (rate_param(&n, &v, &ev->rates, &err) && err) {
			bad_rate = true; /* read on: all else may be fine */
		}
	}
	if (err != ENOENT)
		return EBADMSG;
	if (bad_rate) {
		/* a partial set would read as "the others are absent" */
		memset(&ev->rates, 0, sizeof(ev->rates));
		ev->rates_bad = true;
		return EBADMSG;
	}
	return 0;
}

const char *sip_substate_name(enum sip_substate st)
{
	switch (st) {
	case SIP_SUBSTATE_ACTIVE:
		return "active";
	case SIP_SUBSTATE_PENDING:
		return "pending";
	case SIP_SUBSTATE_TERMINATED:
		return "terminated";
	default:
		return "other";
	}
}

int sip_substate_parse(struct sip_substate_hdr *ss, const struct sip_pl *pl)
{
	struct sip_pl r, n, v;
	int err;

	if (!ss || !pl)
		return EINVAL;
	memset(ss, 0, sizeof(*ss));
	r = *pl;
	ss->value = take_token(&r);
	if (!ss->value.l)
		return EBADMSG;
	if (SIP_PL_IEQ(&ss->value, "active"))
		ss->state = SIP_SUBSTATE_ACTIVE;
	else if (SIP_PL_IEQ(&ss->value, "pending"))
		ss->state = SIP_SUBSTATE_PENDING;
	else if (SIP_PL_IEQ(&ss->value, "terminated"))
		ss->state = SIP_SUBSTATE_TERMINATED;
	ss->params = r;
	while ((err = sip_param_next(&r, SIP_PARAM_HDR, &n, &v)) == 0) {
		if (SIP_PL_IEQ(&n, "reason")) {
			if (!sip_pl_is_token(&v))
				return EBADMSG;
			ss->reason = v;
		} else if (SIP_PL_IEQ(&n, "expires")) {
			if (sip_pl_u32(&v, &ss->expires))
				return EBADMSG;
			ss->has_expires = true;
		} else if (SIP_PL_IEQ(&n, "retry-after")) {
			if (sip_pl_u32(&v, &ss->retry_after))
				return EBADMSG;
			ss->has_retry_after = true;
		} else if (rate_param(&n, &v, &ss->rates, &err) && err) {
			return EBADMSG;
		}
	}
	return err == ENOENT ? 0 : EBADMSG;
}
