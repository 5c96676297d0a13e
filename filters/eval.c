/*
 * eval.c: per-subscription evaluation (LOCATION.md 2.7).
 *
 * The state keeps two snapshots: `ref`, the observation carried by the
 * last NOTIFY sent (LF-24; set by lf_state_commit), and `cur`, the newest
 * evaluated observation. Every comparison is against `ref`: distances
 * are straight displacements from the last notified point (LF-27, T4);
 * containment and values are compared with what was last sent. Speed is
 * the exception: it is an observation (the update's own, else derived
 * from the previous fix, Q-18) driving an edge-triggered arm (T5).
 * Containment: undefined keeps the previous state. Arrays are
 * sized at lf_state_alloc, in the state's one allocation; only value
 * buffers may grow (amortised).
 */
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "filters/lf_int.h"
#include "pidf/pidf.h"

#define DEFAULT_CONFIDENCE 0.95  /* RFC 7459 4.1 */
#define SPEED_MIN_DT 1.0         /* s */

struct lf_obs {
	bool has_pos;
	struct geo_point pt;    /* representative point */
	double time;            /* NAN: unknown */
	double unc;             /* uncertainty radius (m), Q-18 */
	bool has_speed;
	double speed;
};

struct lf_state {
	const struct lf_filter *f;
	bool initial;           /* no commit yet */
	bool evaluated;         /* cur is valid */
	bool committed;         /* cur already committed */
	bool armed;             /* speedExceeds arm */
	bool need_speed;        /* the filter has a speed condition */
	struct lf_obs ref, cur;
	enum geo_position *cont_ref;
	enum geo_position *cont_cur;
	struct lf_containment *out;
	struct lf_val *vref;
	struct lf_val *vcur;
	struct lf_val *vnew;
	bool *cond_true;
};

/* The array at off in block b, or NULL when empty (off 0). */
static void *state_at(char *b, size_t off)
{
	return off ? b + off : NULL;
}

int lf_state_alloc(const struct lf_filter *f, struct lf_state **stp)
{
	struct lf_state *st;
	size_t end = sizeof(*st), o_vr, o_vc, o_vn, o_out, o_cr, o_cc, o_ct;
	char *b;
	size_t i;

	if (!f || !stp)
		return EINVAL;
	/* One allocation: the struct, then its arrays sized by the filter;
	 * empty ones are NULL, except the result's containment array
	 * (callers may copy zero elements from it). */
	o_vr = lf_block_take(&end, f->nval, sizeof(*st->vref));
	o_vc = lf_block_take(&end, f->nval, sizeof(*st->vcur));
	o_vn = lf_block_take(&end, f->nval, sizeof(*st->vnew));
	o_out = lf_block_take(&end, f->nfeat ? f->nfeat : 1, sizeof(*st->out));
	o_cr = lf_block_take(&end, f->nfeat, sizeof(*st->cont_ref));
	o_cc = lf_block_take(&end, f->nfeat, sizeof(*st->cont_cur));
	o_ct = lf_block_take(&end, f->nconds, sizeof(*st->cond_true));
	b = calloc(1, end);
	if (!b)
		return ENOMEM;
	st = (struct lf_state *)b;
	st->vref = state_at(b, o_vr);
	st->vcur = state_at(b, o_vc);
	st->vnew = state_at(b, o_vn);
	st->out = state_at(b, o_out);
	st->cont_ref = state_at(b, o_cr);
	st->cont_cur = state_at(b, o_cc);
	st->cond_true = state_at(b, o_ct);
	st->f = f;
	st->initial = true;
	st->armed = true;
	for (i = 0; i < f->nconds; i++)
		if (f->conds[i].kind == LF_KIND_SPEED)
			st->need_speed = true;
	*stp = st;
	return 0;
}

void lf_state_free(struct lf_state *st)
{
	size_t i;

	if (!st)
		return;
	for (i = 0; i < st->f->nval; i++) {
		lf_val_free(&st->vref[i]);
		lf_val_free(&st->vcur[i]);
		lf_val_free(&st->vnew[i]);
	}
	free(st);               /* the arrays live in the same block */
}

bool lf_state_initial(const struct lf_state *st)
{
	return !st || st->initial;
}

static void val_swap(struct lf_val *a, struct lf_val *b)
{
	struct lf_val t = *a;

	*a = *b;
	*b = t;
}

