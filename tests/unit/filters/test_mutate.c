/*
 * test_mutate.c: deterministic mutation run over filter bodies (STYLE
 * 2.11: every parser gets a fuzz target; this is the in-suite share of
 * it). Each mutated body must either parse, and then evaluate cleanly,
 * or be refused with one of the documented 488 codes and a Warning-safe
 * reason (1.4, SEC-18). Under SANITIZE=1 ASan/UBSan watch every case.
 */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filters/lf.h"

static const char *const seeds[] = {
	"<location-filter xmlns=\"urn:ietf:params:xml:ns:location-filter\""
	" xmlns:cl=\"urn:ietf:params:xml:ns:pidf:geopriv10:civilLoc\">"
	"<movedHoriz uom=\"#meters\">20</movedHoriz><movedVert>3</movedVert>"
	"<speedExceeds uom=\"#mps\">3</speedExceeds>"
	"<valueChanges>cl:civilAddress/cl:A1</valueChanges>"
	"</location-filter>",

	"<location-filter xmlns=\"urn:ietf:params:xml:ns:location-filter\""
	" xmlns:gml=\"http://www.opengis.net/gml\" xmlns:my=\"urn:my\""
	" xmlns:xlink=\"http://www.w3.org/1999/xlink\"><enterOrExit>"
	"<my:B gml:id=\"b\"><gml:name>B</gml:name><gml:extentOf>"
	"<gml:Polygon srsName=\"urn:ogc:def:crs:EPSG::4326\"><gml:exterior>"
	"<gml:LinearRing><gml:posList>37.41188 -121.93243 37.41188"
	" -121.93132 37.41142 -121.93132 37.41142 -121.93242 37.41188"
	" -121.93243</gml:posList></gml:LinearRing></gml:exterior>"
	"</gml:Polygon></gml:extentOf></my:B></enterOrExit><enterOrExit>"
	"<my:C xlink:href=\"#b\"/></enterOrExit></location-filter>",

	"<filter-set xmlns=\"urn:ietf:params:xml:ns:simple-filter\""
	" xmlns:lf=\"urn:ietf:params:xml:ns:location-filter\""
	" xmlns:gml=\"http://www.opengis.net/gml\""
	" xmlns:gs=\"http://www.opengis.net/pidflo/1.0\"><ns-bindings>"
	"<ns-binding prefix=\"dyn\" urn=\"urn:ietf:params:xml:schema:pidf:"
	"dynamic\"/></ns-bindings><filter id=\"1\"><what><lf:locationType"
	" exact=\"true\">civic geodetic</lf:locationType></what><trigger>"
	"<changed by=\"3\">//dyn:speed</changed><lf:moved>30</lf:moved>"
	"</trigger><trigger><lf:enterOrExit><gs:Circle srsName=\"urn:ogc:"
	"def:crs:EPSG::4326\"><gml:pos>42.5 -73.2</gml:pos><gs:radius"
	" uom=\"urn:ogc:def:uom:EPSG::9001\">850</gs:radius></gs:Circle>"
	"</lf:enterOrExit></trigger></filter></filter-set>",
};

static uint64_t next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static const char tokens[][12] = {
	"<", ">", "/", "\"", ":", "&amp;", "-1", "NaN", "1e999", "//",
	"[1]", "@", "<x>", "</x>", " ", "\n", "\xff", "0", "#", "a:b",
};

/* One mutation of src (len bytes) into dst (cap bytes); new length. */
static size_t mutate(const char *src, size_t len, char *dst, size_t cap,
		     uint64_t *s)
{
	size_t pos = (size_t)(next(s) % (len + 1)), n, k;
	const char *t;

	switch (next(s) % 4) {
	case 0:         /* delete a run */
		k = (size_t)(next(s) % 8) + 1;
		if (pos + k > len)
			k = len - pos;
		memcpy(dst, src, pos);
		memcpy(dst + pos, src + pos + k, len - pos - k);
		return len - k;
	case 1:         /* insert a token */
		t = tokens[next(s) % (sizeof(tokens) / sizeof(tokens[0]))];
		n = strlen(t);
		if (len + n >= cap)
			break;
		memcpy(dst, src, pos);
		memcpy(dst + pos, t, n);
		memcpy(dst + pos + n, src + pos, len - pos);
		return len + n;
	case 2:         /* truncate */
		memcpy(dst, src, pos);
		return pos;
	default:        /* flip one byte */
		memcpy(dst, src, len);
		if (pos < len)
			dst[pos] = (char)(dst[pos] ^ (1 << (next(s) % 8)));
		return len;
	}
	memcpy(dst, src, len);
	return len;
}

START_TEST(test_mutations)
{
	struct geo_ctx *geo = NULL;
	struct geo_shape pt;
	uint64_t seed = 0x2545f4914f6cdd1dULL;
	char buf[4096];
	size_t i, j, ok = 0, refused = 0;

	ck_assert_int_eq(geo_ctx_alloc(&geo, NULL), 0);
	memset(&pt, 0, sizeof(pt));
	pt.kind = GEO_SHAPE_POINT;
	pt.dim = 2;
	pt.center.lat = 37.4116;
	pt.center.lon = -121.9319;
	for (i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
		for (j = 0; j < 600; j++) {
			struct lf_filter *f = NULL;
			struct lf_state *st = NULL;
			struct lf_err err = {0};
			struct lf_result r;
			struct lf_update u;
			size_t n = mutate(seeds[i], strlen(seeds[i]), buf,
					  sizeof(buf), &seed);
			int e;

			/* a second mutation on half of them */
			if (j % 2) {
				char tmp[4096];

				memcpy(tmp, buf, n);
				n = mutate(tmp, n, buf, sizeof(buf), &seed);
			}
			e = lf_filter_parse(geo, i < 2 ? LF_CTYPE_DRAFT :
					    LF_CTYPE_RFC, buf, n, NULL, &f,
					    &err);
			if (e) {
				ck_assert_msg(e == EBADMSG || e == EOVERFLOW ||
					      e == ENOTSUP || e == EPROTO,
					      "code %d: %s", e, err.msg);
				ck_assert_int_eq(lf_sip_status(e), 488);
				ck_assert_ptr_null(f);
				ck_assert(err.msg[0] != '\0');
				ck_assert_ptr_null(strchr(err.msg, '"'));
				refused++;
				continue;
			}
			ok++;
			ck_assert_int_eq(lf_state_alloc(f, &st), 0);
			memset(&u, 0, sizeof(u));
			u.est = &pt;
			u.time = 1;
			ck_assert_int_eq(lf_eval(geo, st, &u, &r), 0);
			ck_assert(r.fired & LF_FIRED_INITIAL);
			lf_state_commit(st);
			u.time = 2;
			ck_assert_int_eq(lf_eval(geo, st, &u, &r), 0);
			lf_state_free(st);
			lf_filter_free(f);
		}
	}
	/* Both outcomes are exercised. */
	ck_assert_uint_gt(ok, 50);
	ck_assert_uint_gt(refused, 500);
	geo_ctx_free(geo);
}
END_TEST

TCase *tcase_filters_mutate(void);
TCase *tcase_filters_mutate(void)
{
	TCase *tc = tcase_create("mutate");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_mutations);
	return tc;
}
