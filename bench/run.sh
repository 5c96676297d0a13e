#!/bin/sh
# bench/run.sh: run every benchmark program of bench/ plus the PostGIS
# comparison; behind `make bench` (full, < 20 min) and `make bench-quick`
# (quick, < 2 min).
#
#   BIN=build/bin sh bench/run.sh quick|full
#
# For each bench/NAME.c whose program $BIN/NAME exists: run it with the
# arguments below for the mode (known programs), or with the mode word
# when its source mentions "quick" in its usage, or with no argument;
# each under a time limit. A program whose header comment (first 40
# lines) names a bench/SCRIPT.sh is a helper that script drives (as
# fence_vs_postgis and bench/postgis.sh): it is not run alone. Then every
# bench/*.sh but this one runs as `BIN=$BIN sh bench/SCRIPT.sh MODE`.
# A missing program is skipped, never a failure. A program or script
# that fails or times out is reported and makes the exit status 1, after
# the others have run; exit 77 means "cannot run here" (skipped).
# Everything printed also goes to $BIN/../bench-MODE.txt.
set -u

MODE=${1:-quick}
BIN=${BIN:-build/bin}
case $MODE in
quick) LIMIT=100 ;;
full) LIMIT=900 ;;
*)
	echo "usage: BIN=build/bin sh bench/run.sh quick|full" >&2
	exit 2
	;;
esac
LOG=$BIN/../bench-$MODE.txt

# Arguments per known program and mode (see each program's usage).
args_for() {
	case $1:$MODE in
	geo_bench:quick) echo 0.3 ;;          # seconds per figure
	geo_bench:full) echo 2 ;;
	filter_bench:quick) echo 0.5 ;;       # seconds per case
	filter_bench:full) echo 2 ;;
	sip_bench:quick) echo 50000 ;;        # messages per run
	sip_bench:full) echo 500000 ;;
	sip_udp_bench:quick) printf '%s\n' '-n 20000' ;;
	sip_udp_bench:full) printf '%s\n' '-n 200000' ;;
	*)
		if grep -qw quick "bench/$1.c" 2>/dev/null; then
			echo "$MODE"
		fi
		;;
	esac
}

# The bench/*.sh a program's header names, if any (it drives the program).
script_of() {
	sed -n '1,40p' "bench/$1.c" | grep -o 'bench/[A-Za-z0-9_]*\.sh' |
		grep -v '^bench/run\.sh$' | head -n 1
}

run_one() {
	name=$1
	shift
	echo "== $name $* (limit ${LIMIT} s)"
	t0=$(date +%s)
	if timeout "$LIMIT" "$@"; then rc=0; else rc=$?; fi
	t1=$(date +%s)
	case $rc in
	0) echo "-- $name: ok ($((t1 - t0)) s)" ;;
	77) echo "-- $name: skipped (cannot run here)" ;;
	124)
		echo "-- $name: FAILED: over ${LIMIT} s"
		failed="$failed $name"
		;;
	*) echo "-- $name: FAILED: exit $rc"; failed="$failed $name" ;;
	esac
}

main() {
	failed=""
	echo "# bench/run.sh $MODE: $(date -u +%Y-%m-%dT%H:%MZ)," \
		"$(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo |
			head -n 1)," \
		"$(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)," \
		"git $(git rev-parse --short HEAD 2>/dev/null || echo '?')," \
		"$(${CC:-cc} --version 2>/dev/null | head -n 1)"
	for src in bench/*.c; do
		[ -e "$src" ] || continue
		name=$(basename "$src" .c)
		drv=$(script_of "$name")
		if [ -n "$drv" ]; then
			echo "-- $name: run by $drv"
			continue
		fi
		if [ ! -x "$BIN/$name" ]; then
			echo "-- $name: skipped ($BIN/$name not built)"
			continue
		fi
		# shellcheck disable=SC2046
		run_one "$name" "$BIN/$name" $(args_for "$name")
	done
	for sh in bench/*.sh; do
		[ -e "$sh" ] && [ "$sh" != bench/run.sh ] || continue
		run_one "$(basename "$sh" .sh)" env BIN="$BIN" sh "$sh" "$MODE"
	done
	if [ -n "$failed" ]; then
		echo "bench: failed:$failed"
		return 1
	fi
	echo "bench: all done"
}

mkdir -p "$(dirname "$LOG")"
# Keep main's exit status through the tee.
{ main; echo $? >"$LOG.rc"; } 2>&1 | tee "$LOG"
rc=$(cat "$LOG.rc" 2>/dev/null || echo 1)
rm -f "$LOG.rc"
exit "$rc"
