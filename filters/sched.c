/*
 * sched.c: the per-subscription NOTIFY schedule (lf_sched.h).
 *
 * The adaptive-min-rate "count" of RFC 6446 7.2 is kept as an
 * exponentially decayed count of sends with time constant `period`
 * (initialised to period * a as the RFC says); RFC 6446 7.4 allows an
 * alternative to a sliding count as long as max-rate and min-rate hold,
 * and this one needs no per-send storage beyond the count itself: the
 * time it refers to is the last send (or the start while none).
 *
 * Compact state (issue 6): the last send time exact, the 31 before it
 * milliseconds after `base` (uint32_t, rounded up), rate settings
 * single-precision intervals rounded towards the safe side (lf_sched.h,
 * "Precision").
 */
#include "filters/lf_sched.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <string.h>

/* One per subscription: keep it small (issue 6: <= 2 KB in all). */
_Static_assert(sizeof(struct lf_sched) <= 200, "struct lf_sched grew");

#define MS_MAX 4294967295.0     /* UINT32_MAX: 49.7 days of ms */
#define MS_SLACK 1e-3           /* ms: float noise tolerated by ceil */

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

/* ------------------------------------------------------------------ */
/* Packing                                                             */

/* v as a float >= v (> 0 stays > 0); NaN and <= 0 read as 0. */
static float f_up(double v)
{
	float f;

	if (!(v > 0))
		return 0;
	if (v >= FLT_MAX)
		return FLT_MAX;
	f = (float)v;
	return (double)f < v ? nextafterf(f, FLT_MAX) : f;
}

/* v as a float <= v, but > 0 when v > 0 (a setting stays enabled). */
static float f_down(double v)
{
	float f;

	if (!(v > 0))
		return 0;
	if (v >= FLT_MAX)
		return FLT_MAX;
	f = (float)v;
	if ((double)f > v)
		f = nextafterf(f, 0);
	return f > 0 ? f : nextafterf(0, 1);
}

static void cfg_pack(struct lf_sched *s, const struct lf_sched_cfg *c)
{
	struct lf_sched_pcfg *p = &s->cfg;

	memset(p, 0, sizeof(*p));
	p->quarantine = f_up(c->quarantine);
	p->burst_window = f_up(c->burst_window);
	p->window = f_up(c->window);
	p->max_interval = c->max_rate > 0 ? f_up(1.0 / c->max_rate) : 0;
	p->min_interval = c->min_rate > 0 ? f_down(1.0 / c->min_rate) : 0;
	p->adaptive_interval = c->adaptive_min_rate > 0 ?
			       f_down(1.0 / c->adaptive_min_rate) : 0;
	p->adaptive_period = f_up(c->adaptive_period);
	s->burst_n = (uint8_t)c->burst_n;
	s->window_n = (uint8_t)c->window_n;
}

/* ------------------------------------------------------------------ */
/* Send history: `last` exact, the 31 before it in ms after `base`     */

#define RING (LF_SCHED_HIST - 1)

/* The k-th most recent send time (k = 1 is the last); -INF if none. */
static double hist_back(const struct lf_sched *s, unsigned k)
{
	if (k == 0 || k > s->hist_len)
		return -INFINITY;
	if (k == 1)
		return s->last;
	return s->base + (double)s->hist_ms[(s->hist_head + RING - (k - 1)) %
					   RING] / 1000.0;
}

double lf_sched_last_sent(const struct lf_sched *s)
{
	return hist_back(s, 1);
}

/* Move base by d whole ms (d > 0: later): entries before the new base
 * read as the base, those past the range as its end. */
static void rebase(struct lf_sched *s, double d)
{
	unsigned i;

	for (i = 0; i < RING; i++) {
		double e = (double)s->hist_ms[i] - d;

		s->hist_ms[i] = !(e > 0) ? 0 : e >= MS_MAX ? UINT32_MAX :
			       (uint32_t)e;
	}
	s->base += d / 1000.0;
}

/* Push t (finite), the send before the newest, into the ring. */
static void ring_push(struct lf_sched *s, double t)
{
	double rel = ceil((t - s->base) * 1000.0 - MS_SLACK);
	unsigned i, n = s->hist_len - 1u; /* entries in the ring */

	if (rel < 0) {
		/* The clock went back past the base: move the base. */
		rebase(s, rel);
		rel = 0;
	} else if (rel > MS_MAX) {
		/* Keep the whole ring if it spans less than the range,
		 * else as much of it as fits. */
		double d = rel - MS_MAX, oldest = MS_MAX;

		for (i = 1; i <= n && i <= RING; i++) {
			uint32_t e = s->hist_ms[(s->hist_head + RING - i) %
						RING];

			if ((double)e < oldest)
				oldest = e;
		}
		if (n && oldest > d)
			d = oldest;
		rebase(s, d);
		rel -= d;
	}
	/* Within range even for absurd times (rounding at 1e38, or NaN
	 * once a time overflowed): the conversion below must be defined. */
	if (!(rel >= 0))
		rel = 0;
	else if (rel > MS_MAX)
		rel = MS_MAX;
	s->hist_ms[s->hist_head] = (uint32_t)rel;
	s->hist_head = (uint8_t)((s->hist_head + 1) % RING);
}

