/*
 * geo.h: locd's geometry engine.
 *
 * What it does: reads GML (RFC 5491 shapes, GML 3.1.1 Polygon/Solid and
 * features) from libxml2 nodes into plain structs; measures WGS 84
 * geodesic distance (PROJ geodesic.h, Karney), vertical distance and
 * speed; decides containment of a position (with or without an
 * uncertainty region) in a region, using GEOS prepared geometries in a
 * local plane; indexes many fences with a packed R-tree; keeps a catalog of
 * named features loaded from local GML files for xlink:href references.
 *
 * What it does not do: anything SIP or PIDF; any network access (never).
 *
 * Coordinates: struct geo_point is latitude, longitude (degrees, WGS 84)
 * and ellipsoidal height (metres), whatever the CRS axis order on the wire
 * (EPSG 4326/4979 are latitude first, RFC 5491). GEOS works in a plane:
 * x = longitude, y = latitude (after antimeridian unwrapping) for indexing,
 * and a local azimuthal plane for area overlap; the plane never leaks out.
 *
 * Threads: all state hangs off struct geo_ctx (one GEOS handle, one PROJ
 * context, one geod_geodesic); use one context per thread. Regions made
 * with a context belong to it. No global mutable state.
 *
 * Errors: fallible functions return 0 or a positive errno value (EINVAL
 * bad argument, EBADMSG malformed input, EOVERFLOW over a limit, ENOTSUP
 * unsupported CRS/shape, ENOMEM, ENOENT not found) and fill an optional
 * struct geo_err with a one-line reason fit for a SIP Warning header.
 * GEOS errors are caught by the context's handlers, never abort.
 *
 * Ownership: x_alloc()/x_free() pairs; every free accepts NULL.
 */
#ifndef GEO_H
#define GEO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct _xmlNode;

#define GEO_WARN_MAX 160

/* A reason for rejecting input, fit for `Warning: 399 host "<msg>"`. */
struct geo_err {
	int code;                 /* errno value, same as the return value */
	char msg[GEO_WARN_MAX];   /* no quotes or control characters */
};

/*
 * Input limits; geo_limits_init() sets the defaults named below.
 *
 * Features parsed with geo_feature_parse() (a subscriber's filter:
 * untrusted) hold at most max_shapes geometries. Features of the
 * catalog (geo_catalog_load) come from local files the operator
 * provides, and may be large (all school zones of a city): they have
 * their own, explicit caps, max_catalog_shapes geometries and
 * max_catalog_vertices positions per feature (curved shapes count as
 * their 129-point outline), in files of at most max_catalog_bytes.
 * Memory: about 1.05 KB per catalog polygon of 7 positions (0.59 KB
 * for the shape the catalog keeps, 0.46 KB for its part in the
 * feature's one shared region, tree included); loading parses a file
 * whole (the DOM of a 30 MB file of 100,000 polygons takes about
 * 100 MB while it loads).
 */
struct geo_limits {
	size_t max_vertices;      /* positions per ring (default 10000) */
	size_t max_rings;         /* rings per polygon (default 64) */
	size_t max_patches;       /* patches per Solid (default 64) */
	size_t max_shapes;        /* geometries per feature (default 32) */
	unsigned max_depth;       /* XML nesting below the root (default 32) */
	size_t max_catalog_shapes;    /* per catalog feature (100000) */
	size_t max_catalog_vertices;  /* per catalog feature (2000000) */
	size_t max_catalog_bytes;     /* per catalog file (64 MiB; at most
				       * INT_MAX) */
};

void geo_limits_init(struct geo_limits *lim);

/* Log sink: level is a syslog level; silent when no handler is set. */
typedef void(geo_log_h)(int level, const char *msg, void *arg);

struct geo_ctx;

/*
 * Create a context (GEOS handle with error/notice handlers, PROJ context,
 * WGS 84 geodesic). lim may be NULL for defaults.
 * Returns 0 or ENOMEM.
 */
