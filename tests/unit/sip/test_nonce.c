/*
 * test_nonce.c: stateless Digest nonces and the nonce-count replay table
 * (sip/nonce.c). SEC-6 (Digest per RFC 3261 / RFC 7616 / RFC 8760).
 */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "sip/sip_auth.h"

static const uint8_t key_a[32] = "0123456789abcdef0123456789abcdef";
static const uint8_t key_b[32] = "fedcba9876543210fedcba9876543210";

/* SEC-6: a nonce made for a realm checks back with its expiry and id. */
START_TEST(nonce_round_trip)
{
	struct sip_pl realm = SIP_PL("locd.example");
	char n1[SIP_AUTH_NONCE_LEN + 1], n2[SIP_AUTH_NONCE_LEN + 1];
	uint8_t id1[SIP_AUTH_NONCE_ID_LEN], id2[SIP_AUTH_NONCE_ID_LEN];
	uint64_t e1 = 0, e2 = 0;
	struct sip_pl p;
	size_t i;

	ck_assert_int_eq(sip_auth_nonce_make(key_a, sizeof(key_a), &realm,
					     1700000300u, n1), 0);
	ck_assert_uint_eq(strlen(n1), SIP_AUTH_NONCE_LEN);
	for (i = 0; i < SIP_AUTH_NONCE_LEN; i++)	/* base64url only */
		ck_assert_ptr_nonnull(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZ"
			"abcdefghijklmnopqrstuvwxyz0123456789-_", n1[i]));
	ck_assert_int_eq(sip_auth_nonce_make(key_a, sizeof(key_a), &realm,
					     1700000300u, n2), 0);
	ck_assert_str_ne(n1, n2);	/* fresh random id each time */
	p = (struct sip_pl){n1, strlen(n1)};
	ck_assert_int_eq(sip_auth_nonce_check(key_a, sizeof(key_a), &realm,
					      &p, &e1, id1), 0);
	ck_assert_uint_eq(e1, 1700000300u);
	p = (struct sip_pl){n2, strlen(n2)};
	ck_assert_int_eq(sip_auth_nonce_check(key_a, sizeof(key_a), &realm,
					      &p, &e2, id2), 0);
	ck_assert_uint_eq(e2, 1700000300u);
	ck_assert_int_ne(memcmp(id1, id2, sizeof(id1)), 0);
}
END_TEST

