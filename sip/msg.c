/*
 * msg.c: parse a SIP message (RFC 3261 §7, §18.3, §25) into zero-copy
 * views over one owned copy of the bytes, and frame messages on streams.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sip/sip.h"
#include "sip/sip_int.h"

/* Header entries kept inside the message's allocation (hdrv_grow). */
#define SIP_HDRS_INLINE 24u

void sip_limits_init(struct sip_limits *lim)
{
	if (!lim)
		return;
	lim->max_msg = SIP_MSG_MAX;
	lim->max_startline = SIP_STARTLINE_MAX;
	lim->max_hdrs = SIP_HDRS_MAX;
	lim->max_hdrline = SIP_HDRLINE_MAX;
}

_Static_assert(SIP_HDR_COUNT <= 64, "header ids fit a uint64_t mask");

/* Parser state for one message. */
struct parse {
	struct sip_msg *msg;
	const struct sip_limits *lim;
	struct sip_err *err;
	uint16_t bad_status; /* 400 for requests, 0 for responses */
	uint64_t seen;	     /* bit per single-value header id */
	bool clen_slot;	     /* the reserved Content-Length slot is used */
	size_t hdrcap;	     /* entries msg->hdrv has room for */
};

static int fail(struct parse *ps, int code, const char *reason)
{
	return sip_err_set(ps->err, code, ps->bad_status, reason);
}

/* "SIP/" 1*DIGIT "." 1*DIGIT: 0 when 2.0, EPROTONOSUPPORT, EBADMSG. */
static int version_check(const struct sip_pl *v)
{
	size_t i = 4, d1, d2;

	if (v->l < 7 || strncasecmp(v->p, "SIP/", 4) != 0)
		return EBADMSG;
	for (d1 = 0; i < v->l && sip_chr_digit(v->p[i]); i++, d1++)
		;
	if (!d1 || i >= v->l || v->p[i] != '.')
		return EBADMSG;
	for (i++, d2 = 0; i < v->l && sip_chr_digit(v->p[i]); i++, d2++)
		;
	if (!d2 || i != v->l)
		return EBADMSG;
	if (v->l != 7 || memcmp(v->p + 4, "2.0", 3) != 0)
		return EPROTONOSUPPORT;
	return 0;
}

static int version_fail(struct parse *ps, int err)
{
	if (err == EPROTONOSUPPORT)
		return sip_err_set(ps->err, err, ps->msg->req ? 505 : 0,
				   "unsupported SIP version");
	return fail(ps, EBADMSG, "bad SIP version");
}

static int status_line(struct parse *ps, struct sip_pl *line)
{
	struct sip_msg *msg = ps->msg;
	struct sip_pl r = *line, code;
	size_t sp = sip_pl_chr(&r, ' ');
	uint32_t sc;
	int err;

	msg->req = false;
	ps->bad_status = 0;
	msg->version.p = r.p;
	msg->version.l = sp;
	err = version_check(&msg->version);
	if (err)
		return version_fail(ps, err);
	if (sp == r.l)
		return fail(ps, EBADMSG, "bad status line");
	sip_pl_advance(&r, sp + 1);
	sp = sip_pl_chr(&r, ' ');
	code.p = r.p;
	code.l = sp;
	if (code.l != 3 || sip_pl_u32(&code, &sc) || sc < 100 || sc > 699)
		return fail(ps, EBADMSG, "bad status code");
	msg->scode = (uint16_t)sc;
	sip_pl_advance(&r, sp < r.l ? sp + 1 : sp);
	msg->reason = r;
	return 0;
}

