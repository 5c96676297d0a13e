/*
 * filters_lf_fuzz.c: libFuzzer target for location filter documents
 * (filters/lf.h; LF-1..20, SEC-18; STYLE.md 2.11): every input is parsed
 * as application/location-delta-filter+xml and as
 * application/simple-filter+xml (lf_filter_parse), then a filter that
 * parses is merged onto itself and evaluated (lf_state_alloc, lf_eval,
 * lf_state_commit) against three fixed updates around the draft's
 * Building 10: inside, 120 m away with speed, and an uncertainty circle.
 * Built by `make fuzz` (tests/fuzz/README.md).
 *
 * Properties checked besides memory safety:
 * - parse results are in the documented set, lf_sip_status maps them to
 *   415 or 488 (never 500 but for ENOMEM/EINVAL), err.code is the
 *   result and err.msg a non-empty line without quotes or controls;
 * - a parsed filter respects the limits of 1.4 (groups, features,
 *   values) and its conditions have non-negative thresholds;
 * - the first evaluation carries LF_FIRED_INITIAL with every feature
 *   changed (LF-25, LF-42); later ones do not; fired and changed masks
 *   use only defined bits; each containment names its own feature with
 *   a defined position value;
 * - after a commit, the same update again fires no movement trigger
 *   whose threshold is positive (LF-24, LF-27, LF-28).
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "filters/lf.h"
#include "pidf/pidf.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_NS                                                               \
	"xmlns=\"urn:ietf:params:xml:ns:pidf\" "                            \
	"xmlns:gp=\"urn:ietf:params:xml:ns:pidf:geopriv10\" "               \
	"xmlns:gml=\"http://www.opengis.net/gml\" "                         \
	"xmlns:gs=\"http://www.opengis.net/pidflo/1.0\" "                   \
	"xmlns:dyn=\"urn:ietf:params:xml:ns:pidf:geopriv10:dynamic\" "      \
	"xmlns:ca=\"urn:ietf:params:xml:ns:pidf:geopriv10:civicAddr\" "     \
	"entity=\"pres:t@example.com\""

/* Inside Building 10, 3-D, civic and heading for value triggers. */
static const char fz_in[] =
	"<presence " FZ_NS "><tuple id=\"a\"><status><gp:geopriv>"
	"<gp:location-info><gml:Point srsName=\"urn:ogc:def:crs:EPSG::4979\">"
	"<gml:pos>37.41160 -121.93190 10</gml:pos></gml:Point>"
	"<dyn:Dynamic><dyn:heading>90</dyn:heading></dyn:Dynamic>"
	"<ca:civicAddress><ca:country>US</ca:country><ca:A1>CA</ca:A1>"
	"</ca:civicAddress></gp:location-info><gp:usage-rules/>"
	"</gp:geopriv></status><timestamp>2023-11-14T22:13:20Z</timestamp>"
	"</tuple></presence>";
/* 120 m north-east, higher, faster, another heading. */
static const char fz_out[] =
	"<presence " FZ_NS "><tuple id=\"a\"><status><gp:geopriv>"
	"<gp:location-info><gml:Point srsName=\"urn:ogc:def:crs:EPSG::4979\">"
	"<gml:pos>37.41250 -121.93100 40</gml:pos></gml:Point>"
	"<dyn:Dynamic><dyn:heading>180</dyn:heading><dyn:speed>30</dyn:speed>"
	"</dyn:Dynamic></gp:location-info><gp:usage-rules/>"
	"</gp:geopriv></status><timestamp>2023-11-14T22:13:30Z</timestamp>"
	"</tuple></presence>";
/* A circle of 40 m across the building's edge. */
static const char fz_circle[] =
	"<presence " FZ_NS "><tuple id=\"a\"><status><gp:geopriv>"
	"<gp:location-info><gs:Circle srsName=\"urn:ogc:def:crs:EPSG::4326\">"
	"<gml:pos>37.41188 -121.93190</gml:pos><gs:radius "
	"uom=\"urn:ogc:def:uom:EPSG::9001\">40</gs:radius></gs:Circle>"
	"</gp:location-info><gp:usage-rules/>"
	"</gp:geopriv></status><timestamp>2023-11-14T22:13:40Z</timestamp>"
	"</tuple></presence>";

static struct geo_ctx *fz_geo;
static struct pidf_doc *fz_doc[3];

static void fz_assert(int ok)
{
	if (!ok)
		abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *src[3] = {fz_in, fz_out, fz_circle};
	struct pidf_err err;
	size_t i;

	(void)argc;
	(void)argv;
	xmlInitParser();
	if (geo_ctx_alloc(&fz_geo, NULL))
		abort();
	for (i = 0; i < 3; i++)
		if (pidf_parse(fz_geo, src[i], strlen(src[i]), NULL,
			       &fz_doc[i], &err))
			abort();
	return 0;
}

