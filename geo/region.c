/*
 * region.c: prepared regions and containment (LOCATION.md LF-37, LF-38,
 * LF-39, Q-11, Q-13, Q-19, PL-14).
 *
 * A region is a union of parts; a part is one interned polygon in the
 * unwrapped lon/lat plane, with an altitude range for 3-D shapes.
 * Points are tested with geo__part_covers (GEOS covers semantics,
 * boundary inside), at lon and lon +/- 360 for parts unwrapped across
 * the antimeridian. Uncertainty regions are compared by area in an
 * azimuthal equidistant plane around the estimate's centre, with GEOS
 * intersections (see geo_region_test in geo.h for the rule).
 *
 * A region of ctx->region_index_min parts or more (a catalog feature
 * such as all school zones of a city) also has a packed tree over the
 * parts' boxes (ptree.c): a point visits only the parts whose box holds
 * it (at lon, and lon +/- 360 when some part lies beyond +/-180), an
 * estimate only the parts whose box meets its box, in part order, so
 * the answers are those of the linear scan (a part the tree skips is
 * one the scan finds outside, or one part_near() skips).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "geo/geo_int.h"

/* A leaf of a region's tree: a part's box, the part and its index. */
struct ritem {
	struct geo_box b;
	const struct geo_part *part;
	size_t i;
};

struct geo_region {
	struct geo_ctx *ctx;
	unsigned refs;
	size_t nparts;
	struct geo_part **parts;
	struct ritem *items;        /* NULL: no tree, scan the parts */
	struct geo_ptree pt;
	double minx, maxx;          /* of all parts (unwrapped) */
};

/* Turn AEQD rings around c into unwrapped lon/lat rings. */
static int plane_to_lonlat(const struct geo_ctx *ctx,
			   const struct geo_point *c, double *xy,
			   const size_t *cnt, size_t nr,
			   struct geo_err *err)
{
	size_t i, k, off = 0;
	double ref = NAN;
	struct geo_ring r;
	int rc = 0;

	for (i = 0; i < nr && !rc; i++) {
		r.n = cnt[i];
		r.pts = calloc(r.n, sizeof(*r.pts));
		if (!r.pts)
			return ENOMEM;
		for (k = 0; k < r.n; k++)
			geo__aeqd_inv(ctx, c, xy[2 * (off + k)],
				      xy[2 * (off + k) + 1], &r.pts[k].lat,
				      &r.pts[k].lon);
		r.pts[r.n - 1] = r.pts[0];
		rc = geo__ring_unwrap(&r, ref, xy + 2 * off, err);
		if (!rc && i == 0) {
			double lo = xy[0], hi = xy[0];
			for (k = 1; k < r.n; k++) {
				lo = fmin(lo, xy[2 * k]);
				hi = fmax(hi, xy[2 * k]);
			}
			ref = (lo + hi) / 2;
		}
		free(r.pts);
		off += cnt[i];
	}
	return rc;
}

/* Unwrapped lon/lat rings of a polygon shape. */
static int poly_lonlat(const struct geo_shape *s, double **xyp,
		       size_t **cntp, struct geo_err *err)
{
	size_t tot = 0, off = 0, i, k, *cnt;
	double *xy, ref = NAN;
	int rc = 0;

	for (i = 0; i < s->nrings; i++)
		tot += s->rings[i].n;
	xy = malloc(2 * tot * sizeof(*xy));
	cnt = malloc(s->nrings * sizeof(*cnt));
	if (!xy || !cnt) {
		rc = ENOMEM;
		goto out;
	}
	for (i = 0; i < s->nrings; i++) {
		if (s->rings[i].n < 4) {
			rc = geo__err(err, EBADMSG, "ring needs at least 4 "
				      "positions");
			goto out;
		}
		rc = geo__ring_unwrap(&s->rings[i], ref, xy + 2 * off, err);
		if (rc)
			goto out;
		if (i == 0) {
			double lo = xy[0], hi = xy[0];
			for (k = 1; k < s->rings[0].n; k++) {
				lo = fmin(lo, xy[2 * k]);
				hi = fmax(hi, xy[2 * k]);
			}
			ref = (lo + hi) / 2;
		}
		cnt[i] = s->rings[i].n;
		off += s->rings[i].n;
	}
	*xyp = xy;
	*cntp = cnt;
	return 0;
out:
	free(xy);
	free(cnt);
	return rc;
}

