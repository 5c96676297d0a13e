/*
 * geo_cover.h: helpers shared by the geo unit tests that compare the
 * fast containment paths with GEOS over random points (static inline;
 * every tests/unit/geo/NAME.c joins the suite, so no shared .c here).
 *
 * gt_rnd: xorshift64 step; a uniform double in [0, 1) (seeded, so every
 *   run tests the same points).
 * gt_lon_norm: a longitude within one turn of [-180, 180] brought into it.
 * gt_geos_says: whether GEOS (the prepared geometry of part p, or for a
 *   small part without one a GEOS polygon of its rings) covers (x, y):
 *   the reference the fast paths are compared with.
 */
#ifndef GEO_COVER_H
#define GEO_COVER_H

#include <check.h>
#include <stdbool.h>
#include <stdint.h>

#include "geo/geo_int.h"

static inline double gt_rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return (double)(*s >> 11) / 9007199254740992.0;
}

static inline double gt_lon_norm(double lon)
{
	return lon > 180.0 ? lon - 360.0 : lon < -180.0 ? lon + 360.0 : lon;
}

static inline bool gt_geos_says(struct geo_ctx *ctx,
				const struct geo_part *p, double x, double y)
{
	GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(ctx->gh, x, y);
	GEOSGeometry *g = NULL;
	char r;

	ck_assert_ptr_nonnull(pt);
	if (p->prep) {
		r = GEOSPreparedCovers_r(ctx->gh, p->prep, pt);
	} else {        /* small parts keep no GEOS geometry */
		g = geo__geos_polygon(ctx, p->xy, p->cnt, p->nrings);
		ck_assert_ptr_nonnull(g);
		r = GEOSCovers_r(ctx->gh, g, pt);
		GEOSGeom_destroy_r(ctx->gh, g);
	}
	GEOSGeom_destroy_r(ctx->gh, pt);
	ck_assert(r == 0 || r == 1);
	return r == 1;
}

#endif
