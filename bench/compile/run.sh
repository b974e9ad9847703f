#!/bin/bash
# bench/compile: compile a generated fleet of N devices x 4 instances and
# compare, in the same run, with
#   - the file-system floor: fsfloor.c creating the same tree (same
#     directories, same file sizes and modes, one open+write+close each,
#     then one syncfs, as compile does) on the same file system, plus
#     `rm -rf` of a tree of that shape where compile replaces bundles;
#   - lint of the same fleet (parse + checks: no ledger, no output).
# Runs:
#   cold     fresh ledger, empty OUTDIR: every allocation made and recorded,
#            every bundle written
#   same     the same again: decisions read back, every bundle found
#            unchanged on disk (read, compared, left alone)
#   changed  the input file changed (a comment appended: the inputs digest
#            in every manifest changes): every bundle rewritten, swapped in,
#            the old one deleted
#
# usage: bench/compile/run.sh [DEVICES [RUNS [WORKDIR]]]
#   EDGENETC=path  the binary (default build/edgenetc)
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
N=${1:-10000} RUNS=${2:-3} W=${3:-${TMPDIR:-/tmp}}
EDGENETC=${EDGENETC:-$TOP/build/edgenetc}
D=$(mktemp -d "$W/bench-compile.XXXXXX")
trap 'rm -rf "$D"' EXIT
make -s -C "$TOP" BUILD=build build/bench/fsfloor >&2
python3 "$TOP/bench/compile/gen_fleet.py" --devices "$N" >"$D/fleet.yaml"

median() { sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
now() { date +%s.%N; }
# /usr/bin/time -f: wall user sys maxrss(KB)
timed() {
	/usr/bin/time -f "%e %U %S %M" -o "$D/t" "$@" >/dev/null 2>"$D/err" ||
	    { cat "$D/err" >&2; exit 1; }
	cat "$D/t"
}

for f in cold same changed lint floor floor_changed; do : >"$D/$f"; done
for r in $(seq "$RUNS"); do
	rm -rf "$D/out" "$D/l.db"* "$D/fl1" "$D/fl2"
	cp "$D/fleet.yaml" "$D/in.yaml"
	timed "$EDGENETC" lint "$D/in.yaml" >>"$D/lint"
	timed "$EDGENETC" compile --ledger "$D/l.db" -o "$D/out" "$D/in.yaml" >>"$D/cold"
	timed "$EDGENETC" compile --ledger "$D/l.db" -o "$D/out" "$D/in.yaml" >>"$D/same"
	echo "# run $r" >>"$D/in.yaml"
	timed "$EDGENETC" compile --ledger "$D/l.db" -o "$D/out" "$D/in.yaml" >>"$D/changed"
	if [ "$r" = 1 ]; then
		(cd "$D/out" && find . -mindepth 1 -printf '%y %m %s %P\n' |
		    awk '$1 == "d" { print "d", $4 } $1 == "f" { print "f", $2, $3, $4 }') >"$D/list"
		files=$(grep -c '^f' "$D/list"); dirs=$(grep -c '^d' "$D/list")
		bytes=$(awk '$1 == "f" { s += $3 } END { print s }' "$D/list")
	fi
	c=$("$TOP/build/bench/fsfloor" "$D/list" "$D/fl1")
	echo "$c" >>"$D/floor"
	c2=$("$TOP/build/bench/fsfloor" "$D/list" "$D/fl2")
	t0=$(now); rm -rf "$D/fl1"; t1=$(now)
	echo "$c2 + $t1 - $t0" | bc -l >>"$D/floor_changed"
done
col() { awk -v c="$2" '{ print $c }' "$D/$1" | median; }
printf 'fleet: %d devices x 4 instances (%s YAML), median of %d runs, on %s\n' \
    "$N" "$(du -h "$D/fleet.yaml" | cut -f1)" "$RUNS" \
    "$(df -T "$D" | awk 'NR == 2 { print $2 }')"
printf 'bundles: %d files, %d directories, %d bytes\n' "$files" "$dirs" "$bytes"
printf '%-22s %8s %8s %8s %9s %10s %8s\n' "" wall user sys "peak RSS" \
    bundles/s "/floor"
row() {	# name file floor
	w=$(col "$2" 1)
	printf '%-22s %7.2fs %7.2fs %7.2fs %7dMB %10.0f %8s\n' "$1" "$w" \
	    "$(col "$2" 2)" "$(col "$2" 3)" $(( $(col "$2" 4) / 1024 )) \
	    "$(echo "$N / $w" | bc -l)" \
	    "$([ -n "$3" ] && printf '%.2f' "$(echo "$w / $3" | bc -l)")"
}
fw=$(median <"$D/floor") fcw=$(median <"$D/floor_changed")
row "compile cold" cold "$fw"
row "compile same" same ""
row "compile changed" changed "$fcw"
row "lint (parse+check)" lint ""
printf '%-22s %7.2fs\n' "floor: create tree" "$fw"
printf '%-22s %7.2fs\n' "floor: create + rm -rf" "$fcw"