static int shape_part(struct geo_ctx *ctx, const struct geo_shape *s,
		      struct geo_part **partp, struct geo_err *err)
{
	double *xy = NULL, zlo = 0, zhi = 0;
	size_t *cnt = NULL, nr;
	bool has_z;
	int rc;

	switch (s->kind) {
	case GEO_SHAPE_POINT:
		return geo__err(err, ENOTSUP, "a Point is not a region");
	case GEO_SHAPE_POLYGON:
	case GEO_SHAPE_PRISM:
		if (s->nrings == 0 || !s->rings)
			return geo__err(err, EINVAL, "polygon without rings");
		rc = poly_lonlat(s, &xy, &cnt, err);
		nr = s->nrings;
		break;
	default:
		if (!geo_point_valid(&s->center))
			return geo__err(err, EINVAL, "bad centre");
		rc = geo__shape_rings(ctx, s, &s->center, &xy, &cnt, &nr);
		if (rc)
			return geo__err(err, rc, "cannot outline %s",
					geo_shape_kind_name(s->kind));
		rc = plane_to_lonlat(ctx, &s->center, xy, cnt, nr, err);
		break;
	}
	if (rc)
		goto out;
	has_z = geo__shape_zrange(s, &zlo, &zhi);
	if (s->kind == GEO_SHAPE_PRISM && !(s->height > 0 &&
					    isfinite(s->floor))) {
		rc = geo__err(err, EINVAL, "Prism without height");
		goto out;
	}
	rc = geo__intern_get(ctx, xy, cnt, nr, has_z, zlo, zhi, partp, err);
out:
	free(xy);
	free(cnt);
	return rc;
}

/* The packed tree over the parts' boxes. */
static int index_build(struct geo_region *reg)
{
	size_t i;
	int rc;

	reg->items = malloc(reg->nparts * sizeof(*reg->items));
	if (!reg->items)
		return ENOMEM;
	reg->minx = -180.0;
	reg->maxx = 180.0;
	for (i = 0; i < reg->nparts; i++) {
		const struct geo_part *p = reg->parts[i];
		reg->items[i].b.minx = p->minx;
		reg->items[i].b.miny = p->miny;
		reg->items[i].b.maxx = p->maxx;
		reg->items[i].b.maxy = p->maxy;
		reg->items[i].part = p;
		reg->items[i].i = i;
		reg->minx = fmin(reg->minx, p->minx);
		reg->maxx = fmax(reg->maxx, p->maxx);
	}
	rc = geo__ptree_sort(reg->items, reg->nparts, sizeof(*reg->items));
	if (!rc)
		rc = geo__ptree_build(&reg->pt, reg->items, reg->nparts,
				      sizeof(*reg->items));
	return rc;
}

int geo_region_alloc(struct geo_ctx *ctx, struct geo_shape *const *shapes,
		     size_t nshapes, struct geo_region **regp,
		     struct geo_err *err)
{
	struct geo_region *reg, **shared;
	size_t i, max;
	int rc;

