#!/bin/sh
# bench/notify_bench.sh: locd's notification server against Kamailio
# presence, scaling curves, memory and restart (issue 6; figures in
# docs/PERFORMANCE.md, sections "Notification server vs Kamailio
# presence", "Scaling", "Memory and restart").
#
#   BIN=build/bin sh bench/notify_bench.sh quick|full [compare] [scaling]
#                                                      [memory]
#
# Needs $BIN/locd, $BIN/notify_load, $BIN/notify_store, $BIN/notify_fences
# (exit 77 when missing); Kamailio (kamailio, kamailio-presence-modules,
# kamailio-sqlite-modules) is installed through mk/deps.sh when absent,
# and its half is skipped if that fails. Servers listen on free loopback
# ports with their state in a temp directory and are stopped on exit.
#
# compare: the same notify_load population against locd (Event location,
#   filter movedHoriz 1 m + enterOrExit of one building, fixes alternating
#   inside/outside so every filter fires and both geodesic distance and
#   containment are evaluated; notify.quarantine_ms = 0, burst = 0,
#   window = 0: no rate limit or quarantine) and Kamailio (presence +
#   presence_xml over db_sqlite, watchers force_active, children = 1: one
#   SIP worker as locd has one loop, and db_sqlite's lock without busy
#   timeout fails with more). Populations: A = 100 subscriptions over
#   1,000 targets, B = 10,000 over 1,000 (10 per target); the publish
#   rate ramps until two steps miss >= 0.1% of NOTIFYs.
# scaling: subscriptions per target 1 .. 10,000 on one target (CPU per
#   update from /proc), and notify_fences (fences per filter, fences in
#   the geo index).
# memory: RSS per live subscription (over SIP; quick 1,000, full
#   10,000) right after the load and again once it settled: after 40 s
#   (full; quick: 9 s with sip.t1_ms = 100, sip.t4_ms = 1000), when the
#   SUBSCRIBE server transactions (timer J, 64*T1) and the NOTIFY client
#   transactions (timer K, T4) are gone (glibc keeps most freed heap
#   resident: the settled figure shows what stays), then restart time
#   (until /healthz answers; a start not up within 60 s (quick) or
#   150 s (full) is reported and stopped) and RSS
#   with N persisted subscriptions written by notify_store (quick: 5,000;
#   full: 10,000, 100,000 and 1,000,000; live subscriptions are capped
#   only by subscribe.max_subscriptions, 1,000,000 by default), each
#   with identical filter documents (filters=shared: locd interns one
#   filter) and with a distinct document per row (filters=distinct:
#   notify_store -d). Per subscription: (RSS after the restore - RSS of
#   a locd started on an empty store) / N.
set -u
MODE=${1:-quick}
[ $# -gt 0 ] && shift
PARTS=${*:-compare scaling memory}
BIN=${BIN:-build/bin}
case $MODE in
quick | full) ;;
*)
	echo "usage: BIN=build/bin sh bench/notify_bench.sh quick|full" \
		"[compare] [scaling] [memory]" >&2
	exit 2
	;;
esac
for p in locd notify_load notify_store notify_fences; do
	if [ ! -x "$BIN/$p" ]; then
		echo "notify_bench: $BIN/$p not built"
		exit 77
	fi
done
tmp=$(mktemp -d)
LPID=
KPID=
fail=0

