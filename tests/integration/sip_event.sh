#!/bin/sh
# sip_event.sh: RFC 6665 / RFC 3903 over loopback with a real peer.
# tests/progs/testnotifier (the notifier and ESC of sip/sip_event.h on
# sip/sip_stack.h, package x-test) listens on UDP and TCP on a free port;
# sipp runs over UDP and TCP:
#   scenarios/event_subscribe.xml: SUBSCRIBE -> 200 + NOTIFY active,
#     refresh -> 200 + NOTIFY, unsubscribe -> 200 + NOTIFY
#     terminated;reason=timeout (EV-12, EV-14, EV-19, EV-21, EV-23);
#   scenarios/event_publish.xml: PUBLISH -> 200 + SIP-ETag, refresh with
#     SIP-If-Match -> 200, the replaced tag -> 412, no body and no tag ->
#     400, remove -> 200 (EV-30..EV-34);
#   scenarios/event_notify_fail.xml: a NOTIFY answered 500 keeps the
#     subscription, one answered 481 ends it (T12, EV-24, EV-26);
#   scenarios/event_errors.xml: 489 + Allow-Events, 423 + Min-Expires,
#     481 for an unknown dialog, fetch -> 200 + final NOTIFY (EV-3,
#     EV-13, EV-23, EV-26);
#   scenarios/event_publish_notify.xml: a PUBLISH body reaches the
#     subscriber in the next NOTIFY (EV-20, EV-35).
# Then tests/progs/testsubscriber (the subscriber and publisher of
# sip/sip_event.h on the stack) runs the same story against it over UDP
# and TCP: subscribe, publish, NOTIFY with the published body,
# unsubscribe, remove.
# Exit 0 pass, 77 skip (sipp not installed), else fail.
# Environment: TESTBIN (where testnotifier is; default build/tests).
set -u

TESTBIN=${TESTBIN:-build/tests}
NOTIFIER=$TESTBIN/testnotifier
SUBSCRIBER=$TESTBIN/testsubscriber
SCENDIR=$(pwd)/tests/integration/scenarios

. tests/integration/lib/common.sh
need_bins "$TESTBIN" testnotifier testsubscriber
if ! command -v sipp >/dev/null 2>&1; then
	echo "skipped: sipp (sip-tester) not installed"
	exit 77
fi

tmp=$(mktemp -d)
pid=
cleanup() {
	kill_wait "$pid"
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 2' INT TERM

# Start testnotifier on a free port (retry when taken: exit 2); wait at
# most 5 s for its two "ready" lines.
start_notifier() {
	for attempt in 1 2 3 4 5 6 7 8 9 10; do
		port=$(rand_port 2000 8000)
		: >"$tmp/notifier.log" # exists before the child opens it
		"$NOTIFIER" -t 120 "udp:127.0.0.1:$port" \
			"tcp:127.0.0.1:$port" >"$tmp/notifier.log" 2>&1 &
		pid=$!
		wait_ready "$tmp/notifier.log" 2 "$pid" && return 0
		kill_wait "$pid"
		pid=
		echo "testnotifier on port $port failed (attempt $attempt):"
		cat "$tmp/notifier.log"
	done
	return 1
}

# run_sipp SCENARIO TRANSPORT(u1|t1): 0 when the scenario passed.
run_sipp() {
	scen=$1
	tp=$2
	name=$(basename "$scen" .xml).$tp
	for attempt in 1 2 3; do
		lport=$(rand_port 2000 8000)
		[ "$lport" = "$port" ] && continue
		if (cd "$tmp" && timeout 30 sipp -sf "$scen" -m 1 \
			-t "$tp" -i 127.0.0.1 -p "$lport" \
			"127.0.0.1:$port" -nostdin -timeout 20s \
			-timeout_error -trace_err \
			-error_file "$tmp/sipp_err.$name" \
			>"$tmp/sipp.$name" 2>&1); then
			return 0
		fi
		# a busy local port makes sipp exit before sending
		grep -qi "address already in use" "$tmp/sipp.$name" || break
	done
	echo "FAIL: sipp $name"
	tail -n 20 "$tmp/sipp.$name"
	[ -f "$tmp/sipp_err.$name" ] && tail -n 60 "$tmp/sipp_err.$name"
	return 1
}

fail=0
start_notifier || { echo "FAIL: testnotifier did not start"; exit 1; }
echo "testnotifier listening on UDP and TCP 127.0.0.1:$port"

for tp in u1 t1; do
	if run_sipp "$SCENDIR/event_subscribe.xml" $tp; then
		echo "PASS: sipp ($tp) SUBSCRIBE/NOTIFY, refresh, unsubscribe"
	else
		fail=1
	fi
	if run_sipp "$SCENDIR/event_publish.xml" $tp; then
		echo "PASS: sipp ($tp) PUBLISH, refresh, 412, 400, remove"
	else
		fail=1
	fi
	if run_sipp "$SCENDIR/event_errors.xml" $tp; then
		echo "PASS: sipp ($tp) 489, 423, 481, fetch"
	else
		fail=1
	fi
	if run_sipp "$SCENDIR/event_publish_notify.xml" $tp; then
		echo "PASS: sipp ($tp) PUBLISH body reaches the subscriber"
	else
		fail=1
	fi
	if run_sipp "$SCENDIR/event_notify_fail.xml" $tp; then
		echo "PASS: sipp ($tp) NOTIFY 500 keeps, 481 ends (T12)"
	else
		fail=1
	fi
done

for tp in udp tcp; do
	uri="sip:alice@127.0.0.1:$port"
	[ $tp = tcp ] && uri="$uri;transport=tcp"
	if timeout 30 "$SUBSCRIBER" -t 20 udp:127.0.0.1:0 tcp:127.0.0.1:0 \
		"$uri" >"$tmp/subscriber.$tp" 2>&1; then
		echo "PASS: testsubscriber ($tp) subscribe, publish," \
			"notify, unsubscribe, remove"
	else
		echo "FAIL: testsubscriber ($tp)"
		cat "$tmp/subscriber.$tp"
		fail=1
	fi
done

# the notifier saw unsubscribes and fetches end with reason timeout
n=$(grep -c '^close timeout 0' "$tmp/notifier.log")
if [ "$n" = 8 ]; then
	echo "PASS: eight subscriptions ended with reason timeout"
else
	echo "FAIL: expected 8 'close timeout' lines, got $n"
	fail=1
fi
n=$(grep -c '^close failed 481' "$tmp/notifier.log")
if [ "$n" = 2 ]; then
	echo "PASS: two subscriptions ended by a NOTIFY answered 481"
else
	echo "FAIL: expected 2 'close failed 481' lines, got $n"
	fail=1
fi
if ! kill -0 "$pid" 2>/dev/null; then
	echo "FAIL: testnotifier died"
	fail=1
fi
[ $fail = 0 ] || cat "$tmp/notifier.log"
exit $fail