	geo__err_begin(err);
	if (!ctx || !regp || (nshapes && !shapes))
		return geo__err(err, EINVAL, "bad argument");
	if (nshapes == 0)
		return geo__err(err, EINVAL, "region without geometry");
	/* a catalog feature's (a filter's are capped when parsed) */
	max = ctx->lim.max_shapes > ctx->lim.max_catalog_shapes ?
	      ctx->lim.max_shapes : ctx->lim.max_catalog_shapes;
	if (nshapes > max)
		return geo__err(err, EOVERFLOW, "region has more than %zu "
				"geometries", max);
	/* a catalog feature's region: made once, then shared */
	shared = geo__region_shared(ctx, shapes, nshapes);
	if (shared && *shared) {
		*regp = geo_region_ref(*shared);
		return 0;
	}
	reg = calloc(1, sizeof(*reg));
	if (!reg)
		return ENOMEM;
	reg->ctx = ctx;
	reg->refs = 1;
	reg->parts = calloc(nshapes, sizeof(*reg->parts));
	if (!reg->parts) {
		rc = ENOMEM;
		goto out;
	}
	for (i = 0; i < nshapes; i++) {
		if (!shapes[i]) {
			rc = geo__err(err, EINVAL, "bad argument");
			goto out;
		}
		rc = shape_part(ctx, shapes[i], &reg->parts[i], err);
		if (rc)
			goto out;
		reg->nparts++;
	}
	if (reg->nparts >= ctx->region_index_min) {
		rc = index_build(reg);
		if (rc)
			goto out;
	}
	if (shared)
		*shared = geo_region_ref(reg);
	*regp = reg;
	return 0;
out:
	geo_region_free(reg);
	return geo__err_end(err, rc);
}

struct geo_region *geo_region_ref(struct geo_region *reg)
{
	if (reg)
		reg->refs++;
	return reg;
}

void geo_region_free(struct geo_region *reg)
{
	size_t i;

	if (!reg || --reg->refs > 0)
		return;
	for (i = 0; i < reg->nparts; i++)
		geo__intern_put(reg->ctx, reg->parts[i]);
	geo__ptree_reset(&reg->pt);
	free(reg->items);
	free(reg->parts);
	free(reg);
}

size_t geo__region_nparts(const struct geo_region *reg)
{
	return reg->nparts;
}

struct geo_part *geo__region_part(const struct geo_region *reg, size_t i)
{
	return reg->parts[i];
}

bool geo__region_indexed(const struct geo_region *reg)
{
	return reg && reg->items;
}

int geo__part_test(struct geo_ctx *ctx, const struct geo_part *part,
		   const struct geo_point *pt, enum geo_position *pos)
{
	double x = pt->lon;
	bool in = false;
	int rc;

	if (x < part->minx)
		x += 360.0;
	else if (x > part->maxx)
		x -= 360.0;
	rc = geo__part_covers(ctx, part, x, pt->lat, &in);
	if (rc)
		return rc;
	if (!in)
		*pos = GEO_POS_OUTSIDE;
	else if (!part->has_z)
		*pos = GEO_POS_INSIDE;
	else if (!pt->has_alt)
		*pos = GEO_POS_UNDEFINED;      /* LF-39, Q-19 */
	else
		*pos = pt->alt >= part->zmin && pt->alt <= part->zmax ?
		       GEO_POS_INSIDE : GEO_POS_OUTSIDE;
	return 0;
}

struct pt_walk {
	struct geo_ctx *ctx;
	const struct geo_region *reg;
	const struct geo_point *pt;
	bool inside, undef;
	int rc;
};

/* A part whose box holds the point: test it; stop when inside. */
static bool pt_visit(size_t i, void *arg)
{
	struct pt_walk *w = arg;
	enum geo_position p;

	w->rc = geo__part_test(w->ctx, w->reg->items[i].part, w->pt, &p);
	if (w->rc)
		return false;
	if (p == GEO_POS_INSIDE) {
		w->inside = true;
		return false;
	}
	if (p == GEO_POS_UNDEFINED)
		w->undef = true;
	return true;
}

