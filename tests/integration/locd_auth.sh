#!/bin/sh
# locd_auth.sh: Digest on SUBSCRIBE and PUBLISH with an independent
# client (Python hashlib over UDP; SIPp only does MD5 and locd offers
# SHA-256 first, RFC 8760), default configuration (auth on, demo users):
#   no credentials -> 401 with WWW-Authenticate, never 407 (EV-16);
#   wrong password -> 401 again; alice's password -> 200 and a NOTIFY
#   (SEC-6), with SHA-256 and with MD5; bob publishing for alice -> 403;
#   HTTP ingest needs device tokens: the default demo device map takes
#   bob-phone's token, refuses unmapped ids; /healthz plain ok; with an
#   empty device_map all refused; with data/demo/devices.ini the right
#   token 200, a wrong one 403.
# Exit 0 pass, 77 skip (python3 missing), else fail.
set -u
BIN=${BIN:-build/bin}
. tests/integration/lib/common.sh
need_bins "$BIN" locd
need_tools python3 curl
locd_setup

fail=0
start_locd || exit 1
grep -q 'authentication is OFF' "$tmp/locd.log" &&
	{ echo "FAIL: auth off by default"; fail=1; }
python3 - "$SIP_PORT" <<'PY' || fail=1
import hashlib, os, re, socket, sys
port = int(sys.argv[1])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
s.settimeout(3)
lport = s.getsockname()[1]
ruri = "sip:alice@127.0.0.1:%d" % port
FILTER = ('<location-filter xmlns="urn:ietf:params:xml:ns:location-filter">'
          '<movedHoriz uom="#meters">50</movedHoriz></location-filter>')
PIDF = ('<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:gp="urn:ietf:'
        'params:xml:ns:pidf:geopriv10" xmlns:gml="http://www.opengis.net/gml"'
        ' entity="pres:alice@localhost"><tuple id="t1"><status><gp:geopriv>'
        '<gp:location-info><gml:Point srsName="urn:ogc:def:crs:EPSG::4326">'
        '<gml:pos>37.4 -121.9</gml:pos></gml:Point></gp:location-info>'
        '<gp:usage-rules/></gp:geopriv></status></tuple></presence>')
n = [0]

def request(method, callid, cseq, user, authz=None):
    n[0] += 1
    body = FILTER if method == "SUBSCRIBE" else PIDF
    ctype = ("application/location-delta-filter+xml"
             if method == "SUBSCRIBE" else "application/pidf+xml")
    msg = ("%s %s SIP/2.0\r\n"
           "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bK-a%d;rport\r\n"
           "From: <sip:%s@localhost>;tag=t%s\r\nTo: <sip:alice@localhost>\r\n"
           "Call-ID: %s\r\nCSeq: %d %s\r\n"
           "Contact: <sip:py@127.0.0.1:%d>\r\nMax-Forwards: 70\r\n"
           "Event: %s\r\nExpires: 600\r\n%s"
           "Content-Type: %s\r\nContent-Length: %d\r\n\r\n%s") % (
        method, ruri, lport, n[0], user, callid, callid, cseq, method, lport,
        "location" if method == "SUBSCRIBE" else "presence",
        "Authorization: %s\r\n" % authz if authz else "", ctype,
        len(body), body)
    s.sendto(msg.encode(), ("127.0.0.1", port))
    while True:
        data = s.recv(65536).decode("latin-1")
        first = data.split("\r\n")[0]
        if first.startswith("SIP/2.0 1"):
            continue
        if first.startswith("SIP/2.0 "):
            return int(first.split()[1]), data

def challenges(resp):
    return [v for v in re.findall(r"^WWW-Authenticate: *(.*)$", resp, re.M)]

def param(ch, name):
    m = re.search(r'%s="?([^",]+)"?' % name, ch)
    return m.group(1) if m else None

def digest(resp, method, user, password, algo):
    ch = [c for c in challenges(resp)
          if (param(c, "algorithm") or "MD5").upper() == algo][0]
    h = (lambda x: hashlib.sha256(x.encode()).hexdigest()) \
        if algo == "SHA-256" else (lambda x: hashlib.md5(x.encode()).hexdigest())
    realm, nonce = param(ch, "realm"), param(ch, "nonce")
    cnonce, nc = os.urandom(8).hex(), "00000001"
    ha1 = h("%s:%s:%s" % (user, realm, password))
    ha2 = h("%s:%s" % (method, ruri))
    r = h("%s:%s:%s:%s:auth:%s" % (ha1, nonce, nc, cnonce, ha2))
    return ('Digest username="%s", realm="%s", nonce="%s", uri="%s", '
            'response="%s", algorithm=%s, qop=auth, nc=%s, cnonce="%s"' % (
                user, realm, nonce, ruri, r, algo, nc, cnonce))

ok = True
def check(what, cond):
    global ok
    print(("PASS: " if cond else "FAIL: ") + what)
    ok = ok and cond

