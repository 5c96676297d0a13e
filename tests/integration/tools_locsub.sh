#!/bin/sh
# tools_locsub.sh: locsub (issue 5, "The tools") against real peers on
# loopback.
# tests/progs/testnotifier (package x-test, a NOTIFY every second with
# -n 1, Min-Expires 120 with -m) on UDP and TCP on a free port:
#   --count 3 --format pidf over UDP: exactly 3 bodies as received, exit
#     0, then the notifier sees the subscription end by our unsubscribe
#     (close timeout: EV-23's final NOTIFY after Expires 0);
#   --count 3 --format jsonl over TCP: 3 JSON objects with state active,
#     the raw Subscription-State (EV-21) and "error" (no PIDF-LO body);
#   --expires 60: 423 with Min-Expires 120, retried with 120 (EV-13);
#   SIGINT: unsubscribes and exits 0;
#   default Event location at a notifier without it: 489, exit 1 with the
#     status printed (EV-3); a file that is no filter: exit 2.
# With $BIN/locd (auth on, demo users): Digest user alice gets a NOTIFY
# (EV-16); a wrong password and no credentials exit 1 naming 401; a bad
# filter exits 1 naming 488 (LF-11; with the server's Warning text when
# it sends one); sips: with --ca passes by name, fails by address, and
# with another CA fails: both say "TLS handshake failed (certificate
# verification?)", not "no answer" (SEC-3).
# Exit 0 pass, else fail.
# Environment: BIN (locsub, locd), TESTBIN (testnotifier).
set -u
BIN=${BIN:-build/bin}
TESTBIN=${TESTBIN:-build/tests}
LOCSUB=$BIN/locsub
NOTIFIER=$TESTBIN/testnotifier
FILTER=data/demo/building10.xml

. tests/integration/lib/common.sh
need_bins "$BIN" locsub
need_bins "$TESTBIN" testnotifier
command -v jq >/dev/null 2>&1 || { echo "skipped: jq missing"; exit 77; }

tmp=$(mktemp -d)
npid=
spid=
. tests/integration/scenarios/locd_common.inc
cleanup() {
	[ -n "$spid" ] && kill "$spid" 2>/dev/null
	kill_wait "$npid"
	locd_cleanup
}
trap cleanup EXIT
trap 'exit 2' INT TERM

fail=0

# testnotifier on a free port; waits for its two "ready" lines.
start_notifier() {
	for attempt in 1 2 3 4 5 6 7 8; do
		port=$(rand_port)
		: >"$tmp/notifier.log"
		"$NOTIFIER" -t 120 -n 1 -m 120 "udp:127.0.0.1:$port" \
			"tcp:127.0.0.1:$port" >"$tmp/notifier.log" 2>&1 &
		npid=$!
		wait_ready "$tmp/notifier.log" 2 "$npid" && return 0
		kill_wait "$npid"
		npid=
	done
	return 1
}

