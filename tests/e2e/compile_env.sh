#!/bin/bash
# lxc.env round trip: one instance with every hostile value of the
# injection corpus (quotes, newlines, $(...), backticks, backslashes,
# UTF-8, empty values, '=' and '#', control bytes) as env entries, plus
# GPSd.  The file is sourced by sh, dash, bash, bash --posix and busybox
# sh; each variable is printed with printf '%s' into a file and compared
# byte for byte with the value given; sourcing runs nothing (a canary);
# the file has mode 0600 and its keys are sorted.
set -eu
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
EDGENETC=${EDGENETC:-$TOP/build/edgenetc}
command -v python3 >/dev/null || { echo "python3 not installed" >&2; exit 77; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

python3 - "$TOP/testdata/inject/cases.json" "$T" <<'EOP'
import json, os, sys
cases, T = json.load(open(sys.argv[1])), sys.argv[2]
vals = [p for p in cases["payloads"] if "\0" not in p]
vals += ["", "'" * 5, "\\" * 3, "x" * 4096, "\t\v\f\r", "\u00ff\u0100\U0001F600"]
env = {"V%03d" % i: v for i, v in enumerate(vals)}
os.makedirs(os.path.join(T, "want"))
for k, v in env.items():
    open(os.path.join(T, "want", k), "wb").write(v.encode())
fleet = {
  "services": [{"name": "envsvc", "access_gpsd_enabled": True, "env": env,
                "network_config": {"wan_configure_network": "dhcp"}}],
  "devices": [{"id": "d1", "arch": "amd64", "interfaces": ["eth0"],
               "gpsd": {"port": 2948},
               "client_networks": [{"name": "c", "default": True,
                                    "bridge": "br-c",
                                    "subnet": "172.20.0.1/24"}],
               "instances": [{"id": "e1", "service": "envsvc"}]}]}
json.dump(fleet, open(os.path.join(T, "fleet.json"), "w"))
open(os.path.join(T, "keys"), "w").write("\n".join(sorted(env)) + "\n")
open(os.path.join(T, "want", "CONFIG_GPSD_HOST"), "w").write("172.20.0.1")
open(os.path.join(T, "want", "CONFIG_GPSD_PORT"), "w").write("2948")
EOP
"$EDGENETC" compile --ledger "$T/l.db" -o "$T/out" "$T/fleet.json" 2>"$T/err" ||
    { cat "$T/err"; exit 1; }
ENV=$T/out/d1/instances/e1/lxc.env
[ "$(stat -c %a "$ENV")" = 600 ] || { echo "lxc.env mode $(stat -c %a "$ENV")"; exit 1; }
# keys in sorted order, one assignment per key
grep -o "^[A-Za-z_][A-Za-z0-9_]*='" "$ENV" | sed "s/='$//" >"$T/order"
LC_ALL=C sort -c "$T/order" || { echo "keys not sorted"; exit 1; }
{ cat "$T/keys"; echo CONFIG_GPSD_HOST; echo CONFIG_GPSD_PORT; } |
    LC_ALL=C sort >"$T/allkeys"
cmp "$T/allkeys" "$T/order" || { echo "keys differ from the env given"; exit 1; }

shells="sh dash bash"
command -v busybox >/dev/null && shells="$shells busybox"
n=0
for sh in $shells "bash --posix"; do
	case $sh in busybox) run="busybox sh" ;; *) run=$sh ;; esac
	command -v ${run%% *} >/dev/null || continue
	got=$T/got-${sh// /_}
	mkdir -p "$got" "$T/cwd"
	(cd "$T/cwd" && $run -c '
		. "$1" || exit 1
		for k in $(cat "$2"); do
			eval "v=\${$k}"
			printf %s "$v" >"$3/$k"
		done' _ "$ENV" "$T/allkeys" "$got") ||
	    { echo "$sh: sourcing failed"; exit 1; }
	for k in $(cat "$T/allkeys"); do
		cmp -s "$T/want/$k" "$got/$k" || {
			echo "$sh: $k differs:"; od -c "$T/want/$k" | head -5
			od -c "$got/$k" | head -5; exit 1; }
	done
	[ -z "$(ls -A "$T/cwd")" ] || { echo "$sh: sourcing ran something"; exit 1; }
	n=$((n + 1))
done
[ $n -ge 3 ] || { echo "fewer than 3 shells"; exit 1; }
echo "compile_env: $(wc -l <"$T/allkeys") variables exact under $n shells"
