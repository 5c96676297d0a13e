/*
 * lf.h: location filter documents and their evaluation.
 *
 * What it does: parses and validates a filter body in either form, the
 * draft's application/location-delta-filter+xml (root lf:location-filter,
 * LF-1..11) and RFC 6447's application/simple-filter+xml (RFC 4661
 * filter-set with lf: extensions, LF-12..20), into one struct lf_filter
 * of OR'ed groups of AND'ed conditions (table 1.3); then, per position
 * update, decides which triggers fire against the per-subscription
 * reference state (LOCATION.md 2.7) and reports containment per feature;
 * applies filter changes within a dialog (lf_filter_merge, EV-10).
 *
 * What it does not do: SIP, scheduling (lf_sched.h), PIDF building, any
 * network access (xlink:href is resolved only from a local catalog or the
 * same document, never fetched: Q-20), clocks (time comes with updates).
 *
 * Ownership: a filter is reference counted. lf_filter_parse(),
 * lf_cache_parse() and lf_filter_merge() return one reference, as does
 * lf_filter_hold(); lf_filter_free() drops one and the last frees it.
 * A filter owns the body it was parsed from and holds references to geo
 * regions, so free it before the geo context. Of the parsed XML it keeps
 * only a copy of each enterOrExit feature element (echoed in
 * containment, LF-45); a filter without features keeps no XML at all.
 * An lf_cache (interning) hands out one shared filter per identical
 * (type, body). A struct
 * lf_state belongs to one subscription and one filter (make a new one
 * when the filter changes, LF-42).
 * Threads: no global state; a filter is read-only after parsing (only
 * its reference count changes) and may be shared by states on the
 * thread owning its geo context; counts are plain integers, so filters
 * and caches belong to that one thread.
 * Limits (SEC-18, 1.4): body 64 KiB, XML depth 32, 64 groups, 32
 * features, 16 value triggers, 1000 vertices per ring, XPath 8 steps and
 * 256 characters.
 * Errors: 0 or a positive errno value with a one-line reason fit for a
 * SIP Warning header in struct lf_err; lf_sip_status() maps a code to
 * the SUBSCRIBE response (EPROTONOSUPPORT: not a filter type we know,
 * 415; EBADMSG/EOVERFLOW/ENOTSUP/EPROTO: bad filter, 488).
 */
#ifndef LF_H
#define LF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "geo/geo.h"

struct _xmlNode;

#define LF_CTYPE_DRAFT "application/location-delta-filter+xml"
#define LF_CTYPE_RFC "application/simple-filter+xml"
#define LF_NS "urn:ietf:params:xml:ns:location-filter"
#define LF_NS_SF "urn:ietf:params:xml:ns:simple-filter"

#define LF_BODY_MAX 65536       /* SEC-18: filter body */
#define LF_DEPTH_MAX 32         /* STYLE 2.6: XML depth */
#define LF_GROUPS_MAX 64        /* 1.4 limits */
#define LF_FEATURES_MAX 32      /* fits the uint32_t masks below */
#define LF_VALUES_MAX 16        /* valueChanges / changed / added ... */
#define LF_VERTICES_MAX 1000    /* positions per ring in a filter */
#define LF_XPATH_STEPS_MAX 8    /* */
#define LF_XPATH_LEN_MAX 256    /* */
#define LF_VALUE_MAX 16384      /* bytes of one canonical node value */
#define LF_WARN_MAX 160

/* A reason for rejecting input, fit for `Warning: 399 host "<msg>"`. */
struct lf_err {
	int code;               /* errno value, same as the return value */
	char msg[LF_WARN_MAX];  /* no quotes or control characters */
};

/* SIP status for a parse error: 0 -> 200, 415, 488, or 500. */
int lf_sip_status(int err);

enum lf_mode {
	LF_MODE_DRAFT = 0,      /* Event: location, lf:location-filter */
	LF_MODE_RFC,            /* Event: presence, sf:filter-set */
};

