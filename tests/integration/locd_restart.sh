#!/bin/sh
# locd_restart.sh: kill -9 under traffic (issue 5, persistence).  SIPp
# (scenarios/locd_sub_loop.xml, UDP) subscribes to sip:alice with the
# Building 10 filter and answers every NOTIFY; OsmAnd fixes alternate
# inside / outside every 0.3 s; locd is killed with SIGKILL in the middle
# and started again on the same ports and state; the fixes go on and end
# inside.  Then, from SIPp's message log: the subscription continued in
# the same dialog (NOTIFYs after the restart, the first one at the
# restored CSeq + 1: stored + 1,000, issue 5 item 7), CSeqs never went back,
# and the last NOTIFY says position="inside" (no containment change
# lost).  Exit 0 pass, 77 skip (sipp, curl or python3 missing).
set -u
BIN=${BIN:-build/bin}
. tests/integration/lib/common.sh
need_bins "$BIN" locd
need_tools sipp curl python3
locd_setup

IN="37.41165 -121.93190"
OUT="37.41300 -121.93500"
fix() { # fix in|out
	if [ "$1" = in ]; then set -- $IN; else set -- $OUT; fi
	http_fix alice "$1" "$2" >/dev/null
}

fail=0
start_locd --no-auth -v || exit 1
fix out
start_sipp "$SCENDIR/locd_sub_loop.xml" u1 -trace_msg -nd
sleep 1
for i in 1 2 3 4 5 6; do
	if [ $((i % 2)) = 1 ]; then fix in; else fix out; fi
	sleep 0.3
done
stop_locd KILL
echo "killed locd (SIGKILL)"
sleep 0.5
start_locd --no-auth -v || exit 1
grep -q 'subscriptions restored' "$tmp/locd.log" ||
	{ echo "FAIL: nothing restored"; fail=1; }
for i in 1 2 3 4 5; do
	if [ $((i % 2)) = 1 ]; then fix out; else fix in; fi
	sleep 0.7
done
fix in # the same place again: no change
if ! wait_sipp locd_sub_loop.u1; then
	fail=1
fi
log=$(ls "$tmp"/locd_sub_loop_*_messages.log 2>/dev/null | head -1)
if [ -z "$log" ]; then
	echo "FAIL: no SIPp message log"
	exit 1
fi
python3 - "$log" "$tmp/locd.log" <<'PY' || fail=1
import re, sys
text = open(sys.argv[1], encoding="latin-1").read()
notifies = []
for block in re.split(r"\n-{20,}[^\n]*\n", text):
    if not re.search(r"^NOTIFY ", block, re.M):
        continue
    cseq = int(re.search(r"^CSeq: *(\d+)", block, re.M | re.I).group(1))
    pos = re.findall(r'position="(\w+)"', block)
    notifies.append((cseq, pos))
uniq = []
for c, p in notifies:
    if not uniq or uniq[-1][0] != c:
        uniq.append((c, p))
cseqs = [c for c, p in uniq]
print("NOTIFY CSeqs:", cseqs)
print("positions:", [p[0] if p else "-" for c, p in uniq])
ok = True
if any(b <= a for a, b in zip(cseqs, cseqs[1:])):
    print("FAIL: CSeq went back or repeated with another body")
    ok = False
if len(uniq) < 4:
    print("FAIL: too few NOTIFYs")
    ok = False
if not uniq or uniq[-1][1] != ["inside"]:
    print("FAIL: last NOTIFY is not inside")
    ok = False
all_log = open(sys.argv[2]).read()
m = re.search(r"restored \(\d+ s left, CSeq (\d+)\)", all_log)
if not m:
    print("FAIL: no restored subscription in the log")
    ok = False
elif not [c for c in cseqs if c > int(m.group(1))]:
    print("FAIL: no NOTIFY after the restart")
    ok = False
elif int(m.group(1)) + 1 not in cseqs:
    print("FAIL: the first NOTIFY after the restart is not CSeq",
          int(m.group(1)) + 1)
    ok = False
else:
    print("restored at CSeq", m.group(1), "and continued")
sys.exit(0 if ok else 1)
PY
stop_locd TERM || { echo "FAIL: exit status"; fail=1; }
[ $fail = 0 ] && echo "PASS: locd_restart"
exit $fail
