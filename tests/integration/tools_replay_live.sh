#!/bin/sh
# tools_replay_live.sh: locreplay's live mode (issue 5, "The tools").
# Into tests/progs/testnotifier's ESC (package x-test) on a free port:
#   walk-building10.gpx (126 fixes over 250 s) at --speed 100 over UDP:
#     done within 5 s, exactly one initial PUBLISH and 125 modifies (a
#     modify is only reported when SIP-If-Match carried the ETag of the
#     previous answer: EV-30, EV-31);
#   car.csv at --speed 1000 over TCP: one initial, the rest modifies;
#   a trace with a one-hour gap and untimed fixes at --speed 1 with
#     --max-gap 0.2: done within 3 s;
#   the default Event (presence) at a notifier without it: exit 1 naming
#     489 (EV-3); usage errors exit 2; nobody listening: exit 1.
# Over HTTP, and from end to end with locd: tools_demo.sh.
# Exit 0 pass, else fail.
# Environment: BIN (locreplay), TESTBIN (testnotifier).
set -u
BIN=${BIN:-build/bin}
TESTBIN=${TESTBIN:-build/tests}
LR=$BIN/locreplay
NOTIFIER=$TESTBIN/testnotifier

. tests/integration/lib/common.sh
need_bins "$BIN" locreplay
need_bins "$TESTBIN" testnotifier

tmp=$(mktemp -d)
npid=
cleanup() {
	kill_wait "$npid"
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 2' INT TERM

fail=0

start_notifier() {
	for attempt in 1 2 3 4 5 6 7 8; do
		port=$(rand_port)
		: >"$tmp/notifier.log"
		"$NOTIFIER" -t 120 "udp:127.0.0.1:$port" \
			"tcp:127.0.0.1:$port" >"$tmp/notifier.log" 2>&1 &
		npid=$!
		wait_ready "$tmp/notifier.log" 2 "$npid" && return 0
		kill_wait "$npid"
		npid=
	done
	return 1
}

# ops: "NEW MODIFY" counts of publish lines so far.
ops() {
	echo "$(grep -c '^publish new' "$tmp/notifier.log")" \
		"$(grep -c '^publish modify' "$tmp/notifier.log")"
}

start_notifier || { echo "FAIL: testnotifier did not start"; exit 1; }
to="sip:127.0.0.1:$port"

# 1. walk, UDP, --speed 100: < 5 s, 1 new + 125 modify
if timeout 5 "$LR" --to "$to" --entity sip:alice@localhost --event x-test \
	--speed 100 -v data/traces/walk-building10.gpx >"$tmp/w.out" \
	2>"$tmp/w.err"; then
	n=$(grep -c ' -> 200 etag=' "$tmp/w.err")
	[ "$n" = 126 ] && [ "$(ops)" = "1 125" ] &&
		pass "publish: 126 fixes in < 5 s, 1 initial + 125 modifies" ||
		bad "publish walk: $n answered, ops $(ops)"
else
	bad "publish walk: exit status or over 5 s"; tail -3 "$tmp/w.err"
fi

# 2. car.csv over TCP
nfix=$(grep -c "^2026" data/traces/car.csv)
if timeout 10 "$LR" --to "$to;transport=tcp" --entity sip:bob@localhost \
	--event x-test --speed 1000 data/traces/car.csv 2>"$tmp/c.err"; then
	[ "$(ops)" = "2 $((125 + nfix - 1))" ] &&
		pass "publish over TCP: $nfix fixes, 1 initial, modifies" ||
		bad "publish car over TCP: ops $(ops), $nfix fixes"
else
	bad "publish car over TCP: exit status"; cat "$tmp/c.err"
fi

# 3. gaps bounded by --max-gap; untimed fixes 1 s / factor apart
cat >"$tmp/gap.gpx" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="tools_replay_live.sh"
  xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>
<trkpt lat="37.41" lon="-121.93"><time>2026-11-21T10:00:00Z</time></trkpt>
<trkpt lat="37.42" lon="-121.93"><time>2026-11-21T11:00:00Z</time></trkpt>
<trkpt lat="37.43" lon="-121.93"></trkpt>
<trkpt lat="37.44" lon="-121.93"></trkpt>
</trkseg></trk></gpx>
EOF
if timeout 3 "$LR" --to "$to" --entity sip:carol@localhost --event x-test \
	--speed 1 --max-gap 0.2 "$tmp/gap.gpx" 2>"$tmp/g.err"; then
	pass "a one-hour gap and untimed fixes bounded by --max-gap"
else
	bad "--max-gap: exit status or over 3 s"; cat "$tmp/g.err"
fi

# 4. refusal and usage errors
timeout 10 "$LR" --to "$to" --entity sip:alice@localhost \
	data/traces/car.csv 2>"$tmp/r.err"
rc=$?
[ $rc = 1 ] && grep -q 'refused by .*: 489' "$tmp/r.err" &&
	pass "489: exit 1 with the status" ||
	{ bad "489: exit $rc"; cat "$tmp/r.err"; }
"$LR" --to "$to" data/traces/car.csv 2>/dev/null
rc1=$?
"$LR" --to "$to" --entity sip:a@b --filter data/demo/building10.xml \
	data/traces/car.csv 2>/dev/null
rc2=$?
"$LR" --to "$to" --entity sip:a@b --speed 0 data/traces/car.csv \
	2>/dev/null
rc3=$?
"$LR" --to "$to" --entity sip:a@b --via carrier data/traces/car.csv \
	2>/dev/null
rc4=$?
[ "$rc1 $rc2 $rc3 $rc4" = "2 2 2 2" ] &&
	pass "usage errors: no --entity, --filter, --speed 0, --via" ||
	bad "usage errors exit $rc1 $rc2 $rc3 $rc4"
# 5. nobody listening (port 1): exit 1, "no answer", over TCP and HTTP
timeout 10 "$LR" --to "sip:127.0.0.1:1;transport=tcp" --entity sip:a@b \
	data/traces/car.csv 2>"$tmp/na1.err"
rc1=$?
timeout 10 "$LR" --via http --to http://127.0.0.1:1 --entity sip:a@b \
	data/traces/car.csv 2>"$tmp/na2.err"
rc2=$?
if [ "$rc1 $rc2" = "1 1" ] && grep -q 'no answer from' "$tmp/na1.err" &&
    grep -q 'no answer from' "$tmp/na2.err"; then
	pass "no listener: exit 1, no answer (TCP, HTTP)"
else
	bad "no listener: exit $rc1 $rc2"; cat "$tmp/na1.err" "$tmp/na2.err"
fi
kill -0 "$npid" 2>/dev/null || bad "testnotifier died"
exit $fail
