/*
 * lf_int.h: private to filters/ (parse, xpath, units, eval).
 *
 * The parsed filter is a flat set of groups (OR) of conditions (AND),
 * table 1.3 of LOCATION.md: a draft child is a group of one condition;
 * an RFC trigger is a group of its conditions. Value conditions index
 * the compiled XPath table, region conditions the feature table.
 */
#ifndef LF_INT_H
#define LF_INT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "filters/lf.h"

struct _xmlDoc;

#define LF_CONDS_MAX 128        /* conditions over all groups */
#define LF_BINDINGS_MAX 32      /* RFC ns-binding elements */
#define LF_RFC_FILTERS_MAX 64   /* RFC filter elements */

#define LF_NS_GML "http://www.opengis.net/gml"
#define LF_NS_GS "http://www.opengis.net/pidflo/1.0"
#define LF_NS_XLINK "http://www.w3.org/1999/xlink"
#define LF_NS_CIVIC "urn:ietf:params:xml:ns:pidf:geopriv10:civicAddr"
#define LF_NS_CIVICLOC "urn:ietf:params:xml:ns:pidf:geopriv10:civicLoc"
#define LF_NS_CIVILLOC "urn:ietf:params:xml:ns:pidf:geopriv10:civilLoc"
#define LF_NS_DYN "urn:ietf:params:xml:ns:pidf:geopriv10:dynamic"
#define LF_NS_DYN_SCHEMA "urn:ietf:params:xml:schema:pidf:dynamic"

/* ------------------------------------------------------------------ */
/* Errors (parse.c)                                                    */

