#!/bin/sh
# locd_errors.sh: bad input, each with its status, and locd keeps
# serving (issue 5): SIPp scenarios/locd_errors.xml over UDP and TCP
# (403, 488 + Warning, 489, 415 + Accept, PUBLISH 400 + Warning and 415,
# then OPTIONS 200); an oversized SUBSCRIBE over TCP (refused or
# dropped, SEC-18); junk HTTP ingest queries (400, 404, 405, 414; the
# refusals counted in /metrics); then /healthz and OPTIONS still answer.
# Exit 0 pass, 77 skip (sipp, curl or python3 missing), else fail.
set -u
BIN=${BIN:-build/bin}
. tests/integration/lib/common.sh
need_bins "$BIN" locd
need_tools sipp curl python3
locd_setup

fail=0
start_locd --no-auth || exit 1
for tp in u1 t1; do
	if run_sipp "$SCENDIR/locd_errors.xml" $tp; then
		echo "PASS: ($tp) 403, 488, 489, 415, PUBLISH 400/415, OPTIONS"
	else
		fail=1
	fi
done

# 70 KB SUBSCRIBE over TCP: never accepted
r=$(python3 - "$SIP_PORT" <<'PY'
import socket, sys
port = int(sys.argv[1])
body = "<location-filter xmlns='urn:ietf:params:xml:ns:location-filter'>" \
    + " " * 70000 + "<movedHoriz>5</movedHoriz></location-filter>"
msg = ("SUBSCRIBE sip:alice@127.0.0.1:%d SIP/2.0\r\n"
       "Via: SIP/2.0/TCP 127.0.0.1:9;branch=z9hG4bK-big\r\n"
       "From: <sip:alice@localhost>;tag=big\r\nTo: <sip:alice@localhost>\r\n"
       "Call-ID: big-1\r\nCSeq: 1 SUBSCRIBE\r\n"
       "Contact: <sip:x@127.0.0.1:9;transport=tcp>\r\nMax-Forwards: 70\r\n"
       "Event: location\r\n"
       "Content-Type: application/location-delta-filter+xml\r\n"
       "Content-Length: %d\r\n\r\n%s") % (port, len(body), body)
s = socket.create_connection(("127.0.0.1", port), timeout=5)
try:
    s.sendall(msg.encode())
    data = s.recv(4096).decode("latin-1")
except Exception:
    data = ""
line = data.split("\r\n")[0]
print(line if line else "closed")
PY
)
case "$r" in
"SIP/2.0 2"*) echo "FAIL: oversized SUBSCRIBE accepted: $r"; fail=1 ;;
*) echo "PASS: oversized SUBSCRIBE refused: $r" ;;
esac

check_http() {
	want=$1
	shift
	got=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$@")
	what=$(echo "$*" | cut -c1-90)
	if [ "$got" = "$want" ]; then
		echo "PASS: HTTP $want: $what"
	else
		echo "FAIL: HTTP $what: $got, want $want"
		fail=1
	fi
}
H=http://127.0.0.1:$HTTP_PORT
long=$(python3 -c 'print("x" * 3000)')
check_http 400 "$H/?id=alice&lat=abc&lon=8"
check_http 400 "$H/?id=alice&lat=91&lon=8"
check_http 400 "$H/?id=alice&lat=nan&lon=8"
check_http 400 "$H/?id=al%ice&lat=1&lon=8"
check_http 400 "$H/?id=alice&lat=1&lon=8&timestamp=4102444800"
check_http 404 "$H/nowhere"
check_http 405 -X PUT "$H/?id=alice&lat=1&lon=8"
check_http 414 "$H/?id=alice&lat=1&lon=8&junk=$long"
check_http 200 "$H/healthz"
check_http 200 "$H/?id=alice&lat=47.3769&lon=8.5417"
curl -s "$H/metrics" >"$tmp/metrics"
if grep -q 'locd_updates_refused_total{source="http",reason="future"} 1' \
	"$tmp/metrics"; then
	echo "PASS: refusals counted"
else
	echo "FAIL: refusals not counted"
	grep refused "$tmp/metrics" | grep -v ' 0$'
	fail=1
fi
if timeout 10 sipsak -s "sip:alice@127.0.0.1:$SIP_PORT" >/dev/null 2>&1 ||
	! command -v sipsak >/dev/null 2>&1; then
	echo "PASS: still serving SIP"
else
	echo "FAIL: no answer to OPTIONS"
	fail=1
fi
# command line: --help 0, a bad option 1, a port in use 2
"$LOCD" --help >/dev/null 2>&1; rc=$?
[ $rc = 0 ] && echo "PASS: --help exits 0" ||
	{ echo "FAIL: --help exit $rc"; fail=1; }
"$LOCD" --bogus >/dev/null 2>&1; rc=$?
[ $rc = 1 ] && echo "PASS: bad option exits 1" ||
	{ echo "FAIL: bad option exit $rc"; fail=1; }
timeout 10 "$LOCD" --no-auth --var "$tmp/var2" \
	--sip-listen "127.0.0.1:$SIP_PORT" --tls-listen none \
	--http-listen "127.0.0.1:$((HTTP_PORT + 100))" >"$tmp/dup.log" 2>&1
rc=$?
[ $rc = 2 ] && echo "PASS: port in use exits 2" ||
	{ echo "FAIL: port in use exit $rc"; cat "$tmp/dup.log"; fail=1; }
stop_locd TERM || { echo "FAIL: exit status"; fail=1; }
[ $fail = 0 ] && echo "PASS: locd_errors"
exit $fail
