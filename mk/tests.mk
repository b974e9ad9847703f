# Tests (tests/): cmocka units, e2e scripts, their tools; `make check`,
# `make asan`, `make update-golden`, and the cross builds' unit tests
# under qemu-user (`make cross-check`).
#
#   tests/unit/compiler/test_*.c  -> $(BUILD)/tests/     (compiler, -DUNITTESTS)
#   tests/unit/runtime/test_*.c   -> $(BUILD)/rt-tests/  (runtime, -DUNITTESTS)
#   tests/tools/nft_tool.c        -> $(BUILD)/rt-tools/nft_tool
#   tests/e2e/*.sh                 run by tests/run.sh
# With -DUNITTESTS, STATIC functions are visible to the tests.

UT_OBJS		 = $(patsubst %.c,$(BUILD)/ut/%.o,$(COMPILER_SRCS) $(GEN_SRCS))
UNIT_TESTS	:= $(patsubst tests/unit/compiler/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/compiler/test_*.c))

$(BUILD)/ut/%.o: %.c $(GEN_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(COMPILER_CPPFLAGS) $(CPPFLAGS) -DUNITTESTS $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/tests/%: tests/unit/compiler/%.c $(UT_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(COMPILER_CPPFLAGS) $(CPPFLAGS) -DUNITTESTS $(ALL_CFLAGS) -o $@ $< \
	    $(UT_OBJS) $(COMPILER_LDLIBS) -lcmocka

RT_UT_OBJS	 = $(patsubst %.c,$(BUILD)/rt-ut/%.o,$(RUNTIME_LIB_SRCS))
RT_TESTS	:= $(patsubst tests/unit/runtime/%.c,$(BUILD)/rt-tests/%,$(wildcard tests/unit/runtime/test_*.c))

$(BUILD)/rt-ut/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(RT_CPPFLAGS) -DUNITTESTS $(ALL_CFLAGS) $(RT_OPT) -MMD -MP -c -o $@ $<

$(BUILD)/rt-tests/%: tests/unit/runtime/%.c $(RT_UT_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(RT_CPPFLAGS) -DUNITTESTS $(ALL_CFLAGS) -o $@ $< $(RT_UT_OBJS) \
	    $(RUNTIME_LDLIBS) -lcmocka

# nft_tool drives the runtime's nftables code from tests/e2e/nft_equiv.sh.
NFT_TOOL_OBJS	 = $(filter $(BUILD)/rt/runtime/nft%.o $(BUILD)/rt/runtime/buf.o \
		   $(BUILD)/rt/common/names.o \
		   $(BUILD)/rt/runtime/util.o,$(RT_OBJS))

$(BUILD)/rt-tools/nft_tool: tests/tools/nft_tool.c $(NFT_TOOL_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(RT_CPPFLAGS) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< \
	    $(NFT_TOOL_OBJS) $(RUNTIME_LDLIBS)

# Keep the -DUNITTESTS objects (make would delete them as intermediates).
.SECONDARY: $(UT_OBJS) $(RT_UT_OBJS)

ifeq ($(CROSS),)
CHECK_PROGS	+= $(UNIT_TESTS) $(RT_TESTS) $(BUILD)/rt-tools/nft_tool
endif

check: .deps-ok
	$(MAKE) $(CHECK_PROGS)
	BUILD=$(BUILD) tests/run.sh

asan: .deps-ok
	$(MAKE) BUILD=build-asan CC=clang CFLAGS="-O1 -g -fno-omit-frame-pointer" \
	    SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined" \
	    check

update-golden: all
	UPDATE_GOLDEN=1 BUILD=$(BUILD) tests/run.sh

# Cross builds and their unit tests under qemu-user (scripts/cross-deps.sh
# installs the toolchains and the multiarch libraries).
.PHONY: cross-runtime cross-check
cross-runtime: $(BUILD)/edgenet-apply $(RT_TESTS)

CROSS_TRIPLETS	:= aarch64-linux-gnu arm-linux-gnueabihf
cross-check:
	@set -e; for t in $(CROSS_TRIPLETS); do \
	    case $$t in aarch64*) a=arm64 q=qemu-aarch64;; *) a=armhf q=qemu-arm;; esac; \
	    $(MAKE) --no-print-directory CROSS=$$t- cross-runtime; \
	    file build-cross-$$a/edgenet-apply; \
	    for u in build-cross-$$a/rt-tests/*; do \
	        echo "qemu $$a: $$u"; $$q -L /usr/$$t $$u >/dev/null || \
	            { echo "FAIL $$u"; $$q -L /usr/$$t $$u; exit 1; }; \
	    done; \
	done; echo "cross-check: all runtime unit tests pass under qemu"

-include $(shell find $(BUILD)/ut $(BUILD)/rt-ut -name '*.d' 2>/dev/null)
