/*
 * notifier.c: per-subscription evaluation and scheduling, as
 * tools/locreplay/sim.c does offline (LOCATION.md 2.7, 6.3, Q-10):
 * every update is evaluated on the subscriber's authorised view
 * (SEC-16) against the last NOTIFY sent; what fires is latched into the
 * lf_sched slot; one stack timer per subscription, armed at
 * lf_sched_due, releases it (quarantine, 10/s, 30/30 s, RFC 6446 rates,
 * periodic min-rate NOTIFYs); the body is rebuilt from the newest state
 * at release, with the features that changed or flipped meanwhile.
 * Shapes (issue 5 item 5): a precise view keeps the published shape,
 * confidence and civic address (struct locd_loc): lf_eval gets them
 * (RFC 6447 / RFC 7459 50 % rule, LF-37/38, Q-11) and the NOTIFY
 * carries them.  A coarse view is the representative point snapped to
 * the policy's grid: the shape is dropped (its extent would sharpen the
 * cell), as are speed and heading.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "locd/locd_int.h"

#define NOTI_LOG "notifier"
#define PIDF_CTYPE "application/pidf+xml"
/*
 * A NOTIFY that could not leave for a transient local reason (ENOBUFS:
 * the stack's transaction cap or a full socket buffer; ENOMEM) is tried
 * again this long later, doubled for each failure in a row up to 64
 * times as long, plus up to as much again (spread per subscription, so
 * the failures of a storm do not retry in step), with full state: what
 * fired is not lost until the next trigger.
 */
#define NOTI_RETRY_MS 1000u
#define NOTI_RETRY_SHIFT_MAX 6u
/* NOTIFY failures logged per second at most (a storm would flood the
 * log); the rest are counted (notify_failures) and summed up later. */
#define NOTI_LOG_PER_S 10u
/* ls's Call-ID for log lines */
#define LS_CID(ls)                                                     \
	(&(struct sip_pl){locd_lsub_callid(ls),                        \
			  strlen(locd_lsub_callid(ls))})

/* Feature i's position in the packed containment of ls. */
static enum geo_position cont_get(const struct locd_lsub *ls, size_t i)
{
	return (enum geo_position)((ls->cont >> (2 * i)) & 3u);
}

/* The subscriber's authorised view of fix (SEC-16); false: none. */
static bool view_of(const struct locd_lsub *ls, const struct locd_pos *fix,
		    struct locd_pos *view)
{
	double radius = 0;

	if (!ls->located)
		return false;
	*view = *fix;
	if (ls->dec.precision == LOCD_PRECISION_PRECISE)
		return true;
	if (fix->civic_only)
		return false; /* no point to snap; civic views: not yet */
	if (locd_policy_apply(&ls->dec, &fix->pt, &view->pt, &radius))
		return false;
	/* speed and heading would sharpen a coarse view */
	view->has_speed = false;
	view->has_heading = false;
	return true;
}

static void point_of(const struct locd_pos *v, struct geo_shape *pt)
{
	memset(pt, 0, sizeof(*pt));
	pt->kind = GEO_SHAPE_POINT;
	pt->center = v->pt;
	pt->dim = v->pt.has_alt ? 3 : 2;
}

/* "pres:user@host" for a target AOR. */
static void entity_of(const struct locd_lsub *ls, char *buf, size_t sz)
{
	const char *a = ls->tgt ? ls->tgt->aor : "sip:unknown@invalid";
	const char *c = strchr(a, ':');

	snprintf(buf, sz, "pres:%s", c ? c + 1 : a);
}

/* The published location of a view (NULL: only its point). */
static const struct pidf_location *loc_of(const struct locd_loc *l)
{
	return l && l->doc ? &l->doc->loc : NULL;
}

/* Build a PIDF-LO for view v (shape etc. from vl) with the given
 * containment. */