/* SEC-6: every altered character, other realm or key is rejected. */
START_TEST(nonce_tampered)
{
	struct sip_pl realm = SIP_PL("locd.example");
	struct sip_pl other = SIP_PL("other.example");
	char n[SIP_AUTH_NONCE_LEN + 1], t[SIP_AUTH_NONCE_LEN + 2];
	uint8_t id[SIP_AUTH_NONCE_ID_LEN];
	uint64_t e;
	struct sip_pl p;
	size_t i;

	ck_assert_int_eq(sip_auth_nonce_make(key_a, sizeof(key_a), &realm,
					     42, n), 0);
	for (i = 0; i < SIP_AUTH_NONCE_LEN; i++) {
		memcpy(t, n, sizeof(n));
		t[i] = t[i] == 'A' ? 'B' : 'A';
		p = (struct sip_pl){t, SIP_AUTH_NONCE_LEN};
		ck_assert_int_eq(sip_auth_nonce_check(key_a, sizeof(key_a),
						      &realm, &p, &e, id),
				 EBADMSG);
	}
	p = (struct sip_pl){n, SIP_AUTH_NONCE_LEN};
	ck_assert_int_eq(sip_auth_nonce_check(key_a, sizeof(key_a), &other,
					      &p, &e, id), EBADMSG);
	ck_assert_int_eq(sip_auth_nonce_check(key_b, sizeof(key_b), &realm,
					      &p, &e, id), EBADMSG);
	/* truncated, extended, empty, not base64url */
	p = (struct sip_pl){n, SIP_AUTH_NONCE_LEN - 1};
	ck_assert_int_eq(sip_auth_nonce_check(key_a, sizeof(key_a), &realm,
					      &p, &e, id), EBADMSG);
	memcpy(t, n, sizeof(n));
	t[SIP_AUTH_NONCE_LEN] = 'A';
	p = (struct sip_pl){t, SIP_AUTH_NONCE_LEN + 1};
	ck_assert_int_eq(sip_auth_nonce_check(key_a, sizeof(key_a), &realm,
					      &p, &e, id), EBADMSG);
	p = (struct sip_pl){"", 0};
	ck_assert_int_eq(sip_auth_nonce_check(key_a, sizeof(key_a), &realm,
					      &p, &e, id), EBADMSG);
	memcpy(t, n, sizeof(n));
	t[10] = '+';
	p = (struct sip_pl){t, SIP_AUTH_NONCE_LEN};
	ck_assert_int_eq(sip_auth_nonce_check(key_a, sizeof(key_a), &realm,
					      &p, &e, id), EBADMSG);
	/* bad arguments: short key */
	p = (struct sip_pl){n, SIP_AUTH_NONCE_LEN};
	ck_assert_int_eq(sip_auth_nonce_check(key_a, 8, &realm, &p, &e, id),
			 EINVAL);
	ck_assert_int_eq(sip_auth_nonce_make(key_a, 8, &realm, 42, n),
			 EINVAL);
	ck_assert_int_eq(sip_auth_nonce_make(key_a, sizeof(key_a), NULL, 42,
					     n), EINVAL);
}
END_TEST

static void mk_id(uint8_t *id, uint32_t k)
{
	memset(id, 0, SIP_AUTH_NONCE_ID_LEN);
	id[0] = (uint8_t)k;
	id[1] = (uint8_t)(k >> 8);
	id[2] = (uint8_t)(k >> 16);
	id[11] = 0x5a;
}

/* SEC-6: nc must increase per nonce; equal or lower is a replay. */
START_TEST(replay_nc_increases)
{
	struct sip_auth_replay *r = NULL;
	uint8_t a[SIP_AUTH_NONCE_ID_LEN], b[SIP_AUTH_NONCE_ID_LEN];

	ck_assert_int_eq(sip_auth_replay_alloc(&r, 64), 0);
	ck_assert_uint_eq(sip_auth_replay_capacity(r), 64);
	mk_id(a, 1);
	mk_id(b, 2);
	ck_assert_int_eq(sip_auth_replay_check(r, a, 500, 1, 100), 0);
	ck_assert_int_eq(sip_auth_replay_check(r, a, 500, 1, 100), EALREADY);
	ck_assert_int_eq(sip_auth_replay_check(r, a, 500, 2, 100), 0);
	ck_assert_int_eq(sip_auth_replay_check(r, a, 500, 5, 100), 0);
	ck_assert_int_eq(sip_auth_replay_check(r, a, 500, 4, 100), EALREADY);
	ck_assert_int_eq(sip_auth_replay_check(r, a, 500, 5, 100), EALREADY);
	/* another nonce has its own count */
	ck_assert_int_eq(sip_auth_replay_check(r, b, 500, 1, 100), 0);
	/* same id, other expiry: another nonce */
	ck_assert_int_eq(sip_auth_replay_check(r, a, 501, 1, 100), 0);
	ck_assert_uint_eq(sip_auth_replay_count(r), 3);
	ck_assert_int_eq(sip_auth_replay_check(r, a, 500, 0, 100), EINVAL);
	sip_auth_replay_free(r);
	sip_auth_replay_free(NULL);
}
END_TEST

/*
 * SEC-6, SEC-19: the table never grows past its capacity; a nonce pushed
 * out while still live is reported stale (ESTALE), never accepted again
 * at an old nc.
 */
