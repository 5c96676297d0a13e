/*
 * build.c: PIDF-LO out (LOCATION.md section 4, PL-15..PL-28, LF-41..45).
 *
 * One document per NOTIFY: presence/entity, one tuple, status/geopriv
 * with location-info (shape in GML/gs in the canonical CRS URNs,
 * lat-first; civic in RFC 5139 order; con:confidence for non-Point
 * shapes; dyn: when asked; pr:pidfResource last), usage-rules (gbp:
 * children, true/false, retention default timestamp + 24 h), method,
 * and always a timestamp. Built as a libxml2 tree (so filters can run
 * XPath on it) with every namespace declared once on the root, and
 * serialised into a buffer the builder reuses.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>
#include <libxml/xmlsave.h>

#include "pidf/pidf.h"
#include "pidf/pidf_int.h"

#define CRS_2D "urn:ogc:def:crs:EPSG::4326"
#define CRS_3D "urn:ogc:def:crs:EPSG::4979"
#define UOM_M "urn:ogc:def:uom:EPSG::9001"
#define UOM_DEG "urn:ogc:def:uom:EPSG::9102"

/* Digits kept: 1e-7 degree is about 1 cm; micrometres; micro-degrees. */
#define DEC_DEG 7
#define DEC_M 6
#define DEC_ANGLE 6

#define FEATURE_NS_MAX 16   /* distinct feature namespaces per NOTIFY */

struct pidf_builder {
	xmlDoc *doc;          /* last document built */
	xmlNode *li;          /* its gp:location-info */
	xmlBuffer *out;       /* serialised body, reused */
	char *txt;            /* posList scratch, reused */
	size_t txtcap;
};

/* Namespaces of the document being built. */
struct bns {
	xmlNs *pidf, *gp, *gbp, *gml, *gs, *ca, *dyn, *con, *pr, *xlink;
};

struct bctx {
	struct pidf_builder *b;
	const struct pidf_build_in *in;
	xmlNode *root;
	struct bns ns;
	struct pidf_err *err;
};

int pidf_builder_alloc(struct pidf_builder **bp)
{
	struct pidf_builder *b;

	if (!bp)
		return EINVAL;
	b = calloc(1, sizeof(*b));
	if (!b)
		return ENOMEM;
	b->out = xmlBufferCreateSize(4096);
	if (!b->out) {
		free(b);
		return ENOMEM;
	}
	*bp = b;
	return 0;
}

void pidf_builder_free(struct pidf_builder *b)
{
	if (!b)
		return;
	if (b->doc)
		xmlFreeDoc(b->doc);
	xmlBufferFree(b->out);
	free(b->txt);
	free(b);
}

const char *pidf_builder_body(const struct pidf_builder *b, size_t *len)
{
	if (!b || !b->doc) {
		if (len)
			*len = 0;
		return NULL;
	}
	if (len)
		*len = (size_t)xmlBufferLength(b->out);
	return (const char *)xmlBufferContent(b->out);
}

struct _xmlNode *pidf_builder_location_info(const struct pidf_builder *b)
{
	return b && b->doc ? b->li : NULL;
}

/* "%.<dec>f" without trailing zeros, never "-0". */
static int fmt_num(double v, int dec, char *buf, size_t sz)
{
	char *p;
	int n;

	if (!isfinite(v))
		return EINVAL;
	n = snprintf(buf, sz, "%.*f", dec, v);
	if (n < 0 || (size_t)n >= sz)
		return EOVERFLOW;
	if (strchr(buf, '.')) {
		p = buf + n - 1;
		while (*p == '0')
			*p-- = '\0';
		if (*p == '.')
			*p = '\0';
	}
	if (!strcmp(buf, "-0"))
		memcpy(buf, "0", 2);
	return 0;
}

