/*
 * sip_auth.h: SIP Digest authentication (RFC 3261 s22, RFC 7616, RFC 8760).
 *
 * What it does: parses Authorization / Proxy-Authorization and
 * WWW-Authenticate / Proxy-Authenticate header VALUES (the text after the
 * colon, as pointer+length); builds challenges (SHA-256 first, then MD5)
 * with stateless nonces signed by HMAC-SHA-256 that carry their expiry;
 * verifies credentials (qop=auth or auth-int, MD5 / SHA-256 and their
 * -sess variants, optional userhash) with a bounded nonce-count replay
 * table; builds client Authorization values from challenges.
 * What it does not do: parse SIP messages (callers hand in the method, the
 * Request-URI, the body and each header value), choose 401 vs 407, read
 * the clock (`now` is always an argument, seconds since the epoch), log.
 * Credentials: the server holds only HA1 hashes (lowercase hex), fetched
 * through a callback; sip_auth_ha1() computes them for tools.
 * Ownership: struct sip_auth is heap (sip_auth_alloc/sip_auth_free); all
 * other outputs go into caller buffers; nothing returned needs freeing.
 * Threads: a context is not thread-safe (one per thread or a lock).
 * Limits: header value SIP_AUTH_VALUE_MAX bytes, SIP_AUTH_PARAMS_MAX
 * params, per-field maxima below; over a limit is a format error.
 * Errors: 0 or a positive errno (EINVAL bad argument, EBADMSG malformed,
 * EOVERFLOW over a limit or buffer too small, ENOTSUP scheme/algorithm not
 * supported, ENOENT nothing to use, ENOMEM), with a one-line reason.
 */
#ifndef SIP_AUTH_H
#define SIP_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sip/sip.h"

/* Whole header value: far above any real Digest value (about 600 B). */
#define SIP_AUTH_VALUE_MAX 4096
/* auth-params per value: RFC 7616 defines 13. */
#define SIP_AUTH_PARAMS_MAX 32
/* Field maxima in bytes, after unquoting. */
#define SIP_AUTH_USER_MAX 256
#define SIP_AUTH_REALM_MAX 256
#define SIP_AUTH_NONCE_MAX 128
#define SIP_AUTH_CNONCE_MAX 128
#define SIP_AUTH_OPAQUE_MAX 256
#define SIP_AUTH_URI_MAX 2048
/* Longest hex digest (SHA-256), without the NUL. */
#define SIP_AUTH_HEX_MAX 64
/* Room for one challenge value built by sip_auth_challenge_build. */
#define SIP_AUTH_CHAL_MAX 512
/* Server secret: at least this many bytes (HMAC-SHA-256 key). */
#define SIP_AUTH_SECRET_MIN 16
#define SIP_AUTH_SECRET_MAX 64

/* Digest hash functions, weakest first (client picks the highest). */
enum sip_auth_hash {
	SIP_AUTH_MD5 = 0,
	SIP_AUTH_SHA256 = 1,
};
#define SIP_AUTH_HASH_COUNT 2

/* Hex digest length of hash h (32 or 64); 0 for an unknown value. */
size_t sip_auth_hash_hexlen(enum sip_auth_hash h);
/* "MD5" or "SHA-256" (algorithm token, without -sess). */
const char *sip_auth_hash_name(enum sip_auth_hash h);

enum sip_auth_qop {
	SIP_AUTH_QOP_NONE = 0,	/* RFC 2069 compatibility: client only */
	SIP_AUTH_QOP_AUTH = 1,
	SIP_AUTH_QOP_AUTH_INT = 2,
};

/*
 * HA1 = H(user ":" realm ":" password) as lowercase hex into out (at
 * least SIP_AUTH_HEX_MAX + 1 bytes), for user files and tools.
 * Returns 0, EINVAL (NULL or unknown hash), ENOMEM or EIO (OpenSSL).
 */
int sip_auth_ha1(enum sip_auth_hash h, const struct sip_pl *user,
		 const struct sip_pl *realm, const struct sip_pl *password,
		 char *out) __attribute__((warn_unused_result));

/* userhash (RFC 7616 s3.4.4): H(user ":" realm) as hex; as above. */
int sip_auth_userhash(enum sip_auth_hash h, const struct sip_pl *user,
		      const struct sip_pl *realm, char *out)
	__attribute__((warn_unused_result));

