/*
 * parse.c: PIDF-LO in (RFC 3863, 4119, 4479, 5491, 5962, 7459).
 *
 * The document is read once by pidf_xml_read() and kept (filters run
 * XPath on it, LF-32); the location chosen by RFC 5491 rule 8 (first
 * dm:device with a geopriv, else first tuple, dm:person last; PL-22) is
 * copied out into struct pidf_location. In one gp:location-info the
 * first geometry and the first civic address are taken (rule 9: the
 * coarse chunk first; several chunks describe one place).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "pidf/pidf.h"
#include "pidf/pidf_int.h"

/* The public doc plus what it owns. */
struct doc_impl {
	struct pidf_doc pub;       /* first: the pointer handed out */
	struct geo_shape legacy;   /* RFC 4119 point, not from geo/ */
	struct geo_shape *shape;   /* from geo_gml_parse, or NULL */
	xmlChar *entity;
	xmlChar *tuple_id;
	xmlChar *ruleset;
	xmlChar *note_well;
};

void pidf_location_init(struct pidf_location *loc)
{
	if (!loc)
		return;
	memset(loc, 0, sizeof(*loc));
	loc->confidence = PIDF_CONFIDENCE_DEFAULT;
}

void pidf_doc_free(struct pidf_doc *doc)
{
	struct doc_impl *d = (struct doc_impl *)doc;

	if (!d)
		return;
	geo_shape_free(d->shape);
	xmlFree(d->entity);
	xmlFree(d->tuple_id);
	xmlFree(d->ruleset);
	xmlFree(d->note_well);
	pidf_xml_free(d->pub.xml);
	free(d);
}

/* The gp:geopriv of a tuple (in status), device or person. */
static xmlNode *find_geopriv(const xmlNode *t)
{
	xmlNode *g = pidf__child(t, PIDF_NS_GP, "geopriv");
	xmlNode *st;

	if (g)
		return g;
	st = pidf__child(t, PIDF_NS_PIDF, "status");
	if (!st)
		st = pidf__child(t, PIDF_NS_DM, "status");
	return st ? pidf__child(st, PIDF_NS_GP, "geopriv") : NULL;
}

static int read_time(const xmlNode *n, double *t)
{
	char buf[64];

	if (pidf__text(n, true, buf, sizeof(buf)))
		return EBADMSG;
	return pidf_time_parse(buf, t);
}

static int read_num(const xmlNode *n, double *v)
{
	char buf[64];

	if (pidf__text(n, true, buf, sizeof(buf)))
		return EBADMSG;
	return pidf__num(buf, v);
}

/* xs:list of 1..2 doubles (RFC 5962 directionType). */
static int read_dir(const xmlNode *n, double v[2], unsigned *count)
{
	char buf[96], *sp;
	int rc;

	if (pidf__text(n, true, buf, sizeof(buf)) || !buf[0])
		return EBADMSG;
	sp = strchr(buf, ' ');
	if (sp) {
		*sp++ = '\0';
		if (strchr(sp, ' '))
			return EBADMSG;
	}
	rc = pidf__num(buf, &v[0]);
	if (!rc && sp)
		rc = pidf__num(sp, &v[1]);
	if (rc)
		return EBADMSG;
	*count = sp ? 2 : 1;
	return 0;
}

static int read_usage(struct doc_impl *d, const xmlNode *ur,
		      struct pidf_err *err)
{
	struct pidf_usage *u = &d->pub.loc.usage;
	const xmlNode *c;
	char buf[64];

	for (c = pidf__first_elem(ur); c; c = pidf__next_elem(c)) {
		const char *name = (const char *)c->name;

		/* gbp: per schema, gp: per RFC 4119 text (PL-27, Q-29). */
		if (!pidf__in_ns(c, PIDF_NS_GBP) &&
		    !pidf__in_ns(c, PIDF_NS_GP))
			continue;
		if (!strcmp(name, "retransmission-allowed")) {
			if (pidf__text(c, true, buf, sizeof(buf)) ||
			    pidf__bool(buf, &u->retransmission_allowed))
				return pidf__fail(err, EBADMSG, "bad "
						  "retransmission-allowed");
		} else if (!strcmp(name, "retention-expiry")) {
			if (read_time(c, &u->retention_expiry))
				return pidf__fail(err, EBADMSG, "bad "
						  "retention-expiry");
			u->has_retention = true;
		} else if (!strcmp(name, "external-ruleset") &&
			   !d->ruleset) {
			d->ruleset = xmlNodeGetContent(c);
			if (!d->ruleset)
				return pidf__fail(err, ENOMEM, "out of "
						  "memory");
			u->external_ruleset = (const char *)d->ruleset;
		} else if (!strcmp(name, "note-well") && !d->note_well) {
			d->note_well = xmlNodeGetContent(c);
			if (!d->note_well)
				return pidf__fail(err, ENOMEM, "out of "
						  "memory");
			u->note_well = (const char *)d->note_well;
		}
	}
	return 0;
}

