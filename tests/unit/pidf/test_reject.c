/*
 * test_reject.c: every refusal of pidf_parse()/pidf_xml_read() gives one
 * specific errno and a one-line reason; hostile documents are refused
 * quickly and without reading anything outside the body (SEC-18).
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libxml/xmlIO.h>

#include "pidf_test.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A reason fit for a Warning header: one line, no quotes. */
static void check_msg(const struct pidf_err *err, int code)
{
	ck_assert_int_eq(err->code, code);
	ck_assert(strncmp(err->msg, "PIDF-LO: ", 9) == 0);
	ck_assert_ptr_null(strchr(err->msg, '"'));
	ck_assert_ptr_null(strchr(err->msg, '\n'));
}

/* Structural refusals. */
START_TEST(test_reject_structure)
{
	static const struct {
		const char *doc;
		int rc;
		const char *msg;
	} cases[] = {
		{"<presence xmlns=\"urn:ietf:params:xml:ns:pidf\" "
		 "entity=\"pres:a@b\"/>", ENOENT,
		 "PIDF-LO: no geopriv location in document"},
		{"<presence xmlns=\"urn:ietf:params:xml:ns:pidf\"/>", EBADMSG,
		 "PIDF-LO: presence has no entity"},
		{"<presence entity=\"pres:a@b\"/>", EBADMSG,
		 "PIDF-LO: root is not a PIDF presence"},
		{"<location-filter xmlns=\"urn:ietf:params:xml:ns:"
		 "location-filter\"/>", EBADMSG,
		 "PIDF-LO: root is not a PIDF presence"},
		{"<presence xmlns=\"urn:ietf:params:xml:ns:pidf\" "
		 "entity=\"pres:a@b\"><tuple id=\"x\">", EBADMSG, NULL},
		{"not xml at all", EBADMSG, NULL},
		{"", EBADMSG, "PIDF-LO: empty body"},
	};
	struct geo_ctx *geo = pt_geo();
	struct pidf_doc *d;
	struct pidf_err err;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_msg(pt_parse(geo, cases[i].doc, &d, &err) ==
			      cases[i].rc, "case %zu: %s", i, err.msg);
		ck_assert_ptr_null(d);
		check_msg(&err, cases[i].rc);
		if (cases[i].msg)
			ck_assert_str_eq(err.msg, cases[i].msg);
	}
	ck_assert_int_eq(pidf_parse(NULL, "x", 1, NULL, &d, &err), EINVAL);
	ck_assert_int_eq(pidf_parse(geo, NULL, 1, NULL, &d, &err), EINVAL);
	geo_ctx_free(geo);
}
END_TEST

