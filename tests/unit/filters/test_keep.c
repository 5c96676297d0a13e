/*
 * test_keep.c: what a parsed filter keeps of its XML (LF-45, issue 6).
 * A filter without features keeps no document, and everything it holds
 * (strings, values, XPaths, RFC filters) still reads back; a filter with
 * features keeps a copy of each feature element only, which echoes in a
 * NOTIFY exactly as the subscriber's element did (pidf_build, byte for
 * byte), parses to the same geometry (also when its CRS was declared on
 * an ancestor), and has no comments or ignorable whitespace; regions
 * answer without the parsed shapes. With lf_opts.echo_only the copies
 * keep only what the echo reads, and echo the same. Run under ASan, any
 * pointer left into the freed tree or shapes faults.
 */
#include <check.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "filters/lf.h"
#include "filters/lf_int.h"
#include "pidf/pidf.h"

#define NS_LF "urn:ietf:params:xml:ns:location-filter"
#define XMLNS_ALL                                                             \
	" xmlns:gml=\"http://www.opengis.net/gml\""                           \
	" xmlns:gs=\"http://www.opengis.net/pidflo/1.0\""                     \
	" xmlns:my=\"urn:example:my\""                                        \
	" xmlns:xlink=\"http://www.w3.org/1999/xlink\""

/* posList read as 3-D (4979 on the enterOrExit): a triangle closed in 4
 * positions; read without that CRS it would be 6 positions in 2-D. */
#define AMBIGUOUS "10 10 10 12 11 13 11 12 11 10 10 10"
#define SQUARE "48 11 48 11.01 48.01 11.01 48.01 11 48 11"

/* Draft: inline feature (comment, blanks, CRS inherited), bare polygon,
 * remote href (undefined), same-document href, a no-namespace feature
 * and one in the default namespace of the filter. */
static const char draft_body[] =
	"<?xml version=\"1.0\"?>\n"
	"<!-- features of every draft kind -->\n"
	"<location-filter xmlns=\"" NS_LF "\"" XMLNS_ALL ">\n"
	"  <movedHoriz>50</movedHoriz>\n"
	"  <enterOrExit srsName=\"urn:ogc:def:crs:EPSG::4979\">\n"
	"    <my:Region gml:id=\"r1\">\n"
	"      <!-- a comment nobody echoes -->\n"
	"      <gml:name> Region One </gml:name>\n"
	"      <gml:name>R1</gml:name>\n"
	"      <gml:extentOf>\n"
	"        <gml:Polygon>\n"
	"          <gml:exterior><gml:LinearRing>\n"
	"            <gml:posList>" AMBIGUOUS "</gml:posList>\n"
	"          </gml:LinearRing></gml:exterior>\n"
	"        </gml:Polygon>\n"
	"      </gml:extentOf>\n"
	"    </my:Region>\n"
	"  </enterOrExit>\n"
	"  <enterOrExit>\n"
	"    <gml:Polygon gml:id=\"p2\""
	" srsName=\"urn:ogc:def:crs:EPSG::4326\">\n"
	"      <gml:exterior><gml:LinearRing>\n"
	"        <gml:posList>" SQUARE "</gml:posList>\n"
	"      </gml:LinearRing></gml:exterior>\n"
	"    </gml:Polygon>\n"
	"  </enterOrExit>\n"
	"  <enterOrExit>\n"
	"    <my:Building xlink:href=\"http://example.com/b9\"/>\n"
	"  </enterOrExit>\n"
	"  <enterOrExit xlink:href=\"#r1\"/>\n"
	"  <enterOrExit>\n"
	"    <Plain xmlns=\"\" gml:id=\"n5\"><gml:name>Plain</gml:name>"
	"<gml:extentOf><gml:Polygon srsName=\"urn:ogc:def:crs:EPSG::4326\">"
	"<gml:exterior><gml:LinearRing><gml:posList>" SQUARE "</gml:posList>"
	"</gml:LinearRing></gml:exterior></gml:Polygon></gml:extentOf>"
	"</Plain>\n"
	"  </enterOrExit>\n"
	"  <enterOrExit>\n"
	"    <Zone gml:id=\"z6\"><gml:name>Zone</gml:name>"
	"<gml:extentOf><gml:Polygon srsName=\"urn:ogc:def:crs:EPSG::4326\">"
	"<gml:exterior><gml:LinearRing><gml:posList>" SQUARE "</gml:posList>"
	"</gml:LinearRing></gml:exterior></gml:Polygon></gml:extentOf>"
	"</Zone>\n"
	"  </enterOrExit>\n"
	"</location-filter>\n";

