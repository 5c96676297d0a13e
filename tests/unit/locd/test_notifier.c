/*
 * test_notifier.c: locd/notifier.c and locd/persist.c through the whole
 * daemon on the fake transport and clock (locd_fake.h): rate limits
 * (RC-1, RC-2), quarantine coalescing with latched flips (RC-3, Q-10),
 * NOTIFY failures (EV-24), restart with the next CSeq and no lost
 * containment change, and the persisted evaluation state.
 */
#include <check.h>
#include <math.h>

#include "tests/unit/locd/locd_fake.h"

static double t0(void)
{
	return floor(locd_wall()) - 60;
}

/* RC-1: 50 updates in one second, each crossing the fence: at most 10
 * NOTIFYs in that second; RC-2: at most 30 in 30 s; the final state
 * (the 50th update, outside) is what the last NOTIFY carries. */
START_TEST(test_rate_limit)
{
	struct lf_env e = {0};
	size_t first, last = 0, i, n1, in30 = 0;
	double t = t0();
	uint64_t start;

	lf_start(&e, true);
	ck_assert_int_eq(lf_fix(&e, LF_OUTSIDE_LAT, LF_OUTSIDE_LON, t), 0);
	ck_assert_uint_eq(lf_subscribe(&e, "r1", 1, NULL, "location",
				       LF_CTYPE_DRAFT, lf_b10, 3600), 200);
	first = e.n;
	start = e.now;
	for (i = 1; i <= 50; i++) {
		bool in = i % 2;
		double lat = in ? LF_INSIDE_LAT : LF_OUTSIDE_LAT;
		double lon = in ? LF_INSIDE_LON : LF_OUTSIDE_LON;
		ck_assert_int_eq(lf_fix(&e, lat, lon, t + i * 0.02), 0);
		lf_advance(&e, 20);
	}
	n1 = lf_notifies(&e, first, "r1", NULL);
	ck_assert_uint_le(n1, 10);
	ck_assert_uint_ge(n1, 1);
	lf_advance(&e, 60000);
	for (i = first; i < e.n; i++)
		if (e.m[i].req && !strcmp(e.m[i].method, "NOTIFY") &&
		    e.m[i].at < start + 30000)
			in30++;
	ck_assert_uint_le(in30 + 1, 30); /* + the answer to SUBSCRIBE */
	ck_assert_uint_ge(lf_notifies(&e, first, "r1", &last), n1);
	ck_assert(lf_has(&e.m[last], "position=\"outside\""));
	ck_assert_double_ge(locd_metric_value(e.d->std.notify_coalesced), 1);
	lf_end(&e);
}
END_TEST

/* RC-3, Q-10 (T8): in and out of the fence within the quarantine: one
 * NOTIFY, reporting the flipped feature with its current value. */
START_TEST(test_quarantine_coalesces)
{
	struct lf_env e = {0};
	size_t first, last = 0;
	double t = t0();

	lf_start(&e, true);
	ck_assert_int_eq(lf_fix(&e, LF_OUTSIDE_LAT, LF_OUTSIDE_LON, t), 0);
	ck_assert_uint_eq(lf_subscribe(&e, "q1", 1, NULL, "location",
				       LF_CTYPE_DRAFT, lf_b10, 3600), 200);
	first = e.n;
	ck_assert_int_eq(lf_fix(&e, LF_INSIDE_LAT, LF_INSIDE_LON, t + 1), 0);
	lf_advance(&e, 100);
	ck_assert_int_eq(lf_fix(&e, LF_OUTSIDE_LAT, LF_OUTSIDE_LON, t + 2),
			 0);
	lf_advance(&e, 2000);
	ck_assert_uint_eq(lf_notifies(&e, first, "q1", &last), 1);
	ck_assert(lf_has(&e.m[last], "position=\"outside\""));
	ck_assert(lf_has(&e.m[last], "gml:id=\"b10\""));
	/* in, out, in: the two firings share one NOTIFY (coalesced) */
	first = e.n;
	ck_assert_int_eq(lf_fix(&e, LF_INSIDE_LAT, LF_INSIDE_LON, t + 3), 0);
	lf_advance(&e, 100);
	ck_assert_int_eq(lf_fix(&e, LF_OUTSIDE_LAT, LF_OUTSIDE_LON, t + 4),
			 0);
	lf_advance(&e, 100);
	ck_assert_int_eq(lf_fix(&e, LF_INSIDE_LAT, LF_INSIDE_LON, t + 5), 0);
	lf_advance(&e, 2000);
	ck_assert_uint_eq(lf_notifies(&e, first, "q1", &last), 1);
	ck_assert(lf_has(&e.m[last], "position=\"inside\""));
	ck_assert_double_eq(locd_metric_value(e.d->std.notify_coalesced), 1);
	lf_end(&e);
}
END_TEST