/* No location (ENOENT) and bad shapes (geo's code, PL-1, PL-2). */
START_TEST(test_reject_location)
{
	struct geo_ctx *geo = pt_geo();
	struct pidf_doc *d;
	struct pidf_err err;
	char buf[2048];

	pt_doc(buf, sizeof(buf), "", NULL, NULL);
	ck_assert_int_eq(pt_parse(geo, buf, &d, &err), ENOENT);
	ck_assert_str_eq(err.msg,
			 "PIDF-LO: location-info has no recognised location");

	pt_doc(buf, sizeof(buf), "<foo:Bar xmlns:foo=\"urn:x\"/>", NULL,
	       NULL);
	ck_assert_int_eq(pt_parse(geo, buf, &d, &err), ENOENT);

	ck_assert_int_eq(pt_parse(geo,
		"<presence " PT_NS "entity=\"pres:a@b\"><tuple id=\"t\">"
		"<status><gp:geopriv><gp:usage-rules/></gp:geopriv></status>"
		"</tuple></presence>", &d, &err), ENOENT);
	ck_assert_str_eq(err.msg, "PIDF-LO: geopriv has no location-info");

	/* A Point with one coordinate; a circle without a radius. */
	pt_doc(buf, sizeof(buf),
	       "<gml:Point srsName=\"urn:ogc:def:crs:EPSG::4326\">"
	       "<gml:pos>1</gml:pos></gml:Point>", NULL, NULL);
	ck_assert_int_eq(pt_parse(geo, buf, &d, &err), EBADMSG);
	check_msg(&err, EBADMSG);
	pt_doc(buf, sizeof(buf),
	       "<gs:Circle srsName=\"urn:ogc:def:crs:EPSG::4326\">"
	       "<gml:pos>1 2</gml:pos></gs:Circle>", NULL, NULL);
	ck_assert_int_eq(pt_parse(geo, buf, &d, &err), EBADMSG);
	check_msg(&err, EBADMSG);
	/* Latitude out of range. */
	pt_doc(buf, sizeof(buf),
	       "<gml:Point srsName=\"urn:ogc:def:crs:EPSG::4326\">"
	       "<gml:pos>91 2</gml:pos></gml:Point>", NULL, NULL);
	ck_assert_int_eq(pt_parse(geo, buf, &d, &err), EBADMSG);
	/* A CRS that is not WGS 84 (PL-2). */
	pt_doc(buf, sizeof(buf),
	       "<gml:Point srsName=\"urn:ogc:def:crs:EPSG::27700\">"
	       "<gml:pos>1 2</gml:pos></gml:Point>", NULL, NULL);
	ck_assert_int_eq(pt_parse(geo, buf, &d, &err), ENOTSUP);
	check_msg(&err, ENOTSUP);
	/* RFC 4119 legacy point with a bad hemisphere order. */
	pt_doc(buf, sizeof(buf),
	       "<gml:location><gml:Point srsName=\"epsg:4326\">"
	       "<gml:coordinates>122:25:10W 37:46:30N</gml:coordinates>"
	       "</gml:Point></gml:location>", NULL, NULL);
	ck_assert_int_eq(pt_parse(geo, buf, &d, &err), EBADMSG);
	ck_assert_str_eq(err.msg,
			 "PIDF-LO: Point coordinates not latitude first");
	/* Method longer than a token. */
	ck_assert_int_eq(pt_parse(geo,
		"<presence " PT_NS "entity=\"pres:a@b\"><tuple id=\"t\">"
		"<status><gp:geopriv><gp:location-info>"
		"<gml:Point srsName=\"urn:ogc:def:crs:EPSG::4326\">"
		"<gml:pos>1 2</gml:pos></gml:Point></gp:location-info>"
		"<gp:usage-rules/><gp:method>"
		"0123456789012345678901234567890123456789</gp:method>"
		"</gp:geopriv></status></tuple></presence>", &d, &err),
		EOVERFLOW);
	geo_ctx_free(geo);
}
END_TEST

/* Size, depth, element and tuple limits (SEC-18, STYLE 2.6). */
START_TEST(test_reject_limits)
{
	struct geo_ctx *geo = pt_geo();
	struct pidf_limits lim;
	struct pidf_doc *d = NULL;
	struct pidf_err err;
	static const char head[] =
		"<presence xmlns=\"urn:ietf:params:xml:ns:pidf\" "
		"entity=\"pres:a@b\">";
	size_t big = 50u * 1024 * 1024, hl = sizeof(head) - 1, n, i;
	char *buf;
	double t0;

	/* 50 MB body: refused on its length, before any parsing. */
	buf = malloc(big);
	ck_assert_ptr_nonnull(buf);
	memset(buf, ' ', big);
	memcpy(buf, "<presence", 9);
	t0 = now_s();
	ck_assert_int_eq(pidf_parse(geo, buf, big, NULL, &d, &err),
			 EOVERFLOW);
	ck_assert(now_s() - t0 < 0.5);
	ck_assert_str_eq(err.msg,
			 "PIDF-LO: body over 65536 bytes");
	ck_assert_ptr_null(d);

	/* 64 KiB + 1 refused, the limit is configurable. */
	ck_assert_int_eq(pidf_parse(geo, buf, PIDF_BODY_MAX + 1, NULL, &d,
				    &err), EOVERFLOW);
	pidf_limits_init(&lim);
	ck_assert_uint_eq(lim.max_body, 65536);
	ck_assert_uint_eq(lim.max_depth, 32);
	lim.max_body = 100;
	ck_assert_int_eq(pidf_parse(geo, buf, 101, &lim, &d, &err),
			 EOVERFLOW);

	/* 10,000-deep nesting: stopped at depth 33, quickly. */
	memcpy(buf, head, hl);
	n = hl;
	for (i = 0; i < 10000; i++) {
		memcpy(buf + n, "<a>", 3);
		n += 3;
	}
	for (i = 0; i < 10000; i++) {
		memcpy(buf + n, "</a>", 4);
		n += 4;
	}
	memcpy(buf + n, "</presence>", 11);
	n += 11;
	pidf_limits_init(&lim);
	lim.max_body = n;
	t0 = now_s();
	ck_assert_int_eq(pidf_parse(geo, buf, n, &lim, &d, &err), EOVERFLOW);
	ck_assert(now_s() - t0 < 0.5);
	ck_assert_str_eq(err.msg, "PIDF-LO: nested deeper than 32 elements");

	/* Exactly 32 deep passes the reader (no location: ENOENT). */
	n = hl;
	for (i = 0; i < 31; i++) {
		memcpy(buf + n, "<a>", 3);
		n += 3;
	}
	for (i = 0; i < 31; i++) {
		memcpy(buf + n, "</a>", 4);
		n += 4;
	}
	memcpy(buf + n, "</presence>", 11);
	n += 11;
	ck_assert_int_eq(pidf_parse(geo, buf, n, NULL, &d, &err), ENOENT);
	/* One more level is refused. */
	memmove(buf + hl + 3, buf + hl, n - hl);
	memcpy(buf + hl, "<a>", 3);
	n += 3;
	memmove(buf + n - 11 + 4, buf + n - 11, 11);
	memcpy(buf + n - 11, "</a>", 4);
	n += 4;
	ck_assert_int_eq(pidf_parse(geo, buf, n, NULL, &d, &err), EOVERFLOW);

	/* Element count: 5000 siblings. */
	n = hl;
	for (i = 0; i < 5000; i++) {
		memcpy(buf + n, "<a/>", 4);
		n += 4;
	}
	memcpy(buf + n, "</presence>", 11);
	n += 11;
	ck_assert_int_eq(pidf_parse(geo, buf, n, NULL, &d, &err), EOVERFLOW);
	ck_assert_str_eq(err.msg, "PIDF-LO: more than 4096 elements");

	/* 33 tuples. */
	n = hl;
	for (i = 0; i < 33; i++) {
		static const char t[] = "<tuple id=\"t\"><status/></tuple>";
		memcpy(buf + n, t, sizeof(t) - 1);
		n += sizeof(t) - 1;
	}
	memcpy(buf + n, "</presence>", 11);
	n += 11;
	ck_assert_int_eq(pidf_parse(geo, buf, n, NULL, &d, &err), EOVERFLOW);
	ck_assert_str_eq(err.msg, "PIDF-LO: more than 32 tuples");
	free(buf);
	geo_ctx_free(geo);
}
END_TEST