void lf_state_commit(struct lf_state *st)
{
	size_t i;

	if (!st || st->committed)
		return;
	if (!st->evaluated) {
		/* A NOTIFY before any update (EV-19, no location yet): the
		 * reference stays "nothing known", so the first fix fires
		 * movement and any containment or value now known. */
		st->committed = true;
		st->initial = false;
		return;
	}
	st->ref = st->cur;
	if (st->f->nfeat)
		memcpy(st->cont_ref, st->cont_cur,
		       st->f->nfeat * sizeof(*st->cont_ref));
	/* cur's buffers become ref's; the next evaluation rewrites cur. */
	for (i = 0; i < st->f->nval; i++)
		val_swap(&st->vref[i], &st->vcur[i]);
	st->committed = true;
	st->initial = false;
}

void lf_update_from_pidf(struct lf_update *u,
			 const struct pidf_location *loc,
			 const struct _xmlNode *location_info)
{
	if (!u)
		return;
	memset(u, 0, sizeof(*u));
	u->time = NAN;
	u->confidence = DEFAULT_CONFIDENCE;
	u->location_info = location_info;
	if (!loc)
		return;
	u->est = loc->shape;
	if (loc->has_time)
		u->time = loc->time;
	if (loc->confidence > 0 && loc->confidence <= 1)
		u->confidence = loc->confidence;
	u->has_speed = loc->has_speed;
	u->speed = loc->speed;
}

/* ------------------------------------------------------------------ */
/* Observation                                                         */

static double unc_radius(const struct geo_shape *s)
{
	switch (s->kind) {
	case GEO_SHAPE_CIRCLE:
	case GEO_SHAPE_SPHERE:
		return s->radius;
	case GEO_SHAPE_ELLIPSE:
	case GEO_SHAPE_ELLIPSOID:
		return s->semi_major;
	case GEO_SHAPE_ARCBAND:
		return s->outer_radius;
	default:
		return 0.0;
	}
}

static void observe(const struct geo_ctx *geo, const struct lf_obs *prev,
		    bool have_prev, bool need_speed,
		    const struct lf_update *u, struct lf_obs *o)
{
	double mps;

	memset(o, 0, sizeof(*o));
	o->time = isfinite(u->time) ? u->time : NAN;
	if (u->est) {
		if (u->est->kind == GEO_SHAPE_POINT) {
			o->pt = u->est->center;
			o->has_pos = true;
		} else {
			o->has_pos = geo_shape_center(geo, u->est,
						      &o->pt) == 0;
		}
		if (o->has_pos && !geo_point_valid(&o->pt))
			o->has_pos = false;
		o->unc = unc_radius(u->est);
	}
	if (u->has_speed && isfinite(u->speed) && u->speed >= 0) {
		o->has_speed = true;
		o->speed = u->speed;
		return;
	}
	/* derive from the previous fix when dt >= 1 s and the move
	 * exceeds the combined uncertainty; otherwise unknown. */
	if (!need_speed || !have_prev || !prev->has_pos || !o->has_pos ||
	    !isfinite(prev->time) || !isfinite(o->time))
		return;
	if (geo_speed(geo, &prev->pt, prev->time, &o->pt, o->time,
		      SPEED_MIN_DT, &mps) != 0 || !isfinite(mps))
		return;
	if (mps * (o->time - prev->time) <= prev->unc + o->unc &&
	    prev->unc + o->unc > 0)
		return;
	o->has_speed = true;
	o->speed = mps;
}

/* WGS 84 geodetic -> ECEF (m); LF-31's 3-D chord. */
static void ecef(const struct geo_point *p, double alt, double out[3])
{
	const double a = 6378137.0, f = 1.0 / 298.257223563;
	const double e2 = f * (2.0 - f);
	const double d2r = M_PI / 180.0;
	double sl = sin(p->lat * d2r), cl = cos(p->lat * d2r);
	double n = a / sqrt(1.0 - e2 * sl * sl);

	out[0] = (n + alt) * cl * cos(p->lon * d2r);
	out[1] = (n + alt) * cl * sin(p->lon * d2r);
	out[2] = (n * (1.0 - e2) + alt) * sl;
}

