/*
 * gml.c: GML in, geometry out. CRS names (LOCATION.md section 3.2),
 * coordinate lists, gml:Point and gml:Polygon; dispatch to the RFC 5491
 * shapes (gml_shape.c) and gml:Solid (solid.c).
 *
 * Limits: positions per ring (max_vertices, EOVERFLOW), rings per
 * polygon (max_rings), numbers are parsed without preallocating from any
 * count in the input. Axis order is always latitude, longitude[, h].
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>

#include <libxml/tree.h>

#include "geo/geo_int.h"

static bool ns_match(const xmlNode *n, const char *ns)
{
	const char *href;

	if (!n->ns || !n->ns->href)
		return false;
	href = (const char *)n->ns->href;
	if (strcmp(ns, GEO_NS_GML) == 0)
		return strcmp(href, GEO_NS_GML) == 0 ||
		       strcmp(href, GEO_NS_GML32) == 0;
	return strcmp(href, ns) == 0;
}

bool geo__is(const struct _xmlNode *n, const char *ns, const char *name)
{
	if (!n || n->type != XML_ELEMENT_NODE || !n->name)
		return false;
	if (strcmp((const char *)n->name, name) != 0)
		return false;
	return ns_match(n, ns);
}

const struct _xmlNode *geo__child(const struct _xmlNode *n, const char *ns,
				  const char *name)
{
	const xmlNode *c;

	if (!n)
		return NULL;
	for (c = n->children; c; c = c->next)
		if (geo__is(c, ns, name))
			return c;
	return NULL;
}

bool geo_gml_is_geometry(const struct _xmlNode *node)
{
	static const char *const gml[] = { "Point", "Polygon", "Solid" };
	static const char *const gs[] = { "Circle", "Ellipse", "ArcBand",
		"Sphere", "Ellipsoid", "Prism" };
	size_t i;

	for (i = 0; i < sizeof(gml) / sizeof(gml[0]); i++)
		if (geo__is(node, GEO_NS_GML, gml[i]))
			return true;
	for (i = 0; i < sizeof(gs) / sizeof(gs[0]); i++)
		if (geo__is(node, GEO_NS_GS, gs[i]))
			return true;
	return false;
}

/* ------------------------------------------------------------------ */
/* CRS                                                                 */

static bool digits(const char *s, size_t n)
{
	size_t i;

	if (n == 0)
		return false;
	for (i = 0; i < n; i++)
		if ((s[i] < '0' || s[i] > '9') && s[i] != '.')
			return false;
	return true;
}

static unsigned code_dim(const char *s)
{
	if (strcmp(s, "4326") == 0)
		return 2;
	if (strcmp(s, "4979") == 0)
		return 3;
	return 0;
}

/*
 * Dimension (2 or 3) of a CRS name, 0 when unknown. Accepted:
 * urn:ogc:def:crs:EPSG:[version]:CODE, .../gml/srs/epsg.xml#CODE (and
 * the draft's epsg.xml/#CODE), http://www.opengis.net/def/crs/EPSG/V/CODE,
 * EPSG:CODE; CODE is 4326 or 4979.
 */
static unsigned crs_dim(const char *name)
{
	static const char urn[] = "urn:ogc:def:crs:EPSG:";
	static const char xml1[] = "http://www.opengis.net/gml/srs/epsg.xml#";
	static const char xml2[] = "http://www.opengis.net/gml/srs/epsg.xml/#";
	static const char def[] = "http://www.opengis.net/def/crs/EPSG/";
	const char *p, *q;

	if (strncasecmp(name, urn, sizeof(urn) - 1) == 0) {
		p = name + sizeof(urn) - 1;
		q = strchr(p, ':');
		if (!q || (q != p && !digits(p, (size_t)(q - p))))
			return 0;
		return code_dim(q + 1);
	}
	if (strncmp(name, xml1, sizeof(xml1) - 1) == 0)
		return code_dim(name + sizeof(xml1) - 1);
	if (strncmp(name, xml2, sizeof(xml2) - 1) == 0)
		return code_dim(name + sizeof(xml2) - 1);
	if (strncmp(name, def, sizeof(def) - 1) == 0) {
		p = name + sizeof(def) - 1;
		q = strchr(p, '/');
		if (!q || !digits(p, (size_t)(q - p)))
			return 0;
		return code_dim(q + 1);
	}
	if (strncasecmp(name, "EPSG:", 5) == 0)
		return code_dim(name + 5);
	return 0;
}

