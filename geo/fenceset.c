/*
 * fenceset.c: many fences, one packed bounding-box tree. Every part of
 * every region is an item with its (unwrapped lon/lat) envelope; the
 * build sorts the items by the Hilbert value of their centre and packs
 * them 16 to a node, level by level up to one root (a static R-tree, as
 * flatbush and GEOS's STRtree do, in flat arrays: ptree.c, shared with
 * regions of many parts). A query walks it with
 * the point (and the point shifted by 360 degrees when some fence
 * crosses the antimeridian) on a fixed stack, into scratch sized at
 * build, so it allocates nothing; then tests each candidate part exactly
 * and reports each containing fence once, in insertion order.
 *
 * GEOS's STRtree over the same envelopes is kept as the reference the
 * tests compare candidates with (geo__fenceset_cands): built only there,
 * on demand, and queried once when built (GEOS sorts it at its first
 * query). Adding after a build drops both; the next query rebuilds.
 */
#include <errno.h>
#include <stdlib.h>

#include "geo/geo_int.h"

/* Candidates sorted by insertion below this count, by qsort above. */
#define CAND_ISORT 32

struct fence {
	struct geo_region *reg;
	void *userdata;
};

/* A leaf: a part's box with what a hit needs, on one cache line. */
struct fitem {
	struct geo_box b;
	size_t fence;
	const struct geo_part *part;
};

