/*
 * test_parse.c: pidf_parse() on the examples of RFC 5491, RFC 5962,
 * RFC 4119 and the location-package draft, with exact values.
 */
#include <check.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pidf_test.h"

#define T_2007 1182545849.0   /* 2007-06-22T20:57:29Z */
#define EPS 1e-9

/* RFC 5491 figure 4: 2-D Point in a dm:device (PL-1, PL-4). */
static const char fig4[] =
	"<presence xmlns=\"urn:ietf:params:xml:ns:pidf\"\n"
	"  xmlns:dm=\"urn:ietf:params:xml:ns:pidf:data-model\"\n"
	"  xmlns:gp=\"urn:ietf:params:xml:ns:pidf:geopriv10\"\n"
	"  xmlns:cl=\"urn:ietf:params:xml:ns:pidf:geopriv10:civicAddr\"\n"
	"  xmlns:gml=\"http://www.opengis.net/gml\"\n"
	"  entity=\"pres:point2d@example.com\">\n"
	" <dm:device id=\"point2d\">\n"
	"  <gp:geopriv>\n"
	"   <gp:location-info>\n"
	"    <gml:Point srsName=\"urn:ogc:def:crs:EPSG::4326\">\n"
	"     <gml:pos>-34.407 150.883</gml:pos>\n"
	"    </gml:Point>\n"
	"   </gp:location-info>\n"
	"   <gp:usage-rules/>\n"
	"   <gp:method>Wiremap</gp:method>\n"
	"  </gp:geopriv>\n"
	"  <dm:deviceID>mac:1234567890ab</dm:deviceID>\n"
	"  <dm:timestamp>2007-06-22T20:57:29Z</dm:timestamp>\n"
	" </dm:device>\n"
	"</presence>\n";

START_TEST(test_rfc5491_point2d)
{
	struct geo_ctx *geo = pt_geo();
	struct pidf_doc *d;
	struct pidf_err err;
	const struct pidf_location *l;

	ck_assert_int_eq(pt_parse(geo, fig4, &d, &err), 0);
	l = &d->loc;
	ck_assert_str_eq(d->entity, "pres:point2d@example.com");
	ck_assert_str_eq(d->tuple_id, "point2d");
	ck_assert_int_eq(d->source, PIDF_SRC_DEVICE);
	ck_assert_uint_eq(d->ngeopriv, 1);
	ck_assert_ptr_nonnull(l->shape);
	ck_assert_int_eq(l->shape->kind, GEO_SHAPE_POINT);
	ck_assert_uint_eq(l->shape->dim, 2);
	ck_assert_double_eq_tol(l->shape->center.lat, -34.407, EPS);
	ck_assert_double_eq_tol(l->shape->center.lon, 150.883, EPS);
	ck_assert(!l->shape->center.has_alt);
	ck_assert(!l->has_confidence);   /* a Point has none (PL-24) */
	ck_assert_str_eq(l->method, "Wiremap");
	ck_assert(l->has_time);
	ck_assert_double_eq(l->time, T_2007);
	/* Empty usage-rules: defaults (PL-19). */
	ck_assert(!l->usage.retransmission_allowed);
	ck_assert(!l->usage.has_retention);
	ck_assert_uint_eq(l->civic.n, 0);
	/* LF-32: the chosen location-info is exposed for XPath. */
	ck_assert_ptr_nonnull(d->location_info);
	ck_assert_str_eq((const char *)d->location_info->name,
			 "location-info");
	pidf_doc_free(d);
	geo_ctx_free(geo);
}
END_TEST

