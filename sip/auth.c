/*
 * auth.c: SIP Digest (RFC 3261 s22, RFC 7616, RFC 8760): header value
 * parsing, response computation, server verification and challenges,
 * client Authorization values. Nonces and the replay table: nonce.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "sip/sip_auth.h"

#define DEFAULT_LIFETIME 300
#define DEFAULT_SLOTS 4096
#define ALL_HASHES (1u << SIP_AUTH_MD5 | 1u << SIP_AUTH_SHA256)

/* --- Small helpers. */

static struct sip_pl pl_of(const char *s, size_t l)
{
	struct sip_pl pl = {s, l};
	return pl;
}

static struct sip_pl pl_str(const char *s)
{
	return pl_of(s, s ? strlen(s) : 0);
}

static bool pl_ok(const struct sip_pl *pl)
{
	return pl && (pl->p || pl->l == 0);
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* ASCII case-insensitive equality of a view and a literal. */
static bool pl_ieq(const struct sip_pl *a, const char *s)
{
	size_t i, n = strlen(s);

	if (a->l != n)
		return false;
	for (i = 0; i < n; i++)
		if (lower(a->p[i]) != lower(s[i]))
			return false;
	return true;
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
		(c >= 'A' && c <= 'F');
}

static bool is_lower_hex(const struct sip_pl *pl)
{
	size_t i;

	for (i = 0; i < pl->l; i++)
		if (!is_hex(pl->p[i]) || (pl->p[i] >= 'A' && pl->p[i] <= 'F'))
			return false;
	return true;
}

/* RFC 7230 tchar. */
static bool is_tchar(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return true;
	return c && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static bool is_ctl(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

/* --- Hashes. */

static const EVP_MD *hash_md(enum sip_auth_hash h)
{
	switch (h) {
	case SIP_AUTH_MD5:
		return EVP_md5();
	case SIP_AUTH_SHA256:
		return EVP_sha256();
	}
	return NULL;
}

size_t sip_auth_hash_hexlen(enum sip_auth_hash h)
{
	switch (h) {
	case SIP_AUTH_MD5:
		return 32;
	case SIP_AUTH_SHA256:
		return 64;
	}
	return 0;
}

const char *sip_auth_hash_name(enum sip_auth_hash h)
{
	switch (h) {
	case SIP_AUTH_MD5:
		return "MD5";
	case SIP_AUTH_SHA256:
		return "SHA-256";
	}
	return "?";
}

/* H(parts[0] ":" parts[1] ":" ...) as lowercase hex into out. */
static int hash_hex(enum sip_auth_hash h, const struct sip_pl *parts,
		    size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0, i;
	const EVP_MD *type = hash_md(h);
	EVP_MD_CTX *ctx;
	int ok;
	size_t k;

	if (!type)
		return EINVAL;
	ctx = EVP_MD_CTX_new();
	if (!ctx)
		return ENOMEM;
	ok = EVP_DigestInit_ex(ctx, type, NULL);
	for (k = 0; ok && k < n; k++) {
		if (k)
			ok = EVP_DigestUpdate(ctx, ":", 1);
		if (ok && parts[k].l)
			ok = EVP_DigestUpdate(ctx, parts[k].p, parts[k].l);
	}
	if (ok)
		ok = EVP_DigestFinal_ex(ctx, md, &mdlen);
	EVP_MD_CTX_free(ctx);
	if (!ok || mdlen * 2 != sip_auth_hash_hexlen(h))
		return EIO;
	for (i = 0; i < mdlen; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[2 * mdlen] = '\0';
	OPENSSL_cleanse(md, sizeof(md));
	return 0;
}

int sip_auth_ha1(enum sip_auth_hash h, const struct sip_pl *user,
		 const struct sip_pl *realm, const struct sip_pl *password,
		 char *out)
{
	struct sip_pl parts[3];

	if (!pl_ok(user) || !pl_ok(realm) || !pl_ok(password) || !out ||
	    !hash_md(h))
		return EINVAL;
	parts[0] = *user;
	parts[1] = *realm;
	parts[2] = *password;
	return hash_hex(h, parts, 3, out);
}

int sip_auth_userhash(enum sip_auth_hash h, const struct sip_pl *user,
		      const struct sip_pl *realm, char *out)
{
	struct sip_pl parts[2];

	if (!pl_ok(user) || !pl_ok(realm) || !out || !hash_md(h))
		return EINVAL;
	parts[0] = *user;
	parts[1] = *realm;
	return hash_hex(h, parts, 2, out);
}

static const char *qop_name(enum sip_auth_qop q)
{
	return q == SIP_AUTH_QOP_AUTH_INT ? "auth-int" : "auth";
}

int sip_auth_response(const struct sip_auth_digest_in *in, char *out)
{
	char ha1s[SIP_AUTH_HEX_MAX + 1], ha2[SIP_AUTH_HEX_MAX + 1];
	char hbody[SIP_AUTH_HEX_MAX + 1];
	struct sip_pl p[6], ha1;
	size_t hexlen;
	int err;

	if (!in || !out)
		return EINVAL;
	hexlen = sip_auth_hash_hexlen(in->hash);
	if (!hexlen || !pl_ok(&in->ha1) || in->ha1.l != hexlen ||
	    !is_lower_hex(&in->ha1) || !pl_ok(&in->nonce) ||
	    !pl_ok(&in->cnonce) || !pl_ok(&in->nc) || !pl_ok(&in->method) ||
	    !pl_ok(&in->uri) || !pl_ok(&in->body))
		return EINVAL;
	if (in->qop != SIP_AUTH_QOP_NONE && in->qop != SIP_AUTH_QOP_AUTH &&
	    in->qop != SIP_AUTH_QOP_AUTH_INT)
		return EINVAL;
	if ((in->qop != SIP_AUTH_QOP_NONE || in->sess) && !in->cnonce.l)
		return EINVAL;
	if (in->qop != SIP_AUTH_QOP_NONE && in->nc.l != 8)
		return EINVAL;

	ha1 = in->ha1;
	if (in->sess) {
		p[0] = in->ha1;
		p[1] = in->nonce;
		p[2] = in->cnonce;
		err = hash_hex(in->hash, p, 3, ha1s);
		if (err)
			return err;
		ha1 = pl_of(ha1s, hexlen);
	}
	p[0] = in->method;
	p[1] = in->uri;
	if (in->qop == SIP_AUTH_QOP_AUTH_INT) {
		err = hash_hex(in->hash, &in->body, 1, hbody);
		if (err)
			return err;
		p[2] = pl_of(hbody, hexlen);
	}
	err = hash_hex(in->hash, p, in->qop == SIP_AUTH_QOP_AUTH_INT ? 3 : 2,
		       ha2);
	if (err)
		return err;
	p[0] = ha1;
	p[1] = in->nonce;
	if (in->qop == SIP_AUTH_QOP_NONE) {
		p[2] = pl_of(ha2, hexlen);
		err = hash_hex(in->hash, p, 3, out);
	} else {
		p[2] = in->nc;
		p[3] = in->cnonce;
		p[4] = pl_str(qop_name(in->qop));
		p[5] = pl_of(ha2, hexlen);
		err = hash_hex(in->hash, p, 6, out);
	}
	OPENSSL_cleanse(ha1s, sizeof(ha1s));
	return err;
}

/* --- auth-param lists: scheme 1*SP #( token BWS "=" BWS value ). */

struct param {
	struct sip_pl name;
	struct sip_pl val;	/* inside the quotes, still escaped */
	bool quoted;
};

struct params {
	struct sip_pl scheme;
	struct param p[SIP_AUTH_PARAMS_MAX];
	size_t n;
};

/* Skip SP, HTAB and line folding (CRLF or LF followed by SP/HTAB). */
static size_t skip_lws(const char *s, size_t len, size_t i)
{
	for (;;) {
		if (i < len && (s[i] == ' ' || s[i] == '\t'))
			i++;
		else if (i + 2 < len && s[i] == '\r' && s[i + 1] == '\n' &&
			 (s[i + 2] == ' ' || s[i + 2] == '\t'))
			i += 3;
		else if (i + 1 < len && s[i] == '\n' &&
			 (s[i + 1] == ' ' || s[i + 1] == '\t'))
			i += 2;
		else
			return i;
	}
}

static size_t scan_token(const char *s, size_t len, size_t i)
{
	while (i < len && is_tchar((unsigned char)s[i]))
		i++;
	return i;
}

/*
 * Quoted string starting after the opening quote at s[i]: the offset of
 * the closing quote, or len when unterminated or holding a control byte
 * (*bad set for the latter).
 */
static size_t scan_quoted(const char *s, size_t len, size_t i, bool *bad)
{
	*bad = false;
	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"')
			return i;
		if (c == '\\') {
			if (i + 1 >= len)
				return len;
			c = (unsigned char)s[i + 1];
			i++;
		}
		if (is_ctl(c) && c != '\t') {
			*bad = true;
			return len;
		}
		i++;
	}
	return len;
}

#define FAIL(code, why) \
	do { \
		if (reason) \
			*reason = (why); \
		return (code); \
	} while (0)

/*
 * Parse a value whose scheme must be Digest: ENOTSUP when it is another
 * (whatever follows), else 0, EBADMSG or EOVERFLOW.
 */
static int params_parse(const char *s, size_t len, struct params *ps,
			const char **reason)
{
	size_t i, j, k;

	ps->n = 0;
	if (len > SIP_AUTH_VALUE_MAX)
		FAIL(EOVERFLOW, "auth header value too long");
	i = skip_lws(s, len, 0);
	j = scan_token(s, len, i);
	if (j == i)
		FAIL(EBADMSG, "missing auth scheme");
	ps->scheme = pl_of(s + i, j - i);
	if (!pl_ieq(&ps->scheme, "Digest"))
		FAIL(ENOTSUP, "auth scheme is not Digest");
	i = skip_lws(s, len, j);
	if (i == j && i < len)
		FAIL(EBADMSG, "auth scheme not followed by a space");
	while (i < len) {
		struct param *p;
		bool bad;

		if (s[i] == ',') {	/* empty list element */
			i = skip_lws(s, len, i + 1);
			continue;
		}
		j = scan_token(s, len, i);
		if (j == i)
			FAIL(EBADMSG, "bad auth-param name");
		if (ps->n == SIP_AUTH_PARAMS_MAX)
			FAIL(EOVERFLOW, "too many auth-params");
		p = &ps->p[ps->n];
		p->name = pl_of(s + i, j - i);
		i = skip_lws(s, len, j);
		if (i >= len || s[i] != '=')
			FAIL(EBADMSG, "auth-param without '='");
		i = skip_lws(s, len, i + 1);
		if (i < len && s[i] == '"') {
			j = scan_quoted(s, len, i + 1, &bad);
			if (bad)
				FAIL(EBADMSG, "control character in quoted "
				     "string");
			if (j >= len)
				FAIL(EBADMSG, "unterminated quoted string");
			p->val = pl_of(s + i + 1, j - i - 1);
			p->quoted = true;
			i = j + 1;
		} else {
			j = scan_token(s, len, i);
			if (j == i)
				FAIL(EBADMSG, "auth-param without value");
			p->val = pl_of(s + i, j - i);
			p->quoted = false;
			i = j;
		}
		for (k = 0; k < ps->n; k++) {
			const struct sip_pl *a = &ps->p[k].name;
			size_t m;
			if (a->l != p->name.l)
				continue;
			for (m = 0; m < a->l; m++)
				if (lower(a->p[m]) != lower(p->name.p[m]))
					break;
			if (m == a->l)
				FAIL(EBADMSG, "duplicate auth-param");
		}
		ps->n++;
		i = skip_lws(s, len, i);
		if (i < len) {
			if (s[i] != ',')
				FAIL(EBADMSG, "expected ',' between "
				     "auth-params");
			i = skip_lws(s, len, i + 1);
		}
	}
	return 0;
}

/* Unescaped value into buf (size bytes incl. NUL). 0 or EOVERFLOW. */
static int param_copy(const struct param *p, char *buf, size_t size,
		      size_t *lenp)
{
	size_t i, o = 0;

	for (i = 0; i < p->val.l; i++) {
		char c = p->val.p[i];
		if (p->quoted && c == '\\')
			c = p->val.p[++i];	/* scan_quoted: never last */
		if (o + 1 >= size)
			return EOVERFLOW;
		buf[o++] = c;
	}
	buf[o] = '\0';
	if (lenp)
		*lenp = o;
	return 0;
}

/* Unescaped value as a small token (algorithm, qop, ...) or EBADMSG. */
static int param_word(const struct param *p, char *buf, size_t size,
		      struct sip_pl *out)
{
	size_t n;

	if (param_copy(p, buf, size, &n))
		return EBADMSG;
	*out = pl_of(buf, n);
	return 0;
}

static int alg_parse(const struct sip_pl *v, enum sip_auth_hash *h,
		     bool *sess)
{
	static const struct {
		const char *name;
		enum sip_auth_hash h;
		bool sess;
	} algs[] = {
		{"MD5", SIP_AUTH_MD5, false},
		{"MD5-sess", SIP_AUTH_MD5, true},
		{"SHA-256", SIP_AUTH_SHA256, false},
		{"SHA-256-sess", SIP_AUTH_SHA256, true},
	};
	size_t i;

	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
		if (pl_ieq(v, algs[i].name)) {
			*h = algs[i].h;
			*sess = algs[i].sess;
			return 0;
		}
	}
	return ENOTSUP;
}

static int bool_parse(const struct sip_pl *v, bool *b)
{
	if (pl_ieq(v, "true"))
		*b = true;
	else if (pl_ieq(v, "false"))
		*b = false;
	else
		return EBADMSG;
	return 0;
}

/* Copy a param into a fixed field, EOVERFLOW with a reason on excess. */
#define COPY(field, lenp, why) \
	do { \
		if (param_copy(p, out->field, sizeof(out->field), (lenp))) \
			FAIL(EOVERFLOW, why); \
	} while (0)

enum {
	F_USER = 1, F_REALM = 2, F_NONCE = 4, F_URI = 8, F_RESP = 16,
	F_CNONCE = 32, F_NC = 64
};

static int creds_fields(const struct params *ps, struct sip_auth_creds *out,
			unsigned *seen, const char **reason)
{
	char word[32];
	size_t k;

	for (k = 0; k < ps->n; k++) {
		const struct param *p = &ps->p[k];
		const struct sip_pl *n = &p->name;
		struct sip_pl w;
		size_t l;

		if (pl_ieq(n, "username")) {
			COPY(username, &out->username_len,
			     "username too long");
			*seen |= F_USER;
		} else if (pl_ieq(n, "realm")) {
			COPY(realm, &out->realm_len, "realm too long");
			*seen |= F_REALM;
		} else if (pl_ieq(n, "nonce")) {
			COPY(nonce, &out->nonce_len, "nonce too long");
			*seen |= F_NONCE;
		} else if (pl_ieq(n, "uri")) {
			COPY(uri, &out->uri_len, "digest uri too long");
			*seen |= F_URI;
		} else if (pl_ieq(n, "response")) {
			COPY(response, &l, "response too long");
			*seen |= F_RESP;
		} else if (pl_ieq(n, "cnonce")) {
			COPY(cnonce, &out->cnonce_len, "cnonce too long");
			*seen |= F_CNONCE;
		} else if (pl_ieq(n, "opaque")) {
			COPY(opaque, NULL, "opaque too long");
		} else if (pl_ieq(n, "nc")) {
			COPY(nc, &l, "nc is not 8 hex digits");
			*seen |= F_NC;
		} else if (pl_ieq(n, "algorithm")) {
			if (param_word(p, word, sizeof(word), &w) ||
			    alg_parse(&w, &out->hash, &out->sess))
				FAIL(EBADMSG, "unsupported algorithm");
		} else if (pl_ieq(n, "qop")) {
			if (param_word(p, word, sizeof(word), &w))
				FAIL(EBADMSG, "unsupported qop");
			if (pl_ieq(&w, "auth"))
				out->qop = SIP_AUTH_QOP_AUTH;
			else if (pl_ieq(&w, "auth-int"))
				out->qop = SIP_AUTH_QOP_AUTH_INT;
			else
				FAIL(EBADMSG, "unsupported qop");
		} else if (pl_ieq(n, "userhash")) {
			if (param_word(p, word, sizeof(word), &w) ||
			    bool_parse(&w, &out->userhash))
				FAIL(EBADMSG, "bad userhash value");
		}
	}
	return 0;
}

int sip_auth_creds_parse(const char *val, size_t len,
			 struct sip_auth_creds *out, const char **reason)
{
	struct params ps;
	unsigned seen = 0;
	size_t i, hexlen;
	int err;

	if (!val || !out)
		FAIL(EINVAL, "no credentials");
	memset(out, 0, sizeof(*out));
	out->hash = SIP_AUTH_MD5;
	err = params_parse(val, len, &ps, reason);
	if (err)
		return err;
	err = creds_fields(&ps, out, &seen, reason);
	if (err)
		return err;
	if ((seen & (F_USER | F_REALM | F_NONCE | F_URI | F_RESP)) !=
	    (F_USER | F_REALM | F_NONCE | F_URI | F_RESP))
		FAIL(EBADMSG, "credentials miss username, realm, nonce, "
		     "uri or response");
	if (out->qop != SIP_AUTH_QOP_NONE) {
		if ((seen & (F_CNONCE | F_NC)) != (F_CNONCE | F_NC) ||
		    !out->cnonce_len)
			FAIL(EBADMSG, "qop without cnonce or nc");
		if (strlen(out->nc) != 8)
			FAIL(EBADMSG, "nc is not 8 hex digits");
		for (i = 0; i < 8; i++) {
			char c = out->nc[i];
			if (!is_hex(c))
				FAIL(EBADMSG, "nc is not 8 hex digits");
			out->nc_value = out->nc_value << 4 |
				(uint32_t)(c <= '9' ? c - '0' :
					   lower(c) - 'a' + 10);
		}
		if (!out->nc_value)
			FAIL(EBADMSG, "nc is zero");
	} else if (seen & F_NC) {
		FAIL(EBADMSG, "nc without qop");
	}
	hexlen = sip_auth_hash_hexlen(out->hash);
	if (strlen(out->response) != hexlen)
		FAIL(EBADMSG, "response of the wrong length");
	for (i = 0; i < hexlen; i++) {
		if (!is_hex(out->response[i]))
			FAIL(EBADMSG, "response is not hex");
		out->response[i] = lower(out->response[i]);
	}
	return 0;
}

/* qop="auth, auth-int": the mask of options understood. */
static unsigned qop_list_parse(const char *s, size_t len)
{
	unsigned mask = 0;
	size_t i = 0, j;

	while (i < len) {
		struct sip_pl w;
		i = skip_lws(s, len, i);
		j = scan_token(s, len, i);
		w = pl_of(s + i, j - i);
		if (pl_ieq(&w, "auth"))
			mask |= 1u << SIP_AUTH_QOP_AUTH;
		else if (pl_ieq(&w, "auth-int"))
			mask |= 1u << SIP_AUTH_QOP_AUTH_INT;
		i = skip_lws(s, len, j);
		while (i < len && s[i] != ',')	/* skip what we do not know */
			i++;
		if (i < len)
			i++;
	}
	return mask;
}

int sip_auth_chal_parse(const char *val, size_t len,
			struct sip_auth_chal *out, const char **reason)
{
	char word[32], qop[128];
	struct params ps;
	bool have_realm = false, have_nonce = false, have_qop = false;
	size_t k, qlen = 0;
	int err;

	if (!val || !out)
		FAIL(EINVAL, "no challenge");
	memset(out, 0, sizeof(*out));
	out->hash = SIP_AUTH_MD5;
	err = params_parse(val, len, &ps, reason);
	if (err)
		return err;
	for (k = 0; k < ps.n; k++) {
		const struct param *p = &ps.p[k];
		const struct sip_pl *n = &p->name;
		struct sip_pl w;

		if (pl_ieq(n, "realm")) {
			COPY(realm, &out->realm_len, "realm too long");
			have_realm = true;
		} else if (pl_ieq(n, "nonce")) {
			COPY(nonce, &out->nonce_len, "nonce too long");
			have_nonce = true;
		} else if (pl_ieq(n, "opaque")) {
			COPY(opaque, NULL, "opaque too long");
			out->has_opaque = true;
		} else if (pl_ieq(n, "algorithm")) {
			if (param_word(p, word, sizeof(word), &w) ||
			    alg_parse(&w, &out->hash, &out->sess))
				FAIL(ENOTSUP, "unsupported algorithm");
		} else if (pl_ieq(n, "qop")) {
			if (param_copy(p, qop, sizeof(qop), &qlen))
				FAIL(EOVERFLOW, "qop list too long");
			have_qop = true;
		} else if (pl_ieq(n, "stale")) {
			if (param_word(p, word, sizeof(word), &w) ||
			    bool_parse(&w, &out->stale))
				out->stale = false;	/* RFC 7616 s3.3 */
		} else if (pl_ieq(n, "userhash")) {
			if (param_word(p, word, sizeof(word), &w) ||
			    bool_parse(&w, &out->userhash))
				FAIL(EBADMSG, "bad userhash value");
		}
	}
	if (!have_realm || !have_nonce || !out->nonce_len)
		FAIL(EBADMSG, "challenge misses realm or nonce");
	if (have_qop) {
		out->qop_mask = qop_list_parse(qop, qlen);
		if (!out->qop_mask)
			FAIL(ENOTSUP, "no supported qop offered");
	}
	return 0;
}

/* --- Output with a cap. */

struct wbuf {
	char *p;
	size_t size, len;
	bool over;
};

static void w_put(struct wbuf *w, const char *s, size_t n)
{
	if (w->over || n >= w->size - w->len) {
		w->over = true;
		return;
	}
	memcpy(w->p + w->len, s, n);
	w->len += n;
	w->p[w->len] = '\0';
}

static void w_str(struct wbuf *w, const char *s)
{
	w_put(w, s, strlen(s));
}

/* sep, "name=" then a quoted string (escaping '"' and '\\'). */
static void w_qparam(struct wbuf *w, const char *sep, const char *name,
		     const struct sip_pl *v)
{
	size_t i;

	w_str(w, sep);
	w_str(w, name);
	w_str(w, "=\"");
	for (i = 0; i < v->l; i++) {
		if (v->p[i] == '"' || v->p[i] == '\\')
			w_put(w, "\\", 1);
		w_put(w, &v->p[i], 1);
	}
	w_put(w, "\"", 1);
}

/* True when v may go into a quoted string: no control bytes. */
static bool quotable(const struct sip_pl *v, size_t max)
{
	size_t i;

	if (!pl_ok(v) || v->l > max)
		return false;
	for (i = 0; i < v->l; i++)
		if (is_ctl((unsigned char)v->p[i]))
			return false;
	return true;
}

/* --- Server. */

struct sip_auth {
	char realm[SIP_AUTH_REALM_MAX + 1];
	size_t realm_len;
	uint8_t key[SIP_AUTH_SECRET_MAX];
	size_t key_len;
	uint32_t lifetime;
	unsigned hashes;
	struct sip_auth_replay *replay;
	sip_auth_ha1_h *ha1h;
	void *arg;
};

int sip_auth_alloc(struct sip_auth **ap, const struct sip_auth_conf *conf)
{
	struct sip_auth *a;
	struct sip_pl realm;
	size_t i;
	int err;

	if (!ap || !conf || !conf->realm || !conf->ha1h || !conf->secret ||
	    conf->secret_len < SIP_AUTH_SECRET_MIN ||
	    conf->secret_len > SIP_AUTH_SECRET_MAX ||
	    (conf->hashes & ~ALL_HASHES))
		return EINVAL;
	realm = pl_str(conf->realm);
	if (!realm.l || !quotable(&realm, SIP_AUTH_REALM_MAX))
		return EINVAL;
	for (i = 0; i < realm.l; i++)
		if (realm.p[i] == '"' || realm.p[i] == '\\')
			return EINVAL;
	a = calloc(1, sizeof(*a));
	if (!a)
		return ENOMEM;
	err = sip_auth_replay_alloc(&a->replay, conf->replay_slots ?
				    conf->replay_slots : DEFAULT_SLOTS);
	if (err) {
		free(a);
		return err;
	}
	memcpy(a->realm, realm.p, realm.l);
	a->realm_len = realm.l;
	memcpy(a->key, conf->secret, conf->secret_len);
	a->key_len = conf->secret_len;
	a->lifetime = conf->nonce_lifetime ? conf->nonce_lifetime :
		DEFAULT_LIFETIME;
	a->hashes = conf->hashes ? conf->hashes : ALL_HASHES;
	a->ha1h = conf->ha1h;
	a->arg = conf->arg;
	*ap = a;
	return 0;
}

void sip_auth_free(struct sip_auth *a)
{
	if (!a)
		return;
	sip_auth_replay_free(a->replay);
	OPENSSL_cleanse(a->key, sizeof(a->key));
	free(a);
}

int sip_auth_challenge_build(struct sip_auth *a, bool stale, uint64_t now,
			     char (*out)[SIP_AUTH_CHAL_MAX], size_t n,
			     size_t *countp)
{
	char nonce[SIP_AUTH_NONCE_LEN + 1];
	struct sip_pl realm, np;
	size_t count = 0;
	int h, err;

	if (!a || !out || !countp || now > UINT64_MAX - a->lifetime)
		return EINVAL;
	realm = pl_of(a->realm, a->realm_len);
	err = sip_auth_nonce_make(a->key, a->key_len, &realm,
				  now + a->lifetime, nonce);
	if (err)
		return err;
	np = pl_str(nonce);
	for (h = SIP_AUTH_HASH_COUNT - 1; h >= 0; h--) {
		struct wbuf w;

		if (!(a->hashes & 1u << h))
			continue;
		if (count == n)
			return EOVERFLOW;
		w = (struct wbuf){out[count], SIP_AUTH_CHAL_MAX, 0, false};
		out[count][0] = '\0';
		w_str(&w, "Digest realm=\"");
		w_put(&w, a->realm, a->realm_len);
		w_put(&w, "\"", 1);
		w_qparam(&w, ", ", "nonce", &np);
		w_str(&w, ", algorithm=");
		w_str(&w, sip_auth_hash_name((enum sip_auth_hash)h));
		w_str(&w, ", qop=\"auth,auth-int\"");
		if (stale)
			w_str(&w, ", stale=true");
		if (w.over)
			return EOVERFLOW;
		count++;
	}
	*countp = count;
	return 0;
}

const char *sip_auth_result_name(enum sip_auth_result r)
{
	switch (r) {
	case SIP_AUTH_OK:
		return "OK";
	case SIP_AUTH_NO_CREDENTIALS:
		return "NO_CREDENTIALS";
	case SIP_AUTH_BAD_FORMAT:
		return "BAD_FORMAT";
	case SIP_AUTH_UNKNOWN_USER:
		return "UNKNOWN_USER";
	case SIP_AUTH_WRONG_RESPONSE:
		return "WRONG_RESPONSE";
	case SIP_AUTH_STALE_NONCE:
		return "STALE_NONCE";
	case SIP_AUTH_BAD_NONCE:
		return "BAD_NONCE";
	case SIP_AUTH_REPLAYED_NC:
		return "REPLAYED_NC";
	}
	return "?";
}

static int verdict(struct sip_auth_verdict *v, enum sip_auth_result r,
		   const char *why)
{
	v->result = r;
	v->reason = why;
	return 0;
}

/* The checks after parsing; c is valid, v->user etc. already set. */
static int verify_creds(struct sip_auth *a, const struct sip_auth_creds *c,
			const struct sip_auth_req *req, uint64_t now,
			struct sip_auth_verdict *v)
{
	uint8_t id[SIP_AUTH_NONCE_ID_LEN];
	char ha1[SIP_AUTH_HEX_MAX + 1], resp[SIP_AUTH_HEX_MAX + 1];
	struct sip_auth_digest_in in;
	struct sip_pl realm = pl_of(a->realm, a->realm_len);
	struct sip_pl user = pl_of(c->username, c->username_len);
	struct sip_pl nonce = pl_of(c->nonce, c->nonce_len);
	size_t hexlen = sip_auth_hash_hexlen(c->hash);
	uint64_t expiry;
	int err;

	if (c->realm_len != a->realm_len ||
	    memcmp(c->realm, a->realm, a->realm_len) != 0)
		return verdict(v, SIP_AUTH_NO_CREDENTIALS,
			       "credentials for another realm");
	if (!(a->hashes & 1u << c->hash))
		return verdict(v, SIP_AUTH_BAD_FORMAT,
			       "algorithm not offered");
	if (c->qop == SIP_AUTH_QOP_NONE)
		return verdict(v, SIP_AUTH_BAD_FORMAT,
			       "qop missing: replay protection needs nc");
	err = sip_auth_nonce_check(a->key, a->key_len, &realm, &nonce,
				   &expiry, id);
	if (err == EBADMSG)
		return verdict(v, SIP_AUTH_BAD_NONCE, "nonce not ours");
	if (err)
		return err;

	memset(ha1, 0, sizeof(ha1));
	err = a->ha1h(&user, c->userhash, c->hash, ha1, a->arg);
	if (err == ENOENT)
		return verdict(v, SIP_AUTH_UNKNOWN_USER, "unknown user");
	if (err)
		return err;
	ha1[SIP_AUTH_HEX_MAX] = '\0';
	in = (struct sip_auth_digest_in){
		.hash = c->hash, .sess = c->sess, .ha1 = pl_str(ha1),
		.nonce = nonce, .cnonce = pl_of(c->cnonce, c->cnonce_len),
		.nc = pl_str(c->nc), .qop = c->qop, .method = req->method,
		.uri = pl_of(c->uri, c->uri_len), .body = req->body,
	};
	err = sip_auth_response(&in, resp);
	OPENSSL_cleanse(ha1, sizeof(ha1));
	if (err)
		return err;	/* EINVAL: the callback gave a bad HA1 */
	if (CRYPTO_memcmp(resp, c->response, hexlen) != 0)
		return verdict(v, SIP_AUTH_WRONG_RESPONSE, "wrong response");
	if (now >= expiry) {
		v->stale = true;
		return verdict(v, SIP_AUTH_STALE_NONCE, "nonce expired");
	}
	err = sip_auth_replay_check(a->replay, id, expiry, c->nc_value, now);
	if (err == EALREADY)
		return verdict(v, SIP_AUTH_REPLAYED_NC,
			       "nonce count not increasing");
	if (err == ESTALE) {
		v->stale = true;
		return verdict(v, SIP_AUTH_STALE_NONCE,
			       "nonce no longer tracked");
	}
	if (err)
		return err;
	return verdict(v, SIP_AUTH_OK, "authenticated");
}

int sip_auth_verify(struct sip_auth *a, const char *val, size_t len,
		    const struct sip_auth_req *req, uint64_t now,
		    struct sip_auth_verdict *v)
{
	struct sip_auth_creds *c;
	const char *why = NULL;
	int err;

	if (!a || !req || !v || !pl_ok(&req->method) || !req->method.l ||
	    !pl_ok(&req->uri) || !pl_ok(&req->body))
		return EINVAL;
	memset(v, 0, sizeof(*v));
	if (!val || !len)
		return verdict(v, SIP_AUTH_NO_CREDENTIALS, "no credentials");
	c = malloc(sizeof(*c));	/* about 3 KiB: keep it off the stack */
	if (!c)
		return ENOMEM;
	err = sip_auth_creds_parse(val, len, c, &why);
	if (err == ENOTSUP) {
		err = verdict(v, SIP_AUTH_NO_CREDENTIALS, why);
		goto out;
	}
	if (err) {
		err = verdict(v, SIP_AUTH_BAD_FORMAT, why);
		goto out;
	}
	memcpy(v->user, c->username, c->username_len + 1);
	v->userhash = c->userhash;
	v->hash = c->hash;
	v->uri_matches = c->uri_len == req->uri.l &&
		(!c->uri_len || memcmp(c->uri, req->uri.p, c->uri_len) == 0);
	err = verify_creds(a, c, req, now, v);
out:
	OPENSSL_cleanse(c, sizeof(*c));
	free(c);
	return err;
}

/* --- Client. */

void sip_auth_client_init(struct sip_auth_client *c)
{
	if (c)
		memset(c, 0, sizeof(*c));
}

void sip_auth_client_begin(struct sip_auth_client *c)
{
	if (c)
		c->have = false;
}

int sip_auth_client_challenge(struct sip_auth_client *c, const char *val,
			      size_t len)
{
	struct sip_auth_chal ch;
	int err;

	if (!c || !val)
		return EINVAL;
	err = sip_auth_chal_parse(val, len, &ch, NULL);
	if (err)
		return err;
	if (!c->have || ch.hash > c->chal.hash) {
		c->chal = ch;
		c->have = true;
	}
	return 0;
}

static int client_cnonce(const struct sip_auth_login *login, char *buf)
{
	static const char hex[] = "0123456789abcdef";
	uint8_t rnd[16];
	size_t i;

	if (login->cnonce.l) {
		if (!quotable(&login->cnonce, SIP_AUTH_CNONCE_MAX))
			return EINVAL;
		memcpy(buf, login->cnonce.p, login->cnonce.l);
		buf[login->cnonce.l] = '\0';
		return 0;
	}
	if (RAND_bytes(rnd, sizeof(rnd)) != 1)
		return EIO;
	for (i = 0; i < sizeof(rnd); i++) {
		buf[2 * i] = hex[rnd[i] >> 4];
		buf[2 * i + 1] = hex[rnd[i] & 15];
	}
	buf[2 * sizeof(rnd)] = '\0';
	return 0;
}

static void client_write(struct wbuf *w, const struct sip_auth_chal *ch,
			 const struct sip_pl *user,
			 const struct sip_auth_req *req,
			 const struct sip_auth_digest_in *in,
			 const char *resp)
{
	struct sip_pl v;

	w_qparam(w, "Digest ", "username", user);
	v = pl_of(ch->realm, ch->realm_len);
	w_qparam(w, ", ", "realm", &v);
	v = pl_of(ch->nonce, ch->nonce_len);
	w_qparam(w, ", ", "nonce", &v);
	w_qparam(w, ", ", "uri", &req->uri);
	v = pl_str(resp);
	w_qparam(w, ", ", "response", &v);
	w_str(w, ", algorithm=");
	w_str(w, sip_auth_hash_name(ch->hash));
	if (ch->sess)
		w_str(w, "-sess");
	if (in->cnonce.l)
		w_qparam(w, ", ", "cnonce", &in->cnonce);
	if (in->qop != SIP_AUTH_QOP_NONE) {
		w_str(w, ", qop=");
		w_str(w, qop_name(in->qop));
		w_str(w, ", nc=");
		w_put(w, in->nc.p, in->nc.l);
	}
	if (ch->has_opaque) {
		v = pl_str(ch->opaque);
		w_qparam(w, ", ", "opaque", &v);
	}
	if (ch->userhash)
		w_str(w, ", userhash=true");
}

int sip_auth_client_authorize(struct sip_auth_client *c,
			      const struct sip_auth_login *login,
			      const struct sip_auth_req *req, char *buf,
			      size_t size, size_t *lenp)
{
	char ha1[SIP_AUTH_HEX_MAX + 1], resp[SIP_AUTH_HEX_MAX + 1];
	char uh[SIP_AUTH_HEX_MAX + 1], cnonce[SIP_AUTH_CNONCE_MAX + 1];
	char nc[16];
	const struct sip_auth_chal *ch;
	struct sip_auth_digest_in in;
	struct sip_pl realm, user;
	struct wbuf w;
	size_t i;
	int err;

	if (!c || !login || !req || !buf || !size ||
	    !quotable(&login->user, SIP_AUTH_USER_MAX) ||
	    !pl_ok(&login->password) || !pl_ok(&login->cnonce) ||
	    !pl_ok(&req->method) || !req->method.l || !req->uri.l ||
	    !quotable(&req->uri, SIP_AUTH_URI_MAX) || !pl_ok(&req->body))
		return EINVAL;
	for (i = 0; i < req->method.l; i++)
		if (!is_tchar((unsigned char)req->method.p[i]))
			return EINVAL;
	if (!c->have)
		return ENOENT;
	ch = &c->chal;
	if (c->nc == UINT32_MAX)
		return EOVERFLOW;
	in = (struct sip_auth_digest_in){
		.hash = ch->hash, .sess = ch->sess,
		.nonce = pl_of(ch->nonce, ch->nonce_len),
		.method = req->method, .uri = req->uri, .body = req->body,
	};
	if (ch->qop_mask & 1u << SIP_AUTH_QOP_AUTH)
		in.qop = SIP_AUTH_QOP_AUTH;
	else if (ch->qop_mask & 1u << SIP_AUTH_QOP_AUTH_INT)
		in.qop = SIP_AUTH_QOP_AUTH_INT;
	if (in.qop != SIP_AUTH_QOP_NONE || in.sess) {
		err = client_cnonce(login, cnonce);
		if (err)
			return err;
		in.cnonce = pl_str(cnonce);
	}
	if (strcmp(c->sent_nonce, ch->nonce) != 0)
		c->nc = 0;
	snprintf(nc, sizeof(nc), "%08x", (unsigned)(c->nc + 1));
	in.nc = pl_str(nc);
	realm = pl_of(ch->realm, ch->realm_len);
	err = sip_auth_ha1(ch->hash, &login->user, &realm, &login->password,
			   ha1);
	if (err)
		return err;
	in.ha1 = pl_str(ha1);
	err = sip_auth_response(&in, resp);
	OPENSSL_cleanse(ha1, sizeof(ha1));
	if (err)
		return err;
	user = login->user;
	if (ch->userhash) {
		err = sip_auth_userhash(ch->hash, &login->user, &realm, uh);
		if (err)
			return err;
		user = pl_str(uh);
	}
	w = (struct wbuf){buf, size, 0, false};
	buf[0] = '\0';
	client_write(&w, ch, &user, req, &in, resp);
	if (w.over) {
		buf[0] = '\0';
		return EOVERFLOW;
	}
	memcpy(c->sent_nonce, ch->nonce, ch->nonce_len + 1);
	c->nc++;
	if (lenp)
		*lenp = w.len;
	return 0;
}
