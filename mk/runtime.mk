# edgenet-apply: the on-device runtime (runtime/, common/).
# Links libc, libmnl and libnftnl only; built for size (<= 150 KB
# stripped, docs/performance.md).  A cross build (CROSS=..., see the
# Makefile) makes only this program and its unit tests.
RUNTIME_SRCS	:= $(wildcard runtime/*.c)
RUNTIME_LIB_SRCS := $(filter-out runtime/main.c,$(RUNTIME_SRCS)) $(wildcard common/*.c)
RUNTIME_LDLIBS	:= -lmnl -lnftnl
RT_CPPFLAGS	:= -D_GNU_SOURCE -DEDGENETC_VERSION='"$(VERSION)"' -Iruntime -Icommon
# No unwind tables: C that never unwinds (no exceptions, backtrace() or
# thread cancellation) needs no .eh_frame, 16 KB of the program; a
# debugger uses the -g build's own frame information.
RT_OPT		?= -Os -fno-asynchronous-unwind-tables -fno-unwind-tables
# GNU ld's default maximum page size is 64 KB on aarch64 (4 KB on x86-64
# and arm), and it pads the file so that the RELRO segment ends on such a
# page: 61 KB of zeros in a 139 KB program.  Devices run 4 KB-page kernels
# (Debian's linux-image-arm64); RT_MAX_PAGE=65536 builds for 64 KB pages.
RT_MAX_PAGE	?= 4096
RT_LDFLAGS	 = -Wl,-z,max-page-size=$(RT_MAX_PAGE)

RT_OBJS		 = $(patsubst %.c,$(BUILD)/rt/%.o,$(RUNTIME_SRCS) $(wildcard common/*.c))

$(BUILD)/rt/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(RT_CPPFLAGS) $(ALL_CFLAGS) $(RT_OPT) -MMD -MP -c -o $@ $<

$(BUILD)/edgenet-apply: $(RT_OBJS)
	$(CC) $(ALL_CFLAGS) $(RT_OPT) $(RT_LDFLAGS) $(LDFLAGS) -o $@ $^ $(RUNTIME_LDLIBS)

all: $(BUILD)/edgenet-apply
CHECK_PROGS	+= $(BUILD)/edgenet-apply

-include $(shell find $(BUILD)/rt -name '*.d' 2>/dev/null)
