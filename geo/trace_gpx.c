/*
 * trace_gpx.c: GPX 1.0 and 1.1 trace reader on the libxml2 streaming
 * xmlTextReader (no tree: memory stays flat whatever the file size).
 *
 * Points: trk/trkseg/trkpt and rte/rtept in document order; wpt only
 * when opts.waypoints (else counted in stats.waypoints). Per point: lat,
 * lon (attributes, required), ele, time, speed and course (GPX 1.0
 * children; 1.1 moved them out, so a speed or course element anywhere in
 * the point's <extensions>, e.g. Garmin TrackPointExtension or OsmAnd,
 * is used when there is no direct child). Other elements are ignored.
 *
 * Hardening (SEC-18): XML_PARSE_NONET only (never NOENT, DTDLOAD or
 * HUGE); the prolog is checked before the parser starts: a DOCTYPE, or
 * anything but an element after the XML declaration, PIs and comments,
 * is refused (and a DOCTYPE node from the reader would be too), so no
 * entity is ever declared, expanded or loaded; the encoding is held to
 * UTF-8 or a Latin-1 family one so that the byte scan sees what the
 * parser sees (UTF-16/UTF-7 documents are refused); depth is capped at
 * lim.max_depth.
 *
 * Line numbers: libxml2 keeps element lines below 65535; past that the
 * parser's current line is used, which may run a few lines ahead.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/xmlreader.h>

#include "geo/trace_int.h"

#define GPX10_NS "http://www.topografix.com/GPX/1/0"
#define GPX11_NS "http://www.topografix.com/GPX/1/1"

enum { PT_NONE, PT_TRK, PT_RTE, PT_WPT };
enum { F_NONE, F_ELE, F_TIME, F_SPEED, F_COURSE };

static const char *const pt_names[] = { "?", "trkpt", "rtept", "wpt" };
static const char *const field_names[] = { "?", "ele", "time", "speed",
					   "course" };

static void gpx_xml_error(void *arg, xmlErrorPtr e)
{
	struct trace_gpx *g = arg;
	size_t n;

	if (!e || e->level < XML_ERR_ERROR || g->xml_err[0])
		return;
	snprintf(g->xml_err, sizeof(g->xml_err), "%s",
		 e->message ? e->message : "malformed XML");
	n = strlen(g->xml_err);
	while (n && (g->xml_err[n - 1] == '\n' || g->xml_err[n - 1] == ' '))
		g->xml_err[--n] = '\0';
	g->xml_err_line = e->line > 0 ? (unsigned)e->line : 0;
}

/*
 * Walk the prolog (BOM, blanks, <?...?>, comments) the way the parser
 * will (in a well-formed prolog neither can hold its own terminator) and
 * demand that an element start tag follows: a <!DOCTYPE (GPX never needs
 * one, and it is how entities get in) or anything else is refused here,
 * before the parser sees a byte. Returns 0 or EBADMSG with *line set.
 */
static int gpx_prolog_check(const char *p, size_t len, unsigned *line,
			    bool *doctype)
{
	size_t i = 0, k;
	const char *e, *end;

	*line = 1;
	*doctype = false;
	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < len) {
		if (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' ||
		    p[i] == '\n') {
			*line += p[i] == '\n';
			i++;
			continue;
		}
		if (len - i >= 2 && memcmp(p + i, "<?", 2) == 0)
			e = memmem(p + i, len - i, end = "?>", 2);
		else if (len - i >= 4 && memcmp(p + i, "<!--", 4) == 0)
			e = memmem(p + i, len - i, end = "-->", 3);
		else
			break;
		if (!e)
			return EBADMSG; /* unterminated */
		for (k = i; k < (size_t)(e - p); k++)
			*line += p[k] == '\n';
		i = (size_t)(e - p) + strlen(end);
	}
	if (len - i >= 9 && memcmp(p + i, "<!DOCTYPE", 9) == 0) {
		*doctype = true;
		return EBADMSG;
	}
	if (len - i < 2 || p[i] != '<' || p[i + 1] == '!' || p[i + 1] == '?')
		return EBADMSG;
	return 0;
}

/*
 * The encoding the parser is held to. The prolog scan reads bytes, so it
 * is only sound for ASCII-compatible single-byte encodings and UTF-8:
 * anything else (UTF-16, UTF-7, EBCDIC...) could hide a DOCTYPE from it.
 * The declaration, if any, must name one of these; the parser is then
 * told to ignore it and use ours. NULL: refused.
 */
