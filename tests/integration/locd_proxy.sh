#!/bin/sh
# locd_proxy.sh: locd behind a record-routing Kamailio proxy (issue 5).
# Kamailio (tests/integration/kamailio/kamailio.cfg.in: no database,
# record_route() on initial requests, loose_route() in dialogs, t_relay())
# listens on UDP and TCP on a free loopback port in front of locd
# --no-auth.  Over UDP, then TCP:
#   an OsmAnd fix outside Building 10 (HTTP);
#   SIPp (scenarios/proxy_sub_b10.xml) SUBSCRIBEs to sip:alice@localhost
#     at the proxy: 200 with the proxy's Record-Route, NOTIFY "outside"
#     (EV-19, LF-42);
#   a position inside is fed: UDP pass by OsmAnd HTTP, TCP pass by a
#     PUBLISH through the proxy (scenarios/proxy_publish.xml, EV-30):
#     NOTIFY position="inside" (LF-36, EV-20);
#   a refresh (EV-10) and an unsubscribe (EV-23) in the dialog: each a
#     200 and a NOTIFY, the last terminated.
# Checked from the proxy's log: every NOTIFY left locd for the proxy
# (source 127.0.0.1, the locd port over UDP) with a Route header naming
# the proxy's Record-Route URI, and was loose-routed on to SIPp; both
# in-dialog SUBSCRIBEs reached the proxy with that Route and went on to
# locd's Contact.  From SIPp's message trace: every NOTIFY arrived with
# the proxy's Via on top (it came from the proxy, not from locd).
# Then locd is restarted with authentication on (demo users) behind the
# same proxy: an independent Python client (SIPp 3.6 answers MD5 only,
# locd offers SHA-256 first) gets locd's 401 (never 407, EV-16) through
# the proxy, subscribes with SHA-256 Digest (SEC-1, SEC-6): 200 with the
# Record-Route, NOTIFY from the proxy's address; unsubscribes along the
# route set: 200, NOTIFY terminated from the proxy.
# Exit 0 pass, 77 skip (kamailio, sipp, curl or python3 missing), else
# fail; prints "N passed, M failed".
# Environment: BIN (locd; default build/bin), TESTBIN (unused), KEEP_TMP.
set -u
BIN=${BIN:-build/bin}
for t in kamailio sipp curl python3; do
	if ! command -v $t >/dev/null 2>&1 &&
	    [ ! -x "/usr/sbin/$t" ]; then
		echo "skipped: $t not installed"
		exit 77
	fi
done
KAMAILIO=$(command -v kamailio 2>/dev/null || echo /usr/sbin/kamailio)
if [ ! -x "$BIN/locd" ]; then
	echo "FAIL: $BIN/locd not built"
	exit 1