int geo_ctx_alloc(struct geo_ctx **ctxp, const struct geo_limits *lim)
	__attribute__((warn_unused_result));
void geo_ctx_free(struct geo_ctx *ctx);
void geo_ctx_set_log(struct geo_ctx *ctx, geo_log_h *h, void *arg);
const struct geo_limits *geo_ctx_limits(const struct geo_ctx *ctx);
/* Number of distinct prepared polygons interned in the context. */
size_t geo_ctx_interned(const struct geo_ctx *ctx);

/* ------------------------------------------------------------------ */
/* Points, distances, speed                                            */

struct geo_point {
	double lat;   /* degrees, -90..90 */
	double lon;   /* degrees, -180..180 (normalised on input) */
	double alt;   /* metres above the WGS 84 ellipsoid; valid if has_alt */
	bool has_alt;
};

/* True when lat/lon are finite and in range (and alt finite if set). */
bool geo_point_valid(const struct geo_point *p);

/*
 * Horizontal WGS 84 geodesic distance in metres, within 1 mm of
 * GeographicLib for any pair (poles, antipodes, antimeridian): Karney's
 * geod_inverse, except below 10 km where the ECEF chord plus its
 * curvature term gives the same length to 0.02 mm ten times faster
 * (see geo/dist.c). NaN for NULL or NaN input. Never allocates.
 */
double geo_distance(const struct geo_ctx *ctx, const struct geo_point *a,
		    const struct geo_point *b);

/*
 * Horizontal distance with a cheap early answer: returns true when the
 * geodesic distance between a and b is >= threshold metres (inclusive,
 * A spherical distance with a 1 % margin decides when it can;
 * within the margin geo_distance() decides: never a wrong answer.
 */
bool geo_distance_at_least(const struct geo_ctx *ctx,
			   const struct geo_point *a,
			   const struct geo_point *b, double threshold);

/*
 * 3-D distance (LOCATION.md LF-31): the straight line between the two
 * positions in WGS 84 ECEF (EPSG 4978), heights included. Returns
 * ENODATA when either lacks an altitude, EINVAL for an invalid point.
 */
int geo_distance_3d(const struct geo_point *a, const struct geo_point *b,
		    double *metres);

/* |alt(a) - alt(b)|; returns ENODATA when either lacks an altitude. */
int geo_distance_vert(const struct geo_point *a, const struct geo_point *b,
		      double *metres);

/*
 * Horizontal speed in m/s between two timed fixes (times in seconds).
 * Returns ENODATA when dt < min_dt (zero or backwards time steps
 * included): no speed can be derived, nothing is divided by zero.
 */
int geo_speed(const struct geo_ctx *ctx, const struct geo_point *a,
	      double ta, const struct geo_point *b, double tb, double min_dt,
	      double *mps);

/* ------------------------------------------------------------------ */
/* Shapes (RFC 5491) and GML                                           */

enum geo_shape_kind {
	GEO_SHAPE_POINT,
	GEO_SHAPE_POLYGON,   /* 2-D polygon, or 3-D one at a single altitude */
	GEO_SHAPE_CIRCLE,
	GEO_SHAPE_ELLIPSE,
	GEO_SHAPE_ARCBAND,
	GEO_SHAPE_SPHERE,
	GEO_SHAPE_ELLIPSOID,
	GEO_SHAPE_PRISM,     /* gs:Prism, and gml:Solid vertical prisms */
};

const char *geo_shape_kind_name(enum geo_shape_kind k);

/* A closed ring: pts[0] == pts[n-1], n >= 4. */
struct geo_ring {
	size_t n;
	struct geo_point *pts;
};

