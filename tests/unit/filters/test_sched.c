/* Tests for filters/sched.c: NOTIFY scheduling (LOCATION.md section 6). */
#include <check.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

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

/* ------------------------------------------------------------------ */
/* The compact state against a plain double-precision model            */

/* The schedule as it was before compaction (doubles throughout): the
 * reference the compact one must follow. */
struct ref_sched {
	struct lf_sched_cfg cfg;
	double hist[LF_SCHED_HIST];
	unsigned head, len;
	double started, count, count_at, first_latch;
	bool pending;
};

static void ref_init(struct ref_sched *r, const struct lf_sched_cfg *cfg,
		     double now)
{
	memset(r, 0, sizeof(*r));
	r->started = now;
	r->cfg = *cfg;
	lf_sched_cfg_adjust(&r->cfg, 0);
	if (r->cfg.adaptive_min_rate > 0) {
		r->count = r->cfg.adaptive_period * r->cfg.adaptive_min_rate;
		r->count_at = now;
	}
}

static double ref_back(const struct ref_sched *r, unsigned k)
{
	if (k == 0 || k > r->len)
		return -INFINITY;
	return r->hist[(r->head + LF_SCHED_HIST - k) % LF_SCHED_HIST];
}

static double ref_due(const struct ref_sched *r)
{
	const struct lf_sched_cfg *c = &r->cfg;
	double ceil_t = -INFINITY, per = INFINITY;
	double ref = r->len ? ref_back(r, 1) : r->started;

	if (c->max_rate > 0 && r->len)
		ceil_t = fmax(ceil_t, ref_back(r, 1) + 1.0 / c->max_rate);
	if (c->burst_n && r->len >= c->burst_n)
		ceil_t = fmax(ceil_t, ref_back(r, c->burst_n) +
				      c->burst_window);
	if (c->window_n && r->len >= c->window_n)
		ceil_t = fmax(ceil_t, ref_back(r, c->window_n) + c->window);
	if (c->min_rate > 0)
		per = ref + 1.0 / c->min_rate;
	if (c->adaptive_min_rate > 0) {
		double a = c->adaptive_min_rate;
		double t = r->count / (a * a * c->adaptive_period);

		if (c->max_rate > 0)
			t = fmax(t, 1.0 / c->max_rate);
		per = fmin(per, ref + t);
	}
	per = fmax(per, ceil_t);
	if (r->pending)
		per = fmin(per, fmax(r->first_latch + c->quarantine, ceil_t));
	return per;
}

static void ref_sent(struct ref_sched *r, double now)
{
	r->pending = false;
	r->hist[r->head] = now;
	r->head = (r->head + 1) % LF_SCHED_HIST;
	if (r->len < LF_SCHED_HIST)
		r->len++;
	if (r->cfg.adaptive_min_rate > 0) {
		double dt = now - r->count_at;

		if (dt > 0)
			r->count *= exp(-dt / r->cfg.adaptive_period);
		r->count += 1.0;
		r->count_at = now;
	}
}

static uint64_t rnd_state = 88172645463325252ULL;

static double rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return (double)(rnd_state >> 11) * 0x1.0p-53;
}

/* struct lf_sched stays small: it is one per subscription. */
START_TEST(test_compact_size)
{
	ck_assert_uint_le(sizeof(struct lf_sched), 200);
}
END_TEST

/*
 * Random settings and event streams (a start off the millisecond grid,
 * events on it), driven by the reference's decisions: the compact
 * schedule's due time agrees to within the documented precision (1 ms
 * history, 1e-7 relative for the settings and the single-precision
 * adaptive count) and is never earlier beyond float noise.
 */
