/*
 * test_build.c: pidf_build() -> validate against data/schemas ->
 * pidf_parse() -> the same values (LOCATION.md section 4, PL-15..28,
 * LF-44/45, Q-9).
 */
#include <check.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "pidf_test.h"

#define T0 1735732800.0   /* 2025-01-01T12:00:00Z */
#define DEG_EPS 1e-9
#define M_EPS 1e-9

struct bt {
	struct geo_ctx *geo;
	struct pidf_builder *b;
	struct pidf_doc *d;
	struct pidf_err err;
};

static void bt_init(struct bt *t)
{
	memset(t, 0, sizeof(*t));
	t->geo = pt_geo();
	ck_assert_int_eq(pidf_builder_alloc(&t->b), 0);
}

static void bt_done(struct bt *t)
{
	pidf_doc_free(t->d);
	pidf_builder_free(t->b);
	geo_ctx_free(t->geo);
}

/* Build, validate against pidf-lo.xsd, parse back into t->d. */
static void bt_roundtrip(struct bt *t, const struct pidf_build_in *in)
{
	const char *body;
	size_t len;

	pidf_doc_free(t->d);
	t->d = NULL;
	ck_assert_msg(pidf_build(t->b, in, &t->err) == 0, "%s", t->err.msg);
	body = pidf_builder_body(t->b, &len);
	ck_assert_ptr_nonnull(body);
	ck_assert_uint_eq(strlen(body), len);
	ck_assert_msg(pt_validate_mem(body, len, "pidf-lo.xsd") == 0,
		      "invalid: %s", body);
	ck_assert_msg(pidf_parse(t->geo, body, len, NULL, &t->d, &t->err) ==
		      0, "%s: %s", t->err.msg, body);
}

static void pt_eq(const struct geo_point *a, const struct geo_point *b,
		  bool alt)
{
	ck_assert_double_eq_tol(a->lat, b->lat, DEG_EPS);
	ck_assert_double_eq_tol(a->lon, b->lon, DEG_EPS);
	if (alt) {
		ck_assert(b->has_alt);
		ck_assert_double_eq_tol(a->alt, b->alt, M_EPS);
	}
}

static void shape_eq(const struct geo_shape *a, const struct geo_shape *b)
{
	size_t r, i;

	ck_assert_ptr_nonnull(b);
	ck_assert_int_eq(a->kind, b->kind);
	ck_assert_uint_eq(a->dim, b->dim);
	switch (a->kind) {
	case GEO_SHAPE_POLYGON:
	case GEO_SHAPE_PRISM:
		ck_assert_uint_eq(a->nrings, b->nrings);
		for (r = 0; r < a->nrings; r++) {
			ck_assert_uint_eq(a->rings[r].n, b->rings[r].n);
			for (i = 0; i < a->rings[r].n; i++)
				pt_eq(&a->rings[r].pts[i], &b->rings[r].pts[i],
				      false);   /* prism: floor below */
		}
		if (a->kind == GEO_SHAPE_PRISM) {
			ck_assert_double_eq_tol(a->floor, b->floor, M_EPS);
			ck_assert_double_eq_tol(a->height, b->height, M_EPS);
		}
		return;
	default:
		pt_eq(&a->center, &b->center, a->dim == 3);
	}
	ck_assert_double_eq_tol(a->radius, b->radius, M_EPS);
	ck_assert_double_eq_tol(a->semi_major, b->semi_major, M_EPS);
	ck_assert_double_eq_tol(a->semi_minor, b->semi_minor, M_EPS);
	ck_assert_double_eq_tol(a->vertical_axis, b->vertical_axis, M_EPS);
	ck_assert_double_eq_tol(a->orientation, b->orientation, M_EPS);
	ck_assert_double_eq_tol(a->inner_radius, b->inner_radius, M_EPS);
	ck_assert_double_eq_tol(a->outer_radius, b->outer_radius, M_EPS);
	ck_assert_double_eq_tol(a->start_angle, b->start_angle, M_EPS);
	ck_assert_double_eq_tol(a->opening_angle, b->opening_angle, M_EPS);
}