/* RFC: a polygon and a circle (CRS on the trigger), and lf:moved. */
static const char rfc_body[] =
	"<filter-set xmlns=\"urn:ietf:params:xml:ns:simple-filter\""
	" xmlns:lf=\"" NS_LF "\"" XMLNS_ALL ">\n"
	"  <filter id=\"f1\" uri=\"sip:a@example.com\">\n"
	"    <trigger>\n"
	"      <lf:enterOrExit>\n"
	"        <gml:Polygon srsName=\"urn:ogc:def:crs:EPSG::4326\">\n"
	"          <gml:exterior><gml:LinearRing>\n"
	"            <gml:posList>" SQUARE "</gml:posList>\n"
	"          </gml:LinearRing></gml:exterior>\n"
	"        </gml:Polygon>\n"
	"      </lf:enterOrExit>\n"
	"    </trigger>\n"
	"    <trigger srsName=\"urn:ogc:def:crs:EPSG::4326\">\n"
	"      <lf:enterOrExit>\n"
	"        <gs:Circle>\n"
	"          <gml:pos>42.5463 -73.2512</gml:pos>\n"
	"          <gs:radius uom=\"urn:ogc:def:uom:EPSG::9001\">850"
	"</gs:radius>\n"
	"        </gs:Circle>\n"
	"      </lf:enterOrExit>\n"
	"    </trigger>\n"
	"    <lf:moved>100</lf:moved>\n"
	"  </filter>\n"
	"</filter-set>\n";

static struct geo_ctx *geo;
static struct pidf_builder *pb;

static void setup(void)
{
	ck_assert_int_eq(geo_ctx_alloc(&geo, NULL), 0);
	ck_assert_int_eq(pidf_builder_alloc(&pb), 0);
}

static void teardown(void)
{
	pidf_builder_free(pb);
	pb = NULL;
	geo_ctx_free(geo);
	geo = NULL;
}

static struct lf_filter *parse_opts(const char *ctype, const char *body,
				     const struct lf_opts *opts)
{
	struct lf_filter *f = NULL;
	struct lf_err err = {0};

	ck_assert_msg(lf_filter_parse(geo, ctype, body, strlen(body), opts,
				      &f, &err) == 0, "%s", err.msg);
	return f;
}

static struct lf_filter *parse(const char *ctype, const char *body)
{
	return parse_opts(ctype, body, NULL);
}

/* The subscriber's feature elements in document order, as the parser
 * finds them: the element in each enterOrExit, or the enterOrExit. */
static size_t originals(const xmlNode *n, const xmlNode **out, size_t n_out,
			size_t k)
{
	const xmlNode *c;

	for (c = n->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (strcmp((const char *)c->name, "enterOrExit") == 0) {
			const xmlNode *el = lf_xml_first(c);

			ck_assert_uint_lt(k, n_out);
			out[k++] = el ? el : c;
			continue;
		}
		k = originals(c, out, n_out, k);
	}
	return k;
}

static struct _xmlDoc *read_doc(const char *body, const xmlNode **orig,
				size_t *n)
{
	struct pidf_err pe = {0};
	struct _xmlDoc *d = NULL;

	ck_assert_int_eq(pidf_xml_read(body, strlen(body), NULL, "test", &d,
				       &pe), 0);
	*n = originals((const xmlNode *)d, orig, LF_FEATURES_MAX, 0);
	return d;
}

