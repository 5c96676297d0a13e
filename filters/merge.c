/*
 * merge.c: filter changes within a dialog (EV-10, RFC 4660 5.2.2,
 * draft 5.6). Draft: a new filter replaces the old one entirely. RFC: a
 * refresh's filter with a known id replaces that filter, remove="true"
 * deletes it, a new id is added, and two filters for one resource or
 * domain are an error (488).
 *
 * A merged filter copies the small parts (groups, conditions, compiled
 * XPaths, ids, values) and shares features (their kept XML copy,
 * strings, region) with the parsed filters they come from, which it
 * keeps alive by reference: each RFC filter with features remembers its
 * origin, so a long chain of refreshes keeps only the parsed filters
 * whose features are still in use, and none for featureless ones. Not
 * thread-safe (the counts are plain integers): a filter belongs to one
 * thread.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "filters/lf_int.h"

static struct lf_filter *origin_of(const struct lf_filter *f, size_t k)
{
	return f->origin && f->origin[k] ? f->origin[k] : (struct lf_filter *)f;
}

static void origin_use(struct lf_filter *out, struct lf_filter *o)
{
	size_t i;

	for (i = 0; i < out->norigins; i++)
		if (out->origins[i] == o)
			return;
	o->refs++;
	out->origins[out->norigins++] = o;
}

static char *dup_or_null(const char *s, bool *fail)
{
	char *d;

	if (!s)
		return NULL;
	d = strdup(s);
	if (!d)
		*fail = true;
	return d;
}

static int value_copy(struct lf_value *d, const struct lf_value *s)
{
	bool fail = false;
	unsigned i;

	memset(d, 0, sizeof(*d));
	d->op = s->op;
	d->has_by = s->has_by;
	d->by = s->by;
	d->from_num = s->from_num;
	d->to_num = s->to_num;
	d->from = dup_or_null(s->from, &fail);
	d->to = dup_or_null(s->to, &fail);
	d->xp.rooted = s->xp.rooted;
	d->xp.src = dup_or_null(s->xp.src, &fail);
	for (i = 0; i < s->xp.nsteps && !fail; i++) {
		d->xp.steps[i].attr = s->xp.steps[i].attr;
		d->xp.steps[i].ns = dup_or_null(s->xp.steps[i].ns, &fail);
		d->xp.steps[i].local = dup_or_null(s->xp.steps[i].local,
						   &fail);
		d->xp.nsteps = i + 1;
	}
	return fail ? ENOMEM : 0;
}

/* Does RFC filter k of f have an enterOrExit condition? */
static bool has_features(const struct lf_filter *f, size_t k)
{
	size_t g, c;

	for (g = 0; g < f->ngroups; g++) {
		const struct lf_group *sg = &f->groups[g];

		if (sg->rfc != k)
			continue;
		for (c = sg->first; c < sg->first + sg->n; c++)
			if (f->conds[c].kind == LF_KIND_REGION)
				return true;
	}
	return false;
}

/* Copy RFC filter k of src, with its groups, into out. */
static int rfc_copy(struct lf_pctx *pc, const struct lf_filter *src,
		    size_t k)
{
	struct lf_filter *out = pc->f;
	struct lf_rfc_filter *rf = &out->rfc[out->nrfc];
	const struct lf_rfc_filter *sf = &src->rfc[k];
	bool fail = false, feats;
	size_t g, c, idx, ri = out->nrfc;
	int e;

	*rf = *sf;
	rf->id = dup_or_null(sf->id, &fail);
	rf->uri = dup_or_null(sf->uri, &fail);
	rf->domain = dup_or_null(sf->domain, &fail);
	/* Only features are shared (their XML copy, strings, region);
	 * without any, the parsed filter is not kept alive for it. */
	feats = has_features(src, k);
	out->origin[ri] = feats ? origin_of(src, k) : NULL;
	out->nrfc++;
	if (fail)
		return lf_err_set(pc->err, ENOMEM, "out of memory");
	if (feats)
		origin_use(out, out->origin[ri]);
	for (g = 0; g < src->ngroups; g++) {
		const struct lf_group *sg = &src->groups[g];

		if (sg->rfc != k)
			continue;
		e = lf_group_add(pc, ri, NULL);
		for (c = sg->first; !e && c < sg->first + sg->n; c++) {
			const struct lf_cond *sc = &src->conds[c];

			idx = 0;
			if (sc->kind == LF_KIND_CHANGED ||
			    sc->kind == LF_KIND_VALUE) {
				e = lf_value_add(pc, &idx);
				if (!e && value_copy(&out->vals[idx],
						     &src->vals[sc->index]))
					e = lf_err_set(pc->err, ENOMEM,
						       "out of memory");
			} else if (sc->kind == LF_KIND_REGION) {
				if (out->nfeat >= LF_FEATURES_MAX) {
					e = lf_err_set(pc->err, EOVERFLOW,
						       "more than %d "
						       "enterOrExit features",
						       LF_FEATURES_MAX);
					break;
				}
				idx = out->nfeat++;
				out->feats[idx] = src->feats[sc->index];
				if (out->feats[idx].region)
					geo_region_ref(out->feats[idx].region);
			}
			if (!e)
				e = lf_cond_add(pc, sc->kind, sc->threshold,
						idx);
		}
		if (e)
			return e;
	}
	return 0;
}