/* Append a formatted number and a separator to the scratch text. */
static int txt_add(struct pidf_builder *b, size_t *len, double v, int dec)
{
	char num[64];
	size_t n;
	int rc;

	rc = fmt_num(v, dec, num, sizeof(num));
	if (rc)
		return rc;
	n = strlen(num);
	if (*len + n + 2 > b->txtcap) {
		size_t cap = b->txtcap ? b->txtcap * 2 : 1024;
		char *t;

		while (cap < *len + n + 2)
			cap *= 2;
		t = realloc(b->txt, cap);
		if (!t)
			return ENOMEM;
		b->txt = t;
		b->txtcap = cap;
	}
	if (*len)
		b->txt[(*len)++] = ' ';
	memcpy(b->txt + *len, num, n + 1);
	*len += n;
	return 0;
}

static int add_point_text(struct pidf_builder *b, size_t *len,
			  const struct geo_point *p, bool three)
{
	int rc = txt_add(b, len, p->lat, DEC_DEG);

	if (!rc)
		rc = txt_add(b, len, p->lon, DEC_DEG);
	if (!rc && three)
		rc = txt_add(b, len, p->has_alt ? p->alt : 0.0, DEC_M);
	return rc;
}

static xmlNode *new_text(xmlNode *parent, xmlNs *ns, const char *name,
			 const char *text)
{
	return xmlNewTextChild(parent, ns, (const xmlChar *)name,
			       (const xmlChar *)text);
}

static int add_num(xmlNode *parent, xmlNs *ns, const char *name, double v,
		   int dec, const char *uom)
{
	char num[64];
	xmlNode *n;
	int rc;

	rc = fmt_num(v, dec, num, sizeof(num));
	if (rc)
		return rc;
	n = new_text(parent, ns, name, num);
	if (!n)
		return ENOMEM;
	if (uom && !xmlNewProp(n, (const xmlChar *)"uom",
			       (const xmlChar *)uom))
		return ENOMEM;
	return 0;
}

static int add_pos(struct bctx *c, xmlNode *parent,
		   const struct geo_point *p, bool three)
{
	size_t len = 0;
	int rc = add_point_text(c->b, &len, p, three);

	if (rc)
		return rc;
	return new_text(parent, c->ns.gml, "pos", c->b->txt) ? 0 : ENOMEM;
}

/* gml:Polygon (srs on it unless inside a gs:Prism base). */
static int add_polygon(struct bctx *c, xmlNode *parent,
		       const struct geo_shape *s, bool three, const char *srs)
{
	xmlNode *poly, *ring, *wrap;
	size_t r, i, len;
	int rc;

	if (s->nrings == 0 || !s->rings)
		return EINVAL;
	poly = xmlNewChild(parent, c->ns.gml, (const xmlChar *)"Polygon",
			   NULL);
	if (!poly)
		return ENOMEM;
	if (srs && !xmlNewProp(poly, (const xmlChar *)"srsName",
			       (const xmlChar *)srs))
		return ENOMEM;
	for (r = 0; r < s->nrings; r++) {
		const struct geo_ring *g = &s->rings[r];

		if (g->n < 4 || !g->pts)
			return EINVAL;
		wrap = xmlNewChild(poly, c->ns.gml, (const xmlChar *)(r ?
				   "interior" : "exterior"), NULL);
		ring = wrap ? xmlNewChild(wrap, c->ns.gml,
					  (const xmlChar *)"LinearRing",
					  NULL) : NULL;
		if (!ring)
			return ENOMEM;
		len = 0;
		for (i = 0; i < g->n; i++) {
			rc = add_point_text(c->b, &len, &g->pts[i], three);
			if (rc)
				return rc;
		}
		if (!new_text(ring, c->ns.gml, "posList", c->b->txt))
			return ENOMEM;
	}
	return 0;
}

static xmlNode *gs_elem(struct bctx *c, xmlNode *parent, const char *name,
			const char *srs)
{
	xmlNode *n = xmlNewChild(parent, c->ns.gs, (const xmlChar *)name,
				 NULL);

	if (n && !xmlNewProp(n, (const xmlChar *)"srsName",
			     (const xmlChar *)srs))
		return NULL;
	return n;
}

