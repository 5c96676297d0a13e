/*
 * grid.c: a cell grid over the bbox of a large part, so that most point
 * tests take O(1) (issue 6, finding 1).
 *
 * The bbox is cut into gdim x gdim cells. An edge is listed in every
 * cell its bbox meets, by the same monotonic cell-of-coordinate function
 * the query uses, so whenever a point P and a cell's centre C fall in
 * one cell, every edge that meets the segment PC is listed there (the
 * meeting point lies between P and C and inside the edge's bbox). Each
 * cell keeps whether its centre is inside; P then has C's answer,
 * flipped once per edge crossing PC. The crossing test uses only
 * error-bounded orientation signs (the filter of intern.c); when one is
 * uncertain (P on or within rounding of an edge, PC through a vertex)
 * the grid gives up and the band index and GEOS decide, as before.
 * Cells whose centre is itself within rounding of one of their edges,
 * or maps to another cell, are left to the bands at build time.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "geo/geo_int.h"

/* At most GRID_MAX_DIM^2 cells (memory bound: 320 KiB of cells). */
#define GRID_MAX_DIM 256
/* Columns (and rows) per square root of the edge count, at first. */
#define GRID_DENSITY 2.0
/* At most this many cell entries per edge (memory bound). */
#define GRID_MAX_FANOUT 16
#define GRID_MIN_DIM 4
/* Widened orient2d error bound factor, as in intern.c. */
#define GRID_ORIENT_ERR 1e-15

enum { CELL_OUT, CELL_IN, CELL_BANDS };
/* Cell kinds in grid_bits (a small array, so most points are answered
 * without touching the larger ones). */
enum { KIND_OUT, KIND_IN, KIND_CROSSED, KIND_BANDS };
/* A cell word: status in the top 2 bits, first entry below. */
#define GRID_ST_SHIFT 30
#define GRID_OFF_MASK ((1u << GRID_ST_SHIFT) - 1)

static size_t cell_of(double v, double lo, double scale, size_t n)
{
	double b = floor((v - lo) * scale);

	if (!(b > 0))
		return 0;
	if (b >= (double)n)
		return n - 1;
	return (size_t)b;
}

/* Sign of the turn a -> b -> p: 1 left, -1 right, 0 uncertain. */
static inline int orient(double ax, double ay, double bx, double by,
			 double px, double py)
{
	double l = (bx - ax) * (py - ay), r = (by - ay) * (px - ax);
	double d = l - r;

	if (fabs(d) <= GRID_ORIENT_ERR * (fabs(l) + fabs(r)))
		return 0;
	return d > 0 ? 1 : -1;
}

static void cell_centre(const struct geo_part *p, size_t i, size_t j,
			double *cx, double *cy)
{
	*cx = p->minx + ((double)i + 0.5) * p->gcw;
	*cy = p->miny + ((double)j + 0.5) * p->gch;
}

/* Cell range [*lo, *hi] of the values [a, b] (a <= b) on one axis. */
static void axis_cells(double a, double b, double lo, double scale,
		       size_t n, size_t *clo, size_t *chi)
{
	*clo = cell_of(a, lo, scale, n);
	*chi = cell_of(b, lo, scale, n);
}

/*
 * The cells of the edge e, row by row: in row j, the columns of the
 * edge's x-range over the row's y-range, widened by margins far above
 * the rounding of cell_of() and of the clipping, so that a point of the
 * edge lying between two doubles of cell (i, j) makes the edge listed
 * in (i, j). With dst NULL, counts into cnt[c + 1] (cnt NULL: only the
 * total); else appends to dst at cnt[c]++. Returns the entries.
 */