struct geo_fenceset {
	struct geo_ctx *ctx;
	struct fence *f;
	size_t n, cap;
	bool built;
	struct fitem *items;          /* level 0, in Hilbert order */
	size_t nitems;
	struct geo_ptree pt;          /* the levels above the items */
	double minx, maxx;
	const struct fitem **cand;    /* query scratch, nitems entries */
	size_t ncand;
	unsigned *stamp;              /* per fence: last query reported */
	unsigned gen;
	GEOSSTRtree *tree;            /* reference index, tests only */
	GEOSGeometry **envs;
	int cand_err;
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

static void geos_drop(struct geo_fenceset *set)
{
	size_t i;

	if (set->tree)
		GEOSSTRtree_destroy_r(set->ctx->gh, set->tree);
	set->tree = NULL;
	for (i = 0; set->envs && i < set->nitems; i++)
		if (set->envs[i])
			GEOSGeom_destroy_r(set->ctx->gh, set->envs[i]);
	free(set->envs);
	set->envs = NULL;
}

static void index_drop(struct geo_fenceset *set)
{
	geos_drop(set);
	geo__ptree_reset(&set->pt);
	free(set->items);
	free(set->cand);
	set->items = NULL;
	set->cand = NULL;
	set->nitems = 0;
	set->built = false;
}

void geo_fenceset_free(struct geo_fenceset *set)
{
	size_t i;

	if (!set)
		return;
	index_drop(set);
	for (i = 0; i < set->n; i++)
		geo_region_free(set->f[i].reg);
	free(set->f);
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
	index_drop(set);
	set->f[set->n].reg = geo_region_ref(reg);
	set->f[set->n].userdata = userdata;
	set->stamp[set->n] = 0;
	set->n++;
	return 0;
}

int geo_fenceset_build(struct geo_fenceset *set)
{
	size_t i, k, tot = 0;
	int rc = ENOMEM;

	if (!set)
		return EINVAL;
	index_drop(set);
	for (i = 0; i < set->n; i++)
		tot += geo__region_nparts(set->f[i].reg);
	set->minx = -180.0;
	set->maxx = 180.0;
	set->items = malloc((tot ? tot : 1) * sizeof(*set->items));
	set->cand = malloc((tot ? tot : 1) * sizeof(*set->cand));
	if (!set->items || !set->cand)
		goto out;
	for (i = 0, k = 0; i < set->n; i++) {
		size_t j, np = geo__region_nparts(set->f[i].reg);
		for (j = 0; j < np; j++, k++) {
			const struct geo_part *p =
				geo__region_part(set->f[i].reg, j);
			set->items[k].fence = i;
			set->items[k].part = p;
			set->items[k].b.minx = p->minx;
			set->items[k].b.miny = p->miny;
			set->items[k].b.maxx = p->maxx;
			set->items[k].b.maxy = p->maxy;
			if (p->minx < set->minx)
				set->minx = p->minx;
			if (p->maxx > set->maxx)
				set->maxx = p->maxx;
		}
	}
	set->nitems = tot;
	rc = geo__ptree_sort(set->items, tot, sizeof(*set->items));
	if (!rc)
		rc = geo__ptree_build(&set->pt, set->items, tot,
				      sizeof(*set->items));
	if (!rc)
		set->built = true;
out:
	if (rc)
		index_drop(set);
	return rc;
}

size_t geo_fenceset_count(const struct geo_fenceset *set)
{
	return set ? set->n : 0;
}

/* A candidate of the tree walk into set->cand. */
static bool cand_add(size_t i, void *arg)
{
	struct geo_fenceset *set = arg;
	const struct fitem *it = &set->items[i];

	/* the exact test reads the part soon: start the load */
	__builtin_prefetch(it->part);
	if (set->ncand < set->nitems)
		set->cand[set->ncand++] = it;
	return true;
}

/* Items whose box holds (x, y), appended to set->cand. */
static void pk_query(struct geo_fenceset *set, double x, double y)
{
	struct geo_box q = { x, y, x, y };

	geo__ptree_query(&set->pt, &q, cand_add, set);
}

static int fitem_cmp(const void *a, const void *b)
{
	const struct fitem *x = *(const struct fitem *const *)a;
	const struct fitem *y = *(const struct fitem *const *)b;

	if (x->fence != y->fence)
		return x->fence < y->fence ? -1 : 1;
	return x < y ? -1 : x > y;
}

/* Candidates of (x, y) and its 360-degree shifts into set->cand. */
static void cands_collect(struct geo_fenceset *set, double x, double y)
{
	set->ncand = 0;
	pk_query(set, x, y);
	if (set->maxx > 180.0 && x + 360.0 <= set->maxx)
		pk_query(set, x + 360.0, y);
	if (set->minx < -180.0 && x - 360.0 >= set->minx)
		pk_query(set, x - 360.0, y);
}

int geo_fenceset_query(struct geo_fenceset *set, const struct geo_point *pt,
		       geo_fence_h *h, void *arg)
{
	size_t i, j;
	int rc;

	if (!set || !pt || !h || !geo_point_valid(pt))
		return EINVAL;
	if (!set->built) {
		rc = geo_fenceset_build(set);
		if (rc)
			return rc;
	}
	if (++set->gen == 0) {
		for (i = 0; i < set->n; i++)
			set->stamp[i] = 0;
		set->gen = 1;
	}
	cands_collect(set, pt->lon, pt->lat);
	/* insertion order: sort candidates by fence (few, usually) */
	if (set->ncand > CAND_ISORT) {
		qsort(set->cand, set->ncand, sizeof(*set->cand), fitem_cmp);
	} else {
		for (i = 1; i < set->ncand; i++) {
			const struct fitem *t = set->cand[i];
			for (j = i; j > 0 && set->cand[j - 1]->fence >
			     t->fence; j--)
				set->cand[j] = set->cand[j - 1];
			set->cand[j] = t;
		}
	}
	/* the parts' cells, all at once, before the tests wait on them */
	for (i = 0; i < set->ncand; i++) {
		const struct geo_part *p = set->cand[i]->part;
		double x = pt->lon;
		if (x < p->minx)
			x += 360.0;
		else if (x > p->maxx)
			x -= 360.0;
		geo__grid_prefetch(p, x, pt->lat);
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

/* ------------------------------------------------------------------ */
/* The GEOS STRtree reference (tests)                                  */

static void collect_h(void *item, void *userdata)
{
	struct geo_fenceset *set = userdata;

	if (set->ncand < set->nitems)
		set->cand[set->ncand++] = item;
	else
		set->cand_err = EOVERFLOW;
}

static int geos_build(struct geo_fenceset *set)
{
	GEOSContextHandle_t gh = set->ctx->gh;
	GEOSGeometry *pt;
	size_t i;

	set->tree = GEOSSTRtree_create_r(gh, 10);
	set->envs = calloc(set->nitems ? set->nitems : 1,
			   sizeof(*set->envs));
	if (!set->tree || !set->envs)
		return ENOMEM;
	for (i = 0; i < set->nitems; i++) {
		const struct geo_box *b = &set->items[i].b;
		set->envs[i] = GEOSGeom_createRectangle_r(gh, b->minx,
			b->miny, b->maxx, b->maxy);
		if (!set->envs[i])
			return ENOMEM;
		GEOSSTRtree_insert_r(gh, set->tree, set->envs[i],
				     &set->items[i]);
	}
	/* GEOS sorts the tree at its first query: do it here */
	pt = GEOSGeom_createPointFromXY_r(gh, 0, 0);
	if (!pt)
		return ENOMEM;
	set->ncand = 0;
	GEOSSTRtree_query_r(gh, set->tree, pt, collect_h, set);
	GEOSGeom_destroy_r(gh, pt);
	return 0;
}

static int geos_query(struct geo_fenceset *set, double x, double y)
{
	GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(set->ctx->gh, x, y);

	if (!pt)
		return ENOMEM;
	GEOSSTRtree_query_r(set->ctx->gh, set->tree, pt, collect_h, set);
	GEOSGeom_destroy_r(set->ctx->gh, pt);
	return set->cand_err;
}

static int size_cmp(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

int geo__fenceset_cands(struct geo_fenceset *set, double x, double y,
			bool geos, size_t *out, size_t max, size_t *n)
{
	size_t i;
	int rc = 0;

	if (!set || !out || !n)
		return EINVAL;
	if (!set->built && (rc = geo_fenceset_build(set)) != 0)
		return rc;
	if (!geos) {
		cands_collect(set, x, y);
	} else {
		if (!set->tree && (rc = geos_build(set)) != 0) {
			geos_drop(set);
			return rc;
		}
		set->ncand = 0;
		set->cand_err = 0;
		rc = geos_query(set, x, y);
		if (!rc && set->maxx > 180.0 && x + 360.0 <= set->maxx)
			rc = geos_query(set, x + 360.0, y);
		if (!rc && set->minx < -180.0 && x - 360.0 >= set->minx)
			rc = geos_query(set, x - 360.0, y);
		if (rc)
			return rc;
	}
	if (set->ncand > max)
		return EOVERFLOW;
	for (i = 0; i < set->ncand; i++)
		out[i] = (size_t)(set->cand[i] - set->items);
	qsort(out, set->ncand, sizeof(*out), size_cmp);
	*n = set->ncand;
	return 0;
}
