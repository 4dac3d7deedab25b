# aotc.mk: compile ONNX models to C in a GNU Make build (what aotc_add_model()
# does for CMake).
#
#   include $(AOTC_PREFIX)/share/aotc/aotc.mk
#   $(eval $(call aotc_model,kws,models/kws.onnx,--target cortex-m4))
#   app: main.c $(kws_SRC)
#   	$(CC) -std=c99 -O2 $(kws_CPPFLAGS) $^ -lm -o $@
#
# The calls define rules: put your default goal before them (or set .DEFAULT_GOAL).
# For each model NAME (the C prefix: NAME_run(), NAME_model) it defines
#   NAME_DIR       the directory aotc writes: $(AOTC_OUT)/NAME (AOTC_OUT defaults to aotc-out)
#   NAME_SRC       the generated NAME.c, to compile and link with libm; with
#                  --backend llvm the object NAME.o, to link as it is (the recipe
#                  above does both: $(CC) compiles a .c and links a .o)
#   NAME_CPPFLAGS  -I NAME_DIR, for NAME.h and aotc.h (and NAME_weights.bin with --weights bin)
# and rules that run aotc again when the model file or the aotc binary changes.
# AOTC is the aotc binary: by default the one installed with this file, else
# aotc on the PATH.

aotc_mk_dir := $(dir $(lastword $(MAKEFILE_LIST)))
AOTC ?= $(firstword $(wildcard $(aotc_mk_dir)../../bin/aotc) aotc)
AOTC_OUT ?= aotc-out
# The binary as a file, for the rules to depend on (empty if not found).
aotc_binary = $(firstword $(wildcard $(AOTC)) $(shell command -v $(AOTC) 2>/dev/null))

# What aotc writes for OPTIONS: .o with --backend llvm (or --backend=llvm), else .c.
aotc_suffix = $(if $(or $(filter --backend=llvm,$(1)),$(findstring --backend llvm ,$(strip $(1)) )),.o,.c)

# $(call aotc_model,NAME,MODEL,AOTC OPTIONS)
define aotc_model
$(1)_DIR := $$(AOTC_OUT)/$(1)
$(1)_SRC := $$($(1)_DIR)/$(1)$(call aotc_suffix,$(3))
$(1)_CPPFLAGS := -I$$($(1)_DIR)
$$($(1)_SRC): $(2) $$(aotc_binary)
	$$(AOTC) $(2) -o $$($(1)_DIR) --name $(1) $(3)
	@touch -r $$@ $$($(1)_DIR)/$(1).h $$($(1)_DIR)/aotc.h
$$($(1)_DIR)/$(1).h $$($(1)_DIR)/aotc.h: $$($(1)_SRC) ;
endef