struct geo_shape {
	enum geo_shape_kind kind;
	unsigned dim;               /* 2 (EPSG 4326) or 3 (EPSG 4979) */
	struct geo_point center;    /* Point and all centred shapes */
	double radius;              /* Circle, Sphere (m) */
	double semi_major;          /* Ellipse, Ellipsoid (m) */
	double semi_minor;          /* Ellipse, Ellipsoid (m) */
	double vertical_axis;       /* Ellipsoid (m) */
	double orientation;         /* Ellipse, Ellipsoid: deg from north */
	double inner_radius;        /* ArcBand (m) */
	double outer_radius;        /* ArcBand (m) */
	double start_angle;         /* ArcBand: deg from north */
	double opening_angle;       /* ArcBand: deg */
	size_t nrings;              /* Polygon, Prism: [0] exterior */
	struct geo_ring *rings;
	double floor;               /* Prism: base altitude (m) */
	double height;              /* Prism: height above the base (m) */
};

void geo_shape_free(struct geo_shape *shape);

/* Representative point (RFC 7459 section 5.1.1): centre or centroid. */
int geo_shape_center(const struct geo_ctx *ctx,
		     const struct geo_shape *shape, struct geo_point *out);

/*
 * Parse one GML geometry element: gml:Point, gml:Polygon, gml:Solid, or
 * a gs: shape of RFC 5491. srsName is taken from the nearest
 * ancestor-or-self of each coordinate element (the draft puts it on
 * posList): urn:ogc:def:crs:EPSG:[version]:4326|4979, .../gml/srs/
 * epsg.xml#CODE and .../epsg.xml/#CODE, http://www.opengis.net/def/crs/
 * EPSG/V/CODE, EPSG:CODE; anything else is ENOTSUP. Without srsName the
 * tuple size decides (logged). Axis order lat, lon[, h]. A gml:Polygon
 * under a 3-D CRS is read as a 2-D footprint (height ignored; the
 * draft's Building 10 example, Q-16). A Solid is accepted when it is a
 * vertical prism (Q-17: Surface/patches, CompositeSurface or Shell of
 * Polygon/PolygonPatch; every patch horizontal or vertical within 0.5 m,
 * zero-area patches skipped) and returned as GEO_SHAPE_PRISM with the
 * lowest horizontal patch as base. Unclosed rings are closed with a
 * LOG_WARNING. Errors: EBADMSG (fewer than 4 positions or 3
 * distinct vertices, "self-intersecting ring", NaN/bad numbers, latitude
 * or longitude out of range, coordinate count not a multiple of the
 * dimension, sloped Solid patch, ring around a pole), EOVERFLOW (more
 * than max_vertices positions, max_rings, max_patches, max_depth),
 * ENOTSUP (CRS, uom, geometry). On success *shapep is a new shape (free
 * with geo_shape_free).
 */
int geo_gml_parse(struct geo_ctx *ctx, const struct _xmlNode *node,
		  struct geo_shape **shapep, struct geo_err *err)
	__attribute__((warn_unused_result));

/* True if the element is a geometry geo_gml_parse() understands. */
bool geo_gml_is_geometry(const struct _xmlNode *node);

/* ------------------------------------------------------------------ */
/* Features: named regions                                             */

/*
 * A GML feature (any element such as my:Building) with optional gml:id,
 * gml:name and its geometries: geometry children, or geometries inside a
 * property child (gml:extentOf, gml:location, ...). A feature given only
 * by xlink:href has nshapes == 0 (look it up in a catalog). A node that
 * is itself a geometry gives a feature with that one shape. At most
 * max_shapes geometries (EOVERFLOW; catalog features have their own
 * caps, see geo_catalog_load). Shapes are owned by the feature.
 */
struct geo_feature {
	char *id;            /* gml:id or NULL */
	char *name;          /* gml:name or NULL */
	size_t nshapes;
	struct geo_shape **shapes;
};

int geo_feature_parse(struct geo_ctx *ctx, const struct _xmlNode *node,
		      struct geo_feature **featp, struct geo_err *err)
	__attribute__((warn_unused_result));
