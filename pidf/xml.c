/*
 * xml.c: the one hardened libxml2 read of locd (PIDF-LO here, location
 * filters in filters/), and small node helpers used inside pidf/.
 *
 * Hardening (SEC-18, STYLE 2.6): size checked before parsing; options
 * XML_PARSE_NONET | XML_PARSE_NOCDATA (never NOENT, DTDLOAD, DTDATTR,
 * HUGE, XINCLUDE); SAX hooks stop the parser at the first DOCTYPE,
 * entity declaration or entity reference, and at the first element
 * deeper than max_depth or beyond max_elements, so hostile documents are
 * refused while being read, not after being built.  UTF-8 only
 * (enc_check, before libxml2 sees the bytes, plus XML_PARSE_IGNORE_ENC):
 * no iconv encoder is ever made, so nothing reaches libxml2's global
 * error handlers, which print to stderr and which we leave alone (they
 * are process state; errors with a context go to the quiet serror).
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>

#include "pidf/pidf.h"
#include "pidf/pidf_int.h"

enum xr_stop {
	XR_OK = 0,
	XR_DOCTYPE,
	XR_DEPTH,
	XR_ELEMENTS,
};

struct xr_state {
	enum xr_stop stop;
	unsigned depth;
	size_t nelem;
	unsigned max_depth;
	size_t max_elem;
	startElementNsSAX2Func start;
	endElementNsSAX2Func end;
};

void pidf_limits_init(struct pidf_limits *lim)
{
	if (!lim)
		return;
	lim->max_body = PIDF_BODY_MAX;
	lim->max_depth = PIDF_DEPTH_MAX;
	lim->max_elements = PIDF_ELEMENTS_MAX;
	lim->max_tuples = PIDF_TUPLES_MAX;
}

static int fail_v(struct pidf_err *err, int code, const char *what,
		  const char *fmt, va_list ap)
{
	int n;
	char *p;

	if (!err)
		return code;
	err->code = code;
	n = snprintf(err->msg, sizeof(err->msg), "%s: ", what);
	if (n < 0 || (size_t)n >= sizeof(err->msg))
		n = 0;
	vsnprintf(err->msg + n, sizeof(err->msg) - (size_t)n, fmt, ap);
	/* Fit for a quoted Warning header: no quotes, no controls. */
	for (p = err->msg; *p; p++) {
		if (*p == '"' || *p == '\\')
			*p = '\'';
		else if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	}
	return code;
}

int pidf__fail(struct pidf_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	code = fail_v(err, code, "PIDF-LO", fmt, ap);
	va_end(ap);
	return code;
}

