/*
 * parse_rfc.c: RFC 6447 filters, an RFC 4661 filter-set
 * (application/simple-filter+xml, LF-12..20). Each trigger is one AND
 * group (LF-22, Q-3); lf:moved directly under filter is its own group
 * . Prefixes of changed/added/removed come from ns-bindings first,
 * then in-scope xmlns, with the aliases of. Unknown elements in
 * a trigger are refused (Q-15: dropping one would widen an AND group);
 * unknown elements in what are ignored.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "filters/lf_int.h"

#define TEXT_MAX 512

struct binding {
	const char *prefix;
	const char *urn;
};

struct rctx {
	struct lf_pctx *pc;
	size_t nb;
	struct binding b[LF_BINDINGS_MAX];
	const xmlNode *cur;     /* element whose xmlns are in scope */
};

static const char *resolve(const char *prefix, void *arg)
{
	struct rctx *r = arg;
	xmlNs *ns;
	size_t i;

	for (i = 0; i < r->nb; i++)
		if (strcmp(r->b[i].prefix, prefix) == 0)
			return r->b[i].urn;
	ns = xmlSearchNs(r->cur->doc, (xmlNode *)r->cur,
			 (const xmlChar *)prefix);
	return ns ? (const char *)ns->href : NULL;
}

static int bindings(struct rctx *r, const xmlNode *nb)
{
	const xmlNode *n;
	size_t i;

	for (n = lf_xml_first(nb); n; n = lf_xml_next(n)) {
		const char *p, *u;

		if (!lf_xml_is(n, LF_NS_SF, "ns-binding"))
			return lf_err_set(r->pc->err, EBADMSG,
					  "unexpected %.40s in ns-bindings",
					  (const char *)n->name);
		p = lf_xml_attr(n, NULL, "prefix");
		u = lf_xml_attr(n, NULL, "urn");
		if (!p || !*p || !u || !*u)
			return lf_err_set(r->pc->err, EBADMSG,
					  "ns-binding needs prefix and urn");
		for (i = 0; i < r->nb; i++)
			if (strcmp(r->b[i].prefix, p) == 0)
				return lf_err_set(r->pc->err, EBADMSG,
						  "prefix %.40s bound twice",
						  p);
		if (r->nb >= LF_BINDINGS_MAX)
			return lf_err_set(r->pc->err, EOVERFLOW,
					  "more than %d ns-bindings",
					  LF_BINDINGS_MAX);
		r->b[r->nb].prefix = p;
		r->b[r->nb].urn = u;
		r->nb++;
	}
	return 0;
}

/* Copy an attribute with whitespace collapsed, or NULL if absent. */
static int attr_dup(struct lf_pctx *pc, const char *v, char **out)
{
	size_t i, j = 0;
	bool sp = false;
	char *d;

	*out = NULL;
	if (!v)
		return 0;
	d = malloc(strlen(v) + 1);
	if (!d)
		return lf_err_set(pc->err, ENOMEM, "out of memory");
	for (i = 0; v[i]; i++) {
		if (v[i] == ' ' || v[i] == '\t' || v[i] == '\n' ||
		    v[i] == '\r') {
			sp = j > 0;
			continue;
		}
		if (sp)
			d[j++] = ' ';
		sp = false;
		d[j++] = v[i];
	}
	d[j] = '\0';
	*out = d;
	return 0;
}

