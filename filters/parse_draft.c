/*
 * parse_draft.c: the draft's application/location-delta-filter+xml
 * (root lf:location-filter, LF-1..11). Every understood child is its own
 * OR group (LF-21). Any order; movedHoriz, movedVert and
 * speedExceeds at most once (LF-4); foreign-namespace children ignored,
 * unknown names in our namespace refused; no understood event at
 * all refused (1.4).
 */
#include <errno.h>
#include <math.h>
#include <string.h>

#include <libxml/tree.h>

#include "filters/lf_int.h"

#define TEXT_MAX 512

/* XPath prefixes: the in-scope xmlns of the valueChanges element. */
static const char *ns_in_scope(const char *prefix, void *arg)
{
	xmlNode *n = arg;
	xmlNs *ns = xmlSearchNs(n->doc, n, (const xmlChar *)prefix);

	return ns ? (const char *)ns->href : NULL;
}

/* movedHoriz / movedVert / speedExceeds: a gml:MeasureType. */
static int measure(struct lf_pctx *pc, const xmlNode *n, enum lf_kind kind,
		   double *out)
{
	const char *name = (const char *)n->name;
	const char *uom = lf_xml_attr(n, NULL, "uom");
	char text[TEXT_MAX];
	double v, factor;
	int e;

	e = lf_xml_text(n, text, sizeof(text));
	if (e)
		return lf_err_set(pc->err, EBADMSG, "%s is not a number",
				  name);
	if (lf_num_parse(text, &v))
		return lf_err_set(pc->err, EBADMSG,
				  "%s needs a finite number >= 0", name);
	e = kind == LF_KIND_SPEED ? lf_uom_speed(uom, &factor) :
				    lf_uom_distance(uom, &factor);
	if (e)
		return lf_err_set(pc->err, ENOTSUP, "%s: unknown uom %.40s",
				  name, uom);
	v *= factor;
	if (!isfinite(v))
		return lf_err_set(pc->err, EBADMSG, "%s out of range", name);
	*out = v;
	return 0;
}

static int value_changes(struct lf_pctx *pc, const xmlNode *n)
{
	char text[LF_XPATH_LEN_MAX + 64];
	struct lf_value *v;
	size_t vi;
	int e;

	e = lf_xml_text(n, text, sizeof(text));
	if (e == EOVERFLOW)
		return lf_err_set(pc->err, EOVERFLOW,
				  "XPath longer than %d characters",
				  LF_XPATH_LEN_MAX);
	if (e)
		return lf_err_set(pc->err, EBADMSG,
				  "valueChanges must hold an XPath");
	e = lf_value_add(pc, &vi);
	if (e)
		return e;
	v = &pc->f->vals[vi];
	v->op = LF_VOP_VALUE;
	e = lf_xpath_compile(&v->xp, text, ns_in_scope, (void *)n, pc->err);
	if (e)
		return e;
	e = lf_group_add(pc, 0, NULL);
	if (!e)
		e = lf_cond_add(pc, LF_KIND_VALUE, NAN, vi);
	return e;
}

int lf_parse_draft(struct lf_pctx *pc, const struct _xmlNode *root)
{
	static const struct {
		const char *name;
		enum lf_kind kind;
	} measures[] = {
		{"movedHoriz", LF_KIND_MOVED_H},
		{"movedVert", LF_KIND_MOVED_V},
		{"speedExceeds", LF_KIND_SPEED},
	};
	const char *rootns = lf_xml_ns(root);
	bool seen[3] = {false, false, false};
	const xmlNode *n;
	size_t i, fi;
	double v;
	int e;

	for (n = lf_xml_first(root); n; n = lf_xml_next(n)) {
		const char *ns = lf_xml_ns(n);
		const char *name = (const char *)n->name;

		/* Q-15, LF-6: foreign children are ignored (lax); under a
		 * no-namespace root ours may be either. */
		if (!(ns ? strcmp(ns, LF_NS) == 0 : rootns == NULL))
			continue;
		for (i = 0; i < 3; i++)
			if (strcmp(name, measures[i].name) == 0)
				break;
		if (i < 3) {
			if (seen[i])
				return lf_err_set(pc->err, EBADMSG,
						  "%s appears more than once",
						  name);
			seen[i] = true;
			e = measure(pc, n, measures[i].kind, &v);
			if (!e)
				e = lf_group_add(pc, 0, NULL);
			if (!e)
				e = lf_cond_add(pc, measures[i].kind, v, 0);
		} else if (strcmp(name, "valueChanges") == 0) {
			e = value_changes(pc, n);
		} else if (strcmp(name, "enterOrExit") == 0) {
			e = lf_feature_add_draft(pc, n, &fi);
			if (!e)
				e = lf_group_add(pc, 0, NULL);
			if (!e)
				e = lf_cond_add(pc, LF_KIND_REGION, NAN, fi);
		} else {
			e = lf_err_set(pc->err, EBADMSG,
				       "unknown filter event %.40s", name);
		}
		if (e)
			return e;
	}
	if (pc->f->ngroups == 0)
		return lf_err_set(pc->err, EBADMSG,
				  "location-filter has no filter event");
	return 0;
}
