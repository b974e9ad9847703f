# edgenetc: the compiler (compiler/<stage>/, grammar/, common/).
#
# compiler/ holds one folder per pipeline stage; every stage's headers are
# on the include path, so a file includes "diag.h", not "util/diag.h".
COMPILER_STAGES	:= util model front check alloc ledger emit diff cli
# libpq (the PostgreSQL ledger) is always linked as a shared library: a
# static libpq needs static OpenSSL and GSSAPI.
PQ_CFLAGS	:= $(shell pkg-config --cflags libpq 2>/dev/null || echo -I/usr/include/postgresql)
COMPILER_CPPFLAGS := -D_GNU_SOURCE -DEDGENETC_VERSION='"$(VERSION)"' \
		   $(addprefix -Icompiler/,$(COMPILER_STAGES)) -Icommon \
		   -Igrammar -I$(BUILD)/grammar $(PQ_CFLAGS)

# libyaml, jansson and SQLite are linked statically by default: every
# orchestrator `alloc` is a process start, and resolving and relocating
# the shared SQLite costs ~0.4-0.7 ms of a 2-3.5 ms call
# (docs/decisions.md).  STATIC_DEPS=0 links them as shared libraries.
STATIC_DEPS	?= 1
ifeq ($(STATIC_DEPS),1)
COMPILER_LDLIBS	:= -Wl,-Bstatic -lyaml -ljansson -lsqlite3 -Wl,-Bdynamic -lpq -lm -pthread
else
COMPILER_LDLIBS	:= -lyaml -ljansson -lsqlite3 -lpq -lm -pthread
endif

COMPILER_SRCS	:= $(filter-out compiler/cli/main.c,$(wildcard compiler/*/*.c)) \
		   $(wildcard common/*.c) $(wildcard grammar/*.c)
COMPILER_OBJS	 = $(patsubst %.c,$(BUILD)/obj/%.o,$(COMPILER_SRCS)) \
		   $(patsubst %.c,%.o,$(GEN_SRCS))

$(BUILD)/obj/%.o: %.c $$(GEN_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(COMPILER_CPPFLAGS) $(CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/libedgenetc.a: $$(COMPILER_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/edgenetc: $(BUILD)/obj/compiler/cli/main.o $(BUILD)/libedgenetc.a
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(COMPILER_LDLIBS)

ifeq ($(CROSS),)
all: $(BUILD)/edgenetc
CHECK_PROGS	+= $(BUILD)/edgenetc
endif

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
