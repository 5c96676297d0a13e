/*
 * print.c: building requests and responses (RFC 3261 §7, §8.2.6) and
 * printing parsed messages back, into a capped struct sip_buf.
 */
#include <errno.h>
#include <string.h>

#include "sip/sip.h"
#include "sip/sip_int.h"

/* Values and names we print must not smuggle line breaks. */
static bool pl_has_crlf(const struct sip_pl *pl)
{
	return pl->l &&
	       (memchr(pl->p, '\r', pl->l) || memchr(pl->p, '\n', pl->l));
}

/* Decimal digits of v into d (at least 10 bytes); returns the count. */
static size_t u32_digits(uint32_t v, char *d)
{
	char tmp[10];
	size_t n = 0, i;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (i = 0; i < n; i++)
		d[i] = tmp[n - 1 - i];
	return n;
}

/*
 * "name: value\r\n" (value may be NULL with vl 0) with an optional
 * decimal after the value, written in place; the caller has validated
 * the parts.
 */
static int hdr_raw(struct sip_buf *b, const char *name, size_t nl,
		   const char *val, size_t vl, const uint32_t *num)
{
	char *q, *q0;
	int err;

	q0 = q = sip_buf_reserve(b, nl + 2 + vl + (num ? 10 : 0) + 2, &err);
	if (!q)
		return err;
	memcpy(q, name, nl);
	q += nl;
	*q++ = ':';
	*q++ = ' ';
	if (vl)
		memcpy(q, val, vl);
	q += vl;
	if (num)
		q += u32_digits(*num, q);
	*q++ = '\r';
	*q++ = '\n';
	b->len += (size_t)(q - q0);
	b->p[b->len] = '\0';
	return 0;
}

int sip_print_request_line(struct sip_buf *b, const struct sip_pl *method,
			   const struct sip_pl *ruri)
{
	struct sip_uri u;
	size_t len0;
	int err;

	if (!b || !method || !ruri || !sip_pl_is_token(method) ||
	    sip_uri_parse(&u, ruri))
		return EINVAL;
	len0 = b->len;
	err = sip_buf_append_pl(b, method);
	if (!err)
		err = sip_buf_append(b, " ", 1);
	if (!err)
		err = sip_buf_append_pl(b, ruri);
	if (!err)
		err = sip_buf_append(b, " SIP/2.0\r\n", 10);
	if (err)
		b->len = len0;
	return err;
}

static int status_line(struct sip_buf *b, uint16_t scode,
		       const struct sip_pl *reason)
{
	char head[13] = "SIP/2.0 000 ";
	size_t len0 = b->len;
	int err;

	if (scode < 100 || scode > 699 || pl_has_crlf(reason))
		return EINVAL;
	head[8] = (char)('0' + scode / 100);
	head[9] = (char)('0' + scode / 10 % 10);
	head[10] = (char)('0' + scode % 10);
	err = sip_buf_append(b, head, 12);
	if (!err)
		err = sip_buf_append_pl(b, reason);
	if (!err)
		err = sip_buf_append(b, "\r\n", 2);
	if (err)
		b->len = len0;
	return err;
}

int sip_print_status_line(struct sip_buf *b, uint16_t scode,
			  const char *reason)
{
	struct sip_pl r;

	if (!b)
		return EINVAL;
	sip_pl_set_str(&r, reason);
	return status_line(b, scode, &r);
}

static int hdr_print(struct sip_buf *b, const struct sip_pl *name,
		     const struct sip_pl *val, const struct sip_pl *extra)
{
	size_t len0 = b->len;
	int err;

	if (!sip_pl_is_token(name) || pl_has_crlf(val) ||
	    (extra && pl_has_crlf(extra)))
		return EINVAL;
	/* never a line the parser's default limit would refuse */
	if (name->l + 2 + val->l + (extra ? extra->l : 0) > SIP_HDRLINE_MAX)
		return EOVERFLOW;
	err = sip_buf_append_pl(b, name);
	if (!err)
		err = sip_buf_append(b, ": ", 2);
	if (!err)
		err = sip_buf_append_pl(b, val);
	if (!err && extra)
		err = sip_buf_append_pl(b, extra);
	if (!err)
		err = sip_buf_append(b, "\r\n", 2);
	if (err)
		b->len = len0;
	return err;
}

