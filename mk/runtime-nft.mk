# nft_tool: drives runtime/nft.c (the nftables part of edgenet-apply) from
# tests/e2e/nft_equiv.sh.  Objects come from mk/runtime.mk's $(BUILD)/rt/
# rule; only the nft module and its helpers are linked.

NFT_TOOL	 = $(BUILD)/rt-tools/nft_tool
NFT_TOOL_OBJS	 = $(BUILD)/rt/runtime/nft.o $(BUILD)/rt/runtime/nft_parse.o \
		   $(BUILD)/rt/runtime/util.o

$(BUILD)/rt-tools/nft_tool: runtime/tests/nft_tool.c $(NFT_TOOL_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(RT_CPPFLAGS) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< \
	    $(NFT_TOOL_OBJS) -lmnl -lnftnl

CHECK_PROGS	+= $(NFT_TOOL)
