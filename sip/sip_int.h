/*
 * sip_int.h: helpers shared inside sip/ (not part of the public API).
 */
#ifndef SIP_INT_H
#define SIP_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sip/sip.h"

/* Character classes (RFC 3261 §25.1), bits of sip_chr_tab[]. */
enum {
	SIP_C_TOKEN = 0x01, /* token chars */
	SIP_C_WORD = 0x02,  /* word chars (Call-ID) */
	SIP_C_UNRES = 0x04, /* unreserved: alphanum mark */
	SIP_C_USER = 0x08,  /* user-unreserved: & = + $ , ; ? / */
	SIP_C_PARAM = 0x10, /* param-unreserved: [ ] / : & + $ */
	SIP_C_HNV = 0x20,   /* hnv-unreserved: [ ] / ? : + $ */
	SIP_C_PASS = 0x40,  /* password extras: & = + $ , */
	SIP_C_HOST = 0x80   /* alphanum - . (hostname) */
};

extern const uint8_t sip_chr_tab[256];
extern const uint8_t sip_lower_tab[256];

static inline bool sip_chr_is(char c, uint8_t cls)
{
	return (sip_chr_tab[(unsigned char)c] & cls) != 0;
}

static inline bool sip_chr_ws(char c)
{
	return c == ' ' || c == '\t';
}

static inline bool sip_chr_digit(char c)
{
	return c >= '0' && c <= '9';
}

static inline bool sip_chr_hex(char c)
{
	return sip_chr_digit(c) || (c >= 'a' && c <= 'f') ||
	       (c >= 'A' && c <= 'F');
}

/* Advance past SP/HTAB at the front. */
static inline void sip_pl_skip_ws(struct sip_pl *pl)
{
	while (pl->l && sip_chr_ws(pl->p[0])) {
		pl->p++;
		pl->l--;
	}
}

/* Drop SP/HTAB at the back. */
static inline void sip_pl_rtrim_ws(struct sip_pl *pl)
{
	while (pl->l && sip_chr_ws(pl->p[pl->l - 1]))
		pl->l--;
}

/* Drop n bytes from the front (at most pl->l). */
static inline void sip_pl_advance(struct sip_pl *pl, size_t n)
{
	if (n > pl->l)
		n = pl->l;
	pl->p += n;
	pl->l -= n;
}

/* ASCII case-insensitive equality of a view and n bytes of lit. */
static inline bool sip_pl_ieq(const struct sip_pl *pl, const char *lit,
			      size_t n)
{
	size_t i;

	if (pl->l != n)
		return false;
	for (i = 0; i < n; i++)
		if (sip_lower_tab[(unsigned char)pl->p[i]] !=
		    sip_lower_tab[(unsigned char)lit[i]])
			return false;
	return true;
}

/* The same against a string literal. */
#define SIP_PL_IEQ(pl, lit) sip_pl_ieq((pl), (lit), sizeof(lit) - 1)

/* True when every byte is in class cls (and %HH escapes if esc). */
bool sip_pl_all(const struct sip_pl *pl, uint8_t cls, bool esc);
bool sip_pl_is_token(const struct sip_pl *pl);

/*
 * Length of the quoted-string starting at pl->p[0] == '"' (including both
 * quotes, quoted-pairs allowed); 0 when unterminated or malformed.
 */
size_t sip_quoted_len(const struct sip_pl *pl);

/*
 * Next comma-separated item of a list header: commas inside quotes or
 * <> do not split.  Returns 0 (item trimmed, never empty), ENOENT when
 * rest is exhausted, EBADMSG on an unterminated quote or bracket or an
 * empty item (",,", leading or trailing comma).
 */
int sip_list_next(struct sip_pl *rest, struct sip_pl *item);

/* Canonical name of a known header as a view (empty for OTHER). */
struct sip_pl sip_hdr_name_pl(enum sip_hdr_id id);

/* Whether a header's values are comma-separated lists we split. */
bool sip_hdr_is_list(enum sip_hdr_id id);

/* host [":" port], IPv6 in []; 0 or EBADMSG.  Used by URI and Via. */
int sip_hostport_parse(const struct sip_pl *pl, struct sip_pl *host, bool *v6,
		       uint16_t *port);

/* Decimal "1*DIGIT [. 1*3DIGIT]" to thousandths (q, rates); EBADMSG. */
int sip_milli_parse(const struct sip_pl *pl, uint64_t *out);

/*
 * Room for n more bytes (plus a NUL) at the end of b: the place to write
 * them, then add n to b->len and set the NUL.  NULL with *err set
 * (EOVERFLOW past max, ENOMEM).
 */
char *sip_buf_reserve(struct sip_buf *b, size_t n, int *err);

/* Fill err (may be NULL) and return code. */
int sip_err_set(struct sip_err *err, int code, uint16_t status,
		const char *reason);

#endif
