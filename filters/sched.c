/*
 * sched.c: the per-subscription NOTIFY schedule (lf_sched.h).
 *
 * The adaptive-min-rate "count" of RFC 6446 7.2 is kept as an
 * exponentially decayed count of sends with time constant `period`
 * (initialised to period * a as the RFC says); RFC 6446 7.4 allows an
 * alternative to a sliding count as long as max-rate and min-rate hold,
 * and this one needs no per-send storage beyond two doubles.
 */
#include "filters/lf_sched.h"

#include <math.h>
#include <string.h>

void lf_sched_cfg_init(struct lf_sched_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->quarantine = 0.5; /* */
	cfg->burst_n = 10;     /* RC-1 */
	cfg->burst_window = 1.0;
	cfg->window_n = 30;    /* RC-2 */
	cfg->window = 30.0;
	cfg->adaptive_period = 100.0;
}

static double clamp_nonneg(double v)
{
	return (isfinite(v) && v > 0) ? v : 0;
}

void lf_sched_cfg_adjust(struct lf_sched_cfg *cfg, double remaining)
{
	cfg->max_rate = clamp_nonneg(cfg->max_rate);
	cfg->min_rate = clamp_nonneg(cfg->min_rate);
	cfg->adaptive_min_rate = clamp_nonneg(cfg->adaptive_min_rate);
	cfg->quarantine = clamp_nonneg(cfg->quarantine);
	if (cfg->burst_n > LF_SCHED_HIST)
		cfg->burst_n = LF_SCHED_HIST;
	if (cfg->window_n > LF_SCHED_HIST)
		cfg->window_n = LF_SCHED_HIST;
	/* RC-9: a max-rate interval longer than the time left is raised. */
	if (cfg->max_rate > 0 && remaining > 0 &&
	    1.0 / cfg->max_rate > remaining)
		cfg->max_rate = 1.0 / remaining;
	/* RC-14 */
	if (cfg->max_rate > 0 && cfg->min_rate > cfg->max_rate)
		cfg->min_rate = cfg->max_rate;
	if (cfg->max_rate > 0 && cfg->adaptive_min_rate > cfg->max_rate)
		cfg->adaptive_min_rate = cfg->max_rate;
	if (cfg->adaptive_min_rate > 0 &&
	    cfg->min_rate >= cfg->adaptive_min_rate)
		cfg->min_rate = 0;
	if (cfg->adaptive_min_rate > 0 &&
	    !(cfg->adaptive_period > 1.0 / cfg->adaptive_min_rate))
		cfg->adaptive_period = 10.0 / cfg->adaptive_min_rate;
}

void lf_sched_init(struct lf_sched *s, const struct lf_sched_cfg *cfg,
		   double now)
{
	memset(s, 0, sizeof(*s));
	s->started = now;
	lf_sched_set_cfg(s, cfg);
}

void lf_sched_set_cfg(struct lf_sched *s, const struct lf_sched_cfg *cfg)
{
	bool adaptive_was = s->cfg.adaptive_min_rate > 0;
	s->cfg = *cfg;
	lf_sched_cfg_adjust(&s->cfg, 0);
	if (s->cfg.adaptive_min_rate > 0 && !adaptive_was) {
		/* RFC 6446 7.2 step 1: count starts at period * a. */
		s->adaptive_count =
			s->cfg.adaptive_period * s->cfg.adaptive_min_rate;
		s->adaptive_at = s->hist_len ? lf_sched_last_sent(s)
					     : s->started;
	}
}

/* The k-th most recent send time (k = 1 is the last); -INF if none. */
static double hist_back(const struct lf_sched *s, unsigned k)
{
	if (k == 0 || k > s->hist_len)
		return -INFINITY;
	return s->hist[(s->hist_head + LF_SCHED_HIST - k) % LF_SCHED_HIST];
}

double lf_sched_last_sent(const struct lf_sched *s)
{
	return hist_back(s, 1);
}

/* Earliest time any new NOTIFY may go out under the ceilings. */
static double ceiling_due(const struct lf_sched *s)
{
	const struct lf_sched_cfg *c = &s->cfg;
	double due = -INFINITY;
	double last = hist_back(s, 1);

	if (c->max_rate > 0 && s->hist_len)
		due = fmax(due, last + 1.0 / c->max_rate);
	if (c->burst_n && s->hist_len >= c->burst_n)
		due = fmax(due, hist_back(s, c->burst_n) + c->burst_window);
	if (c->window_n && s->hist_len >= c->window_n)
		due = fmax(due, hist_back(s, c->window_n) + c->window);
	return due;
}

/* When a periodic full-state NOTIFY falls due (RC-12, RC-13). */
static double periodic_due(const struct lf_sched *s)
{
	const struct lf_sched_cfg *c = &s->cfg;
	double ref = s->hist_len ? hist_back(s, 1) : s->started;
	double due = INFINITY;

	if (c->min_rate > 0)
		due = ref + 1.0 / c->min_rate;
	if (c->adaptive_min_rate > 0) {
		double a = c->adaptive_min_rate;
		double t = s->adaptive_count / (a * a * c->adaptive_period);
		if (c->max_rate > 0)
			t = fmax(t, 1.0 / c->max_rate);
		due = fmin(due, ref + t);
	}
	return due;
}

double lf_sched_due(const struct lf_sched *s)
{
	double ceil = ceiling_due(s);
	double due = fmax(periodic_due(s), ceil);

	if (s->pending)
		due = fmin(due, fmax(s->first_latch + s->cfg.quarantine,
				     ceil));
	return due;
}

bool lf_sched_ready(const struct lf_sched *s, double now)
{
	return now >= lf_sched_due(s);
}

bool lf_sched_pending(const struct lf_sched *s)
{
	return s->pending;
}

void lf_sched_latch(struct lf_sched *s, double now, uint32_t kinds,
		    uint32_t features)
{
	s->n_latched++;
	if (s->pending) {
		s->n_coalesced++;
	} else {
		s->pending = true;
		s->first_latch = now;
	}
	s->kinds |= kinds;
	s->features |= features;
}

void lf_sched_sent(struct lf_sched *s, double now, uint32_t *kinds,
		   uint32_t *features)
{
	if (kinds)
		*kinds = s->kinds;
	if (features)
		*features = s->features;
	s->pending = false;
	s->kinds = 0;
	s->features = 0;

	s->hist[s->hist_head] = now;
	s->hist_head = (s->hist_head + 1) % LF_SCHED_HIST;
	if (s->hist_len < LF_SCHED_HIST)
		s->hist_len++;
	s->n_sent++;

	if (s->cfg.adaptive_min_rate > 0) {
		double dt = now - s->adaptive_at;
		if (dt > 0)
			s->adaptive_count *=
				exp(-dt / s->cfg.adaptive_period);
		s->adaptive_count += 1.0;
		s->adaptive_at = now;
	}
}

void lf_sched_shift(struct lf_sched *s, double shift)
{
	unsigned i;

	for (i = 0; i < LF_SCHED_HIST; i++)
		s->hist[i] += shift;
	s->started += shift;
	s->adaptive_at += shift;
	s->first_latch += shift;
}