cleanup() {
	[ -n "$LPID" ] && kill "$LPID" 2>/dev/null && wait "$LPID" 2>/dev/null
	[ -n "$KPID" ] && kill "$KPID" 2>/dev/null && wait "$KPID" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 2' INT TERM

rand_port() {
	n=$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')
	echo $((20000 + n % 30000))
}

now() { date +%s.%N; }

cat >"$tmp/policy.ini" <<'EOF'
[defaults]
refusal = 403
[rule everyone]
subscriber = *
target = *
precision = precise
features = all
EOF
cat >"$tmp/locd.conf" <<EOF
[server]
log_level = notice
[policy]
file = $tmp/policy.ini
[notify]
quarantine_ms = 0
burst = 0
window = 0
EOF

# start_locd VARDIR [LIMIT-S]: sets LPID LPORT LHTTP UPTIME (seconds until
# /healthz answers 200).
start_locd() {
	for attempt in 1 2 3 4 5; do
		LPORT=$(rand_port)
		LHTTP=$((LPORT + 2))
		t0=$(now)
		"$BIN/locd" -c "${CONF:-$tmp/locd.conf}" --no-auth --var "$1" \
			--sip-listen "127.0.0.1:$LPORT" --tls-listen none \
			--http-listen "127.0.0.1:$LHTTP" >"$tmp/locd.log" 2>&1 &
		LPID=$!
		# the HTTP socket accepts before the loop runs: a request
		# waits (0.5 s at most) until locd has restored everything
		end=$(($(date +%s) + ${2:-20}))
		while [ "$(date +%s)" -lt $end ] &&
			kill -0 "$LPID" 2>/dev/null; do
			c=$(curl -s -o /dev/null -w '%{http_code}' \
				--max-time 0.5 "http://127.0.0.1:$LHTTP/healthz")
			if [ "$c" = 200 ]; then
				UPTIME=$(echo "$(now) - $t0" | bc)
				return 0
			fi
			sleep 0.05
		done
		if kill -0 "$LPID" 2>/dev/null; then
			UPTIME=">${2:-20}"
			return 1
		fi
		wait "$LPID" 2>/dev/null
		LPID=
		grep -q "in use" "$tmp/locd.log" || break
	done
	echo "notify_bench: locd did not start:"
	tail -n 5 "$tmp/locd.log"
	return 1
}

stop_locd() {
	[ -n "$LPID" ] || return 0
	kill "$LPID" 2>/dev/null
	wait "$LPID" 2>/dev/null
	LPID=
}

rss_kb() { sed -n 's/^VmRSS:[^0-9]*\([0-9]*\).*/\1/p' "/proc/$1/status"; }

kam_ok() {
	command -v kamailio >/dev/null 2>&1 &&
		[ -f /usr/lib/x86_64-linux-gnu/kamailio/modules/presence.so ] &&
		[ -f /usr/lib/x86_64-linux-gnu/kamailio/modules/db_sqlite.so ]
}

# start_kam: sets KPID (main process, foreground -DD), KPORT, KPIDS.
start_kam() {
	rm -rf "$tmp/kam"
	mkdir -p "$tmp/kam"
	python3 -c "
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute('PRAGMA journal_mode=WAL')
for f in ('standard', 'presence'):
    c.executescript(open('/usr/share/kamailio/db_sqlite/%s-create.sql'
                         % f).read())
c.commit()" "$tmp/kam/kam.db" || return 1
	for attempt in 1 2 3 4 5; do
		KPORT=$(rand_port)
		sed -e "s/KAM_PORT/$KPORT/g" -e "s#KAM_DBPATH#$tmp/kam/kam.db#g" \
			-e 's/KAM_CHILDREN/1/' bench/kamailio/presence.cfg \
			>"$tmp/kam/kam.cfg"
		kamailio -DD -E -f "$tmp/kam/kam.cfg" -P "$tmp/kam/kam.pid" \
			-Y "$tmp/kam" -w "$tmp/kam" -m 256 -M 32 \
			>"$tmp/kam/log" 2>&1 &
		KPID=$!
		i=0
		while [ $i -lt 40 ]; do
			sleep 0.1
			if ! kill -0 "$KPID" 2>/dev/null; then
				break
			fi
			if [ "$(pgrep -P "$KPID" | wc -l)" -ge 3 ]; then
				sleep 0.5
				KPIDS="$KPID,$(pgrep -d, -P "$KPID")"
				return 0
			fi
			i=$((i + 1))
		done
		kill "$KPID" 2>/dev/null
		wait "$KPID" 2>/dev/null
		KPID=
		grep -qi "in use" "$tmp/kam/log" || break
	done
	echo "notify_bench: kamailio did not start:"
	tail -n 5 "$tmp/kam/log"
	return 1
}

stop_kam() {
	[ -n "$KPID" ] || return 0
	kill "$KPID" 2>/dev/null
	wait "$KPID" 2>/dev/null
	KPID=
}

# load SERVER LABEL ARGS...: notify_load against the running server.
load() {
	srv=$1
	label=$2
	shift 2
	if [ "$srv" = locd ]; then
		set -- -m locd -s "$LPORT" -P "$LPID" "$@"
	else
		set -- -m kam -s "$KPORT" -P "$KPIDS" "$@"
	fi
	echo "-- $label: notify_load $*"
	"$BIN/notify_load" "$@" >"$tmp/load.out" 2>"$tmp/load.err"
	rc=$?
	sed "s/^/   /" "$tmp/load.out"
	if [ $rc -ne 0 ]; then
		echo "   FAILED (exit $rc):"
		tail -n 3 "$tmp/load.err" | sed "s/^/   /"
		fail=1
	fi
	return $rc
}

compare() {
	if [ "$MODE" = quick ]; then
		ra="500,2000"
		rb=""
		d=2
	else
		ra="250,500,1000,2000,4000,8000"
		rb="25,50,100,200,400,800,1600,3200"
		d=5
	fi
	if ! kam_ok; then
		EXTRA_PKGS="kamailio kamailio-presence-modules \
kamailio-sqlite-modules gnuplot-nox" sh mk/deps.sh >"$tmp/deps.log" 2>&1 ||
			echo "notify_bench: Kamailio install failed: skipped"
	fi
	echo "== compare ($MODE): PUBLISH rates per step, $d s each"
	for srv in locd kam; do
		if [ $srv = kam ] && ! kam_ok; then
			echo "-- kamailio: skipped (not installed)"
			continue
		fi
		for pop in A B; do
			case $pop in
			A) n=100 r=$ra ;;
			B) n=10000 r=$rb ;;
			esac
			[ -n "$r" ] || continue
			if [ $srv = locd ]; then
				start_locd "$tmp/var-$pop" || { fail=1; continue; }
			else
				start_kam || { fail=1; continue; }
			fi
			load $srv "$srv $pop" -t 1000 -n $n -r "$r" -d $d
			if [ $srv = locd ]; then
				stop_locd
			else
				grep -c "ERROR" "$tmp/kam/log" |
					sed 's/^/   kamailio ERROR lines: /'
				stop_kam
			fi
		done
	done
}