static const char *gpx_encoding(const char *p, size_t len)
{
	static const char *const ok[] = {
		"UTF-8", "US-ASCII", "ASCII", "ISO-8859-1", "ISO-8859-15",
		"latin1", "windows-1252",
	};
	const char *end, *enc, *q;
	size_t i, n;

	if (len >= 2 && ((unsigned char)p[0] == 0xfe ||
			 (unsigned char)p[0] == 0xff))
		return NULL; /* UTF-16 byte order mark */
	for (i = 0; i < len && i < 4; i++)
		if (p[i] == '\0')
			return NULL; /* UTF-16 or UCS-4 without BOM */
	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		return "UTF-8";
	if (len < 5 || memcmp(p, "<?xml", 5) != 0)
		return "UTF-8";
	end = memmem(p, len, "?>", 2);
	if (!end)
		return "UTF-8"; /* the parser will complain */
	enc = memmem(p, (size_t)(end - p), "encoding", 8);
	if (!enc)
		return "UTF-8";
	for (enc += 8; enc < end && (*enc == ' ' || *enc == '='); enc++)
		;
	if (enc >= end || (*enc != '"' && *enc != '\''))
		return NULL;
	q = memchr(enc + 1, *enc, (size_t)(end - enc - 1));
	if (!q)
		return NULL;
	n = (size_t)(q - enc - 1);
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (strlen(ok[i]) == n && strncasecmp(ok[i], enc + 1, n) == 0)
			return ok[i];
	return NULL;
}

static bool gpx_blank(const char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' &&
		    p[i] != '\n')
			return false;
	return true;
}

int geo_trace_gpx_open(struct geo_trace *tr, struct geo_err *err)
{
	struct trace_gpx *g;
	const char *enc;
	unsigned line;
	bool doctype;

	if (tr->len > INT_MAX)
		return geo_trace_errf(err, EOVERFLOW, "GPX too large");
	if (gpx_blank(tr->buf, tr->len))
		return geo_trace_errf(err, EBADMSG,
				      "line 1: not a GPX document");
	enc = gpx_encoding(tr->buf, tr->len);
	if (!enc)
		return geo_trace_errf(err, EBADMSG,
				      "line 1: GPX encoding not supported "
				      "(UTF-8 or Latin-1 only)");
	if (gpx_prolog_check(tr->buf, tr->len, &line, &doctype))
		return geo_trace_errf(err, EBADMSG, "line %u: %s", line,
				      doctype ? "DOCTYPE not allowed in GPX" :
				      "not a GPX document");
	g = calloc(1, sizeof(*g));
	if (!g)
		return geo_trace_errf(err, ENOMEM, "out of memory");
	g->rd = xmlReaderForMemory(tr->buf, (int)tr->len, NULL, enc,
				   XML_PARSE_NONET | XML_PARSE_IGNORE_ENC);
	if (!g->rd) {
		free(g);
		return geo_trace_errf(err, ENOMEM,
				      "cannot start the XML reader");
	}
	xmlTextReaderSetStructuredErrorHandler(g->rd, gpx_xml_error, g);
	g->pt_depth = -1;
	g->ext_depth = -1;
	tr->u.gpx = g;
	return 0;
}

void geo_trace_gpx_close(struct geo_trace *tr)
{
	struct trace_gpx *g = tr->u.gpx;

	if (!g)
		return;
	xmlFreeTextReader(g->rd);
	free(g);
	tr->u.gpx = NULL;
}

static unsigned gpx_line(struct trace_gpx *g)
{
	xmlNodePtr n = xmlTextReaderCurrentNode(g->rd);
	long l = n ? xmlGetLineNo(n) : -1;

	if (l > 0 && l < 65535)
		return (unsigned)l;
	l = xmlTextReaderGetParserLineNumber(g->rd);
	return l > 0 ? (unsigned)l : 0;
}

static bool gpx_ns_ok(struct trace_gpx *g)
{
	const char *ns = (const char *)xmlTextReaderConstNamespaceUri(g->rd);

	return !ns || strcmp(ns, GPX10_NS) == 0 ||
	       strcmp(ns, GPX11_NS) == 0;
}

/* lat or lon attribute of the current point element. */
static int gpx_coord(struct trace_gpx *g, const char *name, double *v,
		     unsigned line, struct geo_err *err)
{
	xmlChar *a = xmlTextReaderGetAttribute(g->rd, (const xmlChar *)name);
	int e;

	if (!a)
		return geo_trace_errf(err, EBADMSG, "line %u: %s: missing %s",
				      line, pt_names[g->pt_kind], name);
	e = geo_trace_num_parse((const char *)a, strlen((const char *)a), v);
	xmlFree(a);
	if (e)
		return geo_trace_errf(err, EBADMSG, "line %u: %s: bad %s",
				      line, pt_names[g->pt_kind], name);
	return 0;
}

