#!/bin/sh
# Installs what `make lab` needs on Debian, if missing: the cross
# toolchains and multiarch libraries of scripts/cross-deps.sh (which
# enables the arm64 and armhf architectures, so apt-get download finds
# their packages), qemu-system for ARM, and the tools that build the
# initramfs (cpio, kmod's depmod, xz, readelf).  Idempotent.
exec "$(dirname "$0")/cross-deps.sh" qemu-system-arm cpio kmod xz-utils \
    zstd binutils gzip
