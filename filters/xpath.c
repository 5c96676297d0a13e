/*
 * xpath.c: the restricted XPath of valueChanges and changed (Q-21).
 *
 * Grammar: [ "//" ] step *( "/" step ) [ "/" "@" QName ], a step being a
 * QName; no predicates, functions, variables, axes or wildcards; at most
 * LF_XPATH_STEPS_MAX steps and LF_XPATH_LEN_MAX characters. Prefixes are
 * resolved once, at compile time; namespaces are folded into alias
 * classes (Q-4 dyn schema URN, Q-5 civic namespaces), so matching is a
 * pair of string compares per element. Evaluation walks the libxml2 tree
 * directly (no xmlXPath context, no allocation beyond the value buffers,
 * which are reused across evaluations).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "filters/lf_int.h"

const char *lf_ns_canon(const char *href)
{
	if (!href)
		return NULL;
	if (strcmp(href, LF_NS_CIVICLOC) == 0 ||
	    strcmp(href, LF_NS_CIVILLOC) == 0)
		return LF_NS_CIVIC;
	if (strcmp(href, LF_NS_DYN_SCHEMA) == 0)
		return LF_NS_DYN;
	return href;
}

/* In the civic class, the draft's civilAddress is RFC civicAddress. */
static const char *local_canon(const char *ns, const char *local)
{
	if (ns && strcmp(ns, LF_NS_CIVIC) == 0 &&
	    strcmp(local, "civilAddress") == 0)
		return "civicAddress";
	return local;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool name_start(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	       c >= 0x80;
}

static bool name_char(unsigned char c)
{
	return name_start(c) || (c >= '0' && c <= '9') || c == '-' ||
	       c == '.';
}

/* Length of an NCName at s, 0 if none. */
static size_t ncname_len(const char *s)
{
	size_t n = 0;

	if (!name_start((unsigned char)s[0]))
		return 0;
	while (name_char((unsigned char)s[n]))
		n++;
	return n;
}

void lf_xpath_reset(struct lf_xpath *xp)
{
	unsigned i;

	if (!xp)
		return;
	for (i = 0; i < xp->nsteps; i++) {
		free(xp->steps[i].ns);
		free(xp->steps[i].local);
	}
	free(xp->src);
	memset(xp, 0, sizeof(*xp));
}

static char *dup_n(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

/* Parse one step at *sp (QName or @QName); advances *sp. */
static int step_parse(struct lf_xpath *xp, const char **sp,
		      lf_ns_resolve_h *h, void *arg, struct lf_err *err)
{
	const char *s = *sp;
	struct lf_xstep *st;
	const char *pfx = NULL, *local;
	size_t plen = 0, llen;
	const char *href = NULL;
	char pbuf[64];
	bool attr = false;

	if (xp->nsteps >= LF_XPATH_STEPS_MAX)
		return lf_err_set(err, EOVERFLOW,
				  "XPath has more than %d steps",
				  LF_XPATH_STEPS_MAX);
	if (*s == '@') {
		attr = true;
		s++;
	}
	llen = ncname_len(s);
	if (llen == 0)
		return lf_err_set(err, EBADMSG,
				  "unsupported XPath construct in %s",
				  xp->src);
	local = s;
	s += llen;
	if (*s == ':') {
		pfx = local;
		plen = llen;
		local = s + 1;
		llen = ncname_len(local);
		if (llen == 0)
			return lf_err_set(err, EBADMSG,
					  "unsupported XPath construct in %s",
					  xp->src);
		s = local + llen;
	}
	if (*s != '\0' && *s != '/')
		return lf_err_set(err, EBADMSG,
				  "unsupported XPath construct in %s",
				  xp->src);
	if (pfx) {
		if (plen >= sizeof(pbuf))
			return lf_err_set(err, EBADMSG,
					  "XPath prefix too long");
		memcpy(pbuf, pfx, plen);
		pbuf[plen] = '\0';
		href = h ? h(pbuf, arg) : NULL;
		if (!href || !*href)
			return lf_err_set(err, EBADMSG,
					  "unbound prefix %s in XPath %s",
					  pbuf, xp->src);
		href = lf_ns_canon(href);
	}
	st = &xp->steps[xp->nsteps];
	st->attr = attr;
	st->ns = href ? strdup(href) : NULL;
	st->local = dup_n(local, llen);
	xp->nsteps++;   /* so that reset frees what was allocated */
	if ((href && !st->ns) || !st->local)
		return lf_err_set(err, ENOMEM, "out of memory");
	if (!attr) {
		const char *c = local_canon(st->ns, st->local);

		if (c != st->local) {
			char *d = strdup(c);

			if (!d)
				return lf_err_set(err, ENOMEM,
						  "out of memory");
			free(st->local);
			st->local = d;
		}
	}
	*sp = s;
	return 0;
}

int lf_xpath_compile(struct lf_xpath *xp, const char *expr,
		     lf_ns_resolve_h *h, void *arg, struct lf_err *err)
{
	const char *s, *end;
	size_t n;
	int e;

	if (!xp || !expr)
		return lf_err_set(err, EINVAL, "no XPath");
	memset(xp, 0, sizeof(*xp));
	while (*expr && is_space(*expr))
		expr++;
	n = strlen(expr);
	while (n > 0 && is_space(expr[n - 1]))
		n--;
	if (n == 0)
		return lf_err_set(err, EBADMSG, "empty XPath");
	if (n > LF_XPATH_LEN_MAX)
		return lf_err_set(err, EOVERFLOW,
				  "XPath longer than %d characters",
				  LF_XPATH_LEN_MAX);
	xp->src = dup_n(expr, n);
	if (!xp->src)
		return lf_err_set(err, ENOMEM, "out of memory");
	s = xp->src;
	end = s + n;
	if (s[0] == '/' && s[1] == '/') {
		xp->rooted = true;
		s += 2;
	} else if (s[0] == '/') {
		e = lf_err_set(err, EBADMSG,
			       "absolute XPath %s not supported", xp->src);
		goto out;
	}
	for (;;) {
		if (xp->nsteps > 0 && xp->steps[xp->nsteps - 1].attr) {
			e = lf_err_set(err, EBADMSG,
				       "XPath attribute step must be last "
				       "in %s", xp->src);
			goto out;
		}
		e = step_parse(xp, &s, h, arg, err);
		if (e)
			goto out;
		if (s == end)
			break;
		s++;    /* the '/' */
		if (*s == '/' || *s == '\0') {
			e = lf_err_set(err, EBADMSG,
				       "unsupported XPath construct in %s",
				       xp->src);
			goto out;
		}
	}
	return 0;
out:
	lf_xpath_reset(xp);
	return e;
}

/* ------------------------------------------------------------------ */
/* Value buffers                                                       */

void lf_buf_reset(struct lf_buf *b)
{
	if (!b)
		return;
	free(b->p);
	memset(b, 0, sizeof(*b));
}

bool lf_buf_eq(const struct lf_buf *a, const struct lf_buf *b)
{
	if (a->len != b->len || a->truncated != b->truncated)
		return false;
	return a->len == 0 || memcmp(a->p, b->p, a->len) == 0;
}

void lf_val_free(struct lf_val *v)
{
	if (!v)
		return;
	lf_buf_reset(&v->canon);
	lf_buf_reset(&v->tok);
	v->count = 0;
}

static int buf_put(struct lf_buf *b, const char *s, size_t n)
{
	if (b->truncated)
		return 0;
	if (b->len + n + 1 > LF_VALUE_MAX) {
		b->truncated = true;
		return 0;
	}
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		char *p;

		while (cap < b->len + n + 1)
			cap *= 2;
		if (cap > LF_VALUE_MAX)
			cap = LF_VALUE_MAX;
		p = realloc(b->p, cap);
		if (!p)
			return ENOMEM;
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

static int buf_str(struct lf_buf *b, const char *s)
{
	return buf_put(b, s, strlen(s));
}

/* Append text collapsing whitespace runs (xs:token). *st carries the
 * state across text nodes: 0 nothing written yet, 1 inside text, 2 a
 * space pending (written only before the next non-space). */
static int buf_tok(struct lf_buf *b, const char *s, int *st)
{
	int e = 0;

	for (; *s && !e; s++) {
		if (is_space(*s)) {
			if (*st == 1)
				*st = 2;
			continue;
		}
		if (*st == 2)
			e = buf_put(b, " ", 1);
		*st = 1;
		if (!e)
			e = buf_put(b, s, 1);
	}
	return e;
}

/* ------------------------------------------------------------------ */
/* Evaluation                                                          */

struct walk {
	const struct lf_xpath *xp;
	struct lf_val *out;
	int err;
};

static const char *node_ns(const xmlNode *n)
{
	return n->ns ? lf_ns_canon((const char *)n->ns->href) : NULL;
}

static bool ns_eq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

static bool el_match(const xmlNode *n, const struct lf_xstep *st)
{
	const char *ns;

	if (n->type != XML_ELEMENT_NODE)
		return false;
	ns = node_ns(n);
	return ns_eq(ns, st->ns) &&
	       strcmp(local_canon(ns, (const char *)n->name), st->local) == 0;
}

static bool attr_match(const xmlAttr *a, const struct lf_xstep *st)
{
	const char *ns = a->ns ? lf_ns_canon((const char *)a->ns->href) :
				 NULL;

	return ns_eq(ns, st->ns) && strcmp((const char *)a->name,
					   st->local) == 0;
}

static int qname_put(struct lf_buf *b, const char *ns, const char *local)
{
	int e = 0;

	if (ns) {
		e = buf_put(b, "{", 1);
		if (!e)
			e = buf_str(b, ns);
		if (!e)
			e = buf_put(b, "}", 1);
	}
	if (!e)
		e = buf_str(b, local);
	return e;
}

static int attr_value_put(struct lf_buf *b, const xmlAttr *a)
{
	const xmlNode *t;
	int sp = 0;
	int e = 0;

	for (t = a->children; t && !e; t = t->next)
		if (t->content)
			e = buf_tok(b, (const char *)t->content, &sp);
	return e;
}

/* Canonical form of an element: name, attributes, text, children. */
static int canon_el(struct lf_buf *b, const xmlNode *n)
{
	const xmlAttr *a;
	const xmlNode *c;
	const char *ns = node_ns(n);
	int sp = 0;
	int e;

	e = buf_put(b, "<", 1);
	if (!e)
		e = qname_put(b, ns, local_canon(ns, (const char *)n->name));
	for (a = n->properties; a && !e; a = a->next) {
		e = buf_put(b, " ", 1);
		if (!e)
			e = qname_put(b, a->ns ? lf_ns_canon((const char *)
							    a->ns->href) :
						 NULL,
				      (const char *)a->name);
		if (!e)
			e = buf_put(b, "=", 1);
		if (!e)
			e = attr_value_put(b, a);
	}
	if (!e)
		e = buf_put(b, ">", 1);
	for (c = n->children; c && !e; c = c->next) {
		if ((c->type == XML_TEXT_NODE ||
		     c->type == XML_CDATA_SECTION_NODE) && c->content)
			e = buf_tok(b, (const char *)c->content, &sp);
	}
	for (c = n->children; c && !e; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			e = canon_el(b, c);
	if (!e)
		e = buf_put(b, "</>", 3);
	return e;
}

/* String value of a node: its descendant text, collapsed. */
static int string_value(struct lf_buf *b, const xmlNode *n, int *sp)
{
	const xmlNode *c;
	int e = 0;

	for (c = n->children; c && !e; c = c->next) {
		if ((c->type == XML_TEXT_NODE ||
		     c->type == XML_CDATA_SECTION_NODE) && c->content)
			e = buf_tok(b, (const char *)c->content, sp);
		else if (c->type == XML_ELEMENT_NODE)
			e = string_value(b, c, sp);
	}
	return e;
}

static void emit_el(struct walk *w, const xmlNode *n)
{
	int sp = 0;

	if (w->err)
		return;
	if (w->out->count > 0)
		w->err = buf_put(&w->out->canon, "\n", 1);
	if (!w->err)
		w->err = canon_el(&w->out->canon, n);
	if (!w->err && w->out->count == 0)
		w->err = string_value(&w->out->tok, n, &sp);
	w->out->count++;
}

static void emit_attr(struct walk *w, const xmlAttr *a)
{
	if (w->err)
		return;
	if (w->out->count > 0)
		w->err = buf_put(&w->out->canon, "\n", 1);
	if (!w->err)
		w->err = buf_put(&w->out->canon, "@", 1);
	if (!w->err)
		w->err = qname_put(&w->out->canon,
				   a->ns ? lf_ns_canon((const char *)
						       a->ns->href) : NULL,
				   (const char *)a->name);
	if (!w->err)
		w->err = buf_put(&w->out->canon, "=", 1);
	if (!w->err)
		w->err = attr_value_put(&w->out->canon, a);
	if (!w->err && w->out->count == 0)
		w->err = attr_value_put(&w->out->tok, a);
	w->out->count++;
}

/* Steps k.. applied to the children (or attributes) of element n. */
static void match_from(struct walk *w, const xmlNode *n, unsigned k)
{
	const struct lf_xstep *st = &w->xp->steps[k];
	bool last = k + 1 == w->xp->nsteps;
	const xmlNode *c;

	if (st->attr) {
		const xmlAttr *a;

		for (a = n->properties; a; a = a->next)
			if (attr_match(a, st))
				emit_attr(w, a);
		return;
	}
	for (c = n->children; c && !w->err; c = c->next) {
		if (!el_match(c, st))
			continue;
		if (last)
			emit_el(w, c);
		else
			match_from(w, c, k + 1);
	}
}

/* "//" first step: every element (or attribute) of the document. */
static void match_desc(struct walk *w, const xmlNode *n)
{
	const struct lf_xstep *st = &w->xp->steps[0];
	const xmlNode *c;

	if (st->attr) {
		const xmlAttr *a;

		for (a = n->properties; a; a = a->next)
			if (attr_match(a, st))
				emit_attr(w, a);
	} else if (el_match(n, st)) {
		if (w->xp->nsteps == 1)
			emit_el(w, n);
		else
			match_from(w, n, 1);
	}
	for (c = n->children; c && !w->err; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			match_desc(w, c);
}

int lf_xpath_eval(const struct lf_xpath *xp, const struct _xmlNode *ctx,
		  struct lf_val *out)
{
	struct walk w = {xp, out, 0};
	const xmlNode *top;

	if (!xp || !out || xp->nsteps == 0)
		return EINVAL;
	out->count = 0;
	out->canon.len = 0;
	out->canon.truncated = false;
	out->tok.len = 0;
	out->tok.truncated = false;
	if (!ctx)
		return 0;
	if (xp->rooted) {
		top = ctx;
		while (top->parent && top->parent->type == XML_ELEMENT_NODE)
			top = top->parent;
		match_desc(&w, top);
	} else {
		match_from(&w, ctx, 0);
	}
	return w.err;
}