/* Trigger kinds, also the bits of struct lf_result.fired. */
enum lf_kind {
	LF_KIND_MOVED_H = 0,    /* draft movedHoriz (LF-27) */
	LF_KIND_MOVED_V,        /* draft movedVert (LF-27) */
	LF_KIND_SPEED,          /* draft speedExceeds (LF-29, Q-18) */
	LF_KIND_VALUE,          /* draft valueChanges (LF-32, LF-33) */
	LF_KIND_REGION,         /* enterOrExit, both forms (LF-36..39) */
	LF_KIND_MOVED_3D,       /* RFC lf:moved (LF-28) */
	LF_KIND_CHANGED,        /* RFC changed/added/removed (LF-34) */
	LF_KIND_COUNT_,
};

const char *lf_kind_name(enum lf_kind k);

#define LF_FIRED_INITIAL (1u << 0)  /* first NOTIFY: triggers ignored */
#define LF_FIRED_MOVED_H (1u << 1)
#define LF_FIRED_MOVED_V (1u << 2)
#define LF_FIRED_SPEED (1u << 3)
#define LF_FIRED_VALUE (1u << 4)
#define LF_FIRED_REGION (1u << 5)
#define LF_FIRED_MOVED_3D (1u << 6)
#define LF_FIRED_CHANGED (1u << 7)
#define LF_FIRED_ANY_UPDATE (1u << 8) /* no trigger at all: LF-26 */
/* The bit for a kind. */
#define LF_FIRED_KIND(k) (1u << ((unsigned)(k) + 1))

/* ------------------------------------------------------------------ */
/* Parsing                                                             */

/* What to do with an xlink:href that is neither local nor catalogued. */
enum lf_href_policy {
	LF_HREF_UNDEFINED = 0,  /* accept; containment stays undefined */
	LF_HREF_REJECT,         /* 488 (Q-20: disallowed scheme/host) */
};

struct lf_opts {
	const struct geo_catalog *catalog; /* may be NULL; must outlive */
	enum lf_href_policy remote_href;   /* http:, https:, others */
	size_t max_body;                   /* 0: LF_BODY_MAX */
	/* Keep of each feature element only what containment echoes
	 * (element, attributes, text-only gml:name), not its geometry:
	 * for servers; tools that draw fences from lf_feature.node (the
	 * geometry) leave it false. */
	bool echo_only;
};

struct lf_filter;

/* RFC 6447 locationType (LF-20, LF-40); draft filters: any. */
enum lf_loctype {
	LF_LOCTYPE_ANY = 0,
	LF_LOCTYPE_CIVIC,
	LF_LOCTYPE_GEODETIC,
};

struct lf_what {
	unsigned ntypes;              /* 0 = any (default) */
	enum lf_loctype types[2];     /* in request order */
	bool exact;                   /* ignored for any */
};

/* One RFC 4661 <filter> of a filter-set (LF-13, EV-10). */
struct lf_rfc_filter {
	const char *id;               /* required, unique in the set */
	const char *uri;              /* or NULL */
	const char *domain;           /* or NULL */
	bool remove;
	bool enabled;
	bool has_what;
	struct lf_what what;
	size_t ntriggers;             /* groups contributed */
};

/* A region feature named in an enterOrExit (LF-7, LF-17, LF-45). */
struct lf_feature {
	/* A copy of the subscriber's element to echo (LF-45), owned by the
	 * filter: QName, attributes, gml:name and geometry as sent (CRS
	 * attributes inherited from its ancestors set on it), without
	 * comments or whitespace between elements; with echo_only, only
	 * the element, its attributes and text-only gml:name children.
	 * Its parent is the element holding the filter's copies, not the
	 * original tree. */
	const struct _xmlNode *node;
	const char *id;               /* gml:id or NULL */
	const char *name;             /* gml:name text or NULL */
	const char *href;             /* xlink:href or NULL */
	bool resolved;                /* false: containment undefined */
	bool is3d;                    /* a prism among its shapes */
	struct geo_region *region;    /* NULL when unresolved */
};

/*
 * Parse a filter body of len bytes labelled ctype (a Content-Type value;
 * parameters ignored; NULL: decide by the root element). geo parses and
 * prepares regions; opts may be NULL for defaults.
 * On success *fp is a new filter. Errors: EINVAL bad argument,
 * EPROTONOSUPPORT unknown content type (415), EBADMSG malformed or
 * invalid, EOVERFLOW over a limit, ENOTSUP unsupported construct
 * (unit, geometry), EPROTO forbidden XML (DOCTYPE, entities), ENOMEM.
 */
