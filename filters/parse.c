/*
 * parse.c: filter documents, common part: dispatch on Content-Type and
 * root (table 1.3), the hardened XML read (pidf_xml_read, SEC-18),
 * groups/conditions/limits (1.4), enterOrExit features for both forms
 * (LF-7..10, LF-17, Q-20), accessors and lifetime.
 */
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/tree.h>

#include "filters/lf_int.h"
#include "geo/geo.h"
#include "pidf/pidf.h"

int lf_err_set(struct lf_err *err, int code, const char *fmt, ...)
{
	va_list ap;
	size_t i;

	if (!err)
		return code;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	/* Fit for a quoted Warning text: no quotes, backslashes, controls. */
	for (i = 0; err->msg[i]; i++) {
		unsigned char c = (unsigned char)err->msg[i];

		if (c < 0x20 || c == 0x7f || c == '"' || c == '\\')
			err->msg[i] = c == '"' ? '\'' : ' ';
	}
	return code;
}

int lf_sip_status(int err)
{
	switch (err) {
	case 0:
		return 200;
	case EPROTONOSUPPORT:
		return 415;
	case EBADMSG:
	case EOVERFLOW:
	case ENOTSUP:
	case EPROTO:
	case ENOENT:
		return 488;
	default:
		return 500;
	}
}

const char *lf_kind_name(enum lf_kind k)
{
	static const char *const names[LF_KIND_COUNT_] = {
		"movedHoriz", "movedVert", "speedExceeds", "valueChanges",
		"enterOrExit", "moved", "changed",
	};

	return (unsigned)k < LF_KIND_COUNT_ ? names[k] : "?";
}

/* ------------------------------------------------------------------ */
/* XML helpers                                                         */

const char *lf_xml_ns(const struct _xmlNode *n)
{
	return n && n->ns ? (const char *)n->ns->href : NULL;
}

bool lf_xml_is(const struct _xmlNode *n, const char *ns, const char *name)
{
	const char *h;

	if (!n || n->type != XML_ELEMENT_NODE)
		return false;
	h = lf_xml_ns(n);
	if (ns ? !h || strcmp(h, ns) != 0 : h != NULL)
		return false;
	return strcmp((const char *)n->name, name) == 0;
}