/*
 * LF-28: 3-D distance from the last notified point. An altitude now but
 * none in the last NOTIFY fires (Q-12: first fix of that component); an
 * altitude only in the last NOTIFY leaves the horizontal chord, a lower
 * bound, so a large horizontal move still fires (LF-31).
 */
static bool moved_3d(const struct lf_obs *ref, const struct lf_obs *o,
		     double thr)
{
	bool both = ref->pt.has_alt && o->pt.has_alt;
	double a[3], b[3], d2;

	if (o->pt.has_alt && !ref->pt.has_alt)
		return true;
	ecef(&ref->pt, both ? ref->pt.alt : 0.0, a);
	ecef(&o->pt, both ? o->pt.alt : 0.0, b);
	d2 = (a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]) +
	     (a[2] - b[2]) * (a[2] - b[2]);
	return d2 >= thr * thr;
}

/* ------------------------------------------------------------------ */
/* Values (LF-32..35)                                                  */

static bool tok_eq(const struct lf_val *v, const char *s)
{
	return v->count > 0 && !v->tok.truncated &&
	       strcmp(v->tok.len ? v->tok.p : "", s) == 0;
}

static bool tok_num(const struct lf_val *v, double *d)
{
	return v->count > 0 && v->tok.len > 0 &&
	       lf_decimal_parse(v->tok.p, d) == 0;
}

static bool canon_differs(const struct lf_val *a, const struct lf_val *b)
{
	return a->count != b->count || !lf_buf_eq(&a->canon, &b->canon);
}

/* old: last sent, nw: now. */
static bool value_fires(const struct lf_value *v, const struct lf_val *old,
			const struct lf_val *nw)
{
	double o, n;

	switch (v->op) {
	case LF_VOP_ADDED:
		return old->count == 0 && nw->count > 0;
	case LF_VOP_REMOVED:
		return old->count > 0 && nw->count == 0;
	case LF_VOP_VALUE:
		return canon_differs(old, nw);
	case LF_VOP_CHANGED:
		break;
	}
	if (!v->from && !v->to && !v->has_by)
		return canon_differs(old, nw);
	if (v->has_by) {
		if (!tok_num(old, &o) || !tok_num(nw, &n))
			return false;
		if (v->from && o != v->from_num)
			return false;
		if (v->to && n != v->to_num)
			return false;
		return n != o && fabs(n - o) >= v->by &&
		       (!v->from || n != v->from_num) &&
		       (!v->to || o != v->to_num);
	}
	if (v->from && (!tok_eq(old, v->from) || tok_eq(nw, v->from)))
		return false;
	if (v->to && (!tok_eq(nw, v->to) || tok_eq(old, v->to)))
		return false;
	return true;
}

/* ------------------------------------------------------------------ */
/* Evaluation                                                          */

static int containment(struct geo_ctx *geo, struct lf_state *st,
		       const struct lf_update *u, const struct lf_obs *o,
		       double conf)
{
	/* Locals: the stores below could alias the filter's arrays. */
	const struct lf_feature *feats = st->f->feats;
	const enum geo_position *cont_cur = st->cont_cur;
	struct lf_containment *out = st->out;
	size_t i, nfeat = st->f->nfeat;
	int e;

	for (i = 0; i < nfeat; i++) {
		const struct lf_feature *ft = &feats[i];
		enum geo_position pos = GEO_POS_UNDEFINED;

		if ((u->hidden >> i) & 1u) {
			out[i].position = GEO_POS_UNDEFINED;
			continue;
		}
		/* An estimate without a valid position is no estimate. */
		if (ft->region && u->est && o->has_pos) {
			if (u->est->kind == GEO_SHAPE_POINT)
				e = geo_region_test_point(geo, ft->region,
							  &u->est->center,
							  &pos);
			else
				e = geo_region_test(geo, ft->region, u->est,
						    conf, &pos, NULL);
			if (e)
				return e;
		}
		/* undefined keeps the previous state. */
		out[i].position = pos != GEO_POS_UNDEFINED ? pos : cont_cur[i];
	}
	return 0;
}

