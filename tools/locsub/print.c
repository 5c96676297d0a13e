/*
 * print.c: what kind of filter locsub sends (by the document's root
 * element) and how it prints a notification (pidf: the body as
 * received; jsonl: one object per NOTIFY, from pidf_parse and the
 * body's pr:containment elements).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <libxml/tree.h>

#include "filters/lf.h"
#include "pidf/pidf.h"
#include "tools/locsub/locsub.h"

static bool node_is(const xmlNode *n, const char *ns, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
	       xmlStrEqual(n->ns->href, (const xmlChar *)ns) &&
	       xmlStrEqual(n->name, (const xmlChar *)name);
}

int ls_filter_kind(const char *body, size_t len, enum ls_filter_kind *kind,
		   char *why, size_t sz)
{
	struct pidf_limits lim;
	struct pidf_err perr;
	xmlDoc *doc = NULL;
	xmlNode *root;
	int err;

	if (!body || !kind || !why || !sz)
		return EINVAL;
	why[0] = '\0';
	pidf_limits_init(&lim);
	lim.max_body = LS_FILTER_MAX;
	lim.max_depth = LF_DEPTH_MAX;
	memset(&perr, 0, sizeof(perr));
	err = pidf_xml_read(body, len, &lim, "location-filter: ", &doc,
			    &perr);
	if (err) {
		snprintf(why, sz, "%s",
			 perr.msg[0] ? perr.msg : strerror(err));
		return err;
	}
	root = xmlDocGetRootElement(doc);
	if (node_is(root, LF_NS, "location-filter")) {
		*kind = LS_FILTER_DRAFT;
	} else if (node_is(root, LF_NS_SF, "filter-set")) {
		*kind = LS_FILTER_RFC;
	} else {
		snprintf(why, sz, "root element is neither lf:location-filter "
			 "nor an RFC 6447 filter-set");
		err = EPROTONOSUPPORT;
	}
	pidf_xml_free(doc);
	return err;
}

const char *ls_filter_event(enum ls_filter_kind kind)
{
	return kind == LS_FILTER_RFC ? "presence" : "location";
}

const char *ls_filter_ctype(enum ls_filter_kind kind)
{
	return kind == LS_FILTER_RFC ? LF_CTYPE_RFC : LF_CTYPE_DRAFT;
}

static json_t *time_json(double t)
{
	char buf[40];

	if (!isfinite(t) || pidf_time_format(t, buf, sizeof(buf)) != 0)
		return json_null();
	return json_string(buf);
}

/* Round to 1e-7 degree (~1 cm), as locreplay prints. */
static json_t *deg_json(double v)
{
	return json_real(round(v * 1e7) / 1e7);
}

static json_t *pl_json(const struct sip_pl *pl)
{
	json_t *j;

	if (!pl->p)
		return json_string("");
	j = json_stringn(pl->p, pl->l); /* NULL when not UTF-8 */
	return j ? j : json_null();
}

/* A feature's name for humans: gml:name, gml:id, xlink:href, QName. */
static json_t *feature_json(const xmlNode *f)
{
	const xmlNode *k;
	xmlChar *v;
	json_t *j;

	if (!f)
		return json_null();
	for (k = f->children; k; k = k->next) {
		if (node_is(k, PIDF_NS_GML, "name")) {
			v = xmlNodeGetContent(k);
			if (v && *v) {
				j = json_string((const char *)v);
				xmlFree(v);
				return j ? j : json_null();
			}
			xmlFree(v);
		}
	}
	v = xmlGetNsProp(f, (const xmlChar *)"id",
			 (const xmlChar *)PIDF_NS_GML);
	if (!v)
		v = xmlGetNsProp(f, (const xmlChar *)"href",
				 (const xmlChar *)PIDF_NS_XLINK);
	if (v) {
		j = json_string((const char *)v);
		xmlFree(v);
		return j ? j : json_null();
	}
	return json_string((const char *)f->name);
}

static const xmlNode *first_element(const xmlNode *n)
{
	for (n = n ? n->children : NULL; n; n = n->next)
		if (n->type == XML_ELEMENT_NODE)
			return n;
	return NULL;
}