void geo_feature_free(struct geo_feature *feat);

/* ------------------------------------------------------------------ */
/* Regions and containment                                             */

enum geo_position {
	GEO_POS_UNDEFINED = 0,
	GEO_POS_INSIDE,
	GEO_POS_OUTSIDE,
};

const char *geo_position_name(enum geo_position pos);

/*
 * A prepared region: the union of a feature's shapes (2-D areas and 3-D
 * prisms), ready for containment tests. Identical geometries are interned
 * in the context: two regions built from the same shapes share one
 * prepared geometry. Reference counted: geo_region_ref/geo_region_free.
 *
 * Shapes accepted: Polygon, Prism (and Solid prisms), Circle, Ellipse,
 * ArcBand (polygonised, 128 segments per turn, around their centre),
 * Sphere and Ellipsoid (as their vertical cylinder). A Point is ENOTSUP.
 * Polygons live in the lon/lat plane (x = longitude unwrapped across the
 * antimeridian, y = latitude): edges are straight in that plane, which
 * differs from RFC 5491's chords by metres only for edges of tens of km
 * (PL-9, PL-10 recommend short edges). A ring that encloses a pole or
 * spans more than 180 degrees of longitude is EBADMSG. The shapes
 * are copied: the caller keeps ownership of them. Free every region
 * before its context.
 *
 * Cost: a region of 8 parts or more (a catalog feature of many
 * polygons) also gets a packed bounding-box tree over its parts (50
 * bytes a part), so a test visits only the parts whose box holds the
 * point or meets the estimate's box: O(log n) plus the candidates, not
 * O(n). The answers are exactly those of testing every part.
 */
struct geo_region;

int geo_region_alloc(struct geo_ctx *ctx, struct geo_shape *const *shapes,
		     size_t nshapes, struct geo_region **regp,
		     struct geo_err *err) __attribute__((warn_unused_result));
struct geo_region *geo_region_ref(struct geo_region *reg);
void geo_region_free(struct geo_region *reg);

/*
 * Where is the target? est is the location estimate.
 *
 * Point (exact): inside when some part of the region covers it. The
 * boundary counts as inside (GEOS covers semantics, LOCATION.md PL-14,
 * 3-D parts (prisms) also need floor <= alt <= floor + height,
 * both ends inclusive; a point without altitude that is horizontally
 * inside a 3-D part is GEO_POS_UNDEFINED, horizontally outside every
 * part is GEO_POS_OUTSIDE (LF-39, Q-19).
 *
 * Any other shape is an uncertainty region, decided by the rule of
 * LF-37/LF-38/Q-11 (RFC 7459 section 5.5, rectangular PDF):
 *   P(inside)  = C * A_overlap / A_est
 *   P(outside) = C * (A_est - A_overlap) / A_est
 * with C = confidence in 0..1 (RFC 7459 default 0.95). Inside if
 * P(inside) >= 0.5, else outside if P(outside) >= 0.5, else
 * GEO_POS_UNDEFINED (the caller keeps its previous state); with C = 0.95
 * inside needs >= 52.6 % overlap. Areas are computed in an azimuthal
 * equidistant plane around the estimate's centre (geod_inverse, so
 * distances and bearings from the centre are exact): curved shapes are
 * polygonised with 128 segments per turn, region vertices projected,
 * the overlap is a GEOSIntersection_r area. Against a 3-D part the
 * overlap is weighted by the fraction of the estimate's vertical extent
 * (Sphere, Ellipsoid: centre +/- axis; Prism: floor..floor+height;
 * taken as a vertical cylinder) inside the part's altitude range; a 2-D
 * estimate against a 3-D part counts as overlapping for P(outside) and
 * not for P(inside) (so inside a building's footprint it is undefined,
 * LF-39). Parts of one region are taken as disjoint (the overlap is
 * capped at A_est).
 *
 * p_inside (may be NULL) receives P(inside); for a Point 1, 0 or NaN
 * (undefined). Returns 0, EINVAL (bad argument, confidence outside
 * 0..1, invalid point) or EPROTO (GEOS failure).
 */
