/*
 * geo_test.h: helpers shared by the geo unit tests: parse an XML string
 * (hardened options, as locd does) and return its root element.
 */
#ifndef GEO_TEST_H
#define GEO_TEST_H

#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#define GT_NS "xmlns:gml=\"http://www.opengis.net/gml\" " \
	"xmlns:gs=\"http://www.opengis.net/pidflo/1.0\" " \
	"xmlns:my=\"urn:example:my\" "

static inline xmlDoc *gt_doc(const char *xml)
{
	return xmlReadMemory(xml, (int)strlen(xml), "test.xml", NULL,
			     XML_PARSE_NONET | XML_PARSE_NOWARNING |
			     XML_PARSE_NOERROR);
}

static inline xmlNode *gt_root(xmlDoc *doc)
{
	return doc ? xmlDocGetRootElement(doc) : NULL;
}

#endif
