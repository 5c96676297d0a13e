/*
 * test_users.c: locd/users.c, the Digest users file (SEC-6).
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "locd/users.h"

/* The demo file parses, and its HA1s are sip_auth_ha1() of the passwords
 * documented in data/demo/README.md (user "-demo"). */
START_TEST(test_users_demo_file)
{
	static const char *const names[] = {"alice", "bob", "carol"};
	struct locd_users *u = NULL;
	unsigned line = 99;
	const char *reason = "x";
	size_t i;
	int h;

	ck_assert_int_eq(locd_users_load(&u, "data/demo/users", "localhost",
					 &line, &reason),
			 0);
	ck_assert_uint_eq(line, 0);
	ck_assert_ptr_null(reason);
	ck_assert_uint_eq(locd_users_count(u), 6);
	for (i = 0; i < 3; i++) {
		for (h = 0; h < SIP_AUTH_HASH_COUNT; h++) {
			char pw[32], want[SIP_AUTH_HEX_MAX + 1];
			char got[SIP_AUTH_HEX_MAX + 1];
			struct sip_pl upl, rpl = SIP_PL("localhost"), ppl;
			snprintf(pw, sizeof(pw), "%s-demo", names[i]);
			sip_pl_set_str(&upl, names[i]);
			sip_pl_set_str(&ppl, pw);
			ck_assert_int_eq(sip_auth_ha1((enum sip_auth_hash)h,
						      &upl, &rpl, &ppl, want),
					 0);
			ck_assert_int_eq(locd_users_lookup(
						 u, names[i], "localhost",
						 (enum sip_auth_hash)h, got),
					 0);
			ck_assert_str_eq(got, want);
			ck_assert_int_eq(
				locd_users_ha1_h(&upl, false,
						 (enum sip_auth_hash)h, got,
						 u),
				0);
			ck_assert_str_eq(got, want);
		}
	}
	locd_users_free(u);
}
END_TEST

/* Lookup by name and by userhash (RFC 7616 s3.4.4), realm binding,
 * comments, CRLF, upper-case hex stored lowercase. */
START_TEST(test_users_lookup)
{
	const char *text =
		"# comment\r\n"
		"\r\n"
		"  dave:example.org:md5:0123456789ABCDEF0123456789abcdef\r\n"
		"dave:other:MD5:ffffffffffffffffffffffffffffffff\n"
		"   # indented comment\n"
		"erin:example.org:SHA-256:"
		"00112233445566778899aabbccddeeff"
		"00112233445566778899aabbccddeeff";
	struct locd_users *u = NULL;
	char ha1[SIP_AUTH_HEX_MAX + 1], uh[SIP_AUTH_HEX_MAX + 1];
	struct sip_pl dave = SIP_PL("dave"), realm = SIP_PL("example.org");
	struct sip_pl nobody = SIP_PL("nobody"), uhpl;
	size_t i;

	ck_assert_int_eq(locd_users_parse(&u, text, strlen(text),
					  "example.org", NULL, NULL),
			 0);
	ck_assert_uint_eq(locd_users_count(u), 3);
	ck_assert_int_eq(locd_users_ha1_h(&dave, false, SIP_AUTH_MD5, ha1, u),
			 0);
	ck_assert_str_eq(ha1, "0123456789abcdef0123456789abcdef");
	/* dave has no SHA-256 entry */
	ck_assert_int_eq(locd_users_ha1_h(&dave, false, SIP_AUTH_SHA256, ha1,
					  u),
			 ENOENT);
	ck_assert_int_eq(locd_users_ha1_h(&nobody, false, SIP_AUTH_MD5, ha1,
					  u),
			 ENOENT);
	/* the other realm is reachable by lookup, not by the callback */
	ck_assert_int_eq(locd_users_lookup(u, "dave", "other", SIP_AUTH_MD5,
					   ha1),
			 0);
	ck_assert_str_eq(ha1, "ffffffffffffffffffffffffffffffff");
	/* userhash, sent in upper case */
	ck_assert_int_eq(sip_auth_userhash(SIP_AUTH_MD5, &dave, &realm, uh),
			 0);
	for (i = 0; uh[i]; i++)
		if (uh[i] >= 'a' && uh[i] <= 'f')
			uh[i] = (char)(uh[i] - 'a' + 'A');
	sip_pl_set_str(&uhpl, uh);
	ck_assert_int_eq(locd_users_ha1_h(&uhpl, true, SIP_AUTH_MD5, ha1, u),
			 0);
	ck_assert_str_eq(ha1, "0123456789abcdef0123456789abcdef");
	/* the plain name is not a userhash */
	ck_assert_int_eq(locd_users_ha1_h(&dave, true, SIP_AUTH_MD5, ha1, u),
			 ENOENT);
	ck_assert_int_eq(locd_users_ha1_h(&dave, false, SIP_AUTH_MD5, ha1,
					  NULL),
			 EINVAL);
	locd_users_free(u);
	locd_users_free(NULL);
}
END_TEST