scaling() {
	echo "== scaling ($MODE): subscriptions per target (one target)"
	if [ "$MODE" = quick ]; then
		list="1 10 100"
	else
		list="1 10 100 1000 10000"
	fi
	for n in $list; do
		# about 4,000 NOTIFYs per point (2 to 40 publishes), at
		# most 20 publishes/s (NOTIFYs to one subscriber would
		# otherwise coalesce: one in flight per dialog)
		p=$((4000 / n))
		[ $p -lt 2 ] && p=2
		[ $p -gt 40 ] && p=40
		r=20
		[ $p -lt 40 ] && r=$(echo "$p / 2" | bc -l)
		start_locd "$tmp/var-s$n" || { fail=1; continue; }
		load locd "subs/target $n ($p publishes)" -t 1 -n "$n" \
			-r "$r" -d 2 -w 30
		stop_locd
		# watchers, ms CPU per update, us CPU per NOTIFY
		sed -n 's/.* pubs=\([0-9]*\) .* cpu_s=\([0-9.]*\) .*/\1 \2/p' \
			"$tmp/load.out" | head -n 1 |
			awk -v n="$n" '$1 > 0 { printf "%d %.3f %.1f\n", n,
				$2 * 1000 / $1, $2 * 1e6 / ($1 * n) }' \
			>>"$tmp/watchers.dat"
	done
	echo "== scaling ($MODE): fences (notify_fences $MODE)"
	"$BIN/notify_fences" "$MODE" >"$tmp/fences.out" || fail=1
	cat "$tmp/fences.out"
	# fences, tree point, tree circle, scan point, scan circle (us)
	sed -n 's/^fences_per_filter=\([0-9]*\) us_per_eval_point=\([0-9.]*\) .* us_per_eval_circle50=\([0-9.]*\) .* scan_us_point=\([0-9.]*\) scan_us_circle50=\([0-9.]*\).*/\1 \2 \3 \4 \5/p' \
		"$tmp/fences.out" >"$tmp/fences.dat"
	# full mode: docs/notify_scaling.png (PLOTDIR overrides), quick: tmp
	pdir=${PLOTDIR:-$tmp}
	[ "$MODE" = full ] && pdir=${PLOTDIR:-docs}
	if command -v gnuplot >/dev/null 2>&1 && [ -s "$tmp/watchers.dat" ] &&
		[ -s "$tmp/fences.dat" ]; then
		sub="notify\\_bench.sh $MODE scaling, $(date -u +%Y-%m-%d' '%H:%M) UTC, git $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) cores"
		gnuplot -e "wfile='$tmp/watchers.dat'; ffile='$tmp/fences.dat';
			outfile='$pdir/notify_scaling.png'; subtitle='$sub'" \
			bench/plot_notify.gp && echo "   plot: $pdir/notify_scaling.png"
	fi
}

