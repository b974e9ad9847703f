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
#   same     unchanged input: decisions read back, every device's inputs
#            digest found unchanged in OUTDIR's list, nothing rendered,
#            read or written
#   comment  a comment appended to the input: the same (each device's
#            digest covers only what it sees)
#   plus1    one instance added to one device: exactly that device's
#            bundle written (checked: the JSON report says 1 changed)
#   diff     edgenetc diff of the fleet and the fleet with one instance
#            more, against the ledger (read-only)
#
# usage: bench/compile/run.sh [DEVICES [RUNS [WORKDIR]]]
#   EDGENETC=path  the binary (default build/edgenetc)
#   BIG=M          also a fleet of M devices x 4 (e.g. 100000), one run
#                  each: cold compile, one-change compile, lint; wall time
#                  and peak memory
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
N=${1:-10000} RUNS=${2:-3} W=${3:-${TMPDIR:-/tmp}}
EDGENETC=${EDGENETC:-$TOP/build/edgenetc}
D=$(mktemp -d "$W/bench-compile.XXXXXX")
trap 'rm -rf "$D"' EXIT
make -s -C "$TOP" BUILD=build build/bench/fsfloor >&2
python3 "$TOP/bench/compile/gen_fleet.py" --devices "$N" >"$D/fleet.yaml"
python3 "$TOP/bench/compile/gen_fleet.py" --devices "$N" \
    --add-instance $((N / 2)) >"$D/plus.yaml"

median() { sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
now() { date +%s.%N; }
# /usr/bin/time -f: wall user sys maxrss(KB)
timed() {
	/usr/bin/time -f "%e %U %S %M" -o "$D/t" "$@" >"$D/stdout" 2>"$D/err" ||
	    { cat "$D/err" >&2; exit 1; }
	cat "$D/t"
}
# diff exits 1 when the inputs differ
timed_diff() {
	set +e
	/usr/bin/time -f "%e %U %S %M" -o "$D/t" "$@" >"$D/stdout" 2>"$D/err"
	rc=$?
	set -e
	[ $rc = 1 ] || { cat "$D/err" >&2; echo "diff exit $rc" >&2; exit 1; }
	tail -1 "$D/t"
}
# the number of devices the last compile --format json wrote
written() {
	python3 -c 'import json,sys; print(sum(d["change"] in ("new", "changed") for d in json.load(open(sys.argv[1]))["devices"]))' "$D/stdout"
}

for f in cold same comment plus1 diff lint floor floor_changed; do : >"$D/$f"; done
for r in $(seq "$RUNS"); do
	rm -rf "$D/out" "$D/l.db"* "$D/fl1" "$D/fl2"
	cp "$D/fleet.yaml" "$D/in.yaml"
	timed "$EDGENETC" lint "$D/in.yaml" >>"$D/lint"
	timed "$EDGENETC" compile --ledger "$D/l.db" -o "$D/out" "$D/in.yaml" >>"$D/cold"
	timed "$EDGENETC" compile --ledger "$D/l.db" -o "$D/out" --format json "$D/in.yaml" >>"$D/same"
	[ "$(written)" = 0 ] || { echo "unchanged input: $(written) devices written" >&2; exit 1; }
	echo "# run $r" >>"$D/in.yaml"
	timed "$EDGENETC" compile --ledger "$D/l.db" -o "$D/out" --format json "$D/in.yaml" >>"$D/comment"
	[ "$(written)" = 0 ] || { echo "a comment: $(written) devices written" >&2; exit 1; }
	timed_diff "$EDGENETC" diff --ledger "$D/l.db" --format json "$D/in.yaml" "$D/plus.yaml" >>"$D/diff"
	cp "$D/l.db" "$D/plus.db"; cp "$D/l.db-wal" "$D/plus.db-wal" 2>/dev/null || true
	cp -a "$D/out" "$D/out-plus"
	timed "$EDGENETC" compile --ledger "$D/plus.db" -o "$D/out-plus" --format json "$D/plus.yaml" >>"$D/plus1"
	[ "$(written)" = 1 ] || { echo "one instance added: $(written) devices written" >&2; exit 1; }
	rm -rf "$D/out-plus" "$D/plus.db"*
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
row "compile unchanged" same ""
row "compile comment" comment ""
row "compile +1 instance" plus1 ""
row "diff +1 instance" diff ""
row "lint (parse+check)" lint ""
printf '%-22s %7.2fs\n' "floor: create tree" "$fw"
printf '%-22s %7.2fs\n' "floor: create + rm -rf" "$fcw"
lw=$(col lint 1)
for f in same plus1 diff; do
	[ "$(echo "$lw > 0" | bc -l)" = 1 ] || break	# too small to time
	printf '%-22s %7.2fx lint\n' "$f / lint" "$(echo "$(col $f 1) / $lw" | bc -l)"
done

# a large fleet: one run each, wall time and peak memory
if [ -n "${BIG:-}" ]; then
	python3 "$TOP/bench/compile/gen_fleet.py" --devices "$BIG" >"$D/big.yaml"
	python3 "$TOP/bench/compile/gen_fleet.py" --devices "$BIG" \
	    --add-instance $((BIG / 2)) >"$D/big-plus.yaml"
	rm -rf "$D/out" "$D/l.db"*
	: >"$D/bl"; : >"$D/bc"; : >"$D/b1"
	timed "$EDGENETC" lint "$D/big.yaml" >>"$D/bl"
	timed "$EDGENETC" compile --ledger "$D/l.db" -o "$D/out" "$D/big.yaml" >>"$D/bc"
	timed "$EDGENETC" compile --ledger "$D/l.db" -o "$D/out" --format json "$D/big-plus.yaml" >>"$D/b1"
	[ "$(written)" = 1 ] || { echo "big, one instance added: $(written) devices written" >&2; exit 1; }
	printf '\nfleet: %d devices x 4 instances (%s YAML), one run each\n' \
	    "$BIG" "$(du -h "$D/big.yaml" | cut -f1)"
	printf '%-22s %8s %9s\n' "" wall "peak RSS"
	for x in "compile cold:bc" "compile +1 instance:b1" "lint (parse+check):bl"; do
		printf '%-22s %7.2fs %7dMB\n' "${x%%:*}" "$(col "${x##*:}" 1)" \
		    $(( $(col "${x##*:}" 4) / 1024 ))
	done
fi