/* One RFC 5491 numeric element of a GeoShape (value, decimals, uom). */
struct gs_num {
	const char *name;
	double v;
	int dec;
	const char *uom;
};

/* A gs: shape made of a centre (pos) and numeric elements: Circle,
 * Ellipse, ArcBand (2-D, EPSG 4326), Sphere, Ellipsoid (3-D, 4979). */
static int add_gs_shape(struct bctx *c, xmlNode *li, const char *name,
			bool three, const struct geo_point *center,
			const struct gs_num *f, size_t nf)
{
	xmlNode *n = gs_elem(c, li, name, three ? CRS_3D : CRS_2D);
	size_t i;
	int rc;

	if (!n)
		return ENOMEM;
	rc = add_pos(c, n, center, three);
	for (i = 0; !rc && i < nf; i++)
		rc = add_num(n, c->ns.gs, f[i].name, f[i].v, f[i].dec,
			     f[i].uom);
	return rc;
}

static int add_shape(struct bctx *c, xmlNode *li, const struct geo_shape *s)
{
	bool three = s->dim == 3;
	const char *srs = three ? CRS_3D : CRS_2D;
	xmlNode *n, *base;
	int rc = 0;

	switch (s->kind) {
	case GEO_SHAPE_POINT:
		n = xmlNewChild(li, c->ns.gml, (const xmlChar *)"Point", NULL);
		if (!n || !xmlNewProp(n, (const xmlChar *)"srsName",
				      (const xmlChar *)srs))
			return ENOMEM;
		return add_pos(c, n, &s->center, three);
	case GEO_SHAPE_POLYGON:
		return add_polygon(c, li, s, three, srs);
	case GEO_SHAPE_CIRCLE: {
		const struct gs_num f[] = {
			{"radius", s->radius, DEC_M, UOM_M},
		};
		return add_gs_shape(c, li, "Circle", false, &s->center, f, 1);
	}
	case GEO_SHAPE_ELLIPSE: {
		const struct gs_num f[] = {
			{"semiMajorAxis", s->semi_major, DEC_M, UOM_M},
			{"semiMinorAxis", s->semi_minor, DEC_M, UOM_M},
			{"orientation", s->orientation, DEC_ANGLE, UOM_DEG},
		};
		return add_gs_shape(c, li, "Ellipse", false, &s->center, f, 3);
	}
	case GEO_SHAPE_ARCBAND: {
		const struct gs_num f[] = {
			{"innerRadius", s->inner_radius, DEC_M, UOM_M},
			{"outerRadius", s->outer_radius, DEC_M, UOM_M},
			{"startAngle", s->start_angle, DEC_ANGLE, UOM_DEG},
			{"openingAngle", s->opening_angle, DEC_ANGLE, UOM_DEG},
		};
		return add_gs_shape(c, li, "ArcBand", false, &s->center, f, 4);
	}
	case GEO_SHAPE_SPHERE: {
		const struct gs_num f[] = {
			{"radius", s->radius, DEC_M, UOM_M},
		};
		return add_gs_shape(c, li, "Sphere", true, &s->center, f, 1);
	}
	case GEO_SHAPE_ELLIPSOID: {
		const struct gs_num f[] = {
			{"semiMajorAxis", s->semi_major, DEC_M, UOM_M},
			{"semiMinorAxis", s->semi_minor, DEC_M, UOM_M},
			{"verticalAxis", s->vertical_axis, DEC_M, UOM_M},
			{"orientation", s->orientation, DEC_ANGLE, UOM_DEG},
		};
		return add_gs_shape(c, li, "Ellipsoid", true, &s->center, f,
				    4);
	}
	case GEO_SHAPE_PRISM:
		n = gs_elem(c, li, "Prism", CRS_3D);
		base = n ? xmlNewChild(n, c->ns.gs, (const xmlChar *)"base",
				       NULL) : NULL;
		if (!base)
			return ENOMEM;
		rc = add_polygon(c, base, s, true, NULL);
		if (!rc)
			rc = add_num(n, c->ns.gs, "height", s->height, DEC_M,
				     UOM_M);
		return rc;
	}
	return ENOTSUP;
}

