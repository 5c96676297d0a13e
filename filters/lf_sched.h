/*
 * lf_sched.h: when may a subscription's next NOTIFY go out?
 *
 * One struct lf_sched per subscription holds the "pending slot" and the
 * send history of LOCATION.md section 6.3: triggers that fire are latched
 * into the slot (fired kinds and flipped features OR'ed, RC-11: full
 * state, the newest replaces the older); the slot is released no earlier
 * than
 *   max(first_latch + quarantine,             RC-3, Q-26
 *       last_send + 1 / max_rate,             RC-8 (RFC 6446)
 *       t(send[-burst_n]) + burst_window,     RC-1: 10 per 1 s
 *       t(send[-window_n]) + window)          RC-2: 30 per 30 s
 * and a periodic full-state NOTIFY is due after 1 / min_rate (RC-12) or
 * the adaptive-min-rate timeout (RC-13), still under the ceilings.
 * NOTIFYs that answer a SUBSCRIBE, and terminating ones, are exempt from
 * delay but enter the history (RC-8).
 *
 * Pure and deterministic: time is an argument (seconds on a monotonic
 * clock), nothing is read or allocated; the struct is fixed-size (200
 * bytes: one per subscription, issue 6). Used by the daemon's notifier
 * and by locreplay's offline simulation alike.
 * Precision: the last send time is exact; older ones (for the burst and
 * window limits) are kept in milliseconds, rounded up, so those limits
 * release at most 1 ms later and never earlier (beyond 1 us of float
 * noise). Rate settings are single-precision intervals, exact for
 * binary fractions and integers, else rounded so that ceilings only
 * tighten and periodic NOTIFYs only come sooner; the adaptive count is
 * single precision (relative error ~1e-7). Times may span any range: the
 * millisecond base moves when an older send would overflow 2^32 ms (49.7
 * days); a send more than that before the one after it then reads as
 * 49.7 days older (it matters only to windows that long).
 * Not thread-safe; one subscription is handled by one thread.
 */
#ifndef LF_SCHED_H
#define LF_SCHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LF_SCHED_HIST 32 /* send times kept: >= the largest window_n */

/* Rate settings of one subscription; rates in notifications/second. */
struct lf_sched_cfg {
	double quarantine;        /* s, hold before release (0: none) */
	unsigned burst_n;         /* at most burst_n ... (0: no limit) */
	double burst_window;      /* ... per burst_window s */
	unsigned window_n;        /* at most window_n ... (0: no limit) */
	double window;            /* ... per window s */
	double max_rate;          /* RFC 6446 max-rate, 0 = none */
	double min_rate;          /* RFC 6446 min-rate, 0 = none */
	double adaptive_min_rate; /* RFC 6446 adaptive-min-rate, 0 = none */
	double adaptive_period;   /* s, the "period" of RFC 6446 7.4 */
};

/* The draft's defaults: 10/s, 30 per 30 s, quarantine 500 ms. */
void lf_sched_cfg_init(struct lf_sched_cfg *cfg);

/*
 * Make rates consistent (RC-14): min-rate and adaptive-min-rate are
 * lowered to max-rate; min-rate is dropped when >= adaptive-min-rate;
 * and (RC-9) max-rate is raised so 1/max-rate fits in `remaining`
 * seconds of subscription (remaining <= 0: left alone).
 */
void lf_sched_cfg_adjust(struct lf_sched_cfg *cfg, double remaining);

/* The rate settings a schedule keeps (lf_sched_set_cfg packs them):
 * seconds, 0 = none, from struct lf_sched_cfg after lf_sched_cfg_adjust.
 * Intervals instead of rates: 1 / max_rate rounded up, 1 / min_rate and
 * 1 / adaptive_min_rate rounded down. burst_n and window_n are in struct
 * lf_sched (one byte each). */
struct lf_sched_pcfg {
	float quarantine;         /* rounded up */
	float burst_window;       /* rounded up */
	float window;             /* rounded up */
	float max_interval;       /* 1 / max_rate */
	float min_interval;       /* 1 / min_rate */
	float adaptive_interval;  /* 1 / adaptive_min_rate */
	float adaptive_period;
};

/* Fields read by callers: pending, first_latch, cfg.quarantine, the
 * counters; the rest is private (use the functions, lf_sched_shift to
 * change clocks). */
