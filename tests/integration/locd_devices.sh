#!/bin/sh
# locd_devices.sh: HTTP devices through the default device map with
# --no-auth (issue 5 items 4, 8; SEC-6): /healthz says authentication
# is disabled; id=alice-phone with its token updates sip:alice@localhost
# (the map's AOR, not sip:alice-phone@localhost): a subscriber to alice
# gets that fix; alice-phone without its token is refused (401); an
# unmapped id still updates sip:ID@localhost.
# Exit 0 pass, 77 skip (curl or jq missing), else fail.
# Environment: BIN (locd, locsub).
set -u
BIN=${BIN:-build/bin}
. tests/integration/lib/common.sh
need_bins "$BIN" locd locsub
need_tools curl jq
locd_setup

fail=0
start_locd --no-auth || exit 1
H="http://127.0.0.1:$HTTP_PORT"
body=$(curl -s --max-time 5 "$H/healthz")
[ "$body" = "ok (WARNING: authentication disabled)" ] &&
	echo "PASS: /healthz warns: $body" ||
	{ echo "FAIL: /healthz: $body"; fail=1; }
code=$(http_fix alice-phone 47.3769 8.5417 "&token=demo-alice-7f3c9a")
[ "$code" = 200 ] && echo "PASS: alice-phone with token 200" ||
	{ echo "FAIL: alice-phone with token: $code"; fail=1; }
code=$(http_fix alice-phone 47.3770 8.5417)
[ "$code" = 401 ] && echo "PASS: alice-phone without token 401" ||
	{ echo "FAIL: alice-phone without token: $code"; fail=1; }
code=$(http_fix zed 1.5 2.5)
[ "$code" = 200 ] && echo "PASS: unmapped id 200 with --no-auth" ||
	{ echo "FAIL: unmapped id: $code"; fail=1; }
moved='<location-filter xmlns="urn:ietf:params:xml:ns:location-filter">'
moved="$moved<movedHoriz uom=\"#meters\">50</movedHoriz></location-filter>"
printf '%s\n' "$moved" >"$tmp/moved.xml"
for who in alice zed alice-phone; do
	timeout 10 "$BIN/locsub" --server "sip:127.0.0.1:$SIP_PORT" \
		--filter "$tmp/moved.xml" --from "sip:$who@localhost" \
		--count 1 --format jsonl "sip:$who@localhost" \
		>"$tmp/$who.out" 2>"$tmp/$who.err"
done
a=$(jq -r '"\(.lat) \(.lon)"' "$tmp/alice.out")
z=$(jq -r '"\(.lat) \(.lon)"' "$tmp/zed.out")
p=$(jq -r '"\(.lat) \(.lon)"' "$tmp/alice-phone.out")
if [ "$a" = "47.3769 8.5417" ] && [ "$z" = "1.5 2.5" ] &&
    [ "$p" = "null null" ]; then
	echo "PASS: alice-phone's fix is alice's; zed's is zed's"
else
	echo "FAIL: alice: $a, zed: $z, alice-phone: $p"
	cat "$tmp"/*.err
	fail=1
fi
stop_locd TERM || { echo "FAIL: locd exit status"; fail=1; }
exit $fail