/* One location-info per shape of RFC 5491 section 5.2 (PL-1, PL-12). */
START_TEST(test_rfc5491_shapes)
{
	struct geo_ctx *geo = pt_geo();
	struct pidf_doc *d;
	struct pidf_err err;
	const struct geo_shape *s;
	char buf[4096];

	/* Figure 5: 3-D point. */
	pt_doc(buf, sizeof(buf),
	       "<gml:Point srsName=\"urn:ogc:def:crs:EPSG::4979\">"
	       "<gml:pos>-34.407 150.883 24.8</gml:pos></gml:Point>",
	       NULL, "2007-06-22T20:57:29Z");
	ck_assert_int_eq(pt_parse(geo, buf, &d, &err), 0);
	s = d->loc.shape;
	ck_assert_int_eq(s->kind, GEO_SHAPE_POINT);
	ck_assert_uint_eq(s->dim, 3);
	ck_assert(s->center.has_alt);
	ck_assert_double_eq_tol(s->center.alt, 24.8, EPS);
	pidf_doc_free(d);

	/* Figure 7: polygon as gml:pos. */
	pt_doc(buf, sizeof(buf),
	       "<gml:Polygon srsName=\"urn:ogc:def:crs:EPSG::4326\">"
	       "<gml:exterior><gml:LinearRing>"
	       "<gml:pos>43.311 -73.422</gml:pos><!--A-->"
	       "<gml:pos>43.111 -73.322</gml:pos>"
	       "<gml:pos>43.111 -73.222</gml:pos>"
	       "<gml:pos>43.311 -73.122</gml:pos>"
	       "<gml:pos>43.411 -73.222</gml:pos>"
	       "<gml:pos>43.411 -73.322</gml:pos>"
	       "<gml:pos>43.311 -73.422</gml:pos>"
	       "</gml:LinearRing></gml:exterior></gml:Polygon>",
	       NULL, NULL);
	ck_assert_int_eq(pt_parse(geo, buf, &d, &err), 0);
	s = d->loc.shape;
	ck_assert_int_eq(s->kind, GEO_SHAPE_POLYGON);
	ck_assert_uint_eq(s->nrings, 1);
	ck_assert_uint_eq(s->rings[0].n, 7);
	ck_assert_double_eq_tol(s->rings[0].pts[3].lat, 43.311, EPS);
	ck_assert_double_eq_tol(s->rings[0].pts[3].lon, -73.122, EPS);
	ck_assert(!d->loc.has_time);
	ck_assert(!d->loc.has_confidence);   /* absent: 95 % (PL-7) */
	ck_assert_double_eq(d->loc.confidence, 0.95);
	pidf_doc_free(d);

	/* Figure 8: the same polygon as posList. */
	pt_doc(buf, sizeof(buf),
	       "<gml:Polygon srsName=\"urn:ogc:def:crs:EPSG::4326\">"
	       "<gml:exterior><gml:LinearRing><gml:posList>\n"
	       "  43.311 -73.422 43.111 -73.322\n"
	       "  43.111 -73.222 43.311 -73.122\n"
	       "  43.411 -73.222 43.411 -73.322\n"
	       "  43.311 -73.422\n"
	       "</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon>",
	       NULL, NULL);
	ck_assert_int_eq(pt_parse(geo, buf, &d, &err), 0);
	s = d->loc.shape;
	ck_assert_int_eq(s->kind, GEO_SHAPE_POLYGON);
	ck_assert_uint_eq(s->rings[0].n, 7);
	ck_assert_double_eq_tol(s->rings[0].pts[5].lat, 43.411, EPS);
	ck_assert_double_eq_tol(s->rings[0].pts[5].lon, -73.322, EPS);
	pidf_doc_free(d);

	/* Figure 9: circle. */
	pt_doc(buf, sizeof(buf),
	       "<gs:Circle srsName=\"urn:ogc:def:crs:EPSG::4326\">"
	       "<gml:pos>42.5463 -73.2512</gml:pos>"
	       "<gs:radius uom=\"urn:ogc:def:uom:EPSG::9001\">\n 850.24\n"
	       "</gs:radius></gs:Circle>", NULL, NULL);
	ck_assert_int_eq(pt_parse(geo, buf, &d, &err), 0);
	s = d->loc.shape;
	ck_assert_int_eq(s->kind, GEO_SHAPE_CIRCLE);
	ck_assert_double_eq_tol(s->center.lat, 42.5463, EPS);
	ck_assert_double_eq_tol(s->center.lon, -73.2512, EPS);
	ck_assert_double_eq_tol(s->radius, 850.24, EPS);
	pidf_doc_free(d);

	/* Figure 10: ellipse. */
	pt_doc(buf, sizeof(buf),
	       "<gs:Ellipse srsName=\"urn:ogc:def:crs:EPSG::4326\">"
	       "<gml:pos>42.5463 -73.2512</gml:pos>"
	       "<gs:semiMajorAxis uom=\"urn:ogc:def:uom:EPSG::9001\">1275"
	       "</gs:semiMajorAxis>"
	       "<gs:semiMinorAxis uom=\"urn:ogc:def:uom:EPSG::9001\">670"
	       "</gs:semiMinorAxis>"
	       "<gs:orientation uom=\"urn:ogc:def:uom:EPSG::9102\">43.2"
	       "</gs:orientation></gs:Ellipse>", NULL, NULL);
	ck_assert_int_eq(pt_parse(geo, buf, &d, &err), 0);
	s = d->loc.shape;
	ck_assert_int_eq(s->kind, GEO_SHAPE_ELLIPSE);
	ck_assert_double_eq_tol(s->semi_major, 1275, EPS);
	ck_assert_double_eq_tol(s->semi_minor, 670, EPS);
	ck_assert_double_eq_tol(s->orientation, 43.2, EPS);
	pidf_doc_free(d);

	/* Figure 12: arc band. */
	pt_doc(buf, sizeof(buf),
	       "<gs:ArcBand srsName=\"urn:ogc:def:crs:EPSG::4326\">"
	       "<gml:pos>-43.5723 153.21760</gml:pos>"
	       "<gs:innerRadius uom=\"urn:ogc:def:uom:EPSG::9001\">3594"
	       "</gs:innerRadius>"
	       "<gs:outerRadius uom=\"urn:ogc:def:uom:EPSG::9001\">4148"
	       "</gs:outerRadius>"
	       "<gs:startAngle uom=\"urn:ogc:def:uom:EPSG::9102\">20"
	       "</gs:startAngle>"
	       "<gs:openingAngle uom=\"urn:ogc:def:uom:EPSG::9102\">20"
	       "</gs:openingAngle></gs:ArcBand>", NULL, NULL);
	ck_assert_int_eq(pt_parse(geo, buf, &d, &err), 0);
	s = d->loc.shape;
	ck_assert_int_eq(s->kind, GEO_SHAPE_ARCBAND);
	ck_assert_double_eq_tol(s->center.lat, -43.5723, EPS);
	ck_assert_double_eq_tol(s->center.lon, 153.2176, EPS);
	ck_assert_double_eq_tol(s->inner_radius, 3594, EPS);
	ck_assert_double_eq_tol(s->outer_radius, 4148, EPS);
	ck_assert_double_eq_tol(s->start_angle, 20, EPS);
	ck_assert_double_eq_tol(s->opening_angle, 20, EPS);
	pidf_doc_free(d);

	/* Figure 13: sphere. */
	pt_doc(buf, sizeof(buf),
	       "<gs:Sphere srsName=\"urn:ogc:def:crs:EPSG::4979\">"
	       "<gml:pos>42.5463 -73.2512 26.3</gml:pos>"
	       "<gs:radius uom=\"urn:ogc:def:uom:EPSG::9001\">850.24"
	       "</gs:radius></gs:Sphere>", NULL, NULL);
	ck_assert_int_eq(pt_parse(geo, buf, &d, &err), 0);
	s = d->loc.shape;
	ck_assert_int_eq(s->kind, GEO_SHAPE_SPHERE);
	ck_assert_uint_eq(s->dim, 3);
	ck_assert_double_eq_tol(s->center.alt, 26.3, EPS);
	ck_assert_double_eq_tol(s->radius, 850.24, EPS);
	pidf_doc_free(d);

	/* Figure 15: ellipsoid. */
	pt_doc(buf, sizeof(buf),
	       "<gs:Ellipsoid srsName=\"urn:ogc:def:crs:EPSG::4979\">"
	       "<gml:pos>42.5463 -73.2512 26.3</gml:pos>"
	       "<gs:semiMajorAxis uom=\"urn:ogc:def:uom:EPSG::9001\">7.7156"
	       "</gs:semiMajorAxis>"
	       "<gs:semiMinorAxis uom=\"urn:ogc:def:uom:EPSG::9001\">3.31"
	       "</gs:semiMinorAxis>"
	       "<gs:verticalAxis uom=\"urn:ogc:def:uom:EPSG::9001\">28.7"
	       "</gs:verticalAxis>"
	       "<gs:orientation uom=\"urn:ogc:def:uom:EPSG::9102\">90"
	       "</gs:orientation></gs:Ellipsoid>", NULL, NULL);
	ck_assert_int_eq(pt_parse(geo, buf, &d, &err), 0);
	s = d->loc.shape;
	ck_assert_int_eq(s->kind, GEO_SHAPE_ELLIPSOID);
	ck_assert_double_eq_tol(s->semi_major, 7.7156, EPS);
	ck_assert_double_eq_tol(s->semi_minor, 3.31, EPS);
	ck_assert_double_eq_tol(s->vertical_axis, 28.7, EPS);
	ck_assert_double_eq_tol(s->orientation, 90, EPS);
	pidf_doc_free(d);

	/* Figure 17: prism. */
	pt_doc(buf, sizeof(buf),
	       "<gs:Prism srsName=\"urn:ogc:def:crs:EPSG::4979\"><gs:base>"
	       "<gml:Polygon><gml:exterior><gml:LinearRing><gml:posList>"
	       "42.556844 -73.248157 36.6 <!--A-->"
	       "42.656844 -73.248157 36.6 <!--B-->"
	       "42.656844 -73.348157 36.6 <!--C-->"
	       "42.556844 -73.348157 36.6 <!--D-->"
	       "42.556844 -73.248157 36.6 <!--A-->"
	       "</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon>"
	       "</gs:base><gs:height uom=\"urn:ogc:def:uom:EPSG::9001\">2.4"
	       "</gs:height></gs:Prism>", NULL, NULL);
	ck_assert_int_eq(pt_parse(geo, buf, &d, &err), 0);
	s = d->loc.shape;
	ck_assert_int_eq(s->kind, GEO_SHAPE_PRISM);
	ck_assert_uint_eq(s->rings[0].n, 5);
	ck_assert_double_eq_tol(s->rings[0].pts[1].lat, 42.656844, EPS);
	ck_assert_double_eq_tol(s->rings[0].pts[2].lon, -73.348157, EPS);
	ck_assert_double_eq_tol(s->floor, 36.6, EPS);
	ck_assert_double_eq_tol(s->height, 2.4, EPS);
	pidf_doc_free(d);
	geo_ctx_free(geo);
}
END_TEST

