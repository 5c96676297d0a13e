/*
 * policy.c: the disclosure policy (who sees whom, how precisely), its
 * grid coarsening, and the small INI reader shared with devices.ini.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "locd/policy.h"

/* --- INI reader. */

static bool ini_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool ini_key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

/* Trim p[*b..*e) of blanks. */
static void ini_trim(const char *p, size_t *b, size_t *e)
{
	while (*b < *e && ini_blank(p[*b]))
		(*b)++;
	while (*e > *b && ini_blank(p[*e - 1]))
		(*e)--;
}

int locd_ini_parse(const char *text, size_t len, locd_ini_h *h, void *arg,
		   unsigned *linep, const char **reason)
{
	char section[LOCD_INI_LINE_MAX + 1] = "";
	char buf[LOCD_INI_LINE_MAX + 1];
	struct locd_ini_item it;
	const char *why = NULL;
	size_t pos = 0;
	unsigned line = 0;
	int err = 0;

	if ((!text && len) || !h) {
		why = "bad argument";
		err = EINVAL;
		goto out;
	}
	while (pos < len && !err) {
		const char *p = text + pos, *nl;
		size_t n, b = 0, e, i, eq;

		nl = memchr(p, '\n', len - pos);
		n = nl ? (size_t)(nl - p) : len - pos;
		pos += n + (nl ? 1 : 0);
		line++;
		if (n > LOCD_INI_LINE_MAX) {
			why = "line too long";
			err = EOVERFLOW;
			break;
		}
		e = n;
		if (e && p[e - 1] == '\r')
			e--;
		if (memchr(p, '\0', e)) {
			why = "NUL byte in line";
			err = EBADMSG;
			break;
		}
		ini_trim(p, &b, &e);
		if (b == e || p[b] == '#' || p[b] == ';')
			continue;
		/* inline comment: '#' or ';' after a blank */
		for (i = b + 1; i < e; i++)
			if ((p[i] == '#' || p[i] == ';') &&
			    ini_blank(p[i - 1]))
				e = i;
		ini_trim(p, &b, &e);
		memset(&it, 0, sizeof(it));
		it.line = line;
		if (p[b] == '[') {
			if (p[e - 1] != ']') {
				why = "section header without ']'";
				err = EBADMSG;
				break;
			}
			b++;
			e--;
			ini_trim(p, &b, &e);
			if (b == e) {
				why = "empty section name";
				err = EBADMSG;
				break;
			}
			memcpy(section, p + b, e - b);
			section[e - b] = '\0';
			it.kind = LOCD_INI_SECTION;
			it.section = section;
			err = h(&it, arg, &why);
			continue;
		}
		for (eq = b; eq < e && p[eq] != '='; eq++)
			;
		if (eq == e) {
			why = "expected [section] or key = value";
			err = EBADMSG;
			break;
		}
		if (!*section && line) {
			why = "key outside a section";
			err = EBADMSG;
			break;
		}
		memcpy(buf, p + b, e - b);
		buf[e - b] = '\0';
		eq -= b;
		for (i = eq; i > 0 && ini_blank(buf[i - 1]); i--)
			;
		buf[i] = '\0';
		for (e = 0; e < i; e++)
			if (!ini_key_char(buf[e]))
				break;
		if (i == 0 || e < i) {
			why = "bad key name";
			err = EBADMSG;
			break;
		}
		for (i = eq + 1; buf[i] && ini_blank(buf[i]); i++)
			;
		it.kind = LOCD_INI_KEY;
		it.section = section;
		it.key = buf;
		it.value = buf + i;
		err = h(&it, arg, &why);
	}
	if (!err) {
		memset(&it, 0, sizeof(it));
		it.kind = LOCD_INI_END;
		it.line = line;
		it.section = section;
		err = h(&it, arg, &why);
	}
out:
	if (linep)
		*linep = err ? line : 0;
	if (reason)
		*reason = err ? why : NULL;
	return err;
}