static int add_civic(struct bctx *c, xmlNode *li, const struct pidf_civic *cv)
{
	xmlNode *ca;
	int i;
	const char *v;

	ca = xmlNewChild(li, c->ns.ca, (const xmlChar *)"civicAddress", NULL);
	if (!ca)
		return ENOMEM;
	if (cv->lang[0])
		xmlNodeSetLang(ca, (const xmlChar *)cv->lang);
	for (i = 0; i < pidf__civic_count(); i++) {
		v = pidf_civic_get(cv, pidf__civic_name(i));
		if (v && !new_text(ca, c->ns.ca, pidf__civic_name(i), v))
			return ENOMEM;
	}
	return 0;
}

static int add_dynamic(struct bctx *c, xmlNode *li,
		       const struct pidf_location *loc)
{
	xmlNode *d;
	size_t len = 0;
	unsigned i;
	int rc = 0;

	d = xmlNewChild(li, c->ns.dyn, (const xmlChar *)"Dynamic", NULL);
	if (!d)
		return ENOMEM;
	if (loc->norientation) {
		for (i = 0; i < loc->norientation && i < 2 && !rc; i++)
			rc = txt_add(c->b, &len, loc->orientation[i],
				     DEC_ANGLE);
		if (rc)
			return rc;
		if (!new_text(d, c->ns.dyn, "orientation", c->b->txt))
			return ENOMEM;
	}
	if (loc->has_speed)
		rc = add_num(d, c->ns.dyn, "speed", loc->speed, DEC_M, NULL);
	if (!rc && loc->has_heading)
		rc = add_num(d, c->ns.dyn, "heading", loc->heading,
			     DEC_ANGLE, NULL);
	return rc;
}

static const char *position_name(enum geo_position p)
{
	switch (p) {
	case GEO_POS_INSIDE:
		return "inside";
	case GEO_POS_OUTSIDE:
		return "outside";
	default:
		return "undefined";
	}
}

/* The namespace for a feature's own href, declared once on the root. */
static int feature_ns(struct bctx *c, const xmlNs *fns, xmlNs **nsp)
{
	char pfx[16];
	unsigned k;

	*nsp = xmlSearchNsByHref(c->root->doc, c->root, fns->href);
	if (*nsp)
		return 0;
	if (fns->prefix &&
	    !xmlSearchNs(c->root->doc, c->root, fns->prefix)) {
		*nsp = xmlNewNs(c->root, fns->href, fns->prefix);
		return *nsp ? 0 : ENOMEM;
	}
	for (k = 1; k <= FEATURE_NS_MAX; k++) {
		snprintf(pfx, sizeof(pfx), "f%u", k);
		if (xmlSearchNs(c->root->doc, c->root, (const xmlChar *)pfx))
			continue;
		*nsp = xmlNewNs(c->root, fns->href, (const xmlChar *)pfx);
		return *nsp ? 0 : ENOMEM;
	}
	return EOVERFLOW;
}

/* gml:id already used by an earlier echo in this document? */
static bool id_seen(const xmlNode *pr, const xmlChar *id, const xmlNs *gml)
{
	const xmlNode *cn, *f;

	for (cn = pr->children; cn; cn = cn->next) {
		f = cn->children;
		if (f) {
			xmlChar *o = xmlGetNsProp(f, (const xmlChar *)"id",
						  gml->href);
			bool same = o && xmlStrEqual(o, id);

			xmlFree(o);
			if (same)
				return true;
		}
	}
	return false;
}