fi
MPATH=
for d in /usr/lib/*/kamailio/modules /usr/lib/kamailio/modules \
	/usr/lib64/kamailio/modules /usr/local/lib/kamailio/modules \
	/usr/local/lib64/kamailio/modules; do
	if [ -f "$d/tm.so" ] && [ -f "$d/rr.so" ]; then
		MPATH=$d
		break
	fi
done
if [ -z "$MPATH" ]; then
	echo "skipped: kamailio modules (tm, rr) not found"
	exit 77
fi
CFG_IN=$(pwd)/tests/integration/kamailio/kamailio.cfg.in

tmp=$(mktemp -d)
KAM_PID=
. tests/integration/scenarios/locd_common.inc


stop_kamailio() {
	[ -n "$KAM_PID" ] || return 0
	kill -TERM "$KAM_PID" 2>/dev/null
	i=0
	while kill -0 "$KAM_PID" 2>/dev/null && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -KILL "$KAM_PID" 2>/dev/null
	wait "$KAM_PID" 2>/dev/null
	KAM_PID=
}

cleanup() {
	stop_kamailio
	if [ "$nfail" != 0 ] || [ -n "${SHOW_LOGS:-}" ]; then
		echo "---- kamailio log (last 60 lines)"
		tail -n 60 "$tmp/kam.log" 2>/dev/null
		echo "---- locd log (last 60 lines)"
		tail -n 60 "$tmp/locd.log" 2>/dev/null
	fi
	locd_cleanup
}
trap cleanup EXIT
trap 'exit 2' INT TERM

# start_kamailio: on a free port (retried), in front of locd's SIP_PORT;
# sets KPORT and KAM_PID; waits for the first worker (KAM-READY).
start_kamailio() {
	mkdir -p "$tmp/kam"
	for attempt in 1 2 3 4 5 6; do
		KPORT=$(rand_port)
		[ "$KPORT" = "$SIP_PORT" ] && continue
		[ "$KPORT" = "$TLS_PORT" ] && continue
		[ "$KPORT" = "$HTTP_PORT" ] && continue
		sed -e "s|@KPORT@|$KPORT|g" -e "s|@LPORT@|$SIP_PORT|g" \
			-e "s|@MPATH@|$MPATH|g" "$CFG_IN" >"$tmp/kam/kamailio.cfg"
		: >"$tmp/kam.log"
		"$KAMAILIO" -DD -E -f "$tmp/kam/kamailio.cfg" \
			-P "$tmp/kam/kamailio.pid" -Y "$tmp/kam" -w "$tmp/kam" \
			-m 64 -M 8 >>"$tmp/kam.log" 2>&1 &
		KAM_PID=$!
		i=0
		while [ $i -lt 100 ]; do
			if grep -q 'KAM-READY' "$tmp/kam.log"; then
				return 0
			fi
			kill -0 "$KAM_PID" 2>/dev/null || break
			sleep 0.1
			i=$((i + 1))
		done
		cat "$tmp/kam.log" >>"$tmp/kam.all"
		stop_kamailio
	done
	echo "FAIL: kamailio did not start"
	tail -n 30 "$tmp/kam.log"
	return 1
}

# sipp_proxy SCEN TP NAME [args]: SIPp towards the proxy, in the
# background (sets SIPP_PID), message trace in $tmp/msg.NAME.
sipp_proxy() {
	_scen=$1
	_tp=$2
	_sn=$3
	shift 3
	_lp=$(rand_port)
	(cd "$tmp" && exec timeout 40 sipp -sf "$_scen" -m 1 -t "$_tp" \
		-i 127.0.0.1 -p "$_lp" "127.0.0.1:$KPORT" -nostdin \
		-timeout 30s -timeout_error -trace_err -trace_msg \
		-message_file "$tmp/msg.$_sn" \
		-error_file "$tmp/sipp_err.$_sn" "$@" \
		>"$tmp/sipp.$_sn" 2>&1) &
	SIPP_PID=$!
	SIPP_PIDS="$SIPP_PIDS $SIPP_PID"
}

# sipp_wait NAME: 0 when the background SIPp passed; its output if not.
sipp_wait() {
	if wait "$SIPP_PID"; then
		return 0
	fi
	tail -n 15 "$tmp/sipp.$1"
	[ -f "$tmp/sipp_err.$1" ] && tail -n 60 "$tmp/sipp_err.$1"
	echo
	return 1
}

# notify_vias FILE: for every NOTIFY SIPp received, its first Via value.
notify_vias() {
	awk '
	/message received/ { inmsg = 1; first = 1; isn = 0; done = 0; next }
	/message sent/ { inmsg = 0; next }
	inmsg && first && /^[ \t\r]*$/ { next }
	inmsg && first {
		first = 0
		if ($1 == "NOTIFY") isn = 1
		next
	}
	inmsg && isn && !done && tolower($0) ~ /^(via|v)[ \t]*:/ {
		sub(/^[^:]*:[ \t]*/, "")
		sub(/\r$/, "")
		print
		done = 1
	}' "$1"
}

start_locd --no-auth -v || exit 1
start_kamailio || exit 1
echo "locd SIP 127.0.0.1:$SIP_PORT, kamailio 127.0.0.1:$KPORT ($MPATH)"