/* EV-24: a NOTIFY answered 500 keeps the subscription (the next one
 * carries full state); one answered 481 ends it. */
START_TEST(test_notify_failures)
{
	struct lf_env e = {0};
	size_t first, last = 0;
	double t = t0();

	lf_start(&e, true);
	ck_assert_uint_eq(lf_subscribe(&e, "f1", 1, NULL, "location",
				       LF_CTYPE_DRAFT, lf_b10, 3600), 200);
	e.notify_answer = 500;
	ck_assert_int_eq(lf_fix(&e, LF_INSIDE_LAT, LF_INSIDE_LON, t), 0);
	lf_advance(&e, 1000);
	ck_assert_uint_eq(locd_sub_count(e.d), 1);
	ck_assert_double_eq(locd_metric_value(e.d->std.notify_failures), 1);
	e.notify_answer = 0;
	first = e.n;
	ck_assert_int_eq(lf_fix(&e, LF_OUTSIDE_LAT, LF_OUTSIDE_LON, t + 1),
			 0);
	lf_advance(&e, 2000);
	ck_assert_uint_eq(lf_notifies(&e, first, "f1", &last), 1);
	ck_assert(lf_has(&e.m[last], "position=\"outside\""));
	e.notify_answer = 481;
	ck_assert_int_eq(lf_fix(&e, LF_INSIDE_LAT, LF_INSIDE_LON, t + 2), 0);
	lf_advance(&e, 2000);
	ck_assert_uint_eq(locd_sub_count(e.d), 0);
	lf_end(&e);
}
END_TEST

/* Restart (kill -9: nothing drained): the subscription continues in its
 * dialog 1,000 CSeqs on (issue 5 item 7: the store may lag the last
 * NOTIFY by one loop iteration); a containment change that happened while
 * locd was down is reported at once. */
START_TEST(test_restart_continues)
{
	struct lf_env e = {0};
	size_t last = 0;
	unsigned cseq;
	double t = t0();

	lf_start(&e, true);
	ck_assert_int_eq(lf_fix(&e, LF_OUTSIDE_LAT, LF_OUTSIDE_LON, t), 0);
	ck_assert_uint_eq(lf_subscribe(&e, "k1", 1, NULL, "location",
				       LF_CTYPE_DRAFT, lf_b10, 3600), 200);
	ck_assert_int_eq(lf_fix(&e, LF_INSIDE_LAT, LF_INSIDE_LON, t + 1), 0);
	lf_advance(&e, 1000);
	ck_assert_uint_eq(lf_notifies(&e, 0, "k1", &last), 2);
	ck_assert(lf_has(&e.m[last], "position=\"inside\""));
	cseq = e.m[last].cseq;
	lf_stop(&e);

	/* restart: same store, fix moved outside meanwhile (via store) */
	lf_start(&e, false);
	ck_assert_uint_eq(locd_sub_count(e.d), 1);
	ck_assert_uint_eq(lf_notifies(&e, 0, "k1", NULL), 0);
	ck_assert_int_eq(lf_fix(&e, LF_OUTSIDE_LAT, LF_OUTSIDE_LON, t + 5),
			 0);
	lf_advance(&e, 1000);
	ck_assert_uint_eq(lf_notifies(&e, 0, "k1", &last), 1);
	ck_assert_uint_eq(e.m[last].cseq,
			  cseq + 1 + LOCD_RESTORE_CSEQ_BUMP);
	ck_assert(lf_has(&e.m[last], "position=\"outside\""));
	cseq = e.m[last].cseq;
	lf_stop(&e);

	/* a restart with nothing new sends nothing; the next change goes
	 * out 1,000 on again; near 2^31 the bump saturates */
	lf_start(&e, false);
	lf_advance(&e, 1000);
	ck_assert_uint_eq(lf_notifies(&e, 0, "k1", NULL), 0);
	ck_assert_int_eq(lf_fix(&e, LF_INSIDE_LAT, LF_INSIDE_LON, t + 9), 0);
	lf_advance(&e, 1000);
	ck_assert_uint_eq(lf_notifies(&e, 0, "k1", &last), 1);
	ck_assert_uint_eq(e.m[last].cseq,
			  cseq + 1 + LOCD_RESTORE_CSEQ_BUMP);
	ck_assert(lf_has(&e.m[last], "position=\"inside\""));
	ck_assert_uint_eq(locd_persist_cseq_bump(5), 1005);
	ck_assert_uint_eq(locd_persist_cseq_bump(0x7fffffffu - 1000),
			  0x7ffffffeu);
	lf_end(&e);
}
END_TEST