const struct _xmlNode *lf_xml_first(const struct _xmlNode *n)
{
	const xmlNode *c;

	for (c = n ? n->children : NULL; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			return c;
	return NULL;
}

const struct _xmlNode *lf_xml_next(const struct _xmlNode *n)
{
	const xmlNode *c;

	for (c = n ? n->next : NULL; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			return c;
	return NULL;
}

const char *lf_xml_attr(const struct _xmlNode *n, const char *ns,
			const char *name)
{
	const xmlAttr *a;

	for (a = n ? n->properties : NULL; a; a = a->next) {
		const char *h = a->ns ? (const char *)a->ns->href : NULL;

		if (strcmp((const char *)a->name, name) != 0)
			continue;
		if (ns ? !h || strcmp(h, ns) != 0 : h != NULL)
			continue;
		if (a->children && a->children->type == XML_TEXT_NODE &&
		    !a->children->next && a->children->content)
			return (const char *)a->children->content;
		return "";
	}
	return NULL;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int lf_xml_text(const struct _xmlNode *n, char *buf, size_t sz)
{
	const xmlNode *c;
	size_t len = 0, start = 0;

	if (!n || !buf || sz == 0)
		return EINVAL;
	for (c = n->children; c; c = c->next) {
		size_t k;

		if (c->type == XML_ELEMENT_NODE)
			return EBADMSG;
		if ((c->type != XML_TEXT_NODE &&
		     c->type != XML_CDATA_SECTION_NODE) || !c->content)
			continue;
		k = strlen((const char *)c->content);
		if (len + k >= sz)
			return EOVERFLOW;
		memcpy(buf + len, c->content, k);
		len += k;
	}
	while (start < len && is_space(buf[start]))
		start++;
	while (len > start && is_space(buf[len - 1]))
		len--;
	memmove(buf, buf + start, len - start);
	buf[len - start] = '\0';
	return 0;
}

/* ------------------------------------------------------------------ */
/* Groups, conditions, values                                          */

int lf_group_add(struct lf_pctx *pc, size_t rfc, size_t *gi)
{
	struct lf_filter *f = pc->f;

	if (f->ngroups >= LF_GROUPS_MAX)
		return lf_err_set(pc->err, EOVERFLOW,
				  "more than %d trigger groups",
				  LF_GROUPS_MAX);
	f->groups[f->ngroups].first = f->nconds;
	f->groups[f->ngroups].n = 0;
	f->groups[f->ngroups].rfc = rfc;
	if (gi)
		*gi = f->ngroups;
	f->ngroups++;
	return 0;
}

int lf_cond_add(struct lf_pctx *pc, enum lf_kind kind, double threshold,
		size_t index)
{
	struct lf_filter *f = pc->f;
	struct lf_cond *c;

	if (f->ngroups == 0)
		return lf_err_set(pc->err, EINVAL, "internal: no group");
	if (f->nconds >= LF_CONDS_MAX)
		return lf_err_set(pc->err, EOVERFLOW,
				  "more than %d filter conditions",
				  LF_CONDS_MAX);
	c = &f->conds[f->nconds++];
	c->kind = kind;
	c->threshold = threshold;
	c->index = index;
	c->group = f->ngroups - 1;
	f->groups[f->ngroups - 1].n++;
	return 0;
}

int lf_value_add(struct lf_pctx *pc, size_t *vi)
{
	struct lf_filter *f = pc->f;

	if (f->nval >= LF_VALUES_MAX)
		return lf_err_set(pc->err, EOVERFLOW,
				  "more than %d value triggers",
				  LF_VALUES_MAX);
	memset(&f->vals[f->nval], 0, sizeof(f->vals[0]));
	*vi = f->nval++;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Features                                                            */

static int str_keep(struct lf_pctx *pc, const char *s, const char **out)
{
	struct lf_filter *f = pc->f;
	char *d;

	*out = NULL;
	if (!s)
		return 0;
	if (f->nstrs >= LF_STRS_MAX)
		return lf_err_set(pc->err, EOVERFLOW, "too many strings");
	d = strdup(s);
	if (!d)
		return lf_err_set(pc->err, ENOMEM, "out of memory");
	f->strs[f->nstrs++] = d;
	*out = d;
	return 0;
}

static int geo_fail(struct lf_pctx *pc, int e, const struct geo_err *ge,
		    const char *what)
{
	if (e == ENOMEM)
		return lf_err_set(pc->err, ENOMEM, "out of memory");
	if (e == EINVAL)
		e = EBADMSG;
	return lf_err_set(pc->err, e, "%s: %s", what,
			  ge->msg[0] ? ge->msg : "invalid geometry");
}

/* 1.4: at most LF_VERTICES_MAX positions per ring in a filter. */
static int shapes_check(struct lf_pctx *pc, struct geo_shape *const *sh,
			size_t n, bool *is3d)
{
	size_t i, r;

	*is3d = false;
	for (i = 0; i < n; i++) {
		if (sh[i]->kind == GEO_SHAPE_PRISM)
			*is3d = true;
		for (r = 0; r < sh[i]->nrings; r++)
			if (sh[i]->rings[r].n > LF_VERTICES_MAX)
				return lf_err_set(pc->err, EOVERFLOW,
						  "ring with more than %d "
						  "positions",
						  LF_VERTICES_MAX);
	}
	return 0;
}

static int feature_slot(struct lf_pctx *pc, size_t *fi)
{
	struct lf_filter *f = pc->f;

	if (f->nfeat >= LF_FEATURES_MAX)
		return lf_err_set(pc->err, EOVERFLOW,
				  "more than %d enterOrExit features",
				  LF_FEATURES_MAX);
	memset(&f->feats[f->nfeat], 0, sizeof(f->feats[0]));
	*fi = f->nfeat++;
	return 0;
}

/* Region from shapes (owned elsewhere), into feature slot fi. */
static int region_make(struct lf_pctx *pc, size_t fi,
		       struct geo_shape *const *shapes, size_t n)
{
	struct lf_feature *ft = &pc->f->feats[fi];
	struct geo_err ge = {0};
	int e;

	if (n == 0)
		return lf_err_set(pc->err, EBADMSG,
				  "enterOrExit feature has no geometry");
	e = shapes_check(pc, shapes, n, &ft->is3d);
	if (e)
		return e;
	e = geo_region_alloc(pc->geo, shapes, n, &ft->region, &ge);
	if (e)
		return geo_fail(pc, e, &ge, "enterOrExit");
	ft->resolved = true;
	return 0;
}

static bool has_geometry(const xmlNode *n)
{
	const xmlNode *c;

	for (c = lf_xml_first(n); c; c = lf_xml_next(c)) {
		if (geo_gml_is_geometry(c) || has_geometry(c))
			return true;
	}
	return false;
}

/* Element with gml:id == id anywhere in the document, or NULL. */
static const xmlNode *find_id(const xmlNode *n, const char *id)
{
	const xmlNode *c, *r;
	const char *v = lf_xml_attr(n, LF_NS_GML, "id");

	if (v && strcmp(v, id) == 0)
		return n;
	for (c = lf_xml_first(n); c; c = lf_xml_next(c))
		if ((r = find_id(c, id)))
			return r;
	return NULL;
}

static bool scheme_is(const char *uri, const char *scheme)
{
	size_t n = strlen(scheme);

	return strncasecmp(uri, scheme, n) == 0 && uri[n] == ':';
}

/* Parse an inline feature element into slot fi (the region copies the
 * shapes: the parsed feature is not kept). */
static int feature_inline(struct lf_pctx *pc, size_t fi, const xmlNode *el)
{
	struct geo_err ge = {0};
	struct geo_feature *gf = NULL;
	int e;

	e = geo_feature_parse(pc->geo, el, &gf, &ge);
	if (e)
		return geo_fail(pc, e, &ge, "enterOrExit");
	e = region_make(pc, fi, gf->shapes, gf->nshapes);
	geo_feature_free(gf);
	return e;
}

/* An xlink:href reference: same document, catalog, or none. */
static int feature_href(struct lf_pctx *pc, size_t fi, const xmlNode *el,
			const char *href)
{
	const struct geo_feature *cf;
	const xmlNode *target;

	if (href[0] == '#') {
		target = find_id(xmlDocGetRootElement(pc->f->doc), href + 1);
		if (!target)
			return lf_err_set(pc->err, EBADMSG,
					  "xlink:href %.60s not found in the "
					  "filter", href);
		if (target == el || !has_geometry(target))
			return lf_err_set(pc->err, EBADMSG,
					  "xlink:href %.60s has no geometry",
					  href);
		return feature_inline(pc, fi, target);
	}
	cf = pc->opts->catalog ? geo_catalog_lookup(pc->opts->catalog, href) :
				 NULL;
	if (cf)
		return region_make(pc, fi, cf->shapes, cf->nshapes);
	/* Never fetched; unknown URIs stay undefined unless refused. */
	if (pc->opts->remote_href == LF_HREF_REJECT)
		return lf_err_set(pc->err, EBADMSG,
				  "xlink:href %.60s not allowed%s", href,
				  scheme_is(href, "http") ||
				  scheme_is(href, "https") ?
				  " (no fetching)" : "");
	return 0;
}

int lf_feature_add_draft(struct lf_pctx *pc, const struct _xmlNode *eoe,
			 size_t *fi)
{
	const xmlNode *el = lf_xml_first(eoe), *nm;
	const char *href, *id;
	struct lf_feature *ft;
	char name[256];
	size_t i;
	int e;

	if (!el) {
		/* FeaturePropertyType may carry the href itself. */
		if (!lf_xml_attr(eoe, LF_NS_XLINK, "href"))
			return lf_err_set(pc->err, EBADMSG,
					  "enterOrExit without a feature");
		el = eoe;
	} else if (lf_xml_next(el)) {
		return lf_err_set(pc->err, EBADMSG,
				  "enterOrExit holds more than one feature");
	}
	e = feature_slot(pc, fi);
	if (e)
		return e;
	ft = &pc->f->feats[*fi];
	ft->node = el;
	href = lf_xml_attr(el, LF_NS_XLINK, "href");
	id = lf_xml_attr(el, LF_NS_GML, "id");
	for (i = 0; id && i < *fi; i++)
		if (pc->f->feats[i].id && strcmp(pc->f->feats[i].id, id) == 0)
			return lf_err_set(pc->err, EBADMSG,
					  "duplicate gml:id %.60s", id);
	e = str_keep(pc, id, &ft->id);
	if (!e)
		e = str_keep(pc, href, &ft->href);
	for (nm = lf_xml_first(el); !e && nm; nm = lf_xml_next(nm)) {
		if (lf_xml_is(nm, LF_NS_GML, "name") &&
		    lf_xml_text(nm, name, sizeof(name)) == 0) {
			e = str_keep(pc, name, &ft->name);
			break;
		}
	}
	if (e)
		return e;
	if (geo_gml_is_geometry(el)) {
		/* A bare geometry instead of a feature: accept (LF-11). */
		struct geo_err ge = {0};
		struct geo_shape *sh = NULL;

		e = geo_gml_parse(pc->geo, el, &sh, &ge);
		if (e)
			return geo_fail(pc, e, &ge, "enterOrExit");
		e = region_make(pc, *fi, &sh, 1);
		geo_shape_free(sh);
		return e;
	}
	if (has_geometry(el))
		return feature_inline(pc, *fi, el);
	if (href && *href)
		return feature_href(pc, *fi, el, href);
	return lf_err_set(pc->err, EBADMSG,
			  "enterOrExit feature has neither geometry nor "
			  "xlink:href");
}

int lf_feature_add_rfc(struct lf_pctx *pc, const struct _xmlNode *eoe,
		       size_t *fi)
{
	const xmlNode *el = lf_xml_first(eoe);
	struct geo_err ge = {0};
	struct geo_shape *sh = NULL;
	int e;

	if (!el || lf_xml_next(el))
		return lf_err_set(pc->err, EBADMSG,
				  "lf:enterOrExit must hold exactly one "
				  "shape");
	if (!lf_xml_is(el, LF_NS_GML, "Polygon") &&
	    !lf_xml_is(el, LF_NS_GS, "Circle"))
		return lf_err_set(pc->err, ENOTSUP,
				  "lf:enterOrExit supports gml:Polygon and "
				  "gs:Circle only");
	e = feature_slot(pc, fi);
	if (e)
		return e;
	pc->f->feats[*fi].node = el;
	e = geo_gml_parse(pc->geo, el, &sh, &ge);
	if (e)
		return geo_fail(pc, e, &ge, "lf:enterOrExit");
	if (sh->kind != GEO_SHAPE_POLYGON && sh->kind != GEO_SHAPE_CIRCLE)
		e = lf_err_set(pc->err, ENOTSUP,
			       "lf:enterOrExit shape must be 2-D");
	else
		e = region_make(pc, *fi, &sh, 1);
	geo_shape_free(sh);
	return e;
}

/* ------------------------------------------------------------------ */
/* Entry point                                                         */

/* Media type of a Content-Type value, compared without parameters. */
static bool ctype_is(const char *ctype, const char *type)
{
	size_t n = strlen(type);

	while (*ctype == ' ' || *ctype == '\t')
		ctype++;
	if (strncasecmp(ctype, type, n) != 0)
		return false;
	ctype += n;
	while (*ctype == ' ' || *ctype == '\t')
		ctype++;
	return *ctype == '\0' || *ctype == ';';
}

int lf_ctype_mode(const char *ctype, enum lf_mode *mode)
{
	if (ctype && ctype_is(ctype, LF_CTYPE_DRAFT))
		*mode = LF_MODE_DRAFT;
	else if (ctype && ctype_is(ctype, LF_CTYPE_RFC))
		*mode = LF_MODE_RFC;
	else
		return EPROTONOSUPPORT;
	return 0;
}

struct lf_filter *lf_filter_hold(const struct lf_filter *f)
{
	struct lf_filter *h = (struct lf_filter *)f;

	if (h)
		h->refs++;
	return h;
}

const char *lf_filter_source(const struct lf_filter *f, size_t *len,
			     const char **ctype)
{
	bool have = f && f->src;

	if (len)
		*len = have ? f->srclen : 0;
	if (ctype)
		*ctype = !have ? NULL : f->mode == LF_MODE_DRAFT ?
			 LF_CTYPE_DRAFT : LF_CTYPE_RFC;
	return have ? f->src : NULL;
}

void lf_filter_free(struct lf_filter *f)
{
	size_t i;

	if (!f)
		return;
	if (f->refs > 1) {      /* still held elsewhere */
		f->refs--;
		return;
	}
	if (f->cache)
		lf_cache_unlink(f->cache, f);
	for (i = 0; i < f->nfeat; i++)
		geo_region_free(f->feats[i].region);
	for (i = 0; i < f->nstrs; i++)
		free(f->strs[i]);
	for (i = 0; i < f->nval; i++) {
		lf_xpath_reset(&f->vals[i].xp);
		free(f->vals[i].from);
		free(f->vals[i].to);
	}
	for (i = 0; i < f->nrfc; i++) {
		free((char *)f->rfc[i].id);
		free((char *)f->rfc[i].uri);
		free((char *)f->rfc[i].domain);
	}
	if (f->doc)
		pidf_xml_free(f->doc);
	for (i = 0; i < f->norigins; i++)
		lf_filter_free(f->origins[i]);
	free(f);                /* a scratch or a sealed filter: one block */
}

struct lf_filter *lf_scratch_new(void)
{
	struct lf_scratch *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->f.refs = 1;
	s->f.groups = s->groups;
	s->f.conds = s->conds;
	s->f.feats = s->feats;
	s->f.strs = s->strs;
	s->f.vals = s->vals;
	s->f.rfc = s->rfc;
	s->f.origin = s->origin;
	s->f.origins = s->origins;
	return &s->f;
}

size_t lf_block_take(size_t *end, size_t n, size_t size)
{
	const size_t a = _Alignof(max_align_t);
	size_t at = (*end + a - 1) / a * a;

	if (n == 0)
		return 0;
	*end = at + n * size;
	return at;
}

static bool any_set(void *const *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i])
			return true;
	return false;
}

/* Copy n elements of size from src into block at off, or NULL. */
static void *seal_copy(char *block, size_t off, const void *src, size_t n,
		       size_t size)
{
	if (n == 0 || !src)
		return NULL;
	memcpy(block + off, src, n * size);
	return block + off;
}

int lf_filter_seal(struct lf_filter *s, const char *body, size_t len,
		   struct lf_filter **fp)
{
	/* sealed layout: the struct, then each array at an aligned offset */
	size_t total = sizeof(*s);
	bool orig = any_set((void *const *)s->origin, s->nrfc);
	size_t o_gr, o_co, o_fe, o_st, o_va, o_rf, o_or, o_os;
	size_t o_src = 0;
	struct lf_filter *f;
	char *b;

	o_gr = lf_block_take(&total, s->ngroups, sizeof(*s->groups));
	o_co = lf_block_take(&total, s->nconds, sizeof(*s->conds));
	o_fe = lf_block_take(&total, s->nfeat, sizeof(*s->feats));
	o_st = lf_block_take(&total, s->nstrs, sizeof(*s->strs));
	o_va = lf_block_take(&total, s->nval, sizeof(*s->vals));
	o_rf = lf_block_take(&total, s->nrfc, sizeof(*s->rfc));
	o_or = lf_block_take(&total, orig ? s->nrfc : 0, sizeof(*s->origin));
	o_os = lf_block_take(&total, s->norigins, sizeof(*s->origins));
	if (body) {
		o_src = total;
		total += len + 1;
	}
	b = malloc(total);
	if (!b)
		return ENOMEM;
	f = (struct lf_filter *)b;
	*f = *s;
	f->groups = seal_copy(b, o_gr, s->groups, s->ngroups,
			      sizeof(*s->groups));
	f->conds = seal_copy(b, o_co, s->conds, s->nconds, sizeof(*s->conds));
	f->feats = seal_copy(b, o_fe, s->feats, s->nfeat, sizeof(*s->feats));
	f->strs = seal_copy(b, o_st, s->strs, s->nstrs, sizeof(*s->strs));
	f->vals = seal_copy(b, o_va, s->vals, s->nval, sizeof(*s->vals));
	f->rfc = seal_copy(b, o_rf, s->rfc, s->nrfc, sizeof(*s->rfc));
	f->origin = orig ? seal_copy(b, o_or, s->origin, s->nrfc,
				     sizeof(*s->origin)) : NULL;
	f->origins = seal_copy(b, o_os, s->origins, s->norigins,
			       sizeof(*s->origins));
	f->src = NULL;
	f->srclen = 0;
	if (body) {
		memcpy(b + o_src, body, len);
		b[o_src + len] = '\0';
		f->src = b + o_src;
		f->srclen = len;
	}
	free(s);                /* its contents now belong to f */
	*fp = f;
	return 0;
}

/* ------------------------------------------------------------------ */
/* The kept XML (LF-45)                                                */

/* Text that is only XML whitespace (or empty). */
static bool blank(const xmlChar *t)
{
	for (; t && *t; t++)
		if (!is_space((char)*t))
			return false;
	return true;
}

/*
 * Drop what nobody reads from a copied feature: comments, processing
 * instructions, and whitespace-only text beside element children
 * (element content; the text of text-only elements stays as it was).
 * Depth is bounded by the parse (LF_DEPTH_MAX).
 */
static void squeeze(xmlNode *n)
{
	xmlNode *c, *next;
	bool elements = false;

	for (c = n->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			elements = true;
	for (c = n->children; c; c = next) {
		next = c->next;
		if (c->type == XML_COMMENT_NODE || c->type == XML_PI_NODE ||
		    (elements && c->type == XML_TEXT_NODE &&
		     blank(c->content))) {
			xmlUnlinkNode(c);
			xmlFreeNode(c);
		} else if (c->type == XML_ELEMENT_NODE) {
			squeeze(c);
		}
	}
}

/*
 * The CRS attributes geo/ inherits from ancestors (srsName and
 * srsDimension on the nearest ancestor-or-self): a copy detached from
 * its ancestors gets their inherited values on itself, so parsing its
 * geometry again reads the same CRS. 0 or ENOMEM.
 */
static int inherit_crs(xmlNode *copy, const xmlNode *orig)
{
	static const char *const attrs[] = {"srsName", "srsDimension"};
	const xmlNode *a;
	size_t i;

	for (i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++) {
		const xmlChar *name = (const xmlChar *)attrs[i];
		xmlChar *v = NULL;

		if (xmlHasNsProp(copy, name, NULL))
			continue;
		for (a = orig->parent; !v && a && a->type == XML_ELEMENT_NODE;
		     a = a->parent)
			v = xmlGetNoNsProp(a, name);
		if (!v)
			continue;
		if (!xmlSetProp(copy, name, v)) {
			xmlFree(v);
			return ENOMEM;
		}
		xmlFree(v);
	}
	return 0;
}

/*
 * What containment echoes of a feature (pidf/ build.c add_feature): the
 * element with its attributes and namespaces, and each gml:name child
 * holding text only (one text node, the concatenated text and CDATA, as
 * pidf reads it; a gml:name with element children is not echoed). No
 * geometry. NULL on ENOMEM.
 */
/* The text and CDATA of n concatenated (malloc'd), "" without any;
 * NULL when n has element children or on ENOMEM (*nomem set). */
static char *text_of(const xmlNode *n, bool *nomem)
{
	const xmlNode *t;
	size_t len = 0, k;
	char *s;

	for (t = n->children; t; t = t->next) {
		if (t->type == XML_ELEMENT_NODE)
			return NULL;
		if ((t->type == XML_TEXT_NODE ||
		     t->type == XML_CDATA_SECTION_NODE) && t->content)
			len += strlen((const char *)t->content);
	}
	s = malloc(len + 1);
	if (!s) {
		*nomem = true;
		return NULL;
	}
	len = 0;
	for (t = n->children; t; t = t->next) {
		if ((t->type != XML_TEXT_NODE &&
		     t->type != XML_CDATA_SECTION_NODE) || !t->content)
			continue;
		k = strlen((const char *)t->content);
		memcpy(s + len, t->content, k);
		len += k;
	}
	s[len] = '\0';
	return s;
}

static xmlNode *copy_echo(xmlDoc *nd, const xmlNode *el)
{
	const xmlNode *k;
	xmlNode *c = xmlDocCopyNode((xmlNode *)el, nd, 2);

	for (k = el->children; c && k; k = k->next) {
		bool nomem = false;
		xmlNode *name;
		xmlNs *ns;
		char *text;

		if (!lf_xml_is(k, LF_NS_GML, "name"))
			continue;
		text = text_of(k, &nomem);
		if (!text && !nomem)
			continue;       /* element content: not echoed */
		/* gml in scope on the copy, else declared on the name */
		ns = xmlSearchNsByHref(nd, c, k->ns->href);
		name = text ? xmlNewDocRawNode(nd, ns, k->name,
					       (const xmlChar *)text) : NULL;
		free(text);
		if (name && !ns) {
			ns = xmlNewNs(name, k->ns->href, k->ns->prefix);
			xmlSetNs(name, ns);
		}
		if (!name || !ns || !xmlAddChild(c, name)) {
			xmlFreeNode(name);
			xmlFreeNode(c);
			c = NULL;
		}
	}
	return c;
}

/*
 * After parsing, nothing points into the document but the feature nodes
 * echoed in containment (LF-45; strings, values, XPaths, RFC filters,
 * geo features and shapes are copies). A filter without features frees
 * it; one with features keeps a deep copy of each feature element (its
 * QName, gml:id, xlink:href, gml:name and geometry: pidf/ echoes it,
 * tools may parse its geometry again), without comments or ignorable
 * whitespace, or with echo_only just what the echo reads (copy_echo),
 * under one element of a new dictionary-less document, and frees the
 * parsed tree (body text, dictionary, the rest of the tree).
 * ENOMEM: f is left as it was.
 */
static int doc_compact(struct lf_filter *f, bool echo_only)
{
	xmlNode *copies[LF_FEATURES_MAX];
	xmlNode *root;
	xmlDoc *nd;
	size_t i, n = 0;

	if (!f->doc)
		return 0;
	for (i = 0; i < f->nfeat; i++)
		n += f->feats[i].node != NULL;
	if (n == 0) {
		pidf_xml_free(f->doc);
		f->doc = NULL;
		return 0;
	}
	nd = xmlNewDoc(NULL);
	if (!nd)
		return ENOMEM;
	root = xmlNewDocNode(nd, NULL, (const xmlChar *)"features", NULL);
	if (!root)
		goto nomem;
	xmlDocSetRootElement(nd, root);
	for (i = 0; i < f->nfeat; i++) {
		const xmlNode *el = f->feats[i].node;
		xmlNode *c;

		copies[i] = NULL;
		if (!el)
			continue;
		c = echo_only ? copy_echo(nd, el) :
				xmlDocCopyNode((xmlNode *)el, nd, 1);
		if (!c)
			goto nomem;
		if (!xmlAddChild(root, c)) {
			xmlFreeNode(c);
			goto nomem;
		}
		if (!echo_only) {
			squeeze(c);
			if (inherit_crs(c, el))
				goto nomem;
		}
		copies[i] = c;
	}
	for (i = 0; i < f->nfeat; i++)
		if (copies[i])
			f->feats[i].node = copies[i];
	pidf_xml_free(f->doc);
	f->doc = nd;
	return 0;
nomem:
	xmlFreeDoc(nd);
	return ENOMEM;
}

int lf_filter_parse(struct geo_ctx *geo, const char *ctype,
		    const char *body, size_t len, const struct lf_opts *opts,
		    struct lf_filter **fp, struct lf_err *err)
{
	static const struct lf_opts defaults = {0};
	struct pidf_limits lim;
	struct pidf_err pe = {0};
	struct lf_filter *f = NULL;
	struct lf_pctx pc;
	const xmlNode *root;
	enum lf_mode mode = LF_MODE_DRAFT;
	bool draft;
	int e;

	if (err) {
		err->code = 0;
		err->msg[0] = '\0';
	}
	if (!geo || !body || !fp)
		return lf_err_set(err, EINVAL, "bad argument");
	if (!opts)
		opts = &defaults;
	if (ctype && lf_ctype_mode(ctype, &mode))
		return lf_err_set(err, EPROTONOSUPPORT,
				  "unsupported filter type");
	draft = ctype && mode == LF_MODE_DRAFT; /* NULL: by the root below */
	pidf_limits_init(&lim);
	lim.max_body = opts->max_body ? opts->max_body : LF_BODY_MAX;
	lim.max_depth = LF_DEPTH_MAX;
	if (len > lim.max_body)
		return lf_err_set(err, EOVERFLOW,
				  "filter body over %zu bytes", lim.max_body);
	f = lf_scratch_new();
	if (!f)
		return lf_err_set(err, ENOMEM, "out of memory");
	e = pidf_xml_read(body, len, &lim, "location-filter", &f->doc, &pe);
	if (e) {
		if (e == EINVAL)
			e = EBADMSG;
		lf_err_set(err, e, "%s", pe.msg[0] ? pe.msg :
			   "malformed filter XML");
		goto out;
	}
	root = xmlDocGetRootElement(f->doc);
	pc.geo = geo;
	pc.opts = opts;
	pc.f = f;
	pc.err = err;
	if (!ctype)
		draft = root && strcmp((const char *)root->name,
				       "location-filter") == 0;
	if (draft && (lf_xml_is(root, LF_NS, "location-filter") ||
		      lf_xml_is(root, NULL, "location-filter"))) {
		f->mode = LF_MODE_DRAFT;
		e = lf_parse_draft(&pc, root);
	} else if (!draft && (lf_xml_is(root, LF_NS_SF, "filter-set") ||
			      lf_xml_is(root, LF_NS_SF, "filter"))) {
		f->mode = LF_MODE_RFC;
		e = lf_parse_rfc(&pc, root);
	} else {
		e = lf_err_set(err, EBADMSG,
			       "root element does not match %s",
			       draft ? LF_CTYPE_DRAFT : LF_CTYPE_RFC);
	}
	if (e)
		goto out;
	e = doc_compact(f, opts->echo_only);
	if (!e)
		e = lf_filter_seal(f, body, len, fp);
	if (e) {
		lf_err_set(err, e, "out of memory");
		goto out;
	}
	return 0;
out:
	lf_filter_free(f);
	return e;
}

/* ------------------------------------------------------------------ */
/* Accessors                                                           */

enum lf_mode lf_filter_mode(const struct lf_filter *f)
{
	return f ? f->mode : LF_MODE_DRAFT;
}

size_t lf_filter_ngroups(const struct lf_filter *f)
{
	return f ? f->ngroups : 0;
}

size_t lf_filter_nconds(const struct lf_filter *f)
{
	return f ? f->nconds : 0;
}

int lf_filter_cond(const struct lf_filter *f, size_t i, enum lf_kind *kind,
		   double *threshold, size_t *group)
{
	if (!f || i >= f->nconds)
		return EINVAL;
	if (kind)
		*kind = f->conds[i].kind;
	if (threshold)
		*threshold = f->conds[i].threshold;
	if (group)
		*group = f->conds[i].group;
	return 0;
}

size_t lf_filter_nfeatures(const struct lf_filter *f)
{
	return f ? f->nfeat : 0;
}

const struct lf_feature *lf_filter_feature(const struct lf_filter *f,
					   size_t i)
{
	return f && i < f->nfeat ? &f->feats[i] : NULL;
}

size_t lf_filter_nvalues(const struct lf_filter *f)
{
	return f ? f->nval : 0;
}

const struct lf_what *lf_filter_what(const struct lf_filter *f)
{
	static const struct lf_what any = {0};

	return f ? &f->what : &any;
}

size_t lf_filter_nrfc(const struct lf_filter *f)
{
	return f ? f->nrfc : 0;
}

const struct lf_rfc_filter *lf_filter_rfc(const struct lf_filter *f,
					  size_t i)
{
	return f && i < f->nrfc ? &f->rfc[i] : NULL;
}