/* changed / added / removed (RFC 4661 3.6, LF-19, LF-34). */
static int value_cond(struct rctx *r, const xmlNode *n, enum lf_vop op)
{
	struct lf_pctx *pc = r->pc;
	char text[LF_XPATH_LEN_MAX + 64];
	struct lf_value *v;
	const char *by;
	size_t vi;
	int e;

	e = lf_xml_text(n, text, sizeof(text));
	if (e == EOVERFLOW)
		return lf_err_set(pc->err, EOVERFLOW,
				  "XPath longer than %d characters",
				  LF_XPATH_LEN_MAX);
	if (e)
		return lf_err_set(pc->err, EBADMSG, "%s must hold an XPath",
				  (const char *)n->name);
	e = lf_value_add(pc, &vi);
	if (e)
		return e;
	v = &pc->f->vals[vi];
	v->op = op;
	r->cur = n;
	e = lf_xpath_compile(&v->xp, text, resolve, r, pc->err);
	if (e)
		return e;
	if (op == LF_VOP_CHANGED) {
		/* LF-19: exactly //prefix:name. */
		if (!v->xp.rooted || v->xp.nsteps != 1 ||
		    v->xp.steps[0].attr || !v->xp.steps[0].ns)
			return lf_err_set(pc->err, EBADMSG,
					  "changed needs //prefix:name, not "
					  "%.60s", v->xp.src);
		by = lf_xml_attr(n, NULL, "by");
		e = attr_dup(pc, lf_xml_attr(n, NULL, "from"), &v->from);
		if (!e)
			e = attr_dup(pc, lf_xml_attr(n, NULL, "to"), &v->to);
		if (e)
			return e;
		if (by) {
			if (lf_decimal_parse(by, &v->by) || v->by < 0)
				return lf_err_set(pc->err, EBADMSG,
						  "changed by= needs a "
						  "decimal >= 0");
			v->has_by = true;
			if ((v->from &&
			     lf_decimal_parse(v->from, &v->from_num)) ||
			    (v->to && lf_decimal_parse(v->to, &v->to_num)))
				return lf_err_set(pc->err, EBADMSG,
						  "with by=, from= and to= "
						  "must be decimals");
		}
	}
	return lf_cond_add(pc, LF_KIND_CHANGED, NAN, vi);
}

static int moved(struct lf_pctx *pc, const xmlNode *n, bool *seen)
{
	char text[TEXT_MAX];
	double v;

	if (*seen)
		return lf_err_set(pc->err, EBADMSG,
				  "lf:moved appears more than once in a "
				  "filter");
	*seen = true;
	if (lf_xml_text(n, text, sizeof(text)) || lf_num_parse(text, &v))
		return lf_err_set(pc->err, EBADMSG,
				  "lf:moved needs a finite number >= 0");
	if (!lf_uom_is_metre(lf_xml_attr(n, NULL, "uom")))
		return lf_err_set(pc->err, ENOTSUP,
				  "lf:moved is in metres only");
	return lf_cond_add(pc, LF_KIND_MOVED_3D, v, 0);
}

static int trigger(struct rctx *r, const xmlNode *t, size_t fidx,
		   bool *seen_moved, size_t *ntrig)
{
	struct lf_pctx *pc = r->pc;
	const xmlNode *n;
	size_t fi;
	int e;

	if (!lf_xml_first(t))
		return 0;       /* LF-25: an empty trigger is absent */
	e = lf_group_add(pc, fidx, NULL);
	if (e)
		return e;
	(*ntrig)++;
	for (n = lf_xml_first(t); n; n = lf_xml_next(n)) {
		if (lf_xml_is(n, LF_NS_SF, "changed"))
			e = value_cond(r, n, LF_VOP_CHANGED);
		else if (lf_xml_is(n, LF_NS_SF, "added"))
			e = value_cond(r, n, LF_VOP_ADDED);
		else if (lf_xml_is(n, LF_NS_SF, "removed"))
			e = value_cond(r, n, LF_VOP_REMOVED);
		else if (lf_xml_is(n, LF_NS, "moved"))
			e = moved(pc, n, seen_moved);
		else if (lf_xml_is(n, LF_NS, "enterOrExit")) {
			e = lf_feature_add_rfc(pc, n, &fi);
			if (!e)
				e = lf_cond_add(pc, LF_KIND_REGION, NAN, fi);
		} else
			e = lf_err_set(pc->err, EBADMSG,
				       "unsupported trigger condition %.40s",
				       (const char *)n->name);
		if (e)
			return e;
	}
	return 0;
}

static int loctype_token(struct lf_pctx *pc, const char *tok,
			 struct lf_what *w, bool *any)
{
	enum lf_loctype t;
	unsigned i;

	if (strcmp(tok, "any") == 0) {
		*any = true;
		return 0;
	} else if (strcmp(tok, "civic") == 0) {
		t = LF_LOCTYPE_CIVIC;
	} else if (strcmp(tok, "geodetic") == 0) {
		t = LF_LOCTYPE_GEODETIC;
	} else {
		return lf_err_set(pc->err, EBADMSG,
				  "unknown locationType %.40s", tok);
	}
	for (i = 0; i < w->ntypes; i++)
		if (w->types[i] == t)
			return lf_err_set(pc->err, EBADMSG,
					  "locationType %s repeated", tok);
	w->types[w->ntypes++] = t;
	return 0;
}

