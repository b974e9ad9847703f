# The GraphQL reference parser (graphql-js, pinned in
# tests/tools/graphql-js/package-lock.json), installed from the npm
# registry into $(BUILD)/graphql-js for tests/e2e/graphql_conformance.sh
# and the fuzz corpus replay (fuzz/graphql_oracle.sh).
GRAPHQL_JS	:= $(BUILD)/graphql-js

$(GRAPHQL_JS)/.installed: tests/tools/graphql-js/package.json \
    tests/tools/graphql-js/package-lock.json scripts/graphql-js.sh
	scripts/graphql-js.sh $(GRAPHQL_JS)
	@touch $@

CHECK_PROGS	+= $(GRAPHQL_JS)/.installed

# The libFuzzer corpus (seed + what fuzzing found) through graphql-js and
# edgenetc: a disagreement fails and is copied into
# testdata/graphql-conformance/found/.
.PHONY: fuzz-graphql-oracle
fuzz-graphql-oracle: $(BUILD)/edgenetc $(GRAPHQL_JS)/.installed
	BUILD=$(BUILD) fuzz/graphql_oracle.sh