static int request_line(struct parse *ps, struct sip_pl *line)
{
	struct sip_msg *msg = ps->msg;
	struct sip_pl r = *line;
	size_t sp = sip_pl_chr(&r, ' '), last;
	int err;

	msg->req = true;
	ps->bad_status = 400;
	msg->method.p = r.p;
	msg->method.l = sp;
	if (sp == r.l || !sip_pl_is_token(&msg->method))
		return fail(ps, EBADMSG, "bad request line");
	for (last = r.l; last > sp && r.p[last - 1] != ' '; last--)
		;
	/* last - 1 is the final SP; exactly one SP on either side of URI */
	if (last - 1 <= sp + 1)
		return fail(ps, EBADMSG, "bad request line");
	msg->version.p = r.p + last;
	msg->version.l = r.l - last;
	msg->ruri_pl.p = r.p + sp + 1;
	msg->ruri_pl.l = last - 1 - (sp + 1);
	err = version_check(&msg->version);
	if (err)
		return version_fail(ps, err);
	if (sip_pl_chr(&msg->ruri_pl, ' ') < msg->ruri_pl.l ||
	    sip_uri_parse(&msg->ruri, &msg->ruri_pl))
		return fail(ps, EBADMSG, "bad Request-URI");
	if (msg->ruri.headers.l)
		return fail(ps, EBADMSG, "headers in Request-URI");
	return 0;
}

static int start_line(struct parse *ps, struct sip_pl *line)
{
	if (line->l > ps->lim->max_startline)
		return fail(ps, EOVERFLOW, "start line too long");
	if (line->l >= 4 && strncasecmp(line->p, "SIP/", 4) == 0)
		return status_line(ps, line);
	return request_line(ps, line);
}

static int hdr_fail(struct parse *ps, int code, const char *what,
		    enum sip_hdr_id id);

/*
 * Header entries: SIP_HDRS_INLINE in the message's own allocation (a
 * typical SUBSCRIBE or NOTIFY has 10-20), then a separate array doubled
 * as needed up to max_hdrs + 1 (issue 6: the array used to be
 * max_hdrs + 1 = 129 entries, 5 KB, in every message, held by server
 * transactions).  Views point into buf, never into the array, so it may
 * move while the headers are split.  0 or ENOMEM.
 */
static __attribute__((noinline, cold)) int hdrv_grow(struct parse *ps)
{
	struct sip_msg *msg = ps->msg;
	size_t cap = ps->hdrcap * 2, max = ps->lim->max_hdrs + 1;
	struct sip_hdr *v;

	if (cap > max)
		cap = max;
	if (cap <= ps->hdrcap)
		return ENOMEM; /* ALWAYS: the max_hdrs check comes first */
	v = malloc(cap * sizeof(*v));
	if (!v)
		return ENOMEM;
	memcpy(v, msg->hdrv, msg->hdrc * sizeof(*v));
	if (msg->hdrv != (struct sip_hdr *)(msg + 1))
		free(msg->hdrv);
	msg->hdrv = v;
	ps->hdrcap = cap;
	return 0;
}

static int hdr_add(struct parse *ps, enum sip_hdr_id id,
		   const struct sip_pl *name, const struct sip_pl *val)
{
	struct sip_msg *msg = ps->msg;
	struct sip_hdr *h;

	/*
	 * max_hdrs counts header values other than one Content-Length,
	 * which has a slot of its own: sip_msg_print adds a Content-Length
	 * to a datagram that had none, and what it prints must parse again
	 * (fuzz finding 2).  A second Content-Length counts like any other
	 * value (and is refused as a duplicate later).
	 */
	if (id == SIP_HDR_CONTENT_LENGTH && !ps->clen_slot)
		ps->clen_slot = true;
	else if (msg->hdrc - (ps->clen_slot ? 1 : 0) >= ps->lim->max_hdrs)
		return fail(ps, EOVERFLOW, "too many headers");
	if (msg->hdrc == ps->hdrcap && hdrv_grow(ps))
		return fail(ps, ENOMEM, "out of memory");
	h = &msg->hdrv[msg->hdrc++];
	h->id = id;
	h->name = *name;
	h->val = *val;
	return 0;
}