/* NOTIFY body echoing features nodes[0..n) (all inside). */
static char *echo(const xmlNode *const *nodes, size_t n)
{
	struct pidf_containment pc[LF_FEATURES_MAX];
	struct pidf_build_in in;
	struct pidf_location loc;
	struct geo_shape pt;
	struct pidf_err pe = {0};
	const char *b;
	size_t i, len;

	memset(&pt, 0, sizeof(pt));
	pt.kind = GEO_SHAPE_POINT;
	pt.dim = 2;
	pt.center.lat = 48.005;
	pt.center.lon = 11.005;
	pidf_location_init(&loc);
	loc.shape = &pt;
	loc.has_time = true;
	loc.time = 1e9;
	for (i = 0; i < n; i++) {
		pc[i].feature = nodes[i];
		pc[i].position = GEO_POS_INSIDE;
	}
	memset(&in, 0, sizeof(in));
	in.entity = "pres:alice@example.com";
	in.loc = &loc;
	in.now = 1e9;
	in.containment = pc;
	in.ncontainment = n;
	ck_assert_msg(pidf_build(pb, &in, &pe) == 0, "%s", pe.msg);
	b = pidf_builder_body(pb, &len);
	ck_assert_ptr_nonnull(b);
	return strndup(b, len);
}

/* Every feature, alone and all together, echoes as the original. */
static void check_echo(const struct lf_filter *f, const char *body)
{
	const xmlNode *orig[LF_FEATURES_MAX], *kept[LF_FEATURES_MAX];
	struct _xmlDoc *d;
	size_t n, i;
	char *a, *b;

	d = read_doc(body, orig, &n);
	ck_assert_uint_eq(n, lf_filter_nfeatures(f));
	for (i = 0; i < n; i++) {
		kept[i] = lf_filter_feature(f, i)->node;
		ck_assert_ptr_nonnull(kept[i]);
		ck_assert_ptr_eq(kept[i]->doc, f->doc);
		a = echo(&orig[i], 1);
		b = echo(&kept[i], 1);
		ck_assert_str_eq(a, b);
		free(a);
		free(b);
	}
	a = echo(orig, n);
	b = echo(kept, n);
	ck_assert_str_eq(a, b);
	/* the echo is really there: names, ids, hrefs */
	ck_assert_ptr_nonnull(strstr(b, "containment"));
	free(a);
	free(b);
	pidf_xml_free(d);
}

static void shape_eq(const struct geo_shape *a, const struct geo_shape *b)
{
	size_t r, i;

	ck_assert_int_eq(a->kind, b->kind);
	ck_assert_uint_eq(a->dim, b->dim);
	ck_assert_double_eq(a->center.lat, b->center.lat);
	ck_assert_double_eq(a->center.lon, b->center.lon);
	ck_assert_double_eq(a->radius, b->radius);
	ck_assert_uint_eq(a->nrings, b->nrings);
	for (r = 0; r < a->nrings; r++) {
		ck_assert_uint_eq(a->rings[r].n, b->rings[r].n);
		for (i = 0; i < a->rings[r].n; i++) {
			const struct geo_point *p = &a->rings[r].pts[i];
			const struct geo_point *q = &b->rings[r].pts[i];

			ck_assert_double_eq(p->lat, q->lat);
			ck_assert_double_eq(p->lon, q->lon);
			ck_assert_int_eq(p->has_alt, q->has_alt);
			if (p->has_alt)
				ck_assert_double_eq(p->alt, q->alt);
		}
	}
}

/* Parse the geometry of el as tools do (geometry or feature); returns
 * the number of shapes compared with those of other. */