/* What a digest response is computed over (RFC 7616 s3.4.1-3.4.3). */
struct sip_auth_digest_in {
	enum sip_auth_hash hash;
	bool sess;		/* MD5-sess / SHA-256-sess */
	struct sip_pl ha1;	/* hex HA1 of user:realm:password */
	struct sip_pl nonce;
	struct sip_pl cnonce;	/* with qop or sess */
	struct sip_pl nc;	/* 8 hex digits, with qop */
	enum sip_auth_qop qop;
	struct sip_pl method;
	struct sip_pl uri;	/* digest-uri: the Request-URI */
	struct sip_pl body;	/* auth-int only (empty body hashes "") */
};

/*
 * The response value for in, as lowercase hex into out (at least
 * SIP_AUTH_HEX_MAX + 1 bytes). Returns 0, EINVAL (bad hash, HA1 not
 * lowercase hex of the hash's length, missing cnonce/nc where needed),
 * ENOMEM or EIO (OpenSSL).
 */
int sip_auth_response(const struct sip_auth_digest_in *in, char *out)
	__attribute__((warn_unused_result));

/* --- Header value parsing (used by both sides, exported for tests). */

/* Credentials from an Authorization / Proxy-Authorization value. */
struct sip_auth_creds {
	char username[SIP_AUTH_USER_MAX + 1];
	char realm[SIP_AUTH_REALM_MAX + 1];
	char nonce[SIP_AUTH_NONCE_MAX + 1];
	char uri[SIP_AUTH_URI_MAX + 1];
	char response[SIP_AUTH_HEX_MAX + 1];	/* lowercased */
	char cnonce[SIP_AUTH_CNONCE_MAX + 1];
	char opaque[SIP_AUTH_OPAQUE_MAX + 1];
	char nc[9];		/* the 8 hex digits as sent, "" without */
	size_t username_len, realm_len, nonce_len, uri_len, cnonce_len;
	enum sip_auth_hash hash;	/* MD5 when algorithm is absent */
	bool sess;
	enum sip_auth_qop qop;
	uint32_t nc_value;	/* nc as a number, 0 without qop */
	bool userhash;
};

/*
 * Parse a credentials value into *out. Required: username, realm, nonce,
 * uri, response; with qop also cnonce and nc (exactly 8 hex digits, not
 * 0); response of the algorithm's hex length. Unknown params are ignored.
 * Returns 0, ENOTSUP (scheme is not Digest), EBADMSG (malformed, duplicate
 * param, unknown algorithm or qop, missing field), EOVERFLOW (a limit);
 * *reason (if not NULL) gets a static one-line message on error.
 */
int sip_auth_creds_parse(const char *val, size_t len,
			 struct sip_auth_creds *out, const char **reason)
	__attribute__((warn_unused_result));

/* A challenge from a WWW-Authenticate / Proxy-Authenticate value. */
struct sip_auth_chal {
	char realm[SIP_AUTH_REALM_MAX + 1];
	char nonce[SIP_AUTH_NONCE_MAX + 1];
	char opaque[SIP_AUTH_OPAQUE_MAX + 1];
	size_t realm_len, nonce_len;
	bool has_opaque;
	enum sip_auth_hash hash;
	bool sess;
	unsigned qop_mask;	/* 1 << SIP_AUTH_QOP_AUTH | ...; 0 = none */
	bool stale;
	bool userhash;
};

/*
 * Parse a challenge value. Required: realm, nonce. Returns 0, ENOTSUP
 * (not Digest, unknown algorithm, or a qop list without auth/auth-int:
 * the client ignores it, RFC 8760 s2.4), EBADMSG, EOVERFLOW; reason as
 * above.
 */
int sip_auth_chal_parse(const char *val, size_t len,
			struct sip_auth_chal *out, const char **reason)
	__attribute__((warn_unused_result));

/* --- Stateless nonces (sip/nonce.c). */

/* base64url(expiry[8] || id[12] || HMAC-SHA-256[32]), unpadded. */
#define SIP_AUTH_NONCE_LEN 70
#define SIP_AUTH_NONCE_ID_LEN 12

/*
 * Make a nonce for realm valid until expiry into out (at least
 * SIP_AUTH_NONCE_LEN + 1 bytes), with a fresh random id. key is the
 * HMAC key (SIP_AUTH_SECRET_MIN..MAX bytes). Returns 0, EINVAL, EIO
 * (random generator or MAC failure).
 */
int sip_auth_nonce_make(const uint8_t *key, size_t key_len,
			const struct sip_pl *realm, uint64_t expiry,
			char *out) __attribute__((warn_unused_result));

