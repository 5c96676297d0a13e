/*
 * geo_int.h: private to geo/. The context layout, error and log helpers,
 * the local planes (unwrapped lon/lat, azimuthal equidistant) and the
 * GEOS wrappers shared by the .c files of geo/.
 */
#ifndef GEO_INT_H
#define GEO_INT_H

#include <geodesic.h>
#include <geos_c.h>
#include <proj.h>

#include "geo/geo.h"

#define GEO_NS_GML "http://www.opengis.net/gml"
#define GEO_NS_GML32 "http://www.opengis.net/gml/3.2"
#define GEO_NS_GS "http://www.opengis.net/pidflo/1.0"

/* Hard ceiling on ancestor walks (libxml2 caps documents at 256). */
#define GEO_ANCESTOR_MAX 256

struct geo_intern;
struct geo_share;

struct geo_ctx {
	GEOSContextHandle_t gh;
	PJ_CONTEXT *pj;
	struct geod_geodesic geod;
	struct geo_limits lim;
	geo_log_h *logh;
	void *logarg;
	char geos_msg[GEO_WARN_MAX];  /* last GEOS error, for reasons */
	struct geo_intern *intern;    /* interned prepared geometries */
	struct geo_share *share;      /* regions of catalog features */
	/* Regions with at least this many parts get a packed tree over
	 * them (GEO_REGION_INDEX_MIN; tests and benches may change it
	 * before making regions). */
	size_t region_index_min;
	/* Tests and benches only: queries scan every part of a region
	 * even when it has a tree (the reference the tree is checked
	 * against). */
	bool region_scan;
};

/*
 * Parts from which a region is tested through a packed tree: below it
 * the linear scan is as fast (bench/geo_bench.c measures both).
 */
#define GEO_REGION_INDEX_MIN 8