/* Echo the subscriber's feature: QName, gml:id, xlink:href, gml:name. */
static int add_feature(struct bctx *c, xmlNode *pr, xmlNode *cont,
		       const xmlNode *f)
{
	const xmlNode *k;
	xmlNode *e;
	xmlNs *ns = NULL;
	xmlChar *v;

	if (f->type != XML_ELEMENT_NODE)
		return EINVAL;
	if (f->ns && f->ns->href && f->ns->href[0]) {
		int rc = feature_ns(c, f->ns, &ns);

		if (rc)
			return rc;
	}
	e = xmlNewChild(cont, ns, f->name, NULL);
	if (!e)
		return ENOMEM;
	if (!ns && !xmlNewNs(e, (const xmlChar *)"", NULL))
		return ENOMEM;   /* undeclare the default pidf namespace */
	if (!ns)
		e->ns = e->nsDef;
	v = xmlGetNsProp(f, (const xmlChar *)"id", c->ns.gml->href);
	if (v && !id_seen(pr, v, c->ns.gml) &&
	    !xmlNewNsProp(e, c->ns.gml, (const xmlChar *)"id", v)) {
		xmlFree(v);
		return ENOMEM;
	}
	xmlFree(v);
	v = xmlGetNsProp(f, (const xmlChar *)"href", c->ns.xlink->href);
	if (v && !xmlNewNsProp(e, c->ns.xlink, (const xmlChar *)"href", v)) {
		xmlFree(v);
		return ENOMEM;
	}
	xmlFree(v);
	for (k = f->children; k; k = k->next) {
		char name[PIDF_CIVIC_VALUE_MAX];

		if (!pidf__is(k, PIDF_NS_GML, "name"))
			continue;
		if (pidf__text(k, true, name, sizeof(name)))
			continue;
		if (!new_text(e, c->ns.gml, "name", name))
			return ENOMEM;
	}
	return 0;
}

static int add_containment(struct bctx *c, xmlNode *li)
{
	xmlNode *pr, *cont;
	size_t i;
	int rc;

	pr = xmlNewChild(li, c->ns.pr, (const xmlChar *)"pidfResource", NULL);
	if (!pr)
		return ENOMEM;
	for (i = 0; i < c->in->ncontainment; i++) {
		const struct pidf_containment *pc = &c->in->containment[i];

		if (!pc->feature)
			return EINVAL;
		cont = xmlNewChild(pr, c->ns.pr,
				   (const xmlChar *)"containment", NULL);
		if (!cont || !xmlNewProp(cont, (const xmlChar *)"position",
					 (const xmlChar *)
					 position_name(pc->position)))
			return ENOMEM;
		rc = add_feature(c, pr, cont, pc->feature);
		if (rc)
			return rc;
	}
	return 0;
}

static int add_usage(struct bctx *c, xmlNode *gp, double ts)
{
	const struct pidf_usage *u = &c->in->loc->usage;
	xmlNode *ur;
	char tbuf[40];
	double exp;

	ur = xmlNewChild(gp, c->ns.gp, (const xmlChar *)"usage-rules", NULL);
	if (!ur)
		return ENOMEM;
	/* Always written, false unless the rule maker allowed (SEC-10). */
	if (!new_text(ur, c->ns.gbp, "retransmission-allowed",
		      u->retransmission_allowed ? "true" : "false"))
		return ENOMEM;
	exp = u->has_retention ? u->retention_expiry :
				 ts + PIDF_RETENTION_DEFAULT;
	if (pidf_time_format(exp, tbuf, sizeof(tbuf)))
		return EINVAL;
	if (!new_text(ur, c->ns.gbp, "retention-expiry", tbuf))
		return ENOMEM;
	if (u->external_ruleset &&
	    !new_text(ur, c->ns.gbp, "external-ruleset", u->external_ruleset))
		return ENOMEM;
	if (u->note_well && !new_text(ur, c->ns.gbp, "note-well",
				      u->note_well))
		return ENOMEM;
	return 0;
}

