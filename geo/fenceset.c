/*
 * fenceset.c: many fences, one GEOS STRtree. Every part of every region
 * is inserted with its (unwrapped lon/lat) envelope; a query asks the tree
 * with the point (and the point shifted by 360 degrees when some fence
 * crosses the antimeridian), then tests each candidate part exactly and
 * reports each containing fence once, in insertion order.
 *
 * The tree owns no items and takes no inserts once built: adding after a
 * build drops the tree, and the next query rebuilds it.
 */
#include <errno.h>
#include <stdlib.h>

#include "geo/geo_int.h"

struct fence {
	struct geo_region *reg;
	void *userdata;
};

struct fitem {
	size_t fence;
	const struct geo_part *part;
};

struct geo_fenceset {
	struct geo_ctx *ctx;
	struct fence *f;
	size_t n, cap;
	struct fitem *items;
	GEOSGeometry **envs;
	size_t nitems;
	GEOSSTRtree *tree;
	double minx, maxx;
	const struct fitem **cand;    /* query scratch, reused */
	size_t ncand, candcap;
	int cand_err;
	unsigned *stamp;              /* per fence: last query reported */
	unsigned gen;
};

int geo_fenceset_alloc(struct geo_ctx *ctx, struct geo_fenceset **setp)
{
	struct geo_fenceset *set;

	if (!ctx || !setp)
		return EINVAL;
	set = calloc(1, sizeof(*set));
	if (!set)
		return ENOMEM;
	set->ctx = ctx;
	*setp = set;
	return 0;
}

static void tree_drop(struct geo_fenceset *set)
{
	size_t i;

	if (set->tree)
		GEOSSTRtree_destroy_r(set->ctx->gh, set->tree);
	set->tree = NULL;
	for (i = 0; set->envs && i < set->nitems; i++)
		if (set->envs[i])
			GEOSGeom_destroy_r(set->ctx->gh, set->envs[i]);
	free(set->envs);
	free(set->items);
	set->envs = NULL;
	set->items = NULL;
	set->nitems = 0;
}

void geo_fenceset_free(struct geo_fenceset *set)
{
	size_t i;

	if (!set)
		return;
	tree_drop(set);
	for (i = 0; i < set->n; i++)
		geo_region_free(set->f[i].reg);
	free(set->f);
	free(set->cand);
	free(set->stamp);
	free(set);
}

int geo_fenceset_add(struct geo_fenceset *set, struct geo_region *reg,
		     void *userdata)
{
	unsigned *ns;

	if (!set || !reg)
		return EINVAL;
	if (set->n == set->cap) {
		size_t cap = set->cap ? set->cap * 2 : 16;
		struct fence *nf = realloc(set->f, cap * sizeof(*nf));
		if (!nf)
			return ENOMEM;
		set->f = nf;
		ns = realloc(set->stamp, cap * sizeof(*ns));
		if (!ns)
			return ENOMEM;
		set->stamp = ns;
		set->cap = cap;
	}
	tree_drop(set);
	set->f[set->n].reg = geo_region_ref(reg);
	set->f[set->n].userdata = userdata;
	set->stamp[set->n] = 0;
	set->n++;
	return 0;
}

int geo_fenceset_build(struct geo_fenceset *set)
{
	GEOSContextHandle_t gh;
	size_t i, k, tot = 0;

	if (!set)
		return EINVAL;
	gh = set->ctx->gh;
	tree_drop(set);
	for (i = 0; i < set->n; i++)
		tot += geo__region_nparts(set->f[i].reg);
	set->tree = GEOSSTRtree_create_r(gh, 10);
	set->items = calloc(tot ? tot : 1, sizeof(*set->items));
	set->envs = calloc(tot ? tot : 1, sizeof(*set->envs));
	if (!set->tree || !set->items || !set->envs) {
		tree_drop(set);
		return ENOMEM;
	}
	set->minx = -180.0;
	set->maxx = 180.0;
	for (i = 0; i < set->n; i++) {
		size_t np = geo__region_nparts(set->f[i].reg);
		for (k = 0; k < np; k++) {
			const struct geo_part *p =
				geo__region_part(set->f[i].reg, k);
			struct fitem *it = &set->items[set->nitems];
			GEOSGeometry *env = GEOSGeom_createRectangle_r(gh,
				p->minx, p->miny, p->maxx, p->maxy);
			if (!env) {
				tree_drop(set);
				return ENOMEM;
			}
			it->fence = i;
			it->part = p;
			set->envs[set->nitems++] = env;
			GEOSSTRtree_insert_r(gh, set->tree, env, it);
			if (p->minx < set->minx)
				set->minx = p->minx;
			if (p->maxx > set->maxx)
				set->maxx = p->maxx;
		}
	}
	return 0;
}

size_t geo_fenceset_count(const struct geo_fenceset *set)
{
	return set ? set->n : 0;
}

static void collect_h(void *item, void *userdata)
{
	struct geo_fenceset *set = userdata;

	if (set->cand_err)
		return;
	if (set->ncand == set->candcap) {
		size_t cap = set->candcap ? set->candcap * 2 : 64;
		const struct fitem **nc = realloc(set->cand,
						  cap * sizeof(*nc));
		if (!nc) {
			set->cand_err = ENOMEM;
			return;
		}
		set->cand = nc;
		set->candcap = cap;
	}
	set->cand[set->ncand++] = item;
}

static int query_at(struct geo_fenceset *set, double x, double y)
{
	GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(set->ctx->gh, x, y);

	if (!pt)
		return ENOMEM;
	GEOSSTRtree_query_r(set->ctx->gh, set->tree, pt, collect_h, set);
	GEOSGeom_destroy_r(set->ctx->gh, pt);
	return set->cand_err;
}

int geo_fenceset_query(struct geo_fenceset *set, const struct geo_point *pt,
		       geo_fence_h *h, void *arg)
{
	size_t i, j;
	int rc;

	if (!set || !pt || !h || !geo_point_valid(pt))
		return EINVAL;
	if (!set->tree) {
		rc = geo_fenceset_build(set);
		if (rc)
			return rc;
	}
	if (++set->gen == 0) {
		for (i = 0; i < set->n; i++)
			set->stamp[i] = 0;
		set->gen = 1;
	}
	set->ncand = 0;
	set->cand_err = 0;
	rc = query_at(set, pt->lon, pt->lat);
	if (!rc && set->maxx > 180.0 && pt->lon + 360.0 <= set->maxx)
		rc = query_at(set, pt->lon + 360.0, pt->lat);
	if (!rc && set->minx < -180.0 && pt->lon - 360.0 >= set->minx)
		rc = query_at(set, pt->lon - 360.0, pt->lat);
	if (rc)
		return rc;
	/* insertion order: sort candidates by fence (few, usually) */
	for (i = 1; i < set->ncand; i++) {
		const struct fitem *t = set->cand[i];
		for (j = i; j > 0 && set->cand[j - 1]->fence > t->fence; j--)
			set->cand[j] = set->cand[j - 1];
		set->cand[j] = t;
	}
	for (i = 0; i < set->ncand; i++) {
		const struct fitem *it = set->cand[i];
		enum geo_position pos;

		if (set->stamp[it->fence] == set->gen)
			continue;
		rc = geo__part_test(set->ctx, it->part, pt, &pos);
		if (rc)
			return rc;
		if (pos != GEO_POS_INSIDE)
			continue;
		set->stamp[it->fence] = set->gen;
		if (!h(it->fence, set->f[it->fence].userdata, arg))
			break;
	}
	return 0;
}
