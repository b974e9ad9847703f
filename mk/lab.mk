# Device lab: the runtime on Debian's own ARM kernels under qemu-system
# (tests/lab/, README "Device lab").
#
#   make lab [ARCH=arm64|armhf]   cross-build edgenet-apply, boot the
#                                 kernel with an initramfs of Debian
#                                 packages, run tests/lab/scenario.sh
#   make lab-all                  arm64, then armhf
#   make lab SCENARIO=FILE [LAB_FLEETS="NAME=FLEET ..."]
#                                 another scenario (and its fleets)
#   make lab LAB_FAULT=NAME       against a runtime built with a
#                                 deliberate fault (runtime/lab_fault.h)
#   make lab-faults [ARCH=...]    every fault in turn: each must fail the
#                                 checks tests/lab/faults.sh expects
#   make lab-size                 edgenet-apply stripped <= 150 KB on
#                                 amd64, arm64 and armhf
#
# The kernel, the packages and the base initramfs are cached in
# $(BUILD)/lab/ARCH and rebuilt when tests/lab/mkroot.sh changes.

ARCH		?= arm64
LAB_DIR		 = $(BUILD)/lab/$(ARCH)
LAB_TRIPLET	 = $(if $(filter armhf,$(ARCH)),arm-linux-gnueabihf,aarch64-linux-gnu)
LAB_RT_BUILD	 = build-cross-$(ARCH)$(if $(LAB_FAULT),-fault-$(LAB_FAULT))
# LAB_FAULT=NAME compiles runtime/lab_fault.h's fault NAME into the runtime
# (in a build directory of its own).
ifneq ($(LAB_FAULT),)
RT_OPT		+= -DLAB_FAULT=$(LAB_FAULT)
endif
SCENARIO	?=
LAB_FLEETS	?=

.PHONY: lab lab-all lab-faults lab-size lab-runtime
.lab-deps-ok: scripts/lab-deps.sh scripts/cross-deps.sh
	scripts/lab-deps.sh
	@touch $@

$(LAB_DIR)/base.cpio.gz: tests/lab/mkroot.sh .lab-deps-ok
	tests/lab/mkroot.sh $(ARCH) $(LAB_DIR)

lab-runtime: .lab-deps-ok
	$(MAKE) --no-print-directory CROSS=$(LAB_TRIPLET)- \
	    BUILD=$(LAB_RT_BUILD) $(LAB_RT_BUILD)/edgenet-apply

lab: .deps-ok .lab-deps-ok $(LAB_DIR)/base.cpio.gz lab-runtime $(BUILD)/edgenetc
	tests/lab/run.sh $(ARCH) $(LAB_DIR) $(LAB_RT_BUILD)/edgenet-apply \
	    $(BUILD)/edgenetc $(SCENARIO) $(LAB_FLEETS)

lab-all:
	$(MAKE) --no-print-directory lab ARCH=arm64
	$(MAKE) --no-print-directory lab ARCH=armhf

lab-faults: .deps-ok .lab-deps-ok $(LAB_DIR)/base.cpio.gz $(BUILD)/edgenetc
	tests/lab/faults.sh $(ARCH)

lab-size: .lab-deps-ok $(BUILD)/edgenet-apply
	$(MAKE) --no-print-directory CROSS=aarch64-linux-gnu- build-cross-arm64/edgenet-apply
	$(MAKE) --no-print-directory CROSS=arm-linux-gnueabihf- build-cross-armhf/edgenet-apply
	@mkdir -p $(BUILD)/lab; fail=0; for x in ":$(BUILD)" \
	    aarch64-linux-gnu-:build-cross-arm64 arm-linux-gnueabihf-:build-cross-armhf; do \
	    f=$${x#*:}/edgenet-apply; $${x%%:*}strip -o $(BUILD)/lab/stripped $$f || exit 1; \
	    s=$$(stat -c %s $(BUILD)/lab/stripped); \
	    if [ $$s -le 153600 ]; then echo "size $$f: $$s bytes stripped (<= 150 KB)"; \
	    else echo "size $$f: $$s bytes stripped, over 150 KB"; fail=1; fi; \
	done; exit $$fail
