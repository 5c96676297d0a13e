#!/bin/sh
# locd_tls.sh: locd's SIP over TLS (issue 5; SEC-3, SEC-4, SEC-7).
# Phase 1, certificates made here: openssl makes a CA, a server
# certificate for localhost / 127.0.0.1 and a client certificate for bob
# (and a rogue CA with its own client certificate); locd --no-auth starts
# with a configuration file written here (listeners, [tls] cert, key, ca,
# verify_client = optional, state paths; no --var) and a policy that
# lets sip:bob@localhost see sip:alice@localhost precisely, but only over
# TLS (tls = required, refusal = 403).
#   openssl s_client (server verified against the CA for localhost,
#     bob's certificate sent): OPTIONS over TLS -> 200;
#   a client certificate from the rogue CA: refused, no answer;
#   an independent TLS client (Python's ssl: server verified against the
#     CA with host name check, bob's client certificate) SUBSCRIBEs as bob
#     with a Contact nobody listens on: 200, NOTIFY outside, an OsmAnd fix
#     inside, NOTIFY position="inside", unsubscribe 200 and NOTIFY
#     terminated, all on its one TLS connection (RFC 5626 flow reuse: the
#     NOTIFYs could not go anywhere else) (EV-19, EV-20, EV-23, LF-36);
#   the project's locsub over sips: with --ca: 2 notifications (jsonl);
#     with the rogue CA as --ca it refuses the server;
#   the same SUBSCRIBE from bob over plain UDP and TCP (SIPp,
#     scenarios/tls_sub_plain.xml) -> 403.
# Phase 2, defaults (--var, demo policy): locd makes its self-signed
#   certificate (key 0600) on first start; s_client trusting that
#   certificate: OPTIONS over TLS -> 200; bob's SUBSCRIBE over UDP -> 403
#   (demo rule bob-sees-alice: tls = required).
# Exit 0 pass, 77 skip (sipp, openssl, curl or python3 missing), else
# fail; prints "N passed, M failed".
# Environment: BIN (locd, locsub; default build/bin), TESTBIN (unused),
# KEEP_TMP, SHOW_LOGS.
set -u
BIN=${BIN:-build/bin}
. tests/integration/lib/common.sh
need_tools sipp openssl curl python3
need_bins "$BIN" locd locsub
umask 077
tmp=$(mktemp -d)
. tests/integration/scenarios/locd_common.inc

cleanup() {
	if [ "$nfail" != 0 ] || [ -n "${SHOW_LOGS:-}" ]; then
		echo "---- locd log (last 60 lines)"
		tail -n 60 "$tmp/locd.log" 2>/dev/null
	fi
	locd_cleanup
}
trap cleanup EXIT
trap 'exit 2' INT TERM

# --- Certificates (EC P-256, valid 2 days).
pki=$tmp/pki
mkdir -p "$pki"
ossl() {
	openssl "$@" >>"$pki/openssl.log" 2>&1
}
mkca() { # NAME CN
	ossl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$pki/$1.key" -out "$pki/$1.pem" -days 2 \
		-subj "/CN=$2" \
		-addext "basicConstraints=critical,CA:TRUE" \
		-addext "keyUsage=critical,keyCertSign,cRLSign"
}
mkcert() { # NAME CA CN EXTENSIONS(;-separated)
	printf '%s\n' "$4" | tr ';' '\n' >"$pki/$1.ext"
	ossl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$pki/$1.key" -out "$pki/$1.csr" -subj "/CN=$3" &&
	ossl x509 -req -in "$pki/$1.csr" -CA "$pki/$2.pem" \
		-CAkey "$pki/$2.key" -set_serial "0x$(od -An -N8 -tx1 \
		/dev/urandom | tr -d ' \n')" -days 2 -out "$pki/$1.pem" \
		-extfile "$pki/$1.ext"
}
srv_ext="subjectAltName=DNS:localhost,IP:127.0.0.1"
srv_ext="$srv_ext;extendedKeyUsage=serverAuth;basicConstraints=CA:FALSE"
cli_ext="subjectAltName=URI:sip:bob@localhost"
cli_ext="$cli_ext;extendedKeyUsage=clientAuth;basicConstraints=CA:FALSE"
if mkca ca "locd test CA" &&
    mkcert server ca localhost "$srv_ext" &&
    mkcert client ca bob "$cli_ext" &&
    mkca rogue "rogue CA" &&
    mkcert rogueclient rogue bob "$cli_ext" &&
    openssl verify -CAfile "$pki/ca.pem" "$pki/server.pem" \
	"$pki/client.pem" >>"$pki/openssl.log" 2>&1; then
	pass "openssl made the CA, server and client certificates"