/* Attribute value (no namespace) on n or its nearest ancestor. */
static xmlChar *inherited_attr(const xmlNode *n, const char *attr)
{
	unsigned i;

	for (i = 0; n && n->type == XML_ELEMENT_NODE &&
		    i < GEO_ANCESTOR_MAX; n = n->parent, i++) {
		xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)attr);
		if (v)
			return v;
	}
	return NULL;
}

/*
 * CRS dimension and srsDimension for a coordinate element: *crs 0 when
 * no srsName is in scope, *sdim 0 when no srsDimension.
 */
static int coord_dims(const xmlNode *n, unsigned *crs, unsigned *sdim,
		      struct geo_err *err)
{
	xmlChar *v;
	char *t;

	*crs = 0;
	*sdim = 0;
	v = inherited_attr(n, "srsName");
	if (v) {
		char buf[128];
		size_t len;
		const char *s = (const char *)v;

		while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
			s++;
		len = strcspn(s, " \t\r\n");
		if (len >= sizeof(buf))
			len = sizeof(buf) - 1;
		memcpy(buf, s, len);
		buf[len] = '\0';
		*crs = crs_dim(buf);
		xmlFree(v);
		if (!*crs)
			return geo__err(err, ENOTSUP, "unsupported CRS (only "
					"EPSG 4326 and 4979)");
	}
	v = inherited_attr(n, "srsDimension");
	if (v) {
		long d = strtol((const char *)v, &t, 10);
		bool ok = t != (char *)v && *t == '\0' && (d == 2 || d == 3);
		xmlFree(v);
		if (!ok)
			return geo__err(err, EBADMSG, "srsDimension must be "
					"2 or 3");
		*sdim = (unsigned)d;
		if (*crs && *crs != *sdim)
			return geo__err(err, EBADMSG, "srsDimension does not "
					"match the CRS");
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Numbers                                                             */

/*
 * Parse whitespace-separated xs:double values of text into a growing
 * array capped at max numbers. *outp is malloc'd on success.
 */
static int parse_numbers(const char *text, size_t max, double **outp,
			 size_t *np, struct geo_err *err)
{
	double *v = NULL, *nv;
	size_t n = 0, cap = 0;
	const char *p = text;
	int rc = 0;

	for (;;) {
		char tok[64];
		size_t len, i;
		char *end;
		double d;

		p += strspn(p, " \t\r\n");
		if (!*p)
			break;
		len = strcspn(p, " \t\r\n");
		if (len >= sizeof(tok)) {
			rc = geo__err(err, EBADMSG, "bad number in "
				      "coordinates");
			goto out;
		}
		for (i = 0; i < len; i++)
			if (!strchr("0123456789+-.eE", p[i])) {
				rc = geo__err(err, EBADMSG, "bad number in "
					      "coordinates");
				goto out;
			}
		memcpy(tok, p, len);
		tok[len] = '\0';
		d = strtod(tok, &end);
		if (end != tok + len || !isfinite(d)) {
			rc = geo__err(err, EBADMSG, "bad number in "
				      "coordinates");
			goto out;
		}
		if (n == max) {
			rc = geo__err(err, EOVERFLOW, "too many coordinates");
			goto out;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			if (cap > max)
				cap = max;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv) {
				rc = ENOMEM;
				goto out;
			}
			v = nv;
		}
		v[n++] = d;
		p += len;
	}
	*outp = v;
	*np = n;
	return 0;
out:
	free(v);
	return rc;
}

static int text_numbers(const xmlNode *n, size_t max, double **outp,
			size_t *np, struct geo_err *err)
{
	xmlChar *t = xmlNodeGetContent(n);
	int rc;

	if (!t)
		return ENOMEM;
	rc = parse_numbers((const char *)t, max, outp, np, err);
	xmlFree(t);
	return rc;
}

/* Check and store one tuple as a point. */
static int set_point(const double *v, unsigned dim, struct geo_point *pt,
		     struct geo_err *err)
{
	if (v[0] < -90.0 || v[0] > 90.0)
		return geo__err(err, EBADMSG, "latitude out of range");
	if (v[1] < -360.0 || v[1] > 360.0)
		return geo__err(err, EBADMSG, "longitude out of range");
	pt->lat = v[0];
	pt->lon = geo__lon_norm(v[1]);
	pt->has_alt = dim == 3;
	pt->alt = dim == 3 ? v[2] : 0.0;
	if (dim == 3 && fabs(pt->alt) > 1e7)
		return geo__err(err, EBADMSG, "altitude out of range");
	return 0;
}

int geo__read_pos(struct geo_ctx *ctx, const struct _xmlNode *pos,
		  struct geo_point *pt, unsigned *dimp,
		  struct geo_err *err)
{
	unsigned crs, sdim, dim;
	double *v = NULL;
	size_t n = 0;
	int rc;