for tp in u1 t1; do
	case $tp in
	u1) proto=udp ;;
	*) proto=tcp ;;
	esac
	name=proxy_sub_b10.$tp
	code=$(http_fix alice 37.41300 -121.93500)
	[ "$code" = 200 ] || bad "($tp) HTTP fix outside: $code"
	sipp_proxy "$SCENDIR/proxy_sub_b10.xml" $tp $name
	# The first NOTIFY (outside) must be through before the fix moves.
	i=0
	while [ $i -lt 100 ]; do
		[ -f "$tmp/msg.$name" ] &&
			grep -q '^NOTIFY ' "$tmp/msg.$name" && break
		sleep 0.1
		i=$((i + 1))
	done
	sleep 1 # a newer fix (whole seconds)
	if [ $tp = u1 ]; then
		code=$(http_fix alice 37.41165 -121.93190)
		if [ "$code" = 200 ]; then
			pass "($tp) OsmAnd fix inside: 200"
		else
			bad "($tp) OsmAnd fix inside: $code"
		fi
	else
		pname=proxy_publish.$tp
		spid=$SIPP_PID
		sipp_proxy "$SCENDIR/proxy_publish.xml" $tp $pname
		if sipp_wait $pname; then
			pass "($tp) PUBLISH inside through the proxy: 200" \
				"with SIP-ETag"
		else
			bad "($tp) PUBLISH through the proxy"
		fi
		SIPP_PID=$spid
		if grep -q "KAM-INIT PUBLISH to sip:127.0.0.1:$SIP_PORT" \
			"$tmp/kam.log"; then
			pass "($tp) the PUBLISH went through the proxy"
		else
			bad "($tp) no PUBLISH in the proxy's log"
		fi
	fi
	if sipp_wait $name; then
		pass "($tp) SUBSCRIBE through the proxy: 200 with" \
			"Record-Route, NOTIFY outside, NOTIFY inside," \
			"refresh 200 + NOTIFY, unsubscribe 200 + terminated"
	else
		bad "($tp) SIPp $name"
	fi
	sleep 1 # the next pass's fix must be newer (whole seconds)

	# The dialog's Call-ID, from SIPp's trace.
	cid=$(grep -i -m 1 '^Call-ID:' "$tmp/msg.$name" 2>/dev/null |
		sed 's/^[^:]*:[ 	]*//; s/\r$//')
	if [ -z "$cid" ]; then
		bad "($tp) no Call-ID in SIPp's trace"
		continue
	fi
	grep -F "callid=$cid" "$tmp/kam.log" >"$tmp/kam.$tp"
	# The proxy's Record-Route URI as SIPp saw it in the 200.
	rr=$(grep -i -m 1 '^Record-Route:' "$tmp/msg.$name" |
		sed 's/^[^:]*:[ 	]*//; s/\r$//; s/^<//; s/>.*//')
	case "$rr" in
	"sip:127.0.0.1:$KPORT;"*lr*)
		pass "($tp) Record-Route is the proxy's: $rr" ;;
	*)
		bad "($tp) Record-Route '$rr' is not the proxy" \
			"(127.0.0.1:$KPORT)"
		rr="sip:127.0.0.1:$KPORT;" ;;
	esac
	# locd -> proxy: each NOTIFY with the Route set to the proxy's URI.
	if [ $proto = udp ]; then
		src="udp:127.0.0.1:$SIP_PORT"
	else
		src="tcp:127.0.0.1:"
	fi
	n=$(grep -F "KAM-REQ NOTIFY from $src" "$tmp/kam.$tp" |
		grep -c -F "route=[<$rr")
	if [ "$n" -eq 4 ]; then
		pass "($tp) 4 NOTIFYs locd -> proxy carry Route: <$rr>"
	else
		bad "($tp) $n of 4 NOTIFYs from locd ($src) carry the" \
			"proxy's Route"
		grep 'NOTIFY' "$tmp/kam.$tp"
	fi
	n=$(grep -c 'KAM-LR NOTIFY to sip:sipp@127.0.0.1:' "$tmp/kam.$tp")
	[ "$n" -eq 4 ] && pass "($tp) the proxy loose-routed 4 NOTIFYs to" \
		"SIPp's Contact" || bad "($tp) $n NOTIFYs loose-routed"
	# subscriber -> proxy -> locd: the refresh and the unsubscribe.
	n=$(grep -F "KAM-REQ SUBSCRIBE from $proto:127.0.0.1:" \
		"$tmp/kam.$tp" | grep -c -F "route=[<$rr")
	m=$(grep -c "KAM-LR SUBSCRIBE to sip:[^ ]*127.0.0.1:$SIP_PORT" \
		"$tmp/kam.$tp")
	if [ "$n" -eq 2 ] && [ "$m" -eq 2 ]; then
		pass "($tp) refresh and unsubscribe followed the route set" \
			"(proxy, then locd's Contact)"
	else
		bad "($tp) in-dialog SUBSCRIBEs: $n with Route, $m routed" \
			"to locd"
		grep 'SUBSCRIBE' "$tmp/kam.$tp"
	fi
	n=$(grep -c 'KAM-INIT SUBSCRIBE' "$tmp/kam.$tp")
	[ "$n" -eq 1 ] && pass "($tp) one initial SUBSCRIBE record-routed" ||
		bad "($tp) $n initial SUBSCRIBEs in the proxy's log"
	# proxy -> SIPp: every NOTIFY with the proxy's Via on top.
	notify_vias "$tmp/msg.$name" >"$tmp/vias.$tp"
	total=$(wc -l <"$tmp/vias.$tp")
	n=$(grep -c -i "^SIP/2.0/$proto 127.0.0.1:$KPORT;" "$tmp/vias.$tp")
	if [ "$total" -eq 4 ] && [ "$n" -eq 4 ]; then
		pass "($tp) 4 NOTIFYs reached SIPp from the proxy (its Via" \
			"on top)"
	else
		bad "($tp) NOTIFYs at SIPp: $n of $total with the proxy's" \
			"Via on top"
		cat "$tmp/vias.$tp"
	fi
