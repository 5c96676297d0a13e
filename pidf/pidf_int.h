/*
 * pidf_int.h: helpers shared inside pidf/ only (not part of the API).
 */
#ifndef PIDF_INT_H
#define PIDF_INT_H

#include <libxml/tree.h>

#include "pidf/pidf.h"

/* Fill err (if any) with "PIDF-LO: <fmt>"; returns code. */
int pidf__fail(struct pidf_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* True if n is an element named name in namespace ns (NULL: none). */
bool pidf__is(const xmlNode *n, const char *ns, const char *name);
/* True if n is an element in namespace ns (whitespace around ns ok). */
bool pidf__in_ns(const xmlNode *n, const char *ns);
/* First element child of n (or sibling after n) in ns named name. */
xmlNode *pidf__child(const xmlNode *n, const char *ns, const char *name);
xmlNode *pidf__next(const xmlNode *n, const char *ns, const char *name);
/* Element children iteration. */
xmlNode *pidf__first_elem(const xmlNode *n);
xmlNode *pidf__next_elem(const xmlNode *n);

/*
 * Text of n's children concatenated into buf (sz bytes, NUL-terminated),
 * whitespace trimmed, and collapsed to single spaces when collapse is
 * set (xs:token). EOVERFLOW if it does not fit, EBADMSG if n has element
 * children.
 */
int pidf__text(const xmlNode *n, bool collapse, char *buf, size_t sz);

/* xs:double (finite only) / xs:boolean (also yes/no, PL-27). */
int pidf__num(const char *s, double *v);
int pidf__bool(const char *s, bool *v);

/* Civic (civic.c): read one civicAddress element into c. */
bool pidf__is_civic(const xmlNode *n);
int pidf__civic_read(const xmlNode *n, struct pidf_civic *c,
		     struct pidf_err *err);
/* Index of a CAtype token in the RFC 5139 order, or -1. */
int pidf__civic_index(const char *type);
const char *pidf__civic_name(int idx);
int pidf__civic_count(void);

/* RFC 4119 legacy geometry (legacy.c): gml:location wrappers. */
bool pidf__is_legacy(const xmlNode *n);
int pidf__legacy_read(const xmlNode *n, struct geo_shape *out,
		      struct pidf_err *err);

#endif /* PIDF_INT_H */