/* RFC 5491 figure 3: device civic + person circle; rule 8 (PL-22). */
static const char fig3[] =
	"<presence xmlns=\"urn:ietf:params:xml:ns:pidf\"\n"
	"  xmlns:dm=\"urn:ietf:params:xml:ns:pidf:data-model\"\n"
	"  xmlns:gp=\"urn:ietf:params:xml:ns:pidf:geopriv10\"\n"
	"  xmlns:ca=\"urn:ietf:params:xml:ns:pidf:geopriv10:civicAddr\"\n"
	"  xmlns:gml=\"http://www.opengis.net/gml\"\n"
	"  xmlns:gs=\"http://www.opengis.net/pidflo/1.0\"\n"
	"  entity=\"pres:ness@example.com\">\n"
	" <dm:person id=\"ness\">\n"
	"  <gp:geopriv>\n"
	"   <gp:location-info>\n"
	"    <gs:Circle srsName=\"urn:ogc:def:crs:EPSG::4326\">\n"
	"     <gml:pos>-34.410649 150.87651</gml:pos>\n"
	"     <gs:radius uom=\"urn:ogc:def:uom:EPSG::9001\">30</gs:radius>\n"
	"    </gs:Circle>\n"
	"   </gp:location-info>\n"
	"   <gp:usage-rules/>\n"
	"   <gp:method>Manual</gp:method>\n"
	"  </gp:geopriv>\n"
	"  <dm:timestamp>2007-06-24T12:28:04Z</dm:timestamp>\n"
	" </dm:person>\n"
	" <dm:device id=\"nesspc-1\">\n"
	"  <gp:geopriv>\n"
	"   <gp:location-info>\n"
	"    <ca:civicAddress xml:lang=\"en-AU\">\n"
	"     <ca:country>AU</ca:country>\n"
	"     <ca:A1>NSW</ca:A1>\n"
	"     <ca:A3>     Wollongong\n"
	"     </ca:A3><ca:A4>North Wollongong\n"
	"   </ca:A4>\n"
	"   <ca:RD>Flinders</ca:RD><ca:STS>Street</ca:STS>\n"
	"   <ca:RDBR>Campbell Street</ca:RDBR>\n"
	"   <ca:LMK>\n"
	"     Gilligan's Island\n"
	"     </ca:LMK> <ca:LOC>Corner</ca:LOC>\n"
	"     <ca:NAM> Video Rental Store </ca:NAM>\n"
	"     <ca:PC>2500</ca:PC>\n"
	"     <ca:ROOM> Westerns and Classics </ca:ROOM>\n"
	"     <ca:PLC>store</ca:PLC>\n"
	"     <ca:POBOX>Private Box 15</ca:POBOX>\n"
	"    </ca:civicAddress>\n"
	"   </gp:location-info>\n"
	"   <gp:usage-rules/>\n"
	"   <gp:method>GPS</gp:method>\n"
	"  </gp:geopriv>\n"
	"  <dm:deviceID>mac:1234567890ab</dm:deviceID>\n"
	"  <dm:timestamp>2007-06-22T20:57:29Z</dm:timestamp>\n"
	" </dm:device>\n"
	"</presence>\n";

