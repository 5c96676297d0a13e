/*
 * test_locreplay_live.c: locreplay's live mode (tools/locreplay/live.c)
 * without a network: the pacing rule (gap / factor, 1 s / factor for
 * untimed or non-advancing fixes, at most --max-gap), the entity's two
 * forms, the OsmAnd query, and the PUBLISH sequence on the SIP stack's
 * fake transport: the first PUBLISH initial with a PIDF-LO Point of the
 * fix, each later one a modify carrying the previous answer's entity-tag
 * in SIP-If-Match (EV-30, EV-31), a fix never sent before the previous
 * one was answered, and a refusal ending the run with exit status 1.
 * Tools are programs, not libraries: the file under test is compiled in.
 */
#include "tests/unit/sip/test_tsx_fake.h"

#include <math.h>

#include "tools/locreplay/live.c"
#include "tools/locreplay/sim.c" /* rp_fix_location */

#define T0 1795255200.0 /* 2026-11-21T10:00:00Z */

static void fix_set(struct geo_fix *f, double lat, double lon, double t)
{
	memset(f, 0, sizeof(*f));
	f->pt.lat = lat;
	f->pt.lon = lon;
	f->pt.alt = 1.5;
	f->pt.has_alt = true;
	f->has_time = !isnan(t);
	f->time = isnan(t) ? 0 : t;
	f->has_speed = true;
	f->speed = 1.4;
	f->has_course = true;
	f->course = 90;
	f->line = 7;
}

static void opts_init(struct rp_live_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->to = "sip:127.0.0.1:5060";
	o->entity = "sip:alice@localhost";
	o->speed = 10;
	o->max_gap = 10;
}

START_TEST(pacing)
{
	struct rp_live_opts o;
	struct geo_fix fx[5];
	struct live l;

	opts_init(&o);
	fix_set(&fx[0], 1, 1, T0);
	fix_set(&fx[1], 1, 1, T0 + 20);     /* 20 s later */
	fix_set(&fx[2], 1, 1, T0 + 3600 * 5); /* a five-hour pause */
	fix_set(&fx[3], 1, 1, NAN);         /* untimed */
	fix_set(&fx[4], 1, 1, T0);          /* backwards */
	memset(&l, 0, sizeof(l));
	l.o = &o;
	l.fixes = fx;
	l.n = 5;
	ck_assert_double_eq_tol(wait_after(&l, 0), 2.0, 1e-9);
	ck_assert_double_eq_tol(wait_after(&l, 1), 10.0, 1e-9); /* capped */
	ck_assert_double_eq_tol(wait_after(&l, 2), 0.1, 1e-9);
	ck_assert_double_eq_tol(wait_after(&l, 3), 0.1, 1e-9);
	o.speed = 1;
	o.max_gap = 0.25;
	ck_assert_double_eq_tol(wait_after(&l, 0), 0.25, 1e-9);
	o.max_gap = 0;
	ck_assert_double_eq_tol(wait_after(&l, 3), 0.0, 1e-9);
}
END_TEST

START_TEST(entity_and_query)
{
	static const struct {
		const char *in, *aor, *pres;
	} ok[] = {
		{"sip:alice@localhost", "sip:alice@localhost",
		 "pres:alice@localhost"},
		{"pres:bob@example.com", "sip:bob@example.com",
		 "pres:bob@example.com"},
		{"sips:c@d", "sips:c@d", "pres:c@d"},
	};
	static const char *const bad[] = {
		"alice", "sip:alice", "sip:", "tel:+123@x", "sip:a@b;x=y",
		"sip:a@b?h=v", "pres:<a@b>",
	};
	struct rp_live_opts o;
	struct geo_fix f;
	struct live l;
	char uri[URI_MAX + QUERY_MAX + 2];
	size_t i;

	opts_init(&o);
	memset(&l, 0, sizeof(l));
	l.o = &o;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		o.entity = ok[i].in;
		ck_assert_int_eq(entity_forms(&l), 0);
		ck_assert_str_eq(l.aor, ok[i].aor);
		ck_assert_str_eq(l.pres, ok[i].pres);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		o.entity = bad[i];
		ck_assert_msg(entity_forms(&l) == EINVAL, "%s", bad[i]);
	}
	/* OsmAnd: speed in knots, the id and token escaped */
	snprintf(l.path, sizeof(l.path), "/");
	snprintf(l.device, sizeof(l.device), "al ice");
	o.token = "t&k";
	fix_set(&f, 37.41165, -121.9341193, T0 + 0.5);
	ck_assert_int_eq(http_query(&l, &f, uri, sizeof(uri)), 0);
	ck_assert_str_eq(uri, "/?id=al%20ice&lat=37.4116500"
			      "&lon=-121.9341193&timestamp=1795255200.500"
			      "&speed=2.7214&altitude=1.50&bearing=90.0"
			      "&token=t%26k");
	/* what the fix does not have is left out */
	f.has_time = f.has_speed = f.has_course = f.pt.has_alt = false;
	o.token = NULL;
	ck_assert_int_eq(http_query(&l, &f, uri, sizeof(uri)), 0);
	ck_assert_str_eq(uri, "/?id=al%20ice&lat=37.4116500"
			      "&lon=-121.9341193");
	ck_assert_int_eq(http_query(&l, &f, uri, 20), EOVERFLOW);
}
END_TEST