static size_t edge_walk(const struct geo_part *p, const double *e,
			uint32_t *cnt, uint32_t *dst)
{
	double ax = e[0], ay = e[1], bx = e[2], by = e[3];
	double my = 1e-9 * p->gch + 1e-12 * (fabs(p->miny) + fabs(p->maxy));
	double mx = 1e-9 * (p->gcw + fabs(bx - ax)) +
		    1e-12 * (fabs(ax) + fabs(bx));
	size_t i0, i1, j0, j1, i, j, tot = 0;

	axis_cells(fmin(ax, bx), fmax(ax, bx), p->minx, p->gsx, p->gdim,
		   &i0, &i1);
	axis_cells(fmin(ay, by), fmax(ay, by), p->miny, p->gsy, p->gdim,
		   &j0, &j1);
	for (j = j0; j <= j1; j++) {
		size_t c0 = i0, c1 = i1;
		if (j0 != j1) {
			double ylo = p->miny + (double)j * p->gch - my;
			double yhi = p->miny + (double)(j + 1) * p->gch + my;
			double t0 = (ylo - ay) / (by - ay);
			double t1 = (yhi - ay) / (by - ay);
			double x0, x1;
			t0 = fmin(fmax(t0, 0.0), 1.0);
			t1 = fmin(fmax(t1, 0.0), 1.0);
			if (j == j0 || j == j1) {
				/* the end row holds an end point */
				double te = j == j0 ? (ay < by ? 0.0 : 1.0)
						    : (ay < by ? 1.0 : 0.0);
				if (j == j0)
					t0 = te;
				else
					t1 = te;
			}
			x0 = ax + t0 * (bx - ax);
			x1 = ax + t1 * (bx - ax);
			axis_cells(fmin(x0, x1) - mx, fmax(x0, x1) + mx,
				   p->minx, p->gsx, p->gdim, &c0, &c1);
			if (c0 < i0)
				c0 = i0;
			if (c1 > i1)
				c1 = i1;
		}
		tot += c1 - c0 + 1;
		for (i = c0; cnt && i <= c1; i++) {
			size_t c = j * p->gdim + i;
			if (dst)
				dst[cnt[c]++] = (uint32_t)((e - p->xy) / 2);
			else
				cnt[c + 1]++;
		}
	}
	return tot;
}

/* Entries of the grid (scales set): count only, count, or fill. */
static size_t grid_walk(const struct geo_part *p, uint32_t *cnt,
			uint32_t *dst)
{
	size_t r, k, tot = 0;
	const double *e = p->xy;

	for (r = 0; r < p->nrings; r++, e += 2)
		for (k = 0; k + 1 < p->cnt[r]; k++, e += 2)
			tot += edge_walk(p, e, cnt, dst);
	return tot;
}

static void grid_scale(struct geo_part *p, size_t g)
{
	p->gdim = g;
	p->gcw = (p->maxx - p->minx) / (double)g;
	p->gch = (p->maxy - p->miny) / (double)g;
	p->gsx = (double)g / (p->maxx - p->minx);
	p->gsy = (double)g / (p->maxy - p->miny);
}

/* Centre status of cell (i, j) with edge offsets off (plain). */
static int cell_classify(struct geo_ctx *ctx, const struct geo_part *p,
			 const uint32_t *off, size_t i, size_t j,
			 uint32_t *st)
{
	size_t c = j * p->gdim + i, k;
	double cx, cy;
	bool in = false;
	int rc;

	cell_centre(p, i, j, &cx, &cy);
	if (cell_of(cx, p->minx, p->gsx, p->gdim) != i ||
	    cell_of(cy, p->miny, p->gsy, p->gdim) != j) {
		*st = CELL_BANDS;
		return 0;
	}
	for (k = off[c]; k < off[c + 1]; k++) {
		const double *e = p->xy + 2 * (size_t)p->grid_edge[k];
		if (!orient(e[0], e[1], e[2], e[3], cx, cy)) {
			*st = CELL_BANDS;
			return 0;
		}
	}
	/* the grid is not installed yet: bands and GEOS answer */
	rc = geo__part_covers(ctx, p, cx, cy, &in);
	if (rc)
		return rc;
	*st = in ? CELL_IN : CELL_OUT;
	return 0;
}

void geo__grid_free(struct geo_part *p)
{
	free(p->grid_off);
	free(p->grid_edge);
	free(p->grid_bits);
	p->grid_bits = NULL;
	p->grid_off = NULL;
	p->grid_edge = NULL;
	p->gdim = 0;
}