static size_t geometry_eq(const xmlNode *el, const xmlNode *other)
{
	struct geo_err ge = {0};
	size_t i, n;

	if (geo_gml_is_geometry(el)) {
		struct geo_shape *a = NULL, *b = NULL;

		ck_assert_int_eq(geo_gml_parse(geo, el, &a, &ge), 0);
		ck_assert_int_eq(geo_gml_parse(geo, other, &b, &ge), 0);
		shape_eq(a, b);
		geo_shape_free(a);
		geo_shape_free(b);
		return 1;
	} else {
		struct geo_feature *a = NULL, *b = NULL;

		ck_assert_int_eq(geo_feature_parse(geo, el, &a, &ge), 0);
		ck_assert_int_eq(geo_feature_parse(geo, other, &b, &ge), 0);
		ck_assert_uint_eq(a->nshapes, b->nshapes);
		for (i = 0; i < a->nshapes; i++)
			shape_eq(a->shapes[i], b->shapes[i]);
		if (a->id || b->id)
			ck_assert_str_eq(a->id, b->id);
		if (a->name || b->name)
			ck_assert_str_eq(a->name, b->name);
		n = a->nshapes;
		geo_feature_free(a);
		geo_feature_free(b);
		return n;
	}
}

/* No comments, and no blank text beside elements, anywhere below n. */
static void squeezed(const xmlNode *n)
{
	const xmlNode *c;
	bool elements = false;

	for (c = n->children; c; c = c->next)
		elements |= c->type == XML_ELEMENT_NODE;
	for (c = n->children; c; c = c->next) {
		ck_assert_int_ne(c->type, XML_COMMENT_NODE);
		ck_assert_int_ne(c->type, XML_PI_NODE);
		if (elements && c->type == XML_TEXT_NODE) {
			const char *t = (const char *)c->content;

			ck_assert_uint_ne(strspn(t, " \t\r\n"), strlen(t));
		}
		if (c->type == XML_ELEMENT_NODE)
			squeezed(c);
	}
}

/* No feature: no document; every kept string and value reads back. */
START_TEST(test_no_feature_no_doc)
{
	static const char heading[] =
		"<location-filter xmlns=\"" NS_LF "\""
		" xmlns:dyn=\"urn:ietf:params:xml:ns:pidf:geopriv10:dynamic\">"
		"<movedHoriz uom=\"#meters\">120</movedHoriz>"
		"<valueChanges>dyn:Dynamic/dyn:heading</valueChanges>"
		"</location-filter>";
	static const char rfc[] =
		"<filter-set xmlns=\"urn:ietf:params:xml:ns:simple-filter\""
		" xmlns:lf=\"" NS_LF "\">"
		"<ns-bindings><ns-binding prefix=\"c\" urn=\"urn:ietf:params:"
		"xml:ns:pidf:geopriv10:civicAddr\"/></ns-bindings>"
		"<filter id=\"ab\" uri=\"sip:alice@example.com\">"
		"<what><lf:locationType>geodetic</lf:locationType></what>"
		"<trigger><changed from=\" 2 \" to=\"3\" by=\"1\">//c:FLR"
		"</changed></trigger>"
		"<lf:moved>70</lf:moved></filter>"
		"<filter id=\"cd\" domain=\"example.net\">"
		"<trigger><added>//c:A1</added></trigger></filter>"
		"</filter-set>";
	struct lf_filter *d = parse(LF_CTYPE_DRAFT, heading);
	struct lf_filter *r = parse(NULL, rfc);
	const struct lf_rfc_filter *rf;
	double t;

	ck_assert_ptr_null(d->doc);
	ck_assert_ptr_null(r->doc);
	ck_assert_int_eq(lf_filter_cond(d, 0, NULL, &t, NULL), 0);
	ck_assert_double_eq(t, 120);
	ck_assert_uint_eq(lf_filter_nvalues(d), 1);
	ck_assert_str_eq(d->vals[0].xp.src, "dyn:Dynamic/dyn:heading");
	ck_assert_str_eq(d->vals[0].xp.steps[1].local, "heading");
	ck_assert_str_eq(d->vals[0].xp.steps[1].ns,
			 "urn:ietf:params:xml:ns:pidf:geopriv10:dynamic");

	ck_assert_uint_eq(lf_filter_nrfc(r), 2);
	rf = lf_filter_rfc(r, 0);
	ck_assert_str_eq(rf->id, "ab");
	ck_assert_str_eq(rf->uri, "sip:alice@example.com");
	ck_assert_ptr_null(rf->domain);
	rf = lf_filter_rfc(r, 1);
	ck_assert_str_eq(rf->id, "cd");
	ck_assert_str_eq(rf->domain, "example.net");
	ck_assert_uint_eq(lf_filter_what(r)->ntypes, 1);
	ck_assert_uint_eq(lf_filter_nvalues(r), 2);
	ck_assert_str_eq(r->vals[0].from, "2");
	ck_assert_str_eq(r->vals[0].to, "3");
	ck_assert_double_eq(r->vals[0].by, 1);
	ck_assert_str_eq(r->vals[0].xp.steps[0].local, "FLR");
	ck_assert_str_eq(r->vals[1].xp.src, "//c:A1");
	ck_assert_str_eq(lf_filter_source(r, NULL, NULL), rfc);
	lf_filter_free(d);
	lf_filter_free(r);
}
END_TEST

