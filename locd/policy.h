/*
 * policy.h: who may see which target, how precisely (SEC-7, SEC-8, SEC-9,
 * SEC-16, Q-27, Q-28), and the coarsening that gives a subscriber its
 * authorised view of a position.
 *
 * Policy file (INI, see data/demo/policy.ini):
 *     [defaults]
 *     refusal = undefined        ; or 403 (Q-28; default undefined)
 *     [rule NAME]
 *     subscriber = sip:bob@localhost   ; or * (any authenticated) or
 *                                      ; anonymous (unauthenticated only)
 *     target = sip:alice@localhost     ; or *
 *     precision = precise | coarse | civic-only | none
 *     grid = 5000 m                    ; coarse only: m, km or deg
 *     civic = country A1 A3            ; civic-only (required) or coarse
 *                                      ; (default country A1 A2): the
 *                                      ; RFC 5139 fields it may see
 *     features = all | none | id1, id2 ; containment allowed (gml:id or
 *                                      ; name); default none
 *     tls = required | optional        ; default optional
 *     refusal = 403 | undefined        ; default from [defaults]
 * The most specific rule wins: subscriber and target both named, then
 * subscriber named (target *), then target named (subscriber *), then
 * * / *; no rule means nothing is disclosed. Two rules with the same
 * subscriber and target are an error. AORs compare with the scheme
 * (sip/sips alike) and host case-insensitive, the user part exact.
 *
 * Coarsening (locd_coarsen_*): the position is replaced by the centre of
 * the cell of a fixed global grid that contains it, so every position in
 * a cell gives the same bytes and moves inside a cell change nothing
 * (SEC-16, T23). Degrees: cells of g x g degrees from (-90, -180). Metres:
 * rows of height m (m / 111195 degrees) from the south pole; each row is
 * split into n = floor(360 deg x its length per degree at the row's
 * centre latitude / m) equal cells (at least one), so cells are about m x
 * m everywhere and rows stay aligned with the antimeridian. Altitude is
 * dropped. The reported radius is half the cell diagonal. A subscriber
 * still learns when the target crosses a cell edge: that is the
 * granularity it is authorised for.
 *
 * Ownership: struct locd_policy is heap (parse/load, free); decisions
 * point into it and are valid while it lives. Threads: read-only after
 * parsing. Limits: file LOCD_POLICY_FILE_MAX bytes, LOCD_POLICY_RULES_MAX
 * rules, LOCD_POLICY_FEATURES_MAX features per rule, lines
 * LOCD_INI_LINE_MAX bytes. Errors: 0 or a positive errno (EINVAL bad
 * argument or value, EBADMSG malformed line, EEXIST duplicate rule or
 * key, ENOENT unknown section or key / nothing to disclose, EOVERFLOW a
 * limit, ENOMEM), with the line number and a static reason.
 */
#ifndef LOCD_POLICY_H
#define LOCD_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "geo/geo.h"

#define LOCD_POLICY_FILE_MAX (256 * 1024)
#define LOCD_POLICY_RULES_MAX 1024
#define LOCD_POLICY_FEATURES_MAX 64
#define LOCD_POLICY_NAME_MAX 128	/* rule names, feature ids */
#define LOCD_POLICY_AOR_MAX 256

/* --- A small INI reader for locd's own files (policy.ini, devices.ini).
 * Lines: "[section]", "key = value", blank, or comments starting with '#'
 * or ';'; a '#' or ';' after a blank ends the value (inline comment).
 * Keys are [A-Za-z0-9_.-]+; values are trimmed; CRLF is accepted. */

#define LOCD_INI_LINE_MAX 1024

enum locd_ini_kind {
	LOCD_INI_SECTION = 0,	/* section: its name (trimmed) */
	LOCD_INI_KEY,		/* key, value in section */
	LOCD_INI_END,		/* end of text (line = last line) */
};

struct locd_ini_item {
	enum locd_ini_kind kind;
	unsigned line;
	const char *section;	/* "" before the first section */
	const char *key;	/* KEY only */
	const char *value;	/* KEY only */
};

/* Return 0 to go on, or an errno with *reason set to stop. */
typedef int(locd_ini_h)(const struct locd_ini_item *it, void *arg,
			const char **reason);

/*
 * Read text (len bytes), calling h for each item. Returns 0, EINVAL,
 * EBADMSG (a line that is neither; a key before any section), EOVERFLOW
 * (line too long), or h's error. *linep / *reason as above.
 */
int locd_ini_parse(const char *text, size_t len, locd_ini_h *h, void *arg,
		   unsigned *linep, const char **reason)
	__attribute__((warn_unused_result));

/*
 * Read a whole file of at most max bytes into a NUL-ended heap buffer
 * (*bufp, free()), *lenp its length. Returns 0, EOVERFLOW, ENOMEM, or
 * the errno of opening or reading.
 */
int locd_file_read(const char *path, size_t max, char **bufp, size_t *lenp)
	__attribute__((warn_unused_result));

/* True for sip:user@host or sips:user@host (scheme any case), at most
 * LOCD_POLICY_AOR_MAX bytes, no blanks or control bytes, one '@', a
 * non-empty user and host. */
