# Installation, and the Debian packages (debian/).
#
#   make install [PREFIX=/usr/local] [DESTDIR=]   programs, man pages,
#                       systemd units, bash completion, JSON Schema and
#                       the example fleet
#   make uninstall      removes exactly what install installs
#   make deb            edgenetc and edgenet-apply .deb into $(BUILD)/deb/
#                       (dpkg-buildpackage -b -us -uc; debian/ builds in
#                       build-deb/ and leaves $(BUILD) alone)
#
# Every directory can be set on its own; nothing is installed outside
# $(DESTDIR)$(PREFIX) unless a directory is set outside it (the Debian
# build sets SYSTEMDUNITDIR=/lib/systemd/system).

PREFIX		?= /usr/local
DESTDIR		?=
BINDIR		?= $(PREFIX)/bin
SBINDIR		?= $(PREFIX)/sbin
DATADIR		?= $(PREFIX)/share
MANDIR		?= $(DATADIR)/man
PKGDATADIR	?= $(DATADIR)/edgenetc
# the diagnostics reference: SARIF output links to it (DOCS_URL, mk/diag.mk)
DOCDIR		?= $(DATADIR)/doc/edgenetc
SYSTEMDUNITDIR	?= $(PREFIX)/lib/systemd/system
BASHCOMPDIR	?= $(DATADIR)/bash-completion/completions
INSTALL		?= install

INST_MAN1	:= man/edgenetc.1
INST_MAN5	:= man/edgenet-bundle.5 man/edgenetc-input.5
INST_MAN8	:= man/edgenet-apply.8
INST_UNITS	:= $(wildcard dist/systemd/*.service dist/systemd/*.timer)
INST_COMPL	:= edgenetc edgenet-apply
INST_DATA	:= schema/edgenetc-input.schema.json testdata/fleet/fleet.yaml \
		   testdata/fleet/fleet.json

# Every installed path, without $(DESTDIR): what uninstall removes.
INSTALLED	 = $(BINDIR)/edgenetc $(SBINDIR)/edgenet-apply \
		   $(addprefix $(MANDIR)/man1/,$(notdir $(INST_MAN1))) \
		   $(addprefix $(MANDIR)/man5/,$(notdir $(INST_MAN5))) \
		   $(addprefix $(MANDIR)/man8/,$(notdir $(INST_MAN8))) \
		   $(addprefix $(SYSTEMDUNITDIR)/,$(notdir $(INST_UNITS))) \
		   $(addprefix $(BASHCOMPDIR)/,$(INST_COMPL)) \
		   $(addprefix $(PKGDATADIR)/,$(notdir $(INST_DATA))) \
		   $(DOCDIR)/diagnostics.md

.PHONY: install uninstall deb
install: $(BUILD)/edgenetc $(BUILD)/edgenet-apply
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SBINDIR) \
	    $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
	    $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(SYSTEMDUNITDIR) \
	    $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(PKGDATADIR) \
	    $(DESTDIR)$(DOCDIR)
	$(INSTALL) -m 0644 docs/diagnostics.md $(DESTDIR)$(DOCDIR)/
	$(INSTALL) -m 0755 $(BUILD)/edgenetc $(DESTDIR)$(BINDIR)/edgenetc
	$(INSTALL) -m 0755 $(BUILD)/edgenet-apply \
	    $(DESTDIR)$(SBINDIR)/edgenet-apply
	$(INSTALL) -m 0644 $(INST_MAN1) $(DESTDIR)$(MANDIR)/man1/
	$(INSTALL) -m 0644 $(INST_MAN5) $(DESTDIR)$(MANDIR)/man5/
	$(INSTALL) -m 0644 $(INST_MAN8) $(DESTDIR)$(MANDIR)/man8/
	for u in $(INST_UNITS); do \
	    sed 's|@SBINDIR@|$(SBINDIR)|g' $$u > \
	        $(DESTDIR)$(SYSTEMDUNITDIR)/$${u##*/}.tmp && \
	    chmod 0644 $(DESTDIR)$(SYSTEMDUNITDIR)/$${u##*/}.tmp && \
	    mv $(DESTDIR)$(SYSTEMDUNITDIR)/$${u##*/}.tmp \
	        $(DESTDIR)$(SYSTEMDUNITDIR)/$${u##*/} || exit 1; \
	done
	for c in $(INST_COMPL); do \
	    $(INSTALL) -m 0644 dist/bash-completion/$$c \
	        $(DESTDIR)$(BASHCOMPDIR)/$$c || exit 1; \
	done
	$(INSTALL) -m 0644 schema/edgenetc-input.schema.json \
	    testdata/fleet/fleet.json $(DESTDIR)$(PKGDATADIR)/
	sed 's|\$$schema=[^ ]*|$$schema=$(PKGDATADIR)/edgenetc-input.schema.json|' \
	    testdata/fleet/fleet.yaml > $(DESTDIR)$(PKGDATADIR)/fleet.yaml
	chmod 0644 $(DESTDIR)$(PKGDATADIR)/fleet.yaml

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	-rmdir $(DESTDIR)$(PKGDATADIR) $(DESTDIR)$(DOCDIR)

deb:
	dpkg-buildpackage -b -us -uc
	@mkdir -p $(BUILD)/deb
	mv ../edgenetc_$(VERSION)_*.deb ../edgenetc-dbgsym_$(VERSION)_*.deb \
	    ../edgenet-apply_$(VERSION)_*.deb \
	    ../edgenet-apply-dbgsym_$(VERSION)_*.deb \
	    ../edgenetc_$(VERSION)_*.buildinfo \
	    ../edgenetc_$(VERSION)_*.changes $(BUILD)/deb/
	@ls $(BUILD)/deb
