/*
 * test_schema.c: the XSDs under data/schemas compile from local files
 * only, accept the RFC and draft examples they describe, and refuse
 * what the specifications forbid. Also the RFC 4119 civicLoc example
 * (leading space in its namespace) through pidf_parse.
 */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "pidf_test.h"

static const char *const all_xsd[] = {
	"pidf-lo.xsd", "pidf.xsd", "geopriv10.xsd", "basic-policy.xsd",
	"civicAddr.xsd", "gml.xsd", "pidflo.xsd", "dynamic.xsd",
	"confidence.xsd", "containment.xsd", "location-filter.xsd",
	"xlink.xsd", "xml.xsd",
};

/* Each schema compiles with the no-network loader (nothing fetched). */
START_TEST(test_schemas_compile)
{
	static const char probe[] = "<probe xmlns=\"urn:x\"/>";
	size_t i;

	for (i = 0; i < sizeof(all_xsd) / sizeof(all_xsd[0]); i++)
		/* Compiles (pt_validate asserts), and the probe is not
		 * declared anywhere: invalid, never "valid by accident". */
		ck_assert_int_ne(pt_validate_mem(probe, strlen(probe),
						 all_xsd[i]), 0);
}
END_TEST

#define DOC_HEAD                                                              \
	"<presence xmlns=\"urn:ietf:params:xml:ns:pidf\"\n"                   \
	"  xmlns:gp=\"urn:ietf:params:xml:ns:pidf:geopriv10\"\n"              \
	"  xmlns:gbp=\"urn:ietf:params:xml:ns:pidf:geopriv10:basicPolicy\"\n" \
	"  xmlns:gml=\"http://www.opengis.net/gml\"\n"                        \
	"  xmlns:gs=\"http://www.opengis.net/pidflo/1.0\"\n"                  \
	"  xmlns:ca=\"urn:ietf:params:xml:ns:pidf:geopriv10:civicAddr\"\n"    \
	"  xmlns:con=\"urn:ietf:params:xml:ns:geopriv:conf\"\n"               \
	"  xmlns:dyn=\"urn:ietf:params:xml:ns:pidf:geopriv10:dynamic\"\n"     \
	"  xmlns:pr=\"urn:ietf:params:xml:ns:pidf:geopriv10:containment\"\n"  \
	"  xmlns:my=\"urn:example:my\"\n"                                     \
	"  entity=\"pres:t@example.com\"><tuple id=\"t1\"><status>"          \
	"<gp:geopriv><gp:location-info>"

#define DOC_TAIL(rules)                                                       \
	"</gp:location-info><gp:usage-rules>" rules "</gp:usage-rules>"       \
	"</gp:geopriv></status>"                                              \
	"<timestamp>2007-06-22T20:57:29Z</timestamp></tuple></presence>"

static int v(const char *doc)
{
	return pt_validate_mem(doc, strlen(doc), "pidf-lo.xsd");
}

/* RFC examples (5491 figures 8, 9, 17; 5139; 7459; 5962) are valid. */
START_TEST(test_schema_accepts_examples)
{
	ck_assert_int_eq(v(DOC_HEAD
		"<gml:Polygon srsName=\"urn:ogc:def:crs:EPSG::4326\">"
		"<gml:exterior><gml:LinearRing><gml:posList>"
		"43.311 -73.422 43.111 -73.322 43.111 -73.222 43.311 -73.122"
		" 43.411 -73.222 43.411 -73.322 43.311 -73.422"
		"</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon>"
		DOC_TAIL("")), 0);
	ck_assert_int_eq(v(DOC_HEAD
		"<gs:Circle srsName=\"urn:ogc:def:crs:EPSG::4326\">"
		"<gml:pos>42.5463 -73.2512</gml:pos>"
		"<gs:radius uom=\"urn:ogc:def:uom:EPSG::9001\">850.24"
		"</gs:radius></gs:Circle>"
		"<con:confidence pdf=\"normal\">67</con:confidence>"
		"<dyn:Dynamic><dyn:orientation>-3 12</dyn:orientation>"
		"<dyn:speed>24</dyn:speed><dyn:heading>278</dyn:heading>"
		"</dyn:Dynamic>"
		DOC_TAIL("<gbp:retransmission-allowed>false"
			 "</gbp:retransmission-allowed>")), 0);
	ck_assert_int_eq(v(DOC_HEAD
		"<gs:Prism srsName=\"urn:ogc:def:crs:EPSG::4979\"><gs:base>"
		"<gml:Polygon><gml:exterior><gml:LinearRing><gml:posList>"
		"42.556844 -73.248157 36.6 42.656844 -73.248157 36.6 "
		"42.656844 -73.348157 36.6 42.556844 -73.348157 36.6 "
		"42.556844 -73.248157 36.6</gml:posList></gml:LinearRing>"
		"</gml:exterior></gml:Polygon></gs:base>"
		"<gs:height uom=\"urn:ogc:def:uom:EPSG::9001\">2.4</gs:height>"
		"</gs:Prism>" DOC_TAIL("")), 0);
	ck_assert_int_eq(v(DOC_HEAD
		"<ca:civicAddress xml:lang=\"en-AU\"><ca:country>AU"
		"</ca:country><ca:A1>NSW</ca:A1><ca:A3> Wollongong </ca:A3>"
		"<ca:RD>Flinders</ca:RD><ca:STS>Street</ca:STS>"
		"<ca:PC>2500</ca:PC><ca:PLC>store</ca:PLC></ca:civicAddress>"
		DOC_TAIL("")), 0);
	/* The draft's containment example, my:Building echoed. */
	ck_assert_int_eq(v(DOC_HEAD
		"<pr:pidfResource><pr:containment position=\"inside\">"
		"<my:Building><gml:name>Building 10</gml:name></my:Building>"
		"</pr:containment><pr:containment position=\"undefined\">"
		"<my:ConferenceRooms/></pr:containment></pr:pidfResource>"
		DOC_TAIL("")), 0);
}
END_TEST