static void in_init(struct pidf_build_in *in, struct pidf_location *loc)
{
	memset(in, 0, sizeof(*in));
	in->entity = "pres:target@example.net";
	in->loc = loc;
	in->now = T0;
	in->with_method = true;
}

#define P2(la, lo) {.lat = (la), .lon = (lo)}
#define P3(la, lo, al) {.lat = (la), .lon = (lo), .alt = (al), .has_alt = true}

/* Every RFC 5491 shape survives build -> XSD -> parse (PL-1..PL-12). */
START_TEST(test_build_shapes)
{
	struct geo_point hex[7] = {
		P2(43.311, -73.422), P2(43.111, -73.322), P2(43.111, -73.222),
		P2(43.311, -73.122), P2(43.411, -73.222), P2(43.411, -73.322),
		P2(43.311, -73.422),
	};
	struct geo_point hole[4] = {
		P2(43.3, -73.3), P2(43.25, -73.25), P2(43.3, -73.2),
		P2(43.3, -73.3),
	};
	struct geo_ring rings[2] = {{7, hex}, {4, hole}};
	struct geo_point base[5] = {
		P3(42.556844, -73.248157, 36.6),
		P3(42.656844, -73.248157, 36.6),
		P3(42.656844, -73.348157, 36.6),
		P3(42.556844, -73.348157, 36.6),
		P3(42.556844, -73.248157, 36.6),
	};
	struct geo_ring prism_ring = {5, base};
	struct geo_shape shapes[] = {
		{.kind = GEO_SHAPE_POINT, .dim = 2,
		 .center = P2(-34.407, 150.883)},
		{.kind = GEO_SHAPE_POINT, .dim = 3,
		 .center = P3(-34.407, 150.883, 24.8)},
		{.kind = GEO_SHAPE_POLYGON, .dim = 2, .nrings = 1,
		 .rings = rings},
		{.kind = GEO_SHAPE_POLYGON, .dim = 2, .nrings = 2,
		 .rings = rings},
		{.kind = GEO_SHAPE_CIRCLE, .dim = 2,
		 .center = P2(42.5463, -73.2512), .radius = 850.24},
		{.kind = GEO_SHAPE_ELLIPSE, .dim = 2,
		 .center = P2(42.5463, -73.2512), .semi_major = 1275,
		 .semi_minor = 670, .orientation = 43.2},
		{.kind = GEO_SHAPE_ARCBAND, .dim = 2,
		 .center = P2(-43.5723, 153.2176), .inner_radius = 3594,
		 .outer_radius = 4148, .start_angle = 20,
		 .opening_angle = 20},
		{.kind = GEO_SHAPE_SPHERE, .dim = 3,
		 .center = P3(42.5463, -73.2512, 26.3), .radius = 850.24},
		{.kind = GEO_SHAPE_ELLIPSOID, .dim = 3,
		 .center = P3(42.5463, -73.2512, 26.3), .semi_major = 7.7156,
		 .semi_minor = 3.31, .vertical_axis = 28.7,
		 .orientation = 90},
		{.kind = GEO_SHAPE_PRISM, .dim = 3, .nrings = 1,
		 .rings = &prism_ring, .floor = 36.6, .height = 2.4},
	};
	struct pidf_location loc;
	struct pidf_build_in in;
	struct bt t;
	size_t i;

	bt_init(&t);
	for (i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		pidf_location_init(&loc);
		loc.shape = &shapes[i];
		loc.has_time = true;
		loc.time = T0;
		loc.confidence = 0.68;
		loc.pdf = PIDF_PDF_NORMAL;
		memcpy(loc.method, "GPS", 4);
		in_init(&in, &loc);
		bt_roundtrip(&t, &in);
		shape_eq(&shapes[i], t.d->loc.shape);
		ck_assert_str_eq(t.d->entity, "pres:target@example.net");
		ck_assert_str_eq(t.d->tuple_id, "loc1");
		ck_assert_str_eq(t.d->loc.method, "GPS");
		ck_assert_double_eq(t.d->loc.time, T0);
		if (shapes[i].kind == GEO_SHAPE_POINT) {
			/* PL-24: no confidence for a Point. */
			ck_assert(!t.d->loc.has_confidence);
			ck_assert_ptr_null(strstr(pidf_builder_body(t.b, NULL),
						  "confidence"));
		} else {
			ck_assert(t.d->loc.has_confidence);
			ck_assert_double_eq_tol(t.d->loc.confidence, 0.68,
						1e-9);
			ck_assert_int_eq(t.d->loc.pdf, PIDF_PDF_NORMAL);
		}
	}
	bt_done(&t);
}
END_TEST

