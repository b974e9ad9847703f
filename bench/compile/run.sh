#!/bin/bash
# bench/compile: compile a generated fleet of N devices x 4 instances and
# compare, in the same run, with
#   - the file-system floor: fsfloor.c creating the same tree (same
#     directories, same file sizes and modes, one open+write+close each,
#     then one syncfs, as compile does) on the same file system;
#   - lint of the same fleet (parse + checks, no ledger, no output).
# Cold = fresh ledger and empty OUTDIR (every allocation is made and
# recorded); warm = the same again into the existing OUTDIR (decisions
# read back, each device bundle swapped in, the old one deleted).
#
# usage: bench/compile/run.sh [DEVICES [RUNS [WORKDIR]]]
#   EDGENETC=path  the binary (default build/edgenetc)
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
N=${1:-10000} RUNS=${2:-3} W=${3:-${TMPDIR:-/tmp}}
EDGENETC=${EDGENETC:-$TOP/build/edgenetc}
D=$(mktemp -d "$W/bench-compile.XXXXXX")
trap 'rm -rf "$D"' EXIT
cc -O2 -o "$D/fsfloor" "$TOP/bench/compile/fsfloor.c"
python3 "$TOP/bench/compile/gen_fleet.py" --devices "$N" >"$D/fleet.yaml"

median() { sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
# time -f: wall user sys maxrss(KB)
timed() { /usr/bin/time -f "%e %U %S %M" -o "$D/t" "$@" >/dev/null 2>"$D/err" ||
	{ cat "$D/err"; exit 1; }; cat "$D/t"; }

: >"$D/cold"; : >"$D/warm"; : >"$D/floor"; : >"$D/lint"
for r in $(seq "$RUNS"); do
	rm -rf "$D/out" "$D/l.db"* "$D/floor-out"
	timed "$EDGENETC" lint "$D/fleet.yaml" >>"$D/lint" || true
	timed "$EDGENETC" compile --ledger "$D/l.db" -o "$D/out" "$D/fleet.yaml" >>"$D/cold"
	timed "$EDGENETC" compile --ledger "$D/l.db" -o "$D/out" "$D/fleet.yaml" >>"$D/warm"
	if [ "$r" = 1 ]; then
		(cd "$D/out" && find . -mindepth 1 -printf '%y %m %s %P\n' |
		    awk '$1 == "d" { print "d", $4 } $1 == "f" { print "f", $2, $3, $4 }') >"$D/list"
		files=$(grep -c '^f' "$D/list"); dirs=$(grep -c '^d' "$D/list")
		bytes=$(du -sb "$D/out" | cut -f1)
	fi
	"$D/fsfloor" "$D/list" "$D/floor-out" >>"$D/floor"
done
col() { awk -v c="$2" '{ print $c }' "$D/$1" | median; }
cw=$(col cold 1) ww=$(col warm 1) fw=$(col floor 1) lw=$(col lint 1)
printf 'fleet: %d devices x 4 instances (%s), %d runs, on %s\n' "$N" \
    "$(du -h "$D/fleet.yaml" | cut -f1)" "$RUNS" "$(df -T "$D" | awk 'NR == 2 { print $2 }')"
printf 'bundles: %d files, %d directories, %d bytes\n' "$files" "$dirs" "$bytes"
printf '%-28s %8s %8s %8s %10s %10s\n' "" wall user sys "peak RSS" bundles/s
for k in cold warm lint; do
	printf '%-28s %7.2fs %7.2fs %7.2fs %8dMB %10.0f\n' "compile $k" \
	    "$(col $k 1)" "$(col $k 2)" "$(col $k 3)" $(( $(col $k 4) / 1024 )) \
	    "$(echo "$N / $(col $k 1)" | bc -l)"
done | sed 's/^compile lint/lint (parse+check)/'
printf '%-28s %7.2fs\n' "file-system floor" "$fw"
printf 'ratio cold/floor %.2f, warm/floor %.2f\n' "$(echo "$cw / $fw" | bc -l)" \
    "$(echo "$ww / $fw" | bc -l)"
