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

/* Cell ranges of the edge starting at e. */
static void edge_cells(const struct geo_part *p, const double *e,
		       size_t *i0, size_t *i1, size_t *j0, size_t *j1)
{
	*i0 = cell_of(fmin(e[0], e[2]), p->minx, p->gsx, p->gdim);
	*i1 = cell_of(fmax(e[0], e[2]), p->minx, p->gsx, p->gdim);
	*j0 = cell_of(fmin(e[1], e[3]), p->miny, p->gsy, p->gdim);
	*j1 = cell_of(fmax(e[1], e[3]), p->miny, p->gsy, p->gdim);
}

/* Cell entries the grid of p (scales set) would hold. */
static size_t grid_entries(const struct geo_part *p)
{
	size_t r, k, i0, i1, j0, j1, tot = 0;
	const double *e = p->xy;

	for (r = 0; r < p->nrings; r++, e += 2)
		for (k = 0; k + 1 < p->cnt[r]; k++, e += 2) {
			edge_cells(p, e, &i0, &i1, &j0, &j1);
			tot += (i1 - i0 + 1) * (j1 - j0 + 1);
		}
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

static void grid_fill_count(struct geo_part *p)
{
	size_t r, k, i, j, i0, i1, j0, j1;
	const double *e = p->xy;

	for (r = 0; r < p->nrings; r++, e += 2)
		for (k = 0; k + 1 < p->cnt[r]; k++, e += 2) {
			edge_cells(p, e, &i0, &i1, &j0, &j1);
			for (j = j0; j <= j1; j++)
				for (i = i0; i <= i1; i++)
					p->grid_off[j * p->gdim + i + 1]++;
		}
}

static void grid_fill(struct geo_part *p, uint32_t *cur)
{
	size_t r, k, i, j, i0, i1, j0, j1;
	const double *e = p->xy;

	for (r = 0; r < p->nrings; r++, e += 2)
		for (k = 0; k + 1 < p->cnt[r]; k++, e += 2) {
			edge_cells(p, e, &i0, &i1, &j0, &j1);
			for (j = j0; j <= j1; j++)
				for (i = i0; i <= i1; i++) {
					size_t c = j * p->gdim + i;
					p->grid_edge[cur[c]++] =
						(uint32_t)((e - p->xy) / 2);
				}
		}
}

/* Centre status of cell (i, j), the grid not yet installed. */
static int cell_classify(struct geo_ctx *ctx, struct geo_part *p,
			 size_t i, size_t j, uint8_t *st)
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
	for (k = p->grid_off[c]; k < p->grid_off[c + 1]; k++) {
		const double *e = p->xy + 2 * (size_t)p->grid_edge[k];
		if (!orient(e[0], e[1], e[2], e[3], cx, cy)) {
			*st = CELL_BANDS;
			return 0;
		}
	}
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
	free(p->grid_st);
	p->grid_off = NULL;
	p->grid_edge = NULL;
	p->grid_st = NULL;
	p->gdim = 0;
}

int geo__grid_build(struct geo_ctx *ctx, struct geo_part *p)
{
	size_t nedges = p->npts - p->nrings, g, ncell, tot, c, i, j;
	uint32_t *cur = NULL, *off;
	uint8_t *st = NULL;
	int rc = 0;

	if (nedges <= GEO_GRID_MIN_EDGES || p->npts > UINT32_MAX ||
	    !(p->maxx > p->minx) || !(p->maxy > p->miny))
		return 0;
	g = (size_t)ceil(sqrt((double)nedges) * GRID_DENSITY);
	if (g > GRID_MAX_DIM)
		g = GRID_MAX_DIM;
	for (;;) {
		grid_scale(p, g);
		tot = grid_entries(p);
		if (tot <= GRID_MAX_FANOUT * nedges)
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
	st = malloc(ncell);
	if (!off || !p->grid_edge || !cur || !st) {
		free(off);
		rc = ENOMEM;
		goto out;
	}
	p->grid_off = off;
	/* count per cell (in off[c + 1]), prefix sums, then fill */
	grid_fill_count(p);
	for (c = 0; c < ncell; c++) {
		off[c + 1] += off[c];
		cur[c] = off[c];
	}
	grid_fill(p, cur);
	/* classify with the grid not installed (geo__part_covers checks
	 * grid_st), so the centres go through the bands and GEOS */
	for (j = 0; j < g && !rc; j++)
		for (i = 0; i < g && !rc; i++)
			rc = cell_classify(ctx, p, i, j, &st[j * g + i]);
	if (!rc) {
		p->grid_st = st;
		st = NULL;
	}
out:
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
	double cx, cy, x0, x1, y0, y1;
	bool odd;

	if (p->grid_st[c] == CELL_BANDS)
		return false;
	odd = p->grid_st[c] == CELL_IN;
	k = p->grid_off[c];
	end = p->grid_off[c + 1];
	if (k == end) {
		*in = odd;
		return true;
	}
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
