/*
 * out.c: locreplay's output formats (out.h), written with jansson.
 */
#include "tools/locreplay/out.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

struct rp_out {
	enum rp_format fmt;
	FILE *f;
	struct geo_ctx *geo;
	const struct lf_filter *filter;
	const struct geo_catalog *catalog;
	json_t *track;   /* geojson: LineString coordinates */
	json_t *notes;   /* geojson: notification Points */
	int err;
};

int rp_out_alloc(struct rp_out **outp, enum rp_format fmt, FILE *f,
		 struct geo_ctx *geo, const struct lf_filter *filter,
		 const struct geo_catalog *catalog)
{
	struct rp_out *o;

	if (!outp || !f || !filter)
		return EINVAL;
	o = calloc(1, sizeof(*o));
	if (!o)
		return ENOMEM;
	o->fmt = fmt;
	o->f = f;
	o->geo = geo;
	o->filter = filter;
	o->catalog = catalog;
	if (fmt == RP_FMT_GEOJSON) {
		o->track = json_array();
		o->notes = json_array();
		if (!o->track || !o->notes) {
			rp_out_free(o);
			return ENOMEM;
		}
	}
	*outp = o;
	return 0;
}

void rp_out_free(struct rp_out *out)
{
	if (!out)
		return;
	json_decref(out->track);
	json_decref(out->notes);
	free(out);
}

const char *rp_feature_name(const struct lf_filter *filter, size_t i,
			    char *buf, size_t sz)
{
	const struct lf_feature *ft = lf_filter_feature(filter, i);

	if (ft && ft->name)
		return ft->name;
	if (ft && ft->id)
		return ft->id;
	if (ft && ft->href)
		return ft->href;
	snprintf(buf, sz, "feature-%zu", i + 1);
	return buf;
}

/* Round to 1e-7 degree (~1 cm) so output is stable and short. */
static json_t *deg(double v)
{
	return json_real(round(v * 1e7) / 1e7);
}

static json_t *lonlat(const struct geo_point *p)
{
	json_t *a = json_array();
	json_array_append_new(a, deg(p->lon));
	json_array_append_new(a, deg(p->lat));
	if (p->has_alt)
		json_array_append_new(a, json_real(round(p->alt * 1e3) / 1e3));
	return a;
}

static json_t *time_str(double t)
{
	char buf[40];
	if (pidf_time_format(t, buf, sizeof(buf)) != 0)
		return json_null();
	return json_string(buf);
}

static json_t *triggers_json(uint32_t bits)
{
	json_t *a = json_array();
	for (unsigned b = 0; rp_trigger_name(b); b++)
		if (bits & (1u << b))
			json_array_append_new(a,
					      json_string(rp_trigger_name(b)));
	return a;
}

static json_t *containment_json(const struct rp_out *o,
				const struct rp_note *n)
{
	json_t *a = json_array();
	char buf[32];
	for (size_t i = 0; i < n->ncont; i++) {
		json_t *c = json_object();
		json_object_set_new(c, "feature",
				    json_string(rp_feature_name(
					    o->filter, n->cont[i].feature, buf,
					    sizeof(buf))));
		json_object_set_new(
			c, "position",
			json_string(geo_position_name(n->cont[i].position)));
		json_array_append_new(a, c);
	}
	return a;
}

static json_t *note_props(const struct rp_out *o, const struct rp_note *n)
{
	const struct geo_fix *fx = n->fix;
	json_t *obj = json_object();

	json_object_set_new(obj, "time", time_str(n->time));
	if (fx->has_time)
		json_object_set_new(obj, "fix_time", time_str(fx->time));
	json_object_set_new(obj, "fix", json_integer((json_int_t)
						    n->fix_index));
	json_object_set_new(obj, "lat", deg(fx->pt.lat));
	json_object_set_new(obj, "lon", deg(fx->pt.lon));
	if (fx->pt.has_alt)
		json_object_set_new(obj, "alt",
				    json_real(round(fx->pt.alt * 1e3) / 1e3));
	if (fx->has_speed)
		json_object_set_new(obj, "speed",
				    json_real(round(fx->speed * 1e3) / 1e3));
	json_object_set_new(obj, "triggers", triggers_json(n->triggers));
	json_object_set_new(obj, "containment", containment_json(o, n));
	return obj;
}

static int dump_line(struct rp_out *o, json_t *obj)
{
	int e = json_dumpf(obj, o->f, JSON_COMPACT | JSON_PRESERVE_ORDER |
					      JSON_REAL_PRECISION(12));
	json_decref(obj);
	if (e != 0 || fputc('\n', o->f) == EOF)
		return EIO;
	return 0;
}

int rp_out_fix(struct rp_out *out, const struct geo_fix *fix)
{
	if (out->fmt != RP_FMT_GEOJSON)
		return 0;
	if (json_array_append_new(out->track, lonlat(&fix->pt)) != 0)
		return ENOMEM;
	return 0;
}

