/*
 * test_trace_gpx.c: geo/trace_gpx.c, GPX 1.0/1.1 trace reader.
 * Happy paths with exact values; every malformed input with its error
 * code and one-line message; XML hardening (SEC-18: no DTD, no entity
 * expansion, no external entity, depth cap); limits.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "geo/geo_trace.h"
#include "tests/unit/testutil.h"

#define GPX10_HEAD "<?xml version=\"1.0\"?>\n" \
	"<gpx version=\"1.0\" creator=\"t\" " \
	"xmlns=\"http://www.topografix.com/GPX/1/0\">\n"
#define GPX11_HEAD "<?xml version=\"1.0\"?>\n" \
	"<gpx version=\"1.1\" creator=\"t\" " \
	"xmlns=\"http://www.topografix.com/GPX/1/1\">\n"

/* Read all of doc; returns the error code, fixes in *fixes / *n. */
static int read_doc(const char *doc, const struct geo_trace_opts *opts,
		    struct geo_fix **fixes, size_t *n, struct geo_err *err,
		    struct geo_trace_stats *st)
{
	struct geo_trace *tr = NULL;
	int e;

	*fixes = NULL;
	*n = 0;
	memset(err, 0, sizeof(*err));
	e = geo_trace_open_mem(&tr, doc, strlen(doc), opts, err);
	if (e)
		return e;
	ck_assert_int_eq(geo_trace_format(tr), GEO_TRACE_GPX);
	e = geo_trace_read_all(tr, fixes, n, err);
	if (st)
		*st = *geo_trace_stats(tr);
	geo_trace_free(tr);
	return e;
}

static const char gpx10_doc[] = GPX10_HEAD
	"<wpt lat=\"1\" lon=\"2\"><name>w</name></wpt>\n"
	"<trk><name>a</name><trkseg>\n"
	"<trkpt lat=\"37.41165\" lon=\"-121.935\">\n"
	"  <ele>3.5</ele>\n"
	"  <time>2026-11-21T10:00:00Z</time>\n"
	"  <course>90</course>\n"
	"  <speed>1.4</speed>\n"
	"</trkpt>\n"
	"<trkpt lat=\" -33.5 \" lon=\"151.25\">"
	"<time>2026-11-21T11:00:02.25+01:00</time><ele/></trkpt>\n"
	"</trkseg><trkseg></trkseg><trkseg>\n"
	"<trkpt lat=\"0\" lon=\"180\"/>\n"
	"</trkseg></trk>\n"
	"<rte><rtept lat=\"10\" lon=\"20\"><ele>-5</ele></rtept></rte>\n"
	"</gpx>\n";

/* GPX 1.0: trkpt and rtept, waypoints skipped, every field exact. */
START_TEST(test_gpx10_values)
{
	struct geo_trace_stats st;
	struct geo_fix *f;
	struct geo_err err;
	size_t n;

	ck_assert_int_eq(read_doc(gpx10_doc, NULL, &f, &n, &err, &st), 0);
	ck_assert_uint_eq(n, 4);
	ck_assert_uint_eq(st.fixes, 4);
	ck_assert_uint_eq(st.timed, 2);
	ck_assert_uint_eq(st.waypoints, 1);

	ck_assert_double_eq(f[0].pt.lat, 37.41165);
	ck_assert_double_eq(f[0].pt.lon, -121.935);
	ck_assert(f[0].pt.has_alt);
	ck_assert_double_eq(f[0].pt.alt, 3.5);
	ck_assert(f[0].has_time);
	ck_assert_double_eq(f[0].time, 1795255200.0);
	ck_assert(f[0].has_speed);
	ck_assert_double_eq(f[0].speed, 1.4);
	ck_assert(f[0].has_course);
	ck_assert_double_eq(f[0].course, 90);
	ck_assert_uint_eq(f[0].line, 5);
	ck_assert_uint_eq(f[0].seg, 0);

	/* Blanks around lat, offset +01:00, fraction, empty ele. */
	ck_assert_double_eq(f[1].pt.lat, -33.5);
	ck_assert_double_eq(f[1].pt.lon, 151.25);
	ck_assert(!f[1].pt.has_alt);
	ck_assert(f[1].has_time);
	ck_assert_double_eq_tol(f[1].time, 1795255202.25, 1e-6);
	ck_assert(!f[1].has_speed);
	ck_assert(!f[1].has_course);
	ck_assert_uint_eq(f[1].line, 11);
	ck_assert_uint_eq(f[1].seg, 0);

	/* Empty element point, no time; the empty trkseg counts not. */
	ck_assert_double_eq(f[2].pt.lat, 0);
	ck_assert_double_eq(f[2].pt.lon, 180);
	ck_assert(!f[2].has_time);
	ck_assert_uint_eq(f[2].line, 13);
	ck_assert_uint_eq(f[2].seg, 1);

	/* Route point. */
	ck_assert_double_eq(f[3].pt.lat, 10);
	ck_assert_double_eq(f[3].pt.alt, -5);
	ck_assert_uint_eq(f[3].line, 15);
	ck_assert_uint_eq(f[3].seg, 2);
	free(f);
}
END_TEST