static int hdr_line(struct parse *ps, char *p, size_t l)
{
	struct sip_pl name, val, item;
	enum sip_hdr_id id;
	size_t i = 0;
	int err;

	while (i < l && sip_chr_is(p[i], SIP_C_TOKEN))
		i++;
	name.p = p;
	name.l = i;
	while (i < l && sip_chr_ws(p[i]))
		i++;
	if (!name.l || i == l || p[i] != ':')
		return fail(ps, EBADMSG, "bad header name");
	val.p = p + i + 1;
	val.l = l - i - 1;
	sip_pl_skip_ws(&val);
	sip_pl_rtrim_ws(&val);
	id = sip_hdr_lookup(&name);
	if (!sip_hdr_is_list(id) || !val.l)
		return hdr_add(ps, id, &name, &val);
	while ((err = sip_list_next(&val, &item)) == 0) {
		err = hdr_add(ps, id, &name, &item);
		if (err)
			return err;
	}
	if (err != ENOENT)
		return hdr_fail(ps, EBADMSG, "bad", id);
	return 0;
}

/*
 * Split the header section starting at p into header entries, unfolding
 * continuation lines in place (CRLF before SP/HTAB becomes two SP).
 * Every line ends in CRLF; the section ends at an empty line, and *body
 * is set past it.
 */
static int hdr_section(struct parse *ps, char *p, char *end, char **body)
{
	for (;;) {
		char *q = p, *lf;
		size_t l;
		int err;

		if (end - p >= 2 && p[0] == '\r' && p[1] == '\n') {
			*body = p + 2;
			return 0;
		}
		if (p < end && sip_chr_ws(*p))
			return fail(ps, EBADMSG, "bad header folding");
		for (;;) {
			lf = memchr(q, '\n', (size_t)(end - q));
			if (!lf)
				return fail(ps, EBADMSG, "no end of headers");
			if (lf == p || lf[-1] != '\r')
				return fail(ps, EBADMSG, "bare LF in header");
			if (lf + 1 < end && sip_chr_ws(lf[1])) {
				lf[-1] = ' ';
				lf[0] = ' ';
				q = lf + 1;
				continue;
			}
			break;
		}
		l = (size_t)(lf - 1 - p);
		if (l > ps->lim->max_hdrline)
			return fail(ps, EOVERFLOW, "header too long");
		if (memchr(p, '\r', l))
			return fail(ps, EBADMSG, "bare CR in header");
		err = hdr_line(ps, p, l);
		if (err)
			return err;
		p = lf + 1;
	}
}

/* Names for "duplicate X" / "bad X" reasons. */
static int hdr_fail(struct parse *ps, int code, const char *what,
		    enum sip_hdr_id id)
{
	char reason[SIP_REASON_MAX];
	const char *n = sip_hdr_name(id);
	size_t wl = strlen(what), nl = n ? strlen(n) : 0;

	if (wl + 1 + nl >= sizeof(reason))
		return fail(ps, code, what);
	memcpy(reason, what, wl);
	reason[wl] = ' ';
	memcpy(reason + wl + 1, n ? n : "", nl);
	reason[wl + 1 + nl] = '\0';
	return fail(ps, code, reason);
}

static bool is_single(enum sip_hdr_id id)
{
	switch (id) {
	case SIP_HDR_CALL_ID:
	case SIP_HDR_CONTENT_LENGTH:
	case SIP_HDR_CONTENT_TYPE:
	case SIP_HDR_CSEQ:
	case SIP_HDR_DATE:
	case SIP_HDR_EVENT:
	case SIP_HDR_EXPIRES:
	case SIP_HDR_FROM:
	case SIP_HDR_MAX_FORWARDS:
	case SIP_HDR_MIN_EXPIRES:
	case SIP_HDR_SIP_ETAG:
	case SIP_HDR_SIP_IF_MATCH:
	case SIP_HDR_SUBSCRIPTION_STATE:
	case SIP_HDR_TO:
		return true;
	default:
		return false;
	}
}