/* Canonical output: CRS URNs, lat-first, trimmed digits (PL-2, PL-4). */
START_TEST(test_build_canonical)
{
	struct geo_shape s = {.kind = GEO_SHAPE_CIRCLE, .dim = 2,
			      .center = P2(48.123456789, -0.0000000001),
			      .radius = 15};
	struct pidf_location loc;
	struct pidf_build_in in;
	const char *body;
	struct bt t;

	bt_init(&t);
	pidf_location_init(&loc);
	loc.shape = &s;
	in_init(&in, &loc);
	bt_roundtrip(&t, &in);
	body = pidf_builder_body(t.b, NULL);
	ck_assert_ptr_nonnull(strstr(body, "<?xml version=\"1.0\" "
				     "encoding=\"UTF-8\"?>"));
	ck_assert_ptr_nonnull(strstr(body, "<gs:Circle srsName=\"urn:ogc:"
				     "def:crs:EPSG::4326\"><gml:pos>"
				     "48.1234568 0</gml:pos>"));
	ck_assert_ptr_nonnull(strstr(body, "<gs:radius uom=\"urn:ogc:def:"
				     "uom:EPSG::9001\">15</gs:radius>"));
	ck_assert_ptr_nonnull(strstr(body, "<con:confidence pdf=\"unknown\">"
				     "95</con:confidence>"));
	/* ~1 cm: 7 decimals of a degree. */
	ck_assert_double_eq_tol(t.d->loc.shape->center.lat, 48.123456789,
				5e-8);
	bt_done(&t);
}
END_TEST

/* Usage rules always, gbp: true/false, retention t + 24 h (PL-19, PL-27,
 * SEC-10); timestamp always (PL-28). */
START_TEST(test_build_usage)
{
	struct geo_shape s = {.kind = GEO_SHAPE_POINT, .dim = 2,
			      .center = P2(1, 2)};
	struct pidf_location loc;
	struct pidf_build_in in;
	const char *body;
	struct bt t;

	bt_init(&t);
	pidf_location_init(&loc);
	loc.shape = &s;
	in_init(&in, &loc);   /* no loc time: now is the timestamp */
	bt_roundtrip(&t, &in);
	body = pidf_builder_body(t.b, NULL);
	ck_assert_ptr_nonnull(strstr(body, "<gbp:retransmission-allowed>"
				     "false</gbp:retransmission-allowed>"));
	ck_assert_ptr_nonnull(strstr(body, "<gbp:retention-expiry>"
				     "2025-01-02T12:00:00Z"));
	ck_assert_ptr_nonnull(strstr(body, "<timestamp>2025-01-01T12:00:00Z"
				     "</timestamp>"));
	ck_assert(!t.d->loc.usage.retransmission_allowed);
	ck_assert_double_eq(t.d->loc.usage.retention_expiry, T0 + 86400);
	ck_assert(t.d->loc.has_time);
	ck_assert_double_eq(t.d->loc.time, T0);

	loc.usage.retransmission_allowed = true;
	loc.usage.has_retention = true;
	loc.usage.retention_expiry = T0 + 3600.5;
	loc.usage.external_ruleset = "http://example.com/r?a=1&b=2";
	loc.usage.note_well = "<keep> \"private\"";
	loc.has_time = true;
	loc.time = T0 - 10;
	bt_roundtrip(&t, &in);
	ck_assert(t.d->loc.usage.retransmission_allowed);
	ck_assert_double_eq(t.d->loc.usage.retention_expiry, T0 + 3600.5);
	ck_assert_str_eq(t.d->loc.usage.external_ruleset,
			 "http://example.com/r?a=1&b=2");
	ck_assert_str_eq(t.d->loc.usage.note_well, "<keep> \"private\"");
	ck_assert_double_eq(t.d->loc.time, T0 - 10);

	/* SEC-11: method only when asked. */
	memcpy(loc.method, "GPS", 4);
	in.with_method = false;
	bt_roundtrip(&t, &in);
	ck_assert_str_eq(t.d->loc.method, "");
	in.with_method = true;
	bt_roundtrip(&t, &in);
	ck_assert_str_eq(t.d->loc.method, "GPS");
	bt_done(&t);
}
END_TEST

