/*
 * feature.c: a GML feature (my:Building, gml:Feature, ...) with gml:id,
 * gml:name and its geometries: direct children that are geometries, or
 * geometries one level down inside properties (gml:extentOf,
 * gml:location, my:footprint, ...). At most max_shapes geometries (a
 * filter's feature); catalog features have their own caps on
 * geometries and positions (geo__feature_parse). A GML geometry we do
 * not support (gml:MultiSurface, ...) is ENOTSUP.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "geo/geo_int.h"

/* Longest gml:id / gml:name we keep. */
#define FEATURE_STR_MAX 256

static int dup_str(const xmlChar *v, char **out, const char *what,
		   struct geo_err *err)
{
	size_t n = strlen((const char *)v);
	char *s;

	if (n > FEATURE_STR_MAX)
		return geo__err(err, EOVERFLOW, "%s longer than %d", what,
				FEATURE_STR_MAX);
	s = malloc(n + 1);
	if (!s)
		return ENOMEM;
	memcpy(s, v, n + 1);
	*out = s;
	return 0;
}

/* A feature being read, with its caps. */
struct fparse {
	struct geo_feature *f;
	size_t cap;                 /* room in f->shapes */
	size_t max_shapes;
	size_t max_vertices;        /* 0: none (the other caps bound it) */
	size_t nvert;
	bool catalog;               /* for the reasons */
};

/* Positions a shape stands for: its rings, or its outline. */
static size_t shape_positions(const struct geo_shape *s)
{
	size_t i, n = 0;

	if (s->kind == GEO_SHAPE_POINT)
		return 1;
	if (s->kind != GEO_SHAPE_POLYGON && s->kind != GEO_SHAPE_PRISM)
		return GEO_ARC_SEGMENTS + 1;
	for (i = 0; i < s->nrings; i++)
		n += s->rings[i].n;
	return n;
}

static int add_shape(struct geo_ctx *ctx, struct fparse *fp,
		     const xmlNode *g, struct geo_err *err)
{
	struct geo_feature *f = fp->f;
	struct geo_shape **ns, *s;
	int rc;

	if (f->nshapes == fp->max_shapes)
		return geo__err(err, EOVERFLOW, "feature has more than %zu "
				"geometries%s", fp->max_shapes, fp->catalog ?
				" (max_catalog_shapes)" : "");
	/* doubled: a catalog feature may hold 100,000 geometries */
	ns = geo__grow(f->shapes, &fp->cap, f->nshapes + 1, sizeof(*ns));
	if (!ns)
		return ENOMEM;
	f->shapes = ns;
	rc = geo_gml_parse(ctx, g, &s, err);
	if (rc)
		return rc;
	fp->nvert += shape_positions(s);
	if (fp->max_vertices && fp->nvert > fp->max_vertices) {
		geo_shape_free(s);
		return geo__err(err, EOVERFLOW, "feature has more than %zu "
				"positions%s", fp->max_vertices, fp->catalog ?
				" (max_catalog_vertices)" : "");
	}
	f->shapes[f->nshapes++] = s;
	return 0;
}

/*
 * Looks like a geometry: a gs: element, or a GML object element (GML
 * names objects in UpperCamelCase: gml:MultiSurface, gml:LineString).
 * Such an element we cannot read is an error, never silently dropped.
 */
static bool geometry_like(const xmlNode *n)
{
	const char *href;

	if (geo_gml_is_geometry(n))
		return true;
	if (n->type != XML_ELEMENT_NODE || !n->ns || !n->ns->href ||
	    !n->name || n->name[0] < 'A' || n->name[0] > 'Z')
		return false;
	href = (const char *)n->ns->href;
	return strcmp(href, GEO_NS_GML) == 0 ||
	       strcmp(href, GEO_NS_GML32) == 0 ||
	       strcmp(href, GEO_NS_GS) == 0;
}

static int read_name(const xmlNode *n, struct geo_feature *f,
		     struct geo_err *err)
{
	xmlChar *v;
	int rc;

	if (f->name)
		return 0;
	v = xmlNodeGetContent(n);
	if (!v)
		return ENOMEM;
	rc = dup_str(v, &f->name, "gml:name", err);
	xmlFree(v);
	return rc;
}

int geo__feature_parse(struct geo_ctx *ctx, const struct _xmlNode *node,
		       size_t max_shapes, size_t max_vertices, bool catalog,
		       struct geo_feature **featp, struct geo_err *err)
{
	struct fparse fp;
	struct geo_feature *f;
	const xmlNode *c, *g;
	xmlChar *id;
	int rc = 0;

	geo__err_begin(err);
	if (!ctx || !node || !featp || node->type != XML_ELEMENT_NODE)
		return geo__err(err, EINVAL, "bad argument");
	f = calloc(1, sizeof(*f));
	if (!f)
		return ENOMEM;
	memset(&fp, 0, sizeof(fp));
	fp.f = f;
	fp.max_shapes = max_shapes;
	fp.max_vertices = max_vertices;
	fp.catalog = catalog;
	id = xmlGetNsProp(node, (const xmlChar *)"id",
			  (const xmlChar *)GEO_NS_GML);
	if (!id)
		id = xmlGetNsProp(node, (const xmlChar *)"id",
				  (const xmlChar *)GEO_NS_GML32);
	if (id) {
		rc = dup_str(id, &f->id, "gml:id", err);
		xmlFree(id);
		if (rc)
			goto out;
	}
	if (geo_gml_is_geometry(node)) {
		rc = add_shape(ctx, &fp, node, err);
		goto out;
	}
	for (c = node->children; c && !rc; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (geo__is(c, GEO_NS_GML, "name")) {
			rc = read_name(c, f, err);
			continue;
		}
		if (geometry_like(c)) {
			rc = add_shape(ctx, &fp, c, err);
			continue;
		}
		if (geo__is(c, GEO_NS_GML, "boundedBy"))
			continue;
		for (g = c->children; g && !rc; g = g->next)
			if (geometry_like(g))
				rc = add_shape(ctx, &fp, g, err);
	}
out:
	if (rc) {
		geo_feature_free(f);
		return geo__err_end(err, rc);
	}
	*featp = f;
	return 0;
}

int geo_feature_parse(struct geo_ctx *ctx, const struct _xmlNode *node,
		      struct geo_feature **featp, struct geo_err *err)
{
	return geo__feature_parse(ctx, node, ctx ? ctx->lim.max_shapes : 0,
				  0, false, featp, err);
}

void geo_feature_free(struct geo_feature *feat)
{
	size_t i;

	if (!feat)
		return;
	for (i = 0; i < feat->nshapes; i++)
		geo_shape_free(feat->shapes[i]);
	free(feat->shapes);
	free(feat->id);
	free(feat->name);
	free(feat);
}