/* The persisted evaluation state round-trips (version 2, binary); the
 * text rows of older stores are still read; garbage is refused. */
START_TEST(test_evalstate_text)
{
	struct locd_lsub ls;
	struct locd_pos p;
	char buf[256];
	size_t len = 0;
	bool have = true;

	memset(&ls, 0, sizeof(ls));
	ck_assert_int_eq(locd_evalstate_print(&ls, buf, sizeof(buf), &len),
			 0);
	ck_assert_uint_eq(len, 4);
	ck_assert_int_eq(locd_evalstate_parse(buf, len, &have, &p), 0);
	ck_assert(!have);
	ls.have_sent = true;
	ls.sent.pt.lat = 37.41165;
	ls.sent.pt.lon = -121.9319;
	ls.sent.pt.has_alt = true;
	ls.sent.pt.alt = 12.5;
	ls.sent.time = 1700000000.25;
	ls.sent.has_speed = true;
	ls.sent.speed = 3.5;
	ls.sent.has_heading = true;
	ls.sent.heading = 271.5;
	ck_assert_int_eq(locd_evalstate_print(&ls, buf, sizeof(buf), &len),
			 0);
	ck_assert_uint_eq(len, 52);
	ck_assert_int_eq(memcmp(buf, "v2b", 3), 0);
	ck_assert_int_eq(locd_evalstate_parse(buf, len, &have, &p), 0);
	ck_assert(have);
	ck_assert_double_eq(p.pt.lat, 37.41165);
	ck_assert_double_eq(p.pt.lon, -121.9319);
	ck_assert(p.pt.has_alt);
	ck_assert_double_eq(p.pt.alt, 12.5);
	ck_assert_double_eq(p.time, 1700000000.25);
	ck_assert(p.has_speed);
	ck_assert_double_eq(p.speed, 3.5);
	ck_assert(p.has_heading);
	ck_assert_double_eq(p.heading, 271.5);
	/* little-endian on disk: lat's lowest byte first */
	{
		double lat = 37.41165;
		uint64_t u;
		memcpy(&u, &lat, sizeof(u));
		ck_assert_uint_eq((unsigned char)buf[4], u & 0xff);
		ck_assert_uint_eq((unsigned char)buf[11], u >> 56);
	}
	/* without the optional parts */
	ls.sent.pt.has_alt = false;
	ls.sent.has_speed = false;
	ls.sent.has_heading = false;
	ck_assert_int_eq(locd_evalstate_print(&ls, buf, sizeof(buf), &len),
			 0);
	ck_assert_int_eq(locd_evalstate_parse(buf, len, &have, &p), 0);
	ck_assert(have && !p.pt.has_alt && !p.has_speed && !p.has_heading);
	ck_assert_int_eq(locd_evalstate_print(&ls, buf, 51, &len),
			 EOVERFLOW);
	/* broken version 2 blobs: short, long, unknown flag, no point */
	ck_assert_int_eq(locd_evalstate_parse(buf, 51, &have, &p), EBADMSG);
	ck_assert_int_eq(locd_evalstate_parse(buf, 53, &have, &p), EBADMSG);
	buf[3] |= 0x10;
	ck_assert_int_eq(locd_evalstate_parse(buf, 52, &have, &p), EBADMSG);
	ck_assert_int_eq(locd_evalstate_parse("v2b\0x", 5, &have, &p),
			 EBADMSG);
	ck_assert_int_eq(locd_evalstate_parse("v2b\x01", 4, &have, &p),
			 EBADMSG);
	ls.sent.pt.lat = 91;
	ck_assert_int_eq(locd_evalstate_print(&ls, buf, sizeof(buf), &len),
			 0);
	ck_assert_int_eq(locd_evalstate_parse(buf, len, &have, &p), EBADMSG);
	/* version 1 text rows (older stores) */
	ck_assert_int_eq(locd_evalstate_parse("v1 0", 4, &have, &p), 0);
	ck_assert(!have);
	ck_assert_int_eq(locd_evalstate_parse("v1 1 37.5 -122 1 12.5 "
					      "1700000000.25 1 3.5 1 271.5",
					      49, &have, &p), 0);
	ck_assert(have && p.pt.has_alt && p.has_heading);
	ck_assert_double_eq(p.pt.lat, 37.5);
	ck_assert_double_eq(p.heading, 271.5);
	/* rows written before headings were kept */
	ck_assert_int_eq(locd_evalstate_parse("v1 1 1 2 0 0 5 1 3", 18,
					      &have, &p), 0);
	ck_assert(have && p.has_speed && !p.has_heading);
	ck_assert_int_eq(locd_evalstate_parse("v1 1 91 0 0 0 0 0 0", 19,
					      &have, &p), EBADMSG);
	ck_assert_int_eq(locd_evalstate_parse("v2 0", 4, &have, &p),
			 EBADMSG);
	ck_assert_int_eq(locd_evalstate_parse("v1 1 1 2", 8, &have, &p),
			 EBADMSG);
}
END_TEST

