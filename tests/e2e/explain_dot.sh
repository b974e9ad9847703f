#!/bin/bash
# explain --format dot for every device of every valid example and
# testdata fleet renders with graphviz's dot -Tsvg, and the graph names
# each instance, physical port and client network of the device;
# --format svg runs dot itself, and says so clearly when dot is missing.
set -u
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
EDGENETC=${EDGENETC:-$TOP/build/edgenetc}
command -v dot >/dev/null || { echo "no graphviz dot (scripts/deps.sh)" >&2; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
n=0
cd "$TOP" || exit 1
# every input with devices that lints without errors
files=$(grep -rlE '^devices:|"devices"' testdata examples 2>/dev/null \
    --include='*.yaml' --include='*.json' | grep -v '^testdata/lint/' | sort)
for f in $files; do
	"$EDGENETC" lint "$f" >/dev/null 2>&1 || continue
	"$EDGENETC" fmt --to json "$f" >"$tmp/model.json" 2>/dev/null || continue
	devs=$(python3 -c 'import json,sys
for d in json.load(open(sys.argv[1])).get("devices", []): print(d["id"])' "$tmp/model.json")
	for dev in $devs; do
		n=$((n + 1))
		if ! "$EDGENETC" explain --ledger :memory: --device "$dev" --format dot "$f" \
		    >"$tmp/g.dot" 2>"$tmp/err"; then
			echo "FAIL $f $dev: explain: $(tail -1 "$tmp/err")"; fail=1; continue
		fi
		if ! dot -Tsvg "$tmp/g.dot" >"$tmp/g.svg" 2>"$tmp/err"; then
			echo "FAIL $f $dev: dot: $(head -3 "$tmp/err")"; fail=1; continue
		fi
		python3 - "$tmp/model.json" "$dev" "$tmp/g.dot" "$tmp/g.svg" <<'PY' || { echo "FAIL $f $dev"; fail=1; }
import json, re, sys
import xml.etree.ElementTree as ET
model, dev, dotf, svgf = sys.argv[1:]
d = [x for x in json.load(open(model))["devices"] if x["id"] == dev][0]
g = open(dotf).read()
ET.parse(svgf)  # well-formed SVG
labels = " ".join(re.findall(r'label="((?:[^"\\]|\\.)*)"', g))
bad = 0
def need(what, name):
    global bad
    if not re.search(r'(^|[\s(])' + re.escape(name) + r'($|[\s)\\,])', labels.replace("\\n", " ")):
        print("  graph does not name %s %s" % (what, name)); bad = 1
for i in d.get("instances", []): need("instance", i["id"])
for p in d.get("interfaces", []): need("port", p)
for c in d.get("client_networks", []): need("client network", c["name"])
sys.exit(bad)
PY
	done
done
echo "$n devices drawn"
[ $n -gt 0 ] || { echo "FAIL: no device found"; fail=1; }

# --format svg: through dot; without dot a clear error and exit 1
f=testdata/fleet/fleet.yaml
"$EDGENETC" explain --ledger :memory: --device bus-0042 --format svg "$f" 2>/dev/null >"$tmp/s.svg" ||
    { echo "FAIL: --format svg"; fail=1; }
python3 -c 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])' "$tmp/s.svg" ||
    { echo "FAIL: --format svg is not SVG"; fail=1; }
PATH=/nonexistent "$EDGENETC" explain --ledger :memory: --device bus-0042 --format svg "$f" \
    >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc = 1 ] || { echo "FAIL: svg without dot: rc $rc"; fail=1; }
grep -q "needs graphviz's 'dot' in PATH" "$tmp/err" || { echo "FAIL: svg without dot: $(cat "$tmp/err")"; fail=1; }
[ -s "$tmp/out" ] && { echo "FAIL: svg without dot printed something"; fail=1; }
"$EDGENETC" explain --ledger :memory: --device bus-0042 --format png "$f" >/dev/null 2>"$tmp/err"
[ $? = 2 ] && grep -q "text, json, dot, svg" "$tmp/err" || { echo "FAIL: --format png"; fail=1; }
[ $fail = 0 ] && echo ok
exit $fail