/* RFC 5139 civic out, in schema order, round trip (PL-26). */
START_TEST(test_build_civic)
{
	struct pidf_location loc;
	struct pidf_build_in in;
	const char *body;
	struct bt t;

	bt_init(&t);
	pidf_location_init(&loc);
	ck_assert_int_eq(pidf_civic_set(&loc.civic, "PC", "10027"), 0);
	ck_assert_int_eq(pidf_civic_set(&loc.civic, "RD", "Broadway"), 0);
	ck_assert_int_eq(pidf_civic_set(&loc.civic, "country", "US"), 0);
	ck_assert_int_eq(pidf_civic_set(&loc.civic, "A1", "New York"), 0);
	ck_assert_int_eq(pidf_civic_set(&loc.civic, "NAM", "Joe's <Bar>"),
			 0);
	ck_assert_int_eq(pidf_civic_set(&loc.civic, "A1", "NY"), 0);
	ck_assert_int_eq(pidf_civic_set(&loc.civic, "XX", "x"), EINVAL);
	ck_assert_uint_eq(loc.civic.n, 5);
	memcpy(loc.civic.lang, "en-US", 6);
	in_init(&in, &loc);
	bt_roundtrip(&t, &in);
	body = pidf_builder_body(t.b, NULL);
	ck_assert_ptr_nonnull(strstr(body, "<ca:civicAddress xml:lang="
				     "\"en-US\"><ca:country>US</ca:country>"
				     "<ca:A1>NY</ca:A1><ca:RD>Broadway"));
	ck_assert_ptr_null(t.d->loc.shape);
	ck_assert_uint_eq(t.d->loc.civic.n, 5);
	ck_assert_str_eq(pidf_civic_get(&t.d->loc.civic, "NAM"),
			 "Joe's <Bar>");
	ck_assert_str_eq(pidf_civic_get(&t.d->loc.civic, "A1"), "NY");
	ck_assert_str_eq(t.d->loc.civic.lang, "en-US");
	/* No geodetic shape: no gml or con namespaces declared. */
	ck_assert_ptr_null(strstr(body, "xmlns:gml"));
	ck_assert_ptr_null(strstr(body, "confidence"));
	bt_done(&t);
}
END_TEST

/* dyn: only when asked (SEC-12), then round trip (PL-23). */
START_TEST(test_build_dynamic)
{
	struct geo_shape s = {.kind = GEO_SHAPE_CIRCLE, .dim = 2,
			      .center = P2(48.11, 11.51), .radius = 15};
	struct pidf_location loc;
	struct pidf_build_in in;
	struct bt t;

	bt_init(&t);
	pidf_location_init(&loc);
	loc.shape = &s;
	loc.has_speed = true;
	loc.speed = 3.2;
	loc.has_heading = true;
	loc.heading = 278.5;
	loc.norientation = 2;
	loc.orientation[0] = -3;
	loc.orientation[1] = 12;
	in_init(&in, &loc);
	bt_roundtrip(&t, &in);
	ck_assert(!t.d->loc.has_speed);
	ck_assert_ptr_null(strstr(pidf_builder_body(t.b, NULL), "dyn:"));
	in.with_dynamic = true;
	bt_roundtrip(&t, &in);
	ck_assert(t.d->loc.has_speed);
	ck_assert_double_eq(t.d->loc.speed, 3.2);
	ck_assert(t.d->loc.has_heading);
	ck_assert_double_eq(t.d->loc.heading, 278.5);
	ck_assert_uint_eq(t.d->loc.norientation, 2);
	ck_assert_double_eq(t.d->loc.orientation[1], 12);
	bt_done(&t);
}
END_TEST