int lf_filter_parse(struct geo_ctx *geo, const char *ctype,
		    const char *body, size_t len, const struct lf_opts *opts,
		    struct lf_filter **fp, struct lf_err *err)
	__attribute__((warn_unused_result));
/* Drop one reference to f; the last one frees it (and takes it out of
 * its cache). NULL is fine. */
void lf_filter_free(struct lf_filter *f);
/* Another reference to f (read-only sharing, one thread); NULL: NULL. */
struct lf_filter *lf_filter_hold(const struct lf_filter *f);
/*
 * The exact body a parsed filter was made from (NUL-terminated, owned by
 * the filter, lives as long as it; *len its length without the NUL) and
 * its resolved content type (LF_CTYPE_DRAFT or LF_CTYPE_RFC, static);
 * NULL (and *len 0, *ctype NULL) for a merged filter or NULL f. len and
 * ctype may be NULL. Lets callers persist the body without a copy.
 */
const char *lf_filter_source(const struct lf_filter *f, size_t *len,
			     const char **ctype);

/*
 * Interning: a cache of parsed filters keyed by (resolved content type,
 * exact body bytes), so subscriptions with identical filter bodies share
 * one filter (XML tree, prepared fence geometry). The cache holds no
 * reference: a filter stays in it while someone holds it and leaves it
 * when its last reference is dropped. Lookup is a seeded 64-bit hash
 * (seed from getrandom(2) at lf_cache_new) with an exact memcmp on a
 * match; the table doubles when it holds more filters than buckets, so
 * chains stay short on average. The hash is not a cryptographic defence
 * against hash flooding; bodies are capped at opts->max_body (SEC-18).
 * One thread, like the filters it holds.
 */
struct lf_cache;

/*
 * A new empty cache. geo and opts (NULL: defaults) are borrowed and must
 * outlive every filter the cache returns; opts (and its catalog) must not
 * change while the cache lives, as cached filters were parsed with them.
 * 0, EINVAL (geo or cp NULL), ENOMEM.
 */
int lf_cache_new(struct geo_ctx *geo, const struct lf_opts *opts,
		 struct lf_cache **cp) __attribute__((warn_unused_result));
/* Free the cache. Filters still held stay valid (they just leave the
 * cache). NULL is fine. */
void lf_cache_free(struct lf_cache *c);
/*
 * Like lf_filter_parse with the cache's geo and opts, but returns a held
 * reference to the one shared filter for identical (type, body): ctype
 * parameters do not matter; a NULL ctype resolves by the root element as
 * lf_filter_parse does, and the resolved type is the key. Parse errors
 * are not cached (the same body fails again with the same error). Release
 * with lf_filter_free. Errors: those of lf_filter_parse.
 */
int lf_cache_parse(struct lf_cache *c, const char *ctype, const char *body,
		   size_t len, struct lf_filter **fp, struct lf_err *err)
	__attribute__((warn_unused_result));
/* Distinct filters cached (0 for NULL). */
size_t lf_cache_count(const struct lf_cache *c);

/*
 * A filter change within a dialog (EV-10, T14): apply the refresh's
 * filter upd to the filter in force old (NULL: none). Draft: upd replaces
 * old entirely. RFC: a filter with a known id replaces it, remove="true"
 * deletes it, new ids are added; two filters for one uri/domain are an
 * error. On success *outp is the filter now in force (it may be upd
 * itself); free it, old and upd independently with lf_filter_free: parts
 * are shared by reference count (one thread). Make a new lf_state for it
 * (LF-42). Errors: EINVAL, EBADMSG, EOVERFLOW (limits), ENOMEM.
 */
int lf_filter_merge(const struct lf_filter *old, const struct lf_filter *upd,
		    struct lf_filter **outp, struct lf_err *err)
	__attribute__((warn_unused_result));