static int gpx_point_start(struct trace_gpx *g, int kind, int depth,
			   struct geo_err *err)
{
	unsigned line = gpx_line(g);
	int e;

	if (kind == PT_WPT && g->last_kind != PT_WPT)
		g->container++;
	g->last_kind = kind;
	g->pt_kind = kind;
	g->pt_depth = depth;
	g->ext_depth = -1;
	g->field = F_NONE;
	memset(&g->fix, 0, sizeof(g->fix));
	g->fix.line = line;
	e = gpx_coord(g, "lat", &g->fix.pt.lat, line, err);
	if (!e)
		e = gpx_coord(g, "lon", &g->fix.pt.lon, line, err);
	return e;
}

/* The captured text of a field is complete: store it in the fix. */
static int gpx_field_end(struct trace_gpx *g, unsigned line,
			 struct geo_err *err)
{
	struct geo_fix *f = &g->fix;
	int field = g->field;
	const char *name = field_names[field];
	const char *t = g->text;
	size_t n = g->text_len;
	double v;
	int e;

	g->field = F_NONE;
	geo_trace_trim(&t, &n);
	while (n && (t[n - 1] == '\r' || t[n - 1] == '\n' ||
		     t[n - 1] == ' ' || t[n - 1] == '\t'))
		n--;
	if (g->text_long)
		return geo_trace_errf(err, EBADMSG,
				      "line %u: %s: value too long", line,
				      name);
	if (!n)
		return 0; /* empty element: value absent */
	if (field == F_TIME)
		e = geo_trace_time_parse(t, n, &v);
	else
		e = geo_trace_num_parse(t, n, &v);
	if (e)
		return geo_trace_errf(err, EBADMSG, "line %u: %s: bad %s",
				      line, name, name);
	switch (field) {
	case F_ELE:
		f->pt.alt = v;
		f->pt.has_alt = true;
		break;
	case F_TIME:
		f->time = v;
		f->has_time = true;
		break;
	case F_SPEED:
		if (!g->field_ext || !f->has_speed) {
			f->speed = v;
			f->has_speed = true;
		}
		break;
	default:
		if (!g->field_ext || !f->has_course) {
			f->course = v;
			f->has_course = true;
		}
		break;
	}
	return 0;
}

static int gpx_field_kind(const char *name)
{
	if (strcmp(name, "ele") == 0)
		return F_ELE;
	if (strcmp(name, "time") == 0)
		return F_TIME;
	if (strcmp(name, "speed") == 0)
		return F_SPEED;
	if (strcmp(name, "course") == 0)
		return F_COURSE;
	return F_NONE;
}

/* An element starts inside a point. */
static int gpx_child_start(struct trace_gpx *g, const char *name,
			   int depth, bool empty, struct geo_err *err)
{
	int kind = gpx_field_kind(name);

	if (g->field != F_NONE)
		return 0; /* markup inside a value: ignored */
	if (g->ext_depth >= 0) {
		/* Inside <extensions>: speed/course of any namespace. */
		if (kind != F_SPEED && kind != F_COURSE)
			return 0;
		g->field_ext = true;
	} else if (depth == g->pt_depth + 1 && gpx_ns_ok(g)) {
		if (strcmp(name, "extensions") == 0) {
			if (!empty)
				g->ext_depth = depth;
			return 0;
		}
		if (kind == F_NONE)
			return 0;
		g->field_ext = false;
	} else {
		return 0;
	}
	g->field = kind;
	g->field_depth = depth;
	g->text_len = 0;
	g->text_long = false;
	if (empty)
		return gpx_field_end(g, gpx_line(g), err);
	return 0;
}

static void gpx_text(struct trace_gpx *g)
{
	const char *v = (const char *)xmlTextReaderConstValue(g->rd);
	size_t n;

	if (!v)
		return;
	if (g->text_len == 0)
		while (*v == ' ' || *v == '\t' || *v == '\r' || *v == '\n')
			v++;
	n = strlen(v);
	if (n > sizeof(g->text) - g->text_len) {
		g->text_long = true;
		return;
	}
	memcpy(g->text + g->text_len, v, n);
	g->text_len += n;
}

/*
 * The open point ends: check it and decide whether it is a fix.
 * Returns 0 with *emit set, or an error.
 */