struct lf_sched {
	double last;                /* the last send (exact), or the init
				       time while nothing was sent */
	double first_latch;         /* time the slot was first latched */
	double base;                /* s; hist_ms counts from here */
	uint32_t hist_ms[LF_SCHED_HIST - 1]; /* the sends before the last,
						ms after base (rounded
						up), ring */
	struct lf_sched_pcfg cfg;
	float adaptive_count;       /* decayed count of sends (RC-13) at
				       `last` */
	uint32_t kinds;             /* OR of latched trigger kinds */
	uint32_t features;          /* OR of latched feature flips */
	uint32_t n_latched;         /* latches (trigger firings), wraps */
	uint32_t n_coalesced;       /* latches merged into a pending slot */
	uint8_t burst_n;            /* cfg: <= LF_SCHED_HIST */
	uint8_t window_n;           /* cfg: <= LF_SCHED_HIST */
	uint8_t hist_head;          /* hist_ms index of the next write */
	unsigned hist_len : 7;      /* sends known, last included, <= 32 */
	unsigned pending : 1;
};

/* Start a subscription's schedule at time now. cfg is copied (packed,
 * after lf_sched_cfg_adjust with no remaining time). */
void lf_sched_init(struct lf_sched *s, const struct lf_sched_cfg *cfg,
		   double now);

/* Replace the rate settings (refresh, or a 2xx to NOTIFY, RC-16). */
void lf_sched_set_cfg(struct lf_sched *s, const struct lf_sched_cfg *cfg);

/* A trigger fired at now: latch kinds and flipped features. */
void lf_sched_latch(struct lf_sched *s, double now, uint32_t kinds,
		    uint32_t features);

/*
 * Earliest time the pending slot may be released, or the time a periodic
 * (min-rate / adaptive) NOTIFY falls due when nothing is pending; INFINITY
 * when nothing will ever be due.
 */
double lf_sched_due(const struct lf_sched *s);

/* True when a NOTIFY should be sent at now (pending or periodic). */
bool lf_sched_ready(const struct lf_sched *s, double now);

/* True when the slot holds latched triggers (false: periodic only). */
bool lf_sched_pending(const struct lf_sched *s);

/*
 * Record that a NOTIFY went out at now, and take (clear) the slot: the
 * latched kinds and features are written to *kinds / *features when not
 * NULL. Call for every NOTIFY, exempt ones included. A non-finite now
 * takes the slot but enters no history.
 */
void lf_sched_sent(struct lf_sched *s, double now, uint32_t *kinds,
		   uint32_t *features);

/* Time of the last NOTIFY recorded, or -INFINITY. */
double lf_sched_last_sent(const struct lf_sched *s);

/*
 * Move every time the schedule holds by shift seconds (to store it
 * against another clock, e.g. monotonic -> wall and back on restart).
 * Use this instead of touching the fields: their layout is private.
 */
void lf_sched_shift(struct lf_sched *s, double shift);

/*
 * Versioned, explicit encoding of a schedule (to persist it, issue 6):
 * LF_SCHED_ENC_MAGIC, LF_SCHED_ENC_VERSION, then every field at a fixed
 * width, little-endian, IEEE-754 for floating point, no padding:
 *   last, first_latch, base                 3 x f64
 *   hist_ms[LF_SCHED_HIST - 1]              31 x u32
 *   cfg: quarantine, burst_window, window, max_interval, min_interval,
 *        adaptive_interval, adaptive_period 7 x f32
 *   adaptive_count                          f32
 *   kinds, features, n_latched, n_coalesced 4 x u32
 *   burst_n, window_n, hist_head, hist_len, pending   5 x u8
 * LF_SCHED_ENC_MAX bytes in all (the encoding has one length). The times
 * are those of the clock the schedule runs on (lf_sched_shift first to
 * store them against another clock).
 *
 * lf_sched_encode writes it to buf (size bytes) and its length to *len:
 * 0, or EOVERFLOW when size < LF_SCHED_ENC_MAX (buf and *len untouched).
 *
 * lf_sched_decode reads exactly len bytes: 0, or EBADMSG with *s left
 * untouched unless the length, magic and version match and every field
 * is in range: times finite and within +-LF_SCHED_ENC_TIME_MAX seconds
 * (any clock in use: 31,700 years; so no later arithmetic overflows);
 * settings and the adaptive count finite and
 * >= 0 (adaptive_period > 0 when adaptive_interval is); burst_n,
 * window_n, hist_len <= LF_SCHED_HIST; hist_head < LF_SCHED_HIST - 1;
 * pending 0 or 1. Any byte
 * string is safe to pass (e.g. an older locd's raw struct: refused).
 */
#define LF_SCHED_ENC_MAGIC 0x53u   /* 'S' */
#define LF_SCHED_ENC_VERSION 1u
#define LF_SCHED_ENC_TIME_MAX 1e12 /* s */
#define LF_SCHED_ENC_MAX (2 + 3 * 8 + (LF_SCHED_HIST - 1) * 4 + 8 * 4 + \
			  4 * 4 + 5)
int lf_sched_encode(const struct lf_sched *s, unsigned char *buf,
		    size_t size, size_t *len);
int lf_sched_decode(struct lf_sched *s, const unsigned char *buf,
		    size_t len);

#endif
