/*
 * addr.c: name-addr / addr-spec with header parameters (From, To,
 * Contact, Route, Record-Route; RFC 3261 §20.10, §25.1).
 */
#include <errno.h>
#include <string.h>

#include "sip/sip.h"
#include "sip/sip_int.h"

/* The "<uri>" part of a name-addr starting at r->p[0] == '<'. */
static int angle_uri(struct sip_addr *addr, struct sip_pl *r)
{
	size_t gt = sip_pl_chr(r, '>');
	struct sip_pl u = {r->p + 1, 0};

	if (gt >= r->l)
		return EBADMSG;
	u.l = gt - 1;
	if (sip_uri_parse(&addr->uri, &u))
		return EBADMSG;
	addr->name_addr = true;
	sip_pl_advance(r, gt + 1);
	return 0;
}

static int name_addr_or_spec(struct sip_addr *addr, struct sip_pl *r)
{
	size_t i, n;
	struct sip_pl u;

	if (r->p[0] == '"') {
		n = sip_quoted_len(r);
		if (!n)
			return EBADMSG; /* unterminated quote (quotbal) */
		addr->dname.p = r->p + 1;
		addr->dname.l = n - 2;
		addr->dname_quoted = true;
		sip_pl_advance(r, n);
		sip_pl_skip_ws(r);
		if (!r->l || r->p[0] != '<')
			return EBADMSG;
		return angle_uri(addr, r);
	}
	for (i = 0; i < r->l; i++) {
		char c = r->p[i];
		if (!sip_chr_is(c, SIP_C_TOKEN) && !sip_chr_ws(c))
			break;
	}
	if (i < r->l && r->p[i] == '<') {
		/* display-name = *(token LWS) */
		addr->dname.p = r->p;
		addr->dname.l = i;
		sip_pl_rtrim_ws(&addr->dname);
		sip_pl_advance(r, i);
		return angle_uri(addr, r);
	}
	/* addr-spec: the URI ends at ';' and may hold no ',', '?' or LWS */
	n = sip_pl_chr(r, ';');
	u.p = r->p;
	u.l = n;
	sip_pl_rtrim_ws(&u);
	if (sip_pl_chr(&u, ',') < u.l || sip_pl_chr(&u, '?') < u.l)
		return EBADMSG;
	if (sip_uri_parse(&addr->uri, &u))
		return EBADMSG;
	sip_pl_advance(r, n);
	return 0;
}

int sip_addr_parse(struct sip_addr *addr, const struct sip_pl *pl)
{
	struct sip_pl r, n, v;
	int err;

	if (!addr || !pl)
		return EINVAL;
	memset(addr, 0, sizeof(*addr));
	r = *pl;
	sip_pl_skip_ws(&r);
	sip_pl_rtrim_ws(&r);
	if (!r.l)
		return EBADMSG;
	err = name_addr_or_spec(addr, &r);
	if (err)
		return err;
	addr->params = r;
	while ((err = sip_param_next(&r, SIP_PARAM_HDR, &n, &v)) == 0) {
		if (SIP_PL_IEQ(&n, "tag")) {
			if (!sip_pl_is_token(&v))
				return EBADMSG;
			addr->tag = v;
		}
	}
	return err == ENOENT ? 0 : EBADMSG;
}

int sip_contact_parse(struct sip_contact *c, const struct sip_pl *pl)
{
	struct sip_pl r, n, v;
	uint64_t q;
	int err;

	if (!c || !pl)
		return EINVAL;
	memset(c, 0, sizeof(*c));
	r = *pl;
	sip_pl_trim(&r);
	if (r.l == 1 && r.p[0] == '*') {
		c->star = true;
		return 0;
	}
	err = sip_addr_parse(&c->addr, &r);
	if (err)
		return err;
	r = c->addr.params;
	while ((err = sip_param_next(&r, SIP_PARAM_HDR, &n, &v)) == 0) {
		if (SIP_PL_IEQ(&n, "expires")) {
			err = sip_pl_u32(&v, &c->expires);
			if (err)
				return err == EOVERFLOW ? EOVERFLOW : EBADMSG;
			c->has_expires = true;
		} else if (n.l == 1 && (n.p[0] == 'q' || n.p[0] == 'Q')) {
			if (sip_milli_parse(&v, &q) || q > 1000)
				return EBADMSG;
			c->q = (uint16_t)q;
			c->has_q = true;
		}
	}
	if (err != ENOENT)
		return EBADMSG;
	return 0;
}
