#!/bin/sh
# Installs what `make lab` needs on Debian, if missing: the cross
# toolchains and multiarch libraries (scripts/cross-deps.sh, which enables
# the arm64 and armhf architectures), qemu-system for ARM, and the tools
# that build the initramfs (cpio, kmod's depmod, xz).  Idempotent.
set -e
"$(dirname "$0")/cross-deps.sh"
PKGS="qemu-system-arm cpio kmod xz-utils zstd binutils gzip"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
	    missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "lab-deps: installing$missing" >&2
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
$SUDO apt-get update || echo "lab-deps: apt-get update reported errors" >&2
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y $missing