/* RC-12: min-rate gives periodic full-state NOTIFYs, echoed (RC-7). */
START_TEST(test_min_rate)
{
	static const char rfc[] =
		"<filter-set xmlns=\"urn:ietf:params:xml:ns:simple-filter\""
		" xmlns:lf=\"urn:ietf:params:xml:ns:location-filter\">"
		"<filter id=\"f1\"><trigger><lf:moved>300</lf:moved>"
		"</trigger></filter></filter-set>";
	struct lf_env e = {0};
	size_t first, last = 0, n;

	lf_start(&e, true);
	ck_assert_int_eq(lf_fix(&e, LF_OUTSIDE_LAT, LF_OUTSIDE_LON, t0()), 0);
	ck_assert_uint_eq(lf_subscribe(&e, "m1", 1, NULL,
				       "presence;min-rate=0.1", LF_CTYPE_RFC,
				       rfc, 600), 200);
	ck_assert_uint_eq(lf_notifies(&e, 0, "m1", &last), 1);
	ck_assert(lf_has(&e.m[last], "min-rate=0.1"));
	first = e.n;
	lf_advance(&e, 25000);
	n = lf_notifies(&e, first, "m1", &last);
	ck_assert_uint_ge(n, 2);
	ck_assert_uint_le(n, 3);
	ck_assert(lf_has(&e.m[last], "<gml:pos>37.413 -121.935</gml:pos>"));
	lf_end(&e);
}
END_TEST

/* SIGTERM: by default subscriptions stay stored and come back; with
 * notify.terminate_on_shutdown a final NOTIFY (deactivated) ends them. */
START_TEST(test_drain)
{
	struct lf_env e = {0};
	size_t first, last = 0;

	lf_start(&e, true);
	ck_assert_uint_eq(lf_subscribe(&e, "s1", 1, NULL, "location",
				       LF_CTYPE_DRAFT, lf_b10, 600), 200);
	first = e.n;
	locd_drain(e.d);
	lf_run(&e);
	ck_assert_uint_eq(lf_notifies(&e, first, "s1", NULL), 0);
	lf_stop(&e);
	lf_start(&e, false);
	ck_assert_uint_eq(locd_sub_count(e.d), 1);
	lf_stop(&e);
	e.sets[0][0] = "notify.terminate_on_shutdown";
	e.sets[0][1] = "yes";
	e.nsets = 1;
	lf_start(&e, false);
	ck_assert_uint_eq(locd_sub_count(e.d), 1);
	locd_drain(e.d);
	lf_run(&e);
	ck_assert_uint_eq(lf_notifies(&e, 0, "s1", &last), 1);
	ck_assert(lf_has(&e.m[last], "terminated;reason=deactivated"));
	ck_assert_uint_eq(locd_sub_count(e.d), 0);
	lf_stop(&e);
	lf_start(&e, false);
	ck_assert_uint_eq(locd_sub_count(e.d), 0);
	lf_end(&e);
}
END_TEST

