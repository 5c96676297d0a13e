/*
 * intern.c: polygons (unwrapped lon/lat rings plus an altitude range)
 * interned per context. Rings are normalised (counter-clockwise, starting
 * at the smallest vertex, holes sorted), hashed, and identical ones share
 * one GEOS geometry and prepared geometry, reference counted.
 *
 * geo__part_covers() is the point fast path: bbox reject, the cell grid
 * of parts above GEO_GRID_MIN_EDGES edges (grid.c), then an even-odd
 * crossing test over the point's band of edges whose orientation signs
 * are filtered with a forward error bound (Shewchuk's orient2d "A"
 * bound, widened); when a point lies within rounding of an edge, GEOS
 * decides (GEOSPreparedCovers_r on parts with a band index; small parts
 * keep no GEOS geometry, about half their memory, and make one for that
 * rare question), so the answer is always GEOS's (boundary counts as
 * inside).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "geo/geo_int.h"

struct geo_intern {
	struct geo_part **tab;
	size_t size;     /* power of two */
	size_t count;
};

int geo__intern_alloc(struct geo_intern **ip)
{
	struct geo_intern *in = calloc(1, sizeof(*in));

	if (!in)
		return ENOMEM;
	in->size = 64;
	in->tab = calloc(in->size, sizeof(*in->tab));
	if (!in->tab) {
		free(in);
		return ENOMEM;
	}
	*ip = in;
	return 0;
}

static void part_destroy(struct geo_ctx *ctx, struct geo_part *p)
{
	if (p->prep)
		GEOSPreparedGeom_destroy_r(ctx->gh, p->prep);
	if (p->geom)
		GEOSGeom_destroy_r(ctx->gh, p->geom);
	free(p->band_off);
	free(p->band_edge);
	geo__grid_free(p);
	free(p->cnt);
	free(p->xy);
	free(p);
}

/* Parts with more edges than this get a band index. */
#define BAND_MIN_EDGES 32
/* At most this many band entries per edge (memory bound). */
#define BAND_MAX_FANOUT 8
#define BAND_MAX 4096

static size_t band_of(const struct geo_part *p, double y)
{
	double b = floor((y - p->miny) * p->band_scale);

	if (!(b > 0))
		return 0;
	if (b >= (double)p->nbands)
		return p->nbands - 1;
	return (size_t)b;
}

/*
 * Build the band index: band_of() is monotonic in y, so an edge whose
 * y-range holds y is listed in band_of(y) whatever the rounding.
 */
static int bands_build(struct geo_part *p)
{
	size_t nedges = p->npts - p->nrings, nb, tot, r, i, k;
	const double *xy;
	uint32_t *fill;

	if (nedges <= BAND_MIN_EDGES || p->npts > UINT32_MAX ||
	    !(p->maxy > p->miny))
		return 0;
	nb = nedges / 2 < BAND_MAX ? nedges / 2 : BAND_MAX;
	for (;;) {
		p->nbands = nb;
		p->band_scale = (double)nb / (p->maxy - p->miny);
		tot = 0;
		for (r = 0, xy = p->xy; r < p->nrings; r++, xy += 2)
			for (i = 0; i + 1 < p->cnt[r]; i++, xy += 2)
				tot += band_of(p, fmax(xy[1], xy[3])) -
				       band_of(p, fmin(xy[1], xy[3])) + 1;
		if (tot <= BAND_MAX_FANOUT * nedges || nb == 1)
			break;
		nb /= 2;
	}
	if (tot > UINT32_MAX)
		goto none;
	p->band_off = calloc(nb + 1, sizeof(*p->band_off));
	p->band_edge = malloc(tot * sizeof(*p->band_edge));
	fill = calloc(nb, sizeof(*fill));
	if (!p->band_off || !p->band_edge || !fill) {
		free(fill);
		goto none;
	}
	for (r = 0, xy = p->xy; r < p->nrings; r++, xy += 2)
		for (i = 0; i + 1 < p->cnt[r]; i++, xy += 2)
			for (k = band_of(p, fmin(xy[1], xy[3]));
			     k <= band_of(p, fmax(xy[1], xy[3])); k++)
				p->band_off[k + 1]++;
	for (k = 0; k < nb; k++)
		p->band_off[k + 1] += p->band_off[k];
	for (r = 0, xy = p->xy; r < p->nrings; r++, xy += 2)
		for (i = 0; i + 1 < p->cnt[r]; i++, xy += 2)
			for (k = band_of(p, fmin(xy[1], xy[3]));
			     k <= band_of(p, fmax(xy[1], xy[3])); k++)
				p->band_edge[p->band_off[k] + fill[k]++] =
					(uint32_t)((xy - p->xy) / 2);
	free(fill);
	return 0;
none:
	/* no index: the plain loop is still correct */
	free(p->band_off);
	free(p->band_edge);
	p->band_off = NULL;
	p->band_edge = NULL;
	p->nbands = 0;
	return 0;
}