static bool is_token_list(enum sip_hdr_id id)
{
	return id == SIP_HDR_ALLOW || id == SIP_HDR_ALLOW_EVENTS ||
	       id == SIP_HDR_SUPPORTED || id == SIP_HDR_REQUIRE ||
	       id == SIP_HDR_UNSUPPORTED || id == SIP_HDR_PROXY_REQUIRE ||
	       id == SIP_HDR_CONTENT_ENCODING;
}

static int u32_hdr(struct parse *ps, const struct sip_hdr *h, uint32_t max,
		   bool *has, uint32_t *out)
{
	if (sip_pl_u32(&h->val, out) || *out > max)
		return hdr_fail(ps, EBADMSG, "bad", h->id);
	*has = true;
	return 0;
}

/* Check one list item (Via, Contact, Route, token lists). */
static int item_check(struct parse *ps, const struct sip_hdr *h)
{
	struct sip_contact c;
	struct sip_addr a;
	struct sip_via v;

	switch (h->id) {
	case SIP_HDR_VIA:
		if (sip_via_parse(&v, &h->val))
			return hdr_fail(ps, EBADMSG, "bad", h->id);
		if (!sip_pl_isset(&ps->msg->via.sentby))
			ps->msg->via = v;
		return 0;
	case SIP_HDR_CONTACT:
		if (sip_contact_parse(&c, &h->val))
			return hdr_fail(ps, EBADMSG, "bad", h->id);
		return 0;
	case SIP_HDR_ROUTE:
	case SIP_HDR_RECORD_ROUTE:
		if (sip_addr_parse(&a, &h->val) || !a.name_addr)
			return hdr_fail(ps, EBADMSG, "bad", h->id);
		return 0;
	default:
		if (is_token_list(h->id) && h->val.l &&
		    !sip_pl_is_token(&h->val))
			return hdr_fail(ps, EBADMSG, "bad", h->id);
		return 0;
	}
}

static int single_parse(struct parse *ps, const struct sip_hdr *h)
{
	struct sip_msg *msg = ps->msg;
	struct sip_pl t;
	int err = 0;

	switch (h->id) {
	case SIP_HDR_FROM:
		err = sip_addr_parse(&msg->from, &h->val);
		break;
	case SIP_HDR_TO:
		err = sip_addr_parse(&msg->to, &h->val);
		break;
	case SIP_HDR_CALL_ID:
		/* callid = word [ "@" word ] */
		msg->callid = h->val;
		t = h->val;
		t.l = sip_pl_chr(&t, '@');
		if (!t.l || !sip_pl_all(&t, SIP_C_WORD, false))
			err = EBADMSG;
		if (!err && t.l < h->val.l) {
			t.p = h->val.p + t.l + 1;
			t.l = h->val.l - t.l - 1;
			if (!t.l || !sip_pl_all(&t, SIP_C_WORD, false))
				err = EBADMSG;
		}
		break;
	case SIP_HDR_CSEQ:
		err = sip_cseq_parse(&msg->cseq, &h->val);
		break;
	case SIP_HDR_MAX_FORWARDS:
		return u32_hdr(ps, h, 255, &msg->has_max_forwards,
			       &msg->max_forwards);
	case SIP_HDR_EXPIRES:
		return u32_hdr(ps, h, UINT32_MAX, &msg->has_expires,
			       &msg->expires);
	case SIP_HDR_MIN_EXPIRES:
		return u32_hdr(ps, h, UINT32_MAX, &msg->has_min_expires,
			       &msg->min_expires);
	case SIP_HDR_CONTENT_LENGTH:
		return u32_hdr(ps, h, UINT32_MAX, &msg->has_clen, &msg->clen);
	case SIP_HDR_CONTENT_TYPE:
		err = sip_ctype_parse(&msg->ctype, &h->val);
		break;
	case SIP_HDR_EVENT:
		err = sip_event_parse(&msg->event, &h->val);
		msg->has_event = !err;
		/*
		 * A response with a malformed RFC 6446 rate stays readable,
		 * flagged (event.rates_bad, has_event false): dropping a 2xx
		 * to NOTIFY would time the NOTIFY out and end the
		 * subscription.  Requests stay strict (400, Q-34).
		 */
		if (err && !msg->req && msg->event.rates_bad)
			err = 0;
		break;
	case SIP_HDR_SUBSCRIPTION_STATE:
		err = sip_substate_parse(&msg->substate, &h->val);
		msg->has_substate = !err;
		break;
	case SIP_HDR_SIP_ETAG:
	case SIP_HDR_SIP_IF_MATCH:
		if (!sip_pl_is_token(&h->val))
			err = EBADMSG;
		else if (h->id == SIP_HDR_SIP_ETAG)
			msg->etag = h->val;
		else
			msg->if_match = h->val;
		break;
	case SIP_HDR_DATE:
		/* rfc1123-date; RFC 3261 §25.1 allows only "GMT" */
		t = h->val;
		if (t.l < 4 || memcmp(t.p + t.l - 4, " GMT", 4) != 0)
			err = EBADMSG;
		break;
	default:
		break;
	}
	if (err)
		return hdr_fail(ps, EBADMSG, "bad", h->id);
	return 0;
}

