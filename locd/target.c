/*
 * target.c: targets indexed by AOR: the current fix and the
 * subscriptions watching it (a chained hash table that doubles), and a
 * recency list for the cap (ingest.max_targets, issue 5 item 6): at the
 * cap a new target evicts the least recently updated one that nothing
 * refers to (no subscription, no live publication, not queued for
 * evaluation).  Its last fix stays in the store.  Targets in use met on
 * the way are moved to the recent end, so a search looks at each at
 * most once per pass.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "locd/locd_int.h"

#define TARGETS_NB0 64

struct locd_loc *locd_loc_new(struct pidf_doc *doc)
{
	struct locd_loc *l = calloc(1, sizeof(*l));

	if (!l) {
		pidf_doc_free(doc);
		return NULL;
	}
	l->refs = 1;
	l->doc = doc;
	return l;
}

struct locd_loc *locd_loc_hold(struct locd_loc *l)
{
	if (l)
		l->refs++;
	return l;
}

void locd_loc_drop(struct locd_loc *l)
{
	if (!l || --l->refs)
		return;
	pidf_doc_free(l->doc);
	free(l);
}

void locd_loc_set(struct locd_loc **slot, struct locd_loc *l)
{
	struct locd_loc *old = *slot;

	*slot = locd_loc_hold(l);
	locd_loc_drop(old);
}

static size_t aor_hash(const char *s)
{
	size_t h = 5381;

	for (; *s; s++)
		h = h * 33 + (unsigned char)*s;
	return h;
}

void locd_targets_init(struct locd_targets *t)
{
	memset(t, 0, sizeof(*t));
}

void locd_targets_reset(struct locd_targets *t)
{
	size_t i;

	for (i = 0; i < t->nb; i++) {
		struct locd_target *x = t->tab[i], *n;
		for (; x; x = n) {
			n = x->next;
			while (x->pubs) {
				struct locd_pub *p = x->pubs;
				x->pubs = p->next;
				locd_loc_drop(p->loc);
				free(p);
			}
			locd_loc_drop(x->loc);
			free(x->aor);
			free(x);
		}
	}
	free(t->tab);
	memset(t, 0, sizeof(*t));
}

static void lru_unlink(struct locd_targets *t, struct locd_target *x)
{
	if (x->lru_prev)
		x->lru_prev->lru_next = x->lru_next;
	else
		t->lru_old = x->lru_next;
	if (x->lru_next)
		x->lru_next->lru_prev = x->lru_prev;
	else
		t->lru_new = x->lru_prev;
	x->lru_prev = x->lru_next = NULL;
}

static void lru_append(struct locd_targets *t, struct locd_target *x)
{
	x->lru_next = NULL;
	x->lru_prev = t->lru_new;
	if (t->lru_new)
		t->lru_new->lru_next = x;
	else
		t->lru_old = x;
	t->lru_new = x;
}

static bool in_use(const struct locd_target *x)
{
	return x->subs || x->pubs || x->queued;
}

/* Forget x (unused): out of the hash chain and the list, freed. */
static void target_drop(struct locd_targets *t, struct locd_target *x)
{
	struct locd_target **pp = &t->tab[aor_hash(x->aor) % t->nb];

	while (*pp && *pp != x)
		pp = &(*pp)->next;
	if (*pp)
		*pp = x->next;
	lru_unlink(t, x);
	t->n--;
	locd_loc_drop(x->loc);
	free(x->aor);
	free(x);
}

/* Make room for one more target; ENOSPC when all are in use. */
static int evict_one(struct locd *d)
{
	struct locd_targets *t = &d->targets;
	size_t seen = 0, n = t->n;
	struct locd_target *x;

	while ((x = t->lru_old) != NULL && seen < n) {
		if (!in_use(x)) {
			locd_log(d->log, LOCD_LOG_INFO, "target", NULL,
				 "%s forgotten (%zu targets, the cap)",
				 x->aor, t->n);
			target_drop(t, x);
			locd_metric_inc(d->targets_evicted);
			return 0;
		}
		lru_unlink(t, x);
		lru_append(t, x);
		seen++;
	}
	return ENOSPC;
}

static int grow(struct locd_targets *t)
{
	size_t nb = t->nb ? t->nb * 2 : TARGETS_NB0, i;
	struct locd_target **tab = calloc(nb, sizeof(*tab));

	if (!tab)
		return ENOMEM;
	for (i = 0; i < t->nb; i++) {
		struct locd_target *x = t->tab[i], *n;
		for (; x; x = n) {
			size_t b = aor_hash(x->aor) % nb;
			n = x->next;
			x->next = tab[b];
			tab[b] = x;
		}
	}
	free(t->tab);
	t->tab = tab;
	t->nb = nb;
	return 0;
}

