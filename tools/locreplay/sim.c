/*
 * sim.c: the notifier simulated on a trace's clock (sim.h).
 */
#include "tools/locreplay/sim.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct rp_sim {
	struct geo_ctx *geo;
	const struct lf_filter *filter;
	struct pidf_builder *pb;
	struct rp_sim_conf conf;
	rp_note_h *h;
	void *arg;

	struct lf_state *st;
	struct lf_sched sched;
	bool need_doc;            /* value triggers: build per update */

	bool have_clock;
	double clock;
	struct geo_fix last;      /* newest fix evaluated */
	size_t last_index;
	bool have_last;
	struct lf_containment cont[LF_FEATURES_MAX]; /* newest evaluation */
	size_t ncont;
	uint32_t last_changed;    /* changed features, newest evaluation */

	struct rp_cont out[LF_FEATURES_MAX];
	unsigned seq;
	struct rp_sim_stats stats;
	char err[200];
};

static const char *const trigger_names[] = {
	"initial",     "movedHoriz", "movedVert", "speedExceeds",
	"valueChanges", "enterOrExit", "moved",    "changed",
	"update",      NULL,
};

const char *rp_trigger_name(unsigned bit)
{
	if (bit >= sizeof(trigger_names) / sizeof(trigger_names[0]))
		return NULL;
	return trigger_names[bit];
}

int rp_sim_alloc(struct rp_sim **simp, struct geo_ctx *geo,
		 const struct lf_filter *filter, struct pidf_builder *pb,
		 const struct rp_sim_conf *conf, rp_note_h *h, void *arg)
{
	struct rp_sim *sim;
	int e;

	if (!simp || !geo || !filter || !conf || !h)
		return EINVAL;
	sim = calloc(1, sizeof(*sim));
	if (!sim)
		return ENOMEM;
	sim->geo = geo;
	sim->filter = filter;
	sim->pb = pb;
	sim->conf = *conf;
	sim->h = h;
	sim->arg = arg;
	sim->need_doc = lf_filter_nvalues(filter) > 0;
	if ((sim->need_doc || conf->build_bodies) && (!pb || !conf->entity)) {
		free(sim);
		return EINVAL;
	}
	e = lf_state_alloc(filter, &sim->st);
	if (e) {
		free(sim);
		return e;
	}
	*simp = sim;
	return 0;
}

void rp_sim_free(struct rp_sim *sim)
{
	if (!sim)
		return;
	lf_state_free(sim->st);
	free(sim);
}

const char *rp_sim_error(const struct rp_sim *sim)
{
	return sim ? sim->err : "";
}

void rp_sim_stats(const struct rp_sim *sim, struct rp_sim_stats *st)
{
	*st = sim->stats;
	st->latched = sim->sched.n_latched;
	st->coalesced = sim->sched.n_coalesced;
}

void rp_fix_location(const struct geo_fix *fx, struct geo_shape *pt,
			 struct pidf_location *loc)
{
	memset(pt, 0, sizeof(*pt));
	pt->kind = GEO_SHAPE_POINT;
	pt->center = fx->pt;
	pt->dim = fx->pt.has_alt ? 3 : 2;
	pidf_location_init(loc);
	loc->shape = pt;
	loc->has_time = fx->has_time;
	loc->time = fx->time;
	loc->has_speed = fx->has_speed;
	loc->speed = fx->speed;
	loc->has_heading = fx->has_course;
	loc->heading = fx->course;
	snprintf(loc->method, sizeof(loc->method), "GPS");
}

/* Build the body for the newest fix with the given containment. */
static int build_body(struct rp_sim *sim, double now,
		      const struct rp_cont *cont, size_t ncont)
{
	struct pidf_containment pc[LF_FEATURES_MAX];
	struct pidf_build_in in;
	struct pidf_location loc;
	struct geo_shape pt;
	struct pidf_err pe = {0};
	int e;

	rp_fix_location(&sim->last, &pt, &loc);
	for (size_t i = 0; i < ncont; i++) {
		pc[i].feature =
			lf_filter_feature(sim->filter, cont[i].feature)->node;
		pc[i].position = cont[i].position;
	}
	memset(&in, 0, sizeof(in));
	in.entity = sim->conf.entity;
	in.loc = &loc;
	in.now = now;
	in.with_dynamic = true;
	in.with_method = true;
	in.containment = pc;
	in.ncontainment = ncont;
	e = pidf_build(sim->pb, &in, &pe);
	if (e)
		snprintf(sim->err, sizeof(sim->err), "building PIDF-LO: %s",
			 pe.msg);
	return e;
}

