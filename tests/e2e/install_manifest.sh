#!/bin/bash
# make install / make uninstall (mk/install.mk):
#   - DESTDIR=$T/root PREFIX=/usr/local installs exactly the files below,
#     with these modes, and nothing outside DESTDIR
#   - the units' ExecStart and the example fleet's $schema line name the
#     installed paths (without DESTDIR)
#   - installed with PREFIX=$T/p: edgenetc --version, lint of the
#     installed example fleet, man -w of every page, and
#     systemd-analyze verify of the units (which also resolves their
#     Documentation= man pages) are clean
#   - make uninstall removes every installed file
set -u
cd "$TOP"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }
mk() { make -s --no-print-directory BUILD="$BUILD" "$@"; }

mk install DESTDIR="$T/root" PREFIX=/usr/local > "$T/log" 2>&1 ||
    { cat "$T/log"; echo "FAIL: make install"; exit 1; }
(cd "$T/root" && find . \( -type f -o -type l \) -printf '%m %p\n' | sort) \
    > "$T/got"
cat > "$T/want" <<'M'
644 ./usr/local/lib/systemd/system/edgenet-recover.service
644 ./usr/local/lib/systemd/system/edgenet-repair.service
644 ./usr/local/lib/systemd/system/edgenet-repair.timer
644 ./usr/local/share/bash-completion/completions/edgenet-apply
644 ./usr/local/share/bash-completion/completions/edgenetc
644 ./usr/local/share/edgenetc/edgenetc-input.schema.json
644 ./usr/local/share/edgenetc/fleet.json
644 ./usr/local/share/edgenetc/fleet.yaml
644 ./usr/local/share/doc/edgenetc/diagnostics.md
644 ./usr/local/share/man/man1/edgenetc.1
644 ./usr/local/share/man/man5/edgenet-bundle.5
644 ./usr/local/share/man/man5/edgenetc-input.5
644 ./usr/local/share/man/man8/edgenet-apply.8
755 ./usr/local/bin/edgenetc
755 ./usr/local/sbin/edgenet-apply
M
sort -o "$T/want" "$T/want"
diff -u "$T/want" "$T/got" || bad "installed files differ from the manifest"
[ -z "$(find "$T/root" -mindepth 1 -maxdepth 1 ! -name usr)" ] ||
    bad "installed outside PREFIX"
U=$T/root/usr/local/lib/systemd/system
grep -q '^ExecStart=/usr/local/sbin/edgenet-apply --recover$' \
    "$U/edgenet-recover.service" || bad "recover unit ExecStart"
grep -q "^ExecStart=/bin/sh -c '/usr/local/sbin/edgenet-apply --check" \
    "$U/edgenet-repair.service" || bad "repair unit ExecStart"
! grep -rq '@[A-Z]*@' "$U" || bad "an unsubstituted @VARIABLE@ in a unit"
head -1 "$T/root/usr/local/share/edgenetc/fleet.yaml" | grep -qx \
    '# yaml-language-server: $schema=/usr/local/share/edgenetc/edgenetc-input.schema.json' ||
    bad "installed fleet.yaml \$schema line"
cmp -s "$BUILD/edgenetc" "$T/root/usr/local/bin/edgenetc" ||
    bad "installed edgenetc is not $BUILD/edgenetc"
echo "ok  make install DESTDIR: $(wc -l < "$T/got") files, as listed"

mk uninstall DESTDIR="$T/root" PREFIX=/usr/local > "$T/log" 2>&1 ||
    { cat "$T/log"; bad "make uninstall"; }
left=$(find "$T/root" \( -type f -o -type l \))
[ -z "$left" ] || bad "left after uninstall: $left"
[ ! -e "$T/root/usr/local/share/edgenetc" ] || bad "share/edgenetc left"
echo "ok  make uninstall removes every file"

# Installed and used from its own prefix.
P=$T/p
mk install PREFIX="$P" > "$T/log" 2>&1 || { cat "$T/log"; bad "install PREFIX"; }
"$P/bin/edgenetc" --version | grep -q '^edgenetc [0-9]' || bad "edgenetc --version"
"$P/sbin/edgenet-apply" --version | grep -q '^edgenet-apply [0-9]' ||
    bad "edgenet-apply --version"
"$P/bin/edgenetc" lint "$P/share/edgenetc/fleet.yaml" > "$T/lint" 2>&1 ||
    { cat "$T/lint"; bad "lint of the installed example fleet"; }
if command -v man >/dev/null; then
	for m in edgenetc edgenet-apply edgenet-bundle edgenetc-input; do
		MANPATH=$P/share/man man -w "$m" >/dev/null 2>&1 || bad "man -w $m"
	done
fi
if command -v systemd-analyze >/dev/null; then
	MANPATH=$P/share/man systemd-analyze verify \
	    "$P"/lib/systemd/system/edgenet-* > "$T/verify" 2>&1
	rc=$?
	if [ $rc -ne 0 ] || [ -s "$T/verify" ]; then
		cat "$T/verify"
		bad "systemd-analyze verify (exit $rc)"
	fi
	echo "ok  systemd-analyze verify: the units are clean"
else
	echo "SKIPPED systemd-analyze verify: systemd-analyze not installed"
fi
echo "ok  installed under a prefix: --version, lint of the example fleet, man -w"
exit $fail
