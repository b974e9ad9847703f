#!/bin/sh
# Installs what `make CROSS=aarch64-linux-gnu-`, `make CROSS=arm-linux-gnueabihf-`
# and `make cross-check` need on Debian: the cross compilers, the runtime's
# libraries (libmnl, libnftnl) and cmocka for arm64 and armhf through
# multiarch, and qemu-user to run the unit tests; and the packages named
# as arguments (scripts/lab-deps.sh).  Idempotent.
set -e
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
PKGS="gcc-aarch64-linux-gnu gcc-arm-linux-gnueabihf qemu-user
libc6-dev-arm64-cross libc6-dev-armhf-cross
libmnl-dev:arm64 libnftnl-dev:arm64 libcmocka-dev:arm64
libmnl-dev:armhf libnftnl-dev:armhf libcmocka-dev:armhf $*"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
	    missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "cross-deps: installing$missing" >&2
for a in arm64 armhf; do
	dpkg --print-foreign-architectures | grep -qx "$a" ||
	    $SUDO dpkg --add-architecture "$a"
done
# A mirror caught mid-sync fails one index: try the install anyway.
$SUDO apt-get update || echo "cross-deps: apt-get update reported errors" >&2
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y $missing
