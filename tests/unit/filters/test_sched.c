/* Tests for filters/sched.c: NOTIFY scheduling (LOCATION.md section 6). */
#include <check.h>
#include <math.h>

#include "filters/lf_sched.h"

/*
 * Drive a schedule: an update (trigger firing) at each time in ups[],
 * the clock stepped in `step` seconds up to `end`; sends whenever ready.
 * Returns the number of sends, their times in sent[].
 */
static unsigned simulate(struct lf_sched *s, const double *ups, unsigned n,
			 double step, double end, double *sent,
			 unsigned max_sent)
{
	unsigned i = 0, ns = 0;
	for (double t = 0; t <= end + 1e-9; t += step) {
		while (i < n && ups[i] <= t + 1e-9)
			lf_sched_latch(s, ups[i++], 1, 0);
		if (lf_sched_ready(s, t)) {
			lf_sched_sent(s, t, NULL, NULL);
			if (ns < max_sent)
				sent[ns] = t;
			ns++;
		}
	}
	return ns;
}

/* RC-1, RC-2: 50 updates in one second => <= 10 in that second, <= 30 in
 * any 30 s, and the last state is delivered (pending slot released). */
START_TEST(test_draft_ceilings)
{
	struct lf_sched_cfg cfg;
	struct lf_sched s;
	double ups[50], sent[64];
	lf_sched_cfg_init(&cfg);
	cfg.quarantine = 0;
	lf_sched_init(&s, &cfg, 0);
	for (int i = 0; i < 50; i++)
		ups[i] = i * 0.02;
	unsigned ns = simulate(&s, ups, 50, 0.001, 1.0 - 0.001, sent, 64);
	ck_assert_uint_le(ns, 10);
	ck_assert_uint_ge(ns, 9);
	/* Keep updating 10/s for 40 s: no 30 s window holds more than 30. */
	lf_sched_init(&s, &cfg, 0);
	double ups2[400];
	for (int i = 0; i < 400; i++)
		ups2[i] = i * 0.1;
	double sent2[512];
	ns = simulate(&s, ups2, 400, 0.01, 41.0, sent2, 512);
	ck_assert_uint_gt(ns, 30);
	for (unsigned a = 0; a < ns; a++) {
		unsigned in = 0;
		for (unsigned b = a; b < ns && sent2[b] < sent2[a] + 30; b++)
			in++;
		ck_assert_uint_le(in, 30);
	}
	/* Updates stop at 39.9 s; the last one still goes out. */
	ck_assert(lf_sched_due(&s) < 41.0 + 30.0);
	double t = 41.0;
	while (lf_sched_pending(&s) && t < 100) {
		if (lf_sched_ready(&s, t))
			lf_sched_sent(&s, t, NULL, NULL);
		t += 0.01;
	}
	ck_assert(!lf_sched_pending(&s));
}
END_TEST

/* T8 / Q-10: a quarantine of 2 s coalesces an enter and an exit into one
 * NOTIFY carrying the flipped feature. */
START_TEST(test_quarantine_coalesces)
{
	struct lf_sched_cfg cfg;
	struct lf_sched s;
	uint32_t kinds, feats;
	lf_sched_cfg_init(&cfg);
	cfg.quarantine = 2.0;
	lf_sched_init(&s, &cfg, 0);
	lf_sched_latch(&s, 10.0, 0x20, 0x1); /* enter feature 0 */
	ck_assert(!lf_sched_ready(&s, 10.5));
	lf_sched_latch(&s, 11.0, 0x20, 0x1); /* exit feature 0 */
	ck_assert(!lf_sched_ready(&s, 11.99));
	ck_assert(lf_sched_ready(&s, 12.0));
	ck_assert(fabs(lf_sched_due(&s) - 12.0) < 1e-9);
	lf_sched_sent(&s, 12.0, &kinds, &feats);
	ck_assert_uint_eq(kinds, 0x20);
	ck_assert_uint_eq(feats, 0x1);
	ck_assert_uint_eq(s.n_coalesced, 1);
	ck_assert(!lf_sched_pending(&s));
	ck_assert(isinf(lf_sched_due(&s)));
}
END_TEST

/* T9 / RC-8: max-rate 0.1, an update every second for 60 s: NOTIFYs at
 * least 10 s apart. */
START_TEST(test_max_rate)
{
	struct lf_sched_cfg cfg;
	struct lf_sched s;
	double ups[60], sent[16];
	lf_sched_cfg_init(&cfg);
	cfg.quarantine = 0;
	cfg.max_rate = 0.1;
	lf_sched_init(&s, &cfg, 0);
	lf_sched_sent(&s, 0, NULL, NULL); /* the NOTIFY answering SUBSCRIBE */
	for (int i = 0; i < 60; i++)
		ups[i] = i + 1;
	unsigned ns = simulate(&s, ups, 60, 0.5, 60, sent, 16);
	ck_assert_uint_eq(ns, 6); /* at 10, 20, ... 60 */
	for (unsigned i = 1; i < ns; i++)
		ck_assert(sent[i] - sent[i - 1] >= 10 - 1e-9);
	ck_assert(fabs(sent[0] - 10) < 1e-9);
}
END_TEST