int locd_file_read(const char *path, size_t max, char **bufp, size_t *lenp)
{
	FILE *f;
	char *buf;
	size_t n;
	int err = 0;

	if (!path || !bufp || !lenp)
		return EINVAL;
	f = fopen(path, "rb");
	if (!f)
		return errno ? errno : EIO;
	buf = malloc(max + 2);
	if (!buf) {
		fclose(f);
		return ENOMEM;
	}
	n = fread(buf, 1, max + 1, f);
	if (ferror(f))
		err = EIO;
	else if (n > max)
		err = EOVERFLOW;
	fclose(f);
	if (err) {
		free(buf);
		return err;
	}
	buf[n] = '\0';
	*bufp = buf;
	*lenp = n;
	return 0;
}

/* --- Policy file. */

static const char *const civic_names[LOCD_CIVIC_COUNT] = {
	"country", "A1", "A2", "A3", "A4", "A5", "A6", "PRM", "POM", "PRD",
	"POD", "STS", "HNO", "HNS", "LMK", "LOC", "FLR", "NAM", "PC", "BLD",
	"UNIT", "ROOM", "SEAT", "PLC", "PCN", "POBOX", "ADDCODE", "RD",
	"RDSEC", "RDBR", "RDSUBBR",
};

const char *locd_civic_name(enum locd_civic c)
{
	return (unsigned)c < LOCD_CIVIC_COUNT ? civic_names[c] : NULL;
}

/* Civic fields a coarse view keeps unless the rule lists others:
 * country, A1 (state), A2 (county). */
#define COARSE_CIVIC_DEFAULT                                                  \
	(((uint64_t)1 << LOCD_CIVIC_COUNTRY) |                                \
	 ((uint64_t)1 << LOCD_CIVIC_A1) | ((uint64_t)1 << LOCD_CIVIC_A2))

/* Subscriber or target pattern. */
enum who {
	WHO_ANY = 0,	/* * */
	WHO_ANON,	/* anonymous (subscriber only) */
	WHO_AOR,
};

enum tri {
	TRI_UNSET = 0,
	TRI_NO,
	TRI_YES,
};

struct rule {
	char *name;
	unsigned line;
	enum who sub_kind, tgt_kind;
	char *sub, *tgt;		/* AORs */
	bool has_sub, has_tgt, has_prec, has_grid, has_civic;
	bool has_features, has_tls, has_refusal;
	enum locd_precision precision;
	enum locd_grid_unit grid_unit;
	double grid;
	uint64_t civic;
	bool all_features;
	char **features;
	size_t n_features;
	bool tls;
	bool refuse_403;
};

struct locd_policy {
	struct rule *r;
	size_t n, cap;
	bool refuse_403;	/* [defaults] refusal */
	bool in_defaults, seen_defaults, seen_default_refusal;
	bool blame_rule;	/* error found at a rule's end */
};

static void rule_reset(struct rule *r)
{
	size_t i;

	free(r->name);
	free(r->sub);
	free(r->tgt);
	for (i = 0; i < r->n_features; i++)
		free(r->features[i]);
	free(r->features);
}

void locd_policy_free(struct locd_policy *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->n; i++)
		rule_reset(&p->r[i]);
	free(p->r);
	free(p);
}

size_t locd_policy_count(const struct locd_policy *p)
{
	return p ? p->n : 0;
}

static char *str_dup(const char *s)
{
	size_t n = strlen(s);
	char *d = malloc(n + 1);

	if (d)
		memcpy(d, s, n + 1);
	return d;
}

static size_t scheme_len(const char *s);

bool locd_aor_valid(const char *s)
{
	size_t i, n;
	const char *at;

	if (!s || (n = strlen(s)) > LOCD_POLICY_AOR_MAX)
		return false;
	if (!scheme_len(s))
		return false;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || s[i] == 0x7f)
			return false;
	at = strchr(s, '@');
	return at && at[1] && at > strchr(s, ':') + 1 && !strchr(at + 1, '@');
}

static size_t scheme_len(const char *s)
{
	/* "sip:" or "sips:", any case; 0 otherwise */
	if (strncasecmp(s, "sip:", 4) == 0)
		return 4;
	if (strncasecmp(s, "sips:", 5) == 0)
		return 5;
	return 0;
}