static bool isalpha_ascii(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

static bool ncname_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (!*p || !(isalpha_ascii(*p) || *p == '_'))
		return false;
	for (; *p; p++)
		if (!(isalpha_ascii(*p) || (*p >= '0' && *p <= '9') ||
		      *p == '_' || *p == '-' || *p == '.'))
			return false;
	return true;
}

static bool want_dynamic(const struct pidf_build_in *in)
{
	const struct pidf_location *l = in->loc;

	return in->with_dynamic &&
	       (l->has_speed || l->has_heading || l->norientation);
}

static int declare_ns(struct bctx *c)
{
	const struct pidf_location *loc = c->in->loc;
	xmlNode *r = c->root;
	struct bns *ns = &c->ns;

#define NS(field, href, pfx)                                                  \
	do {                                                                  \
		ns->field = xmlNewNs(r, (const xmlChar *)(href),              \
				     (const xmlChar *)(pfx));                 \
		if (!ns->field)                                               \
			return ENOMEM;                                        \
	} while (0)
	NS(pidf, PIDF_NS_PIDF, NULL);
	NS(gp, PIDF_NS_GP, "gp");
	NS(gbp, PIDF_NS_GBP, "gbp");
	if (loc->shape || c->in->ncontainment)
		NS(gml, PIDF_NS_GML, "gml");
	if (loc->shape && loc->shape->kind != GEO_SHAPE_POINT &&
	    loc->shape->kind != GEO_SHAPE_POLYGON)
		NS(gs, PIDF_NS_GS, "gs");
	if (loc->civic.n)
		NS(ca, PIDF_NS_CA, "ca");
	if (want_dynamic(c->in))
		NS(dyn, PIDF_NS_DYN, "dyn");
	if (loc->shape && loc->shape->kind != GEO_SHAPE_POINT)
		NS(con, PIDF_NS_CON, "con");
	if (c->in->ncontainment) {
		NS(pr, PIDF_NS_PR, "pr");
		NS(xlink, PIDF_NS_XLINK, "xlink");
	}
#undef NS
	xmlSetNs(r, ns->pidf);
	return 0;
}