START_TEST(test_compact_matches_reference)
{
	static const double rates[] = {0, 0.1, 0.5, 2, 1.0 / 3, 0.07, 10};
	static const double quar[] = {0, 0.5, 0.3, 2.0};

	for (int run = 0; run < 200; run++) {
		struct lf_sched_cfg cfg;
		struct lf_sched s;
		struct ref_sched r;
		double t = 1000 * rnd();

		lf_sched_cfg_init(&cfg);
		cfg.quarantine = quar[run % 4];
		cfg.max_rate = rates[(run / 4) % 7];
		cfg.min_rate = rates[(run / 28) % 7];
		cfg.adaptive_min_rate = run % 3 ? 0 : rates[(run / 3) % 7];
		cfg.burst_n = 1 + (unsigned)(rnd() * 12);
		cfg.window_n = 1 + (unsigned)(rnd() * 32);
		cfg.burst_window = 0.25 + rnd() * 2;
		cfg.window = 5 + rnd() * 40;
		lf_sched_init(&s, &cfg, t);
		ref_init(&r, &cfg, t);
		for (int step = 0; step < 400; step++) {
			double d_ref = ref_due(&r), d = lf_sched_due(&s);

			if (isinf(d_ref)) {
				ck_assert(isinf(d));
			} else {
				double tol = 1e-3 + 1e-6 * fabs(d_ref - t);

				ck_assert_msg(fabs(d - d_ref) <= tol,
					      "run %d step %d: due %.6f, "
					      "reference %.6f", run, step, d,
					      d_ref);
				/* Rounded towards later: earlier only by
				 * float noise (the adaptive count, 1e-7
				 * relative per send, a random walk). */
				ck_assert_msg(d >= d_ref - 1e-6 -
						   1e-6 * fabs(d_ref - t),
					      "run %d step %d: due %.9f "
					      "before %.9f", run, step, d,
					      d_ref);
			}
			ck_assert_int_eq(lf_sched_pending(&s), r.pending);
			/* The next event: a latch, or a send when due. */
			t = round((t + rnd() * 0.4) * 1000) / 1000;
			if (rnd() < 0.5) {
				lf_sched_latch(&s, t, 1, 0);
				if (!r.pending) {
					r.pending = true;
					r.first_latch = t;
				}
			}
			if (t >= d_ref || rnd() < 0.02) { /* or exempt */
				lf_sched_sent(&s, t, NULL, NULL);
				ref_sent(&r, t);
			}
		}
	}
}
END_TEST

/*
 * A subscription living past 2^32 ms (49.7 days) of schedule time: the
 * millisecond base moves; due times, the burst and window limits and the
 * periodic NOTIFYs stay right, with nothing drifting.
 */