done

if stop_locd TERM; then
	pass "locd exit status 0 on SIGTERM"
else
	bad "locd exit status on SIGTERM"
fi

# --- Authentication on (demo users, data/demo/users): locd restarted
# on the same ports behind the same proxy.  SIPp 3.6 answers only MD5
# challenges and locd offers SHA-256 first (RFC 8760), so an independent
# client (Python, UDP) subscribes as alice through the proxy: 401 from
# locd, never 407 (EV-16); SHA-256 credentials: 200 with the proxy's
# Record-Route, NOTIFY from the proxy's address (SEC-1, SEC-6); an
# unsubscribe along the route set with credentials (a fresh 401 answered
# once more is allowed): 200 and NOTIFY terminated from the proxy.
start_locd -v || exit 1
grep -q 'authentication is OFF' "$tmp/locd.log" &&
	bad "authentication still off"
cat >"$tmp/authsub.py" <<'EOF'
"""locd_proxy.sh: SUBSCRIBE with Digest SHA-256 through the proxy (UDP).

argv: proxy-port filter.  One line per step; exit 0 when all passed.
"""
import hashlib
import os
import re
import socket
import sys
import time

kport, filt = int(sys.argv[1]), sys.argv[2]
proxy = ("127.0.0.1", kport)
body = open(filt, "rb").read()
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
lport = s.getsockname()[1]
tag, callid = "a%d" % os.getpid(), "auth-%d@127.0.0.1" % os.getpid()
user, pw, realm_want = "alice", "alice-demo", "localhost"


def die(why):
    print("FAIL", why)
    sys.exit(1)


def parse(data):
    head, _, b = data.partition(b"\r\n\r\n")
    lines = head.decode("utf-8", "replace").split("\r\n")
    hdrs = []
    for ln in lines[1:]:
        if ":" in ln:
            k, v = ln.split(":", 1)
            hdrs.append((k.strip().lower(), v.strip()))
    return lines[0], hdrs, b.decode("utf-8", "replace")


def hdr(h, name):
    return next((v for k, v in h if k == name), None)


def hall(h, name):
    return [v for k, v in h if k == name]


def recv(deadline):
    left = deadline - time.time()
    if left <= 0:
        die("timeout")
    s.settimeout(left)
    try:
        data, src = s.recvfrom(65536)
    except socket.timeout:
        die("timeout")
    return src, parse(data)


def answer(h, src):
    out = "SIP/2.0 200 OK\r\n" + "".join(
        "Via: %s\r\n" % v for v in hall(h, "via"))
    out += "From: %s\r\nTo: %s\r\nCall-ID: %s\r\nCSeq: %s\r\n" % (
        hdr(h, "from"), hdr(h, "to"), hdr(h, "call-id"), hdr(h, "cseq"))
    s.sendto((out + "Content-Length: 0\r\n\r\n").encode(), src)


nc = 0


def auth(h401, method, ruri):
    global nc
    ch = [c for c in hall(h401, "www-authenticate")
          if re.search(r"algorithm=\"?SHA-256", c)]
    if not ch:
        die("no SHA-256 challenge")

    def p(n):
        return re.search(r'%s="?([^",]+)"?' % n, ch[0]).group(1)

    def H(x):
        return hashlib.sha256(x.encode()).hexdigest()

    realm, nonce = p("realm"), p("nonce")
    if realm != realm_want:
        die("realm " + realm)
    nc += 1
    cn, ncs = os.urandom(8).hex(), "%08x" % nc
    r = H("%s:%s:%s:%s:auth:%s" % (H("%s:%s:%s" % (user, realm, pw)), nonce,
                                   ncs, cn, H("%s:%s" % (method, ruri))))
    return ('Authorization: Digest username="%s", realm="%s", nonce="%s", '
            'uri="%s", response="%s", algorithm=SHA-256, qop=auth, nc=%s, '
            'cnonce="%s"\r\n' % (user, realm, nonce, ruri, r, ncs, cn))


