# libFuzzer harnesses, built with clang into build-fuzz/.
#   fuzz/fuzz_*.c     link against the compiler (COMPILER_SRCS)
#   fuzz/rt_fuzz_*.c  link against the runtime (RUNTIME_LIB_SRCS)
# Each harness NAME has a seed corpus in fuzz/corpus/NAME/.
# Run one:  build-fuzz/NAME -max_total_time=30 fuzz/corpus/NAME
FUZZ_CC		:= clang
FUZZ_FLAGS	:= -O1 -g -fsanitize=fuzzer,address,undefined -fno-omit-frame-pointer
FUZZ_CPPFLAGS	 = $(subst -I$(BUILD)/grammar,-Ibuild-fuzz/grammar,$(COMPILER_CPPFLAGS)) \
		   -DFUZZING -Iruntime
FUZZ_HARNESSES	:= $(patsubst fuzz/%.c,build-fuzz/%,$(wildcard fuzz/fuzz_*.c fuzz/rt_fuzz_*.c))

fuzz:
	$(MAKE) BUILD=build-fuzz $(FUZZ_HARNESSES)

build-fuzz/fuzz_%: fuzz/fuzz_%.c $(COMPILER_SRCS) $(GEN_SRCS)
	$(FUZZ_CC) $(FUZZ_CPPFLAGS) $(FUZZ_FLAGS) -o $@ $< $(COMPILER_SRCS) \
	    $(GEN_SRCS) $(COMPILER_LDLIBS)

build-fuzz/rt_fuzz_%: fuzz/rt_fuzz_%.c $(RUNTIME_LIB_SRCS)
	$(FUZZ_CC) $(FUZZ_CPPFLAGS) $(FUZZ_FLAGS) -o $@ $< $(RUNTIME_LIB_SRCS) \
	    $(RUNTIME_LDLIBS)

# The GraphQL fuzz corpus (seeds + what fuzzing kept) through the
# reference parser and edgenetc: a disagreement fails and is copied into
# testdata/graphql-conformance/found/ (.ci/run runs it after fuzzing).
.PHONY: fuzz-graphql-oracle
fuzz-graphql-oracle: $(BUILD)/edgenetc $(GRAPHQL_JS)/.installed
	BUILD=$(BUILD) fuzz/graphql_oracle.sh