memory() {
	echo "== memory and restart ($MODE)"
	v=$tmp/var-mem
	if [ "$MODE" = quick ]; then
		live=1000
		list="5000"
		lim=60
		# timer J 6.4 s, timer K 1 s: settled within 9 s
		settle=9
		CONF=$tmp/locd-mem.conf
		{ cat "$tmp/locd.conf"; printf '[sip]\nt1_ms = 100\n'
		  printf 't2_ms = 1000\nt4_ms = 1000\n'; } >"$CONF"
		timers="t1_ms=100 t4_ms=1000"
	else
		live=10000
		list="10000 100000 1000000"
		lim=150
		settle=40
		timers="t1_ms=500 t4_ms=5000"
	fi
	start_locd "$v" || { fail=1; return; }
	CONF=
	base=$(rss_kb "$LPID") # a locd on an empty store
	load locd "$live live subscriptions" -t 1000 -n $live -r 100 -d 1
	full=$(rss_kb "$LPID")
	echo "   rss_base_kb=$base rss_live_kb=$full live=$live" \
		"bytes_per_sub=$(((full - base) * 1024 / live))"
	sleep "$settle"
	settled=$(rss_kb "$LPID")
	echo "   settled_after_s=$settle ($timers: timers J and K expired)" \
		"rss_settled_kb=$settled" \
		"bytes_per_sub_settled=$(((settled - base) * 1024 / live))"
	stop_locd
	# the template for notify_store: the store as locd left it, with its
	# first subscription only (every other row a clone of it)
	cp "$v/locd.db" "$tmp/template.db" &&
		"$BIN/notify_store" -1 "$tmp/template.db" 1 >/dev/null ||
		{ fail=1; return; }
	for n in $list; do
		for kind in shared distinct; do
			rm -f "$v/locd.db" "$v/locd.db-wal" "$v/locd.db-shm"
			cp "$tmp/template.db" "$v/locd.db"
			opt=
			[ $kind = distinct ] && opt=-d
			"$BIN/notify_store" $opt "$v/locd.db" "$n" |
				sed 's/^/   /'
			if start_locd "$v" "$lim"; then
				rss=$(rss_kb "$LPID")
				got=$(sed -n 's/.*ready: .*, \([0-9]*\) subscriptions.*/\1/p' \
					"$tmp/locd.log")
				refused=$(grep -c "not restored" "$tmp/locd.log")
				echo "   persisted=$n filters=$kind" \
					"restart_s=$UPTIME restored=$got" \
					"not_restored=$refused rss_kb=$rss" \
					"rss_base_kb=$base" \
					"bytes_per_sub=$(((rss - base) * 1024 / n))"
			else
				echo "   persisted=$n filters=$kind" \
					"restart_s=$UPTIME (not up; stopped)" \
					"rss_kb=$(rss_kb "$LPID")" \
					"not_restored_so_far=$(grep -c \
						"not restored" "$tmp/locd.log")"
			fi
			stop_locd
		done
	done
}

echo "# notify_bench $MODE: $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores," \
	"load $(cut -d' ' -f1-3 /proc/loadavg)," \
	"git $(git rev-parse --short HEAD 2>/dev/null || echo '?')," \
	"kamailio $(kamailio -v 2>/dev/null | sed -n 's/^version: kamailio \([^ ]*\).*/\1/p')"
for part in $PARTS; do
	case $part in
	compare | scaling | memory) $part ;;
	*) echo "notify_bench: unknown part $part" >&2; exit 2 ;;
	esac
done
exit $fail