/* Billion laughs: refused at the DOCTYPE, nothing expanded. */
START_TEST(test_reject_doctype)
{
	static const char lol[] =
		"<?xml version=\"1.0\"?>\n"
		"<!DOCTYPE presence [\n"
		" <!ENTITY lol \"lol\">\n"
		" <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
		" <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
		" <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
		" <!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"
		" <!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">\n"
		" <!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">\n"
		" <!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">\n"
		" <!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">\n"
		" <!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">\n"
		"]>\n"
		"<presence xmlns=\"urn:ietf:params:xml:ns:pidf\" "
		"entity=\"&lol9;\"/>\n";
	static const char plain_doctype[] =
		"<!DOCTYPE presence>\n"
		"<presence xmlns=\"urn:ietf:params:xml:ns:pidf\" "
		"entity=\"pres:a@b\"/>";
	static const char undeclared[] =
		"<presence xmlns=\"urn:ietf:params:xml:ns:pidf\" "
		"entity=\"&foo;\"/>";
	static const char predefined[] =
		"<presence xmlns=\"urn:ietf:params:xml:ns:pidf\" "
		"entity=\"pres:a&amp;b\"/>";
	struct geo_ctx *geo = pt_geo();
	struct pidf_doc *d;
	struct pidf_err err;
	double t0 = now_s();

	ck_assert_int_eq(pt_parse(geo, lol, &d, &err), EPROTO);
	ck_assert(now_s() - t0 < 0.5);
	ck_assert_str_eq(err.msg, "PIDF-LO: DOCTYPE or entities refused");
	ck_assert_int_eq(pt_parse(geo, plain_doctype, &d, &err), EPROTO);
	/* An undeclared entity is refused; predefined ones are text. */
	ck_assert_int_ne(pt_parse(geo, undeclared, &d, &err), 0);
	ck_assert_ptr_null(d);
	ck_assert_int_eq(pt_parse(geo, predefined, &d, &err), ENOENT);
	geo_ctx_free(geo);
}
END_TEST

/* External entities: counted by an input callback for our test file. */
struct xe_count {
	int opens;
};

static struct xe_count *xe_counter;   /* test-local, reset per test */

static int xe_match(const char *uri)
{
	return uri && strstr(uri, "pidf-secret") != NULL;
}

static void *xe_open(const char *uri)
{
	(void)uri;
	if (xe_counter)
		xe_counter->opens++;
	return NULL;
}

static int xe_read(void *ctx, char *buf, int len)
{
	(void)ctx;
	(void)buf;
	(void)len;
	return -1;
}