START_TEST(test_rebase_long_life)
{
	const double day = 86400;
	struct lf_sched_cfg cfg;
	struct lf_sched s;
	double t0 = 5000.25, t;
	unsigned n;

	lf_sched_cfg_init(&cfg);
	cfg.quarantine = 0;
	cfg.min_rate = 1.0 / (6 * 3600);    /* every 6 h without change */
	lf_sched_init(&s, &cfg, t0);
	lf_sched_sent(&s, t0, NULL, NULL);
	/* 120 days of periodic NOTIFYs only, sent when due. */
	n = 0;
	for (t = t0; t < t0 + 120 * day; n++) {
		double due = lf_sched_due(&s);

		ck_assert(!lf_sched_pending(&s));
		ck_assert_msg(fabs(due - (t + 6 * 3600)) < 1e-3,
			      "send %u: due %.6f after %.6f", n, due, t);
		t = due;
		lf_sched_sent(&s, t, NULL, NULL);
		ck_assert(fabs(lf_sched_last_sent(&s) - t) < 1e-6);
	}
	ck_assert_uint_eq(n, 480);
	/* A burst on day 120: 10 per 1 s, then 30 per 30 s. The periodic
	 * send at t and 9 more at t, 10 at t + 1 and t + 2, 10 at t + 30,
	 * then the 41st and 42nd at t + 31 (burst and window both). */
	ck_assert(fabs(t - (t0 + 120 * day)) < 1e-3);
	t0 = t;
	for (n = 0; n < 40; n++) {
		lf_sched_latch(&s, t, 1, 0);
		t = fmax(t, lf_sched_due(&s));
		lf_sched_sent(&s, t, NULL, NULL);
		ck_assert_msg(fabs(t - t0 - (n < 9 ? 0 : n < 19 ? 1 : n < 29 ?
					     2 : n < 39 ? 30 : 31)) < 2e-3,
			      "burst send %u at +%.6f", n, t - t0);
	}
	lf_sched_latch(&s, t, 1, 0);
	ck_assert(fabs(lf_sched_due(&s) - (t0 + 31)) < 2e-3);
	lf_sched_sent(&s, t0 + 31, NULL, NULL);
	t = t0 + 31;
	/* The clock jumps 60 days with no send: the periodic NOTIFY is
	 * long overdue; sent then, it is exact. */
	lf_sched_latch(&s, t + 60 * day, 1, 0);
	ck_assert(fabs(lf_sched_due(&s) - (t + 6 * 3600)) < 1e-6);
	ck_assert(lf_sched_ready(&s, t + 60 * day));
	t += 60 * day;
	lf_sched_sent(&s, t, NULL, NULL);
	ck_assert(lf_sched_last_sent(&s) == t);
	ck_assert(fabs(lf_sched_due(&s) - (t + 6 * 3600)) < 1e-6);
	/* Its history now spans more than 49.7 days: recording the next
	 * sends moves the base past the old ones, and the burst limit
	 * still counts the new ones: 10 at t, the 11th at t + 1. */
	for (n = 1; n < 10; n++) {
		lf_sched_latch(&s, t, 1, 0);
		ck_assert(fabs(lf_sched_due(&s) - t) < 1e-6);
		lf_sched_sent(&s, t, NULL, NULL);
	}
	lf_sched_latch(&s, t, 1, 0);
	ck_assert(fabs(lf_sched_due(&s) - (t + 1)) < 2e-3);
	ck_assert(lf_sched_due(&s) >= t + 1 - 1e-6);
	ck_assert_uint_eq(s.n_latched, 41 + 1 + 10);
}
END_TEST

/* Times before the base (a clock that went back, a restore against
 * another clock): the base moves back, older sends keep their times. */
START_TEST(test_rebase_backwards)
{
	struct lf_sched_cfg cfg;
	struct lf_sched s;

	lf_sched_cfg_init(&cfg);
	cfg.quarantine = 0;
	cfg.burst_n = 2;
	cfg.burst_window = 10;
	lf_sched_init(&s, &cfg, 1000);
	lf_sched_sent(&s, 1000, NULL, NULL);
	lf_sched_sent(&s, 400.5, NULL, NULL);
	ck_assert(fabs(lf_sched_last_sent(&s) - 400.5) < 1e-6);
	/* burst: the 2nd most recent (1000) + 10 s */
	lf_sched_latch(&s, 400.5, 1, 0);
	ck_assert(fabs(lf_sched_due(&s) - 1010) < 1e-6);
	lf_sched_sent(&s, 401, NULL, NULL);
	lf_sched_latch(&s, 401, 1, 0);
	ck_assert(fabs(lf_sched_due(&s) - 410.5) < 1e-6);
	/* A non-finite time takes the slot, records nothing. */
	lf_sched_latch(&s, 402, 1, 0);
	lf_sched_sent(&s, NAN, NULL, NULL);
	ck_assert(!lf_sched_pending(&s));
	ck_assert(fabs(lf_sched_last_sent(&s) - 401) < 1e-6);
}
END_TEST


/* A busy schedule: every setting on, the history ring wrapped (40 sends
 * > LF_SCHED_HIST), a slot pending with kinds and features latched. */