/* Fill err (if any) with code and a sanitised one-line message. */
int lf_err_set(struct lf_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* ------------------------------------------------------------------ */
/* Numbers and units (units.c)                                         */

/* xs:double lexical form, finite, >= 0 (1.4). EBADMSG otherwise. */
int lf_num_parse(const char *s, double *out);
/* xs:decimal lexical form (RFC 4661 `by`), any sign. EBADMSG. */
int lf_decimal_parse(const char *s, double *out);
/* Factor to metres for a distance uom (NULL: default metres). ENOTSUP. */
int lf_uom_distance(const char *uom, double *factor);
/* Factor to m/s for a speed uom (NULL: default m/s). ENOTSUP. */
int lf_uom_speed(const char *uom, double *factor);
/* True if uom is absent or one of the metre spellings (lf:moved). */
bool lf_uom_is_metre(const char *uom);
/* xs:boolean: true/false/1/0 (trimmed). EBADMSG. */
int lf_bool_parse(const char *s, bool *out);

/* ------------------------------------------------------------------ */
/* Restricted XPath (xpath.c), Q-21                                    */

struct lf_xstep {
	char *ns;               /* canonical namespace URI, NULL: none */
	char *local;            /* local name (civic aliases folded) */
	bool attr;              /* final @attr step */
};

struct lf_xpath {
	bool rooted;            /* leading // */
	unsigned nsteps;
	struct lf_xstep steps[LF_XPATH_STEPS_MAX];
	char *src;              /* the trimmed expression, for messages */
};

/* Namespace URI of prefix, or NULL when unbound. */
typedef const char *(lf_ns_resolve_h)(const char *prefix, void *arg);

/* Canonical member of a namespace's alias class. */
const char *lf_ns_canon(const char *href);

/*
 * Compile expr (whitespace trimmed) against resolver h. Errors: EBADMSG
 * (grammar, unbound prefix), EOVERFLOW (steps, length), ENOMEM.
 */
int lf_xpath_compile(struct lf_xpath *xp, const char *expr,
		     lf_ns_resolve_h *h, void *arg, struct lf_err *err);
void lf_xpath_reset(struct lf_xpath *xp);

/* A growable byte buffer capped at LF_VALUE_MAX. */
struct lf_buf {
	char *p;
	size_t len;
	size_t cap;
	bool truncated;
};

void lf_buf_reset(struct lf_buf *b);
bool lf_buf_eq(const struct lf_buf *a, const struct lf_buf *b);

/* The value of a node-set: canonical form of every node and its
 * descendants, plus the collapsed string value of the first node. */
struct lf_val {
	unsigned count;         /* nodes selected: 0 = "no value" */
	struct lf_buf canon;
	struct lf_buf tok;
};

void lf_val_free(struct lf_val *v);

/* Evaluate xp with context node ctx (NULL: empty set). 0 or ENOMEM. */
int lf_xpath_eval(const struct lf_xpath *xp, const struct _xmlNode *ctx,
		  struct lf_val *out);

/* ------------------------------------------------------------------ */
/* The parsed filter                                                   */

enum lf_vop {
	LF_VOP_VALUE = 0,       /* draft valueChanges: any change */
	LF_VOP_CHANGED,         /* RFC changed (+ from/to/by) */
	LF_VOP_ADDED,           /* RFC added */
	LF_VOP_REMOVED,         /* RFC removed */
};

struct lf_value {
	struct lf_xpath xp;
	enum lf_vop op;
	char *from;             /* collapsed, or NULL */
	char *to;
	bool has_by;
	double by;
	double from_num, to_num;
};

struct lf_cond {
	enum lf_kind kind;
	double threshold;       /* m or m/s */
	size_t index;           /* value or feature index */
	size_t group;
};

struct lf_group {
	size_t first;           /* first condition */
	size_t n;
	size_t rfc;             /* RFC filter index (draft: 0) */
};

/*
 * A filter is parsed (or merged) into a scratch filter whose arrays have
 * the fixed capacities of the limits (struct lf_scratch, below), then
 * sealed (lf_filter_seal) into one allocation holding the struct, each
 * array with its real count, and the body: a filter costs what it uses.
 * Both forms are freed by lf_filter_free (free(f) releases either).
 * Features hold regions only: geo_region_alloc copies the shapes, so
 * the geo features and shapes parsed from the XML are freed at once.
 */
struct lf_filter {
	enum lf_mode mode;
	/* Sharing: references held (1 at creation; lf_filter_hold,
	 * lf_cache_parse hits and merged filters add one each). */
	unsigned refs;
	/* While parsing, the parsed document; sealed, NULL without
	 * features, else a small document of feature copies (parse.c
	 * doc_compact): nothing else points into XML. */
	struct _xmlDoc *doc;
	size_t ngroups;
	size_t nconds;
	size_t nfeat;
	size_t nstrs;
	size_t nval;
	size_t nrfc;
	size_t norigins;
	struct lf_group *groups;                    /* ngroups */
	struct lf_cond *conds;                      /* nconds */
	struct lf_feature *feats;                   /* nfeat */
	char **strs;                                /* owned id/name/href */
	struct lf_value *vals;                      /* nval */
	struct lf_rfc_filter *rfc;                  /* nrfc */
	/* A merged filter: per RFC filter, the parsed filter its features
	 * live in (NULL: none; in a parsed filter: itself), and the
	 * distinct parsed filters it holds a reference to. */
	struct lf_filter **origin;                  /* nrfc or NULL */
	struct lf_filter **origins;                 /* norigins */
	struct lf_what what;
	/* Interning (cache.c): the cache holding this filter or NULL, the
	 * next filter in its bucket, the body's hash. */
	struct lf_cache *cache;
	struct lf_filter *cnext;
	uint64_t hash;
	/* The body parsed (NUL-terminated); NULL in a merged filter. */
	const char *src;
	size_t srclen;
};

#define LF_STRS_MAX (LF_FEATURES_MAX * 3)

/* The scratch a filter is built in: capacities are the limits. */
struct lf_scratch {
	struct lf_filter f;     /* first: &s->f is the allocation */
	struct lf_group groups[LF_GROUPS_MAX];
	struct lf_cond conds[LF_CONDS_MAX];
	struct lf_feature feats[LF_FEATURES_MAX];
	char *strs[LF_STRS_MAX];
	struct lf_value vals[LF_VALUES_MAX];
	struct lf_rfc_filter rfc[LF_RFC_FILTERS_MAX];
	struct lf_filter *origin[LF_RFC_FILTERS_MAX];
	struct lf_filter *origins[LF_RFC_FILTERS_MAX];
};

/* A new empty scratch filter (mode, refs 1), or NULL. */
struct lf_filter *lf_scratch_new(void);

/*
 * Lay out one allocation holding a struct and arrays after it: the
 * offset of an array of n elements of size after *end, aligned for any
 * type, and *end moved past it; 0 (nothing taken) when n is 0. The
 * callers' n and size are bounded by the LF_*_MAX limits.
 */
size_t lf_block_take(size_t *end, size_t n, size_t size);

/*
 * Seal scratch filter s into *fp, one allocation sized by use, with a
 * copy of body (len bytes; NULL: a merged filter, no source). What s
 * owns moves to *fp and s is released. ENOMEM: s is left untouched for
 * the caller to lf_filter_free.
 */
int lf_filter_seal(struct lf_filter *s, const char *body, size_t len,
		   struct lf_filter **fp);

/* Resolve a Content-Type value (parameters ignored) to a mode: 0 or
 * EPROTONOSUPPORT (also for NULL). */
int lf_ctype_mode(const char *ctype, enum lf_mode *mode);

/* Take f out of cache c (its last reference is being dropped). */
void lf_cache_unlink(struct lf_cache *c, struct lf_filter *f);

/* Parsing context shared by the two front ends. */
struct lf_pctx {
	struct geo_ctx *geo;
	const struct lf_opts *opts;
	struct lf_filter *f;
	struct lf_err *err;
};

/* Add a group; returns its index through *gi. EOVERFLOW. */
int lf_group_add(struct lf_pctx *pc, size_t rfc, size_t *gi);
/* Add a condition to the last group. EOVERFLOW. */
int lf_cond_add(struct lf_pctx *pc, enum lf_kind kind, double threshold,
		size_t index);
/* Reserve a value slot; *vi its index. EOVERFLOW. */
int lf_value_add(struct lf_pctx *pc, size_t *vi);
/* Draft enterOrExit content (a feature, by value or reference). */
int lf_feature_add_draft(struct lf_pctx *pc, const struct _xmlNode *eoe,
			 size_t *fi);
/* RFC lf:enterOrExit content (one gml:Polygon or gs:Circle). */
int lf_feature_add_rfc(struct lf_pctx *pc, const struct _xmlNode *eoe,
		       size_t *fi);

int lf_parse_draft(struct lf_pctx *pc, const struct _xmlNode *root);
int lf_parse_rfc(struct lf_pctx *pc, const struct _xmlNode *root);

/* XML helpers (parse.c). */
bool lf_xml_is(const struct _xmlNode *n, const char *ns, const char *name);
/* Namespace href of an element or NULL. */
const char *lf_xml_ns(const struct _xmlNode *n);
/* First element child / next element sibling, or NULL. */
const struct _xmlNode *lf_xml_first(const struct _xmlNode *n);
const struct _xmlNode *lf_xml_next(const struct _xmlNode *n);
/* Attribute value (ns may be NULL for none); NULL when absent. Points
 * into the tree (text child of the attribute); no allocation. */
const char *lf_xml_attr(const struct _xmlNode *n, const char *ns,
			const char *name);
/* Text content of an element's direct text children, trimmed, into buf.
 * EOVERFLOW when longer than sz - 1; EBADMSG when it has element
 * children. */
int lf_xml_text(const struct _xmlNode *n, char *buf, size_t sz);

#endif /* LF_INT_H */
