/*
 * test_eval.c: per-subscription evaluation (LOCATION.md 2.7): movement
 * from the last notified point (T4, LF-24, LF-27/28), edge-triggered
 * speed (T5, Q-18), containment with the 50 % rule (T6/T7, LF-37..39,
 * ) on the draft's Building 10 in 2-D and 3-D, first-NOTIFY
 * containment (LF-42), hidden features (T24, Q-27), value triggers
 * (T20, T21, T22, LF-33..35) and AND groups (LF-22).
 */
#include <check.h>
#include <errno.h>
#include <geodesic.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <malloc.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "filters/lf.h"
#include "pidf/pidf.h"

#define XMLNS_DRAFT                                                           \
	" xmlns=\"urn:ietf:params:xml:ns:location-filter\""                   \
	" xmlns:gml=\"http://www.opengis.net/gml\""                           \
	" xmlns:my=\"urn:example:my\""
#define SF_OPEN                                                               \
	"<filter-set xmlns=\"urn:ietf:params:xml:ns:simple-filter\""          \
	" xmlns:lf=\"urn:ietf:params:xml:ns:location-filter\""                \
	" xmlns:gml=\"http://www.opengis.net/gml\""                           \
	" xmlns:gs=\"http://www.opengis.net/pidflo/1.0\">"

static struct geo_ctx *geo;
static struct lf_filter *flt;
static struct lf_state *st;

static void setup(void)
{
	ck_assert_int_eq(geo_ctx_alloc(&geo, NULL), 0);
	flt = NULL;
	st = NULL;
}

static void teardown(void)
{
	lf_state_free(st);
	lf_filter_free(flt);
	geo_ctx_free(geo);
	st = NULL;
	flt = NULL;
	geo = NULL;
}