static void busy(struct lf_sched *s)
{
	struct lf_sched_cfg cfg;
	unsigned i;

	lf_sched_cfg_init(&cfg);
	cfg.max_rate = 3;
	cfg.adaptive_min_rate = 0.1;
	cfg.adaptive_period = 250;
	lf_sched_init(s, &cfg, 1000.25);
	for (i = 0; i < 40; i++) {
		lf_sched_latch(s, 1000.5 + i * 1.7, 1u << (i % 5), i);
		lf_sched_sent(s, 1001.0 + i * 1.7 + i * 0.0013, NULL, NULL);
	}
	lf_sched_latch(s, 1080.125, 6, 0x30);
	lf_sched_latch(s, 1080.5, 1, 0x01);
}

static void enc(const struct lf_sched *s, unsigned char *buf, size_t *len)
{
	ck_assert_int_eq(lf_sched_encode(s, buf, LF_SCHED_ENC_MAX, len), 0);
	ck_assert_uint_eq(*len, LF_SCHED_ENC_MAX);
}

/* Encode then decode: every field back, and the two behave alike. */
START_TEST(test_encode_round_trip)
{
	struct lf_sched s, r;
	unsigned char buf[LF_SCHED_ENC_MAX + 8], again[LF_SCHED_ENC_MAX];
	size_t len = 0, len2 = 0;
	uint32_t k1, f1, k2, f2;
	unsigned i;

	busy(&s);
	ck_assert_uint_eq(s.hist_len, LF_SCHED_HIST);
	ck_assert(s.pending);
	ck_assert_uint_eq(lf_sched_encode(&s, buf, LF_SCHED_ENC_MAX - 1,
					  &len), EOVERFLOW);
	ck_assert_uint_eq(len, 0);
	enc(&s, buf, &len);
	ck_assert_uint_eq(buf[0], LF_SCHED_ENC_MAGIC);
	ck_assert_uint_eq(buf[1], LF_SCHED_ENC_VERSION);
	/* little-endian: `last` (a double) follows the two header bytes */
	{
		uint64_t u;
		double last = s.last;
		memcpy(&u, &last, sizeof(u));
		ck_assert_uint_eq(buf[2], u & 0xff);
		ck_assert_uint_eq(buf[9], u >> 56);
	}
	memset(&r, 0xa5, sizeof(r));
	ck_assert_int_eq(lf_sched_decode(&r, buf, len), 0);
	ck_assert(r.last == s.last && r.first_latch == s.first_latch &&
		  r.base == s.base);
	ck_assert_mem_eq(r.hist_ms, s.hist_ms, sizeof(s.hist_ms));
	ck_assert_mem_eq(&r.cfg, &s.cfg, sizeof(s.cfg));
	ck_assert(r.adaptive_count == s.adaptive_count);
	ck_assert_uint_eq(r.kinds, s.kinds);
	ck_assert_uint_eq(r.features, s.features);
	ck_assert_uint_eq(r.n_latched, 42);
	ck_assert_uint_eq(r.n_coalesced, s.n_coalesced);
	ck_assert_uint_eq(r.burst_n, s.burst_n);
	ck_assert_uint_eq(r.window_n, s.window_n);
	ck_assert_uint_eq(r.hist_head, s.hist_head);
	ck_assert_uint_eq(r.hist_len, s.hist_len);
	ck_assert_uint_eq(r.pending, 1);
	/* canonical: the decoded schedule encodes to the same bytes */
	enc(&r, again, &len2);
	ck_assert_mem_eq(again, buf, LF_SCHED_ENC_MAX);
	/* the same decisions from here on, rate-limit history included */
	ck_assert(lf_sched_due(&r) == lf_sched_due(&s));
	ck_assert(lf_sched_last_sent(&r) == lf_sched_last_sent(&s));
	lf_sched_sent(&s, lf_sched_due(&s), &k1, &f1);
	lf_sched_sent(&r, lf_sched_due(&r), &k2, &f2);
	ck_assert_uint_eq(k1, 7);
	ck_assert_uint_eq(f1, 0x31);
	ck_assert_uint_eq(k2, k1);
	ck_assert_uint_eq(f2, f1);
	for (i = 0; i < 20; i++) {
		double t = lf_sched_due(&s);
		ck_assert(t == lf_sched_due(&r));
		lf_sched_latch(&s, t, 1, 0);
		lf_sched_latch(&r, t, 1, 0);
		t = lf_sched_due(&s);
		ck_assert(t == lf_sched_due(&r));
		lf_sched_sent(&s, t, NULL, NULL);
		lf_sched_sent(&r, t, NULL, NULL);
	}
	/* a fresh schedule round-trips too (nothing sent, nothing latched) */
	{
		struct lf_sched_cfg cfg;
		lf_sched_cfg_init(&cfg);
		lf_sched_init(&s, &cfg, 5);
		enc(&s, buf, &len);
		ck_assert_int_eq(lf_sched_decode(&r, buf, len), 0);
		ck_assert(lf_sched_due(&r) == lf_sched_due(&s));
		ck_assert(lf_sched_last_sent(&r) == -INFINITY);
	}
}
END_TEST