	rc = coord_dims(pos, &crs, &sdim, err);
	if (rc)
		return rc;
	rc = text_numbers(pos, 8, &v, &n, err);
	if (rc) {
		if (rc == EOVERFLOW)
			rc = geo__err(err, EBADMSG, "pos has too many values");
		return rc;
	}
	dim = sdim ? sdim : crs;
	if (!dim) {
		dim = (unsigned)n;
		if (dim == 2 || dim == 3)
			geo__log(ctx, LOG_INFO, "geo: no srsName, assuming "
				 "EPSG %s", dim == 2 ? "4326" : "4979");
	}
	if (n != dim || (dim != 2 && dim != 3)) {
		free(v);
		return geo__err(err, EBADMSG, "pos has %zu values, CRS needs "
				"%u", n, dim == 3 ? 3u : 2u);
	}
	rc = set_point(v, dim, pt, err);
	free(v);
	if (!rc && dimp)
		*dimp = dim;
	return rc;
}

/* First and last tuple equal? */
static bool tuples_closed(const double *v, size_t n, unsigned dim)
{
	return n >= 2 * dim && memcmp(v, v + n - dim, dim * sizeof(*v)) == 0;
}

/*
 * Positions of a LinearRing (posList, or a sequence of pos) into r,
 * auto-closing (warning) and checking size; lax (Solid patches, whose
 * degenerate walls are skipped later) skips the distinct-vertex test.
 */
static int read_ring(struct geo_ctx *ctx, const xmlNode *lr, bool lax,
		     struct geo_ring *r, unsigned *dimp, struct geo_err *err)
{
	const struct geo_limits *lim = &ctx->lim;
	size_t maxnum = lim->max_vertices < SIZE_MAX / 4 ?
			(lim->max_vertices + 1) * 3 : SIZE_MAX;
	const xmlNode *pl = geo__child(lr, GEO_NS_GML, "posList");
	const xmlNode *c;
	struct geo_point *pts = NULL;
	double *v = NULL;
	size_t n = 0, i, distinct;
	unsigned crs, sdim, dim = 0;
	int rc;