for i, algo in enumerate(("SHA-256", "MD5")):
    cid = "auth-%d-%d" % (os.getpid(), i)
    code, r = request("SUBSCRIBE", cid, 1, "alice")
    check("%s: no credentials -> 401 (%d)" % (algo, code), code == 401)
    check("%s: never 407" % algo, "Proxy-Authenticate" not in r)
    check("%s: challenge offered" % algo,
          any((param(c, "algorithm") or "MD5").upper() == algo
              for c in challenges(r)))
    code, r = request("SUBSCRIBE", cid, 2, "alice",
                      digest(r, "SUBSCRIBE", "alice", "not-it", algo))
    check("%s: wrong password -> 401 (%d)" % (algo, code), code == 401)
    code, r2 = request("SUBSCRIBE", cid, 3, "alice",
                       digest(r, "SUBSCRIBE", "alice", "alice-demo", algo))
    check("%s: right password -> 200 (%d)" % (algo, code), code == 200)
    data = s.recv(65536).decode("latin-1")
    check("%s: first NOTIFY" % algo, data.startswith("NOTIFY "))
    via = re.search(r"^(Via:.*)$", data, re.M).group(1)
    hdrs = "\r\n".join(re.findall(r"^((?:From|To|Call-ID|CSeq):.*)$", data,
                                  re.M))
    s.sendto(("SIP/2.0 200 OK\r\n%s\r\n%s\r\nContent-Length: 0\r\n\r\n" %
              (via, hdrs)).encode(), ("127.0.0.1", port))

cid = "pub-%d" % os.getpid()
code, r = request("PUBLISH", cid, 1, "bob")
check("PUBLISH without credentials -> 401", code == 401)
code, r = request("PUBLISH", cid, 2, "bob",
                  digest(r, "PUBLISH", "bob", "bob-demo", "SHA-256"))
check("bob publishing for alice -> 403 (%d)" % code, code == 403)
sys.exit(0 if ok else 1)
PY
# HTTP ingest with auth on and the default (demo) device map: an
# unmapped device is refused, a demo device with its token accepted
# (issue 5 item 8)
H="http://127.0.0.1:$HTTP_PORT"
code=$(curl -s -o /dev/null -w '%{http_code}' "$H/?id=alice&lat=1&lon=2")
case $code in
401|403) echo "PASS: HTTP unmapped device refused by default ($code)" ;;
*) echo "FAIL: HTTP unmapped device by default: $code"; fail=1 ;;
esac
code=$(curl -s -o /dev/null -w '%{http_code}' \
	"$H/?id=bob-phone&lat=1&lon=2&token=demo-bob-51d2e8")
[ "$code" = 200 ] && echo "PASS: default device map: bob-phone 200" ||
	{ echo "FAIL: default device map: bob-phone $code"; fail=1; }
body=$(curl -s "$H/healthz")
[ "$body" = ok ] && echo "PASS: /healthz ok with auth on" ||
	{ echo "FAIL: /healthz with auth on: $body"; fail=1; }
stop_locd TERM || { echo "FAIL: exit status"; fail=1; }

# without any device map (empty): every device refused (SEC-6)
printf '[ingest]\ndevice_map =\n' >"$tmp/nodev.conf"
start_locd -c "$tmp/nodev.conf" || exit 1
H="http://127.0.0.1:$HTTP_PORT"
code=$(curl -s -o /dev/null -w '%{http_code}' \
	"$H/?id=alice-phone&lat=1&lon=2&token=demo-alice-7f3c9a")
case $code in
401|403) echo "PASS: HTTP without device map refused ($code)" ;;
*) echo "FAIL: HTTP without device map: $code"; fail=1 ;;
esac
stop_locd TERM || { echo "FAIL: exit status"; fail=1; }

# with the demo device map: the right token 200, a wrong one 403
printf '[ingest]\ndevice_map = data/demo/devices.ini\n' >"$tmp/dev.conf"
start_locd -c "$tmp/dev.conf" || exit 1
H="http://127.0.0.1:$HTTP_PORT"
code=$(curl -s -o /dev/null -w '%{http_code}' \
	"$H/?id=alice-phone&lat=1&lon=2&token=demo-alice-7f3c9a")
[ "$code" = 200 ] && echo "PASS: device token accepted" ||
	{ echo "FAIL: device token: $code"; fail=1; }
code=$(curl -s -o /dev/null -w '%{http_code}' \
	"$H/?id=alice-phone&lat=1&lon=3&token=wrong-token-123")
[ "$code" = 403 ] && echo "PASS: wrong device token 403" ||
	{ echo "FAIL: wrong device token: $code"; fail=1; }
code=$(curl -s -o /dev/null -w '%{http_code}' "$H/?id=mallory&lat=1&lon=3")
case $code in
401|403) echo "PASS: unmapped device refused ($code)" ;;
*) echo "FAIL: unmapped device: $code"; fail=1 ;;
esac
stop_locd TERM || { echo "FAIL: exit status"; fail=1; }
[ $fail = 0 ] && echo "PASS: locd_auth"
exit $fail