static int xe_close(void *ctx)
{
	(void)ctx;
	return 0;
}

START_TEST(test_reject_external_entity)
{
	char path[] = "/tmp/pidf-secret-XXXXXX";
	char doc[1024];
	struct xe_count count = {0};
	struct geo_ctx *geo = pt_geo();
	struct pidf_doc *d;
	struct pidf_err err;
	int fd, id;

	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "TOPSECRET", 9), 9);
	close(fd);
	xe_counter = &count;
	id = xmlRegisterInputCallbacks(xe_match, xe_open, xe_read, xe_close);
	ck_assert_int_ge(id, 0);

	/* General entity in the body, parameter entity, external DTD. */
	snprintf(doc, sizeof(doc),
		 "<!DOCTYPE presence [<!ENTITY x SYSTEM \"file://%s\">]>"
		 "<presence xmlns=\"urn:ietf:params:xml:ns:pidf\" "
		 "entity=\"pres:a@b\"><note>&x;</note></presence>", path);
	ck_assert_int_eq(pt_parse(geo, doc, &d, &err), EPROTO);
	snprintf(doc, sizeof(doc),
		 "<!DOCTYPE presence [<!ENTITY %% p SYSTEM \"file://%s\"> "
		 "%%p;]><presence xmlns=\"urn:ietf:params:xml:ns:pidf\" "
		 "entity=\"pres:a@b\"/>", path);
	ck_assert_int_eq(pt_parse(geo, doc, &d, &err), EPROTO);
	snprintf(doc, sizeof(doc),
		 "<!DOCTYPE presence SYSTEM \"file://%s\">"
		 "<presence xmlns=\"urn:ietf:params:xml:ns:pidf\" "
		 "entity=\"pres:a@b\"/>", path);
	ck_assert_int_eq(pt_parse(geo, doc, &d, &err), EPROTO);
	ck_assert_ptr_null(strstr(err.msg, "TOPSECRET"));

	xmlPopInputCallbacks();
	xe_counter = NULL;
	unlink(path);
	/* Nothing was opened. */
	ck_assert_int_eq(count.opens, 0);
	geo_ctx_free(geo);
}
END_TEST

/* The reader is reusable by filters/: it names their document. */
START_TEST(test_xml_read_shared)
{
	static const char f[] =
		"<location-filter xmlns=\"urn:ietf:params:xml:ns:"
		"location-filter\"><movedHoriz uom=\"m\">20</movedHoriz>"
		"</location-filter>";
	struct _xmlDoc *doc = NULL;
	struct pidf_err err;

	ck_assert_int_eq(pidf_xml_read(f, strlen(f), NULL, "location-filter",
				       &doc, &err), 0);
	ck_assert_ptr_nonnull(doc);
	ck_assert_str_eq((const char *)xmlDocGetRootElement(doc)->name,
			 "location-filter");
	pidf_xml_free(doc);
	ck_assert_int_eq(pidf_xml_read("<a><b></a>", 10, NULL,
				       "location-filter", &doc, &err),
			 EBADMSG);
	ck_assert_str_eq(err.msg, "location-filter: malformed XML near "
			 "line 1");
	ck_assert_int_eq(pidf_xml_read(NULL, 0, NULL, NULL, &doc, &err),
			 EINVAL);
	pidf_xml_free(NULL);
}
END_TEST

/*
 * LOCATION.md 1.4 / LF-12: UTF-8 only.  A declared or detected encoding
 * other than UTF-8 is refused before libxml2 reads it (EBADMSG, one line),
 * for PIDF-LO and for filters (the same reader), and nothing reaches
 * stderr (STYLE 2.7; fuzz finding 3, crashes/pidf_parse_fuzz/
 * stderr-shift-jis.xml: libxml2 printed "encoding error" through its
 * global handler).
 */
static int stderr_hold(void)
{
	FILE *tmp = tmpfile();
	int saved;

	ck_assert_ptr_nonnull(tmp);
	fflush(stderr);
	saved = dup(2);
	ck_assert_int_ge(saved, 0);
	ck_assert_int_ge(dup2(fileno(tmp), 2), 0);
	fclose(tmp); /* fd 2 keeps the file open */
	return saved;
}

/* Restores stderr; returns how many bytes were written meanwhile. */
static long stderr_release(int saved)
{
	long n;

	fflush(stderr);
	n = (long)lseek(2, 0, SEEK_END);
	ck_assert_int_ge(dup2(saved, 2), 0);
	close(saved);
	return n;
}