/* The point at lon and, for parts beyond +/-180, at lon +/- 360. */
static int point_indexed(struct geo_ctx *ctx, const struct geo_region *reg,
			 const struct geo_point *pt, enum geo_position *pos)
{
	struct pt_walk w = { ctx, reg, pt, false, false, 0 };
	double x = pt->lon, y = pt->lat;
	struct geo_box q = { x, y, x, y };

	if (geo__ptree_query(&reg->pt, &q, pt_visit, &w) &&
	    reg->maxx > 180.0 && x + 360.0 <= reg->maxx) {
		q.minx = q.maxx = x + 360.0;
		geo__ptree_query(&reg->pt, &q, pt_visit, &w);
	}
	if (!w.rc && !w.inside && reg->minx < -180.0 &&
	    x - 360.0 >= reg->minx) {
		q.minx = q.maxx = x - 360.0;
		geo__ptree_query(&reg->pt, &q, pt_visit, &w);
	}
	if (w.rc)
		return w.rc;
	*pos = w.inside ? GEO_POS_INSIDE :
	       w.undef ? GEO_POS_UNDEFINED : GEO_POS_OUTSIDE;
	return 0;
}

int geo_region_test_point(struct geo_ctx *ctx, const struct geo_region *reg,
			  const struct geo_point *pt, enum geo_position *pos)
{
	bool undef = false;
	size_t i;

	if (!ctx || !reg || !pt || !pos || !geo_point_valid(pt))
		return EINVAL;
	if (reg->items && !ctx->region_scan)
		return point_indexed(ctx, reg, pt, pos);
	for (i = 0; i < reg->nparts; i++) {
		enum geo_position p;
		int rc = geo__part_test(ctx, reg->parts[i], pt, &p);
		if (rc)
			return rc;
		if (p == GEO_POS_INSIDE) {
			*pos = GEO_POS_INSIDE;
			return 0;
		}
		if (p == GEO_POS_UNDEFINED)
			undef = true;
	}
	*pos = undef ? GEO_POS_UNDEFINED : GEO_POS_OUTSIDE;
	return 0;
}

/* Area of (est ∩ part) in the AEQD plane around c. */
static int overlap_area(struct geo_ctx *ctx, const struct geo_part *part,
			const struct geo_point *c, const GEOSGeometry *est,
			double *area)
{
	double *xy = malloc(2 * part->npts * sizeof(*xy));
	GEOSGeometry *pg = NULL, *ix = NULL;
	size_t i;
	int rc = 0;

	if (!xy)
		return ENOMEM;
	for (i = 0; i < part->npts; i++)
		geo__aeqd_fwd(ctx, c, part->xy[2 * i + 1], part->xy[2 * i],
			      &xy[2 * i], &xy[2 * i + 1]);
	pg = geo__geos_polygon(ctx, xy, part->cnt, part->nrings);
	if (!pg) {
		rc = EPROTO;
		goto out;
	}
	ix = GEOSIntersection_r(ctx->gh, est, pg);
	if (!ix) {
		/* a projected ring may self-touch: retry made valid */
		GEOSGeometry *v = GEOSMakeValid_r(ctx->gh, pg);
		if (v)
			ix = GEOSIntersection_r(ctx->gh, est, v);
		if (v)
			GEOSGeom_destroy_r(ctx->gh, v);
	}
	if (!ix) {
		rc = EPROTO;
		goto out;
	}
	*area = geo__geos_area(ctx, ix);
	if (*area < 0)
		rc = EPROTO;
out:
	if (ix)
		GEOSGeom_destroy_r(ctx->gh, ix);
	if (pg)
		GEOSGeom_destroy_r(ctx->gh, pg);
	free(xy);
	return rc;
}

/*
 * The half sizes in degrees of a lon/lat box around an estimate
 * centred at c reaching rmax metres from it, with generous degree
 * lengths (a meridian degree is >= 110574 m, a parallel degree >=
 * 111319 m * cos(lat)). False near the poles (every part is near).
 */
