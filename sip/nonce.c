/*
 * nonce.c: stateless Digest nonces and the nonce-count replay table.
 *
 * A nonce is base64url(expiry || id || HMAC-SHA-256(key, expiry || id ||
 * realm)) with expiry a big-endian 64-bit second count and id 12 random
 * bytes: the server keeps no state per challenge, and a nonce from another
 * realm or key, or altered in any bit, fails the MAC. The replay table
 * remembers, per nonce id, the highest nc accepted (see sip_auth.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "sip/sip_auth.h"

#define NONCE_MAC_LEN 32
#define NONCE_RAW_LEN (8 + SIP_AUTH_NONCE_ID_LEN + NONCE_MAC_LEN)
#define REPLAY_WAYS 8
#define REPLAY_SLOTS_MAX ((size_t)1 << 20)

static const char b64url[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* Unpadded base64url of n bytes into out (4n/3 rounded up, plus NUL). */
static void b64url_encode(const uint8_t *in, size_t n, char *out)
{
	size_t i, o = 0;

	for (i = 0; i + 2 < n; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 |
			in[i + 2];
		out[o++] = b64url[v >> 18 & 63];
		out[o++] = b64url[v >> 12 & 63];
		out[o++] = b64url[v >> 6 & 63];
		out[o++] = b64url[v & 63];
	}
	if (n - i == 1) {
		uint32_t v = (uint32_t)in[i] << 16;
		out[o++] = b64url[v >> 18 & 63];
		out[o++] = b64url[v >> 12 & 63];
	} else if (n - i == 2) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
		out[o++] = b64url[v >> 18 & 63];
		out[o++] = b64url[v >> 12 & 63];
		out[o++] = b64url[v >> 6 & 63];
	}
	out[o] = '\0';
}

static int b64url_val(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-')
		return 62;
	if (c == '_')
		return 63;
	return -1;
}

/*
 * Decode exactly NONCE_RAW_LEN bytes (52 bytes in 70 characters; the 4
 * bits left over must be zero so that every nonce has one spelling).
 * Returns 0 or EBADMSG.
 */
static int nonce_decode(const struct sip_pl *s, uint8_t *out)
{
	uint32_t acc = 0;
	unsigned bits = 0;
	size_t i, o = 0;

	if (s->l != SIP_AUTH_NONCE_LEN)
		return EBADMSG;
	for (i = 0; i < s->l; i++) {
		int v = b64url_val(s->p[i]);
		if (v < 0)
			return EBADMSG;
		acc = (acc << 6 | (uint32_t)v) & 0xffffff;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (uint8_t)(acc >> bits);
		}
	}
	if (o != NONCE_RAW_LEN || (acc & ((1u << bits) - 1)) != 0)
		return EBADMSG;
	return 0;
}

static int nonce_mac(const uint8_t *key, size_t key_len,
		     const struct sip_pl *realm, const uint8_t *head,
		     uint8_t *mac)
{
	uint8_t msg[8 + SIP_AUTH_NONCE_ID_LEN + SIP_AUTH_REALM_MAX];
	size_t head_len = 8 + SIP_AUTH_NONCE_ID_LEN, outl = 0;

	if (realm->l > SIP_AUTH_REALM_MAX)
		return EINVAL;
	memcpy(msg, head, head_len);
	if (realm->l)
		memcpy(msg + head_len, realm->p, realm->l);
	if (!EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, key, key_len, msg,
		       head_len + realm->l, mac, NONCE_MAC_LEN, &outl) ||
	    outl != NONCE_MAC_LEN)
		return EIO;
	return 0;
}

static bool key_ok(const uint8_t *key, size_t key_len)
{
	return key && key_len >= SIP_AUTH_SECRET_MIN &&
		key_len <= SIP_AUTH_SECRET_MAX;
}

int sip_auth_nonce_make(const uint8_t *key, size_t key_len,
			const struct sip_pl *realm, uint64_t expiry,
			char *out)
{
	uint8_t raw[NONCE_RAW_LEN];
	int i, err;

	if (!key_ok(key, key_len) || !realm || (!realm->p && realm->l) ||
	    !out)
		return EINVAL;
	for (i = 0; i < 8; i++)
		raw[i] = (uint8_t)(expiry >> (56 - 8 * i));
	if (RAND_bytes(raw + 8, SIP_AUTH_NONCE_ID_LEN) != 1)
		return EIO;
	err = nonce_mac(key, key_len, realm, raw,
			raw + 8 + SIP_AUTH_NONCE_ID_LEN);
	if (err)
		return err;
	b64url_encode(raw, sizeof(raw), out);
	return 0;
}