int rp_out_note(const struct rp_note *note, void *arg)
{
	struct rp_out *o = arg;
	json_t *props, *feat, *geom;

	switch (o->fmt) {
	case RP_FMT_JSONL:
		return dump_line(o, note_props(o, note));
	case RP_FMT_PIDF:
		if (!note->body)
			return EINVAL;
		if (fwrite(note->body, 1, note->body_len, o->f) !=
			    note->body_len ||
		    (note->body_len && note->body[note->body_len - 1] != '\n' &&
		     fputc('\n', o->f) == EOF))
			return EIO;
		return 0;
	case RP_FMT_GEOJSON:
		props = note_props(o, note);
		json_object_set_new(props, "kind", json_string("notification"));
		json_object_set_new(props, "seq", json_integer(note->seq));
		geom = json_pack("{s:s,s:o}", "type", "Point", "coordinates",
				 lonlat(&note->fix->pt));
		feat = json_pack("{s:s,s:o,s:o}", "type", "Feature",
				 "geometry", geom, "properties", props);
		if (!feat || json_array_append_new(o->notes, feat) != 0)
			return ENOMEM;
		return 0;
	}
	return EINVAL;
}

/* GeoJSON geometry of one shape (areas as polygons, else the centre). */
static json_t *shape_geojson(struct geo_ctx *geo, const struct geo_shape *s)
{
	struct geo_point c;
	json_t *rings;

	if (s->kind == GEO_SHAPE_POLYGON || s->kind == GEO_SHAPE_PRISM) {
		rings = json_array();
		for (size_t r = 0; r < s->nrings; r++) {
			json_t *ring = json_array();
			for (size_t i = 0; i < s->rings[r].n; i++) {
				struct geo_point p = s->rings[r].pts[i];
				p.has_alt = false;
				json_array_append_new(ring, lonlat(&p));
			}
			json_array_append_new(rings, ring);
		}
		return json_pack("{s:s,s:o}", "type", "Polygon",
				 "coordinates", rings);
	}
	if (geo_shape_center(geo, s, &c) != 0)
		c = s->center;
	c.has_alt = false;
	return json_pack("{s:s,s:o}", "type", "Point", "coordinates",
			 lonlat(&c));
}

/* The fence of feature i as a GeoJSON Feature (NULL: no geometry). */
static json_t *fence_geojson(struct rp_out *o, size_t i)
{
	const struct lf_feature *ft = lf_filter_feature(o->filter, i);
	struct geo_feature *own = NULL;
	const struct geo_feature *gf = NULL;
	struct geo_shape *one = NULL;
	struct geo_err ge;
	json_t *geoms, *geom, *props;
	char buf[32];

	if (!ft || !o->geo)
		return NULL;
	if (ft->node && geo_gml_is_geometry(ft->node)) {
		if (geo_gml_parse(o->geo, ft->node, &one, &ge) != 0)
			return NULL;
	} else if (ft->node &&
		   geo_feature_parse(o->geo, ft->node, &own, &ge) == 0) {
		gf = own;
	} else if (ft->href && o->catalog) {
		gf = geo_catalog_lookup(o->catalog, ft->href);
	}
	if (!one && (!gf || gf->nshapes == 0)) {
		geo_feature_free(own);
		return NULL;
	}
	if (one) {
		geom = shape_geojson(o->geo, one);
	} else if (gf->nshapes == 1) {
		geom = shape_geojson(o->geo, gf->shapes[0]);
	} else {
		geoms = json_array();
		for (size_t k = 0; k < gf->nshapes; k++)
			json_array_append_new(geoms,
					      shape_geojson(o->geo,
							    gf->shapes[k]));
		geom = json_pack("{s:s,s:o}", "type", "GeometryCollection",
				 "geometries", geoms);
	}
	props = json_pack("{s:s,s:s}", "kind", "fence", "name",
			  rp_feature_name(o->filter, i, buf, sizeof(buf)));
	if (one && one->kind == GEO_SHAPE_CIRCLE)
		json_object_set_new(props, "radius", json_real(one->radius));
	geo_shape_free(one);
	geo_feature_free(own);
	return json_pack("{s:s,s:o,s:o}", "type", "Feature", "geometry", geom,
			 "properties", props);
}

int rp_out_finish(struct rp_out *out)
{
	json_t *fc, *feats;
	size_t i;
	int e = 0;

	if (out->fmt == RP_FMT_GEOJSON) {
		feats = json_array();
		json_array_append_new(
			feats,
			json_pack("{s:s,s:{s:s,s:O},s:{s:s}}", "type",
				  "Feature", "geometry", "type", "LineString",
				  "coordinates", out->track, "properties",
				  "kind", "track"));
		for (i = 0; i < lf_filter_nfeatures(out->filter); i++) {
			json_t *f = fence_geojson(out, i);
			if (f)
				json_array_append_new(feats, f);
		}
		json_array_extend(feats, out->notes);
		fc = json_pack("{s:s,s:o}", "type", "FeatureCollection",
			       "features", feats);
		if (!fc)
			return ENOMEM;
		if (json_dumpf(fc, out->f, JSON_INDENT(1) |
						   JSON_PRESERVE_ORDER |
						   JSON_REAL_PRECISION(12)) != 0)
			e = EIO;
		fputc('\n', out->f);
		json_decref(fc);
	}
	if (fflush(out->f) != 0 || ferror(out->f))
		e = EIO;
	return e;
}
