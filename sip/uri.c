/*
 * uri.c: sip:, sips: and tel: URIs (RFC 3261 §19.1, §25.1; RFC 3966);
 * other schemes are kept as an opaque view.  No copies, no decoding:
 * %HH escapes are checked and kept.
 */
#include <errno.h>
#include <string.h>

#include "sip/sip.h"
#include "sip/sip_int.h"

int sip_hostport_parse(const struct sip_pl *pl, struct sip_pl *host, bool *v6,
		       uint16_t *port)
{
	struct sip_pl r = *pl;
	size_t i = 0;
	uint32_t pv;

	*v6 = false;
	*port = 0;
	if (!r.l)
		return EBADMSG;
	if (r.p[0] == '[') {
		bool colon = false;
		for (i = 1; i < r.l && r.p[i] != ']'; i++) {
			if (r.p[i] == ':')
				colon = true;
			else if (!sip_chr_hex(r.p[i]) && r.p[i] != '.')
				return EBADMSG;
		}
		if (i >= r.l || i == 1 || !colon)
			return EBADMSG;
		host->p = r.p + 1;
		host->l = i - 1;
		*v6 = true;
		i++;
	} else {
		while (i < r.l && sip_chr_is(r.p[i], SIP_C_HOST))
			i++;
		if (!i || r.p[0] == '-' || r.p[0] == '.')
			return EBADMSG;
		host->p = r.p;
		host->l = i;
	}
	sip_pl_advance(&r, i);
	if (!r.l)
		return 0;
	if (r.p[0] != ':' || r.l < 2 || r.l > 6)
		return EBADMSG;
	sip_pl_advance(&r, 1);
	if (sip_pl_u32(&r, &pv) || pv == 0 || pv > 65535)
		return EBADMSG;
	*port = (uint16_t)pv;
	return 0;
}

/* hname "=" hvalue *( "&" hname "=" hvalue ) after '?'. */
static int headers_check(const struct sip_pl *h)
{
	struct sip_pl r = *h;
	uint8_t cls = SIP_C_UNRES | SIP_C_HNV;

	if (!r.l)
		return EBADMSG;
	while (r.l) {
		size_t amp = sip_pl_chr(&r, '&');
		struct sip_pl one = {r.p, amp};
		size_t eq = sip_pl_chr(&one, '=');
		struct sip_pl name = {one.p, eq};
		struct sip_pl val = {one.p + eq, 0};

		if (eq == one.l || !name.l || !sip_pl_all(&name, cls, true))
			return EBADMSG;
		val.p++;
		val.l = one.l - eq - 1;
		if (!sip_pl_all(&val, cls, true))
			return EBADMSG;
		sip_pl_advance(&r, amp);
		if (r.l) {
			sip_pl_advance(&r, 1);
			if (!r.l)
				return EBADMSG;
		}
	}
	return 0;
}

static int sipuri_parts_parse(struct sip_uri *uri, struct sip_pl r)
{
	size_t at = sip_pl_chr(&r, '@'), n;
	struct sip_pl hp;

	if (at < r.l) {
		struct sip_pl ui = {r.p, at};
		size_t colon = sip_pl_chr(&ui, ':');
		uri->user.p = ui.p;
		uri->user.l = colon;
		if (!colon ||
		    !sip_pl_all(&uri->user, SIP_C_UNRES | SIP_C_USER, true))
			return EBADMSG;
		if (colon < ui.l) {
			uri->password.p = ui.p + colon + 1;
			uri->password.l = ui.l - colon - 1;
			if (!sip_pl_all(&uri->password,
					SIP_C_UNRES | SIP_C_PASS, true))
				return EBADMSG;
		}
		sip_pl_advance(&r, at + 1);
	}
	for (n = 0; n < r.l && r.p[n] != ';' && r.p[n] != '?'; n++)
		;
	hp.p = r.p;
	hp.l = n;
	if (sip_hostport_parse(&hp, &uri->host, &uri->host_v6, &uri->port))
		return EBADMSG;
	sip_pl_advance(&r, n);
	n = sip_pl_chr(&r, '?');
	uri->params.p = r.p;
	uri->params.l = n;
	if (sip_param_check(&uri->params, SIP_PARAM_URI))
		return EBADMSG;
	if (n < r.l) {
		uri->headers.p = r.p + n + 1;
		uri->headers.l = r.l - n - 1;
		if (headers_check(&uri->headers))
			return EBADMSG;
	}
	return 0;
}

static int tel_part_parse(struct sip_uri *uri, struct sip_pl r)
{
	size_t n = sip_pl_chr(&r, ';'), i;

	uri->user.p = r.p;
	uri->user.l = n;
	if (!n)
		return EBADMSG;
	for (i = 0; i < n; i++) {
		char c = r.p[i];
		if (!sip_chr_hex(c) && !strchr("*#+-.()pPwW", c))
			return EBADMSG;
	}
	uri->params.p = r.p + n;
	uri->params.l = r.l - n;
	return sip_param_check(&uri->params, SIP_PARAM_URI) ? EBADMSG : 0;
}

/* Other schemes: visible ASCII only, and none of < > " (RFC 3986). */
static int opaque_check(const struct sip_pl *pl)
{
	size_t i;

	for (i = 0; i < pl->l; i++) {
		unsigned char c = (unsigned char)pl->p[i];
		if (c <= 0x20 || c >= 0x7f || c == '<' || c == '>' || c == '"')
			return EBADMSG;
	}
	return 0;
}

int sip_uri_parse(struct sip_uri *uri, const struct sip_pl *pl)
{
	struct sip_pl r;
	size_t i;

	if (!uri || !pl)
		return EINVAL;
	memset(uri, 0, sizeof(*uri));
	if (!pl->p || !pl->l)
		return EBADMSG;
	uri->all = *pl;
	r = *pl;
	for (i = 0; i < r.l && r.p[i] != ':'; i++) {
		char c = r.p[i];
		bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
		if (!alpha && (i == 0 || (!sip_chr_digit(c) && c != '+' &&
					  c != '-' && c != '.')))
			return EBADMSG;
	}
	if (i == 0 || i >= r.l - 1)
		return EBADMSG;
	uri->scheme_pl.p = r.p;
	uri->scheme_pl.l = i;
	sip_pl_advance(&r, i + 1);
	uri->opaque = r;
	if (SIP_PL_IEQ(&uri->scheme_pl, "sip"))
		uri->scheme = SIP_SCHEME_SIP;
	else if (SIP_PL_IEQ(&uri->scheme_pl, "sips"))
		uri->scheme = SIP_SCHEME_SIPS;
	else if (SIP_PL_IEQ(&uri->scheme_pl, "tel"))
		uri->scheme = SIP_SCHEME_TEL;
	else
		return opaque_check(&uri->opaque);
	/* the part parsers accept only their ABNF classes: no LWS, CTL */
	if (uri->scheme == SIP_SCHEME_TEL)
		return tel_part_parse(uri, r);
	return sipuri_parts_parse(uri, r);
}
