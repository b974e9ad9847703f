# Benchmarks (bench/<name>/run.sh, one per table in docs/performance.md).
# `make bench` builds what they run and runs each; a script builds its own
# programs with `make` too, so it also runs alone.
BENCH_LIBS	:= $(BUILD)/libedgenetc.a $(COMPILER_LDLIBS)

$(BUILD)/bench/parse: bench/parse/parse.c $(BUILD)/libedgenetc.a
	@mkdir -p $(dir $@)
	$(CC) $(COMPILER_CPPFLAGS) $(CPPFLAGS) $(ALL_CFLAGS) -o $@ $< $(BENCH_LIBS)

$(BUILD)/bench/lint_phases: bench/lint/lint_phases.c $(BUILD)/libedgenetc.a
	@mkdir -p $(dir $@)
	$(CC) $(COMPILER_CPPFLAGS) $(CPPFLAGS) $(ALL_CFLAGS) -o $@ $< $(BENCH_LIBS)

$(BUILD)/bench/lint_floor: bench/lint/lint_floor.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(COMPILER_LDLIBS)

$(BUILD)/bench/fsfloor: bench/compile/fsfloor.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $<

$(BUILD)/bench/alloc/bench_alloc: bench/alloc/bench_alloc.c $(BUILD)/libedgenetc.a
	@mkdir -p $(dir $@)
	$(CC) $(COMPILER_CPPFLAGS) $(CPPFLAGS) $(ALL_CFLAGS) -o $@ $< $(BENCH_LIBS)

$(BUILD)/bench/alloc/alloc_ir: bench/alloc/alloc_ir.c $(BUILD)/libedgenetc.a
	@mkdir -p $(dir $@)
	$(CC) $(COMPILER_CPPFLAGS) $(CPPFLAGS) $(ALL_CFLAGS) -o $@ $< $(BENCH_LIBS)

$(BUILD)/bench/alloc/pg_floor: bench/alloc/pg_floor.c
	@mkdir -p $(dir $@)
	$(CC) $(COMPILER_CPPFLAGS) $(CPPFLAGS) $(ALL_CFLAGS) -o $@ $< -lpq

BENCH_PROGS	:= $(addprefix $(BUILD)/bench/,parse lint_phases lint_floor \
		   fsfloor alloc/bench_alloc alloc/alloc_ir alloc/pg_floor)

bench: all $(BENCH_PROGS)
	@set -e; for b in lint parse alloc compile apply; do \
	    echo "== bench/$$b"; BUILD=$(BUILD) bench/$$b/run.sh; done