/* Scheme (sip = sips) and host case-insensitive, user exact. */
static bool aor_eq(const char *a, const char *b)
{
	const char *ha, *hb;
	size_t sa, sb;

	if (!a || !b || !(sa = scheme_len(a)) || !(sb = scheme_len(b)))
		return false;
	a += sa;
	b += sb;
	ha = strchr(a, '@');
	hb = strchr(b, '@');
	if (!ha || !hb || ha - a != hb - b ||
	    memcmp(a, b, (size_t)(ha - a)) != 0)
		return false;
	return strcasecmp(ha + 1, hb + 1) == 0;
}

static int who_set(const char *v, bool subscriber, enum who *kind,
		   char **aor, const char **why)
{
	if (strcmp(v, "*") == 0) {
		*kind = WHO_ANY;
		return 0;
	}
	if (strcmp(v, "anonymous") == 0) {
		if (!subscriber) {
			*why = "target cannot be anonymous";
			return EINVAL;
		}
		*kind = WHO_ANON;
		return 0;
	}
	if (!locd_aor_valid(v)) {
		*why = subscriber ? "subscriber is not *, anonymous or a "
				    "sip:/sips: AOR"
				  : "target is not * or a sip:/sips: AOR";
		return EINVAL;
	}
	*kind = WHO_AOR;
	*aor = str_dup(v);
	if (!*aor) {
		*why = "out of memory";
		return ENOMEM;
	}
	return 0;
}

static int grid_set(struct rule *r, const char *v, const char **why)
{
	char *end;
	double x;

	errno = 0;
	x = strtod(v, &end);
	if (end == v || !isfinite(x) || (*v < '0' || *v > '9')) {
		*why = "grid is not a number and unit";
		return EINVAL;
	}
	while (*end == ' ' || *end == '\t')
		end++;
	if (strcmp(end, "m") == 0) {
		r->grid_unit = LOCD_GRID_METRES;
	} else if (strcmp(end, "km") == 0) {
		r->grid_unit = LOCD_GRID_METRES;
		x *= 1000;
	} else if (strcmp(end, "deg") == 0) {
		r->grid_unit = LOCD_GRID_DEGREES;
	} else {
		*why = "grid unit is not m, km or deg";
		return EINVAL;
	}
	if (r->grid_unit == LOCD_GRID_METRES ? !(x >= 1 && x <= 2e7)
					     : !(x > 0 && x <= 180)) {
		*why = "grid out of range (1 m..20000 km, or 0..180 deg)";
		return EINVAL;
	}
	r->grid = x;
	return 0;
}

/* Split v on blanks and commas, calling f for each token. */
static int tokens(const char *v, int (*f)(struct rule *, const char *,
					  size_t, const char **),
		  struct rule *r, const char **why)
{
	const char *p = v;
	int err;

	for (;;) {
		size_t n;
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (!*p)
			return 0;
		n = strcspn(p, " \t,");
		err = f(r, p, n, why);
		if (err)
			return err;
		p += n;
	}
}

static int civic_add(struct rule *r, const char *p, size_t n,
		     const char **why)
{
	size_t i;

	for (i = 0; i < LOCD_CIVIC_COUNT; i++) {
		if (strlen(civic_names[i]) == n &&
		    strncmp(civic_names[i], p, n) == 0) {
			r->civic |= (uint64_t)1 << i;
			return 0;
		}
	}
	*why = "civic field is not an RFC 5139 element name";
	return EINVAL;
}

static int feature_add(struct rule *r, const char *p, size_t n,
		       const char **why)
{
	char **f;
	size_t i;

	if (n > LOCD_POLICY_NAME_MAX) {
		*why = "feature name too long";
		return EOVERFLOW;
	}
	if ((n == 3 && strncmp(p, "all", 3) == 0) ||
	    (n == 4 && strncmp(p, "none", 4) == 0)) {
		*why = "all or none must stand alone";
		return EINVAL;
	}
	for (i = 0; i < r->n_features; i++)
		if (strlen(r->features[i]) == n &&
		    strncmp(r->features[i], p, n) == 0)
			return 0;
	if (r->n_features >= LOCD_POLICY_FEATURES_MAX) {
		*why = "too many features";
		return EOVERFLOW;
	}
	f = realloc(r->features, (r->n_features + 1) * sizeof(*f));
	if (!f) {
		*why = "out of memory";
		return ENOMEM;
	}
	r->features = f;
	f[r->n_features] = malloc(n + 1);
	if (!f[r->n_features]) {
		*why = "out of memory";
		return ENOMEM;
	}
	memcpy(f[r->n_features], p, n);
	f[r->n_features++][n] = '\0';
	return 0;
}