/* Parse a filter and make its state (into flt, st). */
static void use(const char *ctype, const char *body)
{
	struct lf_err err = {0};

	ck_assert_msg(lf_filter_parse(geo, ctype, body, strlen(body), NULL,
				      &flt, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(lf_state_alloc(flt, &st), 0);
}

static struct geo_shape point(double lat, double lon)
{
	struct geo_shape s;

	memset(&s, 0, sizeof(s));
	s.kind = GEO_SHAPE_POINT;
	s.dim = 2;
	s.center.lat = lat;
	s.center.lon = lon;
	return s;
}

static struct geo_shape point3(double lat, double lon, double alt)
{
	struct geo_shape s = point(lat, lon);

	s.dim = 3;
	s.center.alt = alt;
	s.center.has_alt = true;
	return s;
}

static struct geo_shape circle(double lat, double lon, double r)
{
	struct geo_shape s = point(lat, lon);

	s.kind = GEO_SHAPE_CIRCLE;
	s.radius = r;
	return s;
}

/* Point d metres from (lat, lon) along azimuth az (Karney). */
static struct geo_shape along(double lat, double lon, double az, double d)
{
	struct geod_geodesic g;
	double la, lo;

	geod_init(&g, 6378137.0, 1 / 298.257223563);
	geod_direct(&g, lat, lon, az, d, &la, &lo, NULL);
	return point(la, lo);
}

static struct lf_update upd(const struct geo_shape *s, double t)
{
	struct lf_update u;

	memset(&u, 0, sizeof(u));
	u.time = t;
	u.est = s;
	u.confidence = 0.95;
	return u;
}

static uint32_t eval(const struct lf_update *u, struct lf_result *r)
{
	struct lf_result tmp;
	int e;

	if (!r)
		r = &tmp;
	e = lf_eval(geo, st, u, r);
	ck_assert_int_eq(e, 0);
	return r->fired;
}

/* ------------------------------------------------------------------ */
/* Movement                                                            */

/* T4: movedHoriz 20 m; 0, 15, 25, 30, 46 m along a line; distances are
 * from the last NOTIFIED point, not cumulative (LF-27). */
START_TEST(test_t4_moved_horiz)
{
	static const double d[] = {0, 15, 25, 30, 46};
	static const uint32_t want[] = {LF_FIRED_INITIAL, 0,
					LF_FIRED_MOVED_H, 0,
					LF_FIRED_MOVED_H};
	size_t i;

	use(LF_CTYPE_DRAFT, "<location-filter" XMLNS_DRAFT "><movedHoriz"
	    " uom=\"#meters\">20</movedHoriz></location-filter>");
	ck_assert(lf_state_initial(st));
	for (i = 0; i < 5; i++) {
		struct geo_shape p = along(48.1, 11.5, 30, d[i]);
		struct lf_update u = upd(&p, 100 + (double)i);
		uint32_t f = eval(&u, NULL);

		ck_assert_msg(f == want[i], "at %g m: fired %#x, want %#x",
			      d[i], f, want[i]);
		if (f)
			lf_state_commit(st);    /* NOTIFY sent */
	}
	ck_assert(!lf_state_initial(st));
}
END_TEST

/* LF-24: the reference moves only when a NOTIFY is actually sent. */
START_TEST(test_reference_is_last_sent)
{
	struct geo_shape p0 = along(48.1, 11.5, 90, 0);
	struct geo_shape p25 = along(48.1, 11.5, 90, 25);
	struct geo_shape p30 = along(48.1, 11.5, 90, 30);
	struct lf_update u;

	use(LF_CTYPE_DRAFT, "<location-filter" XMLNS_DRAFT "><movedHoriz>"
	    "20</movedHoriz></location-filter>");
	/* EV-19: a NOTIFY before any fix; the first fix then fires
	 * movement, it is no longer the initial one. */
	ck_assert(lf_state_initial(st));
	lf_state_commit(st);
	ck_assert(!lf_state_initial(st));
	u = upd(NULL, 0);
	ck_assert_uint_eq(eval(&u, NULL), 0);
	u = upd(&p0, 0);
	ck_assert_uint_eq(eval(&u, NULL), LF_FIRED_MOVED_H);
	lf_state_commit(st);
	lf_state_commit(st);            /* twice: still p0 */
	u = upd(&p25, 1);
	ck_assert_uint_eq(eval(&u, NULL), LF_FIRED_MOVED_H);
	/* Held by the rate limiter: not committed, so 30 m is from 0. */
	u = upd(&p30, 2);
	ck_assert_uint_eq(eval(&u, NULL), LF_FIRED_MOVED_H);
	lf_state_commit(st);
	u = upd(&p25, 3);
	ck_assert_uint_eq(eval(&u, NULL), 0);
	/* No position: movement cannot fire. */
	u = upd(NULL, 4);
	ck_assert_uint_eq(eval(&u, NULL), 0);
}
END_TEST

/* LF-27/LF-31: movedVert needs altitudes on both fixes. */
START_TEST(test_moved_vert)
{
	struct geo_shape a = point3(48.1, 11.5, 500);
	struct geo_shape b = point3(48.1, 11.5, 502.9);
	struct geo_shape c = point3(48.1, 11.5, 503);
	struct geo_shape flat = point(48.1, 11.5);
	struct lf_update u;

	use(LF_CTYPE_DRAFT, "<location-filter" XMLNS_DRAFT "><movedVert"
	    " uom=\"#meters\">3</movedVert></location-filter>");
	u = upd(&a, 0);
	eval(&u, NULL);
	lf_state_commit(st);
	u = upd(&b, 1);
	ck_assert_uint_eq(eval(&u, NULL), 0);
	u = upd(&flat, 2);
	ck_assert_uint_eq(eval(&u, NULL), 0);
	u = upd(&c, 3);     /* thresholds inclusive */
	ck_assert_uint_eq(eval(&u, NULL), LF_FIRED_MOVED_V);
	/* A NOTIFY without altitude (sent for another reason): the next
	 * altitude is a first fix of that component. */
	u = upd(&flat, 4);
	ck_assert_uint_eq(eval(&u, NULL), 0);
	lf_state_commit(st);
	u = upd(&b, 5);
	ck_assert_uint_eq(eval(&u, NULL), LF_FIRED_MOVED_V);
}
END_TEST

/* LF-28: RFC lf:moved includes the vertical component. */
START_TEST(test_moved_3d)
{
	struct geo_shape a = point3(48.1, 11.5, 0);
	struct geo_shape up = point3(48.1, 11.5, 300.5);
	struct geo_shape side = point3(48.1, 11.5, 0);
	struct lf_update u;

	use(LF_CTYPE_RFC, SF_OPEN "<filter id=\"1\"><trigger><lf:moved>300"
	    "</lf:moved></trigger></filter></filter-set>");
	u = upd(&a, 0);
	ck_assert_uint_eq(eval(&u, NULL), LF_FIRED_INITIAL);
	lf_state_commit(st);
	side = along(48.1, 11.5, 0, 299);
	side.dim = 3;
	side.center.has_alt = true;
	u = upd(&side, 1);
	ck_assert_uint_eq(eval(&u, NULL), 0);
	u = upd(&up, 2);
	ck_assert_uint_eq(eval(&u, NULL), LF_FIRED_MOVED_3D);
	lf_state_commit(st);
	side = along(48.1, 11.5, 0, 250);
	side.dim = 3;
	side.center.alt = 300.5 + 200;
	side.center.has_alt = true;
	u = upd(&side, 3);      /* sqrt(250^2 + 200^2) = 320 m */
	ck_assert_uint_eq(eval(&u, NULL), LF_FIRED_MOVED_3D);
	lf_state_commit(st);
	/* No altitude now: the horizontal part alone decides (LF-31). */
	side = along(48.1, 11.5, 0, 250 + 200);
	u = upd(&side, 4);
	ck_assert_uint_eq(eval(&u, NULL), 0);
	side = along(48.1, 11.5, 0, 250 + 301);
	u = upd(&side, 5);
	ck_assert_uint_eq(eval(&u, NULL), LF_FIRED_MOVED_3D);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Speed                                                               */

/* T5: speedExceeds 3; observed 2, 4, 5, 2, 4: fires at the first 4,
 * not at 5, re-arms at 2, fires at the second 4. */
START_TEST(test_t5_speed)
{
	static const double v[] = {2, 4, 5, 2, 4, 3, 3.01};
	static const uint32_t want[] = {LF_FIRED_INITIAL, LF_FIRED_SPEED, 0,
					0, LF_FIRED_SPEED, 0,
					LF_FIRED_SPEED};
	struct geo_shape p = point(48.1, 11.5);
	size_t i;

	use(LF_CTYPE_DRAFT, "<location-filter" XMLNS_DRAFT "><speedExceeds"
	    " uom=\"#mps\">3</speedExceeds></location-filter>");
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct lf_update u = upd(&p, (double)i);
		uint32_t f;

		u.speed = v[i];
		u.has_speed = true;
		f = eval(&u, NULL);
		ck_assert_msg(f == want[i], "at %g m/s: %#x want %#x", v[i], f,
			      want[i]);
		if (f)
			lf_state_commit(st);
	}
}
END_TEST

/* derived speed only when dt >= 1 s and times are known. */
START_TEST(test_speed_derived)
{
	struct geo_shape p0 = along(48.1, 11.5, 0, 0);
	struct geo_shape p1 = along(48.1, 11.5, 0, 2);
	struct geo_shape p2 = along(48.1, 11.5, 0, 12);
	struct geo_shape p3 = along(48.1, 11.5, 0, 20);
	struct geo_shape p4 = along(48.1, 11.5, 0, 40);
	struct lf_update u;

	use(LF_CTYPE_DRAFT, "<location-filter" XMLNS_DRAFT "><speedExceeds>"
	    "3</speedExceeds></location-filter>");
	u = upd(&p0, 0);
	eval(&u, NULL);
	lf_state_commit(st);
	u = upd(&p1, 1);                /* 2 m/s: armed */
	ck_assert_uint_eq(eval(&u, NULL), 0);
	u = upd(&p2, 1.5);              /* dt 0.5 s: unknown */
	ck_assert_uint_eq(eval(&u, NULL), 0);
	u = upd(&p3, NAN);              /* no time: unknown */
	ck_assert_uint_eq(eval(&u, NULL), 0);
	u = upd(&p4, 10);               /* previous fix has no time */
	ck_assert_uint_eq(eval(&u, NULL), 0);
	u = upd(&p0, 12);               /* 40 m in 2 s = 20 m/s */
	ck_assert_uint_eq(eval(&u, NULL), LF_FIRED_SPEED);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Containment                                                         */

#define B10_RING                                                              \
	"37.41188 -121.93243 0 37.41188 -121.93132 0 "                        \
	"37.41142 -121.93132 0 37.41142 -121.93242 0 "                        \
	"37.41188 -121.93243 0"

static const char b10_2d[] =
	"<location-filter" XMLNS_DRAFT "><enterOrExit><my:Building>"
	"<gml:name>Building 10</gml:name><gml:extentOf><gml:Polygon>"
	"<gml:exterior><gml:LinearRing><gml:posList srsName=\"http://"
	"www.opengis.net/gml/srs/epsg.xml/#4979\">" B10_RING
	"</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon>"
	"</gml:extentOf></my:Building></enterOrExit>"
	"<enterOrExit><my:Elsewhere xmlns:xlink=\"http://www.w3.org/1999/"
	"xlink\" xlink:href=\"https://example.com/x\"/></enterOrExit>"
	"</location-filter>";

#define PATCH(list)                                                           \
	"<gml:Polygon><gml:exterior><gml:LinearRing><gml:posList srsName="    \
	"\"http://www.opengis.net/gml/srs/epsg.xml/#4979\">" list             \
	"</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon>"

/* The draft's 3-D Building 10, degenerate walls and all. */
static const char b10_3d[] =
	"<location-filter" XMLNS_DRAFT "><enterOrExit><my:Building>"
	"<gml:name>Building 10</gml:name><gml:Solid><gml:exterior>"
	"<gml:Surface><gml:patches>"
	PATCH(B10_RING)
	PATCH("37.41188 -121.93243 0 37.41188 -121.93243 0 "
	      "37.41188 -121.93132 25 37.41188 -121.93132 25 "
	      "37.41188 -121.93243 0")
	PATCH("37.41188 -121.93132 0 37.41188 -121.93132 25 "
	      "37.41142 -121.93132 25 37.41142 -121.93132 0 "
	      "37.41188 -121.93132 0")
	PATCH("37.41142 -121.93132 0 37.41142 -121.93132 25 "
	      "37.41142 -121.93242 25 37.41142 -121.93242 0 "
	      "37.41142 -121.93132 0")
	PATCH("37.41142 -121.93243 0 37.41142 -121.93243 25 "
	      "37.41188 -121.93243 25 37.41188 -121.93243 0 "
	      "37.41142 -121.93243 0")
	PATCH("37.41188 -121.93243 25 37.41188 -121.93132 25 "
	      "37.41142 -121.93132 25 37.41142 -121.93242 25 "
	      "37.41188 -121.93243 25")
	"</gml:patches></gml:Surface></gml:exterior></gml:Solid>"
	"</my:Building></enterOrExit></location-filter>";

/* Building 10 in 2-D; LF-42 first NOTIFY reports every feature; an
 * unresolved href stays undefined and never fires. */
START_TEST(test_building10_2d)
{
	struct geo_shape in = point(37.41165, -121.93190);
	struct geo_shape out = point(37.41250, -121.93190);
	struct geo_shape bad;
	struct lf_result r;
	struct lf_update u;

	use(LF_CTYPE_DRAFT, b10_2d);
	u = upd(&out, 0);
	ck_assert_uint_eq(eval(&u, &r), LF_FIRED_INITIAL);
	ck_assert_uint_eq(r.ncont, 2);
	ck_assert_int_eq(r.cont[0].position, GEO_POS_OUTSIDE);
	ck_assert(r.cont[0].changed);
	ck_assert_int_eq(r.cont[1].position, GEO_POS_UNDEFINED);
	ck_assert(r.cont[1].changed);
	ck_assert_uint_eq(r.changed_features, 3);
	lf_state_commit(st);
	u = upd(&out, 1);
	ck_assert_uint_eq(eval(&u, &r), 0);
	ck_assert(!r.cont[0].changed);
	ck_assert(!r.cont[1].changed);
	u = upd(&in, 2);
	ck_assert_uint_eq(eval(&u, &r), LF_FIRED_REGION);
	ck_assert_int_eq(r.cont[0].position, GEO_POS_INSIDE);
	ck_assert(r.cont[0].changed);
	ck_assert(!r.cont[1].changed);
	ck_assert_uint_eq(r.changed_features, 1);
	lf_state_commit(st);
	u = upd(&in, 3);
	ck_assert_uint_eq(eval(&u, &r), 0);
	/* No position: undefined keeps the previous state. */
	u = upd(NULL, 4);
	ck_assert_uint_eq(eval(&u, &r), 0);
	ck_assert_int_eq(r.cont[0].position, GEO_POS_INSIDE);
	/* An invalid position is no position: state kept, nothing fires. */
	bad = point(NAN, -121.93190);
	u = upd(&bad, 5);
	ck_assert_uint_eq(eval(&u, &r), 0);
	ck_assert_int_eq(r.cont[0].position, GEO_POS_INSIDE);
	u = upd(&out, 6);
	u.confidence = 7;       /* out of range: the 95 % default */
	ck_assert_uint_eq(eval(&u, &r), LF_FIRED_REGION);
	ck_assert_int_eq(r.cont[0].position, GEO_POS_OUTSIDE);
}
END_TEST

/* Building 10 as the draft's 3-D Solid (LF-9, LF-39, Q-19). */
START_TEST(test_building10_3d)
{
	struct geo_shape in = point3(37.41165, -121.93190, 10);
	struct geo_shape above = point3(37.41165, -121.93190, 40);
	struct geo_shape flat_in = point(37.41165, -121.93190);
	struct geo_shape flat_out = point(37.41250, -121.93190);
	struct lf_result r;
	struct lf_update u;

	use(LF_CTYPE_DRAFT, b10_3d);
	ck_assert(lf_filter_feature(flt, 0)->is3d);
	u = upd(&in, 0);
	ck_assert_uint_eq(eval(&u, &r), LF_FIRED_INITIAL);
	ck_assert_int_eq(r.cont[0].position, GEO_POS_INSIDE);
	lf_state_commit(st);
	u = upd(&above, 1);
	ck_assert_uint_eq(eval(&u, &r), LF_FIRED_REGION);
	ck_assert_int_eq(r.cont[0].position, GEO_POS_OUTSIDE);
	lf_state_commit(st);
	/* No altitude, horizontally inside: undefined, keeps outside. */
	u = upd(&flat_in, 2);
	ck_assert_uint_eq(eval(&u, &r), 0);
	ck_assert_int_eq(r.cont[0].position, GEO_POS_OUTSIDE);
	u = upd(&in, 3);
	ck_assert_uint_eq(eval(&u, &r), LF_FIRED_REGION);
	lf_state_commit(st);
	/* No altitude, horizontally outside: outside. */
	u = upd(&flat_out, 4);
	ck_assert_uint_eq(eval(&u, &r), LF_FIRED_REGION);
	ck_assert_int_eq(r.cont[0].position, GEO_POS_OUTSIDE);
}
END_TEST

static const char fence_1km[] =
	SF_OPEN "<filter id=\"f\"><trigger><lf:enterOrExit>"
	"<gs:Circle srsName=\"urn:ogc:def:crs:EPSG::4326\">"
	"<gml:pos>48.1 11.5</gml:pos><gs:radius"
	" uom=\"urn:ogc:def:uom:EPSG::9001\">1000</gs:radius></gs:Circle>"
	"</lf:enterOrExit></trigger></filter></filter-set>";

/* T6: estimate r = 20 m, C = 95 %, fully inside -> inside; fires when
 * the last sent state was outside (LF-37). */
START_TEST(test_t6_circle_inside)
{
	struct geo_shape far = circle(48.2, 11.5, 20);
	struct geo_shape est = circle(48.1, 11.5, 20);
	struct lf_result r;
	struct lf_update u;

	use(LF_CTYPE_RFC, fence_1km);
	u = upd(&far, 0);
	eval(&u, &r);
	ck_assert_int_eq(r.cont[0].position, GEO_POS_OUTSIDE);
	lf_state_commit(st);
	u = upd(&est, 1);
	ck_assert_uint_eq(eval(&u, &r), LF_FIRED_REGION);
	ck_assert_int_eq(r.cont[0].position, GEO_POS_INSIDE);
}
END_TEST

/* T7: estimate centred on the fence edge: P(in) ~ P(out) ~ 0.475 <
 * 0.5, state unchanged, nothing fires (LF-37, Q-11). */
START_TEST(test_t7_circle_edge)
{
	struct geo_shape far = circle(48.2, 11.5, 20);
	struct geo_shape edge;
	struct lf_result r;
	struct lf_update u;

	edge = along(48.1, 11.5, 90, 1000);
	edge.kind = GEO_SHAPE_CIRCLE;
	edge.radius = 20;
	use(LF_CTYPE_RFC, fence_1km);
	u = upd(&far, 0);
	eval(&u, &r);
	lf_state_commit(st);
	u = upd(&edge, 1);
	ck_assert_uint_eq(eval(&u, &r), 0);
	ck_assert_int_eq(r.cont[0].position, GEO_POS_OUTSIDE);
}
END_TEST

/* T24, Q-27: a hidden feature is undefined and never fires. */
START_TEST(test_t24_hidden)
{
	struct geo_shape in = point(37.41165, -121.93190);
	struct geo_shape out = point(37.41250, -121.93190);
	struct lf_result r;
	struct lf_update u;

	use(LF_CTYPE_DRAFT, b10_2d);
	u = upd(&out, 0);
	u.hidden = 1;
	eval(&u, &r);
	ck_assert_int_eq(r.cont[0].position, GEO_POS_UNDEFINED);
	lf_state_commit(st);
	u = upd(&in, 1);
	u.hidden = 1;
	ck_assert_uint_eq(eval(&u, &r), 0);
	ck_assert_int_eq(r.cont[0].position, GEO_POS_UNDEFINED);
	ck_assert(!r.cont[0].changed);
}
END_TEST


/* a derived speed needs a move beyond the combined uncertainty. */
START_TEST(test_speed_uncertain)
{
	struct geo_shape a = circle(48.1, 11.5, 50);
	struct geo_shape b;
	struct lf_update u;

	use(LF_CTYPE_DRAFT, "<location-filter" XMLNS_DRAFT "><speedExceeds>"
	    "3</speedExceeds></location-filter>");
	u = upd(&a, 0);
	eval(&u, NULL);
	lf_state_commit(st);
	b = along(48.1, 11.5, 0, 20);   /* 20 m/s, but within 2 x 50 m */
	b.kind = GEO_SHAPE_CIRCLE;
	b.radius = 50;
	u = upd(&b, 1);
	ck_assert_uint_eq(eval(&u, NULL), 0);
	b = along(48.1, 11.5, 0, 220);  /* 200 m in 1 s, beyond 100 m */
	b.kind = GEO_SHAPE_CIRCLE;
	b.radius = 50;
	u = upd(&b, 2);
	ck_assert_uint_eq(eval(&u, NULL), LF_FIRED_SPEED);
}
END_TEST

/* T17, Q-13: a fence across the antimeridian. */
START_TEST(test_t17_antimeridian)
{
	struct geo_shape in = point(10.5, -179.95);
	struct geo_shape out = point(10.5, 179.0);
	struct lf_result r;
	struct lf_update u;

	use(LF_CTYPE_RFC, SF_OPEN "<filter id=\"1\"><trigger><lf:enterOrExit>"
	    "<gml:Polygon srsName=\"urn:ogc:def:crs:EPSG::4326\">"
	    "<gml:exterior><gml:LinearRing><gml:posList>10 179.9 10 -179.9"
	    " 11 -179.9 11 179.9 10 179.9</gml:posList></gml:LinearRing>"
	    "</gml:exterior></gml:Polygon></lf:enterOrExit></trigger>"
	    "</filter></filter-set>");
	u = upd(&out, 0);
	eval(&u, &r);
	ck_assert_int_eq(r.cont[0].position, GEO_POS_OUTSIDE);
	lf_state_commit(st);
	u = upd(&in, 1);
	ck_assert_uint_eq(eval(&u, &r), LF_FIRED_REGION);
	ck_assert_int_eq(r.cont[0].position, GEO_POS_INSIDE);
}
END_TEST

/* T25, Q-20: xlink:href found in the local catalog is computed; an
 * unknown URI is accepted and stays undefined. */
START_TEST(test_t25_catalog)
{
	static const char gml[] =
		"<my:Lot xmlns:my=\"urn:example:my\""
		" xmlns:gml=\"http://www.opengis.net/gml\""
		" xmlns:locd=\"urn:example:locd\" gml:id=\"lot7\""
		" locd:uri=\"urn:example:lot7\"><gml:name>Lot 7</gml:name>"
		"<gml:extentOf><gml:Polygon srsName=\"urn:ogc:def:crs:EPSG::"
		"4326\"><gml:exterior><gml:LinearRing><gml:posList>"
		"48.10 11.50 48.10 11.52 48.12 11.52 48.12 11.50 48.10 11.50"
		"</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon>"
		"</gml:extentOf></my:Lot>";
	static const char body[] =
		"<location-filter" XMLNS_DRAFT
		" xmlns:xlink=\"http://www.w3.org/1999/xlink\"><enterOrExit>"
		"<my:Lot xlink:href=\"urn:example:lot7\"/></enterOrExit>"
		"<enterOrExit><my:Lot xlink:href=\"urn:example:lot8\"/>"
		"</enterOrExit></location-filter>";
	char dir[] = "/tmp/lf_catalogXXXXXX", path[128];
	struct geo_catalog *cat = NULL;
	struct geo_err gerr = {0};
	struct lf_opts opts = {NULL, LF_HREF_UNDEFINED, 0};
	struct lf_err err = {0};
	struct geo_shape in = point(48.11, 11.51);
	struct lf_result r;
	struct lf_update u;
	FILE *fp;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/lots.gml", dir);
	fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	ck_assert_uint_eq(fwrite(gml, 1, sizeof(gml) - 1, fp),
			  sizeof(gml) - 1);
	fclose(fp);
	ck_assert_msg(geo_catalog_load(geo, dir, &cat, &gerr) == 0, "%s",
		      gerr.msg);
	unlink(path);
	rmdir(dir);
	opts.catalog = cat;
	ck_assert_msg(lf_filter_parse(geo, LF_CTYPE_DRAFT, body, strlen(body),
				      &opts, &flt, &err) == 0, "%s", err.msg);
	ck_assert(lf_filter_feature(flt, 0)->resolved);
	ck_assert(!lf_filter_feature(flt, 1)->resolved);
	ck_assert_int_eq(lf_state_alloc(flt, &st), 0);
	u = upd(&in, 0);
	eval(&u, &r);
	ck_assert_int_eq(r.cont[0].position, GEO_POS_INSIDE);
	ck_assert_int_eq(r.cont[1].position, GEO_POS_UNDEFINED);
	lf_state_free(st);
	lf_filter_free(flt);
	st = NULL;
	flt = NULL;
	geo_catalog_free(cat);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Values                                                              */

static xmlDoc *pidf(const char *inner)
{
	char buf[4096];
	xmlDoc *d;

	snprintf(buf, sizeof(buf),
		 "<presence xmlns=\"urn:ietf:params:xml:ns:pidf\""
		 " xmlns:gp=\"urn:ietf:params:xml:ns:pidf:geopriv10\""
		 " xmlns:ca=\"urn:ietf:params:xml:ns:pidf:geopriv10:"
		 "civicAddr\""
		 " xmlns:dyn=\"urn:ietf:params:xml:ns:pidf:geopriv10:dynamic\""
		 " entity=\"pres:t@example.com\"><tuple id=\"t\"><status>"
		 "<gp:geopriv><gp:location-info>%s</gp:location-info>"
		 "</gp:geopriv></status></tuple></presence>", inner);
	d = xmlReadMemory(buf, (int)strlen(buf), NULL, NULL,
			  XML_PARSE_NONET);
	ck_assert_ptr_nonnull(d);
	return d;
}

static xmlNode *li_of(xmlDoc *d)
{
	/* presence/tuple/status/geopriv/location-info */
	xmlNode *n = xmlDocGetRootElement(d);
	int i;

	for (i = 0; i < 4; i++)
		n = xmlFirstElementChild(n);
	return n;
}

/* Evaluate a document against the value filter; commit if fired. */
static uint32_t eval_doc(const char *inner, bool commit)
{
	xmlDoc *d = pidf(inner);
	struct lf_update u = upd(NULL, 0);
	uint32_t f;

	u.location_info = li_of(d);
	f = eval(&u, NULL);
	if (f && commit)
		lf_state_commit(st);
	xmlFreeDoc(d);
	return f;
}

#define CTRY(c) "<ca:civicAddress><ca:country>" c "</ca:country>"       \
		"</ca:civicAddress>"

/* T21: changed from="FR"; FR -> DE fires, DE -> IT does not. */
START_TEST(test_t21_changed_from)
{
	use(LF_CTYPE_RFC, SF_OPEN "<ns-bindings><ns-binding prefix=\"ca\""
	    " urn=\"urn:ietf:params:xml:ns:pidf:geopriv10:civicAddr\"/>"
	    "</ns-bindings><filter id=\"123\"><trigger><changed from=\"FR\">"
	    "//ca:country</changed></trigger></filter></filter-set>");
	ck_assert_uint_eq(eval_doc(CTRY("FR"), true), LF_FIRED_INITIAL);
	ck_assert_uint_eq(eval_doc(CTRY(" FR "), true), 0);
	ck_assert_uint_eq(eval_doc(CTRY("DE"), true), LF_FIRED_CHANGED);
	ck_assert_uint_eq(eval_doc(CTRY("IT"), true), 0);
	/* A periodic (min-rate) NOTIFY carries IT: it is the reference. */
	lf_state_commit(st);
	ck_assert_uint_eq(eval_doc(CTRY("FR"), true), 0);
	lf_state_commit(st);
	ck_assert_uint_eq(eval_doc(CTRY("DE"), true), LF_FIRED_CHANGED);
}
END_TEST

#define SPEED(v) "<dyn:Dynamic><dyn:speed>" v "</dyn:speed></dyn:Dynamic>"

/* T22: changed by="3" on //dyn:speed (Q-4 schema URN binding): last
 * sent 10, then 12 (no), then 13.5 (|13.5 - 10| >= 3, fires). */
START_TEST(test_t22_changed_by)
{
	use(LF_CTYPE_RFC, "<filter-set xmlns=\"urn:ietf:params:xml:ns:"
	    "simple-filter\"><ns-bindings><ns-binding prefix=\"dyn\""
	    " urn=\"urn:ietf:params:xml:schema:pidf:dynamic\"/>"
	    "</ns-bindings><filter id=\"123\"><trigger><changed by=\"3\">"
	    "//dyn:speed</changed></trigger></filter></filter-set>");
	ck_assert_uint_eq(eval_doc(SPEED("10"), true), LF_FIRED_INITIAL);
	ck_assert_uint_eq(eval_doc(SPEED("12"), true), 0);
	ck_assert_uint_eq(eval_doc(SPEED("13.5"), true), LF_FIRED_CHANGED);
	ck_assert_uint_eq(eval_doc(SPEED("11"), true), 0);
	ck_assert_uint_eq(eval_doc(SPEED("10.5"), true), LF_FIRED_CHANGED);
	/* no value / not a number: by cannot hold */
	ck_assert_uint_eq(eval_doc("", true), 0);
	ck_assert_uint_eq(eval_doc(SPEED("fast"), true), 0);
}
END_TEST

/* T20 as evaluation: draft valueChanges on civilLoc matches civicAddr
 * documents; A1 removed fires (value -> no value, LF-33). */
START_TEST(test_t20_value_changes)
{
	use(LF_CTYPE_DRAFT, "<location-filter xmlns=\"urn:ietf:params:xml:"
	    "ns:location-filter\" xmlns:cl=\"urn:ietf:params:xml:ns:pidf:"
	    "geopriv10:civilLoc\"><valueChanges>cl:civilAddress/cl:A1"
	    "</valueChanges><valueChanges>cl:civilAddress/cl:PC"
	    "</valueChanges></location-filter>");
	ck_assert_uint_eq(eval_doc("<ca:civicAddress><ca:A1>NY</ca:A1>"
				   "<ca:PC>10027</ca:PC></ca:civicAddress>",
				   true), LF_FIRED_INITIAL);
	ck_assert_uint_eq(eval_doc("<ca:civicAddress><ca:A1> NY </ca:A1>"
				   "<ca:PC>10027</ca:PC><ca:A3>x</ca:A3>"
				   "</ca:civicAddress>", true), 0);
	ck_assert_uint_eq(eval_doc("<ca:civicAddress><ca:PC>10027</ca:PC>"
				   "</ca:civicAddress>", true),
			  LF_FIRED_VALUE);
	ck_assert_uint_eq(eval_doc("<ca:civicAddress><ca:A1/><ca:PC>10027"
				   "</ca:PC></ca:civicAddress>", true),
			  LF_FIRED_VALUE);
	ck_assert_uint_eq(eval_doc("<ca:civicAddress><ca:A1>NJ</ca:A1>"
				   "<ca:PC>10027</ca:PC></ca:civicAddress>",
				   true), LF_FIRED_VALUE);
}
END_TEST

/* LF-22/LF-35: conditions inside one trigger are AND'ed. */
START_TEST(test_and_group)
{
	use(LF_CTYPE_RFC, SF_OPEN "<ns-bindings><ns-binding prefix=\"ca\""
	    " urn=\"urn:ietf:params:xml:ns:pidf:geopriv10:civicAddr\"/>"
	    "</ns-bindings><filter id=\"1\"><trigger><changed>//ca:A3"
	    "</changed><changed>//ca:PC</changed></trigger></filter>"
	    "</filter-set>");
	ck_assert_uint_eq(eval_doc("<ca:civicAddress><ca:A3>a</ca:A3><ca:PC>"
				   "1</ca:PC></ca:civicAddress>", true),
			  LF_FIRED_INITIAL);
	ck_assert_uint_eq(eval_doc("<ca:civicAddress><ca:A3>b</ca:A3><ca:PC>"
				   "1</ca:PC></ca:civicAddress>", true), 0);
	ck_assert_uint_eq(eval_doc("<ca:civicAddress><ca:A3>b</ca:A3><ca:PC>"
				   "2</ca:PC></ca:civicAddress>", true),
			  LF_FIRED_CHANGED);
}
END_TEST


/* RFC 4661 added/removed; Q-21: more than one node is counted. */
START_TEST(test_added_removed_multi)
{
	xmlDoc *d;
	struct lf_update u = upd(NULL, 0);
	struct lf_result r;

	use(LF_CTYPE_RFC, SF_OPEN "<ns-bindings><ns-binding prefix=\"ca\""
	    " urn=\"urn:ietf:params:xml:ns:pidf:geopriv10:civicAddr\"/>"
	    "</ns-bindings><filter id=\"1\"><trigger><added>//ca:A1</added>"
	    "</trigger></filter><filter id=\"2\" domain=\"example.com\">"
	    "<trigger><removed>"
	    "ca:civicAddress/ca:PC</removed></trigger></filter>"
	    "</filter-set>");
	ck_assert_uint_eq(eval_doc("<ca:civicAddress><ca:PC>1</ca:PC>"
				   "</ca:civicAddress>", true),
			  LF_FIRED_INITIAL);
	ck_assert_uint_eq(eval_doc("<ca:civicAddress><ca:PC>2</ca:PC>"
				   "</ca:civicAddress>", true), 0);
	ck_assert_uint_eq(eval_doc("<ca:civicAddress><ca:A1>x</ca:A1>"
				   "<ca:PC>2</ca:PC></ca:civicAddress>",
				   true), LF_FIRED_CHANGED);
	ck_assert_uint_eq(eval_doc("<ca:civicAddress><ca:A1>x</ca:A1>"
				   "</ca:civicAddress>", true),
			  LF_FIRED_CHANGED);
	d = pidf("<ca:civicAddress><ca:A1>x</ca:A1></ca:civicAddress>"
		 "<ca:civicAddress><ca:A1>y</ca:A1></ca:civicAddress>");
	u.location_info = li_of(d);
	ck_assert_uint_eq(eval(&u, &r), 0);
	ck_assert_uint_eq(r.multi_node, 1);
	xmlFreeDoc(d);
}
END_TEST

/* The PIDF-LO glue: a parsed document drives the evaluation. */
START_TEST(test_from_pidf)
{
	static const char doc[] =
		"<presence xmlns=\"urn:ietf:params:xml:ns:pidf\""
		" xmlns:gp=\"urn:ietf:params:xml:ns:pidf:geopriv10\""
		" xmlns:gml=\"http://www.opengis.net/gml\""
		" xmlns:dyn=\"urn:ietf:params:xml:ns:pidf:geopriv10:dynamic\""
		" entity=\"pres:t@example.com\"><tuple id=\"t\"><status>"
		"<gp:geopriv><gp:location-info><gml:Point srsName=\"urn:ogc:"
		"def:crs:EPSG::4326\"><gml:pos>48.1 11.5</gml:pos></gml:Point>"
		"<dyn:Dynamic><dyn:speed>7.5</dyn:speed></dyn:Dynamic>"
		"</gp:location-info><gp:usage-rules/></gp:geopriv></status>"
		"<timestamp>2026-11-21T10:00:00Z</timestamp></tuple>"
		"</presence>";
	struct pidf_doc *pd = NULL;
	struct pidf_err perr = {0};
	struct lf_update u;

	ck_assert_msg(pidf_parse(geo, doc, strlen(doc), NULL, &pd, &perr) == 0,
		      "%s", perr.msg);
	lf_update_from_pidf(&u, &pd->loc, pd->location_info);
	ck_assert_ptr_eq(u.est, pd->loc.shape);
	ck_assert(u.has_speed);
	ck_assert_double_eq(u.speed, 7.5);
	ck_assert(isfinite(u.time));
	ck_assert_double_eq(u.confidence, 0.95);
	ck_assert_ptr_eq(u.location_info, pd->location_info);
	use(LF_CTYPE_DRAFT, "<location-filter" XMLNS_DRAFT "><speedExceeds>"
	    "3</speedExceeds></location-filter>");
	lf_state_commit(st);    /* NOTIFY without location */
	ck_assert_uint_eq(eval(&u, NULL), LF_FIRED_SPEED);
	lf_update_from_pidf(&u, NULL, NULL);
	ck_assert_ptr_null(u.est);
	ck_assert(isnan(u.time));
	pidf_doc_free(pd);
}
END_TEST

/* Hot path (2.7): movement, speed and point containment keep no heap
 * per evaluation: the heap in use is unchanged over 1000 runs (glibc
 * counts only live blocks; transient ones would show in perf, see
 * docs/PERFORMANCE.md). */
START_TEST(test_no_allocation)
{
	struct lf_result r;
	struct lf_update u;
	struct geo_shape p[4];
	size_t before, i;

	use(LF_CTYPE_DRAFT, "<location-filter" XMLNS_DRAFT "><movedHoriz>20"
	    "</movedHoriz><movedVert>3</movedVert><speedExceeds>3"
	    "</speedExceeds><enterOrExit><my:B><gml:extentOf><gml:Polygon>"
	    "<gml:exterior><gml:LinearRing><gml:posList srsName=\"urn:ogc:"
	    "def:crs:EPSG::4326\">48.10 11.50 48.10 11.52 48.12 11.52 48.12"
	    " 11.50 48.10 11.50</gml:posList></gml:LinearRing></gml:exterior>"
	    "</gml:Polygon></gml:extentOf></my:B></enterOrExit>"
	    "</location-filter>");
	p[0] = point3(48.11, 11.51, 100);
	p[1] = point3(48.13, 11.51, 110);
	p[2] = along(48.11, 11.51, 45, 30);
	p[3] = point(48.0, 11.0);
	for (i = 0; i < 8; i++) {       /* warm up */
		u = upd(&p[i % 4], (double)i);
		eval(&u, &r);
		lf_state_commit(st);
	}
	before = mallinfo2().uordblks;
	for (i = 0; i < 1000; i++) {
		u = upd(&p[i % 4], 10.0 + (double)i);
		u.speed = (double)(i % 7);
		u.has_speed = i % 3 != 0;
		eval(&u, &r);
		if (r.fired)
			lf_state_commit(st);
	}
	ck_assert_uint_eq(mallinfo2().uordblks, before);
}
END_TEST

/* LF-26: a filter with only `what` qualifies every update. */
START_TEST(test_no_trigger)
{
	struct geo_shape p = point(1, 2);
	struct lf_update u = upd(&p, 0);

	use(LF_CTYPE_RFC, SF_OPEN "<filter id=\"1\"><what><lf:locationType>"
	    "geodetic</lf:locationType></what></filter></filter-set>");
	ck_assert_uint_eq(eval(&u, NULL), LF_FIRED_INITIAL);
	lf_state_commit(st);
	ck_assert_uint_eq(eval(&u, NULL), LF_FIRED_ANY_UPDATE);
	ck_assert_int_eq(lf_eval(geo, st, NULL, NULL), EINVAL);
	ck_assert_int_eq(lf_state_alloc(NULL, NULL), EINVAL);
}
END_TEST

TCase *tcase_filters_eval(void);
TCase *tcase_filters_eval(void)
{
	TCase *tc = tcase_create("eval");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_t4_moved_horiz);
	tcase_add_test(tc, test_reference_is_last_sent);
	tcase_add_test(tc, test_moved_vert);
	tcase_add_test(tc, test_moved_3d);
	tcase_add_test(tc, test_t5_speed);
	tcase_add_test(tc, test_speed_derived);
	tcase_add_test(tc, test_building10_2d);
	tcase_add_test(tc, test_building10_3d);
	tcase_add_test(tc, test_t6_circle_inside);
	tcase_add_test(tc, test_t7_circle_edge);
	tcase_add_test(tc, test_t24_hidden);
	tcase_add_test(tc, test_t21_changed_from);
	tcase_add_test(tc, test_t22_changed_by);
	tcase_add_test(tc, test_t20_value_changes);
	tcase_add_test(tc, test_and_group);
	tcase_add_test(tc, test_no_trigger);
	tcase_add_test(tc, test_from_pidf);
	tcase_add_test(tc, test_no_allocation);
	tcase_add_test(tc, test_speed_uncertain);
	tcase_add_test(tc, test_t17_antimeridian);
	tcase_add_test(tc, test_t25_catalog);
	tcase_add_test(tc, test_added_removed_multi);
	return tc;
}