	if (pl) {
		rc = coord_dims(pl, &crs, &sdim, err);
		if (rc)
			return rc;
		rc = text_numbers(pl, maxnum, &v, &n, err);
		if (rc == EOVERFLOW)
			return geo__err(err, EOVERFLOW, "ring has more than "
					"%zu positions", lim->max_vertices);
		if (rc)
			return rc;
		dim = sdim ? sdim : crs;
		if (!dim) {
			if (n % 2 == 0 && tuples_closed(v, n, 2))
				dim = 2;
			else if (n % 3 == 0 && tuples_closed(v, n, 3))
				dim = 3;
			else
				dim = n % 2 == 0 ? 2 : 3;
			geo__log(ctx, LOG_INFO, "geo: no srsName, assuming "
				 "EPSG %s", dim == 2 ? "4326" : "4979");
		}
		if (n % dim != 0) {
			rc = geo__err(err, EBADMSG, "coordinate count %zu is "
				      "not a multiple of %u", n, dim);
			goto out;
		}
		n /= dim;
		if (n > lim->max_vertices) {
			rc = geo__err(err, EOVERFLOW, "ring has more than %zu "
				      "positions", lim->max_vertices);
			goto out;
		}
		pts = calloc(n + 1, sizeof(*pts));
		if (!pts) {
			rc = ENOMEM;
			goto out;
		}
		for (i = 0; i < n; i++) {
			rc = set_point(v + i * dim, dim, &pts[i], err);
			if (rc)
				goto out;
		}
	} else {
		size_t cap = 0;
		for (c = lr->children; c; c = c->next) {
			unsigned d;
			if (c->type != XML_ELEMENT_NODE)
				continue;
			if (!geo__is(c, GEO_NS_GML, "pos")) {
				rc = geo__err(err, EBADMSG, "LinearRing needs "
					      "posList or pos elements");
				goto out;
			}
			if (n == lim->max_vertices) {
				rc = geo__err(err, EOVERFLOW, "ring has more "
					      "than %zu positions",
					      lim->max_vertices);
				goto out;
			}
			if (n + 1 >= cap) {
				struct geo_point *np;
				cap = cap ? cap * 2 : 16;
				np = realloc(pts, cap * sizeof(*pts));
				if (!np) {
					rc = ENOMEM;
					goto out;
				}
				pts = np;
			}
			rc = geo__read_pos(ctx, c, &pts[n], &d, err);
			if (rc)
				goto out;
			if (dim && d != dim) {
				rc = geo__err(err, EBADMSG, "mixed 2-D and "
					      "3-D positions in a ring");
				goto out;
			}
			dim = d;
			n++;
		}
		if (n == 0) {
			rc = geo__err(err, EBADMSG, "empty LinearRing");
			goto out;
		}
	}
	/* pts has room for n + 1 points. */
	if (n > 0 && (pts[0].lat != pts[n - 1].lat ||
		      pts[0].lon != pts[n - 1].lon ||
		      pts[0].alt != pts[n - 1].alt)) {
		if (n + 1 > lim->max_vertices) {
			rc = geo__err(err, EOVERFLOW, "ring has more than %zu "
				      "positions", lim->max_vertices);
			goto out;
		}
		geo__log(ctx, LOG_WARNING, "geo: ring not closed, closing it "
			 "(LOCATION.md Q-14)");
		pts[n] = pts[0];
		n++;
	}
	if (n < 4) {
		rc = geo__err(err, EBADMSG, "ring needs at least 4 positions");
		goto out;
	}
	for (distinct = 1, i = 1; i + 1 < n && distinct < 3; i++) {
		size_t j;
		bool seen = false;
		for (j = 0; j < i && !seen; j++)
			seen = pts[j].lat == pts[i].lat &&
			       pts[j].lon == pts[i].lon;
		if (!seen)
			distinct++;
	}
	r->n = n;
	r->pts = pts;
	pts = NULL;
	*dimp = dim;
	rc = 0;
	if (distinct < 3 && !lax)
		rc = geo__err(err, EBADMSG, "ring needs 3 distinct vertices");
out:
	free(v);
	free(pts);
	return rc;
}

int geo__rings_check(struct geo_ctx *ctx, const struct geo_ring *rings,
		     size_t nrings, struct geo_err *err)
{
	size_t i, tot = 0, off = 0;
	size_t *cnt = NULL;
	double *xy = NULL;
	double ref = NAN;
	GEOSGeometry *g = NULL;
	int rc;

	for (i = 0; i < nrings; i++)
		tot += rings[i].n;
	xy = malloc(2 * tot * sizeof(*xy));
	cnt = malloc(nrings * sizeof(*cnt));
	if (!xy || !cnt) {
		rc = ENOMEM;
		goto out;
	}
	for (i = 0; i < nrings; i++) {
		size_t k;
		double lo, hi;
		rc = geo__ring_unwrap(&rings[i], ref, xy + 2 * off, err);
		if (rc)
			goto out;
		if (i == 0) {
			lo = hi = xy[0];
			for (k = 1; k < rings[0].n; k++) {
				lo = fmin(lo, xy[2 * k]);
				hi = fmax(hi, xy[2 * k]);
			}
			ref = (lo + hi) / 2;
		}
		cnt[i] = rings[i].n;
		off += rings[i].n;
	}
	g = geo__geos_polygon(ctx, xy, cnt, nrings);
	if (!g) {
		rc = geo__err(err, EBADMSG, "invalid polygon: %s",
			      ctx->geos_msg);
		goto out;
	}
	rc = geo__geos_check_valid(ctx, g, err);
out:
	if (g)
		GEOSGeom_destroy_r(ctx->gh, g);
	free(xy);
	free(cnt);
	return rc;
}

static void rings_free(struct geo_ring *r, size_t n)
{
	size_t i;

	for (i = 0; r && i < n; i++)
		free(r[i].pts);
	free(r);
}

int geo__read_polygon(struct geo_ctx *ctx, const struct _xmlNode *poly,
		      bool keep_alt, bool skip_valid, struct geo_shape *s,
		      unsigned *dimp, struct geo_err *err)
{
	const xmlNode *c;
	struct geo_ring *rings = NULL, *nrings;
	size_t nr = 0, rcap = 0, i;
	unsigned dim = 0;
	int rc = 0;

	for (c = poly->children; c; c = c->next) {
		const xmlNode *lr;
		unsigned d = 0;
		bool ext;

		if (c->type != XML_ELEMENT_NODE)
			continue;
		ext = geo__is(c, GEO_NS_GML, "exterior");
		if (!ext && !geo__is(c, GEO_NS_GML, "interior"))
			continue;       /* gml:name and the like */
		if (ext != (nr == 0)) {
			rc = geo__err(err, EBADMSG, "Polygon needs one "
				      "exterior before its interiors");
			goto out;
		}
		if (nr == ctx->lim.max_rings) {
			rc = geo__err(err, EOVERFLOW, "Polygon has more than "
				      "%zu rings", ctx->lim.max_rings);
			goto out;
		}
		lr = geo__child(c, GEO_NS_GML, "LinearRing");
		if (!lr) {
			rc = geo__err(err, EBADMSG, "%s without LinearRing",
				      ext ? "exterior" : "interior");
			goto out;
		}
		nrings = geo__grow(rings, &rcap, nr + 1, sizeof(*rings));
		if (!nrings) {
			rc = ENOMEM;
			goto out;
		}
		rings = nrings;
		rc = read_ring(ctx, lr, skip_valid, &rings[nr], &d, err);
		if (rings[nr].pts)
			nr++;
		if (rc)
			goto out;
		if (dim && d != dim) {
			rc = geo__err(err, EBADMSG, "rings mix 2-D and 3-D");
			goto out;
		}
		dim = d;
	}
	if (nr == 0) {
		rc = geo__err(err, EBADMSG, "Polygon without exterior");
		goto out;
	}
	if (!keep_alt)
		for (i = 0; i < nr; i++) {
			size_t k;
			for (k = 0; k < rings[i].n; k++) {
				rings[i].pts[k].has_alt = false;
				rings[i].pts[k].alt = 0.0;
			}
		}
	if (!skip_valid) {
		rc = geo__rings_check(ctx, rings, nr, err);
		if (rc)
			goto out;
	}
	s->rings = rings;
	s->nrings = nr;
	*dimp = dim;
	return 0;
out:
	rings_free(rings, nr);
	return rc;
}

static int point_parse(struct geo_ctx *ctx, const xmlNode *n,
		       struct geo_shape **sp, struct geo_err *err)
{
	const xmlNode *pos = geo__child(n, GEO_NS_GML, "pos");
	struct geo_shape *s;
	unsigned dim;
	int rc;

