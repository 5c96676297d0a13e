/*
 * geos.c: the GEOS wrappers of geo/ (every GEOS allocation made here is
 * released with GEOSGeom_destroy_r / GEOSFree_r; every return checked).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "geo/geo_int.h"

static GEOSGeometry *ring_make(struct geo_ctx *ctx, const double *xy,
			       size_t n)
{
	GEOSCoordSequence *cs;

	if (n > 0xffffffffu)
		return NULL;
	cs = GEOSCoordSeq_copyFromBuffer_r(ctx->gh, xy, (unsigned)n, 0, 0);
	if (!cs)
		return NULL;
	return GEOSGeom_createLinearRing_r(ctx->gh, cs); /* takes cs */
}

GEOSGeometry *geo__geos_polygon(struct geo_ctx *ctx, const double *xy,
				const size_t *cnt, size_t nrings)
{
	GEOSGeometry *shell, **holes = NULL, *poly;
	size_t i, off;

	if (nrings == 0 || nrings > 0xffffffffu)
		return NULL;
	shell = ring_make(ctx, xy, cnt[0]);
	if (!shell)
		return NULL;
	if (nrings > 1) {
		holes = calloc(nrings - 1, sizeof(*holes));
		if (!holes)
			goto fail;
	}
	off = cnt[0];
	for (i = 1; i < nrings; i++) {
		holes[i - 1] = ring_make(ctx, xy + 2 * off, cnt[i]);
		if (!holes[i - 1])
			goto fail;
		off += cnt[i];
	}
	poly = GEOSGeom_createPolygon_r(ctx->gh, shell, holes,
					(unsigned)(nrings - 1));
	if (!poly)
		goto fail;
	free(holes);
	return poly;
fail:
	GEOSGeom_destroy_r(ctx->gh, shell);
	for (i = 0; holes && i + 1 < nrings; i++)
		if (holes[i])
			GEOSGeom_destroy_r(ctx->gh, holes[i]);
	free(holes);
	return NULL;
}

int geo__geos_check_valid(struct geo_ctx *ctx, const GEOSGeometry *g,
			  struct geo_err *err)
{
	char v = GEOSisValid_r(ctx->gh, g);
	char *why;
	int rc;

	if (v == 1)
		return 0;
	if (v != 0)
		return geo__err(err, EBADMSG, "invalid polygon: %s",
				ctx->geos_msg);
	why = GEOSisValidReason_r(ctx->gh, g);
	if (why && strncmp(why, "Self-intersection", 17) == 0)
		rc = geo__err(err, EBADMSG, "self-intersecting ring");
	else if (why && strncmp(why, "Ring Self-intersection", 22) == 0)
		rc = geo__err(err, EBADMSG, "self-intersecting ring");
	else if (why) {
		size_t n = strcspn(why, "[");   /* drop the coordinates */
		while (n > 0 && why[n - 1] == ' ')
			n--;
		rc = geo__err(err, EBADMSG, "invalid polygon: %.*s", (int)n,
			      why);
	} else
		rc = geo__err(err, EBADMSG, "invalid polygon");
	if (why)
		GEOSFree_r(ctx->gh, why);
	return rc;
}

double geo__geos_area(struct geo_ctx *ctx, const GEOSGeometry *g)
{
	double a = -1.0;

	if (!GEOSArea_r(ctx->gh, g, &a))
		return -1.0;
	return a;
}
