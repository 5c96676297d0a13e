#!/bin/sh
# Run every tests/integration/*.sh (each exits 0 pass, 77 skip, else fail)
# and print the summary line `N passed, M failed, K skipped`.
# Environment: BIN (binaries), TESTBIN (test programs), SHARED (../shared).
set -u
pass=0 fail=0 skip=0
for t in tests/integration/*.sh; do
	[ -e "$t" ] || continue
	name=$(basename "$t" .sh)
	log=$(mktemp)
	if timeout 300 sh "$t" >"$log" 2>&1; then rc=0; else rc=$?; fi
	case $rc in
	0) pass=$((pass + 1)); echo "PASS: $name" ;;
	77) skip=$((skip + 1)); echo "SKIP: $name: $(tail -n 1 "$log")" ;;
	*) fail=$((fail + 1)); echo "FAIL: $name (exit $rc)"; sed 's/^/    /' "$log" | tail -n 40 ;;
	esac
	rm -f "$log"
done
echo "integration: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