/*
 * Check a nonce's form and signature for realm (constant-time compare).
 * On success writes its expiry and id (SIP_AUTH_NONCE_ID_LEN bytes).
 * Does not look at the clock. Returns 0, EBADMSG (garbled, forged, other
 * key or other realm), EINVAL, EIO.
 */
int sip_auth_nonce_check(const uint8_t *key, size_t key_len,
			 const struct sip_pl *realm,
			 const struct sip_pl *nonce, uint64_t *expiry,
			 uint8_t *id)
	__attribute__((warn_unused_result));

/*
 * Replay table: for recently used nonces, the highest nonce-count
 * accepted. Fixed size (set-associative, 8 ways, oldest expiry evicted
 * first, expired entries reused first). A nonce that may have been
 * evicted (not found, expiry not after that of the newest live entry
 * evicted from its set) is reported stale, so eviction never re-opens a
 * replay; it costs the client one retry with a fresh nonce.
 */
struct sip_auth_replay;

/* slots is rounded up to a multiple of 8, at least 8, at most 1 << 20. */
int sip_auth_replay_alloc(struct sip_auth_replay **rp, size_t slots)
	__attribute__((warn_unused_result));
void sip_auth_replay_free(struct sip_auth_replay *r);

/*
 * Record nc for nonce (id, expiry) at time now. Returns 0 (nc is higher
 * than any before: recorded), EALREADY (nc not higher: replay), ESTALE
 * (entry may have been evicted: ask for a new nonce), EINVAL.
 */
int sip_auth_replay_check(struct sip_auth_replay *r, const uint8_t *id,
			  uint64_t expiry, uint32_t nc, uint64_t now)
	__attribute__((warn_unused_result));

/* Entries in use (never above the capacity) and the capacity. */
size_t sip_auth_replay_count(const struct sip_auth_replay *r);
size_t sip_auth_replay_capacity(const struct sip_auth_replay *r);

/* --- Server side. */

/*
 * User lookup: write the user's HA1 for hash (lowercase hex, NUL-ended)
 * into ha1 (SIP_AUTH_HEX_MAX + 1 bytes). user is the unquoted username
 * (NUL-ended as well); with userhash it is H(user:realm) in hex and the
 * callee maps it back. Return 0, ENOENT (unknown user, or no HA1 for this
 * hash), or another errno which sip_auth_verify passes up.
 */
typedef int (sip_auth_ha1_h)(const struct sip_pl *user, bool userhash,
			     enum sip_auth_hash hash, char *ha1, void *arg);

struct sip_auth_conf {
	const char *realm;	/* required, copied */
	const uint8_t *secret;	/* HMAC key, copied; 16..64 bytes */
	size_t secret_len;
	uint32_t nonce_lifetime;	/* seconds; 0 gives 300 */
	size_t replay_slots;	/* 0 gives 4096 */
	unsigned hashes;	/* 1 << SIP_AUTH_SHA256 | ...; 0 gives both */
	sip_auth_ha1_h *ha1h;	/* required */
	void *arg;
};

struct sip_auth;

/*
 * Allocate a server context from conf. Returns 0 (*ap set), EINVAL (no
 * realm or callback, realm over SIP_AUTH_REALM_MAX or holding '"', '\\'
 * or control bytes, secret length, unknown hash bits), ENOMEM.
 */
int sip_auth_alloc(struct sip_auth **ap, const struct sip_auth_conf *conf)
	__attribute__((warn_unused_result));
/* Free (NULL is fine); the secret is wiped. */
void sip_auth_free(struct sip_auth *a);

/*
 * Build the challenge values for a 401/407: one per enabled hash,
 * strongest first (RFC 8760 s2.3), sharing one fresh nonce valid until
 * now + lifetime, with qop="auth,auth-int" and stale=true when asked
 * (after a STALE_NONCE verdict). out holds n values of SIP_AUTH_CHAL_MAX
 * bytes each (NUL-ended); *countp gets how many were written.
 * Returns 0, EINVAL, EOVERFLOW (n too small), EIO.
 */
int sip_auth_challenge_build(struct sip_auth *a, bool stale, uint64_t now,
			     char (*out)[SIP_AUTH_CHAL_MAX], size_t n,
			     size_t *countp)
	__attribute__((warn_unused_result));

