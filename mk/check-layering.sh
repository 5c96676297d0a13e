#!/bin/sh
# Enforce the one-way dependency graph of STYLE.md section 1 over
# #include "..." lines: sip/ and geo/ include nothing of ours but
# themselves; pidf/ may use geo/; filters/ may use pidf/ and geo/; tools/
# never include locd/.
set -eu
bad=0
check() { # dir, allowed-regex
	for f in $(find "$1" -name '*.[ch]' 2>/dev/null); do
		grep -Hn '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$f" |
		sed 's/.*include[[:space:]]*"\([^"]*\)".*/\1/' |
		while read -r inc; do
			case "$inc" in
			*/*) top=${inc%%/*} ;;
			*) top=$1 ;;
			esac
			if ! echo "$top" | grep -Eq "^($2)$"; then
				echo "layering: $f includes $inc" >&2
				echo x
			fi
		done
	done
}
out=$( {
	check sip 'sip'
	check geo 'geo'
	check pidf 'pidf|geo'
	check filters 'filters|pidf|geo'
	check tools 'tools|sip|pidf|geo|filters'
} )
if [ -n "$out" ]; then exit 1; fi
echo "layering: ok"