int geo__grid_build(struct geo_ctx *ctx, struct geo_part *p)
{
	size_t nedges = p->npts - p->nrings, g, ncell, tot, c, i, j;
	uint32_t *cur = NULL, *off = NULL, *st = NULL;
	uint8_t *bits = NULL;
	int rc = 0;

	if (nedges <= GEO_GRID_MIN_EDGES || p->npts > UINT32_MAX ||
	    !(p->maxx > p->minx) || !(p->maxy > p->miny))
		return 0;
	g = (size_t)ceil(sqrt((double)nedges) * GRID_DENSITY);
	if (g > GRID_MAX_DIM)
		g = GRID_MAX_DIM;
	for (;;) {
		grid_scale(p, g);
		tot = grid_walk(p, NULL, NULL);
		if (tot <= GRID_MAX_FANOUT * nedges && tot <= GRID_OFF_MASK)
			break;
		g = g * 3 / 4;
		if (g < GRID_MIN_DIM) {
			p->gdim = 0;
			return 0;           /* no grid: the bands answer */
		}
	}
	ncell = g * g;
	off = calloc(ncell + 1, sizeof(*off));
	p->grid_edge = malloc((tot ? tot : 1) * sizeof(*p->grid_edge));
	cur = malloc(ncell * sizeof(*cur));
	st = malloc(ncell * sizeof(*st));
	if (!off || !p->grid_edge || !cur || !st) {
		rc = ENOMEM;
		goto out;
	}
	/* count per cell (in off[c + 1]), prefix sums, then fill */
	grid_walk(p, off, NULL);
	for (c = 0; c < ncell; c++) {
		off[c + 1] += off[c];
		cur[c] = off[c];
	}
	grid_walk(p, cur, p->grid_edge);
	for (j = 0; j < g && !rc; j++)
		for (i = 0; i < g && !rc; i++)
			rc = cell_classify(ctx, p, off, i, j, &st[j * g + i]);
	if (rc)
		goto out;
	/* one word per cell: its status above its first entry; and two
	 * bits per cell: empty outside, empty inside, crossed, bands */
	bits = calloc((ncell + 3) / 4, 1);
	if (!bits) {
		rc = ENOMEM;
		goto out;
	}
	for (c = 0; c < ncell; c++) {
		uint32_t b = st[c] == CELL_BANDS ? KIND_BANDS :
			     off[c + 1] > off[c] ? KIND_CROSSED : st[c];
		bits[c / 4] |= (uint8_t)(b << (2 * (c % 4)));
	}
	for (c = 0; c < ncell; c++)
		off[c] |= st[c] << GRID_ST_SHIFT;
	p->grid_bits = bits;
	p->grid_off = off;          /* installed */
	off = NULL;
out:
	free(off);
	free(cur);
	free(st);
	if (rc)
		geo__grid_free(p);
	return rc;
}

bool geo__grid_covers(const struct geo_part *p, double x, double y,
		      bool *in)
{
	size_t i = cell_of(x, p->minx, p->gsx, p->gdim);
	size_t j = cell_of(y, p->miny, p->gsy, p->gdim);
	size_t c = j * p->gdim + i, k, end;
	unsigned kind = (p->grid_bits[c / 4] >> (2 * (c % 4))) & 3;
	double cx, cy, x0, x1, y0, y1;
	bool odd;

	if (kind != KIND_CROSSED) {
		if (kind == KIND_BANDS)
			return false;
		*in = kind == KIND_IN;
		return true;
	}
	odd = p->grid_off[c] >> GRID_ST_SHIFT == CELL_IN;
	k = p->grid_off[c] & GRID_OFF_MASK;
	end = p->grid_off[c + 1] & GRID_OFF_MASK;
	cell_centre(p, i, j, &cx, &cy);
	x0 = fmin(x, cx);
	x1 = fmax(x, cx);
	y0 = fmin(y, cy);
	y1 = fmax(y, cy);
	for (; k < end; k++) {
		const double *e = p->xy + 2 * (size_t)p->grid_edge[k];
		double ax = e[0], ay = e[1], bx = e[2], by = e[3];
		int o1, o2, o3, o4;

		if ((ax < x0 && bx < x0) || (ax > x1 && bx > x1) ||
		    (ay < y0 && by < y0) || (ay > y1 && by > y1))
			continue;
		o1 = orient(ax, ay, bx, by, x, y);
		o2 = orient(ax, ay, bx, by, cx, cy);
		if (!o1 || !o2)
			return false;
		if (o1 == o2)
			continue;
		o3 = orient(x, y, cx, cy, ax, ay);
		o4 = orient(x, y, cx, cy, bx, by);
		if (!o3 || !o4)
			return false;
		if (o3 != o4)
			odd = !odd;
	}
	*in = odd;
	return true;
}

void geo__grid_prefetch(const struct geo_part *p, double x, double y)
{
	size_t c;

	if (!p->grid_bits || x < p->minx || x > p->maxx || y < p->miny ||
	    y > p->maxy)
		return;
	c = cell_of(y, p->miny, p->gsy, p->gdim) * p->gdim +
	    cell_of(x, p->minx, p->gsx, p->gdim);
	__builtin_prefetch(&p->grid_bits[c / 4]);
	__builtin_prefetch(&p->grid_off[c]);
}