/* EV-23: a fetch (Expires 0 on a new dialog) gets 200 and one final
 * NOTIFY with the current state; nothing stays. */
START_TEST(test_fetch)
{
	struct lf_env e = {0};
	size_t last = 0;

	lf_start(&e, true);
	ck_assert_int_eq(lf_fix(&e, LF_INSIDE_LAT, LF_INSIDE_LON, t0()), 0);
	ck_assert_uint_eq(lf_subscribe(&e, "fe", 1, NULL, "location",
				       LF_CTYPE_DRAFT, lf_b10, 0), 200);
	ck_assert_uint_eq(lf_notifies(&e, 0, "fe", &last), 1);
	ck_assert(lf_has(&e.m[last], "terminated;reason=timeout"));
	ck_assert(lf_has(&e.m[last], "position=\"inside\""));
	ck_assert_uint_eq(locd_sub_count(e.d), 0);
	lf_stop(&e);
	lf_start(&e, false);
	ck_assert_uint_eq(locd_sub_count(e.d), 0);
	lf_end(&e);
}
END_TEST

/* An RFC 6447 filter changed in the dialog (EV-10) is restored as
 * changed: both filter documents are stored and merged again. */
START_TEST(test_restart_merged_filter)
{
	static const char f1[] =
		"<filter-set xmlns=\"urn:ietf:params:xml:ns:simple-filter\""
		" xmlns:lf=\"urn:ietf:params:xml:ns:location-filter\">"
		"<filter id=\"a\"><trigger><lf:moved>100000</lf:moved>"
		"</trigger></filter></filter-set>";
	static const char f2[] =
		"<filter-set xmlns=\"urn:ietf:params:xml:ns:simple-filter\""
		" xmlns:lf=\"urn:ietf:params:xml:ns:location-filter\">"
		"<filter id=\"a\"><trigger><lf:moved>50</lf:moved>"
		"</trigger></filter></filter-set>";
	struct lf_env e = {0};
	char tag[64];
	size_t first;
	double t = t0();

	lf_start(&e, true);
	ck_assert_int_eq(lf_fix(&e, LF_OUTSIDE_LAT, LF_OUTSIDE_LON, t), 0);
	ck_assert_uint_eq(lf_subscribe(&e, "mf", 1, NULL, "presence",
				       LF_CTYPE_RFC, f1, 600), 200);
	lf_totag(&e, "mf", tag, sizeof(tag));
	ck_assert_uint_eq(lf_subscribe(&e, "mf", 2, tag, "presence",
				       LF_CTYPE_RFC, f2, 600), 200);
	lf_advance(&e, 100);
	lf_stop(&e);
	lf_start(&e, false);
	ck_assert_uint_eq(locd_sub_count(e.d), 1);
	/* 110 m: only the replaced filter (50 m) fires */
	first = e.n;
	ck_assert_int_eq(lf_fix(&e, LF_OUTSIDE_LAT + 0.001, LF_OUTSIDE_LON,
				t + 10), 0);
	lf_advance(&e, 6000);
	ck_assert_uint_eq(lf_notifies(&e, first, "mf", NULL), 1);
	lf_end(&e);
}
END_TEST