def subscribe(cseq, ruri, totag, expires, route, authz):
    b = body if expires else b""
    m = ("SUBSCRIBE %s SIP/2.0\r\n"
         "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bK%s%d;rport\r\n"
         "Max-Forwards: 70\r\n%s"
         "From: <sip:alice@localhost>;tag=%s\r\n"
         "To: <sip:alice@localhost>%s\r\nCall-ID: %s\r\n"
         "CSeq: %d SUBSCRIBE\r\nContact: <sip:alice@127.0.0.1:%d>\r\n"
         "%sEvent: location\r\nExpires: %d\r\n"
         "Accept: application/pidf+xml\r\n" % (
             ruri, lport, tag, cseq, "".join("Route: %s\r\n" % r
                                             for r in route),
             tag, (";tag=" + totag) if totag else "", callid, cseq, lport,
             authz, expires))
    if b:
        m += "Content-Type: application/location-delta-filter+xml\r\n"
    m += "Content-Length: %d\r\n\r\n" % len(b)
    s.sendto(m.encode() + b, proxy)


def final(cseq, want_notify):
    """The final response to cseq (and, if want_notify, a NOTIFY
    matching it, answered); NOTIFYs must come from the proxy."""
    resp = note = None
    deadline = time.time() + 10
    while resp is None or (want_notify and note is None and
                           resp[0] == 200):
        src, (first, h, b) = recv(deadline)
        if src != proxy:
            die("message from %s, not from the proxy" % (src,))
        if first.startswith("SIP/2.0 "):
            code = int(first.split()[1])
            if hdr(h, "cseq") == "%d SUBSCRIBE" % cseq and code >= 200:
                resp = (code, h)
        elif first.startswith("NOTIFY "):
            answer(h, src)
            if want_notify and want_notify(h, b):
                note = (h, b)
    return resp, note


ruri = "sip:alice@localhost"
subscribe(1, ruri, None, 600, [], "")
(code, h), _ = final(1, None)
if code != 401:
    die("first SUBSCRIBE: %d, want 401" % code)
print("PASS 401 from locd through the proxy,",
      len(hall(h, "www-authenticate")), "challenges")
subscribe(2, ruri, None, 600, [], auth(h, "SUBSCRIBE", ruri))
(code, h200), (nh, nb) = final(
    2, lambda h, b: re.search(r'position="(inside|outside)"', b))
if code != 200:
    die("SUBSCRIBE with credentials: %d" % code)
rr = hall(h200, "record-route")
if len(rr) != 1 or not rr[0].startswith("<sip:127.0.0.1:%d;" % kport):
    die("Record-Route %s" % rr)
print("PASS SHA-256 Digest: 200 with Record-Route", rr[0],
      "and a NOTIFY from the proxy")
rtag = re.search(r";\s*tag=([^;>\s]+)", hdr(h200, "to")).group(1)
contact = re.search(r"<([^>]+)>", hdr(h200, "contact")).group(1)
cseq = 3
subscribe(cseq, contact, rtag, 0, rr, auth(h, "SUBSCRIBE", contact))
term = lambda h, b: "terminated" in (hdr(h, "subscription-state") or "")
(code, h2), note = final(cseq, term)
if code == 401:
    cseq = 4
    subscribe(cseq, contact, rtag, 0, rr, auth(h2, "SUBSCRIBE", contact))
    (code, h2), note = final(cseq, term)
if code != 200 or note is None:
    die("unsubscribe: %d" % code)
print("PASS unsubscribe along the route set: 200, NOTIFY",
      hdr(note[0], "subscription-state"), "from the proxy")
EOF
if timeout 40 python3 "$tmp/authsub.py" "$KPORT" data/demo/building10.xml \
	>"$tmp/authsub.out" 2>&1; then
	sed -n 's/^PASS /PASS: (auth) /p' "$tmp/authsub.out"
	npass=$((npass + $(grep -c '^PASS ' "$tmp/authsub.out")))
else
	bad "(auth) Digest through the proxy:"
	cat "$tmp/authsub.out"
fi
grep -q 'KAM-REPLY 407' "$tmp/kam.log" && bad "(auth) a 407 was seen"
pat='subscribe \[auth-.*\] sip:alice@localhost from sip:alice@localhost: 200'
grep -q "$pat" "$tmp/locd.log" &&
	pass "(auth) locd: alice authenticated, 200" ||
	bad "(auth) no authenticated 200 in locd's log"

stop_kamailio
if stop_locd TERM; then
	pass "locd exit status 0 on SIGTERM (auth)"
else
	bad "locd exit status on SIGTERM (auth)"
fi
echo "$npass passed, $nfail failed"
[ "$nfail" -eq 0 ]