static bool near_box(const struct geo_point *c, double rmax, double *dlatp,
		     double *dlonp)
{
	double dlat = rmax / 110574.0 * 1.01 + 1e-6;
	double top = fabs(c->lat) + dlat;

	if (top >= 89.0)
		return false;
	*dlatp = dlat;
	*dlonp = rmax / (111319.0 * cos(top * M_PI / 180.0)) * 1.01 + 1e-6;
	return true;
}

/*
 * Can part overlap an estimate centred at c reaching rmax metres from
 * it? A box test (near_box); near the poles, or when the box spans
 * every longitude, only the latitudes count.
 */
static bool part_near(const struct geo_part *p, const struct geo_point *c,
		      double rmax)
{
	double dlat, dlon, x;

	if (!near_box(c, rmax, &dlat, &dlon))
		return true;
	if (c->lat + dlat < p->miny || c->lat - dlat > p->maxy)
		return false;
	if (dlon >= 180.0)
		return true;
	for (x = c->lon - 360.0; x <= c->lon + 360.0; x += 360.0)
		if (x + dlon >= p->minx && x - dlon <= p->maxx)
			return true;
	return false;
}

/* Fraction of [lo, hi] inside [zmin, zmax]; a point: 0 or 1. */
static double zfrac(double lo, double hi, double zmin, double zmax)
{
	double a = fmax(lo, zmin), b = fmin(hi, zmax);

	if (hi <= lo)
		return lo >= zmin && lo <= zmax ? 1.0 : 0.0;
	return b > a ? (b - a) / (hi - lo) : 0.0;
}

/* An estimate being compared with the parts of a region. */
struct est {
	const struct geo_point *c;  /* centre */
	const GEOSGeometry *eg;     /* outline in the AEQD plane at c */
	double rmax;                /* reach from c (m) */
	bool ez;                    /* has a vertical extent elo..ehi */
	double elo, ehi;
	double in_lo, in_hi;        /* overlap sums */
};

/* Add part p's overlap with the estimate (none unless part_near). */
static int est_add(struct geo_ctx *ctx, struct est *e,
		   const struct geo_part *p)
{
	double a = 0, f;
	int rc;

	if (!part_near(p, e->c, e->rmax))
		return 0;
	rc = overlap_area(ctx, p, e->c, e->eg, &a);
	if (rc)
		return rc;
	if (!p->has_z) {
		e->in_lo += a;
		e->in_hi += a;
	} else if (e->ez) {
		f = zfrac(e->elo, e->ehi, p->zmin, p->zmax);
		e->in_lo += a * f;
		e->in_hi += a * f;
	} else {
		e->in_hi += a;              /* altitude unknown: LF-39 */
	}
	return 0;
}

struct cands {
	size_t *idx;                /* part indices */
	size_t n, cap;
	int rc;
};

struct box_walk {
	const struct geo_region *reg;
	struct cands cs;
};

static bool box_visit(size_t i, void *arg)
{
	struct box_walk *w = arg;
	size_t *ni = geo__grow(w->cs.idx, &w->cs.cap, w->cs.n + 1,
			       sizeof(*ni));

	if (!ni) {
		w->cs.rc = ENOMEM;
		return false;
	}
	w->cs.idx = ni;
	w->cs.idx[w->cs.n++] = w->reg->items[i].i;
	return true;
}

static int size_cmp(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * The parts whose box meets the estimate's near box (at its longitude
 * and +/- 360, widened by a nano-degree against rounding), in part
 * order, each once, then est_add on each: the same parts, added in the
 * same order, as the scan of every part.
 */
static int est_indexed(struct geo_ctx *ctx, const struct geo_region *reg,
		       struct est *e)
{
	struct box_walk w = { reg, { NULL, 0, 0, 0 } };
	double dlat, dlon, x;
	size_t i, k;
	int rc = 0;