int locd_target_get(struct locd *d, const char *aor, bool create,
		    struct locd_target **tp)
{
	struct locd_targets *t = &d->targets;
	struct locd_target *x;
	size_t b;

	if (!aor || !tp)
		return EINVAL;
	if (t->nb) {
		b = aor_hash(aor) % t->nb;
		for (x = t->tab[b]; x; x = x->next) {
			if (strcmp(x->aor, aor) == 0) {
				if (create && x != t->lru_new) {
					lru_unlink(t, x);
					lru_append(t, x);
				}
				*tp = x;
				return 0;
			}
		}
	}
	if (!create)
		return ENOENT;
	if (t->max && t->n >= t->max && evict_one(d))
		return ENOSPC;
	if (t->n >= t->nb && grow(t))
		return ENOMEM;
	x = calloc(1, sizeof(*x));
	if (!x)
		return ENOMEM;
	x->aor = strdup(aor);
	if (!x->aor) {
		free(x);
		return ENOMEM;
	}
	b = aor_hash(aor) % t->nb;
	x->next = t->tab[b];
	t->tab[b] = x;
	lru_append(t, x);
	t->n++;
	*tp = x;
	return 0;
}

void locd_target_link(struct locd_target *t, struct locd_lsub *ls)
{
	ls->tgt = t;
	ls->prev = NULL;
	ls->next = t->subs;
	if (t->subs)
		t->subs->prev = ls;
	t->subs = ls;
}

void locd_target_unlink(struct locd_lsub *ls)
{
	struct locd_target *t = ls->tgt;

	if (!t)
		return;
	if (ls->prev)
		ls->prev->next = ls->next;
	else
		t->subs = ls->next;
	if (ls->next)
		ls->next->prev = ls->prev;
	ls->prev = ls->next = NULL;
	ls->tgt = NULL;
}

void locd_target_queue(struct locd *d, struct locd_target *t)
{
	if (t->queued)
		return;
	t->queued = true;
	t->qnext = d->queue;
	d->queue = t;
	locd_kick(d);
}

static bool newer(const struct locd_pos *a, uint64_t aseq,
		  const struct locd_pos *b, uint64_t bseq)
{
	return a->time > b->time || (a->time == b->time && aseq > bseq);
}

bool locd_target_current(struct locd_target *t)
{
	const struct locd_pos *best = NULL;
	struct locd_loc *bloc = NULL, *oldloc = t->loc;
	const struct locd_pub *p;
	uint64_t bseq = 0;
	bool had = t->has_fix;
	struct locd_pos old = t->fix;

	if (t->has_other) {
		best = &t->other;
		bseq = t->other_seq;
	}
	for (p = t->pubs; p; p = p->next) {
		if (!best || newer(&p->pos, p->seq, best, bseq)) {
			best = &p->pos;
			bloc = p->loc;
			bseq = p->seq;
		}
	}
	t->has_fix = best != NULL;
	if (best)
		t->fix = *best;
	if (had != t->has_fix) {
		locd_loc_set(&t->loc, bloc);
		return true;
	}
	if (bloc != oldloc) {
		locd_loc_set(&t->loc, bloc);
		return t->has_fix;
	}
	return t->has_fix && memcmp(&old, &t->fix, sizeof(old)) != 0;
}

struct locd_pub *locd_target_pub(struct locd_target *t, const char *etag)
{
	struct locd_pub *p;

	for (p = t->pubs; etag && p; p = p->next)
		if (strcmp(p->etag, etag) == 0)
			return p;
	return NULL;
}

void locd_target_pub_del(struct locd_target *t, const char *etag)
{
	struct locd_pub **pp, *p;

	for (pp = &t->pubs; etag && (p = *pp) != NULL; pp = &p->next) {
		if (strcmp(p->etag, etag) == 0) {
			*pp = p->next;
			locd_loc_drop(p->loc);
			free(p);
			return;
		}
	}
}

void locd_target_pub_rename(struct locd_target *t, const char *old_etag,
			    const char *etag)
{
	struct locd_pub *p = locd_target_pub(t, old_etag);

	if (p && etag)
		snprintf(p->etag, sizeof(p->etag), "%s", etag);
}

int locd_target_pub_put(struct locd *d, struct locd_target *t,
			const char *old_etag, const char *etag,
			const struct locd_pos *pos, struct locd_loc *loc)
{
	struct locd_pub *p = locd_target_pub(t, old_etag);

	if (!etag)
		return EINVAL;
	if (!p) {
		p = calloc(1, sizeof(*p));
		if (!p)
			return ENOMEM;
		p->next = t->pubs;
		t->pubs = p;
	}
	snprintf(p->etag, sizeof(p->etag), "%s", etag);
	p->pos = *pos;
	locd_loc_set(&p->loc, loc);
	p->seq = ++d->arrivals;
	return 0;
}