START_TEST(replay_bounded)
{
	struct sip_auth_replay *r = NULL;
	uint8_t id[SIP_AUTH_NONCE_ID_LEN];
	uint32_t k, ok = 0, stale = 0;

	ck_assert_int_eq(sip_auth_replay_alloc(&r, 13), 0);
	ck_assert_uint_eq(sip_auth_replay_capacity(r), 16);
	/* 10,000 nonces issued one second apart, all live (lifetime 1e6) */
	for (k = 0; k < 10000; k++) {
		mk_id(id, k);
		ck_assert_int_eq(sip_auth_replay_check(r, id, 1000000 + k, 1,
						       k), 0);
		ck_assert_uint_le(sip_auth_replay_count(r), 16);
	}
	ck_assert_uint_eq(sip_auth_replay_count(r), 16);
	/* an early one was evicted: its reuse is stale, not accepted */
	mk_id(id, 0);
	ck_assert_int_eq(sip_auth_replay_check(r, id, 1000000, 2, 10000),
			 ESTALE);
	/* the newest is still tracked */
	mk_id(id, 9999);
	ck_assert_int_eq(sip_auth_replay_check(r, id, 1000000 + 9999, 1,
					       10000), EALREADY);
	ck_assert_int_eq(sip_auth_replay_check(r, id, 1000000 + 9999, 2,
					       10000), 0);
	/* many nonces with one expiry: each is fresh or stale, never OK
	   twice, and the count holds */
	for (k = 20000; k < 21000; k++) {
		int err;
		mk_id(id, k);
		err = sip_auth_replay_check(r, id, 2000000, 1, 10000);
		ck_assert(err == 0 || err == ESTALE);
		if (err == 0) {
			ok++;
			ck_assert_int_eq(sip_auth_replay_check(r, id, 2000000,
							       1, 10000),
					 EALREADY);
		} else {
			stale++;
		}
	}
	ck_assert_uint_gt(ok, 0);
	ck_assert_uint_gt(stale, 0);
	ck_assert_uint_eq(sip_auth_replay_count(r), 16);
	sip_auth_replay_free(r);
}
END_TEST

/* Expired entries are reused before live ones, without stale fallout. */
START_TEST(replay_expired_reused)
{
	struct sip_auth_replay *r = NULL;
	uint8_t id[SIP_AUTH_NONCE_ID_LEN];
	uint32_t k;

	ck_assert_int_eq(sip_auth_replay_alloc(&r, 8), 0);
	for (k = 0; k < 8; k++) {
		mk_id(id, k);
		ck_assert_int_eq(sip_auth_replay_check(r, id, 100, 1, 50), 0);
	}
	/* at t=200 all 8 have expired: new nonces take their slots and
	   nonces expiring at 300 (or before) stay accepted */
	for (k = 100; k < 108; k++) {
		mk_id(id, k);
		ck_assert_int_eq(sip_auth_replay_check(r, id, 300, 1, 200), 0);
	}
	ck_assert_uint_eq(sip_auth_replay_count(r), 8);
	mk_id(id, 200);
	ck_assert_int_eq(sip_auth_replay_check(r, id, 250, 1, 200), 0);
	/* that one evicted a live entry (expiry 300): horizon now 300 */
	mk_id(id, 201);
	ck_assert_int_eq(sip_auth_replay_check(r, id, 300, 1, 200), ESTALE);
	mk_id(id, 202);
	ck_assert_int_eq(sip_auth_replay_check(r, id, 301, 1, 200), 0);
	sip_auth_replay_free(r);
}
END_TEST

TCase *tcase_nonce(void);
TCase *tcase_nonce(void)
{
	TCase *tc = tcase_create("nonce");

	tcase_add_test(tc, nonce_round_trip);
	tcase_add_test(tc, nonce_tampered);
	tcase_add_test(tc, replay_nc_increases);
	tcase_add_test(tc, replay_bounded);
	tcase_add_test(tc, replay_expired_reused);
	return tc;
}