static void msg_ok(const struct lf_err *err, int e)
{
	size_t i, n = strnlen(err->msg, sizeof(err->msg));

	fz_assert(err->code == e);
	fz_assert(n > 0 && n < sizeof(err->msg));
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)err->msg[i];
		fz_assert(c >= 0x20 && c != 0x7f && c != '"');
	}
}

static void result_ok(const struct lf_filter *f, const struct lf_result *r,
		      bool initial)
{
	size_t i, nf = lf_filter_nfeatures(f);

	fz_assert(!(r->fired & ~((LF_FIRED_ANY_UPDATE << 1) - 1)));
	fz_assert(!!(r->fired & LF_FIRED_INITIAL) == initial);
	fz_assert(r->ncont == nf);
	if (nf < 32)
		fz_assert(!(r->changed_features >> nf));
	for (i = 0; i < r->ncont; i++) {
		fz_assert(r->cont[i].feature == i);
		fz_assert(r->cont[i].position == GEO_POS_UNDEFINED ||
			  r->cont[i].position == GEO_POS_INSIDE ||
			  r->cont[i].position == GEO_POS_OUTSIDE);
		if (initial)
			fz_assert(r->cont[i].changed);
		fz_assert(r->cont[i].changed ==
			  !!(r->changed_features & 1u << i));
	}
}

/* Movement bits whose every condition has a positive threshold. */
static uint32_t still_quiet(const struct lf_filter *f)
{
	uint32_t quiet = LF_FIRED_MOVED_H | LF_FIRED_MOVED_V |
			 LF_FIRED_MOVED_3D;
	size_t i, g, n = lf_filter_nconds(f);
	enum lf_kind k;
	double th;

	for (i = 0; i < n; i++) {
		fz_assert(lf_filter_cond(f, i, &k, &th, &g) == 0);
		fz_assert(k < LF_KIND_COUNT_);
		fz_assert(g < lf_filter_ngroups(f));
		if (!isnan(th))
			fz_assert(th >= 0);
		if (!(th > 0))
			quiet &= ~LF_FIRED_KIND(k);
	}
	return quiet;
}

static void eval(const struct lf_filter *f)
{
	struct lf_state *st = NULL;
	struct lf_update u;
	struct lf_result r;
	size_t i;
	int e;

	fz_assert(lf_state_alloc(f, &st) == 0);
	fz_assert(lf_state_initial(st));
	for (i = 0; i < 3; i++) {
		lf_update_from_pidf(&u, &fz_doc[i]->loc,
				    fz_doc[i]->location_info);
		e = lf_eval(fz_geo, st, &u, &r);
		fz_assert(e == 0);
		result_ok(f, &r, i == 0);
		lf_state_commit(st);
		fz_assert(!lf_state_initial(st));
	}
	/* the last update once more: nothing moved */
	lf_update_from_pidf(&u, &fz_doc[2]->loc, fz_doc[2]->location_info);
	u.time += 1;
	fz_assert(lf_eval(fz_geo, st, &u, &r) == 0);
	result_ok(f, &r, false);
	fz_assert(!(r.fired & still_quiet(f)));
	lf_state_free(st);
}

static void one(const char *ctype, const char *p, size_t n)
{
	struct lf_filter *f = NULL, *m = NULL;
	struct lf_err err;
	int e, st;

	memset(&err, 0, sizeof(err));
	e = lf_filter_parse(fz_geo, ctype, p, n, NULL, &f, &err);
	fz_assert(e == 0 || e == EPROTONOSUPPORT || e == EBADMSG ||
		  e == EOVERFLOW || e == ENOTSUP || e == EPROTO ||
		  e == EINVAL);
	st = lf_sip_status(e);
	if (e) {
		fz_assert(f == NULL);
		msg_ok(&err, e);
		fz_assert(st == (e == EPROTONOSUPPORT ? 415 :
				 e == EINVAL ? 500 : 488));
		return;
	}
	fz_assert(st == 200);
	fz_assert(lf_filter_ngroups(f) <= LF_GROUPS_MAX);
	fz_assert(lf_filter_nfeatures(f) <= LF_FEATURES_MAX);
	fz_assert(lf_filter_nvalues(f) <= LF_VALUES_MAX);
	fz_assert(lf_filter_mode(f) == (strcmp(ctype, LF_CTYPE_RFC) == 0 ?
					LF_MODE_RFC : LF_MODE_DRAFT));
	eval(f);
	memset(&err, 0, sizeof(err));
	e = lf_filter_merge(f, f, &m, &err);
	fz_assert(e == 0 || e == EBADMSG || e == EOVERFLOW);
	if (e)
		msg_ok(&err, e);
	else
		lf_filter_free(m);
	lf_filter_free(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	one(LF_CTYPE_DRAFT, (const char *)data, size);
	one(LF_CTYPE_RFC, (const char *)data, size);
	return 0;
}