static int features_set(struct rule *r, const char *v, const char **why)
{
	if (strcmp(v, "all") == 0) {
		r->all_features = true;
		return 0;
	}
	if (strcmp(v, "none") == 0)
		return 0;
	if (!*v) {
		*why = "features is empty (use none)";
		return EINVAL;
	}
	return tokens(v, feature_add, r, why);
}

static int precision_set(struct rule *r, const char *v, const char **why)
{
	if (strcmp(v, "precise") == 0)
		r->precision = LOCD_PRECISION_PRECISE;
	else if (strcmp(v, "coarse") == 0)
		r->precision = LOCD_PRECISION_COARSE;
	else if (strcmp(v, "civic-only") == 0)
		r->precision = LOCD_PRECISION_CIVIC;
	else if (strcmp(v, "none") == 0)
		r->precision = LOCD_PRECISION_NONE;
	else {
		*why = "precision is not precise, coarse, civic-only or none";
		return EINVAL;
	}
	return 0;
}

static int refusal_parse(const char *v, bool *r403, const char **why)
{
	if (strcmp(v, "403") == 0)
		*r403 = true;
	else if (strcmp(v, "undefined") == 0)
		*r403 = false;
	else {
		*why = "refusal is not 403 or undefined";
		return EINVAL;
	}
	return 0;
}

/* Is the rule complete and consistent? Checked at its end. */
static int rule_finish(struct locd_policy *p, struct rule *r,
		       const char **why)
{
	size_t i;

	if (!r->has_sub) {
		*why = "rule without subscriber";
		return ENOENT;
	}
	if (!r->has_tgt) {
		*why = "rule without target";
		return ENOENT;
	}
	if (!r->has_prec) {
		*why = "rule without precision";
		return ENOENT;
	}
	if ((r->precision == LOCD_PRECISION_COARSE) != r->has_grid) {
		*why = r->has_grid ? "grid is only for precision coarse"
				   : "precision coarse needs a grid";
		return EINVAL;
	}
	if (r->precision == LOCD_PRECISION_CIVIC && !r->has_civic) {
		*why = "precision civic-only needs civic";
		return EINVAL;
	}
	if (r->has_civic && r->precision != LOCD_PRECISION_CIVIC &&
	    r->precision != LOCD_PRECISION_COARSE) {
		*why = "civic is only for precision civic-only or coarse";
		return EINVAL;
	}
	if (r->precision == LOCD_PRECISION_COARSE && !r->has_civic)
		r->civic = COARSE_CIVIC_DEFAULT;
	for (i = 0; i + 1 < p->n; i++) {
		const struct rule *o = &p->r[i];
		if (o->sub_kind == r->sub_kind && o->tgt_kind == r->tgt_kind &&
		    (r->sub_kind != WHO_AOR || aor_eq(o->sub, r->sub)) &&
		    (r->tgt_kind != WHO_AOR || aor_eq(o->tgt, r->tgt))) {
			*why = "another rule has the same subscriber and "
			       "target";
			return EEXIST;
		}
	}
	return 0;
}

