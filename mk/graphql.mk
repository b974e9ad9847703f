# The GraphQL front-end: bison + flex generate into $(BUILD)/grammar/.
#   graphql.tab.c/.h  from grammar/graphql.y
#   graphql.yy.c/.h   from grammar/graphql.l
# The hand-written grammar/*.c are part of COMPILER_SRCS (mk/compiler.mk).
BISON		?= bison
FLEX		?= flex
GQ_GEN		:= $(BUILD)/grammar

GEN_SRCS	+= $(GQ_GEN)/graphql.tab.c $(GQ_GEN)/graphql.yy.c
GEN_HDRS	+= $(GQ_GEN)/graphql.tab.h $(GQ_GEN)/graphql.yy.h

# bison writes both files in one run; the header rides on the .c rule.
$(GQ_GEN)/graphql.tab.c: grammar/graphql.y
	@mkdir -p $(dir $@)
	$(BISON) -Wall -Werror --header=$(GQ_GEN)/graphql.tab.h -o $@ $<
$(GQ_GEN)/graphql.tab.h: $(GQ_GEN)/graphql.tab.c
	@test -f $@ || { rm -f $<; $(MAKE) $<; }

$(GQ_GEN)/graphql.yy.c: grammar/graphql.l $(GQ_GEN)/graphql.tab.h
	@mkdir -p $(dir $@)
	$(FLEX) --header-file=$(GQ_GEN)/graphql.yy.h -o $@ $<
$(GQ_GEN)/graphql.yy.h: $(GQ_GEN)/graphql.yy.c
	@test -f $@ || { rm -f $<; $(MAKE) $<; }

# Generated code is compiled with the warnings it cannot avoid relaxed.
GQ_GEN_CFLAGS	:= -Wno-unused-function -Wno-missing-prototypes \
		   -Wno-sign-compare -Wno-unused-but-set-variable \
		   -Wno-implicit-fallthrough

$(GQ_GEN)/%.o: $(GQ_GEN)/%.c $(GEN_HDRS)
	$(CC) $(COMPILER_CPPFLAGS) $(CPPFLAGS) $(ALL_CFLAGS) $(GQ_GEN_CFLAGS) \
	    -MMD -MP -c -o $@ $<

$(BUILD)/ut/$(GQ_GEN)/%.o: ALL_CFLAGS += $(GQ_GEN_CFLAGS)

# The reference parser (graphql-js, pinned in
# tests/tools/graphql-js/package-lock.json), from the npm registry into
# $(BUILD)/graphql-js, for tests/e2e/graphql_conformance.sh and
# fuzz/graphql_oracle.sh.
GRAPHQL_JS	:= $(BUILD)/graphql-js

$(GRAPHQL_JS)/.installed: tests/tools/graphql-js/package.json \
    tests/tools/graphql-js/package-lock.json scripts/graphql-js.sh
	scripts/graphql-js.sh $(GRAPHQL_JS)
	@touch $@

ifeq ($(CROSS),)
CHECK_PROGS	+= $(GRAPHQL_JS)/.installed
endif

# the generated objects' header dependencies (gq.h, front_int.h, ...)
-include $(wildcard $(GQ_GEN)/*.d)
