#!/bin/sh
# locd_tls.sh: SIP over TLS (sips:) and the policy's TLS requirement
# (issue 5, SEC-3): with --no-auth (From identifies), the demo policy
# lets bob see alice precisely but only over TLS: SUBSCRIBE over UDP ->
# 403; over TLS to the listener (self-signed certificate made on first
# start under --var) -> 200, and the first NOTIFY comes back over the
# same connection with containment "inside" for Building 10.
# Exit 0 pass, 77 skip (python3 or curl missing), else fail.
set -u
BIN=${BIN:-build/bin}
if [ ! -x "$BIN/locd" ]; then
	echo "FAIL: $BIN/locd not built"
	exit 1
fi
for t in python3 curl; do
	if ! command -v $t >/dev/null 2>&1; then
		echo "skipped: $t not installed"
		exit 77
	fi
done
tmp=$(mktemp -d)
. tests/integration/scenarios/locd_common.inc
trap locd_cleanup EXIT
trap 'exit 2' INT TERM

fail=0
start_locd --no-auth || exit 1
[ -s "$tmp/var/tls/cert.pem" ] && [ -s "$tmp/var/tls/key.pem" ] ||
	{ echo "FAIL: no self-signed certificate"; fail=1; }
code=$(http_fix alice 37.41165 -121.93190)
[ "$code" = 200 ] || { echo "FAIL: HTTP fix $code"; fail=1; }
python3 - "$SIP_PORT" "$TLS_PORT" tests/integration/scenarios/locd_sub_b10.xml <<'PY' || fail=1
import re, socket, ssl, sys
port, tport, scen = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
text = open(scen).read()
body = text[text.index('<?xml version="1.0" encoding="UTF-8"?>\n<location'):
            text.index("</location-filter>") + len("</location-filter>")]

def subscribe(tp, lport, cid):
    sch = "sips" if tp == "TLS" else "sip"
    return ("SUBSCRIBE %s:alice@127.0.0.1:%d SIP/2.0\r\n"
            "Via: SIP/2.0/%s 127.0.0.1:%d;branch=z9hG4bK-%s;rport\r\n"
            "From: <sip:bob@localhost>;tag=%s\r\nTo: <sip:alice@localhost>\r\n"
            "Call-ID: %s\r\nCSeq: 1 SUBSCRIBE\r\n"
            "Contact: <%s:bob@127.0.0.1:%d;transport=%s>\r\n"
            "Max-Forwards: 70\r\nEvent: location\r\nExpires: 600\r\n"
            "Content-Type: application/location-delta-filter+xml\r\n"
            "Content-Length: %d\r\n\r\n%s") % (
        sch, tport if tp == "TLS" else port, tp, lport, cid, cid, cid, sch,
        lport, tp.lower(), len(body.encode()), body)

ok = True
def check(what, cond):
    global ok
    print(("PASS: " if cond else "FAIL: ") + what)
    ok = ok and cond

u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.bind(("127.0.0.1", 0))
u.settimeout(3)
u.sendto(subscribe("UDP", u.getsockname()[1], "tls-u").encode(),
         ("127.0.0.1", port))
r = u.recv(65536).decode("latin-1")
check("bob over UDP -> 403 (%s)" % r.split("\r\n")[0],
      r.startswith("SIP/2.0 403"))

ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
raw = socket.create_connection(("127.0.0.1", tport), timeout=5)
t = ctx.wrap_socket(raw, server_hostname="localhost")
t.sendall(subscribe("TLS", t.getsockname()[1], "tls-t").encode())
buf = b""
msgs = []
while len(msgs) < 2:
    chunk = t.recv(65536)
    if not chunk:
        break
    buf += chunk
    while b"\r\n\r\n" in buf:
        head, rest = buf.split(b"\r\n\r\n", 1)
        m = re.search(rb"Content-Length: *(\d+)", head, re.I)
        n = int(m.group(1)) if m else 0
        if len(rest) < n:
            break
        msgs.append((head + b"\r\n\r\n" + rest[:n]).decode("latin-1"))
        buf = rest[n:]
check("bob over TLS -> 200",
      len(msgs) > 0 and msgs[0].startswith("SIP/2.0 200"))
check("NOTIFY over the TLS connection with inside",
      len(msgs) > 1 and msgs[1].startswith("NOTIFY ") and
      'position="inside"' in msgs[1])
if len(msgs) > 1:
    n = msgs[1]
    hdrs = "\r\n".join(re.findall(r"^((?:Via|From|To|Call-ID|CSeq):.*)$", n,
                                  re.M))
    t.sendall(("SIP/2.0 200 OK\r\n%s\r\nContent-Length: 0\r\n\r\n" %
               hdrs).encode())
t.close()
sys.exit(0 if ok else 1)
PY
stop_locd TERM || { echo "FAIL: exit status"; fail=1; }
[ $fail = 0 ] && echo "PASS: locd_tls"
exit $fail
