<?xml version="1.0" encoding="UTF-8"?>
<!--
  Building 10 of draft-mahy-geopriv-sip-loc-pkg-01 section 3 (enterOrExit
  examples), as local features for locd's catalog (LOCATION.md Q-20).
  building10.gml#building10 is the 2-D version (extentOf Polygon whose
  posList carries 3-tuples under the draft's ".../epsg.xml/#4979", read
  as a 2-D footprint, Q-16); building10.gml#building10-3d is the 3-D
  version: a gml:Solid directly under my:Building, floor at 0 m, roof at
  25 m, with the draft's walls (the north wall repeats its corners and
  has no area; it is skipped, Q-17).
-->
<gml:FeatureCollection xmlns:gml="http://www.opengis.net/gml"
    xmlns:my="urn:example:my" xmlns:locd="urn:locd:features">
  <gml:featureMember>
    <my:Building gml:id="building10"
        locd:uri="http://server.example.com/loc-defs/bldg-mgr/building10">
      <gml:name>Building 10</gml:name>
      <gml:extentOf>
        <gml:Polygon>
          <gml:exterior>
            <gml:LinearRing>
              <gml:posList
srsName="http://www.opengis.net/gml/srs/epsg.xml/#4979">
                37.41188 -121.93243 0
                37.41188 -121.93132 0
                37.41142 -121.93132 0
                37.41142 -121.93242 0
                37.41188 -121.93243 0
              </gml:posList>
            </gml:LinearRing>
          </gml:exterior>
        </gml:Polygon>
      </gml:extentOf>
    </my:Building>
  </gml:featureMember>
  <gml:featureMember>
    <my:Building gml:id="building10-3d"
        locd:uri="http://server.example.com/loc-defs/bldg-mgr/building10-3d">
      <gml:name>Building 10</gml:name>
      <gml:Solid>
        <gml:exterior>
          <gml:Surface>
            <gml:patches>
              <gml:Polygon> <!-- floor -->
                <gml:exterior>
                  <gml:LinearRing>
                    <gml:posList
srsName="http://www.opengis.net/gml/srs/epsg.xml/#4979">
                      37.41188 -121.93243 0
                      37.41188 -121.93132 0
                      37.41142 -121.93132 0
                      37.41142 -121.93242 0
                      37.41188 -121.93243 0
                    </gml:posList>
                  </gml:LinearRing>
                </gml:exterior>
              </gml:Polygon>
              <gml:Polygon> <!-- north wall -->
                <gml:exterior>
                  <gml:LinearRing>
                    <gml:posList
srsName="http://www.opengis.net/gml/srs/epsg.xml/#4979">
                      37.41188 -121.93243 0
                      37.41188 -121.93243 0
                      37.41188 -121.93132 25
                      37.41188 -121.93132 25
                      37.41188 -121.93243 0
                    </gml:posList>
                  </gml:LinearRing>
                </gml:exterior>
              </gml:Polygon>
              <gml:Polygon> <!-- east wall -->
                <gml:exterior>
                  <gml:LinearRing>
                    <gml:posList
srsName="http://www.opengis.net/gml/srs/epsg.xml/#4979">
                      37.41188 -121.93132 0
                      37.41188 -121.93132 25
                      37.41142 -121.93132 25
                      37.41142 -121.93132 0
                      37.41188 -121.93132 0
                    </gml:posList>
                  </gml:LinearRing>
                </gml:exterior>
              </gml:Polygon>
              <gml:Polygon> <!-- south wall -->
                <gml:exterior>
                  <gml:LinearRing>
                    <gml:posList
srsName="http://www.opengis.net/gml/srs/epsg.xml/#4979">
                      37.41142 -121.93132 0
                      37.41142 -121.93132 25
                      37.41142 -121.93242 25
                      37.41142 -121.93242 0
                      37.41142 -121.93132 0
                    </gml:posList>
                  </gml:LinearRing>
                </gml:exterior>
              </gml:Polygon>
              <gml:Polygon> <!-- west wall -->
                <gml:exterior>
                  <gml:LinearRing>
                    <gml:posList
srsName="http://www.opengis.net/gml/srs/epsg.xml/#4979">
                      37.41142 -121.93243 0
                      37.41142 -121.93243 25
                      37.41188 -121.93243 25
                      37.41188 -121.93243 0
                      37.41142 -121.93243 0
                    </gml:posList>
                  </gml:LinearRing>
                </gml:exterior>
              </gml:Polygon>
              <gml:Polygon> <!-- roof -->
                <gml:exterior>
                  <gml:LinearRing>
                    <gml:posList
srsName="http://www.opengis.net/gml/srs/epsg.xml/#4979">
                      37.41188 -121.93243 25
                      37.41188 -121.93132 25
                      37.41142 -121.93132 25
                      37.41142 -121.93242 25
                      37.41188 -121.93243 25
                    </gml:posList>
                  </gml:LinearRing>
                </gml:exterior>
              </gml:Polygon>
            </gml:patches>
          </gml:Surface>
        </gml:exterior>
      </gml:Solid>
    </my:Building>
  </gml:featureMember>
</gml:FeatureCollection>
