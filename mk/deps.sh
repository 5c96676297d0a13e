#!/bin/sh
# Install the Debian packages locd needs, only those missing.
# A quick no-op when everything is present. Used by `make deps`.
set -eu

# Build: compiler, pkg-config and the libraries locd links against.
BUILD_PKGS="gcc make pkg-config libgeos-dev libproj-dev libxml2-dev check
libevent-dev libssl-dev libsqlite3-dev libinih-dev libjansson-dev"
# Tests: reference peers and tools the test suites drive.
TEST_PKGS="geographiclib-tools libxml2-utils openssl curl sip-tester sipsak
gpsbabel jq clang python3 kamailio"

want="$BUILD_PKGS $TEST_PKGS ${EXTRA_PKGS:-}"
missing=""
for p in $want; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$st" in
	*" installed") ;;
	*) missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && exit 0

echo "deps: installing:$missing"
SUDO=""
if [ "$(id -u)" != 0 ]; then
	if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
		echo "deps: need root (or sudo) to install:$missing" >&2
		exit 1
	fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
# Packaged servers the tests and benchmarks start themselves on free ports:
# never leave the distribution's own service running (Kamailio's would take
# port 5060 from `make run`; PostgreSQL's is not needed).
for svc in kamailio postgresql; do
	case " $missing " in
	*" $svc "*|*" $svc-"*) ;;
	*) continue ;;
	esac
	if command -v systemctl >/dev/null 2>&1 &&
	    systemctl is-active --quiet "$svc" 2>/dev/null; then
		$SUDO systemctl disable --now "$svc" >/dev/null 2>&1 || true
	fi
done
exit 0