	if (!pos)
		return geo__err(err, EBADMSG, "Point without pos");
	s = geo__shape_new(GEO_SHAPE_POINT);
	if (!s)
		return ENOMEM;
	rc = geo__read_pos(ctx, pos, &s->center, &dim, err);
	if (rc) {
		geo_shape_free(s);
		return rc;
	}
	s->dim = dim;
	*sp = s;
	return 0;
}

static int polygon_parse(struct geo_ctx *ctx, const xmlNode *n,
			 struct geo_shape **sp, struct geo_err *err)
{
	struct geo_shape *s = geo__shape_new(GEO_SHAPE_POLYGON);
	unsigned dim;
	int rc;

	if (!s)
		return ENOMEM;
	/* A Polygon under EPSG 4979 is a 2-D footprint (Q-16). */
	rc = geo__read_polygon(ctx, n, false, false, s, &dim, err);
	if (rc) {
		geo_shape_free(s);
		return rc;
	}
	s->dim = 2;
	*sp = s;
	return 0;
}

unsigned geo__node_depth(const struct _xmlNode *n)
{
	unsigned d = 0;

	for (n = n->parent; n && n->type == XML_ELEMENT_NODE &&
		    d <= GEO_ANCESTOR_MAX; n = n->parent)
		d++;
	return d;
}

#define node_depth geo__node_depth

int geo_gml_parse(struct geo_ctx *ctx, const struct _xmlNode *node,
		  struct geo_shape **shapep, struct geo_err *err)
{
	struct geo_shape *s = NULL;
	int rc;

	geo__err_begin(err);
	if (!ctx || !node || !shapep)
		return geo__err(err, EINVAL, "bad argument");
	if (node_depth(node) > ctx->lim.max_depth)
		return geo__err(err, EOVERFLOW, "GML nested deeper than %u",
				ctx->lim.max_depth);
	if (geo__is(node, GEO_NS_GML, "Point"))
		rc = point_parse(ctx, node, &s, err);
	else if (geo__is(node, GEO_NS_GML, "Polygon"))
		rc = polygon_parse(ctx, node, &s, err);
	else if (geo__is(node, GEO_NS_GML, "Solid"))
		rc = geo__solid_parse(ctx, node, &s, err);
	else if (node->type == XML_ELEMENT_NODE && ns_match(node, GEO_NS_GS))
		rc = geo__gs_parse(ctx, node, &s, err);
	else
		return geo__err(err, ENOTSUP, "unsupported geometry %.60s",
				node->name ? (const char *)node->name : "?");
	if (rc)
		return geo__err_end(err, rc);
	*shapep = s;
	return 0;
}