/* T10 / RC-12: min-rate 0.05 on a stationary target: every 20 s. */
START_TEST(test_min_rate)
{
	struct lf_sched_cfg cfg;
	struct lf_sched s;
	double sent[16];
	lf_sched_cfg_init(&cfg);
	cfg.min_rate = 0.05;
	lf_sched_init(&s, &cfg, 0);
	lf_sched_sent(&s, 0, NULL, NULL);
	unsigned ns = simulate(&s, NULL, 0, 0.5, 100, sent, 16);
	ck_assert_uint_eq(ns, 5);
	for (unsigned i = 0; i < ns; i++)
		ck_assert(fabs(sent[i] - 20.0 * (i + 1)) < 1e-9);
	ck_assert(!lf_sched_pending(&s));
}
END_TEST

/* T11 / RC-9, RC-14: rate adjustments. */
START_TEST(test_adjust)
{
	struct lf_sched_cfg cfg;
	lf_sched_cfg_init(&cfg);
	cfg.max_rate = 0.001;
	lf_sched_cfg_adjust(&cfg, 300);
	ck_assert(fabs(cfg.max_rate - 1.0 / 300) < 1e-12);
	lf_sched_cfg_init(&cfg);
	cfg.max_rate = 0.5;
	cfg.min_rate = 2;
	lf_sched_cfg_adjust(&cfg, 0);
	ck_assert(cfg.min_rate == 0.5);
	lf_sched_cfg_init(&cfg);
	cfg.min_rate = 0.2;
	cfg.adaptive_min_rate = 0.1;
	lf_sched_cfg_adjust(&cfg, 0);
	ck_assert(cfg.min_rate == 0); /* min-rate >= adaptive: ignored */
	cfg.max_rate = NAN;
	lf_sched_cfg_adjust(&cfg, 0);
	ck_assert(cfg.max_rate == 0);
}
END_TEST

/* RC-13: adaptive-min-rate a = 0.1, period 100 s: first timeout 10 s. */
START_TEST(test_adaptive)
{
	struct lf_sched_cfg cfg;
	struct lf_sched s;
	lf_sched_cfg_init(&cfg);
	cfg.adaptive_min_rate = 0.1;
	cfg.adaptive_period = 100;
	lf_sched_init(&s, &cfg, 0);
	ck_assert(fabs(lf_sched_due(&s) - 10.0) < 1e-9);
	/* A burst of sends raises the count, so the timeout grows. */
	for (int i = 0; i < 10; i++)
		lf_sched_sent(&s, 1.0 + i * 0.2, NULL, NULL);
	double last = lf_sched_last_sent(&s);
	ck_assert(lf_sched_due(&s) - last > 15.0);
	ck_assert(lf_sched_due(&s) - last < 20.0 + 1e-9);
}
END_TEST

/* Restart (locd/persist.c): a schedule shifted to another clock and
 * back behaves as the original, in due times and in the limits. */
START_TEST(test_shift)
{
	struct lf_sched_cfg cfg;
	struct lf_sched a, b;
	const double wall = 1.7e9;
	uint32_t kinds = 0;

	lf_sched_cfg_init(&cfg);
	cfg.quarantine = 0;
	cfg.min_rate = 0.01;
	cfg.adaptive_min_rate = 0.05;
	lf_sched_init(&a, &cfg, 100);
	for (int i = 0; i < 10; i++)
		lf_sched_sent(&a, 100 + i * 0.1, NULL, NULL);
	lf_sched_latch(&a, 101, 0x4, 0);
	b = a;
	lf_sched_shift(&b, wall);
	ck_assert(fabs(lf_sched_last_sent(&b) - (wall + 100.9)) < 1e-3);
	ck_assert(fabs(lf_sched_due(&b) - (lf_sched_due(&a) + wall)) < 1e-3);
	lf_sched_shift(&b, -wall);
	ck_assert(fabs(lf_sched_due(&b) - lf_sched_due(&a)) < 1e-6);
	ck_assert(fabs(lf_sched_due(&b) - 101.0) < 1e-6); /* 10 per 1 s */
	ck_assert(lf_sched_pending(&b));
	lf_sched_sent(&b, 101.0, &kinds, NULL);
	ck_assert_uint_eq(kinds, 0x4);
	lf_sched_latch(&b, 101.0, 0x4, 0);
	ck_assert(fabs(lf_sched_due(&b) - 101.1) < 1e-6);
}
END_TEST

TCase *tcase_sched(void);
TCase *tcase_sched(void)
{
	TCase *tc = tcase_create("sched");
	tcase_add_test(tc, test_draft_ceilings);
	tcase_add_test(tc, test_quarantine_coalesces);
	tcase_add_test(tc, test_max_rate);
	tcase_add_test(tc, test_min_rate);
	tcase_add_test(tc, test_adjust);
	tcase_add_test(tc, test_adaptive);
	tcase_add_test(tc, test_shift);
	return tc;
}