static int key_rule(struct rule *r, const char *k, const char *v,
		    const char **why)
{
	bool *seen;
	int err;

	if (strcmp(k, "subscriber") == 0)
		seen = &r->has_sub;
	else if (strcmp(k, "target") == 0)
		seen = &r->has_tgt;
	else if (strcmp(k, "precision") == 0)
		seen = &r->has_prec;
	else if (strcmp(k, "grid") == 0)
		seen = &r->has_grid;
	else if (strcmp(k, "civic") == 0)
		seen = &r->has_civic;
	else if (strcmp(k, "features") == 0)
		seen = &r->has_features;
	else if (strcmp(k, "tls") == 0)
		seen = &r->has_tls;
	else if (strcmp(k, "refusal") == 0)
		seen = &r->has_refusal;
	else {
		*why = "unknown key in a rule";
		return ENOENT;
	}
	if (*seen) {
		*why = "key given twice";
		return EEXIST;
	}
	*seen = true;
	switch (k[0]) {
	case 's':
		return who_set(v, true, &r->sub_kind, &r->sub, why);
	case 't':
		if (k[1] == 'a')
			return who_set(v, false, &r->tgt_kind, &r->tgt, why);
		if (strcmp(v, "required") == 0 || strcmp(v, "optional") == 0) {
			r->tls = v[0] == 'r';
			return 0;
		}
		*why = "tls is not required or optional";
		return EINVAL;
	case 'p':
		return precision_set(r, v, why);
	case 'g':
		return grid_set(r, v, why);
	case 'c':
		err = tokens(v, civic_add, r, why);
		if (!err && !r->civic) {
			*why = "civic lists no field";
			err = EINVAL;
		}
		return err;
	case 'f':
		return features_set(r, v, why);
	default:
		return refusal_parse(v, &r->refuse_403, why);
	}
}

static int rule_start(struct locd_policy *p, const char *name,
		      unsigned line, const char **why)
{
	struct rule *r;

	if (strlen(name) > LOCD_POLICY_NAME_MAX) {
		*why = "rule name too long";
		return EOVERFLOW;
	}
	if (p->n >= LOCD_POLICY_RULES_MAX) {
		*why = "too many rules";
		return EOVERFLOW;
	}
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 8;
		r = realloc(p->r, cap * sizeof(*r));
		if (!r) {
			*why = "out of memory";
			return ENOMEM;
		}
		p->r = r;
		p->cap = cap;
	}
	r = &p->r[p->n];
	memset(r, 0, sizeof(*r));
	r->name = str_dup(name);
	if (!r->name) {
		*why = "out of memory";
		return ENOMEM;
	}
	r->line = line;
	r->refuse_403 = p->refuse_403;
	p->n++;
	return 0;
}

static int policy_item(const struct locd_ini_item *it, void *arg,
		       const char **why)
{
	struct locd_policy *p = arg;
	struct rule *cur = p->n && !p->in_defaults ? &p->r[p->n - 1] : NULL;
	int err;

	if (it->kind != LOCD_INI_KEY && cur) {
		/* the previous rule ends: blame its section line */
		err = rule_finish(p, cur, why);
		if (err) {
			p->blame_rule = true;
			return err;
		}
	}
	if (it->kind == LOCD_INI_END)
		return 0;
	if (it->kind == LOCD_INI_SECTION) {
		p->in_defaults = false;
		if (strcmp(it->section, "defaults") == 0) {
			if (p->seen_defaults || p->n) {
				*why = "[defaults] must come once, first";
				return EBADMSG;
			}
			p->in_defaults = p->seen_defaults = true;
			return 0;
		}
		if (strncmp(it->section, "rule", 4) != 0 ||
		    !ini_blank(it->section[4])) {
			*why = "section is not [defaults] or [rule NAME]";
			return ENOENT;
		}
		return rule_start(p, it->section + 5 + strspn(it->section + 5,
							      " \t"),
				  it->line, why);
	}
	if (p->in_defaults) {
		if (strcmp(it->key, "refusal") != 0) {
			*why = "unknown key in [defaults]";
			return ENOENT;
		}
		if (p->seen_default_refusal) {
			*why = "key given twice";
			return EEXIST;
		}
		p->seen_default_refusal = true;
		return refusal_parse(it->value, &p->refuse_403, why);
	}
	if (!cur) {
		*why = "key outside a rule";
		return EBADMSG;
	}
	/* a rule's refusal defaults to [defaults], read before any rule */
	return key_rule(cur, it->key, it->value, why);
}

