/*
 * share.c: regions shared by the shapes array they were made from.
 *
 * A catalog feature (catalog.c) is referenced by every filter whose
 * enterOrExit names it, and filters make their region from the
 * feature's own shapes array (geo_region_alloc(feature->shapes, n)).
 * For a feature of 100,000 polygons, a region per filter would cost
 * O(n) time per SUBSCRIBE (interning every part again) and megabytes
 * per subscription (parts array, tree). So the catalog registers each
 * feature's array here; geo_region_alloc with exactly that array and
 * count makes the region once and afterwards returns a reference to
 * it. The entry holds one reference until the catalog unregisters the
 * array (before freeing its shapes), so the key is never a stale
 * pointer. A chained hash on the array's address, grown as it fills.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "geo/geo_int.h"

struct share_ent {
	struct share_ent *next;
	struct geo_shape *const *shapes;
	size_t nshapes;
	struct geo_region *reg;     /* NULL until first made */
};

struct geo_share {
	struct share_ent **tab;
	size_t size;                /* power of two */
	size_t count;
};

static size_t slot_of(const struct geo_share *sh,
		      struct geo_shape *const *shapes)
{
	uint64_t h = (uint64_t)(uintptr_t)shapes * 0x9e3779b97f4a7c15ULL;

	return (size_t)(h >> 32) & (sh->size - 1);
}

static struct share_ent *find(const struct geo_share *sh,
			      struct geo_shape *const *shapes)
{
	struct share_ent *e;

	if (!sh || !sh->count)
		return NULL;
	for (e = sh->tab[slot_of(sh, shapes)]; e; e = e->next)
		if (e->shapes == shapes)
			return e;
	return NULL;
}

static void grow(struct geo_share *sh)
{
	size_t nsize = sh->size * 2, i;
	struct share_ent **old = sh->tab, *e, *nx;

	sh->tab = calloc(nsize, sizeof(*sh->tab));
	if (!sh->tab) {
		sh->tab = old;      /* longer chains, still correct */
		return;
	}
	sh->size = nsize;
	for (i = 0; i < nsize / 2; i++)
		for (e = old[i]; e; e = nx) {
			size_t b = slot_of(sh, e->shapes);
			nx = e->next;
			e->next = sh->tab[b];
			sh->tab[b] = e;
		}
	free(old);
}

int geo__region_share(struct geo_ctx *ctx, struct geo_shape *const *shapes,
		      size_t nshapes)
{
	struct geo_share *sh;
	struct share_ent *e;
	size_t b;

	if (!ctx || !shapes || !nshapes)
		return EINVAL;
	if (!ctx->share) {
		sh = calloc(1, sizeof(*sh));
		if (!sh)
			return ENOMEM;
		sh->size = 64;
		sh->tab = calloc(sh->size, sizeof(*sh->tab));
		if (!sh->tab) {
			free(sh);
			return ENOMEM;
		}
		ctx->share = sh;
	}
	sh = ctx->share;
	if (find(sh, shapes))
		return EEXIST;
	e = calloc(1, sizeof(*e));
	if (!e)
		return ENOMEM;
	e->shapes = shapes;
	e->nshapes = nshapes;
	b = slot_of(sh, shapes);
	e->next = sh->tab[b];
	sh->tab[b] = e;
	if (++sh->count > sh->size)
		grow(sh);
	return 0;
}

void geo__region_unshare(struct geo_ctx *ctx, struct geo_shape *const *shapes)
{
	struct geo_share *sh = ctx ? ctx->share : NULL;
	struct share_ent **pp, *e;

	if (!sh || !shapes)
		return;
	for (pp = &sh->tab[slot_of(sh, shapes)]; (e = *pp) != NULL;
	     pp = &e->next)
		if (e->shapes == shapes) {
			*pp = e->next;
			sh->count--;
			geo_region_free(e->reg);
			free(e);
			return;
		}
}

struct geo_region **geo__region_shared(struct geo_ctx *ctx,
				       struct geo_shape *const *shapes,
				       size_t nshapes)
{
	struct share_ent *e = find(ctx->share, shapes);

	return e && e->nshapes == nshapes ? &e->reg : NULL;
}

void geo__share_free(struct geo_ctx *ctx)
{
	struct geo_share *sh = ctx->share;
	struct share_ent *e, *nx;
	size_t i;

	if (!sh)
		return;
	for (i = 0; i < sh->size; i++)
		for (e = sh->tab[i]; e; e = nx) {
			nx = e->next;
			geo_region_free(e->reg);
			free(e);
		}
	free(sh->tab);
	free(sh);
	ctx->share = NULL;
}