static int read_confidence(struct pidf_location *loc, const xmlNode *c,
			   struct pidf_err *err)
{
	char buf[64];
	xmlChar *pdf;
	double v;

	pdf = xmlGetNoNsProp(c, (const xmlChar *)"pdf");
	loc->pdf = PIDF_PDF_UNKNOWN;
	if (pdf) {
		if (!strcmp((const char *)pdf, "normal"))
			loc->pdf = PIDF_PDF_NORMAL;
		else if (!strcmp((const char *)pdf, "rectangular"))
			loc->pdf = PIDF_PDF_RECTANGULAR;
		else if (strcmp((const char *)pdf, "unknown")) {
			xmlFree(pdf);
			return pidf__fail(err, EBADMSG, "bad confidence pdf");
		}
		xmlFree(pdf);
	}
	if (pidf__text(c, true, buf, sizeof(buf)))
		return pidf__fail(err, EBADMSG, "bad confidence");
	if (!strcmp(buf, "unknown"))
		return 0;   /* RFC 7459 4.1: keep the 95 % default */
	if (pidf__num(buf, &v) || !(v > 0.0 && v < 100.0))
		return pidf__fail(err, EBADMSG, "confidence not in (0,100)");
	loc->confidence = v / 100.0;
	loc->has_confidence = true;
	return 0;
}

static int read_dynamic(struct pidf_location *loc, const xmlNode *dyn,
			struct pidf_err *err)
{
	const xmlNode *c;
	double v[2];
	unsigned n;

	for (c = pidf__first_elem(dyn); c; c = pidf__next_elem(c)) {
		const char *name = (const char *)c->name;

		if (!pidf__in_ns(c, PIDF_NS_DYN) &&
		    !pidf__in_ns(c, PIDF_NS_DYN_ALIAS))
			continue;
		if (!strcmp(name, "speed")) {
			if (read_num(c, &loc->speed) || loc->speed < 0)
				return pidf__fail(err, EBADMSG, "bad speed");
			loc->has_speed = true;
		} else if (!strcmp(name, "heading")) {
			if (read_dir(c, v, &n))
				return pidf__fail(err, EBADMSG, "bad "
						  "heading");
			loc->heading = v[0];
			loc->has_heading = true;
		} else if (!strcmp(name, "orientation")) {
			if (read_dir(c, loc->orientation, &n))
				return pidf__fail(err, EBADMSG, "bad "
						  "orientation");
			loc->norientation = n;
		}
	}
	return 0;
}

static int read_shape(struct doc_impl *d, struct geo_ctx *geo,
		      const xmlNode *n, struct pidf_err *err)
{
	struct geo_err ge;
	int rc;

	memset(&ge, 0, sizeof(ge));
	rc = geo_gml_parse(geo, n, &d->shape, &ge);
	if (rc) {
		d->shape = NULL;
		/* geo's reason already names the problem. */
		return pidf__fail(err, rc, "%s", ge.msg[0] ? ge.msg :
				  "bad location shape");
	}
	d->pub.loc.shape = d->shape;
	return 0;
}

static int read_location_info(struct doc_impl *d, struct geo_ctx *geo,
			      const xmlNode *li, struct pidf_err *err)
{
	struct pidf_location *loc = &d->pub.loc;
	const xmlNode *c;
	int rc = 0;

	for (c = pidf__first_elem(li); c && !rc; c = pidf__next_elem(c)) {
		if (!loc->shape && geo_gml_is_geometry(c)) {
			rc = read_shape(d, geo, c, err);
		} else if (!loc->shape && pidf__is_legacy(c)) {
			const xmlNode *g = pidf__first_elem(c);

			/* GML 3.1 geometries go to geo/; the RFC 4119
			 * forms (GML 3.0 namespace, gml:coordinates) are
			 * read by legacy.c. */
			if (g && geo_gml_is_geometry(g) &&
			    !pidf__child(g, PIDF_NS_GML, "coordinates")) {
				rc = read_shape(d, geo, g, err);
			} else {
				rc = pidf__legacy_read(c, &d->legacy, err);
				if (!rc)
					loc->shape = &d->legacy;
			}
		} else if (loc->civic.n == 0 && pidf__is_civic(c)) {
			rc = pidf__civic_read(c, &loc->civic, err);
		} else if (pidf__is(c, PIDF_NS_CON, "confidence")) {
			rc = read_confidence(loc, c, err);
		} else if (pidf__is(c, PIDF_NS_DYN, "Dynamic") ||
			   pidf__is(c, PIDF_NS_DYN_ALIAS, "Dynamic")) {
			rc = read_dynamic(loc, c, err);
		}
	}
	if (rc)
		return rc;
	if (!loc->shape && loc->civic.n == 0)
		return pidf__fail(err, ENOENT, "location-info has no "
				  "recognised location");
	if (loc->shape && loc->shape->kind == GEO_SHAPE_POINT) {
		/* A Point has no uncertainty, hence no confidence. */
		loc->has_confidence = false;
		loc->confidence = PIDF_CONFIDENCE_DEFAULT;
	}
	return 0;
}

