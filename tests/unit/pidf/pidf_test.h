/*
 * pidf_test.h: helpers for the pidf/ Check tests (header only).
 */
#ifndef PIDF_TEST_H
#define PIDF_TEST_H

#include <check.h>
#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>

#include "geo/geo.h"
#include "pidf/pidf.h"

#define PT_NS                                                                 \
	"xmlns=\"urn:ietf:params:xml:ns:pidf\" "                              \
	"xmlns:gp=\"urn:ietf:params:xml:ns:pidf:geopriv10\" "                 \
	"xmlns:gbp=\"urn:ietf:params:xml:ns:pidf:geopriv10:basicPolicy\" "    \
	"xmlns:gml=\"http://www.opengis.net/gml\" "                           \
	"xmlns:gs=\"http://www.opengis.net/pidflo/1.0\" "                     \
	"xmlns:ca=\"urn:ietf:params:xml:ns:pidf:geopriv10:civicAddr\" "       \
	"xmlns:dm=\"urn:ietf:params:xml:ns:pidf:data-model\" "                \
	"xmlns:dyn=\"urn:ietf:params:xml:ns:pidf:geopriv10:dynamic\" "        \
	"xmlns:con=\"urn:ietf:params:xml:ns:geopriv:conf\" "

/* A one-tuple PIDF-LO around a location-info body and usage rules. */
static inline void pt_doc(char *buf, size_t sz, const char *li,
			  const char *rules, const char *ts)
{
	int n = snprintf(buf, sz,
			 "<presence " PT_NS "entity=\"pres:t@example.com\">"
			 "<tuple id=\"t1\"><status><gp:geopriv>"
			 "<gp:location-info>%s</gp:location-info>"
			 "<gp:usage-rules>%s</gp:usage-rules>"
			 "<gp:method>GPS</gp:method>"
			 "</gp:geopriv></status>%s%s%s</tuple></presence>",
			 li, rules ? rules : "", ts ? "<timestamp>" : "",
			 ts ? ts : "", ts ? "</timestamp>" : "");
	ck_assert_int_gt(n, 0);
	ck_assert_uint_lt((size_t)n, sz);
}

static inline struct geo_ctx *pt_geo(void)
{
	struct geo_ctx *geo = NULL;
	ck_assert_int_eq(geo_ctx_alloc(&geo, NULL), 0);
	return geo;
}

/* Parse s; returns the error code, *docp set on success. */
static inline int pt_parse(struct geo_ctx *geo, const char *s,
			   struct pidf_doc **docp, struct pidf_err *err)
{
	memset(err, 0, sizeof(*err));
	*docp = NULL;
	return pidf_parse(geo, s, strlen(s), NULL, docp, err);
}

static inline void pt_schema_quiet(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

/*
 * Validate a document against data/schemas/<xsd> (sibling imports only;
 * the no-network entity loader is installed while the schema compiles).
 * Returns 0 when valid.
 */
static inline int pt_validate(xmlDoc *doc, const char *xsd)
{
	char path[256];
	xmlExternalEntityLoader old = xmlGetExternalEntityLoader();
	xmlDoc *sdoc;
	xmlSchemaParserCtxt *pc;
	xmlSchema *schema = NULL;
	xmlSchemaValidCtxt *vc;
	int rc = -1;

	snprintf(path, sizeof(path), "data/schemas/%s", xsd);
	xmlSetExternalEntityLoader(xmlNoNetExternalEntityLoader);
	sdoc = xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR);
	ck_assert_msg(sdoc != NULL, "cannot read %s", path);
	pc = xmlSchemaNewDocParserCtxt(sdoc);
	ck_assert_ptr_nonnull(pc);
	xmlSchemaSetParserErrors(pc, pt_schema_quiet, pt_schema_quiet, NULL);
	schema = xmlSchemaParse(pc);
	xmlSchemaFreeParserCtxt(pc);
	xmlSetExternalEntityLoader(old);
	ck_assert_msg(schema != NULL, "schema %s does not compile", path);
	vc = xmlSchemaNewValidCtxt(schema);
	ck_assert_ptr_nonnull(vc);
	xmlSchemaSetValidErrors(vc, pt_schema_quiet, pt_schema_quiet, NULL);
	rc = xmlSchemaValidateDoc(vc, doc);
	xmlSchemaFreeValidCtxt(vc);
	xmlSchemaFree(schema);
	xmlFreeDoc(sdoc);
	return rc;
}

/* Validate bytes (read without the hardened reader: test documents). */
static inline int pt_validate_mem(const char *buf, size_t len,
				  const char *xsd)
{
	xmlDoc *doc = xmlReadMemory(buf, (int)len, "mem.xml", NULL,
				    XML_PARSE_NONET | XML_PARSE_NOERROR |
				    XML_PARSE_NOWARNING);
	int rc;

	ck_assert_ptr_nonnull(doc);
	rc = pt_validate(doc, xsd);
	xmlFreeDoc(doc);
	return rc;
}

#endif
