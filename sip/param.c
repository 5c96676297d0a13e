/*
 * param.c: the one ";name=value" parser (Via, Contact, From/To, Event,
 * Subscription-State, Content-Type, URIs), comma-list splitting and
 * quoted strings.
 */
#include <errno.h>
#include <string.h>

#include "sip/sip.h"
#include "sip/sip_int.h"

size_t sip_quoted_len(const struct sip_pl *pl)
{
	size_t i;

	if (!pl->l || pl->p[0] != '"')
		return 0;
	for (i = 1; i < pl->l; i++) {
		char c = pl->p[i];
		if (c == '"')
			return i + 1;
		if (c == '\r' || c == '\n')
			return 0;
		if (c == '\\') {
			if (i + 1 >= pl->l || pl->p[i + 1] == '\r' ||
			    pl->p[i + 1] == '\n')
				return 0;
			i++;
		}
	}
	return 0;
}

/* Length of the run of bytes at the front of pl in class cls (+ %HH). */
static size_t run_len(const struct sip_pl *pl, uint8_t cls, bool esc)
{
	size_t i = 0;

	while (i < pl->l) {
		char c = pl->p[i];
		if (sip_chr_is(c, cls)) {
			i++;
		} else if (esc && c == '%' && i + 2 < pl->l &&
			   sip_chr_hex(pl->p[i + 1]) &&
			   sip_chr_hex(pl->p[i + 2])) {
			i += 3;
		} else {
			break;
		}
	}
	return i;
}

/* gen-value after '=' in header mode: token, quoted-string or [v6]. */
static size_t hdr_value_len(const struct sip_pl *pl)
{
	size_t i;

	if (!pl->l)
		return 0;
	if (pl->p[0] == '"')
		return sip_quoted_len(pl);
	if (pl->p[0] == '[') {
		for (i = 1; i < pl->l; i++) {
			char c = pl->p[i];
			if (c == ']')
				return i > 1 ? i + 1 : 0;
			if (!sip_chr_hex(c) && c != ':' && c != '.')
				return 0;
		}
		return 0;
	}
	return run_len(pl, SIP_C_TOKEN, false);
}

int sip_param_next(struct sip_pl *rest, enum sip_param_mode mode,
		   struct sip_pl *name, struct sip_pl *val)
{
	struct sip_pl r;
	uint8_t cls = SIP_C_UNRES | SIP_C_PARAM;
	bool hdr = mode == SIP_PARAM_HDR;
	size_t n;

	if (!rest || !name || !val)
		return EINVAL;
	r = *rest;
	if (hdr)
		sip_pl_skip_ws(&r);
	if (!r.l)
		return ENOENT;
	if (r.p[0] != ';')
		return EBADMSG;
	sip_pl_advance(&r, 1);
	if (hdr)
		sip_pl_skip_ws(&r);
	n = hdr ? run_len(&r, SIP_C_TOKEN, false) : run_len(&r, cls, true);
	if (!n)
		return EBADMSG;
	name->p = r.p;
	name->l = n;
	sip_pl_advance(&r, n);
	val->p = r.p;
	val->l = 0;
	if (hdr) {
		struct sip_pl t = r;
		sip_pl_skip_ws(&t);
		if (t.l && t.p[0] == '=') {
			sip_pl_advance(&t, 1);
			sip_pl_skip_ws(&t);
			n = hdr_value_len(&t);
			if (!n)
				return EBADMSG;
			val->p = t.p;
			val->l = n;
			sip_pl_advance(&t, n);
			r = t;
		}
		sip_pl_skip_ws(&r);
		if (r.l && r.p[0] != ';')
			return EBADMSG;
	} else {
		if (r.l && r.p[0] == '=') {
			sip_pl_advance(&r, 1);
			n = run_len(&r, cls, true);
			if (!n)
				return EBADMSG;
			val->p = r.p;
			val->l = n;
			sip_pl_advance(&r, n);
		}
		if (r.l && r.p[0] != ';')
			return EBADMSG;
	}
	*rest = r;
	return 0;
}

int sip_param_get(const struct sip_pl *params, enum sip_param_mode mode,
		  const char *name, struct sip_pl *val)
{
	struct sip_pl r, n, v;
	int err;

	if (!params || !name || !val)
		return EINVAL;
	r = *params;
	while ((err = sip_param_next(&r, mode, &n, &v)) == 0) {
		if (sip_pl_casecmp_str(&n, name) == 0) {
			*val = v;
			return 0;
		}
	}
	return err;
}

int sip_param_check(const struct sip_pl *params, enum sip_param_mode mode)
{
	struct sip_pl r, n, v;
	int err;

	if (!params)
		return EINVAL;
	r = *params;
	while ((err = sip_param_next(&r, mode, &n, &v)) == 0)
		;
	return err == ENOENT ? 0 : err;
}

/* Bytes that matter when splitting a list. */
static const bool list_special[256] = {
    ['"'] = true, ['<'] = true, ['>'] = true, [','] = true};

int sip_list_next(struct sip_pl *rest, struct sip_pl *item)
{
	struct sip_pl r = *rest;
	size_t i;
	int angle = 0;

	sip_pl_skip_ws(&r);
	if (!r.l)
		return ENOENT;
	for (i = 0; i < r.l; i++) {
		char c = r.p[i];
		if (!list_special[(unsigned char)c])
			continue;
		if (c == '"') {
			struct sip_pl q = {r.p + i, r.l - i};
			size_t n = sip_quoted_len(&q);
			if (!n)
				return EBADMSG;
			i += n - 1;
		} else if (c == '<') {
			angle = 1;
		} else if (c == '>') {
			angle = 0;
		} else if (c == ',' && !angle) {
			break;
		}
	}
	if (angle)
		return EBADMSG;
	item->p = r.p;
	item->l = i;
	sip_pl_rtrim_ws(item);
	if (!item->l)
		return EBADMSG; /* ",," or a leading comma */
	if (i < r.l) {
		sip_pl_advance(&r, i + 1);
		sip_pl_skip_ws(&r);
		if (!r.l)
			return EBADMSG; /* trailing comma */
	} else {
		sip_pl_advance(&r, i);
	}
	*rest = r;
	return 0;
}
