/*
 * pidf.h: PIDF-LO parse and build (RFC 3863, 4119, 4479, 5139, 5491,
 * 5962, 7459; containment of draft-mahy-geopriv-sip-loc-pkg-01 section 4).
 *
 * What it does: reads a PIDF-LO body from memory with one hardened libxml2
 * read (pidf_xml_read, also meant for filters/: no network, no DTD, any
 * DOCTYPE or entity declaration refused, size/depth/element caps), picks
 * the location by RFC 5491 rule 8 (first dm:device, else first tuple,
 * dm:person last) and exposes it as plain data (struct pidf_location: a
 * geo_shape, confidence, time, dynamic, civic pairs, usage rules, method).
 * Builds NOTIFY bodies (one tuple, the current location, usage rules,
 * timestamp, optional speed, pr:containment per feature) with a reusable
 * builder.
 *
 * What it does not do: SIP, policy (obfuscation is the caller's), any
 * network access, XInclude, entity expansion. Geometry is geo/'s job.
 *
 * Ownership: pidf_parse() returns a struct pidf_doc the caller frees with
 * pidf_doc_free(); every pointer inside it (xml tree, shape, strings)
 * lives exactly as long as the doc. Pointers in a struct pidf_location
 * handed to pidf_build() are borrowed; the builder never keeps them.
 * Threads: no global state; a builder or doc belongs to one thread
 * (the process calls libxml2's xmlInitParser() once before threads).
 * Legacy input: RFC 4119's gml:location/Point with gml:coordinates
 * (GML 3.0 namespace, "37:46:30N 122:25:10W") is read here, not in geo/.
 * Cost (2 cores, -O2): ~16 us to build a NOTIFY body with 2 features,
 * ~20 us to parse a 1.3 KB PIDF-LO.
 * Errors: 0 or a positive errno value (EINVAL bad argument, EBADMSG
 * malformed, EOVERFLOW over a limit, ENOTSUP unsupported construct, ENOENT
 * no location, EPROTO forbidden construct such as a DOCTYPE, ENOMEM) plus
 * a one-line reason in struct pidf_err fit for a SIP Warning header.
 */
#ifndef PIDF_H
#define PIDF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "geo/geo.h"

struct _xmlDoc;
struct _xmlNode;

/* Namespaces (LOCATION.md section 4). */
#define PIDF_NS_PIDF "urn:ietf:params:xml:ns:pidf"
#define PIDF_NS_GP "urn:ietf:params:xml:ns:pidf:geopriv10"
#define PIDF_NS_GBP "urn:ietf:params:xml:ns:pidf:geopriv10:basicPolicy"
#define PIDF_NS_CA "urn:ietf:params:xml:ns:pidf:geopriv10:civicAddr"
#define PIDF_NS_CL "urn:ietf:params:xml:ns:pidf:geopriv10:civicLoc"
#define PIDF_NS_CIVIL "urn:ietf:params:xml:ns:pidf:geopriv10:civilLoc"
#define PIDF_NS_DM "urn:ietf:params:xml:ns:pidf:data-model"
#define PIDF_NS_GML "http://www.opengis.net/gml"
#define PIDF_NS_GS "http://www.opengis.net/pidflo/1.0"
#define PIDF_NS_DYN "urn:ietf:params:xml:ns:pidf:geopriv10:dynamic"
#define PIDF_NS_DYN_ALIAS "urn:ietf:params:xml:schema:pidf:dynamic"
#define PIDF_NS_CON "urn:ietf:params:xml:ns:geopriv:conf"
#define PIDF_NS_PR "urn:ietf:params:xml:ns:pidf:geopriv10:containment"
#define PIDF_NS_XLINK "http://www.w3.org/1999/xlink"

#define PIDF_WARN_MAX 160

/* A reason for rejecting input, fit for `Warning: 399 host "<msg>"`. */
struct pidf_err {
	int code;               /* errno value, same as the return value */
	char msg[PIDF_WARN_MAX]; /* "PIDF-LO: ...", no quotes or controls */
};

