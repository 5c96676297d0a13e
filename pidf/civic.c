/*
 * civic.c: civic addresses. Reads RFC 5139 civicAddr, the RFC 4119
 * civicLoc and the draft's civilLoc/civilAddress spellings into
 * (CAtype token, xs:token value) pairs; RFC 5139 element order is kept
 * in one table used for output. Legacy A6 is the street (RFC 4119); RFC
 * 5139 moved the street to RD, so a legacy A6 is stored as RD (PL-26).
 */
#include <errno.h>
#include <string.h>

#include <libxml/tree.h>

#include "pidf/pidf.h"
#include "pidf/pidf_int.h"

/* RFC 5139 section 4 sequence order. */
static const char *const civic_types[] = {
	"country", "A1", "A2", "A3", "A4", "A5", "A6", "PRM", "PRD",
	"RD", "STS", "POD", "POM", "RDSEC", "RDBR", "RDSUBBR", "HNO",
	"HNS", "LMK", "LOC", "FLR", "NAM", "PC", "BLD", "UNIT", "ROOM",
	"SEAT", "PLC", "PCN", "POBOX", "ADDCODE",
};

#define NTYPES (sizeof(civic_types) / sizeof(civic_types[0]))

int pidf__civic_count(void)
{
	return (int)NTYPES;
}

int pidf__civic_index(const char *type)
{
	size_t i;

	if (!type)
		return -1;
	for (i = 0; i < NTYPES; i++)
		if (!strcmp(civic_types[i], type))
			return (int)i;
	return -1;
}

const char *pidf__civic_name(int idx)
{
	if (idx < 0 || (size_t)idx >= NTYPES)
		return NULL;
	return civic_types[idx];
}

const char *pidf_civic_get(const struct pidf_civic *c, const char *type)
{
	size_t i;

	if (!c || !type)
		return NULL;
	for (i = 0; i < c->n && i < PIDF_CIVIC_MAX; i++)
		if (!strcmp(c->f[i].type, type))
			return c->f[i].value;
	return NULL;
}

int pidf_civic_set(struct pidf_civic *c, const char *type, const char *value)
{
	struct pidf_civic_field *f = NULL;
	size_t i, vlen;

	if (!c || !value || pidf__civic_index(type) < 0)
		return EINVAL;
	vlen = strlen(value);
	if (vlen >= PIDF_CIVIC_VALUE_MAX)
		return EOVERFLOW;
	for (i = 0; i < c->n; i++)
		if (!strcmp(c->f[i].type, type))
			f = &c->f[i];
	if (!f) {
		if (c->n >= PIDF_CIVIC_MAX)
			return EOVERFLOW;
		f = &c->f[c->n++];
		/* Table names are at most 7 characters. */
		memcpy(f->type, type, strlen(type) + 1);
	}
	memcpy(f->value, value, vlen + 1);
	return 0;
}

static bool civic_ns(const xmlNode *n, bool *legacy)
{
	if (pidf__in_ns(n, PIDF_NS_CA)) {
		*legacy = false;
		return true;
	}
	if (pidf__in_ns(n, PIDF_NS_CL) || pidf__in_ns(n, PIDF_NS_CIVIL)) {
		*legacy = true;
		return true;
	}
	return false;
}

bool pidf__is_civic(const xmlNode *n)
{
	bool legacy;

	if (!civic_ns(n, &legacy))
		return false;
	return !strcmp((const char *)n->name, "civicAddress") ||
	       !strcmp((const char *)n->name, "civilAddress");
}

int pidf__civic_read(const xmlNode *n, struct pidf_civic *c,
		     struct pidf_err *err)
{
	char val[PIDF_CIVIC_VALUE_MAX];
	const xmlNode *e;
	xmlChar *lang;
	bool legacy = false;
	int rc;

	if (!pidf__is_civic(n) || !c)
		return pidf__fail(err, EINVAL, "not a civic address");
	(void)civic_ns(n, &legacy);
	memset(c, 0, sizeof(*c));
	lang = xmlNodeGetLang(n);
	if (lang) {
		size_t l = strlen((const char *)lang);
		if (l < sizeof(c->lang))
			memcpy(c->lang, lang, l + 1);
		xmlFree(lang);
	}
	for (e = pidf__first_elem(n); e; e = pidf__next_elem(e)) {
		const char *type = (const char *)e->name;
		bool l2;

		if (!civic_ns(e, &l2) || pidf__civic_index(type) < 0)
			continue;   /* extensions (##other) and unknowns */
		rc = pidf__text(e, true, val, sizeof(val));
		if (rc == EOVERFLOW)
			return pidf__fail(err, EOVERFLOW, "civic %s longer "
					  "than %d bytes", type,
					  PIDF_CIVIC_VALUE_MAX - 1);
		if (rc)
			return pidf__fail(err, EBADMSG, "civic %s is not "
					  "text", type);
		if (legacy && !strcmp(type, "A6")) {
			if (pidf_civic_get(c, "RD"))
				continue;
			type = "RD";
		}
		if (legacy && !strcmp(type, "RD") && pidf_civic_get(c, "RD"))
			continue;
		rc = pidf_civic_set(c, type, val);
		if (rc)
			return pidf__fail(err, rc, "too many civic fields");
	}
	return 0;
}
