#!/bin/sh
# Installs the Debian packages edgenetc needs to build and test, if
# missing; with arguments, those packages instead (.ci/run: the Debian
# packaging tools).
set -e
PKGS="$*"
[ -n "$PKGS" ] || PKGS="build-essential clang libclang-rt-14-dev pkg-config make
libyaml-dev libjansson-dev libsqlite3-dev libnftnl-dev libmnl-dev libcmocka-dev
flex bison nftables dnsmasq-base iproute2 busybox python3 dash bash
hyperfine valgrind qemu-user bc file isc-dhcp-client nodejs npm
libpq-dev postgresql
python3-jsonschema python3-yaml graphviz bsdutils mandoc man-db
bash-completion util-linux systemd time"
missing=""
for p in $PKGS; do
	# npm may come with another build of nodejs (which then provides it)
	[ "$p" = npm ] && command -v npm >/dev/null && continue
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
	    missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "deps: installing$missing" >&2
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO=sudo
	$SUDO apt-get update || echo "deps: apt-get update reported errors; continuing" >&2
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y $missing
fi
# the GraphQL reference parser (npm registry) for the conformance test
"$(dirname "$0")/graphql-js.sh"