else
	bad "openssl could not make the certificates"
	cat "$pki/openssl.log"
	exit 1
fi

# --- Policy and configuration.
cat >"$tmp/policy.ini" <<'EOF'
# locd_tls.sh: bob may see alice precisely, over TLS only.
[defaults]
refusal = 403

[rule alice-self]
subscriber = sip:alice@localhost
target = sip:alice@localhost
precision = precise
features = all

[rule bob-sees-alice-tls]
subscriber = sip:bob@localhost
target = sip:alice@localhost
precision = precise
features = all
tls = required
refusal = 403
EOF

# start_locd_conf: locd -c FILE --no-auth -v with everything in the file
# (listeners on free ports, certificates, policy, state under $tmp/var);
# no --var, which would point tls.cert and tls.key at DIR/tls/.
start_locd_conf() {
	mkdir -p "$tmp/var"
	for attempt in 1 2 3 4 5 6 7 8; do
		SIP_PORT=$(rand_port)
		TLS_PORT=$((SIP_PORT + 1))
		HTTP_PORT=$((SIP_PORT + 2))
		cat >"$tmp/locd.conf" <<EOF
# locd_tls.sh: TLS with the test's certificates.
[server]
domain = localhost
[sip]
udp = 127.0.0.1:$SIP_PORT
tcp = 127.0.0.1:$SIP_PORT
tls = 127.0.0.1:$TLS_PORT
[tls]
cert = $pki/server.pem
key = $pki/server.key
ca = $pki/ca.pem
verify_client = optional
[http]
listen = 127.0.0.1:$HTTP_PORT
[auth]
nonce_secret = $tmp/var/nonce.key
[policy]
file = $tmp/policy.ini
[store]
db = $tmp/var/locd.db
EOF
		: >"$tmp/locd.log"
		"$LOCD" -c "$tmp/locd.conf" --no-auth -v \
			>>"$tmp/locd.log" 2>&1 &
		LOCD_PID=$!
		wait_log 'ready:' 80 && return 0
		cat "$tmp/locd.log" >>"$tmp/locd.all"
		kill "$LOCD_PID" 2>/dev/null
		wait "$LOCD_PID" 2>/dev/null
		LOCD_PID=
	done
	echo "FAIL: locd did not start"
	cat "$tmp/locd.log"
	return 1
}

start_locd_conf || exit 1
echo "locd SIP 127.0.0.1:$SIP_PORT, TLS 127.0.0.1:$TLS_PORT," \
	"HTTP 127.0.0.1:$HTTP_PORT"
grep -q "listening on tls:127.0.0.1:$TLS_PORT" "$tmp/locd.log" ||
	bad "no TLS listener in locd's log"

# s_client_options NAME CAFILE [CERTNAME]: OPTIONS over TLS, the server
# verified against CAFILE for localhost, CERTNAME's certificate sent.
s_client_options() {
	printf 'OPTIONS sip:alice@localhost SIP/2.0\r
Via: SIP/2.0/TLS 127.0.0.1:5999;branch=z9hG4bK%s;rport\r
From: <sip:bob@localhost>;tag=o%s\r
To: <sip:alice@localhost>\r
Call-ID: tls-options-%s\r
CSeq: 1 OPTIONS\r
Max-Forwards: 70\r
Content-Length: 0\r
\r
' "$1" "$1" "$1" >"$tmp/options.$1"
	if [ $# -ge 3 ]; then
		set -- "$1" "$2" -cert "$pki/$3.pem" -key "$pki/$3.key"
	fi
	_n=$1
	_ca=$2
	shift 2
	(cat "$tmp/options.$_n"; sleep 2) |
		timeout 10 openssl s_client -connect "127.0.0.1:$TLS_PORT" \
		-CAfile "$_ca" -verify_return_error \
		-verify_hostname localhost "$@" -quiet \
		>"$tmp/s_client.$_n" 2>"$tmp/s_client.$_n.err"
}
s_client_options good "$pki/ca.pem" client
if head -n 1 "$tmp/s_client.good" | grep -q '^SIP/2.0 200 OK'; then
	pass "openssl s_client: server certificate verified (localhost)," \
		"client certificate sent, OPTIONS over TLS -> 200"
else
	bad "OPTIONS over TLS with the test certificates"
	cat "$tmp/s_client.good" "$tmp/s_client.good.err" | tail -n 20
fi
s_client_options rogue "$pki/ca.pem" rogueclient
if grep -q '^SIP/2.0' "$tmp/s_client.rogue"; then
	bad "a client certificate from an unknown CA was accepted"
	head -n 3 "$tmp/s_client.rogue"
elif grep -q -i 'alert' "$tmp/s_client.rogue.err"; then
	pass "client certificate from an unknown CA refused:" \
		"$(grep -i -o 'alert [a-z ]*' "$tmp/s_client.rogue.err" |
		head -n 1)"
