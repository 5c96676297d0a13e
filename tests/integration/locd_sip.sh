#!/bin/sh
# locd_sip.sh: locd with real peers over loopback (issue 5), --no-auth:
#   sipsak OPTIONS -> 200;
#   HTTP (OsmAnd) fix outside Building 10; SIPp subscribes with the
#   Building 10 filter (scenarios/locd_sub_b10.xml): first NOTIFY
#   containment "outside" for every feature (EV-19, LF-42); SIPp
#   publishes a point inside (scenarios/locd_pub_inside.xml): NOTIFY
#   position="inside" (LF-36, EV-20, EV-35); unsubscribe (EV-23);
#   over UDP and TCP; movedHoriz 50 m and speedExceeds 15 m/s
#   (scenarios/locd_sub_moved.xml, locd_sub_speed.xml) with OsmAnd fixes.
# Exit 0 pass, 77 skip (sipp or curl missing), else fail.
# Environment: BIN (default build/bin).
set -u
BIN=${BIN:-build/bin}
. tests/integration/lib/common.sh
need_bins "$BIN" locd
need_tools sipp curl
locd_setup

fail=0
start_locd --no-auth -v || exit 1
grep -q 'WARNING: authentication is OFF' "$tmp/locd.log" ||
	{ echo "FAIL: no --no-auth warning"; fail=1; }

if command -v sipsak >/dev/null 2>&1; then
	if timeout 10 sipsak -s "sip:alice@127.0.0.1:$SIP_PORT" \
		>"$tmp/sipsak.out" 2>&1; then
		echo "PASS: sipsak OPTIONS 200"
	else
		echo "FAIL: sipsak OPTIONS"
		fail=1
	fi
fi

for tp in u1 t1; do
	code=$(http_fix alice 37.41300 -121.93500)
	[ "$code" = 200 ] || { echo "FAIL: HTTP fix: $code"; fail=1; }
	start_sipp "$SCENDIR/locd_sub_b10.xml" $tp
	sleep 1.5
	if ! run_sipp "$SCENDIR/locd_pub_inside.xml" $tp; then
		fail=1
	fi
	if wait_sipp locd_sub_b10.$tp; then
		echo "PASS: ($tp) SUBSCRIBE b10: outside, PUBLISH inside," \
			"NOTIFY inside, unsubscribe"
	else
		fail=1
	fi
	sleep 1 # the next fix must be newer (whole seconds)
done
# movedHoriz 50 m (LF-27): 10 m no NOTIFY, 110 m a NOTIFY
code=$(http_fix alice 37.41300 -121.93500)
start_sipp "$SCENDIR/locd_sub_moved.xml" u1
sleep 1.5
http_fix alice 37.41309 -121.93500 >/dev/null
sleep 1.5
http_fix alice 37.41400 -121.93500 >/dev/null
if wait_sipp locd_sub_moved.u1; then
	echo "PASS: movedHoriz: 10 m nothing, 110 m NOTIFY"
else
	fail=1
fi
# speedExceeds 15 m/s (LF-29): 5 m/s nothing, 20 m/s a NOTIFY (OsmAnd
# speed is in knots)
sleep 1
start_sipp "$SCENDIR/locd_sub_speed.xml" u1
sleep 1.5
http_fix alice 37.41400 -121.93500 "&speed=9.72" >/dev/null
sleep 1.5
http_fix alice 37.41401 -121.93500 "&speed=38.88" >/dev/null
if wait_sipp locd_sub_speed.u1; then
	echo "PASS: speedExceeds: 5 m/s nothing, 20 m/s NOTIFY"
else
	fail=1
fi
curl -s "http://127.0.0.1:$HTTP_PORT/metrics" >"$tmp/metrics"
grep -q '^locd_notifications_sent_total [1-9]' "$tmp/metrics" ||
	{ echo "FAIL: metrics"; fail=1; }
stop_locd TERM || { echo "FAIL: SIGTERM exit status"; fail=1; }
[ $fail = 0 ] && echo "PASS: locd_sip"
exit $fail
