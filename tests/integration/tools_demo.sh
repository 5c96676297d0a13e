#!/bin/sh
# tools_demo.sh: the Building 10 demo from end to end (issue 5, "The
# tools"): locd --no-auth; locsub --count 5 --format jsonl with
# data/demo/building10.xml; locreplay replays
# data/traces/walk-building10.gpx into locd at --speed 50.  locsub must
# print the first NOTIFY without location (EV-19: no fix yet), then
# containment outside, inside, outside, inside for "Building 10" (LF-36,
# LF-41, LF-42) and exit 0 after unsubscribing.  Three times:
#   locsub over UDP, locreplay via PUBLISH (EV-20, EV-35);
#   locsub over TLS (sips:, --insecure for the demo certificate),
#     locreplay via HTTP (OsmAnd GET);
#   locsub over TCP, locreplay via PUBLISH over TLS checked with --ca
#     against the demo certificate (by name: sips:localhost).
# And the RFC 6447 filter-set form subscribes with Event: presence.
# Exit 0 pass, 77 skip (locd not built yet, jq missing), else fail.
# Environment: BIN (locd, locsub, locreplay).
set -u
BIN=${BIN:-build/bin}
. tests/integration/lib/common.sh
need_bins "$BIN" locsub locreplay
if [ ! -x "$BIN/locd" ]; then
	echo "skipped: $BIN/locd not built yet"
	exit 77
fi
command -v jq >/dev/null 2>&1 || { echo "skipped: jq missing"; exit 77; }
tmp=$(mktemp -d)
spid=
. tests/integration/scenarios/locd_common.inc
cleanup() {
	[ -n "$spid" ] && kill "$spid" 2>/dev/null
	locd_cleanup
}
trap cleanup EXIT
trap 'exit 2' INT TERM

fail=0
# The same Building 10 as an RFC 6447 filter-set.
cat >"$tmp/b10-rfc.xml" <<'EOF'
<filter-set xmlns="urn:ietf:params:xml:ns:simple-filter"
    xmlns:lf="urn:ietf:params:xml:ns:location-filter"
    xmlns:gml="http://www.opengis.net/gml">
  <filter id="b10">
    <trigger>
      <lf:enterOrExit>
        <gml:Polygon gml:id="b10" srsName="urn:ogc:def:crs:EPSG::4326">
          <gml:name>Building 10</gml:name>
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

# demo NAME AOR SERVER FILTER TO VIA: one run; 0 when it passed.
demo() {
	name=$1 aor=$2 server=$3 filter=$4 to=$5 via=$6
	: >"$tmp/$name.out"
	"$BIN/locsub" --server "$server" --insecure --filter "$filter" \
		--from "$aor" --count 5 --format jsonl "$aor" \
		>"$tmp/$name.out" 2>"$tmp/$name.err" &
	spid=$!
	i=0 # the first NOTIFY (no location yet) says the dialog is up
	while [ $i -lt 50 ] && [ ! -s "$tmp/$name.out" ]; do
		sleep 0.1
		i=$((i + 1))
	done
	# shellcheck disable=SC2086 # LR_EXTRA: extra locreplay options
	if ! timeout 20 "$BIN/locreplay" --to "$to" --via "$via" \
		--entity "$aor" --speed 50 ${LR_EXTRA:-} \
		data/traces/walk-building10.gpx 2>"$tmp/$name.lr"; then
		echo "FAIL: $name: locreplay"
		cat "$tmp/$name.lr"
		return 1
	fi
	i=0
	while [ $i -lt 100 ] && kill -0 "$spid" 2>/dev/null; do
		sleep 0.1
		i=$((i + 1))
	done
	kill "$spid" 2>/dev/null # still waiting after 10 s: a failure
	if ! wait "$spid"; then
		spid=
		echo "FAIL: $name: locsub exit status"
		cat "$tmp/$name.err" "$tmp/$name.out"
		return 1
	fi
	spid=
	first=$(head -n 1 "$tmp/$name.out" | jq -r '.lat')
	seq=$(jq -r '.containment[] | select(.feature == "Building 10")
		| .position' "$tmp/$name.out" | tr '\n' ' ')
	if [ "$first" = null ] &&
	    [ "$seq" = "outside inside outside inside " ]; then
		echo "PASS: $name: no fix, outside, inside, outside, inside"
		return 0
	fi
	echo "FAIL: $name: first lat $first, containment: $seq"
	cat "$tmp/$name.out"
	return 1
}

start_locd --no-auth || exit 1
demo udp-publish sip:alice@localhost "sip:127.0.0.1:$SIP_PORT" \
	data/demo/building10.xml "sip:127.0.0.1:$SIP_PORT" publish || fail=1
demo tls-http sip:bob@localhost "sips:127.0.0.1:$TLS_PORT" \
	data/demo/building10.xml "http://127.0.0.1:$HTTP_PORT" http || fail=1
LR_EXTRA="--ca $tmp/var/tls/cert.pem"
demo tcp-tls-publish sip:carol@localhost \
	"sip:127.0.0.1:$SIP_PORT;transport=tcp" data/demo/building10.xml \
	"sips:localhost:$TLS_PORT" publish || fail=1
LR_EXTRA=
# The filter-set goes out as Event: presence: locd caps presence at one
# NOTIFY per 5 s and says so in Subscription-State (RC-4, RC-7).
if timeout 20 "$BIN/locsub" --server "sip:127.0.0.1:$SIP_PORT" \
	--filter "$tmp/b10-rfc.xml" --from sip:carol@localhost --count 1 \
	--format jsonl sip:carol@localhost >"$tmp/rfc.out" 2>"$tmp/rfc.err" &&
    jq -r .subscription_state "$tmp/rfc.out" | grep -q 'max-rate=0.2'
then
	echo "PASS: filter-set subscribed as Event: presence"
else
	echo "FAIL: filter-set subscription"
	cat "$tmp/rfc.out" "$tmp/rfc.err"
	fail=1
fi
stop_locd TERM || { echo "FAIL: locd exit status"; fail=1; }
exit $fail