/* Decode refusing: *s untouched. */
static void refused(const unsigned char *buf, size_t len)
{
	struct lf_sched r, keep;

	memset(&r, 0x5a, sizeof(r));
	keep = r;
	ck_assert_int_eq(lf_sched_decode(&r, buf, len), EBADMSG);
	ck_assert_mem_eq(&r, &keep, sizeof(r));
}

static void put_f64_le(unsigned char *b, double v)
{
	uint64_t u;
	int i;

	memcpy(&u, &v, sizeof(u));
	for (i = 0; i < 8; i++)
		b[i] = (unsigned char)(u >> (8 * i));
}

static void put_f32_le(unsigned char *b, float v)
{
	uint32_t u;
	int i;

	memcpy(&u, &v, sizeof(u));
	for (i = 0; i < 4; i++)
		b[i] = (unsigned char)(u >> (8 * i));
}

/* Offsets in the encoding (lf_sched.h). */
#define OFF_LAST 2
#define OFF_BASE 18
#define OFF_CFG (2 + 24 + (LF_SCHED_HIST - 1) * 4)
#define OFF_COUNT (OFF_CFG + 7 * 4)
#define OFF_U8 (OFF_COUNT + 4 + 16)

START_TEST(test_decode_refuses)
{
	struct lf_sched s;
	unsigned char buf[LF_SCHED_ENC_MAX + 1], bad[LF_SCHED_ENC_MAX + 1];
	size_t len, i;

	busy(&s);
	enc(&s, buf, &len);
	ck_assert_uint_eq(OFF_U8 + 5, LF_SCHED_ENC_MAX);
	/* every truncation, and one byte too many */
	for (i = 0; i < len; i++)
		refused(buf, i);
	buf[len] = 0;
	refused(buf, len + 1);
	refused(NULL, 0);
	/* magic and version */
	memcpy(bad, buf, len);
	bad[1] = LF_SCHED_ENC_VERSION + 1;
	refused(bad, len);
	bad[1] = 0;
	refused(bad, len);
	memcpy(bad, buf, len);
	bad[0] = 'v';
	refused(bad, len);
	/* an older locd's raw struct, even at the encoding's length */
	memset(bad, 0, sizeof(bad));
	memcpy(bad, &s, sizeof(s));
	refused(bad, sizeof(s));
	refused(bad, len);
	/* times: not finite, out of range */
	memcpy(bad, buf, len);
	put_f64_le(bad + OFF_LAST, NAN);
	refused(bad, len);
	put_f64_le(bad + OFF_LAST, INFINITY);
	refused(bad, len);
	put_f64_le(bad + OFF_LAST, -2 * LF_SCHED_ENC_TIME_MAX);
	refused(bad, len);
	memcpy(bad, buf, len);
	put_f64_le(bad + OFF_BASE, -INFINITY);
	refused(bad, len);
	/* intervals and the count: negative, NaN, infinite */
	for (i = 0; i < 8; i++) {
		memcpy(bad, buf, len);
		put_f32_le(bad + OFF_CFG + 4 * i, -1.0f);
		refused(bad, len);
		put_f32_le(bad + OFF_CFG + 4 * i, NAN);
		refused(bad, len);
		put_f32_le(bad + OFF_CFG + 4 * i, INFINITY);
		refused(bad, len);
	}
	/* adaptive interval without a period */
	memcpy(bad, buf, len);
	put_f32_le(bad + OFF_CFG + 6 * 4, 0.0f);
	refused(bad, len);
	/* counts beyond their arrays, pending not a bit */
	memcpy(bad, buf, len);
	bad[OFF_U8] = LF_SCHED_HIST + 1;
	refused(bad, len);
	memcpy(bad, buf, len);
	bad[OFF_U8 + 1] = 255;
	refused(bad, len);
	memcpy(bad, buf, len);
	bad[OFF_U8 + 2] = LF_SCHED_HIST - 1;
	refused(bad, len);
	memcpy(bad, buf, len);
	bad[OFF_U8 + 3] = LF_SCHED_HIST + 1;
	refused(bad, len);
	memcpy(bad, buf, len);
	bad[OFF_U8 + 4] = 2;
	refused(bad, len);
	/* the limits themselves are accepted */
	memcpy(bad, buf, len);
	bad[OFF_U8] = LF_SCHED_HIST;
	bad[OFF_U8 + 2] = LF_SCHED_HIST - 2;
	bad[OFF_U8 + 3] = 0;
	bad[OFF_U8 + 4] = 0;
	put_f64_le(bad + OFF_LAST, -LF_SCHED_ENC_TIME_MAX);
	ck_assert_int_eq(lf_sched_decode(&s, bad, len), 0);
	ck_assert_uint_eq(s.burst_n, LF_SCHED_HIST);
	ck_assert_uint_eq(s.hist_len, 0);
	ck_assert(!s.pending);
}
END_TEST