/* What the specifications forbid is refused by the schemas. */
START_TEST(test_schema_refuses)
{
	/* yes/no is not xs:boolean (PL-27, Q-29). */
	ck_assert_int_ne(v(DOC_HEAD
		"<gml:Point srsName=\"urn:ogc:def:crs:EPSG::4326\">"
		"<gml:pos>1 2</gml:pos></gml:Point>"
		DOC_TAIL("<gbp:retransmission-allowed>yes"
			 "</gbp:retransmission-allowed>")), 0);
	/* Confidence in the open interval (0, 100) (RFC 7459). */
	ck_assert_int_ne(v(DOC_HEAD
		"<con:confidence>100</con:confidence>" DOC_TAIL("")), 0);
	/* Containment position is an enumeration. */
	ck_assert_int_ne(v(DOC_HEAD
		"<pr:pidfResource><pr:containment position=\"near\">"
		"<my:Building/></pr:containment></pr:pidfResource>"
		DOC_TAIL("")), 0);
	/* Civic order and country syntax (RFC 5139). */
	ck_assert_int_ne(v(DOC_HEAD
		"<ca:civicAddress><ca:A1>NSW</ca:A1><ca:country>AU"
		"</ca:country></ca:civicAddress>" DOC_TAIL("")), 0);
	ck_assert_int_ne(v(DOC_HEAD
		"<ca:civicAddress><ca:country>australia</ca:country>"
		"</ca:civicAddress>" DOC_TAIL("")), 0);
	/* A circle without its radius; a ring of three positions. */
	ck_assert_int_ne(v(DOC_HEAD
		"<gs:Circle srsName=\"urn:ogc:def:crs:EPSG::4326\">"
		"<gml:pos>1 2</gml:pos></gs:Circle>" DOC_TAIL("")), 0);
	ck_assert_int_ne(v(DOC_HEAD
		"<gml:Polygon><gml:exterior><gml:LinearRing>"
		"<gml:pos>1 2</gml:pos><gml:pos>1 3</gml:pos>"
		"<gml:pos>1 2</gml:pos></gml:LinearRing></gml:exterior>"
		"</gml:Polygon>" DOC_TAIL("")), 0);
	/* usage-rules is required in geopriv (PL-18). */
	ck_assert_int_ne(v(
		"<presence xmlns=\"urn:ietf:params:xml:ns:pidf\" "
		"xmlns:gp=\"urn:ietf:params:xml:ns:pidf:geopriv10\" "
		"entity=\"pres:a@b\"><tuple id=\"t\"><status><gp:geopriv>"
		"<gp:location-info/></gp:geopriv></status></tuple>"
		"</presence>"), 0);
	/* Tuple id is an xs:ID: no leading digit (PL-17). */
	ck_assert_int_ne(v(
		"<presence xmlns=\"urn:ietf:params:xml:ns:pidf\" "
		"entity=\"pres:a@b\"><tuple id=\"1t\"><status/></tuple>"
		"</presence>"), 0);
}
END_TEST