static bool cond_eval(struct geo_ctx *geo, struct lf_state *st,
		      const struct lf_cond *c, const struct lf_obs *o,
		      const struct lf_update *u)
{
	const struct lf_obs *ref = &st->ref;
	double d;

	switch (c->kind) {
	case LF_KIND_MOVED_H:
		if (!o->has_pos)
			return false;
		if (!ref->has_pos)
			return true;    /* first fix fires */
		return geo_distance_at_least(geo, &ref->pt, &o->pt,
					     c->threshold);
	case LF_KIND_MOVED_V:
		if (!o->has_pos || !o->pt.has_alt)
			return false;   /* unknown component (LF-31) */
		if (!ref->has_pos || !ref->pt.has_alt)
			return true;    /* first altitude fires */
		if (geo_distance_vert(&ref->pt, &o->pt, &d) != 0)
			return false;
		return d >= c->threshold;
	case LF_KIND_MOVED_3D:
		if (!o->has_pos)
			return false;
		if (!ref->has_pos)
			return true;
		return moved_3d(ref, o, c->threshold);
	case LF_KIND_SPEED:
		/* Edge-triggered: fire on the first observed speed
		 * above T, re-arm on an observed speed <= T. */
		if (!o->has_speed)
			return false;
		if (st->initial) {
			st->armed = o->speed <= c->threshold;
			return false;
		}
		if (o->speed <= c->threshold) {
			st->armed = true;
			return false;
		}
		if (!st->armed)
			return false;
		st->armed = false;
		return true;
	case LF_KIND_VALUE:
	case LF_KIND_CHANGED:
		return value_fires(&st->f->vals[c->index],
				   &st->vref[c->index],
				   &st->vnew[c->index]);
	case LF_KIND_REGION:
		if ((u->hidden >> c->index) & 1u)
			return false;   /* */
		return st->out[c->index].position != GEO_POS_UNDEFINED &&
		       st->out[c->index].position != st->cont_ref[c->index];
	default:
		return false;
	}
}

int lf_eval(struct geo_ctx *geo, struct lf_state *st,
	    const struct lf_update *u, struct lf_result *res)
{
	const struct lf_filter *f;
	const struct lf_cond *conds;
	const struct lf_group *groups;
	bool *cond_true;
	struct lf_obs o;
	double conf;
	uint32_t fired = 0, changed = 0;
	unsigned multi = 0;
	size_t i, g, ngroups, nconds;
	int e;

	if (!geo || !st || !u || !res)
		return EINVAL;
	f = st->f;
	memset(res, 0, sizeof(*res));
	conf = u->confidence > 0 && u->confidence <= 1 ? u->confidence :
							 DEFAULT_CONFIDENCE;
	observe(geo, &st->cur, st->evaluated, st->need_speed, u, &o);
	e = containment(geo, st, u, &o, conf);
	if (e)
		return e;
	for (i = 0; i < f->nval; i++) {
		e = lf_xpath_eval(&f->vals[i].xp, u->location_info,
				  &st->vnew[i]);
		if (e)
			return e;
		if (st->vnew[i].count > 1)
			multi++;
	}
	conds = f->conds;
	groups = f->groups;
	cond_true = st->cond_true;
	ngroups = f->ngroups;
	nconds = f->nconds;
	for (i = 0; i < nconds; i++)
		cond_true[i] = cond_eval(geo, st, &conds[i], &o, u);
	for (g = 0; g < ngroups; g++) {
		const struct lf_group *gr = &groups[g];
		uint32_t bits = 0;
		bool all = gr->n > 0;

		for (i = gr->first; i < gr->first + gr->n; i++) {
			all = all && cond_true[i];
			bits |= LF_FIRED_KIND(conds[i].kind);
		}
		if (all)
			fired |= bits;
	}
	if (ngroups == 0)
		fired = LF_FIRED_ANY_UPDATE;   /* LF-26: no trigger */
	if (st->initial)
		fired = LF_FIRED_INITIAL;      /* LF-25 */
	for (i = 0; i < f->nfeat; i++) {
		struct lf_containment *c = &st->out[i];
		bool hidden = (u->hidden >> i) & 1u;

		c->feature = i;
		c->changed = st->initial ||
			     (!hidden && c->position != st->cont_ref[i]);
		if (c->changed)
			changed |= 1u << i;
		st->cont_cur[i] = c->position;
	}
	for (i = 0; i < f->nval; i++)
		val_swap(&st->vcur[i], &st->vnew[i]);
	st->cur = o;
	st->evaluated = true;
	st->committed = false;
	res->fired = fired;
	res->changed_features = changed;
	res->ncont = f->nfeat;
	res->cont = st->out;
	res->multi_node = multi;
	return 0;
}