START_TEST(test_rfc5139_civic_rule8)
{
	struct geo_ctx *geo = pt_geo();
	struct pidf_doc *d;
	struct pidf_err err;
	const struct pidf_civic *c;

	/* The person comes first in the document, the device wins. */
	ck_assert_int_eq(pt_parse(geo, fig3, &d, &err), 0);
	ck_assert_int_eq(d->source, PIDF_SRC_DEVICE);
	ck_assert_str_eq(d->tuple_id, "nesspc-1");
	ck_assert_uint_eq(d->ngeopriv, 2);
	ck_assert_ptr_null(d->loc.shape);
	c = &d->loc.civic;
	ck_assert_uint_eq(c->n, 14);
	ck_assert_str_eq(c->lang, "en-AU");
	ck_assert_str_eq(pidf_civic_get(c, "country"), "AU");
	ck_assert_str_eq(pidf_civic_get(c, "A1"), "NSW");
	/* xs:token: whitespace collapsed (PL-26). */
	ck_assert_str_eq(pidf_civic_get(c, "A3"), "Wollongong");
	ck_assert_str_eq(pidf_civic_get(c, "A4"), "North Wollongong");
	ck_assert_str_eq(pidf_civic_get(c, "LMK"), "Gilligan's Island");
	ck_assert_str_eq(pidf_civic_get(c, "NAM"), "Video Rental Store");
	ck_assert_str_eq(pidf_civic_get(c, "RD"), "Flinders");
	ck_assert_str_eq(pidf_civic_get(c, "POBOX"), "Private Box 15");
	ck_assert_ptr_null(pidf_civic_get(c, "A6"));
	ck_assert_str_eq(d->loc.method, "GPS");
	ck_assert_double_eq(d->loc.time, T_2007);
	pidf_doc_free(d);
	geo_ctx_free(geo);
}
END_TEST

