/*
 * pidf_parse_fuzz.c: libFuzzer target for PIDF-LO bodies, pidf_parse
 * (pidf/pidf.h; RFC 4119, 5491, 5139, 5962; SEC-18; STYLE.md 2.11),
 * with one geo context made in LLVMFuzzerInitialize.  Built by
 * `make fuzz` (tests/fuzz/README.md).
 *
 * Properties checked besides memory safety:
 * - results are in the documented set; err.code is the result and
 *   err.msg a non-empty line starting "PIDF-LO" without quotes or
 *   control characters;
 * - a parsed location is in range: confidence 0..1, shape points valid,
 *   rings closed with at least 4 positions, dim 2 or 3, civic fields
 *   NUL-terminated and at most PIDF_CIVIC_MAX;
 * - round trip (what locd does with a PUBLISH, PL-1): the location
 *   builds into a NOTIFY body (pidf_build), or is refused with ENOTSUP
 *   or EINVAL and a clean reason, and the built body parses back to the
 *   same shape kind, dimension, centre (1e-6 degrees) and civic fields
 *   (by type: the builder orders them).
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "geo/geo.h"
#include "pidf/pidf.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct geo_ctx *fz_geo;
static struct pidf_builder *fz_b;

static void fz_assert(int ok)
{
	if (!ok)
		abort();
}

static void msg_ok(const struct pidf_err *err, int e)
{
	size_t i, n = strnlen(err->msg, sizeof(err->msg));

	fz_assert(err->code == e);
	fz_assert(n > 0 && n < sizeof(err->msg));
	fz_assert(strncmp(err->msg, "PIDF-LO", 7) == 0);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)err->msg[i];
		fz_assert(c >= 0x20 && c != 0x7f && c != '"');
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	xmlInitParser();
	if (geo_ctx_alloc(&fz_geo, NULL) || pidf_builder_alloc(&fz_b))
		abort();
	return 0;
}

static void shape_ok(const struct geo_shape *s)
{
	size_t r, i;

	fz_assert(s->dim == 2 || s->dim == 3);
	fz_assert(s->kind <= GEO_SHAPE_PRISM);
	if (s->kind != GEO_SHAPE_POLYGON && s->kind != GEO_SHAPE_PRISM)
		fz_assert(geo_point_valid(&s->center));
	for (r = 0; r < s->nrings; r++) {
		const struct geo_ring *g = &s->rings[r];

		fz_assert(g->n >= 4);
		fz_assert(g->pts[0].lat == g->pts[g->n - 1].lat &&
			  g->pts[0].lon == g->pts[g->n - 1].lon);
		for (i = 0; i < g->n; i++)
			fz_assert(geo_point_valid(&g->pts[i]));
	}
	if (s->kind == GEO_SHAPE_POLYGON || s->kind == GEO_SHAPE_PRISM)
		fz_assert(s->nrings >= 1);
}

static void loc_ok(const struct pidf_location *l)
{
	size_t i;

	fz_assert(l->confidence >= 0 && l->confidence <= 1);
	fz_assert(l->civic.n <= PIDF_CIVIC_MAX);
	fz_assert(strnlen(l->method, PIDF_METHOD_MAX) < PIDF_METHOD_MAX);
	fz_assert(strnlen(l->civic.lang, sizeof(l->civic.lang)) <
		  sizeof(l->civic.lang));
	for (i = 0; i < l->civic.n; i++) {
		const struct pidf_civic_field *f = &l->civic.f[i];

		fz_assert(strnlen(f->type, sizeof(f->type)) > 0 &&
			  strnlen(f->type, sizeof(f->type)) <
			  sizeof(f->type));
		fz_assert(strnlen(f->value, sizeof(f->value)) <
			  sizeof(f->value));
	}
	if (l->shape)
		shape_ok(l->shape);
	if (l->has_time)
		fz_assert(isfinite(l->time));
}

static void same_center(const struct geo_shape *a, const struct geo_shape *b)
{
	struct geo_point ca, cb;

	fz_assert(a->kind == b->kind && a->dim == b->dim);
	if (geo_shape_center(fz_geo, a, &ca) || geo_shape_center(fz_geo, b,
								    &cb))
		return;
	fz_assert(fabs(ca.lat - cb.lat) < 1e-6);
	fz_assert(fabs(ca.lon - cb.lon) < 1e-6 ||
		  fabs(fabs(ca.lon - cb.lon) - 360) < 1e-6);
}

/* Build a NOTIFY body from the parsed location and parse it back. */
static void round_trip(const struct pidf_doc *d)
{
	struct pidf_build_in in = {
		.entity = "pres:fuzz@example.com",
		.loc = &d->loc,
		.now = 1700000000,
		.with_dynamic = true,
		.with_method = true,
	};
	struct pidf_doc *d2 = NULL;
	struct pidf_err err;
	const char *body;
	size_t len = 0, i;
	int e;

	memset(&err, 0, sizeof(err));
	e = pidf_build(fz_b, &in, &err);
	fz_assert(e == 0 || e == EINVAL || e == ENOTSUP);
	if (e) {
		msg_ok(&err, e);
		return;
	}
	body = pidf_builder_body(fz_b, &len);
	fz_assert(body && len > 0);
	memset(&err, 0, sizeof(err));
	e = pidf_parse(fz_geo, body, len, NULL, &d2, &err);
	fz_assert(e == 0);
	fz_assert(!d->loc.shape == !d2->loc.shape);
	if (d->loc.shape)
		same_center(d->loc.shape, d2->loc.shape);
	/* the builder writes civic fields in its own order */
	fz_assert(d2->loc.civic.n == d->loc.civic.n);
	for (i = 0; i < d->loc.civic.n; i++) {
		const char *t = d->loc.civic.f[i].type;
		const char *v2 = pidf_civic_get(&d2->loc.civic, t);

		fz_assert(v2 && strcmp(v2, pidf_civic_get(&d->loc.civic,
							  t)) == 0);
	}
	pidf_doc_free(d2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pidf_doc *d = NULL;
	struct pidf_err err;
	int e;

	memset(&err, 0, sizeof(err));
	e = pidf_parse(fz_geo, (const char *)data, size, NULL, &d, &err);
	fz_assert(e == 0 || e == EINVAL || e == EOVERFLOW || e == EPROTO ||
		  e == EBADMSG || e == ENOENT || e == ENOTSUP);
	if (e) {
		fz_assert(d == NULL);
		msg_ok(&err, e);
		return 0;
	}
	fz_assert(d && d->xml && d->location_info);
	loc_ok(&d->loc);
	round_trip(d);
	pidf_doc_free(d);
	return 0;
}
