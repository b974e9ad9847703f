# edgenet-apply: the on-device runtime (runtime/, common/sha256.c).
# Links libc, libmnl and libnftnl only.
#
#   make                                  build/edgenet-apply (with the rest)
#   make CROSS=aarch64-linux-gnu-         only the runtime, in build-cross-arm64/
#   make CROSS=arm-linux-gnueabihf-       only the runtime, in build-cross-armhf/
#   make cross-check                      both, unit tests under qemu-user
#
# Runtime unit tests: runtime/tests/test_*.c (cmocka) -> $(BUILD)/rt-tests/,
# linked against the runtime built with -DUNITTESTS.

RUNTIME_SRCS	:= $(wildcard runtime/*.c)
RUNTIME_LIB_SRCS := $(filter-out runtime/main.c,$(RUNTIME_SRCS)) common/sha256.c
RUNTIME_LDLIBS	:= -lmnl -lnftnl
RT_TEST_SRCS	:= $(wildcard runtime/tests/test_*.c)

CROSS		?=
ifneq ($(CROSS),)
# Debian multiarch: the triplet names the architecture.
CROSS_ARCH	:= $(if $(findstring aarch64,$(CROSS)),arm64,$(if $(findstring arm-linux-gnueabihf,$(CROSS)),armhf,$(patsubst %-,%,$(CROSS))))
BUILD		:= build-cross-$(CROSS_ARCH)
CC		:= $(CROSS)gcc
.DEFAULT_GOAL	:= cross-runtime
endif

RT_OBJS		 = $(patsubst %.c,$(BUILD)/rt/%.o,$(RUNTIME_SRCS) common/sha256.c)
RT_LIB_OBJS	 = $(filter-out $(BUILD)/rt/runtime/main.o,$(RT_OBJS))
RT_UT_OBJS	 = $(patsubst %.c,$(BUILD)/rt-ut/%.o,$(RUNTIME_LIB_SRCS))
RT_TESTS	 = $(patsubst runtime/tests/%.c,$(BUILD)/rt-tests/%,$(RT_TEST_SRCS))
RT_CPPFLAGS	 = -D_GNU_SOURCE -DEDGENETC_VERSION='"$(VERSION)"' -Iruntime -Icommon
# The on-device program is built for size (SPEC 6: <= 150 KB stripped).
RT_OPT		?= -Os

$(BUILD)/rt/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(RT_CPPFLAGS) $(ALL_CFLAGS) $(RT_OPT) -MMD -MP -c -o $@ $<

$(BUILD)/rt-ut/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(RT_CPPFLAGS) -DUNITTESTS $(ALL_CFLAGS) $(RT_OPT) -MMD -MP -c -o $@ $<

$(BUILD)/edgenet-apply: $(RT_OBJS)
	$(CC) $(ALL_CFLAGS) $(RT_OPT) $(LDFLAGS) -o $@ $^ $(RUNTIME_LDLIBS)

$(BUILD)/rt-tests/%: runtime/tests/%.c $(RT_UT_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(RT_CPPFLAGS) -DUNITTESTS $(ALL_CFLAGS) -o $@ $< $(RT_UT_OBJS) \
	    $(RUNTIME_LDLIBS) -lcmocka

# Keep the -DUNITTESTS objects (make would delete them as intermediates).
.SECONDARY: $(RT_UT_OBJS)

all: $(BUILD)/edgenet-apply
CHECK_PROGS	+= $(BUILD)/edgenet-apply $(RT_TESTS)

.PHONY: cross-runtime cross-check
cross-runtime: $(BUILD)/edgenet-apply $(RT_TESTS)

# Cross builds and their unit tests under qemu-user (scripts/cross-deps.sh
# installs the toolchains and the multiarch libraries).
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

-include $(shell find $(BUILD)/rt $(BUILD)/rt-ut -name '*.d' 2>/dev/null)