static int read_geopriv(struct doc_impl *d, struct geo_ctx *geo,
			const xmlNode *holder, const xmlNode *gp,
			struct pidf_err *err)
{
	struct pidf_location *loc = &d->pub.loc;
	const xmlNode *li, *c;
	char buf[PIDF_METHOD_MAX];
	int rc;

	li = pidf__child(gp, PIDF_NS_GP, "location-info");
	if (!li)
		return pidf__fail(err, ENOENT, "geopriv has no "
				  "location-info");
	d->pub.location_info = (xmlNode *)li;
	rc = read_location_info(d, geo, li, err);
	if (rc)
		return rc;
	c = pidf__child(gp, PIDF_NS_GP, "usage-rules");
	if (c) {
		rc = read_usage(d, c, err);
		if (rc)
			return rc;
	}
	/* gp:method; RFC 5962's examples leave it in the default ns. */
	c = pidf__child(gp, PIDF_NS_GP, "method");
	if (!c)
		c = pidf__child(gp, PIDF_NS_PIDF, "method");
	if (c) {
		rc = pidf__text(c, true, buf, sizeof(buf));
		if (rc == EOVERFLOW)
			return pidf__fail(err, EOVERFLOW, "method longer "
					  "than %d bytes",
					  PIDF_METHOD_MAX - 1);
		if (rc)
			return pidf__fail(err, EBADMSG, "bad method");
		memcpy(loc->method, buf, strlen(buf) + 1);
	}
	/* tuple/timestamp; dm:timestamp in device and person. */
	c = pidf__child(holder, PIDF_NS_PIDF, "timestamp");
	if (!c)
		c = pidf__child(holder, PIDF_NS_DM, "timestamp");
	if (c) {
		if (read_time(c, &loc->time))
			return pidf__fail(err, EBADMSG, "bad timestamp");
		loc->has_time = true;
	}
	return 0;
}

int pidf_parse(struct geo_ctx *geo, const char *body, size_t len,
	       const struct pidf_limits *lim, struct pidf_doc **docp,
	       struct pidf_err *err)
{
	struct pidf_limits dl;
	struct doc_impl *d = NULL;
	xmlDoc *xml = NULL;
	xmlNode *root, *c;
	xmlNode *pick[3] = {NULL, NULL, NULL};     /* device, tuple, person */
	xmlNode *gpick[3] = {NULL, NULL, NULL};
	enum pidf_source src[3] = {PIDF_SRC_DEVICE, PIDF_SRC_TUPLE,
				   PIDF_SRC_PERSON};
	size_t nholders = 0;
	int rc, i;

	if (!geo || !body || !docp)
		return pidf__fail(err, EINVAL, "bad arguments");
	if (!lim) {
		pidf_limits_init(&dl);
		lim = &dl;
	}
	rc = pidf_xml_read(body, len, lim, "PIDF-LO", &xml, err);
	if (rc)
		return rc;
	d = calloc(1, sizeof(*d));
	if (!d) {
		pidf_xml_free(xml);
		return pidf__fail(err, ENOMEM, "out of memory");
	}
	d->pub.xml = xml;
	pidf_location_init(&d->pub.loc);

	root = xmlDocGetRootElement(xml);
	if (!pidf__is(root, PIDF_NS_PIDF, "presence")) {
		rc = pidf__fail(err, EBADMSG, "root is not a PIDF presence");
		goto out;
	}
	d->entity = xmlGetNoNsProp(root, (const xmlChar *)"entity");
	if (!d->entity || !d->entity[0]) {
		rc = pidf__fail(err, EBADMSG, "presence has no entity");
		goto out;
	}
	d->pub.entity = (const char *)d->entity;

	for (c = pidf__first_elem(root); c; c = pidf__next_elem(c)) {
		xmlNode *g;

		if (pidf__is(c, PIDF_NS_DM, "device"))
			i = 0;
		else if (pidf__is(c, PIDF_NS_PIDF, "tuple"))
			i = 1;
		else if (pidf__is(c, PIDF_NS_DM, "person"))
			i = 2;
		else
			continue;
		if (++nholders > lim->max_tuples) {
			rc = pidf__fail(err, EOVERFLOW, "more than %zu tuples",
					lim->max_tuples);
			goto out;
		}
		g = find_geopriv(c);
		if (!g)
			continue;
		d->pub.ngeopriv++;
		if (!pick[i]) {
			pick[i] = c;
			gpick[i] = g;
		}
	}
	for (i = 0; i < 3 && !pick[i]; i++)
		;
	if (i == 3) {
		rc = pidf__fail(err, ENOENT, "no geopriv location in "
				"document");
		goto out;
	}
	d->pub.source = src[i];
	d->tuple_id = xmlGetNoNsProp(pick[i], (const xmlChar *)"id");
	d->pub.tuple_id = (const char *)d->tuple_id;
	rc = read_geopriv(d, geo, pick[i], gpick[i], err);
out:
	if (rc) {
		pidf_doc_free(&d->pub);
		return rc;
	}
	*docp = &d->pub;
	return 0;
}