else
	bad "client certificate from an unknown CA: no TLS alert"
	tail -n 5 "$tmp/s_client.rogue.err"
fi

# --- An independent TLS client: SUBSCRIBE, NOTIFYs, unsubscribe on one
# connection.
cat >"$tmp/tlssub.py" <<'EOF'
"""locd_tls.sh: SUBSCRIBE over one TLS connection, answer NOTIFYs.

argv: port ca cert key filter http-fix-url.  Prints one line per step;
exit 0 when every step passed, 1 otherwise.
"""
import os
import re
import socket
import ssl
import sys
import time
import urllib.request

port, ca, cert, key, filt, fixurl = sys.argv[1:7]
ctx = ssl.create_default_context(cafile=ca)
ctx.check_hostname = True
ctx.load_cert_chain(cert, key)
sock = ctx.wrap_socket(socket.create_connection(("127.0.0.1", int(port)),
                                                timeout=10),
                       server_hostname="localhost")
lport = sock.getsockname()[1]
print("connected", sock.version(), "peer",
      dict(x[0] for x in sock.getpeercert()["subject"])["commonName"])
buf = b""
tag = "b%d" % os.getpid()
callid = "tls-%d@127.0.0.1" % os.getpid()
body = open(filt, "rb").read()


def die(why):
    print("FAIL", why)
    sys.exit(1)


def read_msg(deadline):
    global buf
    while True:
        i = buf.find(b"\r\n\r\n")
        if i >= 0:
            head = buf[:i].decode("utf-8", "replace")
            m = re.search(r"(?im)^(?:content-length|l)[ \t]*:[ \t]*(\d+)",
                          head)
            n = int(m.group(1)) if m else 0
            if len(buf) >= i + 4 + n:
                msg_body = buf[i + 4:i + 4 + n].decode("utf-8", "replace")
                buf = buf[i + 4 + n:]
                lines = head.split("\r\n")
                hdrs = []
                for ln in lines[1:]:
                    if ln[:1] in (" ", "\t") and hdrs:
                        hdrs[-1] = (hdrs[-1][0], hdrs[-1][1] + " " +
                                    ln.strip())
                    elif ":" in ln:
                        k, v = ln.split(":", 1)
                        hdrs.append((k.strip().lower(), v.strip()))
                return lines[0], hdrs, msg_body
        left = deadline - time.time()
        if left <= 0:
            die("timeout waiting for a message")
        sock.settimeout(left)
        try:
            data = sock.recv(65536)
        except socket.timeout:
            die("timeout waiting for a message")
        if not data:
            die("connection closed by locd")
        buf += data


def hdr(hdrs, name, short=None):
    for k, v in hdrs:
        if k == name or (short and k == short):
            return v
    return None


def hdrs_all(hdrs, name, short=None):
    return [v for k, v in hdrs if k == name or (short and k == short)]


def answer(hdrs):
    out = "SIP/2.0 200 OK\r\n"
    for v in hdrs_all(hdrs, "via", "v"):
        out += "Via: %s\r\n" % v
    out += "From: %s\r\nTo: %s\r\nCall-ID: %s\r\nCSeq: %s\r\n" % (
        hdr(hdrs, "from", "f"), hdr(hdrs, "to", "t"),
        hdr(hdrs, "call-id", "i"), hdr(hdrs, "cseq"))
    out += "Content-Length: 0\r\n\r\n"
    sock.sendall(out.encode())