int locd_policy_parse(struct locd_policy **pp, const char *text,
		      size_t len, unsigned *linep, const char **reason)
{
	struct locd_policy *p;
	const char *why = NULL;
	unsigned line = 0;
	int err;

	if (!pp || (!text && len)) {
		why = "bad argument";
		err = EINVAL;
		goto out;
	}
	if (len > LOCD_POLICY_FILE_MAX) {
		why = "policy file too large";
		err = EOVERFLOW;
		goto out;
	}
	p = calloc(1, sizeof(*p));
	if (!p) {
		why = "out of memory";
		err = ENOMEM;
		goto out;
	}
	err = locd_ini_parse(text, len, policy_item, p, &line, &why);
	if (err && p->blame_rule)	/* found at a rule's end */
		line = p->r[p->n - 1].line;
	if (err) {
		locd_policy_free(p);
		goto out;
	}
	*pp = p;
out:
	if (linep)
		*linep = err ? line : 0;
	if (reason)
		*reason = err ? why : NULL;
	return err;
}

int locd_policy_load(struct locd_policy **pp, const char *path,
		     unsigned *linep, const char **reason)
{
	char *buf = NULL;
	size_t len = 0;
	int err;

	if (linep)
		*linep = 0;
	err = locd_file_read(path, LOCD_POLICY_FILE_MAX, &buf, &len);
	if (err) {
		if (reason)
			*reason = err == EOVERFLOW ? "policy file too large"
						   : "cannot read the policy "
						     "file";
		return err;
	}
	err = locd_policy_parse(pp, buf, len, linep, reason);
	free(buf);
	return err;
}

/* --- Decisions. */

static int rule_rank(const struct rule *r, const char *sub, bool anon,
		     const char *tgt)
{
	int rank = 1;

	switch (r->sub_kind) {
	case WHO_ANY:
		if (anon)
			return 0;
		break;
	case WHO_ANON:
		if (!anon)
			return 0;
		rank += 2;
		break;
	case WHO_AOR:
		if (anon || !aor_eq(r->sub, sub))
			return 0;
		rank += 2;
		break;
	}
	if (r->tgt_kind == WHO_AOR) {
		if (!aor_eq(r->tgt, tgt))
			return 0;
		rank += 1;
	}
	return rank;
}

void locd_policy_decide(const struct locd_policy *p, const char *subscriber,
			const char *target, bool tls,
			struct locd_policy_decision *d)
{
	const struct rule *best = NULL;
	bool anon = !subscriber || !*subscriber ||
		    strcmp(subscriber, "anonymous") == 0;
	int best_rank = 0;
	size_t i;

	if (!d)
		return;
	memset(d, 0, sizeof(*d));
	d->basis = LOCD_POLICY_NO_RULE;
	d->refuse_403 = p ? p->refuse_403 : false;
	if (!p || !target)
		return;
	for (i = 0; i < p->n; i++) {
		int rank = rule_rank(&p->r[i], subscriber, anon, target);
		if (rank > best_rank) {
			best_rank = rank;
			best = &p->r[i];
		}
	}
	if (!best)
		return;
	d->rule = best->name;
	d->rule_line = best->line;
	d->refuse_403 = best->refuse_403;
	d->tls_required = best->tls;
	if (best->tls && !tls) {
		d->basis = LOCD_POLICY_TLS_REQUIRED;
		return;
	}
	d->basis = LOCD_POLICY_RULE;
	d->precision = best->precision;
	d->grid_unit = best->grid_unit;
	d->grid = best->grid;
	d->civic = best->civic;
	d->all_features = best->all_features;
	d->features = (const char *const *)best->features;
	d->n_features = best->n_features;
}

bool locd_policy_feature_allowed(const struct locd_policy_decision *d,
				 const char *feature)
{
	size_t i;

	if (!d || !feature || d->basis != LOCD_POLICY_RULE)
		return false;
	if (d->all_features)
		return true;
	for (i = 0; i < d->n_features; i++)
		if (strcmp(d->features[i], feature) == 0)
			return true;
	return false;
}

bool locd_policy_civic_allowed(const struct locd_policy_decision *d,
			       enum locd_civic c)
{
	if (!d || d->basis != LOCD_POLICY_RULE || (unsigned)c >=
	    LOCD_CIVIC_COUNT)
		return false;
	switch (d->precision) {
	case LOCD_PRECISION_PRECISE:
		return true;
	case LOCD_PRECISION_COARSE:
	case LOCD_PRECISION_CIVIC:
		return (d->civic >> c) & 1;
	default:
		return false;
	}
}