/* Send the notification the schedule allows at time t. */
static int emit(struct rp_sim *sim, double t)
{
	struct rp_note note;
	uint32_t kinds = 0, feats = 0;
	bool initial = lf_state_initial(sim->st);
	size_t n = 0;
	int e;

	lf_sched_sent(&sim->sched, t, &kinds, &feats);
	if (initial)
		kinds |= LF_FIRED_INITIAL;
	feats |= sim->last_changed;
	for (size_t i = 0; i < sim->ncont; i++) {
		size_t fi = sim->cont[i].feature;
		/* LF-41/42, Q-10: every feature at first, then those that
		 * changed or flipped while the notification was held. */
		if (!initial && !(fi < 32 && (feats & (1u << fi))))
			continue;
		sim->out[n].feature = fi;
		sim->out[n].position = sim->cont[i].position;
		n++;
	}
	memset(&note, 0, sizeof(note));
	note.seq = ++sim->seq;
	note.time = t;
	note.fix = &sim->last;
	note.fix_index = sim->last_index;
	note.triggers = kinds;
	note.ncont = n;
	note.cont = sim->out;
	if (sim->conf.build_bodies) {
		e = build_body(sim, t, sim->out, n);
		if (e)
			return e;
		note.body = pidf_builder_body(sim->pb, &note.body_len);
	}
	/* LF-24: what was sent becomes every trigger's reference. */
	lf_state_commit(sim->st);
	sim->last_changed = 0;
	sim->stats.notes++;
	return sim->h(&note, sim->arg);
}

/* Release every notification due no later than t. */
static int release_until(struct rp_sim *sim, double t)
{
	while (lf_sched_pending(&sim->sched)) {
		double due = lf_sched_due(&sim->sched);
		int e;
		if (!(due <= t))
			break;
		e = emit(sim, fmax(due, sim->clock));
		if (e)
			return e;
	}
	return 0;
}

int rp_sim_fix(struct rp_sim *sim, const struct geo_fix *fix)
{
	struct lf_update u;
	struct lf_result res;
	struct geo_shape pt;
	struct pidf_location loc;
	double t;
	int e;

	if (!sim || !fix)
		return EINVAL;
	sim->stats.fixes++;
	if (!fix->has_time)
		sim->stats.untimed++;
	if (fix->has_time && (!sim->have_clock || fix->time > sim->clock)) {
		t = fix->time;
	} else {
		if (fix->has_time)
			sim->stats.clock_held++;
		t = sim->have_clock ? sim->clock : 0;
	}
	if (!sim->have_clock) {
		lf_sched_init(&sim->sched, &sim->conf.sched, t);
		sim->have_clock = true;
		sim->clock = t;
	}
	e = release_until(sim, t);
	if (e)
		return e;
	sim->clock = t;

	sim->last = *fix;
	sim->last_index = sim->stats.fixes - 1;
	sim->have_last = true;
	rp_fix_location(fix, &pt, &loc);
	memset(&u, 0, sizeof(u));
	u.time = fix->has_time ? fix->time : NAN;
	u.est = &pt;
	u.confidence = NAN;
	u.has_speed = fix->has_speed;
	u.speed = fix->speed;
	if (sim->need_doc) {
		/* LF-32: the document this notification would carry. */
		e = build_body(sim, t, NULL, 0);
		if (e)
			return e;
		u.location_info = pidf_builder_location_info(sim->pb);
	}
	e = lf_eval(sim->geo, sim->st, &u, &res);
	if (e) {
		snprintf(sim->err, sizeof(sim->err),
			 "evaluating fix %zu: %s", sim->stats.fixes,
			 strerror(e));
		return e;
	}
	sim->ncont = res.ncont < LF_FEATURES_MAX ? res.ncont
						 : LF_FEATURES_MAX;
	memcpy(sim->cont, res.cont, sim->ncont * sizeof(sim->cont[0]));
	sim->last_changed = res.changed_features;

	if (lf_state_initial(sim->st))
		return emit(sim, t); /* answers the SUBSCRIBE: no delay */
	if (res.fired)
		lf_sched_latch(&sim->sched, t, res.fired,
			       res.changed_features);
	return release_until(sim, t);
}

int rp_sim_finish(struct rp_sim *sim)
{
	if (!sim)
		return EINVAL;
	return release_until(sim, INFINITY);
}