# closes COUNT: wait (5 s at most) for COUNT "close timeout" lines.
closes() {
	i=0
	while [ $i -lt 50 ]; do
		n=$(grep -c '^close timeout' "$tmp/notifier.log")
		[ "$n" -ge "$1" ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

start_notifier || { echo "FAIL: testnotifier did not start"; exit 1; }
srv="sip:127.0.0.1:$port"

# 1. --count 3, pidf, UDP
if timeout 20 "$LOCSUB" --server "$srv" --filter "$FILTER" --event x-test \
	--expires 300 --count 3 sip:alice@localhost >"$tmp/p.out" \
	2>"$tmp/p.err"; then
	n=$(grep -c '^x-test [0-9]' "$tmp/p.out")
	[ "$n" = 3 ] && pass "pidf --count 3: 3 bodies" ||
		bad "pidf --count 3 printed $n bodies"
else
	bad "pidf --count 3 exit status"; cat "$tmp/p.err"
fi
closes 1 && pass "unsubscribe ended the subscription (UDP)" ||
	bad "the notifier saw no unsubscribe (UDP)"

# 2. --count 3, jsonl, TCP
if timeout 20 "$LOCSUB" --server "$srv;transport=tcp" --filter "$FILTER" \
	--event x-test --expires 300 --count 3 --format jsonl \
	sip:alice@localhost >"$tmp/j.out" 2>"$tmp/j.err"; then
	n=$(jq -r 'select(.state == "active" and
		(.subscription_state | startswith("active;expires="))
		and .lat == null and (.error | length) > 0
		and (.containment | length) == 0) | .state' "$tmp/j.out" |
		grep -c active)
	l=$(wc -l <"$tmp/j.out")
	[ "$n" = 3 ] && [ "$l" = 3 ] && pass "jsonl --count 3 over TCP" ||
		{ bad "jsonl over TCP: $n of $l lines"; cat "$tmp/j.out"; }
else
	bad "jsonl --count 3 exit status"; cat "$tmp/j.err"
fi
closes 2 && pass "unsubscribe ended the subscription (TCP)" ||
	bad "the notifier saw no unsubscribe (TCP)"

# 3. 423 -> retry with Min-Expires
if timeout 20 "$LOCSUB" --server "$srv" --filter "$FILTER" --event x-test \
	--expires 60 --count 1 sip:alice@localhost >"$tmp/m.out" \
	2>"$tmp/m.err" && grep -q '^subscribe 120$' "$tmp/notifier.log"; then
	pass "423: retried with Min-Expires 120"
else
	bad "423 retry"; cat "$tmp/m.err"
fi
closes 3 || bad "the notifier saw no unsubscribe (423 case)"

# 4. SIGINT unsubscribes
: >"$tmp/s.out"
"$LOCSUB" --server "$srv" --filter "$FILTER" --event x-test \
	--expires 300 sip:alice@localhost >"$tmp/s.out" 2>"$tmp/s.err" &
spid=$!
i=0
while [ $i -lt 50 ] && ! grep -q '^x-test' "$tmp/s.out"; do
	sleep 0.1
	i=$((i + 1))
done
kill -INT "$spid"
if wait "$spid"; then
	closes 4 && pass "SIGINT: unsubscribed, exit 0" ||
		bad "SIGINT: the notifier saw no unsubscribe"
else
	bad "SIGINT: exit status"; cat "$tmp/s.err"
fi
spid=

# 5. 489 and a file that is no filter
timeout 20 "$LOCSUB" --server "$srv" --filter "$FILTER" \
	sip:alice@localhost >"$tmp/e.out" 2>"$tmp/e.err"
rc=$?
[ $rc = 1 ] && grep -q 'refused: 489' "$tmp/e.err" &&
	pass "489: exit 1 with the status" ||
	{ bad "489: exit $rc"; cat "$tmp/e.err"; }
timeout 20 "$LOCSUB" --server "$srv" --filter data/traces/car.gpx \
	sip:alice@localhost >"$tmp/f.out" 2>"$tmp/f.err"
rc=$?
[ $rc = 2 ] && grep -q 'neither' "$tmp/f.err" &&
	pass "not a filter: exit 2" || { bad "not a filter: exit $rc"; \
	cat "$tmp/f.err"; }
kill "$npid"
wait "$npid"
npid=

# 6. Digest and refusals against locd (auth on, data/demo/users)
if [ ! -x "$BIN/locd" ]; then
	echo "skipped Digest part: $BIN/locd not built"
	exit $fail
fi
start_locd || exit 1
srv="sip:127.0.0.1:$SIP_PORT"
if timeout 20 "$LOCSUB" --server "$srv" --filter "$FILTER" --count 1 \
	--user alice --password alice-demo sip:alice@localhost \
	>"$tmp/d.out" 2>"$tmp/d.err" && grep -q '<presence' "$tmp/d.out"
then
	pass "Digest: alice subscribed and got a NOTIFY"
else
	bad "Digest alice"; cat "$tmp/d.err"
fi
timeout 20 "$LOCSUB" --server "$srv" --filter "$FILTER" --count 1 \
	--user alice --password wrong sip:alice@localhost >"$tmp/w.out" \
	2>"$tmp/w.err"
rc=$?
[ $rc = 1 ] && grep -q 'refused: 401' "$tmp/w.err" &&
	pass "Digest: wrong password, exit 1 with 401" ||
	{ bad "wrong password: exit $rc"; cat "$tmp/w.err"; }
timeout 20 "$LOCSUB" --server "$srv" --filter "$FILTER" --count 1 \
	sip:alice@localhost >"$tmp/n.out" 2>"$tmp/n.err"
rc=$?
[ $rc = 1 ] && grep -q -- '--user' "$tmp/n.err" &&
	pass "no credentials: exit 1 asking for --user" ||
	{ bad "no credentials: exit $rc"; cat "$tmp/n.err"; }
cat >"$tmp/bad.xml" <<'EOF'
<location-filter xmlns="urn:ietf:params:xml:ns:location-filter">
  <movedHoriz>-5</movedHoriz>
</location-filter>
EOF
timeout 20 "$LOCSUB" --server "$srv" --filter "$tmp/bad.xml" --count 1 \
	--user alice --password alice-demo sip:alice@localhost \
	>"$tmp/b.out" 2>"$tmp/b.err"
rc=$?
[ $rc = 1 ] && grep -q 'refused: 488' "$tmp/b.err" &&
	pass "bad filter: exit 1 with 488" ||
	{ bad "bad filter: exit $rc"; cat "$tmp/b.err"; }
# TLS checked against the demo certificate (DNS:localhost, SEC-3): by
# name it passes, by address it does not (no answer, exit 1).
ca=$tmp/var/tls/cert.pem
if timeout 20 "$LOCSUB" --server "sips:localhost:$TLS_PORT" --ca "$ca" \
	--filter "$FILTER" --count 1 --user alice --password alice-demo \
	sip:alice@localhost >"$tmp/t.out" 2>"$tmp/t.err" &&
    grep -q '<presence' "$tmp/t.out"; then
	pass "TLS with --ca: certificate checked, NOTIFY received"
else
	bad "TLS with --ca"; cat "$tmp/t.err"
fi
timeout 20 "$LOCSUB" --server "sips:127.0.0.1:$TLS_PORT" --ca "$ca" \
	--filter "$FILTER" --count 1 --user alice --password alice-demo \
	sip:alice@localhost >"$tmp/t2.out" 2>"$tmp/t2.err"
rc=$?
[ $rc = 1 ] &&
	grep -q 'TLS handshake failed (certificate verification?)' \
		"$tmp/t2.err" && ! grep -q 'no answer from' "$tmp/t2.err" &&
	pass "TLS with --ca: a name mismatch is refused, named as such" ||
	{ bad "TLS name mismatch: exit $rc"; cat "$tmp/t2.err"; }
# Another CA: the server's certificate cannot be verified; locsub says
# so rather than "no answer (Connection reset by peer)".
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=other \
	-keyout "$tmp/other.key" -out "$tmp/other-ca.pem" >/dev/null 2>&1
timeout 20 "$LOCSUB" --server "sips:localhost:$TLS_PORT" \
	--ca "$tmp/other-ca.pem" --filter "$FILTER" --count 1 \
	--user alice --password alice-demo sip:alice@localhost \
	>"$tmp/t3.out" 2>"$tmp/t3.err"
rc=$?
[ $rc = 1 ] &&
	grep -q 'TLS handshake failed (certificate verification?)' \
		"$tmp/t3.err" &&
	pass "TLS with another CA: certificate verification named" ||
	{ bad "TLS other CA: exit $rc"; cat "$tmp/t3.err"; }
stop_locd TERM || bad "locd exit status"
exit $fail