static int gpx_point_end(struct geo_trace *tr, struct trace_gpx *g,
			 bool *emit, struct geo_err *err)
{
	int e;

	g->pt_depth = -1;
	g->ext_depth = -1;
	*emit = false;
	e = geo_trace_fix_check(&g->fix, pt_names[g->pt_kind], err);
	if (e)
		return e;
	if (g->pt_kind == PT_WPT && !tr->opts.waypoints) {
		tr->st.waypoints++;
		return 0;
	}
	if (tr->st.fixes > 0 && g->container != g->last_container)
		g->seg++;
	g->last_container = g->container;
	g->fix.seg = g->seg;
	*emit = true;
	return 0;
}

static int gpx_element(struct geo_trace *tr, struct trace_gpx *g,
		       int depth, bool *emit, struct geo_err *err)
{
	const char *name = (const char *)xmlTextReaderConstLocalName(g->rd);
	bool empty = xmlTextReaderIsEmptyElement(g->rd) == 1;
	int kind = PT_NONE, e;

	if (!name)
		name = "";
	if (depth > 0 && (unsigned)depth > tr->opts.lim.max_depth)
		return geo_trace_errf(err, EOVERFLOW,
				      "line %u: %s: nested deeper than %u",
				      gpx_line(g), name,
				      tr->opts.lim.max_depth);
	if (!g->root_seen) {
		if (strcmp(name, "gpx") != 0 || !gpx_ns_ok(g))
			return geo_trace_errf(err, EBADMSG,
					      "line %u: %s: not a GPX "
					      "document", gpx_line(g), name);
		g->root_seen = true;
		return 0;
	}
	if (g->pt_depth >= 0)
		return gpx_child_start(g, name, depth, empty, err);
	if (!gpx_ns_ok(g))
		return 0;
	if (strcmp(name, "trkseg") == 0 || strcmp(name, "rte") == 0) {
		g->container++;
		g->last_kind = PT_NONE;
		return 0;
	}
	if (strcmp(name, "trkpt") == 0)
		kind = PT_TRK;
	else if (strcmp(name, "rtept") == 0)
		kind = PT_RTE;
	else if (strcmp(name, "wpt") == 0)
		kind = PT_WPT;
	else
		return 0;
	e = gpx_point_start(g, kind, depth, err);
	if (!e && empty)
		e = gpx_point_end(tr, g, emit, err);
	return e;
}

int geo_trace_gpx_next(struct geo_trace *tr, struct geo_fix *fix,
		       struct geo_err *err)
{
	struct trace_gpx *g = tr->u.gpx;
	bool emit = false;
	int r, type, depth, e = 0;

	while (!e && !emit) {
		r = xmlTextReaderRead(g->rd);
		if (r == 0) {
			if (!g->root_seen)
				return geo_trace_errf(err, EBADMSG,
						      "line 1: not a GPX "
						      "document");
			return ENOENT;
		}
		if (r < 0) {
			unsigned line = g->xml_err_line ? g->xml_err_line :
				(unsigned)xmlTextReaderGetParserLineNumber(
					g->rd);
			return geo_trace_errf(err, EBADMSG,
					      "line %u: XML: %s", line,
					      g->xml_err[0] ? g->xml_err :
					      "malformed XML");
		}
		type = xmlTextReaderNodeType(g->rd);
		depth = xmlTextReaderDepth(g->rd);
		switch (type) {
		case XML_READER_TYPE_DOCUMENT_TYPE:
		case XML_READER_TYPE_ENTITY_REFERENCE:
		case XML_READER_TYPE_ENTITY:
			e = geo_trace_errf(err, EBADMSG,
					   "line %u: DOCTYPE not allowed "
					   "in GPX", gpx_line(g));
			break;
		case XML_READER_TYPE_ELEMENT:
			e = gpx_element(tr, g, depth, &emit, err);
			break;
		case XML_READER_TYPE_TEXT:
		case XML_READER_TYPE_CDATA:
		case XML_READER_TYPE_SIGNIFICANT_WHITESPACE:
			if (g->field != F_NONE &&
			    depth == g->field_depth + 1)
				gpx_text(g);
			break;
		case XML_READER_TYPE_END_ELEMENT:
			if (g->field != F_NONE && depth == g->field_depth)
				e = gpx_field_end(g, gpx_line(g), err);
			else if (depth == g->ext_depth)
				g->ext_depth = -1;
			else if (depth == g->pt_depth)
				e = gpx_point_end(tr, g, &emit, err);
			break;
		default:
			break;
		}
	}
	if (e)
		return e;
	*fix = g->fix;
	return 0;
}