int geo_region_test(struct geo_ctx *ctx, const struct geo_region *reg,
		    const struct geo_shape *est, double confidence,
		    enum geo_position *pos, double *p_inside)
	__attribute__((warn_unused_result));

/* Fast path for a point: same answer as geo_region_test with a Point. */
int geo_region_test_point(struct geo_ctx *ctx, const struct geo_region *reg,
			  const struct geo_point *pt, enum geo_position *pos)
	__attribute__((warn_unused_result));

/* ------------------------------------------------------------------ */
/* Fence sets: many regions, one index                                 */

struct geo_fenceset;

/* Called for each fence containing the point; return false to stop. */
typedef bool(geo_fence_h)(size_t index, void *userdata, void *arg);

int geo_fenceset_alloc(struct geo_ctx *ctx, struct geo_fenceset **setp)
	__attribute__((warn_unused_result));
void geo_fenceset_free(struct geo_fenceset *set);
/* Add a region (a reference is taken); index = insertion order. */
int geo_fenceset_add(struct geo_fenceset *set, struct geo_region *reg,
		     void *userdata) __attribute__((warn_unused_result));
/*
 * Build the index (a packed bounding-box tree; everything a query needs
 * is allocated here); call after the last add, before queries. Adding
 * after a build drops the index; the next query or build makes a new
 * one.
 */
int geo_fenceset_build(struct geo_fenceset *set)
	__attribute__((warn_unused_result));
size_t geo_fenceset_count(const struct geo_fenceset *set);
/*
 * Visit every fence whose region contains pt (GEO_POS_INSIDE, same
 * answer as geo_region_test_point: boundary inside; 3-D fences need an
 * altitude, undefined ones are not visited), without a linear scan:
 * index candidates (point at lon and lon +/- 360 for fences across the
 * antimeridian), then the exact test. Each fence is visited once, in
 * insertion order. Allocates nothing. Not reentrant on one set (it
 * reuses scratch space).
 * Returns 0, EINVAL (invalid point) or an errno value.
 */
int geo_fenceset_query(struct geo_fenceset *set, const struct geo_point *pt,
		       geo_fence_h *h, void *arg)
	__attribute__((warn_unused_result));

/* ------------------------------------------------------------------ */
/* Feature catalog: local GML files addressable by URI                 */

struct geo_catalog;

/*
 * Load every *.gml / *.xml file in dir. Each top-level feature with a
 * gml:id F in file NAME is addressable as "NAME#F" and as the URI given
 * by a locd:uri attribute or gml:identifier on the feature, if any.
 * Never touches the network.
 *
 * The catalog is local files the operator provides (trusted more than a
 * filter, still bounded): a feature may be large, up to the context's
 * max_catalog_shapes geometries and max_catalog_vertices positions, in
 * files of up to max_catalog_bytes (struct geo_limits); over a cap the
 * load fails with EOVERFLOW, the reason naming the file, the feature
 * and the limit. geo_region_alloc() on a catalog feature's own shapes
 * array (feature->shapes, feature->nshapes) makes its region once and
 * then returns references to that one (no per-filter copy of a 100,000
 * part region). Free the catalog before its context.
 */
int geo_catalog_load(struct geo_ctx *ctx, const char *dir,
		     struct geo_catalog **catp, struct geo_err *err)
	__attribute__((warn_unused_result));
void geo_catalog_free(struct geo_catalog *cat);
/* The feature for uri, or NULL; owned by the catalog. */
const struct geo_feature *geo_catalog_lookup(const struct geo_catalog *cat,
					     const char *uri);
size_t geo_catalog_count(const struct geo_catalog *cat);

#endif /* GEO_H */
