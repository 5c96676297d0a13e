/*
 * test_auth.c: SIP Digest (sip/auth.c): RFC 2617 / RFC 7616 known
 * answers, header value parsing, server verification with a fake clock,
 * client Authorization values. SEC-6 (Digest implemented, RFC 3261
 * baseline with RFC 8760 algorithms), EV-16 (401 challenges).
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sip/sip_auth.h"

#define PL(s) ((struct sip_pl){(s), strlen(s)})
/* A literal and its length, as two arguments. */
#define CH(s) (s), strlen(s)

/* --- Known answers. */

/* RFC 2617 s3.5: Mufasa / "Circle Of Life", MD5, qop=auth. */
START_TEST(rfc2617_example)
{
	static const char hdr[] =
		"Digest username=\"Mufasa\",\r\n"
		"        realm=\"testrealm@host.com\",\r\n"
		"        nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\",\r\n"
		"        uri=\"/dir/index.html\",\r\n"
		"        qop=auth,\r\n"
		"        nc=00000001,\r\n"
		"        cnonce=\"0a4f113b\",\r\n"
		"        response=\"6629fae49393a05397450978507c4ef1\",\r\n"
		"        opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"";
	struct sip_auth_creds c;
	struct sip_auth_digest_in in;
	char ha1[SIP_AUTH_HEX_MAX + 1], resp[SIP_AUTH_HEX_MAX + 1];
	const char *why = NULL;

	ck_assert_int_eq(sip_auth_creds_parse(hdr, strlen(hdr), &c, &why), 0);
	ck_assert_str_eq(c.username, "Mufasa");
	ck_assert_str_eq(c.realm, "testrealm@host.com");
	ck_assert_str_eq(c.uri, "/dir/index.html");
	ck_assert_str_eq(c.opaque, "5ccc069c403ebaf9f0171e9517f40e41");
	ck_assert_int_eq(c.hash, SIP_AUTH_MD5);	/* algorithm absent */
	ck_assert(!c.sess);
	ck_assert_int_eq(c.qop, SIP_AUTH_QOP_AUTH);
	ck_assert_uint_eq(c.nc_value, 1);
	ck_assert_int_eq(sip_auth_ha1(SIP_AUTH_MD5, &PL(c.username),
				      &PL(c.realm), &PL("Circle Of Life"),
				      ha1), 0);
	in = (struct sip_auth_digest_in){
		.hash = c.hash, .ha1 = PL(ha1), .nonce = PL(c.nonce),
		.cnonce = PL(c.cnonce), .nc = PL(c.nc), .qop = c.qop,
		.method = PL("GET"), .uri = PL(c.uri),
	};
	ck_assert_int_eq(sip_auth_response(&in, resp), 0);
	ck_assert_str_eq(resp, "6629fae49393a05397450978507c4ef1");
	ck_assert_str_eq(resp, c.response);
}
END_TEST

static const char rfc7616_chal_sha256[] =
	"Digest\r\n"
	"    realm=\"http-auth@example.org\",\r\n"
	"    qop=\"auth, auth-int\",\r\n"
	"    algorithm=SHA-256,\r\n"
	"    nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\",\r\n"
	"    opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"";
static const char rfc7616_chal_md5[] =
	"Digest\r\n"
	"    realm=\"http-auth@example.org\",\r\n"
	"    qop=\"auth, auth-int\",\r\n"
	"    algorithm=MD5,\r\n"
	"    nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\",\r\n"
	"    opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"";
#define RFC7616_MD5 "8ca523f5e9506fed4657c9700eebdbec"
#define RFC7616_SHA256 "753927fa0e85d155564e2e272a28d1802ca10daf" \
	"4496794697cf8db5856cb6c1"
#define RFC7616_CNONCE "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ"
#define RFC7616_NONCE "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v"

/* RFC 7616 s3.9.1: the Authorization values parse and verify. */
START_TEST(rfc7616_example_server)
{
	static const char *const hdr[2] = {
		"Digest username=\"Mufasa\",\r\n"
		"    realm=\"http-auth@example.org\",\r\n"
		"    uri=\"/dir/index.html\",\r\n"
		"    algorithm=MD5,\r\n"
		"    nonce=\"" RFC7616_NONCE "\",\r\n"
		"    nc=00000001,\r\n"
		"    cnonce=\"" RFC7616_CNONCE "\",\r\n"
		"    qop=auth,\r\n"
		"    response=\"" RFC7616_MD5 "\",\r\n"
		"    opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"",
		"Digest username=\"Mufasa\",\r\n"
		"    realm=\"http-auth@example.org\",\r\n"
		"    uri=\"/dir/index.html\",\r\n"
		"    algorithm=SHA-256,\r\n"
		"    nonce=\"" RFC7616_NONCE "\",\r\n"
		"    nc=00000001,\r\n"
		"    cnonce=\"" RFC7616_CNONCE "\",\r\n"
		"    qop=auth,\r\n"
		"    response=\"" RFC7616_SHA256 "\",\r\n"
		"    opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"",
	};
	static const char *const want[2] = {RFC7616_MD5, RFC7616_SHA256};
	static const enum sip_auth_hash hash[2] = {SIP_AUTH_MD5,
						   SIP_AUTH_SHA256};
	int i;

	for (i = 0; i < 2; i++) {
		struct sip_auth_creds c;
		struct sip_auth_digest_in in;
		char ha1[SIP_AUTH_HEX_MAX + 1], resp[SIP_AUTH_HEX_MAX + 1];

		ck_assert_int_eq(sip_auth_creds_parse(hdr[i], strlen(hdr[i]),
						      &c, NULL), 0);
		ck_assert_int_eq(c.hash, hash[i]);
		ck_assert_str_eq(c.response, want[i]);
		ck_assert_int_eq(sip_auth_ha1(c.hash, &PL("Mufasa"),
					      &PL("http-auth@example.org"),
					      &PL("Circle of Life"), ha1), 0);
		ck_assert_uint_eq(strlen(ha1), sip_auth_hash_hexlen(hash[i]));
		in = (struct sip_auth_digest_in){
			.hash = c.hash, .ha1 = PL(ha1), .nonce = PL(c.nonce),
			.cnonce = PL(c.cnonce), .nc = PL(c.nc), .qop = c.qop,
			.method = PL("GET"), .uri = PL(c.uri),
		};
		ck_assert_int_eq(sip_auth_response(&in, resp), 0);
		ck_assert_str_eq(resp, want[i]);
	}
}
END_TEST

/*
 * RFC 7616 s3.9.1 from the client side; RFC 8760 s2.3-2.4: with both
 * challenges the client picks SHA-256, with MD5 alone MD5; the opaque is
 * echoed.
 */