void geo__intern_free(struct geo_ctx *ctx, struct geo_intern *in)
{
	size_t i;

	if (!in)
		return;
	/* Regions still alive keep pointers: they must be freed first. */
	for (i = 0; i < in->size; i++) {
		struct geo_part *p = in->tab[i], *nx;
		for (; p; p = nx) {
			nx = p->next;
			part_destroy(ctx, p);
		}
	}
	free(in->tab);
	free(in);
}

size_t geo__intern_count(const struct geo_intern *in)
{
	return in ? in->count : 0;
}

static uint64_t fnv(uint64_t h, const void *data, size_t n)
{
	const unsigned char *b = data;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= b[i];
		h *= 1099511628211ULL;
	}
	return h;
}

/* Copy closed ring src (n points) into dst, counter-clockwise, starting
 * at its smallest vertex. */
static void ring_norm(const double *src, size_t n, double *dst)
{
	size_t m = n - 1, k = 0, i;
	bool rev = geo__ring_area(src, n) < 0;

	for (i = 1; i < m; i++)
		if (src[2 * i] < src[2 * k] ||
		    (src[2 * i] == src[2 * k] &&
		     src[2 * i + 1] < src[2 * k + 1]))
			k = i;
	for (i = 0; i < m; i++) {
		size_t j = rev ? (k + m - i) % m : (k + i) % m;
		dst[2 * i] = src[2 * j] + 0.0;          /* -0 -> +0 */
		dst[2 * i + 1] = src[2 * j + 1] + 0.0;
	}
	dst[2 * m] = dst[0];
	dst[2 * m + 1] = dst[1];
}

struct ringref {
	const double *xy;
	size_t n;
};

static int ringref_cmp(const void *a, const void *b)
{
	const struct ringref *x = a, *y = b;

	if (x->xy[0] != y->xy[0])
		return x->xy[0] < y->xy[0] ? -1 : 1;
	if (x->xy[1] != y->xy[1])
		return x->xy[1] < y->xy[1] ? -1 : 1;
	if (x->n != y->n)
		return x->n < y->n ? -1 : 1;
	return memcmp(x->xy, y->xy, 2 * x->n * sizeof(double));
}

/* Build the normalised copy of the rings into p (cnt, xy, npts). */
static int part_norm(struct geo_part *p, const double *xy, const size_t *cnt,
		     size_t nrings)
{
	struct ringref *rr = NULL;
	double *tmp = NULL;
	size_t i, off = 0, tot = 0;

	for (i = 0; i < nrings; i++) {
		if (cnt[i] < 4)
			return EINVAL;
		tot += cnt[i];
	}
	p->xy = malloc(2 * tot * sizeof(double));
	p->cnt = malloc(nrings * sizeof(size_t));
	tmp = malloc(2 * tot * sizeof(double));
	rr = malloc(nrings * sizeof(*rr));
	if (!p->xy || !p->cnt || !tmp || !rr) {
		free(tmp);
		free(rr);
		return ENOMEM;
	}
	for (i = 0; i < nrings; i++) {
		ring_norm(xy + 2 * off, cnt[i], tmp + 2 * off);
		rr[i].xy = tmp + 2 * off;
		rr[i].n = cnt[i];
		off += cnt[i];
	}
	if (nrings > 2)
		qsort(rr + 1, nrings - 1, sizeof(*rr), ringref_cmp);
	off = 0;
	for (i = 0; i < nrings; i++) {
		memcpy(p->xy + 2 * off, rr[i].xy,
		       2 * rr[i].n * sizeof(double));
		p->cnt[i] = rr[i].n;
		off += rr[i].n;
	}
	p->nrings = nrings;
	p->npts = tot;
	free(tmp);
	free(rr);
	return 0;
}