/* Defaults (SEC-18, STYLE 2.6): PIDF-LO body 64 KiB, XML depth 32. */
#define PIDF_BODY_MAX 65536
#define PIDF_DEPTH_MAX 32
#define PIDF_ELEMENTS_MAX 4096   /* element count; 64 KiB holds ~6000 */
#define PIDF_TUPLES_MAX 32       /* tuple + device + person */

struct pidf_limits {
	size_t max_body;        /* bytes (default PIDF_BODY_MAX) */
	unsigned max_depth;     /* element nesting, root = 1 (32) */
	size_t max_elements;    /* elements in the document (4096) */
	size_t max_tuples;      /* tuple/device/person elements (32) */
};

void pidf_limits_init(struct pidf_limits *lim);

/*
 * The hardened read, shared with filters/: parses len bytes (no NUL
 * needed) as XML with XML_PARSE_NONET | XML_PARSE_NOCDATA and never
 * NOENT/DTDLOAD/HUGE; any DOCTYPE, entity declaration or entity reference
 * stops the parse (EPROTO, nothing is loaded); body over max_body is
 * refused before parsing (EOVERFLOW); depth and element count are checked
 * while parsing (EOVERFLOW); malformed XML is EBADMSG. Reasons start with
 * what ("PIDF-LO: ", "location-filter: "). lim may be NULL (defaults).
 * On success *docp is a new document: free it with pidf_xml_free().
 */
int pidf_xml_read(const char *buf, size_t len, const struct pidf_limits *lim,
		  const char *what, struct _xmlDoc **docp,
		  struct pidf_err *err) __attribute__((warn_unused_result));
void pidf_xml_free(struct _xmlDoc *doc);

/* xs:dateTime (offsets, fractions) <-> UNIX seconds. */
int pidf_time_parse(const char *s, double *t)
	__attribute__((warn_unused_result));
/* Writes "YYYY-MM-DDThh:mm:ss[.fff]Z"; returns 0, EINVAL or EOVERFLOW. */
int pidf_time_format(double t, char *buf, size_t sz)
	__attribute__((warn_unused_result));

/* ------------------------------------------------------------------ */
/* The location as plain data                                          */

/* Civic address (RFC 5139 CAtype tokens; Q-5 civicLoc/civilLoc too). */
#define PIDF_CIVIC_MAX 40
#define PIDF_CIVIC_VALUE_MAX 256

struct pidf_civic_field {
	char type[12];                    /* "country", "A1", "RD", "PC" */
	char value[PIDF_CIVIC_VALUE_MAX]; /* xs:token, whitespace collapsed */
};

struct pidf_civic {
	size_t n;                          /* 0: no civic address */
	struct pidf_civic_field f[PIDF_CIVIC_MAX];
	char lang[36];                     /* xml:lang or "" */
};

/* Value of a civic field, or NULL ("A1", "country"...). */
const char *pidf_civic_get(const struct pidf_civic *c, const char *type);
/* Set (replace or append) a field; EINVAL unknown type, EOVERFLOW long. */
int pidf_civic_set(struct pidf_civic *c, const char *type,
		   const char *value) __attribute__((warn_unused_result));

/* Usage rules (RFC 4119 2.2.2, PL-19, PL-27, Q-29, SEC-10). */
struct pidf_usage {
	bool retransmission_allowed;  /* default false */
	bool has_retention;
	double retention_expiry;      /* UNIX s; build default time + 24 h */
	const char *external_ruleset; /* URI or NULL */
	const char *note_well;        /* text or NULL */
};

enum pidf_pdf {
	PIDF_PDF_UNKNOWN = 0,
	PIDF_PDF_NORMAL,
	PIDF_PDF_RECTANGULAR,
};

enum pidf_source {
	PIDF_SRC_TUPLE = 0,
	PIDF_SRC_DEVICE,    /* RFC 4479 dm:device */
	PIDF_SRC_PERSON,    /* RFC 4479 dm:person */
};

#define PIDF_METHOD_MAX 32
#define PIDF_RETENTION_DEFAULT (24.0 * 3600.0)   /* PL-19 */
#define PIDF_CONFIDENCE_DEFAULT 0.95             /* RFC 7459 4.1 */

