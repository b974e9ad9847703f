#!/bin/bash
# bench/parse - the three front-ends (YAML, JSON, GraphQL) on the same
# generated fleet, in one run.
#
#   bench/parse/run.sh [SERVICES]        (default 40000: about 10 MB of YAML)
#
# One fleet of SERVICES node services (bench/lint/gen_fleet.py, no
# devices: GraphQL import mutations hold services only) is written as
# YAML by the generator, then as JSON and GraphQL by `edgenetc fmt`, so
# the three files hold the same model.  For each syntax, three stages
# run, each in its own process (build/bench/parse, median of >= 5 runs):
#   floor  the library or scanner alone (libyaml events, jansson
#          json_loadb, the flex scanner's tokens): what we cannot beat
#   tree   the front-end: text -> vnode tree
#   load   text -> model (tree + mapper), what lint and compile pay
# and prints MB/s, the ratio of load to floor, and the peak RSS of the
# load process above the input buffer.  The row "graphql/s" is GraphQL's
# streaming load called directly (front_graphql_load: each import mapped
# as soon as it is parsed), in the load and peak columns; it is also
# what the load row (front_load_buf) runs, after its copy of the buffer.
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
cd "$TOP"
BUILD=${BUILD:-build}
N=${1:-40000}
make -s "$BUILD/edgenetc" "$BUILD/bench/parse" >&2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

python3 bench/lint/gen_fleet.py --devices 0 --services "$N" --format yaml \
    >"$T/fleet.yaml"
"$BUILD/edgenetc" fmt --to json "$T/fleet.yaml" >"$T/fleet.json"
"$BUILD/edgenetc" fmt --to graphql "$T/fleet.yaml" >"$T/fleet.graphql"
# the three must hold one model
for s in json graphql; do
	"$BUILD/edgenetc" fmt --to json "$T/fleet.$s" | cmp -s - "$T/fleet.json" ||
	    { echo "bench/parse: $s differs from the YAML model" >&2; exit 1; }
done

echo "# $(date -u +%Y-%m-%d) $(uname -m) $(nproc) cores; $N services," \
    "no devices"
printf '%-8s %7s %10s %10s %10s %8s %10s\n' syntax MB floor_MB/s \
    tree_MB/s load_MB/s load/flr peak_MB
for s in yaml json graphql; do
	declare -A mbs=()
	for stage in floor tree load; do
		read -r _ _ bytes _ rate peak base < <("$BUILD/bench/parse" \
		    "$s" "$stage" "$T/fleet.$s")
		mbs[$stage]=$rate
		[ "$s/$stage" = graphql/floor ] && gql_floor=$rate
		[ "$stage" = load ] && lpeak=$(((peak - base) / 1024))
	done
	printf '%-8s %7.1f %10s %10s %10s %8.2f %10s\n' "$s" \
	    "$(echo "$bytes / 1000000" | bc -l)" "${mbs[floor]}" \
	    "${mbs[tree]}" "${mbs[load]}" \
	    "$(echo "${mbs[load]} / ${mbs[floor]}" | bc -l)" "$lpeak"
	unset mbs
done
read -r _ _ bytes _ rate peak base < <("$BUILD/bench/parse" graphql stream \
    "$T/fleet.graphql")
printf '%-8s %7.1f %10s %10s %10s %8.2f %10s\n' graphql/s \
    "$(echo "$bytes / 1000000" | bc -l)" - - "$rate" \
    "$(echo "$rate / $gql_floor" | bc -l)" "$(((peak - base) / 1024))"
