#!/bin/sh
# Boots the device lab for one architecture and reports its checks:
# the bundles compiled here (tests/lab/bundles.sh), the stripped
# cross-built runtime, the scenario and tests/lab/lib.sh go into a small
# initramfs appended to DIR/base.cpio.gz (tests/lab/mkroot.sh); Debian's
# kernel boots it under qemu-system (TCG, one vCPU, no network card) and
# the console's "LAB ..." lines come back here.  Exits non-zero when a
# check fails, when the stripped runtime is over 150 KB, or when the VM
# does not finish within LAB_TIMEOUT seconds (default 300).
#
#   tests/lab/run.sh ARCH DIR RUNTIME EDGENETC [SCENARIO [NAME=FLEET...]]
set -eu
ARCH=$1 DIR=$2 RUNTIME=$3 EDGENETC=$4
SCENARIO=${5:-}
[ $# -gt 5 ] && shift 5 || shift $#
TOP=$(cd "$(dirname "$0")/../.." && pwd)
[ -n "$SCENARIO" ] || SCENARIO=$TOP/tests/lab/scenario.sh
case $ARCH in
arm64)	TRIPLET=aarch64-linux-gnu
	QEMU="qemu-system-aarch64 -M virt -cpu cortex-a57" ;;
armhf)	TRIPLET=arm-linux-gnueabihf
	QEMU="qemu-system-arm -M virt,highmem=off -cpu cortex-a15" ;;
*)	echo "lab: unknown architecture $ARCH" >&2; exit 2 ;;
esac

P=$DIR/payload
rm -rf "$P"
mkdir -p "$P/lab"
"$TOP/tests/lab/bundles.sh" "$EDGENETC" "$P/lab/bundles" "$@"
"$TRIPLET-strip" -o "$P/lab/edgenet-apply" "$RUNTIME"
cp "$TOP/tests/lab/init" "$P/init"
cp "$TOP/tests/lab/lib.sh" "$P/lab/lib.sh"
cp "$SCENARIO" "$P/lab/scenario.sh"
(cd "$P" && find . | cpio -o -H newc --quiet) | gzip -1 > "$DIR/payload.cpio.gz"
cat "$DIR/base.cpio.gz" "$DIR/payload.cpio.gz" > "$DIR/initrd.gz"

size=$(stat -c %s "$P/lab/edgenet-apply")
echo "lab $ARCH: edgenet-apply $size bytes stripped; booting $(basename "$SCENARIO")"
LOG=$DIR/console.log
start=$(date +%s)
rc=0
timeout "${LAB_TIMEOUT:-300}" $QEMU -m 512 -smp 1 -accel tcg -nic none \
    -display none -monitor none -serial stdio -no-reboot \
    -kernel "$DIR/vmlinuz" -initrd "$DIR/initrd.gz" \
    -append "console=ttyAMA0 rdinit=/init panic=-1 quiet loglevel=1" \
    < /dev/null > "$LOG" 2>&1 || rc=$?
tr -d '\r' < "$LOG" > "$LOG.txt"
grep '^LAB ' "$LOG.txt" | sed "s/^/$ARCH: /" || true
secs=$(($(date +%s) - start))
pass=$(grep -c '^LAB PASS' "$LOG.txt" || true)
fail=$(grep -c '^LAB FAIL' "$LOG.txt" || true)
if [ "$size" -le 153600 ]; then
	pass=$((pass + 1)); echo "$ARCH: LAB PASS size ($size bytes <= 150 KB)"
else
	fail=$((fail + 1)); echo "$ARCH: LAB FAIL size: $size bytes > 150 KB"
fi
ok=yes
if [ "$rc" = 124 ]; then
	echo "lab $ARCH: timeout after ${LAB_TIMEOUT:-300} s; console: $LOG.txt"; ok=no
elif ! grep -q '^LAB DONE' "$LOG.txt"; then
	tail -n 20 "$LOG.txt"
	echo "lab $ARCH: the scenario did not finish (qemu exit $rc)"; ok=no
fi
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ] || ok=no
echo "lab $ARCH: $pass passed, $fail failed (${secs} s)"
[ $ok = yes ]