struct pidf_location {
	struct geo_shape *shape;  /* geodetic shape or NULL (civic only) */
	double confidence;        /* 0..1 (con:confidence / 100), 0.95 */
	bool has_confidence;      /* con:confidence present and numeric */
	enum pidf_pdf pdf;        /* con:confidence pdf attribute */
	bool has_time;
	double time;              /* tuple timestamp, UNIX s */
	bool has_speed;           /* dyn:speed, m/s */
	double speed;
	bool has_heading;         /* dyn:heading, degrees from north */
	double heading;
	unsigned norientation;    /* dyn:orientation: 0, 1 or 2 angles */
	double orientation[2];    /* degrees */
	struct pidf_civic civic;
	struct pidf_usage usage;
	char method[PIDF_METHOD_MAX]; /* gp:method token or "" */
};

/* Zero everything, confidence = 0.95 (cannot fail, frees nothing). */
void pidf_location_init(struct pidf_location *loc);

/* ------------------------------------------------------------------ */
/* Parse                                                               */

struct pidf_doc {
	struct _xmlDoc *xml;           /* the whole document, owned */
	struct _xmlNode *location_info; /* chosen gp:location-info (LF-32) */
	const char *entity;            /* presence entity URI */
	const char *tuple_id;          /* id of the chosen tuple/device/... */
	enum pidf_source source;       /* where the location came from */
	size_t ngeopriv;               /* geopriv elements seen */
	struct pidf_location loc;      /* the chosen location */
};

/*
 * Parse a PIDF-LO body (len bytes). geo parses the shapes; lim may be
 * NULL. On success *docp is a new doc (free with pidf_doc_free).
 * Errors: EINVAL, EOVERFLOW (size/depth/count), EPROTO (DOCTYPE/entity),
 * EBADMSG (malformed XML, not a presence document, bad number/time,
 * bad shape), ENOENT (no geopriv, or location-info without a recognised
 * location), ENOTSUP (unsupported CRS/shape), ENOMEM.
 */
int pidf_parse(struct geo_ctx *geo, const char *body, size_t len,
	       const struct pidf_limits *lim, struct pidf_doc **docp,
	       struct pidf_err *err) __attribute__((warn_unused_result));
void pidf_doc_free(struct pidf_doc *doc);

/* ------------------------------------------------------------------ */
/* Build                                                               */

/* One feature to report (LF-41..45): echoed shallowly, no geometry. */
struct pidf_containment {
	const struct _xmlNode *feature;  /* subscriber's element, borrowed */
	enum geo_position position;
};

struct pidf_build_in {
	const char *entity;               /* required: "pres:..." */
	const char *tuple_id;             /* NCName; NULL = "loc1" */
	const struct pidf_location *loc;  /* required; shape and/or civic */
	double now;                       /* timestamp if !loc->has_time */
	bool with_dynamic;                /* emit dyn: speed etc. (SEC-12) */
	bool with_method;                 /* emit gp:method if set (SEC-11) */
	const struct pidf_containment *containment;
	size_t ncontainment;
};

struct pidf_builder;

int pidf_builder_alloc(struct pidf_builder **bp)
	__attribute__((warn_unused_result));
void pidf_builder_free(struct pidf_builder *b);

/*
 * Build a notification body. On success the body is available through
 * pidf_builder_body() and the built tree's gp:location-info through
 * pidf_builder_location_info() (XPath context for valueChanges, LF-32);
 * both stay valid until the next pidf_build() or pidf_builder_free().
 * Errors: EINVAL (missing entity/location, bad tuple id, bad number),
 * ENOTSUP (shape kind), EOVERFLOW, ENOMEM.
 */
int pidf_build(struct pidf_builder *b, const struct pidf_build_in *in,
	       struct pidf_err *err) __attribute__((warn_unused_result));
const char *pidf_builder_body(const struct pidf_builder *b, size_t *len);
struct _xmlNode *pidf_builder_location_info(const struct pidf_builder *b);

#endif /* PIDF_H */