/* Record a send at now (finite). */
static void hist_add(struct lf_sched *s, double now)
{
	if (s->hist_len)
		ring_push(s, s->last);
	s->last = now;
	if (s->hist_len < LF_SCHED_HIST)
		s->hist_len++;
}

/* ------------------------------------------------------------------ */
/* Schedule                                                            */

void lf_sched_init(struct lf_sched *s, const struct lf_sched_cfg *cfg,
		   double now)
{
	memset(s, 0, sizeof(*s));
	s->last = now;
	s->base = now;
	lf_sched_set_cfg(s, cfg);
}

void lf_sched_set_cfg(struct lf_sched *s, const struct lf_sched_cfg *cfg)
{
	bool adaptive_was = s->cfg.adaptive_interval > 0;
	struct lf_sched_cfg c = *cfg;

	lf_sched_cfg_adjust(&c, 0);
	cfg_pack(s, &c);
	if (s->cfg.adaptive_interval > 0 && !adaptive_was) {
		/* RFC 6446 7.2 step 1: count starts at period * a, as of
		 * the last send (or the start). */
		s->adaptive_count = (float)((double)s->cfg.adaptive_period /
					    (double)s->cfg.adaptive_interval);
	}
}

/* Earliest time any new NOTIFY may go out under the ceilings. */
static double ceiling_due(const struct lf_sched *s)
{
	const struct lf_sched_pcfg *c = &s->cfg;
	double due = -INFINITY;

	if (c->max_interval > 0 && s->hist_len)
		due = fmax(due, s->last + (double)c->max_interval);
	if (s->burst_n && s->hist_len >= s->burst_n)
		due = fmax(due, hist_back(s, s->burst_n) +
				(double)c->burst_window);
	if (s->window_n && s->hist_len >= s->window_n)
		due = fmax(due, hist_back(s, s->window_n) + (double)c->window);
	return due;
}

/* When a periodic full-state NOTIFY falls due (RC-12, RC-13). */
static double periodic_due(const struct lf_sched *s)
{
	const struct lf_sched_pcfg *c = &s->cfg;
	double ref = s->last;    /* the last send, or the start */
	double due = INFINITY;

	if (c->min_interval > 0)
		due = ref + (double)c->min_interval;
	if (c->adaptive_interval > 0) {
		/* count / (a^2 period), a = 1 / adaptive_interval */
		double ai = c->adaptive_interval;
		double t = (double)s->adaptive_count * ai * ai /
			   (double)c->adaptive_period;
		if (c->max_interval > 0)
			t = fmax(t, (double)c->max_interval);
		due = fmin(due, ref + t);
	}
	return due;
}

double lf_sched_due(const struct lf_sched *s)
{
	double ceil_t = ceiling_due(s);
	double due = fmax(periodic_due(s), ceil_t);

	if (s->pending)
		due = fmin(due, fmax(s->first_latch +
				     (double)s->cfg.quarantine, ceil_t));
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
	if (!isfinite(now))
		return;
	if (s->cfg.adaptive_interval > 0) {
		double dt = now - s->last;
		double n = s->adaptive_count;

		if (dt > 0)
			n *= exp(-dt / (double)s->cfg.adaptive_period);
		s->adaptive_count = (float)fmin(n + 1.0, FLT_MAX);
	}
	hist_add(s, now);
}

void lf_sched_shift(struct lf_sched *s, double shift)
{
	s->last += shift;
	s->base += shift;
	s->first_latch += shift;
}

/* ------------------------------------------------------------------ */
/* Encoding (lf_sched.h): explicit fields, little-endian, versioned    */

_Static_assert(sizeof(float) == 4 && sizeof(double) == 8,
	       "the encoding assumes IEEE-754 binary32 and binary64");

static unsigned char *put_u32(unsigned char *b, uint32_t v)
{
	int i;

	for (i = 0; i < 4; i++)
		b[i] = (unsigned char)(v >> (8 * i));
	return b + 4;
}

static unsigned char *put_f32(unsigned char *b, float v)
{
	uint32_t u;

	memcpy(&u, &v, sizeof(u));
	return put_u32(b, u);
}

static unsigned char *put_f64(unsigned char *b, double v)
{
	uint64_t u;
	int i;

	memcpy(&u, &v, sizeof(u));
	for (i = 0; i < 8; i++)
		b[i] = (unsigned char)(u >> (8 * i));
	return b + 8;
}

