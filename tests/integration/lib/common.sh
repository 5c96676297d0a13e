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