static int build(struct locd_lsub *ls, const struct locd_pos *v,
		 const struct locd_loc *vl,
		 const struct lf_containment *cont, size_t n, double now)
{
	const struct pidf_location *pl = loc_of(vl);
	struct pidf_containment pc[LF_FEATURES_MAX];
	struct pidf_build_in in;
	struct pidf_location loc;
	struct geo_shape pt;
	struct pidf_err pe = {0};
	char entity[LOCD_AOR_MAX + 8];
	size_t i, k = 0;
	int e;

	entity_of(ls, entity, sizeof(entity));
	point_of(v, &pt);
	pidf_location_init(&loc);
	loc.shape = &pt;
	if (pl) {
		loc.shape = pl->shape; /* NULL: civic only */
		loc.confidence = pl->confidence;
		loc.has_confidence = pl->has_confidence;
		loc.pdf = pl->pdf;
		loc.civic = pl->civic;
	}
	loc.has_time = true;
	loc.time = v->time;
	loc.has_speed = v->has_speed;
	loc.speed = v->speed;
	loc.has_heading = v->has_heading;
	loc.heading = v->heading;
	for (i = 0; i < n && k < LF_FEATURES_MAX; i++) {
		const struct lf_feature *f =
			lf_filter_feature(ls->filter, cont[i].feature);
		if (!f || !f->node)
			continue;
		pc[k].feature = f->node;
		pc[k].position = cont[i].position;
		k++;
	}
	memset(&in, 0, sizeof(in));
	in.entity = entity;
	in.loc = &loc;
	in.now = now;
	in.with_dynamic = ls->dec.precision == LOCD_PRECISION_PRECISE;
	in.with_method = false;
	in.containment = k ? pc : NULL;
	in.ncontainment = k;
	e = pidf_build(ls->d->pb, &in, &pe);
	if (e)
		locd_log(ls->d->log, LOCD_LOG_WARNING, NOTI_LOG, LS_CID(ls),
			 "building PIDF-LO: %s", pe.msg);
	return e;
}

/* Evaluate the authorised view v (shape from vl, may be NULL); returns
 * the fired bits. */
static uint32_t eval_view(struct locd_lsub *ls, const struct locd_pos *vp,
			  struct locd_loc *vl)
{
	const struct pidf_location *pl = loc_of(vl);
	struct locd *d = ls->d;
	struct lf_update u;
	struct lf_result res;
	struct geo_shape pt;
	struct locd_pos v = *vp;
	struct timespec t0, t1;
	size_t i;
	int e;

