# GraphQL front-end: bison + flex generate into $(BUILD)/grammar/.
#   graphql.tab.c/.h  from grammar/graphql.y
#   graphql.yy.c/.h   from grammar/graphql.l
# The hand-written grammar/*.c are picked up by the Makefile's wildcard.
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

# Generated objects: the Makefile lists them as $(BUILD)/grammar/*.o
# (COMPILER_OBJS) and $(BUILD)/ut/$(BUILD)/grammar/*.o (UT_OBJS).
GQ_GEN_CFLAGS	:= -Wno-unused-function -Wno-missing-prototypes \
		   -Wno-sign-compare -Wno-unused-but-set-variable \
		   -Wno-implicit-fallthrough

$(GQ_GEN)/%.o: $(GQ_GEN)/%.c $(GEN_HDRS)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(GQ_GEN_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/ut/$(GQ_GEN)/%.o: ALL_CFLAGS += $(GQ_GEN_CFLAGS)

# (The fuzz build, mk/fuzz.mk, compiles without -W flags: nothing to relax.)

# bench/parse: the three front-ends on one generated fleet.
$(BUILD)/bench/parse: bench/parse.c $(BUILD)/libedgenetc.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -o $@ $< $(BUILD)/libedgenetc.a \
	    $(COMPILER_LDLIBS)
