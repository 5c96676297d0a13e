/*
 * ptree.c: the packed bounding-box tree shared by fence sets
 * (fenceset.c: every part of every fence) and by regions with many parts
 * (region.c). A static R-tree in flat arrays, as flatbush and GEOS's
 * STRtree build it: the caller's items (level 0) are sorted by the
 * Hilbert value of their box centre, then packed GEO_PTREE_NODE to a
 * node, level by level up to one root. The query (geo_int.h, inline)
 * walks it on a fixed stack and calls back for each item whose box
 * meets the query box (both inclusive), so it allocates nothing.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "geo/geo_int.h"

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

static inline const struct geo_box *item_box(const void *items,
					     size_t stride, size_t i)
{
	return (const struct geo_box *)((const char *)items + i * stride);
}

int geo__ptree_sort(void *items, size_t n, size_t stride)
{
	const struct geo_box *b;
	struct hkey *key;
	char *tmp;
	double x0, y0, x1, y1;
	size_t i;

	if (n < 2)
		return 0;
	if (stride < sizeof(struct geo_box) || n > SIZE_MAX / stride ||
	    n > SIZE_MAX / sizeof(*key))
		return EINVAL;
	key = malloc(n * sizeof(*key));
	tmp = malloc(n * stride);
	if (!key || !tmp) {
		free(key);
		free(tmp);
		return ENOMEM;
	}
	b = item_box(items, stride, 0);
	x0 = b->minx;
	y0 = b->miny;
	x1 = b->maxx;
	y1 = b->maxy;
	for (i = 1; i < n; i++) {
		b = item_box(items, stride, i);
		x0 = b->minx < x0 ? b->minx : x0;
		y0 = b->miny < y0 ? b->miny : y0;
		x1 = b->maxx > x1 ? b->maxx : x1;
		y1 = b->maxy > y1 ? b->maxy : y1;
	}
	for (i = 0; i < n; i++) {
		double cx, cy;

		b = item_box(items, stride, i);
		cx = (b->minx + b->maxx) / 2;
		cy = (b->miny + b->maxy) / 2;
		key[i].h = hilbert(grid16(cx, x0, x1 - x0),
				   grid16(cy, y0, y1 - y0));
		key[i].i = i;
	}
	qsort(key, n, sizeof(*key), hkey_cmp);
	memcpy(tmp, items, n * stride);
	for (i = 0; i < n; i++)
		memcpy((char *)items + i * stride, tmp + key[i].i * stride,
		       stride);
	free(tmp);
	free(key);
	return 0;
}

int geo__ptree_build(struct geo_ptree *t, const void *items, size_t n,
		     size_t stride)
{
	size_t nbox = 0, cnt, l = 0;

	if (!t)
		return EINVAL;
	memset(t, 0, sizeof(*t));
	if ((n && !items) || stride < sizeof(struct geo_box))
		return EINVAL;
	t->items = items;
	t->n = n;
	t->stride = stride;
	t->lev[0] = 0;
	t->lev[1] = n;
	t->nlev = 1;
	for (cnt = n; cnt > 1; cnt = (cnt + GEO_PTREE_NODE - 1) /
				     GEO_PTREE_NODE)
		nbox += (cnt + GEO_PTREE_NODE - 1) / GEO_PTREE_NODE;
	if (nbox == 0)
		return 0;
	t->box = malloc(nbox * sizeof(*t->box));
	if (!t->box)
		return ENOMEM;
	/* each node of level l + 1 the union of up to NODE children */
	cnt = n;
	while (cnt > 1 && l + 1 < GEO_PTREE_LEVELS) {
		size_t up = (cnt + GEO_PTREE_NODE - 1) / GEO_PTREE_NODE, j, c;
		struct geo_box *nb = t->box + t->lev[l + 1] - t->lev[1];

		for (j = 0; j < up; j++) {
			size_t c0 = j * GEO_PTREE_NODE;
			size_t c1 = c0 + GEO_PTREE_NODE < cnt ?
				    c0 + GEO_PTREE_NODE : cnt;
			nb[j] = *geo__ptree_box(t, l, c0);
			for (c = c0 + 1; c < c1; c++) {
				const struct geo_box *ch =
					geo__ptree_box(t, l, c);
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
		t->lev[l + 1] = t->lev[l] + up;
		cnt = up;
	}
	t->nlev = l + 1;
	return 0;
}

void geo__ptree_reset(struct geo_ptree *t)
{
	if (!t)
		return;
	free(t->box);
	memset(t, 0, sizeof(*t));
}

size_t geo__ptree_bytes(const struct geo_ptree *t)
{
	return t && t->nlev > 1 ? (t->lev[t->nlev] - t->lev[1]) *
				  sizeof(*t->box) : 0;
}
