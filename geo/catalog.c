/*
 * catalog.c: named features from local GML files (LOCATION.md Q-20,
 * LF-46), addressable by URI for xlink:href. Never the network: files are
 * read from one directory with XML_PARSE_NONET and no DTD or entities.
 *
 * Top-level features of a file: the root element when it is a feature
 * (not a gml:FeatureCollection), else the root's element children, with
 * gml:featureMember / gml:featureMembers unwrapped. A feature with gml:id
 * F in file NAME is found as "NAME#F"; also by the value of an attribute
 * named uri (e.g. locd:uri) or a gml:identifier child.
 *
 * The files are the operator's, not a subscriber's: a feature may hold
 * up to max_catalog_shapes geometries and max_catalog_vertices
 * positions in files of up to max_catalog_bytes (struct geo_limits),
 * rather than a filter's max_shapes. Over a cap the load fails with
 * EOVERFLOW and a reason naming the file, the feature and the limit.
 * Each feature's shapes array is registered with the context
 * (share.c), so every filter naming the feature shares one region.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "geo/geo_int.h"

#define CATALOG_FILES_MAX 1024
#define CATALOG_KEY_MAX 512

struct entry {
	char *key;
	size_t feat;
};

struct geo_catalog {
	struct geo_ctx *ctx;
	size_t nshared;               /* feats[0 .. nshared) registered */
	struct geo_feature **feats;
	size_t nfeats, featcap;
	struct entry *keys;
	size_t nkeys, keycap;
};

void geo_catalog_free(struct geo_catalog *cat)
{
	size_t i;

	if (!cat)
		return;
	for (i = 0; i < cat->nshared; i++)
		if (cat->feats[i]->nshapes)
			geo__region_unshare(cat->ctx, cat->feats[i]->shapes);
	for (i = 0; i < cat->nfeats; i++)
		geo_feature_free(cat->feats[i]);
	for (i = 0; i < cat->nkeys; i++)
		free(cat->keys[i].key);
	free(cat->feats);
	free(cat->keys);
	free(cat);
}

static int key_add(struct geo_catalog *cat, const char *a, const char *b,
		   size_t feat)
{
	size_t la = strlen(a), lb = b ? strlen(b) : 0;
	char *k;

	if (la + lb + 2 > CATALOG_KEY_MAX)
		return 0;       /* not addressable; keep the rest */
	if (cat->nkeys == cat->keycap) {
		size_t cap = cat->keycap ? cat->keycap * 2 : 16;
		struct entry *ne = realloc(cat->keys, cap * sizeof(*ne));
		if (!ne)
			return ENOMEM;
		cat->keys = ne;
		cat->keycap = cap;
	}
	k = malloc(la + lb + 2);
	if (!k)
		return ENOMEM;
	memcpy(k, a, la);
	if (b) {
		k[la] = '#';
		memcpy(k + la + 1, b, lb + 1);
	} else
		k[la] = '\0';
	cat->keys[cat->nkeys].key = k;
	cat->keys[cat->nkeys].feat = feat;
	cat->nkeys++;
	return 0;
}

/* The value of an attribute named "uri" in any namespace, or NULL. */
static xmlChar *uri_attr(const xmlNode *n)
{
	const xmlAttr *a;

	for (a = n->properties; a; a = a->next)
		if (a->name && strcmp((const char *)a->name, "uri") == 0)
			return xmlNodeListGetString(n->doc, a->children, 1);
	return NULL;
}

static int feature_add(struct geo_ctx *ctx, struct geo_catalog *cat,
		       const char *file, const xmlNode *n,
		       struct geo_err *err)
{
	struct geo_feature *f;
	const xmlNode *idn;
	xmlChar *v;
	size_t idx;
	int rc;

