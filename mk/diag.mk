# The table of diagnostic codes (SARIF rules) is generated from
# docs/diagnostics.md, so the reference and the tool never disagree.
# Also: the generated GraphQL objects follow their headers (.d files).
# DOCS_URL: where the diagnostics reference is published (SARIF helpUri).
DIAG_GEN	:= $(BUILD)/gen
DOCS_URL	?= file:///usr/share/doc/edgenetc/diagnostics.md

GEN_SRCS	+= $(DIAG_GEN)/diag_rules.c

$(DIAG_GEN)/diag_rules.c: docs/diagnostics.md compiler/util/diag_rules.awk
	@mkdir -p $(dir $@)
	awk -f compiler/util/diag_rules.awk $< >$@.tmp && mv $@.tmp $@

$(DIAG_GEN)/%.o: $(DIAG_GEN)/%.c compiler/util/diag.h
	$(CC) $(COMPILER_CPPFLAGS) $(CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/obj/compiler/util/diag_sarif.o: COMPILER_CPPFLAGS += \
	-DEDGENETC_DOCS_URL='"$(DOCS_URL)"'
-include $(wildcard $(BUILD)/grammar/*.d)