def subscribe(cseq, ruri, totag, expires, route):
    b = body if expires else b""
    m = ("SUBSCRIBE %s SIP/2.0\r\n"
         "Via: SIP/2.0/TLS 127.0.0.1:%d;branch=z9hG4bK%s%d;rport\r\n"
         "Max-Forwards: 70\r\n"
         "From: <sip:bob@localhost>;tag=%s\r\n"
         "To: <sip:alice@localhost>%s\r\n"
         "Call-ID: %s\r\nCSeq: %d SUBSCRIBE\r\n"
         # Nobody listens on port 9: NOTIFYs can only come back over this
         # connection.
         "Contact: <sip:bob@127.0.0.1:9;transport=tls>\r\n"
         "%s"
         "Event: location\r\nExpires: %d\r\n"
         "Accept: application/pidf+xml\r\n" %
         (ruri, lport, tag, cseq, tag, (";tag=" + totag) if totag else "",
          callid, cseq, "".join("Route: %s\r\n" % r for r in route),
          expires))
    if b:
        m += "Content-Type: application/location-delta-filter+xml\r\n"
    m += "Content-Length: %d\r\n\r\n" % len(b)
    sock.sendall(m.encode() + b)


def wait(cseq, want_notify, deadline):
    """Until the final response to SUBSCRIBE cseq and a NOTIFY matching
    want_notify (a function) have both been seen; returns them."""
    resp = notify = None
    while resp is None or notify is None:
        first, hdrs, b = read_msg(deadline)
        if first.startswith("SIP/2.0 "):
            code = int(first.split()[1])
            if hdr(hdrs, "cseq") == "%d SUBSCRIBE" % cseq and code >= 200:
                resp = (code, hdrs)
                if code != 200:
                    die("SUBSCRIBE %d answered %s" % (cseq, first))
        elif first.startswith("NOTIFY "):
            answer(hdrs)
            if want_notify(hdrs, b):
                notify = (hdrs, b)
            else:
                print("note: other NOTIFY",
                      hdr(hdrs, "subscription-state"))
        else:
            die("unexpected request " + first)
    return resp, notify


def pos(p):
    return lambda h, b: re.search(r'position="%s"' % p, b) is not None


subscribe(1, "sip:alice@localhost", None, 600, [])
(code, h200), (nh, nb) = wait(1, pos("outside"), time.time() + 10)
print("PASS SUBSCRIBE over TLS -> 200; NOTIFY over the same connection:",
      "outside")
rtag = re.search(r";\s*tag=([^;>\s]+)", hdr(h200, "to", "t")).group(1)
contact = re.search(r"<([^>]+)>", hdr(h200, "contact", "m")).group(1)
route = list(reversed(hdrs_all(h200, "record-route")))
time.sleep(1.1)  # a newer fix (whole seconds)
with urllib.request.urlopen(fixurl, timeout=5) as r:
    if r.status != 200:
        die("HTTP fix: %d" % r.status)
deadline = time.time() + 10
while True:
    first, hdrs, b = read_msg(deadline)
    if not first.startswith("NOTIFY "):
        die("unexpected " + first)
    answer(hdrs)
    if pos("inside")(hdrs, b):
        break
print("PASS NOTIFY position=inside over the same connection")
subscribe(2, contact, rtag, 0, route)
(code, _), (nh, nb) = wait(
    2, lambda h, b: "terminated" in (hdr(h, "subscription-state") or ""),
    time.time() + 10)
print("PASS unsubscribe -> 200; NOTIFY",
      hdr(nh, "subscription-state"), "over the same connection")
sock.close()
EOF
code=$(http_fix alice 37.41300 -121.93500)
[ "$code" = 200 ] || bad "HTTP fix outside: $code"
if timeout 40 python3 "$tmp/tlssub.py" "$TLS_PORT" "$pki/ca.pem" \
	"$pki/client.pem" "$pki/client.key" data/demo/building10.xml \
	"http://127.0.0.1:$HTTP_PORT/?id=alice&lat=37.41165&lon=-121.93190" \
	>"$tmp/tlssub.out" 2>&1; then
	sed -n 's/^PASS /PASS: (TLS client) /p' "$tmp/tlssub.out"
	npass=$((npass + $(grep -c '^PASS ' "$tmp/tlssub.out")))
else
	bad "TLS client (bob over TLS):"
	cat "$tmp/tlssub.out"
fi
grep -q 'subscribe .* from sip:bob@localhost: 200' "$tmp/locd.log" ||
	bad "no 'subscribe ... from sip:bob@localhost: 200' in locd's log"
