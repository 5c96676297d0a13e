/*
 * test_metrics.c: locd/metrics.c registry and Prometheus exposition.
 */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "locd/metrics.h"

/* Exact exposition text of a small registry: HELP/TYPE once per family,
 * escaped label values and HELP, cumulative buckets, _sum, _count. */
START_TEST(test_metrics_exact_text)
{
	struct locd_metrics *m = NULL;
	struct locd_metric *c1, *c2, *g, *h;
	const char *const l1[] = {"reason", "nan", NULL};
	const char *const l2[] = {"reason", "a\"b\\c\nd", NULL};
	const double b[] = {0.001, 0.01, 0.1};
	struct locd_metric_desc d;
	char buf[2048];
	size_t len = 0;
	const char *want =
		"# HELP t_refused_total Refused \\\\ updates.\\nSecond.\n"
		"# TYPE t_refused_total counter\n"
		"t_refused_total{reason=\"nan\"} 3\n"
		"t_refused_total{reason=\"a\\\"b\\\\c\\nd\"} 0\n"
		"# HELP t_active Active things.\n"
		"# TYPE t_active gauge\n"
		"t_active -2.5\n"
		"# HELP t_eval_seconds Latency.\n"
		"# TYPE t_eval_seconds histogram\n"
		"t_eval_seconds_bucket{le=\"0.001\"} 1\n"
		"t_eval_seconds_bucket{le=\"0.01\"} 3\n"
		"t_eval_seconds_bucket{le=\"0.1\"} 3\n"
		"t_eval_seconds_bucket{le=\"+Inf\"} 4\n"
		"t_eval_seconds_sum 2.011962890625\n"
		"t_eval_seconds_count 4\n";

	ck_assert_int_eq(locd_metrics_alloc(&m), 0);
	d = (struct locd_metric_desc){LOCD_METRIC_COUNTER, "t_refused_total",
				      "Refused \\ updates.\nSecond.", l1,
				      NULL, 0};
	ck_assert_int_eq(locd_metrics_add(m, &d, &c1), 0);
	d = (struct locd_metric_desc){LOCD_METRIC_GAUGE, "t_active",
				      "Active things.", NULL, NULL, 0};
	ck_assert_int_eq(locd_metrics_add(m, &d, &g), 0);
	d = (struct locd_metric_desc){LOCD_METRIC_COUNTER, "t_refused_total",
				      "Refused \\ updates.\nSecond.", l2,
				      NULL, 0};
	ck_assert_int_eq(locd_metrics_add(m, &d, &c2), 0);
	d = (struct locd_metric_desc){LOCD_METRIC_HISTOGRAM,
				      "t_eval_seconds", "Latency.", NULL, b,
				      3};
	ck_assert_int_eq(locd_metrics_add(m, &d, &h), 0);

	locd_metric_inc(c1);
	locd_metric_add(c1, 2);
	locd_metric_set(g, 1.5);
	locd_metric_gauge_add(g, -4);
	/* binary fractions, so the sum is exact */
	locd_metric_observe(h, 0.000244140625);	/* <= 0.001 */
	locd_metric_observe(h, 0.0078125);	/* <= 0.01 */
	locd_metric_observe(h, 0.00390625);	/* <= 0.01 */
	locd_metric_observe(h, 2.0);		/* +Inf only */
	locd_metric_observe(h, 0.0 / 0.0);	/* NaN: ignored */
	/* wrong-type calls are ignored */
	locd_metric_inc(g);
	locd_metric_set(c1, 99);
	locd_metric_observe(c1, 1);
	locd_metric_inc(NULL);

	ck_assert_int_eq(locd_metrics_print(m, buf, sizeof(buf), &len), 0);
	ck_assert_str_eq(buf, want);
	ck_assert_uint_eq(len, strlen(want));
	ck_assert(locd_metric_value(c1) == 3);
	ck_assert(locd_metric_value(g) == -2.5);
	ck_assert(locd_metric_value(h) == 4);
	locd_metrics_free(m);
}
END_TEST

