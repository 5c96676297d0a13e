/*
 * test_subcap.c: subscribe.max_subscriptions (issue 6, finding 2: the
 * notifier's capacity comes from the configuration, no longer the fixed
 * SIP_EVT_SUBS_MAX): the built-in default, range checks, and at the
 * configured cap a new SUBSCRIBE gets 503.
 */
#include <check.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tests/unit/locd/locd_fake.h"

START_TEST(test_subcap_config)
{
	struct locd_config c;
	struct locd_config_err ce;

	locd_config_init(&c);
	ck_assert_uint_eq(c.max_subscriptions, 1000000);
	ck_assert_int_eq(locd_config_set(&c, "subscribe.max_subscriptions",
					 "25", &ce), 0);
	ck_assert_uint_eq(c.max_subscriptions, 25);
	ck_assert_int_ne(locd_config_set(&c, "subscribe.max_subscriptions",
					 "0", &ce), 0);
	ck_assert_int_ne(locd_config_set(&c, "subscribe.max_subscriptions",
					 "100000001", &ce), 0);
	ck_assert_uint_eq(c.max_subscriptions, 25);
	locd_config_reset(&c);
}
END_TEST

START_TEST(test_subcap_503)
{
	struct lf_env e = {0};

	e.sets[0][0] = "subscribe.max_subscriptions";
	e.sets[0][1] = "2";
	e.nsets = 1;
	lf_start(&e, true);
	ck_assert_uint_eq(lf_subscribe(&e, "cap-1", 1, NULL, "location",
				       LF_CTYPE_DRAFT, lf_b10, 600), 200);
	ck_assert_uint_eq(lf_subscribe(&e, "cap-2", 1, NULL, "location",
				       LF_CTYPE_DRAFT, lf_b10, 600), 200);
	ck_assert_uint_eq(lf_subscribe(&e, "cap-3", 1, NULL, "location",
				       LF_CTYPE_DRAFT, lf_b10, 600), 503);
	ck_assert_uint_eq(lf_subscribe(&e, "cap-4", 1, NULL, "location",
				       LF_CTYPE_DRAFT, lf_b10, 600), 503);
	lf_end(&e);
}
END_TEST

TCase *tcase_subcap(void);
TCase *tcase_subcap(void)
{
	TCase *tc = tcase_create("subcap");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_subcap_config);
	tcase_add_test(tc, test_subcap_503);
	return tc;
}