static int build_tree(struct bctx *c, xmlDoc *doc)
{
	const struct pidf_build_in *in = c->in;
	const struct pidf_location *loc = in->loc;
	xmlNode *tuple, *status, *gp, *li;
	char tbuf[40];
	double ts;
	int rc;

	c->root = xmlNewDocNode(doc, NULL, (const xmlChar *)"presence", NULL);
	if (!c->root)
		return ENOMEM;
	xmlDocSetRootElement(doc, c->root);
	rc = declare_ns(c);
	if (rc)
		return rc;
	if (!xmlNewProp(c->root, (const xmlChar *)"entity",
			(const xmlChar *)in->entity))
		return ENOMEM;
	tuple = xmlNewChild(c->root, c->ns.pidf, (const xmlChar *)"tuple",
			    NULL);
	if (!tuple || !xmlNewProp(tuple, (const xmlChar *)"id",
				  (const xmlChar *)(in->tuple_id ?
						    in->tuple_id : "loc1")))
		return ENOMEM;
	status = xmlNewChild(tuple, c->ns.pidf, (const xmlChar *)"status",
			     NULL);
	gp = status ? xmlNewChild(status, c->ns.gp,
				  (const xmlChar *)"geopriv", NULL) : NULL;
	li = gp ? xmlNewChild(gp, c->ns.gp, (const xmlChar *)"location-info",
			      NULL) : NULL;
	if (!li)
		return ENOMEM;
	c->b->li = li;
	if (loc->shape) {
		rc = add_shape(c, li, loc->shape);
		if (rc)
			return pidf__fail(c->err, rc, "cannot write %s shape",
					  geo_shape_kind_name(
						  loc->shape->kind));
	}
	if (loc->civic.n && (rc = add_civic(c, li, &loc->civic)))
		return rc;
	if (loc->shape && loc->shape->kind != GEO_SHAPE_POINT) {
		/* PL-24: every non-Point shape carries its confidence. */
		static const char *const pdfs[] = {"unknown", "normal",
						   "rectangular"};
		double pct = loc->confidence * 100.0;
		char num[32];
		xmlNode *n;

		if (!(pct > 0.0 && pct < 100.0))
			return pidf__fail(c->err, EINVAL, "confidence not in "
					  "(0,1)");
		rc = fmt_num(pct, 3, num, sizeof(num));
		n = rc ? NULL : new_text(li, c->ns.con, "confidence", num);
		if (!n || !xmlNewProp(n, (const xmlChar *)"pdf",
				      (const xmlChar *)pdfs[loc->pdf <= 2 ?
							    loc->pdf : 0]))
			return rc ? rc : ENOMEM;
	}
	if (want_dynamic(in) && (rc = add_dynamic(c, li, loc)))
		return rc;
	if (in->ncontainment && (rc = add_containment(c, li)))
		return rc == EINVAL ? pidf__fail(c->err, rc, "bad feature "
						 "to echo") : rc;
	ts = loc->has_time ? loc->time : in->now;
	rc = add_usage(c, gp, ts);
	if (rc)
		return pidf__fail(c->err, rc, "bad usage rules or timestamp");
	if (in->with_method && loc->method[0] &&
	    !new_text(gp, c->ns.gp, "method", loc->method))
		return ENOMEM;
	/* PL-28: always a timestamp. */
	if (pidf_time_format(ts, tbuf, sizeof(tbuf)))
		return pidf__fail(c->err, EINVAL, "bad timestamp");
	if (!new_text(tuple, c->ns.pidf, "timestamp", tbuf))
		return ENOMEM;
	return 0;
}

int pidf_build(struct pidf_builder *b, const struct pidf_build_in *in,
	       struct pidf_err *err)
{
	struct bctx c;
	xmlDoc *doc;
	xmlSaveCtxt *save;
	int rc;

	if (err) {
		err->code = 0;
		err->msg[0] = '\0';
	}
	if (!b || !in || !in->entity || !in->entity[0] || !in->loc)
		return pidf__fail(err, EINVAL, "nothing to build");
	if (!in->loc->shape && in->loc->civic.n == 0)
		return pidf__fail(err, EINVAL, "no location to build");
	if (in->tuple_id && !ncname_ok(in->tuple_id))
		return pidf__fail(err, EINVAL, "tuple id is not an NCName");
	if (in->ncontainment && !in->containment)
		return pidf__fail(err, EINVAL, "no containment array");
	if (b->doc) {
		xmlFreeDoc(b->doc);
		b->doc = NULL;
		b->li = NULL;
	}
	xmlBufferEmpty(b->out);
	doc = xmlNewDoc((const xmlChar *)"1.0");
	if (!doc)
		return pidf__fail(err, ENOMEM, "out of memory");
	memset(&c, 0, sizeof(c));
	c.b = b;
	c.in = in;
	c.err = err;
	rc = build_tree(&c, doc);
	if (rc) {
		xmlFreeDoc(doc);
		b->li = NULL;
		if (err && err->code == 0)
			pidf__fail(err, rc, "cannot build document");
		return rc;
	}
	save = xmlSaveToBuffer(b->out, "UTF-8", 0);
	if (!save || xmlSaveDoc(save, doc) < 0) {
		if (save)
			xmlSaveClose(save);
		xmlFreeDoc(doc);
		b->li = NULL;
		return pidf__fail(err, ENOMEM, "cannot serialise document");
	}
	if (xmlSaveClose(save) < 0) {
		xmlFreeDoc(doc);
		b->li = NULL;
		return pidf__fail(err, ENOMEM, "cannot serialise document");
	}
	b->doc = doc;
	return 0;
}