bool locd_aor_valid(const char *s);

/* --- Policy. */

enum locd_precision {
	LOCD_PRECISION_NONE = 0,	/* no location at all */
	LOCD_PRECISION_CIVIC,		/* listed civic fields only */
	LOCD_PRECISION_COARSE,		/* grid cell centre */
	LOCD_PRECISION_PRECISE,		/* as measured */
};

enum locd_grid_unit {
	LOCD_GRID_METRES = 0,
	LOCD_GRID_DEGREES,
};

/* RFC 5139 civic address fields, for the civic mask. */
enum locd_civic {
	LOCD_CIVIC_COUNTRY = 0, LOCD_CIVIC_A1, LOCD_CIVIC_A2, LOCD_CIVIC_A3,
	LOCD_CIVIC_A4, LOCD_CIVIC_A5, LOCD_CIVIC_A6, LOCD_CIVIC_PRM,
	LOCD_CIVIC_POM, LOCD_CIVIC_PRD, LOCD_CIVIC_POD, LOCD_CIVIC_STS,
	LOCD_CIVIC_HNO, LOCD_CIVIC_HNS, LOCD_CIVIC_LMK, LOCD_CIVIC_LOC,
	LOCD_CIVIC_FLR, LOCD_CIVIC_NAM, LOCD_CIVIC_PC, LOCD_CIVIC_BLD,
	LOCD_CIVIC_UNIT, LOCD_CIVIC_ROOM, LOCD_CIVIC_SEAT, LOCD_CIVIC_PLC,
	LOCD_CIVIC_PCN, LOCD_CIVIC_POBOX, LOCD_CIVIC_ADDCODE, LOCD_CIVIC_RD,
	LOCD_CIVIC_RDSEC, LOCD_CIVIC_RDBR, LOCD_CIVIC_RDSUBBR,
};
#define LOCD_CIVIC_COUNT 31

/* The element name ("country", "A1", ...); NULL when out of range. */
const char *locd_civic_name(enum locd_civic c);

enum locd_policy_basis {
	LOCD_POLICY_RULE = 0,		/* a rule matched */
	LOCD_POLICY_NO_RULE,		/* nothing matched: deny */
	LOCD_POLICY_TLS_REQUIRED,	/* matched, but not over TLS: deny */
};

/* One per subscription (issue 6: fields ordered without holes, 64 B). */
struct locd_policy_decision {
	enum locd_policy_basis basis;
	enum locd_precision precision;	/* NONE when denied */
	enum locd_grid_unit grid_unit;	/* coarse */
	bool all_features;
	bool tls_required;
	bool refuse_403;	/* answer refusals 403, not undefined */
	double grid;			/* coarse: cell size in grid_unit */
	uint64_t civic;			/* 1 << enum locd_civic, civic-only */
	const char *const *features;	/* containment allowed for these */
	size_t n_features;
	const char *rule;	/* matching rule's name, NULL without */
	unsigned rule_line;	/* its section line, for logs */
};

struct locd_policy;

int locd_policy_parse(struct locd_policy **pp, const char *text,
		      size_t len, unsigned *linep, const char **reason)
	__attribute__((warn_unused_result));
int locd_policy_load(struct locd_policy **pp, const char *path,
		     unsigned *linep, const char **reason)
	__attribute__((warn_unused_result));
void locd_policy_free(struct locd_policy *p);
size_t locd_policy_count(const struct locd_policy *p);

/*
 * Decide what subscriber (an AOR, or NULL / "anonymous" for an
 * unauthenticated one) may learn about target over a transport that is
 * TLS or not. Cannot fail for valid arguments; a NULL p or target gives
 * a NO_RULE denial.
 */
void locd_policy_decide(const struct locd_policy *p, const char *subscriber,
			const char *target, bool tls,
			struct locd_policy_decision *d);

/* May the subscriber learn containment for feature (gml:id or name)? */
bool locd_policy_feature_allowed(const struct locd_policy_decision *d,
				 const char *feature);

/* May it see civic field c? Precise: all; coarse and civic-only: the
 * listed ones; none or denied: no. */
bool locd_policy_civic_allowed(const struct locd_policy_decision *d,
			       enum locd_civic c);

/*
 * The authorised position for d: precise copies in (radius 0), coarse
 * snaps it to the grid (radius half the cell diagonal in metres).
 * Returns 0, ENOENT (civic-only or none: no geodetic position may be
 * given), EINVAL (invalid point or decision).
 */
int locd_policy_apply(const struct locd_policy_decision *d,
		      const struct geo_point *in, struct geo_point *out,
		      double *radius) __attribute__((warn_unused_result));

/* The grids described above; metres in [1, 2e7], degrees in (0, 180].
 * Return 0 or EINVAL. radius may be NULL. */
int locd_coarsen_metres(const struct geo_point *in, double metres,
			struct geo_point *out, double *radius)
	__attribute__((warn_unused_result));
int locd_coarsen_degrees(const struct geo_point *in, double degrees,
			 struct geo_point *out, double *radius)
	__attribute__((warn_unused_result));

#endif
