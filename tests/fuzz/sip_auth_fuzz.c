/*
 * sip_auth_fuzz.c: libFuzzer target for Digest header values
 * (sip/sip_auth.h; RFC 7616, RFC 8760; SEC-6; STYLE.md 2.11): the input
 * is parsed as credentials (sip_auth_creds_parse), as a challenge
 * (sip_auth_chal_parse) and verified by a server context made once
 * (sip_auth_verify).  Built by `make fuzz` (tests/fuzz/README.md).
 *
 * Properties checked besides memory safety:
 * - results are in the documented sets; on error the reason is a
 *   non-empty line without quotes or control characters;
 * - parsed fields are NUL-terminated, as long as their _len says and
 *   within their maxima; a response is lowercase hex of the algorithm's
 *   length; with qop, nc is 8 hex digits and not 0;
 * - round trip: a challenge that parses, handed to the client, yields an
 *   Authorization value that parses back with the same realm, nonce,
 *   opaque, algorithm, userhash and nc 1, then nc 2;
 * - a verdict is a known result with a clean reason; input that does not
 *   parse as credentials is never OK;
 * - the server's own challenge answered by the client for a user taken
 *   from the input verifies OK once, and a replay is REPLAYED_NC.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sip/sip_auth.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct sip_auth *fz_srv;

static void fz_assert(int ok)
{
	if (!ok)
		abort();
}

static void line_ok(const char *s, size_t max)
{
	size_t i, n;

	fz_assert(s != NULL);
	n = strnlen(s, max);
	fz_assert(n > 0 && n < max);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		fz_assert(c >= 0x20 && c != 0x7f && c != '"');
	}
}

static void field_ok(const char *s, size_t cap, size_t len)
{
	fz_assert(strnlen(s, cap + 1) == len && len <= cap);
}

static bool is_lhex(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		      (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

/* Server side: every user's password is "pw". */
static int fz_ha1(const struct sip_pl *user, bool userhash,
		  enum sip_auth_hash hash, char *ha1, void *arg)
{
	struct sip_pl realm = SIP_PL("fuzz.test"), pw = SIP_PL("pw");

	(void)arg;
	if (userhash)
		return ENOENT;
	return sip_auth_ha1(hash, user, &realm, &pw, ha1);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const uint8_t secret[32] = "0123456789abcdef0123456789abcde";
	struct sip_auth_conf conf = {
		.realm = "fuzz.test", .secret = secret,
		.secret_len = sizeof(secret), .ha1h = fz_ha1,
	};

	(void)argc;
	(void)argv;
	if (sip_auth_alloc(&fz_srv, &conf))
		abort();
	return 0;
}

static int fz_creds(const char *p, size_t n, struct sip_auth_creds *c)
{
	const char *why = NULL;
	size_t hl;
	int e = sip_auth_creds_parse(p, n, c, &why);

	fz_assert(e == 0 || e == ENOTSUP || e == EBADMSG || e == EOVERFLOW);
	if (e) {
		line_ok(why, 200);
		return e;
	}
	field_ok(c->username, SIP_AUTH_USER_MAX, c->username_len);
	field_ok(c->realm, SIP_AUTH_REALM_MAX, c->realm_len);
	field_ok(c->nonce, SIP_AUTH_NONCE_MAX, c->nonce_len);
	field_ok(c->uri, SIP_AUTH_URI_MAX, c->uri_len);
	field_ok(c->cnonce, SIP_AUTH_CNONCE_MAX, c->cnonce_len);
	fz_assert(strnlen(c->opaque, sizeof(c->opaque)) <
		  sizeof(c->opaque));
	hl = sip_auth_hash_hexlen(c->hash);
	fz_assert(hl == 32 || hl == 64);
	fz_assert(strlen(c->response) == hl && is_lhex(c->response, hl));
	if (c->qop != SIP_AUTH_QOP_NONE) {
		fz_assert(c->qop == SIP_AUTH_QOP_AUTH ||
			  c->qop == SIP_AUTH_QOP_AUTH_INT);
		fz_assert(strlen(c->nc) == 8 && c->nc_value != 0);
		fz_assert(c->cnonce_len > 0);
	} else {
		fz_assert(c->nc_value == 0 && c->nc[0] == '\0');
	}
	return 0;
}