/* --- Coarsening. */

/* Metres per degree of latitude (and of longitude at the equator) on a
 * sphere of the WGS 84 mean radius 6371008.8 m. */
#define M_PER_DEG (6371008.8 * 3.14159265358979323846 / 180.0)

static double clampd(double v, double lo, double hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* Index of the cell of width w holding x, counted from lo, in [0, n). */
static long cell(double x, double lo, double w, long n)
{
	long i = (long)floor((x - lo) / w);

	return i < 0 ? 0 : i >= n ? n - 1 : i;
}

/* Centre of cell i of width w from lo, clipped to [lo, hi]. */
static double cell_mid(long i, double lo, double w, double hi)
{
	double a = lo + (double)i * w, b = a + w;

	return 0.5 * (a + (b < hi ? b : hi));
}

int locd_coarsen_degrees(const struct geo_point *in, double g,
			 struct geo_point *out, double *radius)
{
	long rows, cols, i, j;
	double lat, lon, coslat;

	if (!in || !out || !geo_point_valid(in) || !(g > 0 && g <= 180))
		return EINVAL;
	rows = (long)ceil(180.0 / g);
	cols = (long)ceil(360.0 / g);
	lon = in->lon >= 180 ? -180 : in->lon;
	i = cell(in->lat, -90, g, rows);
	j = cell(lon, -180, g, cols);
	lat = cell_mid(i, -90, g, 90);
	memset(out, 0, sizeof(*out));
	out->lat = lat;
	out->lon = cell_mid(j, -180, g, 180);
	if (radius) {
		coslat = cos(lat * 3.14159265358979323846 / 180.0);
		*radius = 0.5 * g * M_PER_DEG * sqrt(1 + coslat * coslat);
	}
	return 0;
}

int locd_coarsen_metres(const struct geo_point *in, double m,
			struct geo_point *out, double *radius)
{
	double dlat, latc, coslat, dlon, lon;
	long rows, i, n, j;

	if (!in || !out || !geo_point_valid(in) || !(m >= 1 && m <= 2e7))
		return EINVAL;
	/* a whole number of rows, so none is cut by a pole */
	rows = (long)floor(180.0 * M_PER_DEG / m + 0.5);
	if (rows < 1)
		rows = 1;
	dlat = 180.0 / (double)rows;
	i = cell(in->lat, -90, dlat, rows);
	latc = clampd(-90 + ((double)i + 0.5) * dlat, -90, 90);
	coslat = cos(latc * 3.14159265358979323846 / 180.0);
	n = (long)floor(360.0 * M_PER_DEG * coslat / m);
	if (n < 1)
		n = 1;
	dlon = 360.0 / (double)n;
	lon = in->lon >= 180 ? -180 : in->lon;
	j = cell(lon, -180, dlon, n);
	memset(out, 0, sizeof(*out));
	out->lat = latc;
	out->lon = clampd(-180 + ((double)j + 0.5) * dlon, -180, 180);
	if (radius) {
		double h = dlat * M_PER_DEG, w = dlon * M_PER_DEG * coslat;
		*radius = 0.5 * sqrt(h * h + w * w);
	}
	return 0;
}

int locd_policy_apply(const struct locd_policy_decision *d,
		      const struct geo_point *in, struct geo_point *out,
		      double *radius)
{
	if (!d || !in || !out || !geo_point_valid(in))
		return EINVAL;
	if (d->basis != LOCD_POLICY_RULE)
		return ENOENT;
	switch (d->precision) {
	case LOCD_PRECISION_PRECISE:
		*out = *in;
		if (radius)
			*radius = 0;
		return 0;
	case LOCD_PRECISION_COARSE:
		return d->grid_unit == LOCD_GRID_DEGREES
			       ? locd_coarsen_degrees(in, d->grid, out, radius)
			       : locd_coarsen_metres(in, d->grid, out, radius);
	default:
		return ENOENT;
	}
}