	if (!near_box(e->c, e->rmax, &dlat, &dlon) || dlon >= 180.0) {
		for (i = 0; i < reg->nparts && !rc; i++)
			rc = est_add(ctx, e, reg->parts[i]);
		return rc;
	}
	dlat += 1e-9;
	dlon += 1e-9;
	for (x = e->c->lon - 360.0; x <= e->c->lon + 360.0 && !w.cs.rc;
	     x += 360.0) {
		struct geo_box q = { x - dlon, e->c->lat - dlat, x + dlon,
				     e->c->lat + dlat };
		if (q.maxx < reg->minx || q.minx > reg->maxx)
			continue;
		geo__ptree_query(&reg->pt, &q, box_visit, &w);
	}
	rc = w.cs.rc;
	if (!rc && w.cs.n > 1)
		qsort(w.cs.idx, w.cs.n, sizeof(*w.cs.idx), size_cmp);
	for (i = 0, k = 0; !rc && i < w.cs.n; i++) {
		if (i && w.cs.idx[i] == k)
			continue;           /* met at two longitudes */
		k = w.cs.idx[i];
		rc = est_add(ctx, e, reg->parts[k]);
	}
	free(w.cs.idx);
	return rc;
}

int geo_region_test(struct geo_ctx *ctx, const struct geo_region *reg,
		    const struct geo_shape *est, double confidence,
		    enum geo_position *pos, double *p_inside)
{
	GEOSGeometry *eg = NULL;
	struct geo_point c;
	struct est e;
	double *xy = NULL, a_est, in_lo, in_hi, p_in, p_out, rmax = 0;
	size_t *cnt = NULL, nr, i;
	int rc;

	if (!ctx || !reg || !est || !pos)
		return EINVAL;
	if (!(confidence >= 0.0 && confidence <= 1.0))
		return EINVAL;
	if (est->kind == GEO_SHAPE_POINT) {
		rc = geo_region_test_point(ctx, reg, &est->center, pos);
		if (!rc && p_inside)
			*p_inside = *pos == GEO_POS_INSIDE ? 1.0 :
				    *pos == GEO_POS_OUTSIDE ? 0.0 : NAN;
		return rc;
	}
	rc = geo_shape_center(ctx, est, &c);
	if (rc)
		return rc;
	if (!geo_point_valid(&c))
		return EINVAL;
	rc = geo__shape_rings(ctx, est, &c, &xy, &cnt, &nr);
	if (rc)
		return rc;
	for (i = 0; i < cnt[0]; i++)
		rmax = fmax(rmax, hypot(xy[2 * i], xy[2 * i + 1]));
	eg = geo__geos_polygon(ctx, xy, cnt, nr);
	if (!eg) {
		rc = EPROTO;
		goto out;
	}
	a_est = geo__geos_area(ctx, eg);
	if (!(a_est > 0)) {
		rc = EINVAL;
		goto out;
	}
	memset(&e, 0, sizeof(e));
	e.c = &c;
	e.eg = eg;
	e.rmax = rmax;
	e.ez = geo__shape_zrange(est, &e.elo, &e.ehi);
	if (reg->items && !ctx->region_scan) {
		rc = est_indexed(ctx, reg, &e);
	} else {
		for (i = 0; i < reg->nparts && !rc; i++)
			rc = est_add(ctx, &e, reg->parts[i]);
	}
	if (rc)
		goto out;
	/* Parts are taken as disjoint; cap at the estimate's area. */
	in_lo = fmin(e.in_lo, a_est);
	in_hi = fmin(e.in_hi, a_est);
	p_in = confidence * in_lo / a_est;
	p_out = confidence * (a_est - in_hi) / a_est;
	if (p_in >= 0.5)
		*pos = GEO_POS_INSIDE;
	else if (p_out >= 0.5)
		*pos = GEO_POS_OUTSIDE;
	else
		*pos = GEO_POS_UNDEFINED;
	if (p_inside)
		*p_inside = p_in;
out:
	if (eg)
		GEOSGeom_destroy_r(ctx->gh, eg);
	free(xy);
	free(cnt);
	return rc;
}