static int hdrs_check(struct parse *ps)
{
	struct sip_msg *msg = ps->msg;
	static const enum sip_hdr_id required[] = {SIP_HDR_VIA, SIP_HDR_FROM,
						   SIP_HDR_TO, SIP_HDR_CALL_ID,
						   SIP_HDR_CSEQ};
	size_t i;
	int err;

	for (i = 0; i < msg->hdrc; i++) {
		const struct sip_hdr *h = &msg->hdrv[i];
		if (h->id == SIP_HDR_OTHER)
			continue;
		if (is_single(h->id)) {
			if (ps->seen & ((uint64_t)1 << h->id))
				return hdr_fail(ps, EBADMSG, "duplicate",
						h->id);
			ps->seen |= (uint64_t)1 << h->id;
			err = single_parse(ps, h);
		} else {
			err = item_check(ps, h);
		}
		if (err)
			return err;
	}
	for (i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
		if (required[i] == SIP_HDR_VIA) {
			if (!sip_pl_isset(&msg->via.sentby))
				return hdr_fail(ps, EBADMSG, "missing",
						SIP_HDR_VIA);
		} else if (!(ps->seen & ((uint64_t)1 << required[i]))) {
			return hdr_fail(ps, EBADMSG, "missing", required[i]);
		}
	}
	if (msg->req && !sip_pl_eq(&msg->cseq.method, &msg->method))
		return fail(ps, EBADMSG, "CSeq method mismatch");
	return 0;
}

static int body_frame(struct parse *ps, size_t hlen, size_t avail,
		      enum sip_parse_flags flags)
{
	struct sip_msg *msg = ps->msg;

	if (!msg->has_clen) {
		if (flags & SIP_PARSE_STREAM)
			return fail(ps, EBADMSG, "missing Content-Length");
		msg->clen = (uint32_t)avail;
	} else if (msg->clen > avail) {
		return fail(ps, EBADMSG, "Content-Length larger than message");
	}
	msg->body.p = msg->buf + hlen;
	msg->body.l = msg->clen;
	msg->len = hlen + msg->clen;
	return 0;
}

int sip_msg_parse(struct sip_msg **msgp, const char *buf, size_t len,
		  enum sip_parse_flags flags, const struct sip_limits *lim,
		  struct sip_err *err)
{
	struct sip_limits deflim;
	struct parse ps;
	struct sip_msg *msg;
	struct sip_pl line;
	char *p, *eol, *body = NULL;
	size_t nh;
	int e;

