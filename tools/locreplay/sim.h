/*
 * sim.h: the notifier simulated on a trace's own clock.
 *
 * One subscription (a parsed filter) watches one target whose fixes come
 * in order. For each fix the filter is evaluated (filters/lf.h) against
 * the last *sent* notification; what fires is latched into the
 * subscription's schedule (filters/lf_sched.h: quarantine, 10/s and 30 per
 * 30 s), and notifications are released at the times the schedule allows,
 * each carrying the newest fix and the containment the spec calls for
 * (LF-41/42, Q-10). The first fix gets the initial notification (the one
 * answering the SUBSCRIBE, exempt from delay).
 *
 * Clock: a fix's own time when it has one; a fix without time happens at
 * the current clock (used for distance and containment, no speed derived,
 * Q-18); a fix whose time goes backwards or repeats is processed at the
 * current clock too, so the clock never runs backwards and nothing is
 * divided by a zero time step.
 *
 * Ownership: the simulation borrows geo, filter and builder; notes passed
 * to the handler are valid during the call only.
 */
#ifndef LOCREPLAY_SIM_H
#define LOCREPLAY_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "filters/lf.h"
#include "filters/lf_sched.h"
#include "geo/geo.h"
#include "geo/geo_trace.h"
#include "pidf/pidf.h"

struct rp_cont {
	size_t feature;              /* index into the filter's features */
	enum geo_position position;
};

/* One notification that would be sent. */
struct rp_note {
	unsigned seq;                /* 1, 2, ... */
	double time;                 /* send time, UNIX s (trace clock) */
	const struct geo_fix *fix;   /* the newest fix it carries */
	size_t fix_index;            /* 0-based index of that fix */
	uint32_t triggers;           /* LF_FIRED_* bits */
	size_t ncont;                /* containment entries reported */
	const struct rp_cont *cont;
	/* The PIDF-LO body (when the simulation builds bodies), or NULL. */
	const char *body;
	size_t body_len;
};

typedef int(rp_note_h)(const struct rp_note *note, void *arg);

struct rp_sim_conf {
	struct lf_sched_cfg sched;   /* rate limits and quarantine */
	const char *entity;          /* presence entity for bodies */
	bool build_bodies;           /* build a PIDF-LO per notification */
};

struct rp_sim;

/*
 * Start a simulation. pb may be NULL unless the filter has value
 * triggers or conf->build_bodies is set. Returns 0, EINVAL or ENOMEM.
 */
int rp_sim_alloc(struct rp_sim **simp, struct geo_ctx *geo,
		 const struct lf_filter *filter, struct pidf_builder *pb,
		 const struct rp_sim_conf *conf, rp_note_h *h, void *arg)
	__attribute__((warn_unused_result));
void rp_sim_free(struct rp_sim *sim);

/*
 * Feed the next fix. Notifications falling due before it are released
 * first. Returns 0, the handler's non-zero return, or an error of the
 * evaluation (geo/pidf), with a reason in *msg (static storage of sim).
 */
int rp_sim_fix(struct rp_sim *sim, const struct geo_fix *fix)
	__attribute__((warn_unused_result));

/* End of trace: release what is still pending, at its due time. */
int rp_sim_finish(struct rp_sim *sim) __attribute__((warn_unused_result));

/* Reason for the last error, or "". */
const char *rp_sim_error(const struct rp_sim *sim);

struct rp_sim_stats {
	size_t fixes;
	size_t untimed;       /* fixes without time */
	size_t clock_held;    /* fixes whose time repeated or went back */
	size_t notes;
	uint64_t latched;     /* trigger firings */
	uint64_t coalesced;   /* firings merged into a pending one */
};

void rp_sim_stats(const struct rp_sim *sim, struct rp_sim_stats *st);

/*
 * A fix as a PIDF-LO location: a Point (2-D, or 3-D with altitude) in *pt,
 * the fix's time, speed and course, method GPS. loc->shape points at pt.
 */
void rp_fix_location(const struct geo_fix *fx, struct geo_shape *pt,
		     struct pidf_location *loc);

/* JSON names of the LF_FIRED_* bits, in bit order; NULL ends. */
const char *rp_trigger_name(unsigned bit);

#endif