static uint64_t part_hash(const struct geo_part *p)
{
	uint64_t h = 14695981039346656037ULL;

	h = fnv(h, &p->nrings, sizeof(p->nrings));
	h = fnv(h, p->cnt, p->nrings * sizeof(*p->cnt));
	h = fnv(h, p->xy, 2 * p->npts * sizeof(double));
	h = fnv(h, &p->has_z, sizeof(p->has_z));
	if (p->has_z) {
		h = fnv(h, &p->zmin, sizeof(p->zmin));
		h = fnv(h, &p->zmax, sizeof(p->zmax));
	}
	return h;
}

static bool part_same(const struct geo_part *a, const struct geo_part *b)
{
	if (a->hash != b->hash || a->nrings != b->nrings ||
	    a->npts != b->npts || a->has_z != b->has_z)
		return false;
	if (a->has_z && (a->zmin != b->zmin || a->zmax != b->zmax))
		return false;
	return memcmp(a->cnt, b->cnt, a->nrings * sizeof(*a->cnt)) == 0 &&
	       memcmp(a->xy, b->xy, 2 * a->npts * sizeof(double)) == 0;
}

static void intern_grow(struct geo_intern *in)
{
	size_t nsize = in->size * 2, i;
	struct geo_part **nt = calloc(nsize, sizeof(*nt));

	if (!nt)
		return;         /* longer chains, still correct */
	for (i = 0; i < in->size; i++) {
		struct geo_part *p = in->tab[i], *nx;
		for (; p; p = nx) {
			nx = p->next;
			p->next = nt[p->hash & (nsize - 1)];
			nt[p->hash & (nsize - 1)] = p;
		}
	}
	free(in->tab);
	in->tab = nt;
	in->size = nsize;
}

int geo__intern_get(struct geo_ctx *ctx, const double *xy, const size_t *cnt,
		    size_t nrings, bool has_z, double zmin, double zmax,
		    struct geo_part **partp, struct geo_err *err)
{
	struct geo_intern *in = ctx->intern;
	struct geo_part *p, *q;
	size_t i, b;
	int rc;

	if (nrings == 0)
		return geo__err(err, EINVAL, "polygon without rings");
	p = calloc(1, sizeof(*p));
	if (!p)
		return ENOMEM;
	p->has_z = has_z;
	p->zmin = has_z ? zmin + 0.0 : 0.0;
	p->zmax = has_z ? zmax + 0.0 : 0.0;
	rc = part_norm(p, xy, cnt, nrings);
	if (rc) {
		part_destroy(ctx, p);
		return geo__err(err, rc, rc == ENOMEM ? "out of memory" :
				"ring needs at least 4 positions");
	}
	p->hash = part_hash(p);
	b = p->hash & (in->size - 1);
	for (q = in->tab[b]; q; q = q->next)
		if (part_same(p, q)) {
			part_destroy(ctx, p);
			q->refs++;
			*partp = q;
			return 0;
		}
	p->minx = p->maxx = p->xy[0];
	p->miny = p->maxy = p->xy[1];
	for (i = 1; i < p->cnt[0]; i++) {
		p->minx = fmin(p->minx, p->xy[2 * i]);
		p->maxx = fmax(p->maxx, p->xy[2 * i]);
		p->miny = fmin(p->miny, p->xy[2 * i + 1]);
		p->maxy = fmax(p->maxy, p->xy[2 * i + 1]);
	}
	p->geom = geo__geos_polygon(ctx, p->xy, p->cnt, p->nrings);
	if (!p->geom) {
		rc = geo__err(err, EBADMSG, "invalid polygon: %s",
			      ctx->geos_msg);
		goto fail;
	}
	rc = geo__geos_check_valid(ctx, p->geom, err);
	if (rc)
		goto fail;
	rc = bands_build(p);
	if (!rc)
		rc = geo__grid_build(ctx, p);
	if (rc) {
		rc = geo__err(err, rc, "cannot index polygon");
		goto fail;
	}
	if (!p->band_off) {
		/* small: GEOS only for points within rounding of an edge,
		 * from a geometry made then (geos_covers); ~0.5 KB saved */
		GEOSGeom_destroy_r(ctx->gh, p->geom);
		p->geom = NULL;
	} else {
		p->prep = GEOSPrepare_r(ctx->gh, p->geom);
		if (!p->prep) {
			rc = geo__err(err, ENOMEM, "cannot prepare "
				      "polygon: %s", ctx->geos_msg);
			goto fail;
		}
	}
	p->refs = 1;
	p->next = in->tab[b];
	in->tab[b] = p;
	in->count++;
	if (in->count > in->size)
		intern_grow(in);
	*partp = p;
	return 0;
fail:
	part_destroy(ctx, p);
	return rc;
}