START_TEST(rfc7616_example_client)
{
	struct sip_auth_client cl;
	struct sip_auth_login login = {
		PL("Mufasa"), PL("Circle of Life"), PL(RFC7616_CNONCE)
	};
	struct sip_auth_req req = {PL("GET"), PL("/dir/index.html"), {0}};
	struct sip_auth_creds c;
	char buf[1024];
	size_t len = 0;

	sip_auth_client_init(&cl);
	/* MD5 first: the client still takes the stronger SHA-256 */
	ck_assert_int_eq(sip_auth_client_challenge(&cl, rfc7616_chal_md5,
				strlen(rfc7616_chal_md5)), 0);
	ck_assert_int_eq(sip_auth_client_challenge(&cl, rfc7616_chal_sha256,
				strlen(rfc7616_chal_sha256)), 0);
	ck_assert_int_eq(sip_auth_client_authorize(&cl, &login, &req, buf,
						   sizeof(buf), &len), 0);
	ck_assert_uint_eq(len, strlen(buf));
	ck_assert_str_eq(buf,
		"Digest username=\"Mufasa\", realm=\"http-auth@example.org\", "
		"nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", "
		"uri=\"/dir/index.html\", response=\"" RFC7616_SHA256 "\", "
		"algorithm=SHA-256, cnonce=\"" RFC7616_CNONCE "\", qop=auth, "
		"nc=00000001, "
		"opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"");

	/* offered again (begin: a new 401), same nonce: nc goes on */
	sip_auth_client_begin(&cl);
	ck_assert_int_eq(sip_auth_client_challenge(&cl, rfc7616_chal_sha256,
				strlen(rfc7616_chal_sha256)), 0);
	ck_assert_int_eq(sip_auth_client_authorize(&cl, &login, &req, buf,
						   sizeof(buf), NULL), 0);
	ck_assert_ptr_nonnull(strstr(buf, ", nc=00000002, "));

	sip_auth_client_init(&cl);
	ck_assert_int_eq(sip_auth_client_challenge(&cl, rfc7616_chal_md5,
				strlen(rfc7616_chal_md5)), 0);
	ck_assert_int_eq(sip_auth_client_authorize(&cl, &login, &req, buf,
						   sizeof(buf), NULL), 0);
	ck_assert_int_eq(sip_auth_creds_parse(buf, strlen(buf), &c, NULL), 0);
	ck_assert_str_eq(c.response, RFC7616_MD5);
	ck_assert_int_eq(c.hash, SIP_AUTH_MD5);
	ck_assert_str_eq(c.nc, "00000001");
}
END_TEST

/* RFC 2617 s3.5 from the client side: no algorithm means MD5. */
START_TEST(rfc2617_example_client)
{
	static const char chal[] =
		"Digest realm=\"testrealm@host.com\", "
		"qop=\"auth,auth-int\", "
		"nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", "
		"opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"";
	struct sip_auth_client cl;
	struct sip_auth_login login = {
		PL("Mufasa"), PL("Circle Of Life"), PL("0a4f113b")
	};
	struct sip_auth_req req = {PL("GET"), PL("/dir/index.html"), {0}};
	struct sip_auth_creds c;
	char buf[1024];

	sip_auth_client_init(&cl);
	ck_assert_int_eq(sip_auth_client_challenge(&cl, chal, strlen(chal)),
			 0);
	ck_assert_int_eq(sip_auth_client_authorize(&cl, &login, &req, buf,
						   sizeof(buf), NULL), 0);
	ck_assert_int_eq(sip_auth_creds_parse(buf, strlen(buf), &c, NULL), 0);
	ck_assert_str_eq(c.response, "6629fae49393a05397450978507c4ef1");
	ck_assert_str_eq(c.nc, "00000001");
	ck_assert_str_eq(c.opaque, "5ccc069c403ebaf9f0171e9517f40e41");
}
END_TEST

/* --- Server fixture: a users table behind the HA1 callback. */

struct user {
	const char *name;
	const char *password;
};

struct users {
	const char *realm;
	const struct user *u;
	size_t n;
	int fail;		/* errno to return instead, 0: none */
	unsigned calls;
	bool last_userhash;
};

static const struct user test_users[] = {
	{"alice", "wonderland"},
	{"bob", "builder"},
	{"q\"uote", "back\\slash"},
};

/* Tests compute HA1 on the fly; a real store keeps only the HA1s. */
static int users_ha1(const struct sip_pl *user, bool userhash,
		     enum sip_auth_hash hash, char *ha1, void *arg)
{
	struct users *us = arg;
	size_t i;

	us->calls++;
	us->last_userhash = userhash;
	if (us->fail)
		return us->fail;
	for (i = 0; i < us->n; i++) {
		char name[SIP_AUTH_HEX_MAX + 1];
		struct sip_pl np = PL(us->u[i].name);
		if (userhash) {
			if (sip_auth_userhash(hash, &np, &PL(us->realm),
					      name))
				return EIO;
			np = PL(name);
		}
		if (np.l == user->l && memcmp(np.p, user->p, np.l) == 0)
			return sip_auth_ha1(hash, &PL(us->u[i].name),
					    &PL(us->realm),
					    &PL(us->u[i].password), ha1);
	}
	return ENOENT;
}

#define REALM "locd.example"
#define T0 1800000000u
#define LIFETIME 300

static const uint8_t secret[32] = "0123456789abcdef0123456789abcdef";

static struct sip_auth *server_new(struct users *us, unsigned hashes,
				   size_t slots)
{
	struct sip_auth_conf conf = {
		.realm = REALM, .secret = secret,
		.secret_len = sizeof(secret), .nonce_lifetime = LIFETIME,
		.replay_slots = slots, .hashes = hashes, .ha1h = users_ha1,
		.arg = us,
	};
	struct sip_auth *a = NULL;

	*us = (struct users){REALM, test_users,
			     sizeof(test_users) / sizeof(test_users[0]), 0, 0,
			     false};
	ck_assert_int_eq(sip_auth_alloc(&a, &conf), 0);
	ck_assert_ptr_nonnull(a);
	return a;
}

static const struct sip_auth_req sub_req = {
	{"SUBSCRIBE", 9}, {"sip:bob@locd.example", 20}, {NULL, 0}
};

/* Challenge at time t, then a client Authorization into buf. */
static void challenge_answer(struct sip_auth *a, struct sip_auth_client *cl,
			     const char *user, const char *pw, uint64_t t,
			     char *buf, size_t size)
{
	char chal[4][SIP_AUTH_CHAL_MAX];
	struct sip_auth_login login = {PL(user), PL(pw), {NULL, 0}};
	size_t n = 0, i;

	ck_assert_int_eq(sip_auth_challenge_build(a, false, t, chal, 4, &n),
			 0);
	sip_auth_client_begin(cl);
	for (i = 0; i < n; i++)
		ck_assert_int_eq(sip_auth_client_challenge(cl, chal[i],
					strlen(chal[i])), 0);
	ck_assert_int_eq(sip_auth_client_authorize(cl, &login, &sub_req, buf,
						   size, NULL), 0);
}

static enum sip_auth_result verify_at(struct sip_auth *a, const char *hdr,
				      const struct sip_auth_req *req,
				      uint64_t t, struct sip_auth_verdict *v)
{
	ck_assert_int_eq(sip_auth_verify(a, hdr, hdr ? strlen(hdr) : 0, req,
					 t, v), 0);
	ck_assert_ptr_nonnull(v->reason);
	return v->result;
}

/* SEC-6, EV-16, RFC 8760 s2.3: SHA-256 challenge first, then MD5. */
START_TEST(challenge_values)
{
	struct users us;
	struct sip_auth *a = server_new(&us, 0, 0);
	char chal[2][SIP_AUTH_CHAL_MAX], one[1][SIP_AUTH_CHAL_MAX];
	struct sip_auth_chal c0, c1;
	size_t n = 0;

	ck_assert_int_eq(sip_auth_challenge_build(a, false, T0, chal, 2, &n),
			 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(strncmp(chal[0], "Digest realm=\"" REALM "\", "
				 "nonce=\"", 29), 0);
	ck_assert_ptr_nonnull(strstr(chal[0], ", algorithm=SHA-256, "
				     "qop=\"auth,auth-int\""));
	ck_assert_ptr_nonnull(strstr(chal[1], ", algorithm=MD5, "));
	ck_assert_ptr_null(strstr(chal[0], "stale"));
	ck_assert_int_eq(sip_auth_chal_parse(chal[0], strlen(chal[0]), &c0,
					     NULL), 0);
	ck_assert_int_eq(sip_auth_chal_parse(chal[1], strlen(chal[1]), &c1,
					     NULL), 0);
	ck_assert_int_eq(c0.hash, SIP_AUTH_SHA256);
	ck_assert_int_eq(c1.hash, SIP_AUTH_MD5);
	ck_assert_str_eq(c0.realm, REALM);
	ck_assert_uint_eq(c0.nonce_len, SIP_AUTH_NONCE_LEN);
	ck_assert_str_eq(c0.nonce, c1.nonce);	/* one nonce per response */
	ck_assert_uint_eq(c0.qop_mask, 1u << SIP_AUTH_QOP_AUTH |
			  1u << SIP_AUTH_QOP_AUTH_INT);
	ck_assert(!c0.stale);
	ck_assert_int_eq(sip_auth_challenge_build(a, false, UINT64_MAX, chal,
						  2, &n), EINVAL);
	/* too little room */
	ck_assert_int_eq(sip_auth_challenge_build(a, false, T0, one, 1, &n),
			 EOVERFLOW);
	/* stale=true after a stale verdict */
	ck_assert_int_eq(sip_auth_challenge_build(a, true, T0, chal, 2, &n),
			 0);
	ck_assert_ptr_nonnull(strstr(chal[0], ", stale=true"));
	ck_assert_int_eq(sip_auth_chal_parse(chal[1], strlen(chal[1]), &c1,
					     NULL), 0);
	ck_assert(c1.stale);
	sip_auth_free(a);

	/* SHA-256 only */
	a = server_new(&us, 1u << SIP_AUTH_SHA256, 0);
	ck_assert_int_eq(sip_auth_challenge_build(a, false, T0, chal, 2, &n),
			 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_ptr_nonnull(strstr(chal[0], "algorithm=SHA-256"));
	sip_auth_free(a);
}
END_TEST

/* SEC-6: challenge -> client response -> verify OK, both algorithms. */
START_TEST(round_trip)
{
	struct users us;
	struct sip_auth *a = server_new(&us, 0, 0);
	struct sip_auth_client cl;
	struct sip_auth_verdict v;
	char hdr[1024];

	sip_auth_client_init(&cl);
	challenge_answer(a, &cl, "alice", "wonderland", T0, hdr, sizeof(hdr));
	ck_assert_ptr_nonnull(strstr(hdr, "algorithm=SHA-256"));
	ck_assert_int_eq(verify_at(a, hdr, &sub_req, T0 + 1, &v),
			 SIP_AUTH_OK);
	ck_assert_str_eq(v.user, "alice");
	ck_assert_int_eq(v.hash, SIP_AUTH_SHA256);
	ck_assert(v.uri_matches);
	ck_assert(!v.stale);
	ck_assert(!v.userhash);
	ck_assert_uint_eq(us.calls, 1);
	sip_auth_free(a);

	/* MD5-only server; a user whose name and password need escapes */
	a = server_new(&us, 1u << SIP_AUTH_MD5, 0);
	sip_auth_client_init(&cl);
	challenge_answer(a, &cl, "q\"uote", "back\\slash", T0, hdr,
			 sizeof(hdr));
	ck_assert_ptr_nonnull(strstr(hdr, "username=\"q\\\"uote\""));
	ck_assert_ptr_nonnull(strstr(hdr, "algorithm=MD5"));
	ck_assert_int_eq(verify_at(a, hdr, &sub_req, T0, &v), SIP_AUTH_OK);
	ck_assert_str_eq(v.user, "q\"uote");
	ck_assert_int_eq(v.hash, SIP_AUTH_MD5);
	sip_auth_free(a);
}
END_TEST

/* SEC-6: wrong password, unknown user, lookup failure. */
START_TEST(wrong_credentials)
{
	struct users us;
	struct sip_auth *a = server_new(&us, 0, 0);
	struct sip_auth_client cl;
	struct sip_auth_verdict v;
	char hdr[1024];

	sip_auth_client_init(&cl);
	challenge_answer(a, &cl, "alice", "Wonderland", T0, hdr, sizeof(hdr));
	ck_assert_int_eq(verify_at(a, hdr, &sub_req, T0, &v),
			 SIP_AUTH_WRONG_RESPONSE);
	ck_assert_str_eq(v.user, "alice");
	/* a wrong response never counts as use of the nonce */
	ck_assert(!v.stale);

	challenge_answer(a, &cl, "mallory", "x", T0, hdr, sizeof(hdr));
	ck_assert_int_eq(verify_at(a, hdr, &sub_req, T0, &v),
			 SIP_AUTH_UNKNOWN_USER);

	/* right password, other method or uri in the request: wrong */
	challenge_answer(a, &cl, "bob", "builder", T0, hdr, sizeof(hdr));
	{
		struct sip_auth_req r2 = sub_req;
		r2.method = PL("PUBLISH");
		ck_assert_int_eq(verify_at(a, hdr, &r2, T0, &v),
				 SIP_AUTH_WRONG_RESPONSE);
		r2 = sub_req;
		r2.uri = PL("sip:carol@locd.example");
		/* the digest uri is what is hashed; the caller learns the
		   mismatch (RFC 8760 s2.6 item 6) */
		ck_assert_int_eq(verify_at(a, hdr, &r2, T0, &v), SIP_AUTH_OK);
		ck_assert(!v.uri_matches);
	}

	/* lookup errors other than ENOENT are the caller's */
	challenge_answer(a, &cl, "bob", "builder", T0, hdr, sizeof(hdr));
	us.fail = EIO;
	ck_assert_int_eq(sip_auth_verify(a, hdr, strlen(hdr), &sub_req, T0,
					 &v), EIO);
	sip_auth_free(a);
}
END_TEST

/* SEC-6, RFC 7616 s3.3: expired nonce with a right response: stale. */
START_TEST(stale_nonce)
{
	struct users us;
	struct sip_auth *a = server_new(&us, 0, 0);
	struct sip_auth_client cl;
	struct sip_auth_verdict v;
	char hdr[1024], bad[1024], chal[2][SIP_AUTH_CHAL_MAX];
	struct sip_auth_chal c;
	size_t n;

	sip_auth_client_init(&cl);
	challenge_answer(a, &cl, "alice", "wonderland", T0, hdr, sizeof(hdr));
	ck_assert_int_eq(verify_at(a, hdr, &sub_req, T0 + LIFETIME - 1, &v),
			 SIP_AUTH_OK);
	ck_assert_int_eq(sip_auth_client_authorize(&cl, &(struct
			 sip_auth_login){PL("alice"), PL("wonderland"),
			 {NULL, 0}}, &sub_req, hdr, sizeof(hdr), NULL), 0);
	ck_assert_int_eq(verify_at(a, hdr, &sub_req, T0 + LIFETIME, &v),
			 SIP_AUTH_STALE_NONCE);
	ck_assert(v.stale);
	/* wrong password on an expired nonce is wrong, not stale */
	challenge_answer(a, &cl, "alice", "nope", T0, bad, sizeof(bad));
	ck_assert_int_eq(verify_at(a, bad, &sub_req, T0 + 10 * LIFETIME, &v),
			 SIP_AUTH_WRONG_RESPONSE);
	ck_assert(!v.stale);
	/* the next challenge carries stale=true and the client retries */
	ck_assert_int_eq(sip_auth_challenge_build(a, true, T0 + LIFETIME,
						  chal, 2, &n), 0);
	ck_assert_int_eq(sip_auth_chal_parse(chal[0], strlen(chal[0]), &c,
					     NULL), 0);
	ck_assert(c.stale);
	sip_auth_client_begin(&cl);
	ck_assert_int_eq(sip_auth_client_challenge(&cl, chal[0],
						   strlen(chal[0])), 0);
	ck_assert_int_eq(sip_auth_client_authorize(&cl, &(struct
			 sip_auth_login){PL("alice"), PL("wonderland"),
			 {NULL, 0}}, &sub_req, hdr, sizeof(hdr), NULL), 0);
	ck_assert_ptr_nonnull(strstr(hdr, "nc=00000001"));
	ck_assert_int_eq(verify_at(a, hdr, &sub_req, T0 + LIFETIME + 1, &v),
			 SIP_AUTH_OK);
	sip_auth_free(a);
}
END_TEST

/* Replace the nonce value in hdr (in place) by nonce. */
static void set_nonce(char *hdr, const char *nonce)
{
	char *p = strstr(hdr, "nonce=\"");

	ck_assert_ptr_nonnull(p);
	p += 7;
	ck_assert_uint_eq(strcspn(p, "\""), strlen(nonce));
	memcpy(p, nonce, strlen(nonce));
}

/* SEC-6: a forged or altered nonce, or one of another realm: BAD_NONCE. */
START_TEST(bad_nonce)
{
	struct users us;
	struct sip_auth *a = server_new(&us, 0, 0);
	struct sip_auth_client cl;
	struct sip_auth_verdict v;
	char hdr[1024], nonce[SIP_AUTH_NONCE_LEN + 1], *p;
	char chal[256];
	struct sip_auth_login login = {PL("alice"), PL("wonderland"),
				       {NULL, 0}};

	sip_auth_client_init(&cl);
	challenge_answer(a, &cl, "alice", "wonderland", T0, hdr, sizeof(hdr));
	p = strstr(hdr, "nonce=\"") + 7;
	p[20] = p[20] == 'x' ? 'y' : 'x';
	ck_assert_int_eq(verify_at(a, hdr, &sub_req, T0, &v),
			 SIP_AUTH_BAD_NONCE);
	ck_assert_uint_eq(us.calls, 0);		/* no lookup for forgeries */

	/* a nonce the client made up, with a right response for it */
	sip_auth_client_begin(&cl);
	snprintf(chal, sizeof(chal), "Digest realm=\"%s\", nonce=\"%s\", "
		 "qop=\"auth\", algorithm=SHA-256", REALM, "made-up-nonce");
	ck_assert_int_eq(sip_auth_client_challenge(&cl, chal, strlen(chal)),
			 0);
	ck_assert_int_eq(sip_auth_client_authorize(&cl, &login, &sub_req,
						   hdr, sizeof(hdr), NULL), 0);
	ck_assert_int_eq(verify_at(a, hdr, &sub_req, T0, &v),
			 SIP_AUTH_BAD_NONCE);

	/* a well-signed nonce (same secret) issued for another realm */
	ck_assert_int_eq(sip_auth_nonce_make(secret, sizeof(secret),
					     &PL("other.example"),
					     T0 + LIFETIME, nonce), 0);
	sip_auth_client_begin(&cl);
	snprintf(chal, sizeof(chal), "Digest realm=\"%s\", nonce=\"%s\", "
		 "qop=\"auth\", algorithm=SHA-256", REALM, nonce);
	ck_assert_int_eq(sip_auth_client_challenge(&cl, chal, strlen(chal)),
			 0);
	ck_assert_int_eq(sip_auth_client_authorize(&cl, &login, &sub_req,
						   hdr, sizeof(hdr), NULL), 0);
	ck_assert_int_eq(verify_at(a, hdr, &sub_req, T0, &v),
			 SIP_AUTH_BAD_NONCE);
	/* ... whereas one for our realm is accepted */
	ck_assert_int_eq(sip_auth_nonce_make(secret, sizeof(secret),
					     &PL(REALM), T0 + LIFETIME,
					     nonce), 0);
	sip_auth_client_begin(&cl);
	snprintf(chal, sizeof(chal), "Digest realm=\"%s\", nonce=\"%s\", "
		 "qop=\"auth\", algorithm=SHA-256", REALM, nonce);
	ck_assert_int_eq(sip_auth_client_challenge(&cl, chal, strlen(chal)),
			 0);
	ck_assert_int_eq(sip_auth_client_authorize(&cl, &login, &sub_req,
						   hdr, sizeof(hdr), NULL), 0);
	ck_assert_int_eq(verify_at(a, hdr, &sub_req, T0, &v), SIP_AUTH_OK);
	/* and the same header with another nonce of ours: response wrong */
	ck_assert_int_eq(sip_auth_nonce_make(secret, sizeof(secret),
					     &PL(REALM), T0 + LIFETIME,
					     nonce), 0);
	set_nonce(hdr, nonce);
	ck_assert_int_eq(verify_at(a, hdr, &sub_req, T0, &v),
			 SIP_AUTH_WRONG_RESPONSE);
	sip_auth_free(a);
}
END_TEST

/* SEC-6: nc must increase; a replayed request is refused. */
START_TEST(replayed_nc)
{
	struct users us;
	struct sip_auth *a = server_new(&us, 0, 0);
	struct sip_auth_client cl;
	struct sip_auth_verdict v;
	struct sip_auth_login login = {PL("alice"), PL("wonderland"),
				       {NULL, 0}};
	char h1[1024], h2[1024], h3[1024];
	int i;

	sip_auth_client_init(&cl);
	challenge_answer(a, &cl, "alice", "wonderland", T0, h1, sizeof(h1));
	ck_assert_int_eq(verify_at(a, h1, &sub_req, T0, &v), SIP_AUTH_OK);
	ck_assert_int_eq(verify_at(a, h1, &sub_req, T0, &v),
			 SIP_AUTH_REPLAYED_NC);
	ck_assert(!v.stale);
	ck_assert_int_eq(sip_auth_client_authorize(&cl, &login, &sub_req, h2,
						   sizeof(h2), NULL), 0);
	ck_assert_int_eq(sip_auth_client_authorize(&cl, &login, &sub_req, h3,
						   sizeof(h3), NULL), 0);
	ck_assert_ptr_nonnull(strstr(h2, "nc=00000002"));
	ck_assert_ptr_nonnull(strstr(h3, "nc=00000003"));
	/* nc 3 first, then 2 arrives late: refused */
	ck_assert_int_eq(verify_at(a, h3, &sub_req, T0, &v), SIP_AUTH_OK);
	ck_assert_int_eq(verify_at(a, h2, &sub_req, T0, &v),
			 SIP_AUTH_REPLAYED_NC);
	/* increasing nc keeps working */
	for (i = 4; i < 20; i++) {
		ck_assert_int_eq(sip_auth_client_authorize(&cl, &login,
				&sub_req, h1, sizeof(h1), NULL), 0);
		ck_assert_int_eq(verify_at(a, h1, &sub_req, T0 + 1, &v),
				 SIP_AUTH_OK);
	}
	ck_assert_int_eq(verify_at(a, h1, &sub_req, T0 + 1, &v),
			 SIP_AUTH_REPLAYED_NC);
	sip_auth_free(a);
}
END_TEST

/* SEC-6, SEC-19: many nonces against a small table: bounded, no replay. */
START_TEST(replay_table_bound)
{
	struct users us;
	struct sip_auth *a = server_new(&us, 1u << SIP_AUTH_MD5, 16);
	struct sip_auth_client cl, first;
	struct sip_auth_verdict v;
	struct sip_auth_login login = {PL("bob"), PL("builder"), {NULL, 0}};
	char hdr[1024];
	int i;

	sip_auth_client_init(&cl);
	challenge_answer(a, &cl, "bob", "builder", T0, hdr, sizeof(hdr));
	ck_assert_int_eq(verify_at(a, hdr, &sub_req, T0, &v), SIP_AUTH_OK);
	first = cl;
	for (i = 1; i <= 2000; i++) {
		challenge_answer(a, &cl, "bob", "builder", T0 + i, hdr,
				 sizeof(hdr));
		ck_assert_int_eq(verify_at(a, hdr, &sub_req, T0 + i, &v),
				 SIP_AUTH_OK);
	}
	/* the first nonce, still within its lifetime, was pushed out:
	   stale (new nonce), never accepted */
	ck_assert_int_eq(sip_auth_client_authorize(&first, &login, &sub_req,
						   hdr, sizeof(hdr), NULL), 0);
	ck_assert_int_eq(verify_at(a, hdr, &sub_req, T0 + 100, &v),
			 SIP_AUTH_STALE_NONCE);
	ck_assert(v.stale);
	sip_auth_free(a);
}
END_TEST

/* qop=auth-int covers the body; -sess variants; userhash. */
START_TEST(variants)
{
	struct users us;
	struct sip_auth *a = server_new(&us, 0, 0);
	struct sip_auth_client cl;
	struct sip_auth_verdict v;
	struct sip_auth_login login = {PL("alice"), PL("wonderland"),
				       {NULL, 0}};
	struct sip_auth_req req = sub_req;
	char chal[2][SIP_AUTH_CHAL_MAX], c2[2 * SIP_AUTH_CHAL_MAX];
	char hdr[1024], *q;
	size_t n;

	req.body = PL("<filter/>");
	ck_assert_int_eq(sip_auth_challenge_build(a, false, T0, chal, 2, &n),
			 0);
	/* auth-int only */
	q = strstr(chal[0], "qop=\"auth,auth-int\"");
	ck_assert_ptr_nonnull(q);
	snprintf(c2, sizeof(c2), "%.*sqop=\"auth-int\"", (int)(q - chal[0]),
		 chal[0]);
	sip_auth_client_init(&cl);
	ck_assert_int_eq(sip_auth_client_challenge(&cl, c2, strlen(c2)), 0);
	ck_assert_int_eq(sip_auth_client_authorize(&cl, &login, &req, hdr,
						   sizeof(hdr), NULL), 0);
	ck_assert_ptr_nonnull(strstr(hdr, "qop=auth-int"));
	ck_assert_int_eq(verify_at(a, hdr, &req, T0, &v), SIP_AUTH_OK);
	ck_assert_int_eq(sip_auth_client_authorize(&cl, &login, &req, hdr,
						   sizeof(hdr), NULL), 0);
	req.body = PL("<filter>x</filter>");
	ck_assert_int_eq(verify_at(a, hdr, &req, T0, &v),
			 SIP_AUTH_WRONG_RESPONSE);
	req.body = PL("");
	ck_assert_int_eq(sip_auth_client_authorize(&cl, &login, &req, hdr,
						   sizeof(hdr), NULL), 0);
	ck_assert_int_eq(verify_at(a, hdr, &req, T0, &v), SIP_AUTH_OK);

	/* SHA-256-sess */
	snprintf(c2, sizeof(c2), "%s", chal[0]);
	q = strstr(c2, "algorithm=SHA-256");
	ck_assert_ptr_nonnull(q);
	memcpy(q, "algorithm=SHA-256-sess,", 23);
	snprintf(q + 23, sizeof(c2) - (size_t)(q + 23 - c2),
		 " qop=\"auth\"");
	sip_auth_client_begin(&cl);
	ck_assert_int_eq(sip_auth_client_challenge(&cl, c2, strlen(c2)), 0);
	ck_assert_int_eq(sip_auth_client_authorize(&cl, &login, &sub_req,
						   hdr, sizeof(hdr), NULL), 0);
	ck_assert_ptr_nonnull(strstr(hdr, "algorithm=SHA-256-sess"));
	ck_assert_int_eq(verify_at(a, hdr, &sub_req, T0, &v), SIP_AUTH_OK);
	ck_assert_int_eq(v.hash, SIP_AUTH_SHA256);

	/* userhash=true: the username travels hashed */
	snprintf(c2, sizeof(c2), "%s, userhash=true", chal[0]);
	sip_auth_client_begin(&cl);
	ck_assert_int_eq(sip_auth_client_challenge(&cl, c2, strlen(c2)), 0);
	ck_assert_int_eq(sip_auth_client_authorize(&cl, &login, &sub_req,
						   hdr, sizeof(hdr), NULL), 0);
	ck_assert_ptr_null(strstr(hdr, "alice"));
	ck_assert_ptr_nonnull(strstr(hdr, "userhash=true"));
	ck_assert_int_eq(verify_at(a, hdr, &sub_req, T0, &v), SIP_AUTH_OK);
	ck_assert(v.userhash);
	ck_assert(us.last_userhash);
	ck_assert_uint_eq(strlen(v.user), 64);
	sip_auth_free(a);
}
END_TEST

/* Build a header of n params "pK=K" after "Digest ". */
static char *many_params(size_t n)
{
	size_t size = 16 + n * 16, len, i;
	char *s = malloc(size);

	ck_assert_ptr_nonnull(s);
	len = (size_t)snprintf(s, size, "Digest ");
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(s + len, size - len, "%sp%zu=%zu",
					i ? "," : "", i, i);
	return s;
}

#define QA ", qop=auth, cnonce=\"c\", "
#define GOOD_TAIL "realm=\"r\", nonce=\"n\", uri=\"sip:x\", " \
	"response=\"0123456789abcdef0123456789abcdef\""

/* Malformed values: one specific error each, never a crash. */
START_TEST(malformed_creds)
{
	static const struct {
		const char *in;
		int err;
		const char *reason;
	} cases[] = {
		{"Digest " GOOD_TAIL ", username=\"alice", EBADMSG,
		 "unterminated quoted string"},
		/* the quote closes at realm's: junk follows */
		{"Digest username=\"alice, " GOOD_TAIL, EBADMSG,
		 "expected ',' between auth-params"},
		{"Digest username=\"alice\\", EBADMSG,
		 "unterminated quoted string"},
		{"Digest username, " GOOD_TAIL, EBADMSG,
		 "auth-param without '='"},
		{"Digest username=, " GOOD_TAIL, EBADMSG,
		 "auth-param without value"},
		{"Digest =alice, " GOOD_TAIL, EBADMSG, "bad auth-param name"},
		{"Digest username=\"a\" " GOOD_TAIL, EBADMSG,
		 "expected ',' between auth-params"},
		{"Digest username=\"a\", USERNAME=\"b\", " GOOD_TAIL, EBADMSG,
		 "duplicate auth-param"},
		{"Digest username=\"a\x01\", " GOOD_TAIL, EBADMSG,
		 "control character in quoted string"},
		{"Digest username=\"a\"\r\nX: y, " GOOD_TAIL, EBADMSG,
		 "expected ',' between auth-params"},
		{"Digest,username=\"a\", " GOOD_TAIL, EBADMSG,
		 "auth scheme not followed by a space"},
		{"", EBADMSG, "missing auth scheme"},
		{"  ", EBADMSG, "missing auth scheme"},
		{"Digest", EBADMSG, "credentials miss username, realm, nonce, "
		 "uri or response"},
		{"Digest realm=\"r\", nonce=\"n\", uri=\"u\", response=\"0\"",
		 EBADMSG, "credentials miss username, realm, nonce, uri or "
		 "response"},
		{"Digest username=\"a\", " GOOD_TAIL ", qop=auth", EBADMSG,
		 "qop without cnonce or nc"},
		{"Digest username=\"a\", " GOOD_TAIL QA
		 "nc=0000001", EBADMSG, "nc is not 8 hex digits"},
		{"Digest username=\"a\", " GOOD_TAIL QA
		 "nc=0000000g", EBADMSG, "nc is not 8 hex digits"},
		{"Digest username=\"a\", " GOOD_TAIL QA
		 "nc=000000001", EOVERFLOW, "nc is not 8 hex digits"},
		{"Digest username=\"a\", " GOOD_TAIL QA
		 "nc=00000000", EBADMSG, "nc is zero"},
		{"Digest username=\"a\", " GOOD_TAIL ", nc=00000001", EBADMSG,
		 "nc without qop"},
		{"Digest username=\"a\", " GOOD_TAIL ", qop=auth-conf",
		 EBADMSG, "unsupported qop"},
		{"Digest username=\"a\", " GOOD_TAIL ", algorithm=SHA-512-256",
		 EBADMSG, "unsupported algorithm"},
		{"Digest username=\"a\", " GOOD_TAIL ", algorithm=SHA-256",
		 EBADMSG, "response of the wrong length"},
		{"Digest username=\"a\", " GOOD_TAIL ", userhash=maybe",
		 EBADMSG, "bad userhash value"},
		{"Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"u\", "
		 "response=\"0123456789abcdef0123456789abcdeg\"", EBADMSG,
		 "response is not hex"},
		{"Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==", ENOTSUP,
		 "auth scheme is not Digest"},
		{"Basic realm=\"x\"", ENOTSUP, "auth scheme is not Digest"},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sip_auth_creds c;
		const char *why = NULL;
		int err = sip_auth_creds_parse(cases[i].in,
					       strlen(cases[i].in), &c, &why);
		ck_assert_msg(err == cases[i].err, "case %zu: %d", i, err);
		ck_assert_ptr_nonnull(why);
		ck_assert_msg(strcmp(why, cases[i].reason) == 0,
			      "case %zu: %s", i, why);
	}
}
END_TEST

/* Limits: huge values, many params, long fields, NUL bytes. */
START_TEST(malformed_limits)
{
	struct users us;
	struct sip_auth *a = server_new(&us, 0, 0);
	struct sip_auth_verdict v;
	struct sip_auth_creds c;
	const char *why = NULL;
	char *s, nul[] = "Digest username=\"a\0b\", " GOOD_TAIL;
	size_t len;

	/* 1000 params (over the byte limit too), one over the count */
	s = many_params(1000);
	ck_assert_int_eq(sip_auth_creds_parse(s, strlen(s), &c, &why),
			 EOVERFLOW);
	ck_assert_str_eq(why, "auth header value too long");
	ck_assert_int_eq(verify_at(a, s, &sub_req, T0, &v),
			 SIP_AUTH_BAD_FORMAT);
	free(s);
	s = many_params(SIP_AUTH_PARAMS_MAX + 1);
	ck_assert_uint_lt(strlen(s), SIP_AUTH_VALUE_MAX);
	ck_assert_int_eq(sip_auth_creds_parse(s, strlen(s), &c, &why),
			 EOVERFLOW);
	ck_assert_str_eq(why, "too many auth-params");
	ck_assert_int_eq(verify_at(a, s, &sub_req, T0, &v),
			 SIP_AUTH_BAD_FORMAT);
	ck_assert_str_eq(v.reason, "too many auth-params");
	free(s);
	s = many_params(SIP_AUTH_PARAMS_MAX);	/* at the limit: parses */
	ck_assert_int_eq(sip_auth_creds_parse(s, strlen(s), &c, &why),
			 EBADMSG);
	ck_assert_str_eq(why, "credentials miss username, realm, nonce, "
			 "uri or response");
	free(s);

	/* a 100 kB value */
	len = 100000;
	s = malloc(len + 1);
	ck_assert_ptr_nonnull(s);
	memset(s, 'a', len);
	memcpy(s, "Digest username=\"", 17);
	s[len - 1] = '"';
	s[len] = '\0';
	ck_assert_int_eq(sip_auth_creds_parse(s, len, &c, &why), EOVERFLOW);
	ck_assert_str_eq(why, "auth header value too long");
	ck_assert_int_eq(verify_at(a, s, &sub_req, T0, &v),
			 SIP_AUTH_BAD_FORMAT);
	/* a username over SIP_AUTH_USER_MAX inside the value limit */
	len = 17 + SIP_AUTH_USER_MAX + 1;
	s[len] = '"';
	s[len + 1] = '\0';
	ck_assert_int_eq(sip_auth_creds_parse(s, len + 1, &c, &why),
			 EOVERFLOW);
	ck_assert_str_eq(why, "username too long");
	/* exactly SIP_AUTH_USER_MAX bytes is fine */
	memcpy(s + 17 + SIP_AUTH_USER_MAX, "\", " GOOD_TAIL,
	       sizeof("\", " GOOD_TAIL));
	ck_assert_int_eq(sip_auth_creds_parse(s, strlen(s), &c, &why), 0);
	ck_assert_uint_eq(c.username_len, SIP_AUTH_USER_MAX);
	free(s);

	/* an embedded NUL is a control byte */
	ck_assert_int_eq(sip_auth_creds_parse(nul, sizeof(nul) - 1, &c, &why),
			 EBADMSG);
	ck_assert_str_eq(why, "control character in quoted string");
	sip_auth_free(a);
}
END_TEST

/* What a valid value may look like: escapes, case, folding, empties. */
START_TEST(creds_lenient_forms)
{
	static const char in[] =
		"dIgEsT  ,USERNAME=\"a\\\"b\\\\c\" ,, Realm = r ,\r\n\t"
		"NONCE=\"n\",uri=\"sip:x\",\n response=\"0123456789ABCDEF"
		"0123456789abcdef\", qop=\"auth\", nc=0000000A, "
		"cnonce=\"\\c\", algorithm=md5-SESS, userhash=FALSE, "
		"future=\"ignored\",";
	struct sip_auth_creds c;

	ck_assert_int_eq(sip_auth_creds_parse(in, strlen(in), &c, NULL), 0);
	ck_assert_str_eq(c.username, "a\"b\\c");
	ck_assert_uint_eq(c.username_len, 5);
	ck_assert_str_eq(c.realm, "r");
	ck_assert_str_eq(c.nonce, "n");
	ck_assert_str_eq(c.uri, "sip:x");
	ck_assert_str_eq(c.response, "0123456789abcdef0123456789abcdef");
	ck_assert_int_eq(c.qop, SIP_AUTH_QOP_AUTH);
	ck_assert_uint_eq(c.nc_value, 10);
	ck_assert_str_eq(c.cnonce, "c");
	ck_assert_int_eq(c.hash, SIP_AUTH_MD5);
	ck_assert(c.sess);
	ck_assert(!c.userhash);
}
END_TEST

/* Verdicts for values that are not usable credentials. */
START_TEST(verify_not_usable)
{
	struct users us;
	struct sip_auth *a = server_new(&us, 1u << SIP_AUTH_SHA256, 0);
	struct sip_auth_client cl;
	struct sip_auth_verdict v;
	struct sip_auth_login login = {PL("alice"), PL("wonderland"),
				       {NULL, 0}};
	char hdr[1024], chal[1][SIP_AUTH_CHAL_MAX], c2[SIP_AUTH_CHAL_MAX];
	char *q;
	size_t n;

	ck_assert_int_eq(verify_at(a, NULL, &sub_req, T0, &v),
			 SIP_AUTH_NO_CREDENTIALS);
	ck_assert_int_eq(verify_at(a, "", &sub_req, T0, &v),
			 SIP_AUTH_NO_CREDENTIALS);
	ck_assert_int_eq(verify_at(a, "Basic realm=\"x\"", &sub_req, T0, &v),
			 SIP_AUTH_NO_CREDENTIALS);
	ck_assert_int_eq(verify_at(a, "Digest username=\"a\", " GOOD_TAIL,
				   &sub_req, T0, &v),
			 SIP_AUTH_NO_CREDENTIALS);	/* realm "r" */
	ck_assert_str_eq(v.reason, "credentials for another realm");
	ck_assert_int_eq(verify_at(a, "Digest username=\"a", &sub_req, T0,
				   &v), SIP_AUTH_BAD_FORMAT);
	ck_assert_str_eq(v.reason, "unterminated quoted string");

	ck_assert_int_eq(sip_auth_challenge_build(a, false, T0, chal, 1, &n),
			 0);
	/* MD5 not enabled on this server */
	snprintf(c2, sizeof(c2), "%s", chal[0]);
	q = strstr(c2, "SHA-256");
	ck_assert_ptr_nonnull(q);
	memcpy(q, "MD5,   ", 7);
	sip_auth_client_init(&cl);
	ck_assert_int_eq(sip_auth_client_challenge(&cl, c2, strlen(c2)), 0);
	ck_assert_int_eq(sip_auth_client_authorize(&cl, &login, &sub_req,
						   hdr, sizeof(hdr), NULL), 0);
	ck_assert_int_eq(verify_at(a, hdr, &sub_req, T0, &v),
			 SIP_AUTH_BAD_FORMAT);
	ck_assert_str_eq(v.reason, "algorithm not offered");
	/* no qop (RFC 2069 style): no nc, no replay protection: refused */
	q = strstr(chal[0], ", qop=");
	ck_assert_ptr_nonnull(q);
	*q = '\0';
	sip_auth_client_begin(&cl);
	ck_assert_int_eq(sip_auth_client_challenge(&cl, chal[0],
						   strlen(chal[0])), 0);
	ck_assert_int_eq(sip_auth_client_authorize(&cl, &login, &sub_req,
						   hdr, sizeof(hdr), NULL), 0);
	ck_assert_ptr_null(strstr(hdr, "nc="));
	ck_assert_ptr_null(strstr(hdr, "cnonce="));
	ck_assert_int_eq(verify_at(a, hdr, &sub_req, T0, &v),
			 SIP_AUTH_BAD_FORMAT);
	ck_assert_str_eq(v.reason, "qop missing: replay protection needs nc");
	/* bad arguments */
	ck_assert_int_eq(sip_auth_verify(a, hdr, strlen(hdr), NULL, T0, &v),
			 EINVAL);
	ck_assert_int_eq(sip_auth_verify(NULL, hdr, strlen(hdr), &sub_req,
					 T0, &v), EINVAL);
	sip_auth_free(a);
}
END_TEST

/* Client: what it ignores, refuses and how it reports lack of room. */
START_TEST(client_edges)
{
	struct sip_auth_client cl;
	struct sip_auth_login login = {PL("alice"), PL("pw"), PL("abc")};
	struct sip_auth_req req = sub_req;
	struct sip_auth_chal ch;
	char buf[1024];
	static const char sha[] = "Digest realm=\"r\", nonce=\"n1\", "
		"algorithm=SHA-256, qop=\"auth\"";
	static const char md5[] = "Digest realm=\"r\", nonce=\"n2\", "
		"qop=\"auth\"";

	sip_auth_client_init(&cl);
	ck_assert_int_eq(sip_auth_client_authorize(&cl, &login, &req, buf,
						   sizeof(buf), NULL), ENOENT);
	/* not understood: ignored (RFC 8760 s2.4) */
	ck_assert_int_eq(sip_auth_client_challenge(&cl, CH("Basic "
		"realm=\"r\"")), ENOTSUP);
	ck_assert_int_eq(sip_auth_client_challenge(&cl, CH("Digest "
		"realm=\"r\", nonce=\"n\", algorithm=SHA-512-256")), ENOTSUP);
	ck_assert_int_eq(sip_auth_client_challenge(&cl, CH("Digest "
		"realm=\"r\", nonce=\"n\", qop=\"auth-conf\"")), ENOTSUP);
	ck_assert_int_eq(sip_auth_client_challenge(&cl, CH("Digest "
		"realm=\"r")), EBADMSG);
	ck_assert_int_eq(sip_auth_client_challenge(&cl, CH("Digest "
		"realm=\"r\"")), EBADMSG);
	ck_assert(!cl.have);
	/* SHA-256 first, MD5 second: SHA-256 stays */
	ck_assert_int_eq(sip_auth_client_challenge(&cl, sha, strlen(sha)), 0);
	ck_assert_int_eq(sip_auth_client_challenge(&cl, md5, strlen(md5)), 0);
	ck_assert_str_eq(cl.chal.nonce, "n1");
	/* too small a buffer */
	ck_assert_int_eq(sip_auth_client_authorize(&cl, &login, &req, buf, 40,
						   NULL), EOVERFLOW);
	ck_assert_str_eq(buf, "");
	/* nothing was sent: the next one is still nc 1 */
	ck_assert_int_eq(sip_auth_client_authorize(&cl, &login, &req, buf,
						   sizeof(buf), NULL), 0);
	ck_assert_ptr_nonnull(strstr(buf, "nc=00000001"));
	/* a new nonce restarts nc */
	sip_auth_client_begin(&cl);
	ck_assert_int_eq(sip_auth_client_challenge(&cl, md5, strlen(md5)), 0);
	ck_assert_int_eq(sip_auth_client_authorize(&cl, &login, &req, buf,
						   sizeof(buf), NULL), 0);
	ck_assert_ptr_nonnull(strstr(buf, "nonce=\"n2\""));
	ck_assert_ptr_nonnull(strstr(buf, "nc=00000001"));
	/* random cnonce: 32 hex digits */
	login.cnonce = (struct sip_pl){NULL, 0};
	ck_assert_int_eq(sip_auth_client_authorize(&cl, &login, &req, buf,
						   sizeof(buf), NULL), 0);
	{
		struct sip_auth_creds c;
		ck_assert_int_eq(sip_auth_creds_parse(buf, strlen(buf), &c,
						      NULL), 0);
		ck_assert_uint_eq(c.cnonce_len, 32);
		ck_assert_uint_eq(strspn(c.cnonce, "0123456789abcdef"), 32);
		ck_assert_uint_eq(c.nc_value, 2);
	}
	/* user with a CR, uri with a LF: refused */
	login.user = PL("al\rice");
	ck_assert_int_eq(sip_auth_client_authorize(&cl, &login, &req, buf,
						   sizeof(buf), NULL), EINVAL);
	login.user = PL("alice");
	req.uri = PL("sip:a\n@b");
	ck_assert_int_eq(sip_auth_client_authorize(&cl, &login, &req, buf,
						   sizeof(buf), NULL), EINVAL);
	/* challenge details: stale, opaque, escapes, unknown qop ignored */
	ck_assert_int_eq(sip_auth_chal_parse(CH("Digest realm=\"a\\\"b\", "
		"nonce=\"n\", stale=TRUE, opaque=\"o\", qop=\"x, auth-int\", "
		"domain=\"sip:d\""), &ch, NULL), 0);
	ck_assert_str_eq(ch.realm, "a\"b");
	ck_assert(ch.stale);
	ck_assert(ch.has_opaque);
	ck_assert_uint_eq(ch.qop_mask, 1u << SIP_AUTH_QOP_AUTH_INT);
}
END_TEST

/* Context arguments, names and helpers. */
START_TEST(api_edges)
{
	struct users us;
	struct sip_auth_conf conf = {
		.realm = REALM, .secret = secret, .secret_len = sizeof(secret),
		.ha1h = users_ha1, .arg = &us,
	};
	struct sip_auth *a = NULL;
	struct sip_auth_digest_in in = {0};
	char out[SIP_AUTH_HEX_MAX + 1];

	conf.secret_len = 15;
	ck_assert_int_eq(sip_auth_alloc(&a, &conf), EINVAL);
	conf.secret_len = sizeof(secret);
	conf.realm = "bad\"realm";
	ck_assert_int_eq(sip_auth_alloc(&a, &conf), EINVAL);
	conf.realm = "";
	ck_assert_int_eq(sip_auth_alloc(&a, &conf), EINVAL);
	conf.realm = REALM;
	conf.ha1h = NULL;
	ck_assert_int_eq(sip_auth_alloc(&a, &conf), EINVAL);
	conf.ha1h = users_ha1;
	conf.hashes = 1u << 7;
	ck_assert_int_eq(sip_auth_alloc(&a, &conf), EINVAL);
	ck_assert_ptr_null(a);
	conf.hashes = 0;
	ck_assert_int_eq(sip_auth_alloc(&a, &conf), 0);
	sip_auth_free(a);
	sip_auth_free(NULL);

	ck_assert_str_eq(sip_auth_result_name(SIP_AUTH_OK), "OK");
	ck_assert_str_eq(sip_auth_result_name(SIP_AUTH_NO_CREDENTIALS),
			 "NO_CREDENTIALS");
	ck_assert_str_eq(sip_auth_result_name(SIP_AUTH_BAD_FORMAT),
			 "BAD_FORMAT");
	ck_assert_str_eq(sip_auth_result_name(SIP_AUTH_UNKNOWN_USER),
			 "UNKNOWN_USER");
	ck_assert_str_eq(sip_auth_result_name(SIP_AUTH_WRONG_RESPONSE),
			 "WRONG_RESPONSE");
	ck_assert_str_eq(sip_auth_result_name(SIP_AUTH_STALE_NONCE),
			 "STALE_NONCE");
	ck_assert_str_eq(sip_auth_result_name(SIP_AUTH_BAD_NONCE),
			 "BAD_NONCE");
	ck_assert_str_eq(sip_auth_result_name(SIP_AUTH_REPLAYED_NC),
			 "REPLAYED_NC");
	ck_assert_str_eq(sip_auth_result_name((enum sip_auth_result)99), "?");
	ck_assert_str_eq(sip_auth_hash_name(SIP_AUTH_SHA256), "SHA-256");
	ck_assert_uint_eq(sip_auth_hash_hexlen(SIP_AUTH_MD5), 32);

	/* HA1 helper: RFC 2617 s3.2.2.2 example user */
	ck_assert_int_eq(sip_auth_ha1(SIP_AUTH_MD5, &PL("Mufasa"),
				      &PL("testrealm@host.com"),
				      &PL("Circle Of Life"), out), 0);
	ck_assert_str_eq(out, "939e7578ed9e3c518a452acee763bce9");
	ck_assert_int_eq(sip_auth_ha1((enum sip_auth_hash)5, &PL("a"),
				      &PL("b"), &PL("c"), out), EINVAL);
	/* RFC 8760 s2.6 item 7: SHA-256("") for an empty body */
	in = (struct sip_auth_digest_in){.hash = SIP_AUTH_SHA256};
	ck_assert_int_eq(sip_auth_response(&in, out), EINVAL);	/* no HA1 */
	in.ha1 = PL("ABCDEF0123456789abcdef0123456789"
		    "abcdef0123456789abcdef0123456789");
	ck_assert_int_eq(sip_auth_response(&in, out), EINVAL);	/* case */
	in.ha1 = PL("abcdef0123456789abcdef0123456789");
	ck_assert_int_eq(sip_auth_response(&in, out), EINVAL);	/* length */
}
END_TEST

TCase *tcase_auth(void);
TCase *tcase_auth(void)
{
	TCase *tc = tcase_create("auth");

	tcase_add_test(tc, rfc2617_example);
	tcase_add_test(tc, rfc7616_example_server);
	tcase_add_test(tc, rfc7616_example_client);
	tcase_add_test(tc, rfc2617_example_client);
	tcase_add_test(tc, challenge_values);
	tcase_add_test(tc, round_trip);
	tcase_add_test(tc, wrong_credentials);
	tcase_add_test(tc, stale_nonce);
	tcase_add_test(tc, bad_nonce);
	tcase_add_test(tc, replayed_nc);
	tcase_add_test(tc, replay_table_bound);
	tcase_add_test(tc, variants);
	tcase_add_test(tc, malformed_creds);
	tcase_add_test(tc, malformed_limits);
	tcase_add_test(tc, creds_lenient_forms);
	tcase_add_test(tc, verify_not_usable);
	tcase_add_test(tc, client_edges);
	tcase_add_test(tc, api_edges);
	return tc;
}