/* The draft's valueChanges example: civilLoc / civilAddress. */
static const char draft_civil[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<presence xmlns=\"urn:ietf:params:xml:ns:pidf\"\n"
	"  xmlns:gp=\"urn:ietf:params:xml:ns:pidf:geopriv10\"\n"
	"  xmlns:cl=\"urn:ietf:params:xml:ns:pidf:geopriv10:civilLoc\"\n"
	"  entity=\"pres:geotarget@example.com\">\n"
	"  <tuple id=\"sg89ae\">\n"
	"    <status>\n"
	"      <gp:geopriv>\n"
	"        <gp:location-info>\n"
	"          <cl:civilAddress>\n"
	"            <cl:country>US</cl:country>\n"
	"            <cl:A1>New York</cl:A1>\n"
	"            <cl:A3>New York</cl:A3>\n"
	"            <cl:A6>Broadway</cl:A6>\n"
	"            <cl:HNO>123</cl:HNO>\n"
	"            <cl:LOC>Suite 75</cl:LOC>\n"
	"            <cl:PC>10027</cl:PC>\n"
	"          </cl:civilAddress>\n"
	"        </gp:location-info>\n"
	"        <gp:usage-rules>\n"
	"          <gp:retransmission-allowed>yes"
	"</gp:retransmission-allowed>\n"
	"          <gp:retention-expiry>2003-06-23T04:57:29Z\n"
	"          </gp:retention-expiry>\n"
	"        </gp:usage-rules>\n"
	"      </gp:geopriv>\n"
	"    </status>\n"
	"    <timestamp>2003-06-22T20:57:29Z</timestamp>\n"
	"  </tuple>\n"
	"</presence>\n";

START_TEST(test_draft_civil_loc)
{
	struct geo_ctx *geo = pt_geo();
	struct pidf_doc *d;
	struct pidf_err err;
	const struct pidf_location *l;

	ck_assert_int_eq(pt_parse(geo, draft_civil, &d, &err), 0);
	l = &d->loc;
	ck_assert_int_eq(d->source, PIDF_SRC_TUPLE);
	ck_assert_str_eq(d->tuple_id, "sg89ae");
	ck_assert_uint_eq(l->civic.n, 7);
	ck_assert_str_eq(pidf_civic_get(&l->civic, "country"), "US");
	ck_assert_str_eq(pidf_civic_get(&l->civic, "A3"), "New York");
	/* Legacy A6 is the street: RD in RFC 5139 terms (PL-26, Q-5). */
	ck_assert_str_eq(pidf_civic_get(&l->civic, "RD"), "Broadway");
	ck_assert_ptr_null(pidf_civic_get(&l->civic, "A6"));
	ck_assert_str_eq(pidf_civic_get(&l->civic, "PC"), "10027");
	/* gp: namespace and yes/no accepted (PL-27, Q-29). */
	ck_assert(l->usage.retransmission_allowed);
	ck_assert(l->usage.has_retention);
	ck_assert_double_eq(l->usage.retention_expiry, 1056344249.0);
	ck_assert_double_eq(l->time, 1056315449.0);
	ck_assert_str_eq(l->method, "");
	pidf_doc_free(d);
	geo_ctx_free(geo);
}
END_TEST

/* RFC 4119 section 2.2.5 example: gml:location, epsg:4326, DMS. */
static const char rfc4119_geo[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	" <presence xmlns=\"urn:ietf:params:xml:ns:pidf\"\n"
	"    xmlns:gp=\"urn:ietf:params:xml:ns:pidf:geopriv10\"\n"
	"    xmlns:gml=\"urn:opengis:specification:gml:schema-xsd:"
	"feature:v3.0\"\n"
	"    entity=\"pres:geotarget@example.com\">\n"
	"  <tuple id=\"sg89ae\">\n"
	"   <status>\n"
	"    <gp:geopriv>\n"
	"      <gp:location-info>\n"
	"        <gml:location>\n"
	"          <gml:Point gml:id=\"point1\" srsName=\"epsg:4326\">\n"
	"            <gml:coordinates>37:46:30N 122:25:10W"
	"</gml:coordinates>\n"
	"          </gml:Point>\n"
	"         </gml:location>\n"
	"      </gp:location-info>\n"
	"      <gp:usage-rules>\n"
	"        <gp:retransmission-allowed>no</gp:retransmission-allowed>\n"
	"        <gp:retention-expiry>2003-06-23T04:57:29Z"
	"</gp:retention-expiry>\n"
	"      </gp:usage-rules>\n"
	"    </gp:geopriv>\n"
	"   </status>\n"
	"   <timestamp>2003-06-22T20:57:29Z</timestamp>\n"
	"  </tuple>\n"
	" </presence>\n";

START_TEST(test_rfc4119_example)
{
	struct geo_ctx *geo = pt_geo();
	struct pidf_doc *d;
	struct pidf_err err;
	const struct geo_shape *s;
	char buf[2048];

	ck_assert_int_eq(pt_parse(geo, rfc4119_geo, &d, &err), 0);
	s = d->loc.shape;
	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(s->kind, GEO_SHAPE_POINT);
	ck_assert_uint_eq(s->dim, 2);
	ck_assert_double_eq_tol(s->center.lat, 37.775, EPS);
	ck_assert_double_eq_tol(s->center.lon, -(122 + 25 / 60.0 +
						  10 / 3600.0), EPS);
	ck_assert(!d->loc.usage.retransmission_allowed);
	ck_assert_double_eq(d->loc.usage.retention_expiry, 1056344249.0);
	pidf_doc_free(d);

	/* gml:location in GML 3.1 around decimal coordinates... */
	pt_doc(buf, sizeof(buf),
	       "<gml:location><gml:Point srsName=\"EPSG:4326\">"
	       "<gml:coordinates>37.775,-122.4194</gml:coordinates>"
	       "</gml:Point></gml:location>", NULL, NULL);
	ck_assert_int_eq(pt_parse(geo, buf, &d, &err), 0);
	ck_assert_int_eq(d->loc.shape->kind, GEO_SHAPE_POINT);
	ck_assert_double_eq_tol(d->loc.shape->center.lat, 37.775, EPS);
	ck_assert_double_eq_tol(d->loc.shape->center.lon, -122.4194, EPS);
	pidf_doc_free(d);
	/* ... and around an RFC 5491 shape, which geo/ reads. */
	pt_doc(buf, sizeof(buf),
	       "<gml:location><gs:Circle srsName=\"urn:ogc:def:crs:EPSG::"
	       "4326\"><gml:pos>1 2</gml:pos><gs:radius uom=\"urn:ogc:def:"
	       "uom:EPSG::9001\">5</gs:radius></gs:Circle></gml:location>",
	       NULL, NULL);
	ck_assert_int_eq(pt_parse(geo, buf, &d, &err), 0);
	ck_assert_int_eq(d->loc.shape->kind, GEO_SHAPE_CIRCLE);
	ck_assert_double_eq(d->loc.shape->radius, 5);
	pidf_doc_free(d);
	geo_ctx_free(geo);
}
END_TEST

/* Usage-rule spellings: gbp/gp, true/false/yes/no/1/0 (PL-19, Q-29). */
START_TEST(test_usage_rules)
{
	static const struct {
		const char *rules;
		int rc;
		bool allowed;
	} cases[] = {
		{"<gbp:retransmission-allowed>true"
		 "</gbp:retransmission-allowed>", 0, true},
		{"<gbp:retransmission-allowed>false"
		 "</gbp:retransmission-allowed>", 0, false},
		{"<gp:retransmission-allowed>yes</gp:retransmission-allowed>",
		 0, true},
		{"<gp:retransmission-allowed> no </gp:retransmission-allowed>",
		 0, false},
		{"<gbp:retransmission-allowed>1</gbp:retransmission-allowed>",
		 0, true},
		{"", 0, false},
		{"<gbp:retransmission-allowed>maybe"
		 "</gbp:retransmission-allowed>", EBADMSG, false},
		{"<gbp:retention-expiry>tomorrow</gbp:retention-expiry>",
		 EBADMSG, false},
	};
	static const char pt[] =
		"<gml:Point srsName=\"urn:ogc:def:crs:EPSG::4326\">"
		"<gml:pos>1 2</gml:pos></gml:Point>";
	struct geo_ctx *geo = pt_geo();
	struct pidf_doc *d;
	struct pidf_err err;
	char buf[2048];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		pt_doc(buf, sizeof(buf), pt, cases[i].rules, NULL);
		ck_assert_int_eq(pt_parse(geo, buf, &d, &err), cases[i].rc);
		if (cases[i].rc) {
			ck_assert_int_eq(err.code, cases[i].rc);
			ck_assert(strncmp(err.msg, "PIDF-LO: ", 9) == 0);
			ck_assert_ptr_null(d);
			continue;
		}
		ck_assert(d->loc.usage.retransmission_allowed ==
			  cases[i].allowed);
		pidf_doc_free(d);
	}

	pt_doc(buf, sizeof(buf), pt,
	       "<gbp:retransmission-allowed>false"
	       "</gbp:retransmission-allowed>"
	       "<gbp:retention-expiry>2007-06-23T20:57:29Z"
	       "</gbp:retention-expiry>"
	       "<gbp:external-ruleset>http://example.com/rules"
	       "</gbp:external-ruleset>"
	       "<gbp:note-well>Do not share &amp; keep</gbp:note-well>",
	       NULL);
	ck_assert_int_eq(pt_parse(geo, buf, &d, &err), 0);
	ck_assert(d->loc.usage.has_retention);
	ck_assert_double_eq(d->loc.usage.retention_expiry, T_2007 + 86400);
	ck_assert_str_eq(d->loc.usage.external_ruleset,
			 "http://example.com/rules");
	ck_assert_str_eq(d->loc.usage.note_well, "Do not share & keep");
	pidf_doc_free(d);
	geo_ctx_free(geo);
}
END_TEST

/* RFC 7459 confidence (PL-24). */
START_TEST(test_confidence)
{
	static const char circle[] =
		"<gs:Circle srsName=\"urn:ogc:def:crs:EPSG::4326\">"
		"<gml:pos>42.5463 -73.2512</gml:pos>"
		"<gs:radius uom=\"urn:ogc:def:uom:EPSG::9001\">850.24"
		"</gs:radius></gs:Circle>";
	struct geo_ctx *geo = pt_geo();
	struct pidf_doc *d;
	struct pidf_err err;
	char li[1024], buf[2048];

	snprintf(li, sizeof(li), "%s<con:confidence pdf=\"normal\">67"
		 "</con:confidence>", circle);
	pt_doc(buf, sizeof(buf), li, NULL, NULL);
	ck_assert_int_eq(pt_parse(geo, buf, &d, &err), 0);
	ck_assert(d->loc.has_confidence);
	ck_assert_double_eq_tol(d->loc.confidence, 0.67, EPS);
	ck_assert_int_eq(d->loc.pdf, PIDF_PDF_NORMAL);
	pidf_doc_free(d);

	snprintf(li, sizeof(li), "%s<con:confidence pdf=\"rectangular\">"
		 "unknown</con:confidence>", circle);
	pt_doc(buf, sizeof(buf), li, NULL, NULL);
	ck_assert_int_eq(pt_parse(geo, buf, &d, &err), 0);
	ck_assert(!d->loc.has_confidence);
	ck_assert_double_eq(d->loc.confidence, 0.95);
	ck_assert_int_eq(d->loc.pdf, PIDF_PDF_RECTANGULAR);
	pidf_doc_free(d);

	/* Outside the open interval (0, 100), or a bad pdf. */
	snprintf(li, sizeof(li), "%s<con:confidence>100</con:confidence>",
		 circle);
	pt_doc(buf, sizeof(buf), li, NULL, NULL);
	ck_assert_int_eq(pt_parse(geo, buf, &d, &err), EBADMSG);
	snprintf(li, sizeof(li), "%s<con:confidence>0</con:confidence>",
		 circle);
	pt_doc(buf, sizeof(buf), li, NULL, NULL);
	ck_assert_int_eq(pt_parse(geo, buf, &d, &err), EBADMSG);
	snprintf(li, sizeof(li), "%s<con:confidence pdf=\"gauss\">50"
		 "</con:confidence>", circle);
	pt_doc(buf, sizeof(buf), li, NULL, NULL);
	ck_assert_int_eq(pt_parse(geo, buf, &d, &err), EBADMSG);
	ck_assert_str_eq(err.msg, "PIDF-LO: bad confidence pdf");
	geo_ctx_free(geo);
}
END_TEST

/* RFC 5962 dynamic: orientation, speed, heading (PL-23). */
START_TEST(test_dynamic)
{
	struct geo_ctx *geo = pt_geo();
	struct pidf_doc *d;
	struct pidf_err err;
	char buf[2048];

	pt_doc(buf, sizeof(buf),
	       "<gs:Circle srsName=\"urn:ogc:def:crs:EPSG::4326\">"
	       "<gml:pos>42.5463 -73.2512</gml:pos>"
	       "<gs:radius uom=\"urn:ogc:def:uom:EPSG::9001\">100"
	       "</gs:radius></gs:Circle>"
	       "<dyn:Dynamic><dyn:orientation>-3 12</dyn:orientation>"
	       "<dyn:speed>24</dyn:speed><dyn:heading>278</dyn:heading>"
	       "</dyn:Dynamic>", NULL, NULL);
	ck_assert_int_eq(pt_parse(geo, buf, &d, &err), 0);
	ck_assert(d->loc.has_speed);
	ck_assert_double_eq(d->loc.speed, 24);
	ck_assert(d->loc.has_heading);
	ck_assert_double_eq(d->loc.heading, 278);
	ck_assert_uint_eq(d->loc.norientation, 2);
	ck_assert_double_eq(d->loc.orientation[0], -3);
	ck_assert_double_eq(d->loc.orientation[1], 12);
	pidf_doc_free(d);

	/* the schema URN is an alias of the namespace. */
	pt_doc(buf, sizeof(buf),
	       "<gml:Point srsName=\"urn:ogc:def:crs:EPSG::4326\">"
	       "<gml:pos>1 2</gml:pos></gml:Point>"
	       "<d2:Dynamic xmlns:d2=\"urn:ietf:params:xml:schema:pidf:"
	       "dynamic\"><d2:speed>12.5</d2:speed></d2:Dynamic>",
	       NULL, NULL);
	ck_assert_int_eq(pt_parse(geo, buf, &d, &err), 0);
	ck_assert(d->loc.has_speed);
	ck_assert_double_eq(d->loc.speed, 12.5);
	ck_assert(!d->loc.has_heading);
	pidf_doc_free(d);

	/* Only dynamic, no position: RFC 5962's first example. */
	pt_doc(buf, sizeof(buf),
	       "<dyn:Dynamic><dyn:speed>24</dyn:speed></dyn:Dynamic>",
	       NULL, NULL);
	ck_assert_int_eq(pt_parse(geo, buf, &d, &err), ENOENT);
	ck_assert_str_eq(err.msg,
			 "PIDF-LO: location-info has no recognised location");

	pt_doc(buf, sizeof(buf),
	       "<gml:Point srsName=\"urn:ogc:def:crs:EPSG::4326\">"
	       "<gml:pos>1 2</gml:pos></gml:Point>"
	       "<dyn:Dynamic><dyn:speed>fast</dyn:speed></dyn:Dynamic>",
	       NULL, NULL);
	ck_assert_int_eq(pt_parse(geo, buf, &d, &err), EBADMSG);
	ck_assert_str_eq(err.msg, "PIDF-LO: bad speed");
	pt_doc(buf, sizeof(buf),
	       "<gml:Point srsName=\"urn:ogc:def:crs:EPSG::4326\">"
	       "<gml:pos>1 2</gml:pos></gml:Point>"
	       "<dyn:Dynamic><dyn:heading>1 2 3</dyn:heading></dyn:Dynamic>",
	       NULL, NULL);
	ck_assert_int_eq(pt_parse(geo, buf, &d, &err), EBADMSG);
	geo_ctx_free(geo);
}
END_TEST

#define PT_POINT(lat)                                                         \
	"<gp:geopriv><gp:location-info>"                                      \
	"<gml:Point srsName=\"urn:ogc:def:crs:EPSG::4326\"><gml:pos>" lat     \
	" 10</gml:pos></gml:Point></gp:location-info><gp:usage-rules/>"       \
	"</gp:geopriv>"

/* Several tuples: first device, else first tuple, person last. */
START_TEST(test_rule8)
{
	struct geo_ctx *geo = pt_geo();
	struct pidf_doc *d;
	struct pidf_err err;

	ck_assert_int_eq(pt_parse(geo,
		"<presence " PT_NS "entity=\"pres:a@b\">"
		"<tuple id=\"n\"><status><basic>open</basic></status></tuple>"
		"<dm:person id=\"p\">" PT_POINT("1") "</dm:person>"
		"<tuple id=\"t1\"><status>" PT_POINT("2") "</status></tuple>"
		"<tuple id=\"t2\"><status>" PT_POINT("3") "</status></tuple>"
		"<dm:device id=\"d1\">" PT_POINT("4") "</dm:device>"
		"<dm:device id=\"d2\">" PT_POINT("5") "</dm:device>"
		"</presence>", &d, &err), 0);
	ck_assert_int_eq(d->source, PIDF_SRC_DEVICE);
	ck_assert_str_eq(d->tuple_id, "d1");
	ck_assert_double_eq(d->loc.shape->center.lat, 4);
	ck_assert_uint_eq(d->ngeopriv, 5);
	pidf_doc_free(d);

	ck_assert_int_eq(pt_parse(geo,
		"<presence " PT_NS "entity=\"pres:a@b\">"
		"<dm:person id=\"p\">" PT_POINT("1") "</dm:person>"
		"<tuple id=\"n\"><status><basic>open</basic></status></tuple>"
		"<tuple id=\"t1\"><status>" PT_POINT("2") "</status></tuple>"
		"<tuple id=\"t2\"><status>" PT_POINT("3") "</status></tuple>"
		"</presence>", &d, &err), 0);
	ck_assert_int_eq(d->source, PIDF_SRC_TUPLE);
	ck_assert_str_eq(d->tuple_id, "t1");
	ck_assert_double_eq(d->loc.shape->center.lat, 2);
	pidf_doc_free(d);

	ck_assert_int_eq(pt_parse(geo,
		"<presence " PT_NS "entity=\"pres:a@b\">"
		"<tuple id=\"n\"><status><basic>open</basic></status></tuple>"
		"<dm:person id=\"p\">" PT_POINT("1") "</dm:person>"
		"</presence>", &d, &err), 0);
	ck_assert_int_eq(d->source, PIDF_SRC_PERSON);
	ck_assert_double_eq(d->loc.shape->center.lat, 1);
	pidf_doc_free(d);

	/* Several shapes in one location-info: the first is taken. */
	ck_assert_int_eq(pt_parse(geo,
		"<presence " PT_NS "entity=\"pres:a@b\"><tuple id=\"t\">"
		"<status><gp:geopriv><gp:location-info>"
		"<gml:Point srsName=\"urn:ogc:def:crs:EPSG::4326\">"
		"<gml:pos>7 8</gml:pos></gml:Point>"
		"<gml:Point srsName=\"urn:ogc:def:crs:EPSG::4326\">"
		"<gml:pos>9 10</gml:pos></gml:Point>"
		"<ca:civicAddress><ca:country>DE</ca:country>"
		"</ca:civicAddress>"
		"</gp:location-info><gp:usage-rules/></gp:geopriv></status>"
		"</tuple></presence>", &d, &err), 0);
	ck_assert_double_eq(d->loc.shape->center.lat, 7);
	ck_assert_str_eq(pidf_civic_get(&d->loc.civic, "country"), "DE");
	pidf_doc_free(d);
	geo_ctx_free(geo);
}
END_TEST

/* xs:dateTime with offsets and fractions (PL-17, PL-28). */
START_TEST(test_timestamps)
{
	static const struct {
		const char *s;
		int rc;
		double t;
	} cases[] = {
		{"2007-06-22T20:57:29Z", 0, T_2007},
		{"2007-06-22T22:57:29+02:00", 0, T_2007},
		{"2007-06-22T15:27:29-05:30", 0, T_2007},
		{"2007-06-22T20:57:29.250Z", 0, T_2007 + 0.25},
		{" 2007-06-22T20:57:29Z\n  ", 0, T_2007},
		{"2007-06-22T20:57:29", 0, T_2007},   /* no zone: UTC */
		{"1970-01-01T00:00:00Z", 0, 0},
		{"2008-02-29T00:00:00Z", 0, 1204243200},
		{"2007-06-22T24:00:00Z", 0, 1182556800},
		{"1969-12-31T23:59:59Z", 0, -1},
		{"2007-02-29T00:00:00Z", EBADMSG, 0},
		{"2007-13-01T00:00:00Z", EBADMSG, 0},
		{"2007-06-22T20:60:00Z", EBADMSG, 0},
		{"2007-06-22T24:00:01Z", EBADMSG, 0},
		{"2007-06-22 20:57:29Z", EBADMSG, 0},
		{"2007-06-22T20:57:29+15:00", EBADMSG, 0},
		{"2007-06-22T20:57:29+0200", EBADMSG, 0},
		{"2007-06-22T20:57:29.Z", EBADMSG, 0},
		{"2007-06-22T20:57:29Zjunk", EBADMSG, 0},
		{"07-06-22T20:57:29Z", EBADMSG, 0},
		{"", EBADMSG, 0},
	};
	struct geo_ctx *geo = pt_geo();
	struct pidf_doc *d;
	struct pidf_err err;
	char buf[2048], out[40];
	double t;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		t = -12345;
		ck_assert_msg(pidf_time_parse(cases[i].s, &t) == cases[i].rc,
			      "case %zu: %s", i, cases[i].s);
		if (!cases[i].rc)
			ck_assert_double_eq_tol(t, cases[i].t, 1e-6);
	}
	ck_assert_int_eq(pidf_time_parse(NULL, &t), EINVAL);

	ck_assert_int_eq(pidf_time_format(T_2007, out, sizeof(out)), 0);
	ck_assert_str_eq(out, "2007-06-22T20:57:29Z");
	ck_assert_int_eq(pidf_time_format(T_2007 + 0.25, out, sizeof(out)),
			 0);
	ck_assert_str_eq(out, "2007-06-22T20:57:29.250Z");
	ck_assert_int_eq(pidf_time_format(-1, out, sizeof(out)), 0);
	ck_assert_str_eq(out, "1969-12-31T23:59:59Z");
	ck_assert_int_eq(pidf_time_format(T_2007, out, 10), EOVERFLOW);
	ck_assert_int_eq(pidf_time_format(NAN, out, sizeof(out)), EINVAL);

	/* In a document, an offset timestamp, then a bad one. */
	pt_doc(buf, sizeof(buf),
	       "<gml:Point srsName=\"urn:ogc:def:crs:EPSG::4326\">"
	       "<gml:pos>1 2</gml:pos></gml:Point>", NULL,
	       "2007-06-22T22:57:29+02:00");
	ck_assert_int_eq(pt_parse(geo, buf, &d, &err), 0);
	ck_assert_double_eq(d->loc.time, T_2007);
	pidf_doc_free(d);
	pt_doc(buf, sizeof(buf),
	       "<gml:Point srsName=\"urn:ogc:def:crs:EPSG::4326\">"
	       "<gml:pos>1 2</gml:pos></gml:Point>", NULL,
	       "2007-06-31T00:00:00Z");
	ck_assert_int_eq(pt_parse(geo, buf, &d, &err), EBADMSG);
	ck_assert_str_eq(err.msg, "PIDF-LO: bad timestamp");
	geo_ctx_free(geo);
}
END_TEST

TCase *tcase_pidf_parse(void);
TCase *tcase_pidf_parse(void)
{
	TCase *tc = tcase_create("pidf_parse");

	tcase_add_test(tc, test_rfc5491_point2d);
	tcase_add_test(tc, test_rfc5491_shapes);
	tcase_add_test(tc, test_rfc5139_civic_rule8);
	tcase_add_test(tc, test_draft_civil_loc);
	tcase_add_test(tc, test_rfc4119_example);
	tcase_add_test(tc, test_usage_rules);
	tcase_add_test(tc, test_confidence);
	tcase_add_test(tc, test_dynamic);
	tcase_add_test(tc, test_rule8);
	tcase_add_test(tc, test_timestamps);
	return tc;
}