static const struct lf_rfc_filter *find_id(const struct lf_filter *f,
					   const char *id)
{
	size_t i;

	for (i = 0; i < f->nrfc; i++)
		if (strcmp(f->rfc[i].id, id) == 0)
			return &f->rfc[i];
	return NULL;
}

static bool str_same(const char *a, const char *b)
{
	return a && b ? strcmp(a, b) == 0 : a == b;
}

int lf_filter_merge(const struct lf_filter *old, const struct lf_filter *upd,
		    struct lf_filter **outp, struct lf_err *err)
{
	struct lf_filter *out;
	struct lf_pctx pc;
	size_t i, j, n = 0;
	int e = 0;

	if (!upd || !outp)
		return lf_err_set(err, EINVAL, "bad argument");
	if (old && old->mode != upd->mode)
		return lf_err_set(err, EBADMSG,
				  "filter form changed within the dialog");
	if (!old || upd->mode == LF_MODE_DRAFT) {
		/* Draft 5.6: a new filter replaces the old entirely. */
		*outp = lf_filter_hold(upd);
		return 0;
	}
	out = lf_scratch_new();
	if (!out)
		return lf_err_set(err, ENOMEM, "out of memory");
	out->mode = LF_MODE_RFC;
	for (i = 0; i < old->nrfc; i++)
		n += !old->rfc[i].remove;
	n += upd->nrfc;
	if (n > LF_RFC_FILTERS_MAX) {
		e = lf_err_set(err, EOVERFLOW, "more than %d filters",
			       LF_RFC_FILTERS_MAX);
		goto out;
	}
	pc.geo = NULL;
	pc.opts = NULL;
	pc.f = out;
	pc.err = err;
	/* Old filters the refresh does not name, then the refresh's own. */
	for (i = 0; !e && i < old->nrfc; i++)
		if (!old->rfc[i].remove && !find_id(upd, old->rfc[i].id))
			e = rfc_copy(&pc, old, i);
	for (i = 0; !e && i < upd->nrfc; i++)
		if (!upd->rfc[i].remove)
			e = rfc_copy(&pc, upd, i);
	if (e)
		goto out;
	/* RFC 4660 4.2/5.2: a new id for a filtered resource is an error. */
	for (i = 0; i < out->nrfc; i++) {
		for (j = 0; j < i; j++) {
			if (!str_same(out->rfc[i].uri, out->rfc[j].uri) ||
			    !str_same(out->rfc[i].domain,
				      out->rfc[j].domain))
				continue;
			e = lf_err_set(err, EBADMSG,
				       "filters %.40s and %.40s address the "
				       "same resource", out->rfc[j].id,
				       out->rfc[i].id);
			goto out;
		}
	}
	for (i = 0; i < out->nrfc; i++) {
		if (out->rfc[i].enabled && out->rfc[i].has_what) {
			out->what = out->rfc[i].what;
			break;
		}
	}
	e = lf_filter_seal(out, NULL, 0, outp);
	if (e) {
		lf_err_set(err, e, "out of memory");
		goto out;
	}
	return 0;
out:
	lf_filter_free(out);
	return e;
}