/* Registration errors: each gets its own code. */
START_TEST(test_metrics_errors)
{
	struct locd_metrics *m = NULL;
	struct locd_metric *s = NULL;
	const char *const le[] = {"le", "1", NULL};
	const char *const dup[] = {"a", "1", "a", "2", NULL};
	const char *const res[] = {"__x", "1", NULL};
	const char *const five[] = {"a", "1", "b", "1", "c", "1", "d", "1",
				    "e", "1", NULL};
	const char *const one[] = {"a", "1", NULL};
	const double up[] = {1, 2}, down[] = {2, 1};
	const double inf[] = {1, 1.0 / 0.0};
	struct locd_metric_desc d;
	char big[LOCD_METRICS_VALUE_MAX + 2];
	const char *const bigl[] = {"a", big, NULL};

	ck_assert_int_eq(locd_metrics_alloc(&m), 0);
	d = (struct locd_metric_desc){LOCD_METRIC_COUNTER, "9bad", "h", NULL,
				      NULL, 0};
	ck_assert_int_eq(locd_metrics_add(m, &d, &s), EINVAL);
	d.name = "has-dash";
	ck_assert_int_eq(locd_metrics_add(m, &d, &s), EINVAL);
	d.name = "ok:name_1";
	d.help = NULL;
	ck_assert_int_eq(locd_metrics_add(m, &d, &s), EINVAL);
	d.help = "h";
	d.labels = dup;
	ck_assert_int_eq(locd_metrics_add(m, &d, &s), EINVAL);
	d.labels = res;
	ck_assert_int_eq(locd_metrics_add(m, &d, &s), EINVAL);
	d.labels = five;
	ck_assert_int_eq(locd_metrics_add(m, &d, &s), EOVERFLOW);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	d.labels = bigl;
	ck_assert_int_eq(locd_metrics_add(m, &d, &s), EOVERFLOW);
	d.labels = one;
	ck_assert_int_eq(locd_metrics_add(m, &d, &s), 0);
	ck_assert_int_eq(locd_metrics_add(m, &d, &s), EEXIST);
	/* same family, other type or help */
	d.labels = NULL;
	d.type = LOCD_METRIC_GAUGE;
	ck_assert_int_eq(locd_metrics_add(m, &d, &s), EINVAL);
	d.type = LOCD_METRIC_COUNTER;
	d.help = "other";
	ck_assert_int_eq(locd_metrics_add(m, &d, &s), EINVAL);
	/* histograms: le is reserved, buckets increasing and finite */
	d = (struct locd_metric_desc){LOCD_METRIC_HISTOGRAM, "h_seconds",
				      "h", le, up, 2};
	ck_assert_int_eq(locd_metrics_add(m, &d, &s), EINVAL);
	d.labels = NULL;
	d.buckets = down;
	ck_assert_int_eq(locd_metrics_add(m, &d, &s), EINVAL);
	d.buckets = inf;
	ck_assert_int_eq(locd_metrics_add(m, &d, &s), EINVAL);
	d.n_buckets = 0;
	ck_assert_int_eq(locd_metrics_add(m, &d, &s), EINVAL);
	d.n_buckets = LOCD_METRICS_BUCKETS_MAX + 1;
	ck_assert_int_eq(locd_metrics_add(m, &d, &s), EOVERFLOW);
	/* a counter with buckets */
	d = (struct locd_metric_desc){LOCD_METRIC_COUNTER, "c", "h", NULL, up,
				      2};
	ck_assert_int_eq(locd_metrics_add(m, &d, &s), EINVAL);
	ck_assert_int_eq(locd_metrics_add(NULL, &d, &s), EINVAL);
	locd_metrics_free(m);
	locd_metrics_free(NULL);
}
END_TEST

