# common.sh: shell helpers shared by tests/integration/*.sh (POSIX sh,
# sourced, not run; kept out of tests/integration/ itself because
# mk/run-integration.sh runs every *.sh there).  Source it from the repo
# root: . tests/integration/lib/common.sh
#
# need_bins DIR PROG...: exit 1 ("FAIL: DIR/PROG not built") unless every
#   DIR/PROG is executable.
# need_tools TOOL...: exit 77 ("skipped: TOOL not installed") unless every
#   TOOL is on PATH.
# locd_setup: make the scratch directory $tmp, source
#   scenarios/locd_common.inc (start_locd, stop_locd, wait_log, run_sipp,
#   ...) and trap locd_cleanup on exit; needs BIN.
# rand_port [LOW [SPAN]]: a random port in LOW..LOW+SPAN-1 (default
#   20000..49999).
# kill_wait PID: kill PID (when set) and reap it.
# wait_ready LOG COUNT PID: wait (5 s at most) until LOG has COUNT lines
#   starting "ready"; 1 when it does not or PID exits first.
# pass MSG / bad MSG: print "PASS: MSG" / "FAIL: MSG" (bad sets fail=1).

# Sourced once (scenarios/locd_common.inc sources it too).
[ -n "${_lib_common_sourced:-}" ] && return 0
_lib_common_sourced=1

need_bins() {
	_nb_dir=$1
	shift
	for _nb_p in "$@"; do
		if [ ! -x "$_nb_dir/$_nb_p" ]; then
			echo "FAIL: $_nb_dir/$_nb_p not built"
			exit 1
		fi
	done
}

need_tools() {
	for _nt_t in "$@"; do
		if ! command -v "$_nt_t" >/dev/null 2>&1; then
			echo "skipped: $_nt_t not installed"
			exit 77
		fi
	done
}

locd_setup() {
	tmp=$(mktemp -d)
	. tests/integration/scenarios/locd_common.inc
	trap locd_cleanup EXIT
	trap 'exit 2' INT TERM
}

rand_port() {
	_rp_n=$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')
	echo $((${1:-20000} + _rp_n % ${2:-30000}))
}

kill_wait() {
	[ -n "$1" ] || return 0
	kill "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}

wait_ready() {
	_wr_i=0
	while [ $_wr_i -lt 50 ]; do
		[ "$(grep -c '^ready' "$1")" = "$2" ] && return 0
		kill -0 "$3" 2>/dev/null || return 1
		sleep 0.1
		_wr_i=$((_wr_i + 1))
	done
	return 1
}

# pass / bad print a result line and count it (npass, nfail; bad also
# sets fail=1 for scripts that only test that).
npass=0
nfail=0
pass() { npass=$((npass + 1)); echo "PASS: $*"; }
bad() { nfail=$((nfail + 1)); echo "FAIL: $*"; fail=1; }
