/*
 * pl.c: pointer+length views (struct sip_pl) and their helpers.
 */
#include <errno.h>
#include <string.h>

#include "sip/sip.h"
#include "sip/sip_int.h"

void sip_pl_set_str(struct sip_pl *pl, const char *s)
{
	if (!pl)
		return;
	pl->p = s;
	pl->l = s ? strlen(s) : 0;
}

bool sip_pl_isset(const struct sip_pl *pl)
{
	return pl && pl->p && pl->l > 0;
}

static size_t pl_len(const struct sip_pl *pl)
{
	return (pl && pl->p) ? pl->l : 0;
}

static bool mem_eq(const char *a, size_t al, const char *b, size_t bl)
{
	return al == bl && (al == 0 || memcmp(a, b, al) == 0);
}

bool sip_pl_eq(const struct sip_pl *a, const struct sip_pl *b)
{
	return mem_eq(pl_len(a) ? a->p : NULL, pl_len(a),
		      pl_len(b) ? b->p : NULL, pl_len(b));
}

bool sip_pl_eq_str(const struct sip_pl *a, const char *s)
{
	return mem_eq(pl_len(a) ? a->p : NULL, pl_len(a), s,
		      s ? strlen(s) : 0);
}

static int lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

static int mem_casecmp(const char *a, size_t al, const char *b, size_t bl)
{
	size_t n = al < bl ? al : bl;
	size_t i;

	for (i = 0; i < n; i++) {
		int ca = lower((unsigned char)a[i]);
		int cb = lower((unsigned char)b[i]);
		if (ca != cb)
			return ca - cb;
	}
	if (al == bl)
		return 0;
	return al < bl ? -1 : 1;
}

int sip_pl_casecmp(const struct sip_pl *a, const struct sip_pl *b)
{
	return mem_casecmp(pl_len(a) ? a->p : "", pl_len(a),
			   pl_len(b) ? b->p : "", pl_len(b));
}

int sip_pl_casecmp_str(const struct sip_pl *a, const char *s)
{
	return mem_casecmp(pl_len(a) ? a->p : "", pl_len(a), s ? s : "",
			   s ? strlen(s) : 0);
}

int sip_pl_u64(const struct sip_pl *pl, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (!out)
		return EINVAL;
	if (!pl_len(pl))
		return EINVAL;
	for (i = 0; i < pl->l; i++) {
		unsigned d = (unsigned char)pl->p[i] - '0';
		if (d > 9)
			return EINVAL;
		if (v > (UINT64_MAX - d) / 10)
			return EOVERFLOW;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

int sip_pl_u32(const struct sip_pl *pl, uint32_t *out)
{
	uint64_t v;
	int err;

	if (!out)
		return EINVAL;
	err = sip_pl_u64(pl, &v);
	if (err)
		return err;
	if (v > UINT32_MAX)
		return EOVERFLOW;
	*out = (uint32_t)v;
	return 0;
}

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

void sip_pl_trim(struct sip_pl *pl)
{
	if (!pl_len(pl))
		return;
	while (pl->l && is_ws(pl->p[0])) {
		pl->p++;
		pl->l--;
	}
	while (pl->l && is_ws(pl->p[pl->l - 1]))
		pl->l--;
}

size_t sip_pl_chr(const struct sip_pl *pl, char c)
{
	const char *q;

	if (!pl_len(pl))
		return 0;
	q = memchr(pl->p, c, pl->l);
	return q ? (size_t)(q - pl->p) : pl->l;
}

int sip_pl_strcpy(const struct sip_pl *pl, char *buf, size_t sz)
{
	size_t n = pl_len(pl);

	if (!buf || sz == 0)
		return EINVAL;
	if (n >= sz) {
		buf[0] = '\0';
		return EOVERFLOW;
	}
	if (n)
		memcpy(buf, pl->p, n);
	buf[n] = '\0';
	return 0;
}

/* Internal helpers (sip_int.h). */

bool sip_pl_all(const struct sip_pl *pl, uint8_t cls, bool esc)
{
	size_t i;

	for (i = 0; i < pl->l; i++) {
		char c = pl->p[i];
		if (sip_chr_is(c, cls))
			continue;
		if (esc && c == '%' && i + 2 < pl->l &&
		    sip_chr_hex(pl->p[i + 1]) && sip_chr_hex(pl->p[i + 2])) {
			i += 2;
			continue;
		}
		return false;
	}
	return true;
}

bool sip_pl_is_token(const struct sip_pl *pl)
{
	return pl->l > 0 && sip_pl_all(pl, SIP_C_TOKEN, false);
}

int sip_err_set(struct sip_err *err, int code, uint16_t status,
		const char *reason)
{
	if (err) {
		size_t n = strlen(reason);
		if (n >= sizeof(err->reason))
			n = sizeof(err->reason) - 1;
		err->code = code;
		err->status = status;
		memcpy(err->reason, reason, n);
		err->reason[n] = '\0';
	}
	return code;
}

int sip_milli_parse(const struct sip_pl *pl, uint64_t *out)
{
	uint64_t v = 0;
	size_t i = 0;
	unsigned frac = 0, nfrac = 0;

	if (!pl->l || !sip_chr_digit(pl->p[0]))
		return EBADMSG;
	for (; i < pl->l && sip_chr_digit(pl->p[i]); i++) {
		if (v > UINT64_MAX / 10000)
			return EOVERFLOW;
		v = v * 10 + (unsigned)(pl->p[i] - '0');
	}
	if (i < pl->l) {
		if (pl->p[i] != '.')
			return EBADMSG;
		for (i++; i < pl->l; i++) {
			if (!sip_chr_digit(pl->p[i]))
				return EBADMSG;
			if (nfrac < 3) {
				frac = frac * 10 + (unsigned)(pl->p[i] - '0');
				nfrac++;
			}
		}
	}
	while (nfrac < 3) {
		frac *= 10;
		nfrac++;
	}
	*out = v * 1000 + frac;
	return 0;
}