/* Every malformed line: its error code, its line number, its message. */
static const struct {
	const char *text;
	int err;
	unsigned line;
	const char *reason;
} bad[] = {
	{"#\nalice:localhost:MD5\n", EBADMSG, 2,
	 "expected user:realm:algorithm:HA1"},
	{"a:b:MD5:0123456789abcdef0123456789abcdef:x\n", EBADMSG, 1,
	 "more than four ':'-separated fields"},
	{"alice:localhost:SHA1:0123456789abcdef0123456789abcdef\n", EBADMSG,
	 1, "algorithm is not MD5 or SHA-256"},
	/* a plaintext password where the HA1 belongs */
	{"\n\nalice:localhost:MD5:secret\n", EBADMSG, 3,
	 "HA1 is not 32 hex digits (MD5)"},
	{"alice:localhost:MD5:0123456789abcdef0123456789abcdeg\n", EBADMSG, 1,
	 "HA1 is not 32 hex digits (MD5)"},
	{"alice:localhost:SHA-256:0123456789abcdef0123456789abcdef\n",
	 EBADMSG, 1, "HA1 is not 64 hex digits (SHA-256)"},
	{":localhost:MD5:0123456789abcdef0123456789abcdef\n", EBADMSG, 1,
	 "bad user name"},
	{"al\"ice:localhost:MD5:0123456789abcdef0123456789abcdef\n", EBADMSG,
	 1, "bad user name"},
	{"alice::MD5:0123456789abcdef0123456789abcdef\n", EBADMSG, 1,
	 "bad realm"},
	{"alice:localhost:MD5:0123456789abcdef0123456789abcdef\n"
	 "alice:localhost:md5:ffffffffffffffffffffffffffffffff\n",
	 EEXIST, 2, "duplicate user, realm and algorithm"},
};

START_TEST(test_users_errors)
{
	struct locd_users *u = NULL;
	unsigned line = 0;
	const char *reason = NULL;
	int err;

	err = locd_users_parse(&u, bad[_i].text, strlen(bad[_i].text),
			       "localhost", &line, &reason);
	ck_assert_msg(err == bad[_i].err, "case %d: err %d", _i, err);
	ck_assert_uint_eq(line, bad[_i].line);
	ck_assert_str_eq(reason, bad[_i].reason);
	ck_assert_ptr_null(u);
}
END_TEST