static int loctype(struct lf_pctx *pc, const xmlNode *n, struct lf_what *w)
{
	char text[TEXT_MAX];
	const char *ex = lf_xml_attr(n, NULL, "exact");
	bool any = false;
	size_t i = 0, j;
	int e;

	memset(w, 0, sizeof(*w));
	if (ex && lf_bool_parse(ex, &w->exact))
		return lf_err_set(pc->err, EBADMSG,
				  "locationType exact must be a boolean");
	if (lf_xml_text(n, text, sizeof(text)))
		return lf_err_set(pc->err, EBADMSG, "bad locationType");
	while (text[i]) {
		if (strchr(" \t\r\n", text[i])) {
			i++;
			continue;
		}
		for (j = i; text[j] && !strchr(" \t\r\n", text[j]); j++)
			;
		if (text[j])
			text[j++] = '\0';
		e = loctype_token(pc, text + i, w, &any);
		if (e)
			return e;
		i = j;
	}
	if (any && w->ntypes > 0)
		return lf_err_set(pc->err, EBADMSG,
				  "locationType any must stand alone");
	if (!any && w->ntypes == 0)
		return lf_err_set(pc->err, EBADMSG, "empty locationType");
	if (any)
		w->exact = false;   /* ignored for any (LF-40) */
	return 0;
}

static int what(struct lf_pctx *pc, const xmlNode *w, struct lf_rfc_filter
		*rf)
{
	const xmlNode *n;
	bool seen = false;
	int e;

	for (n = lf_xml_first(w); n; n = lf_xml_next(n)) {
		if (!lf_xml_is(n, LF_NS, "locationType"))
			continue;   /* unknown in what is ignored */
		if (seen)
			return lf_err_set(pc->err, EBADMSG,
					  "locationType appears twice");
		seen = true;
		e = loctype(pc, n, &rf->what);
		if (e)
			return e;
	}
	rf->has_what = lf_xml_first(w) != NULL;
	return 0;
}

static int dup_attr(struct lf_pctx *pc, const char *v, const char **out)
{
	char *d;

	*out = NULL;
	if (!v)
		return 0;
	d = strdup(v);
	if (!d)
		return lf_err_set(pc->err, ENOMEM, "out of memory");
	*out = d;
	return 0;
}

static bool str_same(const char *a, const char *b)
{
	return a && b ? strcmp(a, b) == 0 : a == b;
}