static int xp_count(xmlDoc *doc, const char *expr)
{
	xmlXPathContext *ctx = xmlXPathNewContext(doc);
	xmlXPathObject *o;
	int n;

	ck_assert_ptr_nonnull(ctx);
	xmlXPathRegisterNs(ctx, (const xmlChar *)"p",
			   (const xmlChar *)PIDF_NS_PIDF);
	xmlXPathRegisterNs(ctx, (const xmlChar *)"gp",
			   (const xmlChar *)PIDF_NS_GP);
	xmlXPathRegisterNs(ctx, (const xmlChar *)"pr",
			   (const xmlChar *)PIDF_NS_PR);
	xmlXPathRegisterNs(ctx, (const xmlChar *)"gml",
			   (const xmlChar *)PIDF_NS_GML);
	xmlXPathRegisterNs(ctx, (const xmlChar *)"xlink",
			   (const xmlChar *)PIDF_NS_XLINK);
	xmlXPathRegisterNs(ctx, (const xmlChar *)"my",
			   (const xmlChar *)"urn:example:my");
	xmlXPathRegisterNs(ctx, (const xmlChar *)"ex",
			   (const xmlChar *)"urn:example:sites");
	o = xmlXPathEvalExpression((const xmlChar *)expr, ctx);
	ck_assert_msg(o != NULL, "bad xpath %s", expr);
	n = o->nodesetval ? o->nodesetval->nodeNr : 0;
	if (o->type == XPATH_BOOLEAN)
		n = o->boolval;
	xmlXPathFreeObject(o);
	xmlXPathFreeContext(ctx);
	return n;
}

/* Namespace declarations: on the root only (except xmlns=""). */
static int ns_decls_below_root(const xmlNode *n)
{
	int k = 0;

	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (n->parent && n->parent->type == XML_ELEMENT_NODE &&
		    n->nsDef)
			k++;
		k += ns_decls_below_root(n->children);
	}
	return k;
}