/* Fill err (may be NULL) and return code. */
int geo__err(struct geo_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Public entry points: clear err on entry; on failure make sure it
 * carries a reason even for errors raised without one (ENOMEM, ...). */
void geo__err_begin(struct geo_err *err);
int geo__err_end(struct geo_err *err, int rc);
void geo__log(const struct geo_ctx *ctx, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Make room for at least need (>= 1) elements of size elem in arr
 * (capacity *cap, doubled from 8; new room zeroed): arrays grow with the
 * input, never sized from a limit or a count in it. Returns the array,
 * or NULL on ENOMEM (arr is then unchanged and still the caller's).
 */
void *geo__grow(void *arr, size_t *cap, size_t need, size_t elem);

/* Normalise a longitude into [-180, 180]. */
double geo__lon_norm(double lon);

/* ------------------------------------------------------------------ */
/* Planes (plane.c)                                                    */

/*
 * Unwrap a closed ring into x = longitude, y = latitude so consecutive
 * longitudes differ by at most 180 degrees; shift the whole ring by a
 * multiple of 360 so that its bbox centre is nearest to ref_x (pass NAN
 * to centre it in [-180, 180]). xy holds 2 * r->n doubles.
 * EBADMSG when the ring encloses a pole or spans more than 180 degrees.
 */
int geo__ring_unwrap(const struct geo_ring *r, double ref_x, double *xy,
		     struct geo_err *err);

/* Azimuthal equidistant plane around c: x east, y north (metres). */
void geo__aeqd_fwd(const struct geo_ctx *ctx, const struct geo_point *c,
		   double lat, double lon, double *x, double *y);
void geo__aeqd_inv(const struct geo_ctx *ctx, const struct geo_point *c,
		   double x, double y, double *lat, double *lon);

/* Signed area of a closed planar ring of n points (xy pairs). */
double geo__ring_area(const double *xy, size_t n);

/* ------------------------------------------------------------------ */
/* GEOS wrappers (geos.c)                                              */

/*
 * A polygon from closed rings: ring i has cnt[i] points at xy + 2*off,
 * rings consecutive in xy. NULL on failure (GEOS message in ctx).
 */
GEOSGeometry *geo__geos_polygon(struct geo_ctx *ctx, const double *xy,
				const size_t *cnt, size_t nrings);
/* 0 valid; EBADMSG with a reason; ENOMEM. */
int geo__geos_check_valid(struct geo_ctx *ctx, const GEOSGeometry *g,
			  struct geo_err *err);
/* Area of a polygonal geometry, or a negative value on failure. */
double geo__geos_area(struct geo_ctx *ctx, const GEOSGeometry *g);

/* ------------------------------------------------------------------ */
/* Shapes (shape.c)                                                    */

struct geo_shape *geo__shape_new(enum geo_shape_kind kind);
/*
 * Rings of an area shape in the AEQD plane around c: Polygon and Prism
 * their rings (holes included); Circle, Ellipse, ArcBand, Sphere and
 * Ellipsoid their horizontal section polygonised with GEO_ARC_SEGMENTS
 * per full turn (a full-turn ArcBand with an inner radius is a ring with
 * a hole). On success *xyp (2 * total points) and *cntp (points per
 * ring) are malloc'd, rings closed. EINVAL for a Point.
 */
#define GEO_ARC_SEGMENTS 128
int geo__shape_rings(const struct geo_ctx *ctx, const struct geo_shape *s,
		     const struct geo_point *c, double **xyp, size_t **cntp,
		     size_t *nringsp);
/* Vertical extent of a 3-D shape; false if it has none. */
bool geo__shape_zrange(const struct geo_shape *s, double *lo, double *hi);

/* ------------------------------------------------------------------ */
/* Interned parts (intern.c)                                           */

/*
 * One polygon (rings unwrapped into lon/lat) with an optional altitude
 * range, prepared once and shared by every region that uses it.
 */
struct geo_part {
	struct geo_part *next;      /* hash chain */
	uint64_t hash;
	unsigned refs;
	double minx, miny, maxx, maxy;
	bool has_z;
	double zmin, zmax;
	size_t nrings;
	size_t *cnt;                /* points per ring */
	size_t npts;
	double *xy;                 /* all rings, consecutive */
	/* GEOS polygon and its prepared form, kept for parts with a band
	 * index only (NULL for small parts: made when needed). */
	GEOSGeometry *geom;
	const GEOSPreparedGeometry *prep;
	/* Edge index for large rings (NULL when small): horizontal bands
	 * of the bbox, each listing the edges (index of their first
	 * point in xy) whose y-range meets it. */
	size_t nbands;
	double band_scale;          /* bands per degree of latitude */
	uint32_t *band_off;         /* nbands + 1 offsets into band_edge */
	uint32_t *band_edge;
	/* Cell grid for larger parts (grid_off NULL when none, grid.c):
	 * gdim x gdim cells over the bbox; cell c = row * gdim + column
	 * lists the edges whose points in it may matter in grid_edge[
	 * grid_off[c] .. grid_off[c + 1]) (low 30 bits); the top 2 bits
	 * of grid_off[c] say whether its centre is outside (0) or inside
	 * (1), or that the cell is left to the bands (2). */
	size_t gdim;
	double gsx, gsy;            /* cells per degree, x and y */
	double gcw, gch;            /* cell width and height */
	uint32_t *grid_off;         /* gdim * gdim + 1 words */
	uint32_t *grid_edge;
	uint8_t *grid_bits;         /* 2 bits per cell: empty outside (0),
				     * empty inside (1), crossed (2),
				     * bands (3) */
};

int geo__intern_alloc(struct geo_intern **ip);
void geo__intern_free(struct geo_ctx *ctx, struct geo_intern *in);
/*
 * Intern a polygon given as unwrapped rings (xy, cnt, nrings; copied)
 * plus an altitude range. Returns a referenced part.
 */
int geo__intern_get(struct geo_ctx *ctx, const double *xy, const size_t *cnt,
		    size_t nrings, bool has_z, double zmin, double zmax,
		    struct geo_part **partp, struct geo_err *err);
void geo__intern_put(struct geo_ctx *ctx, struct geo_part *part);
size_t geo__intern_count(const struct geo_intern *in);

/*
 * Horizontal test of (x, y) against a part, boundary inclusive: the same
 * answer as GEOSPreparedCovers_r, with a filtered exact crossing test
 * and GEOS as the fallback when a point is within rounding of an edge.
 * Returns 0 and *in, or an errno value.
 */
int geo__part_covers(struct geo_ctx *ctx, const struct geo_part *part,
		     double x, double y, bool *in);

/*
 * Grid (grid.c). geo__grid_build gives a part with more than
 * GEO_GRID_MIN_EDGES edges a grid (none, and 0, when it would be too
 * big or degenerate; ENOMEM). geo__grid_covers answers from the grid
 * (true, *in set) or leaves the point to the bands and GEOS (false):
 * in a cell without edges the point has its centre's answer; otherwise
 * the segment to the centre is crossed with the cell's edges, and any
 * uncertain orientation (the point within rounding of an edge or of
 * the segment through a vertex) gives false.
 */
#define GEO_GRID_MIN_EDGES 64
int geo__grid_build(struct geo_ctx *ctx, struct geo_part *p);
void geo__grid_free(struct geo_part *p);
bool geo__grid_covers(const struct geo_part *p, double x, double y,
		      bool *in);
/* Start loading what geo__grid_covers will read for (x, y), if any. */
void geo__grid_prefetch(const struct geo_part *p, double x, double y);

/* ------------------------------------------------------------------ */
/* Packed bounding-box tree (ptree.c), for fenceset.c and region.c     */

/* An axis-aligned box in the unwrapped lon/lat plane, ends inclusive. */
struct geo_box {
	double minx, miny, maxx, maxy;
};

/* Children per node; levels (16^16 items: more than memory). */
#define GEO_PTREE_NODE 16
#define GEO_PTREE_LEVELS 16

/*
 * A static R-tree over n caller-owned items (level 0): item i starts
 * with a struct geo_box at items + i * stride. The tree keeps a pointer
 * to the items (they must outlive it and not move) and owns the node
 * boxes of the levels above them.
 */
struct geo_ptree {
	const void *items;
	size_t n, stride;
	struct geo_box *box;              /* levels 1 .. nlev - 1 */
	size_t nlev;
	size_t lev[GEO_PTREE_LEVELS + 1]; /* level l > 0: box[lev[l] -
					   * lev[1], lev[l + 1] - lev[1]) */
};

/*
 * Sort n items of stride bytes (each starting with a struct geo_box) in
 * place, by the Hilbert value of their box centres (ties: previous
 * order), so that neighbours share nodes. 0, EINVAL or ENOMEM (items
 * then unchanged).
 */
int geo__ptree_sort(void *items, size_t n, size_t stride);
/*
 * Build the levels above items (sorted first for a good tree; any order
 * gives correct answers) into t, which is zeroed first (an empty tree
 * on failure). 0, EINVAL or ENOMEM.
 */
int geo__ptree_build(struct geo_ptree *t, const void *items, size_t n,
		     size_t stride);
/* Free the node boxes and zero t (a zeroed tree is empty). */
void geo__ptree_reset(struct geo_ptree *t);
/* Bytes the tree allocated (the node boxes). */
size_t geo__ptree_bytes(const struct geo_ptree *t);
static inline bool geo__box_meets(const struct geo_box *b,
				  const struct geo_box *q)
{
	return q->maxx >= b->minx && q->minx <= b->maxx &&
	       q->maxy >= b->miny && q->miny <= b->maxy;
}

/* Box of node or item j at level l. */
static inline const struct geo_box *geo__ptree_box(const struct geo_ptree *t,
						   size_t l, size_t j)
{
	return l ? &t->box[t->lev[l] - t->lev[1] + j]
		 : (const struct geo_box *)((const char *)t->items +
					    j * t->stride);
}

/*
 * Call h(i, arg) for each item i (index into items) whose box meets q
 * (ends inclusive; a point query is a box with min == max), in tree
 * order, until h returns false. Allocates nothing (a fixed stack: a
 * node on it meets q, at most GEO_PTREE_NODE per level); reentrant.
 * Returns false when h stopped the walk. Inline so that the hot paths
 * (fence set and region queries) get h inlined too.
 */
typedef bool(geo__ptree_h)(size_t i, void *arg);
static inline __attribute__((always_inline)) bool
geo__ptree_query(const struct geo_ptree *t, const struct geo_box *qp,
		 geo__ptree_h *h, void *arg)
{
	size_t node[GEO_PTREE_NODE * (GEO_PTREE_LEVELS + 1)];
	unsigned char lv[GEO_PTREE_NODE * (GEO_PTREE_LEVELS + 1)];
	const struct geo_box q = *qp;
	size_t sp = 0;

	if (!t->n)
		return true;
	if (t->nlev <= 1)        /* one item and no levels above it */
		return geo__box_meets(geo__ptree_box(t, 0, 0), &q) ?
		       h(0, arg) : true;
	if (!geo__box_meets(geo__ptree_box(t, t->nlev - 1, 0), &q))
		return true;
	node[sp] = 0;
	lv[sp++] = (unsigned char)(t->nlev - 1);
	while (sp) {
		size_t j = node[--sp], l = lv[sp];
		size_t c = j * GEO_PTREE_NODE, c1 = t->lev[l] - t->lev[l - 1];

		c1 = c + GEO_PTREE_NODE < c1 ? c + GEO_PTREE_NODE : c1;
		if (l == 1) {
			const char *it = (const char *)t->items +
					 c * t->stride;
			for (; c < c1; c++, it += t->stride)
				if (geo__box_meets((const struct geo_box *)it,
						   &q) && !h(c, arg))
					return false;
			continue;
		}
		for (; c < c1; c++)
			if (geo__box_meets(geo__ptree_box(t, l - 1, c), &q)) {
				node[sp] = c;
				lv[sp++] = (unsigned char)(l - 1);
			}
	}
	return true;
}

/*
 * Test hook (fenceset.c): indices (ascending, into the set's item
 * array) of the parts whose bbox holds (x, y) or (x +/- 360, y), from
 * the packed tree, or (geos) from a GEOS STRtree built over the same
 * items on first use. EOVERFLOW when more than max.
 */
struct geo_fenceset;
int geo__fenceset_cands(struct geo_fenceset *set, double x, double y,
			bool geos, size_t *out, size_t max, size_t *n);

/* Regions (region.c), for fenceset.c. */
size_t geo__region_nparts(const struct geo_region *reg);
struct geo_part *geo__region_part(const struct geo_region *reg, size_t i);
/* Tests: whether reg has a packed tree over its parts. */
bool geo__region_indexed(const struct geo_region *reg);

/*
 * Shared regions (share.c). The owner of a shapes array that outlives
 * the regions made from it (the catalog, for each feature) registers
 * it; geo_region_alloc with exactly (shapes, nshapes) then makes the
 * region once (kept, one reference) and returns references to it.
 * Unregister before freeing the shapes (drops the kept reference).
 * geo__region_share: 0, EINVAL, EEXIST (already registered), ENOMEM.
 * geo__region_shared: the slot holding the kept region (NULL until
 * made) for a registered (shapes, nshapes), or NULL.
 * geo__share_free: at context free, every entry and its region.
 */
int geo__region_share(struct geo_ctx *ctx, struct geo_shape *const *shapes,
		      size_t nshapes);
void geo__region_unshare(struct geo_ctx *ctx,
			 struct geo_shape *const *shapes);
struct geo_region **geo__region_shared(struct geo_ctx *ctx,
				       struct geo_shape *const *shapes,
				       size_t nshapes);
void geo__share_free(struct geo_ctx *ctx);
/* Point against one part: inside, outside or undefined (3-D, no alt). */
int geo__part_test(struct geo_ctx *ctx, const struct geo_part *part,
		   const struct geo_point *pt, enum geo_position *pos);

/* ------------------------------------------------------------------ */
/* GML helpers (gml.c), used by gml_shape.c, solid.c, feature.c        */

struct _xmlNode;
/* True when n is an element of namespace ns (GML: 3.1 or 3.2) named name. */
bool geo__is(const struct _xmlNode *n, const char *ns, const char *name);
/* Number of element ancestors of n (bounded by GEO_ANCESTOR_MAX). */
unsigned geo__node_depth(const struct _xmlNode *n);
/* First element child named ns:name, or NULL. */
const struct _xmlNode *geo__child(const struct _xmlNode *n, const char *ns,
				  const char *name);
/* Read a gml:pos (dimension from srsDimension/srsName or its size). */
int geo__read_pos(struct geo_ctx *ctx, const struct _xmlNode *pos,
		  struct geo_point *pt, unsigned *dim, struct geo_err *err);
/*
 * Read a gml:Polygon or gml:PolygonPatch into s->rings (validated: closed,
 * >= 4 positions, no self-intersection). keep_alt keeps the altitudes
 * (3-D CRS) and skips the GEOS validity test when skip_valid is set.
 * *dim receives the CRS dimension.
 */
int geo__read_polygon(struct geo_ctx *ctx, const struct _xmlNode *poly,
		      bool keep_alt, bool skip_valid, struct geo_shape *s,
		      unsigned *dim, struct geo_err *err);
/*
 * geo_feature_parse with explicit caps (feature.c): at most max_shapes
 * geometries and (unless 0) max_vertices positions over all of them
 * (curved shapes count GEO_ARC_SEGMENTS + 1), EOVERFLOW beyond, the
 * reason naming the catalog limit when catalog is set.
 */
int geo__feature_parse(struct geo_ctx *ctx, const struct _xmlNode *node,
		       size_t max_shapes, size_t max_vertices, bool catalog,
		       struct geo_feature **featp, struct geo_err *err);
/* Validate rings as a polygon (unwrap + GEOS isValid). */
int geo__rings_check(struct geo_ctx *ctx, const struct geo_ring *rings,
		     size_t nrings, struct geo_err *err);
/* RFC 5491 shapes (gml_shape.c) and gml:Solid (solid.c). */
int geo__gs_parse(struct geo_ctx *ctx, const struct _xmlNode *n,
		  struct geo_shape **sp, struct geo_err *err);
int geo__solid_parse(struct geo_ctx *ctx, const struct _xmlNode *n,
		     struct geo_shape **sp, struct geo_err *err);

#endif /* GEO_INT_H */