/* Client answers the challenge; the answer must parse back. */
static void fz_answer(const char *p, size_t n,
		      const struct sip_auth_chal *ch)
{
	static const struct sip_auth_login login = {
		SIP_PL("bob"), SIP_PL("secret"), SIP_PL("0a1b2c3d")};
	static const struct sip_auth_req req = {
		SIP_PL("SUBSCRIBE"), SIP_PL("sip:alice@fuzz.test"),
		SIP_PL("")};
	struct sip_auth_client cl;
	struct sip_auth_creds cr;
	char buf[SIP_AUTH_VALUE_MAX + 1];
	size_t len = 0;
	uint32_t nc;

	sip_auth_client_init(&cl);
	sip_auth_client_begin(&cl);
	fz_assert(sip_auth_client_challenge(&cl, p, n) == 0);
	for (nc = 1; nc <= 2; nc++) {
		fz_assert(sip_auth_client_authorize(&cl, &login, &req, buf,
						    sizeof(buf), &len) == 0);
		fz_assert(len == strlen(buf));
		fz_assert(fz_creds(buf, len, &cr) == 0);
		fz_assert(cr.realm_len == ch->realm_len &&
			  memcmp(cr.realm, ch->realm, cr.realm_len) == 0);
		fz_assert(cr.nonce_len == ch->nonce_len &&
			  memcmp(cr.nonce, ch->nonce, cr.nonce_len) == 0);
		fz_assert(cr.hash == ch->hash && cr.sess == ch->sess &&
			  cr.userhash == ch->userhash);
		if (ch->has_opaque)
			fz_assert(strcmp(cr.opaque, ch->opaque) == 0);
		if (ch->qop_mask) {
			fz_assert(cr.qop != SIP_AUTH_QOP_NONE);
			fz_assert(ch->qop_mask & 1u << cr.qop);
			fz_assert(cr.nc_value == nc);
		} else {
			fz_assert(cr.qop == SIP_AUTH_QOP_NONE);
		}
		fz_assert(strcmp(cr.uri, "sip:alice@fuzz.test") == 0);
	}
}

static void fz_chal(const char *p, size_t n)
{
	struct sip_auth_chal ch;
	const char *why = NULL;
	int e = sip_auth_chal_parse(p, n, &ch, &why);

	fz_assert(e == 0 || e == ENOTSUP || e == EBADMSG || e == EOVERFLOW);
	if (e) {
		line_ok(why, 200);
		return;
	}
	field_ok(ch.realm, SIP_AUTH_REALM_MAX, ch.realm_len);
	field_ok(ch.nonce, SIP_AUTH_NONCE_MAX, ch.nonce_len);
	fz_assert(ch.nonce_len > 0);
	fz_assert(!(ch.qop_mask & ~(1u << SIP_AUTH_QOP_AUTH |
				    1u << SIP_AUTH_QOP_AUTH_INT)));
	fz_answer(p, n, &ch);
}

static void verdict_ok(const struct sip_auth_verdict *v)
{
	fz_assert(v->result <= SIP_AUTH_REPLAYED_NC);
	fz_assert(strcmp(sip_auth_result_name(v->result), "?") != 0);
	if (v->result != SIP_AUTH_OK)
		line_ok(v->reason, 200);
}

/* A user from the input answers the server's own challenge. */
static void fz_login(const char *p, size_t n)
{
	static const struct sip_auth_req req = {
		SIP_PL("PUBLISH"), SIP_PL("sip:carol@fuzz.test"),
		SIP_PL("<x/>")};
	char chal[2][SIP_AUTH_CHAL_MAX], buf[SIP_AUTH_VALUE_MAX + 1];
	struct sip_auth_login login = {{p, n}, SIP_PL("pw"), SIP_PL("")};
	struct sip_auth_client cl;
	struct sip_auth_verdict v;
	size_t cnt = 0, len = 0, i;
	/* later each time, so that replay-table eviction never makes a
	 * fresh nonce look stale (all expiries equal would) */
	static uint64_t tick;
	uint64_t now = 1700000000 + ++tick;
	int e;

	fz_assert(sip_auth_challenge_build(fz_srv, false, now, chal, 2,
					   &cnt) == 0 && cnt == 2);
	sip_auth_client_init(&cl);
	for (i = 0; i < cnt; i++)
		fz_assert(sip_auth_client_challenge(&cl, chal[i],
						    strlen(chal[i])) == 0);
	login.cnonce = (struct sip_pl)SIP_PL("c0ffee");
	e = sip_auth_client_authorize(&cl, &login, &req, buf, sizeof(buf),
				      &len);
	fz_assert(e == 0 || e == EINVAL);
	if (e)
		return;
	fz_assert(sip_auth_verify(fz_srv, buf, len, &req, now + 1, &v) == 0);
	verdict_ok(&v);
	fz_assert(v.result == SIP_AUTH_OK && v.uri_matches &&
		  v.hash == SIP_AUTH_SHA256);
	fz_assert(strlen(v.user) == n && memcmp(v.user, p, n) == 0);
	fz_assert(sip_auth_verify(fz_srv, buf, len, &req, now + 2, &v) == 0);
	fz_assert(v.result == SIP_AUTH_REPLAYED_NC);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct sip_auth_req req = {
		SIP_PL("SUBSCRIBE"), SIP_PL("sip:alice@fuzz.test"),
		SIP_PL("")};
	const char *p = (const char *)data;
	struct sip_auth_creds cr;
	struct sip_auth_verdict v;
	int ce, e;

	if (size > 2 * SIP_AUTH_VALUE_MAX)
		return 0;
	ce = fz_creds(p, size, &cr);
	fz_chal(p, size);
	e = sip_auth_verify(fz_srv, p, size, &req, 1700000000, &v);
	fz_assert(e == 0);
	verdict_ok(&v);
	if (ce)
		fz_assert(v.result == SIP_AUTH_NO_CREDENTIALS ||
			  v.result == SIP_AUTH_BAD_FORMAT);
	if (size && size <= 64 && !memchr(p, '\0', size))
		fz_login(p, size);
	return 0;
}