/* Both location-filter forms validate (draft 3.1, RFC 6447 4). */
START_TEST(test_schema_location_filter)
{
	static const char draft[] =
		"<location-filter xmlns=\"urn:ietf:params:xml:ns:"
		"location-filter\" xmlns:gml=\"http://www.opengis.net/gml\" "
		"xmlns:cl=\"urn:ietf:params:xml:ns:pidf:geopriv10:civilLoc\">"
		"<movedHoriz uom=\"#meters\">20</movedHoriz>"
		"<speedExceeds uom=\"#mps\">3</speedExceeds>"
		"<valueChanges>cl:civilAddress/cl:A1</valueChanges>"
		"<enterOrExit xmlns:xlink=\"http://www.w3.org/1999/xlink\" "
		"xlink:href=\"http://example.com/b10\"/>"
		"</location-filter>";
	static const char bad_order[] =
		"<location-filter xmlns=\"urn:ietf:params:xml:ns:"
		"location-filter\"><speedExceeds uom=\"#mps\">3</speedExceeds>"
		"<movedHoriz uom=\"#meters\">20</movedHoriz>"
		"</location-filter>";
	static const char rfc_moved[] =
		"<moved xmlns=\"urn:ietf:params:xml:ns:location-filter\">"
		"100</moved>";
	static const char rfc_type[] =
		"<locationType xmlns=\"urn:ietf:params:xml:ns:"
		"location-filter\" exact=\"true\">civic geodetic"
		"</locationType>";
	static const char rfc_bad_type[] =
		"<locationType xmlns=\"urn:ietf:params:xml:ns:"
		"location-filter\">postal</locationType>";
	static const char rfc_region[] =
		"<enterOrExit xmlns=\"urn:ietf:params:xml:ns:location-filter\""
		" xmlns:gs=\"http://www.opengis.net/pidflo/1.0\""
		" xmlns:gml=\"http://www.opengis.net/gml\">"
		"<gml:Polygon srsName=\"urn:ogc:def:crs:EPSG::4326\">"
		"<gml:exterior><gml:LinearRing><gml:posList>"
		"1 1 1 2 2 2 1 1</gml:posList></gml:LinearRing>"
		"</gml:exterior></gml:Polygon></enterOrExit>";

	ck_assert_int_eq(pt_validate_mem(draft, strlen(draft),
					 "location-filter.xsd"), 0);
	ck_assert_int_ne(pt_validate_mem(bad_order, strlen(bad_order),
					 "location-filter.xsd"), 0);
	ck_assert_int_eq(pt_validate_mem(rfc_moved, strlen(rfc_moved),
					 "location-filter.xsd"), 0);
	ck_assert_int_eq(pt_validate_mem(rfc_type, strlen(rfc_type),
					 "location-filter.xsd"), 0);
	ck_assert_int_ne(pt_validate_mem(rfc_bad_type, strlen(rfc_bad_type),
					 "location-filter.xsd"), 0);
	ck_assert_int_eq(pt_validate_mem(rfc_region, strlen(rfc_region),
					 "location-filter.xsd"), 0);
}
END_TEST

/* RFC 4119 civicLoc example: namespace written with a leading space. */
START_TEST(test_rfc4119_civic)
{
	static const char doc[] =
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		" <presence xmlns=\"urn:ietf:params:xml:ns:pidf\"\n"
		"    xmlns:gp=\"urn:ietf:params:xml:ns:pidf:geopriv10\"\n"
		"    xmlns:cl=\" urn:ietf:params:xml:ns:pidf:geopriv10:"
		"civicLoc\"\n"
		"    entity=\"pres:geotarget@example.com\">\n"
		"  <tuple id=\"sg89ae\">\n"
		"   <status>\n"
		"    <gp:geopriv>\n"
		"      <gp:location-info>\n"
		"        <cl:civicAddress>\n"
		"          <cl:country>US</cl:country>\n"
		"          <cl:A1>New York</cl:A1>\n"
		"          <cl:A3>New York</cl:A3>\n"
		"          <cl:A6>Broadway</cl:A6>\n"
		"          <cl:HNO>123</cl:HNO>\n"
		"          <cl:LOC>Suite 75</cl:LOC>\n"
		"          <cl:PC>10027-0401</cl:PC>\n"
		"        </cl:civicAddress>\n"
		"      </gp:location-info>\n"
		"      <gp:usage-rules>\n"
		"        <gp:retransmission-allowed>yes"
		"</gp:retransmission-allowed>\n"
		"        <gp:retention-expiry>2003-06-23T04:57:29Z"
		"</gp:retention-expiry>\n"
		"      </gp:usage-rules>\n"
		"    </gp:geopriv>\n"
		"   </status>\n"
		"   <timestamp>2003-06-22T20:57:29Z</timestamp>\n"
		"  </tuple>\n"
		" </presence>\n";
	struct geo_ctx *geo = pt_geo();
	struct pidf_doc *d;
	struct pidf_err err;

	ck_assert_int_eq(pt_parse(geo, doc, &d, &err), 0);
	ck_assert_uint_eq(d->loc.civic.n, 7);
	ck_assert_str_eq(pidf_civic_get(&d->loc.civic, "RD"), "Broadway");
	ck_assert_str_eq(pidf_civic_get(&d->loc.civic, "PC"), "10027-0401");
	ck_assert_str_eq(pidf_civic_get(&d->loc.civic, "HNO"), "123");
	ck_assert(d->loc.usage.retransmission_allowed);
	pidf_doc_free(d);
	geo_ctx_free(geo);
}
END_TEST

TCase *tcase_pidf_schema(void);
TCase *tcase_pidf_schema(void)
{
	TCase *tc = tcase_create("pidf_schema");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_schemas_compile);
	tcase_add_test(tc, test_schema_accepts_examples);
	tcase_add_test(tc, test_schema_refuses);
	tcase_add_test(tc, test_schema_location_filter);
	tcase_add_test(tc, test_rfc4119_civic);
	return tc;
}