sleep 1

# --- locsub over sips: with --ca.
: >"$tmp/locsub.out"
timeout 30 "$BIN/locsub" --server "sips:127.0.0.1:$TLS_PORT" \
	--ca "$pki/ca.pem" --from sip:bob@localhost --count 2 \
	--format jsonl --filter data/demo/building10.xml \
	sip:alice@localhost >"$tmp/locsub.out" 2>"$tmp/locsub.err" &
lpid=$!
SIPP_PIDS="$SIPP_PIDS $lpid"
i=0
while [ $i -lt 100 ] && [ "$(wc -l <"$tmp/locsub.out")" -lt 1 ]; do
	sleep 0.1
	i=$((i + 1))
done
sleep 1
code=$(http_fix alice 37.41300 -121.93500)
[ "$code" = 200 ] || bad "HTTP fix outside: $code"
if wait $lpid; then
	seq=$(sed -n 's/.*"position": *"\([a-z]*\)".*/\1/p' \
		"$tmp/locsub.out" | tr '\n' ' ')
	if [ "$seq" = "inside outside " ]; then
		pass "locsub over sips: with --ca: NOTIFYs inside, outside"
	else
		bad "locsub over TLS: containment '$seq'"
		cat "$tmp/locsub.out"
	fi
else
	bad "locsub over TLS: exit status"
	cat "$tmp/locsub.err" "$tmp/locsub.out"
fi
n200=$(grep -c 'from sip:bob@localhost: 200' "$tmp/locd.log")
if timeout 15 "$BIN/locsub" --server "sips:127.0.0.1:$TLS_PORT" \
	--ca "$pki/rogue.pem" --from sip:bob@localhost --count 1 \
	--filter data/demo/building10.xml sip:alice@localhost \
	>"$tmp/locsub.rogue" 2>&1; then
	bad "locsub trusted locd with the wrong CA"
elif [ "$(grep -c 'from sip:bob@localhost: 200' "$tmp/locd.log")" \
    != "$n200" ]; then
	bad "locsub with the wrong CA: a SUBSCRIBE reached locd"
else
	pass "locsub with another CA as --ca refuses the server:" \
		"$(head -n 1 "$tmp/locsub.rogue")"
fi

# --- The same SUBSCRIBE over plain UDP and TCP: 403 (tls = required).
for tp in u1 t1; do
	if run_sipp "$SCENDIR/tls_sub_plain.xml" $tp; then
		pass "($tp) bob's SUBSCRIBE over plain $tp -> 403 (TLS" \
			"required by the policy)"
	else
		bad "($tp) bob's SUBSCRIBE over plain transport"
	fi
done
if stop_locd TERM; then
	pass "locd exit status 0 on SIGTERM"
else
	bad "locd exit status on SIGTERM"
fi

# --- Phase 2: the defaults: self-signed certificate under --var, demo
# policy (bob-sees-alice: tls = required).
SIP_PORT=
start_locd --no-auth || exit 1
crt=$tmp/var/tls/cert.pem
keyf=$tmp/var/tls/key.pem
if [ -s "$crt" ] && [ -s "$keyf" ] &&
    [ "$(stat -c %a "$keyf")" = 600 ]; then
	pass "self-signed certificate made on first start (key 0600)"
else
	bad "no self-signed certificate (or key not 0600) under --var"
	ls -l "$tmp/var/tls" 2>&1
fi
s_client_options selfsigned "$crt"
if head -n 1 "$tmp/s_client.selfsigned" | grep -q '^SIP/2.0 200 OK'; then
	pass "OPTIONS over TLS to the self-signed certificate -> 200"
else
	bad "OPTIONS over TLS to the self-signed certificate"
	cat "$tmp/s_client.selfsigned" "$tmp/s_client.selfsigned.err" |
		tail -n 20
fi
if run_sipp "$SCENDIR/tls_sub_plain.xml" u1; then
	pass "(demo policy) bob's SUBSCRIBE over UDP -> 403"
else
	bad "(demo policy) bob's SUBSCRIBE over UDP"
fi
if stop_locd TERM; then
	pass "locd exit status 0 on SIGTERM (defaults)"
else
	bad "locd exit status on SIGTERM (defaults)"
fi
echo "$npass passed, $nfail failed"
[ "$nfail" -eq 0 ]