	rc = geo__feature_parse(ctx, n, ctx->lim.max_catalog_shapes,
				ctx->lim.max_catalog_vertices, true, &f, err);
	if (rc) {
		/* name the feature; file_load adds the file */
		v = xmlGetNsProp(n, (const xmlChar *)"id",
				 (const xmlChar *)GEO_NS_GML);
		if (!v)
			v = xmlGetNsProp(n, (const xmlChar *)"id",
					 (const xmlChar *)GEO_NS_GML32);
		if (v && err && err->code == rc) {
			char tmp[GEO_WARN_MAX];
			snprintf(tmp, sizeof(tmp), "%s", err->msg);
			geo__err(err, rc, "feature %.40s: %s",
				 (const char *)v, tmp);
		}
		xmlFree(v);
		return rc;
	}
	if (cat->nfeats == cat->featcap) {
		size_t cap = cat->featcap ? cat->featcap * 2 : 16;
		struct geo_feature **nf = realloc(cat->feats,
						  cap * sizeof(*nf));
		if (!nf) {
			geo_feature_free(f);
			return ENOMEM;
		}
		cat->feats = nf;
		cat->featcap = cap;
	}
	idx = cat->nfeats;
	cat->feats[cat->nfeats++] = f;
	if (f->id) {
		rc = key_add(cat, file, f->id, idx);
		if (rc)
			return rc;
	}
	v = uri_attr(n);
	if (v) {
		rc = key_add(cat, (const char *)v, NULL, idx);
		xmlFree(v);
		if (rc)
			return rc;
	}
	idn = geo__child(n, GEO_NS_GML, "identifier");
	if (idn) {
		v = xmlNodeGetContent(idn);
		if (!v)
			return ENOMEM;
		rc = key_add(cat, (const char *)v, NULL, idx);
		xmlFree(v);
	}
	return rc;
}

static int doc_load(struct geo_ctx *ctx, struct geo_catalog *cat,
		    const char *file, xmlDoc *doc, struct geo_err *err)
{
	const xmlNode *root = xmlDocGetRootElement(doc), *c, *m;
	int rc = 0;

	if (!root)
		return geo__err(err, EBADMSG, "%s: no root element", file);
	if (!geo__is(root, GEO_NS_GML, "FeatureCollection") &&
	    !geo_gml_is_geometry(root) &&
	    (xmlHasNsProp(root, (const xmlChar *)"id",
			  (const xmlChar *)GEO_NS_GML) ||
	     xmlHasNsProp(root, (const xmlChar *)"id",
			  (const xmlChar *)GEO_NS_GML32)))
		return feature_add(ctx, cat, file, root, err);
	for (c = root->children; c && !rc; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (geo__is(c, GEO_NS_GML, "featureMember") ||
		    geo__is(c, GEO_NS_GML, "featureMembers")) {
			for (m = c->children; m && !rc; m = m->next)
				if (m->type == XML_ELEMENT_NODE)
					rc = feature_add(ctx, cat, file, m,
							 err);
			continue;
		}
		if (geo__is(c, GEO_NS_GML, "boundedBy") ||
		    geo__is(c, GEO_NS_GML, "name") ||
		    geo__is(c, GEO_NS_GML, "description"))
			continue;
		rc = feature_add(ctx, cat, file, c, err);
	}
	return rc;
}

static int file_load(struct geo_ctx *ctx, struct geo_catalog *cat,
		     const char *dir, const char *name, struct geo_err *err)
{
	char path[4096];
	struct stat st;
	xmlDoc *doc;
	FILE *fp;
	char *buf;
	size_t max;
	int rc, n;

	n = snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= sizeof(path))
		return geo__err(err, ENAMETOOLONG, "catalog path too long");
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return 0;
	max = ctx->lim.max_catalog_bytes < INT_MAX ?
	      ctx->lim.max_catalog_bytes : INT_MAX;
	if ((uintmax_t)st.st_size > (uintmax_t)max)
		return geo__err(err, EOVERFLOW, "%.80s: larger than %zu bytes "
				"(max_catalog_bytes)", name, max);
	fp = fopen(path, "rb");
	if (!fp)
		return geo__err(err, errno ? errno : EIO, "%.80s: cannot open",
				name);
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		fclose(fp);
		return ENOMEM;
	}
	if (fread(buf, 1, (size_t)st.st_size, fp) != (size_t)st.st_size) {
		free(buf);
		fclose(fp);
		return geo__err(err, EIO, "%.80s: read error", name);
	}
	fclose(fp);
	doc = xmlReadMemory(buf, (int)st.st_size, name, NULL,
			    XML_PARSE_NONET | XML_PARSE_NOWARNING |
			    XML_PARSE_NOERROR);
	free(buf);
	if (!doc)
		return geo__err(err, EBADMSG, "%.80s: not well-formed XML",
				name);
	rc = doc_load(ctx, cat, name, doc, err);
	if (rc && err) {
		char tmp[GEO_WARN_MAX];
		snprintf(tmp, sizeof(tmp), "%s", err->msg);
		geo__err(err, rc, "%.60s: %s", name, tmp);
	}
	xmlFreeDoc(doc);
	return rc;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int key_cmp(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	if (c)
		return c;
	return x->feat < y->feat ? -1 : x->feat > y->feat;
}

