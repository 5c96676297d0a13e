/*
 * frame.c: message framing on stream transports by Content-Length
 * (RFC 3261 §18.3) with RFC 5626 §3.5.1 CRLF keep-alives.  Looks only at
 * the header section; the full parse comes after (sip_msg_parse).
 */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "sip/sip.h"
#include "sip/sip_int.h"

/*
 * Find Content-Length (or "l") in the header section hdrs[0..n), which
 * starts after the start line's CRLF and ends with the last header's
 * CRLF.  Folded values are followed.  Returns 0, ENOENT or EBADMSG.
 */
static int clen_find(const char *hdrs, size_t n, uint32_t *clen)
{
	const char *p = hdrs, *end = hdrs + n;
	bool found = false;

	while (p < end) {
		const char *lf = memchr(p, '\n', (size_t)(end - p));
		const char *c;
		struct sip_pl name, val;
		uint32_t v;

		if (!lf)
			return EBADMSG;
		/* extend over folded continuation lines */
		while (lf + 1 < end && sip_chr_ws(lf[1])) {
			lf = memchr(lf + 1, '\n', (size_t)(end - lf - 1));
			if (!lf)
				return EBADMSG;
		}
		c = memchr(p, ':', (size_t)(lf - p));
		if (c) {
			name.p = p;
			name.l = (size_t)(c - p);
			sip_pl_rtrim_ws(&name);
			if (sip_hdr_lookup(&name) == SIP_HDR_CONTENT_LENGTH) {
				val.p = c + 1;
				val.l = (size_t)(lf - c - 1);
				sip_pl_trim(&val);
				if (sip_pl_u32(&val, &v))
					return EBADMSG;
				if (found && v != *clen)
					return EBADMSG;
				*clen = v;
				found = true;
			}
		}
		p = lf + 1;
	}
	return found ? 0 : ENOENT;
}

int sip_frame_stream(const char *buf, size_t len, const struct sip_limits *lim,
		     struct sip_frame *fr, struct sip_err *err)
{
	static const char ping[] = "\r\n\r\n";
	struct sip_limits deflim;
	const char *eol, *hend;
	size_t hlen, scan, sl;
	uint32_t clen = 0;
	int e;

	if (!fr || (!buf && len))
		return sip_err_set(err, EINVAL, 0, "bad argument");
	if (!lim) {
		sip_limits_init(&deflim);
		lim = &deflim;
	}
	memset(fr, 0, sizeof(*fr));
	if (len && buf[0] == '\r') {
		size_t n = len < 4 ? len : 4;
		if (memcmp(buf, ping, n) != 0 && (n < 2 || buf[1] != '\n'))
			return sip_err_set(err, EBADMSG, 0, "bad framing");
		if (n == 4 && memcmp(buf, ping, 4) == 0) {
			fr->kind = SIP_FRAME_PING;
			fr->skip = 4;
			return 0;
		}
		if (memcmp(buf, ping, n) == 0)
			return ENODATA; /* maybe a ping, maybe CRLF */
		fr->kind = SIP_FRAME_CRLF;
		fr->skip = 2;
		return 0;
	}
	scan = len < lim->max_msg ? len : lim->max_msg;
	eol = buf ? memmem(buf, scan, "\r\n", 2) : NULL;
	/*
	 * Without the CRLF yet, a trailing CR may be the first half of it
	 * (a read that ends between CR and LF): it is not part of the line.
	 */
	sl = eol ? (size_t)(eol - buf) : scan;
	if (!eol && sl && buf[sl - 1] == '\r')
		sl--;
	if (sl > lim->max_startline)
		return sip_err_set(err, EOVERFLOW, 400, "start line too long");
	hend = buf ? memmem(buf, scan, "\r\n\r\n", 4) : NULL;
	if (!hend) {
		if (len >= lim->max_msg)
			return sip_err_set(err, EOVERFLOW, 513,
					   "message too large");
		return ENODATA;
	}
	hlen = (size_t)(hend - buf) + 4;
	e = clen_find(eol + 2, (size_t)(hend + 2 - (eol + 2)), &clen);
	if (e == ENOENT)
		return sip_err_set(err, EBADMSG, 400,
				   "missing Content-Length");
	if (e)
		return sip_err_set(err, EBADMSG, 400, "bad Content-Length");
	if (clen > lim->max_msg || hlen + clen > lim->max_msg)
		return sip_err_set(err, EOVERFLOW, 513, "message too large");
	if (len < hlen + clen)
		return ENODATA;
	fr->kind = SIP_FRAME_MSG;
	fr->len = hlen + clen;
	return 0;
}
