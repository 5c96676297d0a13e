#!/bin/sh
# locd_presence.sh: an RFC 6447 filter-set (Building 10 as a gml:Polygon
# without gml:id or name, in lf:enterOrExit) over Event: presence (issue 5 item 3; RC-4, RC-7,
# LF-36): locd caps presence at one NOTIFY per 5 s (max-rate=0.2 in
# Subscription-State) and RFC-mode containment elements are off, but
# every crossing still sends a NOTIFY with the location: OsmAnd fixes
# outside, inside, outside, 3 s apart -> NOTIFYs no fix, inside,
# outside, each at least 4.5 s after the one before (a delay, never a
# suppression).
# Exit 0 pass, 77 skip (curl, jq or python3 missing), else fail.
# Environment: BIN (locd, locsub).
set -u
BIN=${BIN:-build/bin}
. tests/integration/lib/common.sh
need_bins "$BIN" locd locsub
need_tools curl jq python3
tmp=$(mktemp -d)
spid=
. tests/integration/scenarios/locd_common.inc
cleanup() {
	[ -n "$spid" ] && kill "$spid" 2>/dev/null
	locd_cleanup
}
trap cleanup EXIT
trap 'exit 2' INT TERM

cat >"$tmp/b10-rfc.xml" <<'EOF'
<filter-set xmlns="urn:ietf:params:xml:ns:simple-filter"
    xmlns:lf="urn:ietf:params:xml:ns:location-filter"
    xmlns:gml="http://www.opengis.net/gml">
  <filter id="b10">
    <trigger>
      <lf:enterOrExit>
        <gml:Polygon srsName="urn:ogc:def:crs:EPSG::4326">
          <gml:exterior>
            <gml:LinearRing>
              <gml:posList>
                37.41188 -121.93243 37.41188 -121.93132
                37.41142 -121.93132 37.41142 -121.93242
                37.41188 -121.93243
              </gml:posList>
            </gml:LinearRing>
          </gml:exterior>
        </gml:Polygon>
      </lf:enterOrExit>
    </trigger>
  </filter>
</filter-set>
EOF

fail=0
start_locd --no-auth || exit 1
timeout 40 "$BIN/locsub" --server "sip:127.0.0.1:$SIP_PORT" \
	--filter "$tmp/b10-rfc.xml" --from sip:carol@localhost --count 3 \
	--format jsonl sip:carol@localhost >"$tmp/sub.out" 2>"$tmp/sub.err" &
spid=$!
i=0 # the first NOTIFY (no location yet) says the dialog is up
while [ $i -lt 50 ] && [ ! -s "$tmp/sub.out" ]; do
	sleep 0.1
	i=$((i + 1))
done
for ll in "37.41300 -121.93500" "37.41165 -121.93190" \
	"37.41300 -121.93500"; do
	# shellcheck disable=SC2086 # two words: lat lon
	set -- $ll
	s=$(http_fix carol "$1" "$2")
	[ "$s" = 200 ] || { echo "FAIL: HTTP fix $s"; fail=1; }
	sleep 3
done
i=0
while [ $i -lt 150 ] && kill -0 "$spid" 2>/dev/null; do
	sleep 0.1
	i=$((i + 1))
done
kill "$spid" 2>/dev/null
wait "$spid" 2>/dev/null
spid=
seq=$(jq -r '"\(.lat)"' "$tmp/sub.out" | tr '\n' ' ')
rate=$(jq -r .subscription_state "$tmp/sub.out" | grep -c 'max-rate=0.2')
gaps=$(jq -r .received "$tmp/sub.out" | python3 -c '
import sys, datetime
t = [datetime.datetime.strptime(l.strip(), "%Y-%m-%dT%H:%M:%S.%fZ")
     for l in sys.stdin if l.strip()]
print(min([(b - a).total_seconds() for a, b in zip(t, t[1:])] or [0]))
' 2>/dev/null)
if [ "$seq" = "null 37.41165 37.413 " ] && [ "$rate" = 3 ] &&
    python3 -c "import sys; sys.exit(0 if $gaps >= 4.5 else 1)"; then
	echo "PASS: presence + filter-set: no fix, inside, outside" \
		"(max-rate=0.2, NOTIFYs >= 4.5 s apart)"
else
	echo "FAIL: presence + filter-set: lat $seq, max-rate $rate," \
		"smallest gap $gaps"
	cat "$tmp/sub.out" "$tmp/sub.err"
	tail -n 20 "$tmp/locd.log"
	fail=1
fi
stop_locd TERM || { echo "FAIL: locd exit status"; fail=1; }
exit $fail