/* Answer sent request i with scode and extra header lines. */
static void answer(struct fake *f, size_t i, uint16_t scode,
		   const char *extra)
{
	struct sip_msg *m = fake_msg(f, i);
	struct sip_buf b;

	sip_buf_init(&b, SIP_MSG_MAX);
	ck_assert_int_eq(sip_print_response(&b, m, scode, NULL, NULL), 0);
	ck_assert_int_eq(sip_buf_append_str(&b, extra), 0);
	ck_assert_int_eq(sip_print_end(&b), 0);
	ck_assert_int_eq(sip_buf_append(&b, "", 1), 0);
	ck_assert_int_eq(fake_recv(f, SIP_TRANSP_UDP, "127.0.0.1", 5060, b.p),
			 0);
	sip_buf_reset(&b);
	sip_msg_free(m);
}

/* Sent message i is a PUBLISH of a Point at lat (If-Match: ifm). */
static void check_publish(struct fake *f, struct geo_ctx *geo, size_t i,
			  double lat, const char *ifm)
{
	struct sip_msg *m = fake_msg(f, i);
	struct pidf_doc *d = NULL;
	struct pidf_err pe;
	char v[128];

	ck_assert(sip_pl_eq_str(&m->method, "PUBLISH"));
	ck_assert(sip_pl_eq_str(&m->ruri_pl, "sip:alice@localhost"));
	ck_assert(sip_pl_eq_str(&m->event.package, "presence"));
	ck_assert_msg(pidf_parse(geo, m->body.p, m->body.l, NULL, &d, &pe) ==
		      0, "%s", pe.msg);
	ck_assert_str_eq(d->entity, "pres:alice@localhost");
	ck_assert_ptr_nonnull(d->loc.shape);
	ck_assert_int_eq(d->loc.shape->kind, GEO_SHAPE_POINT);
	ck_assert_double_eq_tol(d->loc.shape->center.lat, lat, 1e-9);
	ck_assert(d->loc.has_time);
	ck_assert(d->loc.has_speed);
	pidf_doc_free(d);
	sip_msg_free(m);
	fake_hdr(f, i, "Content-Type", v, sizeof(v));
	ck_assert_str_eq(v, "application/pidf+xml");
	fake_hdr(f, i, "SIP-If-Match", v, sizeof(v));
	ck_assert_str_eq(v, ifm);
}