/* Kept feature copies echo exactly as the subscriber's elements. */
START_TEST(test_echo_same)
{
	struct lf_filter *d = parse(LF_CTYPE_DRAFT, draft_body);
	struct lf_filter *r = parse(LF_CTYPE_RFC, rfc_body);
	const xmlNode *root;
	const xmlNode *c;
	size_t n = 0;

	ck_assert_uint_eq(lf_filter_nfeatures(d), 6);
	ck_assert_uint_eq(lf_filter_nfeatures(r), 2);
	check_echo(d, draft_body);
	check_echo(r, rfc_body);
	/* one small document: the copies under one element, nothing else */
	root = xmlDocGetRootElement(d->doc);
	ck_assert_ptr_nonnull(root);
	ck_assert_ptr_null(root->next);
	ck_assert_ptr_null(d->doc->dict);
	for (c = root->children; c; c = c->next, n++)
		ck_assert_ptr_eq(c, lf_filter_feature(d, n)->node);
	ck_assert_uint_eq(n, 6);
	/* what the echo carries */
	ck_assert_str_eq((const char *)lf_filter_feature(d, 0)->node->name,
			 "Region");
	ck_assert_str_eq(lf_filter_feature(d, 0)->id, "r1");
	ck_assert_str_eq(lf_filter_feature(d, 0)->name, "Region One");
	ck_assert_str_eq(lf_filter_feature(d, 2)->href,
			 "http://example.com/b9");
	ck_assert(!lf_filter_feature(d, 2)->resolved);
	ck_assert_str_eq(lf_filter_feature(d, 3)->href, "#r1");
	ck_assert(lf_filter_feature(d, 3)->resolved);
	ck_assert_ptr_null(lf_filter_feature(d, 4)->node->ns);
	ck_assert_str_eq(lf_xml_ns(lf_filter_feature(d, 5)->node), NS_LF);
	lf_filter_free(d);
	lf_filter_free(r);
}
END_TEST

/* The copies parse to the same geometry, CRS from ancestors included. */
START_TEST(test_geometry_same)
{
	const char *bodies[] = {draft_body, rfc_body};
	const char *types[] = {LF_CTYPE_DRAFT, LF_CTYPE_RFC};
	size_t b, i, n, shapes = 0;

	for (b = 0; b < 2; b++) {
		struct lf_filter *f = parse(types[b], bodies[b]);
		const xmlNode *orig[LF_FEATURES_MAX];
		struct _xmlDoc *d = read_doc(bodies[b], orig, &n);

		for (i = 0; i < n; i++) {
			const struct lf_feature *ft = lf_filter_feature(f, i);

			if (!ft->resolved || ft->href)
				continue;   /* no geometry of its own */
			shapes += geometry_eq(ft->node, orig[i]);
		}
		pidf_xml_free(d);
		lf_filter_free(f);
	}
	ck_assert_uint_eq(shapes, 6);
}
END_TEST