/* LF-32: valueChanges on dyn:heading (HTTP bearing). */
START_TEST(test_value_heading)
{
	static const char heading[] =
		"<location-filter xmlns=\"urn:ietf:params:xml:ns:location-"
		"filter\" xmlns:dyn=\"urn:ietf:params:xml:ns:pidf:"
		"geopriv10:dynamic\"><valueChanges>dyn:Dynamic/dyn:heading"
		"</valueChanges></location-filter>";
	struct lf_env e = {0};
	struct locd_pos p;
	enum locd_refuse why;
	const char *reason;
	size_t first, last = 0;
	double t = t0();

	lf_start(&e, true);
	memset(&p, 0, sizeof(p));
	p.pt.lat = LF_OUTSIDE_LAT;
	p.pt.lon = LF_OUTSIDE_LON;
	p.time = t;
	p.has_heading = true;
	p.heading = 90;
	ck_assert_int_eq(locd_ingest_pos(e.d, "sip:alice@localhost", &p,
					 LOCD_SOURCE_HTTP, &why, &reason), 0);
	lf_run(&e);
	ck_assert_uint_eq(lf_subscribe(&e, "hd", 1, NULL, "location",
				       LF_CTYPE_DRAFT, heading, 600), 200);
	first = e.n;
	p.pt.lat += 0.001; /* moved, same heading: nothing */
	p.time = t + 5;
	ck_assert_int_eq(locd_ingest_pos(e.d, "sip:alice@localhost", &p,
					 LOCD_SOURCE_HTTP, &why, &reason), 0);
	lf_advance(&e, 1000);
	ck_assert_uint_eq(lf_notifies(&e, first, "hd", NULL), 0);
	p.heading = 180;
	p.time = t + 10;
	ck_assert_int_eq(locd_ingest_pos(e.d, "sip:alice@localhost", &p,
					 LOCD_SOURCE_HTTP, &why, &reason), 0);
	lf_advance(&e, 1000);
	ck_assert_uint_eq(lf_notifies(&e, first, "hd", &last), 1);
	ck_assert(lf_has(&e.m[last], "heading>180"));
	/* out of range: refused */
	p.heading = 400;
	p.time = t + 20;
	ck_assert_int_eq(locd_ingest_pos(e.d, "sip:alice@localhost", &p,
					 LOCD_SOURCE_HTTP, &why, &reason),
			 ERANGE);
	lf_end(&e);
}
END_TEST

/* Issue 5 item 9, Q-24: notify.global_rate 1/s with a bucket of 1: two
 * subscriptions fire on one fix; the first NOTIFY goes after the
 * quarantine, the second waits for the next token (about 1 s later,
 * counted), then carries the newest state. */
START_TEST(test_global_bucket)
{
	struct lf_env e = {0};
	size_t first;
	double t = t0();
	char buf[16384];

	e.sets[0][0] = "notify.global_rate";
	e.sets[0][1] = "1";
	e.sets[1][0] = "notify.global_burst";
	e.sets[1][1] = "1";
	e.nsets = 2;
	lf_start(&e, true);
	ck_assert_int_eq(lf_fix(&e, LF_OUTSIDE_LAT, LF_OUTSIDE_LON, t), 0);
	ck_assert_uint_eq(lf_subscribe(&e, "g1", 1, NULL, "location",
				       LF_CTYPE_DRAFT, lf_b10, 600), 200);
	ck_assert_uint_eq(lf_subscribe(&e, "g2", 1, NULL, "location",
				       LF_CTYPE_DRAFT, lf_b10, 600), 200);
	lf_advance(&e, 2000); /* a full bucket again */
	first = e.n;
	ck_assert_int_eq(lf_fix(&e, LF_INSIDE_LAT, LF_INSIDE_LON, t + 1), 0);
	lf_advance(&e, 600);
	ck_assert_uint_eq(lf_notifies(&e, first, "g1", NULL) +
				  lf_notifies(&e, first, "g2", NULL),
			  1);
	lf_advance(&e, 800);
	ck_assert_uint_eq(lf_notifies(&e, first, "g1", NULL) +
				  lf_notifies(&e, first, "g2", NULL),
			  1);
	lf_advance(&e, 300);
	ck_assert_uint_eq(lf_notifies(&e, first, "g1", NULL), 1);
	ck_assert_uint_eq(lf_notifies(&e, first, "g2", NULL), 1);
	ck_assert_int_eq(locd_metrics_print(e.d->metrics, buf, sizeof(buf),
					    NULL), 0);
	ck_assert_ptr_null(strstr(buf,
		"\nlocd_notifications_global_limited_total 0\n"));
	ck_assert_ptr_nonnull(strstr(buf,
		"\nlocd_notifications_global_limited_total "));
	lf_end(&e);
}
END_TEST

TCase *tcase_notifier(void);

TCase *tcase_notifier(void)
{
	TCase *tc = tcase_create("notifier");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_rate_limit);
	tcase_add_test(tc, test_quarantine_coalesces);
	tcase_add_test(tc, test_notify_failures);
	tcase_add_test(tc, test_restart_continues);
	tcase_add_test(tc, test_evalstate_text);
	tcase_add_test(tc, test_min_rate);
	tcase_add_test(tc, test_drain);
	tcase_add_test(tc, test_fetch);
	tcase_add_test(tc, test_value_heading);
	tcase_add_test(tc, test_restart_merged_filter);
	tcase_add_test(tc, test_global_bucket);
	return tc;
}