/* Containment echo with two features incl. my:Building (LF-41..45). */
START_TEST(test_build_containment)
{
	static const char filter[] =
		"<location-filter xmlns=\"urn:ietf:params:xml:ns:"
		"location-filter\" xmlns:gml=\"http://www.opengis.net/gml\""
		" xmlns:xlink=\"http://www.w3.org/1999/xlink\""
		" xmlns:my=\"urn:example:my\""
		" xmlns:ex=\"urn:example:sites\">"
		"<enterOrExit><my:Building>"
		"<gml:name>Building 10</gml:name>"
		"<gml:extentOf><gml:Polygon srsName=\"urn:ogc:def:crs:EPSG::"
		"4326\"><gml:exterior><gml:LinearRing><gml:posList>"
		"1 1 1 2 2 2 1 1</gml:posList></gml:LinearRing>"
		"</gml:exterior></gml:Polygon></gml:extentOf>"
		"</my:Building></enterOrExit>"
		"<enterOrExit><ex:Depot gml:id=\"d7\" "
		"xlink:href=\"http://example.com/loc/depot\"/></enterOrExit>"
		"<enterOrExit><ex:Depot gml:id=\"d7\"/></enterOrExit>"
		"</location-filter>";
	struct geo_shape s = {.kind = GEO_SHAPE_CIRCLE, .dim = 2,
			      .center = P2(1.5, 1.5), .radius = 20};
	struct pidf_containment cont[3];
	struct pidf_location loc;
	struct pidf_build_in in;
	struct _xmlDoc *fdoc = NULL, *out = NULL;
	struct pidf_err err;
	xmlNode *root, *e, *li;
	const char *body;
	size_t len;
	struct bt t;
	int i = 0;

	ck_assert_int_eq(pidf_xml_read(filter, strlen(filter), NULL,
				       "location-filter", &fdoc, &err), 0);
	root = xmlDocGetRootElement(fdoc);
	for (e = root->children; e; e = e->next) {
		xmlNode *f = e->children;

		cont[i].feature = f;
		cont[i].position = i == 0 ? GEO_POS_INSIDE :
				   i == 1 ? GEO_POS_OUTSIDE :
					    GEO_POS_UNDEFINED;
		i++;
	}
	ck_assert_int_eq(i, 3);

	bt_init(&t);
	pidf_location_init(&loc);
	loc.shape = &s;
	in_init(&in, &loc);
	in.with_dynamic = true;
	loc.has_speed = true;
	loc.speed = 1;
	in.containment = cont;
	in.ncontainment = 2;
	bt_roundtrip(&t, &in);
	shape_eq(&s, t.d->loc.shape);

	body = pidf_builder_body(t.b, &len);
	out = xmlReadMemory(body, (int)len, NULL, NULL, XML_PARSE_NONET);
	ck_assert_ptr_nonnull(out);
	ck_assert_int_eq(xp_count(out, "//pr:containment"), 2);
	ck_assert_int_eq(xp_count(out, "//pr:containment[@position="
				  "'inside']/my:Building[gml:name="
				  "'Building 10']"), 1);
	/* Echo without geometry. */
	ck_assert_int_eq(xp_count(out, "//my:Building/*"), 1);
	ck_assert_int_eq(xp_count(out, "//pr:containment[@position="
				  "'outside']/ex:Depot[@gml:id='d7' and "
				  "@xlink:href='http://example.com/loc/"
				  "depot']"), 1);
	/* PL-25: pidfResource is the last child of location-info. */
	ck_assert_int_eq(xp_count(out, "boolean(//gp:location-info/*[last()]"
				  "[self::pr:pidfResource])"), 1);
	ck_assert_int_eq(xp_count(out, "boolean(//gp:location-info/*[1]"
				  "[local-name()='Circle'])"), 1);
	ck_assert_int_eq(ns_decls_below_root(xmlDocGetRootElement(out)), 0);
	ck_assert_int_eq(ns_decls_below_root(
		xmlDocGetRootElement(((xmlNode *)
			pidf_builder_location_info(t.b))->doc)), 0);
	xmlFreeDoc(out);

	/* a gml:id is never duplicated in one document. */
	in.ncontainment = 3;
	bt_roundtrip(&t, &in);
	body = pidf_builder_body(t.b, &len);
	out = xmlReadMemory(body, (int)len, NULL, NULL, XML_PARSE_NONET);
	ck_assert_ptr_nonnull(out);
	ck_assert_int_eq(xp_count(out, "//pr:containment"), 3);
	ck_assert_int_eq(xp_count(out, "//ex:Depot[@gml:id='d7']"), 1);
	ck_assert_int_eq(xp_count(out, "//pr:containment[@position="
				  "'undefined']/ex:Depot"), 1);
	xmlFreeDoc(out);

	/* A feature in no namespace keeps none: xmlns="" on the echo. */
	{
		static const char nons[] =
			"<Zone xmlns:gml=\"http://www.opengis.net/gml\" "
			"gml:id=\"z1\"/>";
		struct _xmlDoc *zdoc = NULL;
		struct pidf_containment zc;

		ck_assert_int_eq(pidf_xml_read(nons, strlen(nons), NULL,
					       "f", &zdoc, &err), 0);
		zc.feature = xmlDocGetRootElement(zdoc);
		zc.position = GEO_POS_INSIDE;
		in.containment = &zc;
		in.ncontainment = 1;
		bt_roundtrip(&t, &in);
		body = pidf_builder_body(t.b, &len);
		ck_assert_ptr_nonnull(strstr(body, "<Zone xmlns=\"\" "
					     "gml:id=\"z1\"/>"));
		out = xmlReadMemory(body, (int)len, NULL, NULL,
				    XML_PARSE_NONET);
		ck_assert_ptr_nonnull(out);
		ck_assert_int_eq(xp_count(out, "//pr:containment/*["
					  "local-name()='Zone' and "
					  "namespace-uri()='']"), 1);
		xmlFreeDoc(out);
		pidf_xml_free(zdoc);
	}

	/* The built tree is the XPath context for valueChanges (LF-32). */
	li = pidf_builder_location_info(t.b);
	ck_assert_ptr_nonnull(li);
	ck_assert_str_eq((const char *)li->name, "location-info");
	ck_assert_str_eq((const char *)li->ns->href, PIDF_NS_GP);

	pidf_xml_free(fdoc);
	bt_done(&t);
}
END_TEST