	if (v.civic_only && !pl)
		return 0; /* nothing to say (cannot happen: views keep it) */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	point_of(&v, &pt);
	memset(&u, 0, sizeof(u));
	u.time = v.time;
	/* civic only: no estimate, containment undefined (LF-37) */
	u.est = pl ? pl->shape : &pt;
	u.confidence = pl && pl->has_confidence ? pl->confidence : NAN;
	u.has_speed = v.has_speed;
	u.speed = v.speed;
	u.hidden = ls->hidden;
	if (lf_filter_nvalues(ls->filter) > 0) {
		/* LF-32: the document this notification would carry */
		if (build(ls, &v, vl, NULL, 0, v.time))
			return 0;
		u.location_info = pidf_builder_location_info(d->pb);
	}
	e = lf_eval(d->geo, ls->st, &u, &res);
	if (e) {
		locd_log(d->log, LOCD_LOG_WARNING, NOTI_LOG, LS_CID(ls),
			 "evaluation failed: %s", strerror(e));
		return 0;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	locd_metric_observe(d->std.eval_seconds,
			    (double)(t1.tv_sec - t0.tv_sec) +
				    (t1.tv_nsec - t0.tv_nsec) / 1e9);
	ls->cont = 0;
	for (i = 0; i < res.ncont; i++) {
		size_t fi = res.cont[i].feature;
		if (fi < LF_FEATURES_MAX)
			ls->cont |= (uint64_t)(res.cont[i].position & 3u)
				    << (2 * fi);
	}
	ls->last_changed = res.changed_features;
	ls->have_eval = true;
	ls->view = v;
	locd_loc_set(&ls->vloc, vl);
	return res.fired;
}

/* Evaluate the target's current fix; returns the fired bits. */
static uint32_t eval(struct locd_lsub *ls)
{
	struct locd_pos v;

	if (!ls->tgt || !ls->tgt->has_fix || !view_of(ls, &ls->tgt->fix, &v)) {
		ls->have_eval = false;
		return 0;
	}
	return eval_view(ls, &v,
			 ls->dec.precision == LOCD_PRECISION_PRECISE
				 ? ls->tgt->loc
				 : NULL);
}

void locd_notifier_restore_ref(struct locd_lsub *ls, bool have,
			       const struct locd_pos *sent)
{
	if (have && ls->located)
		(void)eval_view(ls, sent, NULL);
	lf_state_commit(ls->st);
	ls->have_sent = have && ls->have_eval;
	if (ls->have_sent)
		ls->sent = *sent;
	ls->last_changed = 0;
}

/* The document without location (none known or none allowed). */
static int build_empty(struct locd_lsub *ls, const char **body,
		       size_t *len)
{
	struct locd *d = ls->d;
	char entity[LOCD_AOR_MAX + 8];
	int n;

	entity_of(ls, entity, sizeof(entity));
	n = snprintf(d->ebuf, sizeof(d->ebuf),
		     "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		     "<presence xmlns=\"urn:ietf:params:xml:ns:pidf\" "
		     "entity=\"%s\"/>\n", entity);
	if (n < 0 || (size_t)n >= sizeof(d->ebuf))
		return EOVERFLOW;
	*body = d->ebuf;
	*len = (size_t)n;
	return 0;
}

int locd_notifier_body(struct locd_lsub *ls, bool all, double now,
		       const char **body, size_t *len)
{
	struct lf_containment out[LF_FEATURES_MAX];
	uint32_t kinds = 0, feats = 0;
	bool initial = lf_state_initial(ls->st);
	size_t i, n = 0, nf = lf_filter_nfeatures(ls->filter);
	int e;

	if (all || !ls->have_eval)
		(void)eval(ls); /* full state from the newest fix */
	lf_sched_sent(&ls->sched, now, &kinds, &feats);
	feats |= ls->last_changed;
	all = all || initial || ls->resync;
	/* 2.6: RFC 6447 has no containment element unless configured */
	for (i = 0; (ls->mode == LF_MODE_DRAFT || ls->d->cfg->rfc_containment)
		    && ls->have_eval && i < nf && i < LF_FEATURES_MAX; i++) {
		/* LF-41/42, Q-10: all at first, then what changed or
		 * flipped while the notification was held */
		if (!all && !(feats & (1u << i)))
			continue;
		out[n].feature = i;
		out[n].position = cont_get(ls, i);
		out[n].changed = (ls->last_changed >> i) & 1u;
		n++;
	}
	if (ls->have_eval) {
		e = build(ls, &ls->view, ls->vloc, out, n, now);
		if (e)
			return e;
		*body = pidf_builder_body(ls->d->pb, len);
	} else {
		e = build_empty(ls, body, len);
		if (e)
			return e;
	}
	if (locd_log_on(ls->d->log, LOCD_LOG_DEBUG))
		locd_log(ls->d->log, LOCD_LOG_DEBUG, NOTI_LOG, LS_CID(ls),
			 "NOTIFY kinds 0x%x features 0x%x: %.*s",
			 (unsigned)kinds, (unsigned)feats,
			 (int)*len, *body);
	if (!ls->have_eval && ls->have_sent) {
		/* location now unknown; the next fix is a first one */
		struct lf_state *nst;
		if (!lf_state_alloc(ls->filter, &nst)) {
			lf_state_free(ls->st);
			ls->st = nst;
		}
	}
	/* LF-24: what is sent becomes every trigger's reference */
	lf_state_commit(ls->st);
	ls->have_sent = ls->have_eval;
	if (ls->have_eval)
		ls->sent = ls->view;
	ls->last_changed = 0;
	ls->resync = false;
	return 0;
}

static void timer_h(void *arg);

/* May a NOTIFY failure be logged now?  Sums up the ones that were not. */
static bool fail_log_ok(struct locd *d)
{
	uint64_t sec = locd_now_ms(d) / 1000;

	if (sec != d->nlog_sec) {
		if (d->nlog_dropped)
			locd_log(d->log, LOCD_LOG_WARNING, NOTI_LOG, NULL,
				 "%llu more NOTIFY failures not logged",
				 (unsigned long long)d->nlog_dropped);
		d->nlog_sec = sec;
		d->nlog_n = 0;
		d->nlog_dropped = 0;
	}
	if (d->nlog_n < NOTI_LOG_PER_S) {
		d->nlog_n++;
		return true;
	}
	d->nlog_dropped++;
	return false;
}

/* Bits of every feature of ls's filter (none without a filter). */
static uint32_t all_features(const struct locd_lsub *ls)
{
	size_t nf = ls->filter ? lf_filter_nfeatures(ls->filter) : 0;

	return nf >= 32 ? UINT32_MAX : (uint32_t)((1u << nf) - 1);
}

/* The NOTIFY just built for ls did not leave (transient): latch it again
 * (every feature, full state) and try later (NOTI_RETRY_MS, backoff). */
static void retry_arm(struct locd_lsub *ls, double now)
{
	uint64_t base = (uint64_t)NOTI_RETRY_MS << ls->nretry;
	uint64_t ms = base + (uint64_t)(((uintptr_t)ls >> 6) % base);

	if (ls->nretry < NOTI_RETRY_SHIFT_MAX)
		ls->nretry++;

	lf_sched_latch(&ls->sched, now, LF_FIRED_ANY_UPDATE,
		       all_features(ls));
	if (sip_timer_start(ls->d->st, &ls->timer, ms, timer_h, ls))
		sip_timer_cancel(&ls->timer);
}

void locd_notifier_arm(struct locd_lsub *ls)
{
	double due = lf_sched_due(&ls->sched), now, ms;

	if (!isfinite(due)) {
		sip_timer_cancel(&ls->timer);
		return;
	}
	now = locd_now_s(ls->d);
	ms = due > now ? ceil((due - now) * 1000.0) : 0;
	if (ms > 86400e3 * 30)
		ms = 86400e3 * 30;
	if (sip_timer_start(ls->d->st, &ls->timer, (uint64_t)ms, timer_h,
			    ls))
		sip_timer_cancel(&ls->timer);
}

void locd_notifier_update(struct locd_lsub *ls, double now)
{
	uint32_t fired;
	bool was_pending;

	if (!ls->sub)
		return;
	if (!ls->tgt->has_fix) {
		/* every publication gone: containment undefined; tell
		 * a subscriber that was told a location */
		ls->have_eval = false;
		if (ls->have_sent && ls->located) {
			lf_sched_latch(&ls->sched, now, LF_FIRED_REGION,
				       all_features(ls));
			locd_notifier_arm(ls);
		}
		return;
	}
	fired = eval(ls);
	if (fired) {
		was_pending = lf_sched_pending(&ls->sched);
		lf_sched_latch(&ls->sched, now, fired, ls->last_changed);
		if (was_pending)
			locd_metric_inc(ls->d->std.notify_coalesced);
	}
	locd_notifier_arm(ls);
}

/*
 * take a token from the process-wide bucket (notify.global_rate
 * per second, global_burst deep, refilled from the stack's clock).
 * False: none left, *wait s until the next one.
 */
static bool bucket_take(struct locd *d, double now, double *wait)
{
	double rate = d->cfg->global_rate, depth = d->cfg->global_burst;

	if (rate <= 0)
		return true;
	if (now > d->bucket_at) {
		d->bucket_tokens += (now - d->bucket_at) * rate;
		if (d->bucket_tokens > depth)
			d->bucket_tokens = depth;
		d->bucket_at = now;
	}
	if (d->bucket_tokens >= 1) {
		d->bucket_tokens -= 1;
		return true;
	}
	*wait = (1 - d->bucket_tokens) / rate;
	return false;
}

void locd_notifier_bucket_init(struct locd *d)
{
	d->bucket_tokens = d->cfg->global_burst;
	d->bucket_at = locd_now_s(d);
}

static void timer_h(void *arg)
{
	struct locd_lsub *ls = arg;
	struct locd *d = ls->d;
	double now = locd_now_s(d), wait = 0;
	const char *b;
	size_t l;
	bool periodic;
	int e;

	if (!lf_sched_ready(&ls->sched, now)) {
		locd_notifier_arm(ls);
		return;
	}
	if (!bucket_take(d, now, &wait)) {
		/* held, still pending: the newest state goes with the token */
		locd_metric_inc(d->global_limited);
		if (sip_timer_start(d->st, &ls->timer,
				    (uint64_t)ceil(wait * 1000.0), timer_h,
				    ls))
			sip_timer_cancel(&ls->timer);
		return;
	}
	periodic = !lf_sched_pending(&ls->sched);
	if (!periodic &&
	    now > ls->sched.first_latch + ls->sched.cfg.quarantine + 0.005)
		locd_metric_inc(d->std.notify_rate_limited);
	e = locd_notifier_body(ls, periodic, now, &b, &l);
	if (!e)
		e = sip_sub_notify(ls->sub, b, l, PIDF_CTYPE,
				   locd_now_ms(d));
	if (e) {
		if (fail_log_ok(d))
			locd_log(d->log, LOCD_LOG_WARNING, NOTI_LOG,
				 LS_CID(ls), "NOTIFY not sent: %s",
				 strerror(e));
		ls->resync = true;
		locd_metric_inc(d->std.notify_failures);
	} else {
		locd_metric_inc(d->std.notify_sent);
		ls->nretry = 0;
	}
	locd_persist_mark(ls, false);
	if (e == ENOBUFS || e == ENOMEM)
		retry_arm(ls, now);
	else
		locd_notifier_arm(ls);
	locd_sipio_rearm(d);
}

void locd_notifier_result(struct locd_lsub *ls, int err, uint16_t scode)
{
	if (!err && scode < 300)
		return;
	/* 2.7 step 7: other failures keep it, next NOTIFY full state */
	ls->resync = true;
	locd_metric_inc(ls->d->std.notify_failures);
	if (fail_log_ok(ls->d))
		locd_log(ls->d->log, LOCD_LOG_NOTICE, NOTI_LOG, LS_CID(ls),
			 "NOTIFY answered %u", (unsigned)scode);
}