int sip_print_hdr(struct sip_buf *b, enum sip_hdr_id id, const char *name,
		  const struct sip_pl *val)
{
	struct sip_pl n;

	if (!b || !val)
		return EINVAL;
	sip_pl_set_str(&n, id == SIP_HDR_OTHER ? name : sip_hdr_name(id));
	return hdr_print(b, &n, val, NULL);
}

int sip_print_hdr_u32(struct sip_buf *b, enum sip_hdr_id id, uint32_t v)
{
	const char *n = sip_hdr_name(id);

	if (!b || !n)
		return EINVAL;
	return hdr_raw(b, n, strlen(n), NULL, 0, &v);
}

int sip_print_body(struct sip_buf *b, const struct sip_pl *ctype,
		   const void *body, size_t len)
{
	size_t len0;
	int err = 0;

	if (!b || (!body && len) || len > UINT32_MAX)
		return EINVAL;
	len0 = b->len;
	if (ctype)
		err = sip_print_hdr(b, SIP_HDR_CONTENT_TYPE, NULL, ctype);
	if (!err) {
		uint32_t l32 = (uint32_t)len;
		err = hdr_raw(b, "Content-Length", 14, NULL, 0, &l32);
	}
	if (!err)
		err = sip_buf_append(b, "\r\n", 2);
	if (!err)
		err = sip_buf_append(b, body, len);
	if (err)
		b->len = len0;
	return err;
}

int sip_print_end(struct sip_buf *b)
{
	return sip_print_body(b, NULL, NULL, 0);
}

static int copy_hdrs(struct sip_buf *b, const struct sip_msg *req,
		     enum sip_hdr_id id)
{
	const struct sip_hdr *h = NULL;
	int err;

	while ((h = sip_msg_hdr(req, id, h)) != NULL) {
		err = sip_print_hdr(b, id, NULL, &h->val);
		if (err)
			return err;
	}
	return 0;
}

int sip_print_response(struct sip_buf *b, const struct sip_msg *req,
		       uint16_t scode, const char *reason,
		       const struct sip_pl *to_tag)
{
	const struct sip_hdr *to;
	char tagbuf[8 + 128];
	struct sip_pl extra = {tagbuf, 0};
	size_t len0;
	int err;

	if (!b || !req || !req->req)
		return EINVAL;
	to = sip_msg_hdr(req, SIP_HDR_TO, NULL);
	if (!to)
		return EINVAL;
	if (to_tag && to_tag->l && !req->to.tag.l) {
		if (!sip_pl_is_token(to_tag) || to_tag->l > 128)
			return EINVAL;
		memcpy(tagbuf, ";tag=", 5);
		memcpy(tagbuf + 5, to_tag->p, to_tag->l);
		extra.l = 5 + to_tag->l;
	}
	len0 = b->len;
	err = sip_print_status_line(b, scode, reason);
	if (!err)
		err = copy_hdrs(b, req, SIP_HDR_VIA);
	if (!err)
		err = copy_hdrs(b, req, SIP_HDR_FROM);
	if (!err)
		err = hdr_print(b, &SIP_PL("To"), &to->val, &extra);
	if (!err)
		err = copy_hdrs(b, req, SIP_HDR_CALL_ID);
	if (!err)
		err = copy_hdrs(b, req, SIP_HDR_CSEQ);
	if (err)
		b->len = len0;
	return err;
}

int sip_msg_print(struct sip_buf *b, const struct sip_msg *msg)
{
	size_t i, len0;
	int err;

	if (!b || !msg)
		return EINVAL;
	len0 = b->len;
	if (msg->req)
		err = sip_print_request_line(b, &msg->method, &msg->ruri_pl);
	else
		err = status_line(b, msg->scode, &msg->reason);
	for (i = 0; !err && i < msg->hdrc; i++) {
		const struct sip_hdr *h = &msg->hdrv[i];
		struct sip_pl n = h->name;
		if (h->id == SIP_HDR_CONTENT_LENGTH)
			continue;
		if (h->id != SIP_HDR_OTHER)
			n = sip_hdr_name_pl(h->id);
		/*
		 * A compact name grows to the full one: never print a line
		 * the parser's default limit would refuse.
		 */
		if (n.l + 2 + h->val.l > SIP_HDRLINE_MAX)
			err = EOVERFLOW;
		else /* parsed names are tokens, values hold no CR or LF */
			err = hdr_raw(b, n.p, n.l, h->val.p, h->val.l, NULL);
	}
	if (!err)
		err = sip_print_body(b, NULL, msg->body.p, msg->body.l);
	if (err)
		b->len = len0;
	return err;
}