START_TEST(test_reject_encoding)
{
	static const char sjis[] =
		"<?xml version=\"1.0\" encoding=\"Shift_JIS\"?><presence>"
		"\x81<</presence>";
	static const struct {
		const char *doc;
		size_t len; /* 0: strlen */
		int rc;
		const char *msg;
	} cases[] = {
		{sjis, sizeof(sjis) - 1, EBADMSG, "PIDF-LO: encoding Shift_JIS "
		 "not supported; UTF-8 only"},
		{"<?xml version='1.0' encoding = 'EUC-JP' ?><presence/>", 0,
		 EBADMSG, "PIDF-LO: encoding EUC-JP not supported; UTF-8 only"},
		{"<?xml version=\"1.0\"\n\tencoding=\"ISO-2022-JP\"?><p/>", 0,
		 EBADMSG, "PIDF-LO: encoding ISO-2022-JP not supported; UTF-8 "
		 "only"},
		{"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><p/>", 0,
		 EBADMSG, "PIDF-LO: encoding ISO-8859-1 not supported; UTF-8 "
		 "only"},
		{"\xff\xfe<\0p\0/\0>\0", 10, EBADMSG, "PIDF-LO: encoding "
		 "UTF-16 not supported; UTF-8 only"},
		{"<\0?\0x\0m\0l\0", 10, EBADMSG, "PIDF-LO: encoding UTF-16 "
		 "not supported; UTF-8 only"},
		/* UTF-8, declared in any case, with or without BOM */
		{"<?xml version=\"1.0\" encoding=\"utf-8\"?><p/>", 0, ENOENT,
		 NULL},
		{"\xef\xbb\xbf<?xml version=\"1.0\" encoding=\"UTF-8\"?><p/>", 0,
		 ENOENT, NULL},
		{"<?xml version=\"1.0\"?><p/>", 0, ENOENT, NULL},
		/* broken declarations: libxml2 refuses them, quietly */
		{"<?xml version=\"1.0\" encoding=\"?>", 0, EBADMSG, NULL},
		{"<?xml version=\"1.0\" encoding=", 0, EBADMSG, NULL},
		{"<?xml encoding encoding='x", 0, EBADMSG, NULL},
		{"<?xml version=\"1.0\" encoding=T\"UTF-8\"?>\n<p/>", 0,
		 EBADMSG, NULL}, /* fuzz: the scan overran the declaration */
		/* bad UTF-8: malformed, quietly */
		{"<?xml version=\"1.0\" encoding=\"UTF-8\"?><p>\x81</p>", 0,
		 EBADMSG, "PIDF-LO: malformed XML near line 1"},
	};
	struct _xmlDoc *doc = NULL;
	struct pidf_err err;
	size_t i, len;
	int saved, rc;
	long out;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		len = cases[i].len ? cases[i].len : strlen(cases[i].doc);
		memset(&err, 0, sizeof(err));
		saved = stderr_hold();
		rc = pidf_xml_read(cases[i].doc, len, NULL, "PIDF-LO", &doc,
				   &err);
		out = stderr_release(saved);
		ck_assert_msg(out == 0, "case %zu: %ld bytes on stderr", i,
			      out);
		if (cases[i].rc == ENOENT) { /* parses */
			ck_assert_msg(rc == 0, "case %zu: %s", i, err.msg);
			pidf_xml_free(doc);
			doc = NULL;
			continue;
		}
		ck_assert_msg(rc == cases[i].rc, "case %zu: %d %s", i, rc,
			      err.msg);
		ck_assert_ptr_null(doc);
		if (cases[i].msg)
			ck_assert_str_eq(err.msg, cases[i].msg);
	}
	/* the filters' path: the same reader, its own name */
	ck_assert_int_eq(pidf_xml_read(sjis, sizeof(sjis) - 1, NULL,
				       "location-filter", &doc, &err),
			 EBADMSG);
	ck_assert_str_eq(err.msg, "location-filter: encoding Shift_JIS not "
			 "supported; UTF-8 only");
}
END_TEST

TCase *tcase_pidf_reject(void);
TCase *tcase_pidf_reject(void)
{
	TCase *tc = tcase_create("pidf_reject");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_reject_structure);
	tcase_add_test(tc, test_reject_location);
	tcase_add_test(tc, test_reject_limits);
	tcase_add_test(tc, test_reject_doctype);
	tcase_add_test(tc, test_reject_external_entity);
	tcase_add_test(tc, test_xml_read_shared);
	tcase_add_test(tc, test_reject_encoding);
	return tc;
}