/* Every pr:containment under n, in document order, into arr. */
static void containment_walk(const xmlNode *n, json_t *arr, unsigned depth)
{
	const xmlNode *k;
	xmlChar *pos;
	json_t *o;

	if (depth > PIDF_DEPTH_MAX)
		return;
	for (k = n->children; k; k = k->next) {
		if (k->type != XML_ELEMENT_NODE)
			continue;
		if (!node_is(k, PIDF_NS_PR, "containment")) {
			containment_walk(k, arr, depth + 1);
			continue;
		}
		o = json_object();
		if (!o)
			continue;
		json_object_set_new(o, "feature",
				    feature_json(first_element(k)));
		pos = xmlGetProp(k, (const xmlChar *)"position");
		json_object_set_new(o, "position",
				    pos ? json_string((const char *)pos) :
					  json_null());
		xmlFree(pos);
		json_array_append_new(arr, o);
	}
}

/* Fill the location fields of o from a parsed PIDF-LO. */
static void location_json(json_t *o, struct geo_ctx *geo,
			  const struct pidf_doc *doc)
{
	const struct pidf_location *loc = &doc->loc;
	struct geo_point c;
	json_t *cont = json_array();
	bool have = false;

	json_object_set_new(o, "fix_time", loc->has_time ?
				    time_json(loc->time) : json_null());
	if (loc->shape && geo_shape_center(geo, loc->shape, &c) == 0)
		have = true;
	json_object_set_new(o, "lat", have ? deg_json(c.lat) : json_null());
	json_object_set_new(o, "lon", have ? deg_json(c.lon) : json_null());
	json_object_set_new(o, "alt", have && c.has_alt ?
			    json_real(round(c.alt * 1e3) / 1e3) :
			    json_null());
	json_object_set_new(o, "speed", loc->has_speed ?
			    json_real(round(loc->speed * 1e3) / 1e3) :
			    json_null());
	if (cont && doc->xml && xmlDocGetRootElement(doc->xml))
		containment_walk(xmlDocGetRootElement(doc->xml), cont, 1);
	json_object_set_new(o, "containment", cont ? cont : json_null());
}

static void nulls_json(json_t *o)
{
	static const char *const keys[] = {"fix_time", "lat", "lon", "alt",
					   "speed"};
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		json_object_set_new(o, keys[i], json_null());
	json_object_set_new(o, "containment", json_array());
}

static int print_jsonl(FILE *f, struct geo_ctx *geo, const struct ls_note *n)
{
	struct pidf_doc *doc = NULL;
	struct pidf_err perr;
	json_t *o = json_object();
	char *s;
	int err;

	if (!o)
		return ENOMEM;
	json_object_set_new(o, "received", time_json(n->received));
	json_object_set_new(o, "state",
			    json_string(sip_substate_name(n->state)));
	json_object_set_new(o, "subscription_state", pl_json(&n->substate));
	memset(&perr, 0, sizeof(perr));
	err = n->body.l ? pidf_parse(geo, n->body.p, n->body.l, NULL, &doc,
				     &perr) : ENOENT;
	if (!err) {
		location_json(o, geo, doc);
	} else {
		nulls_json(o);
		if (n->body.l)
			json_object_set_new(o, "error", json_string(
				perr.msg[0] ? perr.msg : strerror(err)));
	}
	pidf_doc_free(doc);
	s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER |
			  JSON_REAL_PRECISION(10));
	json_decref(o);
	if (!s)
		return ENOMEM;
	err = fprintf(f, "%s\n", s) < 0 ? EIO : 0;
	free(s);
	return err;
}

int ls_print_note(FILE *f, enum ls_format fmt, struct geo_ctx *geo,
		  const struct ls_note *n)
{
	int err = 0;

	if (!f || !n)
		return EINVAL;
	if (fmt == LS_FMT_JSONL) {
		err = print_jsonl(f, geo, n);
	} else if (n->body.l) {
		if (fwrite(n->body.p, 1, n->body.l, f) != n->body.l)
			err = EIO;
		else if (n->body.p[n->body.l - 1] != '\n' &&
			 fputc('\n', f) == EOF)
			err = EIO;
	}
	if (!err && fflush(f) == EOF)
		err = EIO;
	return err;
}
