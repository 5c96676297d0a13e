/*
 * ctx.c: the geometry context (GEOS handle, PROJ context, WGS 84
 * geodesic), limits, error and log helpers, enum names.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "geo/geo_int.h"

void geo_limits_init(struct geo_limits *lim)
{
	if (!lim)
		return;
	lim->max_vertices = 10000;
	lim->max_rings = 64;
	lim->max_patches = 64;
	lim->max_shapes = 32;
	lim->max_depth = 32;
	lim->max_catalog_shapes = 100000;
	lim->max_catalog_vertices = 2000000;
	lim->max_catalog_bytes = (size_t)64 << 20;
}

/* Keep a message printable and free of quotes for a Warning header. */
static void msg_clean(char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c < 0x20 || c == 0x7f || c == '"' || c == '\\')
			*s = ' ';
	}
}

int geo__err(struct geo_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	msg_clean(err->msg);
	return code;
}

void geo__err_begin(struct geo_err *err)
{
	if (err) {
		err->code = 0;
		err->msg[0] = '\0';
	}
}

int geo__err_end(struct geo_err *err, int rc)
{
	if (!rc || !err || err->code == rc)
		return rc;
	switch (rc) {
	case ENOMEM:
		return geo__err(err, rc, "out of memory");
	case EINVAL:
		return geo__err(err, rc, "bad argument");
	case EPROTO:
		return geo__err(err, rc, "geometry engine failure");
	default:
		return geo__err(err, rc, "geometry error %d", rc);
	}
}

void geo__log(const struct geo_ctx *ctx, int level, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	if (!ctx || !ctx->logh)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	ctx->logh(level, buf, ctx->logarg);
}

void *geo__grow(void *arr, size_t *cap, size_t need, size_t elem)
{
	size_t n = *cap ? *cap : 8;
	char *na;

	if (need <= *cap && arr)
		return arr;
	while (n < need) {
		if (n > SIZE_MAX / 2)
			return NULL;
		n *= 2;
	}
	if (n > SIZE_MAX / elem)
		return NULL;
	na = realloc(arr, n * elem);
	if (!na)
		return NULL;
	memset(na + *cap * elem, 0, (n - *cap) * elem);
	*cap = n;
	return na;
}

double geo__lon_norm(double lon)
{
	if (lon >= -180.0 && lon <= 180.0)
		return lon;
	lon = fmod(lon, 360.0);
	if (lon > 180.0)
		lon -= 360.0;
	else if (lon < -180.0)
		lon += 360.0;
	return lon;
}

static void geos_error_h(const char *message, void *userdata)
{
	struct geo_ctx *ctx = userdata;

	snprintf(ctx->geos_msg, sizeof(ctx->geos_msg), "%s",
		 message ? message : "GEOS error");
	msg_clean(ctx->geos_msg);
	geo__log(ctx, LOG_DEBUG, "geos: %s", ctx->geos_msg);
}

static void geos_notice_h(const char *message, void *userdata)
{
	struct geo_ctx *ctx = userdata;

	geo__log(ctx, LOG_DEBUG, "geos notice: %s", message ? message : "");
}

int geo_ctx_alloc(struct geo_ctx **ctxp, const struct geo_limits *lim)
{
	struct geo_ctx *ctx;
	int err;

	if (!ctxp)
		return EINVAL;
	ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return ENOMEM;
	if (lim)
		ctx->lim = *lim;
	else
		geo_limits_init(&ctx->lim);
	ctx->region_index_min = GEO_REGION_INDEX_MIN;
	geod_init(&ctx->geod, 6378137.0, 1.0 / 298.257223563);
	ctx->gh = GEOS_init_r();
	if (!ctx->gh) {
		err = ENOMEM;
		goto out;
	}
	GEOSContext_setErrorMessageHandler_r(ctx->gh, geos_error_h, ctx);
	GEOSContext_setNoticeMessageHandler_r(ctx->gh, geos_notice_h, ctx);
	ctx->pj = proj_context_create();
	if (!ctx->pj) {
		err = ENOMEM;
		goto out;
	}
	proj_context_set_enable_network(ctx->pj, 0);
	err = geo__intern_alloc(&ctx->intern);
	if (err)
		goto out;
	*ctxp = ctx;
	return 0;
out:
	geo_ctx_free(ctx);
	return err;
}

void geo_ctx_free(struct geo_ctx *ctx)
{
	if (!ctx)
		return;
	geo__share_free(ctx);       /* their regions hold interned parts */
	if (ctx->intern)
		geo__intern_free(ctx, ctx->intern);
	if (ctx->pj)
		proj_context_destroy(ctx->pj);
	if (ctx->gh)
		GEOS_finish_r(ctx->gh);
	free(ctx);
}

void geo_ctx_set_log(struct geo_ctx *ctx, geo_log_h *h, void *arg)
{
	if (!ctx)
		return;
	ctx->logh = h;
	ctx->logarg = arg;
}

const struct geo_limits *geo_ctx_limits(const struct geo_ctx *ctx)
{
	return ctx ? &ctx->lim : NULL;
}

size_t geo_ctx_interned(const struct geo_ctx *ctx)
{
	return ctx ? geo__intern_count(ctx->intern) : 0;
}

const char *geo_shape_kind_name(enum geo_shape_kind k)
{
	switch (k) {
	case GEO_SHAPE_POINT: return "Point";
	case GEO_SHAPE_POLYGON: return "Polygon";
	case GEO_SHAPE_CIRCLE: return "Circle";
	case GEO_SHAPE_ELLIPSE: return "Ellipse";
	case GEO_SHAPE_ARCBAND: return "ArcBand";
	case GEO_SHAPE_SPHERE: return "Sphere";
	case GEO_SHAPE_ELLIPSOID: return "Ellipsoid";
	case GEO_SHAPE_PRISM: return "Prism";
	}
	return "?";
}

const char *geo_position_name(enum geo_position pos)
{
	switch (pos) {
	case GEO_POS_INSIDE: return "inside";
	case GEO_POS_OUTSIDE: return "outside";
	case GEO_POS_UNDEFINED: break;
	}
	return "undefined";
}