/* Limits: line length, user length, file size; arguments; missing file. */
START_TEST(test_users_limits)
{
	static char text[LOCD_USERS_LINE_MAX + 64];
	struct locd_users *u = NULL;
	unsigned line = 0;
	const char *reason = NULL;
	size_t n;

	memset(text, 'a', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	ck_assert_int_eq(locd_users_parse(&u, text, strlen(text), "r", &line,
					  &reason),
			 EOVERFLOW);
	ck_assert_str_eq(reason, "line too long");
	ck_assert_uint_eq(line, 1);
	n = SIP_AUTH_USER_MAX + 1;
	memcpy(text + n, ":r:MD5:0123456789abcdef0123456789abcdef", 40);
	ck_assert_int_eq(locd_users_parse(&u, text, strlen(text), "r", &line,
					  &reason),
			 EOVERFLOW);
	ck_assert_str_eq(reason, "user name too long");
	ck_assert_int_eq(locd_users_parse(&u, text, LOCD_USERS_FILE_MAX + 1,
					  "r", &line, &reason),
			 EOVERFLOW);
	ck_assert_uint_eq(line, 0);
	ck_assert_int_eq(locd_users_parse(&u, "", 0, NULL, NULL, NULL),
			 EINVAL);
	ck_assert_int_eq(locd_users_parse(NULL, "", 0, "r", NULL, NULL),
			 EINVAL);
	ck_assert_int_eq(locd_users_parse(&u, "", 0, "r", NULL, NULL), 0);
	ck_assert_uint_eq(locd_users_count(u), 0);
	locd_users_free(u);
	u = NULL;
	ck_assert_int_eq(locd_users_load(&u, "data/demo/no-such-file", "r",
					 &line, &reason),
			 ENOENT);
	ck_assert_str_eq(reason, "cannot open the users file");
	ck_assert_ptr_null(u);
}
END_TEST

/* End to end with sip_auth (SEC-6): a client that knows the documented
 * demo password passes Digest verification through locd_users_ha1_h; a
 * wrong password and an unknown user do not. */
static enum sip_auth_result digest_try(struct locd_users *u,
				       unsigned hashes, const char *user,
				       const char *pw)
{
	static const uint8_t secret[32] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
	const struct sip_auth_req req = {SIP_PL("SUBSCRIBE"),
					 SIP_PL("sip:alice@localhost"),
					 {NULL, 0}};
	struct sip_auth_conf conf = {.realm = "localhost",
				     .secret = secret,
				     .secret_len = sizeof(secret),
				     .hashes = hashes,
				     .ha1h = locd_users_ha1_h,
				     .arg = u};
	char chal[2][SIP_AUTH_CHAL_MAX], buf[2048];
	struct sip_auth_login login;
	struct sip_auth_client cl;
	struct sip_auth_verdict v;
	struct sip_auth *a = NULL;
	size_t n = 0, i;

	ck_assert_int_eq(sip_auth_alloc(&a, &conf), 0);
	ck_assert_int_eq(sip_auth_challenge_build(a, false, 1000, chal, 2,
						  &n),
			 0);
	sip_auth_client_init(&cl);
	for (i = 0; i < n; i++)
		ck_assert_int_eq(sip_auth_client_challenge(&cl, chal[i],
							   strlen(chal[i])),
				 0);
	memset(&login, 0, sizeof(login));
	sip_pl_set_str(&login.user, user);
	sip_pl_set_str(&login.password, pw);
	ck_assert_int_eq(sip_auth_client_authorize(&cl, &login, &req, buf,
						   sizeof(buf), NULL),
			 0);
	ck_assert_int_eq(sip_auth_verify(a, buf, strlen(buf), &req, 1001,
					 &v),
			 0);
	sip_auth_free(a);
	return v.result;
}

START_TEST(test_users_digest)
{
	struct locd_users *u = NULL;
	unsigned sha = 1u << SIP_AUTH_SHA256, md5 = 1u << SIP_AUTH_MD5;

	ck_assert_int_eq(locd_users_load(&u, "data/demo/users", "localhost",
					 NULL, NULL),
			 0);
	ck_assert_int_eq(digest_try(u, sha, "alice", "alice-demo"),
			 SIP_AUTH_OK);
	ck_assert_int_eq(digest_try(u, md5, "carol", "carol-demo"),
			 SIP_AUTH_OK);
	ck_assert_int_eq(digest_try(u, sha, "bob", "alice-demo"),
			 SIP_AUTH_WRONG_RESPONSE);
	ck_assert_int_eq(digest_try(u, sha, "mallory", "x"),
			 SIP_AUTH_UNKNOWN_USER);
	locd_users_free(u);
}
END_TEST

TCase *tcase_users(void);
TCase *tcase_users(void)
{
	TCase *tc = tcase_create("users");
	tcase_add_test(tc, test_users_demo_file);
	tcase_add_test(tc, test_users_lookup);
	tcase_add_loop_test(tc, test_users_errors, 0,
			    (int)(sizeof(bad) / sizeof(bad[0])));
	tcase_add_test(tc, test_users_limits);
	tcase_add_test(tc, test_users_digest);
	return tc;
}
