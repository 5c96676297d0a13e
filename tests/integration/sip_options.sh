#!/bin/sh
# sip_options.sh: the SIP stack against real tools on loopback.
# tests/progs/sipecho (a minimal UAS on sip/sip_stack.h) listens on UDP
# and TCP on a free port; sipsak sends OPTIONS over UDP and TCP (expects
# 200); sipp runs tests/integration/scenarios/sip_options_invite.xml over
# UDP and TCP: OPTIONS -> 200 with Allow/Allow-Events/received, INVITE ->
# 405 with Allow + ACK, OPTIONS with Require: tdialog -> 420 Unsupported.
# With the openssl command, sipecho also listens on TLS (certificate made
# here) and `openssl s_client` sends an OPTIONS over it (sipsak 0.9.8's
# TLS client fails on TLS 1.3, so it is not used for TLS).
# Exit 0 pass, 77 skip (neither sipsak nor sipp installed), else fail.
# Environment: TESTBIN (where sipecho is; default build/tests).
set -u

TESTBIN=${TESTBIN:-build/tests}
ECHO=$TESTBIN/sipecho
SCEN=$(pwd)/tests/integration/scenarios/sip_options_invite.xml

. tests/integration/lib/common.sh
need_bins "$TESTBIN" sipecho
have_sipsak=0
have_sipp=0
command -v sipsak >/dev/null 2>&1 && have_sipsak=1
command -v sipp >/dev/null 2>&1 && have_sipp=1
if [ $have_sipsak = 0 ] && [ $have_sipp = 0 ]; then
	echo "skipped: neither sipsak nor sipp (sip-tester) installed"
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

# Ports in 2000..9999 (4 digits: sipsak 0.9.8 cuts a fifth digit from
# the port it writes into its Request-URI).

# A self-signed certificate for the TLS listener, if openssl is there.
tls=0
if command -v openssl >/dev/null 2>&1 &&
	timeout 20 openssl req -x509 -newkey ec \
		-pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$tmp/key.pem" -out "$tmp/cert.pem" -days 1 \
		-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
		>"$tmp/openssl.log" 2>&1; then
	tls=1
fi

# Start sipecho on a free port (TLS on the next one): retry when a port
# is taken (exit 2); wait at most 5 s for its "ready" lines.
start_echo() {
	for attempt in 1 2 3 4 5 6 7 8 9 10; do
		port=$(rand_port 2000 8000)
		want=2
		if [ $tls = 1 ]; then
			want=3
			set -- -c "$tmp/cert.pem" -k "$tmp/key.pem" \
				"tls:127.0.0.1:$((port + 1))"
		else
			set --
		fi
		: >"$tmp/echo.log"
		"$ECHO" -t 120 "udp:127.0.0.1:$port" "tcp:127.0.0.1:$port" \
			"$@" >"$tmp/echo.log" 2>&1 &
		pid=$!
		wait_ready "$tmp/echo.log" $want "$pid" && return 0
		kill_wait "$pid"
		pid=
		echo "sipecho on port $port failed (attempt $attempt):"
		cat "$tmp/echo.log"
	done
	return 1
}

fail=0
start_echo || { echo "FAIL: sipecho did not start"; exit 1; }
echo "sipecho listening on UDP and TCP 127.0.0.1:$port (TLS: $tls)"

if [ $have_sipsak = 1 ]; then
	for tp in udp tcp; do
		if timeout 20 sipsak -vv --transport=$tp \
			-s "sip:test@127.0.0.1:$port" >"$tmp/sipsak.$tp" 2>&1 &&
			grep -q '^SIP/2.0 200 OK' "$tmp/sipsak.$tp" &&
			grep -q '^Allow-Events: presence' "$tmp/sipsak.$tp"; then
			echo "PASS: sipsak OPTIONS over $tp -> 200"
		else
			echo "FAIL: sipsak OPTIONS over $tp"
			tail -n 30 "$tmp/sipsak.$tp"
			fail=1
		fi
	done
else
	echo "note: sipsak not installed, its checks skipped"
fi

if [ $have_sipp = 1 ]; then
	for tp in u1 t1; do
		ok=0
		for attempt in 1 2 3; do
			lport=$(rand_port 2000 8000)
			[ "$lport" = "$port" ] && continue
			if (cd "$tmp" && timeout 30 sipp -sf "$SCEN" -m 1 \
				-t $tp -i 127.0.0.1 -p "$lport" \
				"127.0.0.1:$port" -nostdin -timeout 20s \
				-timeout_error -trace_err \
				-error_file "$tmp/sipp_err.$tp" \
				>"$tmp/sipp.$tp" 2>&1); then
				ok=1
				break
			fi
			# a busy local port makes sipp exit before sending
			grep -qi "address already in use" "$tmp/sipp.$tp" ||
				break
		done
		if [ $ok = 1 ]; then
			echo "PASS: sipp ($tp) OPTIONS 200, INVITE 405, 420"
		else
			echo "FAIL: sipp ($tp)"
			tail -n 20 "$tmp/sipp.$tp"
			[ -f "$tmp/sipp_err.$tp" ] && tail -n 40 "$tmp/sipp_err.$tp"
			fail=1
		fi
	done
else
	echo "note: sipp not installed, its checks skipped"
fi

if [ $tls = 1 ]; then
	# RFC 3261 §26.2 / SEC-3, SEC-4: an OPTIONS over TLS
	req="OPTIONS sip:echo@127.0.0.1:$((port + 1)) SIP/2.0\r
Via: SIP/2.0/TLS 127.0.0.1:5999;branch=z9hG4bKtls1;rport\r
From: <sip:probe@127.0.0.1>;tag=t1\r
To: <sip:echo@127.0.0.1>\r
Call-ID: tls-probe-1\r
CSeq: 1 OPTIONS\r
Max-Forwards: 70\r
Content-Length: 0\r
\r
"
	(printf "$req"; sleep 1) | timeout 10 openssl s_client -quiet \
		-connect "127.0.0.1:$((port + 1))" -CAfile "$tmp/cert.pem" \
		-verify_return_error >"$tmp/tls.out" 2>"$tmp/tls.err"
	if head -n 1 "$tmp/tls.out" | grep -q '^SIP/2.0 200 OK' &&
		grep -q '^Allow: ' "$tmp/tls.out"; then
		echo "PASS: openssl s_client OPTIONS over TLS -> 200"
	else
		echo "FAIL: OPTIONS over TLS"
		cat "$tmp/tls.out" "$tmp/tls.err" | tail -n 20
		fail=1
	fi
else
	echo "note: openssl command missing, TLS check skipped"
fi

if ! kill -0 "$pid" 2>/dev/null; then
	echo "FAIL: sipecho died"
	cat "$tmp/echo.log"
	fail=1
fi

# Stop it cleanly: exit 0, and nothing from the sanitizers (SANITIZE=1
# builds report leaks at exit). Bounded: 5 s, then SIGKILL.
kill "$pid" 2>/dev/null
i=0
while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
kill -9 "$pid" 2>/dev/null
wait "$pid"
erc=$?
pid=
if [ $erc -ne 0 ] || grep -q 'Sanitizer' "$tmp/echo.log"; then
	echo "FAIL: sipecho exit status $erc"
	tail -n 40 "$tmp/echo.log"
	fail=1
fi
exit $fail