void geo__intern_put(struct geo_ctx *ctx, struct geo_part *part)
{
	struct geo_intern *in;
	struct geo_part **pp;

	if (!part || --part->refs > 0)
		return;
	in = ctx->intern;
	for (pp = &in->tab[part->hash & (in->size - 1)]; *pp;
	     pp = &(*pp)->next)
		if (*pp == part) {
			*pp = part->next;
			in->count--;
			break;
		}
	part_destroy(ctx, part);
}

/* Small parts keep no GEOS geometry: make it for this one question. */
static int geos_covers_once(struct geo_ctx *ctx, const struct geo_part *part,
			    double x, double y, bool *in)
{
	GEOSGeometry *g = geo__geos_polygon(ctx, part->xy, part->cnt,
					    part->nrings);
	GEOSGeometry *pt = g ? GEOSGeom_createPointFromXY_r(ctx->gh, x, y) :
			   NULL;
	char r = 2;

	if (pt)
		r = GEOSCovers_r(ctx->gh, g, pt);
	if (pt)
		GEOSGeom_destroy_r(ctx->gh, pt);
	if (g)
		GEOSGeom_destroy_r(ctx->gh, g);
	if (!pt)
		return ENOMEM;
	if (r != 0 && r != 1)
		return EPROTO;
	*in = r == 1;
	return 0;
}

static int geos_covers(struct geo_ctx *ctx, const struct geo_part *part,
		       double x, double y, bool *in)
{
	char r;

	if (!part->prep)
		return geos_covers_once(ctx, part, x, y, in);
#if GEOS_VERSION_MAJOR > 3 || \
	(GEOS_VERSION_MAJOR == 3 && GEOS_VERSION_MINOR >= 12)
	r = GEOSPreparedIntersectsXY_r(ctx->gh, part->prep, x, y);
#else
	GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(ctx->gh, x, y);

	if (!pt)
		return ENOMEM;
	r = GEOSPreparedCovers_r(ctx->gh, part->prep, pt);
	GEOSGeom_destroy_r(ctx->gh, pt);
#endif
	if (r != 0 && r != 1)
		return EPROTO;
	*in = r == 1;
	return 0;
}

/* Widened orient2d error bound factor (Shewchuk: 3.33e-16). */
#define ORIENT_ERR 1e-15

/*
 * One edge (a -> b) against (x, y): toggles *odd when the rightward ray
 * crosses it; returns false when the point is within rounding of the
 * edge (GEOS must decide).
 */
static inline bool edge_step(const double *p, double x, double y,
			     bool *odd)
{
	double ax = p[0], ay = p[1], bx = p[2], by = p[3];
	double l, rr, det;

	if ((y < ay && y < by) || (y > ay && y > by))
		return true;
	if (x < ax && x < bx) {
		if ((ay > y) != (by > y))
			*odd = !*odd;
		return true;
	}
	if (x > ax && x > bx)
		return true;
	l = (bx - ax) * (y - ay);
	rr = (by - ay) * (x - ax);
	det = l - rr;
	if (fabs(det) <= ORIENT_ERR * (fabs(l) + fabs(rr)))
		return false;
	if ((ay > y) != (by > y) && (by > ay ? det > 0 : det < 0))
		*odd = !*odd;
	return true;
}

int geo__part_covers(struct geo_ctx *ctx, const struct geo_part *part,
		     double x, double y, bool *in)
{
	const double *p = part->xy;
	bool odd = false;
	size_t r, i;

	if (x < part->minx || x > part->maxx || y < part->miny ||
	    y > part->maxy) {
		*in = false;
		return 0;
	}
	if (part->grid_off && geo__grid_covers(part, x, y, in))
		return 0;
	if (part->band_off) {
		size_t b = band_of(part, y);
		for (i = part->band_off[b]; i < part->band_off[b + 1]; i++) {
			size_t e = part->band_edge[i];
			if (!edge_step(part->xy + 2 * e, x, y, &odd))
				return geos_covers(ctx, part, x, y, in);
		}
		*in = odd;
		return 0;
	}
	for (r = 0; r < part->nrings; r++) {
		for (i = 0; i + 1 < part->cnt[r]; i++, p += 2)
			if (!edge_step(p, x, y, &odd))
				return geos_covers(ctx, part, x, y, in);
		p += 2;         /* skip the closing point */
	}
	*in = odd;
	return 0;
}
