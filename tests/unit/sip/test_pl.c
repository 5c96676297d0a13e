/*
 * test_pl.c: struct sip_pl helpers (sip/pl.c).
 */
#include <check.h>
#include <errno.h>

#include "sip/sip.h"

START_TEST(test_pl_eq)
{
	struct sip_pl a = SIP_PL("Call-ID"), b = SIP_PL("call-id");
	struct sip_pl e = {NULL, 0};

	ck_assert(sip_pl_eq(&a, &a));
	ck_assert(!sip_pl_eq(&a, &b));
	ck_assert_int_eq(sip_pl_casecmp(&a, &b), 0);
	ck_assert_int_eq(sip_pl_casecmp_str(&a, "CALL-ID"), 0);
	ck_assert_int_lt(sip_pl_casecmp_str(&a, "Call-IDx"), 0);
	ck_assert_int_gt(sip_pl_casecmp_str(&a, "Call"), 0);
	ck_assert(sip_pl_eq_str(&e, ""));
	ck_assert(!sip_pl_isset(&e));
	ck_assert(sip_pl_isset(&a));
	ck_assert(sip_pl_eq_str(&a, "Call-ID"));
	ck_assert_uint_eq(sip_pl_chr(&a, '-'), 4);
	ck_assert_uint_eq(sip_pl_chr(&a, 'z'), a.l);
}
END_TEST

static const struct {
	const char *in;
	int err;
	uint32_t v;
} u32_cases[] = {
	{"0", 0, 0},
	{"70", 0, 70},
	{"4294967295", 0, 4294967295u},
	{"4294967296", EOVERFLOW, 0},
	{"99999999999999999999999", EOVERFLOW, 0},
	{"", EINVAL, 0},
	{"-1", EINVAL, 0},
	{"1 ", EINVAL, 0},
	{"0x10", EINVAL, 0},
};

START_TEST(test_pl_u32)
{
	struct sip_pl pl;
	uint32_t v = 12345;
	int err;

	sip_pl_set_str(&pl, u32_cases[_i].in);
	err = sip_pl_u32(&pl, &v);
	ck_assert_int_eq(err, u32_cases[_i].err);
	if (!err)
		ck_assert_uint_eq(v, u32_cases[_i].v);
	else
		ck_assert_uint_eq(v, 12345);
}
END_TEST

START_TEST(test_pl_trim_copy)
{
	struct sip_pl pl = SIP_PL(" \t abc \r\n");
	char buf[4];

	sip_pl_trim(&pl);
	ck_assert(sip_pl_eq_str(&pl, "abc"));
	ck_assert_int_eq(sip_pl_strcpy(&pl, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "abc");
	ck_assert_int_eq(sip_pl_strcpy(&pl, buf, 3), EOVERFLOW);
	ck_assert_str_eq(buf, "");
}
END_TEST

TCase *tcase_pl(void);
TCase *tcase_pl(void)
{
	TCase *tc = tcase_create("pl");
	tcase_add_test(tc, test_pl_eq);
	tcase_add_loop_test(tc, test_pl_u32, 0,
			    (int)(sizeof(u32_cases) / sizeof(u32_cases[0])));
	tcase_add_test(tc, test_pl_trim_copy);
	return tc;
}
