/*
 * target.c: targets indexed by AOR: the current fix and the
 * subscriptions watching it (a chained hash table that doubles).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "locd/locd_int.h"

#define TARGETS_NB0 64

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
			free(x->aor);
			free(x);
		}
	}
	free(t->tab);
	memset(t, 0, sizeof(*t));
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
				*tp = x;
				return 0;
			}
		}
	}
	if (!create)
		return ENOENT;
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