static uint32_t get_u32(const unsigned char **b)
{
	const unsigned char *p = *b;

	*b += 4;
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static float get_f32(const unsigned char **b)
{
	uint32_t u = get_u32(b);
	float v;

	memcpy(&v, &u, sizeof(v));
	return v;
}

static double get_f64(const unsigned char **b)
{
	uint64_t u = 0;
	double v;
	int i;

	for (i = 0; i < 8; i++)
		u |= (uint64_t)(*b)[i] << (8 * i);
	*b += 8;
	memcpy(&v, &u, sizeof(v));
	return v;
}

int lf_sched_encode(const struct lf_sched *s, unsigned char *buf,
		    size_t size, size_t *len)
{
	const struct lf_sched_pcfg *c = &s->cfg;
	unsigned char *p = buf;
	unsigned i;

	if (size < LF_SCHED_ENC_MAX)
		return EOVERFLOW;
	*p++ = LF_SCHED_ENC_MAGIC;
	*p++ = LF_SCHED_ENC_VERSION;
	p = put_f64(p, s->last);
	p = put_f64(p, s->first_latch);
	p = put_f64(p, s->base);
	for (i = 0; i < RING; i++)
		p = put_u32(p, s->hist_ms[i]);
	p = put_f32(p, c->quarantine);
	p = put_f32(p, c->burst_window);
	p = put_f32(p, c->window);
	p = put_f32(p, c->max_interval);
	p = put_f32(p, c->min_interval);
	p = put_f32(p, c->adaptive_interval);
	p = put_f32(p, c->adaptive_period);
	p = put_f32(p, s->adaptive_count);
	p = put_u32(p, s->kinds);
	p = put_u32(p, s->features);
	p = put_u32(p, s->n_latched);
	p = put_u32(p, s->n_coalesced);
	*p++ = s->burst_n;
	*p++ = s->window_n;
	*p++ = s->hist_head;
	*p++ = (unsigned char)s->hist_len;
	*p++ = (unsigned char)s->pending;
	*len = (size_t)(p - buf);
	return 0;
}

/* A time: finite and within +-LF_SCHED_ENC_TIME_MAX. */
static bool t_ok(double v)
{
	return fabs(v) <= LF_SCHED_ENC_TIME_MAX;
}

/* A setting or count: finite and >= 0. */
static bool f_ok(float v)
{
	return isfinite(v) && v >= 0;
}

int lf_sched_decode(struct lf_sched *s, const unsigned char *buf,
		    size_t len)
{
	struct lf_sched n;
	struct lf_sched_pcfg *c = &n.cfg;
	const unsigned char *p = buf;
	unsigned i, hist_len, pending;

	if (!buf || len != LF_SCHED_ENC_MAX || p[0] != LF_SCHED_ENC_MAGIC ||
	    p[1] != LF_SCHED_ENC_VERSION)
		return EBADMSG;
	p += 2;
	memset(&n, 0, sizeof(n));
	n.last = get_f64(&p);
	n.first_latch = get_f64(&p);
	n.base = get_f64(&p);
	for (i = 0; i < RING; i++)
		n.hist_ms[i] = get_u32(&p);
	c->quarantine = get_f32(&p);
	c->burst_window = get_f32(&p);
	c->window = get_f32(&p);
	c->max_interval = get_f32(&p);
	c->min_interval = get_f32(&p);
	c->adaptive_interval = get_f32(&p);
	c->adaptive_period = get_f32(&p);
	n.adaptive_count = get_f32(&p);
	n.kinds = get_u32(&p);
	n.features = get_u32(&p);
	n.n_latched = get_u32(&p);
	n.n_coalesced = get_u32(&p);
	n.burst_n = *p++;
	n.window_n = *p++;
	n.hist_head = *p++;
	hist_len = *p++;
	pending = *p++;
	if (!t_ok(n.last) || !t_ok(n.first_latch) || !t_ok(n.base) ||
	    !f_ok(c->quarantine) ||
	    !f_ok(c->burst_window) || !f_ok(c->window) ||
	    !f_ok(c->max_interval) || !f_ok(c->min_interval) ||
	    !f_ok(c->adaptive_interval) || !f_ok(c->adaptive_period) ||
	    !f_ok(n.adaptive_count) ||
	    (c->adaptive_interval > 0 && !(c->adaptive_period > 0)) ||
	    n.burst_n > LF_SCHED_HIST || n.window_n > LF_SCHED_HIST ||
	    n.hist_head >= RING || hist_len > LF_SCHED_HIST || pending > 1)
		return EBADMSG;
	n.hist_len = hist_len & 0x7fu;
	n.pending = pending & 1u;
	*s = n;
	return 0;
}