/* The 3-D reading needs the CRS of the enterOrExit: the copy has it. */
START_TEST(test_crs_inherited)
{
	struct lf_filter *d = parse(LF_CTYPE_DRAFT, draft_body);
	struct lf_filter *r = parse(LF_CTYPE_RFC, rfc_body);
	const xmlNode *n = lf_filter_feature(d, 0)->node;
	struct geo_feature *gf = NULL;
	struct geo_err ge = {0};
	xmlChar *v;

	v = xmlGetNoNsProp(n, (const xmlChar *)"srsName");
	ck_assert_ptr_nonnull(v);
	ck_assert_str_eq((const char *)v, "urn:ogc:def:crs:EPSG::4979");
	xmlFree(v);
	ck_assert_int_eq(geo_feature_parse(geo, n, &gf, &ge), 0);
	ck_assert_uint_eq(gf->nshapes, 1);
	ck_assert_uint_eq(gf->shapes[0]->rings[0].n, 4);    /* not 6 */
	geo_feature_free(gf);
	/* its own srsName stays; none is added when no ancestor has one */
	v = xmlGetNoNsProp(lf_filter_feature(d, 1)->node,
			   (const xmlChar *)"srsName");
	ck_assert_str_eq((const char *)v, "urn:ogc:def:crs:EPSG::4326");
	xmlFree(v);
	ck_assert_ptr_null(xmlHasNsProp(lf_filter_feature(d, 4)->node,
					(const xmlChar *)"srsName", NULL));
	/* RFC: from the trigger to the circle */
	v = xmlGetNoNsProp(lf_filter_feature(r, 1)->node,
			   (const xmlChar *)"srsName");
	ck_assert_str_eq((const char *)v, "urn:ogc:def:crs:EPSG::4326");
	xmlFree(v);
	lf_filter_free(d);
	lf_filter_free(r);
}
END_TEST

/* No comments or ignorable whitespace; text of text-only elements kept. */
START_TEST(test_squeezed)
{
	struct lf_filter *d = parse(LF_CTYPE_DRAFT, draft_body);
	const xmlNode *n = lf_filter_feature(d, 0)->node, *c;
	size_t i;

	for (i = 0; i < lf_filter_nfeatures(d); i++)
		squeezed(lf_filter_feature(d, i)->node);
	c = lf_xml_first(n);
	ck_assert(lf_xml_is(c, LF_NS_GML, "name"));
	ck_assert_ptr_eq(n->children, c);
	ck_assert_str_eq((const char *)c->children->content, " Region One ");
	lf_filter_free(d);
}
END_TEST

/* Regions stand alone: the parsed geo features and shapes are not kept,
 * and containment still answers for every kind of feature. */
START_TEST(test_regions_alone)
{
	static const enum geo_position want_d[] = {
		GEO_POS_OUTSIDE, GEO_POS_INSIDE, GEO_POS_UNDEFINED,
		GEO_POS_OUTSIDE, GEO_POS_INSIDE, GEO_POS_INSIDE,
	};
	static const enum geo_position want_r[] = {
		GEO_POS_INSIDE, GEO_POS_OUTSIDE,
	};
	const enum geo_position *want[] = {want_d, want_r};
	const char *bodies[] = {draft_body, rfc_body};
	size_t b, i;

	for (b = 0; b < 2; b++) {
		struct lf_filter *f = parse(NULL, bodies[b]);
		struct lf_state *st = NULL;
		struct lf_update u;
		struct lf_result res;
		struct geo_shape pt;

		memset(&pt, 0, sizeof(pt));
		pt.kind = GEO_SHAPE_POINT;
		pt.dim = 2;
		pt.center.lat = 48.005;
		pt.center.lon = 11.005;
		memset(&u, 0, sizeof(u));
		u.time = 1;
		u.est = &pt;
		ck_assert_int_eq(lf_state_alloc(f, &st), 0);
		ck_assert_int_eq(lf_eval(geo, st, &u, &res), 0);
		ck_assert_uint_eq(res.ncont, lf_filter_nfeatures(f));
		for (i = 0; i < res.ncont; i++) {
			ck_assert_uint_eq(res.cont[i].feature, i);
			ck_assert_msg(res.cont[i].position == want[b][i],
				      "body %zu feature %zu: %d", b, i,
				      (int)res.cont[i].position);
		}
		lf_state_free(st);
		lf_filter_free(f);
	}
}
END_TEST

