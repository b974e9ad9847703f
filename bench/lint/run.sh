#!/bin/bash
# bench/lint - time `edgenetc lint` on a generated fleet of 10,000 devices
# and 1,000 services (YAML and JSON), beside the library floor (libyaml's
# event parser / jansson's json_loadb on the same bytes), and measure
# peak RSS against the input size.  Goal: < 1 s, < 10x input.
#
#   bench/lint/run.sh [DEVICES [SERVICES]]      (BUILD=build by default)
#
# Prints: machine, sizes, median wall time of RUNS runs (hyperfine when
# present), the ratio to the floor, peak RSS and RSS / input size, and
# the time per phase (load, check, print) from bench/lint/lint_phases.c.
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-build}
DEV=${1:-10000}
SVC=${2:-1000}
RUNS=${RUNS:-7}
B="$TOP/$BUILD/bench"
EDGENETC="$TOP/$BUILD/edgenetc"
mkdir -p "$B"
[ -x "$EDGENETC" ] || make -C "$TOP" BUILD="$BUILD" "$BUILD/edgenetc" >/dev/null
make -s -C "$TOP" BUILD="$BUILD" "$BUILD/bench/lint_phases" "$BUILD/bench/lint_floor" >&2

for fmt in yaml json; do
	f="$B/fleet-$DEV-$SVC.$fmt"
	[ -s "$f" ] || python3 "$TOP/bench/lint/gen_fleet.py" --devices "$DEV" \
	    --services "$SVC" --format "$fmt" >"$f"
done

echo "machine: $(nproc) CPUs, $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1)"
echo "date:    $(date -u +%Y-%m-%dT%H:%MZ)   load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "fleet:   $DEV devices, $SVC services, 5 instances a device, GPSd on one service in 10"

# median wall seconds of "$@" over RUNS runs (exit status 0 or 1 accepted)
median() {
	if command -v hyperfine >/dev/null; then
		hyperfine -N -i -w 1 -r "$RUNS" --export-json "$B/hf.json" \
		    --output null "$*" >/dev/null 2>&1
		python3 -c 'import json,sys; print("%.3f" % json.load(open(sys.argv[1]))["results"][0]["median"])' "$B/hf.json"
	else
		for i in $(seq "$RUNS"); do
			s=$(date +%s.%N); "$@" >/dev/null 2>&1 || true
			echo "$(date +%s.%N) - $s" | bc
		done | sort -n | awk '{a[NR]=$1} END {printf "%.3f\n", a[int((NR+1)/2)]}'
	fi
}

printf '\n%-5s %9s %9s %9s %7s %9s %7s\n' fmt "input MB" "lint s" "floor s" ratio \
    "RSS MB" RSS/in
for fmt in yaml json; do
	f="$B/fleet-$DEV-$SVC.$fmt"
	size=$(stat -c %s "$f")
	t=$(median "$EDGENETC" lint "$f")
	fl=$(median "$B/lint_floor" "$f")
	rss=$( { /usr/bin/time -f '%M' "$EDGENETC" lint "$f" >/dev/null; } 2>&1 | tail -1)
	ndiag=$("$EDGENETC" lint "$f" | grep -c '^[^ ].*: \(error\|warning\): ' || true)
	printf '%-5s %9.1f %9s %9s %7.1f %9.1f %7.1f   (%s diagnostics)\n' "$fmt" \
	    "$(echo "$size / 1048576" | bc -l)" "$t" "$fl" \
	    "$(echo "$t / $fl" | bc -l)" "$(echo "$rss / 1024" | bc -l)" \
	    "$(echo "$rss * 1024 / $size" | bc -l)" "$ndiag"
done

echo
for fmt in yaml json; do
	printf '%-5s ' "$fmt"
	"$B/lint_phases" "$B/fleet-$DEV-$SVC.$fmt"
done
