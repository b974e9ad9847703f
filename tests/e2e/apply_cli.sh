#!/bin/bash
# edgenet-apply's command line: --help lists every option of the option
# table with its default and the exit statuses; -h is the same; --version;
# an unknown or abbreviated option is refused (exit 3) with one line and a
# "did you mean" hint, nothing on stdout; bad values exit 3.
set -u
A=${EDGENET_APPLY:?}
T=$(mktemp -d /tmp/edgenet-cli.XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$A" --help > "$T/help" || fail "--help: exit $?"
"$A" -h | cmp -s - "$T/help" || fail "-h differs from --help"
# every option of the table in runtime/main.c, with the exit statuses
opts=$(awk '/^} opts\[\] = {/ { on = 1; next } /^};/ { on = 0 }
    on && match($0, /^\t\{ "[a-z-]+"/) { print substr($0, 5, RLENGTH - 5) }' \
    "$TOP/runtime/main.c")
[ "$(echo "$opts" | wc -l)" -ge 14 ] || fail "option table not found: $opts"
for o in $opts; do
	grep -q -- "^  --$o\b" "$T/help" || fail "--help does not list --$o"
done
for d in "default: text" "default: /var/lib/edgenet" "default: /run/netns" \
    "1 --check found" "2 the operation" "3 usage error"; do
	tr '\n' ' ' < "$T/help" | tr -s ' ' | grep -q -- "$d" ||
	    fail "--help does not say '$d'"
done
awk 'length($0) > 80 { exit 1 }' "$T/help" || fail "--help is wider than 80"
"$A" --version | grep -Eq '^edgenet-apply [0-9]+\.[0-9]+' || fail "--version"

# refused: exit 3, one line and a hint on stderr, nothing on stdout
refuse() {
	local want=$1
	shift
	"$A" "$@" > "$T/out" 2> "$T/err"
	rc=$?
	[ $rc = 3 ] || fail "$*: exit $rc, not 3"
	[ -s "$T/out" ] && fail "$*: printed on stdout"
	grep -q -- "$want" "$T/err" || { cat "$T/err"; fail "$*: no '$want'"; }
}
refuse "did you mean '--check'?" --chek /nonexistent
refuse "did you mean '--dry-run'?" --dryrun /nonexistent
refuse "did you mean '--dry-run'?" --dry /nonexistent	# no prefixes
refuse "did you mean '--stats'?" --stat /nonexistent
refuse "did you mean '--netns-dir'?" --netns /x /nonexistent
refuse "did you mean '--state-dir'?" --stat-dir /x /nonexistent
refuse "see --help" --frobnicate
refuse "unknown option '-x'" -x
[ "$(wc -l < "$T/err")" = 2 ] || fail "an unknown option takes more than two lines"
refuse "--format takes text or json" --format=xml --check /nonexistent
refuse "--confirm takes 1..86400" --confirm 0 /nonexistent
refuse "--state-dir needs DIR" --state-dir
refuse "takes no value" --check=yes /nonexistent
refuse "usage:" --check --dry-run /nonexistent
refuse "usage:" --rollback /nonexistent
refuse "usage:" --format json --rollback
refuse "usage:" /a /b
echo "PASS"