/* Flipped bytes never crash (run under SANITIZE=1): a decoded schedule
 * is safe to use, a refused one is left alone. */
START_TEST(test_decode_fuzz)
{
	struct lf_sched s;
	unsigned char buf[LF_SCHED_ENC_MAX], f[LF_SCHED_ENC_MAX];
	size_t len;
	uint64_t x = 0x9e3779b97f4a7c15u;
	unsigned it, j, ok = 0;

	busy(&s);
	enc(&s, buf, &len);
	for (it = 0; it < 50000; it++) {
		unsigned flips;

		memcpy(f, buf, len);
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		flips = 1 + (unsigned)(x % 4);
		for (j = 0; j < flips; j++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			f[(x >> 8) % len] ^= (unsigned char)(1u << (x % 8));
		}
		if (lf_sched_decode(&s, f, len))
			continue;
		ok++;
		for (j = 0; j < 40; j++) {
			double due = lf_sched_due(&s), t;

			t = isfinite(due) ? due : lf_sched_last_sent(&s) + 1;
			if (!isfinite(t))
				t = s.last + 1;
			lf_sched_latch(&s, t, 1, 2);
			(void)lf_sched_ready(&s, t);
			lf_sched_sent(&s, t + (j % 3) * 1e-3, NULL, NULL);
		}
		ck_assert_uint_le(s.hist_len, LF_SCHED_HIST);
	}
	ck_assert_uint_gt(ok, 1000); /* most flips land in data */
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
	tcase_add_test(tc, test_compact_size);
	tcase_add_test(tc, test_compact_matches_reference);
	tcase_add_test(tc, test_rebase_long_life);
	tcase_add_test(tc, test_rebase_backwards);
	tcase_add_test(tc, test_encode_round_trip);
	tcase_add_test(tc, test_decode_refuses);
	tcase_add_test(tc, test_decode_fuzz);
	return tc;
}
