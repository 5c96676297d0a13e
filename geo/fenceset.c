/*
 * fenceset.c: many fences, one packed bounding-box tree. Every part of
 * every region is an item with its (unwrapped lon/lat) envelope; the
 * build sorts the items by the Hilbert value of their centre and packs
 * them 16 to a node, level by level up to one root (a static R-tree, as
 * flatbush and GEOS's STRtree do, in flat arrays). A query walks it with
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

/* Children per node, and levels (16^16 items: more than memory). */
#define PK_NODE 16
#define PK_MAX_LEVELS 16
#define PK_STACK (PK_NODE * (PK_MAX_LEVELS + 1))
/* Candidates sorted by insertion below this count, by qsort above. */
#define CAND_ISORT 32

struct fence {
	struct geo_region *reg;
	void *userdata;
};

struct pbox {
	double minx, miny, maxx, maxy;
};

/* A leaf: a part's box with what a hit needs, on one cache line. */
struct fitem {
	struct pbox b;
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
	struct pbox *box;             /* nodes of the levels above */
	size_t nlev;
	size_t lev[PK_MAX_LEVELS + 1];   /* level l > 0: box[lev[l] - lev[1],
					  * lev[l + 1] - lev[1]) */
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
	free(set->items);
	free(set->box);
	free(set->cand);
	set->items = NULL;
	set->box = NULL;
	set->cand = NULL;
	set->nitems = 0;
	set->nlev = 0;
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

/* Position of (x, y) on a Hilbert curve over a 65536 x 65536 grid. */
static uint64_t hilbert(uint32_t x, uint32_t y)
{
	uint64_t d = 0;
	uint32_t s, rx, ry, t;

	for (s = 1u << 15; s > 0; s >>= 1) {
		rx = (x & s) != 0;
		ry = (y & s) != 0;
		d += (uint64_t)s * s * ((3 * rx) ^ ry);
		if (ry == 0) {
			if (rx == 1) {
				x = 0xffffu - x;
				y = 0xffffu - y;
			}
			t = x;
			x = y;
			y = t;
		}
	}
	return d;
}

struct hkey {
	uint64_t h;
	size_t i;
};

static int hkey_cmp(const void *a, const void *b)
{
	const struct hkey *x = a, *y = b;

	if (x->h != y->h)
		return x->h < y->h ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

static uint32_t grid16(double v, double lo, double span)
{
	double g = span > 0 ? (v - lo) / span * 65535.0 : 0.0;

	if (!(g > 0))
		return 0;
	return g >= 65535.0 ? 65535u : (uint32_t)g;
}

/* Items in Hilbert order from tmp into set. */
static int items_sort(struct geo_fenceset *set, const struct fitem *tmp,
		      size_t tot)
{
	struct hkey *key = malloc(tot * sizeof(*key));
	double x0 = tmp[0].b.minx, y0 = tmp[0].b.miny, x1 = tmp[0].b.maxx;
	double y1 = tmp[0].b.maxy;
	size_t i;

	if (!key)
		return ENOMEM;
	for (i = 1; i < tot; i++) {
		x0 = tmp[i].b.minx < x0 ? tmp[i].b.minx : x0;
		y0 = tmp[i].b.miny < y0 ? tmp[i].b.miny : y0;
		x1 = tmp[i].b.maxx > x1 ? tmp[i].b.maxx : x1;
		y1 = tmp[i].b.maxy > y1 ? tmp[i].b.maxy : y1;
	}
	for (i = 0; i < tot; i++) {
		double cx = (tmp[i].b.minx + tmp[i].b.maxx) / 2;
		double cy = (tmp[i].b.miny + tmp[i].b.maxy) / 2;
		key[i].h = hilbert(grid16(cx, x0, x1 - x0),
				   grid16(cy, y0, y1 - y0));
		key[i].i = i;
	}
	qsort(key, tot, sizeof(*key), hkey_cmp);
	for (i = 0; i < tot; i++)
		set->items[i] = tmp[key[i].i];
	free(key);
	return 0;
}

/* Box of node or item j at level l. */
static const struct pbox *node_box(const struct geo_fenceset *set,
				   size_t l, size_t j)
{
	return l ? &set->box[set->lev[l] - set->lev[1] + j]
		 : &set->items[j].b;
}

/* Upper levels: each node the union of up to PK_NODE children. */
static void levels_build(struct geo_fenceset *set)
{
	size_t cnt = set->nitems, l = 0;

	set->lev[0] = 0;
	set->lev[1] = cnt;
	while (cnt > 1 && l + 1 < PK_MAX_LEVELS) {
		size_t up = (cnt + PK_NODE - 1) / PK_NODE, j, c;
		struct pbox *nb = set->box + set->lev[l + 1] - set->lev[1];

		for (j = 0; j < up; j++) {
			size_t c0 = j * PK_NODE;
			size_t c1 = c0 + PK_NODE < cnt ? c0 + PK_NODE : cnt;
			nb[j] = *node_box(set, l, c0);
			for (c = c0 + 1; c < c1; c++) {
				const struct pbox *ch = node_box(set, l, c);
				if (ch->minx < nb[j].minx)
					nb[j].minx = ch->minx;
				if (ch->miny < nb[j].miny)
					nb[j].miny = ch->miny;
				if (ch->maxx > nb[j].maxx)
					nb[j].maxx = ch->maxx;
				if (ch->maxy > nb[j].maxy)
					nb[j].maxy = ch->maxy;
			}
		}
		l++;
		set->lev[l + 1] = set->lev[l] + up;
		cnt = up;
	}
	set->nlev = l + 1;
}

int geo_fenceset_build(struct geo_fenceset *set)
{
	struct fitem *tmp = NULL;
	size_t i, k, tot = 0, nbox, cnt;
	int rc = ENOMEM;

	if (!set)
		return EINVAL;
	index_drop(set);
	for (i = 0; i < set->n; i++)
		tot += geo__region_nparts(set->f[i].reg);
	set->minx = -180.0;
	set->maxx = 180.0;
	/* node boxes of the levels above the items */
	nbox = PK_MAX_LEVELS;
	for (cnt = tot; cnt > 1; cnt = (cnt + PK_NODE - 1) / PK_NODE)
		nbox += (cnt + PK_NODE - 1) / PK_NODE;
	set->items = malloc((tot ? tot : 1) * sizeof(*set->items));
	set->box = malloc(nbox * sizeof(*set->box));
	set->cand = malloc((tot ? tot : 1) * sizeof(*set->cand));
	tmp = malloc((tot ? tot : 1) * sizeof(*tmp));
	if (!set->items || !set->box || !set->cand || !tmp)
		goto out;
	for (i = 0, k = 0; i < set->n; i++) {
		size_t j, np = geo__region_nparts(set->f[i].reg);
		for (j = 0; j < np; j++, k++) {
			const struct geo_part *p =
				geo__region_part(set->f[i].reg, j);
			tmp[k].fence = i;
			tmp[k].part = p;
			tmp[k].b.minx = p->minx;
			tmp[k].b.miny = p->miny;
			tmp[k].b.maxx = p->maxx;
			tmp[k].b.maxy = p->maxy;
			if (p->minx < set->minx)
				set->minx = p->minx;
			if (p->maxx > set->maxx)
				set->maxx = p->maxx;
		}
	}
	set->nitems = tot;
	if (tot) {
		rc = items_sort(set, tmp, tot);
		if (rc)
			goto out;
		levels_build(set);
	}
	set->built = true;
	rc = 0;
out:
	free(tmp);
	if (rc)
		index_drop(set);
	return rc;
}

size_t geo_fenceset_count(const struct geo_fenceset *set)
{
	return set ? set->n : 0;
}

static inline bool box_holds(const struct pbox *b, double x, double y)
{
	return x >= b->minx && x <= b->maxx && y >= b->miny && y <= b->maxy;
}

static inline void cand_add(struct geo_fenceset *set,
			    const struct fitem *it)
{
	/* the exact test reads the part soon: start the load */
	__builtin_prefetch(it->part);
	if (set->ncand < set->nitems)
		set->cand[set->ncand++] = it;
}

/*
 * Items whose box holds (x, y), appended to set->cand. The stack holds
 * nodes whose box holds the point: at most PK_NODE per level.
 */
static void pk_query(struct geo_fenceset *set, double x, double y)
{
	size_t node[PK_STACK];
	unsigned char lv[PK_STACK];
	size_t sp = 0;

	if (set->nlev <= 1) {
		if (set->nitems && box_holds(&set->items[0].b, x, y))
			cand_add(set, &set->items[0]);
		return;
	}
	if (!box_holds(node_box(set, set->nlev - 1, 0), x, y))
		return;
	node[sp] = 0;
	lv[sp++] = (unsigned char)(set->nlev - 1);
	while (sp) {
		size_t j = node[--sp], l = lv[sp];
		size_t c = j * PK_NODE, c1 = set->lev[l] - set->lev[l - 1];

		c1 = c + PK_NODE < c1 ? c + PK_NODE : c1;
		if (l == 1) {
			for (; c < c1; c++)
				if (box_holds(&set->items[c].b, x, y))
					cand_add(set, &set->items[c]);
			continue;
		}
		for (; c < c1; c++)
			if (box_holds(node_box(set, l - 1, c), x, y)) {
				node[sp] = c;
				lv[sp++] = (unsigned char)(l - 1);
			}
	}
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
		const struct pbox *b = &set->items[i].b;
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