	memset(&ps, 0, sizeof(ps));
	ps.err = err;
	ps.bad_status = 400;
	if (!msgp || !buf)
		return sip_err_set(err, EINVAL, 0, "bad argument");
	if (!lim) {
		sip_limits_init(&deflim);
		lim = &deflim;
	}
	ps.lim = lim;
	while (len >= 2 && buf[0] == '\r' && buf[1] == '\n') {
		buf += 2;
		len -= 2;
	}
	if (len > lim->max_msg)
		return sip_err_set(err, EOVERFLOW, 513, "message too large");
	if (lim->max_hdrs >= SIZE_MAX / sizeof(struct sip_hdr))
		return sip_err_set(err, EINVAL, 0, "bad limits");
	nh = lim->max_hdrs + 1; /* + the Content-Length slot (hdr_add) */
	if (nh > (SIZE_MAX - sizeof(*msg) - len - 1) / sizeof(struct sip_hdr))
		return sip_err_set(err, EINVAL, 0, "bad limits");
	if (nh > SIP_HDRS_INLINE)
		nh = SIP_HDRS_INLINE;
	msg = malloc(sizeof(*msg) + nh * sizeof(struct sip_hdr) + len + 1);
	if (!msg)
		return sip_err_set(err, ENOMEM, 500, "out of memory");
	memset(msg, 0, sizeof(*msg));
	msg->hdrv = (struct sip_hdr *)(msg + 1);
	msg->buf = (char *)(msg->hdrv + nh);
	memcpy(msg->buf, buf, len);
	msg->buf[len] = '\0';
	msg->len = len;
	ps.msg = msg;
	ps.hdrcap = nh;

	p = msg->buf;
	eol = memchr(p, '\n', len);
	if (!eol || (size_t)(eol - p) > lim->max_startline + 1) {
		e = (eol || len > lim->max_startline)
			? fail(&ps, EOVERFLOW, "start line too long")
			: fail(&ps, EBADMSG, "no end of headers");
		goto out;
	}
	if (eol == p || eol[-1] != '\r') {
		e = fail(&ps, EBADMSG, "bad start line");
		goto out;
	}
	line.p = p;
	line.l = (size_t)(eol - 1 - p);
	if (memchr(p, '\r', line.l)) {
		e = fail(&ps, EBADMSG, "bad start line");
		goto out;
	}
	e = start_line(&ps, &line);
	if (e)
		goto out;
	e = hdr_section(&ps, eol + 1, p + len, &body);
	if (!e)
		e = hdrs_check(&ps);
	if (!e)
		e = body_frame(&ps, (size_t)(body - p),
			       len - (size_t)(body - p), flags);
out:
	if (e) {
		sip_msg_free(msg);
		return e;
	}
	*msgp = msg;
	return 0;
}

void sip_msg_free(struct sip_msg *msg)
{
	if (!msg)
		return;
	if (msg->hdrv != (struct sip_hdr *)(msg + 1))
		free(msg->hdrv);
	free(msg);
}

const struct sip_hdr *sip_msg_hdr(const struct sip_msg *msg,
				  enum sip_hdr_id id,
				  const struct sip_hdr *prev)
{
	size_t i;

	if (!msg)
		return NULL;
	i = prev ? (size_t)(prev - msg->hdrv) + 1 : 0;
	for (; i < msg->hdrc; i++)
		if (msg->hdrv[i].id == id)
			return &msg->hdrv[i];
	return NULL;
}

const struct sip_hdr *sip_msg_hdr_name(const struct sip_msg *msg,
				       const char *name)
{
	struct sip_pl n;
	enum sip_hdr_id id;
	size_t i;

	if (!msg || !name)
		return NULL;
	sip_pl_set_str(&n, name);
	id = sip_hdr_lookup(&n);
	if (id != SIP_HDR_OTHER)
		return sip_msg_hdr(msg, id, NULL);
	for (i = 0; i < msg->hdrc; i++)
		if (msg->hdrv[i].id == SIP_HDR_OTHER &&
		    sip_pl_casecmp(&msg->hdrv[i].name, &n) == 0)
			return &msg->hdrv[i];
	return NULL;
}

size_t sip_msg_hdr_count(const struct sip_msg *msg, enum sip_hdr_id id)
{
	size_t i, n = 0;

	if (!msg)
		return 0;
	for (i = 0; i < msg->hdrc; i++)
		if (msg->hdrv[i].id == id)
			n++;
	return n;
}