/* Waypoints included on request, as a segment of their own. */
START_TEST(test_gpx_waypoints_option)
{
	struct geo_trace_opts opts;
	struct geo_trace_stats st;
	struct geo_fix *f;
	struct geo_err err;
	size_t n;

	geo_trace_opts_init(&opts);
	opts.waypoints = true;
	ck_assert_int_eq(read_doc(gpx10_doc, &opts, &f, &n, &err, &st), 0);
	ck_assert_uint_eq(n, 5);
	ck_assert_uint_eq(st.waypoints, 0);
	ck_assert_double_eq(f[0].pt.lat, 1);
	ck_assert_double_eq(f[0].pt.lon, 2);
	ck_assert_uint_eq(f[0].line, 3);
	ck_assert_uint_eq(f[0].seg, 0);
	ck_assert_double_eq(f[1].pt.lat, 37.41165);
	ck_assert_uint_eq(f[1].seg, 1);
	ck_assert_uint_eq(f[4].seg, 3);
	free(f);
}
END_TEST

/* GPX 1.1: speed/course from <extensions>, leap day, fractions. */
START_TEST(test_gpx11_extensions)
{
	static const char doc[] = GPX11_HEAD
		"<metadata><time>2000-01-01T00:00:00Z</time></metadata>\n"
		"<trk><trkseg>\n"
		"<trkpt lat=\"1.5\" lon=\"2.5\"><ele>100</ele>"
		"<time>2020-02-29T23:59:59.5Z</time><extensions>"
		"<x:TrackPointExtension xmlns:x=\"urn:x\">"
		"<x:speed>3.5</x:speed><x:course>360</x:course>"
		"</x:TrackPointExtension></extensions></trkpt>\n"
		"<trkpt lat=\"1.6\" lon=\"2.6\">"
		"<time>2020-03-01T01:00:00.125-01:30</time>"
		"<speed>7</speed><extensions><speed>9</speed>"
		"</extensions></trkpt>\n"
		"<trkpt lat=\"1.7\" lon=\"2.7\"><time><![CDATA["
		"2020-03-01T00:00:00Z]]></time></trkpt>\n"
		"</trkseg></trk></gpx>\n";
	struct geo_fix *f;
	struct geo_err err;
	size_t n;

	ck_assert_int_eq(read_doc(doc, NULL, &f, &n, &err, NULL), 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_double_eq(f[0].pt.alt, 100);
	ck_assert_double_eq(f[0].time, 1583020799.5);
	ck_assert(f[0].has_speed);
	ck_assert_double_eq(f[0].speed, 3.5);
	ck_assert(f[0].has_course);
	ck_assert_double_eq(f[0].course, 0); /* 360 normalised */
	/* 01:00:00.125 at -01:30 is 02:30:00.125Z. */
	ck_assert_double_eq(f[1].time, 1583020800.0 + 9000.125);
	ck_assert_double_eq(f[1].speed, 7); /* direct child wins */
	ck_assert_double_eq(f[2].time, 1583020800.0);
	free(f);
}
END_TEST

struct bad_case {
	const char *doc;
	int code;
	const char *msg;
};

/* Every malformed point, one specific error each. */
static const struct bad_case bad_points[] = {
	{ GPX10_HEAD "<trk><trkseg>\n<trkpt lat=\"91\" lon=\"2\"/>"
	  "</trkseg></trk></gpx>", EBADMSG,
	  "line 4: trkpt: latitude out of range" },
	{ GPX10_HEAD "<rte>\n<rtept lat=\"1\" lon=\"-180.5\"/>"
	  "</rte></gpx>", EBADMSG,
	  "line 4: rtept: longitude out of range" },
	{ GPX10_HEAD "<trk><trkseg>\n<trkpt lat=\"1x\" lon=\"2\"/>"
	  "</trkseg></trk></gpx>", EBADMSG, "line 4: trkpt: bad lat" },
	{ GPX10_HEAD "<trk><trkseg><trkpt lat=\"1\" lon=\"0x10\"/>"
	  "</trkseg></trk></gpx>", EBADMSG, "line 3: trkpt: bad lon" },
	{ GPX10_HEAD "<trk><trkseg><trkpt lat=\"nan\" lon=\"1\"/>"
	  "</trkseg></trk></gpx>", EBADMSG, "line 3: trkpt: bad lat" },
	{ GPX10_HEAD "<trk><trkseg><trkpt lat=\"1\" lon=\"1e999\"/>"
	  "</trkseg></trk></gpx>", EBADMSG, "line 3: trkpt: bad lon" },
	{ GPX10_HEAD "<trk><trkseg><trkpt lat=\"1\"/>"
	  "</trkseg></trk></gpx>", EBADMSG,
	  "line 3: trkpt: missing lon" },
	{ GPX10_HEAD "<wpt lon=\"1\"/></gpx>", EBADMSG,
	  "line 3: wpt: missing lat" },
	{ GPX10_HEAD "<trk><trkseg><trkpt lat=\"1\" lon=\"2\">\n"
	  "<time>2026-13-01T00:00:00Z</time></trkpt>"
	  "</trkseg></trk></gpx>", EBADMSG, "line 4: time: bad time" },
	{ GPX10_HEAD "<trk><trkseg><trkpt lat=\"1\" lon=\"2\">"
	  "<time>2026-02-29T00:00:00Z</time></trkpt>"
	  "</trkseg></trk></gpx>", EBADMSG, "line 3: time: bad time" },
	{ GPX10_HEAD "<trk><trkseg><trkpt lat=\"1\" lon=\"2\">"
	  "<time>yesterday</time></trkpt>"
	  "</trkseg></trk></gpx>", EBADMSG, "line 3: time: bad time" },
	{ GPX10_HEAD "<trk><trkseg><trkpt lat=\"1\" lon=\"2\">"
	  "<time>2026-01-01T00:00:00+25:00</time></trkpt>"
	  "</trkseg></trk></gpx>", EBADMSG, "line 3: time: bad time" },
	{ GPX10_HEAD "<trk><trkseg><trkpt lat=\"1\" lon=\"2\">"
	  "<ele>1,5</ele></trkpt></trkseg></trk></gpx>", EBADMSG,
	  "line 3: ele: bad ele" },
	{ GPX10_HEAD "<trk><trkseg><trkpt lat=\"1\" lon=\"2\">"
	  "<speed>-1</speed></trkpt></trkseg></trk></gpx>", EBADMSG,
	  "line 3: trkpt: speed out of range" },
	{ GPX10_HEAD "<trk><trkseg><trkpt lat=\"1\" lon=\"2\">"
	  "<course>400</course></trkpt></trkseg></trk></gpx>", EBADMSG,
	  "line 3: trkpt: course out of range" },
	{ GPX10_HEAD "<trk><trkseg><trkpt lat=\"1\" lon=\"2\"><ele>"
	  "1111111111111111111111111111111111111111111111111111111111111"
	  "1111111111111111111111111111111111111111111111111111111111111"
	  "11111111111</ele></trkpt></trkseg></trk></gpx>", EBADMSG,
	  "line 3: ele: value too long" },
	/* Not GPX at all. */
	{ "<?xml version=\"1.0\"?>\n<kml/>", EBADMSG,
	  "line 2: kml: not a GPX document" },
	{ "<gpx xmlns=\"urn:other\"/>", EBADMSG,
	  "line 1: gpx: not a GPX document" },
	{ "   ", EBADMSG, "line 1: not a GPX document" },
	{ "time,lat,lon\n", EBADMSG, "line 1: not a GPX document" },
	{ "<?xml version=\"1.0\"?>\n<!-- open comment <gpx/>", EBADMSG,
	  "line 2: not a GPX document" },
	/* A prolog the byte scan would misread is refused outright. */
	{ "<?xml version=\"?>\"?>\n<!DOCTYPE gpx [<!ENTITY a \"b\">]>"
	  "<gpx/>", EBADMSG, "line 1: not a GPX document" },
	{ "<?xml version=\"1.0\"?>\n<?pi x?>\n<!--\n-->\n<!DOCTYPE gpx>"
	  "<gpx/>", EBADMSG, "line 5: DOCTYPE not allowed in GPX" },
};

START_TEST(test_gpx_bad_points)
{
	const struct bad_case *c = &bad_points[_i];
	struct geo_trace_opts opts;
	struct geo_fix *f;
	struct geo_err err;
	size_t n;

	geo_trace_opts_init(&opts);
	opts.format = GEO_TRACE_GPX; /* "   " would sniff as CSV */
	ck_assert_int_eq(read_doc(c->doc, &opts, &f, &n, &err, NULL),
			 c->code);
	ck_assert_int_eq(err.code, c->code);
	ck_assert_str_eq(err.msg, c->msg);
	ck_assert_ptr_null(f);
	ck_assert_uint_eq(n, 0);
}
END_TEST

/* Truncated XML: fixes before the cut, then EBADMSG, sticky. */
START_TEST(test_gpx_truncated)
{
	static const char doc[] = GPX10_HEAD "<trk><trkseg>\n"
		"<trkpt lat=\"1\" lon=\"2\"/>\n"
		"<trkpt lat=\"3\" lon=\"4\"><ele>5</e";
	struct geo_trace *tr;
	struct geo_fix fix;
	struct geo_err err;

	ck_assert_int_eq(geo_trace_open_mem(&tr, doc, strlen(doc), NULL,
					    &err), 0);
	ck_assert_int_eq(geo_trace_next(tr, &fix, &err), 0);
	ck_assert_double_eq(fix.pt.lat, 1);
	ck_assert_int_eq(geo_trace_next(tr, &fix, &err), EBADMSG);
	ck_assert_int_eq(err.code, EBADMSG);
	ck_assert_msg(strncmp(err.msg, "line 5: XML: ", 13) == 0, "%s",
		      err.msg);
	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(geo_trace_next(tr, &fix, &err), EBADMSG);
	ck_assert_msg(strncmp(err.msg, "line 5: XML: ", 13) == 0, "%s",
		      err.msg);
	ck_assert_uint_eq(geo_trace_stats(tr)->fixes, 1);
	geo_trace_free(tr);
}
END_TEST

/* Billion laughs: refused before any expansion (SEC-18). */
#define LAUGHS \
	"<!DOCTYPE gpx [\n" \
	" <!ENTITY a \"lol\">\n" \
	" <!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n" \
	" <!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">\n" \
	" <!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">\n" \
	" <!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">\n" \
	" <!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\">\n" \
	" <!ENTITY g \"&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;\">\n" \
	" <!ENTITY h \"&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;\">\n" \
	" <!ENTITY i \"&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;\">\n" \
	"]>\n"

START_TEST(test_gpx_billion_laughs)
{
	static const char doc[] = "<?xml version=\"1.0\"?>\n"
		"<!-- a comment first -->\n" LAUGHS
		"<gpx version=\"1.0\" creator=\"t\" "
		"xmlns=\"http://www.topografix.com/GPX/1/0\">"
		"<trk><name>&i;</name><trkseg>"
		"<trkpt lat=\"1\" lon=\"2\"/></trkseg></trk></gpx>";
	struct geo_trace *tr = NULL;
	struct geo_err err;

	ck_assert_int_eq(geo_trace_open_mem(&tr, doc, strlen(doc), NULL,
					    &err), EBADMSG);
	ck_assert_ptr_null(tr);
	ck_assert_str_eq(err.msg, "line 3: DOCTYPE not allowed in GPX");
}
END_TEST

/*
 * The same in UTF-16 or UTF-7, which a byte scan cannot read: refused
 * before the parser starts, as is any encoding but UTF-8 and Latin-1.
 */
START_TEST(test_gpx_encodings)
{
	static const char doc[] =
		"<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n" LAUGHS
		"<gpx xmlns=\"http://www.topografix.com/GPX/1/0\">"
		"<trk><name>&i;</name><trkseg>"
		"<trkpt lat=\"1\" lon=\"2\"/></trkseg></trk></gpx>";
	static const char utf7[] =
		"<?xml version=\"1.0\" encoding=\"UTF-7\"?>\n"
		"+ADw-+ACE-DOCTYPE gpx+AD4-\n"
		"<gpx xmlns=\"http://www.topografix.com/GPX/1/0\"/>";
	static const char latin1[] =
		"<?xml version='1.0' encoding='iso-8859-1'?>\n"
		"<gpx xmlns=\"http://www.topografix.com/GPX/1/0\">"
		"<wpt lat=\"1\" lon=\"2\"><name>Caf\xe9</name></wpt>"
		"<trk><trkseg><trkpt lat=\"3\" lon=\"4\"/></trkseg></trk>"
		"</gpx>";
	size_t i, n = strlen(doc);
	char *u = malloc(2 * n + 2);
	struct geo_trace_opts opts;
	struct geo_trace *tr = NULL;
	struct geo_fix *f;
	struct geo_err err;

	ck_assert_ptr_nonnull(u);
	u[0] = (char)0xff;
	u[1] = (char)0xfe;
	for (i = 0; i < n; i++) {
		u[2 + 2 * i] = doc[i];
		u[3 + 2 * i] = 0;
	}
	geo_trace_opts_init(&opts);
	opts.format = GEO_TRACE_GPX;
	ck_assert_int_eq(geo_trace_open_mem(&tr, u, 2 * n + 2, &opts, &err),
			 EBADMSG);
	ck_assert_ptr_null(tr);
	ck_assert_str_eq(err.msg, "line 1: GPX encoding not supported "
			 "(UTF-8 or Latin-1 only)");
	/* Without the BOM: NUL bytes give it away. */
	ck_assert_int_eq(geo_trace_open_mem(&tr, u + 2, 2 * n, &opts, &err),
			 EBADMSG);
	ck_assert_str_eq(err.msg, "line 1: GPX encoding not supported "
			 "(UTF-8 or Latin-1 only)");
	free(u);
	ck_assert_int_eq(read_doc(utf7, NULL, &f, &n, &err, NULL), EBADMSG);
	ck_assert_str_eq(err.msg, "line 1: GPX encoding not supported "
			 "(UTF-8 or Latin-1 only)");
	ck_assert_int_eq(read_doc(latin1, NULL, &f, &n, &err, NULL), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_double_eq(f[0].pt.lat, 3);
	free(f);
}
END_TEST

/* External entity: refused, and the file it names is never read. */
START_TEST(test_gpx_external_entity)
{
	char path[] = "/tmp/locd-xxe-XXXXXX";
	char doc[1024];
	struct geo_fix *f;
	struct geo_err err;
	size_t n;
	int fd;
	FILE *fp;

	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	fp = fdopen(fd, "w");
	ck_assert_ptr_nonnull(fp);
	/* Were it read, this would add a point at 45,45. */
	fputs("<trkpt lat=\"45\" lon=\"45\"/>", fp);
	fclose(fp);
	snprintf(doc, sizeof(doc),
		 "<?xml version=\"1.0\"?>\n"
		 "<!DOCTYPE gpx [<!ENTITY x SYSTEM \"file://%s\">]>\n"
		 "<gpx xmlns=\"http://www.topografix.com/GPX/1/0\">"
		 "<trk><trkseg>&x;</trkseg></trk></gpx>", path);
	ck_assert_int_eq(read_doc(doc, NULL, &f, &n, &err, NULL), EBADMSG);
	ck_assert_str_eq(err.msg, "line 2: DOCTYPE not allowed in GPX");
	ck_assert_uint_eq(n, 0);
	unlink(path);
}
END_TEST

/* An undeclared entity is an XML error, not a lookup anywhere. */
START_TEST(test_gpx_undeclared_entity)
{
	static const char doc[] = GPX10_HEAD
		"<trk><trkseg><trkpt lat=\"1\" lon=\"2\">"
		"<time>&t;</time></trkpt></trkseg></trk></gpx>";
	struct geo_fix *f;
	struct geo_err err;
	size_t n;

	ck_assert_int_eq(read_doc(doc, NULL, &f, &n, &err, NULL), EBADMSG);
	ck_assert_msg(strncmp(err.msg, "line 3: XML: Entity 't' not "
			      "defined", 31) == 0, "%s", err.msg);
}
END_TEST

/* Limits: depth, fixes, bytes (EOVERFLOW each). */
START_TEST(test_gpx_limits)
{
	static const char doc[] = GPX10_HEAD "<trk><trkseg>\n"
		"<trkpt lat=\"1\" lon=\"2\"/>\n"
		"<trkpt lat=\"3\" lon=\"4\"/>\n"
		"<trkpt lat=\"5\" lon=\"6\"><extensions><a><b/></a>"
		"</extensions></trkpt>\n"
		"</trkseg></trk></gpx>";
	struct geo_trace_opts opts;
	struct geo_trace *tr = NULL;
	struct geo_fix fix;
	struct geo_fix *f;
	struct geo_err err;
	size_t n;

	/* Depth: b is at depth 6 below the root. */
	geo_trace_opts_init(&opts);
	opts.lim.max_depth = 5;
	ck_assert_int_eq(read_doc(doc, &opts, &f, &n, &err, NULL),
			 EOVERFLOW);
	ck_assert_str_eq(err.msg, "line 6: b: nested deeper than 5");
	opts.lim.max_depth = 6;
	ck_assert_int_eq(read_doc(doc, &opts, &f, &n, &err, NULL), 0);
	ck_assert_uint_eq(n, 3);
	free(f);

	/* Fixes: the first two come out, the third is refused. */
	geo_trace_opts_init(&opts);
	opts.lim.max_fixes = 2;
	ck_assert_int_eq(geo_trace_open_mem(&tr, doc, strlen(doc), &opts,
					    &err), 0);
	ck_assert_int_eq(geo_trace_next(tr, &fix, &err), 0);
	ck_assert_int_eq(geo_trace_next(tr, &fix, &err), 0);
	ck_assert_double_eq(fix.pt.lat, 3);
	ck_assert_int_eq(geo_trace_next(tr, &fix, &err), EOVERFLOW);
	ck_assert_str_eq(err.msg, "line 6: more than 2 fixes");
	geo_trace_free(tr);

	/* Bytes. */
	geo_trace_opts_init(&opts);
	opts.lim.max_bytes = strlen(doc) - 1;
	tr = NULL;
	ck_assert_int_eq(geo_trace_open_mem(&tr, doc, strlen(doc), &opts,
					    &err), EOVERFLOW);
	ck_assert_ptr_null(tr);
	ck_assert_int_eq(err.code, EOVERFLOW);
	opts.lim.max_bytes = strlen(doc);
	ck_assert_int_eq(read_doc(doc, &opts, &f, &n, &err, NULL), 0);
	ck_assert_uint_eq(n, 3);
	free(f);
}
END_TEST

TCase *tcase_trace_gpx(void);
TCase *tcase_trace_gpx(void)
{
	TCase *tc = tcase_create("trace_gpx");

	tcase_add_test(tc, test_gpx10_values);
	tcase_add_test(tc, test_gpx_waypoints_option);
	tcase_add_test(tc, test_gpx11_extensions);
	tcase_add_loop_test(tc, test_gpx_bad_points, 0,
			    sizeof(bad_points) / sizeof(bad_points[0]));
	tcase_add_test(tc, test_gpx_truncated);
	tcase_add_test(tc, test_gpx_billion_laughs);
	tcase_add_test(tc, test_gpx_encodings);
	tcase_add_test(tc, test_gpx_external_entity);
	tcase_add_test(tc, test_gpx_undeclared_entity);
	tcase_add_test(tc, test_gpx_limits);
	return tc;
}