/* Bad input: one error each (EINVAL), builder still usable. */
START_TEST(test_build_errors)
{
	struct geo_shape s = {.kind = GEO_SHAPE_CIRCLE, .dim = 2,
			      .center = P2(1, 2), .radius = 5};
	struct geo_shape bad_poly = {.kind = GEO_SHAPE_POLYGON, .dim = 2};
	struct geo_shape nan_pt = {.kind = GEO_SHAPE_POINT, .dim = 2,
				   .center = P2(NAN, 2)};
	struct pidf_location loc, empty;
	struct pidf_build_in in;
	struct bt t;

	bt_init(&t);
	pidf_location_init(&loc);
	pidf_location_init(&empty);
	loc.shape = &s;
	in_init(&in, &loc);

	in.entity = NULL;
	ck_assert_int_eq(pidf_build(t.b, &in, &t.err), EINVAL);
	ck_assert_str_eq(t.err.msg, "PIDF-LO: nothing to build");
	in.entity = "pres:a@b";
	in.tuple_id = "1abc";
	ck_assert_int_eq(pidf_build(t.b, &in, &t.err), EINVAL);
	ck_assert_str_eq(t.err.msg, "PIDF-LO: tuple id is not an NCName");
	in.tuple_id = "a b";
	ck_assert_int_eq(pidf_build(t.b, &in, &t.err), EINVAL);
	in.tuple_id = "loc-2.x";
	in.loc = &empty;
	ck_assert_int_eq(pidf_build(t.b, &in, &t.err), EINVAL);
	ck_assert_str_eq(t.err.msg, "PIDF-LO: no location to build");
	in.loc = &loc;
	loc.confidence = 1.0;
	ck_assert_int_eq(pidf_build(t.b, &in, &t.err), EINVAL);
	loc.confidence = 0.9;
	loc.shape = &bad_poly;
	ck_assert_int_eq(pidf_build(t.b, &in, &t.err), EINVAL);
	ck_assert_str_eq(t.err.msg, "PIDF-LO: cannot write Polygon shape");
	loc.shape = &nan_pt;
	ck_assert_int_eq(pidf_build(t.b, &in, &t.err), EINVAL);
	ck_assert_ptr_null(pidf_builder_body(t.b, NULL));
	in.ncontainment = 1;
	loc.shape = &s;
	ck_assert_int_eq(pidf_build(t.b, &in, &t.err), EINVAL);
	in.ncontainment = 0;
	ck_assert_int_eq(pidf_build(NULL, &in, &t.err), EINVAL);

	/* Still usable, and reused: the second body replaces the first. */
	bt_roundtrip(&t, &in);
	ck_assert_str_eq(t.d->tuple_id, "loc-2.x");
	ck_assert_double_eq_tol(t.d->loc.confidence, 0.9, 1e-12);
	s.radius = 7;
	bt_roundtrip(&t, &in);
	ck_assert_double_eq(t.d->loc.shape->radius, 7);
	ck_assert_int_eq(pidf_builder_alloc(NULL), EINVAL);
	pidf_builder_free(NULL);
	bt_done(&t);
}
END_TEST

TCase *tcase_pidf_build(void);
TCase *tcase_pidf_build(void)
{
	TCase *tc = tcase_create("pidf_build");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_build_shapes);
	tcase_add_test(tc, test_build_canonical);
	tcase_add_test(tc, test_build_usage);
	tcase_add_test(tc, test_build_civic);
	tcase_add_test(tc, test_build_dynamic);
	tcase_add_test(tc, test_build_containment);
	tcase_add_test(tc, test_build_errors);
	return tc;
}
