#!/bin/bash
# Hostile inputs (testdata/hostile/ plus generated ones: a 50 MB file,
# binary junk, unreadable paths): `edgenetc lint` must never crash, hang or
# leak.  For each input:
#   - exit 0 or 1 (2 only for unreadable input), never a signal,
#   - within 20 s,
#   - no sanitizer report (under `make asan` a leak fails the test),
#   - exit 1 comes with a located error, FILE:LINE:COL: error: MSG [code],
#   - no raw control character reaches the output,
#   - ok-* files must exit 0, bad-* files must exit 1.
set -u
: "${EDGENETC:?}" "${TOP:?}"
H="$TOP/testdata/hostile"
T=$(mktemp -d)
trap 'chmod -R u+rwx "$T" 2>/dev/null; rm -rf "$T"' EXIT
# a sanitizer report must not pass for "errors found" (exit 1)
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}:exitcode=99"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}:exitcode=99"
LIMIT=20
fail=0
n=0

bad() {
	echo "FAIL $1: $2"
	sed -n '1,8p' "$T/out" | cut -c1-200 | sed 's/^/    | /'
	fail=$((fail + 1))
}

# lint_one EXPECT FILE...: EXPECT is ok (exit 0), bad (exit 1), any (0|1)
# or unreadable (exit 2).  Runs from the file's directory, so
# diagnostics name it as given.
lint_one() {
	expect=$1
	shift
	n=$((n + 1))
	timeout -k 5 $LIMIT "$EDGENETC" lint "$@" >"$T/out" 2>&1
	rc=$?
	name="$*"
	if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
		bad "$name" "no answer within ${LIMIT}s"; return
	fi
	if [ $rc -ge 128 ]; then
		bad "$name" "killed by signal $((rc - 128))"; return
	fi
	if grep -q -E 'Sanitizer|runtime error:' "$T/out"; then
		bad "$name" "sanitizer report (rc=$rc)"; return
	fi
	if LC_ALL=C grep -q -P '[\x00-\x08\x0b-\x1f]' "$T/out"; then
		bad "$name" "raw control character in the output"; return
	fi
	case $expect in
	ok)	[ $rc -eq 0 ] || { bad "$name" "exit $rc, want 0"; return; } ;;
	bad)	[ $rc -eq 1 ] || { bad "$name" "exit $rc, want 1"; return; } ;;
	any)	[ $rc -le 1 ] || { bad "$name" "exit $rc, want 0 or 1"; return; } ;;
	unreadable)
		[ $rc -eq 2 ] || { bad "$name" "exit $rc, want 2"; return; }
		return ;;
	esac
	if [ $rc -eq 1 ] && ! grep -q -E \
	    '^[^ ].*:[0-9]+:[0-9]+: error: .* \[[a-z0-9-]+\]$' "$T/out"; then
		bad "$name" "exit 1 without a located error"; return
	fi
}

cd "$H" || exit 1
for f in *; do
	case $f in
	ok-*)	lint_one ok "$f" ;;
	bad-*)	lint_one bad "$f" ;;
	*)	lint_one any "$f" ;;
	esac
done
# all of them as one fleet: every file's diagnostics, one process
lint_one bad ./*

# Generated: binary junk in each syntax, deterministic.
cd "$T" || exit 1
python3 - <<'EOF'
import random
r = random.Random(20261129)
for ext in ("yaml", "json", "graphql"):
    for i in range(3):
        size = (1, 4096, 1 << 20)[i]
        open(f"junk{i}.{ext}", "wb").write(bytes(r.getrandbits(8) for _ in range(size)))
# junk after a valid prefix
open("junk-tail.yaml", "wb").write(b"services:\n  - name: ok\n" + bytes(r.getrandbits(8) for _ in range(4096)))
open("junk-tail.json", "wb").write(b'{"services": [{"name": "ok"}' + bytes(r.getrandbits(8) for _ in range(4096)))
EOF
for f in junk*; do
	lint_one any "$f"
done
lint_one any --syntax json junk2.yaml
lint_one any --syntax graphql junk2.json

# 50 MB files: one valid service whose env value is 50 MB long (accepted,
# so every stage handles it) in YAML and in JSON, and 8 MB of structure
# (a long device list; 50 MB of it takes over 20 s under ASan).
python3 - <<'EOF'
big = 50 * 1024 * 1024
blob = "0123456789abcdef" * (big // 16)
with open("big-value.yaml", "w") as f:
    f.write("services:\n  - name: big\n    env:\n      BLOB: \"")
    f.write(blob)
    f.write("\"\n")
with open("big-value.json", "w") as f:
    f.write('{"name": "big", "env": {"BLOB": "' + blob + '"}}\n')
with open("big-list.json", "w") as f:
    f.write('{"devices": [')
    row = '{"id": "d%d", "interfaces": ["eth0"]},\n'
    n, i = 0, 0
    while n < 8 * 1024 * 1024:
        s = row % i
        f.write(s)
        n += len(s)
        i += 1
    f.write('{"id": "last"}]}\n')
EOF
lint_one ok big-value.yaml
lint_one ok big-value.json
lint_one ok big-list.json

# Standard input.
lint_one_stdin() {
	n=$((n + 1))
	timeout -k 5 $LIMIT "$EDGENETC" lint --syntax "$1" - <"$2" >"$T/out" 2>&1
	rc=$?
	[ $rc -le 1 ] || bad "stdin $2" "exit $rc"
	grep -q -E 'Sanitizer|runtime error:' "$T/out" && bad "stdin $2" sanitizer
}
lint_one_stdin yaml junk1.yaml
lint_one_stdin json "$H/bad-deep-nesting.json"

# Unreadable input: exit 2, and a message on standard error.
mkdir adir
lint_one unreadable adir
lint_one unreadable does-not-exist.yaml
lint_one unreadable "$H/ok-crlf.yaml" does-not-exist.yaml
grep -q 'does-not-exist.yaml' "$T/out" || bad "missing file" "not named"

echo "$n runs, $fail failed"
[ $fail -eq 0 ]