enum lf_mode lf_filter_mode(const struct lf_filter *f);
size_t lf_filter_ngroups(const struct lf_filter *f);
size_t lf_filter_nconds(const struct lf_filter *f);
/* Kind and threshold (m, m/s; NAN for value and region kinds). */
int lf_filter_cond(const struct lf_filter *f, size_t i, enum lf_kind *kind,
		   double *threshold, size_t *group);
size_t lf_filter_nfeatures(const struct lf_filter *f);
const struct lf_feature *lf_filter_feature(const struct lf_filter *f,
					   size_t i);
size_t lf_filter_nvalues(const struct lf_filter *f);
/* Draft: always any. RFC: the first enabled filter's what. */
const struct lf_what *lf_filter_what(const struct lf_filter *f);
size_t lf_filter_nrfc(const struct lf_filter *f);
const struct lf_rfc_filter *lf_filter_rfc(const struct lf_filter *f,
					  size_t i);

/* ------------------------------------------------------------------ */
/* Evaluation                                                          */

/*
 * One position update, filled by the caller from the PIDF-LO (or the
 * authorised view of it, SEC-16). Borrowed for the call only.
 */
struct lf_update {
	double time;                  /* UNIX s of the fix; NAN: unknown */
	const struct geo_shape *est;  /* location estimate or NULL */
	double confidence;            /* 0..1; <= 0 or NAN: 0.95 */
	double speed;                 /* m/s, valid if has_speed */
	bool has_speed;
	/* gp:location-info of the document this NOTIFY would carry (LF-32,
	 * Q-22); NULL: every value reads as "no value". */
	const struct _xmlNode *location_info;
	uint32_t hidden;              /* features the subscriber may not
					 see: undefined, never fire */
};

struct pidf_location;

/*
 * Fill u from a parsed (or authorised, SEC-16) PIDF-LO location and the
 * gp:location-info the NOTIFY would carry (may be NULL). Borrows loc's
 * shape; time is NAN without a timestamp; hidden is cleared.
 */
void lf_update_from_pidf(struct lf_update *u,
			 const struct pidf_location *loc,
			 const struct _xmlNode *location_info);

struct lf_containment {
	size_t feature;               /* index into the filter's features */
	enum geo_position position;   /* current (undefined keeps previous) */
	bool changed;                 /* differs from the last sent, or the
					 first notification (LF-41/42) */
};

struct lf_result {
	uint32_t fired;               /* LF_FIRED_* bits; 0: nothing */
	uint32_t changed_features;    /* bit i: feature i changed */
	size_t ncont;                 /* = number of features */
	const struct lf_containment *cont; /* in the state, until next eval */
	unsigned multi_node;          /* value triggers selecting > 1 node */
};

struct lf_state;

/*
 * Per-subscription state for filter f (borrowed: keep f alive). One
 * allocation holds the state and its arrays, sized by f's features,
 * value triggers and conditions; nothing is allocated during evaluation
 * of movement, speed and containment. Returns 0, EINVAL or ENOMEM.
 */
int lf_state_alloc(const struct lf_filter *f, struct lf_state **stp)
	__attribute__((warn_unused_result));
void lf_state_free(struct lf_state *st);

/*
 * Evaluate update u against the last committed notification. Records u
 * as the newest observation (for derived speed, containment and the next
 * commit) and fills *res. Until the first commit every result carries
 * LF_FIRED_INITIAL and every feature as changed (LF-25, LF-42).
 * Deterministic: no clock, no I/O. Returns 0, EINVAL, ENOMEM (value
 * buffers) or a geo error (the update is then not recorded).
 */
int lf_eval(struct geo_ctx *geo, struct lf_state *st,
	    const struct lf_update *u, struct lf_result *res)
	__attribute__((warn_unused_result));

/*
 * A NOTIFY carrying the most recently evaluated update was sent: it
 * becomes the reference for every trigger (LF-24). Before any evaluation
 * it records a NOTIFY without location (EV-19): the first fix then fires
 * movement triggers. Repeated commits without a new evaluation
 * change nothing.
 */
void lf_state_commit(struct lf_state *st);

/* True until the first commit. */
bool lf_state_initial(const struct lf_state *st);

#endif /* LF_H */