int sip_auth_nonce_check(const uint8_t *key, size_t key_len,
			 const struct sip_pl *realm,
			 const struct sip_pl *nonce, uint64_t *expiry,
			 uint8_t *id)
{
	uint8_t raw[NONCE_RAW_LEN], mac[NONCE_MAC_LEN];
	uint64_t e = 0;
	int i, err;

	if (!key_ok(key, key_len) || !realm || (!realm->p && realm->l) ||
	    !nonce || (!nonce->p && nonce->l) || !expiry || !id)
		return EINVAL;
	if (nonce_decode(nonce, raw))
		return EBADMSG;
	err = nonce_mac(key, key_len, realm, raw, mac);
	if (err)
		return err == EINVAL ? EBADMSG : err;
	if (CRYPTO_memcmp(mac, raw + 8 + SIP_AUTH_NONCE_ID_LEN,
			  NONCE_MAC_LEN) != 0)
		return EBADMSG;
	for (i = 0; i < 8; i++)
		e = e << 8 | raw[i];
	*expiry = e;
	memcpy(id, raw + 8, SIP_AUTH_NONCE_ID_LEN);
	return 0;
}

/* --- Replay table. */

struct replay_entry {
	uint8_t id[SIP_AUTH_NONCE_ID_LEN];
	uint32_t nc;		/* 0: slot free */
	uint64_t expiry;
};

struct sip_auth_replay {
	struct replay_entry *e;
	uint64_t *horizon;	/* per set: newest expiry of an evicted live
				   entry; nonces not found and not newer may
				   have been evicted */
	size_t sets;		/* slots / REPLAY_WAYS */
	size_t used;
};

int sip_auth_replay_alloc(struct sip_auth_replay **rp, size_t slots)
{
	struct sip_auth_replay *r;

	if (!rp)
		return EINVAL;
	if (slots < REPLAY_WAYS)
		slots = REPLAY_WAYS;
	if (slots > REPLAY_SLOTS_MAX)
		slots = REPLAY_SLOTS_MAX;
	r = calloc(1, sizeof(*r));
	if (!r)
		return ENOMEM;
	r->sets = (slots + REPLAY_WAYS - 1) / REPLAY_WAYS;
	r->e = calloc(r->sets * REPLAY_WAYS, sizeof(*r->e));
	r->horizon = calloc(r->sets, sizeof(*r->horizon));
	if (!r->e || !r->horizon) {
		free(r->e);
		free(r->horizon);
		free(r);
		return ENOMEM;
	}
	*rp = r;
	return 0;
}

void sip_auth_replay_free(struct sip_auth_replay *r)
{
	if (!r)
		return;
	free(r->e);
	free(r->horizon);
	free(r);
}

size_t sip_auth_replay_count(const struct sip_auth_replay *r)
{
	return r ? r->used : 0;
}

size_t sip_auth_replay_capacity(const struct sip_auth_replay *r)
{
	return r ? r->sets * REPLAY_WAYS : 0;
}

int sip_auth_replay_check(struct sip_auth_replay *r, const uint8_t *id,
			  uint64_t expiry, uint32_t nc, uint64_t now)
{
	struct replay_entry *set, *victim = NULL;
	uint64_t *horizon;
	uint32_t h;
	size_t i;

	if (!r || !id || nc == 0)
		return EINVAL;
	/* ids are random and MAC-protected: their bytes are a fair hash */
	h = (uint32_t)id[0] | (uint32_t)id[1] << 8 | (uint32_t)id[2] << 16 |
		(uint32_t)id[3] << 24;
	set = &r->e[(size_t)h % r->sets * REPLAY_WAYS];
	horizon = &r->horizon[(size_t)h % r->sets];
	for (i = 0; i < REPLAY_WAYS; i++) {
		struct replay_entry *e = &set[i];
		if (e->nc && e->expiry == expiry &&
		    memcmp(e->id, id, SIP_AUTH_NONCE_ID_LEN) == 0) {
			if (nc <= e->nc)
				return EALREADY;
			e->nc = nc;
			return 0;
		}
	}
	if (expiry <= *horizon)
		return ESTALE;
	/* free slot first, then an expired one, then the oldest expiry */
	for (i = 0; i < REPLAY_WAYS; i++) {
		struct replay_entry *e = &set[i];
		if (!e->nc) {
			victim = e;
			break;
		}
		if (!victim || (victim->expiry > now && e->expiry <= now) ||
		    ((e->expiry <= now) == (victim->expiry <= now) &&
		     e->expiry < victim->expiry))
			victim = e;
	}
	if (!victim->nc)
		r->used++;
	else if (victim->expiry > now && victim->expiry > *horizon)
		*horizon = victim->expiry;
	memcpy(victim->id, id, SIP_AUTH_NONCE_ID_LEN);
	victim->expiry = expiry;
	victim->nc = nc;
	return 0;
}
