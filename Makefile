# edgenetc - network allocation and policy compiler for edge containers.
#
#   make            build/edgenetc and build/edgenet-apply
#   make demo       install missing packages, lint + compile the example fleet
#   make check      install missing packages, build, run every test
#   make asan       the same tests under AddressSanitizer + UBSan
#   make fuzz       libFuzzer harnesses (clang) into build-fuzz/
#   make update-golden  regenerate golden files from the current build
#
# Pieces owned by one area live in mk/*.mk (grammar, runtime, fuzz, ...).

VERSION		:= 0.1.0
BUILD		?= build
CC		?= cc
CFLAGS		?= -O2 -g
WARN		:= -Wall -Wextra -Wmissing-prototypes -Wstrict-prototypes \
		   -Wformat=2 -Wshadow -Wno-unused-parameter -Werror
SAN		?=
override CPPFLAGS += -D_GNU_SOURCE -DEDGENETC_VERSION='"$(VERSION)"' \
		   -Icompiler -Icommon -Igrammar -I$(BUILD)/grammar
ALL_CFLAGS	 = $(CFLAGS) $(WARN) $(SAN) -std=gnu11 -fno-common
# libyaml, jansson and SQLite are linked statically by default: every
# orchestrator `alloc` is a process start, and resolving and relocating
# the shared SQLite costs ~0.4-0.7 ms of a 2-3.5 ms call
# (docs/decisions.md).  STATIC_DEPS=0 links them as shared libraries.
STATIC_DEPS	?= 1
ifeq ($(STATIC_DEPS),1)
COMPILER_LDLIBS	:= -Wl,-Bstatic -lyaml -ljansson -lsqlite3 -Wl,-Bdynamic -lm
else
COMPILER_LDLIBS	:= -lyaml -ljansson -lsqlite3 -lm
endif

COMPILER_SRCS	:= $(filter-out compiler/main.c,$(wildcard compiler/*.c)) \
		   $(wildcard common/*.c) $(filter-out grammar/%.tab.c grammar/%.yy.c,$(wildcard grammar/*.c))
# mk/grammar.mk appends generated parser sources to GEN_SRCS.
GEN_SRCS	:=

.PHONY: all clean check asan fuzz demo deps update-golden bench
all: $(BUILD)/edgenetc

-include mk/*.mk

COMPILER_OBJS	 = $(patsubst %.c,$(BUILD)/obj/%.o,$(COMPILER_SRCS)) \
		   $(patsubst %.c,%.o,$(GEN_SRCS))

$(BUILD)/obj/%.o: %.c $(GEN_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/libedgenetc.a: $(COMPILER_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/edgenetc: $(BUILD)/obj/compiler/main.o $(BUILD)/libedgenetc.a
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(COMPILER_LDLIBS)

# Unit tests: tests/unit/test_*.c, each linked against the compiler built
# with -DUNITTESTS (STATIC functions visible).
UT_OBJS		 = $(patsubst %.c,$(BUILD)/ut/%.o,$(COMPILER_SRCS) $(GEN_SRCS))
UNIT_TESTS	:= $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/test_*.c))

$(BUILD)/ut/%.o: %.c $(GEN_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -DUNITTESTS $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(UT_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -DUNITTESTS $(ALL_CFLAGS) -o $@ $< $(UT_OBJS) \
	    $(COMPILER_LDLIBS) -lcmocka

# CHECK_PROGS: everything tests/run.sh needs built (mk/*.mk append).
CHECK_PROGS	+= $(BUILD)/edgenetc $(UNIT_TESTS)

.deps-ok: scripts/deps.sh
	scripts/deps.sh
	@touch $@
deps:
	scripts/deps.sh

check: .deps-ok
	$(MAKE) $(CHECK_PROGS)
	BUILD=$(BUILD) tests/run.sh

asan: .deps-ok
	$(MAKE) BUILD=build-asan CC=clang CFLAGS="-O1 -g -fno-omit-frame-pointer" \
	    SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined" \
	    check

demo: .deps-ok all
	@mkdir -p $(BUILD)/demo
	$(BUILD)/edgenetc lint testdata/fleet/fleet.yaml
	rm -rf $(BUILD)/demo/out $(BUILD)/demo/ledger.db
	$(BUILD)/edgenetc compile --ledger $(BUILD)/demo/ledger.db \
	    -o $(BUILD)/demo/out testdata/fleet/fleet.yaml
	@find $(BUILD)/demo/out -type f | sort

update-golden: all
	UPDATE_GOLDEN=1 BUILD=$(BUILD) tests/run.sh

clean:
	rm -rf build build-asan build-fuzz build-cross-* .deps-ok

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