/* Same, prefixed with the document's name (the reader is shared). */
static int fail_doc(struct pidf_err *err, int code, const char *what,
		    const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int fail_doc(struct pidf_err *err, int code, const char *what,
		    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	code = fail_v(err, code, what, fmt, ap);
	va_end(ap);
	return code;
}

static void xr_stop(xmlParserCtxtPtr ctxt, enum xr_stop why)
{
	struct xr_state *st = ctxt->_private;

	if (st->stop == XR_OK)
		st->stop = why;
	xmlStopParser(ctxt);
}

static void xr_internal_subset(void *ctx, const xmlChar *name,
			       const xmlChar *eid, const xmlChar *sid)
{
	(void)name;
	(void)eid;
	(void)sid;
	xr_stop(ctx, XR_DOCTYPE);
}

static void xr_entity_decl(void *ctx, const xmlChar *name, int type,
			   const xmlChar *pid, const xmlChar *sid,
			   xmlChar *content)
{
	(void)name;
	(void)type;
	(void)pid;
	(void)sid;
	(void)content;
	xr_stop(ctx, XR_DOCTYPE);
}

static xmlEntityPtr xr_get_entity(void *ctx, const xmlChar *name)
{
	/* Only the five predefined entities, which never reach here. */
	xmlEntityPtr ent = xmlGetPredefinedEntity(name);

	if (!ent)
		xr_stop(ctx, XR_DOCTYPE);
	return ent;
}

/* Errors are read from the context, never printed (no stderr). */
static void xr_quiet(void *ctx, xmlErrorPtr error)
{
	(void)ctx;
	(void)error;
}

static void xr_start(void *ctx, const xmlChar *localname,
		     const xmlChar *prefix, const xmlChar *uri, int nb_ns,
		     const xmlChar **ns, int nb_attr, int nb_def,
		     const xmlChar **attrs)
{
	xmlParserCtxtPtr ctxt = ctx;
	struct xr_state *st = ctxt->_private;

	if (st->stop != XR_OK)
		return;
	if (++st->nelem > st->max_elem) {
		xr_stop(ctxt, XR_ELEMENTS);
		return;
	}
	if (++st->depth > st->max_depth) {
		xr_stop(ctxt, XR_DEPTH);
		return;
	}
	st->start(ctx, localname, prefix, uri, nb_ns, ns, nb_attr, nb_def,
		  attrs);
}

static void xr_end(void *ctx, const xmlChar *localname,
		   const xmlChar *prefix, const xmlChar *uri)
{
	xmlParserCtxtPtr ctxt = ctx;
	struct xr_state *st = ctxt->_private;

	if (st->stop != XR_OK)
		return;
	if (st->depth)
		st->depth--;
	st->end(ctx, localname, prefix, uri);
}

/*
 * UTF-8 only (LOCATION.md 1.4, LF-12), decided before libxml2 sees the
 * bytes: libxml2 reports conversion errors of other encodings (iconv:
 * Shift_JIS, EUC-JP, ISO-2022-JP, ...) through its global handlers with
 * no parser context, so no per-context handler can keep them off stderr
 * (STYLE 2.7).  Refuses an encoding detected from the first bytes
 * (UTF-16/UCS-4 BOMs or NULs, EBCDIC) and any encoding declared in the
 * XML declaration other than UTF-8; XML_PARSE_IGNORE_ENC then keeps
 * libxml2 from switching on a declaration this scan did not see.
 * Returns 0 or EBADMSG.
 */
static bool is_xml_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int enc_check(const char *buf, size_t len, const char *what,
		     struct pidf_err *err)
{
	const unsigned char *u = (const unsigned char *)buf;
	const char *p, *end, *q, *k;
	xmlCharEncoding enc;
	const char *name;
	char quote;
	size_t vl;

	enc = xmlDetectCharEncoding(u, len < 4 ? (int)len : 4);
	if (enc != XML_CHAR_ENCODING_NONE && enc != XML_CHAR_ENCODING_UTF8) {
		name = xmlGetCharEncodingName(enc);
		return fail_doc(err, EBADMSG, what, "encoding %s not "
				"supported; UTF-8 only", name ? name : "?");
	}
	p = buf;
	end = buf + len;
	if (len >= 3 && u[0] == 0xef && u[1] == 0xbb && u[2] == 0xbf)
		p += 3;
	if (end - p < 6 || memcmp(p, "<?xml", 5) != 0 || !is_xml_ws(p[5]))
		return 0; /* no declaration: UTF-8 */
	q = memmem(p, (size_t)(end - p), "?>", 2);
	if (q)
		end = q;
	for (p += 5; (k = memmem(p, (size_t)(end - p), "encoding", 8));
	     p = k + 8) {
		if (!is_xml_ws(k[-1]))
			continue;
		q = k + 8;
		while (q < end && is_xml_ws(*q))
			q++;
		if (q == end || *q != '=')
			continue;
		for (q++; q < end && is_xml_ws(*q); q++)
			;
		if (q == end || (*q != '"' && *q != '\''))
			continue;
		quote = *q++;
		for (vl = 0; q + vl < end && q[vl] != quote; vl++)
			;
		if (vl == 5 && strncasecmp(q, "UTF-8", 5) == 0)
			return 0;
		return fail_doc(err, EBADMSG, what, "encoding %.*s not "
				"supported; UTF-8 only",
				(int)(vl > 40 ? 40 : vl), q);
	}
	return 0;
}

int pidf_xml_read(const char *buf, size_t len, const struct pidf_limits *lim,
		  const char *what, struct _xmlDoc **docp,
		  struct pidf_err *err)
{
	struct pidf_limits dl;
	struct xr_state st;
	xmlParserCtxtPtr ctxt = NULL;
	xmlDocPtr doc = NULL;
	int rc = 0;
	int line;

	if (!what)
		what = "XML";
	if (!buf || !docp)
		return fail_doc(err, EINVAL, what, "no body");
	if (!lim) {
		pidf_limits_init(&dl);
		lim = &dl;
	}
	if (len == 0)
		return fail_doc(err, EBADMSG, what, "empty body");
	if (len > lim->max_body || len > INT_MAX)
		return fail_doc(err, EOVERFLOW, what, "body over %zu bytes",
				lim->max_body);

	rc = enc_check(buf, len, what, err);
	if (rc)
		return rc;

	ctxt = xmlCreateMemoryParserCtxt(buf, (int)len);
	if (!ctxt || !ctxt->sax)
		return fail_doc(err, ENOMEM, what, "out of memory");
	memset(&st, 0, sizeof(st));
	st.max_depth = lim->max_depth;
	st.max_elem = lim->max_elements;
	st.start = ctxt->sax->startElementNs;
	st.end = ctxt->sax->endElementNs;
	ctxt->_private = &st;
	ctxt->sax->internalSubset = xr_internal_subset;
	ctxt->sax->externalSubset = xr_internal_subset;
	ctxt->sax->entityDecl = xr_entity_decl;
	ctxt->sax->getEntity = xr_get_entity;
	ctxt->sax->getParameterEntity = xr_get_entity;
	ctxt->sax->startElementNs = xr_start;
	ctxt->sax->endElementNs = xr_end;
	ctxt->sax->resolveEntity = NULL;
	ctxt->sax->serror = xr_quiet;
	xmlCtxtUseOptions(ctxt, XML_PARSE_NONET | XML_PARSE_NOCDATA |
			  XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
			  XML_PARSE_IGNORE_ENC);
	ctxt->linenumbers = 1;

	(void)xmlParseDocument(ctxt);
	doc = ctxt->myDoc;
	ctxt->myDoc = NULL;
	line = ctxt->input ? ctxt->input->line : 0;

	switch (st.stop) {
	case XR_DOCTYPE:
		rc = fail_doc(err, EPROTO, what, "DOCTYPE or entities "
			      "refused");
		goto out;
	case XR_DEPTH:
		rc = fail_doc(err, EOVERFLOW, what, "nested deeper than %u "
			      "elements", lim->max_depth);
		goto out;
	case XR_ELEMENTS:
		rc = fail_doc(err, EOVERFLOW, what, "more than %zu "
			      "elements", lim->max_elements);
		goto out;
	case XR_OK:
		break;
	}
	if (ctxt->errNo == XML_ERR_NO_MEMORY) {
		rc = fail_doc(err, ENOMEM, what, "out of memory");
		goto out;
	}
	if (!ctxt->wellFormed || !doc || !xmlDocGetRootElement(doc)) {
		rc = fail_doc(err, EBADMSG, what, "malformed XML near line "
			      "%d", line);
		goto out;
	}
	if (doc->intSubset || doc->extSubset) {
		rc = fail_doc(err, EPROTO, what, "DOCTYPE refused");
		goto out;
	}
	*docp = doc;
	doc = NULL;
out:
	if (doc)
		xmlFreeDoc(doc);
	ctxt->_private = NULL;
	xmlFreeParserCtxt(ctxt);
	return rc;
}

void pidf_xml_free(struct _xmlDoc *doc)
{
	if (doc)
		xmlFreeDoc(doc);
}

/* ------------------------------------------------------------------ */
/* Node helpers                                                        */

static bool ns_eq(const xmlChar *href, const char *ns)
{
	const char *h = (const char *)href;
	size_t n;

	while (*h == ' ' || *h == '\t' || *h == '\n' || *h == '\r')
		h++;
	n = strlen(ns);
	if (strncmp(h, ns, n) != 0)
		return false;
	h += n;
	while (*h == ' ' || *h == '\t' || *h == '\n' || *h == '\r')
		h++;
	return *h == '\0';
}

bool pidf__in_ns(const xmlNode *n, const char *ns)
{
	if (!n || n->type != XML_ELEMENT_NODE)
		return false;
	if (!ns)
		return n->ns == NULL;
	return n->ns && n->ns->href && ns_eq(n->ns->href, ns);
}

bool pidf__is(const xmlNode *n, const char *ns, const char *name)
{
	return pidf__in_ns(n, ns) &&
	       strcmp((const char *)n->name, name) == 0;
}

xmlNode *pidf__first_elem(const xmlNode *n)
{
	xmlNode *c;

	for (c = n ? n->children : NULL; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			return c;
	return NULL;
}

xmlNode *pidf__next_elem(const xmlNode *n)
{
	xmlNode *c;

	for (c = n ? n->next : NULL; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			return c;
	return NULL;
}

xmlNode *pidf__next(const xmlNode *n, const char *ns, const char *name)
{
	xmlNode *c;

	for (c = pidf__next_elem(n); c; c = pidf__next_elem(c))
		if (pidf__is(c, ns, name))
			return c;
	return NULL;
}

xmlNode *pidf__child(const xmlNode *n, const char *ns, const char *name)
{
	xmlNode *c = pidf__first_elem(n);

	if (!c || pidf__is(c, ns, name))
		return c;
	return pidf__next(c, ns, name);
}

int pidf__text(const xmlNode *n, bool collapse, char *buf, size_t sz)
{
	const xmlNode *c;
	size_t len = 0;
	bool space = false;

	if (!n || !buf || sz == 0)
		return EINVAL;
	for (c = n->children; c; c = c->next) {
		const unsigned char *s;

		if (c->type == XML_ELEMENT_NODE)
			return EBADMSG;
		if (c->type != XML_TEXT_NODE &&
		    c->type != XML_CDATA_SECTION_NODE)
			continue;
		for (s = c->content; s && *s; s++) {
			bool ws = *s == ' ' || *s == '\t' || *s == '\n' ||
				  *s == '\r';
			if (ws && (collapse || len == 0)) {
				space = len > 0;
				continue;
			}
			if (space) {
				if (len + 1 >= sz)
					return EOVERFLOW;
				buf[len++] = ' ';
				space = false;
			}
			if (len + 1 >= sz)
				return EOVERFLOW;
			buf[len++] = (char)*s;
		}
	}
	/* Trailing whitespace (non-collapsed mode keeps inner runs). */
	while (len > 0 && (buf[len - 1] == ' ' || buf[len - 1] == '\t' ||
			   buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		len--;
	buf[len] = '\0';
	return 0;
}

int pidf__num(const char *s, double *v)
{
	const char *p;
	char *end;
	double d;

	if (!s || !*s || !v)
		return EINVAL;
	/* xs:double digits only: no hex, inf, nan (strtod takes them). */
	for (p = s; *p; p++)
		if (!isdigit((unsigned char)*p) && *p != '.' && *p != '-' &&
		    *p != '+' && *p != 'e' && *p != 'E')
			return EBADMSG;
	errno = 0;
	d = strtod(s, &end);
	if (end == s || *end != '\0' || errno == ERANGE || !isfinite(d))
		return EBADMSG;
	*v = d;
	return 0;
}

int pidf__bool(const char *s, bool *v)
{
	if (!s || !v)
		return EINVAL;
	if (!strcmp(s, "true") || !strcmp(s, "1") || !strcmp(s, "yes"))
		*v = true;
	else if (!strcmp(s, "false") || !strcmp(s, "0") ||
		 !strcmp(s, "no"))
		*v = false;
	else
		return EBADMSG;
	return 0;
}