static int filter(struct rctx *r, const xmlNode *fe, size_t fidx)
{
	struct lf_pctx *pc = r->pc;
	struct lf_rfc_filter *rf = &pc->f->rfc[fidx];
	const char *id = lf_xml_attr(fe, NULL, "id");
	const char *rm = lf_xml_attr(fe, NULL, "remove");
	const char *en = lf_xml_attr(fe, NULL, "enabled");
	bool seen_moved = false, seen_what = false;
	const xmlNode *n;
	size_t i;
	int e;

	rf->enabled = true;
	if (!id || !*id)
		return lf_err_set(pc->err, EBADMSG, "filter without id");
	for (i = 0; i < fidx; i++)
		if (strcmp(pc->f->rfc[i].id, id) == 0)
			return lf_err_set(pc->err, EBADMSG,
					  "duplicate filter id %.60s", id);
	e = dup_attr(pc, id, &rf->id);
	if (!e)
		e = dup_attr(pc, lf_xml_attr(fe, NULL, "uri"), &rf->uri);
	if (!e)
		e = dup_attr(pc, lf_xml_attr(fe, NULL, "domain"),
			     &rf->domain);
	if (e)
		return e;
	if (rf->uri && rf->domain)
		return lf_err_set(pc->err, EBADMSG,
				  "filter %.60s has both uri and domain", id);
	if ((rm && lf_bool_parse(rm, &rf->remove)) ||
	    (en && lf_bool_parse(en, &rf->enabled)))
		return lf_err_set(pc->err, EBADMSG,
				  "filter %.60s: remove/enabled must be "
				  "boolean", id);
	if (rf->remove)
		return 0;       /* deletes filter id; content irrelevant */
	/* RFC 4660 5.2: two filters for one resource or domain -> 488. */
	for (i = 0; i < fidx; i++) {
		const struct lf_rfc_filter *o = &pc->f->rfc[i];

		if (o->remove || !str_same(o->uri, rf->uri) ||
		    !str_same(o->domain, rf->domain))
			continue;
		return lf_err_set(pc->err, EBADMSG,
				  "filters %.40s and %.40s address the same "
				  "resource", o->id, id);
	}
	for (n = lf_xml_first(fe); n; n = lf_xml_next(n)) {
		if (lf_xml_is(n, LF_NS_SF, "what")) {
			if (seen_what)
				return lf_err_set(pc->err, EBADMSG,
						  "filter %.60s has two what",
						  id);
			seen_what = true;
			e = what(pc, n, rf);
		} else if (lf_xml_is(n, LF_NS_SF, "trigger")) {
			if (!rf->enabled)
				continue;   /* disabled: no triggers */
			e = trigger(r, n, fidx, &seen_moved, &rf->ntriggers);
		} else if (lf_xml_is(n, LF_NS, "moved")) {
			if (!rf->enabled)
				continue;
			e = lf_group_add(pc, fidx, NULL);   /* */
			if (!e)
				e = moved(pc, n, &seen_moved);
			if (!e)
				rf->ntriggers++;
		} else if (lf_xml_ns(n) &&
			   (strcmp(lf_xml_ns(n), LF_NS_SF) == 0 ||
			    strcmp(lf_xml_ns(n), LF_NS) == 0)) {
			e = lf_err_set(pc->err, EBADMSG,
				       "unexpected %.40s in filter",
				       (const char *)n->name);
		}
		if (e)
			return e;
	}
	if (rf->enabled && !rf->has_what && rf->ntriggers == 0)
		return lf_err_set(pc->err, EBADMSG,
				  "filter %.60s has neither what nor trigger",
				  id);
	return 0;
}

int lf_parse_rfc(struct lf_pctx *pc, const struct _xmlNode *root)
{
	struct rctx *r;
	const xmlNode *n;
	size_t nf = 0, i;
	bool what_set = false;
	int e = 0;

	r = calloc(1, sizeof(*r));
	if (!r)
		return lf_err_set(pc->err, ENOMEM, "out of memory");
	r->pc = pc;
	r->cur = root;
	if (lf_xml_is(root, LF_NS_SF, "filter")) {
		nf = 1;
	} else {
		for (n = lf_xml_first(root); n; n = lf_xml_next(n)) {
			if (lf_xml_is(n, LF_NS_SF, "ns-bindings"))
				e = bindings(r, n);
			else if (lf_xml_is(n, LF_NS_SF, "filter"))
				nf++;
			else
				e = lf_err_set(pc->err, EBADMSG,
					       "unexpected %.40s in "
					       "filter-set",
					       (const char *)n->name);
			if (e)
				goto out;
		}
	}
	if (nf == 0) {
		e = lf_err_set(pc->err, EBADMSG, "filter-set has no filter");
		goto out;
	}
	if (nf > LF_RFC_FILTERS_MAX) {
		e = lf_err_set(pc->err, EOVERFLOW, "more than %d filters",
			       LF_RFC_FILTERS_MAX);
		goto out;
	}
	if (lf_xml_is(root, LF_NS_SF, "filter")) {
		pc->f->nrfc = 1;
		e = filter(r, root, 0);
		goto what;
	}
	for (n = lf_xml_first(root); n; n = lf_xml_next(n)) {
		if (!lf_xml_is(n, LF_NS_SF, "filter"))
			continue;
		i = pc->f->nrfc++;
		e = filter(r, n, i);
		if (e)
			goto out;
	}
what:
	for (i = 0; !e && i < pc->f->nrfc && !what_set; i++) {
		const struct lf_rfc_filter *rf = &pc->f->rfc[i];

		if (rf->enabled && !rf->remove && rf->has_what) {
			pc->f->what = rf->what;
			what_set = true;
		}
	}
out:
	free(r);
	return e;
}