/* Bucket bounds are inclusive (le); a too small buffer is EOVERFLOW. */
START_TEST(test_metrics_bounds_and_buffer)
{
	struct locd_metrics *m = NULL;
	struct locd_metric *h;
	const double b[] = {1, 2};
	struct locd_metric_desc d = {LOCD_METRIC_HISTOGRAM, "x", "h", NULL, b,
				     2};
	char buf[512], small[40];

	ck_assert_int_eq(locd_metrics_alloc(&m), 0);
	ck_assert_int_eq(locd_metrics_add(m, &d, &h), 0);
	locd_metric_observe(h, 1.0);
	locd_metric_observe(h, 2.0);
	ck_assert_int_eq(locd_metrics_print(m, buf, sizeof(buf), NULL), 0);
	ck_assert_ptr_nonnull(strstr(buf, "x_bucket{le=\"1\"} 1\n"));
	ck_assert_ptr_nonnull(strstr(buf, "x_bucket{le=\"2\"} 2\n"));
	ck_assert_ptr_nonnull(strstr(buf, "x_bucket{le=\"+Inf\"} 2\n"));
	ck_assert_int_eq(locd_metrics_print(m, small, sizeof(small), NULL),
			 EOVERFLOW);
	locd_metrics_free(m);
}
END_TEST

/* The standard series of issue 5 are all registered, once. */
START_TEST(test_metrics_std)
{
	struct locd_metrics *m = NULL;
	struct locd_metrics_std st, st2;
	static char buf[16384];

	ck_assert_int_eq(locd_metrics_alloc(&m), 0);
	ck_assert_int_eq(locd_metrics_std_register(m, &st), 0);
	ck_assert_int_eq(locd_metrics_std_register(m, &st2), EEXIST);
	locd_metric_inc(st.refused[LOCD_SOURCE_HTTP][LOCD_REFUSE_RANGE]);
	locd_metric_inc(st.ingested[LOCD_SOURCE_HTTP]);
	locd_metric_set(st.active_subscriptions, 7);
	locd_metric_observe(st.eval_seconds, 0.0002);
	ck_assert_int_eq(locd_metrics_print(m, buf, sizeof(buf), NULL), 0);
	ck_assert_ptr_nonnull(strstr(buf,
		"locd_updates_refused_total{source=\"http\","
		"reason=\"range\"} 1\n"));
	ck_assert_ptr_nonnull(strstr(buf,
		"locd_updates_ingested_total{source=\"http\"} 1\n"));
	ck_assert_ptr_nonnull(strstr(buf, "locd_active_subscriptions 7\n"));
	ck_assert_ptr_nonnull(strstr(buf,
		"locd_evaluation_seconds_bucket{le=\"0.00025\"} 1\n"));
	ck_assert_ptr_nonnull(strstr(buf,
		"locd_evaluation_seconds_bucket{le=\"5e-05\"} 0\n"));
	ck_assert_ptr_nonnull(strstr(buf,
		"# TYPE locd_notify_failures_total counter\n"));
	ck_assert_ptr_nonnull(strstr(buf,
		"locd_transaction_retransmissions_total 0\n"));
	ck_assert_ptr_nonnull(strstr(buf,
		"locd_notifications_coalesced_total 0\n"));
	ck_assert_str_eq(locd_refuse_name(LOCD_REFUSE_UNKNOWN_DEVICE),
			 "unknown_device");
	ck_assert_str_eq(locd_refuse_name((enum locd_refuse)99), "?");
	locd_metrics_free(m);
}
END_TEST

TCase *tcase_metrics(void);
TCase *tcase_metrics(void)
{
	TCase *tc = tcase_create("metrics");
	tcase_add_test(tc, test_metrics_exact_text);
	tcase_add_test(tc, test_metrics_errors);
	tcase_add_test(tc, test_metrics_bounds_and_buffer);
	tcase_add_test(tc, test_metrics_std);
	return tc;
}