static bool wanted(const char *name)
{
	size_t n = strlen(name);

	if (name[0] == '.')
		return false;
	return (n > 4 && strcmp(name + n - 4, ".gml") == 0) ||
	       (n > 4 && strcmp(name + n - 4, ".xml") == 0);
}

int geo_catalog_load(struct geo_ctx *ctx, const char *dir,
		     struct geo_catalog **catp, struct geo_err *err)
{
	struct geo_catalog *cat = NULL;
	char **names = NULL;
	size_t n = 0, i;
	struct dirent *de;
	DIR *d;
	int rc = 0;

	geo__err_begin(err);
	if (!ctx || !dir || !catp)
		return geo__err(err, EINVAL, "bad argument");
	d = opendir(dir);
	if (!d)
		return geo__err(err, ENOENT, "catalog directory not found");
	names = calloc(CATALOG_FILES_MAX, sizeof(*names));
	cat = calloc(1, sizeof(*cat));
	if (!names || !cat) {
		rc = ENOMEM;
		goto out;
	}
	cat->ctx = ctx;
	while ((de = readdir(d)) != NULL) {
		if (!wanted(de->d_name))
			continue;
		if (n == CATALOG_FILES_MAX) {
			rc = geo__err(err, EOVERFLOW, "catalog has more than "
				      "%d files", CATALOG_FILES_MAX);
			goto out;
		}
		names[n] = strdup(de->d_name);
		if (!names[n]) {
			rc = ENOMEM;
			goto out;
		}
		n++;
	}
	qsort(names, n, sizeof(*names), name_cmp);
	for (i = 0; i < n && !rc; i++)
		rc = file_load(ctx, cat, dir, names[i], err);
	if (rc)
		goto out;
	if (cat->nkeys)
		qsort(cat->keys, cat->nkeys, sizeof(*cat->keys), key_cmp);
	/* the arrays no longer move: share each feature's region */
	for (i = 0; i < cat->nfeats; i++) {
		const struct geo_feature *f = cat->feats[i];
		if (f->nshapes) {
			rc = geo__region_share(ctx, f->shapes, f->nshapes);
			if (rc)
				goto out;
		}
		cat->nshared = i + 1;
	}
	*catp = cat;
	cat = NULL;
out:
	closedir(d);
	for (i = 0; names && i < n; i++)
		free(names[i]);
	free(names);
	geo_catalog_free(cat);
	return geo__err_end(err, rc);
}

const struct geo_feature *geo_catalog_lookup(const struct geo_catalog *cat,
					     const char *uri)
{
	size_t lo = 0, hi;

	if (!cat || !uri)
		return NULL;
	hi = cat->nkeys;
	while (lo < hi) {             /* first key >= uri */
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(cat->keys[mid].key, uri) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < cat->nkeys && strcmp(cat->keys[lo].key, uri) == 0)
		return cat->feats[cat->keys[lo].feat];
	return NULL;
}

size_t geo_catalog_count(const struct geo_catalog *cat)
{
	return cat ? cat->nfeats : 0;
}
