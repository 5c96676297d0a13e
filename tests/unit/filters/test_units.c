/*
 * test_units.c: numbers, booleans and units of filters/units.c
 * (LOCATION.md 1.4 numbers, 3.3 units, PL-6 lexical forms).
 */
#include <check.h>
#include <errno.h>
#include <math.h>

#include "filters/lf_int.h"

/* 1.4: xs:double, finite, >= 0; PL-6: leading/trailing zeros. */
START_TEST(test_num_valid)
{
	static const struct {
		const char *in;
		double want;
	} t[] = {
		{"20", 20.0},        {" 20 ", 20.0},     {"\n 3.5\t", 3.5},
		{"03.07500", 3.075}, {"0", 0.0},         {"-0", 0.0},
		{"1e3", 1000.0},     {"2.5E-1", 0.25},   {".5", 0.5},
		{"5.", 5.0},         {"+7", 7.0},
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		double v = -1;

		ck_assert_msg(lf_num_parse(t[i].in, &v) == 0, "%s", t[i].in);
		ck_assert_double_eq_tol(v, t[i].want, 1e-12);
		ck_assert(!signbit(v));
	}
}
END_TEST

/* 1.4: negative, NaN, INF, hex, empty, junk -> EBADMSG. */
START_TEST(test_num_invalid)
{
	static const char *const bad[] = {
		"-1",  "-0.001", "NaN",  "nan", "INF",   "-INF", "inf",
		"0x10", "",      " ",    "1e",  "e5",    "1.2.3", "12m",
		"1e999", "1 2",  ".",    "--1", "1e+",
	};
	size_t i;
	double v = 42;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(lf_num_parse(bad[i], &v) == EBADMSG, "%s",
			      bad[i]);
	ck_assert_double_eq(v, 42);
	ck_assert_int_eq(lf_num_parse(NULL, &v), EINVAL);
}
END_TEST

/* RFC 4661 `by`: xs:decimal, no exponent, sign allowed. */
START_TEST(test_decimal)
{
	double v = 0;

	ck_assert_int_eq(lf_decimal_parse("3", &v), 0);
	ck_assert_double_eq(v, 3);
	ck_assert_int_eq(lf_decimal_parse(" -12.25 ", &v), 0);
	ck_assert_double_eq(v, -12.25);
	ck_assert_int_eq(lf_decimal_parse("1e3", &v), EBADMSG);
	ck_assert_int_eq(lf_decimal_parse("FR", &v), EBADMSG);
}
END_TEST

/* 3.3: distance units, defaults to metres, unknown -> ENOTSUP. */
START_TEST(test_uom_distance)
{
	double f = 0;

	ck_assert_int_eq(lf_uom_distance(NULL, &f), 0);
	ck_assert_double_eq(f, 1);
	ck_assert_int_eq(lf_uom_distance("#meters", &f), 0);
	ck_assert_double_eq(f, 1);
	ck_assert_int_eq(lf_uom_distance("meters", &f), 0);
	ck_assert_int_eq(lf_uom_distance("m", &f), 0);
	ck_assert_int_eq(lf_uom_distance("urn:ogc:def:uom:EPSG::9001", &f),
			 0);
	ck_assert_double_eq(f, 1);
	ck_assert_int_eq(lf_uom_distance("urn:ogc:def:uom:EPSG::9036", &f),
			 0);
	ck_assert_double_eq(f, 1000);
	ck_assert_int_eq(lf_uom_distance("km", &f), 0);
	ck_assert_double_eq(f, 1000);
	ck_assert_int_eq(lf_uom_distance("#feet", &f), ENOTSUP);
	ck_assert_int_eq(lf_uom_distance("#mps", &f), ENOTSUP);
	ck_assert_int_eq(lf_uom_distance("M", &f), ENOTSUP);
	ck_assert_int_eq(lf_uom_distance("", &f), ENOTSUP);
	ck_assert(lf_uom_is_metre(NULL));
	ck_assert(lf_uom_is_metre("#meters"));
	ck_assert(!lf_uom_is_metre("km"));
	ck_assert(!lf_uom_is_metre("furlong"));
}
END_TEST

/* 3.3: speed units, defaults to m/s. */
START_TEST(test_uom_speed)
{
	double f = 0;

	ck_assert_int_eq(lf_uom_speed(NULL, &f), 0);
	ck_assert_double_eq(f, 1);
	ck_assert_int_eq(lf_uom_speed("#mps", &f), 0);
	ck_assert_double_eq(f, 1);
	ck_assert_int_eq(lf_uom_speed("m/s", &f), 0);
	ck_assert_int_eq(lf_uom_speed("urn:ogc:def:uom:EPSG::1026", &f), 0);
	ck_assert_int_eq(lf_uom_speed("km/h", &f), 0);
	ck_assert_double_eq_tol(f, 1 / 3.6, 1e-15);
	ck_assert_int_eq(lf_uom_speed("#meters", &f), ENOTSUP);
	ck_assert_int_eq(lf_uom_speed("knots", &f), ENOTSUP);
}
END_TEST

START_TEST(test_bool)
{
	bool b = false;

	ck_assert_int_eq(lf_bool_parse(" true ", &b), 0);
	ck_assert(b);
	ck_assert_int_eq(lf_bool_parse("0", &b), 0);
	ck_assert(!b);
	ck_assert_int_eq(lf_bool_parse("yes", &b), EBADMSG);
	ck_assert_int_eq(lf_bool_parse("TRUE", &b), EBADMSG);
}
END_TEST

TCase *tcase_filters_units(void);
TCase *tcase_filters_units(void)
{
	TCase *tc = tcase_create("units");

	tcase_add_test(tc, test_num_valid);
	tcase_add_test(tc, test_num_invalid);
	tcase_add_test(tc, test_decimal);
	tcase_add_test(tc, test_uom_distance);
	tcase_add_test(tc, test_uom_speed);
	tcase_add_test(tc, test_bool);
	return tc;
}
