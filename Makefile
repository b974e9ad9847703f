# edgenetc - network allocation and policy compiler for edge containers.
#
#   make            build/edgenetc and build/edgenet-apply
#   make demo       install missing packages, lint + compile the example fleet
#   make check      install missing packages, build, run every test
#   make asan       the same tests under AddressSanitizer + UBSan
#   make fuzz       libFuzzer harnesses (clang) into build-fuzz/
#   make bench      build and run the benchmarks (bench/*/run.sh)
#   make update-golden  regenerate golden files from the current build
#   make CROSS=aarch64-linux-gnu-   the runtime alone, cross-built
#   make install / uninstall / deb   see mk/install.mk
#
# Each component's rules live in one mk/ file, included below in pipeline
# order; a file adds to the shared lists (CHECK_PROGS, ...) and defines
# only its own variables.

VERSION		:= 0.1.0
BUILD		?= build
CC		?= cc
CFLAGS		?= -O2 -g
WARN		:= -Wall -Wextra -Wmissing-prototypes -Wstrict-prototypes \
		   -Wformat=2 -Wshadow -Wno-unused-parameter -Werror
SAN		?=
ALL_CFLAGS	 = $(CFLAGS) $(WARN) $(SAN) -std=gnu11 -fno-common

# A cross build makes the on-device runtime only, for one Debian
# architecture, in its own build directory (mk/runtime.mk).
CROSS		?=
ifneq ($(CROSS),)
CROSS_ARCH	:= $(if $(findstring aarch64,$(CROSS)),arm64,$(if $(findstring arm-linux-gnueabihf,$(CROSS)),armhf,$(patsubst %-,%,$(CROSS))))
BUILD		:= build-cross-$(CROSS_ARCH)
CC		:= $(CROSS)gcc
.DEFAULT_GOAL	:= cross-runtime
endif

# Filled by the mk files: programs `make check` needs, generated sources
# and headers every object waits for.
CHECK_PROGS	:=
GEN_SRCS	:=
GEN_HDRS	:=

.SECONDEXPANSION:
.PHONY: all clean check asan fuzz demo deps update-golden bench
all:

include mk/compiler.mk
include mk/graphql.mk
include mk/diag.mk
include mk/runtime.mk
include mk/tests.mk
include mk/fuzz.mk
include mk/bench.mk
include mk/install.mk

.deps-ok: scripts/deps.sh
	scripts/deps.sh
	@touch $@
deps:
	scripts/deps.sh

demo: .deps-ok all
	@mkdir -p $(BUILD)/demo
	$(BUILD)/edgenetc lint testdata/fleet/fleet.yaml
	rm -rf $(BUILD)/demo/out $(BUILD)/demo/ledger.db
	$(BUILD)/edgenetc compile --ledger $(BUILD)/demo/ledger.db \
	    -o $(BUILD)/demo/out testdata/fleet/fleet.yaml
	@find $(BUILD)/demo/out -type f | sort

clean:
	rm -rf build build-asan build-fuzz build-cross-* .deps-ok
