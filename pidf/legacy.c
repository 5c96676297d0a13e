/*
 * legacy.c: RFC 4119's geodetic form, which predates RFC 5491: a
 * gml:location wrapper (GML 3.0 namespace "urn:opengis:specification:
 * gml:schema-xsd:feature:v3.0" in the RFC's example, or the GML 3.1
 * one) holding a Point with gml:coordinates ("37:46:30N 122:25:10W",
 * degrees:minutes:seconds with hemisphere, or decimal degrees) or
 * gml:pos, srsName "epsg:4326" (LOCATION.md 3.2). Only points: RFC 4119
 * shows nothing else. Wrapped geometries in the GML 3.1 namespace go to
 * geo_gml_parse() (parse.c checks that first).
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/tree.h>

#include "pidf/pidf.h"
#include "pidf/pidf_int.h"

#define GML30_NS "urn:opengis:specification:gml:schema-xsd:feature:v3.0"

static bool gml_any_ns(const xmlNode *n)
{
	return pidf__in_ns(n, PIDF_NS_GML) || pidf__in_ns(n, GML30_NS);
}

bool pidf__is_legacy(const xmlNode *n)
{
	return gml_any_ns(n) && !strcmp((const char *)n->name, "location");
}

/* One coordinate: decimal, or D:M[:S] with an optional N/S/E/W. */
static int coord_read(const char *s, size_t len, double *v, char *hemi)
{
	char tok[48];
	double part[3] = {0, 0, 0}, d;
	size_t np = 0;
	char *p, *q;
	int rc;

	*hemi = 0;
	if (len == 0 || len >= sizeof(tok))
		return EBADMSG;
	memcpy(tok, s, len);
	tok[len] = '\0';
	if (strchr("NSEWnsew", tok[len - 1])) {
		*hemi = (char)toupper((unsigned char)tok[len - 1]);
		tok[--len] = '\0';
	}
	for (p = tok; np < 3; p = q + 1) {
		q = strchr(p, ':');
		if (q)
			*q = '\0';
		rc = pidf__num(p, &part[np++]);
		if (rc)
			return EBADMSG;
		if (!q)
			break;
	}
	if (np > 1 && (part[1] < 0 || part[1] >= 60 || part[2] < 0 ||
		       part[2] >= 60 || part[0] < 0))
		return EBADMSG;
	d = part[0] + part[1] / 60.0 + part[2] / 3600.0;
	if (*hemi == 'S' || *hemi == 'W') {
		if (d < 0)
			return EBADMSG;
		d = -d;
	}
	*v = d;
	return 0;
}

static int srs_dim(const xmlNode *pt, unsigned *dim)
{
	xmlChar *srs = xmlGetProp(pt, (const xmlChar *)"srsName");
	const char *s = (const char *)srs;
	int rc = 0;

	*dim = 0;
	if (!srs)
		return 0;
	if (!strcasecmp(s, "epsg:4326") ||
	    !strcmp(s, "urn:ogc:def:crs:EPSG::4326"))
		*dim = 2;
	else if (!strcasecmp(s, "epsg:4979") ||
		 !strcmp(s, "urn:ogc:def:crs:EPSG::4979"))
		*dim = 3;
	else
		rc = ENOTSUP;
	xmlFree(srs);
	return rc;
}

int pidf__legacy_read(const xmlNode *n, struct geo_shape *out,
		      struct pidf_err *err)
{
	char text[160];
	const xmlNode *pt, *c;
	double v[3];
	char hemi[3] = {0, 0, 0};
	unsigned dim, nv = 0;
	const char *s;
	int rc;

	if (!pidf__is_legacy(n) || !out)
		return pidf__fail(err, EINVAL, "not a gml:location");
	pt = pidf__first_elem(n);
	if (!pt || !gml_any_ns(pt) || strcmp((const char *)pt->name, "Point"))
		return pidf__fail(err, ENOTSUP, "gml:location holds no "
				  "Point");
	if (srs_dim(pt, &dim))
		return pidf__fail(err, ENOTSUP, "unsupported CRS in "
				  "gml:location");
	c = pidf__first_elem(pt);
	if (!c || !gml_any_ns(c) ||
	    (strcmp((const char *)c->name, "coordinates") &&
	     strcmp((const char *)c->name, "pos")))
		return pidf__fail(err, EBADMSG, "Point without coordinates");
	rc = pidf__text(c, true, text, sizeof(text));
	if (rc)
		return pidf__fail(err, EBADMSG, "bad Point coordinates");
	for (s = text; *s;) {
		size_t len = strcspn(s, " ,");

		if (nv == 3 || coord_read(s, len, &v[nv], &hemi[nv]))
			return pidf__fail(err, EBADMSG, "bad Point "
					  "coordinates");
		nv++;
		s += len;
		s += strspn(s, " ,");
	}
	if (nv < 2 || (dim && nv != dim))
		return pidf__fail(err, EBADMSG, "Point needs %u coordinates",
				  dim ? dim : 2);
	if ((hemi[0] && hemi[0] != 'N' && hemi[0] != 'S') ||
	    (hemi[1] && hemi[1] != 'E' && hemi[1] != 'W') ||
	    (nv == 3 && hemi[2]))
		return pidf__fail(err, EBADMSG, "Point coordinates not "
				  "latitude first");
	memset(out, 0, sizeof(*out));
	out->kind = GEO_SHAPE_POINT;
	out->dim = nv;
	out->center.lat = v[0];
	out->center.lon = v[1];
	if (out->center.lon > 180.0)
		out->center.lon -= 360.0;
	if (nv == 3) {
		out->center.alt = v[2];
		out->center.has_alt = true;
	}
	if (fabs(v[0]) > 90.0 || fabs(out->center.lon) > 180.0)
		return pidf__fail(err, EBADMSG, "Point out of range");
	return 0;
}
