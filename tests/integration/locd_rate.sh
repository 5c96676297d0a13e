#!/bin/sh
# locd_rate.sh: rate limit and quarantine with real peers (issue 5).
# SIPp (scenarios/locd_sub_loop.xml, UDP) subscribes to sip:alice with
# the Building 10 filter and answers every NOTIFY; the NOTIFYs are read
# from its message log (-trace_msg).
#   Rate (RC-1), quarantine off (notify.quarantine_ms = 0): 50 OsmAnd
#   fixes in about one second, each crossing the fence: at most 10
#   NOTIFYs in any second, and the last NOTIFY carries the final state
#   (outside); the rest counted as rate limited.
#   Quarantine (RC-3, Q-10, T8), default 500 ms: a burst in and out of
#   the fence within 0.2 s: one NOTIFY, reporting the flip (outside).
# Exit 0 pass, 77 skip (sipp, curl or python3 missing), else fail.
set -u
BIN=${BIN:-build/bin}
. tests/integration/lib/common.sh
need_bins "$BIN" locd
need_tools sipp curl python3
locd_setup

# phase NAME PYTHON-TRAFFIC PYTHON-CHECK: one locd run (config in
# $tmp/NAME.conf), one SIPp subscriber, traffic, then the check.
phase() {
	phase_run "$@"
	prc=$?
	stop_locd TERM || { echo "FAIL: exit status"; prc=1; }
	SIP_PORT= # next run: new ports
	return $prc
}
phase_run() {
	pname=$1
	start_locd --no-auth -c "$tmp/$pname.conf" || return 1
	http_fix alice 37.41300 -121.93500 >/dev/null
	rm -f "$tmp"/locd_sub_loop_*_messages.log
	start_sipp "$SCENDIR/locd_sub_loop.xml" u1 -trace_msg -nd
	sleep 1
	python3 -c "$2" "$HTTP_PORT" "$tmp/marks" || return 1
	wait_sipp locd_sub_loop.u1 || return 1
	log=$(ls "$tmp"/locd_sub_loop_*_messages.log 2>/dev/null | head -1)
	[ -n "$log" ] || { echo "FAIL: no SIPp message log"; return 1; }
	rc=0
	python3 -c "$PARSE
$3" "$log" "$tmp/marks" || rc=1
	curl -s "http://127.0.0.1:$HTTP_PORT/metrics" >"$tmp/$pname.metrics"
	return $rc
}

FIX='
import sys, time, urllib.request
port, marks = int(sys.argv[1]), sys.argv[2]
IN, OUT = ("37.41165", "-121.93190"), ("37.41300", "-121.93500")
def fix(p):
    u = "http://127.0.0.1:%d/?id=alice&lat=%s&lon=%s" % (port, p[0], p[1])
    with urllib.request.urlopen(u, timeout=5) as r:
        if r.status != 200:
            raise SystemExit("HTTP %d" % r.status)
'
PARSE='
import re, sys, datetime
text = open(sys.argv[1], encoding="latin-1").read()
t0 = float(open(sys.argv[2]).read().split()[0])
notes = []
parts = re.split(r"\n?-{20,} (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+)\n", text)
for i in range(1, len(parts) - 1, 2):
    when = datetime.datetime.strptime(parts[i], "%Y-%m-%d %H:%M:%S.%f")
    body = parts[i + 1]
    if "message received" not in body or not re.search(r"^NOTIFY ", body,
                                                         re.M):
        continue
    cseq = int(re.search(r"^CSeq: *(\d+)", body, re.M | re.I).group(1))
    if notes and notes[-1][1] == cseq:
        continue  # a retransmission
    notes.append((when.timestamp(), cseq,
                  re.findall(r"position=.(\w+).", body)))
late = [n for n in notes if n[0] >= t0]
'

printf '[notify]\nquarantine_ms = 0\n' >"$tmp/rate.conf"
: >"$tmp/quarantine.conf"
fail=0
phase rate "$FIX
t0 = time.time()
open(marks, 'w').write('%f\n' % t0)
for i in range(1, 51):
    fix(IN if i % 2 else OUT)
    time.sleep(max(0, t0 + i * 0.02 - time.time()))
" '
# receive times jitter: a window a little under a second
worst = max(len([m for m in late if n[0] <= m[0] < n[0] + 0.95])
            for n in late) if late else 0
print("rate: %d NOTIFYs after the burst, at most %d in one second, "
      "last %s" % (len(late), worst, late[-1][2] if late else None))
if not late or worst > 10 or worst < 5:
    sys.exit("FAIL: rate limit")
if late[-1][2] != ["outside"]:
    sys.exit("FAIL: the last NOTIFY is not the final state")
' || fail=1
grep -q '^locd_notifications_rate_limited_total [1-9]' \
	"$tmp/rate.metrics" || { echo "FAIL: none rate limited"; fail=1; }

phase quarantine "$FIX
t0 = time.time()
open(marks, 'w').write('%f\n' % t0)
fix(IN)
time.sleep(0.2)
fix(OUT)
" '
print("quarantine: %d NOTIFYs %s" % (len(late), [n[2] for n in late]))
if len(late) != 1 or late[0][2] != ["outside"]:
    sys.exit("FAIL: in and out not coalesced into one NOTIFY (outside)")
' || fail=1
[ $fail = 0 ] && echo "PASS: locd_rate"
exit $fail