START_TEST(publish_sequence)
{
	struct rp_live_opts o;
	struct geo_fix fx[3];
	struct geo_ctx *geo = NULL;
	struct fake f;
	struct live l;

	opts_init(&o);
	fix_set(&fx[0], 37.1, -121.9, T0);
	fix_set(&fx[1], 37.2, -121.9, T0 + 10);
	fix_set(&fx[2], 37.3, -121.9, T0 + 20);
	ck_assert_int_eq(geo_ctx_alloc(&geo, NULL), 0);
	fake_init(&f);
	memset(&l, 0, sizeof(l));
	l.o = &o;
	l.fixes = fx;
	l.n = 3;
	l.rc = 3;
	l.base = event_base_new();
	ck_assert_ptr_nonnull(l.base);
	l.next_ev = evtimer_new(l.base, next_cb, &l);
	ck_assert_ptr_nonnull(l.next_ev);
	l.st = f.st;
	ck_assert_int_eq(entity_forms(&l), 0);
	snprintf(l.route, sizeof(l.route), "<%s;lr>", o.to);
	ck_assert_int_eq(pub_attach(&l), 0);

	/* fix 1: initial PUBLISH; the next one is paced (10 s / 10) */
	send_next(&l);
	ck_assert_uint_eq(f.n, 1);
	check_publish(&f, geo, 0, 37.1, "");
	ck_assert(l.in_flight);
	ck_assert(evtimer_pending(l.next_ev, NULL));
	answer(&f, 0, 200, "SIP-ETag: e1\r\nExpires: 3600\r\n");
	ck_assert(!l.in_flight);
	ck_assert_uint_eq(f.n, 1); /* waits for the timer */

	/* fix 2 when the timer fires: a modify with the tag */
	next_cb(-1, 0, &l);
	ck_assert_uint_eq(f.n, 2);
	check_publish(&f, geo, 1, 37.2, "e1");
	/* the timer for fix 3 fires before fix 2 is answered: it waits */
	next_cb(-1, 0, &l);
	ck_assert_uint_eq(f.n, 2);
	answer(&f, 1, 200, "SIP-ETag: e2\r\nExpires: 3600\r\n");
	ck_assert_uint_eq(f.n, 3);
	check_publish(&f, geo, 2, 37.3, "e2");
	ck_assert(!l.done);
	/* a refusal ends the run: exit status 1 */
	answer(&f, 2, 400, "Warning: 399 locd \"fix older than the last\""
	       "\r\n");
	ck_assert(l.done);
	ck_assert_int_eq(l.rc, 1);
	ck_assert_str_eq(l.warning, "fix older than the last");

	sip_publisher_free(l.pub);
	sip_timer_cancel(&l.timer);
	pidf_builder_free(l.pb);
	event_free(l.next_ev);
	event_base_free(l.base);
	fake_reset(&f);
	geo_ctx_free(geo);
}
END_TEST

START_TEST(publish_all_accepted)
{
	struct rp_live_opts o;
	struct geo_fix fx[2];
	struct fake f;
	struct live l;

	opts_init(&o);
	o.event = "location";
	fix_set(&fx[0], 37.1, -121.9, NAN);
	fix_set(&fx[1], 37.2, -121.9, NAN);
	fake_init(&f);
	memset(&l, 0, sizeof(l));
	l.o = &o;
	l.fixes = fx;
	l.n = 2;
	l.base = event_base_new();
	l.next_ev = evtimer_new(l.base, next_cb, &l);
	l.st = f.st;
	ck_assert_int_eq(entity_forms(&l), 0);
	snprintf(l.route, sizeof(l.route), "<%s;lr>", o.to);
	ck_assert_int_eq(pub_attach(&l), 0);
	send_next(&l);
	answer(&f, 0, 200, "SIP-ETag: a\r\nExpires: 60\r\n");
	next_cb(-1, 0, &l);
	ck_assert_uint_eq(f.n, 2);
	{
		struct sip_msg *m = fake_msg(&f, 1);
		ck_assert(sip_pl_eq_str(&m->event.package, "location"));
		ck_assert(sip_pl_eq_str(&m->if_match, "a"));
		sip_msg_free(m);
	}
	ck_assert(!l.done);
	answer(&f, 1, 200, "SIP-ETag: b\r\nExpires: 60\r\n");
	ck_assert(l.done);
	ck_assert_int_eq(l.rc, 0);
	sip_publisher_free(l.pub);
	sip_timer_cancel(&l.timer);
	pidf_builder_free(l.pb);
	event_free(l.next_ev);
	event_base_free(l.base);
	fake_reset(&f);
}
END_TEST

TCase *tcase_locreplay_live(void);
TCase *tcase_locreplay_live(void)
{
	TCase *tc = tcase_create("locreplay_live");

	tcase_add_test(tc, pacing);
	tcase_add_test(tc, entity_and_query);
	tcase_add_test(tc, publish_sequence);
	tcase_add_test(tc, publish_all_accepted);
	return tc;
}
