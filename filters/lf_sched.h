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
 * clock), nothing is read or allocated; the struct is fixed-size. Used by
 * the daemon's notifier and by locreplay's offline simulation alike.
 * Not thread-safe; one subscription is handled by one thread.
 */
#ifndef LF_SCHED_H
#define LF_SCHED_H

#include <stdbool.h>
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

struct lf_sched {
	struct lf_sched_cfg cfg;
	double hist[LF_SCHED_HIST]; /* send times, ring */
	unsigned hist_head;         /* index of the next write */
	unsigned hist_len;          /* valid entries, <= LF_SCHED_HIST */
	double started;             /* lf_sched_init time */
	double adaptive_count;      /* decayed count of sends (RC-13) */
	double adaptive_at;         /* time adaptive_count refers to */
	bool pending;
	double first_latch;         /* time the slot was first latched */
	uint32_t kinds;             /* OR of latched trigger kinds */
	uint32_t features;          /* OR of latched feature flips */
	uint64_t n_latched;         /* latches (trigger firings) */
	uint64_t n_coalesced;       /* latches merged into a pending slot */
	uint64_t n_sent;            /* sends recorded */
};

/* Start a subscription's schedule at time now. cfg is copied. */
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
 * NULL. Call for every NOTIFY, exempt ones included.
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

#endif