enum sip_auth_result {
	SIP_AUTH_OK = 0,
	SIP_AUTH_NO_CREDENTIALS,	/* no value, not Digest, other realm */
	SIP_AUTH_BAD_FORMAT,		/* malformed, limit, unsupported */
	SIP_AUTH_UNKNOWN_USER,
	SIP_AUTH_WRONG_RESPONSE,
	SIP_AUTH_STALE_NONCE,		/* right response, nonce expired */
	SIP_AUTH_BAD_NONCE,		/* forged, garbled, other realm/key */
	SIP_AUTH_REPLAYED_NC,		/* nc not above the last accepted */
};

/* "OK", "NO_CREDENTIALS", ...; "?" for an unknown value. */
const char *sip_auth_result_name(enum sip_auth_result r);

/* The request as the server received it. */
struct sip_auth_req {
	struct sip_pl method;	/* "SUBSCRIBE" */
	struct sip_pl uri;	/* Request-URI from the request line */
	struct sip_pl body;	/* for qop=auth-int; empty when none */
};

struct sip_auth_verdict {
	enum sip_auth_result result;
	const char *reason;	/* static one-line message */
	bool stale;		/* put stale=true in the next challenge */
	bool uri_matches;	/* digest uri == Request-URI, byte-exact */
	enum sip_auth_hash hash;
	char user[SIP_AUTH_USER_MAX + 1];	/* as sent (or its hash) */
	bool userhash;
};

/*
 * Verify one Authorization / Proxy-Authorization value (val may be NULL:
 * NO_CREDENTIALS) against req at time now. Order of checks: format,
 * realm, algorithm enabled, nonce signature (BAD_NONCE), user (lookup),
 * response (WRONG_RESPONSE, constant-time), expiry (STALE_NONCE), nonce
 * count (REPLAYED_NC; a nonce maybe evicted from the table is STALE).
 * Requests without qop are BAD_FORMAT: no replay protection without nc.
 * The digest uri may differ from the Request-URI (RFC 8760 s2.6 item 6);
 * uri_matches tells the caller. With several Authorization values,
 * call once per value until one is not NO_CREDENTIALS. Returns 0 with *v
 * filled, EINVAL, EIO, ENOMEM, or the callback's error (ENOENT excepted,
 * which is UNKNOWN_USER).
 */
int sip_auth_verify(struct sip_auth *a, const char *val, size_t len,
		    const struct sip_auth_req *req, uint64_t now,
		    struct sip_auth_verdict *v)
	__attribute__((warn_unused_result));

/* --- Client side. */

/*
 * Caller-owned client state: sip_auth_client_init once (cannot fail);
 * for each 401/407 received, sip_auth_client_begin then
 * sip_auth_client_challenge for each of its challenge values; then
 * sip_auth_client_authorize for this and later requests (nc counts up
 * while the nonce stays the same, and restarts at 1 with a new one).
 */
struct sip_auth_client {
	struct sip_auth_chal chal;	/* the one chosen */
	bool have;
	char sent_nonce[SIP_AUTH_NONCE_MAX + 1];
	uint32_t nc;			/* last nc sent with sent_nonce */
};

void sip_auth_client_init(struct sip_auth_client *c);
/* Forget the chosen challenge (a new response's challenges follow). */
void sip_auth_client_begin(struct sip_auth_client *c);

/*
 * Offer one challenge value (call once per WWW-/Proxy-Authenticate header,
 * top first). The client keeps the strongest hash offered since
 * begin/init; on a tie the first. Returns 0 (understood), ENOTSUP
 * (ignored: not Digest or not supported), EBADMSG, EOVERFLOW, EINVAL.
 */
int sip_auth_client_challenge(struct sip_auth_client *c, const char *val,
			      size_t len)
	__attribute__((warn_unused_result));

/* What the client proves knowledge of, and test hooks. */
struct sip_auth_login {
	struct sip_pl user;
	struct sip_pl password;
	struct sip_pl cnonce;	/* empty: 16 random bytes as hex */
};

/*
 * Build the Authorization value for req into buf (size bytes, NUL-ended;
 * *lenp gets the length without NUL when lenp is not NULL), with the next
 * nc. qop: auth when offered, else auth-int, else none (RFC 2069).
 * Returns 0, ENOENT (no usable challenge), EINVAL (user/password/uri
 * holding bytes that cannot be sent, or over limits), EOVERFLOW (buf too
 * small), EIO (random generator).
 */
int sip_auth_client_authorize(struct sip_auth_client *c,
			      const struct sip_auth_login *login,
			      const struct sip_auth_req *req, char *buf,
			      size_t size, size_t *lenp)
	__attribute__((warn_unused_result));

#endif