/* echo_only: the copies hold what the echo reads and no geometry, and
 * still echo byte for byte as the subscriber's elements. */
START_TEST(test_echo_only)
{
	static const struct lf_opts eo = {.echo_only = true};
	static const char names[] =
		"<location-filter xmlns=\"" NS_LF "\"" XMLNS_ALL ">"
		"<enterOrExit><my:B gml:id=\"b\" my:floor=\"3\">"
		"<name xmlns=\"http://www.opengis.net/gml\">Def<!-- c -->ault"
		"</name>"
		"<g:name xmlns:g=\"http://www.opengis.net/gml\"> G  two "
		"</g:name>"
		"<gml:name>with <gml:x/> element</gml:name>"
		"<gml:name><![CDATA[a<b]]> &amp; c</gml:name>"
		"<my:name>not gml</my:name>"
		"<gml:extentOf><gml:Polygon srsName=\"urn:ogc:def:crs:EPSG::"
		"4326\"><gml:exterior><gml:LinearRing><gml:posList>" SQUARE
		"</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon>"
		"</gml:extentOf></my:B></enterOrExit>"
		"<enterOrExit><X xmlns=\"urn:example:x\">"
		"<gml:name>x</gml:name><gml:Polygon srsName=\"urn:ogc:def:crs:"
		"EPSG::4326\"><gml:exterior><gml:LinearRing><gml:posList>"
		SQUARE "</gml:posList></gml:LinearRing></gml:exterior>"
		"</gml:Polygon></X></enterOrExit>"
		"</location-filter>";
	const char *bodies[] = {draft_body, rfc_body, names};
	size_t b, i;

	for (b = 0; b < 3; b++) {
		struct lf_filter *f = parse_opts(NULL, bodies[b], &eo);

		check_echo(f, bodies[b]);
		for (i = 0; i < lf_filter_nfeatures(f); i++) {
			const xmlNode *n = lf_filter_feature(f, i)->node, *c;

			for (c = n->children; c; c = c->next) {
				ck_assert_int_eq(c->type, XML_ELEMENT_NODE);
				ck_assert(lf_xml_is(c, LF_NS_GML, "name"));
			}
		}
		lf_filter_free(f);
	}
	/* the names as pidf reads them; the one with an element is not
	 * echoed; foreign attributes stay */
	{
		struct lf_filter *f = parse_opts(NULL, names, &eo);
		const xmlNode *n = lf_filter_feature(f, 0)->node, *c;
		xmlChar *v;
		char *e;

		c = n->children;
		ck_assert_str_eq((const char *)c->children->content,
				 "Default");
		c = c->next;
		ck_assert_str_eq((const char *)c->children->content,
				 " G  two ");
		c = c->next;
		ck_assert_str_eq((const char *)c->children->content,
				 "a<b & c");
		ck_assert_ptr_null(c->next);
		v = xmlGetProp(n, (const xmlChar *)"floor");
		ck_assert_str_eq((const char *)v, "3");
		xmlFree(v);
		e = echo(&n, 1);
		ck_assert_ptr_nonnull(strstr(e, ">Default</"));
		ck_assert_ptr_nonnull(strstr(e, ">G two</"));
		ck_assert_ptr_nonnull(strstr(e, ">a&lt;b &amp; c</"));
		ck_assert_ptr_null(strstr(e, "element"));
		ck_assert_ptr_nonnull(strstr(e, "id=\"b\""));
		free(e);
		lf_filter_free(f);
	}
}
END_TEST

TCase *tcase_filters_keep(void);
TCase *tcase_filters_keep(void)
{
	TCase *tc = tcase_create("keep");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_no_feature_no_doc);
	tcase_add_test(tc, test_echo_same);
	tcase_add_test(tc, test_geometry_same);
	tcase_add_test(tc, test_crs_inherited);
	tcase_add_test(tc, test_squeezed);
	tcase_add_test(tc, test_regions_alone);
	tcase_add_test(tc, test_echo_only);
	return tc;
}
